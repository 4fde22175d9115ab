#include "slirp_glue.h"

#include <arpa/inet.h>
#include <glib.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* slirp_update_timeout() caps every timeout at one second */
#define SERVICE_MAX_MS 1000u

typedef struct slirp_timer_shim {
    slirp_glue *glue;
    SlirpTimerId id;
    void *cb_opaque;
    SlirpTimerCb legacy_cb; /* for the pre-version-4 timer_new path */
    void *host_timer;
} slirp_timer_shim;

struct slirp_glue {
    Slirp *slirp;
    SlirpCb callbacks;
    netsim_host_ops host;
    slirp_glue_output output;
    void *output_ctx;
    void *service_timer;
    bool needs_service;
};

static struct in_addr to_in_addr(uint32_t host_order)
{
    struct in_addr a;
    a.s_addr = htonl(host_order);
    return a;
}

static void log_line(slirp_glue *g, const char *fmt, const char *detail)
{
    char line[256];
    if (!g->host.log)
        return;
    snprintf(line, sizeof(line), fmt, detail);
    g->host.log(g->host.opaque, line);
}

/* ---- SlirpCb ---- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    slirp_glue *g = opaque;
    g->output(g->output_ctx, buf, len);
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    log_line(opaque, "slirp: guest error: %s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    slirp_glue *g = opaque;
    return (int64_t)g->host.now_ns(g->host.opaque);
}

static void shim_fire(void *opaque)
{
    slirp_timer_shim *t = opaque;
    if (t->legacy_cb)
        t->legacy_cb(t->cb_opaque);
    else
        slirp_handle_timer(t->glue->slirp, t->id, t->cb_opaque);
    slirp_glue_service(t->glue);
}

static void *new_shim(slirp_glue *g, SlirpTimerId id, SlirpTimerCb legacy, void *cb_opaque)
{
    slirp_timer_shim *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->glue = g;
    t->id = id;
    t->legacy_cb = legacy;
    t->cb_opaque = cb_opaque;
    t->host_timer = g->host.timer_new(g->host.opaque, shim_fire, t);
    if (!t->host_timer) {
        free(t);
        return NULL;
    }
    return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    return new_shim(opaque, id, NULL, cb_opaque);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    return new_shim(opaque, SLIRP_TIMER_NUM, cb, cb_opaque);
}

static void cb_timer_free(void *timer, void *opaque)
{
    slirp_glue *g = opaque;
    slirp_timer_shim *t = timer;
    if (!t)
        return;
    g->host.timer_free(g->host.opaque, t->host_timer);
    free(t);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    slirp_glue *g = opaque;
    slirp_timer_shim *t = timer;
    uint64_t deadline = expire_ms <= 0 ? 0 : (uint64_t)expire_ms * 1000000u;
    g->host.timer_mod(g->host.opaque, t->host_timer, deadline);
}

/* Restricted slirp opens no host sockets; these exist only because SlirpCb requires them. */
static void cb_register_poll_fd(int fd, void *opaque) {}
static void cb_unregister_poll_fd(int fd, void *opaque) {}
static void cb_notify(void *opaque) {}

static int add_poll_none(int fd, int events, void *opaque)
{
    return -1;
}

static int get_revents_none(int idx, void *opaque)
{
    return 0;
}

static void service_timer_fired(void *opaque)
{
    slirp_glue_service(opaque);
}

