/* malloc.c -- malloc/realloc/free of many blocks (heap grows through brk).
 * usage: malloc [ROUNDS]   SMALL: 1 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
int main(int argc, char **argv)
{
    unsigned long rounds = argc > 1 ? strtoul(argv[1], 0, 0) : 200;
    enum { SLOTS = 64 };
    unsigned char *p[SLOTS] = {0};
    size_t sz[SLOTS] = {0};
    uint64_t x = 12345, ck = 0;
    for (unsigned long r = 0; r < rounds; r++)
        for (int i = 0; i < SLOTS; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int s = (int)((x >> 33) % SLOTS);
            if (p[s]) {
                for (size_t k = 0; k < sz[s]; k += 97) ck += p[s][k] ^ (unsigned char)(s + k);
                free(p[s]);
                p[s] = 0;
            } else {
                sz[s] = 1 + (size_t)((x >> 20) % 300);
                p[s] = malloc(sz[s]);
                if (!p[s]) { printf("malloc failed\n"); return 1; }
                                for (size_t k = 0; k < sz[s]; k += 97) p[s][k] = (unsigned char)(s + k);
            }
        }
    void *big = malloc(4 << 10);
    printf("malloc rounds=%lu check=%s big=%s\n", rounds, ck ? "BAD" : "ok", big ? "ok" : "fail");
    return big && !ck ? 0 : 1;
}
