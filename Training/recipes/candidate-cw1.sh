#!/usr/bin/env bash
# A candidate, not a shipped model: CW1, attend-deep (FV3) trained on with wider attention chunks
# among those drawn per step (--chunks 1,2,4,8,16,32,64,128; until now at most 32), since
# `attend align` reads files with 128-frame chunks (2026-12-07, Aligner.defaultContext), on FV3's
# pool and recipe otherwise: its control is FV4 (`bash Training/recipes/candidate-fc1.sh RUN 0`,
# the same command, seed and steps without --chunks). Scores in Training/recipes/attend-deep.notes.md (CW1).
#   bash Training/recipes/candidate-cw1.sh [RUN_DIR]
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-cw1.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-cw1}"
name=attend-cw1
speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=3,voice-converted=0
python3 Training/train.py --speech-repeat "$speech" --phone-only festival-intl \
  --noise-repeat crowd=0,stadium=0,applause=0,procedural=0 --run "$run" --init Models/attend-deep.safetensors \
  --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 70 --steps 1500 --schedule-steps 1500 \
  --chunks 1,2,4,8,16,32,64,128 --export "$name"
python3 Training/set_phone_prior.py "Models/$name.json" --align-weight 0 --speech-repeat "$speech"
