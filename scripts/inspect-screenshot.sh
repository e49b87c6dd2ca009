#!/usr/bin/env bash
# Renders an `attend inspect` report in headless Chromium and saves a full-page screenshot:
# the acceptance check of issue 8 that the report opens in a browser with no network.
#
#   scripts/inspect-screenshot.sh [AUDIO [TRANSCRIPT_FILE [OUT_DIR]]]
#
# Defaults: Audio/espeak_en_16k.wav with its .txt, the tiny test model unless $ATTEND_MODEL or
# Models/attend-deep.safetensors (the default model) exists, output in /tmp/attend-inspect-shot/ (report.html,
# figures/*.png, screenshot.png). Needs Debian's `chromium` (apt-get install chromium); not run in
# CI. Chromium runs with networking disabled (--proxy-server to a dead port), so a report that
# needed the network would render broken images.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
audio="${1:-$root/Audio/espeak_en_16k.wav}"
transcript="${2:-${audio%.*}.txt}"
out="${3:-/tmp/attend-inspect-shot}"
model="${ATTEND_MODEL:-}"
if [ -z "$model" ]; then
  if [ -f "$root/Models/attend-deep.safetensors" ]; then model="$root/Models/attend-deep.safetensors"
  else model="$root/Tests/SpeechModelsTests/Fixtures/tiny.safetensors"; fi
fi
attend="$root/.build/debug/attend"
[ -x "$root/.build/release/attend" ] && attend="$root/.build/release/attend"
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 2; }
mkdir -p "$out"
args=(inspect "$audio" -o "$out/report.html" --png "$out/figures" --model "$model")
[ -f "$transcript" ] && args+=(--transcript-file "$transcript")
"$attend" "${args[@]}"
# Tall window: the whole report in one picture. Chromium needs a writable HOME for its profile.
HOME="$(mktemp -d)" chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
  --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
  --window-size=1500,5200 --screenshot="$out/screenshot.png" "file://$out/report.html" 2>/dev/null
ls -l "$out/report.html" "$out/screenshot.png"
