/*
 * A scenario's world on the Photon machine: the access points on the air, the
 * LAN, DNS, NTP and firewall, the cloud's behaviour, and the steps that change
 * them or act on the board (power, buttons, cloud requests, screenshots).
 *
 * What the machine cannot do yet is refused when the file is loaded, with its
 * place in the file, so a scenario never passes by leaving something out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/photon/board/photon_scenario_internal.h"
#include "hw/photon/sim/scenario/rule_text.h"
#include "hw/photon/sim/key_recipes.h"
#include "hw/photon/sim/fixtures.h"

/* How long a scenario's `reset` holds the RESET button down. */
#define RESET_PRESS_NS (100 * SCALE_MS)

static bool refuse(PhotonScenario *sc, struct scn_loc loc, Error **errp, const char *what,
                   const char *why)
{
    error_setg(errp, "%s:%u:%u: %s: not supported by the machine yet (%s)", sc->scn->file,
               loc.line, loc.column, what, why);
    return false;
}

static bool check_access_point(PhotonScenario *sc, const struct scn_access_point *ap,
                               Error **errp)
{
    if (ap->security == SCN_SECURITY_WEP || ap->security == SCN_SECURITY_WPA) {
        return refuse(sc, ap->loc, errp, scn_security_name(ap->security),
                      "the virtual BCM43362 offers open and WPA2-PSK networks");
    }
    return true;
}

static bool check_dns_fault(PhotonScenario *sc, const struct scn_dns_fault *f, Error **errp)
{
    if (f->kind == SCN_DNS_FAULT_DELAY) {
        return refuse(sc, f->loc, errp, "DNS delay",
                      "use a rule {protocol: udp, port: 53, action: {delay: T}}");
    }
    return true;
}

static bool check_step(PhotonScenario *sc, const struct scn_step *step, Error **errp)
{
    const struct scn_action *a = &step->action;

    switch (a->kind) {
    case SCN_ACTION_DNS_FAULT:
        return check_dns_fault(sc, &a->dns_fault, errp);
    case SCN_ACTION_AP_ADD:
    case SCN_ACTION_AP_UPDATE:
        return check_access_point(sc, &a->access_point, errp);
    default:
        return true;
    }
}

