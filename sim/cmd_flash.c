/* photon-sim flash: build or update a 1 MiB flash image from module files. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fixtures.h"
#include "flash_image.h"

static const char synopsis[] =
    "  photon-sim flash [--image FILE] [--firmware 2.2.0|1.5.0|0.5.2|DIR]\n"
    "                   [--app tinker|doctor|FILE.bin] [--force] [MODULE.bin...]\n"
    "  photon-sim flash --list IMAGE\n"
    "\n"
    "  --image FILE     image to create or update (default photon-flash.bin)\n"
    "  --firmware X     bootloader + system parts from the fixtures of Device OS X,\n"
    "                   or from a folder with bootloader.bin, system-part1.bin, system-part2.bin\n"
    "  --app X          user part: tinker, doctor (fixtures) or a file\n"
    "  --force          write the image even if module dependencies are not met\n"
    "  --list IMAGE     print the modules found in IMAGE\n";

#define DEFAULT_IMAGE "photon-flash.bin"
#define MAX_MODULES 16
#define MAX_PROBLEMS 16

static void print_listing(const char *image, const uint8_t *flash)
{
    flash_listing list[FLASH_SLOT_COUNT];
    flash_image_list(flash, list);
    printf("%s:\n", image);
    printf("  %-18s %-9s %-8s %-24s %s\n", "slot", "fn/index", "version", "range", "CRC");
    for (int i = 0; i < FLASH_SLOT_COUNT; i++) {
        const flash_listing *l = &list[i];
        if (l->empty) {
            printf("  %-18s %s\n", l->slot->name, "empty");
        } else if (!l->present) {
            printf("  %-18s unusable: %s\n", l->slot->name, l->problem);
        } else {
            const module_info *m = &l->mod.info;
            char fn[16], range[32], crc[48];
            snprintf(fn, sizeof fn, "%u/%u", m->function, m->index);
            snprintf(range, sizeof range, "0x%08X..0x%08X", l->slot->location,
                     l->slot->location + (m->end_address - m->start_address) + MODULE_CRC_SIZE);
            if (l->crc_ok)
                snprintf(crc, sizeof crc, "ok (0x%08X)", l->mod.stored_crc);
            else
                snprintf(crc, sizeof crc, "BAD (stored 0x%08X, computed 0x%08X)",
                         l->mod.stored_crc, l->mod.computed_crc);
            printf("  %-18s %-9s %-8u %-24s %s\n", l->slot->name, fn, m->version, range, crc);
        }
    }
    char problems[MAX_PROBLEMS][256];
    size_t n = flash_image_check_dependencies(flash, problems, MAX_PROBLEMS);
    if (n == 0) {
        printf("  dependencies: ok\n");
    } else {
        for (size_t i = 0; i < n && i < MAX_PROBLEMS; i++)
            printf("  dependency problem: %s\n", problems[i]);
    }
}

static int list_image(const char *path)
{
    sim_error err;
    uint8_t *flash;
    if (flash_image_load(path, &flash, &err) != 0)
        return sim_report(&err);
    print_listing(path, flash);
    free(flash);
    return SIM_EXIT_OK;
}

/* A part 2 older than 0.6 (module version < 100) runs the 0.5.2 Tinker. */
static bool wants_legacy_tinker(const module_file *loaded, size_t count, const uint8_t *flash)
{
    for (size_t i = 0; i < count; i++) {
        const module_info *m = &loaded[i].mod.info;
        if (m->function == MODULE_FUNCTION_SYSTEM_PART && m->index == 2)
            return m->version < 100;
    }
    flash_listing list[FLASH_SLOT_COUNT];
    flash_image_list(flash, list);
    const flash_listing *p2 = &list[FLASH_SLOT_SYSTEM_PART2];
    return p2->present && p2->mod.info.version < 100;
}

