#!/bin/bash
# A candidate, not a shipped model: SD1, attend-deep (FV3) trained on as RS1 (real speech alone as
# the mask's targets, FV3's pool, lr 3e-4) with one more loss: the frame loss of the phone head's
# reading of the model's own denoised output (--weights ...,sdframe=1; train.py step_losses). For
# noisy files `attend align` blends the phone head's reading of the audio with its reading of the
# denoised audio, which no loss had seen before. 1000 steps (each runs the encoder twice), seed 74.
#   bash Training/recipes/candidate-sd1.sh [RUN_DIR] [SEED] [NAME]   # defaults: Training/runs/attend-sd1 74 attend-sd1
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-sd1.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
WEIGHTS=mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2,sdframe=1 STEPS=1000 \
  bash Training/recipes/candidate-rs1.sh "${1:-Training/runs/attend-sd1}" "${2:-74}" "${3:-attend-sd1}"
