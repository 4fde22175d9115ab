/*
 * Helpers for STM32 register blocks that the firmware accesses with byte and
 * half-word loads and stores (StdPeriph byte writes such as RCC_CR+2, and
 * QEMU's bit-band emulation, which read-modify-writes the containing unit).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_REGS_H
#define HW_PHOTON_REGS_H

#include "exec/hwaddr.h"

/* Bits of the aligned 32-bit register covered by an access. */
static inline uint32_t photon_subword_mask(hwaddr offset, unsigned size)
{
    unsigned shift = (offset & 3) * 8;

    return size >= 4 ? UINT32_MAX : (uint32_t)(((1ull << (size * 8)) - 1) << shift);
}

/* The register's new value after a (possibly partial) store into @old. */
static inline uint32_t photon_subword_merge(uint32_t old, hwaddr offset,
                                            unsigned size, uint64_t value)
{
    uint32_t mask = photon_subword_mask(offset, size);

    return (old & ~mask) | ((uint32_t)(value << ((offset & 3) * 8)) & mask);
}

/*
 * The value a partial store writes into a write-1-to-clear register: bytes
 * the access does not cover write zeros, so they clear nothing.
 */
static inline uint32_t photon_subword_w1c(hwaddr offset, unsigned size,
                                          uint64_t value)
{
    return photon_subword_merge(0, offset, size, value);
}

/* The bytes a partial load returns from a 32-bit register value. */
static inline uint32_t photon_subword_extract(uint32_t reg, hwaddr offset)
{
    return reg >> ((offset & 3) * 8);
}

#endif
