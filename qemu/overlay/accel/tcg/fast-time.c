/* photon-sim: see include/exec/fast-time.h */
#include "qemu/osdep.h"
#include "exec/fast-time.h"

FastTimeStats fast_time_stats;
bool fast_time_idle_skip;
bool fast_time_in_block_io;
uint64_t fast_time_side_effects;

/* A machine has a handful: a cycle counter, a tick timer, a CRC unit. */
#define MAX_IN_BLOCK_REGIONS 16
static struct {
    const MemoryRegion *mr;
    FastTimeInBlockFn may_run;
    void *opaque;
} in_block_regions[MAX_IN_BLOCK_REGIONS];
static unsigned n_in_block_regions;

void fast_time_register_in_block_io(MemoryRegion *mr, FastTimeInBlockFn may_run,
                                    void *opaque)
{
    g_assert(n_in_block_regions < MAX_IN_BLOCK_REGIONS);
    in_block_regions[n_in_block_regions].mr = mr;
    in_block_regions[n_in_block_regions].may_run = may_run;
    in_block_regions[n_in_block_regions].opaque = opaque;
    n_in_block_regions++;
}

bool fast_time_reads_in_block(void *opaque, hwaddr addr, bool is_write, uint64_t value)
{
    return !is_write;
}

bool fast_time_io_in_block(const MemoryRegion *mr, hwaddr addr, bool is_write,
                           uint64_t value)
{
    if (!fast_time_in_block_io) {
        return false;
    }
    for (unsigned i = 0; i < n_in_block_regions; i++) {
        if (in_block_regions[i].mr == mr) {
            return in_block_regions[i].may_run(in_block_regions[i].opaque, addr,
                                               is_write, value);
        }
    }
    return false;
}
