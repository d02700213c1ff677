#include <stdio.h>
int main(void)
{
    printf("hello from rvtrace guest\n");
    return 0;
}
