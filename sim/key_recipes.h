/* particle-cli's key recipes (`particle keys server|new|load|save|send|doctor`)
 * applied to a simulated Photon: its flash image in memory (FLASH_SIZE bytes,
 * the DCT updated copy-on-write through dct.c as the firmware does it) and the
 * simulated cloud's device registry and server key.
 *
 * Plain C: no QEMU headers, no printing; errors come back through sim_error
 * naming the DCT field and app offset (callers add the image's name). Both
 * `photon-sim keys` and the machine (a scenario's `keys:` step, on its live
 * flash) call these. */
#ifndef PHOTON_SIM_KEY_RECIPES_H
#define PHOTON_SIM_KEY_RECIPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dct.h"
#include "keys.h"
#include "registry.h"
#include "sim_error.h"

/* board/photon_machine.c's UID when `photon-sim run` gets no --uid. */
#define KEY_RECIPE_DEFAULT_UID "32001f000c47343337333437"
/* `photon-sim run --cloud` default. */
#define KEY_RECIPE_DEFAULT_CLOUD_DIR "photon-cloud"
#define KEY_RECIPE_SEED_MAX 127
/* SHA-256 of a DER key as 64 lowercase hex digits (`openssl pkey -pubin
 * -outform DER | sha256sum` gives the same). */
#define KEY_FINGERPRINT_SIZE 65

typedef enum key_uid_source {
    KEY_UID_GIVEN,     /* the caller's (--uid) */
    KEY_UID_DCT_CACHE, /* DCT device_id, which the firmware fills at its first boot */
    KEY_UID_DEFAULT,   /* the machine's default UID */
} key_uid_source;

typedef enum key_registry_change {
    KEY_REGISTRY_UNTOUCHED, /* the recipe does not register */
    KEY_REGISTRY_ADDED,     /* no record before */
    KEY_REGISTRY_REPLACED,  /* a record with another key was replaced */
    KEY_REGISTRY_UNCHANGED, /* the record already held this key */
} key_registry_change;

/* What a recipe did, for the caller to report. */
typedef struct key_recipe_result {
    bool dct_written;
    dct_write_result dct;                  /* when dct_written */
    char seed[KEY_RECIPE_SEED_MAX + 1];    /* new, doctor: the seed used */
    size_t device_key_length;              /* new, load, doctor: PKCS#1 DER bytes */
    uint8_t device_public_key[DEVICE_PUBLIC_KEY_SIZE]; /* new, load, send, doctor */
    char device_id[DEVICE_ID_HEX_SIZE + 1];            /* send, doctor */
    key_registry_change registry;                      /* send, doctor */
    server_address address;                            /* server: as the firmware reads it */
} key_recipe_result;

/* The UID (device ID) to use for the image: `given` when not NULL, else the
 * DCT's device_id cache when the firmware has written it, else the machine's
 * default. */
key_uid_source key_recipe_device_uid(const uint8_t *flash, const uint8_t *given,
                                     uint8_t uid[DEVICE_UID_SIZE]);

/* `particle keys server`: the 512-byte block at app offset 2082 (the SPKI,
 * 0xFF padding, and the address at +384). host NULL means device.spark.io; a
 * dotted-decimal host is stored as an IPv4 address; port < 0 means 5683. */
int key_recipe_server(uint8_t *flash, const uint8_t spki[SERVER_KEY_SPKI_SIZE], const char *host,
                      long port, key_recipe_result *result, sim_error *err);

/* `particle keys new` + `keys load`: an RSA-1024 device key, deterministic
 * from `seed` (any text; numbers are canonicalised so 7 and 0x7 agree, and
 * `photon-sim dct keygen` gives the same key), or from a random 64-bit seed
 * when seed is NULL. Writes the private key at app offset 34 and the public
 * key cache at 1250 in one DCT update; the registry is not touched. */
int key_recipe_new(uint8_t *flash, const char *seed, key_recipe_result *result, sim_error *err);

/* The PKCS#1 DER key `seed` gives (what key_recipe_new writes). */
int key_recipe_generate(const char *seed, uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length,
                        sim_error *err);

/* `particle keys load`: a device key file's bytes (PKCS#1 or PKCS#8, DER or
 * PEM) into the DCT as key_recipe_new writes it. */
int key_recipe_load(uint8_t *flash, const uint8_t *data, size_t length, key_recipe_result *result,
                    sim_error *err);
