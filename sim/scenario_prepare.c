/* The flash image and cloud directory a scenario describes (scenario_prepare.h). */
#include "scenario_prepare.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "dct.h"
#include "fixtures.h"
#include "flash_image.h"
#include "key_recipes.h"
#include "module.h"
#include "registry.h"
#include "rng.h"
#include "server_key.h"
#include "sim_util.h"

#define MAX_MODULES 4
#define PARTICLE_SERVER_KEY "keys/particle-cloud-rsa.pub.der"

/* A labelled value derived from the scenario's seed: keys and IDs differ per seed and
 * per purpose, and never depend on anything else. */
static void seed_label(const struct scn_scenario *scn, const char *purpose, char *out, size_t size)
{
    snprintf(out, size, "scenario %llu %s", (unsigned long long)scn->seed, purpose);
}

static void derive_uid(const struct scn_scenario *scn, scenario_device *device)
{
    if (scn->device.has_id) {
        memcpy(device->uid, scn->device.id, DEVICE_UID_SIZE);
    } else {
        char label[128];
        uint8_t hash[32];
        seed_label(scn, "device id", label, sizeof label);
        mbedtls_sha256_ret((const uint8_t *)label, strlen(label), hash, 0);
        memcpy(device->uid, hash, DEVICE_UID_SIZE);
    }
    keys_device_id(device->uid, device->id);
}

static int fail_at(sim_error *err, const struct scn_scenario *scn, struct scn_loc loc,
                   const char *field, const sim_error *cause)
{
    return sim_fail(err, "%s:%u:%u: %s: %s", scn->file, loc.line, loc.column, field, cause->msg);
}

/* ---- modules ---- */

static int compose_modules(const struct scn_scenario *scn, uint8_t *flash, sim_error *err)
{
    const struct scn_device *d = &scn->device;
    firmware_files fw;
    const char *overrides[3] = { d->bootloader, d->system_part1, d->system_part2 };
    const char *parts[3];
    char resolved[3][PATH_MAX], app[PATH_MAX];
    module_file modules[MAX_MODULES];
    size_t count = 0;
    int status = -1;
    sim_error cause;

    if (fixtures_resolve_firmware(d->firmware_version, &fw, &cause) != 0)
        return fail_at(err, scn, d->loc, "device.firmware", &cause);
    parts[0] = fw.bootloader;
    parts[1] = fw.system_part1;
    parts[2] = fw.system_part2;
    for (int i = 0; i < 3; i++) {
        if (overrides[i]) {
            if (!scn_scenario_path(scn, overrides[i], resolved[i], sizeof resolved[i]))
                return sim_fail(err, "%s: device.firmware: path too long", scn->file);
            parts[i] = resolved[i];
        }
    }
    if (d->app == SCN_APP_FILE) {
        if (!scn_scenario_path(scn, d->app_file, app, sizeof app))
            return sim_fail(err, "%s: device.app: path too long", scn->file);
    } else if (fixtures_resolve_app(d->app == SCN_APP_TINKER ? "tinker" : "doctor",
                                    fw.legacy_tinker, app, sizeof app, &cause) != 0) {
        return fail_at(err, scn, d->loc, "device.app", &cause);
    }
    for (int i = 0; i < 4; i++) {
        const char *path = i < 3 ? parts[i] : app;
        if (module_file_load(path, &modules[count], &cause) != 0) {
            fail_at(err, scn, d->loc, i < 3 ? "device.firmware" : "device.app", &cause);
            goto out;
        }
        count++;
    }
    if (flash_image_place(flash, modules, count, &cause) != 0) {
        fail_at(err, scn, d->loc, "device", &cause);
        goto out;
    }
    /* A user part a cloud-flash step sends must be one, found before anything runs. */
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_step *step = &scn->steps[i];
        char image[PATH_MAX];
        module_file ota;
        if (step->action.kind != SCN_ACTION_CLOUD_FLASH)
            continue;
        if (fixtures_resolve_app_in(step->action.name, scn->directory, fw.legacy_tinker, image,
                                    sizeof image, &cause) != 0 ||
            module_file_load(image, &ota, &cause) != 0) {
            fail_at(err, scn, step->loc, "cloud-flash", &cause);
            goto out;
        }
        module_file_free(&ota);
    }
    char problems[4][256];
    if (flash_image_check_dependencies(flash, problems, 4) > 0) {
        sim_fail(err, "%s:%u:%u: device: the modules do not fit together: %s", scn->file,
                 d->loc.line, d->loc.column, problems[0]);
        goto out;
    }
    status = 0;
out:
    for (size_t i = 0; i < count; i++)
        module_file_free(&modules[i]);
    return status;
}

