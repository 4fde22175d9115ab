# Shared by the window tests: a private Xvfb display, finding the simulator's
# window on it, and waiting for a pattern in a run's LED log. Sourced, not run.

# require_tools TOOL...: fail the test if a tool scripts/setup.sh installs is missing.
require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "missing $tool (scripts/setup.sh installs it)"; exit 1; }
    done
}

# start_xvfb: starts Xvfb on a free display number, exports DISPLAY, sets xvfb_pid.
start_xvfb() {
    local number
    for number in $(seq 90 190); do
        [ -e /tmp/.X11-unix/X$number ] || [ -e /tmp/.X$number-lock ] || break
    done
    Xvfb :$number -screen 0 1024x768x24 >/dev/null 2>&1 & xvfb_pid=$!
    export DISPLAY=:$number
    for _ in $(seq 50); do
        [ -e /tmp/.X11-unix/X$number ] && return 0
        sleep 0.1
    done
    echo "FAIL: Xvfb did not start on $DISPLAY"; exit 1
}

# begin_window_test: a work folder ($work) and a private Xvfb, both gone when the
# test exits, with the simulator it started ($sim_pid).
begin_window_test() {
    require_tools Xvfb xdotool
    work=$(mktemp -d)
    sim_pid=""
    trap 'kill $xvfb_pid $sim_pid 2>/dev/null || true; rm -rf "$work"' EXIT
    start_xvfb
}

# find_window LOG: prints the id of QEMU's window, or fails showing LOG (the run's output).
find_window() {
    local window=""
    for _ in $(seq 100); do
        window=$(xdotool search --name "QEMU" 2>/dev/null | head -n1 || true)
        [ -n "$window" ] && { echo "$window"; return 0; }
        sleep 0.2
    done
    echo "FAIL: no window appeared" >&2; cat "$1" >&2; exit 1
}

# wait_for_pattern LED_JSONL PATTERN SECONDS: waits until the run's LED log names PATTERN.
wait_for_pattern() {
    local tries=$(( $3 * 5 ))
    for _ in $(seq "$tries"); do
        grep -q "\"pattern\": \"$2\"" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
