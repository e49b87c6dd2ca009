"""Reading the manifests from a training loop (numpy only).

    recs = load_manifest("Training/data/speech_train.jsonl")
    x = load_audio(recs[0])                       # float32, 16 kHz mono
    labels = frame_labels(recs[0], n_frames)      # phone index per 10 ms frame, or None
"""
from __future__ import annotations

import json
import os

import numpy as np
import soundfile as sf

from .phones import INVENTORY

PHONE_INDEX = {p: i for i, p in enumerate(INVENTORY)}  # SIL = 0


def load_manifest(path: str) -> list[dict]:
    """Records of one JSON Lines manifest; each gets `root` (the data directory) for `load_audio`."""
    root = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as f:
        return [{**json.loads(line), "root": root} for line in f if line.strip()]


def load_audio(rec: dict, start: float = 0.0, seconds: float | None = None) -> np.ndarray:
    """The record's audio as float32 (16 kHz mono), optionally a window [start, start+seconds)."""
    path = os.path.join(rec.get("root", ""), rec["path"])
    a = int(round(start * 16000))
    b = None if seconds is None else a + int(round(seconds * 16000))
    x, sr = sf.read(path, dtype="float32", start=a, stop=b)
    assert sr == 16000, f"{path}: {sr} Hz, expected 16000"
    return x


def frame_labels(rec: dict, n_frames: int, hop: int = 160, sr: int = 16000) -> np.ndarray | None:
    """Phone index (phones.json inventory, 0 = SIL) per frame; frame t covers [t*hop, (t+1)*hop).
    A frame takes the phone covering its centre. None when the record has no phone times."""
    phones = rec.get("phones")
    if not phones:
        return None
    lab = np.zeros(n_frames, dtype=np.int64)
    centres = (np.arange(n_frames) * hop + hop / 2) / sr
    for p in phones:
        lo, hi = np.searchsorted(centres, [p["start"], p["end"]])
        lab[lo:hi] = PHONE_INDEX[p["phone"]]
    return lab
