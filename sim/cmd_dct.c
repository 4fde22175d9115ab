/* photon-sim dct: read and change the DCT of a flash image, writing it the
 * way the firmware does (copy-on-write into the other sector). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_bytes.h"
#include "commands.h"
#include "dct.h"
#include "flash_image.h"
#include "key_recipes.h"
#include "keys.h"
#include "sim_util.h"

static const char synopsis[] =
    "  photon-sim dct IMAGE show\n"
    "  photon-sim dct IMAGE get FIELD\n"
    "  photon-sim dct IMAGE set FIELD VALUE...\n"
    "  photon-sim dct IMAGE read OFFSET LENGTH [OUT]     (dfu-util -a 1 offsets: app DCT)\n"
    "  photon-sim dct IMAGE write OFFSET FILE\n"
    "  photon-sim dct IMAGE keygen [--seed SEED]\n"
    "  photon-sim dct IMAGE wifi SSID PASSPHRASE | wifi --open SSID | wifi --clear\n"
    "  photon-sim dct IMAGE ip static HOST NETMASK GATEWAY DNS [DNS2] | ip dhcp\n"
    "  photon-sim dct IMAGE server-key KEY [--host HOST] [--port PORT]\n"
    "  photon-sim dct device-id UID_HEX\n"
    "  photon-sim dct fields\n";

typedef struct session {
    const char *path;
    uint8_t *flash;
    uint8_t *area; /* DCT1..DCT2 inside flash */
} session;

#define usage(...) sim_usage("dct", synopsis, __VA_ARGS__)

static int save(session *s, const dct_write_result *r, const char *what)
{
    sim_error err;
    if (flash_image_save(s->path, s->flash, &err) != 0)
        return sim_report(&err);
    if (r->initialised)
        printf("%s: no valid DCT copy: initialised DCT1 as the firmware would\n", s->path);
    printf("%s: %s: written to DCT%d (sequence %u), DCT%d is no longer current\n", s->path, what,
           r->to_copy + 1, r->sequence, r->from_copy + 1);
    return SIM_EXIT_OK;
}

static int apply(session *s, const dct_change *changes, size_t count, const char *what)
{
    sim_error err;
    dct_write_result r;
    if (dct_write_changes(s->area, changes, count, DCT_STEP_ALL, &r, &err) != 0) {
        sim_fail_prefix(&err, s->path);
        return sim_report(&err);
    }
    return save(s, &r, what);
}

/* ---- show ---------------------------------------------------------------- */

static void show_copy(const session *s, int index)
{
    dct_copy_status st;
    const uint8_t *c = dct_copy_const(s->area, index);
    dct_validate(c, &st);
    bool erased = true;
    for (size_t i = 0; i < DCT_COPY_SIZE && erased; i++)
        erased = c[i] == 0xFF;
    printf("DCT%d (0x%08X): ", index + 1, index ? DCT2_ADDRESS : DCT1_ADDRESS);
    if (erased)
        printf("erased\n");
    else if (st.sdk_version == DCT_SDK_VERSION_UNKNOWN)
        printf("invalid: %s\n", st.reason);
    else if (st.sdk_version == DCT_SDK_VERSION_LEGACY)
        printf("%s, is_current %u\n", st.reason, c[DCT_HDR_IS_CURRENT]);
    else
        printf("version 0x%03X, sequence %d, %s, is_current %u\n", st.sdk_version,
               st.sequence < 0 ? c[DCT_VERSION_OFFSET + DCT_VER_SEQUENCE] : st.sequence, st.reason,
               c[DCT_HDR_IS_CURRENT]);
}

static void show_field(const session *s, const char *label, const char *name)
{
    const dct_field *f = dct_field_find(name);
    uint8_t *bytes = malloc(f->size);
    char text[512];
    dct_read(s->area, f->dct_offset, bytes, f->size);
    dct_field_format(f, bytes, text, sizeof text);
    printf("%-18s %s\n", label, text);
    free(bytes);
}

