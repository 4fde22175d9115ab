/*
 * Unmodelled-access accounting for the Photon machine (see photon_unimp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "exec/address-spaces.h"
#include "sysemu/runstate.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

typedef struct UnimpSite {
    const char *device;         /* interned: models pass string literals or QOM names */
    hwaddr address;             /* absolute bus address */
    bool is_write;
    uint64_t count;
} UnimpSite;

static GArray *unimp_sites;     /* of UnimpSite, first-seen order */
static GHashTable *unimp_index; /* key "device|address|w" -> index + 1 */
static uint64_t unimp_total;
static bool unimp_strict;
static char *strict_failure;

void photon_unimp_set_strict(bool strict)
{
    unimp_strict = strict;
}

void photon_unimp_record(const char *device, hwaddr base, hwaddr offset,
                         bool is_write, unsigned size, uint64_t value)
{
    hwaddr address = base + offset;
    g_autofree char *key = NULL;
    gpointer slot;

    if (!unimp_sites) {
        unimp_sites = g_array_new(false, true, sizeof(UnimpSite));
        unimp_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    unimp_total++;
    trace_photon_unimp_access(device, address, is_write, size, value);

    key = g_strdup_printf("%s|%" HWADDR_PRIx "|%d", device, address, is_write);
    slot = g_hash_table_lookup(unimp_index, key);
    if (slot) {
        g_array_index(unimp_sites, UnimpSite, GPOINTER_TO_UINT(slot) - 1).count++;
        return;
    }

    UnimpSite site = {
        .device = g_intern_string(device),
        .address = address,
        .is_write = is_write,
        .count = 1,
    };
    g_array_append_val(unimp_sites, site);
    g_hash_table_insert(unimp_index, g_steal_pointer(&key),
                        GUINT_TO_POINTER(unimp_sites->len));
    qemu_log_mask(LOG_UNIMP, "%s: unmodelled %s at 0x%08" HWADDR_PRIx
                  " (offset 0x%" HWADDR_PRIx ", %u bytes, value 0x%" PRIx64 ")\n",
                  device, is_write ? "write" : "read", address, offset, size,
                  is_write ? value : 0);

    if (unimp_strict && !strict_failure) {
        strict_failure = g_strdup_printf("unmodelled %s of %s at 0x%08" HWADDR_PRIx,
                                         is_write ? "write" : "read", device, address);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
    }
}

void photon_unimp_foreach(PhotonUnimpVisitor visit, void *opaque)
{
    for (guint i = 0; unimp_sites && i < unimp_sites->len; i++) {
        UnimpSite *site = &g_array_index(unimp_sites, UnimpSite, i);
        visit(site->device, site->address, site->is_write, site->count, opaque);
    }
}

uint64_t photon_unimp_total(void)
{
    return unimp_total;
}

const char *photon_unimp_strict_failure(void)
{
    return strict_failure;
}

static uint64_t photon_unimp_read(void *opaque, hwaddr offset, unsigned size)
{
    PhotonUnimpState *s = opaque;

    photon_unimp_record(s->name, s->base, offset, false, size, 0);
    return 0;
}

static void photon_unimp_write(void *opaque, hwaddr offset, uint64_t value,
                               unsigned size)
{
    PhotonUnimpState *s = opaque;

    photon_unimp_record(s->name, s->base, offset, true, size, value);
}

static const MemoryRegionOps photon_unimp_ops = {
    .read = photon_unimp_read,
    .write = photon_unimp_write,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void photon_unimp_realize(DeviceState *dev, Error **errp)
{
    PhotonUnimpState *s = PHOTON_UNIMP(dev);

    if (!s->name || !s->size) {
        error_setg(errp, "photon-unimp needs a name and a size");
        return;
    }
    memory_region_init_io(&s->iomem, OBJECT(s), &photon_unimp_ops, s,
                          s->name, s->size);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
}

static Property photon_unimp_properties[] = {
    DEFINE_PROP_STRING("name", PhotonUnimpState, name),
    DEFINE_PROP_UINT64("base", PhotonUnimpState, base, 0),
    DEFINE_PROP_UINT64("size", PhotonUnimpState, size, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void photon_unimp_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = photon_unimp_realize;
    device_class_set_props(dc, photon_unimp_properties);
}

static const TypeInfo photon_unimp_info = {
    .name = TYPE_PHOTON_UNIMP,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(PhotonUnimpState),
    .class_init = photon_unimp_class_init,
};

static void photon_unimp_register_types(void)
{
    type_register_static(&photon_unimp_info);
}

type_init(photon_unimp_register_types)

DeviceState *photon_unimp_create(const char *name, hwaddr base, uint64_t size,
                                 int priority)
{
    DeviceState *dev = qdev_new(TYPE_PHOTON_UNIMP);

    qdev_prop_set_string(dev, "name", name);
    qdev_prop_set_uint64(dev, "base", base);
    qdev_prop_set_uint64(dev, "size", size);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map_overlap(SYS_BUS_DEVICE(dev), 0, base, priority);
    return dev;
}
