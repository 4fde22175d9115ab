#include "key_recipes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "rng.h"
#include "server_key.h"
#include "sim_util.h"

/* Field names as `photon-sim dct fields` lists them, for error messages. */
#define FIELD_PRIVATE "device_private_key (app offset 34)"
/* Where N starts in the device's 162-byte SubjectPublicKeyInfo. */
#define DEVICE_SPKI_MODULUS_OFFSET (DEVICE_PUBLIC_KEY_SIZE - DEVICE_KEY_MODULUS_SIZE - 5)

static uint8_t *dct_area(uint8_t *flash)
{
    return flash + DCT_AREA_FLASH_OFFSET;
}

static const uint8_t *dct_area_const(const uint8_t *flash)
{
    return flash + DCT_AREA_FLASH_OFFSET;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return false;
    return true;
}

key_uid_source key_recipe_device_uid(const uint8_t *flash, const uint8_t *given,
                                     uint8_t uid[DEVICE_UID_SIZE])
{
    if (given) {
        memcpy(uid, given, DEVICE_UID_SIZE);
        return KEY_UID_GIVEN;
    }
    /* HAL_save_device_id() copies the UID here once, if the field is blank. */
    uint8_t cached[DEVICE_UID_SIZE];
    dct_read_app(dct_area_const(flash), DCT_APP_DEVICE_ID, cached, sizeof cached);
    if (!all_bytes(cached, sizeof cached, 0xFF) && !all_bytes(cached, sizeof cached, 0x00)) {
        memcpy(uid, cached, DEVICE_UID_SIZE);
        return KEY_UID_DCT_CACHE;
    }
    keys_parse_uid(KEY_RECIPE_DEFAULT_UID, uid, NULL);
    return KEY_UID_DEFAULT;
}

