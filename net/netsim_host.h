/*
 * What the simulated network needs from its host (the QEMU glue, a test harness, a
 * standalone tool): the virtual clock, timers on that clock, the device's receive path
 * and a log.  Nothing in net/ reads the wall clock or opens a real socket.
 */
#ifndef NETSIM_HOST_H
#define NETSIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NETSIM_NO_DEADLINE UINT64_MAX

typedef void (*netsim_timer_cb)(void *cb_opaque);

typedef struct netsim_host_ops {
    void *opaque; /* passed back to every callback */

    /* Current virtual time in nanoseconds; must never go backwards (required). */
    uint64_t (*now_ns)(void *opaque);

    /* One-shot timers on the same clock (all required).  timer_mod re-arms to an absolute
     * deadline; a deadline at or before now fires as soon as the host can.  timer_cancel
     * disarms; timer_free disarms and releases.  The callback runs outside any netsim call. */
    void *(*timer_new)(void *opaque, netsim_timer_cb cb, void *cb_opaque);
    void (*timer_mod)(void *opaque, void *timer, uint64_t deadline_ns);
    void (*timer_cancel)(void *opaque, void *timer);
    void (*timer_free)(void *opaque, void *timer);

    /* An Ethernet II frame (no FCS) for the device (required).  The host may call
     * netsim_frame_from_device() from inside it; such frames are queued and handled
     * once the current call returns. */
    void (*frame_to_device)(void *opaque, const uint8_t *frame, size_t len);

    /* One line of diagnostics, no trailing newline (optional). */
    void (*log)(void *opaque, const char *message);

    /* Every frame at the device's edge, as the capture sees it: what the device sends
     * before the to-network rules, what it receives after the to-device rules (optional;
     * scenario expectations watch packets through it, with or without a pcap). */
    void (*frame_seen)(void *opaque, const uint8_t *frame, size_t len);
} netsim_host_ops;

#ifdef __cplusplus
}
#endif

#endif
