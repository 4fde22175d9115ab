/*
 * STM32F2xx USB OTG core in device mode, slave (FIFO) mode, as the Photon's
 * OTG_HS with its embedded full-speed PHY (RM0033 §29).
 *
 * The host on the cable (peripherals/usb_host) calls the usb_wire_ops below
 * for each token; the core answers at once from the state the firmware left:
 * SETUPs are always taken into the receive FIFO; OUT data is taken while the
 * endpoint is enabled and not NAKing and the FIFO has room; IN tokens get
 * the next whole packet the firmware pushed into the endpoint's transmit FIFO,
 * or NAK. Interrupt flags follow the RM's rules: XFRC/STUP are raised when
 * the firmware pops the completion entry, TXFE tracks the FIFO's level,
 * DAINT/DEACHINT summarise the endpoints through their masks, and endpoint 1
 * has its own OUT and IN interrupt lines (DEACHINT).
 *
 * Not modelled: DMA mode, host mode, isochronous endpoints, data toggles
 * (the host does not check them), remote wakeup signalling.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_otg.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"
#include "exec/fast-time.h"

#define OTG_BASE 0x40040000
#define OTG_FIFO_WINDOW 0x1000
#define OTG_SUSPEND_NS (3 * SCALE_MS)   /* idle bus for 3 ms = suspend (USB 2.0 §7.1.7.6) */

REG32(GOTGCTL, 0x000)
REG32(GOTGINT, 0x004)
REG32(GAHBCFG, 0x008)
    FIELD(GAHBCFG, GINT, 0, 1)
    FIELD(GAHBCFG, TXFELVL, 7, 1)
REG32(GUSBCFG, 0x00C)
REG32(GRSTCTL, 0x010)
    FIELD(GRSTCTL, CSRST, 0, 1)
    FIELD(GRSTCTL, RXFFLSH, 4, 1)
    FIELD(GRSTCTL, TXFFLSH, 5, 1)
    FIELD(GRSTCTL, TXFNUM, 6, 5)
    FIELD(GRSTCTL, AHBIDL, 31, 1)
REG32(GINTSTS, 0x014)
    FIELD(GINTSTS, SOF, 3, 1)
    FIELD(GINTSTS, RXFLVL, 4, 1)
    FIELD(GINTSTS, NPTXFE, 5, 1)
    FIELD(GINTSTS, GINAKEFF, 6, 1)
    FIELD(GINTSTS, GONAKEFF, 7, 1)
    FIELD(GINTSTS, ESUSP, 10, 1)
    FIELD(GINTSTS, USBSUSP, 11, 1)
    FIELD(GINTSTS, USBRST, 12, 1)
    FIELD(GINTSTS, ENUMDNE, 13, 1)
    FIELD(GINTSTS, IEPINT, 18, 1)
    FIELD(GINTSTS, OEPINT, 19, 1)
    FIELD(GINTSTS, WKUINT, 31, 1)
REG32(GINTMSK, 0x018)
REG32(GRXSTSR, 0x01C)
    FIELD(GRXSTS, EPNUM, 0, 4)
    FIELD(GRXSTS, BCNT, 4, 11)
    FIELD(GRXSTS, DPID, 15, 2)
    FIELD(GRXSTS, PKTSTS, 17, 4)
REG32(GRXSTSP, 0x020)
REG32(GRXFSIZ, 0x024)
REG32(DIEPTXF0, 0x028)
REG32(GNPTXSTS, 0x02C)
REG32(GCCFG, 0x038)
    FIELD(GCCFG, PWRDWN, 16, 1)
REG32(CID, 0x03C)
REG32(HPTXFSIZ, 0x100)
REG32(DIEPTXF1, 0x104)
REG32(DCFG, 0x800)
    FIELD(DCFG, DAD, 4, 7)
REG32(DCTL, 0x804)
    FIELD(DCTL, SDIS, 1, 1)
    FIELD(DCTL, GINSTS, 2, 1)
    FIELD(DCTL, GONSTS, 3, 1)
    FIELD(DCTL, SGINAK, 7, 1)
    FIELD(DCTL, CGINAK, 8, 1)
    FIELD(DCTL, SGONAK, 9, 1)
    FIELD(DCTL, CGONAK, 10, 1)
REG32(DSTS, 0x808)
    FIELD(DSTS, SUSPSTS, 0, 1)
    FIELD(DSTS, ENUMSPD, 1, 2)
    FIELD(DSTS, FNSOF, 8, 14)
REG32(DIEPMSK, 0x810)
REG32(DOEPMSK, 0x814)
REG32(DAINT, 0x818)
REG32(DAINTMSK, 0x81C)
REG32(DVBUSDIS, 0x828)
REG32(DVBUSPULSE, 0x82C)
REG32(DTHRCTL, 0x830)
REG32(DIEPEMPMSK, 0x834)
REG32(DEACHINT, 0x838)
REG32(DEACHINTMSK, 0x83C)
REG32(DIEPEACHMSK1, 0x844)
REG32(DOEPEACHMSK1, 0x884)
REG32(DIEPCTL0, 0x900)
REG32(DOEPCTL0, 0xB00)
REG32(PCGCCTL, 0xE00)

