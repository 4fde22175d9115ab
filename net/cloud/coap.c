#include "coap.h"

#include <string.h>

/*
 * Decode the extended form of a delta or length nibble.  *pos is advanced over the
 * extension bytes.  Returns -1 when the bytes are missing or the nibble is reserved.
 */
static int read_extended(unsigned nibble, const uint8_t *buf, size_t len, size_t *pos,
                         uint32_t *value)
{
    if (nibble < 13) {
        *value = nibble;
        return 0;
    }
    if (nibble == 13) {
        if (*pos + 1 > len) {
            return -1;
        }
        *value = 13u + buf[*pos];
        *pos += 1;
        return 0;
    }
    if (nibble == 14) {
        if (*pos + 2 > len) {
            return -1;
        }
        *value = 269u + ((uint32_t)buf[*pos] << 8 | buf[*pos + 1]);
        *pos += 2;
        return 0;
    }
    return -2; /* 15 is reserved outside the payload marker */
}

coap_parse_result coap_parse(const uint8_t *buf, size_t len, coap_message *msg)
{
    size_t pos;
    uint32_t option_number = 0;

    memset(msg, 0, sizeof(*msg));
    if (len < 4) {
        return COAP_PARSE_TOO_SHORT;
    }
    if ((buf[0] >> 6) != 1) {
        return COAP_PARSE_BAD_VERSION;
    }
    msg->type = (buf[0] >> 4) & 3;
    msg->token_length = buf[0] & 0x0f;
    msg->code = buf[1];
    msg->message_id = (uint16_t)(buf[2] << 8 | buf[3]);
    if (msg->token_length > COAP_MAX_TOKEN_LENGTH) {
        return COAP_PARSE_BAD_TOKEN_LENGTH;
    }
    pos = 4;
    if (pos + msg->token_length > len) {
        return COAP_PARSE_TOO_SHORT;
    }
    memcpy(msg->token, buf + pos, msg->token_length);
    pos += msg->token_length;

    while (pos < len) {
        uint8_t header = buf[pos];
        uint32_t delta, length;
        int ret;

        if (header == 0xff) {
            msg->payload = buf + pos + 1;
            msg->payload_length = len - pos - 1;
            return COAP_PARSE_OK;
        }
        pos++;
        ret = read_extended(header >> 4, buf, len, &pos, &delta);
        if (ret == 0) {
            ret = read_extended(header & 0x0f, buf, len, &pos, &length);
        }
        if (ret == -2) {
            return COAP_PARSE_RESERVED_NIBBLE;
        }
        if (ret != 0 || length > len - pos) {
            return COAP_PARSE_TRUNCATED_OPTION;
        }
        option_number += delta;
        if (option_number > 0xffff) {
            return COAP_PARSE_OPTION_NUMBER_OVERFLOW;
        }
        if (msg->option_count == COAP_MAX_OPTIONS) {
            return COAP_PARSE_TOO_MANY_OPTIONS;
        }
        msg->options[msg->option_count].number = (uint16_t)option_number;
        msg->options[msg->option_count].length = (uint16_t)length;
        msg->options[msg->option_count].value = buf + pos;
        msg->option_count++;
        pos += length;
    }
    return COAP_PARSE_OK;
}

const char *coap_parse_result_text(coap_parse_result result)
{
    switch (result) {
    case COAP_PARSE_OK:
        return "ok";
    case COAP_PARSE_TOO_SHORT:
        return "shorter than the 4-byte header plus token";
    case COAP_PARSE_BAD_VERSION:
        return "CoAP version is not 1";
    case COAP_PARSE_BAD_TOKEN_LENGTH:
        return "token length above 8";
    case COAP_PARSE_TRUNCATED_OPTION:
        return "an option runs past the end of the message";
    case COAP_PARSE_RESERVED_NIBBLE:
        return "an option uses the reserved delta/length nibble 15";
    case COAP_PARSE_TOO_MANY_OPTIONS:
        return "more options than this server keeps";
    case COAP_PARSE_OPTION_NUMBER_OVERFLOW:
        return "option number above 65535";
    }
    return "unknown CoAP parse error";
}

