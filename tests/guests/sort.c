/* sort.c -- qsort and a hand-written merge sort over splitmix64-generated 64-bit keys,
 * cross-checked; prints a checksum (sum of a[i]*(i+1) mod 2^64) of the sorted array.
 * usage: sort [N] [REPS]   SMALL: 100, BIG: 200000 10 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define GUEST_RNG_SEED 7
#include "guest_rng.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void merge_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (n < 2) return;
    if (n <= 8) { /* insertion sort for small runs */
        for (size_t i = 1; i < n; i++) {
            uint64_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], 0, 0) : 100000;
    unsigned long reps = argc > 2 ? strtoul(argv[2], 0, 0) : 1;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *t = malloc(n * sizeof *t);
    if (!a || !b || !t) { printf("out of memory\n"); return 2; }
    uint64_t ck = 0;
    int ok = 1;
    for (unsigned long r = 0; r < reps; r++) {
        for (unsigned long i = 0; i < n; i++) a[i] = b[i] = splitmix();
        qsort(a, n, sizeof *a, cmp_u64);
        merge_sort(b, t, n);
        for (unsigned long i = 0; i < n; i++) {
            if (a[i] != b[i] || (i && a[i - 1] > a[i])) ok = 0;
            ck += a[i] * (i + 1);
        }
    }
    printf("sort n=%lu reps=%lu checksum=%016llx %s\n", n, reps, (unsigned long long)ck, ok ? "ok" : "MISMATCH");
    free(a); free(b); free(t);
    return ok ? 0 : 1;
}