static int cmd_show(session *s, int argc, char **argv)
{
    if (argc != 1)
        return usage("show takes no arguments");
    show_copy(s, 0);
    show_copy(s, 1);
    int current = dct_select_current(s->area);
    if (current < 0) {
        printf("current copy:      none: %s (the firmware initialises DCT1 at first boot)\n",
               dct_is_blank(s->area) ? "blank DCT" : "no valid copy");
    } else {
        printf("current copy:      DCT%d\n", current + 1);
    }

    show_field(s, "device key:", "device_private_key");
    uint8_t priv[DCT_APP_DEVICE_PRIVATE_KEY_USED], pub[DEVICE_PUBLIC_KEY_SIZE];
    dct_read_app(s->area, DCT_APP_DEVICE_PRIVATE_KEY, priv, sizeof priv);
    dct_read_app(s->area, DCT_APP_DEVICE_PUBLIC_KEY, pub, sizeof pub);
    if (priv[0] != 0xFF) {
        uint8_t derived[DEVICE_PUBLIC_KEY_SIZE];
        keys_device_public_key(priv, derived);
        printf("%-18s %s\n", "public key cache:",
               memcmp(derived, pub, sizeof pub) == 0
                   ? "matches the private key"
                   : "differs from the private key (the firmware rewrites it at boot)");
    }
    show_field(s, "server key:", "server_public_key");
    show_field(s, "server address:", "server_address");

    uint8_t wifi[DCT_WIFI_CONFIG_SIZE];
    dct_read(s->area, DCT_WIFI_CONFIG_OFFSET, wifi, sizeof wifi);
    const uint8_t *ap = wifi + DCT_WIFI_AP_LIST;
    bool has_ssid = ap[DCT_AP_SSID_LENGTH] >= 1 && ap[DCT_AP_SSID_LENGTH] <= 32;
    if (wifi[DCT_WIFI_DEVICE_CONFIGURED] == 1 && has_ssid) {
        show_field(s, "wifi ssid:", "wifi.ssid");
        show_field(s, "wifi security:", "wifi.security");
    } else {
        printf("%-18s none (the device enters listening mode)\n", "wifi:");
    }
    show_field(s, "ip:", "ip_config");
    show_field(s, "device id cache:", "device_id");
    show_field(s, "claimed:", "claimed");
    return SIM_EXIT_OK;
}

/* ---- get / set ------------------------------------------------------------ */

static const dct_field *field_or_usage(const char *name, int *status)
{
    const dct_field *f = dct_field_find(name);
    if (!f)
        *status = sim_usage("dct", synopsis, "unknown field \"%s\" ('photon-sim dct fields' "
                            "lists them)", name);
    return f;
}

static int cmd_get(session *s, int argc, char **argv)
{
    if (argc != 2)
        return usage("get takes one FIELD");
    int status;
    const dct_field *f = field_or_usage(argv[1], &status);
    if (!f)
        return status;
    uint8_t *bytes = malloc(f->size);
    size_t text_size = 64 * 1024;
    char *text = malloc(text_size);
    dct_read(s->area, f->dct_offset, bytes, f->size);
    dct_field_format(f, bytes, text, text_size);
    printf("%s\n", text);
    free(bytes);
    free(text);
    return SIM_EXIT_OK;
}

static int cmd_set(session *s, int argc, char **argv)
{
    if (argc < 3)
        return usage("set takes a FIELD and a VALUE");
    int status;
    const dct_field *f = field_or_usage(argv[1], &status);
    if (!f)
        return status;
    uint8_t *current = malloc(f->size), *value = malloc(f->size);
    size_t length;
    sim_error err;
    dct_read(s->area, f->dct_offset, current, f->size);
    if (dct_field_parse(f, argc - 2, argv + 2, current, value, &length, &err) != 0) {
        free(current);
        free(value);
        sim_fail_prefix(&err, s->path);
        return sim_report(&err);
    }
    dct_change change = {f->dct_offset, value, length};
    char what[96];
    snprintf(what, sizeof what, "%s (DCT offset 0x%04X, %zu bytes)", f->name, f->dct_offset, length);
    status = apply(s, &change, 1, what);
    free(current);
    free(value);
    return status;
}

/* ---- read / write (dfu-util -a 1) ---------------------------------------- */

