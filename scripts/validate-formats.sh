#!/usr/bin/env bash
# Validates `attend align`'s output formats with the parsers users open them in (praatio, srt,
# webvtt-py, jsonschema) on the sample audio. A venv from PyPI in .build/venv-formats.
#   scripts/validate-formats.sh [ATTEND_BIN] [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
attend="${1:-.build/debug/attend}"
model="${2:-Tests/SpeechModelsTests/Fixtures/tiny.safetensors}"
venv=.build/venv-formats
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check praatio==6.* srt==3.* webvtt-py==0.5.* jsonschema==4.*
"$venv/bin/python" Tests/Formats/validate_formats.py --attend "$attend" --model "$model"
