/*
 * SDPCM on function 2: the host writes one frame per CMD53; the chip queues whole frames
 * for the host and serves them byte-sequentially to CMD53 reads.  Reference §2.
 *
 * Credits: every chip frame carries credit = (last host sequence + 1) + 7, stamped when
 * the host starts reading the frame, so it is as fresh as possible and never more than 7
 * ahead of what the host has (WWD ignores larger jumps).  A poke or an exhausted window
 * gets a 12-byte credit-only frame.
 */
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

#define I_HMB_FRAME_IND 0x40u
#define BDC_HEADER_LEN 4

void sdpcm_reset(struct sdpcm *s)
{
    memset(s, 0, sizeof *s);
    s->last_credit_sent = 1;            /* what WWD assumes before any chip frame */
}

void sdpcm_sanitize(struct sdpcm *s)
{
    s->head %= SDPCM_QUEUE_LEN;
    if (s->count > SDPCM_QUEUE_LEN) {
        s->count = SDPCM_QUEUE_LEN;
    }
    for (size_t i = 0; i < SDPCM_QUEUE_LEN; i++) {
        uint16_t len = s->queue[i].len;
        s->queue[i].len = len < SDPCM_HEADER_LEN ? SDPCM_HEADER_LEN : len > SDPCM_MAX_FRAME ? SDPCM_MAX_FRAME : len;
    }
    if (s->count == 0 || s->read_offset >= s->queue[s->head].len) {
        s->read_offset = 0;
    }
}

static struct sdpcm_frame *queued(struct sdpcm *s, unsigned index)
{
    return &s->queue[(s->head + index) % SDPCM_QUEUE_LEN];
}

static uint8_t credit_now(const struct sdpcm *s)
{
    return (uint8_t)(s->host_next_seq + SDPCM_CREDIT_WINDOW);
}

static void retire_head(struct sdpcm *s)
{
    s->head = (uint8_t)((s->head + 1) % SDPCM_QUEUE_LEN);
    s->count--;
    s->read_offset = 0;
}

static bool enqueue(bcm43362 *chip, enum sdpcm_channel channel, uint8_t doff, const uint8_t *body, size_t len)
{
    struct sdpcm *s = &chip->s.sdpcm;
    const unsigned limit = channel == SDPCM_DATA ? SDPCM_QUEUE_DATA_LIMIT : SDPCM_QUEUE_LEN;
    if (len > (size_t)(SDPCM_MAX_FRAME - doff)) {
        chip_log(chip, "bcm43362: internal: %zu-byte frame body does not fit SDPCM; dropped", len);
        return false;
    }
    if (s->count >= limit) {
        chip->s.diag.stats.frames_dropped_queue_full++;
        if (chip_log_once(chip, LOG_ONCE_QUEUE_FULL)) {
            chip_log(chip, "bcm43362: chip→host queue full (%u frames; the host is not reading F2); "
                     "dropping channel %d frames (logged once)", s->count, channel);
        }
        return false;
    }
    struct sdpcm_frame *f = queued(s, s->count);
    const uint16_t total = (uint16_t)(doff + len);
    memset(f->bytes, 0, doff);
    put_le16(&f->bytes[0], total);
    put_le16(&f->bytes[2], (uint16_t)~total);
    f->bytes[4] = s->chip_tx_seq++;
    f->bytes[5] = (uint8_t)channel;
    f->bytes[7] = doff;                 /* [6] next_length, [8] flow control: always 0 */
    f->bytes[9] = credit_now(s);        /* re-stamped when the host starts reading */
    if (len) {
        memcpy(&f->bytes[doff], body, len);
    }
    f->len = total;
    s->count++;
    chip->s.diag.stats.chip_frames++;
    chip->s.core.intstatus |= I_HMB_FRAME_IND;
    return true;
}

bool sdpcm_send(bcm43362 *chip, enum sdpcm_channel channel, const uint8_t *body, size_t len)
{
    return enqueue(chip, channel, channel == SDPCM_DATA ? SDPCM_DATA_DOFF : SDPCM_HEADER_LEN, body, len);
}

/* A header-only frame whose only content is the credit byte. */
static void send_credit_update(bcm43362 *chip)
{
    struct sdpcm *s = &chip->s.sdpcm;
    if (s->count > 0) {
        const struct sdpcm_frame *last = queued(s, s->count - 1u);
        const bool last_is_unread = s->count > 1 || s->read_offset == 0;
        if (last->len == SDPCM_HEADER_LEN && last_is_unread) {
            chip->s.core.intstatus |= I_HMB_FRAME_IND;  /* it will carry the fresh credit */
            return;
        }
    }
    if (enqueue(chip, SDPCM_CONTROL, SDPCM_HEADER_LEN, NULL, 0)) {
        chip->s.diag.stats.credit_frames++;
    }
}

void sdpcm_poke(bcm43362 *chip)
{
    chip->s.diag.stats.pokes++;
    if (chip->s.fw.running) {
        send_credit_update(chip);
    }
}

