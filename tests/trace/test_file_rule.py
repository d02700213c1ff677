#!/usr/bin/env python3
"""The file rule, budgets and signals of every rvtrace command (issue #15).

usage: test_file_rule.py RVTRACE GUEST_DIR WORK_DIR
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_elf  # noqa: E402

cli, guest_dir, work = sys.argv[1:4]
subprocess.run(['rm', '-rf', work])
os.makedirs(work)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def run(*args, timeout=60):
    t0 = time.monotonic()
    p = subprocess.run([cli, *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode(errors='replace'), time.monotonic() - t0


def run_rss(*args):
    """Exit code and peak RSS (KiB, getrusage of that child) of a command whose stdout is discarded."""
    with open(os.devnull, 'wb') as null:
        p = subprocess.Popen([cli, *args], stdin=subprocess.DEVNULL, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        return p.returncode, usage.ru_maxrss


def data(path):
    return open(path, 'rb').read()


sha = f'{guest_dir}/sha256-rv64imac.elf'
t = f'{work}/t.rvmt'
rc, out, _ = run('trace', '-o', t, sha, '2')
check(rc == 0, f'trace: {out}')
elf_before, t_before = data(sha), data(t)

# --- never write over an input; never overwrite without --force ---
for what, cmd, victim, before in (
        ('replay T -o T', ['replay', t, '--elf', sha, '-o', t], t, t_before),
        ('replay T -o ./T --force', ['replay', t, '--elf', sha, '-o', f'{work}/./t.rvmt', '--force'], t, t_before),
        ('replay -o ELF', ['replay', t, '--elf', sha, '-o', sha, '--force'], sha, elf_before),
        ('witness ELF -o ELF', ['witness', sha, '2', '-o', sha, '--force'], sha, elf_before),
        ('trace -o ELF', ['trace', '--force', '-o', sha, sha, '2'], sha, elf_before)):
    rc, out, _ = run(*cmd)
    check(rc == 120 and data(victim) == before, f'{what}: rc {rc}, file unchanged {data(victim) == before}: {out}')
    check('input' in out, f'{what}: message {out}')
os.link(t, f'{work}/hardlink.rvmt')
rc, out, _ = run('replay', t, '--elf', sha, '-o', f'{work}/hardlink.rvmt', '--force')
check(rc == 120 and data(t) == t_before, f'replay -o a hard link of the trace: rc {rc} {out}')
existing = f'{work}/existing.txt'
open(existing, 'w').write('keep me')
for cmd in (['replay', t, '--elf', sha, '-o', existing], ['witness', sha, '2', '-o', existing]):
    rc, out, _ = run(*cmd)
    check(rc == 120 and data(existing) == b'keep me' and 'exists' in out, f'{cmd[0]} over an existing file: {rc} {out}')
rc, out, _ = run('replay', t, '--elf', sha, '-o', existing, '--force')
check(rc == 0 and data(existing) != b'keep me', f'replay --force: {rc} {out}')
check(not [f for f in os.listdir(work) if '.tmp.' in f], f'temporaries left: {os.listdir(work)}')

# --- non-regular inputs: exit 120 at once ---
fifo = f'{work}/fifo'
os.mkfifo(fifo)
for cmd in (['run', fifo], ['trace', '-o', f'{work}/x.rvmt', fifo], ['verify', fifo, '--elf', sha],
            ['replay', fifo, '--elf', sha], ['info', fifo], ['verify', t, '--elf', fifo, '2'],
            ['run', '--input', fifo, sha, '2']):
    try:
        rc, out, secs = run(*cmd, timeout=10)
        check(rc == 120 and secs < 5 and 'not a regular file' in out, f'{cmd}: rc {rc} in {secs:.1f} s: {out}')
    except subprocess.TimeoutExpired:
        check(False, f'{cmd}: hangs on a FIFO')

# --- executable span cap ---
for maker in (tiny_elf.huge_exec_span, tiny_elf.far_apart_exec):
    p = f'{work}/{maker.__name__}.elf'
    maker(p)
    for engine in ('aot', 'interp'):
        rc, out, secs = run('run', '--engine', engine, p)
        check(rc == 120 and secs < 1 and 'max_exec_span' in out,
              f'{maker.__name__} ({os.path.getsize(p)} bytes) {engine}: rc {rc} in {secs:.2f} s: {out}')

# --- numbers: out of range is an error, never "unlimited" ---
loop = f'{work}/loop.elf'
tiny_elf.loop_forever(loop)
for bad in ('-1', '18446744073709551616', '1e-9', ''):
    rc, out, _ = run('run', '--max-steps', bad, loop, timeout=10)
    check(rc == 120, f'--max-steps {bad!r}: rc {rc}: {out}')
# --max-steps 0 reports the entry pc on every engine.
for engine in ('aot', 'interp'):
    rc, out, _ = run('run', '--engine', engine, '--max-steps', '0', loop)
    check(rc == 122 and 'pc 0x10000' in out, f'--max-steps 0 on {engine}: {rc} {out}')

# --- trace budgets ---
big = f'{work}/big.rvmt'
rc, out, _ = run('trace', '--chunk-steps', '16', '--max-bytes', '1000000', '-o', big, loop)
check(rc == 122 and '--max-bytes' in out and not os.path.exists(big), f'trace --max-bytes: rc {rc}: {out}')
rc, out, _ = run('trace', '--max-steps', '100000', '-o', big, loop)
check(rc == 122 and 'step limit' in out and os.path.exists(big), f'trace --max-steps: rc {rc}: {out}')
rc, out, _ = run('verify', big, '--elf', loop)
check(rc == 0 and 'step limit' in out, f'verify of a step-limit trace: {out}')
rc, out, _ = run('verify', big, '--elf', loop, '--max-steps', '99999')
check(rc == 122 and 'step budget' in out, f'verify --max-steps: {rc} {out}')
check('default 68719476736' in run('trace', '--help')[1], 'trace has a default step limit')

# --- SIGTERM / SIGINT during trace leave no file behind ---
for sig in (signal.SIGTERM, signal.SIGINT):
    sub = f'{work}/sig{int(sig)}'
    os.makedirs(sub)
    p = subprocess.Popen([cli, 'trace', '--chunk-steps', '16', '-o', f'{sub}/t.rvmt', loop],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.7)
    check(any('.tmp.' in f for f in os.listdir(sub)), f'{sig.name}: the trace had a temporary')
    p.send_signal(sig)
    p.wait(timeout=10)
    check(os.listdir(sub) == [], f'{sig.name} during trace left {os.listdir(sub)}')

# --- replay --policy text of one 2^24-step chunk: bounded memory ---
one = f'{work}/one.rvmt'
rc, out, _ = run('trace', '--chunk-steps', str(1 << 24), '--max-steps', str(1 << 24), '-o', one, loop, timeout=120)
check(rc == 122, f'trace of one 2^24-step chunk: {rc} {out}')
for policy in ('text', 'witness'):
    rc, rss = run_rss('replay', one, '--elf', loop, '--policy', policy, '--threads', '1')
    print(f'replay --policy {policy} of one 2^24-step chunk: peak RSS {rss} KiB')
    check(rc == 0 and rss < 200 * 1024, f'replay --policy {policy}: rc {rc}, peak RSS {rss} KiB')

# --- a chunk past the spill threshold (8 row groups) streams byte for byte like a sequential run ---
import hashlib  # noqa: E402
steps = (1 << 20) + 70000
spill = f'{work}/spill.rvmt'
rc, out, _ = run('trace', '--chunk-steps', str(1 << 20), '--max-steps', str(steps), '-o', spill, loop)
check(rc == 122, f'trace for the spill check: {out}')


def stdout_hash(*args):
    p = subprocess.Popen([cli, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    h = hashlib.sha256()
    for piece in iter(lambda: p.stdout.read(1 << 20), b''):
        h.update(piece)
    p.wait()
    return h.hexdigest()


for policy in ('text', 'witness'):
    seq = stdout_hash('witness', '--policy', policy, '--max-steps', str(steps), loop)
    for threads in ('1', '2'):
        rep = stdout_hash('replay', spill, '--elf', loop, '--policy', policy, '--threads', threads)
        check(rep == seq, f'replay --policy {policy} of a spilled chunk ({threads} threads) differs from the sequential run')

# --- --status-file ---
st = f'{work}/status.json'
ec = f'{guest_dir}/exitcode-rv64imac.elf'
rc, out, _ = run('--status-file', st, 'run', ec, '121')
check(rc == 121 and json.load(open(st)) == {'status': 'exited', 'exit_code': 121, 'guest_exit_code': 121},
      f'status of a guest exiting 121: {open(st).read() if os.path.exists(st) else out}')
os.remove(st)
rc, out, _ = run('--status-file', st, 'run', f'{guest_dir}/fault_illegal-rv64imac.elf')
check(rc == 121 and json.load(open(st))['status'] == 'guest_fault', f'status of a fault: {out}')
rc, out, _ = run('--status-file', st, 'run', ec, '3')
check(rc == 120 and 'exists' in out, f'status file is not overwritten: {rc} {out}')

if failures:
    print(f'{len(failures)} failures')
    sys.exit(1)
print('file rule and budgets OK')
