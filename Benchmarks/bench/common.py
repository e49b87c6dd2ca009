"""Paths, audio helpers and small utilities shared by every benchmark script."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

SR = 16000
BENCH = Path(__file__).resolve().parent.parent          # Benchmarks/
REPO = BENCH.parent
WORK = Path(os.environ.get("BENCH_WORK", BENCH / "work"))  # gitignored scratch
SETS = WORK / "sets"
OUT = WORK / "out"
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "results"))


def read_mono16k(path: str | Path, raw_rate: int | None = None) -> np.ndarray:
    """Read any libsndfile file (or headerless s16le when raw_rate is given) as float32 mono 16 kHz."""
    path = Path(path)
    if raw_rate is not None:
        x = np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0
        sr = raw_rate
    else:
        x, sr = sf.read(str(path), dtype="float32", always_2d=True)
        x = x.mean(axis=1)
    if sr != SR:
        x = soxr.resample(x, sr, SR, quality="VHQ").astype(np.float32)
    return np.ascontiguousarray(x, dtype=np.float32)


def write16k(path: str | Path, x: np.ndarray) -> None:
    """Write float audio at 16 kHz as 32-bit float WAV (no requantisation noise in the metrics)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.asarray(x, dtype=np.float32), SR, subtype="FLOAT")


def write_pcm16(path: str | Path, x: np.ndarray, sr: int = SR) -> None:
    """Write 16-bit PCM WAV (what most tools expect as input)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.clip(np.asarray(x, dtype=np.float32), -1, 1), sr, subtype="PCM_16")


def seed_of(*parts: object) -> int:
    """A stable 32-bit seed from any strings (Python's hash() is salted per process)."""
    h = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:4], "little")


def load_json(path: str | Path):
    with open(path) as f:
        return json.load(f)


def save_json(path: str | Path, obj) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    tmp.replace(path)


def norm_words(text: str) -> list[str]:
    """Lower-case words with letters, digits and apostrophes kept, everything else a separator."""
    out, cur = [], []
    for ch in text.lower():
        if ch.isalnum() or ch == "'":
            cur.append(ch)
        elif cur:
            out.append("".join(cur)); cur = []
    if cur:
        out.append("".join(cur))
    return [w.strip("'") for w in out if w.strip("'")]
