#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/pem.h>
#include <mbedtls/pk.h>

/* Registry files are small; anything bigger is not ours. */
#define RECORD_FILE_MAX 16384

struct cloud_registry {
    char *dir;
    /* in-memory mode */
    cloud_device_record *records;
    size_t record_count;
};

static const char record_suffix[] = ".pub.pem";
static const char der_suffix[] = ".pub.der";

bool cloud_device_id_valid(const char *id)
{
    if (!id) {
        return false;
    }
    for (int i = 0; i < 24; i++) {
        if (!isxdigit((unsigned char)id[i])) {
            return false;
        }
    }
    return id[24] == '\0';
}

static void lowercase_id(const char *id, char out[25])
{
    for (int i = 0; i < 24; i++) {
        out[i] = (char)tolower((unsigned char)id[i]);
    }
    out[24] = '\0';
}

static int make_dirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
                return -1;
            }
            buf[i] = saved;
        }
    }
    return 0;
}

cloud_registry *cloud_registry_open(const char *dir, char *error, size_t error_size)
{
    cloud_registry *registry = calloc(1, sizeof(*registry));
    struct stat st;

    if (!registry) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    if (!dir) {
        return registry;
    }
    if (make_dirs(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(error, error_size, "registry directory %s cannot be created: %s", dir,
                 strerror(errno ? errno : ENOTDIR));
        free(registry);
        return NULL;
    }
    registry->dir = strdup(dir);
    if (!registry->dir) {
        snprintf(error, error_size, "out of memory");
        free(registry);
        return NULL;
    }
    return registry;
}

void cloud_registry_free(cloud_registry *registry)
{
    if (!registry) {
        return;
    }
    free(registry->dir);
    free(registry->records);
    free(registry);
}

const char *cloud_registry_dir(const cloud_registry *registry)
{
    return registry->dir;
}

static void path_with_suffix(const cloud_registry *registry, const char *id, const char *suffix,
                             char *out, size_t out_size)
{
    char lower[25];
    lowercase_id(id, lower);
    snprintf(out, out_size, "%s/%s%s", registry->dir, lower, suffix);
}

void cloud_registry_record_path(const cloud_registry *registry, const char *id, char *out,
                                size_t out_size)
{
    if (!registry->dir) {
        snprintf(out, out_size, "(in-memory registry)");
        return;
    }
    path_with_suffix(registry, id, record_suffix, out, out_size);
}

/* Reads a whole small file, NUL-terminated.  Returns length or -1 (errno set). */
static long read_small_file(const char *path, uint8_t **out)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t n;

    if (!f) {
        return -1;
    }
    buf = malloc(RECORD_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    n = fread(buf, 1, RECORD_FILE_MAX + 1, f);
    fclose(f);
    if (n > RECORD_FILE_MAX) {
        free(buf);
        errno = EFBIG;
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    return (long)n;
}

/* Normalise any public key encoding mbedTLS reads into SPKI DER. */
static int key_to_der(const uint8_t *key, size_t key_length, cloud_device_record *out,
                      char *error, size_t error_size, const char *path)
{
    mbedtls_pk_context pk;
    uint8_t der[CLOUD_DEVICE_KEY_DER_MAX];
    int ret;

    mbedtls_pk_init(&pk);
    ret = mbedtls_pk_parse_public_key(&pk, key, key_length);
    if (ret != 0) {
        snprintf(error, error_size, "%s holds no readable public key (mbedTLS -0x%04x)", path,
                 (unsigned)-ret);
        mbedtls_pk_free(&pk);
        return -1;
    }
    /* mbedtls_pk_write_pubkey_der writes at the END of the buffer */
    ret = mbedtls_pk_write_pubkey_der(&pk, der, sizeof(der));
    mbedtls_pk_free(&pk);
    if (ret <= 0) {
        snprintf(error, error_size, "%s: public key too large to keep", path);
        return -1;
    }
    memcpy(out->key_der, der + sizeof(der) - ret, (size_t)ret);
    out->key_der_length = (size_t)ret;
    return 0;
}

/* "name:" and "claimed:" lines before the PEM block. */
static void parse_header_lines(const char *text, cloud_device_record *out)
{
    const char *line = text;

    while (line && *line && strncmp(line, "-----BEGIN", 10) != 0) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        if (len > 5 && strncmp(line, "name:", 5) == 0) {
            const char *v = line + 5;
            size_t vlen = len - 5;
            while (vlen && *v == ' ') {
                v++;
                vlen--;
            }
            if (vlen > CLOUD_DEVICE_NAME_MAX) {
                vlen = CLOUD_DEVICE_NAME_MAX;
            }
            memcpy(out->name, v, vlen);
            out->name[vlen] = '\0';
        } else if (len > 8 && strncmp(line, "claimed:", 8) == 0) {
            const char *v = line + 8;
            while (*v == ' ') {
                v++;
            }
            out->claimed = (*v == 'y' || *v == 'Y' || *v == '1' || *v == 't');
        }
        line = end ? end + 1 : NULL;
    }
}

static cloud_registry_result lookup_file(cloud_registry *registry, const char *id,
                                         cloud_device_record *out, char *error,
                                         size_t error_size)
{
    char path[4200];
    uint8_t *data = NULL;
    long n;

    path_with_suffix(registry, id, record_suffix, path, sizeof(path));
    n = read_small_file(path, &data);
    if (n >= 0) {
        parse_header_lines((const char *)data, out);
        /* mbedTLS wants PEM input NUL-terminated with the NUL counted */
        int ret = key_to_der(data, (size_t)n + 1, out, error, error_size, path);
        free(data);
        return ret == 0 ? CLOUD_REGISTRY_FOUND : CLOUD_REGISTRY_ERROR;
    }
    if (errno != ENOENT) {
        snprintf(error, error_size, "cannot read %s: %s", path, strerror(errno));
        return CLOUD_REGISTRY_ERROR;
    }
    path_with_suffix(registry, id, der_suffix, path, sizeof(path));
    n = read_small_file(path, &data);
    if (n >= 0) {
        int ret = key_to_der(data, (size_t)n, out, error, error_size, path);
        free(data);
        return ret == 0 ? CLOUD_REGISTRY_FOUND : CLOUD_REGISTRY_ERROR;
    }
    if (errno != ENOENT) {
        snprintf(error, error_size, "cannot read %s: %s", path, strerror(errno));
        return CLOUD_REGISTRY_ERROR;
    }
    return CLOUD_REGISTRY_NOT_FOUND;
}

cloud_registry_result cloud_registry_lookup(cloud_registry *registry, const char *id,
                                            cloud_device_record *out, char *error,
                                            size_t error_size)
{
    char lower[25];

    if (!cloud_device_id_valid(id)) {
        snprintf(error, error_size, "'%s' is not a 24-hex-digit device ID", id ? id : "");
        return CLOUD_REGISTRY_ERROR;
    }
    lowercase_id(id, lower);
    memset(out, 0, sizeof(*out));
    memcpy(out->id, lower, sizeof(lower));
    if (registry->dir) {
        return lookup_file(registry, lower, out, error, error_size);
    }
    for (size_t i = 0; i < registry->record_count; i++) {
        if (strcmp(registry->records[i].id, lower) == 0) {
            *out = registry->records[i];
            return CLOUD_REGISTRY_FOUND;
        }
    }
    return CLOUD_REGISTRY_NOT_FOUND;
}

static int store_file(cloud_registry *registry, const cloud_device_record *record, char *error,
                      size_t error_size)
{
    static const char begin[] = "-----BEGIN PUBLIC KEY-----\n";
    static const char end[] = "-----END PUBLIC KEY-----\n";
    char path[4200], temp[4300];
    unsigned char pem[2048];
    size_t pem_length = 0;
    FILE *f;
    int ret;

    ret = mbedtls_pem_write_buffer(begin, end, record->key_der, record->key_der_length, pem,
                                   sizeof(pem), &pem_length);
    if (ret != 0) {
        snprintf(error, error_size, "cannot PEM-encode the key of %s (mbedTLS -0x%04x)",
                 record->id, (unsigned)-ret);
        return -1;
    }
    path_with_suffix(registry, record->id, record_suffix, path, sizeof(path));
    snprintf(temp, sizeof(temp), "%s.tmp.%ld", path, (long)getpid());
    f = fopen(temp, "wb");
    if (!f) {
        snprintf(error, error_size, "cannot write %s: %s", temp, strerror(errno));
        return -1;
    }
    /* pem_length counts the terminating NUL */
    fprintf(f, "# photon-cloud device record\nname: %s\nclaimed: %s\n", record->name,
            record->claimed ? "yes" : "no");
    fwrite(pem, 1, pem_length ? pem_length - 1 : 0, f);
    if (fclose(f) != 0 || rename(temp, path) != 0) {
        snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
        unlink(temp);
        return -1;
    }
    return 0;
}

int cloud_registry_store(cloud_registry *registry, const cloud_device_record *record,
                         char *error, size_t error_size)
{
    cloud_device_record copy;

    if (!cloud_device_id_valid(record->id)) {
        snprintf(error, error_size, "'%s' is not a 24-hex-digit device ID", record->id);
        return -1;
    }
    if (record->key_der_length == 0 || record->key_der_length > CLOUD_DEVICE_KEY_DER_MAX) {
        snprintf(error, error_size, "record for %s has no key", record->id);
        return -1;
    }
    if (strchr(record->name, '\n') || strchr(record->name, '\r')) {
        snprintf(error, error_size, "device name must be one line");
        return -1;
    }
    copy = *record;
    lowercase_id(record->id, copy.id);
    if (registry->dir) {
        return store_file(registry, &copy, error, error_size);
    }
    for (size_t i = 0; i < registry->record_count; i++) {
        if (strcmp(registry->records[i].id, copy.id) == 0) {
            registry->records[i] = copy;
            return 0;
        }
    }
    cloud_device_record *grown =
        realloc(registry->records, (registry->record_count + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    registry->records = grown;
    registry->records[registry->record_count++] = copy;
    return 0;
}

bool cloud_registry_find_name(cloud_registry *registry, const char *name, char id_out[25])
{
    bool found = false;

    if (!name || !*name) {
        return false;
    }
    if (!registry->dir) {
        for (size_t i = 0; i < registry->record_count; i++) {
            if (strcmp(registry->records[i].name, name) == 0) {
                memcpy(id_out, registry->records[i].id, 25);
                return true;
            }
        }
        return false;
    }
    DIR *d = opendir(registry->dir);
    struct dirent *entry;
    if (!d) {
        return false;
    }
    while (!found && (entry = readdir(d)) != NULL) {
        size_t len = strlen(entry->d_name);
        char id[25];
        cloud_device_record record;
        char ignored[256];
        if (len != 24 + sizeof(record_suffix) - 1 ||
            strcmp(entry->d_name + 24, record_suffix) != 0) {
            continue;
        }
        memcpy(id, entry->d_name, 24);
        id[24] = '\0';
        if (cloud_device_id_valid(id) &&
            cloud_registry_lookup(registry, id, &record, ignored, sizeof(ignored)) ==
                CLOUD_REGISTRY_FOUND &&
            strcmp(record.name, name) == 0) {
            memcpy(id_out, record.id, 25);
            found = true;
        }
    }
    closedir(d);
    return found;
}
