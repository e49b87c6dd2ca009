"""Writes the phone prior of the training data into an exported model's config (`phone_log_prior`),
the aligner's transcript map of data_pipeline/phones.json (`align_map`) and optionally the aligner
head's weight (`align_weight`), for a model trained before train.py wrote them itself:

    python3 Training/set_phone_prior.py Models/attend-base.json [--data Training/data] [--align-weight 0]
        [--speech-repeat SOURCE=N,...]   # the training draw of train.py's option of that name
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.data import PhoneSet, load_manifest, phone_log_prior, repeat_sources  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--data", default=str(ROOT / "Training" / "data"))
    ap.add_argument("--align-weight", type=float, default=None)
    ap.add_argument("--speech-repeat", default="", help="as train.py's: SOURCE=N,... (0 leaves a source out)")
    args = ap.parse_args()
    path = pathlib.Path(args.config)
    cfg = json.loads(path.read_text())
    phones = PhoneSet(ROOT / "Training" / "data_pipeline" / "phones.json")
    if phones.names != cfg["phones"]:
        raise SystemExit(f"{path}: its phone classes differ from data_pipeline/phones.json")
    speech = load_manifest(pathlib.Path(args.data) / "speech_train.jsonl")
    if not speech:
        raise SystemExit(f"no training manifest in {args.data}: run `bash Training/make_data.sh --scale full` first")
    speech, _ = repeat_sources(speech, [None] * len(speech), args.speech_repeat, "--speech-repeat")
    cfg["phone_log_prior"] = phone_log_prior(speech, phones)
    cfg["align_map"] = phones.align_map
    if args.align_weight is not None:
        cfg["align_weight"] = args.align_weight
    path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    print(f"{path}: phone_log_prior from {len(speech)} utterances, align_map of {len(phones.align_map)} entries" +
          (f", align_weight {args.align_weight}" if args.align_weight is not None else ""))


if __name__ == "__main__":
    main()
