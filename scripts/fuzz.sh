#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (with AddressSanitizer) and runs each for SECONDS.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all 60
#   scripts/fuzz.sh all 20                     the short run CI does
#   scripts/fuzz.sh FuzzNPY 600                one target for 10 minutes
#
# Targets: FuzzStreamReader FuzzCheckpoint FuzzTranscript FuzzNPY (see Fuzz/Package.swift).
# Seeds come from Fuzz/Corpus/<target>/ (read only); inputs libFuzzer finds go to
# .build-fuzz/corpus/<target>/ and are kept between runs. A crash stops that target, leaves its
# input in .build-fuzz/artifacts/, and makes the script exit 1 after the other targets ran.
# To keep a crash: copy it to Fuzz/Corpus/<target>/crash-<name> and add a regression test.
# Environment: FUZZ_PARALLEL=1 (run the targets at the same time), FUZZ_JOBS (libFuzzer -fork
# workers per target, default 1), FUZZ_CONFIG
# (release|debug, default release), FUZZ_NICE (nice level, default 10).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_targets=(FuzzStreamReader FuzzCheckpoint FuzzTranscript FuzzNPY)
target=${1:-all}
seconds=${2:-60}
config=${FUZZ_CONFIG:-release}
niceness=${FUZZ_NICE:-10}
scratch="$root/.build-fuzz"

case "$target" in
    all) targets=("${all_targets[@]}") ;;
    Fuzz*) targets=("$target") ;;
    *) echo "usage: $0 [all|${all_targets[*]// /|}] [SECONDS]" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2; }

# Swift 6.3 on Linux links libFuzzer and ASan from its own toolchain.
build_start=$(date +%s)
echo "fuzz.sh: building ${targets[*]} ($config, -sanitize=fuzzer,address)" >&2
for t in "${targets[@]}"; do
    nice -n "$niceness" swift build --package-path Fuzz --scratch-path "$scratch/build" -c "$config" \
        -Xswiftc -sanitize=fuzzer,address --product "$t" 2>&1 \
        | grep -Ev "Cannot export local symbol '__asan|^\[[0-9]+/[0-9]+\]" >&2
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz.sh: build of $t failed" >&2; exit 2; }
done
echo "fuzz.sh: build took $(( $(date +%s) - build_start )) s" >&2
bin="$scratch/build/$config"

# Big enough for every seed; the checkpoint target needs room for a whole micro model.
max_len_for() {
    case "$1" in
        FuzzCheckpoint) echo 16384 ;;
        FuzzStreamReader) echo 65536 ;;
        *) echo 4096 ;;
    esac
}

export SWIFT_BACKTRACE=enable=no          # libFuzzer prints the stack; Swift's backtracer only adds 30 s
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}
run_target() {  # TARGET: runs it, writes its summary line to $scratch/TARGET.result
    local t=$1 work="$scratch/corpus/$1" artifacts="$scratch/artifacts/$1/" log="$scratch/$1.log"
    mkdir -p "$work" "$artifacts"
    local parallel=()
    [ "${FUZZ_JOBS:-1}" -gt 1 ] && parallel=(-fork="$FUZZ_JOBS")
    echo "fuzz.sh: $t for $seconds s (log: $log)" >&2
    local start status
    start=$(date +%s)
    nice -n "$niceness" "$bin/$t" "$work" "Fuzz/Corpus/$t" \
        -max_total_time="$seconds" -max_len="$(max_len_for "$t")" -timeout=20 -rss_limit_mb=2048 \
        "${parallel[@]}" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1
    status=$?
    local runs rate cov line
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | paste -sd+ | bc)
    rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | paste -sd+ | bc)
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
    line="$t: ${runs:-0} runs, ${rate:-0} exec/s, coverage ${cov:-?} edges, $(ls "$work" | wc -l) corpus files, $(( $(date +%s) - start )) s"
    if [ $status -ne 0 ]; then
        line="$line: CRASH (exit $status), input: $artifacts$(ls -t "$artifacts" | head -1)"
        grep -E "ERROR|Fatal error|SUMMARY|#[0-9]+ 0x" "$log" | head -12 >&2
    fi
    echo "$line" > "$scratch/$t.result"
    return $status
}

# FUZZ_PARALLEL=1 runs the targets at the same time (one core each is best).
failed=()
pids=()
for t in "${targets[@]}"; do
    if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
        run_target "$t" & pids+=($!)
    else
        run_target "$t" || failed+=("$t")
    fi
done
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${targets[$i]}"); done
summary=()
for t in "${targets[@]}"; do summary+=("$(cat "$scratch/$t.result")"); done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in ${failed[*]}; inputs under $scratch/artifacts/" >&2
    exit 1
fi
