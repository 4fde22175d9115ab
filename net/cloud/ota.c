/*
 * Over-the-air update of the user part (cloud-protocol.md §2.11; Device OS
 * chunked_transfer.cpp).
 *
 *   UpdateBegin  CON POST /u  payload: flags, chunk size, length, store, address (20 bytes)
 *                device: empty ACK, then UpdateReady (NON 2.04 + fast flag), or a 5.03 ACK
 *   Chunk        CON POST /c  ?crc32 [?index]  payload
 *                normal mode: empty ACK, then NON 2.04 (OK) or 4.00 (BAD CRC: resend)
 *                fast mode:   no reply; missing chunks are reported at UpdateDone
 *   UpdateDone   CON PUT /u   device: ACK 2.04 {"r":..} and it resets to apply the image,
 *                or (fast mode) ACK 4.00 and then ChunkMissed (GET /c, BE16 indices)
 *
 * In normal mode the device writes chunk k at k * chunk_size by counting the chunks it
 * accepted, so a chunk the server skips shifts every later one: the drop fault then
 * corrupts the image, which only the device's final validation notices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "session_internal.h"
#include "util.h"

#define OTA_DEFAULT_CHUNK 512
#define OTA_MAX_CHUNKS 65535u
/* 4 header + 1 token + 2 path + 5 CRC option + 3 index option + 1 marker = 16 */
#define OTA_CHUNK_OVERHEAD 16
#define OTA_MAX_CHUNK (CLOUD_CHANNEL_MAX_SEND_PLAINTEXT - OTA_CHUNK_OVERHEAD)
#define OTA_DEFAULT_RETRIES 5

typedef enum ota_phase {
    OTA_WAIT_READY,   /* UpdateBegin sent */
    OTA_SENDING,      /* normal: a chunk in flight; fast: streaming the queue */
    OTA_WAIT_DONE,    /* UpdateDone sent */
    OTA_WAIT_MISSED,  /* fast: UpdateDone got 4.00, ChunkMissed expected */
} ota_phase;

struct cloud_ota {
    int64_t request_id;
    uint8_t *image;
    size_t size;
    uint16_t chunk_size;
    uint32_t chunk_count;
    bool fast_requested;
    bool fast;
    unsigned max_retries;
    ota_phase phase;
    uint8_t *offers;     /* per chunk: times offered (saturating); faults act on the first */
    uint32_t current;    /* normal: chunk in flight */
    unsigned attempts;   /* normal: attempts of `current` */
    uint32_t confirmed;  /* normal: chunks the device accepted */
    uint32_t *queue;     /* fast: chunks to stream this round */
    size_t queue_length;
    size_t queue_position;
    unsigned done_rounds;
    uint64_t next_send_ns;
    uint64_t missed_deadline_ns;
    unsigned last_decile;
};

static void release_ota_requests(cloud_session *s)
{
    for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
        cloud_request *r = &s->requests[i];
        if (r->in_use && (r->kind == CLOUD_REQUEST_OTA_BEGIN || r->kind == CLOUD_REQUEST_OTA_CHUNK ||
                          r->kind == CLOUD_REQUEST_OTA_DONE)) {
            cloud_session_release_request(r);
        }
    }
}

void cloud_ota_free(cloud_session *s, const char *abort_reason)
{
    struct cloud_ota *ota = s->ota;

    if (!ota) {
        return;
    }
    if (abort_reason) {
        cloud_notice notice = {
            .kind = CLOUD_NOTICE_OTA_FAILED,
            .request_id = (uint32_t)ota->request_id,
            .text = abort_reason,
        };
        cloud_logf(s, CLOUD_LOG_ERROR, "ota: failed: %s", abort_reason);
        cloud_notify(s, &notice);
    }
    release_ota_requests(s);
    free(ota->image);
    free(ota->offers);
    free(ota->queue);
    free(ota);
    s->ota = NULL;
}

