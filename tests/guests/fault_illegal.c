/* fault_illegal.c -- executes the all-zero word (an illegal instruction). */
#include <stdio.h>
int main(void)
{
    printf("executing .word 0\n");
    __asm__ volatile(".word 0");
    printf("unreachable\n");
    return 0;
}