static int parse_app_range(const char *offset_text, const char *length_text,
                           unsigned long long *offset, unsigned long long *length)
{
    if (!util_parse_unsigned(offset_text, DCT_APP_WRITABLE_END - 1, offset))
        return usage("OFFSET \"%s\" is not an app DCT offset (0..8819; dfu-util -a 1 -s OFFSET)",
                     offset_text);
    if (length_text && (!util_parse_unsigned(length_text, DCT_APP_WRITABLE_END, length) ||
                        *length == 0))
        return usage("LENGTH \"%s\" is not a byte count (1..8820)", length_text);
    return 0;
}

static int cmd_read(session *s, int argc, char **argv)
{
    if (argc < 3 || argc > 4)
        return usage("read takes OFFSET LENGTH [OUT]");
    unsigned long long offset, length;
    int rc = parse_app_range(argv[1], argv[2], &offset, &length);
    if (rc)
        return rc;
    if (offset + length > DCT_APP_WRITABLE_END) {
        sim_error err;
        sim_fail(&err, "%s: app DCT offset %llu + %llu bytes runs past the DCT body (%u)", s->path,
                 offset, length, DCT_APP_WRITABLE_END);
        return sim_report(&err);
    }
    uint8_t *data = malloc(length);
    dct_read_app(s->area, (uint32_t)offset, data, length);
    if (argc == 4) {
        sim_error err;
        rc = util_write_file_atomic(argv[3], data, length, &err);
        free(data);
        if (rc != 0)
            return sim_report(&err);
        printf("%s: %llu bytes from app offset %llu written to %s\n", s->path, length, offset,
               argv[3]);
        return SIM_EXIT_OK;
    }
    size_t text_size = length * 4 + (length / 16 + 1) * 10 + 16;
    char *text = malloc(text_size);
    util_hexdump(data, length, (unsigned long)offset, text, text_size);
    printf("%s\n", text);
    free(text);
    free(data);
    return SIM_EXIT_OK;
}

static int cmd_write(session *s, int argc, char **argv)
{
    if (argc != 3)
        return usage("write takes OFFSET FILE");
    unsigned long long offset, unused;
    int rc = parse_app_range(argv[1], NULL, &offset, &unused);
    if (rc)
        return rc;
    uint8_t *data;
    size_t length;
    sim_error err;
    if (util_read_file(argv[2], DCT_APP_WRITABLE_END, &data, &length, &err) != 0)
        return sim_report(&err);
    if (length == 0) {
        free(data);
        sim_fail(&err, "%s: empty file, nothing to write", argv[2]);
        return sim_report(&err);
    }
    if (offset + length > DCT_APP_WRITABLE_END) {
        free(data);
        sim_fail(&err, "%s: %zu bytes at app offset %llu run past the DCT body (app offsets end "
                 "at %u)", argv[2], length, offset, DCT_APP_WRITABLE_END);
        return sim_report(&err);
    }
    dct_change change = {DCT_APP_OFFSET + (uint32_t)offset, data, length};
    char what[96];
    snprintf(what, sizeof what, "%zu bytes at app offset %llu", length, offset);
    rc = apply(s, &change, 1, what);
    free(data);
    return rc;
}

/* ---- keygen ---------------------------------------------------------------- */

static int cmd_keygen(session *s, int argc, char **argv)
{
    const char *seed = NULL;
    if (argc == 3 && !strcmp(argv[1], "--seed")) {
        if (strlen(argv[2]) > KEY_RECIPE_SEED_MAX)
            return usage("--seed \"%s\" is too long", argv[2]);
        seed = argv[2];
    } else if (argc != 1) {
        return usage("keygen takes [--seed SEED]");
    }
    /* The same recipe as `photon-sim keys new`, so a seed names one key. */
    key_recipe_result r;
    sim_error err;
    if (key_recipe_new(s->flash, seed, &r, &err) != 0) {
        sim_fail_prefix(&err, s->path);
        return sim_report(&err);
    }
    printf("%s: RSA-1024 device key from seed %s (%zu-byte DER)\n", s->path, r.seed,
           r.device_key_length);
    return save(s, &r.dct, "device_private_key + device_public_key");
}

/* ---- wifi ------------------------------------------------------------------ */

