/* atomics.c (RISC-V only) -- LR/SC (success, and SC without a reservation, which fails)
 * and every AMO in .w and .d form on signed edge values.  No parameter.
 * AMO lines: "op src old mem" (hex; .w values are shown sign-extended to 64 bits). . */
#include <stdio.h>
#include <stdint.h>
#include "guest_out.h"

static volatile int64_t m64 __attribute__((aligned(8)));
static volatile int32_t m32 __attribute__((aligned(8)));

#define ASM_A(s) ".option push\n.option arch, +a\n" s "\n.option pop"
#define AMO(op, mem, src) ({ int64_t r_; __asm__ volatile(ASM_A(op " %0, %2, (%1)") : "=&r"(r_) : "r"(mem), "r"(src) : "memory"); r_; })

static void pr(const char *what, int64_t src, int64_t old, int64_t now)
{
    go_puts(what); go_putc(' '); go_hex((uint64_t)src); go_putc(' '); go_hex((uint64_t)old);
    go_putc(' '); go_hex((uint64_t)now); go_putc('\n');
}
static void pr2(const char *what, int64_t v, int64_t sc, int64_t mem)
{
    go_puts(what); go_puts(": value="); go_hex((uint64_t)v); go_puts(" sc="); go_hex((uint64_t)sc);
    go_puts(" mem="); go_hex((uint64_t)mem); go_putc('\n');
}

int main(void)
{
    int64_t r, s;
    /* lr.d / sc.d success */
    m64 = 5;
    __asm__ volatile(ASM_A("lr.d %0, (%2)\naddi %0, %0, 1\nsc.d %1, %0, (%2)") : "=&r"(r), "=&r"(s) : "r"(&m64) : "memory");
    pr2("lr.d/sc.d", r, s, m64);
    /* second sc.d: the reservation was consumed -> fails */
    __asm__ volatile(ASM_A("sc.d %0, %1, (%2)") : "=&r"(s) : "r"((int64_t)99), "r"(&m64) : "memory");
    pr2("sc.d without lr", 99, s, m64);
    /* lr.w / sc.w on a negative value */
    m32 = -5;
    __asm__ volatile(ASM_A("lr.w.aq %0, (%2)\naddi %0, %0, -3\nsc.w.rl %1, %0, (%2)") : "=&r"(r), "=&r"(s) : "r"(&m32) : "memory");
    pr2("lr.w/sc.w", r, s, m32);
    __asm__ volatile(ASM_A("sc.w %0, %1, (%2)") : "=&r"(s) : "r"((int64_t)77), "r"(&m32) : "memory");
    pr2("sc.w without lr", 77, s, m32);

    static const int64_t pairs[4][2] = {
        {5, -3}, {-8, 3}, {(int64_t)0x8000000000000000ULL, -1}, {-1, 0x7fffffff}};
    for (int i = 0; i < 4; i++) {
        int64_t a = pairs[i][0], b = pairs[i][1];
        int32_t a32 = (int32_t)(a ^ (a >> 32)), b32 = (int32_t)b;
#define DO64(name) m64 = a; r = AMO(name, &m64, b); pr(name, b, r, m64);
#define DO32(name) m32 = a32; r = AMO(name, &m32, b32); pr(name, b32, r, m32);
        DO64("amoswap.d") DO64("amoadd.d") DO64("amoxor.d") DO64("amoand.d") DO64("amoor.d")
        DO64("amomin.d") DO64("amomax.d") DO64("amominu.d") DO64("amomaxu.d.aqrl")
        DO32("amoswap.w") DO32("amoadd.w") DO32("amoxor.w") DO32("amoand.w") DO32("amoor.w")
        DO32("amomin.w") DO32("amomax.w") DO32("amominu.w") DO32("amomaxu.w.aq")
    }
    go_flush();
    return 0;
}