static void ota_fail(cloud_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ota_fail(cloud_session *s, const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cloud_ota_free(s, text);
}

static bool listed(const uint32_t *list, size_t count, uint32_t index)
{
    for (size_t i = 0; i < count && i < CLOUD_FAULT_MAX_CHUNKS; i++) {
        if (list[i] == index) {
            return true;
        }
    }
    return false;
}

static size_t chunk_length(const struct cloud_ota *ota, uint32_t index)
{
    size_t offset = (size_t)index * ota->chunk_size;
    size_t remaining = ota->size - offset;
    return remaining < ota->chunk_size ? remaining : ota->chunk_size;
}

/*
 * Offer chunk `index` to the device.  Returns false when the drop fault swallowed it
 * (nothing sent) or sending failed.
 */
static bool offer_chunk(cloud_session *s, uint32_t index)
{
    struct cloud_ota *ota = s->ota;
    uint8_t buf[CLOUD_CHANNEL_MAX_SEND_PLAINTEXT];
    const uint8_t *data = ota->image + (size_t)index * ota->chunk_size;
    size_t length = chunk_length(ota, index);
    bool first_offer = ota->offers[index] == 0;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)length);
    uint8_t crc_bytes[4], index_bytes[2];
    uint16_t message_id;
    uint8_t token;
    cloud_request *r = NULL;
    coap_writer w;
    int message_length;

    if (ota->offers[index] < 255) {
        ota->offers[index]++;
    }
    if (first_offer && listed(s->faults.ota_drop_chunks, s->faults.ota_drop_count, index)) {
        cloud_logf(s, CLOUD_LOG_WARN, "fault: not sending chunk %u%s", (unsigned)index,
                   ota->fast ? " (the device will report it missing)"
                             : " (normal mode: later chunks land one slot early and the image "
                               "is corrupt)");
        return false;
    }
    if (first_offer && listed(s->faults.ota_bad_crc_chunks, s->faults.ota_bad_crc_count, index)) {
        cloud_logf(s, CLOUD_LOG_WARN, "fault: sending chunk %u with a wrong CRC", (unsigned)index);
        crc ^= 0xffffffffu;
    }
    if (!ota->fast) {
        r = cloud_session_new_request(s, CLOUD_REQUEST_OTA_CHUNK, ota->request_id, true,
                                      s->server->request_timeout_ns);
        if (!r) {
            ota_fail(s, "no request slot for chunk %u", (unsigned)index);
            return false;
        }
        r->chunk_index = index;
        snprintf(r->name, sizeof(r->name), "chunk %u", (unsigned)index);
        message_id = r->message_id;
        token = r->token;
    } else {
        /* fast mode: nobody answers, but the device still parses at fixed offsets
         * that assume a 1-byte token */
        message_id = cloud_session_next_message_id(s);
        token = s->next_token++;
    }
    cloud_put_be32(crc_bytes, crc);
    cloud_put_be16(index_bytes, (uint16_t)index);
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_POST, message_id, &token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "c", 1);
    coap_writer_option(&w, COAP_OPTION_URI_QUERY, crc_bytes, 4);
    if (ota->fast) {
        coap_writer_option(&w, COAP_OPTION_URI_QUERY, index_bytes, 2);
    }
    coap_writer_payload(&w, data, length);
    message_length = coap_writer_end(&w);
    if (message_length < 0 || !cloud_session_send_message(s, buf, (size_t)message_length)) {
        if (r) {
            cloud_session_release_request(r);
        }
        if (s->ota) {
            ota_fail(s, "could not send chunk %u", (unsigned)index);
        }
        return false;
    }
    return true;
}

static void report_progress(cloud_session *s, uint32_t done)
{
    struct cloud_ota *ota = s->ota;
    unsigned decile = (unsigned)((uint64_t)done * 10 / ota->chunk_count);
    cloud_notice notice = {
        .kind = CLOUD_NOTICE_OTA_PROGRESS,
        .request_id = (uint32_t)ota->request_id,
        .value = done,
        .total = ota->chunk_count,
    };

    if (decile > ota->last_decile) {
        ota->last_decile = decile;
        cloud_logf(s, CLOUD_LOG_INFO, "ota: %u of %u chunks%s", (unsigned)done,
                   (unsigned)ota->chunk_count, ota->fast ? " sent" : " accepted");
    }
    cloud_notify(s, &notice);
}

static void send_update_done(cloud_session *s)
{
    struct cloud_ota *ota = s->ota;
    uint8_t buf[16];
    coap_writer w;
    cloud_request *r;
    int length;

    r = cloud_session_new_request(s, CLOUD_REQUEST_OTA_DONE, ota->request_id, true,
                                  s->server->request_timeout_ns);
    if (!r) {
        ota_fail(s, "no request slot for UpdateDone");
        return;
    }
    snprintf(r->name, sizeof(r->name), "UpdateDone");
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_PUT, r->message_id, &r->token,
                      1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "u", 1);
    length = coap_writer_end(&w);
    ota->phase = OTA_WAIT_DONE;
    ota->done_rounds++;
    cloud_logf(s, CLOUD_LOG_INFO, "ota: sending UpdateDone (round %u)", ota->done_rounds);
    if (!cloud_session_send_message(s, buf, (size_t)length)) {
        cloud_session_release_request(r);
        ota_fail(s, "could not send UpdateDone");
    }
}

