/* divedge.c (RISC-V only) -- M-extension and shift edge cases through inline asm,
 * so nothing is constant-folded; prints every result in hex.
 * usage: divedge [K]  uses the first K (1..14, default 14) edge values for the
 * div/rem/mul cross product.  SMALL: 5 (0, -1, INT64_MIN, INT32_MIN, 1), BIG: n/a.
 * Line format:  "a b: div divu rem remu divw divuw remw remuw mul mulh mulhsu mulhu mulw"
 * then         "SHIFT v: sll/srl/sra/sllw/srlw/sraw by 0 1 31 32 63 64, slli/srli/srai by 0 31 32 63,
 *               slliw/srliw/sraiw by 0 1 31" */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>

#include "guest_out.h"
#define putch go_putc
#define puts_ go_puts
#define hex go_hex
#define flush go_flush

#define R3(op, a, b) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); r_; })
#define RI(op, a, imm) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"(a), "i"(imm)); r_; })

static const uint64_t V[14] = {
    0, 0xffffffffffffffffULL, 0x8000000000000000ULL, 0xffffffff80000000ULL, 1,
    0x0000000080000000ULL, 0x7fffffffffffffffULL, 0x000000007fffffffULL, 0x00000000ffffffffULL,
    7, 0xfffffffffffffff9ULL, 2, 0x123456789abcdef0ULL, 0xfedcba9876543210ULL};

int main(int argc, char **argv)
{
    int k = argc > 1 ? atoi(argv[1]) : 14;
    if (k < 1) k = 1;
    if (k > 14) k = 14;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            volatile uint64_t va = V[i], vb = V[j];
            uint64_t a = va, b = vb;
            uint64_t r[13] = {
                R3("div", a, b), R3("divu", a, b), R3("rem", a, b), R3("remu", a, b),
                R3("divw", a, b), R3("divuw", a, b), R3("remw", a, b), R3("remuw", a, b),
                R3("mul", a, b), R3("mulh", a, b), R3("mulhsu", a, b), R3("mulhu", a, b), R3("mulw", a, b)};
            hex(a); putch(' '); hex(b); putch(':');
            for (int t = 0; t < 13; t++) { putch(' '); hex(r[t]); }
            putch('\n');
        }
    static const uint64_t SV[2] = {0x8000000080000001ULL, 0x123456789abcdef0ULL};
    static const uint64_t SH[6] = {0, 1, 31, 32, 63, 64};
    for (int i = 0; i < 2; i++) {
        volatile uint64_t vv = SV[i];
        uint64_t v = vv;
        puts_("SHIFT "); hex(v); putch(':');
        for (int s = 0; s < 6; s++) {
            volatile uint64_t vs = SH[s];
            uint64_t sh = vs;
            uint64_t r[6] = {R3("sll", v, sh), R3("srl", v, sh), R3("sra", v, sh),
                             R3("sllw", v, sh), R3("srlw", v, sh), R3("sraw", v, sh)};
            for (int t = 0; t < 6; t++) { putch(' '); hex(r[t]); }
        }
        uint64_t ri[21] = {RI("slli", v, 0), RI("slli", v, 31), RI("slli", v, 32), RI("slli", v, 63),
                           RI("srli", v, 0), RI("srli", v, 31), RI("srli", v, 32), RI("srli", v, 63),
                           RI("srai", v, 0), RI("srai", v, 31), RI("srai", v, 32), RI("srai", v, 63),
                           RI("slliw", v, 0), RI("slliw", v, 1), RI("slliw", v, 31),
                           RI("srliw", v, 0), RI("srliw", v, 1), RI("srliw", v, 31),
                           RI("sraiw", v, 0), RI("sraiw", v, 1), RI("sraiw", v, 31)};
        for (int t = 0; t < 21; t++) { putch(' '); hex(ri[t]); }
        putch('\n');
    }
    flush();
    return 0;
}