/* Per-endpoint registers, 0x20 apart: CTL +0, INT +8, TSIZ +0x10, DMA +0x14,
 * DTXFSTS +0x18 (IN only). */
#define EP_STRIDE 0x20
#define EP_CTL 0x00
#define EP_INT 0x08
#define EP_TSIZ 0x10
#define EP_DMA 0x14
#define EP_TXFSTS 0x18
FIELD(EPCTL, MPSIZ, 0, 11)
FIELD(EPCTL, USBAEP, 15, 1)
FIELD(EPCTL, NAKSTS, 17, 1)
FIELD(EPCTL, STALL, 21, 1)
FIELD(EPCTL, CNAK, 26, 1)
FIELD(EPCTL, SNAK, 27, 1)
FIELD(EPCTL, SD0PID, 28, 1)
FIELD(EPCTL, SODDFRM, 29, 1)
FIELD(EPCTL, EPDIS, 30, 1)
FIELD(EPCTL, EPENA, 31, 1)
FIELD(EPTSIZ, XFRSIZ, 0, 19)
FIELD(EPTSIZ, PKTCNT, 19, 10)
FIELD(EPTSIZ, STUPCNT, 29, 2)
#define EPINT_XFRC (1u << 0)
#define EPINT_EPDISD (1u << 1)
#define DOEPINT_STUP (1u << 3)
#define DIEPINT_TXFE (1u << 7)

/* Receive status PKTSTS values (device mode). */
enum { PKTSTS_OUT_DATA = 2, PKTSTS_OUT_DONE = 3, PKTSTS_SETUP_DONE = 4, PKTSTS_SETUP_DATA = 6 };

#define GINTSTS_RC_W1_MASK 0xF030FC0Au  /* rc_w1 interrupt flags */
#define ENUMSPD_FS_48MHZ 3

static inline uint32_t *ep_reg(STM32F2OtgState *s, bool in, unsigned n, unsigned reg)
{
    return &s->regs[((in ? A_DIEPCTL0 : A_DOEPCTL0) + n * EP_STRIDE + reg) / 4];
}

/* ---- FIFOs ---- */

static unsigned words_of(unsigned bytes)
{
    return (bytes + 3) / 4;
}

static unsigned ep_max_packet(STM32F2OtgState *s, bool in, unsigned n)
{
    uint32_t ctl = *ep_reg(s, true, 0, EP_CTL);
    if (n == 0) {
        static const unsigned ep0_sizes[4] = { 64, 32, 16, 8 };  /* MPSIZ, both directions */
        return ep0_sizes[ctl & 3];
    }
    unsigned mps = FIELD_EX32(*ep_reg(s, in, n, EP_CTL), EPCTL, MPSIZ);
    return mps ? MIN(mps, OTG_MAX_PACKET) : OTG_MAX_PACKET;
}

static unsigned tx_capacity_words(STM32F2OtgState *s, unsigned n)
{
    uint32_t size = n == 0 ? s->regs[R_DIEPTXF0] : s->regs[R_DIEPTXF1 + n - 1];
    return MIN(size >> 16, OTG_TX_FIFO_BYTES / 4);
}

static unsigned tx_free_words(STM32F2OtgState *s, unsigned n)
{
    unsigned cap = tx_capacity_words(s, n);
    return s->tx[n].words < cap ? cap - s->tx[n].words : 0;
}

static bool tx_fifo_empty_enough(STM32F2OtgState *s, unsigned n)
{
    unsigned cap = tx_capacity_words(s, n);
    unsigned free = tx_free_words(s, n);
    return FIELD_EX32(s->regs[R_GAHBCFG], GAHBCFG, TXFELVL) ? free == cap : free * 2 >= cap;
}

static void tx_flush(STM32F2OtgState *s, unsigned n)
{
    memset(&s->tx[n], 0, sizeof(s->tx[n]));
}

static void rx_flush(STM32F2OtgState *s)
{
    s->rx_head = s->rx_count = s->rx_words = 0;
    s->popped_read = s->popped_length = 0;
}

static unsigned rx_entry_words(uint32_t status)
{
    return 1 + words_of(FIELD_EX32(status, GRXSTS, BCNT));
}

static bool rx_has_room(STM32F2OtgState *s, unsigned words, unsigned entries)
{
    unsigned capacity = s->regs[R_GRXFSIZ] & 0xFFFF;
    return s->rx_count + entries <= OTG_RX_ENTRIES && s->rx_words + words <= capacity;
}

static void rx_push(STM32F2OtgState *s, unsigned ep, unsigned pktsts,
                    const uint8_t *data, unsigned length)
{
    OtgRxEntry *e = &s->rx[(s->rx_head + s->rx_count) % OTG_RX_ENTRIES];
    e->status = 0;
    e->status = FIELD_DP32(e->status, GRXSTS, EPNUM, ep);
    e->status = FIELD_DP32(e->status, GRXSTS, BCNT, length);
    e->status = FIELD_DP32(e->status, GRXSTS, PKTSTS, pktsts);
    if (length) {
        memcpy(e->data, data, length);
    }
    s->rx_count++;
    s->rx_words += rx_entry_words(e->status);
}

