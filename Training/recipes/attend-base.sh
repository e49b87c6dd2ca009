#!/usr/bin/env bash
# Rebuilds Models/attend-base.{safetensors,json} the way it was trained (2026-11-22, 2-core CPU,
# ~92 min of training in four stages that move the loss weights towards denoising):
#   bash Training/recipes/attend-base.sh [RUN_DIR]
# Needs Training/data (bash Training/make_data.sh --scale full). Each stage resumes the last.
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-base}"
cfg='{"d_model":128,"n_layers":4,"ff_mult":2,"stem_channels":8,"entmax_iters":12}'
train() { python3 Training/train.py --run "$run" --batch 8 --threads 2 --minutes 100000 --config "$cfg" "$@"; }
# A: every loss at the default weights (CTC on the phone head included).
train --steps 400 --schedule-steps 4000 --weights mask=1,sisdr=0.02,frame=0.5,ctc=0.2,align=0.3
# B: CTC off (its blank fought the frame labels on the shared phone head: frame CE rose above the prior's).
train --resume --steps 1000 --schedule-steps 3800 --weights mask=1,sisdr=0.02,frame=0.5,ctc=0,align=0.3
# C, D: the mask had not moved (corr. with the ideal ratio mask 0.14): denoising weighted up.
train --resume --steps 1400 --schedule-steps 4000 --weights mask=10,sisdr=0.1,frame=0.5,ctc=0,align=0.15
train --resume --steps 3200 --schedule-steps 3320 --weights mask=10,sisdr=0.2,frame=0.1,ctc=0,align=0.05 --export attend-base
python3 Training/model_card.py --run "$run" --name attend-base
