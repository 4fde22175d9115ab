/* photon-sim: see include/exec/fast-time.h */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/exec-all.h"
#include "exec/ramblock.h"
#include "exec/fast-time.h"

FastTimeStats fast_time_stats;
bool fast_time_idle_skip;
bool fast_time_in_block_io;
uint64_t fast_time_side_effects;
uint64_t fast_time_external_effects;
bool fast_time_settle_trial;

/* ---- device accesses ---------------------------------------------------- */

/* A machine has a handful: a cycle counter, a tick timer, a CRC unit. */
#define MAX_IO_REGIONS 16
static struct {
    const MemoryRegion *mr;
    FastTimeIoFn classify;
    void *opaque;
} io_regions[MAX_IO_REGIONS];
static unsigned n_io_regions;

void fast_time_register_io(MemoryRegion *mr, FastTimeIoFn classify, void *opaque)
{
    g_assert(n_io_regions < MAX_IO_REGIONS);
    io_regions[n_io_regions].mr = mr;
    io_regions[n_io_regions].classify = classify;
    io_regions[n_io_regions].opaque = opaque;
    n_io_regions++;
}

FastTimeIo fast_time_io_kind(const MemoryRegion *mr, hwaddr addr, bool is_write,
                             uint64_t value)
{
    if (!fast_time_in_block_io) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    for (unsigned i = 0; i < n_io_regions; i++) {
        if (io_regions[i].mr == mr) {
            return io_regions[i].classify(io_regions[i].opaque, addr, is_write, value);
        }
    }
    return FAST_TIME_IO_ENDS_BLOCK;
}

/* ---- writable guest RAM, copied and compared ----------------------------- */

typedef struct RamArea {
    uint8_t *host;
    size_t size;
    size_t copy_offset;         /* where it goes in a RAM copy */
    ram_addr_t ram_addr;
} RamArea;

static GArray *ram_areas;       /* of RamArea, found once: RAM does not come and go */
static size_t ram_copy_size;

static int note_ram_area(RAMBlock *rb, void *opaque)
{
    MemoryRegion *mr = rb->mr;
    RamArea area = {
        .host = qemu_ram_get_host_addr(rb),
        .size = qemu_ram_get_used_length(rb),
        .copy_offset = ram_copy_size,
        .ram_addr = rb->offset,
    };

    /* ROM and flash change only through their controllers, which are I/O */
    if (mr && !mr->readonly && !mr->rom_device && area.host && area.size) {
        g_array_append_val(ram_areas, area);
        ram_copy_size += area.size;
    }
    return 0;
}

static uint8_t *ram_copy_new(void)
{
    if (!ram_areas) {
        ram_areas = g_array_new(false, false, sizeof(RamArea));
        qemu_ram_foreach_block(note_ram_area, NULL);
    }
    return g_malloc(ram_copy_size);
}

static void ram_save(uint8_t *copy)
{
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        memcpy(copy + a->copy_offset, a->host, a->size);
    }
}

static bool ram_unchanged(const uint8_t *copy)
{
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        if (memcmp(copy + a->copy_offset, a->host, a->size) != 0) {
            return false;
        }
    }
    return true;
}

/* Puts back what changed since the copy, and drops code translated from it. */
static void ram_restore(const uint8_t *copy)
{
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        const uint8_t *saved = copy + a->copy_offset;
        for (size_t at = 0; at < a->size; at += TARGET_PAGE_SIZE) {
            size_t n = MIN(TARGET_PAGE_SIZE, a->size - at);
            if (memcmp(saved + at, a->host + at, n) != 0) {
                memcpy(a->host + at, saved + at, n);
                tb_invalidate_phys_range(a->ram_addr + at, a->ram_addr + at + n);
            }
        }
    }
}

/* ---- idle and settled loops ---------------------------------------------- */

/*
 * A short backward branch out of a block is not chained at first, so that
 * each pass round its loop comes back to the CPU loop.  Each such edge has a
 * record of its own (a loop's body may call down to a function before it, a
 * short backward edge too); an edge that keeps failing the tests is chained
 * like any other, so busy loops lose only their first few passes.
 */
