/*
 * The cloud section: the simulated cloud's key, its registry and the
 * server-side faults (also read by the cloud-fault step).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "parse_internal.h"

static const char *const stage_names[] = { "accept", "nonce", "key-exchange", "reply", NULL };

static bool read_chunk_list(struct parser *p, const struct ynode *node, struct scn_cloud_fault *fault)
{
    if (!check_sequence(p, node, SCN_OTA_CHUNKS_MAX, "OTA chunk numbers")) {
        return false;
    }
    if (node->count == 0) {
        return fail(p, node, "name at least one chunk");
    }
    size_t i = 0;
    for (const struct ynode *item = node->first; item; item = item->next, i++) {
        uint64_t chunk;
        size_t saved = path_push_index(p, i);
        if (!read_uint(p, item, 0, UINT32_MAX, "a chunk number", &chunk)) {
            return false;
        }
        path_pop(p, saved);
        fault->chunks[i] = (uint32_t)chunk;
    }
    fault->chunk_count = node->count;
    return true;
}

bool parse_cloud_fault(struct parser *p, const struct ynode *node, bool allow_none,
                       struct scn_cloud_fault *fault)
{
    static const char *const flags[] = { "sign-with-wrong-key", "corrupt-session-key", "withhold-hello",
                                         "ignore-pings", "none", NULL };
    static const enum scn_cloud_fault_kind flag_kinds[] = {
        SCN_CLOUD_FAULT_SIGN_WITH_WRONG_KEY, SCN_CLOUD_FAULT_CORRUPT_SESSION_KEY,
        SCN_CLOUD_FAULT_WITHHOLD_HELLO, SCN_CLOUD_FAULT_IGNORE_PINGS, SCN_CLOUD_FAULT_NONE,
    };
    static const char *const keys[] = { "close-after", "stall-after", "truncate-reply", "hello-delay",
                                        "corrupt-frame", "ota-drop-chunks", "ota-bad-crc-chunks", NULL };
    int index;
    fault->loc = node_loc(node);
    if (node && node->kind == YNODE_SCALAR) {
        if (!read_choice(p, node, flags, &index)) {
            return false;
        }
        if (flag_kinds[index] == SCN_CLOUD_FAULT_NONE && !allow_none) {
            return fail(p, node, "\"none\" clears the faults in a step; here leave the fault out");
        }
        fault->kind = flag_kinds[index];
        return true;
    }
    if (!check_mapping(p, node, keys, "a cloud fault")) {
        return false;
    }
    if (node->count != 2) {
        return fail(p, node, "one fault per list item");
    }
    const struct ynode *key = map_first_key(node), *v = key->next;
    size_t saved = path_push_key(p, key->text);
    uint64_t number;
    if (is_scalar(key, "close-after") || is_scalar(key, "stall-after")) {
        fault->kind = is_scalar(key, "close-after") ? SCN_CLOUD_FAULT_CLOSE_AFTER : SCN_CLOUD_FAULT_STALL_AFTER;
        if (!read_choice(p, v, stage_names, &index)) {
            return false;
        }
        fault->stage = (enum scn_handshake_stage)index;
    } else if (is_scalar(key, "truncate-reply")) {
        fault->kind = SCN_CLOUD_FAULT_TRUNCATE_REPLY;
        if (!read_uint(p, v, 1, 383, "bytes of the 384-byte reply to send", &number)) {
            return false;
        }
        fault->value = (uint32_t)number;
    } else if (is_scalar(key, "hello-delay")) {
        fault->kind = SCN_CLOUD_FAULT_HELLO_DELAY;
        if (!read_time(p, v, &fault->delay)) {
            return false;
        }
    } else if (is_scalar(key, "corrupt-frame")) {
        fault->kind = SCN_CLOUD_FAULT_CORRUPT_FRAME;
        if (!read_uint(p, v, 1, UINT32_MAX, "a server frame number (1 = Hello)", &number)) {
            return false;
        }
        fault->value = (uint32_t)number;
    } else {
        fault->kind = is_scalar(key, "ota-drop-chunks") ? SCN_CLOUD_FAULT_OTA_DROP_CHUNKS
                                                        : SCN_CLOUD_FAULT_OTA_BAD_CRC_CHUNKS;
        if (!read_chunk_list(p, v, fault)) {
            return false;
        }
    }
    path_pop(p, saved);
    return true;
}

bool parse_cloud(struct parser *p, const struct ynode *node)
{
    static const char *const keys[] = { "key", "registry", "unknown-devices", "faults", NULL };
    static const char *const registries[] = { "known", "unknown", "other-key", NULL };
    static const char *const policies[] = { "accept", "reject", NULL };
    struct scn_cloud *c = &p->scn->cloud;
    if (!node) {
        return true;
    }
    if (!check_mapping(p, node, keys, "the cloud")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    int index;
    if ((v = map_get(node, "key"))) {
        static const char *const file_keys[] = { "file", NULL };
        saved = path_push_key(p, "key");
        if (v->kind == YNODE_MAPPING) {
            if (!check_mapping(p, v, file_keys, "generated or {file: path}") ||
                !require_key(p, v, "file", "the server's private key") ||
                !read_path(p, map_get(v, "file"), &c->key_file)) {
                return false;
            }
        } else if (looks_like_path(v)) {
            if (!read_path(p, v, &c->key_file)) {
                return false;
            }
        } else if (!read_choice(p, v, (const char *const[]){ "generated", NULL }, &index)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "registry"))) {
        saved = path_push_key(p, "registry");
        if (!read_choice(p, v, registries, &index)) {
            return false;
        }
        path_pop(p, saved);
        c->registry = (enum scn_registry)index;
    }
    if ((v = map_get(node, "unknown-devices"))) {
        saved = path_push_key(p, "unknown-devices");
        if (!read_choice(p, v, policies, &index)) {
            return false;
        }
        path_pop(p, saved);
        c->reject_unknown = index == 1;
    }
    if ((v = map_get(node, "faults"))) {
        saved = path_push_key(p, "faults");
        if (!check_sequence(p, v, SCN_CLOUD_FAULTS_MAX, "cloud faults")) {
            return false;
        }
        c->faults = scn_arena_array(p->arena, v->count, sizeof *c->faults);
        if (!c->faults && v->count) {
            return out_of_memory(p);
        }
        size_t i = 0;
        for (const struct ynode *item = v->first; item; item = item->next, i++) {
            size_t saved_item = path_push_index(p, i);
            struct scn_cloud_fault *f = &c->faults[i];
            if (!parse_cloud_fault(p, item, false, f)) {
                return false;
            }
            for (size_t j = 0; j < i; j++) {
                bool both_stops = (f->kind == SCN_CLOUD_FAULT_CLOSE_AFTER || f->kind == SCN_CLOUD_FAULT_STALL_AFTER) &&
                                  (c->faults[j].kind == SCN_CLOUD_FAULT_CLOSE_AFTER ||
                                   c->faults[j].kind == SCN_CLOUD_FAULT_STALL_AFTER);
                if (both_stops || c->faults[j].kind == f->kind) {
                    return fail(p, item, "conflicts with the fault on line %u (one of each kind; "
                                "close-after and stall-after exclude each other)", c->faults[j].loc.line);
                }
            }
            path_pop(p, saved_item);
        }
        c->fault_count = v->count;
        path_pop(p, saved);
    }
    return true;
}
