/* photon-sim: see include/exec/fast-time.h */
#include "qemu/osdep.h"
#include "qemu/rcu.h"
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

FastTimeIo fast_time_reads_observe(void *opaque, hwaddr addr, bool is_write,
                                   uint64_t value)
{
    return is_write ? FAST_TIME_IO_ENDS_BLOCK : FAST_TIME_IO_OBSERVES;
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
    ram_addr_t ram_addr;
    uint8_t *copy;
} RamArea;

static GArray *ram_areas;       /* of RamArea, found once: RAM does not come and go */

static int note_ram_area(RAMBlock *rb, void *opaque)
{
    MemoryRegion *mr = rb->mr;
    RamArea area = {
        .host = qemu_ram_get_host_addr(rb),
        .size = qemu_ram_get_used_length(rb),
        .ram_addr = rb->offset,
    };

    /* ROM and flash change only through their controllers, which are I/O */
    if (mr && !mr->readonly && !mr->rom_device && area.host && area.size) {
        area.copy = g_malloc(area.size);
        g_array_append_val(ram_areas, area);
    }
    return 0;
}

static void find_ram_areas(void)
{
    if (!ram_areas) {
        ram_areas = g_array_new(false, false, sizeof(RamArea));
        qemu_ram_foreach_block(note_ram_area, NULL);
    }
}

void fast_time_ram_save(void)
{
    find_ram_areas();
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        memcpy(a->copy, a->host, a->size);
    }
}

bool fast_time_ram_unchanged(void)
{
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        if (memcmp(a->copy, a->host, a->size) != 0) {
            return false;
        }
    }
    return true;
}

void fast_time_ram_restore(void)
{
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        for (size_t at = 0; at < a->size; at += TARGET_PAGE_SIZE) {
            size_t n = MIN(TARGET_PAGE_SIZE, a->size - at);
            if (memcmp(a->copy + at, a->host + at, n) != 0) {
                memcpy(a->host + at, a->copy + at, n);
                tb_invalidate_phys_range(a->ram_addr + at, a->ram_addr + at + n);
            }
        }
    }
}

/* ---- idle and settled loops ---------------------------------------------- */

/*
 * A short backward branch out of a block is not chained at first, so that
 * each pass round its loop comes back to the CPU loop.  An edge that keeps
 * failing the tests is chained like any other, so busy loops lose only their
 * first few passes.
 */
#define IDLE_EDGE_MAX_MISSES  16
/* Everything a block can change in the CPU, registers to system state. */
#define CPU_STATE_BYTES       offsetof(CPUArchState, end_reset_fields)

/* The edge under watch: the CPU state at its last pass, and what came since. */
static struct {
    CPUState *cpu;
    const TranslationBlock *from;
    int exit;
    uint64_t side_effects;      /* fast_time_side_effects at the last pass */
    uint64_t external_effects;  /* fast_time_external_effects when watching began */
    bool have_state;
    bool have_ram;              /* the RAM copy was taken at a pass in this state */
    bool trial_failed;          /* no second trial until the state changes */
    int64_t budget_at_ram;      /* instructions left when the RAM copy was taken */
    uint8_t state[CPU_STATE_BYTES];
} watch;

static struct {
    const TranslationBlock *from;
    int exit;
    unsigned misses;
} edge_misses[256];

