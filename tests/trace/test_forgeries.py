#!/usr/bin/env python3
"""verify is sound against forged traces (valid files: every checksum recomputed by rvmt.py, written
from docs/trace-format.md), and complete on genuine ones.

usage: test_forgeries.py RVTRACE GUEST_DIR SOURCE_DIR WORK_DIR

 - genuine traces of every small test guest verify at chunk sizes 2^4, 2^10, 2^18 on 1 and 2 threads;
 - each forgery of issue #15 is rejected, with a message naming the check (and chunk/word);
 - a sample of single log-word changes of a genuine trace is rejected every time; the ones that
   pass the per-chunk replay checks (replay accepts them) are caught by the memory pass;
 - a trace made with a different input is rejected.
"""
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rvmt  # noqa: E402

cli, guest_dir, src, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def run(*args, stdin=None):
    with open(stdin, 'rb') if stdin else open(os.devnull, 'rb') as f:
        p = subprocess.run([cli, *args], stdin=f, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(errors='replace') + p.stderr.decode(errors='replace')


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def elf(name, flavour='rv64imac'):
    return f'{guest_dir}/{name}-{flavour}.elf'


def trace(out, program, args=(), chunk=None, inp=None, extra=()):
    cmd = ['trace', '--force', '-o', out] + (['--chunk-steps', str(chunk)] if chunk else [])
    cmd += (['--input', inp] if inp else []) + list(extra) + [program, *args]
    return run(*cmd)


def verify(t, program, args=(), inp=None, threads=1):
    # on both engines: the native replay (aot) must give the interpreter's verdict, word for word
    results = [run('verify', t, '--elf', program, '--threads', str(threads), '--engine', engine,
                   *(['--input', inp] if inp else []), *args) for engine in ('interp', 'aot')]
    check(results[0] == results[1], f'verify {t}: --engine interp gives {results[0]}, --engine aot {results[1]}')
    return results[0]


def expect_rejected(t, program, args, must_contain, what, inp=None):
    rc, out = verify(t, program, args, inp)
    check(rc == 1 and out.startswith('FAILED') and all(m in out for m in must_contain),
          f'{what}: rc {rc}, want FAILED naming {must_contain}: {out.strip()}')


# --- genuine traces verify ---
guests = []
for line in open(f'{src}/tests/guests/small_args.txt'):
    if line.strip() and not line.startswith('#'):
        name, _, *args = line.split()
        inp = f'{src}/tests/guests/expected/{name}.in'
        guests.append((name, args, inp if os.path.exists(inp) else None))
for name, args, inp in guests:
    for chunk in (16, 1024, 262144):
        t = f'{work}/{name}.{chunk}.rvmt'
        rc, out = trace(t, elf(name), args, chunk, inp)
        check(os.path.exists(t), f'trace {name} {chunk}: {out}')
        for threads in (1, 2):
            rc, out = verify(t, elf(name), args, inp, threads)
            check(rc == 0 and out.startswith('OK'), f'genuine {name} chunk {chunk} threads {threads}: {out.strip()}')

# --- forgeries ---
sha, sha_args = elf('sha256'), ['2']
genuine = f'{work}/sha.rvmt'
trace(genuine, sha, sha_args, 1024)
g = rvmt.Trace.read(genuine)
f = f'{work}/forged.rvmt'

# 1. "exited with code 0 after 0 steps, 0 chunks" for a program that never exits.
loop = f'{work}/loop.elf'
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_elf  # noqa: E402
tiny_elf.loop_forever(loop)
trace(f'{work}/loop.rvmt', loop, (), 16, extra=['--max-steps', '0'])
z = rvmt.Trace.read(f'{work}/loop.rvmt')   # 0 steps: checkpoint 0 is the genuine initial state
z.h[rvmt.STOP] = rvmt.STOP_EXITED
z.write(f)
expect_rejected(f, loop, [], ['after 0 steps'], 'zero-step exit')

# 2. checkpoint 0 with sp = 0 and x31 = 0x1234.
t = rvmt.Trace.read(genuine)
t.cps[0][rvmt.cp_reg(2)] = 0
t.cps[0][rvmt.cp_reg(31)] = 0x1234
t.write(f)
expect_rejected(f, sha, sha_args, ['checkpoint 0', 'x2'], 'checkpoint 0 registers')

# 3. "illegal instruction at pc P" where P holds a legal instruction (a step-limit trace, relabelled).
trace(f'{work}/cut.rvmt', sha, sha_args, 1024, extra=['--max-steps', '5000'])
t = rvmt.Trace.read(f'{work}/cut.rvmt')
t.h[rvmt.STOP] = rvmt.STOP_FAULT | (rvmt.FAULT_ILLEGAL << 8)
t.h[rvmt.FAULT_PC] = t.cps[-1][rvmt.CP_PC]
t.h[rvmt.FAULT_ADDR] = 0
t.write(f)
expect_rejected(f, sha, sha_args, ['faults', 'illegal instruction', 'retires it'], 'illegal at a legal pc')

# 4. A patched copy of the ELF (other read-only data) traced, the original's hash written in.
hello = elf('hello')
data = bytearray(open(hello, 'rb').read())
at = data.find(b'hello from rvtrace guest')
check(at > 0, 'hello string in the ELF')
data[at:at + 5] = b'HOWDY'
# Next to the original, with a name of the same length: argv[0] (the path) then lays out the same stack.
patched = f'{guest_dir}/hellX-rv64imac.elf'
open(patched, 'wb').write(data)
trace(f'{work}/patched.rvmt', patched, [], 1024)
os.remove(patched)
t = rvmt.Trace.read(f'{work}/patched.rvmt')
t.h[rvmt.PROGRAM_HASH] = rvmt.fnv1a64(open(hello, 'rb').read())
# argv[0] is part of the run: the forger would also make the argument hash match.
t.h[rvmt.ARGS_HASH] = rvmt.Trace.read((trace(f'{work}/hello.rvmt', hello, [], 1024), f'{work}/hello.rvmt')[1]).h[rvmt.ARGS_HASH]
t.write(f)
expect_rejected(f, hello, [], ['memory: word', 'read-only', 'chunk '], 'patched rodata')

# 5. Another platform / ISA in the header.
for word, value, msg in ((rvmt.PLATFORM, 'zisk', "platform 'zisk'"), (rvmt.ISA, 'rv64gc', "ISA 'rv64gc'")):
    t = rvmt.Trace.read(genuine)
    rvmt.set_identifier(t.h, word, value)
    t.write(f)
    expect_rejected(f, sha, sha_args, [msg], f'header {value}')

# 6. A different recorded exit code.
t = rvmt.Trace.read(genuine)
t.h[rvmt.STOP] = rvmt.STOP_EXITED | (42 << 32)
t.write(f)
expect_rejected(f, sha, sha_args, ['exited with code 0'], 'exit code')

# 7. Single log words changed (checksums recomputed): every one is rejected; those the per-chunk
#    checks accept (replay runs them) are what the memory pass is for.
rng = random.Random(15)
small = f'{work}/sha16.rvmt'
trace(small, sha, sha_args, 16)
base = rvmt.Trace.read(small)
by_memory = 0
for k in rng.sample(range(len(base.log)), 120):
    t = rvmt.Trace.read(small)
    t.log[k] ^= 1 << rng.randrange(64)
    t.write(f)
    rc, out = verify(f, sha, sha_args)
    check(rc == 1 and 'chunk ' in out, f'log word {k} changed: {out.strip()}')
    if 'memory: word' in out:
        by_memory += 1
        rc2, out2 = run('replay', f, '--elf', sha, '--policy', 'digest')
        check(rc2 == 0, f'log word {k}: the memory pass caught it, but replay rejects it too: {out2}')
check(by_memory > 0, 'no log-word change needed the memory pass')
print(f'log-word changes: 120 rejected, {by_memory} of them only by the memory pass')

# 8. Chunk k+1 reads what chunk k stored: change such a value consistently? The replay of chunk k+1
#    would then differ; a value that only flows into memory (copied, not computed with) is caught
#    by the memory pass: covered by 7 (its memory-only rejections are exactly such words).

# 9. A trace made with a different input file.
rd, rd_in = elf('readinput'), f'{src}/tests/guests/expected/readinput.in'
other = f'{work}/other.in'
open(other, 'wb').write(bytes(b ^ 1 for b in open(rd_in, 'rb').read()))
trace(f'{work}/rd.rvmt', rd, [], 1024, rd_in)
expect_rejected(f'{work}/rd.rvmt', rd, [], ['chunk '], 'different input', inp=other)
open(other, 'wb').write(open(rd_in, 'rb').read() + b'more')   # same prefix: the hash still binds the file
rc, out = verify(f'{work}/rd.rvmt', rd, [], other)
check(rc == 1 and 'end of input' in out, f'input with extra bytes (the run read to its end): {out}')
rc, out = verify(f'{work}/rd.rvmt', rd, [], f'{work}/loop.elf')
check(rc == 1 and ('input' in out or 'memory' in out), f'unrelated input: {out}')

# 10. A 720-byte trace claiming 2^40 steps stops at the step budget at once.
t = rvmt.Trace.read(f'{work}/loop.rvmt')
t.h[rvmt.CHUNK_STEPS] = 1 << 40
t.h[rvmt.TOTAL_STEPS] = 1 << 40
t.h[rvmt.STOP] = rvmt.STOP_LIMIT
t.cps = [list(t.cps[0]), list(t.cps[0])]
t.cps[1][rvmt.CP_STEP] = 1 << 40
t.write(f)
print('2^40-step trace:', os.path.getsize(f), 'bytes')
for cmd in (['verify', f, '--elf', loop], ['replay', f, '--elf', loop]):
    rc, out = run(*cmd)
    check(rc == 122 and 'step budget' in out, f'{cmd[0]} of a 2^40-step trace: rc {rc}: {out}')

if failures:
    print(f'{len(failures)} failures')
    sys.exit(1)
print('forgeries OK')
