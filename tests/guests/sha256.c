/* sha256.c -- SHA-256 of N bytes of generated data (byte i = (i*7 + (i>>8)) & 0xff),
 * generated and hashed in 1 KiB pieces, after checking sha256("abc").
 * usage: sha256 [NBYTES]  (default 1 MiB)  SMALL: 55 (one block, padding at the edge), BIG: see README */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

typedef struct { uint32_t h[8]; uint8_t buf[64]; unsigned len; uint64_t total; } sha_ctx;

static void compress(uint32_t h[8], const uint8_t p[64])
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + mj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha_init(sha_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->total = 0;
}
static void sha_update(sha_ctx *c, const uint8_t *p, size_t n)
{
    c->total += n;
    while (n) {
        size_t k = 64 - c->len;
        if (k > n) k = n;
        memcpy(c->buf + c->len, p, k);
        c->len += (unsigned)k; p += k; n -= k;
        if (c->len == 64) { compress(c->h, c->buf); c->len = 0; }
    }
}
static void sha_final(sha_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->total * 8;
    uint8_t pad = 0x80, z = 0;
    sha_update(c, &pad, 1);
    while (c->len != 56) sha_update(c, &z, 1);
    uint8_t lb[8];
    for (int i = 0; i < 8; i++) lb[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_update(c, lb, 8);
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}
static void print_digest(const uint8_t d[32])
{
    for (int i = 0; i < 32; i++) printf("%02x", d[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    unsigned long nbytes = argc > 1 ? strtoul(argv[1], 0, 0) : 1048576;
    sha_ctx c;
    uint8_t d[32], blk[1024];

    sha_init(&c);
    sha_update(&c, (const uint8_t *)"abc", 3);
    sha_final(&c, d);
    printf("sha256(\"abc\") = ");
    print_digest(d);
    int ok = d[0] == 0xba && d[1] == 0x78 && d[31] == 0xad;

    sha_init(&c);
    uint64_t pos = 0;
    while (pos < nbytes) {
        unsigned long k = nbytes - pos < sizeof blk ? nbytes - pos : sizeof blk;
        for (unsigned long i = 0; i < k; i++, pos++) blk[i] = (uint8_t)(pos * 7 + (pos >> 8));
        sha_update(&c, blk, k);
    }
    sha_final(&c, d);
    printf("sha256(gen %lu bytes) = ", nbytes);
    print_digest(d);
    return ok ? 0 : 1;
}
