/* ecc.c -- secp256k1 arithmetic as in libsecp256k1's verification hot path: field elements of
 * 4x64-bit limbs multiplied through unsigned __int128 (gcc emits mul/mulhu and sltu carry chains),
 * reduced with 2^256 = 2^32 + 977 (mod p); Jacobian point doubling and addition; a double-scalar
 * multiply u1*G + u2*P (Shamir's trick: one doubling per bit, one addition of G, P or G+P).
 * Deterministic inputs from splitmix64 (seed 1), each scalar four draws (low limb first) keeping
 * its low BITS bits: d, then u1 and u2 of every iteration.  P0 = d*G; iteration i computes
 * P(i+1) = u1*G + u2*P(i) (ECDSA-verify-like, chained).  Prints the affine x and y of P(ITERS)
 * ("infinity" for the point at infinity).  tests/tools/ecc_model.py computes the same from the
 * curve's definition with Python integers.
 * usage: ecc [ITERS] [BITS]   (BITS 1..256, default 256)   SMALL: 1 8, BIG: see README */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "guest_out.h"

typedef unsigned __int128 u128;
typedef struct { uint64_t v[4]; } fe; /* always fully reduced: 0 <= value < p */

static const fe P_MOD = {{0xFFFFFFFEFFFFFC2FULL, ~0ULL, ~0ULL, ~0ULL}};
static const uint64_t C_RED = 0x1000003D1ULL; /* 2^256 - p */

/* r = t + C_RED if that carries out of 256 bits (t >= p), else t: the final reduction step. */
static void fe_reduce_once(fe *r)
{
    u128 acc = (u128)r->v[0] + C_RED;
    uint64_t t[4];
    t[0] = (uint64_t)acc;
    for (int i = 1; i < 4; i++) {
        acc = (u128)r->v[i] + (uint64_t)(acc >> 64);
        t[i] = (uint64_t)acc;
    }
    if (acc >> 64) memcpy(r->v, t, sizeof t);
}

static void fe_add(fe *r, const fe *a, const fe *b)
{
    u128 acc = 0;
    for (int i = 0; i < 4; i++) {
        acc = (u128)a->v[i] + b->v[i] + (uint64_t)(acc >> 64);
        r->v[i] = (uint64_t)acc;
    }
    if (acc >> 64) { /* a + b - p = (a + b - 2^256) + C_RED, below p */
        acc = (u128)r->v[0] + C_RED;
        r->v[0] = (uint64_t)acc;
        for (int i = 1; i < 4; i++) {
            acc = (u128)r->v[i] + (uint64_t)(acc >> 64);
            r->v[i] = (uint64_t)acc;
        }
        return;
    }
    fe_reduce_once(r);
}

/* r = a - b over 4 limbs; returns the borrow out (the sltu chain libsecp256k1's code compiles to) */
static uint64_t sub4(fe *r, const fe *a, const fe *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d = a->v[i] - b->v[i];
        uint64_t out = (a->v[i] < b->v[i]) | (d < borrow);
        r->v[i] = d - borrow;
        borrow = out;
    }
    return borrow;
}

static void fe_sub(fe *r, const fe *a, const fe *b)
{
    if (sub4(r, a, b)) { /* a - b + p = (a - b + 2^256) - C_RED, which is above C_RED */
        const fe c = {{C_RED, 0, 0, 0}};
        sub4(r, r, &c);
    }
}