#define WATCHED_EDGES         16
#define EDGE_MAX_MISSES       16
/* Everything a block can change in the CPU, registers to system state. */
#define CPU_STATE_BYTES       offsetof(CPUArchState, end_reset_fields)

typedef struct EdgeWatch {
    CPUState *cpu;
    const TranslationBlock *from;
    int exit;
    unsigned misses;
    uint64_t side_effects;      /* fast_time_side_effects at the last pass */
    uint64_t external_effects;  /* fast_time_external_effects since this state */
    bool have_ram;              /* ram was copied at a pass in this state */
    bool trial_failed;          /* no second trial until the state changes */
    int64_t budget_at_ram;      /* instructions left when ram was copied */
    uint8_t *ram;               /* a RAM copy, allocated on first use */
    uint8_t state[CPU_STATE_BYTES];
} EdgeWatch;

static EdgeWatch edges[WATCHED_EDGES];

/* A jump on trial: its edge, and what to put back if it fails. */
static struct {
    EdgeWatch *edge;
    uint16_t icount_low;
    int64_t icount_extra;
    int64_t skipped;
} trial;

static int64_t budget_left(CPUState *cpu)
{
    return cpu_neg(cpu)->icount_decr.u16.low + cpu->icount_extra;
}

static void set_budget(CPUState *cpu, int64_t left)
{
    uint16_t low = MIN(left, 0xffff);
    cpu_neg(cpu)->icount_decr.u16.low = low;
    cpu->icount_extra = left - low;
}

static void watch_state(EdgeWatch *w, CPUState *cpu)
{
    memcpy(w->state, cpu->env_ptr, CPU_STATE_BYTES);
    w->side_effects = qatomic_read(&fast_time_side_effects);
    w->external_effects = qatomic_read(&fast_time_external_effects);
    w->have_ram = false;
    w->trial_failed = false;
}

/* Nothing can happen before the deadline the budget was sized to: use it up. */
static void skip_to_deadline(CPUState *cpu)
{
    fast_time_stats.idle_skips++;
    fast_time_stats.idle_skipped_insns += budget_left(cpu);
    set_budget(cpu, 0);
}

/*
 * The loop came round to the same state twice, RAM included, one pass of
 * @pass_insns apart: jump to one pass (and an instruction) before the
 * deadline and let that pass run on trial.
 */
static void start_trial(EdgeWatch *w, CPUState *cpu, int64_t pass_insns)
{
    int64_t left = budget_left(cpu);
    int64_t keep = pass_insns + 1;

    if (pass_insns <= 0 || keep > 0xffff || left <= 2 * keep ||
        qatomic_read(&cpu->interrupt_request)) {
        return;
    }
    trial.edge = w;
    trial.icount_low = cpu_neg(cpu)->icount_decr.u16.low;
    trial.icount_extra = cpu->icount_extra;
    trial.skipped = left - keep;
    set_budget(cpu, keep);
    fast_time_settle_trial = true;
}

static void put_back(CPUState *cpu, bool guest_caused)
{
    EdgeWatch *w = trial.edge;

    fast_time_settle_trial = false;
    memcpy(cpu->env_ptr, w->state, CPU_STATE_BYTES);
    ram_restore(w->ram);
    cpu_neg(cpu)->icount_decr.u16.low = trial.icount_low;
    cpu->icount_extra = trial.icount_extra;
    cpu->exception_index = -1;
    cpu->cflags_next_tb = -1;
    cpu->halted = 0;
    /*
     * What the guest did would go the same way again; an interrupt or exit
     * request from another thread is no verdict on the loop, and holding it
     * against the loop would make the run depend on the host's timing.
     */
    w->trial_failed = guest_caused;
    fast_time_stats.settled_rollbacks++;
}

void fast_time_settle_give_up(CPUState *cpu)
{
    if (fast_time_settle_trial) {
        put_back(cpu, true);
    }
}

void fast_time_settle_interrupted(CPUState *cpu)
{
    if (fast_time_settle_trial) {
        put_back(cpu, false);
    }
}

