/* photon-sim keys: particle-cli's key recipes (keys server, new, load, save,
 * send, doctor) on a flash image and the simulated cloud's directory. The
 * recipes live in key_recipes.c; this file parses, loads and saves the image
 * (atomically) and prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "dct.h"
#include "flash_image.h"
#include "key_recipes.h"
#include "keys.h"
#include "sim_util.h"

static const char synopsis[] =
    "  photon-sim keys server IMAGE [--cloud DIR] [--host NAME | --ip A.B.C.D] [--port N]\n"
    "  photon-sim keys new IMAGE [--seed SEED]\n"
    "  photon-sim keys load IMAGE FILE\n"
    "  photon-sim keys save IMAGE FILE\n"
    "  photon-sim keys send IMAGE [--cloud DIR] [--uid HEX24]\n"
    "  photon-sim keys doctor IMAGE [--cloud DIR] [--uid HEX24] [--seed SEED]\n"
    "  photon-sim keys show IMAGE [--cloud DIR] [--uid HEX24]\n"
    "\n"
    "  'photon-sim keys SUBCOMMAND --help' describes one.\n";

static const char cloud_help[] =
    "  --cloud DIR    the simulated cloud's directory: server key and device registry\n"
    "                 (default photon-cloud, as for photon-sim run)\n";
static const char uid_help[] =
    "  --uid HEX24    the device ID (STM32 UID), as given to photon-sim run --uid\n"
    "                 (--id is the same); default: the DCT's device_id cache, which the\n"
    "                 firmware fills at its first boot, else photon-sim run's default\n"
    "                 " KEY_RECIPE_DEFAULT_UID "\n";
static const char seed_help[] =
    "  --seed SEED    the same seed gives the same key (photon-sim dct keygen too);\n"
    "                 default: a random seed, printed so the key can be made again\n";

enum {
    OPT_CLOUD = 1 << 0,
    OPT_HOST = 1 << 1, /* --host and --ip */
    OPT_PORT = 1 << 2,
    OPT_SEED = 1 << 3,
    OPT_UID = 1 << 4,  /* --uid and --id */
};

typedef struct keys_args {
    const char *image, *file;
    const char *cloud, *host, *ip, *seed;
    long port;
    bool has_uid;
    uint8_t uid[DEVICE_UID_SIZE];
} keys_args;

typedef struct keys_subcommand {
    const char *name;
    int (*run)(const keys_args *a);
    unsigned options;
    bool needs_file;
    const char *usage;  /* "  photon-sim keys NAME ...\n" */
    const char *about;  /* what it does */
} keys_subcommand;

/* ---- output helpers ------------------------------------------------------ */

static void print_written(const char *image, const char *what, const dct_write_result *r)
{
    if (r->initialised)
        printf("%s: no valid DCT copy: initialised DCT1 as the firmware would\n", image);
    printf("%s: %s: written to DCT%d (sequence %u), DCT%d is no longer current\n", image, what,
           r->to_copy + 1, r->sequence, r->from_copy + 1);
}

