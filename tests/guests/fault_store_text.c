/* fault_store_text.c -- stores into its own code (text is read-only). */
#include <stdio.h>
#include <stdint.h>
int main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)&main;
    printf("writing to text\n");
    *p = 0x00000013;
    printf("unreachable\n");
    return 0;
}
