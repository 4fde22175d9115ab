#!/bin/sh
# Runs the photon-sim binary on good and bad inputs and checks exit codes,
# messages, and that a failed command never leaves an image changed or half
# written. Usage: cli_test.sh PATH/TO/photon-sim
set -u

SIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIX=${PHOTON_SIM_FIXTURES:-$HOME/.cache/photon-sim/firmware}
if [ ! -f "$FIX/2.2.0/system-part2.bin" ] || [ ! -f "$FIX/apps/tinker.bin" ]; then
    echo "firmware fixtures missing in $FIX: run scripts/fetch-fixtures.sh (or set PHOTON_SIM_FIXTURES)"
    exit 1
fi
export PHOTON_SIM_FIXTURES="$FIX"

WORK=$(mktemp -d /tmp/photon-sim-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

failures=0
checks=0

# expect CODE PATTERN -- COMMAND...: runs COMMAND, checks its exit code and
# that stdout+stderr contain PATTERN (a fixed string; "" matches anything).
expect() {
    code=$1 pattern=$2
    shift 3
    checks=$((checks + 1))
    "$@" >out.txt 2>&1
    got=$?
    if [ "$got" -ne "$code" ]; then
        echo "FAIL: $* -> exit $got, expected $code"; sed 's/^/    /' out.txt
        failures=$((failures + 1))
    elif [ -n "$pattern" ] && ! grep -qF -- "$pattern" out.txt; then
        echo "FAIL: $* -> output lacks: $pattern"; sed 's/^/    /' out.txt
        failures=$((failures + 1))
    fi
}

check() { # check DESCRIPTION COMMAND...: COMMAND must succeed
    desc=$1
    shift
    checks=$((checks + 1))
    if ! "$@"; then
        echo "FAIL: $desc"
        failures=$((failures + 1))
    fi
}

no_temp_files() { [ -z "$(ls -A . | grep '^\.photon-' || true)" ]; }

# patch FILE OFFSET BYTE: overwrite one byte (BYTE in octal for printf)
patch() { printf "\\$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# --- usage errors: exit 2 -------------------------------------------------
expect 2 "usage: photon-sim COMMAND" -- "$SIM"
expect 2 'unknown command "frobnicate"' -- "$SIM" frobnicate
expect 2 "nothing to flash" -- "$SIM" flash
expect 2 "unknown option --bogus" -- "$SIM" flash --bogus
expect 2 "--image needs a value" -- "$SIM" flash --image
expect 0 "photon-sim flash --list IMAGE" -- "$SIM" flash --help

# --- bad modules: exit 1, message names file, module and field, no image --
head -c 1000 "$FIX/2.2.0/system-part2.bin" > part2.bin
expect 1 "part2.bin: system part 2: truncated: header says 260840 bytes" -- "$SIM" flash --image img.bin part2.bin
check "truncated module leaves no image" test ! -e img.bin
grep -qF "file has 1000" out.txt || { echo "FAIL: truncation message lacks the file size"; failures=$((failures + 1)); }

cp "$FIX/apps/tinker.bin" tinker.bin
patch tinker.bin 12 012   # platform_id low byte = 10
expect 1 "tinker.bin: user part 1: platform_id is 10, expected 6 (Photon)" -- "$SIM" flash --image img.bin tinker.bin

cp "$FIX/apps/tinker.bin" crc.bin
patch crc.bin 200 377
expect 1 "crc.bin: user part 1: CRC-32 mismatch" -- "$SIM" flash --image img.bin crc.bin
check "bad modules leave no image" test ! -e img.bin
check "no temporary files left" no_temp_files

cp "$FIX/apps/tinker.bin" other.bin
expect 1 "overlaps" -- "$SIM" flash --image img.bin "$FIX/apps/tinker.bin" other.bin
grep -qF "other.bin (user part 1" out.txt || { echo "FAIL: overlap message lacks the second module"; failures=$((failures + 1)); }

expect 1 "neither a Device OS version with fixtures" -- "$SIM" flash --image img.bin --firmware 9.9.9
expect 1 "missing.bin: cannot open" -- "$SIM" flash --image img.bin missing.bin

# --- dependencies: error unless --force ------------------------------------
expect 1 "user part 1 v3: dependency needs system part 2 >= v6, but the image has no system part 2" -- "$SIM" flash --image app-only.bin --app tinker
check "unmet dependency leaves no image" test ! -e app-only.bin
expect 0 "app-only.bin: created" -- "$SIM" flash --image app-only.bin --app tinker --force
check "--force writes a 1 MiB image" test "$(wc -c < app-only.bin)" -eq 1048576

expect 1 "dependency2 needs bootloader >= v1003, but the image has v501" -- "$SIM" flash --image mixed.bin "$FIX/1.5.0/bootloader.bin" "$FIX/2.2.0/system-part1.bin" "$FIX/2.2.0/system-part2.bin"

# --- a good image, then failures that must not touch it ---------------------
expect 0 "photon-flash.bin: created" -- "$SIM" flash --firmware 2.2.0 --app tinker
check "default image is 1 MiB" test "$(wc -c < photon-flash.bin)" -eq 1048576
expect 0 "dependencies: ok" -- "$SIM" flash --list photon-flash.bin
grep -qF "user part 1        5/1       3" out.txt || { echo "FAIL: listing lacks tinker"; failures=$((failures + 1)); }
expect 0 "photon-flash.bin: updated" -- "$SIM" flash --firmware 0.5.2 --app tinker
expect 0 "system part 2      4/2       17 " -- "$SIM" flash --list photon-flash.bin
grep -qF "user part 1        5/1       2 " out.txt || { echo "FAIL: 0.5.2 did not get tinker-0.5.2"; failures=$((failures + 1)); }
expect 0 "photon-flash.bin: updated" -- "$SIM" flash --firmware 2.2.0 --app tinker
sum_before=$(sha256sum photon-flash.bin)
expect 1 "CRC-32 mismatch" -- "$SIM" flash crc.bin
expect 1 "overlaps" -- "$SIM" flash "$FIX/apps/tinker.bin" other.bin
check "failed flash leaves the image unchanged" test "$sum_before" = "$(sha256sum photon-flash.bin)"

# --- dct: bad input ------------------------------------------------------------
head -c 4096 /dev/zero > small.bin
expect 1 "small.bin: not a flash image" -- "$SIM" dct small.bin show
expect 1 "nope.bin: cannot open" -- "$SIM" dct nope.bin show
expect 2 'unknown field "bogus"' -- "$SIM" dct photon-flash.bin get bogus
expect 2 'unknown subcommand "frob"' -- "$SIM" dct photon-flash.bin frob
expect 2 'OFFSET "9000" is not an app DCT offset' -- "$SIM" dct photon-flash.bin write 9000 small.bin
expect 1 "small.bin: 4096 bytes at app offset 8000 run past the DCT body" -- "$SIM" dct photon-flash.bin write 8000 small.bin
expect 2 'SSID ""' -- "$SIM" dct photon-flash.bin wifi "" password123
expect 2 "WPA2 passphrase has 8..63 characters" -- "$SIM" dct photon-flash.bin wifi Net short
expect 2 '"300.1.1.1" is not an IPv4 address' -- "$SIM" dct photon-flash.bin ip static 300.1.1.1 255.255.255.0 10.0.0.1 8.8.8.8
expect 2 "--port needs --host" -- "$SIM" dct photon-flash.bin server-key "$FIX/keys/particle-cloud-rsa.pub.der" --port 5684
expect 1 "small.bin: not an RSA public or private key" -- "$SIM" dct photon-flash.bin server-key small.bin
expect 1 "small.bin: not an RSA private key" -- "$SIM" dct photon-flash.bin set device_private_key small.bin
expect 2 "6 hex digits, expected 24" -- "$SIM" dct device-id 41002b
expect 0 "41002b000f473435333736ab" -- "$SIM" dct device-id 41002B000F473435333736AB
check "failed dct commands leave the image unchanged" test "$sum_before" = "$(sha256sum photon-flash.bin)"
check "no temporary files left" no_temp_files

# --- dct: a blank DCT stays blank until written --------------------------------
expect 0 "none: blank DCT" -- "$SIM" dct photon-flash.bin show

# --- dct: good path ---------------------------------------------------------------
cp photon-flash.bin second.bin
expect 0 "written to DCT2 (sequence 2)" -- "$SIM" dct photon-flash.bin keygen --seed 7
expect 0 "initialised DCT1" -- "$SIM" dct second.bin keygen --seed 0x7
"$SIM" dct photon-flash.bin read 34 612 key1.der >/dev/null
"$SIM" dct second.bin read 34 612 key2.der >/dev/null
check "same seed, same key" cmp -s key1.der key2.der
expect 0 "firmware layout ok" -- "$SIM" dct photon-flash.bin get device_private_key
expect 0 "written to DCT1 (sequence 3)" -- "$SIM" dct photon-flash.bin wifi HomeNet password123
expect 0 "written to DCT2 (sequence 4)" -- "$SIM" dct photon-flash.bin ip static 192.168.1.50 255.255.255.0 192.168.1.1 8.8.8.8
expect 0 "server key + address 10.0.2.2:5684" -- "$SIM" dct photon-flash.bin server-key "$FIX/keys/particle-cloud-rsa.pub.der" --host 10.0.2.2 --port 5684
expect 0 "current copy:      DCT1" -- "$SIM" dct photon-flash.bin show
for want in "sequence 5, CRC ok" "matches the private key" "IPv4 10.0.2.2 port 5684" '"HomeNet"' "wpa2-aes (0x00400004)" "static host 192.168.1.50"; do
    grep -qF "$want" out.txt || { echo "FAIL: show lacks: $want"; failures=$((failures + 1)); }
done
expect 0 "2466: 00 04 0a 00 02 02" -- "$SIM" dct photon-flash.bin read 2466 6
expect 0 "" -- "$SIM" dct photon-flash.bin read 2082 512 block.bin
check "server block is 512 bytes" test "$(wc -c < block.bin)" -eq 512
check "port at 450 is 16 34" test "$(od -An -tx1 -j450 -N2 block.bin | tr -d ' ')" = "1634"
expect 0 "written to DCT2" -- "$SIM" dct photon-flash.bin write 1762 key1.der
expect 0 "claim_code" -- "$SIM" dct photon-flash.bin set claim_code abc123
expect 0 '"abc123"' -- "$SIM" dct photon-flash.bin get claim_code
expect 0 "dhcp (config_mode 0x00)" -- sh -c "\"$SIM\" dct photon-flash.bin ip dhcp >/dev/null && \"$SIM\" dct photon-flash.bin get ip_config"
expect 0 "none (the device enters listening mode)" -- sh -c "\"$SIM\" dct photon-flash.bin wifi --clear >/dev/null && \"$SIM\" dct photon-flash.bin show"
expect 0 "dependencies: ok" -- "$SIM" flash --list photon-flash.bin
check "no temporary files left" no_temp_files

# --- keys: usage -------------------------------------------------------------------
expect 2 "needs a subcommand" -- "$SIM" keys
expect 2 'unknown subcommand "frob"' -- "$SIM" keys frob
expect 0 "photon-sim keys doctor IMAGE" -- "$SIM" keys --help
for sub in server new load save send doctor show; do
    expect 0 "photon-sim keys $sub IMAGE" -- "$SIM" keys $sub --help
done
expect 0 "--uid HEX24" -- "$SIM" keys send --help
expect 2 "new needs an IMAGE" -- "$SIM" keys new
expect 2 "load needs a FILE after the IMAGE" -- "$SIM" keys load k.bin
expect 2 'save: unexpected argument "extra"' -- "$SIM" keys save k.bin out.der extra
expect 2 "new: unknown option --cloud" -- "$SIM" keys new k.bin --cloud somewhere
expect 2 "send: --cloud needs a value" -- "$SIM" keys send k.bin --cloud
expect 2 'server: --ip "1.2.3" is not an IPv4 address' -- "$SIM" keys server k.bin --ip 1.2.3
expect 2 "server: give one --host or --ip" -- "$SIM" keys server k.bin --host a --ip 1.2.3.4
expect 2 'server: --port "0" is not 1..65535' -- "$SIM" keys server k.bin --port 0
expect 2 "6 hex digits, expected 24" -- "$SIM" keys send k.bin --uid 41002b
expect 1 "nope.bin: cannot open" -- "$SIM" keys show nope.bin
expect 1 "small.bin: not a flash image" -- "$SIM" keys new small.bin --seed 1
check "keys usage errors create no cloud" test ! -e photon-cloud

# --- keys: failures leave the image unchanged -----------------------------------------
"$SIM" flash --image k.bin --firmware 2.2.0 --app tinker >/dev/null
k_before=$(sha256sum k.bin)
expect 1 "k.bin: device_private_key (app offset 34): blank" -- "$SIM" keys send k.bin --cloud cloud
expect 1 "k.bin: device_private_key (app offset 34): blank" -- "$SIM" keys save k.bin out.der
check "saving a blank key writes no file" test ! -e out.der
expect 1 "small.bin: not an RSA private key" -- "$SIM" keys load k.bin small.bin
expect 1 "missing.pem: cannot open" -- "$SIM" keys load k.bin missing.pem
expect 1 'host "10.0.2.300" is not a valid IPv4 address' -- "$SIM" keys server k.bin --cloud cloud --host 10.0.2.300
grep -qF "k.bin: server address (app offset 2466)" out.txt || { echo "FAIL: bad host message lacks the image and field"; failures=$((failures + 1)); }
check "failed keys commands leave the image unchanged" test "$k_before" = "$(sha256sum k.bin)"
expect 0 "none: blank DCT" -- "$SIM" dct k.bin show
expect 0 "registry:          no record" -- "$SIM" keys show k.bin --cloud cloud
check "keys show writes nothing" test "$k_before" = "$(sha256sum k.bin)"
expect 0 "nocloud does not exist yet" -- "$SIM" keys show k.bin --cloud nocloud
check "keys show creates no cloud" test ! -e nocloud

# --- keys server ------------------------------------------------------------------------
expect 0 "address 10.0.2.2:5684: written to DCT2 (sequence 2)" -- "$SIM" keys server k.bin --cloud cloud --ip 10.0.2.2 --port 5684
expect 0 "2466: 00 04 0a 00 02 02" -- "$SIM" dct k.bin read 2466 6
expect 0 "2532: 16 34" -- "$SIM" dct k.bin read 2532 2
expect 0 "address device.spark.io:5683: written to DCT1 (sequence 3)" -- "$SIM" keys server k.bin --cloud cloud
expect 0 "2466: 01 0f 64 65 76 69 63 65 2e 73 70 61 72 6b 2e 69" -- "$SIM" dct k.bin read 2466 16
expect 0 "2532: 16 33" -- "$SIM" dct k.bin read 2532 2
check "the cloud's key was created" test -f cloud/server_key.pem
check "server_key.pub.der is a 294-byte SPKI" test "$(wc -c < cloud/server_key.pub.der)" -eq 294
"$SIM" dct k.bin read 2082 294 dct-server.der >/dev/null
check "DCT server key is the cloud's" cmp -s dct-server.der cloud/server_key.pub.der
openssl pkey -in cloud/server_key.pem -pubout -outform DER -out pem-pub.der 2>/dev/null
check "server_key.pub.der is server_key.pem's public key" cmp -s pem-pub.der cloud/server_key.pub.der

# --- keys doctor / new / send / load / save ------------------------------------------------
ID=32001f000c47343337333437
expect 0 "registered in cloud/$ID.pub.pem" -- "$SIM" keys doctor k.bin --cloud cloud --seed 7
grep -qF "from seed 7" out.txt || { echo "FAIL: doctor does not name its seed"; failures=$((failures + 1)); }
expect 0 "verdict:           ok" -- "$SIM" keys show k.bin --cloud cloud
"$SIM" keys save k.bin dev7.der >/dev/null
openssl rsa -inform DER -in dev7.der -pubout -outform DER -out dev7-pub.der 2>/dev/null
openssl pkey -pubin -in "cloud/$ID.pub.pem" -outform DER -out reg-pub.der 2>/dev/null
check "the registry holds the DCT key's public half" cmp -s dev7-pub.der reg-pub.der
fp=$(sha256sum < dev7-pub.der | cut -d' ' -f1)
expect 0 "sha256 $fp" -- "$SIM" keys show k.bin --cloud cloud
cp photon-flash.bin keygen.bin
"$SIM" dct keygen.bin keygen --seed 0x7 >/dev/null
"$SIM" keys save keygen.bin keygen7.der >/dev/null
check "dct keygen and keys doctor agree on a seed" cmp -s dev7.der keygen7.der

reg_before=$(sha256sum "cloud/$ID.pub.pem")
expect 0 "from seed 8" -- "$SIM" keys new k.bin --seed 8
grep -qF "registry is unchanged" out.txt || { echo "FAIL: keys new does not say the registry is unchanged"; failures=$((failures + 1)); }
check "keys new leaves the registry alone" test "$reg_before" = "$(sha256sum "cloud/$ID.pub.pem")"
"$SIM" keys save k.bin dev8.der >/dev/null
check "keys new changed the DCT key" test "$(sha256sum < dev7.der)" != "$(sha256sum < dev8.der)"
expect 0 "holds ANOTHER key" -- "$SIM" keys show k.bin --cloud cloud
grep -qF 'run `photon-sim keys send k.bin`' out.txt || { echo "FAIL: show does not suggest keys send"; failures=$((failures + 1)); }
expect 0 "registered, replacing another key" -- "$SIM" keys send k.bin --cloud cloud
expect 0 "already registered" -- "$SIM" keys send k.bin --cloud cloud
expect 0 "holds this device key" -- "$SIM" keys show k.bin --cloud cloud

openssl pkcs8 -topk8 -nocrypt -inform DER -in dev7.der -out dev7-pkcs8.pem 2>/dev/null
expect 0 "device key from dev7-pkcs8.pem" -- "$SIM" keys load k.bin dev7-pkcs8.pem
"$SIM" keys save k.bin back.der >/dev/null
check "a PKCS#8 PEM loads as the same PKCS#1 key" cmp -s back.der dev7.der

expect 0 "device 41002b000f473435333736ab (from --uid)" -- "$SIM" keys send k.bin --cloud cloud --id 41002B000F473435333736AB
check "--uid names the record" test -f cloud/41002b000f473435333736ab.pub.pem
expect 0 "41002b000f473435333736ab (from --uid)" -- "$SIM" keys show k.bin --cloud cloud --uid 41002b000f473435333736ab

# another cloud's server key is noticed
cp photon-flash.bin other.bin
"$SIM" keys server other.bin --cloud cloud2 >/dev/null 2>&1
expect 0 "is NOT cloud2's key" -- "$SIM" keys show k.bin --cloud cloud2
grep -qF 'run `photon-sim keys server k.bin`' out.txt || { echo "FAIL: show does not suggest keys server"; failures=$((failures + 1)); }
expect 0 "dependencies: ok" -- "$SIM" flash --list k.bin
check "no temporary files left" no_temp_files

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
