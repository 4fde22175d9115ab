/*
 * The device registry: what the server knows about each device ID.
 *
 * On disk it is a directory with one file per device, <24-hex-id>.pub.pem:
 *
 *     # photon-cloud device record
 *     name: kitchen
 *     claimed: yes
 *     -----BEGIN PUBLIC KEY-----
 *     ...the device's RSA-1024 SubjectPublicKeyInfo...
 *     -----END PUBLIC KEY-----
 *
 * PEM readers skip the lines before BEGIN, so `openssl pkey -pubin -in <file>` reads it
 * too.  A bare DER key dropped in as <id>.pub.der is also accepted when no .pem exists.
 * Without a directory the registry lives in memory only (tests, throwaway runs).
 */
#ifndef PHOTON_CLOUD_REGISTRY_H
#define PHOTON_CLOUD_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOUD_DEVICE_KEY_DER_MAX 600 /* far above the 162 bytes of an RSA-1024 SPKI */
#define CLOUD_DEVICE_NAME_MAX 63

typedef struct cloud_registry cloud_registry;

typedef struct cloud_device_record {
    char id[25];                       /* 24 lowercase hex characters */
    char name[CLOUD_DEVICE_NAME_MAX + 1];
    bool claimed;
    uint8_t key_der[CLOUD_DEVICE_KEY_DER_MAX]; /* SubjectPublicKeyInfo DER */
    size_t key_der_length;
} cloud_device_record;

typedef enum cloud_registry_result {
    CLOUD_REGISTRY_FOUND = 0,
    CLOUD_REGISTRY_NOT_FOUND = 1,
    CLOUD_REGISTRY_ERROR = -1,
} cloud_registry_result;

/* dir NULL: in memory.  Otherwise the directory is created if missing. */
cloud_registry *cloud_registry_open(const char *dir, char *error, size_t error_size);
void cloud_registry_free(cloud_registry *registry);
const char *cloud_registry_dir(const cloud_registry *registry); /* NULL in memory */

/* 24 hex characters (either case); the registry stores lowercase. */
bool cloud_device_id_valid(const char *id);

cloud_registry_result cloud_registry_lookup(cloud_registry *registry, const char *id,
                                            cloud_device_record *out, char *error,
                                            size_t error_size);
/* Adds or replaces the record (written atomically: temp file, then rename). */
int cloud_registry_store(cloud_registry *registry, const cloud_device_record *record,
                         char *error, size_t error_size);
/* The device ID whose record has this name; false if none. */
bool cloud_registry_find_name(cloud_registry *registry, const char *name, char id_out[25]);
/* The file a record lives in, for messages; "(in-memory registry)" without a directory. */
void cloud_registry_record_path(const cloud_registry *registry, const char *id, char *out,
                                size_t out_size);

#endif
