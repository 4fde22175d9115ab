/*
 * Names what the Photon's RGB status LED shows (see led_pattern.h).
 *
 * The colour stream is cut into segments of one steady colour. Segments
 * wait in a queue until something explains the one at the front:
 *
 *  - the pattern already showing, if the segment is its next phase
 *    (a blink's next half, a fade's next step, the SOS's closing pause);
 *  - otherwise the first recogniser, in priority order, that is sure a
 *    pattern starts there. A recogniser may ask to see more first; then
 *    nothing below it is asked, so a red flash is not called a burst while
 *    it may still turn out to be the start of an SOS.
 *
 * A front segment nothing explains is dropped and counted towards an
 * "irregular" stretch. Because the queue is only ever eaten from the front,
 * patterns come out in the order they started.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "led_pattern.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000LL
#define MIN_I64(a, b) ((a) < (b) ? (a) : (b))

/* What Device OS does (services/src/led_service.cpp, system_task.cpp, panic.c). */
#define SERVICE_STEP_MS 25.0           /* led_update() runs every 25 ms of SysTick */
#define FAST_BLINK_MAX_PERIOD_MS 150.0 /* between "blink fast" (100) and "blink" (200) */
#define ERROR_BLINK_PHASE_MS 250.0     /* LEDCloudErrorStatus: 250 on, 250 off */
#define ERROR_BLINK_MAX_COUNT 9        /* Spark_Error_Count is 2 or 3 */
#define BURST_MIN_MS 200.0             /* handshake failure: 250 ms busy-wait, */
#define BURST_MAX_MS 350.0             /* shown from one 25 ms tick to another */
#define SOS_CODE_PHASE_MS 300.0        /* each of the N code blinks: 300 on, 300 off */
#define SOS_PAUSE_MS 1100.0            /* the last code blink's 300 off + 800 pause */
#define SOS_MAX_CODE 16                /* panic codes run 1..14 */
#define BREATHING_PERIOD_MS 4000.0
#define FAST_BREATHING_PERIOD_MS 1000.0
#define SLOW_BREATHING_PERIOD_MS 8000.0
#define BREATHING_PERIOD_SLACK 0.15

/* Choices of this classifier. */
#define SETTLE_NS (2 * NS_PER_MS)      /* r, g, b are written one after another */
#define MIN_STEADY_MS 200.0            /* a steady colour shorter than this is a transient */
#define MAX_BLINK_PHASE_MS 1000.0      /* slower on/off is steady colour, then dark */
#define PHASE_SLACK_MS 10.0            /* jitter on both edges of a phase */
#define PHASE_SLACK_FRACTION 0.10      /* ... plus what the 25 ms steps smear */
#define SAME_LEVEL_FRACTION 0.15       /* lit phases of one blink are equally bright */
#define BREATH_MIN_STEPS 10            /* a fade is named after 250 ms of it */
#define BREATH_MAX_STEP_MS 80.0        /* up to three equal steps merge at low brightness */
#define BREATH_MAX_FIRST_STEP_MS 150.0 /* first step merged with a blink's lit half */
#define BREATH_MAX_STEP_FRACTION 0.12  /* per step, of the peak: 1000 ms fades move 5 % */
#define BREATH_TROUGH_FRACTION 0.10    /* turning up is allowed only this close to dark */
#define BREATH_PEAK_FRACTION 0.85      /* turning down only this close to the peak */
#define IRREGULAR_MIN_MS 1000.0
#define SEGMENT_CAPACITY 256           /* SOS play: ~50 segments; half a slow fade: 160 */

/* A stretch of one steady colour. */
struct segment {
    int64_t start_ns;
    int64_t end_ns;            /* for the showing segment: as far as is known */
    struct led_rgb rgb;
    double level;              /* led_rgb_level(), 0 when dark */
    enum led_colour colour;    /* LED_COLOUR_OFF when dark */
    bool open;                 /* still showing */
};

/* A triangle fade followed step by step, from its first (full) step. */
struct ramp {
    enum led_colour colour;
    double peak;               /* full level of the fade */
    double last_level;
    int64_t last_ns;           /* when the latest step began */
    int direction;             /* -1 fading out, +1 fading in */
    double level_travel;       /* sum of |level changes| ... */
    double time_travel_ms;     /* ... over this time: the slope */
    int64_t first_peak_ns;
    int64_t last_peak_ns;
    unsigned peaks;            /* peaks after the first */
    unsigned steps;
};

/* The pattern showing now, and what its next segment should look like. */
struct ongoing {
    bool active;
    struct led_pattern_event event;  /* as reported, with live measurements */
    int64_t steady_start_ns;         /* steady: the segment it is */
    bool expect_lit;                 /* blink: next half */
    enum led_colour colour;
    double on_total_ms, off_total_ms;
    unsigned on_phases, off_phases;
    struct ramp ramp;                /* breathing */
};

/* Dropped segments in a row, reported as irregular once long enough. */
struct unexplained_run {
    bool active;
    bool reported;
    int64_t start_ns;
    int64_t end_ns;
    bool has_lit;
    struct segment first_lit;
};

struct led_pattern_classifier {
    led_pattern_event_fn on_event;
    void *opaque;
    int64_t now_ns;
    bool finished;

    /* A change waiting out SETTLE_NS. */
    bool has_pending;
    int64_t pending_ns;
    struct led_rgb pending_rgb;

    /* Segments not yet explained: closed ones in a ring, then the showing one. */
    struct segment ring[SEGMENT_CAPACITY];
    unsigned head;
    unsigned closed_count;
    bool has_showing;
    struct segment showing;

