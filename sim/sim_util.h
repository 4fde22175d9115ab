/* Small helpers shared by the photon-sim commands and cores: whole-file I/O,
 * number and hex parsing. */
#ifndef PHOTON_SIM_SIM_UTIL_H
#define PHOTON_SIM_SIM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_error.h"

/* Reads a whole file of at most max_length bytes; the caller frees *data. */
int util_read_file(const char *path, size_t max_length, uint8_t **data, size_t *length,
                   sim_error *err);

/* Writes a file through a temporary file in the same folder, fsync and a
 * rename, so `path` always holds either the old or the complete new data. */
int util_write_file_atomic(const char *path, const void *data, size_t length, sim_error *err);

/* Parses a decimal or 0x-prefixed unsigned number no larger than max. */
bool util_parse_unsigned(const char *text, unsigned long long max, unsigned long long *out);

/* Decodes hex digits (spaces, ':' and '-' between bytes allowed, optional
 * 0x prefix) from several words into out (at most max bytes). Returns the
 * number of bytes, or -1 with err set. */
long util_parse_hex(int argc, char **argv, uint8_t *out, size_t max, sim_error *err);

/* Writes `length` bytes as "xx xx ..." lines of 16 with an offset column. */
void util_hexdump(const uint8_t *data, size_t length, unsigned long base, char *out, size_t size);

#endif
