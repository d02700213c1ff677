"""Independent models of ZisK's precompiles, DMA ops and fcalls (ABI.md sections 8-10), written
from the mathematics: Python integers for fields and curves (affine formulas from the curve
equations), Keccak-f from FIPS 202 (round constants from its LFSR, rho offsets from its walk),
SHA-256 from FIPS 180-4 (constants from the primes' roots), BLAKE2b from RFC 7693.
Self-checks against hashlib: sha3_256 through a sponge on keccak_f, sha256 of a padded one-block
message, blake2b of short messages. Used by check_precompiles.py and the unicorn harness."""
import hashlib
import struct

M64 = (1 << 64) - 1


class Panic(Exception):
    """What ziskemu would panic on."""


# ---------------- Keccak-f[1600], FIPS 202 ----------------

def _rc_bit(t):
    # FIPS 202 Algorithm 5
    if t % 255 == 0:
        return 1
    r = [1, 0, 0, 0, 0, 0, 0, 0]
    for _ in range(t % 255):
        r = [0] + r
        r[0] ^= r[8]
        r[4] ^= r[8]
        r[5] ^= r[8]
        r[6] ^= r[8]
        r = r[:8]
    return r[0]


def _round_constant(ir):
    rc = 0
    for j in range(7):
        rc |= _rc_bit(j + 7 * ir) << ((1 << j) - 1)
    return rc


ROUND_CONSTANTS = [_round_constant(i) for i in range(24)]


