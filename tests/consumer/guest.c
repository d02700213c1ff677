// A user's guest: sums 1..N (N = argv[1], default 1000) and prints the sum; exit code 0.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1000, sum = 0;
  for (unsigned long i = 1; i <= n; ++i) sum += i;
  printf("sum %lu\n", sum);
  return 0;
}
