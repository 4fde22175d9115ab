/* photon-sim run: compose the flash image and run the Photon machine on the
 * virtual clock until a virtual time, leaving a report folder behind. */
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "dct.h"
#include "flash_image.h"
#include "key_recipes.h"
#include "run_summary.h"
#include "run_scenarios.h"
#include "run_support.h"
#include "sim_util.h"

/* The scenario `photon-sim run` runs without arguments (the README's main command). */
#ifndef DEFAULT_SCENARIO
#define DEFAULT_SCENARIO "scenarios/healthy.yaml"
#endif

static const char synopsis[] =
    "  photon-sim run [SCENARIO.yaml...] [-j N] [--junit FILE] [--report DIR] [--strict]\n"
    "                 [--gui] [--cpu-mhz MHZ] [--check] [--usb-serial X] [SPEED]\n"
    "  photon-sim run [--firmware 2.2.0|1.5.0|0.5.2|DIR] [--app tinker|doctor|FILE.bin]\n"
    "                 [--flash IMAGE] [--until SECONDS] [--report DIR] [--seed N]\n"
    "                 [--uid HEX24] [--wifi SSID:PASSPHRASE] [--strict] [--gui]\n"
    "                 [--screenshot T:FILE.png]... [--cpu-mhz MHZ] [--pcap FILE]\n"
    "                 [--cloud DIR] [--usb-serial pty|stdio|socket:PATH|tcp:PORT]\n"
    "                 [--no-usb] [SPEED]\n"
    "  SPEED: [--profile] [--no-idle-skip] [--no-fast-io]\n"
    "\n"
    "  SCENARIO.yaml  run scenario files (see sim/scenario/FORMAT.md): each prepares its\n"
    "                 own flash and cloud in REPORT/<file name>/, prints a line per\n"
    "                 expectation as it is met or missed, and leaves its report there.\n"
    "                 Without any argument, photon-sim run runs the default scenario\n"
    "                 (" DEFAULT_SCENARIO ").\n"
    "  -j N           run N scenarios at once (default 1)\n"
    "  --junit FILE   write the scenarios' results as JUnit XML\n"
    "  --check        only check the scenario files (errors and warnings), run nothing\n"
    "\n"
    "  --firmware X   put Device OS X (bootloader, system parts) into the image\n"
    "  --app X        put this user part into the image (tinker, doctor or a file)\n"
    "  --flash IMAGE  the device's flash; it persists across runs (default photon-flash.bin;\n"
    "                 created with 2.2.0 + tinker and a blank DCT if missing)\n"
    "  --until S      stop after S seconds of virtual time (default 30)\n"
    "  --report DIR   report folder (default photon-report): led.jsonl, summary.json,\n"
    "                 serial.log (USB Serial), serial1.log (USART1), usb.log (the PC's\n"
    "                 USB messages)\n"
    "  --seed N       seed of the hardware RNG (device key, TLS); same seed, same run\n"
    "  --uid HEX24    the STM32 unique ID, i.e. the Particle device ID\n"
    "  --wifi S:P     store these Wi-Fi credentials in the DCT and put a matching WPA2\n"
    "                 access point on the air (S alone: an open network)\n"
    "  --strict       stop at the first register access the simulator does not model\n"
    "  --pcap FILE    capture every frame to and from the device (Wireshark opens it)\n"
    "  --cloud DIR    the simulated cloud's server key and device registry (default\n"
    "                 photon-cloud). A device whose DCT has no server key gets this\n"
    "                 cloud's key and address (device.spark.io:5683), as `photon-sim keys\n"
    "                 server` would write them; other keys are left as they are.\n"
    "  --cpu-mhz MHZ  apparent CPU speed in virtual time (default 125: 8 ns per\n"
    "                 instruction, the Photon's 120 MHz). Lower runs faster: timers, LED\n"
    "                 patterns and the network keep their timing, the firmware's own\n"
    "                 computation (key generation, the handshake's RSA) takes longer.\n"
    "                 Rounded to 1000 / 2^k MHz.\n"
    "  --usb-serial X a terminal on the firmware's USB Serial besides serial.log: pty\n"
    "                 (for screen, particle serial monitor), stdio, socket:PATH or\n"
    "                 tcp:PORT (a listening socket)\n"
    "  --no-usb       no USB cable: the Photon runs from a charger\n"
    "  --gui          show the board in a window (click or press s/r for SETUP/RESET),\n"
    "                 paced to real time\n"
    "  --screenshot T:FILE.png  save the board's picture at virtual time T (repeatable;\n"
    "                 works headless)\n"
    "  --profile      where the wall time went, per LED phase: instructions run, I/O\n"
    "                 that ended translation blocks, clock reads, idle time skipped\n"
    "                 (profile.jsonl in the report, printed after the run)\n"
    "  --no-idle-skip run loops that only wait for the next timer instruction by\n"
    "                 instruction instead of skipping to the timer (same results, slower)\n"
    "  --no-fast-io   end a translation block at every device access, as QEMU does\n"
    "                 (clock reads, CRC words, flash status; same results, slower)\n"
    "\n"
    "  exit status: 0 run completed (every scenario passed), 1 run failed (or a\n"
    "  scenario did), 2 usage or an invalid scenario file, 3 stopped by --strict\n";

