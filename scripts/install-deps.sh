#!/usr/bin/env bash
# Installs the Debian packages attend builds against and its tests use. Idempotent: it
# only calls apt-get when something is missing.
set -euo pipefail
packages=(
  pkg-config
  libsndfile1-dev libfftw3-dev libopenblas-dev libsoxr-dev   # audio, FFT, BLAS, resampling
  libespeak-ng-dev libpng-dev                                # text → phonemes (G2P)
  sox libsox-fmt-all flac vorbis-tools ffmpeg                # reference tools used by tests
  python3 python3-venv bc                                    # format validation (praatio, srt, webvtt); fuzz.sh
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
