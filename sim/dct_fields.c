/* Named DCT fields: where they are, how to show them, how to parse a value. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_bytes.h"
#include "dct.h"
#include "keys.h"
#include "sim_util.h"

#define APP(off) (DCT_APP_OFFSET + (off))
#define WIFI(off) (DCT_WIFI_CONFIG_OFFSET + (off))
#define AP0(off) WIFI(DCT_WIFI_AP_LIST + (off))

const dct_field dct_fields[] = {
    /* Particle application DCT (offsets fixed by STATIC_ASSERTs in dct.h) */
    {"system_flags", APP(0), 32, 32, DCT_FIELD_HEX, "legacy system flags"},
    {"version", APP(32), 2, 2, DCT_FIELD_HEX, "app DCT layout version"},
    {"device_private_key", APP(DCT_APP_DEVICE_PRIVATE_KEY), DCT_APP_DEVICE_PRIVATE_KEY_SIZE,
     DCT_APP_DEVICE_PRIVATE_KEY_USED, DCT_FIELD_DEVICE_KEY, "RSA-1024 PKCS#1 DER (value: a key file)"},
    {"device_public_key", APP(DCT_APP_DEVICE_PUBLIC_KEY), DCT_APP_DEVICE_PUBLIC_KEY_SIZE,
     DEVICE_PUBLIC_KEY_SIZE, DCT_FIELD_DEVICE_PUBKEY, "cached public key (value: a key file)"},
    {"ip_config", APP(DCT_APP_IP_CONFIG), DCT_APP_IP_CONFIG_SIZE, DCT_APP_IP_CONFIG_SIZE,
     DCT_FIELD_IP_CONFIG, "dhcp | static HOST NETMASK GATEWAY DNS1 [DNS2]"},
    {"ota_update_flag", APP(1753), 1, 1, DCT_FIELD_U8, "0xA5: apply a pending update at boot"},
    {"feature_flags", APP(DCT_APP_FEATURE_FLAGS), 4, 4, DCT_FIELD_U32,
     "bit0 RESET_INFO, bit1 LED_OVERRIDDEN (inverted)"},
    {"country_code", APP(DCT_APP_COUNTRY_CODE), 4, 4, DCT_FIELD_TEXT, "Wi-Fi country, e.g. US4"},
    {"claim_code", APP(DCT_APP_CLAIM_CODE), 63, 63, DCT_FIELD_TEXT, "claim code, no NUL"},
    {"claimed", APP(DCT_APP_CLAIMED), 1, 1, DCT_FIELD_CLAIMED, "'1' = claimed (value: 1 or 0)"},
    {"ssid_prefix", APP(1826), 26, 26, DCT_FIELD_PSTRING, "SoftAP name prefix"},
    {"device_code", APP(1852), 6, 6, DCT_FIELD_TEXT, "SoftAP name suffix"},
    {"version_string", APP(1858), 32, 32, DCT_FIELD_TEXT, "version string"},
    {"dns_resolve", APP(1890), 128, 128, DCT_FIELD_HEX, "reserved"},
    {"server_public_key", APP(DCT_APP_SERVER_PUBLIC_KEY), DCT_APP_SERVER_PUBLIC_KEY_SIZE,
     DCT_APP_SERVER_PUBLIC_KEY_USED, DCT_FIELD_SERVER_KEY,
     "RSA-2048 SPKI (value: a key file; the address at +384 is kept)"},
    {"server_address", APP(DCT_APP_SERVER_ADDRESS), DCT_APP_SERVER_ADDRESS_SIZE,
     DCT_APP_SERVER_ADDRESS_SIZE, DCT_FIELD_SERVER_ADDRESS, "HOST[:PORT] | HOST PORT | default"},
    {"flash_modules", APP(DCT_APP_FLASH_MODULES), 100, 100, DCT_FIELD_FLASH_MODULES,
     "bootloader copy requests (5 x 20 bytes)"},
    {"product_store", APP(2952), 24, 24, DCT_FIELD_HEX, "product id/version store"},
    {"antenna_selection", APP(2976), 1, 1, DCT_FIELD_U8, "0xFF: default"},
    {"cloud_transport", APP(2977), 1, 1, DCT_FIELD_U8, "ignored on the Photon (TCP)"},
    {"device_id", APP(DCT_APP_DEVICE_ID), DEVICE_UID_SIZE, DEVICE_UID_SIZE, DCT_FIELD_DEVICE_ID,
     "cached UID (24 hex digits)"},
    {"radio_flags", APP(3630), 1, 1, DCT_FIELD_U8, "P1 only"},
    {"mode_button_mirror", APP(3631), 32, 32, DCT_FIELD_HEX, "read by the bootloader"},
    {"led_mirror", APP(3663), 96, 96, DCT_FIELD_HEX, "4 x 24 bytes, read by the bootloader"},
    {"led_theme", APP(DCT_APP_LED_THEME), 64, 64, DCT_FIELD_HEX,
     "byte 0 version (1), then 13 x 3 bytes"},
    {"eap_config", APP(3823), 4296, 4296, DCT_FIELD_HEX, "WPA Enterprise settings"},
    {"device_secret", APP(8119), 15, 15, DCT_FIELD_TEXT, "device secret"},
    {"power_config", APP(8134), 32, 32, DCT_FIELD_HEX, "power management settings"},
    /* WICED platform_dct_wifi_config_t, stored_ap_list[0] */
    {"wifi.device_configured", WIFI(DCT_WIFI_DEVICE_CONFIGURED), 1, 1, DCT_FIELD_U8,
     "1 = Wi-Fi config initialised"},
    {"wifi.ssid", AP0(DCT_AP_SSID_LENGTH), 33, 33, DCT_FIELD_WIFI_SSID, "first stored network"},
    {"wifi.bssid", AP0(DCT_AP_BSSID), 6, 6, DCT_FIELD_MAC, "first stored network's BSSID"},
    {"wifi.security", AP0(DCT_AP_SECURITY), 4, 4, DCT_FIELD_WIFI_SECURITY,
     "open | wpa2-aes | wpa2-tkip | wpa2-mixed | wpa-aes | wpa-tkip | wep | NUMBER"},
    {"wifi.channel", AP0(DCT_AP_CHANNEL), 1, 1, DCT_FIELD_U8, "0 = any"},
    {"wifi.passphrase", AP0(DCT_AP_KEY_LENGTH), 65, 65, DCT_FIELD_WIFI_KEY,
     "security_key_length + key"},
    {"wifi.country_code", WIFI(DCT_WIFI_COUNTRY_CODE), 4, 4, DCT_FIELD_COUNTRY,
     "wiced_country_code_t"},
    {"wifi.mac_address", WIFI(DCT_WIFI_MAC_ADDRESS), 6, 6, DCT_FIELD_MAC, "station MAC override"},
};

