/*
 * The device's describe JSON: application functions and variables ({"f":[..],"v":{..}})
 * and the system part ({"p":6,"m":[..]}), plus decoding of variable values by type.
 * A small bounded JSON reader: the text comes from the device and is never trusted.
 */
#ifndef PHOTON_CLOUD_DESCRIBE_H
#define PHOTON_CLOUD_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOUD_DESCRIBE_MAX_FUNCTIONS 32
#define CLOUD_DESCRIBE_MAX_VARIABLES 32
#define CLOUD_DESCRIBE_MAX_MODULES 8
#define CLOUD_NAME_MAX 64 /* MAX_FUNCTION_KEY_LENGTH / MAX_VARIABLE_KEY_LENGTH / event name */

/* Variable type digits in the describe (Device OS spark_descriptor.h). */
enum cloud_variable_type {
    CLOUD_VARIABLE_UNKNOWN = 0,
    CLOUD_VARIABLE_BOOL = 1,
    CLOUD_VARIABLE_INT = 2,
    CLOUD_VARIABLE_STRING = 4,
    CLOUD_VARIABLE_DOUBLE = 9,
};

typedef struct cloud_describe_variable {
    char name[CLOUD_NAME_MAX + 1];
    int type;
} cloud_describe_variable;

typedef struct cloud_describe_module {
    char function[4]; /* "b" bootloader, "s" system, "u" user, ... */
    char index[8];
    uint32_t version;
} cloud_describe_module;

typedef struct cloud_describe {
    bool has_application; /* "f" or "v" seen */
    bool has_system;      /* "p" or "m" seen */
    size_t function_count;
    char functions[CLOUD_DESCRIBE_MAX_FUNCTIONS][CLOUD_NAME_MAX + 1];
    size_t variable_count;
    cloud_describe_variable variables[CLOUD_DESCRIBE_MAX_VARIABLES];
    int platform_id; /* -1 when absent */
    size_t module_count;
    cloud_describe_module modules[CLOUD_DESCRIBE_MAX_MODULES];
    bool truncated; /* more entries than kept */
} cloud_describe;

void cloud_describe_init(cloud_describe *describe);

/* 0, or -1 with the reason (and byte offset) in why. */
int cloud_describe_parse(const char *json, size_t length, cloud_describe *out, char *why,
                         size_t why_size);

/* Take the application part and/or system part that `from` has. */
void cloud_describe_merge(cloud_describe *into, const cloud_describe *from);

bool cloud_describe_has_function(const cloud_describe *describe, const char *name);
/* CLOUD_VARIABLE_UNKNOWN when the variable is not described. */
int cloud_describe_variable_type(const cloud_describe *describe, const char *name);

/*
 * Render a variable value the way Device OS encodes it: INT 4 bytes big-endian, DOUBLE
 * 8 bytes little-endian (copied raw from the Cortex-M3), BOOL 1 byte, STRING raw bytes.
 * Unknown types print as hex.  Returns 0, or -1 when the length does not fit the type
 * (out then explains).
 */
int cloud_variable_format(int type, const uint8_t *raw, size_t length, char *out,
                          size_t out_size);

#endif