/* ---- interrupts ---- */

static uint32_t diepint(STM32F2OtgState *s, unsigned n)
{
    uint32_t v = *ep_reg(s, true, n, EP_INT) & ~DIEPINT_TXFE;
    return v | (tx_fifo_empty_enough(s, n) ? DIEPINT_TXFE : 0);
}

/* TXFE counts only while the endpoint's bit in DIEPEMPMSK is set. */
static bool in_ep_pending(STM32F2OtgState *s, unsigned n, uint32_t mask)
{
    mask |= ((s->regs[R_DIEPEMPMSK] >> n) & 1) ? DIEPINT_TXFE : 0;
    return diepint(s, n) & mask;
}

static uint32_t daint(STM32F2OtgState *s)
{
    uint32_t v = 0;
    for (unsigned n = 0; n < OTG_ENDPOINTS; n++) {
        v |= in_ep_pending(s, n, s->regs[R_DIEPMSK]) << n;
        v |= (uint32_t)((*ep_reg(s, false, n, EP_INT) & s->regs[R_DOEPMSK]) != 0) << (16 + n);
    }
    return v;
}

static uint32_t deachint(STM32F2OtgState *s)
{
    return (uint32_t)in_ep_pending(s, 1, s->regs[R_DIEPEACHMSK1]) << 1
         | (uint32_t)((*ep_reg(s, false, 1, EP_INT) & s->regs[R_DOEPEACHMSK1]) != 0) << 17;
}

static uint32_t gintsts(STM32F2OtgState *s)
{
    uint32_t v = s->regs[R_GINTSTS] & GINTSTS_RC_W1_MASK;
    uint32_t pending = daint(s) & s->regs[R_DAINTMSK];
    v = FIELD_DP32(v, GINTSTS, RXFLVL, s->rx_count != 0);
    v = FIELD_DP32(v, GINTSTS, NPTXFE, s->tx[0].words == 0);
    v = FIELD_DP32(v, GINTSTS, GINAKEFF, FIELD_EX32(s->regs[R_DCTL], DCTL, GINSTS));
    v = FIELD_DP32(v, GINTSTS, GONAKEFF, FIELD_EX32(s->regs[R_DCTL], DCTL, GONSTS));
    v = FIELD_DP32(v, GINTSTS, IEPINT, (pending & 0xFFFF) != 0);
    v = FIELD_DP32(v, GINTSTS, OEPINT, (pending >> 16) != 0);
    return v;       /* CMOD (bit 0) reads 0: device mode */
}

static void otg_update_irq(STM32F2OtgState *s)
{
    bool enabled = FIELD_EX32(s->regs[R_GAHBCFG], GAHBCFG, GINT);
    uint32_t each = deachint(s) & s->regs[R_DEACHINTMSK];

    qemu_set_irq(s->irq, enabled && (gintsts(s) & s->regs[R_GINTMSK]));
    qemu_set_irq(s->ep1_out_irq, enabled && (each & (1u << 17)));
    qemu_set_irq(s->ep1_in_irq, enabled && (each & (1u << 1)));
}

static void raise_core(STM32F2OtgState *s, uint32_t bits)
{
    s->regs[R_GINTSTS] |= bits;
    otg_update_irq(s);
}

/* ---- the wire: what the host sees ---- */

static bool otg_pulled_up(void *opaque)
{
    STM32F2OtgState *s = opaque;
    return FIELD_EX32(s->regs[R_GCCFG], GCCFG, PWRDWN)
        && !FIELD_EX32(s->regs[R_DCTL], DCTL, SDIS);
}

static bool answering(STM32F2OtgState *s, uint8_t address, unsigned ep, bool in)
{
    if (s->bus_state != USB_BUS_ACTIVE || s->suspended || !otg_pulled_up(s)
        || address != s->address || ep >= OTG_ENDPOINTS) {
        return false;
    }
    /* Endpoint 0 is always active; others after USBAEP. */
    return ep == 0 || FIELD_EX32(*ep_reg(s, in, ep, EP_CTL), EPCTL, USBAEP);
}

static void suspend_timer_expired(void *opaque)
{
    STM32F2OtgState *s = opaque;
    if (s->bus_state == USB_BUS_ACTIVE || s->bus_state == USB_BUS_RESET) {
        return;
    }
    s->suspended = true;
    s->regs[R_DSTS] = FIELD_DP32(s->regs[R_DSTS], DSTS, SUSPSTS, 1);
    trace_stm32f2_otg_suspend();
    raise_core(s, R_GINTSTS_ESUSP_MASK | R_GINTSTS_USBSUSP_MASK);
}