/* Normal mode: offer `current`, skipping chunks the drop fault swallows. */
static void send_current_chunk(cloud_session *s)
{
    struct cloud_ota *ota = s->ota;

    while (s->ota && ota->current < ota->chunk_count) {
        if (offer_chunk(s, ota->current)) {
            return;
        }
        if (!s->ota) {
            return; /* sending failed */
        }
        ota->current++; /* dropped: the device never hears of it */
        ota->attempts = 0;
    }
    if (s->ota) {
        send_update_done(s);
    }
}

static void start_streaming(cloud_session *s, const uint32_t *indices, size_t count)
{
    struct cloud_ota *ota = s->ota;

    if (indices != ota->queue) {
        memmove(ota->queue, indices, count * sizeof(*indices));
    }
    ota->queue_length = count;
    ota->queue_position = 0;
    ota->phase = OTA_SENDING;
    ota->next_send_ns = cloud_now(s->server);
    cloud_ota_timer(s, ota->next_send_ns); /* the first chunk goes at once */
}

int64_t cloud_ota_start(cloud_session *s, const uint8_t *image, size_t length,
                        const cloud_ota_options *options)
{
    cloud_ota_options defaults = { 0 };
    struct cloud_ota *ota;
    uint8_t buf[32], begin[12];
    coap_writer w;
    cloud_request *r;
    int message_length;

    if (!options) {
        options = &defaults;
    }
    if (s->ota) {
        cloud_logf(s, CLOUD_LOG_WARN, "ota: an update is already running");
        return -1;
    }
    uint16_t chunk_size = options->chunk_size ? options->chunk_size : OTA_DEFAULT_CHUNK;
    if (!image || length == 0 || chunk_size > OTA_MAX_CHUNK ||
        (length + chunk_size - 1) / chunk_size > OTA_MAX_CHUNKS || length > UINT32_MAX) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "ota: need a non-empty image of at most 65535 chunks of at most %d bytes",
                   OTA_MAX_CHUNK);
        return -1;
    }
    ota = calloc(1, sizeof(*ota));
    if (!ota) {
        return -1;
    }
    ota->chunk_size = chunk_size;
    ota->chunk_count = (uint32_t)((length + chunk_size - 1) / chunk_size);
    ota->image = malloc(length);
    ota->offers = calloc(ota->chunk_count, 1);
    ota->queue = calloc(ota->chunk_count, sizeof(*ota->queue));
    if (!ota->image || !ota->offers || !ota->queue) {
        free(ota->image);
        free(ota->offers);
        free(ota->queue);
        free(ota);
        return -1;
    }
    memcpy(ota->image, image, length);
    ota->size = length;
    ota->fast_requested = options->fast;
    ota->max_retries = options->max_retries ? options->max_retries : OTA_DEFAULT_RETRIES;
    ota->request_id = cloud_next_request_id(s->server);
    ota->phase = OTA_WAIT_READY;
    s->ota = ota;

    r = cloud_session_new_request(s, CLOUD_REQUEST_OTA_BEGIN, ota->request_id, true,
                                  s->server->request_timeout_ns);
    if (!r) {
        cloud_ota_free(s, NULL);
        return -1;
    }
    snprintf(r->name, sizeof(r->name), "UpdateBegin");
    begin[0] = options->fast ? 1 : 0;
    cloud_put_be16(begin + 1, chunk_size);
    cloud_put_be32(begin + 3, (uint32_t)length);
    begin[7] = 0; /* store: firmware */
    cloud_put_be32(begin + 8, 0); /* address: the device picks the OTA region */
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_POST, r->message_id,
                      &r->token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "u", 1);
    coap_writer_payload(&w, begin, sizeof(begin));
    message_length = coap_writer_end(&w);
    cloud_logf(s, CLOUD_LOG_INFO,
               "ota: UpdateBegin: %zu bytes in %u chunks of %u, %s mode (request %lld)", length,
               (unsigned)ota->chunk_count, chunk_size, options->fast ? "fast" : "normal",
               (long long)ota->request_id);
    if (!cloud_session_send_message(s, buf, (size_t)message_length)) {
        cloud_ota_free(s, NULL);
        return -1;
    }
    return ota->request_id;
}

