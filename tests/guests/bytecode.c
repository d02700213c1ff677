/* bytecode.c -- a small stack-machine bytecode VM (switch over 25 opcodes, which gcc
 * compiles into a jump table: the "branchy guest" for indirect-jump benchmarks).
 * Runs two programs: count primes below N by trial division, and K iterations of
 * fibonacci plus a shift/xor hash.
 * usage: bytecode [N] [K]   (K defaults to N)   SMALL: 40, BIG: 300000 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

enum { HALT, PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, GT, EQ, AND, OR, XOR, SHL, SHR,
       JMP, JZ, JNZ, INC, DEC, DUP, SWAP, POP };

static int64_t code[256];
static int ncode;
static int e0(int op) { code[ncode] = op; return ncode++; }
static int e1(int op, int64_t a) { code[ncode++] = op; code[ncode] = a; return ncode++; }
static void patch(int at, int target) { code[at] = target; }

static uint64_t run(uint64_t *loc)
{
    uint64_t st[64];
    int sp = 0;
    int pc = 0;
    uint64_t a, b;
    for (;;) {
        switch (code[pc++]) {
        case HALT: return sp ? st[sp - 1] : 0;
        case PUSH: st[sp++] = (uint64_t)code[pc++]; break;
        case LOAD: st[sp++] = loc[code[pc++]]; break;
        case STORE: loc[code[pc++]] = st[--sp]; break;
        case ADD: b = st[--sp]; st[sp - 1] += b; break;
        case SUB: b = st[--sp]; st[sp - 1] -= b; break;
        case MUL: b = st[--sp]; st[sp - 1] *= b; break;
        case DIV: b = st[--sp]; st[sp - 1] = b ? st[sp - 1] / b : 0; break;
        case MOD: b = st[--sp]; st[sp - 1] = b ? st[sp - 1] % b : 0; break;
        case LT: b = st[--sp]; st[sp - 1] = st[sp - 1] < b; break;
        case GT: b = st[--sp]; st[sp - 1] = st[sp - 1] > b; break;
        case EQ: b = st[--sp]; st[sp - 1] = st[sp - 1] == b; break;
        case AND: b = st[--sp]; st[sp - 1] &= b; break;
        case OR: b = st[--sp]; st[sp - 1] |= b; break;
        case XOR: b = st[--sp]; st[sp - 1] ^= b; break;
        case SHL: b = st[--sp]; st[sp - 1] <<= (b & 63); break;
        case SHR: b = st[--sp]; st[sp - 1] >>= (b & 63); break;
        case JMP: pc = (int)code[pc]; break;
        case JZ: a = st[--sp]; pc = a ? pc + 1 : (int)code[pc]; break;
        case JNZ: a = st[--sp]; pc = a ? (int)code[pc] : pc + 1; break;
        case INC: loc[code[pc++]]++; break;
        case DEC: loc[code[pc++]]--; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case SWAP: a = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = a; break;
        case POP: sp--; break;
        default: printf("bad opcode %lld at %d\n", (long long)code[pc - 1], pc - 1); exit(3);
        }
    }
}

/* locals: 0=N 1=i 2=d 3=count 4=isprime */
static void gen_primes(void)
{
    ncode = 0;
    e1(PUSH, 2); e1(STORE, 1);
    e1(PUSH, 0); e1(STORE, 3);
    int outer = ncode;
    e1(LOAD, 1); e1(LOAD, 0); e0(LT); int j_end = e1(JZ, 0);
    e1(PUSH, 1); e1(STORE, 4);
    e1(PUSH, 2); e1(STORE, 2);
    int inner = ncode;
    e1(LOAD, 2); e0(DUP); e0(MUL); e1(LOAD, 1); e0(GT); int j_done1 = e1(JNZ, 0);
    e1(LOAD, 1); e1(LOAD, 2); e0(MOD); int j_next = e1(JNZ, 0);
    e1(PUSH, 0); e1(STORE, 4); int j_done2 = e1(JMP, 0);
    patch(j_next, ncode);
    e1(INC, 2); e1(JMP, inner);
    patch(j_done1, ncode); patch(j_done2, ncode);
    e1(LOAD, 3); e1(LOAD, 4); e0(ADD); e1(STORE, 3);
    e1(INC, 1); e1(JMP, outer);
    patch(j_end, ncode);
    e1(LOAD, 3); e0(HALT);
}

/* locals: 0=k 1=a 2=b 3=h */
static void gen_fib(void)
{
    ncode = 0;
    e1(PUSH, 0); e1(STORE, 1); e1(PUSH, 1); e1(STORE, 2); e1(PUSH, 0); e1(STORE, 3);
    int loop = ncode;
    e1(LOAD, 0); int j_end = e1(JZ, 0);
    e1(LOAD, 1); e1(LOAD, 2); e0(ADD); e1(LOAD, 2); e1(STORE, 1); e1(STORE, 2);
    e1(LOAD, 3); e1(LOAD, 1); e0(XOR); e1(PUSH, 5); e0(SHL);
    e1(LOAD, 3); e1(PUSH, 3); e0(SHR); e0(XOR); e1(PUSH, 0); e0(OR); e1(STORE, 3);
    e1(PUSH, 1); e1(PUSH, 1); e0(EQ); e0(POP); e1(PUSH, 9); e1(PUSH, 4); e0(SWAP); e0(SUB);
    e1(PUSH, 2); e0(DIV); e1(PUSH, 0xff); e0(AND); e0(POP);
    e1(DEC, 0); e1(JMP, loop);
    patch(j_end, ncode);
    e1(LOAD, 1); e0(HALT);
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], 0, 0) : 10000;
    unsigned long k = argc > 2 ? strtoul(argv[2], 0, 0) : n;
    uint64_t loc[8];

    gen_primes();
    memset(loc, 0, sizeof loc);
    loc[0] = n;
    uint64_t primes = run(loc);

    gen_fib();
    memset(loc, 0, sizeof loc);
    loc[0] = k;
    uint64_t fib = run(loc);
    printf("primes below %lu: %llu\n", n, (unsigned long long)primes);
    printf("fib(%lu) mod 2^64 = %llu hash=%016llx\n", k, (unsigned long long)fib, (unsigned long long)loc[3]);
    return 0;
}