static void otg_bus_state(void *opaque, usb_bus_state state)
{
    STM32F2OtgState *s = opaque;
    usb_bus_state old = s->bus_state;
    uint32_t bits = 0;

    trace_stm32f2_otg_bus_state(old, state);
    s->bus_state = state;
    if (state == USB_BUS_RESET) {
        timer_del(s->suspend_timer);
        if (s->suspended) {
            bits |= R_GINTSTS_WKUINT_MASK;
        }
        s->suspended = false;
        s->address = 0;
        s->regs[R_DSTS] = FIELD_DP32(s->regs[R_DSTS], DSTS, SUSPSTS, 0);
        /* The core deactivates every endpoint but 0 on a bus reset. */
        for (unsigned n = 1; n < OTG_ENDPOINTS; n++) {
            *ep_reg(s, true, n, EP_CTL) &= ~R_EPCTL_USBAEP_MASK;
            *ep_reg(s, false, n, EP_CTL) &= ~R_EPCTL_USBAEP_MASK;
        }
        bits |= R_GINTSTS_USBRST_MASK;
    } else if (state == USB_BUS_ACTIVE) {
        timer_del(s->suspend_timer);
        if (old == USB_BUS_RESET) {
            s->regs[R_DSTS] = FIELD_DP32(s->regs[R_DSTS], DSTS, ENUMSPD, ENUMSPD_FS_48MHZ);
            bits |= R_GINTSTS_ENUMDNE_MASK;
        } else if (s->suspended) {
            s->suspended = false;
            s->regs[R_DSTS] = FIELD_DP32(s->regs[R_DSTS], DSTS, SUSPSTS, 0);
            bits |= R_GINTSTS_WKUINT_MASK;
        }
    } else if (!s->suspended) {
        /* Idle or unplugged: with no VBUS sensing both look like a quiet bus. */
        timer_mod(s->suspend_timer,
                  qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + OTG_SUSPEND_NS);
    }
    raise_core(s, bits);
}

static void otg_start_of_frame(void *opaque, uint16_t frame_number)
{
    STM32F2OtgState *s = opaque;
    s->regs[R_DSTS] = FIELD_DP32(s->regs[R_DSTS], DSTS, FNSOF, frame_number);
    raise_core(s, R_GINTSTS_SOF_MASK);
}

static usb_handshake otg_setup(void *opaque, uint8_t address, const uint8_t request[8])
{
    STM32F2OtgState *s = opaque;
    if (!answering(s, address, 0, false)) {
        return USB_NO_RESPONSE;
    }
    trace_stm32f2_otg_setup(request[0], request[1], request[2] | request[3] << 8,
                            request[6] | request[7] << 8);
    /* A SETUP always gets through, clearing a protocol stall on endpoint 0. */
    *ep_reg(s, true, 0, EP_CTL) &= ~R_EPCTL_STALL_MASK;
    *ep_reg(s, false, 0, EP_CTL) &= ~R_EPCTL_STALL_MASK;
    if (s->rx_count + 2 > OTG_RX_ENTRIES) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: SETUP lost, receive FIFO never read\n");
        return USB_ACK;
    }
    uint32_t *tsiz = ep_reg(s, false, 0, EP_TSIZ);
    unsigned stupcnt = FIELD_EX32(*tsiz, EPTSIZ, STUPCNT);
    if (stupcnt) {
        *tsiz = FIELD_DP32(*tsiz, EPTSIZ, STUPCNT, stupcnt - 1);
    }
    rx_push(s, 0, PKTSTS_SETUP_DATA, request, 8);
    rx_push(s, 0, PKTSTS_SETUP_DONE, NULL, 0);
    otg_update_irq(s);
    return USB_ACK;
}

static usb_handshake otg_out(void *opaque, uint8_t address, uint8_t ep,
                             const uint8_t *data, size_t length)
{
    STM32F2OtgState *s = opaque;
    if (!answering(s, address, ep, false)) {
        return USB_NO_RESPONSE;
    }
    uint32_t *ctl = ep_reg(s, false, ep, EP_CTL);
    uint32_t *tsiz = ep_reg(s, false, ep, EP_TSIZ);
    unsigned mps = ep_max_packet(s, false, ep);
    usb_handshake result = USB_ACK;

    if (*ctl & R_EPCTL_STALL_MASK) {
        result = USB_STALL;
    } else if (length > mps) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: %zu-byte OUT packet on endpoint %u "
                      "with a %u-byte maximum (babble)\n", length, ep, mps);
        result = USB_NO_RESPONSE;
    } else if (!(*ctl & R_EPCTL_EPENA_MASK) || (*ctl & R_EPCTL_NAKSTS_MASK)
               || FIELD_EX32(s->regs[R_DCTL], DCTL, GONSTS)
               || FIELD_EX32(*tsiz, EPTSIZ, PKTCNT) == 0
               || !rx_has_room(s, 2 + words_of(length), 2)) {
        result = USB_NAK;
    }
    trace_stm32f2_otg_out(ep, length, result);
    if (result != USB_ACK) {
        return result;
    }
    unsigned xfrsiz = FIELD_EX32(*tsiz, EPTSIZ, XFRSIZ);
    unsigned pktcnt = FIELD_EX32(*tsiz, EPTSIZ, PKTCNT) - 1;
    *tsiz = FIELD_DP32(*tsiz, EPTSIZ, XFRSIZ, xfrsiz > length ? xfrsiz - length : 0);
    *tsiz = FIELD_DP32(*tsiz, EPTSIZ, PKTCNT, pktcnt);
    rx_push(s, ep, PKTSTS_OUT_DATA, data, length);
    if (pktcnt == 0 || length < mps) {
        /* Transfer complete: the endpoint stops taking data until re-armed;
         * XFRC follows when the firmware pops this entry. */
        rx_push(s, ep, PKTSTS_OUT_DONE, NULL, 0);
        *ctl &= ~R_EPCTL_EPENA_MASK;
    }
    otg_update_irq(s);
    return USB_ACK;
}

