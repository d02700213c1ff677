/* recursion.c -- deep non-tail recursion (a volatile local keeps every frame alive)
 * and Ackermann(2, n).
 * usage: recursion [DEPTH] [REPS]  (DEPTH <= 25000; ack n = DEPTH / 100)
 * SMALL: 2000 1, BIG: 20000 400 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

__attribute__((noinline)) static uint64_t rsum(uint64_t n)
{
    volatile uint64_t keep = n;
    if (n == 0) return 0;
    uint64_t r = rsum(n - 1);
    return r + keep;
}

__attribute__((noinline)) static uint64_t ack(uint64_t m, uint64_t n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv)
{
    unsigned long depth = argc > 1 ? strtoul(argv[1], 0, 0) : 20000;
    unsigned long reps = argc > 2 ? strtoul(argv[2], 0, 0) : 1;
    if (depth > 25000) depth = 25000;
    uint64_t s = 0, a = 0;
    for (unsigned long r = 0; r < reps; r++) {
        s += rsum(depth + r);
        a += ack(2, depth / 100 + r % 3);
    }
    printf("rsum total=%llu ack total=%llu\n", (unsigned long long)s, (unsigned long long)a);
    return 0;
}
