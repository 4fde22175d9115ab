/*
 * Cutting a serial byte stream into the lines a scenario matches: a line ends
 * at CR, LF or any run of them (so "\r\n", "\n\r" and "\r\n\r\n" end one line and
 * blank lines are not lines). Text left without an ending is a prompt
 * ("SSID: "); the caller flushes it when the output has gone quiet. Lines
 * longer than SERIAL_LINE_MAX bytes are cut there. Plain C, no QEMU headers.
 */
#ifndef SERIAL_LINES_H
#define SERIAL_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIAL_LINE_MAX 4096

typedef void (*serial_line_fn)(void *opaque, const char *line);

struct serial_lines {
    char text[SERIAL_LINE_MAX + 1];
    size_t length;
};

void serial_lines_feed(struct serial_lines *s, const uint8_t *data, size_t length,
                       serial_line_fn emit, void *opaque);
/* Whether text without an ending is waiting. */
bool serial_lines_pending(const struct serial_lines *s);
/* Emit the waiting text as a line (the output went quiet after a prompt). */
void serial_lines_flush(struct serial_lines *s, serial_line_fn emit, void *opaque);

#endif