    bool has_prev;
    struct segment prev;       /* the segment just before the front */

    struct ongoing ongoing;
    struct led_pattern_event ended;   /* the pattern that ended last */
    bool may_resume;           /* ... and nothing has come after it yet */
    bool has_reported;
    int64_t last_start_ns;     /* start of the last report: starts never go back */
    struct unexplained_run run;
};

enum verdict {
    NO_MATCH,
    NEED_MORE,
    MATCHED,
};

struct match {
    unsigned consumed;         /* closed segments from the front */
    struct led_pattern_event event;
    struct ongoing next;       /* inactive for one-shot patterns */
};

/* How a segment relates to the pattern showing. */
enum carry {
    CARRY_ON,      /* it is the pattern's next phase */
    CARRY_LAST,    /* it is the pattern's last (possibly cut-short) phase */
    CARRY_PENDING, /* still showing and fitting so far */
    CARRY_BROKEN,  /* the pattern ended before it */
};

/* How a segment's length fits an expected phase. */
enum phase_fit {
    PHASE_FITS,
    PHASE_PENDING, /* still showing, not too long yet */
    PHASE_SHORT,
    PHASE_LONG,
};

/* ---- segments ---------------------------------------------------------- */

static double seg_ms(const struct segment *s)
{
    return (double)(s->end_ns - s->start_ns) / NS_PER_MS;
}

static bool seg_lit(const struct segment *s)
{
    return s->colour != LED_COLOUR_OFF;
}

static bool seg_is(const struct segment *s, enum led_colour colour)
{
    return s && s->colour == colour;
}

/* Both lit in the same colour at about the same brightness. */
static bool same_light(const struct segment *a, const struct segment *b)
{
    return a && b && seg_lit(a) && seg_lit(b) && a->colour == b->colour &&
           fabs(a->level - b->level) <= SAME_LEVEL_FRACTION * fmax(a->level, b->level);
}

static double slack_ms(double expected_ms)
{
    return PHASE_SLACK_MS + PHASE_SLACK_FRACTION * expected_ms;
}

static bool close_to(double actual_ms, double expected_ms)
{
    return fabs(actual_ms - expected_ms) <= slack_ms(expected_ms);
}

static enum phase_fit fit_phase(const struct segment *s, double expected_ms)
{
    double length = seg_ms(s);
    double slack = slack_ms(expected_ms);
    if (s->open) {
        return length <= expected_ms + slack ? PHASE_PENDING : PHASE_LONG;
    }
    if (length < expected_ms - slack) {
        return PHASE_SHORT;
    }
    return length > expected_ms + slack ? PHASE_LONG : PHASE_FITS;
}

static struct segment segment_from(int64_t start_ns, struct led_rgb rgb)
{
    struct segment s = {
        .start_ns = start_ns,
        .end_ns = start_ns,
        .rgb = rgb,
        .colour = led_colour_of(rgb),
        .open = true,
    };
    s.level = s.colour == LED_COLOUR_OFF ? 0.0 : led_rgb_level(rgb);
    return s;
}

/* The i-th unexplained segment from the front; NULL past the end. */
static const struct segment *seg_at(const struct led_pattern_classifier *cls,
                                    unsigned i)
{
    if (i < cls->closed_count) {
        return &cls->ring[(cls->head + i) % SEGMENT_CAPACITY];
    }
    if (i == cls->closed_count && cls->has_showing) {
        return &cls->showing;
    }
    return NULL;
}

/* The segment just before the front, if it ended where the front begins. */
static const struct segment *adjacent_prev(const struct led_pattern_classifier *cls,
                                           const struct segment *front)
{
    if (cls->has_prev && cls->prev.end_ns == front->start_ns) {
        return &cls->prev;
    }
    return NULL;
}

/* ---- naming -------------------------------------------------------------- */

static void event_init(struct led_pattern_event *e, enum led_pattern_kind kind,
                       int64_t start_ns, const struct segment *lit)
{
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->start_ns = start_ns;
    e->colour = LED_COLOUR_OFF;
    if (lit && seg_lit(lit)) {
        e->colour = lit->colour;
        e->rgb = led_rgb_normalised_hex(lit->rgb);
        e->peak_duty = lit->level;
    }
}

static void name_steady(struct led_pattern_event *e)
{
    if (e->colour == LED_COLOUR_OFF) {
        snprintf(e->name, sizeof(e->name), "off");
    } else if (e->colour == LED_COLOUR_WHITE) {
        snprintf(e->name, sizeof(e->name), "white");
    } else {
        snprintf(e->name, sizeof(e->name), "solid-%06x", (unsigned)e->rgb);
    }
}

static void name_blink(struct led_pattern_event *e)
{
    snprintf(e->name, sizeof(e->name), "%s%s",
             e->period_ms <= FAST_BLINK_MAX_PERIOD_MS ? "fast-blinking-" : "blinking-",
             led_colour_name(e->colour));
}

static bool near_period(double period_ms, double expected_ms)
{
    return fabs(period_ms - expected_ms) <= BREATHING_PERIOD_SLACK * expected_ms;
}

static void name_breathing(struct led_pattern_event *e)
{
    const char *prefix = "fading-";
    if (near_period(e->period_ms, BREATHING_PERIOD_MS)) {
        prefix = "breathing-";
    } else if (near_period(e->period_ms, FAST_BREATHING_PERIOD_MS)) {
        prefix = "fast-breathing-";
    } else if (near_period(e->period_ms, SLOW_BREATHING_PERIOD_MS)) {
        prefix = "slow-breathing-";
    }
    snprintf(e->name, sizeof(e->name), "%s%s", prefix, led_colour_name(e->colour));
}

