#!/usr/bin/env bash
# Window screenshot test (issue 6): under Xvfb, what QEMU's SDL window shows
# (grabbed from the X server, as a person's screenshot would be) has a cyan LED
# on the drawn board while the real firmware breathes cyan, and a blue one in
# listening mode. Several grabs are taken a fraction of a period apart, because
# a breathing or blinking LED is dark part of the time.
#   window_screenshot_test.sh PHOTON_SIM WINDOW_GRAB LED_PIXEL
set -euo pipefail
photon_sim=$1 window_grab=$2 led_pixel=$3
source "$(dirname "$0")/xvfb_window.sh"
begin_window_test
failed=0

# shoot NAME PATTERN INTERVAL COUNT RUN-ARGS...: runs the firmware in a window,
# waits for PATTERN in its LED log, grabs the window COUNT times INTERVAL s
# apart and prints the brightest LED colour seen ("R G B").
shoot() {
    local name=$1 pattern=$2 interval=$3 count=$4; shift 4
    "$photon_sim" run --gui --flash "$work/$name.bin" --cloud "$work/cloud" \
        --report "$work/$name" --until 60 "$@" > "$work/$name.log" 2>&1 & sim_pid=$!
    local window; window=$(find_window "$work/$name.log")
    wait_for_pattern "$work/$name/led.jsonl" "$pattern" 120 ||
        { echo "FAIL: $name: the firmware never showed $pattern" >&2; cat "$work/$name.log" >&2; exit 1; }
    local best="0 0 0" shot colour
    for shot in $(seq "$count"); do
        "$window_grab" "$window" "$work/$name-$shot.png"
        colour=$("$led_pixel" "$work/$name-$shot.png")
        echo "$name grab $shot: LED pixel $colour" >&2
        best=$(echo "$best $colour" | awk '{ print ($4+$5+$6 > $1+$2+$3) ? $4" "$5" "$6 : $1" "$2" "$3 }')
        sleep "$interval"
    done
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
    echo "$best"
}

# check DESCRIPTION AWK-CONDITION "R G B"
check() {
    if echo "$3" | awk "{ exit !($2) }"; then
        echo "ok: $1 ($3)"
    else
        echo "FAIL: $1 (brightest LED pixel $3)"; failed=1
    fi
}

cyan=$(shoot cloud breathing-cyan 0.7 5 --firmware 2.2.0 --app tinker --wifi home:secret123)
check "while breathing cyan the window shows a cyan LED" '$1 < 100 && $2 > 150 && $3 > 150' "$cyan"
blue=$(shoot listening blinking-blue 0.15 4 --firmware 2.2.0 --app tinker)
check "in listening mode the window shows a blue LED" '$1 < 100 && $2 < 100 && $3 > 150' "$blue"

if [ $failed = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