void key_fingerprint(const uint8_t *der, size_t length, char out[KEY_FINGERPRINT_SIZE])
{
    uint8_t digest[32];
    mbedtls_sha256_ret(der, length, digest, 0);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static void result_reset(key_recipe_result *result)
{
    memset(result, 0, sizeof *result);
    result->registry = KEY_REGISTRY_UNTOUCHED;
}

/* ---- server ---------------------------------------------------------------- */

int key_recipe_server(uint8_t *flash, const uint8_t spki[SERVER_KEY_SPKI_SIZE], const char *host,
                      long port, key_recipe_result *result, sim_error *err)
{
    result_reset(result);
    if (keys_check_server_key(spki, err) != 0)
        return -1;
    uint8_t block[SERVER_KEY_BLOCK_SIZE];
    /* Unlike particle-cli without --host, always write an address: a blank
     * one makes the firmware publish spark/device/key/error. */
    if (keys_server_key_block(spki, host ? host : SERVER_DEFAULT_DOMAIN,
                              port < 0 ? (long)SERVER_DEFAULT_PORT : port, block, err) != 0)
        return sim_fail_prefix(err, "server address (app offset 2466)");
    dct_change change = {DCT_APP_OFFSET + DCT_APP_SERVER_PUBLIC_KEY, block, sizeof block};
    if (dct_write_changes(dct_area(flash), &change, 1, DCT_STEP_ALL, &result->dct, err) != 0)
        return -1;
    result->dct_written = true;
    keys_server_address_decode(block + SERVER_KEY_BLOCK_ADDRESS, &result->address);
    return 0;
}

/* ---- new / load ------------------------------------------------------------- */

/* The private key as the firmware stores it (DER, 0xFF to 612 bytes) and the
 * public cache as fetch_device_public_key() writes it (SPKI, zeros to 384),
 * in one update so no DCT copy ever pairs a key with another's cache. */
static int write_device_key(uint8_t *area, const uint8_t *der, size_t der_length,
                            key_recipe_result *result, sim_error *err)
{
    uint8_t priv[DCT_APP_DEVICE_PRIVATE_KEY_USED], pub[DCT_APP_DEVICE_PUBLIC_KEY_SIZE];
    memset(priv, 0xFF, sizeof priv);
    memcpy(priv, der, der_length);
    memset(pub, 0, sizeof pub);
    keys_device_public_key(der, pub);
    dct_change changes[2] = {
        {DCT_APP_OFFSET + DCT_APP_DEVICE_PRIVATE_KEY, priv, sizeof priv},
        {DCT_APP_OFFSET + DCT_APP_DEVICE_PUBLIC_KEY, pub, sizeof pub},
    };
    if (dct_write_changes(area, changes, 2, DCT_STEP_ALL, &result->dct, err) != 0)
        return -1;
    result->dct_written = true;
    result->device_key_length = der_length;
    memcpy(result->device_public_key, pub, DEVICE_PUBLIC_KEY_SIZE);
    return 0;
}

/* Numbers are canonicalised so that 7 and 0x7 name the same key. */
static int canonical_seed(const char *seed, char out[KEY_RECIPE_SEED_MAX + 1], sim_error *err)
{
    unsigned long long v;
    if (!seed) {
        v = 0;
        if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
            return sim_fail(err, "cannot read a random seed: %s", strerror(errno));
        snprintf(out, KEY_RECIPE_SEED_MAX + 1, "%llu", v);
    } else if (util_parse_unsigned(seed, ~0ULL, &v)) {
        snprintf(out, KEY_RECIPE_SEED_MAX + 1, "%llu", v);
    } else if (!*seed) {
        return sim_fail(err, "the seed is empty");
    } else if (strlen(seed) > KEY_RECIPE_SEED_MAX) {
        return sim_fail(err, "seed \"%.20s...\" is longer than %d characters", seed,
                        KEY_RECIPE_SEED_MAX);
    } else {
        snprintf(out, KEY_RECIPE_SEED_MAX + 1, "%s", seed);
    }
    return 0;
}

static int generate_canonical(const char *canonical, uint8_t der[DEVICE_KEY_DER_MAX],
                              size_t *der_length, sim_error *err)
{
    char personalisation[KEY_RECIPE_SEED_MAX + 32];
    snprintf(personalisation, sizeof personalisation, "photon-sim device key %s", canonical);
    return keys_generate_device_key(personalisation, strlen(personalisation), der, der_length,
                                    err);
}

int key_recipe_generate(const char *seed, uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length,
                        sim_error *err)
{
    char canonical[KEY_RECIPE_SEED_MAX + 1];
    if (!seed)
        return sim_fail(err, "key_recipe_generate needs a seed");
    if (canonical_seed(seed, canonical, err) != 0)
        return -1;
    return generate_canonical(canonical, der, der_length, err);
}

int key_recipe_new(uint8_t *flash, const char *seed, key_recipe_result *result, sim_error *err)
{
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t der_length;
    result_reset(result);
    if (canonical_seed(seed, result->seed, err) != 0 ||
        generate_canonical(result->seed, der, &der_length, err) != 0)
        return -1;
    return write_device_key(dct_area(flash), der, der_length, result, err);
}

int key_recipe_load(uint8_t *flash, const uint8_t *data, size_t length, key_recipe_result *result,
                    sim_error *err)
{
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t der_length;
    result_reset(result);
    if (keys_load_device_key(data, length, der, &der_length, err) != 0)
        return -1;
    return write_device_key(dct_area(flash), der, der_length, result, err);
}

int key_recipe_load_file(uint8_t *flash, const char *path, key_recipe_result *result,
                         sim_error *err)
{
    uint8_t *data;
    size_t length;
    result_reset(result);
    if (util_read_file(path, 64 * 1024, &data, &length, err) != 0)
        return -1;
    int rc = key_recipe_load(flash, data, length, result, err);
    free(data);
    return rc == 0 ? 0 : sim_fail_prefix(err, path);
}

/* ---- save / send ------------------------------------------------------------ */

/* The DER SEQUENCE in the private key field; fails on blank or non-DER. */
static int read_device_der(const uint8_t *flash, uint8_t der[DEVICE_KEY_DER_MAX],
                           size_t *der_length, sim_error *err)
{
    dct_read_app(dct_area_const(flash), DCT_APP_DEVICE_PRIVATE_KEY, der, DEVICE_KEY_DER_MAX);
    if (der[0] == 0xFF)
        return sim_fail(err, FIELD_PRIVATE ": blank, there is no device key (the firmware "
                        "generates one at its next boot; `photon-sim keys new` writes one now)");
    *der_length = keys_der_length(der, DEVICE_KEY_DER_MAX);
    if (*der_length == 0)
        return sim_fail(err, FIELD_PRIVATE ": not a DER SEQUENCE (starts %02x %02x %02x %02x)",
                        der[0], der[1], der[2], der[3]);
    return 0;
}

int key_recipe_save(const uint8_t *flash, uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length,
                    bool *valid, sim_error *err)
{
    if (read_device_der(flash, der, der_length, err) != 0)
        return -1;
    if (valid)
        *valid = keys_check_device_key(der, *der_length, NULL) == 0;
    return 0;
}

/* A registered SubjectPublicKeyInfo has the device key's modulus. */
static bool record_has_modulus(const cloud_device_record *record,
                               const uint8_t modulus[DEVICE_KEY_MODULUS_SIZE])
{
    mbedtls_pk_context pk;
    uint8_t n[DEVICE_KEY_MODULUS_SIZE];
    bool same = false;
    mbedtls_pk_init(&pk);
    if (mbedtls_pk_parse_public_key(&pk, record->key_der, record->key_der_length) == 0 &&
        mbedtls_pk_get_type(&pk) == MBEDTLS_PK_RSA &&
        mbedtls_rsa_get_len(mbedtls_pk_rsa(pk)) == sizeof n &&
        mbedtls_rsa_export_raw(mbedtls_pk_rsa(pk), n, sizeof n, NULL, 0, NULL, 0, NULL, 0, NULL,
                               0) == 0)
        same = memcmp(n, modulus, sizeof n) == 0;
    mbedtls_pk_free(&pk);
    return same;
}

/* Registers the public half of `der` (a checked key) under `uid`. */
static int register_key(cloud_registry *registry, const uint8_t uid[DEVICE_UID_SIZE],
                        const uint8_t *der, key_recipe_result *result, sim_error *err)
{
    cloud_device_record record;
    char error[512];
    keys_device_id(uid, result->device_id);
    keys_device_public_key(der, result->device_public_key);

    cloud_registry_result found =
        cloud_registry_lookup(registry, result->device_id, &record, error, sizeof error);
    if (found == CLOUD_REGISTRY_ERROR)
        return sim_fail(err, "registry: %s", error);
    if (found == CLOUD_REGISTRY_FOUND &&
        record_has_modulus(&record, der + DEVICE_KEY_MODULUS_OFFSET)) {
        result->registry = KEY_REGISTRY_UNCHANGED;
        return 0;
    }
    /* The lookup filled id (and name and claimed when found): keep those. */
    memcpy(record.key_der, result->device_public_key, DEVICE_PUBLIC_KEY_SIZE);
    record.key_der_length = DEVICE_PUBLIC_KEY_SIZE;
    if (cloud_registry_store(registry, &record, error, sizeof error) != 0)
        return sim_fail(err, "registry: %s", error);
    result->registry = found == CLOUD_REGISTRY_FOUND ? KEY_REGISTRY_REPLACED : KEY_REGISTRY_ADDED;
    return 0;
}

int key_recipe_send(const uint8_t *flash, cloud_registry *registry,
                    const uint8_t uid[DEVICE_UID_SIZE], key_recipe_result *result,
                    sim_error *err)
{
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t der_length;
    sim_error check;
    result_reset(result);
    if (read_device_der(flash, der, &der_length, err) != 0)
        return -1;
    /* A key the firmware cannot use would only register a handshake failure. */
    if (keys_check_device_key(der, der_length, &check) != 0) {
        const char *why = check.msg;
        if (!strncmp(why, "device key: ", 12))
            why += 12;
        return sim_fail(err, FIELD_PRIVATE ": %s; not registering it (`photon-sim keys doctor` "
                        "writes and registers a good key)", why);
    }
    result->device_key_length = der_length;
    return register_key(registry, uid, der, result, err);
}

int key_recipe_doctor(uint8_t *flash, cloud_registry *registry, const uint8_t uid[DEVICE_UID_SIZE],
                      const char *seed, key_recipe_result *result, sim_error *err)
{
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t der_length;
    result_reset(result);
    if (canonical_seed(seed, result->seed, err) != 0 ||
        generate_canonical(result->seed, der, &der_length, err) != 0)
        return -1;
    uint8_t *staged = malloc(DCT_AREA_SIZE);
    if (!staged)
        return sim_fail(err, "out of memory");
    memcpy(staged, dct_area(flash), DCT_AREA_SIZE);
    int rc = write_device_key(staged, der, der_length, result, err);
    if (rc == 0)
        rc = register_key(registry, uid, der, result, err);
    if (rc == 0)
        memcpy(dct_area(flash), staged, DCT_AREA_SIZE);
    else
        result->dct_written = false;
    free(staged);
    return rc;
}

/* ---- inspect ---------------------------------------------------------------- */

static void inspect_device_key(const uint8_t *area, key_report *out)
{
    uint8_t priv[DCT_APP_DEVICE_PRIVATE_KEY_USED], cache[DCT_APP_DEVICE_PUBLIC_KEY_SIZE];
    dct_read_app(area, DCT_APP_DEVICE_PRIVATE_KEY, priv, sizeof priv);
    dct_read_app(area, DCT_APP_DEVICE_PUBLIC_KEY, cache, sizeof cache);

    if (priv[0] == 0xFF) {
        out->device_key = KEY_STATE_BLANK;
    } else if ((out->device_key_length = keys_der_length(priv, sizeof priv)) == 0) {
        out->device_key = KEY_STATE_INVALID;
        sim_fail(&out->device_key_problem, "offset 0: not a DER SEQUENCE (starts %02x %02x %02x "
                 "%02x)", priv[0], priv[1], priv[2], priv[3]);
    } else if (keys_check_device_key(priv, out->device_key_length, &out->device_key_problem)
               != 0) {
        out->device_key = KEY_STATE_INVALID;
    } else {
        out->device_key = KEY_STATE_VALID;
        keys_device_public_key(priv, out->device_public_key);
        key_fingerprint(out->device_public_key, DEVICE_PUBLIC_KEY_SIZE,
                        out->device_key_fingerprint);
    }

    if (cache[0] == 0xFF || priv[0] == 0xFF) {
        out->public_cache = cache[0] == 0xFF ? KEY_CACHE_BLANK : KEY_CACHE_DIFFERS;
    } else {
        /* The firmware rebuilds the whole 384 bytes and rewrites them if any differs. */
        uint8_t derived[DCT_APP_DEVICE_PUBLIC_KEY_SIZE] = {0};
        keys_device_public_key(priv, derived);
        out->public_cache =
            memcmp(derived, cache, sizeof cache) == 0 ? KEY_CACHE_MATCHES : KEY_CACHE_DIFFERS;
    }
}

static void inspect_server_key(const uint8_t *area, const uint8_t *cloud_spki, key_report *out)
{
    uint8_t spki[SERVER_KEY_SPKI_SIZE], address[SERVER_ADDRESS_SIZE];
    dct_read_app(area, DCT_APP_SERVER_PUBLIC_KEY, spki, sizeof spki);
    dct_read_app(area, DCT_APP_SERVER_ADDRESS, address, sizeof address);
    keys_server_address_decode(address, &out->address);

    if (spki[0] == 0xFF) {
        out->server_key = KEY_STATE_BLANK;
    } else if (keys_check_server_key(spki, &out->server_key_problem) != 0) {
        out->server_key = KEY_STATE_INVALID;
    } else {
        out->server_key = KEY_STATE_VALID;
        key_fingerprint(spki, sizeof spki, out->server_key_fingerprint);
    }
    out->server_key_is_clouds = -1;
    if (cloud_spki) {
        /* The firmware reads only N, so that is what has to match. */
        out->server_key_is_clouds =
            spki[0] != 0xFF && memcmp(spki + SERVER_KEY_MODULUS_OFFSET,
                                      cloud_spki + SERVER_KEY_MODULUS_OFFSET,
                                      SERVER_KEY_SPKI_SIZE - SERVER_KEY_MODULUS_OFFSET - 5) == 0;
    }
}

static void inspect_registry(cloud_registry *registry, key_report *out)
{
    cloud_device_record record;
    char error[512];
    cloud_registry_record_path(registry, out->device_id, out->registry_path,
                               sizeof out->registry_path);
    switch (cloud_registry_lookup(registry, out->device_id, &record, error, sizeof error)) {
    case CLOUD_REGISTRY_ERROR:
        out->registry = KEY_REGISTRY_UNREADABLE;
        sim_fail(&out->registry_problem, "%s", error);
        return;
    case CLOUD_REGISTRY_NOT_FOUND:
        out->registry = KEY_REGISTRY_ABSENT;
        return;
    case CLOUD_REGISTRY_FOUND:
        break;
    }
    key_fingerprint(record.key_der, record.key_der_length, out->registry_fingerprint);
    if (out->device_key != KEY_STATE_VALID)
        out->registry = KEY_REGISTRY_PRESENT;
    else if (record_has_modulus(&record, out->device_public_key + DEVICE_SPKI_MODULUS_OFFSET))
        out->registry = KEY_REGISTRY_MATCHES;
    else
        out->registry = KEY_REGISTRY_DIFFERS;
}

void key_recipe_inspect(const uint8_t *flash, cloud_registry *registry,
                        const uint8_t uid[DEVICE_UID_SIZE], const uint8_t *cloud_spki,
                        key_report *out)
{
    const uint8_t *area = dct_area_const(flash);
    memset(out, 0, sizeof *out);
    keys_device_id(uid, out->device_id);
    out->dct_copy = dct_select_current(area);
    inspect_device_key(area, out);
    inspect_server_key(area, cloud_spki, out);
    out->registry = KEY_REGISTRY_NOT_CHECKED;
    if (registry)
        inspect_registry(registry, out);
}

/* ---- the cloud directory ------------------------------------------------------ */

int key_recipe_cloud_server_key(const char *cloud_dir, bool create,
                                uint8_t spki[SERVER_KEY_SPKI_SIZE], bool *created, sim_error *err)
{
    char pem_path[4200], pub_path[4200], error[512];
    struct stat st;
    bool made = false;
    if (created)
        *created = false;
    snprintf(pem_path, sizeof pem_path, "%s/%s", cloud_dir, CLOUD_SERVER_KEY_FILE);
    snprintf(pub_path, sizeof pub_path, "%s/%s", cloud_dir, CLOUD_SERVER_PUBLIC_FILE);
    if (!create && stat(pem_path, &st) != 0) {
        if (errno == ENOENT)
            return 1;
        return sim_fail(err, "%s: %s", pem_path, strerror(errno));
    }
    if (create && mkdir(cloud_dir, 0755) != 0 && errno != EEXIST)
        return sim_fail(err, "cannot create the cloud directory %s: %s", cloud_dir,
                        strerror(errno));

    /* A new server key must not repeat across clouds: real entropy. */
    uint8_t entropy[32];
    if (getrandom(entropy, sizeof entropy, 0) != (ssize_t)sizeof entropy)
        return sim_fail(err, "cannot read random bytes for the server key: %s", strerror(errno));
    cloud_rng rng;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    cloud_rng_init(&rng, entropy, sizeof entropy);
    int rc = cloud_server_key_load_or_create(&pk, cloud_dir, &rng, &made, error, sizeof error);
    if (rc == 0)
        rc = cloud_server_key_spki(&pk, spki, error, sizeof error);
    cloud_rng_free(&rng);
    mbedtls_pk_free(&pk);
    if (rc != 0)
        return sim_fail(err, "%s", error);
    if (created)
        *created = made;

    /* The .pub.der is what a user copies into particle-cli; keep it in step. */
    if (create) {
        uint8_t *data = NULL;
        size_t length = 0;
        bool same = util_read_file(pub_path, 4096, &data, &length, NULL) == 0 &&
                    length == SERVER_KEY_SPKI_SIZE && memcmp(data, spki, length) == 0;
        free(data);
        if (!same && util_write_file_atomic(pub_path, spki, SERVER_KEY_SPKI_SIZE, err) != 0)
            return -1;
    }
    return 0;
}