const char *led_pattern_kind_name(enum led_pattern_kind kind)
{
    switch (kind) {
    case LED_PATTERN_OFF:
        return "off";
    case LED_PATTERN_SOLID:
        return "solid";
    case LED_PATTERN_BLINK:
        return "blink";
    case LED_PATTERN_BREATHING:
        return "breathing";
    case LED_PATTERN_BLINK_GROUP:
        return "blink-group";
    case LED_PATTERN_BURST:
        return "burst";
    case LED_PATTERN_SOS:
        return "sos";
    case LED_PATTERN_IRREGULAR:
        return "irregular";
    }
    return "unknown";
}

/* ---- fades ---------------------------------------------------------------- */

/*
 * Takes one more step of a fade into r, if s can be that step: the same
 * hue (unless nearly dark, where hue means little), a small change, and
 * turning only at the bottom or the top.
 * The step's length is the caller's business.
 */
static bool ramp_step(struct ramp *r, const struct segment *s)
{
    struct ramp n = *r;
    double level = seg_lit(s) ? s->level : 0.0;
    bool dim = level <= BREATH_TROUGH_FRACTION * n.peak;

    if (!dim && s->colour != n.colour) {
        return false;
    }
    double change = level - n.last_level;
    if (fabs(change) > BREATH_MAX_STEP_FRACTION * n.peak) {
        return false;
    }
    if (change < 0) {
        if (n.direction > 0) {
            if (n.last_level < BREATH_PEAK_FRACTION * n.peak) {
                return false;
            }
            /* The step before this one was a peak. */
            n.peaks++;
            n.last_peak_ns = r->last_ns;
        }
        n.direction = -1;
    } else if (change > 0) {
        if (n.direction < 0 && n.last_level > BREATH_TROUGH_FRACTION * n.peak) {
            return false;
        }
        n.direction = +1;
    }
    n.level_travel += fabs(change);
    n.time_travel_ms += (double)(s->start_ns - n.last_ns) / NS_PER_MS;
    n.last_level = level;
    n.last_ns = s->start_ns;
    n.steps++;
    *r = n;
    return true;
}

/* Full period from the slope: the fade covers the peak in half a period. */
static double ramp_period_estimate(const struct ramp *r)
{
    if (r->level_travel <= 0 || r->time_travel_ms <= 0) {
        return 0;
    }
    return 2.0 * r->peak / (r->level_travel / r->time_travel_ms);
}

static double ramp_period(const struct ramp *r)
{
    if (r->peaks > 0) {
        return (double)(r->last_peak_ns - r->first_peak_ns) / NS_PER_MS / r->peaks;
    }
    return ramp_period_estimate(r);
}

/* A fade starting at full brightness level at start_ns. */
static struct ramp ramp_from_peak(enum led_colour colour, double level, int64_t start_ns)
{
    struct ramp r = {
        .colour = colour,
        .peak = level,
        .last_level = level,
        .last_ns = start_ns,
        .direction = -1,
        .first_peak_ns = start_ns,
        .last_peak_ns = start_ns,
        .steps = 1,
    };
    return r;
}

/* ---- recognisers, in priority order ---------------------------------------- */

static const struct {
    bool lit;
    double ms;
} sos_preamble[] = {
    { true, 150 }, { false, 100 }, { true, 150 }, { false, 100 }, { true, 150 }, { false, 200 },
    { true, 300 }, { false, 100 }, { true, 300 }, { false, 100 }, { true, 300 }, { false, 200 },
    { true, 150 }, { false, 100 }, { true, 150 }, { false, 100 }, { true, 150 }, { false, 1000 },
};

#define SOS_PREAMBLE_PHASES (sizeof(sos_preamble) / sizeof(sos_preamble[0]))

/*
 * Panic: red "... --- ..." then N long blinks and a pause. Named once the
 * pause is longer than a code blink's dark half; the pause itself is left
 * to the ongoing pattern.
 */
static enum verdict match_sos(const struct led_pattern_classifier *cls, struct match *m)
{
    const struct segment *first = seg_at(cls, 0);
    if (!seg_is(first, LED_COLOUR_RED)) {
        return NO_MATCH;
    }
    for (unsigned i = 0; i < SOS_PREAMBLE_PHASES; i++) {
        const struct segment *s = seg_at(cls, i);
        if (!s || (sos_preamble[i].lit ? !seg_is(s, LED_COLOUR_RED) : seg_lit(s))) {
            return NO_MATCH;
        }
        enum phase_fit fit = fit_phase(s, sos_preamble[i].ms);
        if (fit == PHASE_PENDING) {
            return NEED_MORE;
        }
        if (fit != PHASE_FITS) {
            return NO_MATCH;
        }
    }

