#!/usr/bin/env python3
"""Screenshot test (issue 6): pictures of the board taken headless by the
machine at virtual times show the LED as the firmware lights it -- cyan while
the real firmware breathes cyan (connected to the cloud), blue in listening
mode. Several pictures are taken a fraction of a period apart, because a
breathing or blinking LED is dark part of the time.

usage: screenshot_test.py PHOTON_SIM LED_PIXEL
"""
import os
import subprocess
import sys
import tempfile


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message)


def pictures(photon_sim, led_pixel, work, name, times, extra):
    shots = []
    for t in times:
        shots += ["--screenshot", "%s:%s" % (t, os.path.join(work, "%s-%s.png" % (name, t)))]
    until = str(max(times) + 1)
    subprocess.run([photon_sim, "run", "--flash", os.path.join(work, name + ".bin"),
                    "--cloud", os.path.join(work, "cloud"), "--report", os.path.join(work, name),
                    "--until", until, *extra, *shots],
                   check=True, capture_output=True, timeout=1800)
    colours = []
    for t in times:
        out = subprocess.run([led_pixel, os.path.join(work, "%s-%s.png" % (name, t))],
                             check=True, capture_output=True, text=True).stdout
        colours.append(tuple(int(v) for v in out.split()))
    return colours


def main():
    photon_sim, led_pixel = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        cyan = pictures(photon_sim, led_pixel, work, "cloud", [20.0, 20.7, 21.4, 22.1, 22.8],
                        ["--firmware", "2.2.0", "--app", "tinker", "--wifi", "home:secret123"])
        brightest = max(cyan, key=sum)
        check(brightest[1] > 150 and brightest[2] > 150 and brightest[0] < 100,
              "while breathing cyan the drawn LED is cyan (%s)" % cyan)
        blue = pictures(photon_sim, led_pixel, work, "listening", [6.0, 6.15, 6.3, 6.45],
                        ["--firmware", "2.2.0", "--app", "tinker"])
        brightest = max(blue, key=sum)
        check(brightest[2] > 150 and brightest[0] < 100 and brightest[1] < 100,
              "in listening mode the drawn LED is blue (%s)" % blue)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, subprocess.CalledProcessError) as e:
        print("FAIL:", e)
        print("0 passed, 1 failed")
        sys.exit(1)
