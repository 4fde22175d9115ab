/* photon-sim: see include/exec/fast-time.h */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/exec-all.h"
#include "exec/ramblock.h"
#include "exec/fast-time.h"
#include "internal.h"

FastTimeStats fast_time_stats;
bool fast_time_idle_skip;
bool fast_time_in_block_io;
uint64_t fast_time_side_effects;
uint64_t fast_time_external_effects;
bool fast_time_settle_trial;

/* ---- device accesses ---------------------------------------------------- */

/* A machine has a handful: a cycle counter, a tick timer, a CRC unit, ... */
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

/* ---- writable guest RAM: a log of the pages the CPU writes ---------------- */

/*
 * A settled loop is one whose passes leave RAM as they found it.  Copying and
 * comparing the whole of RAM at every deadline would cost more than the
 * passes themselves, so RAM is logged instead: while a loop holds the log,
 * the first CPU store to each page since the log started goes through the
 * slow path (the page's TLB entries are marked not dirty, as for QEMU's dirty
 * memory log), which saves the page before the store.  The pages saved are
 * the only ones that may differ from the start: they are compared and put
 * back.  Anything else that writes RAM (a device, exception stacking) is an
 * external effect, and any of those ends a settled loop's claim anyway.
 *
 * Starting the log must send every page's stores down the slow path again.
 * Scanning every TLB entry costs more than a pass, so the log keeps, for each
 * page, the virtual pages its fast entries may map (written through, or
 * filled while the page needed no saving; there may be aliases), and those
 * entries are found by index.
 */
#define PAGE_ALIASES 4

typedef struct PageAliases {
    vaddr page[PAGE_ALIASES];
    unsigned n;
} PageAliases;

typedef struct RamArea {
    uint8_t *host;
    size_t size;
    ram_addr_t ram_addr;
    size_t first_page;          /* its first page's number in the log */
} RamArea;

static GArray *ram_areas;       /* of RamArea, found at the first start */
static size_t ram_pages;
static bool log_saving;         /* a loop holds the log */
static uint8_t *log_copies;     /* each page at its number, as the log found it */
static bool *log_saved;         /* by page number */
static size_t *log_saved_pages; /* the numbers of the pages saved */
static size_t log_n_saved;
static PageAliases *log_aliases; /* by page number */
static size_t *log_fast_pages;  /* the numbers of the pages with aliases */
static size_t log_n_fast;
static bool log_rearm_all;      /* an alias was not noted: scan the TLB */

static int note_ram_area(RAMBlock *rb, void *opaque)
{
    MemoryRegion *mr = rb->mr;
    RamArea area = {
        .host = qemu_ram_get_host_addr(rb),
        .size = qemu_ram_get_used_length(rb),
        .ram_addr = rb->offset,
        .first_page = ram_pages,
    };

    /* ROM and flash change only through their controllers, which are I/O */
    if (mr && !mr->readonly && !mr->rom_device && area.host && area.size) {
        g_array_append_val(ram_areas, area);
        ram_pages += DIV_ROUND_UP(area.size, TARGET_PAGE_SIZE);
    }
    return 0;
}

static void ram_log_init(void)
{
    if (!ram_areas) {
        ram_areas = g_array_new(false, false, sizeof(RamArea));
        qemu_ram_foreach_block(note_ram_area, NULL);
        log_copies = g_malloc(ram_pages * TARGET_PAGE_SIZE);
        log_saved = g_new0(bool, ram_pages);
        log_saved_pages = g_new(size_t, ram_pages);
        log_aliases = g_new0(PageAliases, ram_pages);
        log_fast_pages = g_new(size_t, ram_pages);
        log_rearm_all = true;   /* entries filled before there was a log */
    }
}

/* The number of the logged RAM page holding @addr, or -1. */
static ssize_t ram_page_of(ram_addr_t addr)
{
    if (!ram_areas) {
        return -1;
    }
    for (guint i = 0; i < ram_areas->len; i++) {
        RamArea *a = &g_array_index(ram_areas, RamArea, i);
        if (addr - a->ram_addr < a->size) {
            return a->first_page + (addr - a->ram_addr) / TARGET_PAGE_SIZE;
        }
    }
    return -1;
}

static const RamArea *area_of_page(size_t page)
{
    const RamArea *found = NULL;

    for (guint i = 0; i < ram_areas->len; i++) {
        const RamArea *a = &g_array_index(ram_areas, RamArea, i);
        if (page >= a->first_page) {
            found = a;
        }
    }
    return found;
}

static size_t page_bytes(const RamArea *a, size_t page)
{
    return MIN(TARGET_PAGE_SIZE, a->size - (page - a->first_page) * TARGET_PAGE_SIZE);
}