static void tx_pop_packet(OtgTxFifo *f, uint8_t *out, unsigned length)
{
    memcpy(out, f->data, length);
    memmove(f->data, f->data + length, f->bytes - length);
    memmove(f->packet_len, f->packet_len + 1, (f->packets - 1) * sizeof(f->packet_len[0]));
    f->bytes -= length;
    f->words -= words_of(length);
    f->packets--;
}

static usb_handshake otg_in(void *opaque, uint8_t address, uint8_t ep,
                            uint8_t *data, size_t max, size_t *length)
{
    STM32F2OtgState *s = opaque;
    *length = 0;
    if (!answering(s, address, ep, true)) {
        return USB_NO_RESPONSE;
    }
    uint32_t *ctl = ep_reg(s, true, ep, EP_CTL);
    uint32_t *tsiz = ep_reg(s, true, ep, EP_TSIZ);
    unsigned xfrsiz = FIELD_EX32(*tsiz, EPTSIZ, XFRSIZ);
    unsigned pktcnt = FIELD_EX32(*tsiz, EPTSIZ, PKTCNT);
    OtgTxFifo *fifo = &s->tx[ep];
    usb_handshake result = USB_ACK;

    if (*ctl & R_EPCTL_STALL_MASK) {
        result = USB_STALL;
    } else if (!(*ctl & R_EPCTL_EPENA_MASK) || (*ctl & R_EPCTL_NAKSTS_MASK) || pktcnt == 0
               || (xfrsiz && !fifo->packets)) {
        result = USB_NAK;       /* nothing armed, or the firmware has not filled the FIFO */
    } else if (xfrsiz && fifo->packet_len[0] > max) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: %u-byte IN packet on endpoint %u "
                      "exceeds the host's %zu\n", fifo->packet_len[0], ep, max);
        result = USB_NO_RESPONSE;
    }
    if (result == USB_ACK && xfrsiz) {
        unsigned sent = fifo->packet_len[0];
        tx_pop_packet(fifo, data, sent);
        *length = sent;
        xfrsiz -= MIN(sent, xfrsiz);
    }
    trace_stm32f2_otg_in(ep, *length, result);
    if (result != USB_ACK) {
        return result;
    }
    *tsiz = FIELD_DP32(*tsiz, EPTSIZ, XFRSIZ, xfrsiz);
    *tsiz = FIELD_DP32(*tsiz, EPTSIZ, PKTCNT, --pktcnt);
    if (pktcnt == 0) {
        *ctl &= ~R_EPCTL_EPENA_MASK;
        *ep_reg(s, true, ep, EP_INT) |= EPINT_XFRC;
        if (ep == 0) {
            /* SET_ADDRESS takes effect once its status stage is through. */
            s->address = FIELD_EX32(s->regs[R_DCFG], DCFG, DAD);
        }
    }
    otg_update_irq(s);
    return USB_ACK;
}

const struct usb_wire_ops stm32f2_otg_wire_ops = {
    .pulled_up = otg_pulled_up,
    .bus_state = otg_bus_state,
    .start_of_frame = otg_start_of_frame,
    .setup = otg_setup,
    .out = otg_out,
    .in = otg_in,
};

/* ---- the firmware's side: registers and FIFO windows ---- */

static void otg_reset_registers(STM32F2OtgState *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    s->regs[R_GOTGCTL] = 0x00010000;    /* CIDSTS: B-device */
    s->regs[R_GUSBCFG] = 0x00000A00;
    s->regs[R_GRSTCTL] = R_GRSTCTL_AHBIDL_MASK;
    s->regs[R_GRXFSIZ] = 0x00000200;
    s->regs[R_DIEPTXF0] = 0x02000200;
    s->regs[R_CID] = 0x00001200;
    s->regs[R_HPTXFSIZ] = 0x02000600;
    for (unsigned n = 1; n < OTG_ENDPOINTS; n++) {
        s->regs[R_DIEPTXF1 + n - 1] = 0x02000400;
    }
    s->regs[R_DCFG] = 0x02200000;
    s->regs[R_DSTS] = 0x00000010;
    *ep_reg(s, true, 0, EP_CTL) = R_EPCTL_USBAEP_MASK;
    *ep_reg(s, false, 0, EP_CTL) = R_EPCTL_USBAEP_MASK;
    rx_flush(s);
    for (unsigned n = 0; n < OTG_ENDPOINTS; n++) {
        tx_flush(s, n);
    }
    s->address = 0;
    s->suspended = false;
}

