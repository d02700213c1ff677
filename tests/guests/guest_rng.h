/* guest_rng.h -- splitmix64, the generator of the portable guests' deterministic inputs (the
 * Python models in tests/tools/ draw the same numbers). Seed: GUEST_RNG_SEED (default 1),
 * defined before this header is included. */
#ifndef RVTRACE_GUEST_RNG_H
#define RVTRACE_GUEST_RNG_H
#include <stdint.h>
#ifndef GUEST_RNG_SEED
#define GUEST_RNG_SEED 1
#endif

static uint64_t rng_state = GUEST_RNG_SEED;
static uint64_t splitmix(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
#endif
