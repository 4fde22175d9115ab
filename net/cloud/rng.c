#include "rng.h"

#include <string.h>

#include <mbedtls/sha256.h>

/*
 * Entropy callback for the DRBG: SHA-256(seed digest || call counter || block counter).
 * CTR-DRBG calls it at seeding and again at every automatic reseed; the call counter
 * keeps those draws distinct while the sequence stays a pure function of the seed.
 */
static int seeded_entropy(void *opaque, unsigned char *out, size_t len)
{
    cloud_rng *rng = opaque;
    uint32_t call = rng->entropy_calls++;
    uint32_t block = 0;

    while (len > 0) {
        uint8_t input[32 + 8];
        uint8_t digest[32];
        size_t take = len < sizeof(digest) ? len : sizeof(digest);

        memcpy(input, rng->seed_digest, 32);
        input[32] = (uint8_t)(call >> 24);
        input[33] = (uint8_t)(call >> 16);
        input[34] = (uint8_t)(call >> 8);
        input[35] = (uint8_t)call;
        input[36] = (uint8_t)(block >> 24);
        input[37] = (uint8_t)(block >> 16);
        input[38] = (uint8_t)(block >> 8);
        input[39] = (uint8_t)block;
        if (mbedtls_sha256_ret(input, sizeof(input), digest, 0) != 0) {
            return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
        }
        memcpy(out, digest, take);
        out += take;
        len -= take;
        block++;
    }
    return 0;
}

int cloud_rng_init(cloud_rng *rng, const uint8_t *seed, size_t seed_len)
{
    static const unsigned char personalization[] = "photon-cloud server";
    int ret;

    memset(rng, 0, sizeof(*rng));
    ret = mbedtls_sha256_ret(seed_len ? seed : (const uint8_t *)"", seed_len,
                             rng->seed_digest, 0);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ctr_drbg_init(&rng->drbg);
    return mbedtls_ctr_drbg_seed(&rng->drbg, seeded_entropy, rng, personalization,
                                 sizeof(personalization) - 1);
}

void cloud_rng_free(cloud_rng *rng)
{
    mbedtls_ctr_drbg_free(&rng->drbg);
    memset(rng->seed_digest, 0, sizeof(rng->seed_digest));
}

int cloud_rng_bytes(cloud_rng *rng, uint8_t *out, size_t len)
{
    while (len > 0) {
        size_t take = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        int ret = mbedtls_ctr_drbg_random(&rng->drbg, out, take);
        if (ret != 0) {
            return ret;
        }
        out += take;
        len -= take;
    }
    return 0;
}

int cloud_rng_callback(void *rng, unsigned char *out, size_t len)
{
    return cloud_rng_bytes(rng, out, len);
}