static void on_update_ready(cloud_session *s, const coap_message *m)
{
    struct cloud_ota *ota = s->ota;

    ota->fast = m->payload_length >= 1 && (m->payload[0] & 1);
    if (ota->fast != ota->fast_requested) {
        cloud_logf(s, CLOUD_LOG_WARN, "ota: asked for %s mode, the device chose %s mode",
                   ota->fast_requested ? "fast" : "normal", ota->fast ? "fast" : "normal");
    }
    cloud_logf(s, CLOUD_LOG_INFO, "ota: device is ready (UpdateReady, %s mode)",
               ota->fast ? "fast" : "normal");
    ota->phase = OTA_SENDING;
    if (ota->fast) {
        for (uint32_t i = 0; i < ota->chunk_count; i++) {
            ota->queue[i] = i;
        }
        start_streaming(s, ota->queue, ota->chunk_count);
    } else {
        ota->current = 0;
        ota->attempts = 0;
        send_current_chunk(s);
    }
}

static void on_chunk_result(cloud_session *s, cloud_request *r, uint8_t code)
{
    struct cloud_ota *ota = s->ota;
    uint32_t index = r->chunk_index;

    cloud_session_release_request(r);
    if (ota->phase != OTA_SENDING || index != ota->current) {
        cloud_logf(s, CLOUD_LOG_DEBUG, "ota: stale result for chunk %u", (unsigned)index);
        return;
    }
    if (code == COAP_CODE_CHANGED) {
        ota->confirmed++;
        ota->current++;
        ota->attempts = 0;
        report_progress(s, ota->confirmed);
        send_current_chunk(s);
        return;
    }
    ota->attempts++;
    if (ota->attempts > ota->max_retries) {
        ota_fail(s, "the device rejected chunk %u %u times (code %u.%02u)", (unsigned)index,
                 ota->attempts, coap_code_class(code), coap_code_detail(code));
        return;
    }
    cloud_logf(s, CLOUD_LOG_WARN,
               "ota: device reports a bad CRC for chunk %u (code %u.%02u); resending (attempt %u "
               "of %u)",
               (unsigned)index, coap_code_class(code), coap_code_detail(code), ota->attempts + 1,
               ota->max_retries + 1);
    send_current_chunk(s);
}

static void on_update_done_reply(cloud_session *s, cloud_request *r, const coap_message *m)
{
    struct cloud_ota *ota = s->ota;
    char result[256];
    size_t n = m->payload_length < sizeof(result) - 1 ? m->payload_length : sizeof(result) - 1;

    cloud_session_release_request(r);
    memcpy(result, m->payload ? (const char *)m->payload : "", n);
    result[n] = '\0';
    if (m->code == COAP_CODE_CHANGED) {
        cloud_notice notice = {
            .kind = CLOUD_NOTICE_OTA_DONE,
            .request_id = (uint32_t)ota->request_id,
            .data = m->payload,
            .data_length = m->payload_length,
            .text = result,
        };
        cloud_logf(s, CLOUD_LOG_INFO,
                   "ota: the device accepted the image (%s); it resets to apply it",
                   n ? result : "no validation result");
        s->ota_completed = true;
        cloud_notify(s, &notice);
        cloud_ota_free(s, NULL);
        return;
    }
    if (m->code == COAP_CODE_BAD_REQUEST && ota->fast) {
        if (ota->done_rounds > ota->max_retries + ota->chunk_count) {
            ota_fail(s, "chunks still missing after %u UpdateDone rounds", ota->done_rounds);
            return;
        }
        if (ota->phase == OTA_WAIT_DONE) { /* unless the list already came and is being sent */
            ota->phase = OTA_WAIT_MISSED;
            ota->missed_deadline_ns = cloud_now(s->server) + s->server->request_timeout_ns;
            cloud_logf(s, CLOUD_LOG_INFO,
                       "ota: device reports missing chunks; waiting for the list");
        }
        return;
    }
    ota_fail(s, "the device answered UpdateDone with %u.%02u%s%s", coap_code_class(m->code),
             coap_code_detail(m->code), n ? ": " : "", result);
}

