/* deflate.c -- a deflate-like streaming compressor and decompressor (the memory-heavy guest).
 * LZ77 with hash chains over a 32 KiB window (greedy, up to CHAIN candidates), then per block of
 * 16 Ki symbols canonical Huffman codes (at most 12 bits) for literals/lengths (deflate's 286
 * symbols, its length and distance codes and extra bits) and for distances (30 codes), written
 * LSB first. Not bit-compatible with zlib: a block header is 1 "last" bit and 316 4-bit code
 * lengths. The decoder uses one lookup table per alphabet. Input: BYTES of generated,
 * deterministic English-like text (a skewed choice among 64 words); all buffers are malloc'd.
 * Prints the sizes, the number of blocks, adler32 of the input and FNV-1a of the compressed
 * stream, and checks that decompression gives the input back (exit 1 if not).
 * usage: deflate [BYTES] [CHAIN]   (CHAIN default 32)   SMALL: 300, BIG: see README */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define WSIZE 32768u
#define MIN_MATCH 3
#define MAX_MATCH 258
#define NLIT 286
#define NDIST 30
#define MAXBITS 12
#define BLOCK_SYMS 16384

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static uint8_t len_code[256];   /* length - 3 -> code - 257 */
static uint8_t dist_code[512];  /* zlib's split: d-1 < 256 directly, else 256 + ((d-1) >> 7) */

static void init_code_tables(void)
{
    int c = 0;
    for (unsigned l = MIN_MATCH; l <= MAX_MATCH; l++) {
        while (c < 28 && len_base[c + 1] <= l) c++;
        len_code[l - MIN_MATCH] = (uint8_t)c;
    }
    for (unsigned i = 0; i < 512; i++) {
        unsigned d = i < 256 ? i + 1 : ((i - 256) << 7) + 1;
        if (i == 0 || i == 256) c = 0;
        while (c < 29 && dist_base[c + 1] <= d) c++;
        dist_code[i] = (uint8_t)c;
    }
}
static int dcode(unsigned d) { return d <= 256 ? dist_code[d - 1] : dist_code[256 + ((d - 1) >> 7)]; }

/* ------------------------------------------------------------------ input: English-like text */
#define GUEST_RNG_SEED 7
#include "guest_rng.h"

static void gen_text(uint8_t *buf, size_t n)
{
    char words[64][12];
    int wlen[64];
    for (int w = 0; w < 64; w++) {
        uint64_t r = splitmix();
        wlen[w] = 2 + (int)(r % 8);
        for (int i = 0; i < wlen[w]; i++) words[w][i] = (char)('a' + (r >> (8 + 4 * i)) % 26);
    }
    size_t at = 0;
    int in_sentence = 0;
    while (at < n) {
        uint64_t r = splitmix();
        for (int k = 0; k < 4 && at < n; k++, r >>= 16) {
            int w = (int)((r & 127) * ((r >> 7) & 127) >> 8); /* 0..63, skewed toward small w */
            for (int i = 0; i < wlen[w] && at < n; i++) {
                char c = words[w][i];
                buf[at++] = (uint8_t)(i == 0 && !in_sentence ? c - 32 : c);
            }
            in_sentence = 1;
            if (at >= n) break;
            unsigned p = (r >> 14) & 3;
            if (((r >> 12) & 15) == 0) { buf[at++] = '.'; in_sentence = 0; }
            else if (((r >> 12) & 15) == 1) buf[at++] = ',';
            if (at < n) buf[at++] = (!in_sentence && p == 0) ? '\n' : ' ';
        }
    }
}

/* ------------------------------------------------------------------ Huffman code lengths */
/* Code lengths for freq[0..n) (0 for unused symbols), at most MAXBITS: Huffman's construction
 * with a binary heap; when the tree is too deep the frequencies are halved and it is rebuilt. */
