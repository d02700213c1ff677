#!/usr/bin/env python3
"""The command-line conventions of rvtrace (issue #18, docs/cli.md): --version, help, error lines,
the exit-code table, guest exit codes that collide with it, `--` before guest arguments, counts
with suffixes (checked against a Python model of the grammar), progress lines, --json, errors that
name the user's path, and SIGINT/SIGTERM cleanup of every command that writes a file.

usage: test_cli_conventions.py RVTRACE GUEST_DIR SOURCE_DIR WORK_DIR
"""
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_elf  # noqa: E402

cli, guest_dir, source_dir, work = sys.argv[1:5]
subprocess.run(['rm', '-rf', work])
os.makedirs(work)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def run(*args, timeout=120, env=None, shell_prefix=None):
    """Exit code, stdout, stderr (text)."""
    cmd = [cli, *args]
    if shell_prefix:  # e.g. "ulimit -f 100;": run through bash
        cmd = ['bash', '-c', shell_prefix + ' exec "$0" "$@"', *cmd]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def one_error_line(err, what):
    lines = [l for l in err.splitlines() if l]
    check(len(lines) == 1 and lines[0].startswith('rvtrace: error: '), f'{what}: want one "rvtrace: error:" line: {err!r}')


exitcode = f'{guest_dir}/exitcode-rv64imac.elf'
sha = f'{guest_dir}/sha256-rv64imac.elf'
loop = f'{work}/loop.elf'
tiny_elf.loop_forever(loop)

# --- --version: the numbers of include/rvtrace/version.hpp ---
hdr = open(f'{source_dir}/include/rvtrace/version.hpp').read()
want = '.'.join(re.search(rf'#define RVTRACE_VERSION_{k} (\d+)', hdr).group(1) for k in ('MAJOR', 'MINOR', 'PATCH'))
rc, out, err = run('--version')
check(rc == 0 and out.strip() == f'rvtrace {want}', f'--version: {rc} {out!r} (want rvtrace {want})')

# --- help, help CMD, --help: usage, and the exit-code table in every one ---
commands = ['run', 'witness', 'trace', 'replay', 'verify', 'info', 'merge', 'profile']
rc, out, _ = run('help')
check(rc == 0 and 'Usage: rvtrace' in out and all(c in out for c in commands), f'help: {rc} {out[:200]!r}')
table = re.findall(r'^  (\d+) ', out, re.M)
check(table[:1] == ['0'] and {'1', '120', '121', '122'} <= set(table), f'help: exit-code table {table}')
for c in commands:
    rc, out, _ = run('help', c)
    rc2, out2, _ = run(c, '--help')
    check(rc == 0 and f'Usage: rvtrace {c}' in out and '120  bad input' in out, f'help {c}: {rc} {out[:300]!r}')
    check(rc2 == 0 and '120  bad input' in out2, f'{c} --help lacks the exit-code table')
rc, out, err = run('help', 'nope')
check(rc == 120 and 'nope' in err, f'help nope: {rc} {err!r}')
one_error_line(err, 'help nope')
# The table of docs/cli.md is the one --help prints.
doc = open(f'{source_dir}/docs/cli.md').read()
doc_codes = re.findall(r'^\| `(\d+)` \|', doc, re.M)
check(set(doc_codes) >= {'0', '1', '120', '121', '122'}, f'docs/cli.md exit codes: {doc_codes}')

# --- every error: one line, "rvtrace: error: ", exit 120 (parse errors too) ---
rc, out, err = run('trace', '-o', f'{work}/sha.rvmt', sha, '2')
check(rc == 0, f'trace sha: {rc} {err}')
for what, args in (('no command', []),
                   ('unknown command', ['nope']),
                   ('unknown option', ['run', '--nope', exitcode]),
                   ('missing program', ['run']),
                   ('missing -o', ['trace', exitcode]),
                   ('bad --engine', ['trace', '--engine', 'x', '-o', f'{work}/x.rvmt', exitcode]),
                   ('missing file', ['info', f'{work}/missing.rvmt']),
                   ('bad --policy', ['replay', f'{work}/sha.rvmt', '--elf', sha, '--policy', 'nope']),
                   ('bad count', ['replay', f'{work}/sha.rvmt', '--elf', sha, '--threads', 'many']),
                   ('verify: unreadable trace', ['verify', f'{work}/missing.rvmt', '--elf', sha]),
                   ('merge: no partials', ['merge'])):
    rc, out, err = run(*args)
    check(rc == 120, f'{what}: exit {rc}, want 120: {err!r}')
    one_error_line(err, what)
