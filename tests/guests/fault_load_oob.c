/* fault_load_oob.c -- loads from an unmapped high address. */
#include <stdio.h>
#include <stdint.h>
int main(void)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x7ffffffffff0ULL;
    printf("loading from %p\n", (void *)p);
    uint64_t v = *p;
    printf("unreachable %llu\n", (unsigned long long)v);
    return 0;
}
