#!/usr/bin/env bash
# A candidate, not a shipped model: RS1, attend-deep (FV3) trained on with real speech alone as the
# mask's targets: the synthetic voices (espeak-ng, festival, flite, festival-intl) train the phone
# losses only (--phone-only), every other choice FV4's (FV3's pool and recipe, lr 3e-4, seed 70,
# 1500 steps), so FV4 (bash Training/recipes/candidate-fc1.sh RUN 0) is its control. It asks
# whether synthetic voices as clean targets (half the training speech by duration) teach the mask
# to keep what real voices do not have, as the HTS voices (FV1) and vocoded voices (VC1) did.
#   bash Training/recipes/candidate-rs1.sh [RUN_DIR] [SEED] [NAME]   # defaults: Training/runs/attend-rs1 70 attend-rs1
#   (WEIGHTS=... and STEPS=... in the environment change the loss weights and the steps: candidate-sd1.sh)
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Models/attend-rs1.safetensors
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (FV3).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-rs1}"
seed="${2:-70}"
name="${3:-attend-rs1}"
speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=3,voice-converted=0
python3 Training/train.py --speech-repeat "$speech" --phone-only festival-intl,espeak-ng,festival,flite \
  --noise-repeat crowd=0,stadium=0,applause=0,procedural=0 --run "$run" --init Models/attend-deep.safetensors \
  --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights "${WEIGHTS:-mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2}" --seed "$seed" --steps "${STEPS:-1500}" \
  --schedule-steps "${STEPS:-1500}" --export "$name"
python3 Training/set_phone_prior.py "Models/$name.json" --align-weight 0 --speech-repeat "$speech"
