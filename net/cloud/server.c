/*
 * The server object: key, DRBG, registry, faults and the list of sessions, plus the
 * bookkeeping every entry point shares (logging, notices, timers, deferred frees).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_key.h"
#include "session_internal.h"

uint64_t cloud_now(cloud_server *server)
{
    return server->ops.now_ns(server->ops.ctx);
}

void cloud_enter(cloud_server *server)
{
    server->busy++;
}

/* Give each session's earliest deadline to the host, when it changed; true if any did. */
static bool arm_timers(cloud_server *server)
{
    bool changed = false;

    for (cloud_session *s = server->sessions; s; s = s->next) {
        uint64_t deadline = s->free_pending ? CLOUD_NO_DEADLINE : cloud_session_deadline(s);
        if (deadline != s->armed_deadline_ns) {
            s->armed_deadline_ns = deadline;
            changed = true;
            if (server->ops.set_timer) {
                server->ops.set_timer(server->ops.ctx, s, deadline);
            }
        }
    }
    return changed;
}

/*
 * Leaving the outermost entry point: sessions closed meanwhile are freed only now, so no
 * callback ever runs on a freed session, whatever the host does inside its callbacks.
 */
void cloud_leave(cloud_server *server)
{
    if (server->busy > 1) {
        server->busy--;
        return;
    }
    /* A host may re-enter from set_timer or notify (nested calls only count depth), so
     * repeat until nothing changes; the bound only guards against a host that keeps
     * re-entering forever. */
    for (int round = 0; round < 16; round++) {
        bool pending = false;
        bool changed = arm_timers(server);
        for (cloud_session *s = server->sessions; s; s = s->next) {
            pending |= s->free_pending;
        }
        if (!pending && !changed) {
            break;
        }
        if (pending) {
            cloud_session_reap(server);
        }
    }
    server->busy = 0;
}

static void emit_log(cloud_server *server, cloud_session *s, cloud_log_level level,
                     const char *fmt, va_list ap)
{
    char message[1400];
    int prefix = 0;

    if (!server->ops.log) {
        return;
    }
    if (s) {
        prefix = snprintf(message, sizeof(message), "[%s%s%s] ", s->peer,
                          s->device_id[0] ? " " : "", s->device_id);
        if (prefix < 0 || (size_t)prefix >= sizeof(message)) {
            prefix = 0;
        }
    }
    vsnprintf(message + prefix, sizeof(message) - (size_t)prefix, fmt, ap);
    server->ops.log(server->ops.ctx, s, level, message);
}

void cloud_logf(cloud_session *s, cloud_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_log(s->server, s, level, fmt, ap);
    va_end(ap);
}

void cloud_server_logf(cloud_server *server, cloud_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_log(server, NULL, level, fmt, ap);
    va_end(ap);
}

void cloud_notify(cloud_session *s, const cloud_notice *notice)
{
    if (s->server->ops.notify) {
        s->server->ops.notify(s->server->ops.ctx, s, notice);
    }
}

int64_t cloud_next_request_id(cloud_server *server)
{
    if (server->next_request_id >= INT32_MAX) {
        server->next_request_id = 0;
    }
    return ++server->next_request_id;
}

static bool subscription_matches(const cloud_subscription *sub, cloud_session *from,
                                 const char *name)
{
    size_t filter_length = strlen(sub->filter);

    if (strncmp(name, sub->filter, filter_length) != 0) {
        return false;
    }
    if (sub->device_id[0]) {
        return from && strcmp(from->device_id, sub->device_id) == 0;
    }
    return true;
}

int cloud_deliver_event(cloud_server *server, cloud_session *from, const char *name,
                        const uint8_t *data, size_t data_length, bool is_public)
{
    int delivered = 0;

    /* System events stay between a device and the cloud: echoing a device's
     * spark/device/claim/code back would make it clear its own claim code. */
    if (from && (strncmp(name, "spark", 5) == 0 || strncmp(name, "particle", 8) == 0)) {
        return 0;
    }
    if (data_length > CLOUD_MAX_EVENT_DATA) {
        return 0;
    }
    for (cloud_session *s = server->sessions; s; s = s->next) {
        if (s->state != CLOUD_SESSION_CONNECTED || s->stalled) {
            continue;
        }
        for (size_t i = 0; i < s->subscription_count; i++) {
            if (subscription_matches(&s->subscriptions[i], from, name)) {
                if (cloud_session_send_event_internal(s, name, data, data_length, is_public)) {
                    cloud_logf(s, CLOUD_LOG_INFO, "event: delivered %s (subscription '%s')",
                               name, s->subscriptions[i].filter);
                    delivered++;
                }
                break; /* once per device, however many filters match */
            }
        }
    }
    return delivered;
}

