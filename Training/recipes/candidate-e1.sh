#!/usr/bin/env bash
# Rebuilds Models/attend-e1.{safetensors,json}, a candidate not shipped (see "E1" in
# Training/recipes/attend-deep.notes.md): attend-deep (stage H3) whose mask decoder also reads three
# running means of the input features per bin, m_t = a·m_t-1 + (1 - a)·x_t with a = 0.9, 0.98, 0.995
# (grow.py --decoder-ema: zero input weights, so training starts from H3's function), trained on
# H3's data (lr 3e-4, 1500 steps, seed 16, 30 min on 2 CPU cores; best validation checkpoint at
# step 1000). Reserved set (2026-12-06): PESQ-WB / STOI / SI-SDRi 1.618 / 0.834 / +5.13 dB against
# H3's 1.601 / 0.832 / +4.74; live alignment stream on silver 0 dB 60.6 % against the file's 67.7.
#   bash Training/recipes/candidate-e1.sh [RUN_DIR]
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep.
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-e1}"
old_speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0
python3 Training/grow.py Models/attend-deep.safetensors --decoder-ema 0.9,0.98,0.995 --out "$run-grow" --name attend-ema
python3 Training/train.py --speech-repeat "$old_speech" --noise-repeat crowd=0,stadium=0,applause=0 --run "$run" \
  --init "$run-grow/attend-ema.safetensors" --batch 8 --threads 2 --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 \
  --lr 3e-4 --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2 --seed 16 --steps 1500 --schedule-steps 1500 \
  --export attend-e1
python3 Training/set_phone_prior.py Models/attend-e1.json --align-weight 0 --speech-repeat "$old_speech"
