#!/usr/bin/env python3
"""Writes tests/guests/expected/NAME.txt: the stdout each guest must print for its SMALL
arguments (tests/guests/small_args.txt), computed independently of the guests' C code and of
qemu (hashlib, Python big integers, a from-spec RISC-V model of the M/A instructions, ...).

usage: gen_guest_expected.py [GUESTS_SOURCE_DIR]
"""
import hashlib
import os
import sys

M64 = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))
GDIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "guests")


def small_args():
    args = {}
    with open(os.path.join(GDIR, "small_args.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                args[line[0]] = line[2:]
    return args


def s64(x):
    x &= M64
    return x - (1 << 64) if x >> 63 else x


def s32(x):
    x &= 0xffffffff
    return x - (1 << 32) if x >> 31 else x


def h16(x):
    return "%016x" % (x & M64)


def splitmix(state):
    state = (state + 0x9e3779b97f4a7c15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return state, z ^ (z >> 31)


# ---------------------------------------------------------------- keccak (independent impl)
def keccak_f(A):
    RC = []
    R = 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            R = ((R << 1) ^ ((R >> 7) * 0x71)) % 256
            if R & 2:
                rc ^= 1 << ((1 << j) - 1)
        RC.append(rc)
    # rotation offsets from the spec's (x,y) walk
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    rl = lambda v, n: ((v << n) | (v >> (64 - n))) & M64 if n else v
    for rnd in range(24):
        C = [A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4] for x in range(5)]
        D = [C[(x - 1) % 5] ^ rl(C[(x + 1) % 5], 1) for x in range(5)]
        A = [[A[x][y] ^ D[x] for y in range(5)] for x in range(5)]
        B = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                B[y][(2 * x + 3 * y) % 5] = rl(A[x][y], rot[x][y])
        A = [[B[x][y] ^ ((~B[(x + 1) % 5][y]) & B[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
        A[0][0] ^= RC[rnd]
    return A


def sponge(msg, pad, rate=136, outlen=32):
    msg = bytearray(msg) + bytes([pad])
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    A = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        blk = msg[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            A[x][y] ^= int.from_bytes(blk[8 * i:8 * i + 8], "little")
        A = keccak_f(A)
    out = b"".join(A[i % 5][i // 5].to_bytes(8, "little") for i in range(25))
    return out[:outlen]


def keccak256(m):
    return sponge(m, 0x01)


def check_keccak_impl():
    for m in (b"", b"abc", bytes(range(200))):
        assert sponge(m, 0x06) == hashlib.sha3_256(m).digest(), "python keccak model is wrong"
    assert keccak256(b"").hex().startswith("c5d2460186f7233c927e7db2dcc703c0")


# ---------------------------------------------------------------- guests
def exp_hello(a):
    return "hello from rvtrace guest\n"


def exp_keccak(a):
    n = int(a[0]) if a else 1000000
    check_keccak_impl()
    data = bytes((i * 131 + 7) & 0xff for i in range(n))
    return ('keccak256("") = %s\nkeccak256(gen %d bytes) = %s\n' % (keccak256(b"").hex(), n, keccak256(data).hex()))


def exp_sha256(a):
    n = int(a[0]) if a else 1048576
    data = bytes((i * 7 + (i >> 8)) & 0xff for i in range(n))
    return ('sha256("abc") = %s\nsha256(gen %d bytes) = %s\n'
            % (hashlib.sha256(b"abc").hexdigest(), n, hashlib.sha256(data).hexdigest()))


def exp_bignum(a):
    iters = int(a[0]) if a else 1
    bits = int(a[1]) if len(a) > 1 else 512
    bits = max(64, min(bits, 2048))
    n = bits // 64
    ebits = int(a[2]) if len(a) > 2 else n * 64
    if ebits < 1 or ebits > n * 64:
        ebits = n * 64
    st = 1
    ck_e = ck_m = 0
    out = []
    for it in range(iters):
        limbs = []
        for _ in range(3 * n):
            st, v = splitmix(st)
            limbs.append(v)
        num = lambda ls: sum(v << (64 * i) for i, v in enumerate(ls))
        m = num(limbs[:n]) | 1 | (1 << (64 * n - 1))
        b = num(limbs[n:2 * n]) & ~(1 << (64 * n - 1))
        e = num(limbs[2 * n:]) & ((1 << ebits) - 1)
        r = pow(b, e, m)
        p = b * m
        for j in range(n):
            ck_e = ((ck_e ^ ((r >> (64 * j)) & M64)) * 0x100000001b3) & M64
        for j in range(2 * n):
            ck_m = ((ck_m ^ ((p >> (64 * j)) & M64)) * 0x100000001b3) & M64
        if it == 0:
            out.append("b^e mod m = %0*x\n" % (16 * n, r))
            out.append("b*m = %0*x\n" % (32 * n, p))
    out.append("bits=%d ebits=%d iters=%d modexp_ck=%016x mul_ck=%016x\n" % (bits, ebits, iters, ck_e, ck_m))
    return "".join(out)


def exp_sort(a):
    n = int(a[0]) if a else 100000
    reps = int(a[1]) if len(a) > 1 else 1
    st = 7
    ck = 0
    for _ in range(reps):
        xs = []
        for _ in range(n):
            st, v = splitmix(st)
            xs.append(v)
        xs.sort()
        for i, v in enumerate(xs):
            ck = (ck + v * (i + 1)) & M64
    return "sort n=%d reps=%d checksum=%016x ok\n" % (n, reps, ck)


def exp_bytecode(a):
    n = int(a[0]) if a else 10000
    k = int(a[1]) if len(a) > 1 else n
    primes = sum(1 for i in range(2, n) if all(i % d for d in range(2, int(i ** 0.5) + 1)))
    fa, fb, h = 0, 1, 0
    for _ in range(k):
        fa, fb = fb, (fa + fb) & M64
        h = ((((h ^ fa) << 5) & M64) ^ (h >> 3))
    return "primes below %d: %d\nfib(%d) mod 2^64 = %d hash=%016x\n" % (n, primes, k, fa, h)


def exp_recursion(a):
    d = int(a[0]) if a else 20000
    reps = int(a[1]) if len(a) > 1 else 1
    d = min(d, 25000)
    s = sum((d + r) * (d + r + 1) // 2 for r in range(reps)) & M64
    ak = sum(2 * (d // 100 + r % 3) + 3 for r in range(reps)) & M64
    return "rsum total=%d ack total=%d\n" % (s, ak)


# RISC-V M-extension semantics, from the spec's table of special cases
def rv_div(a, b):
    sa, sb = s64(a), s64(b)
    if sb == 0:
        return M64
    if sa == -(1 << 63) and sb == -1:
        return a & M64
    q = abs(sa) // abs(sb)
    return (q if (sa < 0) == (sb < 0) else -q) & M64


def rv_rem(a, b):
    sa, sb = s64(a), s64(b)
    if sb == 0:
        return a & M64
    if sa == -(1 << 63) and sb == -1:
        return 0
    r = abs(sa) % abs(sb)
    return (-r if sa < 0 else r) & M64


def rv_divw(a, b):
    sa, sb = s32(a), s32(b)
    if sb == 0:
        return M64
    if sa == -(1 << 31) and sb == -1:
        return sa & M64
    q = abs(sa) // abs(sb)
    return s32(q if (sa < 0) == (sb < 0) else -q) & M64


def rv_remw(a, b):
    sa, sb = s32(a), s32(b)
    if sb == 0:
        return sa & M64
    if sa == -(1 << 31) and sb == -1:
        return 0
    r = abs(sa) % abs(sb)
    return s32(-r if sa < 0 else r) & M64


def exp_divedge(a):
    V = [0, M64, 1 << 63, 0xffffffff80000000, 1, 0x80000000, (1 << 63) - 1, 0x7fffffff, 0xffffffff,
         7, s64(-7) & M64, 2, 0x123456789abcdef0, 0xfedcba9876543210]
    k = int(a[0]) if a else 14
    k = max(1, min(k, 14))
    out = []
    for x in V[:k]:
        for y in V[:k]:
            ux, uy = x & M64, y & M64
            u32x, u32y = ux & 0xffffffff, uy & 0xffffffff
            r = [rv_div(ux, uy), M64 if uy == 0 else ux // uy, rv_rem(ux, uy), ux if uy == 0 else ux % uy,
                 rv_divw(ux, uy), M64 if u32y == 0 else s32(u32x // u32y) & M64,
                 rv_remw(ux, uy), s32(u32x) & M64 if u32y == 0 else s32(u32x % u32y) & M64,
                 (ux * uy) & M64, ((s64(ux) * s64(uy)) >> 64) & M64, ((s64(ux) * uy) >> 64) & M64,
                 (ux * uy) >> 64, s32(ux * uy) & M64]
            out.append("%s %s: %s\n" % (h16(ux), h16(uy), " ".join(h16(v) for v in r)))
    for v in (0x8000000080000001, 0x123456789abcdef0):
        parts = []
        for sh in (0, 1, 31, 32, 63, 64):
            s6, s5 = sh & 63, sh & 31
            v32 = v & 0xffffffff
            parts += [(v << s6) & M64, v >> s6, (s64(v) >> s6) & M64,
                      s32(v32 << s5) & M64, s32(v32 >> s5) & M64, s32(s32(v32) >> s5) & M64]
        for s6 in (0, 31, 32, 63):
            parts.append((v << s6) & M64)
        for s6 in (0, 31, 32, 63):
            parts.append(v >> s6)
        for s6 in (0, 31, 32, 63):
            parts.append((s64(v) >> s6) & M64)
        v32 = v & 0xffffffff
        for s5 in (0, 1, 31):
            parts.append(s32(v32 << s5) & M64)
        for s5 in (0, 1, 31):
            parts.append(s32(v32 >> s5) & M64)
        for s5 in (0, 1, 31):
            parts.append(s32(s32(v32) >> s5) & M64)
        out.append("SHIFT %s: %s\n" % (h16(v), " ".join(h16(p) for p in parts)))
    return "".join(out)


def exp_misaligned(a):
    buf = bytearray((0x81 + i * 0x13) & 0xff for i in range(32))
    out = []

    def dump(what, off):
        ws = [int.from_bytes(buf[8 * i:8 * i + 8], "little") for i in range(4)]
        out.append("%s@%02d: %s\n" % (what, off, " ".join(h16(w) for w in ws)))

    def ld(off, n, signed):
        v = int.from_bytes(buf[off:off + n], "little", signed=signed)
        return v & M64

    dump("init", 0)
    for off in range(16):
        r = [ld(off, 2, True), ld(off, 2, False), ld(off, 4, True), ld(off, 4, False), ld(off, 8, False)]
        out.append("off %02d: %s\n" % (off, " ".join(h16(x) for x in r)))
    v = 0x0102030405060708
    for off in (1, 3, 5, 7, 9, 13):
        for name, n in (("sh", 2), ("sw", 4), ("sd", 8)):
            buf[off:off + n] = (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")
            dump(name, off)
            v = (v * 0x9e3779b97f4a7c15 + 1) & M64
    return "".join(out)


def exp_atomics(a):
    out = []
    pr2 = lambda what, v, sc, mem: out.append("%s: value=%s sc=%s mem=%s\n" % (what, h16(v), h16(sc), h16(mem)))
    pr2("lr.d/sc.d", 6, 0, 6)
    pr2("sc.d without lr", 99, 1, 6)
    pr2("lr.w/sc.w", -8, 0, -8)
    pr2("sc.w without lr", 77, 1, -8)

    def amo(op, old, src, bits):
        mask = (1 << bits) - 1
        so = old if bits == 64 else s32(old)
        ss = src if bits == 64 else s32(src)
        uo, us = old & mask, src & mask
        sgn = s64 if bits == 64 else s32
        so, ss = sgn(uo), sgn(us)
        new = {"swap": us, "add": uo + us, "xor": uo ^ us, "and": uo & us, "or": uo | us,
               "min": min(so, ss), "max": max(so, ss), "minu": min(uo, us), "maxu": max(uo, us)}[op]
        return sgn(new & mask)

    pairs = [(5, -3), (-8, 3), (-(1 << 63), -1), (-1, 0x7fffffff)]
    ops = ["swap", "add", "xor", "and", "or", "min", "max", "minu", "maxu"]
    for a64, b64 in pairs:
        a32 = s32((a64 ^ (a64 >> 32)) & 0xffffffff)
        b32 = s32(b64 & 0xffffffff)
        for op in ops:
            name = "amo%s.d" % op + (".aqrl" if op == "maxu" else "")
            out.append("%s %s %s %s\n" % (name, h16(b64), h16(a64), h16(amo(op, a64, b64, 64))))
        for op in ops:
            name = "amo%s.w" % op + (".aq" if op == "maxu" else "")
            out.append("%s %s %s %s\n" % (name, h16(b32), h16(a32), h16(amo(op, a32, b32, 32))))
    return "".join(out)


def exp_malloc(a):
    r = int(a[0]) if a else 200
    return "malloc rounds=%d check=ok big=ok\n" % r


def exp_readinput(a):
    with open(os.path.join(GDIR, "expected", "readinput.in"), "rb") as f:
        d = f.read()
    h = 0xcbf29ce484222325
    for b in d:
        h = ((h ^ b) * 0x100000001b3) & M64
    return "bytes=%d fnv1a=%016x\n" % (len(d), h)


def exp_exitcode(a):
    return ""


def exp_ecc(a):  # secp256k1 from its definition (ecc_model.py, also the oracle of the ecc_model tests)
    sys.path.insert(0, HERE)
    import ecc_model
    return ecc_model.expected(*[int(x) for x in a])


def main():
    args = small_args()
    os.makedirs(os.path.join(GDIR, "expected"), exist_ok=True)
    inp = os.path.join(GDIR, "expected", "readinput.in")
    if not os.path.exists(inp):
        with open(inp, "w") as f:
            for i in range(150):
                f.write("line %d of the rvtrace readinput test: %s\n" % (i, "x" * (i % 13)))
    for name, a in args.items():
        fn = globals().get("exp_" + name)
        if fn is None:
            continue
        with open(os.path.join(GDIR, "expected", name + ".txt"), "w") as f:
            f.write(fn(a))
        print("wrote expected/%s.txt (args: %s)" % (name, " ".join(a)))


if __name__ == "__main__":
    main()
