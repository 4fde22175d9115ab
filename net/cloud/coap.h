/*
 * CoAP (RFC 7252) codec for the Particle device protocol.
 *
 * The parser is strict about bounds and lenient where Device OS is: it accepts a payload
 * marker followed by no payload (the device writes one for an event with empty data).
 * The writer encodes options the standard way, which is also the only way the device's
 * fixed-offset parser understands (a 1-character first Uri-Path gives header byte b1,
 * names of 13+ bytes use the 0d extension, and so on).
 */
#ifndef PHOTON_CLOUD_COAP_H
#define PHOTON_CLOUD_COAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum coap_type {
    COAP_TYPE_CON = 0,
    COAP_TYPE_NON = 1,
    COAP_TYPE_ACK = 2,
    COAP_TYPE_RST = 3,
};

/* Codes as the single byte class << 5 | detail. */
enum coap_code {
    COAP_CODE_EMPTY = 0x00,
    COAP_CODE_GET = 0x01,
    COAP_CODE_POST = 0x02,
    COAP_CODE_PUT = 0x03,
    COAP_CODE_CHANGED = 0x44,             /* 2.04 */
    COAP_CODE_CONTENT = 0x45,             /* 2.05: the device takes ANY 2.05 as a time reply */
    COAP_CODE_BAD_REQUEST = 0x80,         /* 4.00 */
    COAP_CODE_NOT_FOUND = 0x84,           /* 4.04 */
    COAP_CODE_INTERNAL_ERROR = 0xa0,      /* 5.00 */
    COAP_CODE_SERVICE_UNAVAILABLE = 0xa3, /* 5.03 */
};

enum coap_option_number {
    COAP_OPTION_URI_PATH = 11,
    COAP_OPTION_MAX_AGE = 14,
    COAP_OPTION_URI_QUERY = 15,
};

#define COAP_MAX_TOKEN_LENGTH 8
#define COAP_MAX_OPTIONS 16

typedef struct coap_option {
    uint16_t number;
    uint16_t length;
    const uint8_t *value; /* points into the parsed buffer */
} coap_option;

typedef struct coap_message {
    uint8_t type;
    uint8_t code;
    uint16_t message_id;
    uint8_t token_length;
    uint8_t token[COAP_MAX_TOKEN_LENGTH];
    size_t option_count;
    coap_option options[COAP_MAX_OPTIONS];
    const uint8_t *payload; /* NULL when there is no payload marker */
    size_t payload_length;
} coap_message;

typedef enum coap_parse_result {
    COAP_PARSE_OK = 0,
    COAP_PARSE_TOO_SHORT = -1,
    COAP_PARSE_BAD_VERSION = -2,
    COAP_PARSE_BAD_TOKEN_LENGTH = -3,
    COAP_PARSE_TRUNCATED_OPTION = -4,
    COAP_PARSE_RESERVED_NIBBLE = -5,
    COAP_PARSE_TOO_MANY_OPTIONS = -6,
    COAP_PARSE_OPTION_NUMBER_OVERFLOW = -7,
} coap_parse_result;

/* Parse buf[0..len); option values and payload point into buf. */
coap_parse_result coap_parse(const uint8_t *buf, size_t len, coap_message *msg);
const char *coap_parse_result_text(coap_parse_result result);

static inline unsigned coap_code_class(uint8_t code) { return code >> 5; }
static inline unsigned coap_code_detail(uint8_t code) { return code & 0x1f; }
static inline bool coap_is_request(uint8_t code) { return code >= 1 && code <= 31; }
static inline bool coap_is_response(uint8_t code) { return code >= 0x40; }

/* The nth (0-based) option with this number, or NULL. */
const coap_option *coap_find_option(const coap_message *msg, uint16_t number, size_t nth);

/*
 * Join all Uri-Path options after the first one with '/' into out (NUL-terminated).
 * Returns the length, or -1 when it does not fit.  Particle puts the message kind in the
 * first segment ("e", "f", "v"...) and the name in the rest.
 */
int coap_path_tail(const coap_message *msg, char *out, size_t out_size);

/* First byte of the first Uri-Path option, or 0. */
char coap_first_path_char(const coap_message *msg);

/* Builder.  Any overflow or misuse sticks in `failed`; coap_writer_end then returns -1. */
typedef struct coap_writer {
    uint8_t *buf;
    size_t capacity;
    size_t length;
    uint16_t last_option;
    bool has_payload;
    bool failed;
} coap_writer;

void coap_writer_begin(coap_writer *w, uint8_t *buf, size_t capacity, uint8_t type,
                       uint8_t code, uint16_t message_id, const uint8_t *token,
                       size_t token_length);
/* Options must come in non-decreasing number order, and before the payload. */
void coap_writer_option(coap_writer *w, uint16_t number, const void *value, size_t length);
/* Writes the payload marker and data; nothing at all when length is 0 (RFC 7252 §3). */
void coap_writer_payload(coap_writer *w, const void *data, size_t length);
int coap_writer_end(const coap_writer *w);

#endif
