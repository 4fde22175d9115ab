/*
 * photon-cloud: the device-cloud core as a standalone TCP server, for several simulated
 * Photons at once or a real one.
 *
 *   photon-cloud [--port 5683] [--bind 0.0.0.0] [--registry DIR] [--reject-unknown]
 *                [--seed HEX] [--key server_key.pem] [--export-key out.der]
 *                [--fault NAME[=VALUE]]... [--verbose|--quiet]
 *
 * Commands on stdin (one per line): help, list, call, get, describe, signal, ping,
 * publish, ota, quit.  Logs go to stderr, command results to stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cloud.h"

#define MAX_CONNECTIONS 64

typedef struct connection {
    int fd;
    cloud_session *session;
    uint8_t *pending; /* bytes the kernel did not take yet */
    size_t pending_length;
    uint64_t deadline_ns;
    bool close_wanted;
} connection;

typedef struct app {
    cloud_server *server;
    connection connections[MAX_CONNECTIONS];
    int listen_fd;
    cloud_log_level log_level;
    bool quit;
    char line[1024]; /* stdin command being assembled */
    size_t line_length;
} app;

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t op_now(void *ctx)
{
    (void)ctx;
    return monotonic_ns();
}

static void op_set_timer(void *ctx, cloud_session *session, uint64_t deadline_ns)
{
    connection *c = cloud_session_transport(session);
    (void)ctx;
    c->deadline_ns = deadline_ns;
}

static int queue_pending(connection *c, const uint8_t *bytes, size_t length)
{
    uint8_t *grown = realloc(c->pending, c->pending_length + length);
    if (!grown) {
        return -1;
    }
    memcpy(grown + c->pending_length, bytes, length);
    c->pending = grown;
    c->pending_length += length;
    return 0;
}

/* One send() per frame, as the device needs; only a full socket buffer splits it. */
static int op_send(void *ctx, cloud_session *session, const uint8_t *bytes, size_t length)
{
    connection *c = cloud_session_transport(session);
    ssize_t n;
    (void)ctx;

    if (c->close_wanted) {
        return -1;
    }
    if (c->pending_length > 0) {
        return queue_pending(c, bytes, length);
    }
    n = send(c->fd, bytes, length, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        n = 0;
    }
    if (n < 0) {
        return -1;
    }
    if ((size_t)n < length) {
        fprintf(stderr, "warning: socket buffer full; a %zu-byte frame is sent in pieces\n",
                length);
        return queue_pending(c, bytes + n, length - (size_t)n);
    }
    return 0;
}

static void op_close(void *ctx, cloud_session *session)
{
    connection *c = cloud_session_transport(session);
    (void)ctx;
    c->close_wanted = true;
}

static void op_log(void *ctx, cloud_session *session, cloud_log_level level, const char *message)
{
    static const char *const names[] = { "ERROR", "WARN", "INFO", "DEBUG" };
    app *a = ctx;
    struct timespec ts;
    struct tm tm;
    (void)session;

    if (level > a->log_level) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%02d:%02d:%02d.%03ld %-5s %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, names[level], message);
}

static void op_notify(void *ctx, cloud_session *session, const cloud_notice *n)
{
    const char *id = cloud_session_device_id(session);
    (void)ctx;

    switch (n->kind) {
    case CLOUD_NOTICE_CONNECTED:
        printf("connected %s\n", id);
        break;
    case CLOUD_NOTICE_CLOSED:
        if (id[0]) {
            printf("disconnected %s (%s)\n", id, cloud_failure_name(n->failure));
        }
        break;
    case CLOUD_NOTICE_EVENT:
        printf("event %s %s %.*s\n", id, n->name, (int)n->data_length,
               n->data ? (const char *)n->data : "");
        break;
    case CLOUD_NOTICE_FUNCTION_RESULT:
        printf("result %u %s = %lld\n", n->request_id, n->name, (long long)n->value);
        break;
    case CLOUD_NOTICE_VARIABLE_VALUE:
        printf("value %u %s = %s\n", n->request_id, n->name, n->text);
        break;
    case CLOUD_NOTICE_DESCRIBE:
        printf("describe %s %.*s\n", id, (int)n->data_length, (const char *)n->data);
        break;
    case CLOUD_NOTICE_REQUEST_FAILED:
        printf("failed %u %s\n", n->request_id, n->text);
        break;
    case CLOUD_NOTICE_SIGNAL_DONE:
    case CLOUD_NOTICE_PING_DONE:
        printf("ok %u\n", n->request_id);
        break;
    case CLOUD_NOTICE_OTA_DONE:
        printf("ota-done %u %s\n", n->request_id, n->text);
        break;
    case CLOUD_NOTICE_OTA_FAILED:
        printf("ota-failed %u %s\n", n->request_id, n->text);
        break;
    default:
        break;
    }
    fflush(stdout);
}

