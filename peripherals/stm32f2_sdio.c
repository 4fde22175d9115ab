/*
 * STM32F2xx SDIO host controller.
 *
 * The command path completes at once: CMDACT never reads as set, and a
 * command either gets its response (CMDREND, RESP1) or times out (CTIMEOUT)
 * when no card answers; with no card every command times out, which is what
 * the WICED driver sees from a dead radio.
 *
 * Data moves the way the WWD driver programs it: the data path is armed
 * (DCTRL, DLEN) before CMD53, and the DMA stream is enabled from the
 * command-response interrupt. When the stream is enabled the whole block of
 * DLEN bytes moves between memory and the card in one go, and both the DMA
 * (transfer complete) and the host (DATAEND, DBCKEND) report completion.
 * WWD never reads DCOUNT, FIFOCNT or the FIFO itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "sysemu/dma.h"
#include "hw/photon/peripherals/stm32f2_sdio.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

REG32(POWER, 0x00)
REG32(CLKCR, 0x04)
REG32(ARG, 0x08)
REG32(CMD, 0x0C)
    FIELD(CMD, CMDINDEX, 0, 6)
    FIELD(CMD, WAITRESP, 6, 2)
    FIELD(CMD, CPSMEN, 10, 1)
REG32(RESPCMD, 0x10)
REG32(RESP1, 0x14)
REG32(RESP4, 0x20)
REG32(DTIMER, 0x24)
REG32(DLEN, 0x28)
REG32(DCTRL, 0x2C)
    FIELD(DCTRL, DTEN, 0, 1)
    FIELD(DCTRL, DTDIR, 1, 1)
    FIELD(DCTRL, DMAEN, 3, 1)
REG32(DCOUNT, 0x30)
REG32(STA, 0x34)
    FIELD(STA, CTIMEOUT, 2, 1)
    FIELD(STA, CMDREND, 6, 1)
    FIELD(STA, CMDSENT, 7, 1)
    FIELD(STA, DATAEND, 8, 1)
    FIELD(STA, DBCKEND, 10, 1)
    FIELD(STA, SDIOIT, 22, 1)
REG32(ICR, 0x38)
REG32(MASK, 0x3C)
REG32(FIFOCNT, 0x48)
REG32(FIFO, 0x80)

#define STA_STATIC_MASK 0x00C007FFu   /* flags cleared through ICR */
#define CMD_IO_RW_EXTENDED 53
#define MAX_DATA_LENGTH (64 * 1024)     /* far above WWD's 2 KiB bounce buffer */

static void sdio_update_irq(STM32F2SdioState *s)
{
    qemu_set_irq(s->irq, !!(s->sta & s->mask));
}

static void sdio_send_command(STM32F2SdioState *s)
{
    unsigned index = FIELD_EX32(s->cmd, CMD, CMDINDEX);
    bool wants_response = FIELD_EX32(s->cmd, CMD, WAITRESP) != 0;

    uint32_t response = 0;
    bool answered = s->card_ops && s->card_ops->command(s->card, index, s->arg, &response);

    trace_stm32f2_sdio_command(index, s->arg, wants_response);
    if (!wants_response) {
        s->sta |= R_STA_CMDSENT_MASK;
    } else if (answered) {
        s->respcmd = index;
        s->resp[0] = response;
        s->sta |= R_STA_CMDREND_MASK;
    } else {
        s->sta |= R_STA_CTIMEOUT_MASK;
    }
    if (answered && index == CMD_IO_RW_EXTENDED) {
        s->data_pending = true;
        s->data_arg = s->arg;
    }
    sdio_update_irq(s);
}

/* DMA request from the SDIO stream: move the armed CMD53 data phase. */
static bool sdio_serve_dma(void *opaque, const STM32F2DmaRequest *request)
{
    STM32F2SdioState *s = opaque;
    bool card_to_memory = FIELD_EX32(s->dctrl, DCTRL, DTDIR);
    uint32_t len = s->dlen;
    g_autofree uint8_t *buf = NULL;

    if (!s->data_pending || !FIELD_EX32(s->dctrl, DCTRL, DTEN)) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-sdio: DMA enabled with no data "
                      "transfer armed\n");
        return false;
    }
    if (card_to_memory == request->memory_to_peripheral || len > MAX_DATA_LENGTH) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-sdio: DMA direction or length (%u) "
                      "does not match the data path\n", len);
        return false;
    }
    buf = g_malloc0(len);
    if (card_to_memory) {
        s->card_ops->read_data(s->card, s->data_arg, buf, len);
        dma_memory_write(&address_space_memory, request->memory_address, buf, len,
                         MEMTXATTRS_UNSPECIFIED);
    } else {
        dma_memory_read(&address_space_memory, request->memory_address, buf, len,
                        MEMTXATTRS_UNSPECIFIED);
        s->card_ops->write_data(s->card, s->data_arg, buf, len);
    }
    trace_stm32f2_sdio_data(s->data_arg, len, card_to_memory);
    s->data_pending = false;
    s->sta |= R_STA_DATAEND_MASK | R_STA_DBCKEND_MASK;
    sdio_update_irq(s);
    return true;
}

