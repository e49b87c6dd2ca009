#!/bin/bash
# A candidate, not a shipped model: KD1, attend-deep (FV3) trained on as RS1 (real speech alone as
# the mask's targets, FV3's pool, lr 3e-4) with one more loss: the phone head's reading with the
# drawn attention chunks (1-32 frames) learns toward its reading with the file aligner's 128-frame
# chunks (--weights ...,distill=1; train.py step_losses). The live stream reads with 8-frame chunks
# and trails the file pass by 6 points at 0 dB crowd noise (2026-12-08); this asks whether the
# phone head can learn to read short chunks as it reads long ones. 1000 steps, seed 72.
#   bash Training/recipes/candidate-kd1.sh [RUN_DIR] [SEED] [NAME]   # defaults: Training/runs/attend-kd1 72 attend-kd1
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.worker align attend-stream work/sets/align/manifest.json OUT.json
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
WEIGHTS=mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2,distill=1 STEPS=1000 \
  bash Training/recipes/candidate-rs1.sh "${1:-Training/runs/attend-kd1}" "${2:-72}" "${3:-attend-kd1}"