enum { RUN_EXIT_STRICT = 3 };

static int compose_flash(const char *image, const char *firmware, const char *app)
{
    char *argv[8];
    int argc = 0;

    argv[argc++] = "flash";
    argv[argc++] = "--image";
    argv[argc++] = (char *)image;
    if (firmware) {
        argv[argc++] = "--firmware";
        argv[argc++] = (char *)firmware;
    }
    if (app) {
        argv[argc++] = "--app";
        argv[argc++] = (char *)app;
    }
    argv[argc] = NULL;
    return cmd_flash(argc, argv);
}

static int store_wifi_credentials(const char *image, const char *spec)
{
    char ssid[64];
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

    if (len == 0 || len > 32) {
        fprintf(stderr, "photon-sim: error: --wifi %s: the SSID must be 1 to 32 characters\n",
                spec);
        return SIM_EXIT_USAGE;
    }
    memcpy(ssid, spec, len);
    ssid[len] = 0;
    char *argv[] = {"dct", (char *)image, "wifi", colon ? ssid : "--open",
                    colon ? (char *)colon + 1 : ssid, NULL};
    return cmd_dct(5, argv);
}

/*
 * The simulated cloud's server key exists in cloud_dir (created on first use),
 * and a device with a blank DCT server key gets it, with the cloud's address.
 */
static int provision_cloud(const char *image, const char *cloud_dir)
{
    uint8_t spki[SERVER_KEY_SPKI_SIZE], *flash, first;
    key_recipe_result result;
    bool created = false;
    sim_error err;

    fflush(stdout);
    if (key_recipe_cloud_server_key(cloud_dir, true, spki, &created, &err) != 0)
        return sim_report(&err);
    if (created)
        fprintf(stderr, "photon-sim: created the simulated cloud's server key in %s\n", cloud_dir);

    if (flash_image_load(image, &flash, &err) != 0)
        return sim_report(&err);
    /* A blank DCT reads as erased: provisioning it is what the factory does. */
    dct_read_app(flash + DCT_AREA_FLASH_OFFSET, DCT_APP_SERVER_PUBLIC_KEY, &first, 1);
    if (first != 0xFF) {
        free(flash);
        return SIM_EXIT_OK;     /* a server key is set: leave it as the user made it */
    }
    int status = key_recipe_server(flash, spki, SERVER_DEFAULT_DOMAIN, SERVER_DEFAULT_PORT,
                                   &result, &err) == 0 &&
                 flash_image_save(image, flash, &err) == 0 ? SIM_EXIT_OK : sim_report(&err);
    free(flash);
    if (status == SIM_EXIT_OK)
        printf("%s: the cloud's server key + address %s:%u written to DCT%d\n", image,
               SERVER_DEFAULT_DOMAIN, SERVER_DEFAULT_PORT, result.dct.to_copy + 1);
    return status;
}

