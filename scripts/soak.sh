#!/usr/bin/env bash
# Soak test: streams generated audio through attend for a long time and checks that memory stays
# flat. For each mode, a generator writes a 16 kHz WAV stream of unknown length (as fast as
# attend takes it) for N minutes into
#   denoise: attend denoise - -o -                        (a gliding tone in changing noise)
#   align:   attend align - --jsonl --transcript-file T   (Audio/espeak_en_16k.wav looped with a
#            little noise; T is its transcript repeated to cover the whole stream)
# while attend's peak RSS (VmHWM) and RSS are sampled every second into a CSV. It passes when the
# peak after the first minute grows by no more than the tolerance (default 4 MiB).
#
#   scripts/soak.sh [--minutes N] [--only denoise|align] [--model PATH] [--tolerance-mib T] [--out DIR]
#
# Two modes at once (one core each; nice keeps the machine usable):
#   nice -n 19 scripts/soak.sh --only denoise --out .build-soak/d --model Models/attend-deep.safetensors &
#   nice -n 19 scripts/soak.sh --only align --out .build-soak/a --model Models/attend-deep.safetensors &
#
# Defaults: 120 minutes per mode (both modes: 4 hours), the tiny test model, the release binary
# (.build/release/attend, built if missing; ATTEND=path overrides). Results go to
# .build-soak/<mode>.csv (or DIR/<mode>.csv) and a summary line per mode; exit 1 if any mode failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

minutes=120
modes=(denoise align)
model="$root/Tests/SpeechModelsTests/Fixtures/tiny.safetensors"
tolerance_mib=4
out="$root/.build-soak"
# The tiny test model has full attention context (chunk_size 0), which would hold the whole
# stream; give it a streaming context. A trained model's own config (chunk_size > 0) is used as is.
context=(--chunk-frames 8 --left-frames 64)
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --only) modes=("$2"); shift 2 ;;
        --model) model=$2; context=(); shift 2 ;;
        --tolerance-mib) tolerance_mib=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: $0 [--minutes N] [--only denoise|align] [--model PATH] [--tolerance-mib T] [--out DIR]" >&2; exit 2 ;;
    esac
done
attend=${ATTEND:-$root/.build/release/attend}
if [ ! -x "$attend" ]; then
    nice -n 10 swift build -c release --product attend >&2 || exit 2
fi
mkdir -p "$out"

# The generator: a WAV header with "unknown length" sizes, then one-second blocks until time is up.
generator() {  # MODE SECONDS
    nice -n 19 python3 - "$1" "$2" "$root/Audio/espeak_en_16k.wav" <<'PY'
import struct, sys, time
import numpy as np
mode, seconds, speech = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rate = 16000
out = sys.stdout.buffer
out.write(b"RIFF" + b"\xff" * 4 + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, 2 * rate, 2, 16) + b"data" + b"\xff" * 4)
rng = np.random.default_rng(1)
noise = rng.standard_normal(rate * 10).astype(np.float32)
if mode == "align":
    import soundfile
    clip = soundfile.read(speech, dtype="float32")[0]
t = np.arange(rate) / rate
start, n = time.time(), 0
try:
    while time.time() - start < seconds:
        if mode == "denoise":
            f = 200 + 30 * (n % 11)
            x = (0.1 + 0.25 * (n % 7) / 6) * np.sin(2 * np.pi * (f + 20 * t) * t) + 0.05 * noise[(n % 9) * rate:(n % 9 + 1) * rate]
        else:
            x = np.concatenate([clip, np.zeros(rate // 4, np.float32)]) + 0.01 * noise[: len(clip) + rate // 4]
        out.write((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
        n += 1
except BrokenPipeError:
    pass
PY
}

status=0
for mode in "${modes[@]}"; do
    csv="$out/$mode.csv"
    seconds=$((minutes * 60))
    rm -f "$out/in.fifo" "$out/out.fifo"
    mkfifo "$out/in.fifo" "$out/out.fifo"
    case "$mode" in
        denoise) args=(denoise - -o - --model "$model" "${context[@]}") ;;
        align)
            # The transcript of every repetition the stream could hold at 60× real time (the windowed
            # search streams this 6-second clip at about 50× real time on one idle core).
            reps=$(( seconds * 60 / 6 + 10 ))
            text="$out/transcript.txt"
            python3 -c "import sys; t=open(sys.argv[1]).read().strip(); print(' '.join([t]*int(sys.argv[2])))" \
                Audio/espeak_en_16k.txt "$reps" > "$text"
            args=(align - --jsonl --transcript-file "$text" --model "$model") ;;
        *) echo "soak.sh: unknown mode $mode" >&2; exit 2 ;;
    esac
    "$attend" "${args[@]}" < "$out/in.fifo" > "$out/out.fifo" 2> "$out/$mode.err" &
    pid=$!
    generator "$mode" "$seconds" > "$out/in.fifo" &
    gen=$!
    if [ "$mode" = align ]; then wc -l < "$out/out.fifo" > "$out/$mode.count" & else wc -c < "$out/out.fifo" > "$out/$mode.count" & fi
    counter=$!
    echo "t_seconds,peak_rss_kib,rss_kib" > "$csv"
    t=0
    while kill -0 "$pid" 2>/dev/null; do
        line=$(awk '/^VmHWM:/{h=$2} /^VmRSS:/{r=$2} END{if (h) print h "," r}' "/proc/$pid/status" 2>/dev/null)
        [ -n "$line" ] && echo "$t,$line" >> "$csv"
        sleep 1
        t=$((t + 1))
    done
    wait "$pid"; rc=$?
    wait "$gen" "$counter"
    rm -f "$out/in.fifo" "$out/out.fifo"
    read -r at60 final maxrss samples < <(awk -F, 'NR>1 { if ($1 <= 60) a=$2; f=$2; if ($3 > m) m=$3; n++ } END { print a+0, f+0, m+0, n+0 }' "$csv")
    growth=$((final - at60))
    count=$(cat "$out/$mode.count")
    if [ "$mode" = denoise ]; then done_text="$(( (count - 44) / 32000 )) s of audio"; else done_text="$count words"; fi
    verdict=ok
    if [ $rc -ne 0 ] || [ "$samples" -lt 61 ] || [ $growth -gt $((tolerance_mib * 1024)) ]; then verdict=FAIL; status=1; fi
    echo "soak $mode: $verdict: exit $rc, ${samples} s, $done_text; peak RSS at 60 s ${at60} KiB, at end ${final} KiB (growth ${growth} KiB, tolerance $((tolerance_mib * 1024)) KiB), max RSS ${maxrss} KiB; samples in $csv"
    [ -s "$out/$mode.err" ] && { echo "stderr:"; head -5 "$out/$mode.err"; }
done
exit $status
