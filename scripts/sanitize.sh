#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer, in its own build folder (.build-<sanitizer>), with
# the `attend` binary the CLI tests start built the same way (they find it through ATTEND_BINARY).
#
#   scripts/sanitize.sh address [swift test args…]   AddressSanitizer (+ UBSan-like checks Swift has anyway)
#   scripts/sanitize.sh thread  [swift test args…]   ThreadSanitizer
#
# Tests that assert flat RSS (MemoryTests, SoakTests) are skipped: ASan's quarantine (freed
# memory kept unreusable, 256 MiB by default) and shadow memory make RSS grow by design.
# Leak checking is off by default (the Swift runtime's lazily made metadata and caches look like
# leaks to LeakSanitizer); set ASAN_OPTIONS yourself to turn it on. Exit status: that of `swift test`.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sanitizer=${1:-}
case "$sanitizer" in
    address|thread) shift ;;
    *) echo "usage: $0 address|thread [swift test args…]" >&2; exit 2 ;;
esac
scratch="$root/.build-$sanitizer"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:detect_stack_use_after_return=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export SWIFT_BACKTRACE=enable=no
start=$(date +%s)
nice -n 10 swift build --scratch-path "$scratch" --sanitize="$sanitizer" --build-tests || exit 2
echo "sanitize.sh: build took $(( $(date +%s) - start )) s" >&2
export ATTEND_BINARY="$scratch/debug/attend"
# A sanitized debug `attend align` runs about ten times slower than a plain debug one: give the
# tests that bound a command's time (FaultTests' `timeout`) room for that.
export ATTEND_TEST_TIMEOUT=${ATTEND_TEST_TIMEOUT:-1200}
start=$(date +%s)
# Under ThreadSanitizer the runtime itself dies with SIGBUS once `ulimit -f` is hit (its own
# file-backed mappings), so FaultTests' file-size-limit case cannot run there.
extra_skip=()
[ "$sanitizer" = thread ] && extra_skip=(--skip fileSizeLimitMidWrite)
nice -n 10 swift test --scratch-path "$scratch" --sanitize="$sanitizer" --skip-build \
    --skip MemoryTests --skip SoakTests "${extra_skip[@]}" "$@"
status=$?
echo "sanitize.sh: $sanitizer: swift test exit $status after $(( $(date +%s) - start )) s" >&2
exit $status
