/*
 * A scenario run on the Photon machine (photon_scenario.h): the session of
 * sim/scenario fed with what the board shows, on the virtual clock.
 *
 * Observations reach the session in virtual-time order because they all come
 * from the one vCPU thread: LED patterns from the report's classifier,
 * packets from the network's capture point, cloud events and results from
 * the cloud core. Steps the session fires run right after the call that
 * fired them, at the same virtual time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/qmp/qdict.h"
#include "qapi/qmp/qlist.h"
#include "qapi/qmp/qjson.h"
#include "qapi/qmp/qnum.h"
#include "qapi/qmp/qnull.h"
#include "hw/photon/board/photon_scenario_internal.h"
#include "hw/photon/net/packet.h"
#include "hw/photon/net/packet_text.h"

static int64_t now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static double seconds(int64_t ns)
{
    return ns / 1e9;
}

/* ---- feeding the session ---- */

static void arm_deadline(PhotonScenario *sc)
{
    scn_time next = scn_session_next_deadline(sc->session);

    if (next == SCN_TIME_NEVER) {
        timer_del(sc->deadline_timer);
    } else {
        timer_mod(sc->deadline_timer, MAX(next, now_ns()));
    }
}

static void stop_when_decided(PhotonScenario *sc)
{
    /* A scenario without expectations runs to its end: it is only there to be watched. */
    if (!sc->finished && sc->scn->expectation_count && scn_session_decided(sc->session) &&
        scn_timeline_unfired(scn_session_timeline(sc->session)) == 0) {
        int64_t now = now_ns();

        photon_scenario_finish(sc, now);
        photon_machine_end_run(sc->m, "scenario decided");
    }
}

/* After each session call: run the steps it fired (which may feed it again), then
 * re-arm the deadline timer. */
static void after_session_call(PhotonScenario *sc, bool ok)
{
    if (!ok) {
        error_report("photon: scenario: out of memory; the run's verdicts are unreliable");
        exit(1);
    }
    while (sc->due_steps->len) {
        size_t index = g_array_index(sc->due_steps, size_t, 0);

        g_array_remove_index(sc->due_steps, 0);
        photon_scenario_execute(sc, &sc->scn->steps[index]);
    }
    if (!sc->finished) {
        arm_deadline(sc);
        stop_when_decided(sc);
    }
}

#define FEED(sc, call) do {                   \
        if (!(sc)->finished) {                \
            bool ok_;                         \
            (sc)->in_session = true;          \
            ok_ = (call);                     \
            (sc)->in_session = false;         \
            after_session_call((sc), ok_);    \
        }                                     \
    } while (0)

static void deadline_reached(void *opaque)
{
    PhotonScenario *sc = opaque;

    FEED(sc, scn_session_advance(sc->session, now_ns()));
}

static void pattern_seen(void *opaque, int64_t start_ns, int64_t observed_ns, const char *name)
{
    PhotonScenario *sc = opaque;

    FEED(sc, scn_session_pattern(sc->session, start_ns, observed_ns, name));
}

static void pattern_horizon(void *opaque, int64_t horizon_ns)
{
    PhotonScenario *sc = opaque;

    if (horizon_ns > 0) {
        FEED(sc, scn_session_pattern_horizon(sc->session, horizon_ns));
    }
}

/* Output quiet this long after text without a line ending: it was a prompt. */
#define PROMPT_QUIET_NS (100 * SCALE_MS)

static void serial_line(void *opaque, const char *line)
{
    PhotonScenario *sc = opaque;

    FEED(sc, scn_session_serial(sc->session, now_ns(), line));
}

static void serial_seen(void *opaque, int64_t t_ns, const uint8_t *data, size_t length)
{
    PhotonScenario *sc = opaque;

    serial_lines_feed(&sc->serial, data, length, serial_line, sc);
    if (serial_lines_pending(&sc->serial)) {
        timer_mod(sc->prompt_timer, t_ns + PROMPT_QUIET_NS);
    } else {
        timer_del(sc->prompt_timer);
    }
}

static void serial_quiet(void *opaque)
{
    PhotonScenario *sc = opaque;

    serial_lines_flush(&sc->serial, serial_line, sc);
}

void photon_scenario_frame_seen(PhotonScenario *sc, const uint8_t *frame, size_t len)
{
    char text[SCN_OBSERVATION_TEXT_MAX];
    packet_view view;

    if (!packet_parse(&view, frame, len)) {
        snprintf(text, sizeof(text), "malformed len %zu", len);
    } else {
        packet_describe(&view, text, sizeof(text));
    }
    FEED(sc, scn_session_packet(sc->session, now_ns(), text));
}

void photon_scenario_cloud_result(PhotonScenario *sc, enum scn_cloud_kind kind,
                                  const char *name, const char *value)
{
    FEED(sc, scn_session_cloud(sc->session, now_ns(), kind, name, value));
}

