/* readinput.c -- reads stdin with read(0, ...) until EOF; prints byte count and an
 * FNV-1a 64 checksum. */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
int main(void)
{
    static unsigned char buf[1000];
    uint64_t n = 0, h = 0xcbf29ce484222325ULL;
    for (;;) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r < 0) { printf("read error\n"); return 1; }
        if (r == 0) break;
        for (ssize_t i = 0; i < r; i++) h = (h ^ buf[i]) * 0x100000001b3ULL;
        n += (uint64_t)r;
    }
    printf("bytes=%llu fnv1a=%016llx\n", (unsigned long long)n, (unsigned long long)h);
    return 0;
}
