/* The Photon DCT (device configuration table): two 16 KiB copies in flash
 * sectors 1 and 2, validated, selected and updated the way Device OS 2.2.0's
 * WICED DCT code does it (reference/stm32f205-photon.md section 4).
 *
 * All functions work on the "DCT area": the 32 KiB from 0x08004000, i.e.
 * flash_image + DCT_AREA_FLASH_OFFSET. Offsets called "DCT offsets" are from
 * the start of one copy; "app offsets" are from the Particle application
 * section (DCT + 0x1D7C), which is what `dfu-util -a 1 -s OFFSET` uses. */
#ifndef PHOTON_SIM_DCT_H
#define PHOTON_SIM_DCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_error.h"

#define DCT1_ADDRESS 0x08004000u
#define DCT2_ADDRESS 0x08008000u
#define DCT_COPY_SIZE 0x4000u
#define DCT_AREA_SIZE (2u * DCT_COPY_SIZE)
#define DCT_AREA_FLASH_OFFSET (DCT1_ADDRESS - 0x08000000u)

/* platform_dct_header_t (388 bytes) */
#define DCT_HEADER_SIZE 388u
#define DCT_HDR_FULL_SIZE 0u
#define DCT_HDR_USED_SIZE 4u
#define DCT_HDR_WRITE_INCOMPLETE 8u
#define DCT_HDR_IS_CURRENT 9u
#define DCT_HDR_APP_VALID 10u
#define DCT_HDR_MFG_INFO_PROGRAMMED 11u
#define DCT_HDR_MAGIC 12u
#define DCT_HEADER_MAGIC 0x4D435242u /* "BRCM" */

/* Sections inside one copy */
#define DCT_SECURITY_OFFSET 0x0220u
#define DCT_WIFI_CONFIG_OFFSET 0x1A30u
#define DCT_WIFI_CONFIG_SIZE 844u
#define DCT_APP_OFFSET 0x1D7Cu
#define DCT_APP_SIZE 8391u
#define DCT_NETWORK_CONFIG_OFFSET 0x3FCCu

/* platform_dct_version_t (16 bytes) at the end of the copy */
#define DCT_VERSION_OFFSET 0x3FF0u
#define DCT_VERSION_SIZE 16u
#define DCT_VER_MAGIC 0u
#define DCT_VER_USAGE_FLAGS 4u
#define DCT_VER_VERSION 6u
#define DCT_VER_CRC32 8u
#define DCT_VER_INITIAL_WRITE 12u
#define DCT_VER_SEQUENCE 13u
#define DCT_VERSION_MAGIC 0xDC0200CDu

#define DCT_SDK_VERSION_CURRENT 0x0370
#define DCT_SDK_VERSION_LEGACY 0x0330
#define DCT_SDK_VERSION_UNKNOWN 0x7FFF

/* The CRC walks the body in chunks of this size; the XOR-fold makes the
 * result depend on the chunking. */
#define DCT_CRC_CHUNK 32u

/* Writable body of a copy: between the header and the version struct. */
#define DCT_BODY_START DCT_HEADER_SIZE
#define DCT_BODY_END DCT_VERSION_OFFSET
/* Largest app offset + length a DFU alt-1 write may reach. */
#define DCT_APP_WRITABLE_END (DCT_BODY_END - DCT_APP_OFFSET)

typedef struct dct_header {
    uint32_t full_size;
    uint32_t used_size;
    uint8_t write_incomplete;
    uint8_t is_current;
    uint8_t app_valid;
    uint8_t mfg_info_programmed;
    uint32_t magic;
} dct_header;

typedef struct dct_version {
    uint32_t magic;
    uint16_t usage_flags;
    uint16_t version;
    uint32_t crc32;
    uint8_t initial_write;
    uint8_t sequence;
} dct_version;

void dct_header_decode(const uint8_t *copy, dct_header *out);
void dct_version_decode(const uint8_t *copy, dct_version *out);

/* Result of wiced_dct_validate_and_determine_version for one copy. */
typedef struct dct_copy_status {
    int sdk_version;     /* DCT_SDK_VERSION_UNKNOWN, _LEGACY, or the version field */
    int initial_write;   /* 0xFF when the CRC did not match */
    int sequence;        /* -1 when the CRC did not match ("valid but stale") */
    bool crc_checked;
    bool crc_ok;
    uint32_t stored_crc;
    uint32_t computed_crc;
    const char *reason;  /* short explanation of the classification */
} dct_copy_status;

/* Particle's crc32(p, n, c) for WICED: zlib_crc32(p, n) ^ 0xFFFFFFFF ^ c.
 * An XOR-fold of independent CRCs, not a chained CRC. */
uint32_t dct_crc_fold(const uint8_t *data, size_t length, uint32_t crc);

/* The CRC the firmware expects in the version struct of `copy`: header with
 * write_incomplete = 0, body in 32-byte chunks, version with crc32 = 0 and
 * initial_write = 0. */