/* ---- DCT ---- */

static int write_dct(const struct scn_scenario *scn, uint8_t *flash, const dct_change *changes,
                     size_t count, const char *field, sim_error *err)
{
    dct_write_result result;
    sim_error cause;

    if (count == 0)
        return 0;
    if (dct_write_changes(flash + DCT_AREA_FLASH_OFFSET, changes, count, DCT_STEP_ALL, &result,
                          &cause) != 0)
        return sim_fail(err, "%s: %s: %s", scn->file, field, cause.msg);
    return 0;
}

/* The PKCS#1 INTEGER number `which` (0 version, 1 n, 2 e, 3 d, 4 p, ...): its value's
 * offset and length inside der, or false. */
static bool der_integer(const uint8_t *der, size_t length, int which, size_t *offset, size_t *size)
{
    size_t i = 0;

    if (length < 4 || der[0] != 0x30)
        return false;
    i = der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2; /* into the SEQUENCE */
    for (int n = 0; i + 2 <= length; n++) {
        size_t len, header;
        if (der[i] != 0x02)
            return false;
        if (der[i + 1] < 0x80) {
            len = der[i + 1];
            header = 2;
        } else if (der[i + 1] == 0x81 && i + 3 <= length) {
            len = der[i + 2];
            header = 3;
        } else if (der[i + 1] == 0x82 && i + 4 <= length) {
            len = (size_t)der[i + 2] << 8 | der[i + 3];
            header = 4;
        } else {
            return false;
        }
        if (i + header + len > length)
            return false;
        if (n == which) {
            *offset = i + header;
            *size = len;
            return true;
        }
        i += header + len;
    }
    return false;
}

/* Damages the middle of one integer of the key, as a flash bit error would. */
static void corrupt_key(uint8_t *der, size_t length, enum scn_key_part part)
{
    int which = part == SCN_KEY_PART_PRIME ? 4 : part == SCN_KEY_PART_EXPONENT ? 3 : 1;
    size_t offset, size;

    if (der_integer(der, length, which, &offset, &size) && size > 8)
        for (size_t i = size / 2; i < size / 2 + 4; i++)
            der[offset + i] ^= 0x5a;
}

static int generate_key(const struct scn_scenario *scn, const char *purpose,
                        uint8_t der[DEVICE_KEY_DER_MAX], size_t *length, sim_error *err)
{
    char label[128];

    seed_label(scn, purpose, label, sizeof label);
    return key_recipe_generate(label, der, length, err);
}

static int device_key(const struct scn_scenario *scn, uint8_t *flash,
                      uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length, sim_error *err)
{
    const struct scn_device *d = &scn->device;
    key_recipe_result result;
    sim_error cause;
    char path[PATH_MAX];

    *der_length = 0;
    switch (d->keys) {
    case SCN_KEYS_MISSING:
        return 0; /* erased: the firmware makes its own key at first boot */
    case SCN_KEYS_FILE:
        if (!scn_scenario_path(scn, d->keys_file, path, sizeof path))
            return sim_fail(err, "%s: device.keys: path too long", scn->file);
        if (key_recipe_load_file(flash, path, &result, &cause) != 0)
            return fail_at(err, scn, d->keys_loc, "device.keys", &cause);
        return key_recipe_save(flash, der, der_length, &(bool){ false }, err);
    case SCN_KEYS_GOOD:
    case SCN_KEYS_CORRUPTED:
        if (generate_key(scn, "device key", der, der_length, err) != 0)
            return -1;
        if (d->keys == SCN_KEYS_GOOD) {
            if (key_recipe_load(flash, der, *der_length, &result, &cause) != 0)
                return fail_at(err, scn, d->keys_loc, "device.keys", &cause);
            return 0;
        }
        /* A damaged key is written as the bytes are, which key_recipe_load would refuse. */
        uint8_t stored[DCT_APP_DEVICE_PRIVATE_KEY_USED], public_key[DCT_APP_DEVICE_PUBLIC_KEY_SIZE];
        memset(stored, 0xFF, sizeof stored);
        memcpy(stored, der, *der_length);
        corrupt_key(stored, *der_length, d->corrupt_part);
        memset(public_key, 0, sizeof public_key);
        keys_device_public_key(der, public_key); /* the cache still holds the good key's */
        dct_change changes[2] = {
            { DCT_APP_OFFSET + DCT_APP_DEVICE_PRIVATE_KEY, stored, sizeof stored },
            { DCT_APP_OFFSET + DCT_APP_DEVICE_PUBLIC_KEY, public_key, sizeof public_key },
        };
        return write_dct(scn, flash, changes, 2, "device.keys", err);
    }
    return 0;
}

