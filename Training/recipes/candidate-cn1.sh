#!/usr/bin/env bash
# A candidate, not a shipped model: CN1, attend-deep (FV3) trained on with the pool's crowd noise
# (8-30 reverberant talkers made of training speech, Training/DATA_CARD.md) drawn twice its share
# for the phone losses only (--phone-only-noise crowd: the mask never trains on those mixtures), on
# FV3's pool and recipe otherwise (lr 3e-4, seed 70, 1500 steps). Its control is FV4 (bash
# Training/recipes/candidate-fc1.sh RUN 0: the same without the crowd noise). In crowd noise the
# phone head puts the first start early and the last end late (notes: the alignment limits).
#   bash Training/recipes/candidate-cn1.sh [RUN_DIR]
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-cn1.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-cn1}"
speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=3,voice-converted=0
python3 Training/train.py --speech-repeat "$speech" --phone-only festival-intl \
  --noise-repeat crowd=2,stadium=0,applause=0,procedural=0 --phone-only-noise crowd --run "$run" \
  --init Models/attend-deep.safetensors --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 \
  --lr 3e-4 --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 70 --steps 1500 --schedule-steps 1500 \
  --export attend-cn1
python3 Training/set_phone_prior.py Models/attend-cn1.json --align-weight 0 --speech-repeat "$speech"
