#!/usr/bin/env python3
"""The stdout tests/guests/ecc.c must print, computed from secp256k1's definition (SEC 2: p, G, n)
with Python integers, independently of the guest's field and point code: the model keeps the
discrete log of each point (P(i) = e(i)*G, e(i+1) = u1 + u2*e(i) mod n) and multiplies G once, in
affine coordinates with modular inverses.

usage: ecc_model.py [ITERS] [BITS]          prints the expected stdout
       ecc_model.py --check ITERS BITS -- CMD...   runs CMD ITERS BITS and compares its stdout
"""
import subprocess
import sys

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)
M64 = (1 << 64) - 1


def on_curve(pt):
    return pt is None or (pt[1] ** 2 - pt[0] ** 3 - 7) % P == 0


def add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, P)
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P)
    x = (lam * lam - a[0] - b[0]) % P
    return (x, (lam * (a[0] - x) - a[1]) % P)


def mul(k, pt):
    acc = None
    while k:
        if k & 1:
            acc = add(acc, pt)
        pt = add(pt, pt)
        k >>= 1
    return acc


def splitmix_stream(seed=1):
    state = seed
    while True:
        state = (state + 0x9e3779b97f4a7c15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
        yield z ^ (z >> 31)


def expected(iters, bits):
    if not 1 <= bits <= 256:
        bits = 256
    rng = splitmix_stream()
    draw = lambda: sum(next(rng) << (64 * i) for i in range(4)) & ((1 << bits) - 1)
    e = draw()  # P0 = d*G
    for _ in range(iters):
        u1, u2 = draw(), draw()
        e = (u1 + u2 * e) % N
    pt = mul(e, G)
    assert on_curve(G) and mul(N, G) is None and on_curve(pt)
    out = "ecc: iters=%016x bits=%016x\n" % (iters & M64, bits)
    if pt is None:
        return out + "infinity\n"
    return out + "x = %064x\ny = %064x\n" % pt


def main(argv):
    if argv and argv[0] == "--check":
        iters, bits, cmd = int(argv[1]), int(argv[2]), argv[4:]
        got = subprocess.run(cmd + [str(iters), str(bits)], stdout=subprocess.PIPE, text=True, timeout=600)
        want = expected(iters, bits)
        if got.returncode != 0 or got.stdout != want:
            print("ecc_model: %s %d %d: exit %d, stdout\n%s\nexpected (Python model of secp256k1)\n%s"
                  % (" ".join(cmd), iters, bits, got.returncode, got.stdout, want))
            return 1
        print("same output as the Python secp256k1 model: " + want.replace("\n", " | "))
        return 0
    iters = int(argv[0]) if argv else 1
    bits = int(argv[1]) if len(argv) > 1 else 256
    sys.stdout.write(expected(iters, bits))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
