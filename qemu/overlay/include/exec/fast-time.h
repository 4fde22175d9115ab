/*
 * photon-sim: faster than real time under -icount, with every value the
 * guest can observe unchanged.
 *
 * I/O inside a block.  Under icount an I/O access must be the last
 * instruction of its translation block, so that the instruction count (the
 * virtual clock) is exact when the device looks at it; any other access
 * leaves the block and runs again from a block that ends there (translated
 * once, then found again).  A guest that polls a cycle counter, or feeds a
 * CRC unit a word at a time, pays that exit on every access.
 * A device registers the accesses that cannot interrupt, stop or reset the
 * CPU or change what it executes (a clock read, a CRC word, a status read
 * while idle); such an access instead counts the block's remaining
 * instructions out of the clock for its duration: the device sees the same
 * exact count, and the block runs on.
 *
 * Idle skip.  A short backward branch whose loop comes round to the same CPU
 * state with no side effect on the way (no guest store, no I/O, no helper
 * with side effects, no interrupt, no device write to RAM) will spin until
 * an asynchronous event, and under icount none can come before the next
 * virtual timer deadline: the rest of the instruction budget, which icount
 * sizes to that deadline, is consumed at once.
 */
#ifndef EXEC_FAST_TIME_H
#define EXEC_FAST_TIME_H

#include "exec/hwaddr.h"
#include "qemu/timer.h"

typedef struct FastTimeStats {
    uint64_t io_accesses;       /* device reads and writes by the CPU */
    uint64_t io_recompiles;     /* of them, the ones that ended a block */
    uint64_t in_block_io;       /* accesses done inside a block, clock exact */
    uint64_t idle_skips;        /* idle loops skipped to a deadline */
    uint64_t idle_skipped_insns; /* instructions' worth of time skipped */
} FastTimeStats;

extern FastTimeStats fast_time_stats;

/* Set before the CPU runs: translated code depends on it. */
extern bool fast_time_idle_skip;

/*
 * Bumped by every side effect the idle-loop detector must see: blocks that
 * store or call side-effecting helpers, I/O, interrupts, device writes to RAM.
 */
extern uint64_t fast_time_side_effects;

/*
 * May this access to a registered region run inside its block?  Only if it
 * raises no interrupt, halts or resets nothing and leaves guest code alone;
 * it may read or arm timers (the clock is exact).  Called before the access.
 */
typedef bool (*FastTimeInBlockFn)(void *opaque, hwaddr addr, bool is_write,
                                  uint64_t value);

void fast_time_register_in_block_io(MemoryRegion *mr, FastTimeInBlockFn may_run,
                                    void *opaque);
/* A FastTimeInBlockFn for regions whose reads only report state (clocks). */
bool fast_time_reads_in_block(void *opaque, hwaddr addr, bool is_write, uint64_t value);
/* Set before the CPU runs: off, every access ends its block as QEMU does. */
extern bool fast_time_in_block_io;
bool fast_time_io_in_block(const MemoryRegion *mr, hwaddr addr, bool is_write,
                           uint64_t value);

/* For the translator: does the op stream just generated have side effects? */
bool tcg_ops_have_side_effects(void);

/*
 * Notify only the timer lists of @type that have an expired timer: under
 * icount the vCPU thread runs the virtual timers itself at each deadline, and
 * waking every AioContext there costs two thread switches each time.
 */
void qemu_clock_notify_expired(QEMUClockType type);

#endif