def _rho_offsets():
    off = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        off[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return off


RHO = _rho_offsets()


def _rot(v, n):
    n %= 64
    return ((v << n) | (v >> (64 - n))) & M64 if n else v


def keccak_f(lanes):
    """lanes: 25 ints, lane (x, y) at index x + 5y."""
    A = [[lanes[x + 5 * y] for y in range(5)] for x in range(5)]
    for ir in range(24):
        C = [A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4] for x in range(5)]
        D = [C[(x - 1) % 5] ^ _rot(C[(x + 1) % 5], 1) for x in range(5)]
        A = [[A[x][y] ^ D[x] for y in range(5)] for x in range(5)]
        A = [[_rot(A[x][y], RHO[x][y]) for y in range(5)] for x in range(5)]
        A = [[A[(x + 3 * y) % 5][x] for y in range(5)] for x in range(5)]  # pi
        A = [[A[x][y] ^ ((A[(x + 1) % 5][y] ^ M64) & A[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
        A[0][0] ^= ROUND_CONSTANTS[ir]
    return [A[i % 5][i // 5] for i in range(25)]


def sha3_256(msg):
    rate = 136
    m = bytearray(msg) + b"\x06" + b"\x00" * ((-len(msg) - 2) % rate) + b"\x80"
    if len(m) % rate:  # the 0x06 and 0x80 fall into one byte
        raise AssertionError
    s = [0] * 25
    for off in range(0, len(m), rate):
        blk = m[off:off + rate]
        for i in range(rate // 8):
            s[i] ^= int.from_bytes(blk[8 * i:8 * i + 8], "little")
        s = keccak_f(s)
    return b"".join(v.to_bytes(8, "little") for v in s)[:32]


# ---------------- SHA-256, FIPS 180-4 ----------------

def _primes(n):
    ps, k = [], 2
    while len(ps) < n:
        if all(k % p for p in ps):
            ps.append(k)
        k += 1
    return ps


def _frac_root(p, e):
    # the first 32 bits of the fractional part of p^(1/e), by integer root of p * 2^(32e)
    v = p << (32 * e)
    lo, hi = 0, 1 << (40 + 32)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid ** e <= v:
            lo = mid
        else:
            hi = mid - 1
    return lo & 0xFFFFFFFF


SHA_K = [_frac_root(p, 3) for p in _primes(64)]
SHA_IV = [_frac_root(p, 2) for p in _primes(8)]


def _rotr32(v, n):
    return ((v >> n) | (v << (32 - n))) & 0xFFFFFFFF


def sha256_compress(h, block):
    """h: 8 ints, block: 64 bytes."""
    w = [int.from_bytes(block[4 * t:4 * t + 4], "big") for t in range(16)]
    for t in range(16, 64):
        s0 = _rotr32(w[t - 15], 7) ^ _rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3)
        s1 = _rotr32(w[t - 2], 17) ^ _rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & 0xFFFFFFFF)
    a, b, c, d, e, f, g, hh = h
    for t in range(64):
        t1 = (hh + (_rotr32(e, 6) ^ _rotr32(e, 11) ^ _rotr32(e, 25)) + ((e & f) ^ (~e & g)) + SHA_K[t] + w[t]) & 0xFFFFFFFF
        t2 = ((_rotr32(a, 2) ^ _rotr32(a, 13) ^ _rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & 0xFFFFFFFF
        hh, g, f, e, d, c, b, a = g, f, e, (d + t1) & 0xFFFFFFFF, c, b, a, (t1 + t2) & 0xFFFFFFFF
    return [(x + y) & 0xFFFFFFFF for x, y in zip(h, [a, b, c, d, e, f, g, hh])]


# ---------------- BLAKE2b, RFC 7693 ----------------

SIGMA = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
]
B2_IV = [0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
         0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179]


def _rotr64(v, n):
    return ((v >> n) | (v << (64 - n))) & M64


def _g(v, a, b, c, d, x, y):
    v[a] = (v[a] + v[b] + x) & M64
    v[d] = _rotr64(v[d] ^ v[a], 32)
    v[c] = (v[c] + v[d]) & M64
    v[b] = _rotr64(v[b] ^ v[c], 24)
    v[a] = (v[a] + v[b] + y) & M64
    v[d] = _rotr64(v[d] ^ v[a], 16)
    v[c] = (v[c] + v[d]) & M64
    v[b] = _rotr64(v[b] ^ v[c], 63)


def blake2b_round(i, v, m):
    v = list(v)
    s = SIGMA[i % 10]
    _g(v, 0, 4, 8, 12, m[s[0]], m[s[1]])
    _g(v, 1, 5, 9, 13, m[s[2]], m[s[3]])
    _g(v, 2, 6, 10, 14, m[s[4]], m[s[5]])
    _g(v, 3, 7, 11, 15, m[s[6]], m[s[7]])
    _g(v, 0, 5, 10, 15, m[s[8]], m[s[9]])
    _g(v, 1, 6, 11, 12, m[s[10]], m[s[11]])
    _g(v, 2, 7, 8, 13, m[s[12]], m[s[13]])
    _g(v, 3, 4, 9, 14, m[s[14]], m[s[15]])
    return v


def blake2b(msg, outlen=64):
    """RFC 7693 Appendix B-style BLAKE2b (unkeyed) built on blake2b_round."""
    h = list(B2_IV)
    h[0] ^= 0x01010000 ^ outlen
    blocks = [msg[i:i + 128] for i in range(0, max(len(msg), 1), 128)] or [b""]
    t = 0
    for k, blk in enumerate(blocks):
        last = k == len(blocks) - 1
        t += len(blk)
        m = [int.from_bytes(blk.ljust(128, b"\0")[8 * i:8 * i + 8], "little") for i in range(16)]
        v = h + B2_IV
        v[12] ^= t & M64
        v[13] ^= t >> 64
        if last:
            v[14] ^= M64
        for r in range(12):
            v = blake2b_round(r, v, m)
        h = [h[i] ^ v[i] ^ v[i + 8] for i in range(8)]
    return b"".join(x.to_bytes(8, "little") for x in h)[:outlen]


# ---------------- fields and curves ----------------

P_K1 = 2**256 - 2**32 - 977
N_K1 = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
P_R1 = 2**256 - 2**224 + 2**192 + 2**96 - 1
N_R1 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P_BN = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
P_BLS = int("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16)

# name: (p, a, b, coordinates reduced instead of checked)
CURVES = {
    "secp256k1": (P_K1, 0, 7, True),
    "secp256r1": (P_R1, P_R1 - 3, 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B, False),
    "bn254": (P_BN, 0, 3, False),
    "bls12_381": (P_BLS, 0, 4, False),
}


def inv(a, p):
    a %= p
    if a == 0:
        raise Panic("division by zero")
    return pow(a, -1, p)


def coord(curve, v):
    p, _, _, reduce_ = CURVES[curve]
    if reduce_:
        return v % p
    if v >= p:
        raise Panic("non-canonical coordinate")
    return v


def ec_add(curve, P, Q):
    p = CURVES[curve][0]
    (x1, y1), (x2, y2) = [(coord(curve, x), coord(curve, y)) for x, y in (P, Q)]
    if x1 == x2:
        raise Panic("x1 == x2")
    lam = (y2 - y1) * inv(x2 - x1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return x3, (lam * (x1 - x3) - y1) % p


def ec_dbl(curve, P):
    p, a = CURVES[curve][0], CURVES[curve][1]
    x, y = coord(curve, P[0]), coord(curve, P[1])
    if y == 0:
        raise Panic("y == 0")
    lam = (3 * x * x + a) * inv(2 * y, p) % p
    x3 = (lam * lam - 2 * x) % p
    return x3, (lam * (x - x3) - y) % p


def on_curve(curve, P):
    p, a, b, _ = CURVES[curve]
    x, y = P
    return (y * y - (x ** 3 + a * x + b)) % p == 0


# Fp2 = Fp[i]/(i^2 + 1) as pairs (re, im)
def f2_mul(p, u, v):
    return ((u[0] * v[0] - u[1] * v[1]) % p, (u[0] * v[1] + u[1] * v[0]) % p)


def f2_add(p, u, v):
    return ((u[0] + v[0]) % p, (u[1] + v[1]) % p)


def f2_sub(p, u, v):
    return ((u[0] - v[0]) % p, (u[1] - v[1]) % p)


def f2_inv(p, u):
    n = (u[0] * u[0] + u[1] * u[1]) % p
    ni = inv(n, p)
    return (u[0] * ni % p, -u[1] * ni % p)


def f2_pow(p, u, e):
    r = (1, 0)
    while e:
        if e & 1:
            r = f2_mul(p, r, u)
        u = f2_mul(p, u, u)
        e >>= 1
    return r


# ---------------- limbs ----------------

def limbs(v, n):
    assert 0 <= v < 1 << (64 * n), (v, n)
    return [(v >> (64 * i)) & M64 for i in range(n)]


def value(ws):
    return sum(w << (64 * i) for i, w in enumerate(ws))


# ---------------- fcalls (ABI.md section 10) ----------------

def _sqrt_3mod4(p, a, fallback):
    e = (p + 1) // 4
    r = pow(a, e, p)
    if r * r % p == a:
        return True, r
    return False, pow(fallback * a % p, e, p)


def _fp2_sqrt(p, a):
    """Algorithm 9 of eprint 2012/685 (p = 3 mod 4); None if a is a non-square."""
    a1 = f2_pow(p, a, (p - 3) // 4)
    alpha = f2_mul(p, f2_mul(p, a1, a1), a)
    a0 = f2_mul(p, (alpha[0], -alpha[1] % p), alpha)
    if a0 == (p - 1, 0):
        return None
    x0 = f2_mul(p, a1, a)
    if alpha == (p - 1, 0):
        return f2_mul(p, (0, 1), x0)
    b = f2_pow(p, f2_add(p, (1, 0), alpha), (p - 1) // 2)
    return f2_mul(p, b, x0)


def _fp2_from(ws, n):
    return (value(ws[:n]), value(ws[n:2 * n]))


def _line_add(p, n, ws):
    x1, y1, x2, y2 = [tuple(v % p for v in _fp2_from(ws[2 * n * k:2 * n * (k + 1)], n)) for k in range(4)]
    lam = f2_mul(p, f2_sub(p, y2, y1), f2_inv(p, f2_sub(p, x2, x1)))
    mu = f2_sub(p, y1, f2_mul(p, lam, x1))
    return limbs(lam[0], n) + limbs(lam[1], n) + limbs(mu[0], n) + limbs(mu[1], n)


def _line_dbl(p, n, ws):
    x, y = [tuple(v % p for v in _fp2_from(ws[2 * n * k:2 * n * (k + 1)], n)) for k in range(2)]
    lam = f2_mul(p, f2_mul(p, (3, 0), f2_mul(p, x, x)), f2_inv(p, f2_mul(p, (2, 0), y)))
    mu = f2_sub(p, y, f2_mul(p, lam, x))
    return limbs(lam[0], n) + limbs(lam[1], n) + limbs(mu[0], n) + limbs(mu[1], n)


def _pad4(ws):
    while ws and ws[-1] == 0:
        ws = ws[:-1]
    n = max(4, -(-len(ws) // 4) * 4)
    return [n] + ws + [0] * (n - len(ws))


def _words_of(v):
    out = []
    while v:
        out.append(v & M64)
        v >>= 64
    return out


def _msb(vals, n):
    for l in reversed(range(n)):
        top = max([v[l] for v in vals], default=0)
        if top:
            return [l, top.bit_length() - 1]
    raise Panic("msb_pos of zeros")


def fcall(fid, ps, input_len=0):
    def need(k):
        if len(ps) < k:
            raise Panic("too few parameters")
    if fid in (1, 2, 5, 6):
        need(4)
        m = {1: P_K1, 2: N_K1, 5: N_R1, 6: P_BN}[fid]
        return limbs(inv(value(ps[:4]), m), 4)
    if fid == 3:
        need(5)
        a = value(ps[:4]) % P_K1
        ok, r = _sqrt_3mod4(P_K1, a, 3)
        if ok and r % 2 != ps[4]:
            r = (P_K1 - r) % P_K1
        return [int(ok)] + limbs(r, 4)
    if fid == 4:
        need(4)
        k = value(ps[:4]) % N_K1
        a1 = b2 = 0x3086D221A7D46BCDE86C90E49284EB15
        b1 = -0xE4437ED6010E88286F547FA90ABFE4C3
        a2 = 0x114CA50F7A8E2F3F657C1108D9D44CFD8
        c1 = (2 * b2 * k + N_K1) // (2 * N_K1)
        c2 = (2 * -b1 * k + N_K1) // (2 * N_K1)
        k1 = k - c1 * a1 - c2 * a2
        k2 = -c1 * b1 - c2 * b2
        return limbs(abs(k1), 4) + limbs(abs(k2), 4) + [int(k1 < 0), int(k2 < 0)]
    if fid in (7, 12):
        p, n = (P_BN, 4) if fid == 7 else (P_BLS, 6)
        need(2 * n)
        r = f2_inv(p, _fp2_from(ps, n))
        return limbs(r[0], n) + limbs(r[1], n)
    if fid in (8, 14):
        p, n = (P_BN, 4) if fid == 8 else (P_BLS, 6)
        need(8 * n)
        return _line_add(p, n, ps)
    if fid in (9, 15):
        p, n = (P_BN, 4) if fid == 9 else (P_BLS, 6)
        need(4 * n)
        return _line_dbl(p, n, ps)
    if fid == 10:
        need(6)
        return limbs(inv(value(ps[:6]), P_BLS), 6)
    if fid == 11:
        need(6)
        ok, r = _sqrt_3mod4(P_BLS, value(ps[:6]) % P_BLS, 2)
        return [int(ok)] + limbs(r, 6)
    if fid == 13:
        need(12)
        a = tuple(v % P_BLS for v in _fp2_from(ps, 6))
        r = _fp2_sqrt(P_BLS, a)
        ok = r is not None
        if not ok:
            r = _fp2_sqrt(P_BLS, f2_mul(P_BLS, a, (1, 1)))
        return [int(ok)] + limbs(r[0], 6) + limbs(r[1], 6)
    if fid == 16:
        need(1)
        need(1 + ps[0])
        x = value(ps[1:1 + ps[0]])
        if x == 0:
            return [1, 0]
        bits = bin(x)[2:]
        return [len(bits)] + [int(b) for b in bits]
    if fid == 17:
        need(1)
        n = ps[0]
        need(1 + 4 * n)
        return _msb([ps[1 + 4 * i:5 + 4 * i] for i in range(n)], 4)
    if fid == 18:
        need(14)
        return _msb([ps[0:6], ps[8:14]], 6)
    if fid == 19:
        need(8)
        a, b = value(ps[:4]), value(ps[4:8])
        if b == 0:
            raise Panic("division by zero")
        return limbs(a // b, 4) + limbs(a % b, 4)
    if fid in (20, 21):
        need(4 if fid == 20 else 8)
        a = value(ps[:4])
        m = 1 << 256 if fid == 20 else value(ps[4:8])
        if m == 0:
            raise Panic("modulus zero")
        try:
            return [1] + limbs(pow(a, -1, m), 4)
        except ValueError:
            return [0] + [0] * 4
    if fid == 22:
        need(1)
        la = ps[0]
        need(2 + la)
        lb = ps[1 + la]
        need(2 + la + lb)
        a, b = value(ps[1:1 + la]), value(ps[2 + la:2 + la + lb])
        if b == 0:
            raise Panic("division by zero")
        return _pad4(_words_of(a // b)) + _pad4(_words_of(a % b))
    if fid == 23:
        need(1)
        a = ps[0]
        if not (0x40000000 <= a < 0x80000000 - 1) or a - 0x40000000 - 8 + 1 > input_len:
            raise Panic("input not ready")
        return []
    raise Panic("unknown fcall %d" % fid)


# ---------------- precompile blocks over a word memory ----------------

class Mem:
    """Guest memory for the oracle: load/store words (8-aligned only where ZisK requires it)."""

    def __init__(self, load, store):
        self.load, self.store = load, store

    def words(self, a, n):
        return [self.load(a + 8 * i, 8) for i in range(n)]

    def put(self, a, ws):
        for i, w in enumerate(ws):
            self.store(a + 8 * i, w, 8)

    def ptr(self, block, i):
        p = self.load(block + 8 * i, 8)
        if p % 8:
            raise Panic("misaligned pointer")
        return p


_CURVE_OPS = {0x803: ("secp256k1", 4, "add"), 0x804: ("secp256k1", 4, "dbl"),
              0x806: ("bn254", 4, "add"), 0x807: ("bn254", 4, "dbl"),
              0x80C: ("bls12_381", 6, "add"), 0x80D: ("bls12_381", 6, "dbl"),
              0x817: ("secp256r1", 4, "add"), 0x818: ("secp256r1", 4, "dbl")}
_COMPLEX_OPS = {0x808: (P_BN, 4, f2_add), 0x809: (P_BN, 4, f2_sub), 0x80A: (P_BN, 4, f2_mul),
                0x80E: (P_BLS, 6, f2_add), 0x80F: (P_BLS, 6, f2_sub), 0x810: (P_BLS, 6, f2_mul)}


def precompile(csr, block, mem):
    """Runs CSR precompile csr with rs1 = block; returns rd's new value for add256, else None."""
    if block % 8:
        raise Panic("misaligned block")
    if csr == 0x800:
        mem.put(block, keccak_f(mem.words(block, 25)))
    elif csr == 0x801:
        pa, pb, pc, pl, ph = [mem.ptr(block, i) for i in range(5)]
        r = value(mem.words(pa, 4)) * value(mem.words(pb, 4)) + value(mem.words(pc, 4))
        mem.put(pl, limbs(r % 2**256, 4))
        mem.put(ph, limbs(r >> 256, 4))
    elif csr in (0x802, 0x80B):
        n = 4 if csr == 0x802 else 6
        pa, pb, pc, pm, pd = [mem.ptr(block, i) for i in range(5)]
        a, b, c, m = [value(mem.words(q, n)) for q in (pa, pb, pc, pm)]
        if m == 0:
            raise Panic("modulus zero")
        mem.put(pd, limbs((a * b + c) % m, n))
    elif csr in _CURVE_OPS:
        name, n, kind = _CURVE_OPS[csr]
        if kind == "add":
            p1, p2 = mem.ptr(block, 0), mem.ptr(block, 1)
            P = (value(mem.words(p1, n)), value(mem.words(p1 + 8 * n, n)))
            Q = (value(mem.words(p2, n)), value(mem.words(p2 + 8 * n, n)))
            x, y = ec_add(name, P, Q)
            out = p1
        else:
            P = (value(mem.words(block, n)), value(mem.words(block + 8 * n, n)))
            x, y = ec_dbl(name, P)
            out = block
        mem.put(out, limbs(x, n) + limbs(y, n))
    elif csr == 0x805:
        ps, pb = mem.ptr(block, 0), mem.ptr(block, 1)
        sw = mem.words(ps, 4)
        h = [(sw[i // 2] >> (32 * (i % 2))) & 0xFFFFFFFF for i in range(8)]
        blk = b"".join(w.to_bytes(8, "little") for w in mem.words(pb, 8))
        h = sha256_compress(h, blk)
        mem.put(ps, [h[2 * i] | h[2 * i + 1] << 32 for i in range(4)])
    elif csr in _COMPLEX_OPS:
        p, n, op = _COMPLEX_OPS[csr]
        p1, p2 = mem.ptr(block, 0), mem.ptr(block, 1)
        u = (value(mem.words(p1, n)), value(mem.words(p1 + 8 * n, n)))
        v = (value(mem.words(p2, n)), value(mem.words(p2 + 8 * n, n)))
        if max(u + v) >= p:
            raise Panic("non-canonical Fp2 input")
        r = op(p, u, v)
        mem.put(p1, limbs(r[0], n) + limbs(r[1], n))
    elif csr == 0x811:
        pa, pb = mem.ptr(block, 0), mem.ptr(block, 1)
        cin = mem.load(block + 16, 8)
        pc = mem.ptr(block, 3)
        s = value(mem.words(pa, 4)) + value(mem.words(pb, 4)) + (1 if cin == 1 else 0)
        mem.put(pc, limbs(s % 2**256, 4))
        return s >> 256
    elif csr == 0x819:
        idx = mem.load(block, 8)
        pv, pm = mem.ptr(block, 1), mem.ptr(block, 2)
        mem.put(pv, blake2b_round(idx, mem.words(pv, 16), mem.words(pm, 16)))
    else:
        raise Panic("unsupported precompile %#x" % csr)
    return None


def memmove(load, store, dst, src, n):
    data = [load(src + i, 1) for i in range(n)]
    for i, b in enumerate(data):
        store(dst + i, b, 1)


def memcmp(load, a, b, n):
    for i in range(n):
        d = load(a + i, 1) - load(b + i, 1)
        if d:
            return d & M64
    return 0


def self_check():
    """The oracles agree with hashlib where hashlib can speak."""
    for msg in (b"", b"abc", bytes(range(200))):
        assert sha3_256(msg) == hashlib.sha3_256(msg).digest(), "keccak_f vs hashlib.sha3_256"
        assert blake2b(msg) == hashlib.blake2b(msg).digest(), "blake2b_round vs hashlib.blake2b"
    for msg in (b"", b"abc", bytes(range(55))):
        padded = msg + b"\x80" + b"\0" * (55 - len(msg)) + struct.pack(">Q", 8 * len(msg))
        h = sha256_compress(SHA_IV, padded)
        assert b"".join(x.to_bytes(4, "big") for x in h) == hashlib.sha256(msg).digest(), "sha256_compress"
    assert ROUND_CONSTANTS[1] == 0x8082 and SHA_K[0] == 0x428A2F98


if __name__ == "__main__":
    self_check()
    print("oracle self-check OK")