rc, out, err = run('run', exitcode, '-x')
check(rc == 120 and 'after --' in err, f'a guest option without --: {rc} {err!r}')

# --- `--` before guest arguments: everything after it is the guest's ---
rc, out, err = run('run', exitcode, '--', '-7')
check(rc == 249, f'run exitcode -- -7: {rc} (want 249) {err!r}')
rc, out, err = run('run', exitcode, '--', '--stats', '3')
check(rc == 0 and err == '', f'run exitcode -- --stats: the guest gets --stats (atoi 0): {rc} {err!r}')
rc, out, err = run('run', '--', exitcode, '12')
check(rc == 12, f'run -- PROG 12: {rc}')
t = f'{work}/dash.rvmt'
rc, _, err = run('trace', '-o', t, exitcode, '--', '-x', '--max-steps')
check(rc == 0, f'trace -- -x --max-steps: {rc} {err!r}')
rc, out, _ = run('verify', t, '--elf', exitcode, '--', '-x', '--max-steps')
check(rc == 0 and out.startswith('OK'), f'verify -- -x --max-steps: {rc} {out!r}')
rc, out, _ = run('verify', t, '--elf', exitcode, '--', '-x')
check(rc == 1 and out.startswith('FAILED'), f'verify with other guest arguments: {rc} {out!r}')

# --- guest exit codes that read as rvtrace's own: --stats and --status-file say so ---
for code, clash in ((5, None), (120, 'bad-input'), (121, 'guest-fault'), (122, 'step-limit'), (130, 'signal 2')):
    for cmd in ('run', 'trace'):
        extra = ['-o', f'{work}/ec{code}.rvmt', '--force'] if cmd == 'trace' else []
        rc, _, err = run(cmd, '--stats', *extra, exitcode, str(code))
        check(rc == code, f'{cmd} exitcode {code}: exit {rc}')
        check((clash is None) == ('reads as' not in err) and (clash is None or clash in err),
              f'{cmd} --stats, guest exit {code}: {err!r}')
        rc, _, err = run(cmd, '--stats', '--json', *extra, exitcode, str(code))
        j = json.loads(err.strip().splitlines()[-1])
        check(j['guest_exit_code'] == code and j['exit_code'] == code and
              (clash is None) == ('exit_code_collides_with' not in j), f'{cmd} --stats --json, exit {code}: {j}')
status = f'{work}/status.json'
rc, _, _ = run('--status-file', status, 'run', exitcode, '121')
check(rc == 121 and json.load(open(status)) == {'status': 'exited', 'exit_code': 121, 'guest_exit_code': 121},
      f'--status-file of a guest exit 121: {open(status).read()}')


# --- counts: a Python model of the grammar (docs/cli.md), compared through the CLI ---
SI = {'k': 3, 'K': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15}
BIN = {'Ki': 10, 'Mi': 20, 'Gi': 30, 'Ti': 40, 'Pi': 50}