    unsigned i = SOS_PREAMBLE_PHASES, code = 0;
    double code_on_ms = 0;
    for (;;) {
        const struct segment *on = seg_at(cls, i);
        if (!seg_is(on, LED_COLOUR_RED)) {
            return NO_MATCH;
        }
        enum phase_fit fit = fit_phase(on, SOS_CODE_PHASE_MS);
        if (fit == PHASE_PENDING) {
            return NEED_MORE;
        }
        if (fit != PHASE_FITS || ++code > SOS_MAX_CODE) {
            return NO_MATCH;
        }
        code_on_ms += seg_ms(on);
        const struct segment *off = seg_at(cls, i + 1);
        if (!off) {
            break; /* the run ended on the last code blink */
        }
        if (seg_lit(off)) {
            return NO_MATCH;
        }
        fit = fit_phase(off, SOS_CODE_PHASE_MS);
        if (fit == PHASE_PENDING) {
            return NEED_MORE;
        }
        if (fit == PHASE_SHORT) {
            return NO_MATCH;
        }
        if (fit == PHASE_LONG) {
            break; /* the pause: N is known */
        }
        i += 2;
    }

    m->consumed = i + 1;
    event_init(&m->event, LED_PATTERN_SOS, first->start_ns, first);
    m->event.count = code;
    m->event.cycles = 1;
    m->event.on_ms = code_on_ms / code;
    snprintf(m->event.name, sizeof(m->event.name), "sos-%u", code);
    m->next.active = true;
    return MATCHED;
}

/*
 * Cloud connection errors: N orange blinks of 250/250, then the pattern
 * underneath again. Named when the group is over, so N is known.
 */
static enum verdict match_orange_group(const struct led_pattern_classifier *cls,
                                       struct match *m)
{
    const struct segment *first = seg_at(cls, 0);
    if (!seg_is(first, LED_COLOUR_ORANGE)) {
        return NO_MATCH;
    }
    unsigned i = 0, blinks = 0, periods = 0;
    double on_total_ms = 0, period_total_ms = 0;
    for (;;) {
        const struct segment *on = seg_at(cls, i);
        if (!seg_is(on, LED_COLOUR_ORANGE)) {
            break; /* the previous blink's dark half was the group's last phase */
        }
        enum phase_fit fit = fit_phase(on, ERROR_BLINK_PHASE_MS);
        if (fit == PHASE_PENDING) {
            return NEED_MORE;
        }
        if (fit != PHASE_FITS) {
            break;
        }
        const struct segment *off = seg_at(cls, i + 1);
        if (!off || seg_lit(off)) {
            break; /* an orange flash with no dark half is not a blink */
        }
        fit = fit_phase(off, ERROR_BLINK_PHASE_MS);
        if (fit == PHASE_PENDING) {
            return NEED_MORE;
        }
        if (fit == PHASE_SHORT) {
            break;
        }
        if (++blinks > ERROR_BLINK_MAX_COUNT) {
            return NO_MATCH; /* endless: an ordinary blink */
        }
        on_total_ms += seg_ms(on);
        if (fit == PHASE_LONG) {
            /* The last dark half runs on into whatever is dark next. */
            if (blinks < 2) {
                return NO_MATCH;
            }
            i += 1;
            break;
        }
        period_total_ms += seg_ms(on) + seg_ms(off);
        periods++;
        i += 2;
    }
    if (blinks == 0) {
        return NO_MATCH;
    }
    m->consumed = i;
    event_init(&m->event, LED_PATTERN_BLINK_GROUP, first->start_ns, first);
    m->event.count = blinks;
    m->event.cycles = blinks;
    m->event.on_ms = on_total_ms / blinks;
    m->event.period_ms = periods ? period_total_ms / periods : 0;
    snprintf(m->event.name, sizeof(m->event.name), "orange-blinks-%u", blinks);
    return MATCHED;
}

static void blink_matched(struct match *m, int64_t start_ns, const struct segment *lit,
                          double on_total_ms, unsigned on_phases,
                          double off_total_ms, unsigned off_phases, bool expect_lit)
{
    struct led_pattern_event *e = &m->event;
    event_init(e, LED_PATTERN_BLINK, start_ns, lit);
    e->on_ms = on_total_ms / on_phases;
    e->period_ms = e->on_ms + off_total_ms / off_phases;
    e->cycles = 2;
    name_blink(e);
    m->consumed = 4;
    m->next = (struct ongoing){
        .active = true,
        .expect_lit = expect_lit,
        .colour = lit->colour,
        .on_total_ms = on_total_ms,
        .off_total_ms = off_total_ms,
        .on_phases = on_phases,
        .off_phases = off_phases,
    };
}

/*
 * The length a still-showing phase may reach and still fit a blink whose
 * phases are about reference_ms long.
 */
static bool within_phase(const struct segment *s, double reference_ms)
{
    double limit = fmin(reference_ms, MAX_BLINK_PHASE_MS);
    return seg_ms(s) <= limit + slack_ms(limit);
}

/*
 * Blink seen from its lit half: lit, dark, lit, dark, all alike (the first
 * lit half may be longer: it can carry the end of what showed before).
 */