/* Whether @offset is a register of the device-mode core. */
static bool otg_register_known(hwaddr offset)
{
    if (offset <= A_CID || (offset >= A_HPTXFSIZ && offset <= A_DIEPTXF1 + 4 * (OTG_ENDPOINTS - 2))) {
        return offset != 0x030 && offset != 0x034;
    }
    if (offset >= A_DCFG && offset <= A_DEACHINTMSK) {
        return offset != 0x80C && offset != 0x820 && offset != 0x824;
    }
    if (offset == A_DIEPEACHMSK1 || offset == A_DOEPEACHMSK1 || offset == A_PCGCCTL) {
        return true;
    }
    for (int in = 0; in < 2; in++) {
        hwaddr base = in ? A_DIEPCTL0 : A_DOEPCTL0;
        if (offset >= base && offset < base + OTG_ENDPOINTS * EP_STRIDE) {
            hwaddr reg = (offset - base) % EP_STRIDE;
            return reg == EP_CTL || reg == EP_INT || reg == EP_TSIZ || reg == EP_DMA
                || (in && reg == EP_TXFSTS);
        }
    }
    return false;
}

static uint32_t rx_pop(STM32F2OtgState *s)
{
    if (!s->rx_count) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: GRXSTSP read with the receive FIFO empty\n");
        return 0;
    }
    s->popped = s->rx[s->rx_head];
    s->rx_head = (s->rx_head + 1) % OTG_RX_ENTRIES;
    s->rx_count--;
    s->rx_words -= rx_entry_words(s->popped.status);
    s->popped_read = 0;
    s->popped_length = FIELD_EX32(s->popped.status, GRXSTS, BCNT);

    unsigned ep = FIELD_EX32(s->popped.status, GRXSTS, EPNUM);
    switch (FIELD_EX32(s->popped.status, GRXSTS, PKTSTS)) {
    case PKTSTS_OUT_DONE:
        *ep_reg(s, false, ep, EP_INT) |= EPINT_XFRC;
        break;
    case PKTSTS_SETUP_DONE:
        *ep_reg(s, false, 0, EP_INT) |= DOEPINT_STUP;
        break;
    }
    trace_stm32f2_otg_rx_pop(s->popped.status);
    return s->popped.status;
}

static uint32_t rx_fifo_read(STM32F2OtgState *s)
{
    if (s->popped_read >= s->popped_length) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: receive FIFO read past the popped "
                      "packet's %u bytes\n", s->popped_length);
        return 0;
    }
    uint8_t word[4] = { 0 };
    memcpy(word, s->popped.data + s->popped_read, MIN(4u, s->popped_length - s->popped_read));
    s->popped_read += 4;
    return ldl_le_p(word);
}

static void tx_fifo_write(STM32F2OtgState *s, unsigned ep, uint32_t value)
{
    OtgTxFifo *f = &s->tx[ep];
    unsigned xfrsiz = FIELD_EX32(*ep_reg(s, true, ep, EP_TSIZ), EPTSIZ, XFRSIZ);
    unsigned queued = 0;
    for (unsigned i = 0; i < f->packets; i++) {
        queued += f->packet_len[i];
    }
    /* The packet being written is as long as the transfer still needs, up to
     * the endpoint's maximum: that is how the core cuts the FIFO into packets. */
    unsigned target = MIN(ep_max_packet(s, true, ep), xfrsiz > queued ? xfrsiz - queued : 0);
    if (target == 0 || tx_free_words(s, ep) == 0 || f->packets == OTG_TX_PACKETS) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-otg: TX FIFO %u write with %s, dropped\n", ep,
                      target == 0 ? "no IN transfer armed" : "the FIFO full");
        return;
    }
    uint8_t word[4];
    stl_le_p(word, value);
    for (unsigned k = 0; k < 4; k++) {
        if (f->partial_words * 4 + k < target) {
            f->data[f->bytes++] = word[k];
        }
    }
    f->words++;
    if (++f->partial_words * 4 >= target) {
        f->packet_len[f->packets++] = target;
        f->partial_words = 0;
    }
}

static uint64_t stm32f2_otg_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2OtgState *s = opaque;

    if (offset >= OTG_FIFO_WINDOW) {
        if (offset < OTG_FIFO_WINDOW * (OTG_ENDPOINTS + 1)) {
            return rx_fifo_read(s);
        }
        photon_unimp_record("otg-hs-fifo-ram", OTG_BASE, offset, false, size, 0);
        return 0;
    }
    if (!otg_register_known(offset)) {
        photon_unimp_record("otg-hs", OTG_BASE, offset, false, size, 0);
        return 0;
    }
    switch (offset) {
    case A_GINTSTS:
        return gintsts(s);
    case A_GRXSTSR:
        return s->rx_count ? s->rx[s->rx_head].status : 0;
    case A_GRXSTSP: {
        uint32_t status = rx_pop(s);
        otg_update_irq(s);
        return status;
    }
    case A_DAINT:
        return daint(s);
    case A_DEACHINT:
        return deachint(s);
    default:
        break;
    }
    if (offset >= A_DIEPCTL0 && offset < A_DIEPCTL0 + OTG_ENDPOINTS * EP_STRIDE) {
        unsigned n = (offset - A_DIEPCTL0) / EP_STRIDE;
        switch ((offset - A_DIEPCTL0) % EP_STRIDE) {
        case EP_INT:
            return diepint(s, n);
        case EP_TXFSTS:
            return tx_free_words(s, n);
        }
    }
    return s->regs[offset / 4];
}

