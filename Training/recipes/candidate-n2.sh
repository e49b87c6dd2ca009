#!/usr/bin/env bash
# A candidate, not a shipped model: rebuilds Models/attend-n2.{safetensors,json}, attend-deep (E1)
# trained on in the noise pool of 2026-12-06 evening (15 more game packages, MIDI music in random
# instruments; Training/DATA_CARD.md), the best measured on the reserved set on 2026-12-06 (see
# Training/recipes/attend-deep.notes.md, N1 and N2). Its export is committed as
# Training/candidates/attend-n2.{safetensors,json} so that it can be benchmarked without retraining:
#   bash Training/recipes/candidate-n2.sh [RUN_DIR]
#   cd Benchmarks && PYTHONPATH=. .venv/bin/python -m bench.candidate ../Training/candidates/attend-n2.safetensors
#   ATTEND_MODEL=$PWD/Training/candidates/attend-n2.safetensors Benchmarks/run.sh --reuse-sets --no-setup
# Needs Training/data (bash Training/make_data.sh --scale full) and Models/attend-deep (E1).
# N1: E1's recipe with the new sources in, seed 50, cosine over 2400 steps (58 min), last checkpoint.
# N2: N1 trained on the same way, seed 51, 1500 steps (33 min), best validation checkpoint.
# Reserved set through the engine (bench.candidate, against E1's run of the same evening): N1 1.626
# / +5.04 dB, N2 1.628 / +5.24 dB (E1 1.618 / +5.13); alignment validation (align_val.py) N2 95.4 /
# 86.1 / 83.2 % within 50 ms (E1 93.8 / 85.9 / 81.8 on the same set); the benchmark's alignment
# part exact 93.0 / 80.3 / 70.7, silver 87.1 / 77.9 / 68.3 (E1 94.5 / 78.9 / 71.7, 86.9 / 74.2 / 67.7).
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-Training/runs/attend-n2}"
old_speech=fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0,festival-intl=0,voice-converted=0
h=(--speech-repeat "$old_speech" --noise-repeat crowd=0,stadium=0,applause=0,procedural=0 --batch 8 --threads 2
   --minutes 100000 --snr=-5,25 --encoder-lr-scale 1.0 --lr 3e-4 --weights mask=10,sisdr=0.2,frame=1,ctc=0,align=0.2)
python3 Training/train.py "${h[@]}" --run "$run-n1" --init Models/attend-deep.safetensors --seed 50 \
  --steps 2400 --schedule-steps 2400 --export attend-n2
python3 Training/train.py "${h[@]}" --run "$run-n2" --init Models/attend-n2.safetensors --seed 51 \
  --steps 1500 --schedule-steps 1500 --export attend-n2
python3 Training/set_phone_prior.py Models/attend-n2.json --align-weight 0 --speech-repeat "$old_speech"