static int server_key(const struct scn_scenario *scn, uint8_t *flash,
                      const uint8_t cloud_spki[SERVER_KEY_SPKI_SIZE], sim_error *err)
{
    const struct scn_device *d = &scn->device;
    uint8_t spki[SERVER_KEY_SPKI_SIZE], block[SERVER_KEY_BLOCK_SIZE], *data = NULL;
    uint8_t address[SERVER_ADDRESS_SIZE];
    char path[PATH_MAX + 64], host[64];
    const char *address_host = NULL;
    long port = -1;
    size_t length;
    bool has_address;
    sim_error cause;
    int rc;

    switch (d->server_address) {
    case SCN_SERVER_ADDRESS_CLOUD:
        address_host = SERVER_DEFAULT_DOMAIN; /* what a factory-fresh Photon holds */
        port = SERVER_DEFAULT_PORT;
        break;
    case SCN_SERVER_ADDRESS_IP:
        snprintf(host, sizeof host, "%u.%u.%u.%u", d->server_ip >> 24, (d->server_ip >> 16) & 255,
                 (d->server_ip >> 8) & 255, d->server_ip & 255);
        address_host = host;
        port = d->server_port;
        break;
    case SCN_SERVER_ADDRESS_DOMAIN:
        address_host = d->server_domain;
        port = d->server_port;
        break;
    case SCN_SERVER_ADDRESS_BLANK:
        break;
    }

    switch (d->server_key) {
    case SCN_SERVER_KEY_MISSING:
        if (!address_host)
            return 0;
        /* only the address block, after the erased key */
        if (keys_server_address_encode(address_host, port, address, &cause) != 0)
            return fail_at(err, scn, d->server_address_loc, "device.server-address", &cause);
        dct_change change = { DCT_APP_OFFSET + DCT_APP_SERVER_ADDRESS, address, sizeof address };
        return write_dct(scn, flash, &change, 1, "device.server-address", err);
    case SCN_SERVER_KEY_CLOUD:
    case SCN_SERVER_KEY_CORRUPTED:
        memcpy(spki, cloud_spki, sizeof spki);
        break;
    case SCN_SERVER_KEY_PARTICLE:
    case SCN_SERVER_KEY_FILE:
        if (d->server_key == SCN_SERVER_KEY_PARTICLE) {
            char dir[PATH_MAX];
            if (fixtures_dir(dir, sizeof dir, &cause) != 0)
                return fail_at(err, scn, d->server_key_loc, "device.server-key", &cause);
            snprintf(path, sizeof path, "%s/%s", dir, PARTICLE_SERVER_KEY);
        } else if (!scn_scenario_path(scn, d->server_key_file, path, sizeof path)) {
            return sim_fail(err, "%s: device.server-key: path too long", scn->file);
        }
        if (util_read_file(path, 64 * 1024, &data, &length, &cause) != 0)
            return fail_at(err, scn, d->server_key_loc, "device.server-key", &cause);
        rc = keys_load_server_key(data, length, spki, address, &has_address, &cause);
        free(data);
        if (rc != 0)
            return fail_at(err, scn, d->server_key_loc, "device.server-key", &cause);
        break;
    }
    if (keys_server_key_block(spki, address_host, port, block, &cause) != 0)
        return fail_at(err, scn, d->server_key_loc, "device.server-key", &cause);
    if (d->server_key == SCN_SERVER_KEY_CORRUPTED)
        for (size_t i = 100; i < 108; i++)
            block[SERVER_KEY_MODULUS_OFFSET + i] ^= 0x5a;
    dct_change change = { DCT_APP_OFFSET + DCT_APP_SERVER_PUBLIC_KEY, block, sizeof block };
    return write_dct(scn, flash, &change, 1, "device.server-key", err);
}

static uint32_t wiced_security(enum scn_security security)
{
    switch (security) {
    case SCN_SECURITY_WEP: return WICED_WEP_ENABLED;
    case SCN_SECURITY_WPA: return WICED_WPA_SECURITY | WICED_TKIP_ENABLED;
    case SCN_SECURITY_WPA2: return WICED_SECURITY_WPA2_AES_PSK;
    default: return WICED_SECURITY_OPEN;
    }
}

