#include "flash_image.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_bytes.h"
#include "sim_util.h"

const flash_sector flash_sectors[FLASH_SECTOR_COUNT] = {
    {0x08000000u, 0x4000u},  {0x08004000u, 0x4000u},  {0x08008000u, 0x4000u},
    {0x0800C000u, 0x4000u},  {0x08010000u, 0x10000u}, {0x08020000u, 0x20000u},
    {0x08040000u, 0x20000u}, {0x08060000u, 0x20000u}, {0x08080000u, 0x20000u},
    {0x080A0000u, 0x20000u}, {0x080C0000u, 0x20000u}, {0x080E0000u, 0x20000u},
};

const flash_slot flash_slots[FLASH_SLOT_COUNT] = {
    [FLASH_SLOT_BOOTLOADER] = {"bootloader", MODULE_FUNCTION_BOOTLOADER, 0, 0x08000000u,
                               0x08000000u, 0x4000u},
    [FLASH_SLOT_SYSTEM_PART1] = {"system part 1", MODULE_FUNCTION_SYSTEM_PART, 1, 0x08020000u,
                                 0x08020000u, 0x40000u},
    [FLASH_SLOT_SYSTEM_PART2] = {"system part 2", MODULE_FUNCTION_SYSTEM_PART, 2, 0x08060000u,
                                 0x08060000u, 0x40000u},
    [FLASH_SLOT_USER_PART] = {"user part 1", MODULE_FUNCTION_USER_PART, 1, 0x080A0000u,
                              0x080A0000u, 0x20000u},
    /* The factory-reset copy of the user part is linked for 0x080A0000. */
    [FLASH_SLOT_FACTORY] = {"factory user part", MODULE_FUNCTION_USER_PART, 1, 0x080E0000u,
                            0x080A0000u, 0x20000u},
};

int flash_sector_of(uint32_t address)
{
    for (int i = 0; i < FLASH_SECTOR_COUNT; i++) {
        if (address >= flash_sectors[i].address &&
            address - flash_sectors[i].address < flash_sectors[i].size)
            return i;
    }
    return -1;
}

uint8_t *flash_image_new(void)
{
    uint8_t *flash = malloc(FLASH_SIZE);
    if (flash)
        memset(flash, FLASH_ERASED, FLASH_SIZE);
    return flash;
}

int flash_image_load(const char *path, uint8_t **out, sim_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_fail(err, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *flash = malloc(FLASH_SIZE + 1);
    if (!flash) {
        fclose(f);
        return sim_fail(err, "%s: out of memory", path);
    }
    /* Read one byte more than expected to notice oversized files. */
    size_t n = fread(flash, 1, FLASH_SIZE + 1, f);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(flash);
        return sim_fail(err, "%s: read error", path);
    }
    if (n != FLASH_SIZE) {
        free(flash);
        return sim_fail(err, "%s: not a flash image: %s bytes, expected exactly %u (1 MiB)", path,
                        n > FLASH_SIZE ? "more than 1048576" : "fewer", FLASH_SIZE);
    }
    *out = flash;
    return 0;
}

int flash_image_open_or_create(const char *path, uint8_t **out, bool *created, sim_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        *out = flash_image_new();
        if (!*out)
            return sim_fail(err, "%s: out of memory", path);
        if (created)
            *created = true;
        return 0;
    }
    if (created)
        *created = false;
    return flash_image_load(path, out, err);
}

int flash_image_save(const char *path, const uint8_t *flash, sim_error *err)
{
    sim_error write_err;
    if (util_write_file_atomic(path, flash, FLASH_SIZE, &write_err) != 0)
        return sim_fail(err, "%s (image left unchanged)", write_err.msg);
    return 0;
}

static const flash_slot *slot_for_module(const module_info *info)
{
    for (int i = 0; i < FLASH_SLOT_COUNT; i++) {
        const flash_slot *s = &flash_slots[i];
        if (i == FLASH_SLOT_FACTORY)
            continue; /* only the firmware itself writes the factory copy */
        if (s->function == info->function && s->index == info->index)
            return s;
    }
    return NULL;
}