static uint8_t *page_host(const RamArea *a, size_t page)
{
    return a->host + (page - a->first_page) * TARGET_PAGE_SIZE;
}

/* A fast TLB entry may map @page at @v. */
static void note_alias(size_t page, vaddr v)
{
    PageAliases *aliases = &log_aliases[page];

    v &= TARGET_PAGE_MASK;
    for (unsigned i = 0; i < aliases->n; i++) {
        if (aliases->page[i] == v) {
            return;
        }
    }
    if (aliases->n == 0) {
        log_fast_pages[log_n_fast++] = page;
    }
    if (aliases->n < PAGE_ALIASES) {
        aliases->page[aliases->n++] = v;
    } else {
        log_rearm_all = true;
    }
}

bool fast_time_ram_log_fill(ram_addr_t addr, vaddr v)
{
    ssize_t page = ram_page_of(addr);

    if (page < 0) {
        return false;
    }
    if (log_saving && !log_saved[page]) {
        return true;
    }
    note_alias(page, v);
    return false;
}

void fast_time_ram_log_write(ram_addr_t addr, size_t size, vaddr v)
{
    ram_addr_t end = addr + size;

    v -= addr & ~TARGET_PAGE_MASK;
    for (addr &= TARGET_PAGE_MASK; addr < end; addr += TARGET_PAGE_SIZE, v += TARGET_PAGE_SIZE) {
        ssize_t page = ram_page_of(addr);

        if (page < 0) {
            continue;
        }
        if (log_saving && !log_saved[page]) {
            const RamArea *a = area_of_page(page);

            memcpy(log_copies + page * TARGET_PAGE_SIZE, page_host(a, page),
                   page_bytes(a, page));
            log_saved[page] = true;
            log_saved_pages[log_n_saved++] = page;
        }
        note_alias(page, v);    /* its entry is made fast after this write */
    }
}

/* From now on, save each page before the CPU first writes it. */
static void ram_log_start(CPUState *cpu)
{
    ram_log_init();
    for (size_t i = 0; i < log_n_fast; i++) {
        PageAliases *aliases = &log_aliases[log_fast_pages[i]];

        if (!log_rearm_all) {
            for (unsigned k = 0; k < aliases->n; k++) {
                tlb_reset_dirty_page(cpu, aliases->page[k]);
            }
        }
        aliases->n = 0;
    }
    log_n_fast = 0;
    if (log_rearm_all) {
        for (guint i = 0; i < ram_areas->len; i++) {
            RamArea *a = &g_array_index(ram_areas, RamArea, i);
            tlb_reset_dirty(cpu, (uintptr_t)a->host, a->size);
        }
        log_rearm_all = false;
    }
    for (size_t i = 0; i < log_n_saved; i++) {
        log_saved[log_saved_pages[i]] = false;
    }
    log_n_saved = 0;
    log_saving = true;
}

/* Stores take their fast way again, each page's after its next store. */
static void ram_log_stop(void)
{
    log_saving = false;
}

static bool saved_page_changed(size_t page)
{
    const RamArea *a = area_of_page(page);

    return memcmp(log_copies + page * TARGET_PAGE_SIZE, page_host(a, page),
                  page_bytes(a, page)) != 0;
}

static bool ram_unchanged(void)
{
    for (size_t i = 0; i < log_n_saved; i++) {
        if (saved_page_changed(log_saved_pages[i])) {
            return false;
        }
    }
    return true;
}

/* Puts back what changed since the log started, and drops code translated from it. */
static void ram_restore(void)
{
    for (size_t i = 0; i < log_n_saved; i++) {
        size_t page = log_saved_pages[i];
        const RamArea *a = area_of_page(page);
        size_t n = page_bytes(a, page);
        ram_addr_t at = a->ram_addr + (page - a->first_page) * TARGET_PAGE_SIZE;

        if (saved_page_changed(page)) {
            memcpy(page_host(a, page), log_copies + page * TARGET_PAGE_SIZE, n);
            tb_invalidate_phys_range(at, at + n);
        }
    }
}

/* ---- idle and settled loops ---------------------------------------------- */

/*
 * A short backward branch out of a block is not chained at first, so that
 * each pass round its loop comes back to the CPU loop.  A few edges at a time
 * have a record of their state (a loop's body may call down to a function
 * before it, a short backward edge too).  An edge that keeps failing the
 * tests is chained like any other, so busy loops lose only their first few
 * passes; its failures are counted apart from the records, in a larger table,
 * so that two busy edges sharing a record do not keep each other unchained.
 */