void cloud_replace_older_sessions(cloud_session *s)
{
    for (cloud_session *other = s->server->sessions; other; other = other->next) {
        if (other != s && other->state != CLOUD_SESSION_CLOSED && !other->free_pending &&
            strcmp(other->device_id, s->device_id) == 0) {
            cloud_session_fail(other, CLOUD_FAILURE_REPLACED,
                               "device %s connected again from %s; closing this older session",
                               s->device_id, s->peer);
        }
    }
}

mbedtls_pk_context *cloud_wrong_key(cloud_server *server)
{
    char error[256];

    if (!server->wrong_key_ready) {
        cloud_server_logf(server, CLOUD_LOG_WARN,
                          "generating a second RSA-2048 key for the wrong-key fault (once)");
        if (cloud_server_key_generate(&server->wrong_key, &server->rng, error, sizeof(error)) != 0) {
            cloud_server_logf(server, CLOUD_LOG_ERROR, "%s", error);
            return NULL;
        }
        server->wrong_key_ready = true;
    }
    return &server->wrong_key;
}

cloud_server *cloud_server_new(const cloud_server_config *config, const cloud_ops *ops,
                               char *error, size_t error_size)
{
    cloud_server *server;
    bool created = false;
    int ret;

    if (!ops || !ops->now_ns || !ops->send || !ops->close) {
        snprintf(error, error_size, "cloud_ops needs now_ns, send and close");
        return NULL;
    }
    server = calloc(1, sizeof(*server));
    if (!server) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    server->ops = *ops;
    mbedtls_pk_init(&server->key);
    mbedtls_pk_init(&server->wrong_key);
    ret = cloud_rng_init(&server->rng, config->seed, config->seed_length);
    if (ret != 0) {
        snprintf(error, error_size, "CTR-DRBG setup failed (mbedTLS -0x%04x)", (unsigned)-ret);
        goto fail;
    }
    server->registry = cloud_registry_open(config->registry_dir, error, error_size);
    if (!server->registry) {
        goto fail;
    }
    if (config->server_key) {
        if (cloud_server_key_parse(&server->key, config->server_key, config->server_key_length,
                                   error, error_size) != 0) {
            goto fail;
        }
    } else {
        if (!config->registry_dir) {
            cloud_server_logf(server, CLOUD_LOG_WARN,
                              "no server key given and no registry directory: generating an "
                              "in-memory RSA-2048 key (devices need it in their DCT)");
        }
        if (cloud_server_key_load_or_create(&server->key, config->registry_dir, &server->rng,
                                            &created, error, error_size) != 0) {
            goto fail;
        }
        if (created && config->registry_dir) {
            cloud_server_logf(server, CLOUD_LOG_INFO,
                              "generated a new server key in %s/%s; its 294-byte public key for "
                              "the DCT (offset 2082) is %s/%s",
                              config->registry_dir, CLOUD_SERVER_KEY_FILE, config->registry_dir,
                              CLOUD_SERVER_PUBLIC_FILE);
        }
    }
    if (cloud_server_key_spki(&server->key, server->spki, error, error_size) != 0) {
        goto fail;
    }
    cloud_rsa_modulus_prefix(&server->key, server->fingerprint, sizeof(server->fingerprint));
    if (config->wrong_server_key) {
        if (cloud_server_key_parse(&server->wrong_key, config->wrong_server_key,
                                   config->wrong_server_key_length, error, error_size) != 0) {
            size_t used = strlen(error);
            snprintf(error + used, error_size - used, " (the wrong-key fault key)");
            goto fail;
        }
        server->wrong_key_ready = true;
    }
    server->reject_unknown = config->reject_unknown_devices;
    server->unix_time_offset_s = config->unix_time_offset_s;
    server->describe_after_hello = config->describe_after_hello;
    server->request_timeout_ns = (config->request_timeout_ms ? config->request_timeout_ms
                                                             : CLOUD_DEFAULT_REQUEST_TIMEOUT_MS) *
                                 CLOUD_NS_PER_MS;
    server->fast_ota_interval_ns =
        (config->fast_ota_chunk_interval_ms ? config->fast_ota_chunk_interval_ms
                                            : CLOUD_DEFAULT_FAST_OTA_INTERVAL_MS) *
        CLOUD_NS_PER_MS;
    server->faults = config->faults;
    cloud_server_logf(server, CLOUD_LOG_INFO, "server key RSA-2048, modulus %s; %s; %s",
                      server->fingerprint,
                      config->registry_dir ? config->registry_dir : "in-memory registry",
                      server->reject_unknown ? "unknown devices rejected"
                                             : "unknown devices trusted on first use");
    return server;
fail:
    cloud_registry_free(server->registry);
    mbedtls_pk_free(&server->key);
    mbedtls_pk_free(&server->wrong_key);
    cloud_rng_free(&server->rng);
    free(server);
    return NULL;
}

