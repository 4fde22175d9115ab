/*
 * Bare-metal guest for tests/speed/settled_loop_test.py: polling loops the
 * settled-loop skip (exec/fast-time.h) must get exactly right.  Each wait
 * reports, over USART1, how many cycles after its threshold the loop saw it
 * pass and how many SysTick interrupts came meanwhile:
 *   - tick-ms: a millisecond clock made as Device OS makes millis() (the
 *     SysTick count plus the cycles since the last tick), so each pass
 *     comes round the same until the next tick: skipped, then tried;
 *   - free-ms: a millisecond clock counted from an arbitrary cycle, so it
 *     changes between deadlines: the jump must be taken back each time it
 *     would cross the threshold.
 * Each pass stores (a lock taken and given) as the firmware's loops do.
 */
#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(addr))
#define DWT_CTRL    REG(0xE0001000)
#define DWT_CYCCNT  REG(0xE0001004)
#define SYST_CSR    REG(0xE000E010)
#define SYST_RVR    REG(0xE000E014)
#define SYST_CVR    REG(0xE000E018)
#define USART1_DR   REG(0x40011004)

#define CYCLES_PER_MS 120000u

static volatile uint32_t system_ms;
static volatile uint32_t tick_cycles;   /* the cycle count at the last tick */
static volatile uint32_t ticks;
static volatile uint32_t lock;

void systick_handler(void)
{
    tick_cycles = DWT_CYCCNT;
    system_ms++;
    ticks++;
}

static void put_str(const char *s)
{
    while (*s) {
        USART1_DR = (uint8_t)*s++;
    }
}

static void put_dec(uint32_t v)
{
    char digits[11];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        USART1_DR = (uint8_t)digits[--n];
    }
}

static void report(const char *name, uint32_t ms, uint32_t late, uint32_t tick_count)
{
    put_str(name);
    put_str(" ");
    put_dec(ms);
    put_str(" ms: late ");
    put_dec(late);
    put_str(" cycles, ticks ");
    put_dec(tick_count);
    put_str("\n");
}

/*
 * A firmware's loop calls on after reading the clock (Device OS's system loop
 * does), so no scratch register holds a clock reading when it comes round;
 * this does the same after the clock functions, which keep their arithmetic
 * in scratch registers.
 */
static inline void scrub_scratch_registers(void)
{
    __asm volatile("movs r0, #0\n\tmovs r1, #0\n\tmovs r2, #0\n\tmovs r3, #0\n\tmov r12, r0"
                   ::: "r0", "r1", "r2", "r3", "r12", "cc");
}

/* With interrupts off, so that no tick comes between the three reads. */
__attribute__((noinline)) static uint32_t tick_millis(void)
{
    uint32_t ms;

    __asm volatile("cpsid i" ::: "memory");
    ms = system_ms + (DWT_CYCCNT - tick_cycles) / CYCLES_PER_MS;
    __asm volatile("cpsie i" ::: "memory");
    return ms;
}

static void wait_tick_ms(uint32_t ms)
{
    uint32_t first_tick = ticks;
    uint32_t start = tick_millis();
    uint32_t now, seen;

    do {
        lock = 1;
        now = tick_millis();
        lock = 0;
        scrub_scratch_registers();
    } while (now - start < ms);
    seen = DWT_CYCCNT;
    /* the clock passed the threshold at the tick that made it */
    report("tick-ms", ms, seen - tick_cycles, ticks - first_tick);
}

__attribute__((noinline)) static uint32_t free_millis(uint32_t base)
{
    return (DWT_CYCCNT - base) / CYCLES_PER_MS;
}

static void wait_free_ms(uint32_t ms, uint32_t offset)
{
    uint32_t first_tick = ticks;
    uint32_t base = DWT_CYCCNT - offset;    /* the clock's zero: between two ticks */
    uint32_t now, seen;

    do {
        lock = 1;
        now = free_millis(base);
        lock = 0;
        scrub_scratch_registers();
    } while (now < ms);
    seen = DWT_CYCCNT;
    report("free-ms", ms, seen - base - ms * CYCLES_PER_MS, ticks - first_tick);
}

void reset_handler(void)
{
    system_ms = ticks = lock = 0;
    DWT_CTRL = 1;
    tick_cycles = DWT_CYCCNT;
    SYST_RVR = CYCLES_PER_MS - 1;
    SYST_CVR = 0;
    SYST_CSR = 7;               /* CPU clock, interrupt, enabled */

    wait_tick_ms(5);
    wait_tick_ms(20);
    wait_free_ms(3, 12345);
    wait_free_ms(7, 98765);
    put_str("done\n");
    for (;;) {
    }
}

static void fault_handler(void)
{
    put_str("fault\n");
    for (;;) {
    }
}

#define INITIAL_SP 0x20004000u
__attribute__((section(".vectors"), used))
static const uintptr_t vectors[16] = {
    INITIAL_SP, (uintptr_t)reset_handler,
    (uintptr_t)fault_handler, (uintptr_t)fault_handler, (uintptr_t)fault_handler,
    (uintptr_t)fault_handler, (uintptr_t)fault_handler, 0, 0, 0, 0,
    (uintptr_t)fault_handler, (uintptr_t)fault_handler, 0,
    (uintptr_t)fault_handler, (uintptr_t)systick_handler,
};