static int parse_hex(const char *text, uint8_t *out, size_t cap, size_t *length)
{
    size_t n = strlen(text);
    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
            return -1;
        }
        out[i] = (uint8_t)byte;
    }
    *length = n / 2;
    return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *length)
{
    FILE *f = fopen(path, "rb");
    long size;

    if (!f) {
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    *data = malloc((size_t)size + 1);
    if (!*data || fread(*data, 1, (size_t)size, f) != (size_t)size) {
        free(*data);
        fclose(f);
        return -1;
    }
    (*data)[size] = '\0';
    *length = (size_t)size;
    fclose(f);
    return 0;
}

static int apply_fault(cloud_faults *f, const char *spec)
{
    char name[64];
    const char *eq = strchr(spec, '=');
    const char *value = eq ? eq + 1 : "";
    size_t n = eq ? (size_t)(eq - spec) : strlen(spec);
    unsigned long number = strtoul(value, NULL, 0);

    if (n >= sizeof(name)) {
        return -1;
    }
    memcpy(name, spec, n);
    name[n] = '\0';
    if (strcmp(name, "stop-at") == 0) {
        if (strcmp(value, "accept") == 0) f->stop_at = CLOUD_STEP_AFTER_ACCEPT;
        else if (strcmp(value, "nonce") == 0) f->stop_at = CLOUD_STEP_AFTER_NONCE;
        else if (strcmp(value, "blob") == 0) f->stop_at = CLOUD_STEP_AFTER_BLOB;
        else if (strcmp(value, "reply") == 0) f->stop_at = CLOUD_STEP_AFTER_REPLY;
        else return -1;
    } else if (strcmp(name, "stall") == 0) {
        f->stall_instead_of_close = true;
    } else if (strcmp(name, "wrong-key") == 0) {
        f->sign_with_wrong_key = true;
    } else if (strcmp(name, "corrupt-session-key") == 0) {
        f->corrupt_session_key_block = true;
    } else if (strcmp(name, "truncate-reply") == 0 && number > 0 && number < 384) {
        f->truncate_reply_to = (uint16_t)number;
    } else if (strcmp(name, "withhold-hello") == 0) {
        f->withhold_hello = true;
    } else if (strcmp(name, "hello-delay") == 0) {
        f->hello_delay_ms = (uint32_t)number;
    } else if (strcmp(name, "ignore-pings") == 0) {
        f->ignore_pings = true;
    } else if (strcmp(name, "corrupt-frame") == 0 && number > 0) {
        f->corrupt_frame = (uint32_t)number;
    } else if (strcmp(name, "ota-drop") == 0 && f->ota_drop_count < CLOUD_FAULT_MAX_CHUNKS) {
        f->ota_drop_chunks[f->ota_drop_count++] = (uint32_t)number;
    } else if (strcmp(name, "ota-bad-crc") == 0 && f->ota_bad_crc_count < CLOUD_FAULT_MAX_CHUNKS) {
        f->ota_bad_crc_chunks[f->ota_bad_crc_count++] = (uint32_t)number;
    } else {
        return -1;
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: photon-cloud [options]\n"
            "  --port N            TCP port (default 5683; 0 picks a free one)\n"
            "  --bind ADDR         IPv4 address to listen on (default 0.0.0.0)\n"
            "  --registry DIR      device registry and server key (default ./photon-cloud-registry)\n"
            "  --reject-unknown    refuse devices not in the registry (default: trust on first use)\n"
            "  --seed HEX          deterministic DRBG seed (default: /dev/urandom)\n"
            "  --key FILE          server private key (default: DIR/server_key.pem, created if missing)\n"
            "  --export-key FILE   write the 294-byte server public key for the DCT and exit\n"
            "  --fault NAME[=V]    stop-at=accept|nonce|blob|reply, stall, wrong-key,\n"
            "                      corrupt-session-key, truncate-reply=N, withhold-hello,\n"
            "                      hello-delay=MS, ignore-pings, corrupt-frame=N, ota-drop=I,\n"
            "                      ota-bad-crc=I (repeatable)\n"
            "  --verbose, --quiet  more or less logging\n");
}

static void help_commands(void)
{
    printf("commands:\n"
           "  list                              connected devices\n"
           "  call <device> <function> [arg]    call a cloud function\n"
           "  get <device> <variable>           read a cloud variable\n"
           "  describe <device>                 ask for the describe\n"
           "  signal <device> on|off            rainbow LED\n"
           "  ping <device>\n"
           "  publish <event> [data]            to subscribed devices\n"
           "  ota <device> <file> [fast]        flash a user part\n"
           "  quit\n"
           "<device> is the 24-hex ID or the registry name.\n");
}

static cloud_session *need_session(app *a, const char *id)
{
    cloud_session *s = id ? cloud_server_find_session(a->server, id) : NULL;
    if (!s) {
        printf("error: no connected device '%s'\n", id ? id : "");
    }
    return s;
}

static void run_command(app *a, char *line)
{
    char *words[4] = { 0 };
    char *rest = NULL;
    char *save = NULL;
    int count = 0;
    cloud_session *s;
    int64_t id = 0;

    line[strcspn(line, "\r\n")] = '\0';
    for (char *w = strtok_r(line, " ", &save); w && count < 3; w = strtok_r(NULL, " ", &save)) {
        words[count++] = w;
    }
    rest = save && *save ? save : NULL; /* the remainder keeps its spaces (arguments, data) */
    if (count == 0) {
        return;
    }
    if (strcmp(words[0], "help") == 0) {
        help_commands();
    } else if (strcmp(words[0], "quit") == 0) {
        a->quit = true;
    } else if (strcmp(words[0], "list") == 0) {
        for (cloud_session *it = cloud_server_next_session(a->server, NULL); it;
             it = cloud_server_next_session(a->server, it)) {
            printf("%s %s %s\n", cloud_session_peer(it),
                   cloud_session_device_id(it)[0] ? cloud_session_device_id(it) : "-",
                   cloud_session_state_name(cloud_session_get_state(it)));
        }
    } else if (strcmp(words[0], "call") == 0 && count >= 3) {
        if ((s = need_session(a, words[1]))) {
            id = cloud_session_call_function(s, words[2], rest ? rest : "");
        }
    } else if (strcmp(words[0], "get") == 0 && count >= 3) {
        if ((s = need_session(a, words[1]))) {
            id = cloud_session_get_variable(s, words[2]);
        }
    } else if (strcmp(words[0], "describe") == 0 && count >= 2) {
        if ((s = need_session(a, words[1]))) {
            id = cloud_session_request_describe(s, 3);
        }
    } else if (strcmp(words[0], "signal") == 0 && count >= 3) {
        if ((s = need_session(a, words[1]))) {
            id = cloud_session_signal(s, strcmp(words[2], "on") == 0);
        }
    } else if (strcmp(words[0], "ping") == 0 && count >= 2) {
        if ((s = need_session(a, words[1]))) {
            id = cloud_session_ping(s);
        }
    } else if (strcmp(words[0], "publish") == 0 && count >= 2) {
        char data[700] = "";
        if (count >= 3) {
            snprintf(data, sizeof(data), "%s%s%s", words[2], rest ? " " : "", rest ? rest : "");
        }
        int n = cloud_server_publish(a->server, words[1], (const uint8_t *)data, strlen(data), false);
        printf("published to %d device(s)\n", n < 0 ? 0 : n);
    } else if (strcmp(words[0], "ota") == 0 && count >= 3) {
        uint8_t *image;
        size_t length;
        cloud_ota_options options = { .fast = rest && strncmp(rest, "fast", 4) == 0 };
        if ((s = need_session(a, words[1]))) {
            if (read_file(words[2], &image, &length) != 0) {
                printf("error: cannot read %s: %s\n", words[2], strerror(errno));
            } else {
                id = cloud_session_start_ota(s, image, length, &options);
                free(image);
            }
        }
    } else {
        printf("error: unknown or incomplete command; try help\n");
    }
    if (id < 0) {
        printf("error: request not sent (see the log)\n");
    } else if (id > 0) {
        printf("request %lld\n", (long long)id);
    }
    fflush(stdout);
}

static int open_listener(const char *bind_address, int port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int one = 1;
    int fd;

    if (inet_pton(AF_INET, bind_address, &address.sin_addr) != 1) {
        fprintf(stderr, "photon-cloud: '%s' is not an IPv4 address\n", bind_address);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("photon-cloud: socket");
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(fd, 16) != 0) {
        fprintf(stderr, "photon-cloud: cannot listen on %s:%d: %s\n", bind_address, port,
                strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void accept_connection(app *a)
{
    struct sockaddr_in peer;
    socklen_t peer_length = sizeof(peer);
    char description[64], ip[INET_ADDRSTRLEN];
    connection *slot = NULL;
    int one = 1;
    int fd = accept4(a->listen_fd, (struct sockaddr *)&peer, &peer_length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (a->connections[i].fd < 0) {
            slot = &a->connections[i];
            break;
        }
    }
    if (!slot) {
        fprintf(stderr, "photon-cloud: %d connections already; refusing one\n", MAX_CONNECTIONS);
        close(fd);
        return;
    }
    /* frames must leave in one segment each (cloud-protocol.md §1.5) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
    snprintf(description, sizeof(description), "%s:%u", ip, ntohs(peer.sin_port));
    memset(slot, 0, sizeof(*slot));
    slot->fd = fd;
    slot->deadline_ns = CLOUD_NO_DEADLINE;
    slot->session = cloud_session_new(a->server, description, slot);
    if (!slot->session) {
        close(fd);
        slot->fd = -1;
        return;
    }
    cloud_session_start(slot->session);
}

static void drop_connection(connection *c)
{
    cloud_session *s = c->session;
    close(c->fd);
    c->fd = -1;
    c->session = NULL;
    free(c->pending);
    c->pending = NULL;
    c->pending_length = 0;
    cloud_session_closed(s);
}

static void flush_pending(connection *c)
{
    ssize_t n = send(c->fd, c->pending, c->pending_length, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        c->close_wanted = true;
        return;
    }
    if (n > 0) {
        memmove(c->pending, c->pending + n, c->pending_length - (size_t)n);
        c->pending_length -= (size_t)n;
    }
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "registry", required_argument, NULL, 'r' },
        { "reject-unknown", no_argument, NULL, 'u' },
        { "seed", required_argument, NULL, 's' },
        { "key", required_argument, NULL, 'k' },
        { "export-key", required_argument, NULL, 'e' },
        { "fault", required_argument, NULL, 'f' },
        { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    app a = { .listen_fd = -1, .log_level = CLOUD_LOG_INFO };
    cloud_server_config config = { .registry_dir = "photon-cloud-registry" };
    const char *bind_address = "0.0.0.0";
    const char *export_path = NULL;
    uint8_t seed[64];
    uint8_t *key_file = NULL;
    char error[512];
    int port = CLOUD_DEFAULT_PORT;
    int option;

    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'b':
            bind_address = optarg;
            break;
        case 'r':
            config.registry_dir = optarg;
            break;
        case 'u':
            config.reject_unknown_devices = true;
            break;
        case 's':
            if (parse_hex(optarg, seed, sizeof(seed), &config.seed_length) != 0) {
                fprintf(stderr, "photon-cloud: --seed wants up to 64 bytes of hex\n");
                return 2;
            }
            config.seed = seed;
            break;
        case 'k': {
            size_t length;
            if (read_file(optarg, &key_file, &length) != 0) {
                fprintf(stderr, "photon-cloud: cannot read %s: %s\n", optarg, strerror(errno));
                return 2;
            }
            config.server_key = key_file;
            /* mbedTLS wants a PEM's NUL counted */
            config.server_key_length = strstr((char *)key_file, "-----BEGIN") ? length + 1 : length;
            break;
        }
        case 'e':
            export_path = optarg;
            break;
        case 'f':
            if (apply_fault(&config.faults, optarg) != 0) {
                fprintf(stderr, "photon-cloud: unknown fault '%s'\n", optarg);
                return 2;
            }
            break;
        case 'v':
            a.log_level = CLOUD_LOG_DEBUG;
            break;
        case 'q':
            a.log_level = CLOUD_LOG_WARN;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!config.seed) {
        FILE *random = fopen("/dev/urandom", "rb");
        if (!random || fread(seed, 1, 32, random) != 32) {
            fprintf(stderr, "photon-cloud: cannot read /dev/urandom\n");
            return 1;
        }
        fclose(random);
        config.seed = seed;
        config.seed_length = 32;
    }
    {
        struct timespec real, mono;
        clock_gettime(CLOCK_REALTIME, &real);
        clock_gettime(CLOCK_MONOTONIC, &mono);
        config.unix_time_offset_s = (int64_t)real.tv_sec - (int64_t)mono.tv_sec;
    }

    cloud_ops ops = {
        .ctx = &a,
        .now_ns = op_now,
        .set_timer = op_set_timer,
        .send = op_send,
        .close = op_close,
        .log = op_log,
        .notify = op_notify,
    };
    a.server = cloud_server_new(&config, &ops, error, sizeof(error));
    free(key_file);
    if (!a.server) {
        fprintf(stderr, "photon-cloud: %s\n", error);
        return 1;
    }
    if (export_path) {
        uint8_t spki[CLOUD_SERVER_SPKI_LEN];
        FILE *out = fopen(export_path, "wb");
        cloud_server_public_key_spki(a.server, spki);
        if (!out || fwrite(spki, 1, sizeof(spki), out) != sizeof(spki) || fclose(out) != 0) {
            fprintf(stderr, "photon-cloud: cannot write %s\n", export_path);
            return 1;
        }
        printf("wrote the 294-byte server public key to %s (DCT offset 2082)\n", export_path);
        cloud_server_free(a.server);
        return 0;
    }
    a.listen_fd = open_listener(bind_address, port);
    if (a.listen_fd < 0) {
        cloud_server_free(a.server);
        return 1;
    }
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        a.connections[i].fd = -1;
    }
    signal(SIGPIPE, SIG_IGN);
    {
        /* with --port 0 the kernel picks one: say which */
        struct sockaddr_in bound;
        socklen_t bound_length = sizeof(bound);
        if (getsockname(a.listen_fd, (struct sockaddr *)&bound, &bound_length) == 0) {
            port = ntohs(bound.sin_port);
        }
    }
    fprintf(stderr, "photon-cloud: listening on %s:%d; type 'help' for commands\n", bind_address,
            port);

    bool stdin_open = true;
    while (!a.quit) {
        struct pollfd fds[MAX_CONNECTIONS + 2];
        int owner[MAX_CONNECTIONS + 2];
        int count = 0;
        uint64_t now = monotonic_ns();
        uint64_t earliest = CLOUD_NO_DEADLINE;
        int timeout_ms;

        fds[count] = (struct pollfd){ .fd = a.listen_fd, .events = POLLIN };
        owner[count++] = -1;
        if (stdin_open) {
            fds[count] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
            owner[count++] = -2;
        }
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            connection *c = &a.connections[i];
            if (c->fd < 0) {
                continue;
            }
            fds[count] = (struct pollfd){
                .fd = c->fd,
                .events = (short)(POLLIN | (c->pending_length ? POLLOUT : 0)),
            };
            owner[count++] = i;
            if (c->deadline_ns < earliest) {
                earliest = c->deadline_ns;
            }
        }
        timeout_ms = earliest == CLOUD_NO_DEADLINE ? 1000
                     : earliest <= now             ? 0
                                                   : (int)((earliest - now) / 1000000 + 1);
        if (timeout_ms > 1000) {
            timeout_ms = 1000;
        }
        if (poll(fds, (nfds_t)count, timeout_ms) < 0 && errno != EINTR) {
            perror("photon-cloud: poll");
            break;
        }
        for (int k = 0; k < count; k++) {
            if (!fds[k].revents) {
                continue;
            }
            if (owner[k] == -1) {
                accept_connection(&a);
            } else if (owner[k] == -2) {
                /* read(), not stdio: buffered lines would not wake poll() again */
                ssize_t n = read(STDIN_FILENO, a.line + a.line_length,
                                 sizeof(a.line) - 1 - a.line_length);
                if (n <= 0) {
                    stdin_open = false; /* keep serving without a console */
                    continue;
                }
                a.line_length += (size_t)n;
                char *newline;
                while ((newline = memchr(a.line, '\n', a.line_length)) != NULL) {
                    size_t used = (size_t)(newline - a.line) + 1;
                    *newline = '\0';
                    run_command(&a, a.line);
                    memmove(a.line, a.line + used, a.line_length - used);
                    a.line_length -= used;
                }
                if (a.line_length == sizeof(a.line) - 1) {
                    fprintf(stderr, "photon-cloud: command line too long; dropped\n");
                    a.line_length = 0;
                }
            } else {
                connection *c = &a.connections[owner[k]];
                if (c->fd < 0) {
                    continue;
                }
                if (fds[k].revents & POLLOUT) {
                    flush_pending(c);
                }
                if (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) {
                    uint8_t buf[4096];
                    ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
                    if (n > 0) {
                        cloud_session_received(c->session, buf, (size_t)n);
                    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                        drop_connection(c);
                        continue;
                    }
                }
            }
        }
        now = monotonic_ns();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            connection *c = &a.connections[i];
            if (c->fd >= 0 && !c->close_wanted && c->deadline_ns <= now) {
                cloud_session_timer(c->session, now);
            }
            if (c->fd >= 0 && c->close_wanted) {
                if (c->pending_length) {
                    flush_pending(c); /* last words (best effort) */
                }
                drop_connection(c);
            }
        }
    }
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (a.connections[i].fd >= 0) {
            drop_connection(&a.connections[i]);
        }
    }
    close(a.listen_fd);
    cloud_server_free(a.server);
    return 0;
}