void cloud_server_free(cloud_server *server)
{
    if (!server) {
        return;
    }
    /* No callbacks from here on: the host is tearing down. */
    server->ops.notify = NULL;
    server->ops.set_timer = NULL;
    server->ops.log = NULL;
    for (cloud_session *s = server->sessions; s; s = s->next) {
        if (s->failure == CLOUD_FAILURE_NONE) {
            s->failure = CLOUD_FAILURE_SERVER_SHUTDOWN;
        }
        s->free_pending = true;
    }
    server->busy = 1;
    cloud_session_reap(server);
    cloud_registry_free(server->registry);
    mbedtls_pk_free(&server->key);
    mbedtls_pk_free(&server->wrong_key);
    cloud_rng_free(&server->rng);
    free(server);
}

int cloud_server_public_key_spki(const cloud_server *server, uint8_t out[CLOUD_SERVER_SPKI_LEN])
{
    memcpy(out, server->spki, CLOUD_SERVER_SPKI_LEN);
    return 0;
}

const char *cloud_server_key_fingerprint(const cloud_server *server)
{
    return server->fingerprint;
}

cloud_registry *cloud_server_registry(cloud_server *server)
{
    return server->registry;
}

cloud_faults *cloud_server_faults(cloud_server *server)
{
    return &server->faults;
}

void cloud_server_set_reject_unknown(cloud_server *server, bool reject)
{
    server->reject_unknown = reject;
}

int cloud_server_publish(cloud_server *server, const char *name, const uint8_t *data,
                         size_t data_length, bool is_public)
{
    int delivered;
    size_t name_length = name ? strlen(name) : 0;

    if (name_length == 0 || name_length > CLOUD_NAME_MAX || data_length > CLOUD_MAX_EVENT_DATA) {
        cloud_server_logf(server, CLOUD_LOG_WARN,
                          "publish: event name must be 1..64 characters and data <= 622 bytes");
        return -1;
    }
    cloud_enter(server);
    delivered = cloud_deliver_event(server, NULL, name, data, data_length, is_public);
    cloud_server_logf(server, CLOUD_LOG_INFO, "publish: %s delivered to %d device(s)", name,
                      delivered);
    cloud_leave(server);
    return delivered;
}

cloud_session *cloud_server_next_session(cloud_server *server, cloud_session *after)
{
    return after ? after->next : server->sessions;
}

cloud_session *cloud_server_find_session(cloud_server *server, const char *id_or_name)
{
    char id[25] = "";

    if (!id_or_name) {
        return NULL;
    }
    if (cloud_device_id_valid(id_or_name)) {
        for (int i = 0; i < 24; i++) {
            char c = id_or_name[i];
            id[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
        }
        id[24] = '\0';
    } else if (!cloud_registry_find_name(server->registry, id_or_name, id)) {
        return NULL;
    }
    for (cloud_session *s = server->sessions; s; s = s->next) {
        if (s->state == CLOUD_SESSION_CONNECTED && !s->free_pending &&
            strcmp(s->device_id, id) == 0) {
            return s;
        }
    }
    return NULL;
}
