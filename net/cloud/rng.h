/*
 * The server's only source of randomness: an mbedTLS CTR-DRBG whose "entropy" is
 * derived from a caller-given seed, so that a simulator run with the same seed sends
 * the same nonces, session keys and message IDs, bit for bit.
 *
 * Not for production key material unless the seed itself comes from a real entropy
 * source (photon-cloud reads /dev/urandom when no --seed is given).
 */
#ifndef PHOTON_CLOUD_RNG_H
#define PHOTON_CLOUD_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ctr_drbg.h>

typedef struct cloud_rng {
    mbedtls_ctr_drbg_context drbg;
    uint8_t seed_digest[32];   /* SHA-256 of the caller's seed */
    uint32_t entropy_calls;    /* makes every reseed draw different, still deterministic */
} cloud_rng;

/* Returns 0 or a negative mbedTLS error.  seed may be NULL when seed_len is 0. */
int cloud_rng_init(cloud_rng *rng, const uint8_t *seed, size_t seed_len);
void cloud_rng_free(cloud_rng *rng);

/* Any length; 0 or a negative mbedTLS error. */
int cloud_rng_bytes(cloud_rng *rng, uint8_t *out, size_t len);

/* The f_rng callback mbedTLS functions take, with p_rng = the cloud_rng. */
int cloud_rng_callback(void *rng, unsigned char *out, size_t len);

#endif