const coap_option *coap_find_option(const coap_message *msg, uint16_t number, size_t nth)
{
    for (size_t i = 0; i < msg->option_count; i++) {
        if (msg->options[i].number == number) {
            if (nth == 0) {
                return &msg->options[i];
            }
            nth--;
        }
    }
    return NULL;
}

int coap_path_tail(const coap_message *msg, char *out, size_t out_size)
{
    size_t length = 0;
    size_t segment = 0;

    if (out_size == 0) {
        return -1;
    }
    out[0] = '\0';
    for (size_t i = 0; i < msg->option_count; i++) {
        const coap_option *opt = &msg->options[i];
        if (opt->number != COAP_OPTION_URI_PATH) {
            continue;
        }
        if (segment++ == 0) {
            continue; /* the one-character kind ("e", "f", "v") */
        }
        size_t need = (length ? 1 : 0) + opt->length;
        if (length + need + 1 > out_size) {
            out[0] = '\0';
            return -1;
        }
        if (length) {
            out[length++] = '/';
        }
        memcpy(out + length, opt->value, opt->length);
        length += opt->length;
        out[length] = '\0';
    }
    return (int)length;
}

char coap_first_path_char(const coap_message *msg)
{
    const coap_option *opt = coap_find_option(msg, COAP_OPTION_URI_PATH, 0);
    return (opt && opt->length > 0) ? (char)opt->value[0] : 0;
}

void coap_writer_begin(coap_writer *w, uint8_t *buf, size_t capacity, uint8_t type,
                       uint8_t code, uint16_t message_id, const uint8_t *token,
                       size_t token_length)
{
    memset(w, 0, sizeof(*w));
    w->buf = buf;
    w->capacity = capacity;
    if (token_length > COAP_MAX_TOKEN_LENGTH || capacity < 4 + token_length) {
        w->failed = true;
        return;
    }
    buf[0] = (uint8_t)(0x40 | (type & 3) << 4 | token_length);
    buf[1] = code;
    buf[2] = (uint8_t)(message_id >> 8);
    buf[3] = (uint8_t)message_id;
    if (token_length) {
        memcpy(buf + 4, token, token_length);
    }
    w->length = 4 + token_length;
}

/* Nibble and extension bytes for one delta or length value. */
static unsigned encode_extended(uint32_t value, uint8_t ext[2], size_t *ext_len)
{
    if (value < 13) {
        *ext_len = 0;
        return value;
    }
    if (value < 269) {
        ext[0] = (uint8_t)(value - 13);
        *ext_len = 1;
        return 13;
    }
    ext[0] = (uint8_t)((value - 269) >> 8);
    ext[1] = (uint8_t)(value - 269);
    *ext_len = 2;
    return 14;
}

void coap_writer_option(coap_writer *w, uint16_t number, const void *value, size_t length)
{
    uint8_t delta_ext[2], length_ext[2];
    size_t delta_ext_len, length_ext_len;
    unsigned delta_nibble, length_nibble;

    if (w->failed) {
        return;
    }
    if (w->has_payload || number < w->last_option || length > 65535u + 269u) {
        w->failed = true;
        return;
    }
    delta_nibble = encode_extended(number - w->last_option, delta_ext, &delta_ext_len);
    length_nibble = encode_extended((uint32_t)length, length_ext, &length_ext_len);
    if (w->length + 1 + delta_ext_len + length_ext_len + length > w->capacity) {
        w->failed = true;
        return;
    }
    w->buf[w->length++] = (uint8_t)(delta_nibble << 4 | length_nibble);
    memcpy(w->buf + w->length, delta_ext, delta_ext_len);
    w->length += delta_ext_len;
    memcpy(w->buf + w->length, length_ext, length_ext_len);
    w->length += length_ext_len;
    if (length) {
        memcpy(w->buf + w->length, value, length);
        w->length += length;
    }
    w->last_option = number;
}

void coap_writer_payload(coap_writer *w, const void *data, size_t length)
{
    if (w->failed || length == 0) {
        return;
    }
    if (w->has_payload || w->length + 1 + length > w->capacity) {
        w->failed = true;
        return;
    }
    w->buf[w->length++] = 0xff;
    memcpy(w->buf + w->length, data, length);
    w->length += length;
    w->has_payload = true;
}

int coap_writer_end(const coap_writer *w)
{
    return w->failed ? -1 : (int)w->length;
}