bool photon_scenario_world_check(PhotonScenario *sc, Error **errp)
{
    const struct scn_scenario *scn = sc->scn;
    size_t access_points = scn->radio.access_point_count;

    for (size_t i = 0; i < scn->radio.access_point_count; i++) {
        if (!check_access_point(sc, &scn->radio.access_points[i], errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < scn->network.dns_fault_count; i++) {
        if (!check_dns_fault(sc, &scn->network.dns_faults[i], errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        if (!check_step(sc, &scn->steps[i], errp)) {
            return false;
        }
        access_points += scn->steps[i].action.kind == SCN_ACTION_AP_ADD;
    }
    if (access_points > BCM43362_MAX_APS) {
        return refuse(sc, (struct scn_loc){ 0, 0 }, errp, "radio",
                      "the virtual radio holds 16 access points");
    }
    return true;
}

/* ---- the USB serial terminal ---- */

/* Typed into the terminal; with the port closed (no cable, not enumerated)
 * the keystrokes go nowhere, and the report says so. */
static void serial_write(PhotonScenario *sc, const struct scn_step *step, int64_t now)
{
    size_t length = strlen(step->action.argument);
    size_t sent = photon_usb_host_type(&sc->m->usb, (const uint8_t *)step->action.argument,
                                       length);

    if (sent < length) {
        g_autofree char *line = g_strdup_printf("step: %s: %zu of %zu bytes typed (the USB "
                                                "serial port is %s)", step->label, sent,
                                                length, sent ? "full" : "not open");
        photon_report_event(&sc->m->report, now, line);
    }
}

/* ---- the network before it exists ---- */

static void fill_cloud_faults(cloud_faults *f, const struct scn_cloud_fault *fault)
{
    static const cloud_handshake_step steps[] = {
        [SCN_STAGE_ACCEPT] = CLOUD_STEP_AFTER_ACCEPT,
        [SCN_STAGE_NONCE] = CLOUD_STEP_AFTER_NONCE,
        [SCN_STAGE_KEY_EXCHANGE] = CLOUD_STEP_AFTER_BLOB,
        [SCN_STAGE_REPLY] = CLOUD_STEP_AFTER_REPLY,
    };

    switch (fault->kind) {
    case SCN_CLOUD_FAULT_NONE:
        memset(f, 0, sizeof(*f));
        break;
    case SCN_CLOUD_FAULT_CLOSE_AFTER:
    case SCN_CLOUD_FAULT_STALL_AFTER:
        f->stop_at = steps[fault->stage];
        f->stall_instead_of_close = fault->kind == SCN_CLOUD_FAULT_STALL_AFTER;
        break;
    case SCN_CLOUD_FAULT_SIGN_WITH_WRONG_KEY:
        f->sign_with_wrong_key = true;
        break;
    case SCN_CLOUD_FAULT_CORRUPT_SESSION_KEY:
        f->corrupt_session_key_block = true;
        break;
    case SCN_CLOUD_FAULT_TRUNCATE_REPLY:
        f->truncate_reply_to = fault->value;
        break;
    case SCN_CLOUD_FAULT_WITHHOLD_HELLO:
        f->withhold_hello = true;
        break;
    case SCN_CLOUD_FAULT_HELLO_DELAY:
        f->hello_delay_ms = fault->delay / SCN_NS_PER_MS;
        break;
    case SCN_CLOUD_FAULT_IGNORE_PINGS:
        f->ignore_pings = true;
        break;
    case SCN_CLOUD_FAULT_CORRUPT_FRAME:
        f->corrupt_frame = fault->value;
        break;
    case SCN_CLOUD_FAULT_OTA_DROP_CHUNKS:
        f->ota_drop_count = MIN(fault->chunk_count, CLOUD_FAULT_MAX_CHUNKS);
        memcpy(f->ota_drop_chunks, fault->chunks, f->ota_drop_count * sizeof(uint32_t));
        break;
    case SCN_CLOUD_FAULT_OTA_BAD_CRC_CHUNKS:
        f->ota_bad_crc_count = MIN(fault->chunk_count, CLOUD_FAULT_MAX_CHUNKS);
        memcpy(f->ota_bad_crc_chunks, fault->chunks, f->ota_bad_crc_count * sizeof(uint32_t));
        break;
    }
}

void photon_scenario_world_network(PhotonScenario *sc)
{
    const struct scn_network *n = &sc->scn->network;
    PhotonNetworkState *net = &sc->m->network;
    netsim_config *c = &net->config;
    uint32_t mask = n->subnet.prefix ? ~0u << (32 - n->subnet.prefix) : 0;
    uint32_t last_host = (n->subnet.address | ~mask) - 1;

    c->lan_network = n->subnet.address;
    c->lan_prefix = n->subnet.prefix;
    c->gateway = n->gateway;
    c->dns_server = n->dns_server;
    c->dhcp_enabled = n->dhcp.enabled;
    c->dhcp_pool_start = n->dhcp.first;
    c->dhcp_pool_size = MIN(100u, last_host - n->dhcp.first + 1);
    c->dhcp_lease_seconds = n->dhcp.lease / SCN_NS_PER_SECOND;
    c->dhcp_nak_requests = n->dhcp.fault == SCN_DHCP_FAULT_NAK;
    net->dhcp_latency_ms = n->dhcp.delay / SCN_NS_PER_MS;
    net->reject_unknown_devices = sc->scn->cloud.reject_unknown;
    for (size_t i = 0; i < sc->scn->cloud.fault_count; i++) {
        fill_cloud_faults(&net->cloud_faults, &sc->scn->cloud.faults[i]);
    }
}

/* ---- access points ---- */

static void make_access_point(PhotonScenario *sc, const struct scn_access_point *from,
                              struct bcm43362_ap *ap)
{
    memset(ap, 0, sizeof(*ap));
    pstrcpy(ap->ssid, sizeof(ap->ssid), from->ssid);
    if (from->has_bssid) {
        memcpy(ap->bssid, from->bssid, 6);
    } else {    /* locally administered, numbered in the order they were declared */
        unsigned n = ++sc->bssids_made;
        uint8_t bssid[6] = { 0x02, 0x00, 0x00, 0x00, n >> 8, n };

        memcpy(ap->bssid, bssid, 6);
    }
    ap->channel = from->channel;
    ap->rssi_dbm = from->rssi;
    ap->security = from->passphrase ? BCM43362_SECURITY_WPA2_PSK : BCM43362_SECURITY_OPEN;
    if (from->passphrase) {
        pstrcpy(ap->passphrase, sizeof(ap->passphrase), from->passphrase);
    }
}

/* Index of the access point with that SSID, or -1. */
static intptr_t find_access_point(PhotonScenario *sc, const char *ssid)
{
    for (guint i = 0; i < sc->access_points->len; i++) {
        ScenarioAccessPoint *ap = g_ptr_array_index(sc->access_points, i);

        if (strcmp(ap->ap.ssid, ssid) == 0) {
            return i;
        }
    }
    return -1;
}

static void log_event(PhotonScenario *sc, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void log_event(PhotonScenario *sc, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    photon_report_event(&sc->m->report, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), line);
}

static void put_on_air(PhotonScenario *sc, intptr_t index)
{
    ScenarioAccessPoint *ap = g_ptr_array_index(sc->access_points, index);

    if (!ap->on_air && bcm43362_ap_add(sc->m->wifi.chip, &ap->ap)) {
        ap->on_air = true;
        log_event(sc, "access point \"%s\" on the air", ap->ap.ssid);
    }
}

static void take_off_air(PhotonScenario *sc, intptr_t index)
{
    ScenarioAccessPoint *ap = g_ptr_array_index(sc->access_points, index);

    if (ap->on_air) {
        bcm43362_ap_remove(sc->m->wifi.chip, ap->ap.bssid);
        ap->on_air = false;
        log_event(sc, "access point \"%s\" off the air", ap->ap.ssid);
    }
}

static intptr_t add_access_point(PhotonScenario *sc, const struct scn_access_point *from)
{
    ScenarioAccessPoint *ap = g_new0(ScenarioAccessPoint, 1);

    make_access_point(sc, from, &ap->ap);
    g_ptr_array_add(sc->access_points, ap);
    return sc->access_points->len - 1;
}

static void update_access_point(PhotonScenario *sc, const struct scn_action *a)
{
    intptr_t index = find_access_point(sc, a->access_point.ssid);
    const struct scn_access_point *to = &a->access_point;
    ScenarioAccessPoint *ap;
    bool was_on_air;

    if (index < 0) {
        return;     /* declared by an ap-add step that has not run */
    }
    ap = g_ptr_array_index(sc->access_points, index);
    was_on_air = ap->on_air;
    if (a->ap_fields & SCN_AP_BSSID) {
        take_off_air(sc, index);    /* another BSSID is another radio */
        memcpy(ap->ap.bssid, to->bssid, 6);
    }
    if (a->ap_fields & (SCN_AP_SECURITY | SCN_AP_PASSPHRASE)) {
        ap->ap.security = to->passphrase ? BCM43362_SECURITY_WPA2_PSK
                                         : BCM43362_SECURITY_OPEN;
        memset(ap->ap.passphrase, 0, sizeof(ap->ap.passphrase));
        if (to->passphrase) {
            pstrcpy(ap->ap.passphrase, sizeof(ap->ap.passphrase), to->passphrase);
        }
    }
    if (a->ap_fields & SCN_AP_CHANNEL) {
        ap->ap.channel = to->channel;
    }
    if (a->ap_fields & SCN_AP_RSSI) {
        ap->ap.rssi_dbm = to->rssi;
    }
    if (ap->on_air) {
        bcm43362_ap_update(sc->m->wifi.chip, &ap->ap);
    } else if (was_on_air) {
        put_on_air(sc, index);
    }
}

/* ---- firewall rules ---- */

static fault_rules *rules_of(PhotonScenario *sc)
{
    return netsim_rules(sc->m->network.net);
}

static ScenarioRule *find_rule(PhotonScenario *sc, const char *name, guint *index)
{
    for (guint i = 0; i < sc->rules->len; i++) {
        ScenarioRule *rule = g_ptr_array_index(sc->rules, i);

        if (strcmp(rule->name, name) == 0) {
            *index = i;
            return rule;
        }
    }
    return NULL;
}

/* Where the fault engine holds the rule with that id, or -1. */
static int rule_position(PhotonScenario *sc, int id)
{
    int rule_id;

    for (size_t i = 0; fault_rules_at(rules_of(sc), i, &rule_id, NULL, NULL); i++) {
        if (rule_id == id) {
            return i;
        }
    }
    return -1;
}

/* Adds the rule's lines at position (-1: last); a named rule is remembered. */
static bool add_rule(PhotonScenario *sc, const struct scn_rule *rule, int position,
                     Error **errp)
{
    char lines[2][SCN_RULE_TEXT_MAX], error[256];
    size_t count = scn_rule_text(rule, sc->m->network.config.cloud_address, lines);
    ScenarioRule *named = g_new0(ScenarioRule, 1);

    for (size_t i = 0; i < count; i++) {
        fault_rule parsed;
        int id;

        if (fault_rule_parse(lines[i], &parsed, error, sizeof(error)) != 0 ||
            (id = fault_rules_add(rules_of(sc), &parsed, position < 0 ? -1 : position + i)) < 0) {
            error_setg(errp, "%s:%u:%u: the rule \"%s\" is not valid for the network: %s",
                       sc->scn->file, rule->loc.line, rule->loc.column, lines[i], error);
            g_free(named);
            return false;
        }
        named->ids[named->id_count++] = id;
    }
    if (rule->name) {
        named->name = g_strdup(rule->name);
        g_ptr_array_add(sc->rules, named);
    } else {
        g_free(named);
    }
    return true;
}

static void remove_rule(PhotonScenario *sc, const char *name, int *position)
{
    guint index;
    ScenarioRule *rule = find_rule(sc, name, &index);

    *position = -1;
    if (!rule) {
        return;
    }
    *position = rule_position(sc, rule->ids[0]);
    for (size_t i = 0; i < rule->id_count; i++) {
        fault_rules_remove(rules_of(sc), rule->ids[i]);
    }
    g_ptr_array_remove_index(sc->rules, index);
}

/* The LAN's plumbing is not what a firewall rule means: ARP and DHCP always pass (a
 * scenario breaks DHCP with network.dhcp.fault). The router's DHCP latency comes first:
 * it delays and lets the walk go on. */
static bool add_board_rules(PhotonScenario *sc, Error **errp)
{
    static const char *const plumbing[] = {
        "pass both arp label lan-arp",
        "pass out udp dport 67 label lan-dhcp",
        "pass in udp sport 67 label lan-dhcp",
    };
    char error[256];

    if (sc->scn->network.dhcp.fault == SCN_DHCP_FAULT_NO_OFFER &&
        fault_rules_add_text(rules_of(sc), "drop in udp sport 67 label dhcp-no-offer",
                             error, sizeof(error)) < 0) {
        error_setg(errp, "scenario: %s", error);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(plumbing); i++) {
        if (fault_rules_add_text(rules_of(sc), plumbing[i], error, sizeof(error)) < 0) {
            error_setg(errp, "scenario: %s", error);
            return false;
        }
    }
    sc->board_rules = fault_rules_count(rules_of(sc));
    return true;
}

/* ---- DNS ---- */

static uint32_t dns_target(PhotonScenario *sc, const struct scn_dns_record *r)
{
    switch (r->target) {
    case SCN_DNS_TARGET_CLOUD:
        return sc->m->network.config.cloud_address;
    case SCN_DNS_TARGET_NTP:
        return sc->m->network.config.ntp_address;
    default:
        return r->address;
    }
}

static void set_dns_fault(PhotonScenario *sc, const struct scn_dns_fault *f)
{
    static const dns_fault faults[] = {
        [SCN_DNS_FAULT_NONE] = DNS_FAULT_NONE,
        [SCN_DNS_FAULT_TIMEOUT] = DNS_FAULT_TIMEOUT,
        [SCN_DNS_FAULT_NXDOMAIN] = DNS_FAULT_NXDOMAIN,
        [SCN_DNS_FAULT_SERVFAIL] = DNS_FAULT_SERVFAIL,
        [SCN_DNS_FAULT_REFUSED] = DNS_FAULT_REFUSED,
    };
    const char *name = strcmp(f->name, "*") == 0 ? "" : f->name;

    dns_fault_set(netsim_dns(sc->m->network.net), name, faults[f->kind], 0);
}

static bool configure_dns(PhotonScenario *sc, Error **errp)
{
    const struct scn_network *n = &sc->scn->network;
    dns_responder *dns = netsim_dns(sc->m->network.net);

    for (size_t i = 0; i < n->dns_record_count; i++) {
        const struct scn_dns_record *r = &n->dns_records[i];

        if (strcmp(r->name, "*") == 0) {
            dns_zone_set_catch_all(dns, true, dns_target(sc, r));
        } else if (dns_zone_set(dns, r->name, dns_target(sc, r)) < 0) {
            error_setg(errp, "%s:%u:%u: the DNS name \"%s\" is not valid", sc->scn->file,
                       r->loc.line, r->loc.column, r->name);
            return false;
        }
    }
    for (size_t i = 0; i < n->dns_fault_count; i++) {
        set_dns_fault(sc, &n->dns_faults[i]);
    }
    netsim_ntp(sc->m->network.net)->silent = !n->ntp;
    return true;
}

static void frame_seen(void *opaque, const uint8_t *frame, size_t len)
{
    photon_scenario_frame_seen(opaque, frame, len);
}

bool photon_scenario_world_start(PhotonScenario *sc, Error **errp)
{
    const struct scn_scenario *scn = sc->scn;

    for (size_t i = 0; i < scn->radio.access_point_count; i++) {
        const struct scn_access_point *from = &scn->radio.access_points[i];
        intptr_t index = add_access_point(sc, from);

        if (from->appears == 0) {
            put_on_air(sc, index);
        } else {
            photon_scenario_later(sc, from->appears, put_on_air, index);
        }
        if (from->vanishes != SCN_TIME_NEVER) {
            photon_scenario_later(sc, from->vanishes, take_off_air, index);
        }
    }
    if (!add_board_rules(sc, errp)) {
        return false;
    }
    for (size_t i = 0; i < scn->network.rule_count; i++) {
        if (!add_rule(sc, &scn->network.rules[i], -1, errp)) {
            return false;
        }
    }
    if (!configure_dns(sc, errp)) {
        return false;
    }
    photon_network_set_frame_seen(&sc->m->network, frame_seen, sc);
    return true;
}

/* ---- steps ---- */

static void set_control(PhotonScenario *sc, const char *input, int level)
{
    qemu_set_irq(qdev_get_gpio_in_named(DEVICE(&sc->m->controls), input, 0), level);
}

static void power_on(PhotonScenario *sc, intptr_t unused)
{
    set_control(sc, "power", 1);
}

static void release_reset(PhotonScenario *sc, intptr_t unused)
{
    set_control(sc, "reset", 0);
}

static void release_setup(PhotonScenario *sc, intptr_t unused)
{
    set_control(sc, "setup", 0);
}

/* The one device the in-process cloud serves, if it is connected. */
static cloud_session *device_session(PhotonScenario *sc)
{
    cloud_server *cloud = sc->m->network.cloud;

    for (cloud_session *s = cloud_server_next_session(cloud, NULL); s;
         s = cloud_server_next_session(cloud, s)) {
        if (cloud_session_get_state(s) == CLOUD_SESSION_CONNECTED) {
            return s;
        }
    }
    return NULL;
}

static void cloud_request(PhotonScenario *sc, const struct scn_action *a)
{
    enum scn_cloud_kind kind = a->kind == SCN_ACTION_CLOUD_CALL ? SCN_CLOUD_FUNCTION
                                                               : SCN_CLOUD_VARIABLE;
    cloud_session *session = device_session(sc);
    int64_t id = -1;

    if (session) {
        id = kind == SCN_CLOUD_FUNCTION
             ? cloud_session_call_function(session, a->name, a->argument ? a->argument : "")
             : cloud_session_get_variable(session, a->name);
    }
    if (id < 0) {
        /* what the Particle API answers for a device that is not online */
        photon_scenario_cloud_result(sc, kind, a->name,
                                     "error: the device is not connected to the cloud");
        return;
    }
    ScenarioRequest *request = g_new0(ScenarioRequest, 1);

    request->kind = kind;
    request->name = g_strdup(a->name);
    g_hash_table_insert(sc->requests, GUINT_TO_POINTER((uint32_t)id), request);
}

/* What `particle flash DEVICE app.bin` does: the cloud sends the user part over
 * the air; how it went comes back as cloud notices (photon_scenario.c). */
static void cloud_flash(PhotonScenario *sc, const struct scn_step *step, int64_t now)
{
    const char *spec = step->action.name;
    cloud_session *session = device_session(sc);
    cloud_ota_options options = { 0 };
    firmware_files firmware;
    sim_error err;
    char path[PATH_MAX];
    g_autofree char *image = NULL;
    g_autofree char *problem = NULL;
    gsize length;
    bool legacy = fixtures_resolve_firmware(sc->scn->device.firmware_version, &firmware,
                                            &err) == 0 && firmware.legacy_tinker;

    if (fixtures_resolve_app_in(spec, sc->scn->directory, legacy, path, sizeof path,
                                &err) != 0) {
        problem = g_strdup(err.msg);
    } else if (!g_file_get_contents(path, &image, &length, NULL)) {
        problem = g_strdup_printf("cannot read %s", path);
    } else if (!session) {
        problem = g_strdup("the device is not connected to the cloud");
    } else if (cloud_session_start_ota(session, (const uint8_t *)image, length, &options) < 0) {
        problem = g_strdup("the update could not be sent (see cloud.log)");
    }
    g_autofree char *line = problem
        ? g_strdup_printf("step: %s: %s not sent: %s", step->label, spec, problem)
        : g_strdup_printf("step: %s: sending %s (%zu bytes) over the air", step->label, spec,
                          (size_t)length);
    photon_report_event(&sc->m->report, now, line);
}

static void set_cloud_fault(PhotonScenario *sc, const struct scn_cloud_fault *fault)
{
    cloud_server *cloud = sc->m->network.cloud;

    fill_cloud_faults(cloud_server_faults(cloud), fault);
    for (cloud_session *s = cloud_server_next_session(cloud, NULL); s;
         s = cloud_server_next_session(cloud, s)) {
        fill_cloud_faults(cloud_session_faults(s), fault);
    }
}

/*
 * What `particle keys ...` does to a device in DFU mode, done to the flash as it is
 * and to the in-process cloud's registry. New keys come from the scenario's seed and
 * the step, so a run repeats. The firmware notices at its next reset, as on hardware.
 */
static void run_keys_recipe(PhotonScenario *sc, const struct scn_step *step)
{
    static const char *const names[] = {
        [SCN_KEYS_DOCTOR] = "doctor", [SCN_KEYS_NEW] = "new",
        [SCN_KEYS_SEND] = "send", [SCN_KEYS_SERVER] = "server",
    };
    STM32F2FlashState *flash = &sc->m->soc.flash;
    cloud_server *cloud = sc->m->network.cloud;
    uint8_t *contents = stm32f2_flash_contents(flash);
    uint8_t spki[CLOUD_SERVER_SPKI_LEN];
    g_autofree char *seed = g_strdup_printf("scenario %" PRIu64 " step %td", sc->scn->seed,
                                            step - sc->scn->steps);
    key_recipe_result result;
    sim_error err;
    int rc = -1;

    switch (step->action.keys) {
    case SCN_KEYS_DOCTOR:
        rc = key_recipe_doctor(contents, cloud_server_registry(cloud), sc->m->uid, seed,
                               &result, &err);
        break;
    case SCN_KEYS_NEW:
        rc = key_recipe_new(contents, seed, &result, &err);
        break;
    case SCN_KEYS_SEND:
        rc = key_recipe_send(contents, cloud_server_registry(cloud), sc->m->uid, &result, &err);
        break;
    case SCN_KEYS_SERVER:
        rc = cloud_server_public_key_spki(cloud, spki) == 0
             ? key_recipe_server(contents, spki, SERVER_DEFAULT_DOMAIN, SERVER_DEFAULT_PORT,
                                 &result, &err)
             : sim_fail(&err, "the cloud has no server key");
        break;
    }
    /* a recipe writes the DCT sectors (copy-on-write) or nothing */
    stm32f2_flash_contents_changed(flash, DCT_AREA_FLASH_OFFSET, DCT_AREA_SIZE);
    if (rc != 0) {
        log_event(sc, "keys %s failed: %s", names[step->action.keys], err.msg);
    } else {
        log_event(sc, "keys %s done", names[step->action.keys]);
    }
}

void photon_scenario_execute(PhotonScenario *sc, const struct scn_step *step)
{
    const struct scn_action *a = &step->action;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    Error *err = NULL;
    int position;

    switch (a->kind) {
    case SCN_ACTION_POWER_CYCLE:
    case SCN_ACTION_BROWNOUT:
        /* Both cut power at this instant; a flash operation in flight is torn either way. */
        set_control(sc, "power", 0);
        photon_scenario_later(sc, now + a->duration, power_on, 0);
        break;
    case SCN_ACTION_RESET:
        set_control(sc, "reset", 1);
        photon_scenario_later(sc, now + RESET_PRESS_NS, release_reset, 0);
        break;
    case SCN_ACTION_SETUP:
        set_control(sc, "setup", 1);
        photon_scenario_later(sc, now + a->duration, release_setup, 0);
        break;
    case SCN_ACTION_AP_ADD: {
        intptr_t index = find_access_point(sc, a->access_point.ssid);

        if (index < 0) {
            index = add_access_point(sc, &a->access_point);
        }
        put_on_air(sc, index);
        break;
    }
    case SCN_ACTION_AP_REMOVE: {
        intptr_t index = find_access_point(sc, a->name);

        if (index >= 0) {
            take_off_air(sc, index);
        }
        break;
    }
    case SCN_ACTION_AP_UPDATE:
        update_access_point(sc, a);
        break;
    case SCN_ACTION_RULE_ADD:
        remove_rule(sc, a->rule.name, &position);
        if (!add_rule(sc, &a->rule, position >= 0 ? position : sc->board_rules, &err)) {
            error_report_err(err);
        }
        break;
    case SCN_ACTION_RULE_REMOVE:
        remove_rule(sc, a->name, &position);
        break;
    case SCN_ACTION_DNS_FAULT:
        set_dns_fault(sc, &a->dns_fault);
        break;
    case SCN_ACTION_CLOUD_FAULT:
        set_cloud_fault(sc, &a->cloud_fault);
        break;
    case SCN_ACTION_CLOUD_CALL:
    case SCN_ACTION_CLOUD_GET:
        cloud_request(sc, a);
        break;
    case SCN_ACTION_CLOUD_PUBLISH:
        cloud_server_publish(sc->m->network.cloud, a->name, (const uint8_t *)
                             (a->argument ? a->argument : ""),
                             a->argument ? strlen(a->argument) : 0, !a->private_event);
        break;
    case SCN_ACTION_SCREENSHOT: {
        g_autofree char *path = g_path_is_absolute(a->name) || !sc->m->report.dir
                                ? g_strdup(a->name)
                                : g_build_filename(sc->m->report.dir, a->name, NULL);

        photon_display_add_screenshot_at(&sc->m->display, now, path);
        break;
    }
    case SCN_ACTION_KEYS:
        run_keys_recipe(sc, step);
        break;
    case SCN_ACTION_USB_UNPLUG:
    case SCN_ACTION_USB_PLUG:
        photon_usb_host_set_cable(&sc->m->usb, a->kind == SCN_ACTION_USB_PLUG);
        break;
    case SCN_ACTION_SERIAL_WRITE:
        serial_write(sc, step, now);
        break;
    case SCN_ACTION_CLOUD_FLASH:
        cloud_flash(sc, step, now);
        break;
    }
}
