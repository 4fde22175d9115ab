/*
 * Fuzz target: the CoAP parser (how to build and run: fuzz_common.h).  Whatever parses is
 * written again with the writer and must parse to the same message.
 */
#include <stdlib.h>
#include <string.h>

#include "coap.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    coap_message m, again;
    coap_writer w;
    uint8_t buf[70000];
    char path[128];
    int length;

    if (coap_parse(data, size, &m) != COAP_PARSE_OK) {
        return 0;
    }
    (void)coap_path_tail(&m, path, sizeof(path));
    (void)coap_first_path_char(&m);
    coap_writer_begin(&w, buf, sizeof(buf), m.type, m.code, m.message_id, m.token,
                      m.token_length);
    for (size_t i = 0; i < m.option_count; i++) {
        coap_writer_option(&w, m.options[i].number, m.options[i].value, m.options[i].length);
    }
    coap_writer_payload(&w, m.payload, m.payload_length);
    length = coap_writer_end(&w);
    if (length < 0) {
        abort();
    }
    if (coap_parse(buf, (size_t)length, &again) != COAP_PARSE_OK || again.type != m.type ||
        again.code != m.code || again.message_id != m.message_id ||
        again.token_length != m.token_length || again.option_count != m.option_count ||
        memcmp(again.token, m.token, m.token_length) != 0) {
        abort();
    }
    for (size_t i = 0; i < m.option_count; i++) {
        if (again.options[i].number != m.options[i].number ||
            again.options[i].length != m.options[i].length ||
            memcmp(again.options[i].value, m.options[i].value, m.options[i].length) != 0) {
            abort();
        }
    }
    /* an empty payload after a marker is not re-encoded (RFC 7252), so compare lengths only */
    if (again.payload_length != m.payload_length ||
        (m.payload_length && memcmp(again.payload, m.payload, m.payload_length) != 0)) {
        abort();
    }
    return 0;
}
