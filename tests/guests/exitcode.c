/* exitcode.c -- returns atoi(argv[1]), or 42 without an argument. */
#include <stdlib.h>
int main(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) : 42; }