static int wifi_and_ip(const struct scn_scenario *scn, uint8_t *flash, sim_error *err)
{
    const struct scn_device *d = &scn->device;
    uint8_t *area = flash + DCT_AREA_FLASH_OFFSET;

    if (d->wifi_count) {
        uint8_t wifi[DCT_WIFI_CONFIG_SIZE], country[4];
        dct_read(area, DCT_WIFI_CONFIG_OFFSET, wifi, sizeof wifi);
        dct_read_app(area, DCT_APP_COUNTRY_CODE, country, sizeof country);
        /* each new entry goes first, as on the device: add the first one last */
        for (size_t i = d->wifi_count; i-- > 0;)
            dct_wifi_add_credentials(wifi, country, d->wifi[i].ssid,
                                     d->wifi[i].passphrase ? d->wifi[i].passphrase : "",
                                     wiced_security(d->wifi[i].security));
        dct_change change = { DCT_WIFI_CONFIG_OFFSET, wifi, sizeof wifi };
        if (write_dct(scn, flash, &change, 1, "device.wifi", err) != 0)
            return -1;
    }
    if (d->static_ip) {
        const dct_field *f = dct_field_find("ip_config");
        uint8_t current[DCT_APP_IP_CONFIG_SIZE], value[DCT_APP_IP_CONFIG_SIZE];
        uint32_t mask = d->ip.prefix ? ~0u << (32 - d->ip.prefix) : 0;
        uint32_t addresses[4] = { d->ip.address, mask, d->gateway, d->dns };
        char text[4][16];
        char *argv[5] = { "static", text[0], text[1], text[2], text[3] };
        size_t length;
        sim_error cause;
        for (int i = 0; i < 4; i++)
            snprintf(text[i], sizeof text[i], "%u.%u.%u.%u", addresses[i] >> 24,
                     (addresses[i] >> 16) & 255, (addresses[i] >> 8) & 255, addresses[i] & 255);
        dct_read(area, f->dct_offset, current, sizeof current);
        if (dct_field_parse(f, 5, argv, current, value, &length, &cause) != 0)
            return fail_at(err, scn, d->ip_loc, "device.ip", &cause);
        dct_change change = { f->dct_offset, value, length };
        return write_dct(scn, flash, &change, 1, "device.ip", err);
    }
    return 0;
}

/* ---- the cloud ---- */

/*
 * A generated cloud key depends only on the seed, and RSA-2048 generation takes
 * seconds: ~/.cache/photon-sim/cloud-keys keeps one per seed label so that a library
 * (or a thousand brownout runs) does not generate the same key again and again.
 */
static bool cached_key_path(const char *label, char *out, size_t size)
{
    const char *base = getenv("PHOTON_SIM_CACHE"), *home = getenv("HOME");
    uint8_t hash[32];
    char name[17], versioned[160];

    /* bump the version when key generation changes, so old keys are not reused */
    snprintf(versioned, sizeof versioned, "cloud-key-v1 %s", label);
    mbedtls_sha256_ret((const uint8_t *)versioned, strlen(versioned), hash, 0);
    for (int i = 0; i < 8; i++)
        snprintf(name + 2 * i, 3, "%02x", hash[i]);
    if (base && *base)
        return (size_t)snprintf(out, size, "%s/cloud-keys/%s.pem", base, name) < size;
    if (home && *home)
        return (size_t)snprintf(out, size, "%s/.cache/photon-sim/cloud-keys/%s.pem", home,
                                name) < size;
    return false;
}

static void copy_file(const char *from, const char *to)
{
    uint8_t *data;
    size_t length;
    sim_error ignored;

    if (util_read_file(from, 64 * 1024, &data, &length, &ignored) == 0) {
        util_write_file_atomic(to, data, length, &ignored);
        free(data);
    }
}

static void reuse_cached_key(const char *label, const char *cloud_dir)
{
    char cached[PATH_MAX], target[PATH_MAX + 64];

    snprintf(target, sizeof target, "%s/%s", cloud_dir, CLOUD_SERVER_KEY_FILE);
    if (access(target, F_OK) != 0 && cached_key_path(label, cached, sizeof cached))
        copy_file(cached, target);
}

static void keep_cached_key(const char *label, const char *cloud_dir)
{
    char cached[PATH_MAX], source[PATH_MAX + 64];

    if (!cached_key_path(label, cached, sizeof cached))
        return;
    char *slash = strrchr(cached, '/');
    *slash = 0;
    mkdir(cached, 0755); /* the cache's parent exists once setup has run; best effort */
    *slash = '/';
    snprintf(source, sizeof source, "%s/%s", cloud_dir, CLOUD_SERVER_KEY_FILE);
    copy_file(source, cached);
}