const size_t dct_field_count = sizeof dct_fields / sizeof dct_fields[0];

const dct_field *dct_field_find(const char *name)
{
    for (size_t i = 0; i < dct_field_count; i++)
        if (strcmp(dct_fields[i].name, name) == 0)
            return &dct_fields[i];
    return NULL;
}

long dct_field_app_offset(const dct_field *field)
{
    if (field->dct_offset < DCT_APP_OFFSET || field->dct_offset >= DCT_APP_OFFSET + DCT_APP_SIZE)
        return -1;
    return (long)(field->dct_offset - DCT_APP_OFFSET);
}

/* ---- IPv4 ------------------------------------------------------------- */

void dct_ipv4_store(uint8_t *p, const uint8_t o[4])
{
    put_le32(p, (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 | (uint32_t)o[2] << 8 | o[3]);
}

void dct_ipv4_load(const uint8_t *p, uint8_t o[4])
{
    uint32_t v = get_le32(p);
    o[0] = (uint8_t)(v >> 24);
    o[1] = (uint8_t)(v >> 16);
    o[2] = (uint8_t)(v >> 8);
    o[3] = (uint8_t)v;
}

int dct_parse_ipv4(const char *text, uint8_t o[4])
{
    unsigned a, b, c, d;
    char tail;
    for (const char *p = text; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -1;
    if (sscanf(text, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
        c > 255 || d > 255)
        return -1;
    o[0] = (uint8_t)a;
    o[1] = (uint8_t)b;
    o[2] = (uint8_t)c;
    o[3] = (uint8_t)d;
    return 0;
}

/* ---- Wi-Fi -------------------------------------------------------------- */

static uint32_t make_country(uint8_t a, uint8_t b, uint8_t revision)
{
    return (uint32_t)a | (uint32_t)b << 8 | (uint32_t)revision << 16;
}

static uint8_t hex_nibble(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (uint8_t)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (uint8_t)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (uint8_t)(c - 'A' + 10);
    return 0;
}

/* fetch_country_code(): the app DCT's country, Japan when none is set. */
static uint32_t firmware_country(const uint8_t app_country[4])
{
    if (app_country[0] == 0xFF || app_country[0] == 0)
        return make_country('J', 'P', 0);
    return make_country(app_country[0], app_country[1], hex_nibble(app_country[2]));
}

static void initialise_wifi_config(uint8_t *wifi, const uint8_t app_country[4])
{
    uint32_t country = firmware_country(app_country);
    if (wifi[DCT_WIFI_DEVICE_CONFIGURED] != 1 ||
        get_le32(wifi + DCT_WIFI_COUNTRY_CODE) != country) {
        /* Only an explicit "not configured" (0) is wiped; erased 0xFF is kept. */
        if (wifi[DCT_WIFI_DEVICE_CONFIGURED] == 0)
            memset(wifi, 0, DCT_WIFI_CONFIG_SIZE);
        put_le32(wifi + DCT_WIFI_COUNTRY_CODE, country);
        wifi[DCT_WIFI_DEVICE_CONFIGURED] = 1;
    }
}

void dct_wifi_add_credentials(uint8_t wifi[DCT_WIFI_CONFIG_SIZE], const uint8_t app_country[4],
                              const char *ssid, const char *key, uint32_t security)
{
    initialise_wifi_config(wifi, app_country);
    size_t ssid_length = strlen(ssid) > 32 ? 32 : strlen(ssid);
    size_t key_length = strlen(key) > 64 ? 64 : strlen(key);
    uint8_t *list = wifi + DCT_WIFI_AP_LIST;

    int slot = -1;
    for (unsigned i = 0; i < DCT_WIFI_AP_COUNT && slot < 0; i++) {
        const uint8_t *e = list + i * DCT_WIFI_AP_ENTRY_SIZE;
        if (e[DCT_AP_SSID_LENGTH] == strlen(ssid) && memcmp(e + DCT_AP_SSID, ssid, ssid_length) == 0)
            slot = (int)i;
    }
    if (slot < 0) {
        memmove(list + DCT_WIFI_AP_ENTRY_SIZE, list,
                DCT_WIFI_AP_ENTRY_SIZE * (DCT_WIFI_AP_COUNT - 1));
        slot = 0;
    }
    uint8_t *e = list + (size_t)slot * DCT_WIFI_AP_ENTRY_SIZE;
    memset(e, 0, DCT_WIFI_AP_ENTRY_SIZE);
    e[DCT_AP_SSID_LENGTH] = (uint8_t)ssid_length;
    memcpy(e + DCT_AP_SSID, ssid, ssid_length);
    e[DCT_AP_KEY_LENGTH] = (uint8_t)key_length;
    memcpy(e + DCT_AP_KEY, key, key_length);
    put_le32(e + DCT_AP_SECURITY, security);
}

void dct_wifi_clear_credentials(uint8_t wifi[DCT_WIFI_CONFIG_SIZE])
{
    memset(wifi + DCT_WIFI_AP_LIST, 0, DCT_WIFI_AP_ENTRY_SIZE * DCT_WIFI_AP_COUNT);
}

/* ---- Formatting --------------------------------------------------------- */

typedef struct text_buffer {
    char *p;
    size_t size;
    size_t used;
} text_buffer;

static void emit(text_buffer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(text_buffer *t, const char *fmt, ...)
{
    if (t->used + 1 >= t->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->used, t->size - t->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used = t->used + (size_t)n >= t->size ? t->size - 1 : t->used + (size_t)n;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return false;
    return true;
}

static void emit_quoted(text_buffer *t, const uint8_t *p, size_t n)
{
    emit(t, "\"");
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\')
            emit(t, "\\%c", p[i]);
        else if (isprint(p[i]))
            emit(t, "%c", p[i]);
        else
            emit(t, "\\x%02x", p[i]);
    }
    emit(t, "\"");
}

static void emit_hex_prefix(text_buffer *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        emit(t, "%02x", p[i]);
}

static void format_security(text_buffer *t, uint32_t s)
{
    static const struct { uint32_t value; const char *name; } names[] = {
        {WICED_SECURITY_OPEN, "open"},
        {WICED_WEP_ENABLED, "wep"},
        {WICED_WEP_ENABLED | WICED_SHARED_ENABLED, "wep-shared"},
        {WICED_WPA_SECURITY | WICED_TKIP_ENABLED, "wpa-tkip"},
        {WICED_WPA_SECURITY | WICED_AES_ENABLED, "wpa-aes"},
        {WICED_WPA2_SECURITY | WICED_AES_ENABLED, "wpa2-aes"},
        {WICED_WPA2_SECURITY | WICED_TKIP_ENABLED, "wpa2-tkip"},
        {WICED_WPA2_SECURITY | WICED_AES_ENABLED | WICED_TKIP_ENABLED, "wpa2-mixed"},
        {WICED_ENTERPRISE_ENABLED | WICED_WPA2_SECURITY | WICED_AES_ENABLED, "wpa2-aes-enterprise"},
    };
    if (s == 0xFFFFFFFFu) {
        emit(t, "blank (0xFFFFFFFF)");
        return;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].value == s) {
            emit(t, "%s (0x%08X)", names[i].name, s);
            return;
        }
    }
    emit(t, "unknown (0x%08X)", s);
}

static void format_device_key(text_buffer *t, const uint8_t *b, size_t used)
{
    if (b[0] == 0xFF) {
        emit(t, "blank: the firmware generates a key at boot (then resets)");
        return;
    }
    size_t n = keys_der_length(b, used);
    sim_error e;
    if (n == 0) {
        emit(t, "INVALID: offset 0: not a DER SEQUENCE (%02x %02x %02x %02x)", b[0], b[1], b[2], b[3]);
        return;
    }
    if (keys_check_device_key(b, n, &e) != 0) {
        emit(t, "INVALID: %s", e.msg);
        return;
    }
    emit(t, "RSA-1024 PKCS#1 DER, %zu bytes, e=65537, firmware layout ok, modulus ", n);
    emit_hex_prefix(t, b + DEVICE_KEY_MODULUS_OFFSET, 8);
    emit(t, "...");
}

static void format_public_key(text_buffer *t, const uint8_t *b)
{
    if (b[0] == 0xFF) {
        emit(t, "blank: the firmware derives it from the private key");
        return;
    }
    bool shape = keys_is_device_public_key(b);
    emit(t, "%s, modulus ", shape ? "RSA-1024 SubjectPublicKeyInfo (162 bytes)"
                                  : "not the firmware's SubjectPublicKeyInfo layout");
    emit_hex_prefix(t, b + 29, 8);
    emit(t, "...");
}

static void format_server_key(text_buffer *t, const uint8_t *b)
{
    sim_error e;
    if (b[0] == 0xFF) {
        emit(t, "blank: the firmware uses Particle's built-in cloud key");
        return;
    }
    if (keys_check_server_key(b, &e) != 0) {
        emit(t, "INVALID: %s", e.msg);
        return;
    }
    emit(t, "RSA-2048 SubjectPublicKeyInfo (294 bytes), e=65537, modulus ");
    emit_hex_prefix(t, b + SERVER_KEY_MODULUS_OFFSET, 8);
    emit(t, "...");
}

static void format_server_address(text_buffer *t, const uint8_t *b)
{
    server_address a;
    keys_server_address_decode(b, &a);
    const char *port_note = a.port_is_default ? " (default)" : "";
    switch (a.type) {
    case SERVER_ADDRESS_IP:
        emit(t, "IPv4 %u.%u.%u.%u port %u%s", a.ip[0], a.ip[1], a.ip[2], a.ip[3], a.port, port_note);
        break;
    case SERVER_ADDRESS_DOMAIN:
        emit(t, "domain %s port %u%s", a.domain, a.port, port_note);
        break;
    default:
        emit(t, "none (type 0x%02X): the firmware uses %s port %u", b[0], SERVER_DEFAULT_DOMAIN,
             SERVER_DEFAULT_PORT);
        break;
    }
}

static void format_ip_config(text_buffer *t, const uint8_t *b)
{
    if (b[0] != 1) {
        emit(t, "dhcp (config_mode 0x%02X)", b[0]);
        return;
    }
    static const char *const names[] = {"host", "netmask", "gateway", "dns1", "dns2"};
    emit(t, "static");
    for (int i = 0; i < 5; i++) {
        uint8_t o[4];
        dct_ipv4_load(b + 4 + 4 * i, o);
        emit(t, " %s %u.%u.%u.%u", names[i], o[0], o[1], o[2], o[3]);
    }
}

static void format_flash_modules(text_buffer *t, const uint8_t *b)
{
    for (int i = 0; i < 5; i++) {
        const uint8_t *s = b + 20 * i;
        uint16_t magic = get_le16(s);
        emit(t, "%sslot %d: ", i ? "\n" : "", i);
        if (magic != 0xABCD && magic != 0x0FAC) {
            emit(t, "empty (magic 0x%04X)", magic);
            continue;
        }
        emit(t, "magic 0x%04X copy 0x%08X -> 0x%08X, %u bytes, flags 0x%02X, function %u", magic,
             get_le32(s + 4), get_le32(s + 8), get_le32(s + 12), s[16], s[17]);
    }
}

void dct_field_format(const dct_field *f, const uint8_t *b, char *out, size_t size)
{
    text_buffer t = {out, size, 0};
    out[0] = 0;
    switch (f->kind) {
    case DCT_FIELD_U8:
        emit(&t, b[0] == 0xFF ? "0xFF (blank)" : "0x%02X (%u)", b[0], b[0]);
        break;
    case DCT_FIELD_U32: {
        uint32_t v = get_le32(b);
        emit(&t, v == 0xFFFFFFFFu ? "0xFFFFFFFF (blank)" : "0x%08X", v);
        break;
    }
    case DCT_FIELD_TEXT: {
        if (b[0] == 0xFF) {
            emit(&t, "blank");
            break;
        }
        size_t n = 0;
        while (n < f->size && b[n] != 0 && b[n] != 0xFF)
            n++;
        emit_quoted(&t, b, n);
        break;
    }
    case DCT_FIELD_PSTRING:
    case DCT_FIELD_WIFI_SSID:
        if (b[0] == 0xFF)
            emit(&t, "blank");
        else if (b[0] > f->size - 1)
            emit(&t, "INVALID: length byte %u > %u", b[0], f->size - 1);
        else
            emit_quoted(&t, b + 1, b[0]);
        break;
    case DCT_FIELD_WIFI_KEY:
        if (b[0] == 0xFF)
            emit(&t, "blank");
        else if (b[0] > 64)
            emit(&t, "INVALID: security_key_length %u > 64", b[0]);
        else
            emit_quoted(&t, b + 1, b[0]);
        break;
    case DCT_FIELD_WIFI_SECURITY:
        format_security(&t, get_le32(b));
        break;
    case DCT_FIELD_COUNTRY: {
        uint32_t c = get_le32(b);
        if (c == 0xFFFFFFFFu)
            emit(&t, "blank");
        else
            emit(&t, "%c%c revision %u (0x%08X)", isprint(c & 0xFF) ? (int)(c & 0xFF) : '?',
                 isprint((c >> 8) & 0xFF) ? (int)((c >> 8) & 0xFF) : '?', (c >> 16) & 0xFFFF, c);
        break;
    }
    case DCT_FIELD_MAC:
        for (uint32_t i = 0; i < f->size; i++)
            emit(&t, "%s%02x", i ? ":" : "", b[i]);
        if (all_bytes(b, f->size, 0xFF))
            emit(&t, " (blank)");
        break;
    case DCT_FIELD_CLAIMED:
        emit(&t, b[0] == '1' ? "claimed ('1')" : "not claimed (0x%02X)", b[0]);
        break;
    case DCT_FIELD_DEVICE_KEY:
        format_device_key(&t, b, f->used);
        break;
    case DCT_FIELD_DEVICE_PUBKEY:
        format_public_key(&t, b);
        break;
    case DCT_FIELD_SERVER_KEY:
        format_server_key(&t, b);
        break;
    case DCT_FIELD_SERVER_ADDRESS:
        format_server_address(&t, b);
        break;
    case DCT_FIELD_IP_CONFIG:
        format_ip_config(&t, b);
        break;
    case DCT_FIELD_DEVICE_ID:
        if (all_bytes(b, DEVICE_UID_SIZE, 0xFF)) {
            emit(&t, "blank: the firmware caches the UID here at boot");
        } else {
            char id[DEVICE_ID_HEX_SIZE + 1];
            keys_device_id(b, id);
            emit(&t, "%s", id);
        }
        break;
    case DCT_FIELD_FLASH_MODULES:
        format_flash_modules(&t, b);
        break;
    case DCT_FIELD_HEX:
    default:
        if (all_bytes(b, f->size, 0xFF)) {
            emit(&t, "blank (%u bytes of 0xFF)", f->size);
        } else {
            util_hexdump(b, f->size, 0, t.p + t.used, t.size - t.used);
            t.used += strlen(t.p + t.used);
        }
        break;
    }
}

/* ---- Parsing ------------------------------------------------------------ */

static int need_args(const dct_field *f, int argc, int min, int max, sim_error *err)
{
    if (argc < min || argc > max)
        return sim_fail(err, "field %s: expected %s", f->name, f->summary);
    return 0;
}

static int parse_security(const char *text, uint32_t *out)
{
    static const struct { const char *name; uint32_t value; } names[] = {
        {"open", WICED_SECURITY_OPEN},
        {"wep", WICED_WEP_ENABLED},
        {"wpa-tkip", WICED_WPA_SECURITY | WICED_TKIP_ENABLED},
        {"wpa-aes", WICED_WPA_SECURITY | WICED_AES_ENABLED},
        {"wpa2-aes", WICED_SECURITY_WPA2_AES_PSK},
        {"wpa2-tkip", WICED_WPA2_SECURITY | WICED_TKIP_ENABLED},
        {"wpa2-mixed", WICED_WPA2_SECURITY | WICED_AES_ENABLED | WICED_TKIP_ENABLED},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].value;
            return 0;
        }
    }
    unsigned long long v;
    if (!util_parse_unsigned(text, 0xFFFFFFFFu, &v))
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int read_key_file(const char *path, uint8_t **data, size_t *length, sim_error *err)
{
    return util_read_file(path, 64 * 1024, data, length, err);
}

int dct_field_parse(const dct_field *f, int argc, char **argv, const uint8_t *current,
                    uint8_t *out, size_t *out_length, sim_error *err)
{
    unsigned long long v;
    memcpy(out, current, f->size);
    *out_length = f->size;

    switch (f->kind) {
    case DCT_FIELD_U8:
        if (need_args(f, argc, 1, 1, err) || !util_parse_unsigned(argv[0], 0xFF, &v))
            return sim_fail(err, "field %s: \"%s\" is not a number 0..255", f->name,
                            argc ? argv[0] : "");
        out[0] = (uint8_t)v;
        return 0;
    case DCT_FIELD_U32:
        if (need_args(f, argc, 1, 1, err) || !util_parse_unsigned(argv[0], 0xFFFFFFFFu, &v))
            return sim_fail(err, "field %s: \"%s\" is not a 32-bit number", f->name,
                            argc ? argv[0] : "");
        put_le32(out, (uint32_t)v);
        return 0;
    case DCT_FIELD_TEXT: {
        if (need_args(f, argc, 1, 1, err))
            return -1;
        size_t n = strlen(argv[0]);
        if (n > f->size)
            return sim_fail(err, "field %s: \"%s\" is %zu characters, the field holds %u", f->name,
                            argv[0], n, f->size);
        memset(out, 0, f->size);
        memcpy(out, argv[0], n);
        return 0;
    }
    case DCT_FIELD_PSTRING:
    case DCT_FIELD_WIFI_SSID:
    case DCT_FIELD_WIFI_KEY: {
        if (need_args(f, argc, 1, 1, err))
            return -1;
        size_t n = strlen(argv[0]);
        if (n > f->size - 1)
            return sim_fail(err, "field %s: \"%s\" is %zu characters, the field holds %u", f->name,
                            argv[0], n, f->size - 1);
        memset(out, 0, f->size);
        out[0] = (uint8_t)n;
        memcpy(out + 1, argv[0], n);
        return 0;
    }
    case DCT_FIELD_WIFI_SECURITY: {
        uint32_t s;
        if (need_args(f, argc, 1, 1, err) || parse_security(argv[0], &s) != 0)
            return sim_fail(err, "field %s: \"%s\" is not one of %s", f->name, argc ? argv[0] : "",
                            f->summary);
        put_le32(out, s);
        return 0;
    }
    case DCT_FIELD_COUNTRY: {
        if (need_args(f, argc, 1, 1, err))
            return -1;
        size_t n = strlen(argv[0]);
        if (n < 2 || n > 3 || !isalpha((unsigned char)argv[0][0]) || !isalpha((unsigned char)argv[0][1]))
            return sim_fail(err, "field %s: \"%s\" is not a country like US or JP3", f->name,
                            argv[0]);
        put_le32(out, make_country((uint8_t)toupper((unsigned char)argv[0][0]),
                                   (uint8_t)toupper((unsigned char)argv[0][1]),
                                   n == 3 ? hex_nibble((uint8_t)argv[0][2]) : 0));
        return 0;
    }
    case DCT_FIELD_MAC:
    case DCT_FIELD_HEX: {
        long n = util_parse_hex(argc, argv, out, f->size, err);
        if (n < 0)
            return sim_fail_prefix(err, f->name);
        if (n == 0)
            return sim_fail(err, "field %s: no hex bytes given", f->name);
        if (f->kind == DCT_FIELD_MAC && n != (long)f->size)
            return sim_fail(err, "field %s: a MAC address has 6 bytes, got %ld", f->name, n);
        *out_length = (size_t)n;
        return 0;
    }
    case DCT_FIELD_CLAIMED:
        if (need_args(f, argc, 1, 1, err))
            return -1;
        if (!strcmp(argv[0], "1") || !strcmp(argv[0], "yes") || !strcmp(argv[0], "true"))
            out[0] = '1';
        else if (!strcmp(argv[0], "0") || !strcmp(argv[0], "no") || !strcmp(argv[0], "false"))
            out[0] = 0;
        else
            return sim_fail(err, "field %s: \"%s\" is not 1 or 0", f->name, argv[0]);
        return 0;
    case DCT_FIELD_DEVICE_ID:
        if (need_args(f, argc, 1, 1, err) || keys_parse_uid(argv[0], out, err) != 0)
            return sim_fail_prefix(err, f->name);
        return 0;
    case DCT_FIELD_SERVER_ADDRESS: {
        if (need_args(f, argc, 1, 2, err))
            return -1;
        if (argc == 1 && (!strcmp(argv[0], "default") || !strcmp(argv[0], "none"))) {
            memset(out, 0xFF, f->size);
            return 0;
        }
        char host[128];
        long port = -1;
        snprintf(host, sizeof host, "%s", argv[0]);
        char *colon = strrchr(host, ':');
        const char *port_text = argc == 2 ? argv[1] : NULL;
        if (colon && !port_text) {
            *colon = 0;
            port_text = colon + 1;
        }
        if (port_text) {
            if (!util_parse_unsigned(port_text, 0xFFFF, &v) || v == 0)
                return sim_fail(err, "field %s: port \"%s\" is not 1..65535", f->name, port_text);
            port = (long)v;
        }
        if (keys_server_address_encode(host, port, out, err) != 0)
            return sim_fail_prefix(err, f->name);
        return 0;
    }
    case DCT_FIELD_IP_CONFIG: {
        if (argc == 1 && !strcmp(argv[0], "dhcp")) {
            out[0] = 0; /* DYNAMIC_IP; the addresses stay as they were */
            *out_length = 1;
            return 0;
        }
        if (argc < 5 || argc > 6 || strcmp(argv[0], "static") != 0)
            return sim_fail(err, "field %s: expected %s", f->name, f->summary);
        static const char *const names[] = {"host", "netmask", "gateway", "dns1", "dns2"};
        out[0] = 1; /* STATIC_IP */
        for (int i = 0; i < 5; i++) {
            uint8_t o[4] = {0, 0, 0, 0};
            /* An absent dns2 must be 0 ("not set"), not a stale or erased value. */
            if (i + 1 < argc && dct_parse_ipv4(argv[i + 1], o) != 0)
                return sim_fail(err, "field %s: %s \"%s\" is not an IPv4 address", f->name,
                                names[i], argv[i + 1]);
            dct_ipv4_store(out + 4 + 4 * i, o);
        }
        return 0;
    }
    case DCT_FIELD_DEVICE_KEY: {
        uint8_t *data;
        size_t length, der_length;
        if (need_args(f, argc, 1, 1, err) || read_key_file(argv[0], &data, &length, err) != 0)
            return -1;
        int rc = keys_load_device_key(data, length, out, &der_length, err);
        free(data);
        if (rc != 0)
            return sim_fail_prefix(err, argv[0]);
        memset(out + der_length, 0xFF, f->used - der_length);
        *out_length = f->used;
        return 0;
    }
    case DCT_FIELD_DEVICE_PUBKEY: {
        uint8_t *data;
        size_t length, der_length;
        uint8_t der[DEVICE_KEY_DER_MAX];
        if (need_args(f, argc, 1, 1, err) || read_key_file(argv[0], &data, &length, err) != 0)
            return -1;
        /* Accept the private key (as the firmware derives it) or the copy to cache. */
        int rc = keys_load_device_key(data, length, der, &der_length, err);
        free(data);
        if (rc != 0)
            return sim_fail(err, "%s: field %s: give the device's private key; the firmware "
                            "derives this copy from it", argv[0], f->name);
        memset(out, 0, f->size);
        keys_device_public_key(der, out);
        return 0;
    }
    case DCT_FIELD_SERVER_KEY: {
        uint8_t *data;
        size_t length;
        if (need_args(f, argc, 1, 1, err) || read_key_file(argv[0], &data, &length, err) != 0)
            return -1;
        int rc = keys_load_server_key(data, length, out, NULL, NULL, err);
        free(data);
        if (rc != 0)
            return sim_fail_prefix(err, argv[0]);
        /* Key and padding only; the address block at +384 is its own field. */
        memset(out + SERVER_KEY_SPKI_SIZE, 0xFF, SERVER_KEY_BLOCK_ADDRESS - SERVER_KEY_SPKI_SIZE);
        *out_length = SERVER_KEY_BLOCK_ADDRESS;
        return 0;
    }
    case DCT_FIELD_FLASH_MODULES:
    default: {
        long n = util_parse_hex(argc, argv, out, f->size, err);
        if (n <= 0)
            return n < 0 ? sim_fail_prefix(err, f->name)
                         : sim_fail(err, "field %s: no hex bytes given", f->name);
        *out_length = (size_t)n;
        return 0;
    }
    }
}