uint32_t dct_compute_crc(const uint8_t *copy);

void dct_validate(const uint8_t *copy, dct_copy_status *out);

/* Current copy per the firmware's selection rules: 0 (DCT1), 1 (DCT2), or -1
 * when neither copy is valid (the firmware would initialise DCT1). */
int dct_select_current(const uint8_t *area);

/* True when both copies are fully erased. */
bool dct_is_blank(const uint8_t *area);

static inline uint8_t *dct_copy(uint8_t *area, int index)
{
    return area + (size_t)index * DCT_COPY_SIZE;
}
static inline const uint8_t *dct_copy_const(const uint8_t *area, int index)
{
    return area + (size_t)index * DCT_COPY_SIZE;
}

/* What the firmware does when no copy is valid: DCT1 gets a header {magic,
 * is_current 1, write_incomplete 0} and a version stub {magic, version 0,
 * initial_write 1, sequence 1} (which classifies as legacy), DCT2 is erased. */
void dct_initialise(uint8_t *area);

/* Reads from the current copy; a DCT without a valid copy reads as erased,
 * as it would right after the firmware initialised it. Returns the copy
 * index read, or -1. */
int dct_read(const uint8_t *area, uint32_t dct_offset, void *out, size_t length);

/* One substituted range of a copy-on-write update. */
typedef struct dct_change {
    uint32_t dct_offset;
    const void *data;
    size_t length;
} dct_change;

/* The steps of an update, in the firmware's order. dct_write_until stops
 * after a given step to reproduce a power loss there. */
typedef enum dct_write_step {
    DCT_STEP_ERASE = 1,            /* erase the non-current sector */
    DCT_STEP_COPY,                 /* copy the body with the change substituted */
    DCT_STEP_HEADER,               /* header with write_incomplete = 1 */
    DCT_STEP_VERSION,              /* version struct with sequence + 1 and CRC */
    DCT_STEP_COMMIT,               /* write_incomplete = 0: the commit point */
    DCT_STEP_CLEAR_OLD_CURRENT,    /* old is_current_dct = 0 */
    DCT_STEP_CLEAR_OLD_INITIAL,    /* old initial_write = 0 */
    DCT_STEP_ALL = DCT_STEP_CLEAR_OLD_INITIAL,
} dct_write_step;

typedef struct dct_write_result {
    bool initialised;   /* no copy was valid; DCT1 was initialised first */
    int from_copy;      /* copy the data came from */
    int to_copy;        /* copy written */
    uint8_t sequence;   /* sequence of the new copy */
} dct_write_result;

/* Copy-on-write update of one or more ranges (DCT offsets inside the body),
 * done as the firmware does it so the firmware accepts the result. */
int dct_write_changes(uint8_t *area, const dct_change *changes, size_t count,
                      dct_write_step last_step, dct_write_result *result, sim_error *err);

int dct_write(uint8_t *area, uint32_t dct_offset, const void *data, size_t length,
              sim_error *err);

/* App-section convenience wrappers (dfu-util -a 1 offsets). */
int dct_read_app(const uint8_t *area, uint32_t app_offset, void *out, size_t length);
int dct_write_app(uint8_t *area, uint32_t app_offset, const void *data, size_t length,
                  sim_error *err);

/* ---- Named fields ----------------------------------------------------- */

/* Application DCT offsets (platform/MCU/STM32F2xx/SPARK_Firmware_Driver/inc/dct.h). */
#define DCT_APP_DEVICE_PRIVATE_KEY 34u
#define DCT_APP_DEVICE_PRIVATE_KEY_SIZE 1216u
#define DCT_APP_DEVICE_PRIVATE_KEY_USED 612u
#define DCT_APP_DEVICE_PUBLIC_KEY 1250u
#define DCT_APP_DEVICE_PUBLIC_KEY_SIZE 384u
#define DCT_APP_IP_CONFIG 1634u
#define DCT_APP_IP_CONFIG_SIZE 24u
#define DCT_APP_FEATURE_FLAGS 1754u
#define DCT_APP_COUNTRY_CODE 1758u
#define DCT_APP_CLAIM_CODE 1762u
#define DCT_APP_CLAIMED 1825u
#define DCT_APP_SERVER_PUBLIC_KEY 2082u
#define DCT_APP_SERVER_PUBLIC_KEY_SIZE 768u
#define DCT_APP_SERVER_PUBLIC_KEY_USED 294u
#define DCT_APP_SERVER_ADDRESS 2466u /* = server_public_key + 384 */
#define DCT_APP_SERVER_ADDRESS_SIZE 128u
#define DCT_APP_FLASH_MODULES 2852u
#define DCT_APP_DEVICE_ID 3618u
#define DCT_APP_LED_THEME 3759u