static bool is_scenario_file(const char *arg)
{
    size_t n = strlen(arg);
    return (n > 5 && !strcmp(arg + n - 5, ".yaml")) || (n > 4 && !strcmp(arg + n - 4, ".yml"));
}

/* The icount shift for an apparent CPU speed: each instruction takes 2^shift ns. */
static int parse_cpu_mhz(const char *text, int *shift)
{
    char *end;
    double mhz = strtod(text, &end);
    if (*end || mhz < 1 || mhz > 1000)
        return -1;
    *shift = (int)lround(log2(1000.0 / mhz));
    return 0;
}

/* photon-sim run FILE.yaml...: only the options that make sense for a library. */
static int run_scenario_files(int argc, char **argv)
{
    scenario_options o = { .report = "photon-report", .jobs = 1, .icount_shift = 3 };
    const char **files = calloc(argc + 1, sizeof *files);
    size_t count = 0;
    int status;
    char usb_chardev[PATH_MAX + 96];

    if (!files)
        return SIM_EXIT_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        unsigned long long jobs;
        if (is_scenario_file(a)) {
            files[count++] = a;
        } else if (parse_speed_option(a, &o.speed)) {
            continue;
        } else if (!strcmp(a, "--strict")) {
            o.strict = true;
        } else if (!strcmp(a, "--check")) {
            o.check_only = true;
        } else if (!strcmp(a, "--gui")) {
            o.gui = true;
        } else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_value) {
            if (!util_parse_unsigned(argv[++i], 64, &jobs) || jobs == 0) {
                free(files);
                return sim_usage("run", synopsis, "-j %s: expected 1 to 64", argv[i]);
            }
            o.jobs = (unsigned)jobs;
        } else if (!strcmp(a, "--junit") && has_value) {
            o.junit = argv[++i];
        } else if (!strcmp(a, "--report") && has_value) {
            o.report = argv[++i];
        } else if (!strcmp(a, "--usb-serial") && has_value) {
            if (usb_serial_chardev(argv[++i], usb_chardev, sizeof usb_chardev) != 0) {
                free(files);
                return sim_usage("run", synopsis, "--usb-serial %s: expected " USB_SERIAL_SPECS,
                                 argv[i]);
            }
            o.usb_serial_chardev = usb_chardev;
        } else if (!strcmp(a, "--cpu-mhz") && has_value) {
            if (parse_cpu_mhz(argv[++i], &o.icount_shift) != 0) {
                free(files);
                return sim_usage("run", synopsis, "--cpu-mhz %s: expected 1 to 1000", argv[i]);
            }
        } else {
            free(files);
            return sim_usage("run", synopsis, "%s: with scenario files, the files describe "
                             "the device and its world; give only -j, --junit, --report, "
                             "--strict, --gui, --usb-serial, --cpu-mhz and the speed "
                             "options", a);
        }
    }
    if (o.usb_serial_chardev && (count > 1 || o.jobs > 1)) {
        free(files);
        return sim_usage("run", synopsis, "--usb-serial: one terminal, so one scenario at a time");
    }
    if (o.gui && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        fprintf(stderr, "photon-sim: --gui: no display (DISPLAY is not set); running headless\n");
        o.gui = false;
    }
    if (o.gui)
        o.jobs = 1; /* one window at a time, paced to real time */
    status = run_scenarios(files, count, &o);
    free(files);
    return status;
}

