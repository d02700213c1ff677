/* misaligned.c (RISC-V only) -- lh/lhu/lw/lwu/ld at every offset 0..15 of a 16-byte
 * aligned buffer (many cross an 8-byte boundary), then sh/sw/sd at odd offsets,
 * dumping the buffer after every store.  No parameter (~15k steps). */
#include <stdio.h>
#include <stdint.h>

static uint8_t buf[32] __attribute__((aligned(16)));

#define LD(op, p) ({ uint64_t r_; __asm__ volatile(op " %0, 0(%1)" : "=r"(r_) : "r"(p) : "memory"); r_; })
#define ST(op, p, v) __asm__ volatile(op " %1, 0(%0)" : : "r"(p), "r"(v) : "memory")

static void dump(const char *what, int off)
{
    const uint64_t *w = (const uint64_t *)buf;
    printf("%s@%d: %016llx %016llx %016llx %016llx\n", what, off, (unsigned long long)w[0],
           (unsigned long long)w[1], (unsigned long long)w[2], (unsigned long long)w[3]);
}

int main(void)
{
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)(0x81 + i * 0x13);
    dump("init", 0);
    for (int off = 0; off < 16; off++) {
        volatile uint8_t *p = buf + off;
        printf("off %2d: lh=%016llx lhu=%016llx lw=%016llx lwu=%016llx ld=%016llx\n", off,
               (unsigned long long)LD("lh", p), (unsigned long long)LD("lhu", p),
               (unsigned long long)LD("lw", p), (unsigned long long)LD("lwu", p),
               (unsigned long long)LD("ld", p));
    }
    static const int offs[6] = {1, 3, 5, 7, 9, 13};
    uint64_t v = 0x0102030405060708ULL;
    for (int i = 0; i < 6; i++) {
        volatile uint8_t *p = buf + offs[i];
        ST("sh", p, v); dump("sh", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
        ST("sw", p, v); dump("sw", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
        ST("sd", p, v); dump("sd", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
    }
    return 0;
}