static enum verdict match_blink_from_lit(const struct led_pattern_classifier *cls,
                                         struct match *m)
{
    const struct segment *s0 = seg_at(cls, 0);
    if (s0->open) {
        return within_phase(s0, MAX_BLINK_PHASE_MS) ? NEED_MORE : NO_MATCH;
    }
    if (!within_phase(s0, MAX_BLINK_PHASE_MS)) {
        return NO_MATCH;
    }
    double d0 = seg_ms(s0);
    const struct segment *s1 = seg_at(cls, 1);
    if (!s1 || seg_lit(s1)) {
        return NO_MATCH;
    }
    if (s1->open) {
        return within_phase(s1, d0) ? NEED_MORE : NO_MATCH;
    }
    double d1 = seg_ms(s1);
    const struct segment *s2 = seg_at(cls, 2);
    if (!same_light(s2, s0)) {
        return NO_MATCH;
    }
    if (s2->open) {
        return within_phase(s2, d1) ? NEED_MORE : NO_MATCH;
    }
    double d2 = seg_ms(s2);
    if (!close_to(d2, d1) || d0 < d2 - slack_ms(d2)) {
        return NO_MATCH;
    }
    const struct segment *s3 = seg_at(cls, 3);
    if (!s3 || seg_lit(s3)) {
        return NO_MATCH;
    }
    if (s3->open) {
        return within_phase(s3, d1) ? NEED_MORE : NO_MATCH;
    }
    double d3 = seg_ms(s3);
    if (!close_to(d3, d1)) {
        return NO_MATCH;
    }
    bool first_whole = close_to(d0, d2);
    double on_total = d2 + (first_whole ? d0 : 0);
    unsigned on_phases = first_whole ? 2 : 1;
    double on_ms = on_total / on_phases;
    int64_t start_ns = first_whole ? s0->start_ns
                                   : s0->end_ns - (int64_t)llround(on_ms * NS_PER_MS);
    blink_matched(m, start_ns, s2, on_total, on_phases, d1 + d3, 2, true);
    return MATCHED;
}

/*
 * Blink seen from its dark half, when its first lit half merged into a
 * longer stretch of the same colour that has already been explained.
 */
static enum verdict match_blink_from_dark(const struct led_pattern_classifier *cls,
                                          struct match *m)
{
    const struct segment *s0 = seg_at(cls, 0);
    const struct segment *lead = adjacent_prev(cls, s0);
    if (!lead || !seg_lit(lead)) {
        return NO_MATCH;
    }
    double lead_ms = seg_ms(lead);
    if (s0->open) {
        return within_phase(s0, lead_ms) ? NEED_MORE : NO_MATCH;
    }
    if (!within_phase(s0, lead_ms)) {
        return NO_MATCH;
    }
    double d0 = seg_ms(s0);
    const struct segment *s1 = seg_at(cls, 1);
    if (!same_light(s1, lead)) {
        return NO_MATCH;
    }
    if (s1->open) {
        return within_phase(s1, d0) ? NEED_MORE : NO_MATCH;
    }
    double d1 = seg_ms(s1);
    if (!close_to(d1, d0) || lead_ms < d1 - slack_ms(d1)) {
        return NO_MATCH;
    }
    const struct segment *s2 = seg_at(cls, 2);
    if (!s2 || seg_lit(s2)) {
        return NO_MATCH;
    }
    if (s2->open) {
        return within_phase(s2, d0) ? NEED_MORE : NO_MATCH;
    }
    double d2 = seg_ms(s2);
    const struct segment *s3 = seg_at(cls, 3);
    if (!close_to(d2, d0) || !same_light(s3, lead)) {
        return NO_MATCH;
    }
    if (s3->open) {
        return within_phase(s3, d1) ? NEED_MORE : NO_MATCH;
    }
    double d3 = seg_ms(s3);
    if (!close_to(d3, d1)) {
        return NO_MATCH;
    }
    int64_t start_ns = s0->start_ns - (int64_t)llround((d1 + d3) / 2 * NS_PER_MS);
    blink_matched(m, start_ns, s1, d1 + d3, 2, d0 + d2, 2, false);
    return MATCHED;
}

/* Equal lit and dark halves, two whole periods of them. */
static enum verdict match_blink(const struct led_pattern_classifier *cls, struct match *m)
{
    if (seg_lit(seg_at(cls, 0))) {
        return match_blink_from_lit(cls, m);
    }
    return match_blink_from_dark(cls, m);
}

/* One red, orange or magenta flash of about 250 ms. */
static enum verdict match_burst(const struct led_pattern_classifier *cls, struct match *m)
{
    const struct segment *s0 = seg_at(cls, 0);
    if (!seg_is(s0, LED_COLOUR_RED) && !seg_is(s0, LED_COLOUR_ORANGE) &&
        !seg_is(s0, LED_COLOUR_MAGENTA)) {
        return NO_MATCH;
    }
    double d0 = seg_ms(s0);
    if (s0->open) {
        return d0 <= BURST_MAX_MS ? NEED_MORE : NO_MATCH;
    }
    if (d0 < BURST_MIN_MS || d0 > BURST_MAX_MS) {
        return NO_MATCH;
    }
    m->consumed = 1;
    event_init(&m->event, LED_PATTERN_BURST, s0->start_ns, s0);
    m->event.on_ms = d0;
    snprintf(m->event.name, sizeof(m->event.name), "%s-burst", led_colour_name(s0->colour));
    return MATCHED;
}

/*
 * Where a fade at the front begins. Device OS starts every fade with one
 * step at full brightness, fading out; that step may have merged into the
 * front segment, or gone to what showed before it in the same colour (a
 * steady colour, a blink's lit half).
 */
static struct ramp breathing_start(const struct led_pattern_classifier *cls,
                                   const struct segment *s0, int64_t *start_ns,
                                   const struct segment **peak_segment)
{
    const int64_t step_ns = (int64_t)(SERVICE_STEP_MS * NS_PER_MS);
    const struct segment *lead = adjacent_prev(cls, s0);

    *peak_segment = s0;
    if (seg_ms(s0) > SERVICE_STEP_MS + slack_ms(SERVICE_STEP_MS)) {
        *start_ns = s0->end_ns - step_ns;
        return ramp_from_peak(s0->colour, s0->level, *start_ns);
    }
    if (lead && seg_lit(lead) && lead->colour == s0->colour && lead->level > s0->level &&
        lead->level - s0->level <= BREATH_MAX_STEP_FRACTION * lead->level) {
        *start_ns = s0->start_ns - step_ns;
        *peak_segment = lead;
        struct ramp r = ramp_from_peak(s0->colour, lead->level, *start_ns);
        ramp_step(&r, s0); /* a step down of the size just checked: always fits */
        return r;
    }
    *start_ns = s0->start_ns;
    return ramp_from_peak(s0->colour, s0->level, *start_ns);
}