int cmd_flash(int argc, char **argv)
{
    const char *image = DEFAULT_IMAGE, *firmware = NULL, *app = NULL, *list = NULL;
    const char *files[MAX_MODULES];
    size_t file_count = 0;
    bool force = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage:\n%s", synopsis);
            return SIM_EXIT_OK;
        } else if (!strcmp(a, "--image") || !strcmp(a, "--firmware") || !strcmp(a, "--app") ||
                   !strcmp(a, "--list")) {
            if (!has_value)
                return sim_usage("flash", synopsis, "%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--image"))
                image = v;
            else if (!strcmp(a, "--firmware"))
                firmware = v;
            else if (!strcmp(a, "--app"))
                app = v;
            else
                list = v;
        } else if (!strcmp(a, "--force")) {
            force = true;
        } else if (a[0] == '-' && a[1] != 0) {
            return sim_usage("flash", synopsis, "unknown option %s", a);
        } else {
            if (file_count == MAX_MODULES)
                return sim_usage("flash", synopsis, "more than %d module files", MAX_MODULES);
            files[file_count++] = a;
        }
    }

    if (list) {
        if (firmware || app || file_count || force)
            return sim_usage("flash", synopsis, "--list takes only an image");
        return list_image(list);
    }
    if (!firmware && !app && file_count == 0)
        return sim_usage("flash", synopsis, "nothing to flash: give --firmware, --app or "
                         "module files");

    sim_error err;
    uint8_t *flash = NULL;
    bool created = false;
    module_file loaded[MAX_MODULES + 4];
    size_t loaded_count = 0;
    int status = SIM_EXIT_FAILED;

    if (flash_image_open_or_create(image, &flash, &created, &err) != 0)
        goto report;

    firmware_files fw;
    if (firmware) {
        if (fixtures_resolve_firmware(firmware, &fw, &err) != 0)
            goto report;
        const char *parts[3] = {fw.bootloader, fw.system_part1, fw.system_part2};
        for (int p = 0; p < 3; p++)
            if (module_file_load(parts[p], &loaded[loaded_count], &err) != 0)
                goto report;
            else
                loaded_count++;
    }
    for (size_t f = 0; f < file_count; f++) {
        if (module_file_load(files[f], &loaded[loaded_count], &err) != 0)
            goto report;
        loaded_count++;
    }
    if (app) {
        char path[PATH_MAX];
        bool legacy = firmware ? fw.legacy_tinker : wants_legacy_tinker(loaded, loaded_count, flash);
        if (fixtures_resolve_app(app, legacy, path, sizeof path, &err) != 0 ||
            module_file_load(path, &loaded[loaded_count], &err) != 0)
            goto report;
        loaded_count++;
    }

    if (flash_image_place(flash, loaded, loaded_count, &err) != 0)
        goto report;

    char problems[MAX_PROBLEMS][256];
    size_t problem_count = flash_image_check_dependencies(flash, problems, MAX_PROBLEMS);
    for (size_t i = 0; i < problem_count && i < MAX_PROBLEMS; i++)
        fprintf(stderr, "photon-sim: %s: %s\n", force ? "warning" : "error", problems[i]);
    if (problem_count && !force) {
        fprintf(stderr, "photon-sim: error: %s: module dependencies not met, image not written "
                "(--force writes it anyway)\n", image);
        goto done;
    }

    if (flash_image_save(image, flash, &err) != 0)
        goto report;
    for (size_t i = 0; i < loaded_count; i++) {
        const module_info *m = &loaded[i].mod.info;
        char name[48];
        printf("%s: %s v%u at 0x%08X (%u bytes)\n", loaded[i].path,
               module_name(m->function, m->index, name, sizeof name), m->version,
               m->start_address, loaded[i].mod.image_length + MODULE_CRC_SIZE);
    }
    printf("%s: %s\n", image, created ? "created" : "updated");
    status = SIM_EXIT_OK;
    goto done;

report:
    sim_report(&err);
done:
    for (size_t i = 0; i < loaded_count; i++)
        module_file_free(&loaded[i]);
    free(flash);
    return status;
}