void photon_scenario_cloud_notice(PhotonScenario *sc, const cloud_notice *notice)
{
    ScenarioRequest *request;
    g_autofree char *value = NULL;

    switch (notice->kind) {
    case CLOUD_NOTICE_EVENT:
        value = g_strndup((const char *)notice->data, notice->data_length);
        photon_scenario_cloud_result(sc, SCN_CLOUD_EVENT, notice->name, value);
        return;
    case CLOUD_NOTICE_FUNCTION_RESULT:
        value = g_strdup_printf("%" PRId64, notice->value);
        break;
    case CLOUD_NOTICE_VARIABLE_VALUE:
        value = g_strdup(notice->text ? notice->text : "");
        break;
    case CLOUD_NOTICE_REQUEST_FAILED:
        value = g_strdup_printf("error: %s", notice->text && *notice->text ? notice->text :
                                notice->coap_code ? "refused" : "timed out");
        break;
    case CLOUD_NOTICE_OTA_DONE:
    case CLOUD_NOTICE_OTA_FAILED:
        value = g_strdup_printf("cloud-flash: %s%s%s", notice->kind == CLOUD_NOTICE_OTA_DONE
                                ? "the device took the update" : "failed",
                                notice->text && *notice->text ? ": " : "",
                                notice->text ? notice->text : "");
        photon_report_event(&sc->m->report, now_ns(), value);
        return;
    default:
        return;
    }
    request = g_hash_table_lookup(sc->requests, GUINT_TO_POINTER(notice->request_id));
    if (request) {          /* only the scenario's own calls are its results */
        photon_scenario_cloud_result(sc, request->kind, request->name, value);
        g_hash_table_remove(sc->requests, GUINT_TO_POINTER(notice->request_id));
    }
}

/* ---- steps and verdicts, as the session reports them ---- */

static void step_fired(void *opaque, size_t index, const struct scn_step *step, scn_time when)
{
    PhotonScenario *sc = opaque;
    g_autofree char *line = g_strdup_printf("step: %s", step->label);

    photon_report_event(&sc->m->report, when, line);
    if (sc->in_session) {
        g_array_append_val(sc->due_steps, index);
    } else {
        photon_scenario_execute(sc, step);
    }
}

static void verdict_given(void *opaque, size_t index, const struct scn_expectation *e,
                          const struct scn_verdict *v)
{
    fprintf(stderr, "%10.3f s  expect %s: %s%s%s\n", seconds(v->decided),
            v->state == SCN_VERDICT_MET ? "met" : "MISSED", e->label,
            v->reason[0] ? " -- " : "", v->reason);
}

/* ---- the result ---- */

static QObject *time_or_null(scn_time t)
{
    return t == SCN_TIME_NEVER ? QOBJECT(qnull()) : QOBJECT(qnum_from_double(seconds(t)));
}

static void write_results(PhotonScenario *sc, int64_t end_ns, size_t missed)
{
    const struct scn_judge *judge = scn_session_judge(sc->session);
    const struct scn_timeline *timeline = scn_session_timeline(sc->session);
    g_autoptr(QDict) result = qdict_new();
    g_autoptr(GString) json = NULL;
    g_autofree char *path = NULL, *tmp = NULL;
    QList *expectations = qlist_new(), *steps = qlist_new();

    if (!sc->m->report.dir) {
        qobject_unref(expectations);
        qobject_unref(steps);
        return;
    }
    qdict_put_str(result, "scenario", sc->scn->name);
    qdict_put_str(result, "file", sc->scn->file);
    qdict_put(result, "seed", qnum_from_uint(sc->scn->seed));
    qdict_put(result, "until", qnum_from_double(seconds(sc->scn->until)));
    qdict_put(result, "ended", qnum_from_double(seconds(end_ns)));
    qdict_put(result, "wall_seconds",
              qnum_from_double((g_get_monotonic_time() - sc->wall_start_us) / 1e6));
    qdict_put_bool(result, "passed", missed == 0);
    for (size_t i = 0; i < sc->scn->expectation_count; i++) {
        const struct scn_expectation *e = &sc->scn->expectations[i];
        const struct scn_verdict *v = scn_judge_verdict(judge, i);
        QDict *item = qdict_new();

        qdict_put_str(item, "label", e->label);
        qdict_put_int(item, "line", e->loc.line);
        qdict_put_str(item, "state", scn_verdict_state_name(v->state));
        qdict_put(item, "at", time_or_null(v->at));
        qdict_put(item, "decided", time_or_null(v->decided));
        qdict_put(item, "window_start", time_or_null(v->window_start));
        qdict_put(item, "window_end", time_or_null(v->window_end));
        qdict_put_str(item, "reason", v->reason);
        qlist_append(expectations, item);
    }
    for (size_t i = 0; i < sc->scn->step_count; i++) {
        QDict *item = qdict_new();

        qdict_put_str(item, "label", sc->scn->steps[i].label);
        qdict_put(item, "fired_at", time_or_null(scn_timeline_fired_at(timeline, i)));
        qlist_append(steps, item);
    }
    qdict_put(result, "expectations", expectations);
    qdict_put(result, "steps", steps);
    json = qobject_to_json_pretty(QOBJECT(result), true);
    path = g_build_filename(sc->m->report.dir, "expectations.json", NULL);
    tmp = g_strconcat(path, ".tmp", NULL);
    if (!g_file_set_contents(tmp, json->str, json->len, NULL) || rename(tmp, path) != 0) {
        error_report("photon: cannot write %s: %s", path, strerror(errno));
    }
}

