"""Differential test: rvtrace's ZisK precompiles, DMA ops and fcalls (through zisk_driver) against
the independent Python models in zisk_oracle.py, on random and edge inputs (ABI.md sections 8-10).
Usage: check_precompiles.py ZISK_DRIVER [--cases N] [--seed S]"""
import argparse
import random
import subprocess
import sys

import zisk_oracle as O

BASE = 0x10000


class Driver:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        ans = self.p.stdout.readline().split()
        if not ans:
            raise RuntimeError("driver died on: " + line)
        if ans[0] == "err":
            return "err", None, None
        rd = None if ans[1] == "-" else int(ans[1], 16)
        return "ok", rd, [int(w, 16) for w in ans[2:]]


def hx(v):
    return "%x" % v


class WordMem:
    """The oracle's view of the same memory window the driver gets."""

    def __init__(self, words):
        self.b = bytearray(b"".join(w.to_bytes(8, "little") for w in words))

    def load(self, a, w):
        i = a - BASE
        if i < 0 or i + w > len(self.b):
            raise O.Panic("out of range")
        return int.from_bytes(self.b[i:i + w], "little")

    def store(self, a, v, w):
        i = a - BASE
        if i < 0 or i + w > len(self.b):
            raise O.Panic("out of range")
        self.b[i:i + w] = (v & ((1 << (8 * w)) - 1)).to_bytes(w, "little")

    def words(self):
        return [int.from_bytes(self.b[i:i + 8], "little") for i in range(0, len(self.b), 8)]


class Checker:
    def __init__(self, driver):
        self.d = driver
        self.count = 0
        self.failures = 0
        self.errors_expected = 0

    def report(self, what, got, want):
        self.failures += 1
        if self.failures <= 10:
            print("MISMATCH %s\n  rvtrace: %s\n  oracle:  %s" % (what, got, want))

    def compare(self, what, line, oracle):
        self.count += 1
        got = self.d.ask(line)
        try:
            want = oracle()
        except O.Panic:
            want = ("err", None, None)
            self.errors_expected += 1
        if got != want:
            self.report(what + " [" + line[:120] + "]", got, want)

    def precompile(self, name, csr, words, block_index=0):
        block = BASE + 8 * block_index
        line = "P %x %x %x %x %s" % (csr, block, BASE, len(words), " ".join(map(hx, words)))

        def oracle():
            m = WordMem(words)
            rd = O.precompile(csr, block, O.Mem(m.load, m.store))
            return "ok", rd, m.words()
        self.compare(name, line, oracle)

    def dma(self, name, op, dst, src, n, words):
        line = "D %s %x %x %x %x %x %s" % (op, dst, src, n, BASE, len(words), " ".join(map(hx, words)))

        def oracle():
            m = WordMem(words)
            rd = None
            if op == "m":
                O.memmove(m.load, m.store, dst, src, n)
            elif op == "c":
                rd = O.memcmp(m.load, dst, src, n)
            else:
                for i in range(n):
                    m.store(dst + i, src, 1)
            return "ok", rd, m.words()
        self.compare(name, line, oracle)

    def fcall(self, name, fid, params, input_len=0):
        line = "F %x %x %x %s" % (fid, input_len, len(params), " ".join(map(hx, params)))
        self.compare(name, line, lambda: ("ok", None, O.fcall(fid, params, input_len)))


def layout(values, n):
    """A block of pointers followed by the values (n limbs each): the words and the block."""
    k = len(values)
    words = [BASE + 8 * k + 8 * n * i for i in range(k)]
    for v in values:
        words += O.limbs(v, n)
    return words