/* The same from a file; errors name the file. */
int key_recipe_load_file(uint8_t *flash, const char *path, key_recipe_result *result,
                         sim_error *err);

/* `particle keys save`: the DCT's device key as PKCS#1 DER. Fails on a blank
 * field or one that is not a DER SEQUENCE; a DER key the firmware would
 * misread is returned as is (*valid false; keys_check_device_key says why). */
int key_recipe_save(const uint8_t *flash, uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length,
                    bool *valid, sim_error *err);

/* `particle keys send`: registers the public key derived from the DCT's
 * private key (as the firmware derives it for the handshake) under the
 * device ID of `uid`, keeping the record's name and claimed flag. The DCT key
 * must pass keys_check_device_key. */
int key_recipe_send(const uint8_t *flash, cloud_registry *registry,
                    const uint8_t uid[DEVICE_UID_SIZE], key_recipe_result *result,
                    sim_error *err);

/* `particle keys doctor`: new + load + send. All or nothing on `flash`: the
 * DCT update is made on a copy and applied only once the registry holds the
 * new key. */
int key_recipe_doctor(uint8_t *flash, cloud_registry *registry, const uint8_t uid[DEVICE_UID_SIZE],
                      const char *seed, key_recipe_result *result, sim_error *err);

typedef enum key_state {
    KEY_STATE_BLANK,   /* first byte 0xFF */
    KEY_STATE_INVALID, /* `problem` says why */
    KEY_STATE_VALID,
} key_state;

typedef enum key_cache_state {
    KEY_CACHE_BLANK,
    KEY_CACHE_MATCHES,
    KEY_CACHE_DIFFERS, /* the firmware rewrites it from the private key at boot */
} key_cache_state;

typedef enum key_registry_state {
    KEY_REGISTRY_NOT_CHECKED, /* no registry given, or no valid DCT key to compare */
    KEY_REGISTRY_ABSENT,      /* no record: trust on first use would register the key */
    KEY_REGISTRY_PRESENT,     /* a record, but no valid DCT key to compare it with */
    KEY_REGISTRY_MATCHES,
    KEY_REGISTRY_DIFFERS,     /* the cloud refuses the handshake */
    KEY_REGISTRY_UNREADABLE,  /* `registry_problem` says why */
} key_registry_state;

/* Everything `keys show` reports about an image. */
typedef struct key_report {
    char device_id[DEVICE_ID_HEX_SIZE + 1];
    int dct_copy; /* current copy (0, 1), or -1: none valid (reads as blank) */

    key_state device_key;
    sim_error device_key_problem;
    size_t device_key_length;
    uint8_t device_public_key[DEVICE_PUBLIC_KEY_SIZE]; /* when VALID */
    char device_key_fingerprint[KEY_FINGERPRINT_SIZE]; /* of the public key; when VALID */
    key_cache_state public_cache;

    key_state server_key;
    sim_error server_key_problem;
    char server_key_fingerprint[KEY_FINGERPRINT_SIZE]; /* when VALID */
    int server_key_is_clouds; /* modulus equals the given cloud key: 1, 0; -1 not compared */
    server_address address;

    key_registry_state registry;
    char registry_path[512];
    sim_error registry_problem;
    char registry_fingerprint[KEY_FINGERPRINT_SIZE]; /* when a record was read */
} key_report;

/* Fills `out` for the image. registry and cloud_spki may be NULL (not
 * compared). Reads only. */
void key_recipe_inspect(const uint8_t *flash, cloud_registry *registry,
                        const uint8_t uid[DEVICE_UID_SIZE], const uint8_t *cloud_spki,
                        key_report *out);

/* SHA-256 of `der` as lowercase hex. */
void key_fingerprint(const uint8_t *der, size_t length, char out[KEY_FINGERPRINT_SIZE]);

/* The cloud directory's server key as a 294-byte SPKI: DIR/server_key.pem,
 * generated from /dev/urandom when missing and `create` (as `photon-sim run`
 * does); DIR/server_key.pub.der is (re)written when missing or stale.
 * Returns 0, 1 when there is no key and !create (nothing is created), or -1. */
int key_recipe_cloud_server_key(const char *cloud_dir, bool create,
                                uint8_t spki[SERVER_KEY_SPKI_SIZE], bool *created, sim_error *err);

#endif
