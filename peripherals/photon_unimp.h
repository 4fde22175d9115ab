/*
 * Unmodelled-access accounting for the Photon machine.
 *
 * Every access the simulator does not model (a register a device model does
 * not implement, or an address no model claims) is recorded here: logged once
 * per distinct (device, offset, direction) under LOG_UNIMP, traced, and
 * counted, so a run's summary can say exactly which gaps the firmware hit.
 * With strict mode on, the first such access stops the run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_UNIMP_H
#define HW_PHOTON_UNIMP_H

#include "exec/hwaddr.h"
#include "hw/sysbus.h"
#include "qom/object.h"

/* Record one unmodelled access to @device at @offset (device-relative). */
void photon_unimp_record(const char *device, hwaddr base, hwaddr offset,
                         bool is_write, unsigned size, uint64_t value);

/* Make the next unmodelled access end the run (photon-sim --strict). */
void photon_unimp_set_strict(bool strict);

typedef void (*PhotonUnimpVisitor)(const char *device, hwaddr address,
                                   bool is_write, uint64_t count, void *opaque);
/* Visit every distinct unmodelled access seen so far, in first-seen order. */
void photon_unimp_foreach(PhotonUnimpVisitor visit, void *opaque);
uint64_t photon_unimp_total(void);
/* The reason the run was stopped by strict mode, or NULL. */
const char *photon_unimp_strict_failure(void);

/*
 * A RAZ/WI region that records every access: used for address ranges where
 * the Photon has a peripheral we do not model, and as the background of the
 * whole peripheral space.
 */
#define TYPE_PHOTON_UNIMP "photon-unimp"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonUnimpState, PHOTON_UNIMP)

struct PhotonUnimpState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    char *name;
    uint64_t base;
    uint64_t size;
};

/* Create, realize and map a photon-unimp region with the given priority. */
DeviceState *photon_unimp_create(const char *name, hwaddr base, uint64_t size,
                                 int priority);

#endif
