/*
 * End to end: the real photon-cloud program on a TCP port, a simulated Photon connecting
 * to it over a socket, and commands typed on its stdin.  Checks the handshake, the Hello,
 * a ping, a function call from the console and its printed result, and a clean quit.
 *
 * argv[1] is the photon-cloud binary (meson passes it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "device_sim.h"
#include "harness.h"
#include "vectors.h"

static const char *program;

typedef struct server_process {
    pid_t pid;
    int stdin_fd;
    int stdout_fd;
    char dir[64];
    char log_path[128];
    int port;
} server_process;

static void write_file(const char *path, const uint8_t *data, size_t length)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, length, f), length);
    fclose(f);
}

/* Wait for the "listening on ...:PORT" line in the log. */
static int wait_for_port(const char *log_path)
{
    for (int tries = 0; tries < 200; tries++) {
        char text[4096] = "";
        FILE *f = fopen(log_path, "r");
        if (f) {
            size_t n = fread(text, 1, sizeof(text) - 1, f);
            text[n] = '\0';
            fclose(f);
            char *at = strstr(text, "listening on 127.0.0.1:");
            if (at) {
                return atoi(at + strlen("listening on 127.0.0.1:"));
            }
        }
        usleep(20000);
    }
    return -1;
}

static void start_server(server_process *p)
{
    int in_pipe[2], out_pipe[2];
    char key_path[128], registry[128];

    snprintf(p->dir, sizeof(p->dir), "/tmp/photon-cloud-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    snprintf(key_path, sizeof(key_path), "%s/server.der", p->dir);
    snprintf(registry, sizeof(registry), "%s/registry", p->dir);
    snprintf(p->log_path, sizeof(p->log_path), "%s/log.txt", p->dir);
    write_file(key_path, test_server_key_der, test_server_key_der_length);
    ck_assert_int_eq(pipe(in_pipe), 0);
    ck_assert_int_eq(pipe(out_pipe), 0);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        FILE *log = fopen(p->log_path, "w");
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(fileno(log), 2);
        close(in_pipe[1]);
        close(out_pipe[0]);
        execl(program, program, "--port", "0", "--bind", "127.0.0.1", "--registry", registry,
              "--key", key_path, "--seed", "00112233", "--verbose", (char *)NULL);
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    p->stdin_fd = in_pipe[1];
    p->stdout_fd = out_pipe[0];
    p->port = wait_for_port(p->log_path);
    ck_assert_msg(p->port > 0, "photon-cloud did not start (see %s)", p->log_path);
}

static void command(server_process *p, const char *line)
{
    ck_assert_int_eq(write(p->stdin_fd, line, strlen(line)), (ssize_t)strlen(line));
}

/* Read stdout until a line contains `want`; returns that line. */
static const char *wait_output(server_process *p, const char *want)
{
    static char buf[8192];
    static size_t length;
    for (int tries = 0; tries < 100; tries++) {
        char *line;
        buf[length] = '\0';
        if ((line = strstr(buf, want)) != NULL) {
            return line;
        }
        struct pollfd pfd = { .fd = p->stdout_fd, .events = POLLIN };
        if (poll(&pfd, 1, 50) > 0) {
            ssize_t n = read(p->stdout_fd, buf + length, sizeof(buf) - 1 - length);
            if (n > 0) {
                length += (size_t)n;
            }
        }
    }
    ck_abort_msg("photon-cloud never printed '%s'; stdout so far: %s", want, buf);
    return NULL;
}

static void read_exactly(int fd, uint8_t *out, size_t length)
{
    size_t got = 0;
    while (got < length) {
        ssize_t n = recv(fd, out + got, length - got, 0);
        ck_assert_msg(n > 0, "connection ended after %zu of %zu bytes (%s)", got, length,
                      n < 0 ? strerror(errno) : "closed");
        got += (size_t)n;
    }
}

/* One frame from the server, decrypted by the device. */
static int read_message(int fd, sim_device *d, uint8_t *out)
{
    uint8_t frame[2048];
    size_t length;
    read_exactly(fd, frame, 2);
    length = (size_t)frame[0] << 8 | frame[1];
    ck_assert_uint_le(length, sizeof(frame) - 2);
    read_exactly(fd, frame + 2, length);
    return sim_device_unwrap(d, frame, length + 2, out);
}

static void send_message(int fd, sim_device *d, uint8_t *message, size_t length, bool new_id)
{
    uint8_t frame[2048];
    size_t n;
    if (new_id) {
        uint16_t id = sim_device_next_id(d);
        message[2] = (uint8_t)(id >> 8);
        message[3] = (uint8_t)id;
    }
    n = sim_device_wrap(d, message, length, frame);
    ck_assert_int_eq(send(fd, frame, n, 0), (ssize_t)n);
}

START_TEST(device_connects_and_a_console_call_returns)
{
    server_process p;
    sim_device d;
    struct sockaddr_in address = { .sin_family = AF_INET };
    struct timeval timeout = { .tv_sec = 10 };
    uint8_t nonce[40], exchange[256], reply[384], message[800];
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                          0x00, 0x36, 0x00, 0x06 };
    uint8_t ping[4] = { 0x40, 0x00 };
    int fd, status;

    start_server(&p);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    address.sin_port = htons((uint16_t)p.port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&address, sizeof(address)), 0);

    ck_assert_int_eq(sim_device_init(&d, test_device_key_der, test_device_key_der_length,
                                     test_server_spki_der, harness_device_id, 7), 0);
    read_exactly(fd, nonce, 40);
    ck_assert_int_eq(sim_device_key_exchange(&d, nonce, exchange), 0);
    ck_assert_int_eq(send(fd, exchange, 256, 0), 256);
    read_exactly(fd, reply, 384);
    ck_assert_int_eq(sim_device_accept_reply(&d, reply), SIM_OK);
    send_message(fd, &d, hello, sizeof(hello), true);
    ck_assert_int_eq(read_message(fd, &d, message), 6);
    ck_assert_int_eq(message[5], 'h');
    wait_output(&p, "connected 1f002a000347333531393738");

    send_message(fd, &d, ping, sizeof(ping), true);
    ck_assert_int_eq(read_message(fd, &d, message), 4);
    ck_assert_int_eq(message[0], 0x60);
    ck_assert_int_eq(message[2] << 8 | message[3], d.message_id);

    command(&p, "call 1f002a000347333531393738 digitalwrite D7,HIGH\n");
    int n = read_message(fd, &d, message);
    ck_assert_int_gt(n, 5);
    ck_assert_int_eq(message[0], 0x41);
    ck_assert_int_eq(message[1], 0x02);
    uint8_t ack[4] = { 0x60, 0x00, message[2], message[3] };
    uint8_t result[10] = { 0x51, 0x44, 0, 0, message[4], 0xff, 0, 0, 0, 1 };
    send_message(fd, &d, ack, sizeof(ack), false);
    send_message(fd, &d, result, sizeof(result), true);
    const char *line = wait_output(&p, "digitalwrite = ");
    ck_assert_int_eq(strncmp(line, "digitalwrite = 1", 16), 0);

    command(&p, "quit\n");
    ck_assert_int_eq(waitpid(p.pid, &status, 0), p.pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* the log names every handshake step */
    {
        char text[65536];
        FILE *f = fopen(p.log_path, "r");
        size_t len = fread(text, 1, sizeof(text) - 1, f);
        text[len] = '\0';
        fclose(f);
        ck_assert_ptr_nonnull(strstr(text, "sending the 40-byte nonce"));
        ck_assert_ptr_nonnull(strstr(text, "received the 256-byte key exchange"));
        ck_assert_ptr_nonnull(strstr(text, "registered on first use"));
        ck_assert_ptr_nonnull(strstr(text, "sent the 384-byte reply"));
        ck_assert_ptr_nonnull(strstr(text, "sent the server Hello"));
    }
    close(fd);
    sim_device_free(&d);
    char cleanup[128];
    snprintf(cleanup, sizeof(cleanup), "rm -rf '%s'", p.dir);
    ck_assert_int_eq(system(cleanup), 0);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("cloud-photon-cloud");
    TCase *tc = tcase_create("e2e");
    SRunner *runner;
    int failed;

    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/photon-cloud\n", argv[0]);
        return 2;
    }
    program = argv[1];
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, device_connects_and_a_console_call_returns);
    suite_add_tcase(s, tc);
    runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