static void build_lengths(const uint32_t *freq_in, int n, uint8_t *len)
{
    uint32_t freq[2 * NLIT], heap[2 * NLIT];
    int parent[2 * NLIT], depth[2 * NLIT];
    for (int i = 0; i < n; i++) freq[i] = freq_in[i];
    for (;;) {
        int hn = 0, nodes = n, used = 0;
        memset(len, 0, (size_t)n);
        for (int i = 0; i < n; i++)
            if (freq[i]) {
                used++;
                int k = hn++; /* sift up */
                while (k && freq[heap[(k - 1) / 2]] > freq[i]) { heap[k] = heap[(k - 1) / 2]; k = (k - 1) / 2; }
                heap[k] = (uint32_t)i;
            }
        if (used == 0) return;
        if (used == 1) { len[heap[0]] = 1; return; }
        while (hn > 1) {
            uint32_t two[2];
            for (int t = 0; t < 2; t++) { /* pop the minimum */
                two[t] = heap[0];
                uint32_t last = heap[--hn];
                int k = 0;
                for (;;) {
                    int c = 2 * k + 1;
                    if (c >= hn) break;
                    if (c + 1 < hn && freq[heap[c + 1]] < freq[heap[c]]) c++;
                    if (freq[heap[c]] >= freq[last]) break;
                    heap[k] = heap[c];
                    k = c;
                }
                heap[k] = last;
            }
            int node = nodes++;
            freq[node] = freq[two[0]] + freq[two[1]];
            parent[two[0]] = parent[two[1]] = node;
            int k = hn++;
            while (k && freq[heap[(k - 1) / 2]] > freq[node]) { heap[k] = heap[(k - 1) / 2]; k = (k - 1) / 2; }
            heap[k] = (uint32_t)node;
        }
        depth[nodes - 1] = 0; /* the root is the last node made; parents come after children */
        int maxd = 0;
        for (int i = nodes - 2; i >= 0; i--) {
            if (i < n && !freq[i]) continue;
            depth[i] = depth[parent[i]] + 1;
            if (i < n && depth[i] > maxd) maxd = depth[i];
        }
        if (maxd <= MAXBITS) {
            for (int i = 0; i < n; i++)
                if (freq[i]) len[i] = (uint8_t)depth[i];
            return;
        }
        for (int i = 0; i < n; i++)
            if (freq[i]) freq[i] = (freq[i] + 1) / 2;
    }
}

/* Canonical codes, bit-reversed for LSB-first output. */
static void build_codes(const uint8_t *len, int n, uint16_t *code)
{
    uint16_t count[MAXBITS + 1] = {0}, next[MAXBITS + 2];
    for (int i = 0; i < n; i++) count[len[i]]++;
    count[0] = 0;
    next[1] = 0;
    for (int b = 1; b <= MAXBITS; b++) next[b + 1] = (uint16_t)((next[b] + count[b]) << 1);
    for (int i = 0; i < n; i++) {
        if (!len[i]) continue;
        unsigned c = next[len[i]]++, r = 0;
        for (int b = 0; b < len[i]; b++) r |= ((c >> b) & 1) << (len[i] - 1 - b);
        code[i] = (uint16_t)r;
    }
}

/* ------------------------------------------------------------------ bit output */
typedef struct { uint8_t *out; size_t pos; uint64_t bits; int nbits; } BitWriter;
static void put_bits(BitWriter *w, uint32_t v, int n)
{
    w->bits |= (uint64_t)v << w->nbits;
    w->nbits += n;
    while (w->nbits >= 8) { w->out[w->pos++] = (uint8_t)w->bits; w->bits >>= 8; w->nbits -= 8; }
}

/* ------------------------------------------------------------------ compressor */
typedef struct {
    uint16_t *sym_len;  /* 0: literal in sym_val; else a match of this length, distance sym_val */
    uint16_t *sym_val;
    int nsym, cap; /* a block ends after cap symbols (BLOCK_SYMS, fewer for a short input) */
    BitWriter w;
    unsigned blocks;
} Encoder;