void photon_scenario_finish(PhotonScenario *sc, int64_t end_ns)
{
    size_t missed, total = sc->scn->expectation_count;

    if (sc->finished) {
        return;
    }
    /* Patterns the classifier has seen long enough count; then nothing more can come. */
    photon_report_flush_patterns(&sc->m->report, end_ns);
    sc->in_session = true;
    if (!scn_session_end(sc->session, end_ns)) {
        error_report("photon: scenario: out of memory at the end of the run");
        exit(1);
    }
    sc->in_session = false;
    sc->finished = true;
    g_array_set_size(sc->due_steps, 0); /* steps due at the very end have nothing left to act on */
    timer_del(sc->deadline_timer);
    missed = scn_judge_missed(scn_session_judge(sc->session));
    fprintf(stderr, "%10.3f s  scenario \"%s\": %s (%zu of %zu expectations met)\n",
            seconds(end_ns), sc->scn->name, missed ? "FAILED" : "passed", total - missed, total);
    write_results(sc, end_ns, missed);
}

/* ---- later actions (a power cut's end, a button's release) ---- */

typedef struct ScenarioLater {
    PhotonScenario *sc;
    QEMUTimer *timer;
    void (*fn)(PhotonScenario *sc, intptr_t arg);
    intptr_t arg;
} ScenarioLater;

static void later_fired(void *opaque)
{
    ScenarioLater *later = opaque;

    later->fn(later->sc, later->arg);
    timer_free(later->timer);
    g_free(later);
}

void photon_scenario_later(PhotonScenario *sc, int64_t at_ns,
                           void (*fn)(PhotonScenario *sc, intptr_t arg), intptr_t arg)
{
    ScenarioLater *later = g_new0(ScenarioLater, 1);

    later->sc = sc;
    later->fn = fn;
    later->arg = arg;
    later->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, later_fired, later);
    timer_mod(later->timer, at_ns);
}

/* ---- life cycle ---- */

static void scenario_request_free(gpointer p)
{
    ScenarioRequest *request = p;

    g_free(request->name);
    g_free(request);
}

static void scenario_rule_free(gpointer p)
{
    ScenarioRule *rule = p;

    g_free(rule->name);
    g_free(rule);
}

PhotonScenario *photon_scenario_load(PhotonMachineState *m, const char *path, Error **errp)
{
    PhotonScenario *sc = g_new0(PhotonScenario, 1);
    struct scn_diag diag;

    sc->m = m;
    sc->scn = scn_scenario_parse_file(path, &diag);
    if (!sc->scn) {
        error_setg(errp, "%s", diag.text);
        g_free(sc);
        return NULL;
    }
    sc->due_steps = g_array_new(false, false, sizeof(size_t));
    sc->access_points = g_ptr_array_new_with_free_func(g_free);
    sc->rules = g_ptr_array_new_with_free_func(scenario_rule_free);
    sc->requests = g_hash_table_new_full(NULL, NULL, NULL, scenario_request_free);
    if (!photon_scenario_world_check(sc, errp)) {
        return NULL;
    }
    return sc;
}

void photon_scenario_configure_network(PhotonScenario *sc)
{
    photon_scenario_world_network(sc);
}

int64_t photon_scenario_until_ns(const PhotonScenario *sc)
{
    return sc->scn->until;
}

bool photon_scenario_start(PhotonScenario *sc, Error **errp)
{
    struct scn_session_hooks hooks = {
        .on_step = step_fired,
        .on_verdict = verdict_given,
        .opaque = sc,
    };

    sc->session = scn_session_new(sc->scn, &hooks);
    if (!sc->session) {
        error_setg(errp, "scenario: out of memory");
        return false;
    }
    if (!photon_scenario_world_start(sc, errp)) {
        return false;
    }
    sc->wall_start_us = g_get_monotonic_time();
    sc->deadline_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, deadline_reached, sc);
    photon_report_set_pattern_observer(&sc->m->report, pattern_seen, pattern_horizon, sc);
    sc->prompt_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, serial_quiet, sc);
    photon_usb_host_set_observer(&sc->m->usb, serial_seen, sc);
    fprintf(stderr, "%10.3f s  scenario \"%s\" (%s, seed %" PRIu64 ", %zu steps, "
            "%zu expectations)\n", 0.0, sc->scn->name, sc->scn->file, sc->scn->seed,
            sc->scn->step_count, sc->scn->expectation_count);
    /* Steps at time 0 fire now, before the CPU runs. */
    FEED(sc, scn_session_advance(sc->session, now_ns()));
    return true;
}