static int cloud_key(const struct scn_scenario *scn, const char *cloud_dir,
                     uint8_t spki[SERVER_KEY_SPKI_SIZE], sim_error *err)
{
    char error[512], label[128], path[PATH_MAX];
    mbedtls_pk_context pk;
    cloud_rng rng;
    bool created;
    int rc;

    mbedtls_pk_init(&pk);
    if (scn->cloud.key_file) {
        /* the given key becomes the cloud's: server_key.pem in its directory */
        uint8_t *data, pem[16000];
        size_t length;
        sim_error cause;
        if (!scn_scenario_path(scn, scn->cloud.key_file, path, sizeof path))
            return sim_fail(err, "%s: cloud.key: path too long", scn->file);
        if (util_read_file(path, 64 * 1024, &data, &length, &cause) != 0)
            return sim_fail(err, "%s: cloud.key: %s", scn->file, cause.msg);
        /* PEM parsing wants the terminating NUL counted */
        uint8_t *text = realloc(data, length + 1);
        if (!text) {
            free(data);
            return sim_fail(err, "out of memory");
        }
        text[length] = 0;
        rc = cloud_server_key_parse(&pk, text, memchr(text, 0, length) ? length : length + 1,
                                    error, sizeof error);
        free(text);
        if (rc == 0)
            rc = mbedtls_pk_write_key_pem(&pk, pem, sizeof pem) == 0 ? 0 : -1;
        snprintf(path, sizeof path, "%s/%s", cloud_dir, CLOUD_SERVER_KEY_FILE);
        if (rc == 0 && util_write_file_atomic(path, pem, strlen((char *)pem), &cause) != 0) {
            mbedtls_pk_free(&pk);
            return sim_fail(err, "%s", cause.msg);
        }
    } else {
        seed_label(scn, "cloud key", label, sizeof label);
        reuse_cached_key(label, cloud_dir);
        cloud_rng_init(&rng, (const uint8_t *)label, strlen(label));
        rc = cloud_server_key_load_or_create(&pk, cloud_dir, &rng, &created, error, sizeof error);
        cloud_rng_free(&rng);
        if (rc == 0 && created)
            keep_cached_key(label, cloud_dir);
    }
    if (rc == 0)
        rc = cloud_server_key_spki(&pk, spki, error, sizeof error);
    mbedtls_pk_free(&pk);
    if (rc != 0)
        return sim_fail(err, "%s: cloud.key: %s", scn->file, error);
    return 0;
}

static int register_device(const struct scn_scenario *scn, const char *cloud_dir,
                           const scenario_device *device, const uint8_t *der, size_t der_length,
                           sim_error *err)
{
    cloud_device_record record = { 0 };
    uint8_t other[DEVICE_KEY_DER_MAX];
    char error[512];
    cloud_registry *registry;

    if (scn->cloud.registry == SCN_REGISTRY_UNKNOWN || der_length == 0)
        return 0;
    if (scn->cloud.registry == SCN_REGISTRY_OTHER_KEY) {
        if (generate_key(scn, "other device key", other, &der_length, err) != 0)
            return -1;
        der = other;
    }
    registry = cloud_registry_open(cloud_dir, error, sizeof error);
    if (!registry)
        return sim_fail(err, "%s", error);
    snprintf(record.id, sizeof record.id, "%s", device->id);
    snprintf(record.name, sizeof record.name, "photon");
    record.claimed = true;
    keys_device_public_key(der, record.key_der);
    record.key_der_length = DEVICE_PUBLIC_KEY_SIZE;
    int rc = cloud_registry_store(registry, &record, error, sizeof error);
    cloud_registry_free(registry);
    return rc == 0 ? 0 : sim_fail(err, "%s", error);
}

int scenario_prepare(const struct scn_scenario *scn, const char *flash_path, const char *cloud_dir,
                     scenario_device *device, sim_error *err)
{
    uint8_t cloud_spki[SERVER_KEY_SPKI_SIZE], der[DEVICE_KEY_DER_MAX];
    size_t der_length = 0;
    uint8_t *flash = flash_image_new();
    int rc = -1;

    if (!flash)
        return sim_fail(err, "out of memory");
    derive_uid(scn, device);
    if (mkdir(cloud_dir, 0755) != 0 && errno != EEXIST) {
        sim_fail(err, "cannot create %s: %s", cloud_dir, strerror(errno));
        goto out;
    }
    if (compose_modules(scn, flash, err) != 0 || cloud_key(scn, cloud_dir, cloud_spki, err) != 0 ||
        device_key(scn, flash, der, &der_length, err) != 0 ||
        server_key(scn, flash, cloud_spki, err) != 0 || wifi_and_ip(scn, flash, err) != 0 ||
        register_device(scn, cloud_dir, device, der, der_length, err) != 0)
        goto out;
    rc = flash_image_save(flash_path, flash, err);
out:
    free(flash);
    return rc;
}
