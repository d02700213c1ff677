/* guest_out.h -- cheap buffered output for the RISC-V-only guests (printf costs ~1000
 * steps per %016llx; these helpers cost ~5 steps per character). */
#ifndef RVTRACE_GUEST_OUT_H
#define RVTRACE_GUEST_OUT_H
#include <stdint.h>
#include <unistd.h>

static char go_buf[4096];
static unsigned go_len;
static void go_flush(void)
{
    if (go_len) write(1, go_buf, go_len);
    go_len = 0;
}
static void go_room(unsigned n) { if (go_len + n > sizeof go_buf) go_flush(); }
static void go_putc(char c) { go_room(1); go_buf[go_len++] = c; }
static void go_puts(const char *s) { while (*s) go_putc(*s++); }
static char go_pairs[512];
static void go_hex(uint64_t v)
{
    if (!go_pairs[0])
        for (int i = 0; i < 256; i++) {
            go_pairs[2 * i] = "0123456789abcdef"[i >> 4];
            go_pairs[2 * i + 1] = "0123456789abcdef"[i & 15];
        }
    go_room(16);
    char *p = go_buf + go_len + 14;
    for (int i = 0; i < 8; i++, p -= 2, v >>= 8) {
        p[0] = go_pairs[2 * (v & 255)];
        p[1] = go_pairs[2 * (v & 255) + 1];
    }
    go_len += 16;
}
#endif