static int cmd_wifi(session *s, int argc, char **argv)
{
    uint8_t wifi[DCT_WIFI_CONFIG_SIZE], country[4];
    dct_read(s->area, DCT_WIFI_CONFIG_OFFSET, wifi, sizeof wifi);
    dct_read_app(s->area, DCT_APP_COUNTRY_CODE, country, sizeof country);
    char what[128];

    if (argc == 2 && !strcmp(argv[1], "--clear")) {
        dct_wifi_clear_credentials(wifi);
        snprintf(what, sizeof what, "Wi-Fi credentials cleared");
    } else if ((argc == 3 && !strcmp(argv[1], "--open")) ||
               (argc == 3 && argv[1][0] != '-') ) {
        bool open = !strcmp(argv[1], "--open");
        const char *ssid = open ? argv[2] : argv[1];
        const char *key = open ? "" : argv[2];
        size_t ssid_length = strlen(ssid), key_length = strlen(key);
        if (ssid_length < 1 || ssid_length > 32)
            return usage("SSID \"%s\" must be 1..32 bytes", ssid);
        /* WPA2 takes an 8..63-character passphrase or a 64-digit hex PSK. */
        if (!open && (key_length < 8 || key_length > 64))
            return usage("a WPA2 passphrase has 8..63 characters (or 64 hex digits); "
                         "\"%s\" does not", key);
        dct_wifi_add_credentials(wifi, country, ssid, key,
                                 open ? WICED_SECURITY_OPEN : WICED_SECURITY_WPA2_AES_PSK);
        snprintf(what, sizeof what, "Wi-Fi \"%s\" (%s)", ssid, open ? "open" : "WPA2-AES PSK");
    } else {
        return usage("wifi takes SSID PASSPHRASE, --open SSID or --clear");
    }
    dct_change change = {DCT_WIFI_CONFIG_OFFSET, wifi, sizeof wifi};
    return apply(s, &change, 1, what);
}

/* ---- ip -------------------------------------------------------------------- */

static int cmd_ip(session *s, int argc, char **argv)
{
    const dct_field *f = dct_field_find("ip_config");
    if (argc < 2 || !(!strcmp(argv[1], "dhcp") ? argc == 2 : (!strcmp(argv[1], "static") &&
                                                              (argc == 6 || argc == 7))))
        return usage("ip takes: static HOST NETMASK GATEWAY DNS [DNS2], or dhcp");
    for (int i = 2; i < argc; i++) {
        uint8_t o[4];
        if (dct_parse_ipv4(argv[i], o) != 0)
            return usage("\"%s\" is not an IPv4 address", argv[i]);
    }
    uint8_t current[DCT_APP_IP_CONFIG_SIZE], value[DCT_APP_IP_CONFIG_SIZE];
    size_t length;
    sim_error err;
    dct_read(s->area, f->dct_offset, current, sizeof current);
    if (dct_field_parse(f, argc - 1, argv + 1, current, value, &length, &err) != 0)
        return sim_report(&err);
    dct_change change = {f->dct_offset, value, length};
    return apply(s, &change, 1, !strcmp(argv[1], "dhcp") ? "ip_config: dhcp" : "ip_config: static");
}

/* ---- server-key ------------------------------------------------------------ */

