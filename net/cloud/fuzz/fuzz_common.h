/*
 * libFuzzer targets for the photon-cloud core.
 *
 * Build (clang only; the core is rebuilt with ASan + UBSan + fuzzer coverage):
 *
 *   cd /work/main
 *   CC=clang meson setup build-fuzz -Dqemu=false -Dfuzz=true -Dbuildtype=debugoptimized
 *   ninja -C build-fuzz net/cloud/fuzz/fuzz_cloud_session   # or all five
 *
 * Run (each target takes any libFuzzer flags; a corpus directory is optional):
 *
 *   mkdir -p corpus/session
 *   build-fuzz/net/cloud/fuzz/fuzz_cloud_session corpus/session -runs=2000000
 *   build-fuzz/net/cloud/fuzz/fuzz_cloud_channel -max_total_time=300 -jobs=2
 *
 * Targets:
 *   fuzz_cloud_channel    frame reassembly + AES-CBC + PKCS#7, any fragmentation; seal/receive round trip
 *   fuzz_cloud_coap       CoAP parser; re-encode what parsed and parse again
 *   fuzz_cloud_describe   describe JSON reader and variable decoding
 *   fuzz_cloud_handshake  the decrypted 214-byte block: nonce, device ID, device key, registry,
 *                         reply building (RSA ops only when the key is valid)
 *   fuzz_cloud_session    a whole session after the handshake: device frames, server requests,
 *                         replies aimed at outstanding requests, timers, faults, OTA
 * A crash leaves crash-<sha1> in the working directory; rerun the target with that file as its
 * only argument to reproduce it.
 */
#ifndef PHOTON_CLOUD_FUZZ_COMMON_H
#define PHOTON_CLOUD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads fuzz input front to back; running out yields zeros. */
typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t pos;
} fuzz_input;

static inline uint8_t fuzz_byte(fuzz_input *in)
{
    return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline size_t fuzz_take(fuzz_input *in, size_t wanted, const uint8_t **out)
{
    size_t left = in->size - in->pos;
    size_t n = wanted < left ? wanted : left;
    *out = in->data + in->pos;
    in->pos += n;
    return n;
}

#endif
