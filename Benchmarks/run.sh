#!/usr/bin/env bash
# attend benchmarks: one command from a fresh machine to results/latest.md and latest.json.
#   Benchmarks/run.sh [--quick] [--only denoise|align|speed] [--reuse-sets] [--no-setup]
# Environment: ATTEND_BIN (default .build/release/attend, relative to the repository root).
# Run it niced on a shared machine: nice -n 19 Benchmarks/run.sh --quick
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

QUICK=""; ONLY=""; REUSE=0; SETUP=1
ORIG_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#--only=}" ;;
    --reuse-sets) REUSE=1 ;;
    --no-setup) SETUP=0 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$ONLY" in ""|denoise|align|speed) ;; *) echo "run.sh: --only takes denoise, align or speed" >&2; exit 2 ;; esac

log() { echo "[$(date -u +%H:%M:%S)] $*"; }

# Debian: tools, speexdsp, and the packages that carry the reserved evaluation audio (shared/DATA.md).
DEBS=(sox ffmpeg build-essential libspeexdsp-dev festival festvox-us-slt-hts
      pocketsphinx-testdata sphinxtrain linphone-common codec2-examples supercollider-common
      speech-dispatcher gentle etw-data asterisk-moh-opsound-g722 lmms-common python3-venv)
if [ "$SETUP" = 1 ]; then
  missing=()
  for p in "${DEBS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    log "apt: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      -o DPkg::Lock::Timeout=900 "${missing[@]}" >/dev/null
  fi

  # The venv, from PyPI.
  PY="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    log "venv: creating Benchmarks/.venv"
    "$PY" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
  fi
  stamp=".venv/.bench-reqs"
  want="$(cat requirements.txt requirements-nodeps.txt | sha256sum | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "venv: installing requirements"
    .venv/bin/pip install -q -r requirements.txt
    .venv/bin/pip install -q --no-deps -r requirements-nodeps.txt
    echo "$want" > "$stamp"
  fi
fi

# attend itself, when no binary is given and none is built yet: the Debian packages it links and a
# release build of the CLI and the encoder-timing tool.
if [ "$SETUP" = 1 ] && [ -z "${ATTEND_BIN:-}" ] && { [ ! -x ../.build/release/attend ] || [ ! -x ../.build/release/attend-bench ]; }; then
  log "attend: installing its Debian packages and building it (release)"
  bash ../scripts/install-deps.sh >/dev/null
  (cd .. && swift build -c release --product attend >/dev/null && swift build -c release --product attend-bench >/dev/null)
fi

# The encoder comparison (Swift against PyTorch and ONNX Runtime) and the librosa/torch front-end
# rows run with the system python, where Training/requirements.txt puts torch (a large download).
if [ "$SETUP" = 1 ] && { [ -z "$ONLY" ] || [ "$ONLY" = speed ]; }; then
  if ! python3 -c "import torch, entmax, safetensors, librosa, onnx, onnxruntime, onnxscript" 2>/dev/null; then
    log "system python: installing Training/requirements.txt and onnx, onnxruntime, onnxscript"
    python3 -m pip install -q -r ../Training/requirements.txt onnx onnxruntime onnxscript 2>/dev/null \
      || python3 -m pip install -q --break-system-packages -r ../Training/requirements.txt onnx onnxruntime onnxscript \
      || log "system python: install failed; the encoder comparison will say so"
  fi
  # torchaudio for the features comparison: its MelSpectrogram is pure Python over torch.stft, so
  # the newest release runs on the newer torch Training/ installs (--no-deps keeps that torch).
  if ! python3 -c "import torchaudio" 2>/dev/null; then
    python3 -m pip install -q --no-deps torchaudio==2.11.1 2>/dev/null \
      || python3 -m pip install -q --no-deps --break-system-packages torchaudio==2.11.1 \
      || log "system python: torchaudio install failed; the features table will say so"
  fi
fi

export PYTHONPATH="$HERE"
PYBIN="$HERE/.venv/bin/python"
mkdir -p work results

if [ "$REUSE" = 0 ] || [ ! -f work/sets/denoise/manifest.json ] || [ ! -f work/sets/align/manifest.json ]; then
  log "sets: building from the reserved sources ${QUICK:+(quick)}"
  case "$ONLY" in
    denoise) "$PYBIN" -m bench.build_sets $QUICK --only denoise ;;
    align) "$PYBIN" -m bench.build_sets $QUICK --only align ;;
    *) "$PYBIN" -m bench.build_sets $QUICK ;;
  esac
fi

log "evaluating"
"$PYBIN" -m bench.evaluate $QUICK ${ONLY:+--only "$ONLY"} --command "Benchmarks/run.sh${ORIG_ARGS:+ $ORIG_ARGS}"
log "done: $HERE/results/latest.md"
