#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every Swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
swift test "$@"
