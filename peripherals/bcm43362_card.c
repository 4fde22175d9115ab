/*
 * The BCM43362 Wi-Fi chip as an SDIO card (QEMU glue).
 *
 * The chip's behaviour lives in the plain-C core in bcm43362/ (SDIO
 * registers, SDPCM, BCDC ioctls, events, the virtual radio); this file only
 * connects it to the SDIO host, the virtual clock, WL_REG_ON (its "power"
 * GPIO input, PC1 on the Photon) and the simulated network.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/bcm43362_card.h"
#include "hw/photon/trace.h"

static uint64_t card_now_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void card_set_timer(void *opaque, uint64_t deadline_ns)
{
    Bcm43362CardState *s = opaque;

    if (deadline_ns == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, MIN(deadline_ns, (uint64_t)INT64_MAX));
    }
}

static void card_set_irq(void *opaque, bool level)
{
    Bcm43362CardState *s = opaque;

    qemu_set_irq(s->irq, level);
}

static void card_eth_to_network(void *opaque, const uint8_t *frame, size_t len)
{
    Bcm43362CardState *s = opaque;

    trace_bcm43362_frame_to_network(len);
    if (s->network_send) {
        s->network_send(s->network_opaque, frame, len);
    }
}

static void card_log(void *opaque, const char *msg)
{
    Bcm43362CardState *s = opaque;

    trace_bcm43362_log(msg);
    if (s->log) {
        s->log(s->log_opaque, msg);
    }
}

void bcm43362_card_set_log(Bcm43362CardState *s, Bcm43362Log log, void *opaque)
{
    s->log = log;
    s->log_opaque = opaque;
}

static const struct bcm43362_host_ops card_host_ops = {
    .now_ns = card_now_ns,
    .set_timer = card_set_timer,
    .set_irq = card_set_irq,
    .eth_to_network = card_eth_to_network,
    .log = card_log,
};

static void card_timer_expired(void *opaque)
{
    Bcm43362CardState *s = opaque;

    bcm43362_timer_expired(s->chip, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static bool card_command(void *opaque, unsigned index, uint32_t arg, uint32_t *response)
{
    Bcm43362CardState *s = opaque;

    return bcm43362_sdio_command(s->chip, index, arg, response) == BCM43362_SDIO_OK;
}

/* The host moves DLEN bytes; the card takes exactly what the argument encodes. */
static void card_write_data(void *opaque, uint32_t arg, const uint8_t *data, size_t len)
{
    Bcm43362CardState *s = opaque;
    size_t want = bcm43362_cmd53_length(s->chip, arg);

    if (want != len) {
        qemu_log_mask(LOG_GUEST_ERROR, "bcm43362: CMD53 write of %zu bytes, the "
                      "argument 0x%08x encodes %zu\n", len, arg, want);
    }
    bcm43362_cmd53_write(s->chip, arg, data, MIN(want, len));
}

static void card_read_data(void *opaque, uint32_t arg, uint8_t *buf, size_t len)
{
    Bcm43362CardState *s = opaque;
    size_t want = bcm43362_cmd53_length(s->chip, arg);

    if (want != len) {
        qemu_log_mask(LOG_GUEST_ERROR, "bcm43362: CMD53 read of %zu bytes, the "
                      "argument 0x%08x encodes %zu\n", len, arg, want);
    }
    memset(buf, 0, len);
    bcm43362_cmd53_read(s->chip, arg, buf, MIN(want, len));
}

static const STM32F2SdioCardOps card_sdio_ops = {
    .command = card_command,
    .write_data = card_write_data,
    .read_data = card_read_data,
};

static void bcm43362_card_power(void *opaque, int n, int level)
{
    Bcm43362CardState *s = opaque;

    trace_bcm43362_power(level);
    bcm43362_set_power(s->chip, level);
}

void bcm43362_card_plug(Bcm43362CardState *s, STM32F2SdioState *host)
{
    stm32f2_sdio_attach_card(host, &card_sdio_ops, s);
    s->irq = qdev_get_gpio_in_named(DEVICE(host), "card-irq", 0);
}

void bcm43362_card_set_network(Bcm43362CardState *s, Bcm43362NetworkSend send,
                               void *opaque)
{
    s->network_send = send;
    s->network_opaque = opaque;
}

void bcm43362_card_deliver(Bcm43362CardState *s, const uint8_t *frame, size_t len)
{
    bcm43362_eth_from_network(s->chip, frame, len);
}

static void bcm43362_card_realize(DeviceState *dev, Error **errp)
{
    Bcm43362CardState *s = BCM43362_CARD(dev);
    struct bcm43362_config config = { .seed = s->seed };

    s->chip = bcm43362_create(&card_host_ops, s, &config);
    if (!s->chip) {
        error_setg(errp, "bcm43362: cannot create the chip model");
        return;
    }
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, card_timer_expired, s);
}

static void bcm43362_card_init(Object *obj)
{
    qdev_init_gpio_in_named(DEVICE(obj), bcm43362_card_power, "wl-reg-on", 1);
}

static Property bcm43362_card_properties[] = {
    DEFINE_PROP_UINT64("seed", Bcm43362CardState, seed, 0),
    DEFINE_PROP_END_OF_LIST(),
};

/*
 * The chip's state lives in the plain-C core, which cannot be serialised
 * yet: snapshots of a machine with a Wi-Fi chip are refused rather than
 * silently wrong.
 */
static const VMStateDescription vmstate_bcm43362_card = {
    .name = TYPE_BCM43362_CARD,
    .unmigratable = 1,
};

static void bcm43362_card_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = bcm43362_card_realize;
    dc->vmsd = &vmstate_bcm43362_card;
    device_class_set_props(dc, bcm43362_card_properties);
}

static const TypeInfo bcm43362_card_info = {
    .name = TYPE_BCM43362_CARD,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Bcm43362CardState),
    .instance_init = bcm43362_card_init,
    .class_init = bcm43362_card_class_init,
};

static void bcm43362_card_register_types(void)
{
    type_register_static(&bcm43362_card_info);
}

type_init(bcm43362_card_register_types)