static void stm32f2_sdio_card_irq(void *opaque, int n, int level)
{
    STM32F2SdioState *s = opaque;

    /* Latched on the rising edge: WWD clears the card's source later. */
    if (level && !s->card_irq_level) {
        s->sta |= R_STA_SDIOIT_MASK;
        sdio_update_irq(s);
    }
    s->card_irq_level = level;
}

void stm32f2_sdio_attach_card(STM32F2SdioState *s, const STM32F2SdioCardOps *ops,
                              void *card)
{
    s->card_ops = ops;
    s->card = card;
}

void stm32f2_sdio_connect_dma(STM32F2SdioState *s, STM32F2DmaState *dma,
                              unsigned stream, unsigned channel)
{
    stm32f2_dma_connect(dma, stream, channel, sdio_serve_dma, s);
}

static uint64_t stm32f2_sdio_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2SdioState *s = opaque;

    switch (offset) {
    case A_POWER: return s->power;
    case A_CLKCR: return s->clkcr;
    case A_ARG: return s->arg;
    case A_CMD: return s->cmd;
    case A_RESPCMD: return s->respcmd;
    case A_RESP1 ... A_RESP4: return s->resp[(offset - A_RESP1) / 4];
    case A_DTIMER: return s->dtimer;
    case A_DLEN: return s->dlen;
    case A_DCTRL: return s->dctrl;
    case A_DCOUNT: return 0;
    case A_STA: return s->sta;
    case A_MASK: return s->mask;
    case A_FIFOCNT: return 0;
    default:
        photon_unimp_record("sdio", 0x40012C00, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_sdio_write(void *opaque, hwaddr offset, uint64_t value,
                               unsigned size)
{
    STM32F2SdioState *s = opaque;

    trace_stm32f2_sdio_write(offset, value);
    switch (offset) {
    case A_POWER: s->power = value & 3; break;
    case A_CLKCR: s->clkcr = value & 0x7FFF; break;
    case A_ARG: s->arg = value; break;
    case A_CMD:
        s->cmd = value & 0x7FFF;
        if (FIELD_EX32(value, CMD, CPSMEN)) {
            sdio_send_command(s);
        }
        break;
    case A_DTIMER: s->dtimer = value; break;
    case A_DLEN: s->dlen = value & 0x1FFFFFF; break;
    case A_DCTRL:
        s->dctrl = value & 0xFFF;
        if (!FIELD_EX32(value, DCTRL, DTEN)) {
            s->data_pending = false;
        }
        break;
    case A_ICR:
        s->sta &= ~(value & STA_STATIC_MASK);
        sdio_update_irq(s);
        break;
    case A_MASK:
        s->mask = value;
        sdio_update_irq(s);
        break;
    default:
        photon_unimp_record("sdio", 0x40012C00, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_sdio_ops = {
    .read = stm32f2_sdio_read,
    .write = stm32f2_sdio_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_sdio_reset_hold(Object *obj)
{
    STM32F2SdioState *s = STM32F2_SDIO(obj);

    s->power = s->clkcr = s->arg = s->cmd = s->respcmd = 0;
    memset(s->resp, 0, sizeof(s->resp));
    s->dtimer = s->dlen = s->dctrl = s->sta = s->mask = 0;
    s->data_pending = false;
}

static void stm32f2_sdio_reset_exit(Object *obj)
{
    sdio_update_irq(STM32F2_SDIO(obj));
}

static void stm32f2_sdio_init(Object *obj)
{
    STM32F2SdioState *s = STM32F2_SDIO(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_sdio_ops, s, TYPE_STM32F2_SDIO, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
    qdev_init_gpio_in_named(DEVICE(obj), stm32f2_sdio_card_irq, "card-irq", 1);
}

static const VMStateDescription vmstate_stm32f2_sdio = {
    .name = TYPE_STM32F2_SDIO,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(power, STM32F2SdioState),
        VMSTATE_UINT32(clkcr, STM32F2SdioState),
        VMSTATE_UINT32(arg, STM32F2SdioState),
        VMSTATE_UINT32(cmd, STM32F2SdioState),
        VMSTATE_UINT32(respcmd, STM32F2SdioState),
        VMSTATE_UINT32_ARRAY(resp, STM32F2SdioState, 4),
        VMSTATE_UINT32(dtimer, STM32F2SdioState),
        VMSTATE_UINT32(dlen, STM32F2SdioState),
        VMSTATE_UINT32(dctrl, STM32F2SdioState),
        VMSTATE_UINT32(sta, STM32F2SdioState),
        VMSTATE_UINT32(mask, STM32F2SdioState),
        VMSTATE_BOOL(card_irq_level, STM32F2SdioState),
        VMSTATE_BOOL(data_pending, STM32F2SdioState),
        VMSTATE_UINT32(data_arg, STM32F2SdioState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_sdio_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_sdio;
    rc->phases.hold = stm32f2_sdio_reset_hold;
    rc->phases.exit = stm32f2_sdio_reset_exit;
}

static const TypeInfo stm32f2_sdio_info = {
    .name = TYPE_STM32F2_SDIO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2SdioState),
    .instance_init = stm32f2_sdio_init,
    .class_init = stm32f2_sdio_class_init,
};

static void stm32f2_sdio_register_types(void)
{
    type_register_static(&stm32f2_sdio_info);
}

type_init(stm32f2_sdio_register_types)