static void fe_mul(fe *r, const fe *a, const fe *b)
{
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) { /* schoolbook 512-bit product */
        uint64_t c = 0;
        for (int j = 0; j < 4; j++) {
            u128 s = (u128)a->v[i] * b->v[j] + t[i + j] + c;
            t[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        t[i + 4] = c;
    }
    u128 acc = 0; /* lo + hi * C_RED: 4 limbs and a top word below 2^34 */
    for (int i = 0; i < 4; i++) {
        acc = (u128)t[i + 4] * C_RED + t[i] + (uint64_t)(acc >> 64);
        r->v[i] = (uint64_t)acc;
    }
    acc = (u128)(uint64_t)(acc >> 64) * C_RED + r->v[0];
    r->v[0] = (uint64_t)acc;
    for (int i = 1; i < 4; i++) {
        acc = (u128)r->v[i] + (uint64_t)(acc >> 64);
        r->v[i] = (uint64_t)acc;
    }
    if (acc >> 64) { /* wrapped: the value is small now, add C_RED once more */
        acc = (u128)r->v[0] + C_RED;
        r->v[0] = (uint64_t)acc;
        for (int i = 1; i < 4; i++) {
            acc = (u128)r->v[i] + (uint64_t)(acc >> 64);
            r->v[i] = (uint64_t)acc;
        }
    }
    fe_reduce_once(r);
}

static void fe_sqr(fe *r, const fe *a) { fe_mul(r, a, a); }
static int fe_is_zero(const fe *a) { return (a->v[0] | a->v[1] | a->v[2] | a->v[3]) == 0; }

static int fe_is_one(const fe *a) { return ((a->v[0] ^ 1) | a->v[1] | a->v[2] | a->v[3]) == 0; }
static int raw_less(const fe *a, const fe *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->v[i] != b->v[i]) return a->v[i] < b->v[i];
    return 0;
}
static void raw_shr1(fe *a, uint64_t top)
{
    for (int i = 0; i < 3; i++) a->v[i] = a->v[i] >> 1 | a->v[i + 1] << 63;
    a->v[3] = a->v[3] >> 1 | top << 63;
}
static void fe_half(fe *x) /* x/2 mod p: (x + p)/2 when x is odd */
{
    uint64_t top = 0;
    if (x->v[0] & 1) {
        u128 acc = 0;
        for (int i = 0; i < 4; i++) {
            acc = (u128)x->v[i] + P_MOD.v[i] + (uint64_t)(acc >> 64);
            x->v[i] = (uint64_t)acc;
        }
        top = (uint64_t)(acc >> 64);
    }
    raw_shr1(x, top);
}

/* r = 1/a for a != 0: binary extended Euclid (variable time, as verification may be), keeping
 * x1*a = u and x2*a = v (mod p) while u, v run down to gcd(a, p) = 1. */
static void fe_inv(fe *r, const fe *a)
{
    fe u = *a, v = P_MOD, x1 = {{1, 0, 0, 0}}, x2 = {{0, 0, 0, 0}};
    while (!fe_is_one(&u) && !fe_is_one(&v)) {
        while (!(u.v[0] & 1)) { raw_shr1(&u, 0); fe_half(&x1); }
        while (!(v.v[0] & 1)) { raw_shr1(&v, 0); fe_half(&x2); }
        if (raw_less(&u, &v)) { sub4(&v, &v, &u); fe_sub(&x2, &x2, &x1); }
        else { sub4(&u, &u, &v); fe_sub(&x1, &x1, &x2); }
    }
    *r = fe_is_one(&u) ? x1 : x2;
}

/* ------------------------------------------------------------------ points: y^2 = x^3 + 7 */
typedef struct { fe x, y, z; int inf; } jac;

static void pt_dbl(jac *r, const jac *p)
{
    if (p->inf || fe_is_zero(&p->y)) { r->inf = 1; return; }
    fe a, b, c, d, e, f, t;
    fe_sqr(&a, &p->x);              /* A = X^2 */
    fe_sqr(&b, &p->y);              /* B = Y^2 */
    fe_sqr(&c, &b);                 /* C = B^2 */
    fe_add(&t, &p->x, &b);
    fe_sqr(&t, &t);
    fe_sub(&t, &t, &a);
    fe_sub(&t, &t, &c);
    fe_add(&d, &t, &t);             /* D = 2((X+B)^2 - A - C) */
    fe_add(&e, &a, &a);
    fe_add(&e, &e, &a);             /* E = 3A */
    fe_sqr(&f, &e);                 /* F = E^2 */
    fe_mul(&r->z, &p->y, &p->z);
    fe_add(&r->z, &r->z, &r->z);    /* Z3 = 2YZ */
    fe_sub(&r->x, &f, &d);
    fe_sub(&r->x, &r->x, &d);       /* X3 = F - 2D */
    fe_sub(&t, &d, &r->x);
    fe_mul(&t, &e, &t);
    fe_add(&c, &c, &c);
    fe_add(&c, &c, &c);
    fe_add(&c, &c, &c);
    fe_sub(&r->y, &t, &c);          /* Y3 = E(D - X3) - 8C */
    r->inf = 0;
}

