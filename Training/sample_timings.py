"""Writes Audio/espeak_en_16k.words.json: the exact word times of the sample Audio/espeak_en_16k.wav,
from libespeak-ng's own synthesis events (data_pipeline.espeak_synth, the same code the training
data's timings come from). Checks first that the library's audio is the committed sample's
(correlation > 0.999 at lag 0), so the times belong to that file.

    python3 Training/sample_timings.py
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import scipy.signal as ss
import soundfile as sf

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from data_pipeline.espeak_synth import Espeak  # noqa: E402

WAV = ROOT / "Audio" / "espeak_en_16k.wav"
TEXT = (ROOT / "Audio" / "espeak_en_16k.txt").read_text().strip()


def main() -> None:
    r = Espeak().synth(TEXT, "en-us", rate=150)
    ours = ss.resample_poly(r.audio, 16000, r.rate)
    sample, sr = sf.read(str(WAV), dtype="float32")
    assert sr == 16000
    n = min(len(ours), len(sample))
    corr = float(np.dot(ours[:n], sample[:n]) / np.sqrt(np.dot(ours[:n], ours[:n]) * np.dot(sample[:n], sample[:n])))
    if corr < 0.999:
        raise SystemExit(f"libespeak-ng's audio differs from {WAV.name} (correlation {corr:.4f}): times would not apply")
    words = [{"word": w["word"], "start": round(w["start"], 4), "end": round(w["end"], 4)} for w in r.words]
    out = {"audio": WAV.name, "source": "libespeak-ng synthesis events (Training/sample_timings.py)",
           "correlation": round(corr, 5), "words": words}
    path = WAV.with_suffix(".words.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} ({len(words)} words, correlation {corr:.5f})")


if __name__ == "__main__":
    main()
