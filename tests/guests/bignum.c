/* bignum.c -- multi-precision arithmetic with 64-bit limbs and unsigned __int128
 * (gcc emits mul/mulhu): schoolbook multiply and Montgomery modular exponentiation.
 * usage: bignum [ITERS] [BITS] [EBITS]   (BITS multiple of 64, 64..2048; EBITS 1..BITS,
 * default BITS).  Each iteration draws m (BITS, odd, top bit set), b < m, and e from
 * splitmix64 (seed 1); e keeps its low EBITS bits.  Computes b^e mod m (Montgomery)
 * and the full product b*m.   SMALL: 1 256 16, BIG: see README */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef unsigned __int128 u128;
#define MAXL 32

#include "guest_rng.h"

/* r = a*b*R^-1 mod m  (CIOS) */
static void montmul(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m, int n, uint64_t minv)
{
    uint64_t t[MAXL + 2];
    memset(t, 0, sizeof(uint64_t) * (n + 2));
    for (int i = 0; i < n; i++) {
        uint64_t c = 0;
        for (int j = 0; j < n; j++) {
            u128 s = (u128)a[j] * b[i] + t[j] + c;
            t[j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[n] + c;
        t[n] = (uint64_t)s;
        t[n + 1] = (uint64_t)(s >> 64);
        uint64_t q = t[0] * minv;
        s = (u128)q * m[0] + t[0];
        c = (uint64_t)(s >> 64);
        for (int j = 1; j < n; j++) {
            s = (u128)q * m[j] + t[j] + c;
            t[j - 1] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        s = (u128)t[n] + c;
        t[n - 1] = (uint64_t)s;
        t[n] = t[n + 1] + (uint64_t)(s >> 64);
    }
    int ge = t[n] != 0;
    if (!ge) {
        ge = 1;
        for (int j = n - 1; j >= 0; j--)
            if (t[j] != m[j]) { ge = t[j] > m[j]; break; }
    }
    if (ge) {
        uint64_t br = 0;
        for (int j = 0; j < n; j++) {
            u128 d = (u128)t[j] - m[j] - br;
            t[j] = (uint64_t)d;
            br = (uint64_t)(d >> 64) & 1;
        }
    }
    memcpy(r, t, sizeof(uint64_t) * n);
}

/* x = 2x mod m, x < m */
static void dbl_mod(uint64_t *x, const uint64_t *m, int n)
{
    uint64_t carry = 0;
    for (int j = 0; j < n; j++) {
        uint64_t nc = x[j] >> 63;
        x[j] = (x[j] << 1) | carry;
        carry = nc;
    }
    int ge = carry != 0;
    if (!ge) {
        ge = 1;
        for (int j = n - 1; j >= 0; j--)
            if (x[j] != m[j]) { ge = x[j] > m[j]; break; }
    }
    if (ge) {
        uint64_t br = 0;
        for (int j = 0; j < n; j++) {
            u128 d = (u128)x[j] - m[j] - br;
            x[j] = (uint64_t)d;
            br = (uint64_t)(d >> 64) & 1;
        }
    }
}

static void modexp(uint64_t *res, const uint64_t *b, const uint64_t *e, const uint64_t *m, int n, int en)
{
    uint64_t inv = 1, one_m[MAXL], r2[MAXL], bm[MAXL], acc[MAXL], one[MAXL];
    for (int i = 0; i < 6; i++) inv *= 2 - m[0] * inv;
    uint64_t minv = (uint64_t)0 - inv;
    /* R mod m = R - m (m has its top bit set) */
    uint64_t br = 0;
    for (int j = 0; j < n; j++) {
        u128 d = (u128)0 - m[j] - br;
        one_m[j] = (uint64_t)d;
        br = (uint64_t)(d >> 64) & 1;
    }
    /* R^2 mod m = 2^(64n) * R mod m, by left-to-right binary on the exponent 64n */
    unsigned t = 64u * (unsigned)n;
    int top = 31;
    while (!((t >> top) & 1)) top--;
    memcpy(r2, one_m, sizeof(uint64_t) * n);
    dbl_mod(r2, m, n);                       /* 2^1 R */
    for (int k = top - 1; k >= 0; k--) {
        montmul(r2, r2, r2, m, n, minv);     /* 2^(2a) R */
        if ((t >> k) & 1) dbl_mod(r2, m, n);
    }
    montmul(bm, b, r2, m, n, minv);          /* b R */
    memcpy(acc, one_m, sizeof(uint64_t) * n);
    int started = 0;                         /* skip leading zero bits of e */
    for (int i = en - 1; i >= 0; i--)
        for (int k = 63; k >= 0; k--) {
            if (started) montmul(acc, acc, acc, m, n, minv);
            if ((e[i] >> k) & 1) { montmul(acc, acc, bm, m, n, minv); started = 1; }
        }
    memset(one, 0, sizeof(uint64_t) * n);
    one[0] = 1;
    montmul(res, acc, one, m, n, minv);
}

static void mul_full(uint64_t *r, const uint64_t *a, const uint64_t *b, int n)
{
    memset(r, 0, sizeof(uint64_t) * 2 * n);
    for (int i = 0; i < n; i++) {
        uint64_t c = 0;
        for (int j = 0; j < n; j++) {
            u128 s = (u128)a[j] * b[i] + r[i + j] + c;
            r[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        r[i + n] = c;
    }
}

static void print_num(const char *label, const uint64_t *x, int n)
{
    printf("%s", label);
    for (int i = n - 1; i >= 0; i--) printf("%016llx", (unsigned long long)x[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    unsigned long iters = argc > 1 ? strtoul(argv[1], 0, 0) : 1;
    unsigned long bits = argc > 2 ? strtoul(argv[2], 0, 0) : 512;
    if (bits < 64) bits = 64;
    if (bits > 64 * MAXL) bits = 64 * MAXL;
    int n = (int)(bits / 64);
    unsigned long ebits = argc > 3 ? strtoul(argv[3], 0, 0) : (unsigned long)n * 64;
    if (ebits < 1 || ebits > (unsigned long)n * 64) ebits = (unsigned long)n * 64;
    uint64_t m[MAXL], b[MAXL], e[MAXL], r[MAXL], p[2 * MAXL];
    uint64_t ck_exp = 0, ck_mul = 0;

    for (unsigned long it = 0; it < iters; it++) {
        for (int j = 0; j < n; j++) m[j] = splitmix();
        for (int j = 0; j < n; j++) b[j] = splitmix();
        for (int j = 0; j < n; j++) e[j] = splitmix();
        for (int j = 0; j < n; j++) {
            unsigned long lo = (unsigned long)j * 64;
            if (lo >= ebits) e[j] = 0;
            else if (ebits - lo < 64) e[j] &= (1ULL << (ebits - lo)) - 1;
        }
        m[0] |= 1;
        m[n - 1] |= 1ULL << 63;
        b[n - 1] &= ~(1ULL << 63);
        modexp(r, b, e, m, n, (int)((ebits + 63) / 64));
        mul_full(p, b, m, n);
        for (int j = 0; j < n; j++) ck_exp = (ck_exp ^ r[j]) * 0x100000001b3ULL;
        for (int j = 0; j < 2 * n; j++) ck_mul = (ck_mul ^ p[j]) * 0x100000001b3ULL;
        if (it == 0) {
            print_num("b^e mod m = ", r, n);
            print_num("b*m = ", p, 2 * n);
        }
    }
    printf("bits=%lu ebits=%lu iters=%lu modexp_ck=%016llx mul_ck=%016llx\n", bits, ebits, iters,
           (unsigned long long)ck_exp, (unsigned long long)ck_mul);
    return 0;
}