static void pt_add(jac *r, const jac *p, const jac *q)
{
    if (p->inf) { *r = *q; return; }
    if (q->inf) { *r = *p; return; }
    fe z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    fe_sqr(&z1z1, &p->z);
    fe_sqr(&z2z2, &q->z);
    fe_mul(&u1, &p->x, &z2z2);
    fe_mul(&u2, &q->x, &z1z1);
    fe_mul(&s1, &p->y, &q->z);
    fe_mul(&s1, &s1, &z2z2);
    fe_mul(&s2, &q->y, &p->z);
    fe_mul(&s2, &s2, &z1z1);
    fe_sub(&h, &u2, &u1);
    fe_sub(&rr, &s2, &s1);
    if (fe_is_zero(&h)) {
        if (fe_is_zero(&rr)) { pt_dbl(r, p); return; }
        r->inf = 1;
        return;
    }
    fe_sqr(&hh, &h);
    fe_mul(&hhh, &h, &hh);
    fe_mul(&v, &u1, &hh);
    fe_mul(&r->z, &p->z, &q->z);
    fe_mul(&r->z, &r->z, &h);       /* Z3 = Z1 Z2 H */
    fe_sqr(&t, &rr);
    fe_sub(&t, &t, &hhh);
    fe_sub(&t, &t, &v);
    fe_sub(&r->x, &t, &v);          /* X3 = R^2 - H^3 - 2 U1 H^2 */
    fe_sub(&t, &v, &r->x);
    fe_mul(&t, &rr, &t);
    fe_mul(&s1, &s1, &hhh);
    fe_sub(&r->y, &t, &s1);         /* Y3 = R (U1 H^2 - X3) - S1 H^3 */
    r->inf = 0;
}

typedef struct { uint64_t v[4]; } scalar;
static int bit(const scalar *k, int i) { return (int)(k->v[i >> 6] >> (i & 63)) & 1; }

/* r = u1*G + u2*P, scanning BITS bits from the top (Shamir's trick). */
static void double_mul(jac *r, const scalar *u1, const jac *g, const scalar *u2, const jac *p, int bits)
{
    jac gp, acc;
    pt_add(&gp, g, p);
    acc.inf = 1;
    for (int i = bits - 1; i >= 0; i--) {
        jac t;
        pt_dbl(&t, &acc);
        int b1 = bit(u1, i), b2 = bit(u2, i);
        if (b1 && b2) pt_add(&acc, &t, &gp);
        else if (b1) pt_add(&acc, &t, g);
        else if (b2) pt_add(&acc, &t, p);
        else acc = t;
    }
    *r = acc;
}

#include "guest_rng.h"
static void draw_scalar(scalar *k, int bits)
{
    for (int i = 0; i < 4; i++) {
        k->v[i] = splitmix();
        int lo = 64 * i;
        if (lo >= bits) k->v[i] = 0;
        else if (bits - lo < 64) k->v[i] &= (1ULL << (bits - lo)) - 1;
    }
}

static void put_fe(const char *label, const fe *a)
{
    go_puts(label);
    for (int i = 3; i >= 0; i--) go_hex(a->v[i]);
    go_putc('\n');
}

int main(int argc, char **argv)
{
    unsigned long iters = argc > 1 ? strtoul(argv[1], 0, 0) : 1;
    int bits = argc > 2 ? (int)strtoul(argv[2], 0, 0) : 256;
    if (bits < 1 || bits > 256) bits = 256;
    jac g = {{{0x59F2815B16F81798ULL, 0x029BFCDB2DCE28D9ULL, 0x55A06295CE870B07ULL, 0x79BE667EF9DCBBACULL}},
             {{0x9C47D08FFB10D4B8ULL, 0xFD17B448A6855419ULL, 0x5DA4FBFC0E1108A8ULL, 0x483ADA7726A3C465ULL}},
             {{1, 0, 0, 0}}, 0};
    scalar d, u1, u2, zero = {{0, 0, 0, 0}};
    jac p;
    draw_scalar(&d, bits);
    double_mul(&p, &d, &g, &zero, &g, bits); /* P0 = d*G */
    for (unsigned long i = 0; i < iters; i++) {
        draw_scalar(&u1, bits);
        draw_scalar(&u2, bits);
        jac next;
        double_mul(&next, &u1, &g, &u2, &p, bits);
        p = next;
    }
    go_puts("ecc: iters=");
    go_hex(iters);
    go_puts(" bits=");
    go_hex((uint64_t)bits);
    go_putc('\n');
    if (p.inf) {
        go_puts("infinity\n");
    } else {
        fe zi, zi2, x, y;
        fe_inv(&zi, &p.z);
        fe_sqr(&zi2, &zi);
        fe_mul(&x, &p.x, &zi2);
        fe_mul(&zi2, &zi2, &zi);
        fe_mul(&y, &p.y, &zi2);
        put_fe("x = ", &x);
        put_fe("y = ", &y);
    }
    go_flush();
    return 0;
}
