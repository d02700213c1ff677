/* misaligned.c (RISC-V only) -- lh/lhu/lw/lwu/ld at every offset 0..15 of a 16-byte
 * aligned buffer (many cross an 8-byte boundary), then sh/sw/sd at odd offsets,
 * dumping the buffer after every store.  No parameter.
 * Output: "off NN: lh lhu lw lwu ld" (hex), then "OP@NN: w0 w1 w2 w3" after each store. */
#include <stdio.h>
#include <stdint.h>
#include "guest_out.h"

static uint8_t buf[32] __attribute__((aligned(16)));

#define LD(op, p) ({ uint64_t r_; __asm__ volatile(op " %0, 0(%1)" : "=r"(r_) : "r"(p) : "memory"); r_; })
#define ST(op, p, v) __asm__ volatile(op " %1, 0(%0)" : : "r"(p), "r"(v) : "memory")

static void dump(const char *what, int off)
{
    const uint64_t *w = (const uint64_t *)buf;
    go_puts(what); go_putc('@'); go_putc((char)('0' + off / 10)); go_putc((char)('0' + off % 10)); go_putc(':');
    for (int i = 0; i < 4; i++) { go_putc(' '); go_hex(w[i]); }
    go_putc('\n');
}

int main(void)
{
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)(0x81 + i * 0x13);
    dump("init", 0);
    for (int off = 0; off < 16; off++) {
        volatile uint8_t *p = buf + off;
        uint64_t r[5] = {LD("lh", p), LD("lhu", p), LD("lw", p), LD("lwu", p), LD("ld", p)};
        go_puts("off "); go_putc((char)('0' + off / 10)); go_putc((char)('0' + off % 10)); go_putc(':');
        for (int i = 0; i < 5; i++) { go_putc(' '); go_hex(r[i]); }
        go_putc('\n');
    }
    static const int offs[6] = {1, 3, 5, 7, 9, 13};
    uint64_t v = 0x0102030405060708ULL;
    for (int i = 0; i < 6; i++) {
        volatile uint8_t *p = buf + offs[i];
        ST("sh", p, v); dump("sh", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
        ST("sw", p, v); dump("sw", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
        ST("sd", p, v); dump("sd", offs[i]); v = v * 0x9e3779b97f4a7c15ULL + 1;
    }
    go_flush();
    return 0;
}
