#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every Swift test, then validates the
# alignment output formats with third-party parsers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
swift test "$@"
# Alignment formats opened by the parsers users use (praatio, srt, webvtt-py, jsonschema).
bash scripts/validate-formats.sh .build/debug/attend