def rand_point(rng, curve):
    p, a, b, _ = O.CURVES[curve]
    while True:
        x = rng.randrange(p)
        rhs = (x ** 3 + a * x + b) % p
        y = pow(rhs, (p + 1) // 4, p)
        if y * y % p == rhs:
            return x, y


CURVE_CSR = {"secp256k1": (0x803, 0x804, 4), "secp256r1": (0x817, 0x818, 4),
             "bn254": (0x806, 0x807, 4), "bls12_381": (0x80C, 0x80D, 6)}


def check_curves(c, rng, cases):
    for curve, (add, dbl, n) in CURVE_CSR.items():
        p = O.CURVES[curve][0]
        for i in range(cases):
            P, Q = rand_point(rng, curve), rand_point(rng, curve)
            pts = [P[0], P[1], Q[0], Q[1]]
            edge = i % 8
            if edge == 1:
                Q = P  # equal points: x1 == x2
            elif edge == 2:
                Q = (P[0], (-P[1]) % p)  # P + (-P): the missing point at infinity
            elif edge == 3:
                Q = (Q[0] + p, Q[1]) if Q[0] + p < 2**(64 * n) else Q  # unreduced coordinate
            elif edge == 4:
                P = (0, 0)  # (0, 0) is a plain coordinate pair, not infinity
            elif edge == 5:
                P = (rng.randrange(p), rng.randrange(p))  # off the curve: the formulas still apply
            pts = [P[0], P[1], Q[0], Q[1]]
            words = [BASE + 16, BASE + 16 + 16 * 8 * n // 2] + sum((O.limbs(v, n) for v in pts), [])
            words[1] = BASE + 16 + 16 * n
            c.precompile("%s_add/%d" % (curve, edge), add, words)
            R = P if edge != 6 else (P[0], 0)  # y = 0: tangent undefined
            if edge == 7:
                R = (P[0], P[1] + p) if P[1] + p < 2**(64 * n) else P
            c.precompile("%s_dbl/%d" % (curve, edge), dbl, O.limbs(R[0], n) + O.limbs(R[1], n))
        # the results are points on the curve again (checks the oracle's own formulas)
        P, Q = rand_point(rng, curve), rand_point(rng, curve)
        assert O.on_curve(curve, O.ec_add(curve, P, Q)) and O.on_curve(curve, O.ec_dbl(curve, P)), curve


def check_complex(c, rng, cases):
    for csr, (p, n, _) in O._COMPLEX_OPS.items():
        for i in range(cases):
            vals = [rng.randrange(p) for _ in range(4)]
            if i % 5 == 1:
                vals[rng.randrange(4)] = p  # non-canonical: ZisK panics
            if i % 5 == 2:
                vals = [0, 0, p - 1, p - 1]
            words = [BASE + 16, BASE + 16 + 16 * n] + sum((O.limbs(v, n) for v in vals), [])
            c.precompile("complex %#x" % csr, csr, words)


def rand_int(rng, bits):
    kind = rng.randrange(6)
    if kind == 0:
        return 0
    if kind == 1:
        return (1 << bits) - 1
    if kind == 2:
        return rng.randrange(1 << 64)
    return rng.getrandbits(bits)


def check_arith(c, rng, cases):
    for i in range(cases):
        a, b, cc, d, e = [rand_int(rng, 256) for _ in range(5)]
        c.precompile("arith256", 0x801, layout([a, b, cc, d, e], 4))
        m = rand_int(rng, 256) if i % 7 else 0
        c.precompile("arith256_mod", 0x802, layout([a, b, cc, m, 0], 4))
        m384 = rand_int(rng, 384) if i % 7 else 0
        x = [rand_int(rng, 384) for _ in range(3)]
        c.precompile("arith384_mod", 0x80B, layout(x + [m384, 0], 6))
        cin = [0, 1, 2, 1 << 63][i % 4]
        words = [BASE + 32, BASE + 64, cin, BASE + 96] + O.limbs(a, 4) + O.limbs(b, 4) + [0] * 4
        c.precompile("add256", 0x811, words)
    c.precompile("arith256 misaligned pointer", 0x801, [BASE + 44] + layout([1, 2, 3, 4, 5], 4)[1:])
    c.precompile("arith256 misaligned block", 0x801, layout([1, 2, 3, 4, 5], 4) + [0], block_index=0)


def check_hashes(c, rng, cases):
    for i in range(cases):
        state = [rng.getrandbits(64) for _ in range(25)] if i else [0] * 25
        c.precompile("keccakf", 0x800, state)
        sw = [rng.getrandbits(64) for _ in range(4)]
        bw = [rng.getrandbits(64) for _ in range(8)]
        c.precompile("sha256f", 0x805, [BASE + 16, BASE + 48] + sw + bw)
        v = [rng.getrandbits(64) for _ in range(16)]
        m = [rng.getrandbits(64) for _ in range(16)]
        idx = rng.choice([0, 1, 9, 10, 11, rng.getrandbits(64)])
        c.precompile("blake2b_round", 0x819, [idx, BASE + 24, BASE + 24 + 128] + v + m)
    # sha256f on a padded one-block message from the standard IV equals hashlib (checked in the oracle)
    msg = b"abc"
    blk = msg + b"\x80" + b"\0" * (55 - len(msg)) + (8 * len(msg)).to_bytes(8, "big")
    iv = O.SHA_IV
    c.precompile("sha256f(abc)", 0x805, [BASE + 16, BASE + 48] + [iv[2 * i] | iv[2 * i + 1] << 32 for i in range(4)] +
                 [int.from_bytes(blk[8 * i:8 * i + 8], "little") for i in range(8)])
    c.precompile("keccakf misaligned", 0x800, [0] * 26, block_index=0)


def check_dma(c, rng, cases):
    # lengths above 128 bytes run as several steps in rvtrace (handlers.hpp: dma_piece_bytes)
    for i in range(cases):
        words = [rng.getrandbits(64) for _ in range(64)]
        n = rng.choice([0, 1, 7, 8, 9, 15, 16, 17, 40, rng.randrange(64), 128, 129, 255, 256, 300, rng.randrange(512)])
        dst = BASE + rng.randrange(512 - n + 1)
        src = BASE + rng.randrange(512 - n + 1)
        if i % 4 == 1:
            src = max(BASE, dst - rng.randrange(1, 9))  # overlapping, dst above src
        if i % 4 == 2:
            dst = max(BASE, src - rng.randrange(1, 200))  # overlapping, dst below src
        c.dma("memmove", "m", dst, src, n, words)
        if i % 3 == 0:
            words2 = list(words)
            c.dma("memcmp equal", "c", dst, dst, n, words2)
        if 0 < n <= 256:  # two copies that differ only in their last byte (found in the last piece)
            b = bytearray(rng.getrandbits(8) for _ in range(512))
            b[256:256 + n] = b[0:n]
            b[256 + n - 1] ^= 1 + rng.randrange(255)
            late = [int.from_bytes(b[k:k + 8], "little") for k in range(0, 512, 8)]
            c.dma("memcmp late difference", "c", BASE, BASE + 256, n, late)
        c.dma("memcmp", "c", dst, src, n, words)
        c.dma("memset", "s", dst, rng.randrange(256), n, words)
    c.dma("memmove out of range", "m", BASE + 120, BASE, 16, [0] * 16)


def check_fcalls(c, rng, cases):
    field = {1: O.P_K1, 2: O.N_K1, 5: O.N_R1, 6: O.P_BN}
    for i in range(cases):
        for fid, m in field.items():
            a = [0, m, m + 1, 1, m - 1][i] if i < 5 else rng.randrange(2**256)
            c.fcall("inv %d" % fid, fid, O.limbs(a, 4))
        a = rng.randrange(O.P_K1) if i > 2 else [0, 1, O.P_K1 + 4][i]
        c.fcall("secp256k1 sqrt", 3, O.limbs(a, 4) + [i % 2])
        k = rng.randrange(O.N_K1) if i > 3 else [0, 1, O.N_K1 - 1, O.N_K1 // 2][i]
        c.fcall("glv", 4, O.limbs(k, 4))
        for fid, p, n in ((7, O.P_BN, 4), (12, O.P_BLS, 6)):
            u = [rng.randrange(p), rng.randrange(p)] if i else [0, 0]
            c.fcall("fp2 inv %d" % fid, fid, O.limbs(u[0], n) + O.limbs(u[1], n))
        for fid, p, n in ((8, O.P_BN, 4), (14, O.P_BLS, 6)):
            vals = [rng.randrange(p) for _ in range(8)]
            if i == 0:
                vals[4:6] = vals[0:2]  # x1 == x2
            c.fcall("line add %d" % fid, fid, sum((O.limbs(v, n) for v in vals), []))
        for fid, p, n in ((9, O.P_BN, 4), (15, O.P_BLS, 6)):
            vals = [rng.randrange(p) for _ in range(4)]
            if i == 0:
                vals[2:4] = [0, 0]  # y = 0
            c.fcall("line dbl %d" % fid, fid, sum((O.limbs(v, n) for v in vals), []))
        a = rng.randrange(O.P_BLS) if i > 1 else [0, O.P_BLS - 1][i]
        c.fcall("bls sqrt", 11, O.limbs(a, 6) + [0, 0])
        u = [rng.randrange(O.P_BLS), rng.randrange(O.P_BLS)] if i > 2 else [[0, 0], [O.P_BLS - 1, 0], [0, 1]][i]
        c.fcall("bls fp2 sqrt", 13, O.limbs(u[0], 6) + O.limbs(u[1], 6) + [0] * 4)
        x = [rng.getrandbits(64) for _ in range(rng.randrange(0, 5))]
        c.fcall("bin_decomp", 16, [len(x)] + x)
        nv = rng.randrange(0, 4)
        vals = [[rng.choice([0, 0, 1, rng.getrandbits(64)]) for _ in range(4)] for _ in range(nv)]
        c.fcall("msb_pos_256", 17, [nv] + sum(vals, []))
        x6 = [rng.choice([0, rng.getrandbits(64)]) for _ in range(12)]
        c.fcall("msb_pos_384", 18, x6[:6] + [0, 0] + x6[6:])
        a, b = rand_int(rng, 256), rand_int(rng, 256)
        c.fcall("uint256_div", 19, O.limbs(a, 4) + O.limbs(b, 4))
        c.fcall("uint256_inv", 20, O.limbs(a, 4))
        c.fcall("uint256_inv_mod", 21, O.limbs(a, 4) + O.limbs(b, 4))
        la, lb = rng.randrange(0, 12), rng.randrange(0, 6)
        A = [rng.getrandbits(64) for _ in range(la)]
        B = [rng.getrandbits(64) for _ in range(lb)]
        c.fcall("bigint_div", 22, [la] + A + [lb] + B)
        c.fcall("input_ready", 23, [0x40000000 + rng.randrange(0, 80)], input_len=64)
    c.fcall("unknown fcall", 0, [])
    c.fcall("too few parameters", 19, [1, 2, 3])
    # property checks on the oracle itself: the advice it gives is what the guest will verify
    for _ in range(20):
        a = rng.randrange(O.P_BLS), rng.randrange(O.P_BLS)
        r = O.fcall(13, O.limbs(a[0], 6) + O.limbs(a[1], 6))
        root = (O.value(r[1:7]), O.value(r[7:13]))
        target = a if r[0] else O.f2_mul(O.P_BLS, a, (1, 1))
        assert O.f2_mul(O.P_BLS, root, root) == target, "fp2 sqrt oracle"
        k = rng.randrange(O.N_K1)
        g = O.fcall(4, O.limbs(k, 4))
        k1 = O.value(g[0:4]) * (-1 if g[8] else 1)
        k2 = O.value(g[4:8]) * (-1 if g[9] else 1)
        lam = 0x5363AD4CC05C30E0A5261C028812645A122E22EA20816678DF02967C1B23BD72
        assert (k1 + k2 * lam - k) % O.N_K1 == 0 and abs(k1) < 2**129 and abs(k2) < 2**129, "glv oracle"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver")
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    O.self_check()
    rng = random.Random(args.seed)
    c = Checker(Driver(args.driver))
    check_hashes(c, rng, args.cases)
    check_arith(c, rng, args.cases)
    check_curves(c, rng, args.cases)
    check_complex(c, rng, args.cases)
    check_dma(c, rng, args.cases)
    check_fcalls(c, rng, max(args.cases // 4, 6))
    print("%d cases (%d expected errors), %d mismatches" % (c.count, c.errors_expected, c.failures))
    sys.exit(1 if c.failures or c.errors_expected == 0 else 0)


if __name__ == "__main__":
    main()
