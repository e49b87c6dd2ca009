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
run="${1:-Training/runs/attend-sd1}"
seed="${2:-74}"
name="${3:-attend-sd1}"
speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=3,voice-converted=0
python3 Training/train.py --speech-repeat "$speech" --phone-only festival-intl,espeak-ng,festival,flite \
  --noise-repeat crowd=0,stadium=0,applause=0,procedural=0 --run "$run" --init Models/attend-deep.safetensors \
  --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2,sdframe=1 --seed "$seed" --steps 1000 --schedule-steps 1000 --export "$name"
python3 Training/set_phone_prior.py "Models/$name.json" --align-weight 0 --speech-repeat "$speech"
