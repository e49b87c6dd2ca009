#!/usr/bin/env bash
# Regenerates every golden file the Swift tests compare against (one command, deterministic).
# Needs: pip install -r Training/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
for script in Training/golden/make_*_golden.py; do
  echo "== $script"
  python3 "$script"
done
