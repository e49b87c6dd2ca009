"""The anchor denoisers on attend's validation mixtures (Training/data/denoise_val, built by
`python3 Training/denoise_val.py`): validation speakers of the training pool in validation noise of
the training pool at 0, 5 and 10 dB. Beside `denoise_val.py`'s scores of an attend model it says
whether attend trails the anchors on noise like its training's too, or only on the reserved noise.

    python3 -m bench.validation_anchors [nsnet2 gtcrn dfn3 ...]   # from Benchmarks/, its venv

Prints, per system, the mean PESQ-WB, STOI and SI-SDR improvement over all mixtures, per SNR and
per speech source (the same delay compensation as the benchmark: `metrics.denoise_scores`).
"""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from . import denoisers
from .metrics import denoise_scores

VAL = Path(__file__).resolve().parents[2] / "Training" / "data" / "denoise_val"


def main(argv: list[str]) -> int:
    names = argv or ["nsnet2", "gtcrn"]
    unknown = [n for n in names if n not in denoisers.SYSTEMS]
    if unknown:
        print(f"validation_anchors: unknown system {', '.join(unknown)} (known: {', '.join(denoisers.SYSTEMS)})", file=sys.stderr)
        return 2
    manifest = VAL / "manifest.json"
    if not manifest.exists():
        print(f"validation_anchors: {manifest} missing: run `python3 Training/denoise_val.py` first", file=sys.stderr)
        return 1
    items = json.loads(manifest.read_text())
    for name in names:
        system = denoisers.SYSTEMS[name]()
        system.load()
        rows = collections.defaultdict(list)
        for it in items:
            noisy, _ = sf.read(str(VAL / f"{it['name']}.noisy.wav"), dtype="float32")
            clean, _ = sf.read(str(VAL / f"{it['name']}.clean.wav"), dtype="float32")
            system.reset()
            sc = denoise_scores(clean, noisy, system.process(noisy))
            for key in ("all", f"{int(it['snr']):02d} dB", it["source"]):
                rows[key].append((sc["pesq"], sc["stoi"], sc["sisdri"]))
        for key in ["all"] + sorted(k for k in rows if k.endswith(" dB")) + sorted(k for k in rows if k != "all" and not k.endswith(" dB")):
            p, s, d = np.mean(rows[key], axis=0)
            print(f"{name} {key} files {len(rows[key])} PESQ-WB {p:.3f} STOI {s:.3f} SI-SDRi {d:+.2f} dB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
