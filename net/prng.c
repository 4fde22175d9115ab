#include "prng.h"

void prng_seed(prng *rng, uint64_t seed)
{
    rng->state = seed;
}

uint64_t prng_next(prng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double prng_unit(prng *rng)
{
    return (double)(prng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t prng_below(prng *rng, uint64_t bound)
{
    if (bound == 0)
        return 0;
    /* the modulo bias is below 2^-40 for the bounds used here (frame lengths) */
    return prng_next(rng) % bound;
}