static void describe_range(const module_file *f, char *buf, size_t size)
{
    char name[48];
    const module_info *i = &f->mod.info;
    snprintf(buf, size, "%s (%s, 0x%08X..0x%08X)", f->path,
             module_name(i->function, i->index, name, sizeof name), i->start_address,
             i->end_address + MODULE_CRC_SIZE);
}

int flash_image_place(uint8_t *flash, const module_file *modules, size_t count, sim_error *err)
{
    /* Pairwise overlaps first: two files for one slot are the common mistake. */
    for (size_t a = 0; a < count; a++) {
        const module_info *ia = &modules[a].mod.info;
        for (size_t b = a + 1; b < count; b++) {
            const module_info *ib = &modules[b].mod.info;
            if (ia->start_address < ib->end_address + MODULE_CRC_SIZE &&
                ib->start_address < ia->end_address + MODULE_CRC_SIZE) {
                char ra[160], rb[160];
                describe_range(&modules[a], ra, sizeof ra);
                describe_range(&modules[b], rb, sizeof rb);
                return sim_fail(err, "%s overlaps %s", ra, rb);
            }
        }
    }

    for (size_t m = 0; m < count; m++) {
        const module_file *f = &modules[m];
        const module_info *info = &f->mod.info;
        char name[48];
        module_name(info->function, info->index, name, sizeof name);
        const flash_slot *slot = slot_for_module(info);
        if (!slot)
            return sim_fail(err, "%s: %s: module_function %u index %u has no place in Photon "
                            "flash (modular firmware: bootloader, system parts 1-2, user part 1)",
                            f->path, name, info->function, info->index);
        if (info->start_address != slot->start_address)
            return sim_fail(err, "%s: %s: module_start_address is 0x%08X, but the Photon keeps "
                            "the %s at 0x%08X", f->path, name, info->start_address, slot->name,
                            slot->start_address);
        uint32_t total = f->mod.image_length + MODULE_CRC_SIZE;
        if (total > slot->max_size)
            return sim_fail(err, "%s: %s: %u bytes (module_end_address 0x%08X + CRC) exceed the "
                            "%u-byte %s slot", f->path, name, total, info->end_address,
                            slot->max_size, slot->name);
    }

    for (size_t m = 0; m < count; m++) {
        const module *mod = &modules[m].mod;
        uint32_t start = mod->info.start_address;
        uint32_t last = mod->info.end_address + MODULE_CRC_SIZE - 1;
        /* Like DFU: erase every sector the module touches, then program it. */
        for (int s = flash_sector_of(start); s >= 0 && s <= flash_sector_of(last); s++)
            memset(flash + (flash_sectors[s].address - FLASH_BASE_ADDRESS), FLASH_ERASED,
                   flash_sectors[s].size);
        memcpy(flash + (start - FLASH_BASE_ADDRESS), mod->image,
               mod->image_length + MODULE_CRC_SIZE);
    }
    return 0;
}

static bool all_erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != FLASH_ERASED)
            return false;
    return true;
}