static void flush_block(Encoder *e, int last)
{
    uint32_t lf[NLIT] = {0}, df[NDIST] = {0};
    uint8_t ll[NLIT], dl[NDIST];
    uint16_t lc[NLIT], dc[NDIST];
    for (int i = 0; i < e->nsym; i++) {
        if (!e->sym_len[i]) { lf[e->sym_val[i]]++; continue; }
        lf[257 + len_code[e->sym_len[i] - 3]]++;
        df[dcode(e->sym_val[i])]++;
    }
    lf[256] = 1;
    build_lengths(lf, NLIT, ll);
    build_lengths(df, NDIST, dl);
    build_codes(ll, NLIT, lc);
    build_codes(dl, NDIST, dc);
    put_bits(&e->w, (uint32_t)last, 1);
    for (int i = 0; i < NLIT; i++) put_bits(&e->w, ll[i], 4);
    for (int i = 0; i < NDIST; i++) put_bits(&e->w, dl[i], 4);
    for (int i = 0; i < e->nsym; i++) {
        unsigned l = e->sym_len[i], v = e->sym_val[i];
        if (!l) { put_bits(&e->w, lc[v], ll[v]); continue; }
        int c = len_code[l - 3], d = dcode(v);
        put_bits(&e->w, lc[257 + c], ll[257 + c]);
        put_bits(&e->w, l - len_base[c], len_extra[c]);
        put_bits(&e->w, dc[d], dl[d]);
        put_bits(&e->w, v - dist_base[d], dist_extra[d]);
    }
    put_bits(&e->w, lc[256], ll[256]);
    e->nsym = 0;
    e->blocks++;
}

static void emit(Encoder *e, unsigned len, unsigned val)
{
    e->sym_len[e->nsym] = (uint16_t)len;
    e->sym_val[e->nsym] = (uint16_t)val;
    if (++e->nsym == e->cap) flush_block(e, 0);
}

/* Compresses in[0..n) into out; returns the compressed size. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out, unsigned chain, unsigned *blocks)
{
    /* hash and window sized to the input (a window larger than the input is never used) */
    int hbits = 6;
    while (hbits < 15 && (1u << hbits) < n) hbits++;
    const unsigned hmask = (1u << hbits) - 1, wmask = hmask;
    uint32_t *head = calloc((size_t)1 << hbits, sizeof(uint32_t)); /* position + 1, 0: none */
    uint32_t *prev = malloc(((size_t)1 << hbits) * sizeof(uint32_t));
    const int cap = n < BLOCK_SYMS ? (int)n + 1 : BLOCK_SYMS;
    Encoder e = {malloc((size_t)cap * 2), malloc((size_t)cap * 2), 0, cap, {out, 0, 0, 0}, 0};
#define HASH(p) ((((unsigned)in[p] << 10) ^ ((unsigned)in[(p) + 1] << 5) ^ in[(p) + 2]) & hmask)
#define INSERT(p)                                                         \
    do {                                                                  \
        unsigned h_ = HASH(p);                                            \
        prev[(p) & wmask] = head[h_];                                     \
        head[h_] = (uint32_t)(p) + 1;                                     \
    } while (0)
    size_t pos = 0;
    while (pos < n) {
        unsigned best = 0, best_d = 0;
        if (pos + MIN_MATCH <= n) {
            size_t maxl = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
            uint32_t cand = head[HASH(pos)];
            for (unsigned c = chain; cand && c; c--) {
                size_t at = cand - 1;
                if (pos - at >= WSIZE) break;
                if (in[at + best] == in[pos + best]) {
                    size_t l = 0;
                    while (l < maxl && in[at + l] == in[pos + l]) l++;
                    if (l > best) { best = (unsigned)l; best_d = (unsigned)(pos - at); if (l == maxl) break; }
                }
                cand = prev[at & wmask];
            }
        }
        if (best >= MIN_MATCH) {
            emit(&e, best, best_d);
            for (size_t end = pos + best; pos < end; pos++)
                if (pos + MIN_MATCH <= n) INSERT(pos);
        } else {
            emit(&e, 0, in[pos]);
            if (pos + MIN_MATCH <= n) INSERT(pos);
            pos++;
        }
    }
    flush_block(&e, 1);
    put_bits(&e.w, 0, 7); /* pad the last byte */
    free(e.sym_len); free(e.sym_val); free(prev); free(head);
    *blocks = e.blocks;
    return e.w.pos;
}