def model(text):
    """The count, or None when the grammar refuses it."""
    m = re.fullmatch(r'2\^(\d+)', text)
    if m:
        return 1 << int(m.group(1)) if int(m.group(1)) <= 63 else None
    m = re.fullmatch(r'(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|[kKMGTP])?', text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    whole, frac = (m.group(1) or '').replace('_', ''), (m.group(2) or '').replace('_', '')
    v = Fraction(int(whole or '0')) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    v *= Fraction(10) ** int(m.group(3) or 0)
    s = m.group(4)
    v *= 10 ** SI[s] if s in SI else (1 << BIN[s] if s else 1)
    return int(v) if v.denominator == 1 and v < 1 << 64 else None


cases = ['0', '7', '1000', '1_000', '1__0', '_1', '1_', '4k', '4K', '1M', '2G', '1T', '1P', '4Ki', '1Mi', '3Gi',
         '1Ti', '1Pi', '1e3', '1E3', '1e+3', '2.5e3', '1.5k', '0.5Ki', '.5k', '1.', '1e-3', '1500e-3', '1.5', '2^10',
         '2^18', '2^63', '2^64', '2^', '2^x', '-1', '+1', '', 'k', 'e3', '1e', '1x', '1kb', '1 k', '0x10', '1m',
         '18446744073709551615', '18446744073709551616', '18446744073709551615.0', '1.8446744073709551615e19',
         '1.8446744073709551616e19', '16Pi', '16384Pi', '18446744073709551615000e-3', '1e19', '1e20', '1e999',
         '0e999', '00000000000000000000000001k', '123456789012345678901234e-10']
t_exit = f'{work}/exit.rvmt'
run('trace', '-o', t_exit, exitcode)
for text in cases:
    want = model(text)
    if want is not None and want <= 200000:
        # The step limit shows the count: the loop runs exactly that many steps.
        rc, out, err = run('run', '--max-steps', text, loop)
        got = re.search(r'\((\d+) steps\)', err)
        check(rc == 122 and got and int(got.group(1)) == want, f'count {text!r}: want {want}: {rc} {err!r}')
    elif want is not None:
        # --threads refuses more than 1024 and names the count it read.
        rc, out, err = run('replay', t_exit, '--elf', exitcode, '--threads', text)
        check(rc == 120 and f'--threads {want}: at most 1024' in err, f'count {text!r}: want {want}: {rc} {err!r}')
    else:
        rc, out, err = run('run', '--max-steps', text, loop)
        check(rc == 120 and '--max-steps' in err, f'count {text!r} must be refused: {rc} {err!r}')
        one_error_line(err, f'count {text!r}')
rc, _, err = run('run', '--max-steps', '-1', loop)
check('negative' in err, f'a negative count says so: {err!r}')
rc, _, err = run('run', '--max-steps', '2^64', loop)
check('larger than' in err, f'an overflowing count says so: {err!r}')
rc, _, err = run('run', '--max-steps', '1.5', loop)
check('whole number' in err, f'a fraction says so: {err!r}')

# --- --json: info, verify, --stats ---
rc, out, _ = run('info', '--json', f'{work}/sha.rvmt')
j = json.loads(out)
rc2, text, _ = run('info', f'{work}/sha.rvmt')
fields = dict(re.match(r'(\S.*?\S)\s{2,}(.*)', l).groups() for l in text.splitlines())
check(str(j['steps']) == fields['steps'] and str(j['chunks']) == fields['chunks'] and
      j['program_hash'] == fields['program hash'] and j['stop'] == {'reason': 'exited', 'exit_code': 0} and
      j['platform'] == fields['platform'] and j['isa'] == fields['isa'], f'info --json vs info: {j} {fields}')
rc, out, _ = run('verify', '--json', f'{work}/sha.rvmt', '--elf', sha, '2')
j = json.loads(out)
check(rc == 0 and j['verdict'] == 'ok' and j['steps'] == int(fields['steps']), f'verify --json: {rc} {out!r}')
rc, out, _ = run('verify', '--json', f'{work}/sha.rvmt', '--elf', sha, '3')
j = json.loads(out)
check(rc == 1 and j['verdict'] == 'failed' and 'argument' in j['reason'], f'verify --json of a wrong run: {rc} {out!r}')
rc, _, err = run('replay', '--stats', '--json', f'{work}/sha.rvmt', '--elf', sha, '--threads', '2')
j = json.loads(err)
check(rc == 0 and j['command'] == 'replay' and j['steps'] == int(fields['steps']) and j['threads'] == 2,
      f'replay --stats --json: {err!r}')
rc, _, err = run('run', '--stats', '--json', '--engine', 'interp', sha, '2')
j = json.loads(err)
check(rc == 0 and j['steps'] == int(fields['steps']) and j['engine'] == 'interp', f'run --stats --json: {err!r}')

# --- progress: rate and ETA, on a terminal or with --progress, ended before an error ---
long_t = f'{work}/long.rvmt'
rc, _, err = run('trace', '--progress', '--max-steps', '2e9', '-o', f'{work}/longer.rvmt', loop)  # ~2 s
os.remove(f'{work}/longer.rvmt')
check(rc == 122 and re.search(r'\rrvtrace: traced [\d.]+ [kMG]? ?steps, [\d.]+ [kMG]? ?steps/s', err),
      f'trace --progress: {err!r}')
check(re.search(r'steps/s[^\r\n]*\x1b\[K\nrvtrace: step limit', err), f'trace: the progress line is ended: {err!r}')
rc, _, err = run('trace', '--max-steps', '4e8', '-o', long_t, loop)
check(rc == 122 and err.startswith('rvtrace: step limit'), f'trace: no progress when stderr is not a terminal: {err!r}')
# (verify on the interpreter: native verify does 400 M steps of this loop before the first draw at 250 ms)
rc, _, err = run('verify', '--progress', '--engine', 'interp', '--threads', '1', long_t, '--elf', loop)
check(rc == 0 and re.search(r'verified \d+% \([^)]* of 400 M steps\), [\d.]+ [kMG]? ?steps/s, [\d.]+ s, ETA', err),
      f'verify --progress: rate and ETA: {err!r}')
check(err.endswith('\n') and 'verified 100%' in err, f'verify --progress ends its line at 100%: {err!r}')
rc, _, err = run('replay', '--no-progress', long_t, '--elf', loop)
check(rc == 0 and err == '', f'replay --no-progress: {err!r}')
rc, _, err = run('run', '--stats', '--progress', '--engine', 'interp', '--max-steps', '1e8', loop)
check(rc == 122 and 'rvtrace: ran ' in err and '\x1b[K\n' in err, f'run --stats --progress: {err!r}')
rc, out, err = run('witness', '--progress', '--policy', 'digest', '--max-steps', '3e8', loop)  # (long enough to outlast the 250 ms before the first draw)
check(rc == 122 and 'rvtrace: witnessed ' in err and 'digest' in out, f'witness --progress: {err!r}')
# An error in the middle of a replay: the line ends first (a corrupt log word of the last chunk, in
# the trace of a loop that loads a stack word: one log word per chunk).
LD_T0_SP = 0x00013283  # ld t0, 0(sp)
J_BACK = 0xffdff06f    # j -4
load_loop = f'{work}/load_loop.elf'
open(load_loop, 'wb').write(tiny_elf.make_elf([(0x10000, 'rx', struct.pack('<II', LD_T0_SP, J_BACK), 8)], 0x10000))
loads_t = f'{work}/loads.rvmt'
rc, _, err = run('trace', '--max-steps', '4e8', '-o', loads_t, load_loop)
check(rc == 122, f'trace of the load loop: {rc} {err!r}')
bad_t = f'{work}/bad.rvmt'
data = bytearray(open(loads_t, 'rb').read())
index_offset = int.from_bytes(data[8 * 11:8 * 12], 'little')  # header word 11 (docs/trace-format.md)
data[index_offset - 8] ^= 1
open(bad_t, 'wb').write(data)
rc, _, err = run('replay', '--progress', '--threads', '1', bad_t, '--elf', load_loop)
check(rc == 120 and re.search(r'replayed \d+%[^\r\n]*\n(rvtrace: error: [^\r\n]*\n)$', err),
      f'an error after progress starts its own line: {rc} {err!r}')


def on_terminal(*args):
    """stderr of the command with a pseudo-terminal as stderr (and stdout)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(cli, [cli, *args])
    chunks = []
    while True:
        r, _, _ = select.select([fd], [], [], 60)
        if not r:
            break
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    os.waitpid(pid, 0)
    return b''.join(chunks).decode(errors='replace')


term = on_terminal('verify', '--engine', 'interp', '--threads', '1', long_t, '--elf', loop)
check('verified ' in term and 'ETA' in term, f'verify on a terminal shows progress: {term!r}')
term = on_terminal('verify', '--no-progress', '--threads', '1', long_t, '--elf', loop)
check('verified ' not in term and term.startswith('OK'), f'verify --no-progress on a terminal: {term!r}')
rc, _, err = run('verify', '--threads', '1', long_t, '--elf', loop)
check('verified' not in err, f'verify: no progress when stderr is not a terminal: {err!r}')

# --- errors name the user's path, never a temporary ---
limit = "trap '' XFSZ; ulimit -f 64;"  # writes past 64 KiB fail with EFBIG
for what, args, name in (
        ('trace', ['trace', '--chunk-steps', '16', '--max-steps', '1e6', '-o', f'{work}/full.rvmt', loop], 'full.rvmt'),
        ('witness', ['witness', '--max-steps', '1e5', '-o', f'{work}/full.txt', loop], 'full.txt'),
        ('replay --save-partial', ['replay', long_t, '--elf', loop, '--policy', 'text', '--chunks', '0:1',
                                   '--save-partial', f'{work}/full.part'], None)):  # a chunk's spill file fills first
    rc, _, err = run(*args, shell_prefix=limit)
    check(rc == 120 and '.tmp.' not in err and (name is None or name in err), f'{what} on a full disk: {rc} {err!r}')
    one_error_line(err, f'{what} on a full disk')
rc, _, err = run('trace', '-o', f'{work}/no/such/dir/t.rvmt', exitcode)
check(rc == 120 and 'no/such/dir/t.rvmt' in err and '.tmp.' not in err, f'trace into a missing directory: {err!r}')
check(not [f for f in os.listdir(work) if '.tmp.' in f], f'temporaries left: {os.listdir(work)}')

# --- replay --chunks -o and merge -o follow the file rule like every other output ---
shat = f'{work}/sha.rvmt'
part = f'{work}/sha.part'
rc, _, err = run('replay', shat, '--elf', sha, '--chunks', '0:', '--save-partial', part)
check(rc == 0, f'replay --save-partial: {rc} {err!r}')
exists = f'{work}/exists.txt'
open(exists, 'w').write('keep')
for what, args in (('replay --chunks -o EXISTING', ['replay', shat, '--elf', sha, '--chunks', '0:', '-o', exists]),
                   ('replay --chunks -o TRACE', ['replay', shat, '--elf', sha, '--chunks', '0:', '-o', shat, '--force']),
                   ('merge -o EXISTING', ['merge', part, '-o', exists]),
                   ('merge -o PARTIAL', ['merge', part, '-o', part, '--force'])):
    rc, _, err = run(*args)
    check(rc == 120 and open(exists).read() == 'keep', f'{what}: {rc} {err!r}')
    one_error_line(err, what)
rc, _, err = run('merge', part, '-o', exists, '--force')
check(rc == 0 and open(exists).read().startswith('digest'), f'merge -o EXISTING --force: {rc} {err!r}')

# --- SIGINT / SIGTERM remove the temporaries of every command that writes a file ---
# (replay --save-partial and merge create their file only once the result is complete.)
writers = {
    'trace': ['trace', '--chunk-steps', '16', '-o', '{out}', loop],
    'witness': ['witness', '-o', '{out}', loop],
    'witness --policy': ['witness', '--policy', 'histogram', '-o', '{out}', loop],
    'replay -o': ['replay', long_t, '--elf', loop, '--policy', 'text', '--threads', '1', '-o', '{out}'],
    'replay --chunks -o': ['replay', long_t, '--elf', loop, '--policy', 'text', '--chunks', '0:', '-o', '{out}'],
    'profile -o': ['profile', long_t, '--elf', loop, '--threads', '1', '--format', 'folded', '-o', '{out}'],
}
for sig in (signal.SIGINT, signal.SIGTERM):
    for what, args in writers.items():
        sub = f'{work}/sig_{sig.name}_{what.replace(" ", "_")}'
        os.makedirs(sub)
        out = f'{sub}/out'
        p = subprocess.Popen([cli, *[a.replace('{out}', out) for a in args]], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.listdir(sub) and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.02)
        time.sleep(0.2)
        had = os.listdir(sub)
        p.send_signal(sig)
        p.wait(timeout=30)
        check(had and p.returncode == -sig, f'{what}: {sig.name} while writing ({had}): exit {p.returncode}')
        check(os.listdir(sub) == [], f'{what}: {sig.name} left {os.listdir(sub)}')

print(f'{len(failures)} failed' if failures else 'all CLI conventions hold')
sys.exit(1 if failures else 0)