static void format_address(const server_address *a, char *out, size_t size)
{
    if (a->type == SERVER_ADDRESS_IP)
        snprintf(out, size, "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3], a->port);
    else if (a->type == SERVER_ADDRESS_DOMAIN)
        snprintf(out, size, "%s:%u", a->domain, a->port);
    else
        snprintf(out, size, "invalid, so the firmware uses %s:%u", SERVER_DEFAULT_DOMAIN,
                 SERVER_DEFAULT_PORT);
}

/* The first modulus bytes, as cloud.log quotes them. */
static void format_modulus(const uint8_t *spki, size_t modulus_offset, char *out, size_t size)
{
    size_t used = 0;
    for (int i = 0; i < 8 && used + 4 < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%02x", i ? " " : "",
                                 spki[modulus_offset + i]);
    snprintf(out + used, size - used, "...");
}

static const char *uid_source_text(key_uid_source source)
{
    switch (source) {
    case KEY_UID_GIVEN:
        return "--uid";
    case KEY_UID_DCT_CACHE:
        return "the DCT's device_id cache";
    case KEY_UID_DEFAULT:
    default:
        return "photon-sim run's default UID";
    }
}

static int fail_image(const char *image, sim_error *err)
{
    sim_fail_prefix(err, image);
    return sim_report(err);
}

static cloud_registry *open_registry(const char *dir, sim_error *err)
{
    char error[512];
    cloud_registry *registry = cloud_registry_open(dir, error, sizeof error);
    if (!registry)
        sim_fail(err, "%s", error);
    return registry;
}

/* ---- subcommands --------------------------------------------------------- */

static int run_server(const keys_args *a)
{
    uint8_t *flash, spki[SERVER_KEY_SPKI_SIZE];
    key_recipe_result r;
    sim_error err;
    bool created;
    if (flash_image_load(a->image, &flash, &err) != 0)
        return sim_report(&err);
    fflush(stdout);
    if (key_recipe_cloud_server_key(a->cloud, true, spki, &created, &err) != 0) {
        free(flash);
        return sim_report(&err);
    }
    if (created)
        fprintf(stderr, "photon-sim: created the simulated cloud's server key in %s\n", a->cloud);
    if (key_recipe_server(flash, spki, a->ip ? a->ip : a->host, a->port, &r, &err) != 0) {
        free(flash);
        return fail_image(a->image, &err);
    }
    int status = flash_image_save(a->image, flash, &err);
    free(flash);
    if (status != 0)
        return sim_report(&err);
    char address[128], fingerprint[KEY_FINGERPRINT_SIZE], what[512];
    format_address(&r.address, address, sizeof address);
    key_fingerprint(spki, sizeof spki, fingerprint);
    snprintf(what, sizeof what, "server key of %s (sha256 %.16s...) + address %s", a->cloud,
             fingerprint, address);
    print_written(a->image, what, &r.dct);
    return SIM_EXIT_OK;
}

static void print_new_key(const char *image, const char *source, const key_recipe_result *r)
{
    char fingerprint[KEY_FINGERPRINT_SIZE], what[512];
    key_fingerprint(r->device_public_key, DEVICE_PUBLIC_KEY_SIZE, fingerprint);
    snprintf(what, sizeof what, "RSA-1024 device key %s (%zu-byte DER, public key sha256 "
             "%.16s...) + public key cache", source, r->device_key_length, fingerprint);
    print_written(image, what, &r->dct);
}

static int run_new_or_load(const keys_args *a)
{
    uint8_t *flash;
    key_recipe_result r;
    sim_error err;
    int rc;
    if (flash_image_load(a->image, &flash, &err) != 0)
        return sim_report(&err);
    if (a->file) {
        rc = key_recipe_load_file(flash, a->file, &r, &err);
    } else {
        rc = key_recipe_new(flash, a->seed, &r, &err);
        if (rc != 0)
            sim_fail_prefix(&err, a->image);
    }
    if (rc == 0)
        rc = flash_image_save(a->image, flash, &err);
    free(flash);
    if (rc != 0)
        return sim_report(&err);
    char source[256];
    if (a->file)
        snprintf(source, sizeof source, "from %s", a->file);
    else
        snprintf(source, sizeof source, "from seed %s", r.seed);
    print_new_key(a->image, source, &r);
    printf("%s: the registry is unchanged: `photon-sim keys send %s` registers this key\n",
           a->image, a->image);
    return SIM_EXIT_OK;
}

static int run_save(const keys_args *a)
{
    uint8_t *flash, der[DEVICE_KEY_DER_MAX];
    size_t length;
    bool valid;
    sim_error err;
    if (flash_image_load(a->image, &flash, &err) != 0)
        return sim_report(&err);
    int rc = key_recipe_save(flash, der, &length, &valid, &err);
    free(flash);
    if (rc != 0)
        return fail_image(a->image, &err);
    if (util_write_file_atomic(a->file, der, length, &err) != 0)
        return sim_report(&err);
    printf("%s: device key (%zu-byte PKCS#1 DER) written to %s\n", a->image, length, a->file);
    if (!valid) {
        keys_check_device_key(der, length, &err);
        fprintf(stderr, "photon-sim: warning: %s: the firmware cannot use this key: %s\n",
                a->image, err.msg);
    }
    return SIM_EXIT_OK;
}

static void print_registered(const char *image, cloud_registry *registry, key_uid_source source,
                             const key_recipe_result *r)
{
    char path[512], fingerprint[KEY_FINGERPRINT_SIZE];
    static const char *const change[] = {
        [KEY_REGISTRY_UNTOUCHED] = "not registered",
        [KEY_REGISTRY_ADDED] = "registered",
        [KEY_REGISTRY_REPLACED] = "registered, replacing another key",
        [KEY_REGISTRY_UNCHANGED] = "already registered",
    };
    cloud_registry_record_path(registry, r->device_id, path, sizeof path);
    key_fingerprint(r->device_public_key, DEVICE_PUBLIC_KEY_SIZE, fingerprint);
    printf("%s: device %s (from %s): public key sha256 %.16s... %s in %s\n", image, r->device_id,
           uid_source_text(source), fingerprint, change[r->registry], path);
}

static int run_send_or_doctor(const keys_args *a, bool doctor)
{
    uint8_t *flash, uid[DEVICE_UID_SIZE];
    key_recipe_result r;
    sim_error err;
    if (flash_image_load(a->image, &flash, &err) != 0)
        return sim_report(&err);
    key_uid_source source = key_recipe_device_uid(flash, a->has_uid ? a->uid : NULL, uid);
    cloud_registry *registry = open_registry(a->cloud, &err);
    if (!registry) {
        free(flash);
        return sim_report(&err);
    }
    int rc = doctor ? key_recipe_doctor(flash, registry, uid, a->seed, &r, &err)
                    : key_recipe_send(flash, registry, uid, &r, &err);
    if (rc != 0) {
        free(flash);
        cloud_registry_free(registry);
        return fail_image(a->image, &err);
    }
    if (doctor && flash_image_save(a->image, flash, &err) != 0) {
        free(flash);
        cloud_registry_free(registry);
        size_t used = strlen(err.msg);
        snprintf(err.msg + used, sizeof err.msg - used, "; the registry already holds the new "
                 "key: run `photon-sim keys doctor` again once the image can be written");
        return sim_report(&err);
    }
    free(flash);
    if (doctor) {
        char source[160];
        snprintf(source, sizeof source, "from seed %s", r.seed);
        print_new_key(a->image, source, &r);
    }
    print_registered(a->image, registry, source, &r);
    cloud_registry_free(registry);
    return SIM_EXIT_OK;
}

static int run_send(const keys_args *a)
{
    return run_send_or_doctor(a, false);
}

static int run_doctor(const keys_args *a)
{
    return run_send_or_doctor(a, true);
}

/* ---- show ---------------------------------------------------------------- */

static void print_device_key(const key_report *r)
{
    static const char *const cache[] = {
        [KEY_CACHE_BLANK] = "blank (the firmware fills it from the private key at boot)",
        [KEY_CACHE_MATCHES] = "matches the private key",
        [KEY_CACHE_DIFFERS] = "differs from the private key (the firmware rewrites it at boot)",
    };
    char modulus[64];
    switch (r->device_key) {
    case KEY_STATE_BLANK:
        printf("%-18s blank (the firmware generates one at its next boot)\n", "device key:");
        break;
    case KEY_STATE_INVALID:
        printf("%-18s INVALID: %s\n", "device key:", r->device_key_problem.msg);
        break;
    case KEY_STATE_VALID:
        format_modulus(r->device_public_key, DEVICE_PUBLIC_KEY_SIZE - DEVICE_KEY_MODULUS_SIZE - 5,
                       modulus, sizeof modulus);
        printf("%-18s RSA-1024, %zu-byte PKCS#1 DER, valid for the firmware\n", "device key:",
               r->device_key_length);
        printf("%-18s sha256 %s\n", "  public key:", r->device_key_fingerprint);
        printf("%-18s %s\n", "  modulus:", modulus);
        break;
    }
    printf("%-18s %s\n", "  public cache:", cache[r->public_cache]);
}

static void print_server_key(const key_report *r, const char *cloud)
{
    char text[256];
    switch (r->server_key) {
    case KEY_STATE_BLANK:
        printf("%-18s blank (the firmware uses Particle's built-in cloud key)\n", "server key:");
        break;
    case KEY_STATE_INVALID:
        printf("%-18s INVALID: %s\n", "server key:", r->server_key_problem.msg);
        break;
    case KEY_STATE_VALID:
        printf("%-18s RSA-2048, sha256 %s\n", "server key:", r->server_key_fingerprint);
        break;
    }
    if (r->server_key_is_clouds >= 0 && r->server_key != KEY_STATE_BLANK)
        printf("%-18s %s %s's key\n", "", r->server_key_is_clouds ? "is" : "is NOT", cloud);
    format_address(&r->address, text, sizeof text);
    printf("%-18s %s\n", "server address:", text);
}

static void print_registry(const key_report *r, const char *cloud, bool cloud_exists)
{
    const char *label = "registry:";
    if (!cloud_exists) {
        printf("%-18s %s does not exist yet (photon-sim run and keys send create it)\n", label,
               cloud);
        return;
    }
    switch (r->registry) {
    case KEY_REGISTRY_NOT_CHECKED:
        break;
    case KEY_REGISTRY_ABSENT:
        printf("%-18s no record (%s): the cloud registers the device's key on first use\n",
               label, r->registry_path);
        break;
    case KEY_REGISTRY_PRESENT:
        printf("%-18s %s holds sha256 %s\n", label, r->registry_path, r->registry_fingerprint);
        break;
    case KEY_REGISTRY_MATCHES:
        printf("%-18s %s holds this device key\n", label, r->registry_path);
        break;
    case KEY_REGISTRY_DIFFERS:
        printf("%-18s %s holds ANOTHER key, sha256 %s\n", label, r->registry_path,
               r->registry_fingerprint);
        break;
    case KEY_REGISTRY_UNREADABLE:
        printf("%-18s UNREADABLE: %s\n", label, r->registry_problem.msg);
        break;
    }
}

/* What the next handshake with the simulated cloud will make of the keys. */
static void print_verdict(const key_report *r, const char *image, const char *cloud,
                          bool cloud_key_known)
{
    int problems = 0;
#define PROBLEM(...) (printf("%-18s ", problems++ ? "" : "problems:"), printf(__VA_ARGS__), \
                      putchar('\n'))
    if (r->device_key == KEY_STATE_BLANK && r->registry == KEY_REGISTRY_PRESENT)
        PROBLEM("the firmware will make a new device key that %s's record does not match; "
                "run `photon-sim keys doctor %s`", cloud, image);
    if (r->device_key == KEY_STATE_INVALID)
        PROBLEM("the device key is unusable, every handshake fails (red flash); run "
                "`photon-sim keys doctor %s`", image);
    if (r->server_key == KEY_STATE_BLANK)
        PROBLEM("no server key: the device would try Particle's cloud (photon-sim run writes "
                "%s's key into a blank field; `photon-sim keys server %s` does it now)", cloud,
                image);
    else if (r->server_key == KEY_STATE_INVALID || r->server_key_is_clouds == 0)
        PROBLEM("%s cannot decrypt the device's handshake (red flash); run "
                "`photon-sim keys server %s`", cloud, image);
    if (r->registry == KEY_REGISTRY_DIFFERS)
        PROBLEM("%s refuses the device's key (red flash); run `photon-sim keys send %s`", cloud,
                image);
    if (r->registry == KEY_REGISTRY_UNREADABLE)
        PROBLEM("the cloud cannot read the device's record");
#undef PROBLEM
    if (problems == 0 && cloud_key_known)
        printf("%-18s ok: the DCT's keys and %s agree\n", "verdict:", cloud);
}