#define WATCHED_EDGES         16
#define COUNTED_EDGES         256
#define EDGE_MAX_MISSES       16
#define EDGE_RETRY_PASSES     1024
/* Everything a block can change in the CPU, registers to system state. */
#define CPU_STATE_BYTES       offsetof(CPUArchState, end_reset_fields)

typedef struct EdgeMisses {
    const TranslationBlock *from;
    int exit;
    unsigned count;             /* passes in a row that were not idle */
} EdgeMisses;

static EdgeMisses edge_misses[COUNTED_EDGES];

typedef struct EdgeWatch {
    CPUState *cpu;
    const TranslationBlock *from;
    int exit;
    uint64_t side_effects;      /* fast_time_side_effects at the last pass */
    uint64_t external_effects;  /* fast_time_external_effects since this state */
    uint64_t last_visit;        /* edge_visits when the CPU last took it */
    bool stores;                /* its loop stored: log RAM from a state's first pass */
    bool trial_failed;          /* no second trial until the state changes */
    int64_t budget_at_ram;      /* instructions left when its RAM log started */
    uint8_t state[CPU_STATE_BYTES];
} EdgeWatch;

static EdgeWatch edges[WATCHED_EDGES];
static uint64_t edge_visits;
/*
 * The edge whose RAM log is on.  Another takes it over only if it was not
 * visited since that one's last pass: both edges of one loop come round each
 * pass, and the loop needs one log, kept whole.
 */
static EdgeWatch *log_owner;

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
    w->trial_failed = false;
    if (log_owner == w) {
        log_owner = NULL;
        ram_log_stop();
    }
}

static void take_ram_log(EdgeWatch *w, CPUState *cpu)
{
    log_owner = w;
    ram_log_start(cpu);
    w->budget_at_ram = budget_left(cpu);
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
    ram_restore();
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
        !ram_unchanged()) {
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
    uintptr_t hash = (uintptr_t)from >> 6 ^ exit;
    EdgeWatch *w = &edges[hash % WATCHED_EDGES];
    EdgeMisses *m = &edge_misses[hash % COUNTED_EDGES];
    uint64_t side_effects = qatomic_read(&fast_time_side_effects);
    uint64_t previous_visit;

    if (!fast_time_idle_skip || !(tb_cflags(from) & CF_USE_ICOUNT) ||
        tb_pc(to) >= branch_end ||
        branch_end - tb_pc(to) > FAST_TIME_LOOP_MAX_BYTES) {
        return FAST_TIME_EDGE_CHAIN;
    }
    if (fast_time_settle_trial) {
        return w == trial.edge && w->from == from && w->exit == exit
               ? end_trial(cpu) : FAST_TIME_EDGE_WATCH;
    }
    if (m->from != from || m->exit != exit) {
        m->from = from;
        m->exit = exit;
        m->count = 0;
    } else if (m->count > EDGE_MAX_MISSES) {
        /*
         * Busy.  Chained, it does not come back, unless it jumps to another
         * page: that one is watched again now and then, as a loop may settle.
         */
        if (++m->count == EDGE_RETRY_PASSES) {
            m->count = 0;
        }
        return FAST_TIME_EDGE_CHAIN;
    }
    if (w->cpu != cpu || w->from != from || w->exit != exit) {
        w->cpu = cpu;
        w->from = from;
        w->exit = exit;
        w->last_visit = ++edge_visits;
        w->stores = false;
        watch_state(w, cpu);
        goto miss;
    }
    previous_visit = w->last_visit;
    w->last_visit = ++edge_visits;
    if (w->external_effects != qatomic_read(&fast_time_external_effects) ||
        memcmp(w->state, cpu->env_ptr, CPU_STATE_BYTES) != 0) {
        watch_state(w, cpu);
        if (w->stores) {
            goto log_ram;
        }
        goto miss;
    }
    if (w->side_effects == side_effects) {
        /* no store, no I/O, no interrupt: idle until the deadline */
        m->count = 0;
        skip_to_deadline(cpu);
        return FAST_TIME_EDGE_SKIPPED;
    }
    /* the same registers, only the CPU's own stores since: did RAM settle too? */
    w->side_effects = side_effects;
    w->stores = true;
    if (w->trial_failed) {
        return FAST_TIME_EDGE_WATCH;
    }
    if (log_owner == w && ram_unchanged()) {
        m->count = 0;
        start_trial(w, cpu, w->budget_at_ram - budget_left(cpu));
        w->budget_at_ram = budget_left(cpu);
        return FAST_TIME_EDGE_WATCH;
    }
log_ram:
    /* RAM is logged from this pass on, ready for the next to come round */
    if (!log_owner || log_owner == w || log_owner->last_visit < previous_visit) {
        take_ram_log(w, cpu);
    }
miss:
    if (++m->count > EDGE_MAX_MISSES) {
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
