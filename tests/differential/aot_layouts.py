#!/usr/bin/env python3
"""AOT vs interpreter on real-ELF layouts the in-tree fuzzer (one synthetic layout) does not cover,
and on random programs with loops and jumps into the middle of instructions.

usage: aot_layouts.py RVTRACE WORK_DIR [COUNT]

Every program runs on both engines: `run` must give the same exit code and message, and `trace`
must write byte-identical .rvmt files (every chunk's registers and memory log, chunk size 16).
Layouts: text at address 0, text near 3 GiB, a 4-byte instruction cut by the end of text, data
just below the stack region. Encodings are from the RISC-V unprivileged spec.
"""
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'trace'))
import tiny_elf  # noqa: E402

cli, work = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 60
os.makedirs(work, exist_ok=True)
failures = []


def r_type(f7, rs2, rs1, f3, rd, op=0x33):
    return struct.pack('<I', f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op)


def i_type(imm, rs1, f3, rd, op=0x13):
    return struct.pack('<I', (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op)


def s_type(imm, rs2, rs1, f3):
    imm &= 0xfff
    return struct.pack('<I', (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | 0x23)


def b_type(off, rs2, rs1, f3):
    o = off & 0x1fff
    return struct.pack('<I', (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
                       (o >> 1 & 0xf) << 8 | (o >> 11 & 1) << 7 | 0x63)


def u_type(imm20, rd, op=0x37):
    return struct.pack('<I', (imm20 & 0xfffff) << 12 | rd << 7 | op)


def jal(off, rd):
    o = off & 0x1fffff
    return struct.pack('<I', (o >> 20 & 1) << 31 | (o >> 1 & 0x3ff) << 21 | (o >> 11 & 1) << 20 |
                       (o >> 12 & 0xff) << 12 | rd << 7 | 0x6f)


def li32(rd, v):
    """lui + addi (v as a signed 32-bit value)."""
    hi = (v + 0x800) >> 12
    return u_type(hi, rd) + i_type(v - (hi << 12), rd, 0, rd)


EXIT = i_type(93, 0, 0, 17) + struct.pack('<I', 0x00000073)   # li a7, 93; ecall (exit a0)
C_NOP, C_ADDI_A0_1 = struct.pack('<H', 0x0001), struct.pack('<H', 0x0505)  # c.nop, c.addi a0, 1


def random_program(rng, text_base, data_addr, n=40):
    """Random ALU/memory/branch code: x5..x9 hold values, x18 points at data; branches and jumps go to
    any 2-byte offset of the program (into instructions too), so decoding from odd parcels and loops
    happen. Ends with an exit."""
    head = li32(18, data_addr & 0x7fffffff) if data_addr < 1 << 31 else (
        li32(18, data_addr >> 12) + i_type(12, 18, 1, 18))  # slli x18, x18, 12
    pieces = [head] + [li32(r, rng.randrange(-2**31, 2**31)) for r in range(5, 10)]
    body = []
    for _ in range(n):
        k = rng.randrange(10)
        rd, rs1, rs2 = rng.randrange(5, 10), rng.randrange(5, 10), rng.randrange(5, 10)
        if k < 3:
            body.append(r_type(rng.choice([0, 0x20, 1]), rs2, rs1, rng.randrange(8), rd))
        elif k < 5:
            body.append(i_type(rng.randrange(-2048, 2048), rs1, rng.choice([0, 4, 6, 7]), rd))
        elif k == 5:
            body.append(i_type(rng.randrange(0, 256, 8), 18, 3, rd, op=0x03))    # ld rd, off(x18)
        elif k == 6:
            body.append(s_type(rng.randrange(0, 256), rs2, 18, rng.randrange(4)))  # sb/sh/sw/sd
        elif k == 7:
            body.append(rng.choice([C_NOP, C_ADDI_A0_1]))
        else:
            body.append(None)  # a branch or jump, patched below once offsets are known
    pre = b''.join(pieces)
    offsets, at = [], len(pre)
    for b in body:
        offsets.append(at)
        at += 4 if b is None else len(b)
    end = at
    out = bytearray(pre)
    for b, here in zip(body, offsets):
        if b is None:
            target = rng.randrange(len(pre) // 2, end // 2) * 2
            b = (b_type(target - here, rng.randrange(5, 10), rng.randrange(5, 10), rng.choice([0, 1, 4, 5, 6, 7]))
                 if rng.random() < 0.7 else jal(target - here, 0))
        out += b
    return bytes(out) + i_type(0, 5, 0, 10) + EXIT  # a0 = x5


def check_same(name, path):
    results = {}
    for engine in ('aot', 'interp'):
        p = subprocess.run([cli, 'run', '--engine', engine, '--max-steps', '20000', path],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        results[engine] = (p.returncode, p.stdout, p.stderr)
        t = f'{work}/{name}.{engine}.rvmt'
        subprocess.run([cli, 'trace', '--force', '--engine', engine, '--chunk-steps', '16', '--max-steps', '20000',
                        '-o', t, path], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    a, i = results['aot'], results['interp']
    if a != i:
        failures.append(f'{name}: run differs: aot {a}, interp {i}')
    ta, ti = f'{work}/{name}.aot.rvmt', f'{work}/{name}.interp.rvmt'
    if not (os.path.exists(ta) and os.path.exists(ti) and open(ta, 'rb').read() == open(ti, 'rb').read()):
        failures.append(f'{name}: traces differ ({path})')
    return a[0]


STACK_BOTTOM = (4 << 30) - (64 << 10) - (8 << 20)
layouts = {
    'text_at_0': (0x0, 0x10000),
    'text_near_3g': (0xC0000000, 0xC0100000),
    'data_below_stack': (0x10000, STACK_BOTTOM - 0x1000),
}
rng = random.Random(1515)
codes = set()
for k in range(count):
    name = list(layouts)[k % len(layouts)]
    text, data = layouts[name]
    code = random_program(rng, text, data)
    path = f'{work}/{name}_{k}.elf'
    open(path, 'wb').write(tiny_elf.make_elf([(text, 'rx', code, len(code)), (data, 'rw', bytes(range(256)) * 2, 4096)],
                                             text))
    codes.add(check_same(f'{name}_{k}', path))

# A 4-byte instruction whose second half lies past the end of text: jumping to it faults the same way.
cut = li32(5, 7) + jal(12, 0) + EXIT + struct.pack('<H', 0x0513)  # ... j +8 lands on the cut addi
for base in (0x0, 0x10000, 0xC0000000):
    path = f'{work}/cut_{base:x}.elf'
    open(path, 'wb').write(tiny_elf.make_elf([(base, 'rx', cut, len(cut))], base))
    codes.add(check_same(f'cut_{base:x}', path))

print(f'{count} random programs on {len(layouts)} layouts + 3 cut-instruction texts: exit codes seen {sorted(codes)}')
if failures:
    print('\n'.join(failures[:20]))
    print(f'{len(failures)} failures')
    sys.exit(1)
print('AOT and interpreter agree')
