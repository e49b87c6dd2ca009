#!/usr/bin/env bash
# A candidate, not a shipped model: FV2, attend-deep (E1) trained on with festival's female voices of
# other languages (source festival-intl, 2026-12-07: Catalan HTS ona, Italian lp, Czech dita; see
# Training/DATA_CARD.md) drawn three times their share, for the phone losses only (--phone-only), on
# E1's pool and recipe otherwise (lr 3e-4, seed 60, 1500 steps). FV1 is the same with the voices as
# denoising targets too (drop --phone-only); C1, the control of both, is the same with
# festival-intl=3 and --phone-only left out (festival-intl=0). Scores in
# Training/recipes/attend-deep.notes.md (FV1, C1, FV2). Its weights are not committed:
#   bash Training/recipes/candidate-fv2.sh [RUN_DIR]
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-fv2.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (E1).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-fv2}"
old_speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,voice-converted=0
new_noise=supertux-data=0,scorched3d-data=0,extremetuxracer-data=0,frozen-bubble-data=0,chromium-bsu-data=0,asc-music=0,drascula-music=0,hyperrogue-music=0,xmoto-data=0,freedink-data=0,minetest-data=0,flare-game=0,openclonk-data=0,openarena-data=0,trigger-rally-data=0,midi-music=0,procedural=0
python3 Training/train.py --speech-repeat "$old_speech,festival-intl=3" --phone-only festival-intl \
  --noise-repeat "crowd=0,stadium=0,applause=0,$new_noise" --run "$run" --init Models/attend-deep.safetensors \
  --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 60 --steps 1500 --schedule-steps 1500 --export attend-fv2
python3 Training/set_phone_prior.py Models/attend-fv2.json --align-weight 0 --speech-repeat "$old_speech,festival-intl=3"
