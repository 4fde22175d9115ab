# Shared settings for photon-sim's setup scripts (sourced, not run).
PHOTON_SIM_CACHE=${PHOTON_SIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/photon-sim}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURE_DIR=$PHOTON_SIM_CACHE/firmware
say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