void cloud_ota_on_reply(cloud_session *s, cloud_request *r, const coap_message *m, bool is_ack)
{
    struct cloud_ota *ota = s->ota;

    if (!ota || r->request_id != ota->request_id) {
        cloud_session_release_request(r);
        return;
    }
    if (m->type == COAP_TYPE_RST) {
        cloud_session_release_request(r);
        ota_fail(s, "the device reset (RST) %s", r->name);
        return;
    }
    if (is_ack && m->code == COAP_CODE_EMPTY) {
        r->acknowledged = true; /* the real answer follows separately */
        return;
    }
    switch (r->kind) {
    case CLOUD_REQUEST_OTA_BEGIN:
        cloud_session_release_request(r);
        if (m->code == COAP_CODE_CHANGED) { /* separate (Device OS) or piggybacked */
            on_update_ready(s, m);
        } else if (m->code == COAP_CODE_SERVICE_UNAVAILABLE) {
            ota_fail(s, "the device refused the update (5.03): updates are disabled in the app "
                        "or the image does not fit (max_binary 262144 on a Photon)");
        } else {
            ota_fail(s, "the device answered UpdateBegin with %u.%02u", coap_code_class(m->code),
                     coap_code_detail(m->code));
        }
        return;
    case CLOUD_REQUEST_OTA_CHUNK:
        on_chunk_result(s, r, m->code);
        return;
    case CLOUD_REQUEST_OTA_DONE:
        on_update_done_reply(s, r, m);
        return;
    default:
        return;
    }
}

void cloud_ota_on_timeout(cloud_session *s, cloud_request *r)
{
    char what[CLOUD_NAME_MAX + 1];
    bool acknowledged = r->acknowledged;

    memcpy(what, r->name, sizeof(what));
    cloud_session_release_request(r);
    if (s->ota) {
        ota_fail(s, "no %s for %s in time", acknowledged ? "result" : "answer", what);
    }
}

void cloud_ota_on_chunk_missed(cloud_session *s, const coap_message *m)
{
    struct cloud_ota *ota = s->ota;
    size_t count = 0;

    if (!ota || !ota->fast) {
        cloud_logf(s, CLOUD_LOG_WARN, "ota: ChunkMissed without a fast-mode update running");
        return;
    }
    if (m->payload_length % 2 != 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "ota: ChunkMissed payload has an odd length (%zu)",
                   m->payload_length);
    }
    for (size_t i = 0; i + 1 < m->payload_length && count < ota->chunk_count; i += 2) {
        uint32_t index = cloud_get_be16(m->payload + i);
        if (index >= ota->chunk_count) {
            cloud_logf(s, CLOUD_LOG_WARN, "ota: device reports missing chunk %u of only %u",
                       (unsigned)index, (unsigned)ota->chunk_count);
            continue;
        }
        ota->queue[count++] = index;
    }
    if (count == 0) {
        return;
    }
    cloud_logf(s, CLOUD_LOG_INFO, "ota: device misses %zu chunk(s), first %u; resending", count,
               (unsigned)ota->queue[0]);
    start_streaming(s, ota->queue, count);
}

uint64_t cloud_ota_deadline(cloud_session *s)
{
    struct cloud_ota *ota = s->ota;

    if (!ota) {
        return CLOUD_NO_DEADLINE;
    }
    if (ota->phase == OTA_SENDING && ota->fast) {
        return ota->next_send_ns;
    }
    if (ota->phase == OTA_WAIT_MISSED) {
        return ota->missed_deadline_ns;
    }
    return CLOUD_NO_DEADLINE;
}

void cloud_ota_timer(cloud_session *s, uint64_t now)
{
    struct cloud_ota *ota = s->ota;

    if (!ota) {
        return;
    }
    if (ota->phase == OTA_WAIT_MISSED && now >= ota->missed_deadline_ns) {
        ota_fail(s, "the device reported missing chunks but never listed them");
        return;
    }
    if (ota->phase != OTA_SENDING || !ota->fast || now < ota->next_send_ns) {
        return;
    }
    /* one chunk per tick: the Photon reads one frame per loop and its socket buffer is
     * small, so a burst risks the split-length hazard */
    while (ota->queue_position < ota->queue_length) {
        uint32_t index = ota->queue[ota->queue_position++];
        bool sent = offer_chunk(s, index);
        if (!s->ota) {
            return;
        }
        if (sent) {
            report_progress(s, (uint32_t)ota->queue_position);
            ota->next_send_ns = now + s->server->fast_ota_interval_ns;
            if (ota->queue_position < ota->queue_length) {
                return;
            }
        }
    }
    send_update_done(s);
}
