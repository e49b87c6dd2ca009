#!/usr/bin/env bash
# A candidate, not a shipped model: rebuilds Models/attend-pn1.{safetensors,json}, candidate N2
# (Training/recipes/candidate-n2.sh: attend-deep E1 trained on in the noise pool of 2026-12-06
# evening) trained on with the procedural noise of 2026-12-07 in its pool (data_pipeline/
# procedural.py: generated notes, swells, bursts, sweeps and buzz; about 12 % of the noise draws).
#   bash Training/recipes/candidate-pn1.sh [RUN_DIR] [INIT]
# INIT defaults to the committed N2 export (Training/candidates/attend-n2.safetensors). PN1's own
# export is not committed (not adopted, and no better than its control N3: attend-deep.notes.md).
# Needs Training/data (bash Training/make_data.sh --scale full).
# PN1: seed 60, cosine over 1500 steps, best validation checkpoint exported; trained with --threads 1
# (2026-12-07, 58 min; two such runs side by side do not fit in 24 GB: each holds the pool).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-pn1}"
init="${2:-Training/candidates/attend-n2.safetensors}"
old_speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=0,voice-converted=0
python3 Training/train.py --speech-repeat "$old_speech" --noise-repeat crowd=0,stadium=0,applause=0 \
  --batch 8 --threads 1 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 \
  --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 60 --steps 1500 --schedule-steps 1500 \
  --init "$init" --run "$run" --export attend-pn1
python3 Training/set_phone_prior.py Models/attend-pn1.json --align-weight 0 --speech-repeat "$old_speech"