void fast_time_settle_take_back(CPUState *cpu)
{
    put_back(cpu, true);
    cpu_loop_exit(cpu);
}

/* The pass on trial came back to its edge. */
static FastTimeEdge end_trial(CPUState *cpu)
{
    EdgeWatch *w = trial.edge;

    if (memcmp(w->state, cpu->env_ptr, CPU_STATE_BYTES) != 0 ||
        qatomic_read(&fast_time_external_effects) != w->external_effects ||
        !ram_unchanged(w->ram)) {
        put_back(cpu, true);
        return FAST_TIME_EDGE_RESTORED;
    }
    fast_time_settle_trial = false;
    fast_time_stats.idle_skips++;
    fast_time_stats.settled_skips++;
    fast_time_stats.idle_skipped_insns += trial.skipped;
    return FAST_TIME_EDGE_WATCH;
}

static FastTimeEdge edge_verdict(CPUState *cpu, const TranslationBlock *from, int exit,
                                 const TranslationBlock *to)
{
    target_ulong branch_end = tb_pc(from) + from->size;
    EdgeWatch *w = &edges[((uintptr_t)from >> 6 ^ exit) % WATCHED_EDGES];
    uint64_t side_effects = qatomic_read(&fast_time_side_effects);
    bool same_state;

    if (!fast_time_idle_skip || !(tb_cflags(from) & CF_USE_ICOUNT) ||
        tb_pc(to) >= branch_end ||
        branch_end - tb_pc(to) > FAST_TIME_LOOP_MAX_BYTES) {
        return FAST_TIME_EDGE_CHAIN;
    }
    if (fast_time_settle_trial) {
        return w == trial.edge && w->from == from && w->exit == exit
               ? end_trial(cpu) : FAST_TIME_EDGE_WATCH;
    }
    if (w->cpu != cpu || w->from != from || w->exit != exit) {
        w->cpu = cpu;
        w->from = from;
        w->exit = exit;
        w->misses = 0;
        watch_state(w, cpu);
        goto miss;
    }
    if (w->external_effects != qatomic_read(&fast_time_external_effects)) {
        watch_state(w, cpu);
        goto miss;
    }
    same_state = memcmp(w->state, cpu->env_ptr, CPU_STATE_BYTES) == 0;
    if (same_state && w->side_effects == side_effects) {
        /* no store, no I/O, no interrupt: idle until the deadline */
        w->misses = 0;
        skip_to_deadline(cpu);
        return FAST_TIME_EDGE_SKIPPED;
    }
    if (!same_state) {
        watch_state(w, cpu);
        goto miss;
    }
    /* the same registers, only the CPU's own stores since: does RAM settle too? */
    w->side_effects = side_effects;
    if (w->trial_failed) {
        return FAST_TIME_EDGE_WATCH;
    }
    if (!w->ram) {
        w->ram = ram_copy_new();
    } else if (w->have_ram && ram_unchanged(w->ram)) {
        w->misses = 0;
        start_trial(w, cpu, w->budget_at_ram - budget_left(cpu));
        w->budget_at_ram = budget_left(cpu);
        return FAST_TIME_EDGE_WATCH;
    }
    ram_save(w->ram);
    w->have_ram = true;
    w->budget_at_ram = budget_left(cpu);
miss:
    if (++w->misses > EDGE_MAX_MISSES) {
        return FAST_TIME_EDGE_CHAIN;
    }
    return FAST_TIME_EDGE_WATCH;
}

FastTimeEdge fast_time_edge(CPUState *cpu, const TranslationBlock *from, int exit,
                            const TranslationBlock *to)
{
    FastTimeEdge verdict = edge_verdict(cpu, from, exit, to);

    /* a jump to another page must find its block again each time (translator.c) */
    if (verdict == FAST_TIME_EDGE_CHAIN &&
        ((tb_pc(from) ^ tb_pc(to)) & TARGET_PAGE_MASK) != 0) {
        return FAST_TIME_EDGE_WATCH;
    }
    return verdict;
}