static int run_show(const keys_args *a)
{
    uint8_t *flash, uid[DEVICE_UID_SIZE], spki[SERVER_KEY_SPKI_SIZE];
    sim_error err;
    struct stat st;
    if (flash_image_load(a->image, &flash, &err) != 0)
        return sim_report(&err);
    key_uid_source source = key_recipe_device_uid(flash, a->has_uid ? a->uid : NULL, uid);

    /* Reads only: a missing cloud directory is reported, not created. */
    bool cloud_exists = stat(a->cloud, &st) == 0 && S_ISDIR(st.st_mode);
    cloud_registry *registry = NULL;
    int key_status = 1;
    if (cloud_exists) {
        registry = open_registry(a->cloud, &err);
        if (registry)
            key_status = key_recipe_cloud_server_key(a->cloud, false, spki, NULL, &err);
        if (!registry || key_status < 0) {
            cloud_registry_free(registry);
            free(flash);
            return sim_report(&err);
        }
    }
    key_report r;
    key_recipe_inspect(flash, registry, uid, key_status == 0 ? spki : NULL, &r);
    cloud_registry_free(registry);
    free(flash);

    printf("%-18s %s (from %s)\n", "device ID:", r.device_id, uid_source_text(source));
    if (r.dct_copy < 0)
        printf("%-18s no valid copy (reads as blank; the firmware initialises DCT1)\n", "DCT:");
    else
        printf("%-18s current copy DCT%d\n", "DCT:", r.dct_copy + 1);
    print_device_key(&r);
    print_server_key(&r, a->cloud);
    if (cloud_exists && key_status == 1)
        printf("%-18s %s has no server key yet (photon-sim run creates it)\n", "", a->cloud);
    print_registry(&r, a->cloud, cloud_exists);
    print_verdict(&r, a->image, a->cloud, key_status == 0);
    return SIM_EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

static const keys_subcommand subcommands[] = {
    {"server", run_server, OPT_CLOUD | OPT_HOST | OPT_PORT, false,
     "  photon-sim keys server IMAGE [--cloud DIR] [--host NAME | --ip A.B.C.D] [--port N]\n",
     "Writes the simulated cloud's server public key (DIR/server_key.pub.der; the key\n"
     "is created there if missing, as photon-sim run does) and the server address\n"
     "into the DCT at app offset 2082, as `particle keys server` does over DFU.\n"
     "\n"
     "  --host NAME    the server's name (default device.spark.io, which the simulated\n"
     "                 network resolves to the cloud); digits and dots make an IPv4 address\n"
     "  --ip A.B.C.D   the server's IPv4 address instead of a name\n"
     "  --port N       the server's port (default 5683)\n"},
    {"new", run_new_or_load, OPT_SEED, false,
     "  photon-sim keys new IMAGE [--seed SEED]\n",
     "Generates a new RSA-1024 device key and writes it into the DCT (private key at\n"
     "app offset 34, public key cache at 1250): `particle keys new` + `keys load`.\n"
     "The registry keeps the old key: until `keys send`, the cloud refuses the device.\n"
     "\n"},
    {"load", run_new_or_load, 0, true,
     "  photon-sim keys load IMAGE FILE\n",
     "Writes a device key file into the DCT with its public key cache, as\n"
     "`particle keys load` does: RSA-1024, e = 65537, PKCS#1 or PKCS#8, DER or PEM\n"
     "(`openssl genrsa 1024` makes one). The registry is not changed.\n"},
    {"save", run_save, 0, true,
     "  photon-sim keys save IMAGE FILE\n",
     "Writes the DCT's device key to FILE as PKCS#1 DER, as `particle keys save` does\n"
     "(`openssl rsa -inform DER -in FILE` reads it).\n"},
    {"send", run_send, OPT_CLOUD | OPT_UID, false,
     "  photon-sim keys send IMAGE [--cloud DIR] [--uid HEX24]\n",
     "Registers the device's public key, derived from the DCT's private key as the\n"
     "firmware derives it for the handshake, in the cloud's registry under the device\n"
     "ID (DIR/<device id>.pub.pem), as `particle keys send` does.\n"
     "\n"},
    {"doctor", run_doctor, OPT_CLOUD | OPT_UID | OPT_SEED, false,
     "  photon-sim keys doctor IMAGE [--cloud DIR] [--uid HEX24] [--seed SEED]\n",
     "`particle keys doctor`: a new device key into the DCT and into the registry\n"
     "(new + load + send). The image is written only once the registry holds the key.\n"
     "\n"},
    {"show", run_show, OPT_CLOUD | OPT_UID, false,
     "  photon-sim keys show IMAGE [--cloud DIR] [--uid HEX24]\n",
     "Prints the device ID, the DCT's device and server keys (SHA-256 of the public\n"
     "keys' DER, as `openssl pkey -pubin -outform DER | sha256sum` computes it), the\n"
     "server address, whether the keys suit the firmware, and whether the cloud's\n"
     "server key and registry agree with them. Reads only.\n"
     "\n"},
};

static void print_help(const keys_subcommand *sub)
{
    printf("usage:\n%s\n%s", sub->usage, sub->about);
    if (sub->options & OPT_SEED)
        printf("%s", seed_help);
    if (sub->options & OPT_CLOUD)
        printf("%s", cloud_help);
    if (sub->options & OPT_UID)
        printf("%s", uid_help);
    printf("\n  exit status: 0 done, 1 failed (nothing changed), 2 usage\n");
}

#define sub_usage(sub, ...) sim_usage("keys", (sub)->usage, __VA_ARGS__)

static int parse(const keys_subcommand *sub, int argc, char **argv, keys_args *a)
{
    memset(a, 0, sizeof *a);
    a->cloud = KEY_RECIPE_DEFAULT_CLOUD_DIR;
    a->port = -1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        unsigned needs = !strcmp(o, "--cloud")                          ? OPT_CLOUD
                         : !strcmp(o, "--host") || !strcmp(o, "--ip")   ? OPT_HOST
                         : !strcmp(o, "--port")                         ? OPT_PORT
                         : !strcmp(o, "--seed")                         ? OPT_SEED
                         : !strcmp(o, "--uid") || !strcmp(o, "--id")    ? OPT_UID
                                                                        : 0;
        if (o[0] != '-' || !o[1]) {
            if (!a->image)
                a->image = o;
            else if (sub->needs_file && !a->file)
                a->file = o;
            else
                return sub_usage(sub, "%s: unexpected argument \"%s\"", sub->name, o);
            continue;
        }
        if (!(sub->options & needs))
            return sub_usage(sub, "%s: unknown option %s", sub->name, o);
        if (i + 1 >= argc)
            return sub_usage(sub, "%s: %s needs a value", sub->name, o);
        const char *v = argv[++i];
        sim_error err;
        unsigned long long n;
        switch (needs) {
        case OPT_CLOUD:
            a->cloud = v;
            break;
        case OPT_HOST:
            if (a->host || a->ip)
                return sub_usage(sub, "server: give one --host or --ip");
            if (!strcmp(o, "--ip")) {
                uint8_t octets[4];
                if (dct_parse_ipv4(v, octets) != 0)
                    return sub_usage(sub, "server: --ip \"%s\" is not an IPv4 address", v);
                a->ip = v;
            } else {
                if (!*v || strlen(v) > SERVER_DOMAIN_MAX)
                    return sub_usage(sub, "server: --host \"%s\" must be 1..%u characters (the "
                                     "firmware copies it into a 64-byte buffer)", v,
                                     SERVER_DOMAIN_MAX);
                a->host = v;
            }
            break;
        case OPT_PORT:
            if (!util_parse_unsigned(v, 0xFFFF, &n) || n == 0)
                return sub_usage(sub, "server: --port \"%s\" is not 1..65535", v);
            a->port = (long)n;
            break;
        case OPT_SEED:
            if (!*v || strlen(v) > KEY_RECIPE_SEED_MAX)
                return sub_usage(sub, "%s: --seed must be 1..%d characters", sub->name,
                                 KEY_RECIPE_SEED_MAX);
            a->seed = v;
            break;
        case OPT_UID:
            if (keys_parse_uid(v, a->uid, &err) != 0)
                return sub_usage(sub, "%s: %s", sub->name, err.msg);
            a->has_uid = true;
            break;
        }
    }
    if (!a->image)
        return sub_usage(sub, "%s needs an IMAGE (a flash image: photon-sim flash makes one)",
                         sub->name);
    if (sub->needs_file && !a->file)
        return sub_usage(sub, "%s needs a FILE after the IMAGE", sub->name);
    return SIM_EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
    if (argc < 2)
        return sim_usage("keys", synopsis, "needs a subcommand");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("usage:\n%s", synopsis);
        return SIM_EXIT_OK;
    }
    const keys_subcommand *sub = NULL;
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (!strcmp(argv[1], subcommands[i].name))
            sub = &subcommands[i];
    if (!sub)
        return sim_usage("keys", synopsis, "unknown subcommand \"%s\"", argv[1]);
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_help(sub);
            return SIM_EXIT_OK;
        }
    }
    keys_args a;
    int status = parse(sub, argc - 1, argv + 1, &a);
    if (status != SIM_EXIT_OK)
        return status;
    return sub->run(&a);
}
