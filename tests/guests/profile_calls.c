// A guest with a known call structure, for the profile tests (tests/trace/test_profile.cpp):
// recursion (fib), mutual recursion (is_even/is_odd), tail calls (tail_a -> tail_b -> tail_c), a
// function called from many sites (leaf_add), calls through a function pointer, a longjmp unwind out
// of a deep recursion (deep -> longjmp back into unwinder), and profile region markers.
// Usage: profile_calls [N] (default 12: the size of every part). Prints one checksum line.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rvtrace_region.h"  // guest SDK (sdk/), on the include path of rvtrace_add_guest

#define NOINLINE __attribute__((noinline))
#pragma GCC diagnostic ignored "-Winfinite-recursion"  /* deep() ends in longjmp */

static volatile uint64_t sink;

NOINLINE uint64_t leaf_add(uint64_t a, uint64_t b) { return a * 3 + b; }

NOINLINE uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

NOINLINE int is_odd(unsigned n);
NOINLINE int is_even(unsigned n) { return n == 0 ? 1 : 1 - is_odd(n - 1); }
NOINLINE int is_odd(unsigned n) { return n == 0 ? 0 : 1 - is_even(n - 1); }

// Sibling calls at -O2: each ends in a jump (rd = x0) to the next.
NOINLINE uint64_t tail_c(uint64_t x) {
  for (int i = 0; i < 8; ++i) x = leaf_add(x, (uint64_t)i);
  return x;
}
NOINLINE uint64_t tail_b(uint64_t x) { sink += x; return tail_c(x ^ 5); }
NOINLINE uint64_t tail_a(uint64_t x) { sink += x; return tail_b(x + 1); }

NOINLINE uint64_t caller_one(uint64_t x) { return leaf_add(x, 1) + 1; }
NOINLINE uint64_t caller_two(uint64_t x) { return leaf_add(leaf_add(x, 2), 3) + 2; }
typedef uint64_t (*op_fn)(uint64_t);
static op_fn const ops[] = {caller_one, caller_two, tail_a};

static jmp_buf unwind_to;
NOINLINE void deep(int n) {
  if (n == 0) longjmp(unwind_to, 1);
  sink += (uint64_t)n;
  deep(n - 1);
  sink += 1;  // never reached: keeps the call above from being a tail call
}
NOINLINE uint64_t unwinder(int depth) {
  if (setjmp(unwind_to) == 0) {
    deep(depth);
    return 0;
  }
  return leaf_add(sink, 9);
}

int main(int argc, char **argv) {
  const int n = argc > 1 ? atoi(argv[1]) : 12;
  uint64_t acc = 0;
  rvtrace_region_begin("recursion");
  acc += fib(n);
  acc += (uint64_t)is_even((unsigned)n * 3);
  rvtrace_region_end();
  for (int i = 0; i < n; ++i) {
    acc = leaf_add(acc, (uint64_t)i);
    acc += ops[i % 3](acc);
  }
  rvtrace_region_begin("unwind");
  for (int i = 0; i < 4; ++i) acc += unwinder(n + i);
  rvtrace_region_begin("nested");
  acc += tail_a(acc);
  rvtrace_region_end();
  rvtrace_region_end();
  printf("profile_calls %d: %llu\n", n, (unsigned long long)(acc + sink));
  return 0;
}
