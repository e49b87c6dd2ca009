"""Silver word and phone times for real English speech that has only a transcript:
forced alignment with pocketsphinx 5 (PyPI wheel, bundled en-us model, CMUdict ARPAbet phones).
DATA.md measured its median error at ~20 ms on clean speech; records carry "timing": "silver"."""
from __future__ import annotations

import re

import numpy as np

_DECODER = None


def _decoder(wide: bool = False):
    from pocketsphinx import Decoder
    if wide:
        return Decoder(samprate=16000, bestpath=False, loglevel="FATAL", beam=1e-100, wbeam=1e-80, pbeam=1e-100)
    global _DECODER
    if _DECODER is None:
        _DECODER = Decoder(samprate=16000, bestpath=False, loglevel="FATAL")
    return _DECODER


def normalise_text(text: str) -> list[str] | None:
    """Lower-case words for the aligner, or None if the text holds digits or symbols it cannot read."""
    if re.search(r"[0-9#@$%&*+=<>/\\]", text):
        return None
    words = [re.sub(r"^[^a-z']+|[^a-z']+$", "", w) for w in text.lower().replace("-", " ").split()]
    words = [w for w in words if w]
    return words or None


def align(audio: np.ndarray, text: str):
    """(words, phones) with times in seconds, or None when a word is unknown or no path is found."""
    words = normalise_text(text)
    if not words:
        return None
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
    for wide in (False, True):
        d = _decoder(wide)
        if any(d.lookup_word(w) is None for w in words):
            return None
        try:
            d.set_align_text(" ".join(words))
            d.start_utt()
            d.process_raw(pcm, full_utt=True)
            d.end_utt()
            d.set_alignment()
            d.start_utt()
            d.process_raw(pcm, full_utt=True)
            d.end_utt()
            al = d.get_alignment()
        except Exception:
            continue
        if al is None:
            continue
        ws, ps = [], []
        for w in al:
            if w.name.startswith("<") or w.name in ("[NOISE]", "sil"):
                continue
            ws.append({"word": re.sub(r"\(\d+\)$", "", w.name), "start": round(w.start / 100, 3),
                       "end": round((w.start + w.duration) / 100, 3)})
            for p in w:
                if p.name != "SIL":
                    ps.append({"phone": p.name, "start": round(p.start / 100, 3),
                               "end": round((p.start + p.duration) / 100, 3)})
        if [w["word"] for w in ws] == words:
            return ws, ps
    return None