static int cmd_server_key(session *s, int argc, char **argv)
{
    const char *file = NULL, *host = NULL;
    long port = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--host") && i + 1 < argc) {
            host = argv[++i];
        } else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            unsigned long long v;
            if (!util_parse_unsigned(argv[++i], 0xFFFF, &v) || v == 0)
                return usage("--port \"%s\" is not 1..65535", argv[i]);
            port = (long)v;
        } else if (argv[i][0] == '-') {
            return usage("server-key: unknown or incomplete option %s", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            return usage("server-key takes one key file, \"%s\" is extra", argv[i]);
        }
    }
    if (!file)
        return usage("server-key needs a KEY file");
    if (port >= 0 && !host)
        return usage("--port needs --host (the address block holds both)");

    uint8_t *data, spki[SERVER_KEY_SPKI_SIZE], address[SERVER_ADDRESS_SIZE];
    uint8_t block[SERVER_KEY_BLOCK_SIZE];
    size_t length;
    bool has_address;
    sim_error err;
    if (util_read_file(file, 64 * 1024, &data, &length, &err) != 0)
        return sim_report(&err);
    int rc = keys_load_server_key(data, length, spki, address, &has_address, &err);
    free(data);
    if (rc != 0) {
        sim_fail_prefix(&err, file);
        return sim_report(&err);
    }
    if (keys_server_key_block(spki, host, port, block, &err) != 0) {
        sim_fail_prefix(&err, file);
        return sim_report(&err);
    }
    /* A particle-cli key image keeps its own address unless --host replaces it. */
    if (!host && has_address)
        memcpy(block + SERVER_KEY_BLOCK_ADDRESS, address, SERVER_ADDRESS_SIZE);

    server_address decoded;
    keys_server_address_decode(block + SERVER_KEY_BLOCK_ADDRESS, &decoded);
    char what[160];
    if (decoded.type == SERVER_ADDRESS_IP)
        snprintf(what, sizeof what, "server key + address %u.%u.%u.%u:%u", decoded.ip[0],
                 decoded.ip[1], decoded.ip[2], decoded.ip[3], decoded.port);
    else if (decoded.type == SERVER_ADDRESS_DOMAIN)
        snprintf(what, sizeof what, "server key + address %s:%u", decoded.domain, decoded.port);
    else
        snprintf(what, sizeof what, "server key (no address: the device uses %s:%u)",
                 SERVER_DEFAULT_DOMAIN, SERVER_DEFAULT_PORT);
    dct_change change = {DCT_APP_OFFSET + DCT_APP_SERVER_PUBLIC_KEY, block, sizeof block};
    return apply(s, &change, 1, what);
}

/* ---- image-less commands ---------------------------------------------------- */

static int cmd_device_id(int argc, char **argv)
{
    if (argc != 3)
        return usage("device-id takes one UID_HEX (24 hex digits)");
    uint8_t uid[DEVICE_UID_SIZE];
    char id[DEVICE_ID_HEX_SIZE + 1];
    sim_error err;
    if (keys_parse_uid(argv[2], uid, &err) != 0)
        return sim_usage("dct", synopsis, "%s", err.msg);
    keys_device_id(uid, id);
    printf("%s\n", id);
    return SIM_EXIT_OK;
}

static int cmd_fields(void)
{
    printf("%-24s %-8s %-8s %-6s %s\n", "field", "app off", "DCT off", "size", "value");
    for (size_t i = 0; i < dct_field_count; i++) {
        const dct_field *f = &dct_fields[i];
        long app = dct_field_app_offset(f);
        char app_text[24] = "-";
        if (app >= 0)
            snprintf(app_text, sizeof app_text, "%ld", app);
        printf("%-24s %-8s 0x%04X   %-6u %s\n", f->name, app_text, f->dct_offset, f->size,
               f->summary);
    }
    return SIM_EXIT_OK;
}

typedef struct dct_subcommand {
    const char *name;
    int (*run)(session *s, int argc, char **argv);
} dct_subcommand;

static const dct_subcommand subcommands[] = {
    {"show", cmd_show},     {"get", cmd_get},       {"set", cmd_set},
    {"read", cmd_read},     {"write", cmd_write},   {"keygen", cmd_keygen},
    {"wifi", cmd_wifi},     {"ip", cmd_ip},         {"server-key", cmd_server_key},
};

int cmd_dct(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage:\n%s", synopsis);
        return SIM_EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "device-id"))
        return cmd_device_id(argc, argv);
    if (argc == 2 && !strcmp(argv[1], "fields"))
        return cmd_fields();
    if (argc < 3)
        return usage("needs an IMAGE and a subcommand");

    const dct_subcommand *sub = NULL;
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (!strcmp(argv[2], subcommands[i].name))
            sub = &subcommands[i];
    if (!sub)
        return usage("unknown subcommand \"%s\"", argv[2]);

    session s = {argv[1], NULL, NULL};
    sim_error err;
    if (flash_image_load(s.path, &s.flash, &err) != 0)
        return sim_report(&err);
    s.area = s.flash + DCT_AREA_FLASH_OFFSET;
    int status = sub->run(&s, argc - 2, argv + 2);
    free(s.flash);
    return status;
}
