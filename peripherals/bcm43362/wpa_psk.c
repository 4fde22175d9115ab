/*
 * WPA2-PSK key check: the firmware's supplicant finishes the 4-way handshake only if the
 * host's key yields the AP's PMK.  A 64-character key is a hex PMK (WWD always sets the
 * passphrase flag, the firmware goes by the length); 8..63 characters are a passphrase.
 */
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/version.h>

#include "bcm43362_priv.h"

#define PMK_LEN 32
#define PMK_HEX_LEN 64

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzz builds only (the libFuzzer convention): 4096 rounds of HMAC-SHA1 per join were
 * half of the fuzzer's time; one round keeps every path, right and wrong keys alike. */
#define PBKDF2_ROUNDS 1
#else
#define PBKDF2_ROUNDS 4096
#endif

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool hex_to_pmk(const uint8_t *hex, uint8_t pmk[PMK_LEN])
{
    for (size_t i = 0; i < PMK_LEN; i++) {
        const int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        pmk[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* IEEE 802.11i: PMK = PBKDF2-HMAC-SHA1(passphrase, SSID, 4096, 256 bits). */
static bool derive_pmk(const uint8_t *pass, size_t pass_len, const char *ssid, uint8_t pmk[PMK_LEN])
{
#if MBEDTLS_VERSION_NUMBER >= 0x03030000
    return mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA1, pass, pass_len, (const uint8_t *)ssid, strlen(ssid),
                                         PBKDF2_ROUNDS, PMK_LEN, pmk) == 0;
#else
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    bool ok = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), 1) == 0 &&
              mbedtls_pkcs5_pbkdf2_hmac(&md, pass, pass_len, (const uint8_t *)ssid, strlen(ssid),
                                        PBKDF2_ROUNDS, PMK_LEN, pmk) == 0;
    mbedtls_md_free(&md);
    return ok;
#endif
}

static bool ap_pmk(struct wl_ap_slot *slot, uint8_t pmk[PMK_LEN])
{
    if (!slot->pmk_cached) {
        const char *pass = slot->ap.passphrase;
        const size_t len = strlen(pass);
        if (len == PMK_HEX_LEN) {
            slot->pmk_cached = hex_to_pmk((const uint8_t *)pass, slot->pmk);
        } else {
            slot->pmk_cached = derive_pmk((const uint8_t *)pass, len, slot->ap.ssid, slot->pmk);
        }
    }
    memcpy(pmk, slot->pmk, PMK_LEN);
    return slot->pmk_cached;
}

static bool key_opens_ap(struct wl_ap_slot *slot, const struct wl_pmk *key)
{
    uint8_t host_pmk[PMK_LEN], want[PMK_LEN];
    const size_t ap_len = strlen(slot->ap.passphrase);
    if (key->len != PMK_HEX_LEN && ap_len != PMK_HEX_LEN) {
        /* Two passphrases: equal strings give equal PMKs, no need to run PBKDF2. */
        return key->len == ap_len && memcmp(key->key, slot->ap.passphrase, ap_len) == 0;
    }
    if (key->len == PMK_HEX_LEN) {
        if (!hex_to_pmk(key->key, host_pmk)) {
            return false;
        }
    } else if (!derive_pmk(key->key, key->len, slot->ap.ssid, host_pmk)) {
        return false;
    }
    return ap_pmk(slot, want) && memcmp(host_pmk, want, PMK_LEN) == 0;
}

bool wpa_psk_matches(struct wl_ap_slot *slot, const struct wl_pmk *key)
{
    if (!key->set || key->len > sizeof key->key) {
        return false;
    }
    if (!slot->verdict_cached || slot->verdict_key_len != key->len ||
        memcmp(slot->verdict_key, key->key, key->len) != 0) {
        slot->verdict = key_opens_ap(slot, key);
        slot->verdict_key_len = key->len;
        memcpy(slot->verdict_key, key->key, key->len);
        slot->verdict_cached = true;
    }
    return slot->verdict;
}