void sdpcm_host_read(bcm43362 *chip, uint8_t *buf, size_t len)
{
    struct sdpcm *s = &chip->s.sdpcm;
    memset(buf, 0, len);
    if (s->count == 0) {
        return;                         /* an all-zero tag means "nothing queued" */
    }
    struct sdpcm_frame *f = queued(s, 0);
    if (s->read_offset == 0) {
        f->bytes[9] = credit_now(s);
        s->last_credit_sent = f->bytes[9];
    }
    const size_t remaining = f->len - s->read_offset;
    if (len < remaining) {
        memcpy(buf, &f->bytes[s->read_offset], len);
        s->read_offset = (uint16_t)(s->read_offset + len);
        return;
    }
    /* The rest of the frame, then zero padding: never bytes of the next frame. */
    memcpy(buf, &f->bytes[s->read_offset], remaining);
    retire_head(s);
}

void sdpcm_abort_read(bcm43362 *chip)
{
    struct sdpcm *s = &chip->s.sdpcm;
    chip->s.diag.stats.f2_aborts++;
    /* Only a frame the host has started reading is dropped, so IOABORT followed by RF_TERM
     * (WWD does both) loses one frame, not two. */
    if (s->count > 0 && s->read_offset > 0) {
        retire_head(s);
    }
    if (s->count > 0) {
        chip->s.core.intstatus |= I_HMB_FRAME_IND;      /* the host stops its read loop on abort */
    }
}

static void bad_frame(bcm43362 *chip, const char *why, size_t len)
{
    chip->s.diag.stats.host_frames_bad++;
    if (chip_log_once(chip, LOG_ONCE_BAD_FRAME)) {
        chip_log(chip, "bcm43362: host F2 frame dropped: %s (%zu bytes written; logged once)", why, len);
    }
}

static void data_frame_from_host(bcm43362 *chip, const uint8_t *body, size_t len)
{
    if (len < BDC_HEADER_LEN) {
        bad_frame(chip, "data frame shorter than its BDC header", len);
        return;
    }
    const unsigned ifidx = body[2] & 0x0F;
    const size_t payload = BDC_HEADER_LEN + 4u * body[3];
    if (payload > len) {
        bad_frame(chip, "BDC data offset beyond the frame", len);
        return;
    }
    wl_data_from_host(chip, ifidx, body + payload, len - payload);
}

void sdpcm_host_write(bcm43362 *chip, const uint8_t *data, size_t len)
{
    struct sdpcm *s = &chip->s.sdpcm;
    chip->s.diag.stats.host_frames++;
    if (len < 4) {
        bad_frame(chip, "shorter than a frame tag", len);
        return;
    }
    const uint16_t frame_len = get_le16(data);
    if ((frame_len ^ get_le16(data + 2)) != 0xFFFF || frame_len < SDPCM_HEADER_LEN) {
        bad_frame(chip, "bad frame tag", len);
        return;
    }
    if (frame_len > len || frame_len > SDPCM_MAX_FRAME) {
        bad_frame(chip, "frame tag longer than the transfer or the MTU", len);
        return;
    }
    const uint8_t seq = data[4];
    const unsigned channel = data[5] & 0x0F;
    const uint8_t doff = data[7];

    /* The host may use sequences [host_next_seq, last_credit_sent). */
    if ((uint8_t)(seq - s->host_next_seq) >= (uint8_t)(s->last_credit_sent - s->host_next_seq)) {
        chip->s.diag.stats.credit_violations++;
        if (chip_log_once(chip, LOG_ONCE_CREDIT)) {
            chip_log(chip, "bcm43362: host sent sequence %u beyond its credit (%u); accepted (logged once)",
                     seq, s->last_credit_sent);
        }
    }
    s->host_next_seq = (uint8_t)(seq + 1);

    if (doff < SDPCM_HEADER_LEN || doff > frame_len) {
        bad_frame(chip, "header length outside the frame", len);
    } else if (frame_len == SDPCM_HEADER_LEN) {
        /* nothing but a sequence number */
    } else if (channel == SDPCM_CONTROL) {
        bcdc_handle_request(chip, data + doff, (size_t)(frame_len - doff));
    } else if (channel == SDPCM_DATA) {
        data_frame_from_host(chip, data + doff, (size_t)(frame_len - doff));
    } else {
        chip->s.diag.stats.host_frames_bad++;
        if (chip_log_once(chip, LOG_ONCE_BAD_CHANNEL)) {
            chip_log(chip, "bcm43362: host frame on SDPCM channel %u (only 0 control and 2 data are "
                     "modelled); dropped (logged once)", channel);
        }
    }

    /* Window used up and nothing queued that would carry a new credit: send one now
     * rather than wait for the host's 100 ms poke. */
    if (s->host_next_seq == s->last_credit_sent && s->count == 0) {
        send_credit_update(chip);
    }
}
