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
 *
 * Settled loops.  A polling loop that stores (takes and gives a lock, enters
 * and leaves a critical section) and reads a clock is not idle by that rule,
 * yet it may come round to the same registers and the same RAM pass after
 * pass, touching no device but to observe it.  Such a pass is a fixed point
 * for the clock values it saw; whether it stays one until the deadline is
 * checked, not assumed: time jumps to one pass before the deadline and one
 * pass runs there.  If that pass comes round to the same state too, the
 * clock-dependent decisions in it came out the same at both ends of the
 * jump (loops compare clocks against thresholds) and the jump stands.  If
 * not (another path, a store that sticks, a device access that changes
 * something, an exception), registers, RAM and the clock are put back as
 * they were before the jump, before anything outside the CPU saw the
 * difference, and the loop runs on pass by pass.
 */
#ifndef EXEC_FAST_TIME_H
#define EXEC_FAST_TIME_H

#include "exec/cpu-common.h"
#include "exec/hwaddr.h"
#include "qemu/timer.h"

typedef struct FastTimeStats {
    uint64_t io_accesses;       /* device reads and writes by the CPU */
    uint64_t io_recompiles;     /* of them, the ones that ended a block */
    uint64_t in_block_io;       /* accesses done inside a block, clock exact */
    uint64_t idle_skips;        /* idle loops skipped to a deadline */
    uint64_t idle_skipped_insns; /* instructions' worth of time skipped */
    uint64_t settled_skips;     /* of the skips, the settled loops' */
    uint64_t settled_rollbacks; /* settled-loop jumps taken back */
} FastTimeStats;

extern FastTimeStats fast_time_stats;

/* Set before the CPU runs: translated code depends on it. */
extern bool fast_time_idle_skip;
/* The longest backward branch watched for an idle or settled loop. */
#define FAST_TIME_LOOP_MAX_BYTES 256

/*
 * Bumped by every side effect the idle-loop detector must see: blocks that
 * store or call side-effecting helpers, I/O, interrupts, device writes to RAM.
 */
extern uint64_t fast_time_side_effects;
/*
 * The part of them outside the CPU and its RAM: I/O that is more than an
 * observation, interrupts, device writes to RAM.
 */
extern uint64_t fast_time_external_effects;

static inline void fast_time_external_effect(void)
{
    qatomic_inc(&fast_time_side_effects);
    qatomic_inc(&fast_time_external_effects);
}

/* What a device access may do, as far as the CPU loop is concerned. */
typedef enum FastTimeIo {
    /* may raise an interrupt, stop or reset the CPU: the block ends with it */
    FAST_TIME_IO_ENDS_BLOCK,
    /* changes device state but none of that: it may run inside its block */
    FAST_TIME_IO_IN_BLOCK,
    /* changes nothing at all (a clock, a status read): inside its block */
    FAST_TIME_IO_OBSERVES,
} FastTimeIo;

/*
 * Called before an access to a registered region, with the value written.
 * An access inside its block may read the clock (it is exact); one that
 * changes device state may also arm timers, one that observes may not.
 */
typedef FastTimeIo (*FastTimeIoFn)(void *opaque, hwaddr addr, bool is_write,
                                   uint64_t value);

void fast_time_register_io(MemoryRegion *mr, FastTimeIoFn classify, void *opaque);
/* Set before the CPU runs: off, every access ends its block as QEMU does. */
extern bool fast_time_in_block_io;
FastTimeIo fast_time_io_kind(const MemoryRegion *mr, hwaddr addr, bool is_write,
                             uint64_t value);

/*
 * For the CPU loop, at each edge between two blocks it did not chain: chain
 * them; leave them unchained (watched); the loop was idle and the clock is at
 * the deadline; or the CPU was put back as before a settled-loop jump and
 * must look up its block again.
 */
typedef enum FastTimeEdge {
    FAST_TIME_EDGE_CHAIN,
    FAST_TIME_EDGE_WATCH,
    FAST_TIME_EDGE_SKIPPED,
    FAST_TIME_EDGE_RESTORED,
} FastTimeEdge;

FastTimeEdge fast_time_edge(CPUState *cpu, const TranslationBlock *from, int exit,
                            const TranslationBlock *to);

/*
 * Settled loops: while a jump is on trial, anything but the pass coming
 * round gives it up first: the CPU, RAM and clock are put back as before the
 * jump.  The guest gives it up (an exception, the budget running out; the
 * loop is not tried again in that state), or another thread interrupts it
 * (an interrupt or exit request; it is tried again).  An access that is more
 * than an observation takes it back and leaves the block (does not return).
 */
extern bool fast_time_settle_trial;
void fast_time_settle_give_up(CPUState *cpu);
void fast_time_settle_interrupted(CPUState *cpu);
G_NORETURN void fast_time_settle_take_back(CPUState *cpu);

/*
 * Settled loops' RAM log (for the softmmu TLB): must a store to this RAM page,
 * whose entry is being filled for @v, take the slow path so that the log sees
 * it first?  And the slow path's call, before the store.
 */
bool fast_time_ram_log_fill(ram_addr_t addr, vaddr v);
void fast_time_ram_log_write(ram_addr_t addr, size_t size, vaddr v);

/* For the translator: does the op stream just generated have side effects? */
bool tcg_ops_have_side_effects(void);

/*
 * Notify only the timer lists of @type that have an expired timer: under
 * icount the vCPU thread runs the virtual timers itself at each deadline, and
 * waking every AioContext there costs two thread switches each time.
 */
void qemu_clock_notify_expired(QEMUClockType type);

#endif
