/*
 * A scenario's firewall rule in the text form of the network's fault engine
 * (net/fault_rules.h, fault_rule_parse), so that the glue can install it
 * with fault_rules_add_text() and a run's log can show it in the same words.
 *
 * A scenario rule names the remote end (address: and port: are the peer's);
 * the engine names source and destination. So a rule for one direction is
 * one line ("drop out tcp to 52.0.0.10/32 dport 5683"), and a rule for both
 * directions that names an address or a port is two: out with to/dport, in
 * with from/sport.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_RULE_TEXT_H
#define PHOTON_SCENARIO_RULE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define SCN_RULE_TEXT_MAX 160

/*
 * Writes the rule's line(s) into lines; `address: cloud` becomes
 * cloud_address/32. Returns how many lines (1 or 2).
 */
size_t scn_rule_text(const struct scn_rule *rule, uint32_t cloud_address, char lines[2][SCN_RULE_TEXT_MAX]);

#endif