/* Many small steps of one hue, 25 ms apart, going down and up again. */
static enum verdict match_breathing(const struct led_pattern_classifier *cls,
                                    struct match *m)
{
    const struct segment *s0 = seg_at(cls, 0);
    if (!seg_lit(s0)) {
        return NO_MATCH;
    }
    if (s0->open) {
        return seg_ms(s0) <= BREATH_MAX_FIRST_STEP_MS ? NEED_MORE : NO_MATCH;
    }
    if (seg_ms(s0) > BREATH_MAX_FIRST_STEP_MS) {
        return NO_MATCH;
    }
    int64_t start_ns;
    const struct segment *peak_segment;
    struct ramp r = breathing_start(cls, s0, &start_ns, &peak_segment);
    unsigned taken = 1;
    bool may_go_on = false;
    for (const struct segment *s; (s = seg_at(cls, taken)) != NULL; taken++) {
        struct ramp next = r;
        bool fits = ramp_step(&next, s) && seg_ms(s) <= BREATH_MAX_STEP_MS;
        if (s->open) {
            may_go_on = fits;
            break;
        }
        if (!fits) {
            break;
        }
        r = next;
    }
    if (r.steps < BREATH_MIN_STEPS || r.level_travel <= 0) {
        return may_go_on ? NEED_MORE : NO_MATCH;
    }
    m->consumed = taken;
    event_init(&m->event, LED_PATTERN_BREATHING, start_ns, peak_segment);
    m->event.peak_duty = r.peak;
    m->event.period_ms = ramp_period_estimate(&r);
    m->event.cycles = r.peaks;
    name_breathing(&m->event);
    m->next = (struct ongoing){ .active = true, .ramp = r };
    return MATCHED;
}

/* One colour (or dark) held long enough. */
static enum verdict match_steady(const struct led_pattern_classifier *cls, struct match *m)
{
    const struct segment *s0 = seg_at(cls, 0);
    if (seg_ms(s0) < MIN_STEADY_MS) {
        return s0->open ? NEED_MORE : NO_MATCH;
    }
    event_init(&m->event, seg_lit(s0) ? LED_PATTERN_SOLID : LED_PATTERN_OFF,
               s0->start_ns, s0);
    name_steady(&m->event);
    if (s0->open) {
        m->consumed = 0; /* the ongoing pattern takes it when it ends */
        m->next = (struct ongoing){ .active = true, .steady_start_ns = s0->start_ns };
    } else {
        m->consumed = 1;
    }
    return MATCHED;
}

typedef enum verdict (*recogniser)(const struct led_pattern_classifier *cls,
                                   struct match *m);

static const recogniser recognisers[] = {
    match_sos,          /* before bursts and blinks: it is made of red flashes */
    match_orange_group, /* before blinks: two 250/250 blinks are not "blinking" */
    match_blink,
    match_burst,        /* after blinks: a slow red blink's first half is not a burst */
    match_breathing,
    match_steady,       /* last: anything held long enough */
};

#define RECOGNISER_COUNT (sizeof(recognisers) / sizeof(recognisers[0]))

/* ---- the pattern showing -------------------------------------------------- */

static enum carry carry_steady(const struct ongoing *o, const struct segment *s)
{
    if (s->start_ns != o->steady_start_ns) {
        return CARRY_BROKEN;
    }
    return s->open ? CARRY_PENDING : CARRY_LAST;
}

static enum carry carry_blink(struct ongoing *o, const struct segment *s)
{
    bool lit = seg_lit(s);
    if (lit != o->expect_lit) {
        return CARRY_BROKEN;
    }
    if (lit && s->colour != o->colour) {
        return CARRY_BROKEN;
    }
    double expected = lit ? o->on_total_ms / o->on_phases : o->off_total_ms / o->off_phases;
    switch (fit_phase(s, expected)) {
    case PHASE_PENDING:
        return CARRY_PENDING;
    case PHASE_SHORT:
        return CARRY_LAST; /* cut short by the next pattern */
    case PHASE_LONG:
        return CARRY_BROKEN;
    case PHASE_FITS:
        break;
    }
    if (lit) {
        o->on_total_ms += seg_ms(s);
        o->on_phases++;
    } else {
        o->off_total_ms += seg_ms(s);
        o->off_phases++;
        o->event.cycles++;
    }
    o->expect_lit = !lit;
    o->event.on_ms = o->on_total_ms / o->on_phases;
    o->event.period_ms = o->event.on_ms + o->off_total_ms / o->off_phases;
    return CARRY_ON;
}

static enum carry carry_breathing(struct ongoing *o, const struct segment *s)
{
    struct ramp next = o->ramp;
    if (!ramp_step(&next, s) || seg_ms(s) > BREATH_MAX_STEP_MS) {
        return CARRY_BROKEN;
    }
    if (s->open) {
        return CARRY_PENDING;
    }
    o->ramp = next;
    o->event.cycles = next.peaks;
    o->event.period_ms = ramp_period(&next);
    return CARRY_ON;
}