/* A jump on trial: what to put back if it fails. */
static struct {
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

static void watch_edge(CPUState *cpu, const TranslationBlock *from, int exit)
{
    watch.cpu = cpu;
    watch.from = from;
    watch.exit = exit;
    watch.side_effects = qatomic_read(&fast_time_side_effects);
    watch.external_effects = qatomic_read(&fast_time_external_effects);
    watch.have_state = false;
}

static void watch_state(CPUState *cpu)
{
    memcpy(watch.state, cpu->env_ptr, CPU_STATE_BYTES);
    watch.have_state = true;
    watch.have_ram = false;
    watch.trial_failed = false;
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
static void start_trial(CPUState *cpu, int64_t pass_insns)
{
    int64_t left = budget_left(cpu);
    int64_t keep = pass_insns + 1;

    if (pass_insns <= 0 || keep > 0xffff || left <= 2 * keep ||
        qatomic_read(&cpu->interrupt_request)) {
        return;
    }
    trial.icount_low = cpu_neg(cpu)->icount_decr.u16.low;
    trial.icount_extra = cpu->icount_extra;
    trial.skipped = left - keep;
    set_budget(cpu, keep);
    fast_time_settle_trial = true;
}

void fast_time_settle_give_up(CPUState *cpu)
{
    if (!fast_time_settle_trial) {
        return;
    }
    fast_time_settle_trial = false;
    memcpy(cpu->env_ptr, watch.state, CPU_STATE_BYTES);
    fast_time_ram_restore();
    cpu_neg(cpu)->icount_decr.u16.low = trial.icount_low;
    cpu->icount_extra = trial.icount_extra;
    cpu->exception_index = -1;
    cpu->cflags_next_tb = -1;
    cpu->halted = 0;
    watch.trial_failed = true;
    fast_time_stats.settled_rollbacks++;
}

void fast_time_settle_take_back(CPUState *cpu)
{
    fast_time_settle_give_up(cpu);
    cpu_loop_exit(cpu);
}

/* The pass on trial came back to the edge. */
static FastTimeEdge end_trial(CPUState *cpu)
{
    if (memcmp(watch.state, cpu->env_ptr, CPU_STATE_BYTES) != 0 ||
        qatomic_read(&fast_time_external_effects) != watch.external_effects ||
        !fast_time_ram_unchanged()) {
        fast_time_settle_give_up(cpu);
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
    unsigned slot = ((uintptr_t)from >> 6 ^ exit) % ARRAY_SIZE(edge_misses);
    uint64_t side_effects = qatomic_read(&fast_time_side_effects);
    bool same_state;

    if (!fast_time_idle_skip || !(tb_cflags(from) & CF_USE_ICOUNT) ||
        tb_pc(to) >= branch_end ||
        branch_end - tb_pc(to) > FAST_TIME_LOOP_MAX_BYTES) {
        return FAST_TIME_EDGE_CHAIN;
    }
    if (fast_time_settle_trial) {
        return watch.from == from && watch.exit == exit ? end_trial(cpu)
                                                        : FAST_TIME_EDGE_WATCH;
    }
    if (edge_misses[slot].from != from || edge_misses[slot].exit != exit) {
        edge_misses[slot].from = from;
        edge_misses[slot].exit = exit;
        edge_misses[slot].misses = 0;
    }
    if (watch.cpu != cpu || watch.from != from || watch.exit != exit ||
        watch.external_effects != qatomic_read(&fast_time_external_effects)) {
        watch_edge(cpu, from, exit);
        watch_state(cpu);
        goto miss;
    }
    same_state = watch.have_state &&
                 memcmp(watch.state, cpu->env_ptr, CPU_STATE_BYTES) == 0;
    if (same_state && watch.side_effects == side_effects) {
        /* no store, no I/O, no interrupt: idle until the deadline */
        edge_misses[slot].misses = 0;
        skip_to_deadline(cpu);
        return FAST_TIME_EDGE_SKIPPED;
    }
    watch.side_effects = side_effects;
    if (!same_state) {
        watch_state(cpu);
        goto miss;
    }
    /* same registers, only the CPU's own stores since: does RAM settle too? */
    if (watch.trial_failed) {
        return FAST_TIME_EDGE_WATCH;
    }
    if (watch.have_ram && fast_time_ram_unchanged()) {
        edge_misses[slot].misses = 0;
        start_trial(cpu, watch.budget_at_ram - budget_left(cpu));
        watch.budget_at_ram = budget_left(cpu);
        return FAST_TIME_EDGE_WATCH;
    }
    fast_time_ram_save();
    watch.have_ram = true;
    watch.budget_at_ram = budget_left(cpu);
miss:
    if (++edge_misses[slot].misses > IDLE_EDGE_MAX_MISSES) {
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
