#!/usr/bin/env bash
# A candidate, not a shipped model: FC1, attend-deep (FV3) trained on with the female-range copies
# of festival's and flite's male English voices (source voice-converted, 2026-12-07: WORLD
# re-synthesis with the pitch and formants raised, exact times kept; Training/DATA_CARD.md) drawn
# twice their share, for the phone losses only, on FV3's pool and recipe otherwise (lr 3e-4, seed
# 70, 1500 steps). FV4, its control, is the same command with voice-converted=0 (and the option
# --phone-only festival-intl alone). Scores in Training/recipes/attend-deep.notes.md (FC1, FV4).
#   bash Training/recipes/candidate-fc1.sh [RUN_DIR] [VC_REPEAT]
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-fc1.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-fc1}"
vc="${2:-2}"
name=attend-fc1; phone_only=festival-intl,voice-converted
[ "$vc" = 0 ] && { name=attend-fv4; phone_only=festival-intl; }
speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=3,voice-converted=$vc
python3 Training/train.py --speech-repeat "$speech" --phone-only "$phone_only" \
  --noise-repeat crowd=0,stadium=0,applause=0,procedural=0 --run "$run" --init Models/attend-deep.safetensors \
  --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 70 --steps 1500 --schedule-steps 1500 --export "$name"
python3 Training/set_phone_prior.py "Models/$name.json" --align-weight 0 --speech-repeat "$speech"
