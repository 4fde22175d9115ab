/* The Photon's 1 MiB internal flash as a file (0x08000000..0x080FFFFF,
 * erased = 0xFF): sector map, module slots, placement, listing, dependency
 * check and atomic saving. */
#ifndef PHOTON_SIM_FLASH_IMAGE_H
#define PHOTON_SIM_FLASH_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module.h"
#include "sim_error.h"

#define FLASH_SIZE (FLASH_END_ADDRESS - FLASH_BASE_ADDRESS)
#define FLASH_SECTOR_COUNT 12
#define FLASH_ERASED 0xFFu

typedef struct flash_sector {
    uint32_t address;
    uint32_t size;
} flash_sector;

/* STM32F205RG: 4 x 16K, 1 x 64K, 7 x 128K. */
extern const flash_sector flash_sectors[FLASH_SECTOR_COUNT];

/* Index of the sector holding `address`, or -1 outside flash. */
int flash_sector_of(uint32_t address);

/* Where Device OS keeps each module (hal/src/photon/ota_module_bounds.c). */
typedef struct flash_slot {
    const char *name;
    uint8_t function;
    uint8_t index;
    uint32_t location;      /* where the module's bytes are in flash */
    uint32_t start_address; /* what its header says (differs for the factory copy) */
    uint32_t max_size;      /* including the CRC trailer */
} flash_slot;

enum {
    FLASH_SLOT_BOOTLOADER,
    FLASH_SLOT_SYSTEM_PART1,
    FLASH_SLOT_SYSTEM_PART2,
    FLASH_SLOT_USER_PART,
    FLASH_SLOT_FACTORY,
    FLASH_SLOT_COUNT
};

extern const flash_slot flash_slots[FLASH_SLOT_COUNT];

/* Allocates an erased image. */
uint8_t *flash_image_new(void);

/* Reads an existing image; it must be exactly FLASH_SIZE bytes. */
int flash_image_load(const char *path, uint8_t **out, sim_error *err);

/* Loads `path` if it exists, else returns a new erased image. */
int flash_image_open_or_create(const char *path, uint8_t **out, bool *created, sim_error *err);

/* Writes the image to a temporary file in the same folder, syncs it and
 * renames it over `path`, so `path` is either the old or the new image. */
int flash_image_save(const char *path, const uint8_t *flash, sim_error *err);

/* Places validated modules at their start addresses: rejects overlaps between
 * them (naming both) and modules that are not where the Photon keeps them,
 * then erases the sectors each one covers and programs it. Nothing is
 * changed if any check fails. */
int flash_image_place(uint8_t *flash, const module_file *modules, size_t count, sim_error *err);

/* One slot of an image as found by flash_image_list. */
typedef struct flash_listing {
    const flash_slot *slot;
    bool empty;        /* the header area is erased */
    bool present;      /* a Photon module header for this slot was found */
    bool crc_ok;
    module mod;        /* valid when present */
    char problem[200]; /* why a non-empty slot is not usable, or "" */
} flash_listing;

/* Inspects every slot of the image. */
void flash_image_list(const uint8_t *flash, flash_listing out[FLASH_SLOT_COUNT]);

/* Checks each module's dependency and dependency2 against the modules in the
 * image (present and with a good CRC), as the firmware does: the module with
 * that function and index must exist with version >= the one required.
 * Appends one line per problem to `problems` (up to max) and returns the
 * number of problems found. */
size_t flash_image_check_dependencies(const uint8_t *flash, char problems[][256], size_t max);

#endif
