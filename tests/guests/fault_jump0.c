/* fault_jump0.c -- calls a null function pointer: fetch fault at pc 0. */
#include <stdio.h>
int main(void)
{
    void (*volatile f)(void) = 0;
    printf("calling null\n");
    f();
    printf("unreachable\n");
    return 0;
}
