// A user's guest: sums 1..N (N = argv[1], default 1000) and prints the sum; exit code 0.
// The loop is a profile region: the installed guest SDK must provide rvtrace_region.h.
#include <stdio.h>
#include <stdlib.h>

#include "rvtrace_region.h"

int main(int argc, char** argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1000, sum = 0;
  rvtrace_region_begin("sum");
  for (unsigned long i = 1; i <= n; ++i) sum += i;
  rvtrace_region_end();
  printf("sum %lu\n", sum);
  return 0;
}