slirp_glue *slirp_glue_new(const slirp_glue_config *config, const netsim_host_ops *host,
                           slirp_glue_output output, void *output_ctx, char *error,
                           size_t error_size)
{
    SlirpConfig cfg;
    slirp_glue *g = calloc(1, sizeof(*g));

    if (!g) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    g->host = *host;
    g->output = output;
    g->output_ctx = output_ctx;

    g->callbacks.send_packet = cb_send_packet;
    g->callbacks.guest_error = cb_guest_error;
    g->callbacks.clock_get_ns = cb_clock_get_ns;
    g->callbacks.timer_new = cb_timer_new;
    g->callbacks.timer_free = cb_timer_free;
    g->callbacks.timer_mod = cb_timer_mod;
    g->callbacks.register_poll_fd = cb_register_poll_fd;
    g->callbacks.unregister_poll_fd = cb_unregister_poll_fd;
    g->callbacks.notify = cb_notify;
    g->callbacks.timer_new_opaque = cb_timer_new_opaque;

    memset(&cfg, 0, sizeof(cfg));
    cfg.version = 4;
    cfg.restricted = 1; /* nothing reaches the host's network */
    cfg.in_enabled = true;
    cfg.vnetwork = to_in_addr(config->network);
    cfg.vnetmask = to_in_addr(config->netmask);
    cfg.vhost = to_in_addr(config->host_addr);
    cfg.in6_enabled = false;
    cfg.vdhcp_start = to_in_addr(config->dhcp_start);
    /* the name server slirp answers ARP for: the router itself; DNS is answered before
     * slirp sees it (disable_dns) */
    cfg.vnameserver = to_in_addr(config->host_addr);
    cfg.if_mtu = config->mtu;
    cfg.if_mru = config->mtu;
    cfg.disable_host_loopback = true;
    cfg.enable_emu = false;
    cfg.disable_dns = true;
    cfg.disable_dhcp = true;

    g->service_timer = host->timer_new(host->opaque, service_timer_fired, g);
    if (!g->service_timer) {
        snprintf(error, error_size, "cannot create the slirp service timer");
        free(g);
        return NULL;
    }
    g->slirp = slirp_new(&cfg, &g->callbacks, g);
    if (!g->slirp) {
        snprintf(error, error_size, "slirp_new refused the configuration");
        host->timer_free(host->opaque, g->service_timer);
        free(g);
        return NULL;
    }
    return g;
}

void slirp_glue_free(slirp_glue *g)
{
    if (!g)
        return;
    slirp_cleanup(g->slirp);
    g->host.timer_free(g->host.opaque, g->service_timer);
    free(g);
}

void slirp_glue_input(slirp_glue *g, const uint8_t *frame, size_t len)
{
    if (len > (size_t)INT32_MAX)
        return;
    g->needs_service = true;
    slirp_input(g->slirp, frame, (int)len);
}

bool slirp_glue_needs_service(const slirp_glue *g)
{
    return g->needs_service;
}

void slirp_glue_service(slirp_glue *g)
{
    uint32_t timeout_ms = UINT32_MAX;
    uint64_t now;

    g->needs_service = false;
    /* poll first: it sets slirp's notion of "now" that fill then uses */
    slirp_pollfds_poll(g->slirp, 0, get_revents_none, g);
    slirp_pollfds_fill(g->slirp, &timeout_ms, add_poll_none, g);
    if (timeout_ms > SERVICE_MAX_MS)
        timeout_ms = SERVICE_MAX_MS;
    now = g->host.now_ns(g->host.opaque);
    g->host.timer_mod(g->host.opaque, g->service_timer, now + (uint64_t)timeout_ms * 1000000u);
}

int slirp_glue_add_forward(slirp_glue *g, uint32_t addr, uint16_t port,
                           slirp_glue_forward_write write, void *opaque)
{
    struct in_addr a = to_in_addr(addr);
    return slirp_add_guestfwd(g->slirp, write, opaque, &a, port);
}

size_t slirp_glue_forward_room(slirp_glue *g, uint32_t addr, uint16_t port)
{
    return slirp_socket_can_recv(g->slirp, to_in_addr(addr), port);
}

void slirp_glue_forward_send(slirp_glue *g, uint32_t addr, uint16_t port, const uint8_t *data,
                             size_t len)
{
    if (len == 0 || len > (size_t)INT32_MAX)
        return;
    slirp_socket_recv(g->slirp, to_in_addr(addr), port, data, (int)len);
}

char *slirp_glue_connection_info(slirp_glue *g)
{
    char *info = slirp_connection_info(g->slirp);
    char *copy;
    if (!info)
        return NULL;
    copy = strdup(info);
    g_free(info);
    return copy;
}