static void list_slot(const uint8_t *flash, const flash_slot *slot, flash_listing *out)
{
    memset(out, 0, sizeof *out);
    out->slot = slot;
    const uint8_t *base = flash + (slot->location - FLASH_BASE_ADDRESS);
    uint32_t hdr = module_header_offset(base, slot->max_size);
    module *mod = &out->mod;
    module_info *info = &mod->info;

    if (all_erased(base, 4) && all_erased(base + hdr, MODULE_INFO_SIZE)) {
        out->empty = true;
        return;
    }
    module_info_decode(base + hdr, info);
    mod->header_offset = hdr;
    mod->image = base;

    if (info->platform_id != PHOTON_PLATFORM_ID) {
        snprintf(out->problem, sizeof out->problem,
                 "no module header at 0x%08X (platform_id reads %u)", slot->location + hdr,
                 info->platform_id);
        return;
    }
    if (info->function != slot->function || info->index != slot->index) {
        char name[48];
        snprintf(out->problem, sizeof out->problem, "holds a %s header, expected the %s",
                 module_name(info->function, info->index, name, sizeof name), slot->name);
        return;
    }
    if (info->start_address != slot->start_address || info->end_address <= info->start_address ||
        info->end_address - info->start_address + MODULE_CRC_SIZE > slot->max_size) {
        snprintf(out->problem, sizeof out->problem,
                 "header range 0x%08X..0x%08X does not fit the slot at 0x%08X",
                 info->start_address, info->end_address, slot->location);
        return;
    }
    out->present = true;
    mod->image_length = info->end_address - info->start_address;
    mod->stored_crc = get_be32(base + mod->image_length);
    mod->computed_crc = module_crc32(base, mod->image_length);
    out->crc_ok = mod->stored_crc == mod->computed_crc;
    if (!out->crc_ok)
        snprintf(out->problem, sizeof out->problem, "CRC-32 mismatch: stored 0x%08X, computed 0x%08X",
                 mod->stored_crc, mod->computed_crc);
}

void flash_image_list(const uint8_t *flash, flash_listing out[FLASH_SLOT_COUNT])
{
    for (int i = 0; i < FLASH_SLOT_COUNT; i++)
        list_slot(flash, &flash_slots[i], &out[i]);
}

static const flash_listing *find_listed(const flash_listing *list, uint8_t function, uint8_t index)
{
    for (int i = 0; i < FLASH_SLOT_COUNT; i++) {
        if (i == FLASH_SLOT_FACTORY)
            continue;
        if (list[i].present && list[i].mod.info.function == function &&
            list[i].mod.info.index == index)
            return &list[i];
    }
    return NULL;
}

static size_t add_problem(char problems[][256], size_t max, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static size_t add_problem(char problems[][256], size_t max, size_t n, const char *fmt, ...)
{
    if (n < max) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(problems[n], 256, fmt, ap);
        va_end(ap);
    }
    return n + 1;
}

size_t flash_image_check_dependencies(const uint8_t *flash, char problems[][256], size_t max)
{
    flash_listing list[FLASH_SLOT_COUNT];
    flash_image_list(flash, list);
    size_t n = 0;

    for (int i = 0; i < FLASH_SLOT_COUNT; i++) {
        if (i == FLASH_SLOT_FACTORY)
            continue;
        const flash_listing *l = &list[i];
        if (!l->present)
            continue;
        if (!l->crc_ok)
            n = add_problem(problems, max, n, "%s: %s", l->slot->name, l->problem);

        const module_dependency *deps[2] = {&l->mod.info.dependency, &l->mod.info.dependency2};
        static const char *const field[2] = {"dependency", "dependency2"};
        for (int d = 0; d < 2; d++) {
            const module_dependency *dep = deps[d];
            if (dep->function == MODULE_FUNCTION_NONE)
                continue;
            char want[64], name[48];
            module_dependency_describe(dep, want, sizeof want);
            module_name(dep->function, dep->index, name, sizeof name);
            const flash_listing *target = find_listed(list, dep->function, dep->index);
            if (!target)
                n = add_problem(problems, max, n, "%s v%u: %s needs %s, but the image has no %s",
                                l->slot->name, l->mod.info.version, field[d], want, name);
            else if (!target->crc_ok)
                n = add_problem(problems, max, n, "%s v%u: %s needs %s, but its CRC is bad",
                                l->slot->name, l->mod.info.version, field[d], want);
            else if (target->mod.info.version < dep->version)
                n = add_problem(problems, max, n, "%s v%u: %s needs %s, but the image has v%u",
                                l->slot->name, l->mod.info.version, field[d], want,
                                target->mod.info.version);
        }
    }
    return n;
}