static enum carry carry_sos(const struct ongoing *o, const struct segment *s)
{
    (void)o;
    if (seg_lit(s) || seg_ms(s) > SOS_PAUSE_MS + slack_ms(SOS_PAUSE_MS)) {
        return CARRY_BROKEN;
    }
    return s->open ? CARRY_PENDING : CARRY_LAST;
}

static enum carry carry_ongoing(struct ongoing *o, const struct segment *s)
{
    switch (o->event.kind) {
    case LED_PATTERN_OFF:
    case LED_PATTERN_SOLID:
        return carry_steady(o, s);
    case LED_PATTERN_BLINK:
        return carry_blink(o, s);
    case LED_PATTERN_BREATHING:
        return carry_breathing(o, s);
    case LED_PATTERN_SOS:
        return carry_sos(o, s);
    case LED_PATTERN_BLINK_GROUP:
    case LED_PATTERN_BURST:
    case LED_PATTERN_IRREGULAR:
        break; /* over as soon as they are named */
    }
    return CARRY_BROKEN;
}

/* ---- reporting ---------------------------------------------------------- */

static void report(struct led_pattern_classifier *cls, struct led_pattern_event *e)
{
    if (cls->has_reported && e->start_ns < cls->last_start_ns) {
        e->start_ns = cls->last_start_ns;
    }
    e->confirmed_ns = cls->now_ns;
    cls->has_reported = true;
    cls->last_start_ns = e->start_ns;
    cls->may_resume = false;
    if (cls->on_event) {
        cls->on_event(cls->opaque, e);
    }
}

static void pop_front(struct led_pattern_classifier *cls)
{
    cls->prev = cls->ring[cls->head];
    cls->has_prev = true;
    cls->head = (cls->head + 1) % SEGMENT_CAPACITY;
    cls->closed_count--;
}

static void end_ongoing(struct led_pattern_classifier *cls)
{
    cls->ended = cls->ongoing.event;
    cls->ongoing.active = false;
    cls->may_resume = true;
}

/* Nothing explains the front segment: let it go. */
static void drop_front(struct led_pattern_classifier *cls)
{
    const struct segment *s = seg_at(cls, 0);
    struct unexplained_run *run = &cls->run;
    if (!run->active) {
        *run = (struct unexplained_run){ .active = true, .start_ns = s->start_ns };
    }
    if (!run->has_lit && seg_lit(s)) {
        run->has_lit = true;
        run->first_lit = *s;
    }
    run->end_ns = s->end_ns;
    pop_front(cls);
    cls->may_resume = false;
    if (!run->reported &&
        (double)(run->end_ns - run->start_ns) / NS_PER_MS >= IRREGULAR_MIN_MS) {
        struct led_pattern_event e;
        event_init(&e, LED_PATTERN_IRREGULAR, run->start_ns,
                   run->has_lit ? &run->first_lit : NULL);
        snprintf(e.name, sizeof(e.name), "irregular");
        run->reported = true;
        report(cls, &e);
    }
}

static void begin_pattern(struct led_pattern_classifier *cls, struct match *m)
{
    const struct segment *front = seg_at(cls, 0);
    struct led_pattern_event *e = &m->event;

    if (!front->open && (double)(e->start_ns - front->start_ns) / NS_PER_MS >= MIN_STEADY_MS) {
        /* The front held steady a good while before the pattern began in it. */
        struct led_pattern_event lead;
        event_init(&lead, seg_lit(front) ? LED_PATTERN_SOLID : LED_PATTERN_OFF,
                   front->start_ns, front);
        name_steady(&lead);
        report(cls, &lead);
    }
    bool resumes = cls->may_resume && cls->ended.kind == e->kind &&
                   strcmp(cls->ended.name, e->name) == 0;
    for (unsigned i = 0; i < m->consumed; i++) {
        pop_front(cls);
    }
    cls->run.active = false;

    cls->ongoing = m->next;
    if (resumes) {
        /* The same pattern straight after itself: one pattern, not two. */
        unsigned cycles = cls->ended.cycles + e->cycles;
        cls->ongoing.event = cls->ended;
        cls->ongoing.event.cycles = cycles;
        cls->may_resume = false;
        return;
    }
    report(cls, e);
    if (cls->ongoing.active) {
        cls->ongoing.event = *e;
    }
}

/* Explains as much of the queue as can be explained now. */
static void process(struct led_pattern_classifier *cls, bool final)
{
    const struct segment *front;
    while ((front = seg_at(cls, 0)) != NULL) {
        if (cls->ongoing.active) {
            enum carry c = carry_ongoing(&cls->ongoing, front);
            if (c == CARRY_PENDING && !final) {
                return;
            }
            if (c == CARRY_ON) {
                pop_front(cls);
                continue;
            }
            if (c == CARRY_LAST || c == CARRY_PENDING) {
                pop_front(cls);
                end_ongoing(cls);
                continue;
            }
            end_ongoing(cls);
        }

        enum verdict v = NO_MATCH;
        struct match m;
        for (size_t i = 0; i < RECOGNISER_COUNT; i++) {
            memset(&m, 0, sizeof(m));
            v = recognisers[i](cls, &m);
            if (v == NEED_MORE && final) {
                v = NO_MATCH; /* nothing more is coming */
            }
            if (v != NO_MATCH) {
                break;
            }
        }
        if (v == NEED_MORE) {
            return;
        }
        if (v == MATCHED) {
            begin_pattern(cls, &m);
            continue;
        }
        if (front->open) {
            return; /* match_steady waits for it; never reached */
        }
        drop_front(cls);
    }
}

