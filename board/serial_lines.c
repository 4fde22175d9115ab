/* Serial stream to lines (serial_lines.h). */
#include "serial_lines.h"

void serial_lines_flush(struct serial_lines *s, serial_line_fn emit, void *opaque)
{
    if (s->length) {
        s->text[s->length] = '\0';
        s->length = 0;
        emit(opaque, s->text);
    }
}

bool serial_lines_pending(const struct serial_lines *s)
{
    return s->length != 0;
}

void serial_lines_feed(struct serial_lines *s, const uint8_t *data, size_t length,
                       serial_line_fn emit, void *opaque)
{
    for (size_t i = 0; i < length; i++) {
        char c = (char)data[i];
        if (c == '\r' || c == '\n') {
            serial_lines_flush(s, emit, opaque);
            continue;
        }
        /* A NUL would end the line early for the matcher: show it as a space. */
        s->text[s->length++] = c ? c : ' ';
        if (s->length == SERIAL_LINE_MAX) {
            serial_lines_flush(s, emit, opaque);
        }
    }
}