int cmd_run(int argc, char **argv)
{
    if (argc == 1) {
        char *default_argv[] = {argv[0], DEFAULT_SCENARIO, NULL};
        return run_scenario_files(2, default_argv);
    }
    for (int i = 1; i < argc; i++)
        if (is_scenario_file(argv[i]))
            return run_scenario_files(argc, argv);

    const char *firmware = NULL, *app = NULL, *image = "photon-flash.bin";
    const char *until = "30", *report = "photon-report", *seed = "0", *uid = NULL;
    const char *wifi = NULL, *cpu_mhz = "125", *pcap = NULL, *cloud = "photon-cloud";
    const char *usb_serial = NULL;
    bool strict = false, gui = false, usb_cable = true;
    speed_options speed = {0};
    char screenshots[2048] = "";
    char qemu[PATH_MAX], machine[4 * PATH_MAX], serial[PATH_MAX + 16], summary[PATH_MAX];
    struct stat st;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **value = NULL;

        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage:\n%s", synopsis);
            return SIM_EXIT_OK;
        } else if (!strcmp(a, "--strict")) {
            strict = true;
            continue;
        } else if (!strcmp(a, "--gui")) {
            gui = true;
            continue;
        } else if (!strcmp(a, "--no-usb")) {
            usb_cable = false;
            continue;
        } else if (parse_speed_option(a, &speed)) {
            continue;
        } else if (!strcmp(a, "--screenshot")) {
            if (i + 1 >= argc || !strchr(argv[i + 1], ':'))
                return sim_usage("run", synopsis, "--screenshot needs T:FILE.png");
            size_t len = strlen(screenshots);
            snprintf(screenshots + len, sizeof screenshots - len, "%s%s", len ? ";" : "",
                     argv[++i]);
            continue;
        } else if (!strcmp(a, "--firmware")) {
            value = &firmware;
        } else if (!strcmp(a, "--app")) {
            value = &app;
        } else if (!strcmp(a, "--flash")) {
            value = &image;
        } else if (!strcmp(a, "--until")) {
            value = &until;
        } else if (!strcmp(a, "--report")) {
            value = &report;
        } else if (!strcmp(a, "--seed")) {
            value = &seed;
        } else if (!strcmp(a, "--uid")) {
            value = &uid;
        } else if (!strcmp(a, "--wifi")) {
            value = &wifi;
        } else if (!strcmp(a, "--cpu-mhz")) {
            value = &cpu_mhz;
        } else if (!strcmp(a, "--pcap")) {
            value = &pcap;
        } else if (!strcmp(a, "--cloud")) {
            value = &cloud;
        } else if (!strcmp(a, "--usb-serial")) {
            value = &usb_serial;
        } else {
            return sim_usage("run", synopsis, "unknown argument %s", a);
        }
        if (i + 1 >= argc)
            return sim_usage("run", synopsis, "%s needs a value", a);
        *value = argv[++i];
    }
    char *end;
    double until_s = strtod(until, &end);
    int shift;
    if (*end || until_s <= 0)
        return sim_usage("run", synopsis, "--until %s: expected a positive number of seconds",
                         until);
    if (parse_cpu_mhz(cpu_mhz, &shift) != 0)
        return sim_usage("run", synopsis, "--cpu-mhz %s: expected 1 to 1000", cpu_mhz);
    char icount[64], usb_chardev[PATH_MAX + 96] = "";
    if (usb_serial && usb_serial_chardev(usb_serial, usb_chardev, sizeof usb_chardev) != 0)
        return sim_usage("run", synopsis, "--usb-serial %s: expected " USB_SERIAL_SPECS,
                         usb_serial);
    strtoull(seed, &end, 0);
    if (*end || !*seed)
        return sim_usage("run", synopsis, "--seed %s: expected a number", seed);

    if (find_tool("PHOTON_SIM_QEMU", "../qemu-system-arm", qemu, sizeof qemu) != 0) {
        fprintf(stderr, "photon-sim: error: cannot find qemu-system-arm with the photon machine "
                "(%s); build it with scripts/setup.sh or set PHOTON_SIM_QEMU\n", qemu);
        return SIM_EXIT_FAILED;
    }
    if (stat(image, &st) != 0 && !firmware && !app) {
        firmware = "2.2.0";     /* a new device: current Device OS and Tinker */
        app = "tinker";
    }
    if ((firmware || app) && compose_flash(image, firmware, app) != SIM_EXIT_OK)
        return SIM_EXIT_FAILED;
    if (wifi) {
        int status = store_wifi_credentials(image, wifi);
        if (status != SIM_EXIT_OK)
            return status;
    }
    if (provision_cloud(image, cloud) != SIM_EXIT_OK)
        return SIM_EXIT_FAILED;

    if (make_directories(report) != 0) {
        fprintf(stderr, "photon-sim: error: cannot create report folder %s: %s\n", report,
                strerror(errno));
        return SIM_EXIT_FAILED;
    }
    snprintf(summary, sizeof summary, "%s/summary.json", report);
    unlink(summary);    /* a report's summary is complete or absent */
    snprintf(machine, sizeof machine, "photon");
    append_option(machine, sizeof machine, "flash", image);
    append_option(machine, sizeof machine, "report-dir", report);
    append_option(machine, sizeof machine, "until", until);
    append_option(machine, sizeof machine, "seed", seed);
    if (uid)
        append_option(machine, sizeof machine, "uid", uid);
    if (wifi)
        append_option(machine, sizeof machine, "wifi", wifi);
    if (pcap)
        append_option(machine, sizeof machine, "pcap", pcap);
    append_option(machine, sizeof machine, "cloud-dir", cloud);
    if (strict)
        append_option(machine, sizeof machine, "strict", "on");
    if (screenshots[0])
        append_option(machine, sizeof machine, "screenshot", screenshots);
    if (!usb_cable)
        append_option(machine, sizeof machine, "usb-cable", "off");
    append_speed_options(machine, sizeof machine, &speed);
    if (usb_chardev[0])
        append_option(machine, sizeof machine, "usb-serial", USB_SERIAL_CHARDEV_ID);
    if (gui && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        fprintf(stderr, "photon-sim: --gui: no display (DISPLAY is not set); running headless\n");
        gui = false;
    }
    snprintf(serial, sizeof serial, "file:%s/serial1.log", report);
    /* The control channel photon-sim cloud talks to. */
    char control_path[PATH_MAX], control[PATH_MAX + 64];
    snprintf(control_path, sizeof control_path, "%s/control.sock", report);
    unlink(control_path);
    snprintf(control, sizeof control, "socket,id=photon-control,path=%s,server=on,wait=off",
             control_path);
    append_option(machine, sizeof machine, "control", "photon-control");
    /* A window runs at the Photon's real speed: align virtual time with the host's. */
    /* Headless: sleep=off skips guest idle time instead of waiting it out in real
     * time, which keeps runs reproducible; a window paces to the host clock. */
    snprintf(icount, sizeof icount, "shift=%d,%s", shift, gui ? "align=on" : "sleep=off");
    char *qemu_argv[] = {
        qemu, "-M", machine, "-icount", icount,
        "-display", gui ? "sdl" : "none", "-monitor", "none", "-serial", serial,
        "-chardev", control, "-nodefaults", NULL, NULL, NULL,
    };
    if (usb_chardev[0]) {
        size_t argc_used = sizeof qemu_argv / sizeof qemu_argv[0] - 3;
        qemu_argv[argc_used] = "-chardev";
        qemu_argv[argc_used + 1] = usb_chardev;
    }
    fprintf(stderr, "photon-sim: running %s for %s virtual seconds (report: %s)\n", image,
            until, report);
    int status = run_program(qemu_argv);
    unlink(control_path);

    run_summary s;
    if (run_summary_load(summary, &s) != 0) {
        fprintf(stderr, "photon-sim: error: the simulator stopped without a summary "
                "(status %d); the report in %s is incomplete\n", status, report);
        return SIM_EXIT_FAILED;
    }
    run_summary_print(&s, stderr);
    if (speed.profile) {
        char profile[PATH_MAX + 16];
        snprintf(profile, sizeof profile, "%s/profile.jsonl", report);
        run_profile_print(profile, stderr);
    }
    draw_timeline(report);
    if (s.strict_failure)
        return RUN_EXIT_STRICT;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return SIM_EXIT_FAILED;
    return SIM_EXIT_OK;
}