/* ---- input ------------------------------------------------------------- */

static void push_closed(struct led_pattern_classifier *cls, const struct segment *s)
{
    if (cls->closed_count == SEGMENT_CAPACITY) {
        drop_front(cls); /* a recogniser waited too long: should not happen */
    }
    cls->ring[(cls->head + cls->closed_count) % SEGMENT_CAPACITY] = *s;
    cls->closed_count++;
}

/* The showing segment ends at end_ns. */
static void close_showing(struct led_pattern_classifier *cls, int64_t end_ns)
{
    if (!cls->has_showing) {
        return;
    }
    cls->has_showing = false;
    if (end_ns > cls->showing.start_ns) {
        struct segment done = cls->showing;
        done.end_ns = end_ns;
        done.open = false;
        push_closed(cls, &done);
    }
}

static bool same_rgb(struct led_rgb a, struct led_rgb b)
{
    const double epsilon = 1e-9;
    return fabs(a.r - b.r) < epsilon && fabs(a.g - b.g) < epsilon &&
           fabs(a.b - b.b) < epsilon;
}

static void show(struct led_pattern_classifier *cls, int64_t time_ns, struct led_rgb rgb)
{
    if (cls->has_showing && same_rgb(rgb, cls->showing.rgb)) {
        return;
    }
    close_showing(cls, time_ns);
    cls->showing = segment_from(time_ns, rgb);
    cls->has_showing = true;
}

/* Commits the pending change once it has settled (or now, if forced). */
static void settle(struct led_pattern_classifier *cls, bool force)
{
    if (cls->has_pending && (force || cls->now_ns - cls->pending_ns >= SETTLE_NS)) {
        cls->has_pending = false;
        show(cls, cls->pending_ns, cls->pending_rgb);
    }
}

static void advance_to(struct led_pattern_classifier *cls, int64_t time_ns)
{
    if (time_ns > cls->now_ns) {
        cls->now_ns = time_ns;
    }
    settle(cls, false);
    if (cls->has_showing) {
        /* A pending change may yet be undone, so the showing colour is only
         * known to last until it. */
        cls->showing.end_ns = cls->has_pending ? cls->pending_ns : cls->now_ns;
    }
}

struct led_pattern_classifier *led_pattern_new(int64_t start_ns,
                                               led_pattern_event_fn on_event,
                                               void *opaque)
{
    struct led_pattern_classifier *cls = calloc(1, sizeof(*cls));
    if (!cls) {
        return NULL;
    }
    cls->on_event = on_event;
    cls->opaque = opaque;
    cls->now_ns = start_ns;
    cls->showing = segment_from(start_ns, (struct led_rgb){ 0, 0, 0 });
    cls->has_showing = true;
    return cls;
}

void led_pattern_free(struct led_pattern_classifier *cls)
{
    free(cls);
}

/* A duty as a fraction of the period; anything else (NaN too) is clamped. */
static double duty(double d)
{
    return d > 0 ? fmin(d, 1.0) : 0.0;
}

void led_pattern_colour(struct led_pattern_classifier *cls, int64_t time_ns,
                        double r, double g, double b)
{
    if (!cls || cls->finished) {
        return;
    }
    advance_to(cls, time_ns);
    if (!cls->has_pending) {
        cls->has_pending = true;
        cls->pending_ns = cls->now_ns;
    }
    cls->pending_rgb = (struct led_rgb){ duty(r), duty(g), duty(b) };
    advance_to(cls, cls->now_ns);
    process(cls, false);
}

void led_pattern_advance(struct led_pattern_classifier *cls, int64_t time_ns)
{
    if (!cls || cls->finished) {
        return;
    }
    advance_to(cls, time_ns);
    process(cls, false);
}

void led_pattern_flush(struct led_pattern_classifier *cls, int64_t time_ns)
{
    if (!cls || cls->finished) {
        return;
    }
    advance_to(cls, time_ns);
    settle(cls, true);
    close_showing(cls, cls->now_ns);
    process(cls, true);
    cls->finished = true;
}

int64_t led_pattern_horizon(const struct led_pattern_classifier *cls)
{
    int64_t horizon;

    if (!cls || cls->finished) {
        return INT64_MAX;
    }
    /* Patterns are reported in start order, from the front of the queue; an
     * unexplained stretch may still be reported as irregular from its start. */
    horizon = cls->now_ns;
    const struct segment *front = seg_at(cls, 0);
    if (front) {
        /* A pattern may begin in the segment just before the front (a blink's first
         * lit half) or a service step before the front (a fade's first step); two
         * steps of margin keep the horizon from moving back as the front advances. */
        const struct segment *lead = adjacent_prev(cls, front);
        int64_t earliest = lead ? MIN_I64(lead->start_ns, front->start_ns) : front->start_ns;
        horizon = MIN_I64(horizon, earliest - 2 * (int64_t)(SERVICE_STEP_MS * NS_PER_MS));
    }
    if (cls->run.active && !cls->run.reported) {
        horizon = MIN_I64(horizon, cls->run.start_ns);
    }
    return horizon;
}

bool led_pattern_current(const struct led_pattern_classifier *cls,
                         struct led_pattern_event *out)
{
    if (!cls || !cls->ongoing.active) {
        return false;
    }
    *out = cls->ongoing.event;
    return true;
}