/* platform_dct_wifi_config_t and wiced_config_ap_entry_t (packed) */
#define DCT_WIFI_DEVICE_CONFIGURED 0u
#define DCT_WIFI_AP_LIST 1u
#define DCT_WIFI_AP_ENTRY_SIZE 121u
#define DCT_WIFI_AP_COUNT 5u
#define DCT_WIFI_COUNTRY_CODE 832u
#define DCT_WIFI_MAC_ADDRESS 836u
#define DCT_AP_SSID_LENGTH 0u
#define DCT_AP_SSID 1u
#define DCT_AP_BSSID 33u
#define DCT_AP_SECURITY 46u
#define DCT_AP_CHANNEL 50u
#define DCT_AP_KEY_LENGTH 56u
#define DCT_AP_KEY 57u

/* wiced_security_t (WICED 3.7 wwd_constants.h) */
#define WICED_SECURITY_OPEN 0u
#define WICED_WEP_ENABLED 0x0001u
#define WICED_TKIP_ENABLED 0x0002u
#define WICED_AES_ENABLED 0x0004u
#define WICED_SHARED_ENABLED 0x8000u
#define WICED_WPA_SECURITY 0x00200000u
#define WICED_WPA2_SECURITY 0x00400000u
#define WICED_ENTERPRISE_ENABLED 0x02000000u
#define WICED_SECURITY_WPA2_AES_PSK (WICED_WPA2_SECURITY | WICED_AES_ENABLED)

typedef enum dct_field_kind {
    DCT_FIELD_HEX,            /* raw bytes */
    DCT_FIELD_U8,
    DCT_FIELD_U32,            /* little-endian */
    DCT_FIELD_TEXT,           /* NUL- or 0xFF-terminated text */
    DCT_FIELD_PSTRING,        /* first byte is the length */
    DCT_FIELD_CLAIMED,        /* '1' = claimed */
    DCT_FIELD_DEVICE_KEY,     /* RSA-1024 PKCS#1 DER */
    DCT_FIELD_DEVICE_PUBKEY,  /* RSA-1024 SubjectPublicKeyInfo DER */
    DCT_FIELD_SERVER_KEY,     /* RSA-2048 SubjectPublicKeyInfo DER */
    DCT_FIELD_SERVER_ADDRESS, /* type, length, IPv4 or domain, port BE at +66 */
    DCT_FIELD_IP_CONFIG,      /* static_ip_config_t */
    DCT_FIELD_DEVICE_ID,      /* 12-byte UID cache */
    DCT_FIELD_FLASH_MODULES,  /* platform_flash_modules_t[5] */
    DCT_FIELD_WIFI_SSID,      /* wiced_ssid_t: length + 32 bytes */
    DCT_FIELD_WIFI_KEY,       /* security_key_length + 64 bytes */
    DCT_FIELD_WIFI_SECURITY,  /* wiced_security_t */
    DCT_FIELD_COUNTRY,        /* wiced_country_code_t */
    DCT_FIELD_MAC,
} dct_field_kind;

typedef struct dct_field {
    const char *name;
    uint32_t dct_offset;  /* from the start of a copy */
    uint32_t size;        /* field size in the struct */
    uint32_t used;        /* bytes the firmware reads (<= size) */
    dct_field_kind kind;
    const char *summary;
} dct_field;

extern const dct_field dct_fields[];
extern const size_t dct_field_count;

const dct_field *dct_field_find(const char *name);

/* App offset of a field, or -1 if it lies outside the app section. */
long dct_field_app_offset(const dct_field *field);

/* Pretty-prints the field's bytes (field->size of them) into `out`. */
void dct_field_format(const dct_field *field, const uint8_t *bytes, char *out, size_t size);

/* Parses textual values (argv words) into the bytes to write for the field.
 * `out` has room for field->size bytes; *out_length receives how many to
 * write from the start of the field. Key fields take a file name; fields
 * that keep part of their old value read it from `current` (field->size
 * bytes of the current copy). */
int dct_field_parse(const dct_field *field, int argc, char **argv, const uint8_t *current,
                    uint8_t *out, size_t *out_length, sim_error *err);

/* IPv4 helpers for ip_config: the firmware keeps each address as a host-order
 * uint32 (IPAddress::set_ipv4: a<<24|b<<16|c<<8|d) stored little-endian, so
 * 192.168.1.2 is the bytes 02 01 a8 c0. */
void dct_ipv4_store(uint8_t *p, const uint8_t octets[4]);
void dct_ipv4_load(const uint8_t *p, uint8_t octets[4]);
int dct_parse_ipv4(const char *text, uint8_t octets[4]);

/* Builds the Wi-Fi config section as add_wiced_wifi_credentials() would:
 * same-SSID slot replaced, else the list shifted down; device_configured set.
 * `app_country` is the app DCT country_code (4 bytes). */
void dct_wifi_add_credentials(uint8_t wifi[DCT_WIFI_CONFIG_SIZE], const uint8_t app_country[4],
                              const char *ssid, const char *key, uint32_t security);
/* Same as wlan_clear_credentials(): zero the stored AP list. */
void dct_wifi_clear_credentials(uint8_t wifi[DCT_WIFI_CONFIG_SIZE]);

#endif
