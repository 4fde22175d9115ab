/* photon-sim: see include/exec/fast-time.h */
#include "qemu/osdep.h"
#include "exec/fast-time.h"

FastTimeStats fast_time_stats;
bool fast_time_idle_skip;
uint64_t fast_time_side_effects;

/* A machine has a handful of such registers: a cycle counter, a tick timer. */
#define MAX_EXACT_READ_REGIONS 8
static const MemoryRegion *exact_read_regions[MAX_EXACT_READ_REGIONS];
static unsigned n_exact_read_regions;

void fast_time_register_exact_reads(MemoryRegion *mr)
{
    g_assert(n_exact_read_regions < MAX_EXACT_READ_REGIONS);
    exact_read_regions[n_exact_read_regions++] = mr;
}

bool fast_time_is_exact_read_region(const MemoryRegion *mr)
{
    for (unsigned i = 0; i < n_exact_read_regions; i++) {
        if (exact_read_regions[i] == mr) {
            return true;
        }
    }
    return false;
}
