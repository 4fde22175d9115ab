/*
 * A small seeded pseudo-random generator (splitmix64) for the fault engine: the same
 * seed gives the same loss and corruption pattern on every run and every host.
 */
#ifndef NETSIM_PRNG_H
#define NETSIM_PRNG_H

#include <stdint.h>

typedef struct prng {
    uint64_t state;
} prng;

void prng_seed(prng *rng, uint64_t seed);
uint64_t prng_next(prng *rng);
/* Uniform in [0, 1) with 53 bits of precision. */
double prng_unit(prng *rng);
/* Uniform in [0, bound); bound 0 gives 0. */
uint64_t prng_below(prng *rng, uint64_t bound);

#endif