static void ep_ctl_write(STM32F2OtgState *s, bool in, unsigned n, uint32_t value)
{
    uint32_t *ctl = ep_reg(s, in, n, EP_CTL);
    /* Stored fields: MPSIZ, USBAEP, EPTYP, SNPM, STALL, TXFNUM. */
    uint32_t stored = n == 0 ? 0x03EC0003u : 0x03EC87FFu;
    uint32_t v = (*ctl & ~stored) | (value & stored);

    if (n == 0) {
        v |= R_EPCTL_USBAEP_MASK;
    }
    if (value & R_EPCTL_CNAK_MASK) {
        v &= ~R_EPCTL_NAKSTS_MASK;
    }
    if (value & R_EPCTL_SNAK_MASK) {
        v |= R_EPCTL_NAKSTS_MASK;
    }
    if (value & R_EPCTL_EPENA_MASK) {
        v |= R_EPCTL_EPENA_MASK;
    }
    if ((value & R_EPCTL_EPDIS_MASK) && (v & R_EPCTL_EPENA_MASK)) {
        v &= ~R_EPCTL_EPENA_MASK;
        *ep_reg(s, in, n, EP_INT) |= EPINT_EPDISD;
    }
    *ctl = v;
}

static void otg_core_reset(STM32F2OtgState *s)
{
    rx_flush(s);
    for (unsigned n = 0; n < OTG_ENDPOINTS; n++) {
        tx_flush(s, n);
    }
    s->regs[R_GINTSTS] = 0;
}

static void stm32f2_otg_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    STM32F2OtgState *s = opaque;

    if (offset >= OTG_FIFO_WINDOW) {
        if (offset < OTG_FIFO_WINDOW * (OTG_ENDPOINTS + 1)) {
            tx_fifo_write(s, offset / OTG_FIFO_WINDOW - 1, value);
            otg_update_irq(s);
        } else {
            photon_unimp_record("otg-hs-fifo-ram", OTG_BASE, offset, true, size, value);
        }
        return;
    }
    if (!otg_register_known(offset)) {
        photon_unimp_record("otg-hs", OTG_BASE, offset, true, size, value);
        return;
    }
    trace_stm32f2_otg_write(offset, value);
    switch (offset) {
    case A_GRSTCTL:
        if (FIELD_EX32(value, GRSTCTL, CSRST)) {
            otg_core_reset(s);
        }
        if (FIELD_EX32(value, GRSTCTL, RXFFLSH)) {
            rx_flush(s);
        }
        if (FIELD_EX32(value, GRSTCTL, TXFFLSH)) {
            unsigned fifo = FIELD_EX32(value, GRSTCTL, TXFNUM);
            for (unsigned n = 0; n < OTG_ENDPOINTS; n++) {
                if (fifo == 0x10 || fifo == n) {
                    tx_flush(s, n);
                }
            }
        }
        /* Reset and flushes are self-clearing and finish at once. */
        s->regs[R_GRSTCTL] = (value & R_GRSTCTL_TXFNUM_MASK) | R_GRSTCTL_AHBIDL_MASK;
        break;
    case A_GINTSTS:
        s->regs[R_GINTSTS] &= ~(value & GINTSTS_RC_W1_MASK);
        break;
    case A_GOTGINT:
        s->regs[R_GOTGINT] &= ~value;
        break;
    case A_DCTL: {
        uint32_t v = (s->regs[R_DCTL] & 0xC) | (value & 0x873);
        if (value & R_DCTL_SGINAK_MASK) {
            v |= R_DCTL_GINSTS_MASK;
        }
        if (value & R_DCTL_CGINAK_MASK) {
            v &= ~R_DCTL_GINSTS_MASK;
        }
        if (value & R_DCTL_SGONAK_MASK) {
            v |= R_DCTL_GONSTS_MASK;
        }
        if (value & R_DCTL_CGONAK_MASK) {
            v &= ~R_DCTL_GONSTS_MASK;
        }
        s->regs[R_DCTL] = v;
        break;
    }
    case A_GRXSTSR:
    case A_GRXSTSP:
    case A_GNPTXSTS:
    case A_CID:
    case A_DSTS:
    case A_DAINT:
    case A_DEACHINT:
        break;  /* read-only */
    default:
        if (offset >= A_DIEPCTL0 && offset < A_DOEPCTL0 + OTG_ENDPOINTS * EP_STRIDE
            && (offset < A_DIEPCTL0 + OTG_ENDPOINTS * EP_STRIDE || offset >= A_DOEPCTL0)) {
            bool in = offset < A_DOEPCTL0;
            hwaddr rel = offset - (in ? A_DIEPCTL0 : A_DOEPCTL0);
            unsigned n = rel / EP_STRIDE;
            switch (rel % EP_STRIDE) {
            case EP_CTL:
                ep_ctl_write(s, in, n, value);
                break;
            case EP_INT:
                *ep_reg(s, in, n, EP_INT) &= ~(value & ~DIEPINT_TXFE);
                break;
            case EP_TXFSTS:
                break;  /* read-only */
            default:
                s->regs[offset / 4] = value;
                break;
            }
        } else {
            s->regs[offset / 4] = value;
        }
        break;
    }
    otg_update_irq(s);
}

