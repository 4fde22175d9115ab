#include "fixtures.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fixtures_dir(char *out, size_t size, sim_error *err)
{
    const char *env = getenv("PHOTON_SIM_FIXTURES");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return 0;
    }
    const char *home = getenv("HOME");
    if (!home || !*home)
        return sim_fail(err, "cannot locate the firmware fixtures: neither PHOTON_SIM_FIXTURES "
                        "nor HOME is set");
    snprintf(out, size, "%s/.cache/photon-sim/firmware", home);
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A file of the fixtures (fetched by setup) or the user's own. */
static int need_file(const char *path, const char *what, bool fixture, sim_error *err)
{
    if (access(path, R_OK) == 0)
        return 0;
    return sim_fail(err, "%s: %s is missing (%s)%s", path, what, strerror(errno),
                    fixture ? "; scripts/fetch-fixtures.sh fetches the firmware fixtures, "
                              "PHOTON_SIM_FIXTURES points elsewhere" : "");
}

static int join(char *out, const char *dir, const char *name, sim_error *err)
{
    if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        return sim_fail(err, "%s/%s: path too long", dir, name);
    return 0;
}

int fixtures_resolve_firmware(const char *spec, firmware_files *out, sim_error *err)
{
    static const char *const versions[] = {"2.2.0", "1.5.0", "0.5.2"};
    memset(out, 0, sizeof *out);
    char root[PATH_MAX], dir[PATH_MAX];
    bool known = false;
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        known |= strcmp(spec, versions[i]) == 0;

    if (known) {
        if (fixtures_dir(root, sizeof root, err) != 0 || join(dir, root, spec, err) != 0)
            return -1;
        if (!is_dir(dir))
            return sim_fail(err, "%s: no Device OS %s fixtures here; scripts/fetch-fixtures.sh "
                            "fetches them, PHOTON_SIM_FIXTURES points elsewhere", dir, spec);
        /* Each version has its own bootloader: 0.5.2's (v7) is extracted from its
         * system part 2 by scripts/fetch-fixtures.sh, because 0.5.x keeps system
         * flags in the DCT and only that bootloader initialises them. */
        if (join(out->bootloader, dir, "bootloader.bin", err) != 0)
            return -1;
        out->legacy_tinker = strcmp(spec, "0.5.2") == 0;
    } else if (is_dir(spec)) {
        snprintf(dir, sizeof dir, "%s", spec);
        if (join(out->bootloader, dir, "bootloader.bin", err) != 0)
            return -1;
    } else {
        return sim_fail(err, "--firmware %s: neither a Device OS version with fixtures "
                        "(2.2.0, 1.5.0, 0.5.2) nor a folder", spec);
    }
    if (join(out->system_part1, dir, "system-part1.bin", err) != 0 ||
        join(out->system_part2, dir, "system-part2.bin", err) != 0)
        return -1;
    if (need_file(out->bootloader, "the bootloader", true, err) ||
        need_file(out->system_part1, "system part 1", true, err) ||
        need_file(out->system_part2, "system part 2", true, err))
        return -1;
    return 0;
}

int fixtures_resolve_app(const char *spec, bool legacy_tinker, char *out, size_t size,
                         sim_error *err)
{
    const char *name = NULL;
    if (strcmp(spec, "tinker") == 0)
        name = legacy_tinker ? "apps/tinker-0.5.2.bin" : "apps/tinker.bin";
    else if (strcmp(spec, "doctor") == 0)
        name = "apps/doctor.bin";
    if (!name) {
        snprintf(out, size, "%s", spec);
        return need_file(out, "the application", false, err);
    }
    char root[PATH_MAX];
    if (fixtures_dir(root, sizeof root, err) != 0)
        return -1;
    if ((size_t)snprintf(out, size, "%s/%s", root, name) >= size)
        return sim_fail(err, "%s/%s: path too long", root, name);
    return need_file(out, spec, true, err);
}

int fixtures_resolve_app_in(const char *spec, const char *directory, bool legacy_tinker,
                            char *out, size_t size, sim_error *err)
{
    if (strcmp(spec, "tinker") == 0 || strcmp(spec, "doctor") == 0 || spec[0] == '/')
        return fixtures_resolve_app(spec, legacy_tinker, out, size, err);
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", directory, spec) >= sizeof path)
        return sim_fail(err, "%s/%s: path too long", directory, spec);
    return fixtures_resolve_app(path, legacy_tinker, out, size, err);
}
