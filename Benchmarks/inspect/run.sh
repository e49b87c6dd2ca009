#!/usr/bin/env bash
# Times `attend inspect` on a 10-minute file and measures the HTML's size (issue 8: drawing under
# 5 s on one core, HTML under 10 MB).
#
#   Benchmarks/inspect/run.sh [MODEL]        (default: the tiny test model)
#
# Builds nothing: needs .build/release/attend (swift build -c release --product attend). Makes
# a 10-minute 16 kHz mono WAV by repeating Audio/espeak_en_16k.wav (6.13 s) 98 times, with
# its transcript repeated as often, then runs, pinned to one core (taskset -c 1,
# OPENBLAS_NUM_THREADS=1):
#   1. the whole file, no transcript;
#   2. the whole file with the transcript (alignment of ~1500 words);
#   3. a 30 s window (--from 120 --to 150).
# The tiny model has full context (O(T²) over 60 000 frames), so every run uses chunked
# attention (--chunk-frames 32 --left-frames 128, the aligner's streaming default).
# For each it prints the seconds the report itself states (model = encoder passes and alignment;
# figures = drawing every figure; page = PNG + MP3 encoding, base64 and HTML), the wall time,
# the peak memory and the HTML's size. Run on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="${1:-$root/Tests/SpeechModelsTests/Fixtures/tiny.safetensors}"
attend="$root/.build/release/attend"
[ -x "$attend" ] || { echo "build first: swift build -c release --product attend" >&2; exit 2; }
work="${TMPDIR:-/tmp}/attend-inspect-bench"
mkdir -p "$work"
long="$work/ten_minutes.wav"
if [ ! -f "$long" ]; then
  inputs=(); for _ in $(seq 98); do inputs+=("$root/Audio/espeak_en_16k.wav"); done
  sox "${inputs[@]}" "$long"
  for _ in $(seq 98); do cat "$root/Audio/espeak_en_16k.txt"; echo; done > "$work/ten_minutes.txt"
fi
echo "input: $(soxi -D "$long") s; model: $(basename "$model")"
printf '%-28s %8s %8s %8s %8s %9s %9s\n' case model_s figures_s page_s wall_s peak_MiB html_MB
run() {
  local name="$1"; shift
  local html="$work/$name.html"
  local stats="$work/$name.time"
  OPENBLAS_NUM_THREADS=1 /usr/bin/time -f '%e %M' -o "$stats" taskset -c 1 "$attend" inspect "$long" -o "$html" --model "$model" \
    --chunk-frames 32 --left-frames 128 "$@"
  local line; line="$(grep -o 'model [0-9.]* s · figures [0-9.]* s · page [0-9.]* s' "$html")"
  read -r wall kib < "$stats"
  printf '%-28s %8s %8s %8s %8s %9d %9.2f\n' "$name" \
    "$(echo "$line" | awk '{print $2}')" "$(echo "$line" | awk '{print $6}')" "$(echo "$line" | awk '{print $10}')" \
    "$wall" "$((kib / 1024))" "$(echo "$(stat -c %s "$html") / 1000000" | bc -l)"
}
run whole-no-transcript
run whole-with-transcript --transcript-file "$work/ten_minutes.txt"
run window-30s --from 120 --to 150