/* ------------------------------------------------------------------ decompressor */
typedef struct { const uint8_t *in; size_t pos, end; uint64_t bits; int nbits; } BitReader;
static void refill(BitReader *r)
{
    while (r->nbits <= 56) {
        uint64_t b = r->pos < r->end ? r->in[r->pos] : 0;
        r->pos++;
        r->bits |= b << r->nbits;
        r->nbits += 8;
    }
}
static unsigned get_bits(BitReader *r, int n)
{
    if (r->nbits < n) refill(r);
    unsigned v = (unsigned)(r->bits & ((1u << n) - 1));
    r->bits >>= n;
    r->nbits -= n;
    return v;
}

/* A lookup table of 2^bits entries: (symbol << 4) | length; 0 where no code matches. */
static int build_table(const uint8_t *len, int n, uint16_t *table)
{
    uint16_t code[NLIT];
    int bits = 1;
    for (int i = 0; i < n; i++)
        if (len[i] > bits) bits = len[i];
    memset(table, 0, sizeof(uint16_t) << bits);
    build_codes(len, n, code);
    for (int i = 0; i < n; i++)
        if (len[i])
            for (unsigned k = code[i]; k < (1u << bits); k += 1u << len[i]) table[k] = (uint16_t)(i << 4 | len[i]);
    return bits;
}
static int decode(BitReader *r, const uint16_t *table, int bits)
{
    if (r->nbits < bits) refill(r);
    unsigned e = table[r->bits & ((1u << bits) - 1)];
    if (!(e & 15)) return -1;
    r->bits >>= e & 15;
    r->nbits -= (int)(e & 15);
    return (int)(e >> 4);
}

/* Decompresses into out (capacity cap); returns the size, or (size_t)-1 on a corrupt stream. */
static size_t decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    static uint16_t lt[1 << MAXBITS], dt[1 << MAXBITS];
    BitReader r = {in, 0, n, 0, 0};
    size_t o = 0;
    int last = 0;
    while (!last) {
        uint8_t ll[NLIT], dl[NDIST];
        last = (int)get_bits(&r, 1);
        for (int i = 0; i < NLIT; i++) ll[i] = (uint8_t)get_bits(&r, 4);
        for (int i = 0; i < NDIST; i++) dl[i] = (uint8_t)get_bits(&r, 4);
        int lbits = build_table(ll, NLIT, lt), dbits = build_table(dl, NDIST, dt);
        for (;;) {
            int s = decode(&r, lt, lbits);
            if (s < 0) goto bad;
            if (s < 256) {
                if (o >= cap) goto bad;
                out[o++] = (uint8_t)s;
                continue;
            }
            if (s == 256) break;
            s -= 257;
            unsigned l = len_base[s] + get_bits(&r, len_extra[s]);
            int d = decode(&r, dt, dbits);
            if (d < 0) goto bad;
            size_t dist = dist_base[d] + get_bits(&r, dist_extra[d]);
            if (dist > o || o + l > cap) goto bad;
            for (unsigned k = 0; k < l; k++, o++) out[o] = out[o - dist];
        }
    }
    return o;
bad:
    return (size_t)-1;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}
static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], 0, 0) : 65536;
    unsigned chain = argc > 2 ? (unsigned)strtoul(argv[2], 0, 0) : 32;
    init_code_tables();
    /* the stream's worst case: < 2 bytes an input byte (a literal: 12 bits, a 3-byte match: 37)
     * and a 159-byte header a block */
    size_t comp_cap = 2 * n + 160 * (n / BLOCK_SYMS + 1) + 16;
    uint8_t *in = malloc(n + 1), *comp = malloc(comp_cap), *back = malloc(n + 1);
    if (!in || !comp || !back) { printf("out of memory\n"); return 2; }
    gen_text(in, n);
    unsigned blocks;
    size_t cn = compress(in, n, comp, chain, &blocks);
    size_t bn = decompress(comp, cn, back, n);
    int ok = bn == n && memcmp(in, back, n) == 0;
    printf("deflate: %lu bytes -> %lu bytes in %u blocks (chain %u), adler32 %08lx, stream fnv1a %016llx, round trip %s\n",
           (unsigned long)n, (unsigned long)cn, blocks, chain, (unsigned long)adler32(in, n),
           (unsigned long long)fnv1a(comp, cn), ok ? "ok" : "FAILED");
    free(in); free(comp); free(back);
    return ok ? 0 : 1;
}