static const MemoryRegionOps stm32f2_otg_ops = {
    .read = stm32f2_otg_read,
    .write = stm32f2_otg_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_otg_reset_hold(Object *obj)
{
    STM32F2OtgState *s = STM32F2_OTG(obj);
    otg_reset_registers(s);
    timer_del(s->suspend_timer);
    otg_update_irq(s);
}

/*
 * The interrupt handler reads the status and mask registers and clears flags
 * at every frame: reading a register changes nothing (but popping the receive
 * FIFO, which may raise a transfer's completion) and clearing a flag can only
 * lower the interrupt line, so those run inside their block
 * (exec/fast-time.h).  Every other write may start or end something.
 */
static FastTimeIo stm32f2_otg_io_kind(void *opaque, hwaddr offset, bool is_write,
                                      uint64_t value)
{
    bool ep_int = offset >= A_DIEPCTL0 && offset < A_DOEPCTL0 + OTG_ENDPOINTS * EP_STRIDE &&
                  (offset - A_DIEPCTL0) % EP_STRIDE == EP_INT;

    if (offset >= OTG_FIFO_WINDOW || offset == A_GRXSTSP) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    if (is_write) {
        return offset == A_GINTSTS || ep_int ? FAST_TIME_IO_IN_BLOCK : FAST_TIME_IO_ENDS_BLOCK;
    }
    return FAST_TIME_IO_IN_BLOCK;
}

static void stm32f2_otg_realize(DeviceState *dev, Error **errp)
{
    STM32F2OtgState *s = STM32F2_OTG(dev);

    fast_time_register_io(&s->iomem, stm32f2_otg_io_kind, s);
}

static void stm32f2_otg_init(Object *obj)
{
    STM32F2OtgState *s = STM32F2_OTG(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_otg_ops, s, TYPE_STM32F2_OTG, 0x40000);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->ep1_out_irq);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->ep1_in_irq);
    s->suspend_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, suspend_timer_expired, s);
    s->bus_state = USB_BUS_DETACHED;
}

static const VMStateDescription vmstate_otg_rx_entry = {
    .name = "stm32f2-otg-rx-entry",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(status, OtgRxEntry),
        VMSTATE_UINT8_ARRAY(data, OtgRxEntry, OTG_MAX_PACKET),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_otg_tx_fifo = {
    .name = "stm32f2-otg-tx-fifo",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT8_ARRAY(data, OtgTxFifo, OTG_TX_FIFO_BYTES),
        VMSTATE_UINT32(bytes, OtgTxFifo),
        VMSTATE_UINT32(words, OtgTxFifo),
        VMSTATE_UINT32_ARRAY(packet_len, OtgTxFifo, OTG_TX_PACKETS),
        VMSTATE_UINT32(packets, OtgTxFifo),
        VMSTATE_UINT32(partial_words, OtgTxFifo),
        VMSTATE_END_OF_LIST()
    }
};

static const VMStateDescription vmstate_stm32f2_otg = {
    .name = TYPE_STM32F2_OTG,
    .version_id = 2,
    .minimum_version_id = 2,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_ARRAY(regs, STM32F2OtgState, OTG_NUM_REGS),
        VMSTATE_STRUCT_ARRAY(rx, STM32F2OtgState, OTG_RX_ENTRIES, 1, vmstate_otg_rx_entry,
                             OtgRxEntry),
        VMSTATE_UINT32(rx_head, STM32F2OtgState),
        VMSTATE_UINT32(rx_count, STM32F2OtgState),
        VMSTATE_UINT32(rx_words, STM32F2OtgState),
        VMSTATE_STRUCT(popped, STM32F2OtgState, 1, vmstate_otg_rx_entry, OtgRxEntry),
        VMSTATE_UINT32(popped_read, STM32F2OtgState),
        VMSTATE_UINT32(popped_length, STM32F2OtgState),
        VMSTATE_STRUCT_ARRAY(tx, STM32F2OtgState, OTG_ENDPOINTS, 1, vmstate_otg_tx_fifo,
                             OtgTxFifo),
        VMSTATE_UINT32(bus_state, STM32F2OtgState),
        VMSTATE_UINT32(address, STM32F2OtgState),
        VMSTATE_BOOL(suspended, STM32F2OtgState),
        VMSTATE_TIMER_PTR(suspend_timer, STM32F2OtgState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_otg_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_otg;
    dc->realize = stm32f2_otg_realize;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_otg_reset_hold;
}

static const TypeInfo stm32f2_otg_info = {
    .name = TYPE_STM32F2_OTG,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2OtgState),
    .instance_init = stm32f2_otg_init,
    .class_init = stm32f2_otg_class_init,
};

static void stm32f2_otg_register_types(void)
{
    type_register_static(&stm32f2_otg_info);
}

type_init(stm32f2_otg_register_types)
