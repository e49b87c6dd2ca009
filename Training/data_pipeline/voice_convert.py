"""Female-range copies of the male synthetic voices (source "voice-converted", added 2026-12-07).

Festival's and flite's English voices are all male, so the phone head had exact phone times of
English female voices only from espeak-ng's formant synthesis. This re-synthesises their training
utterances through the WORLD vocoder (pyworld) with the pitch raised to a female range and the
spectral envelope stretched up the frequency axis (shorter vocal tract: formants higher), frame for
frame: the output has the input's length and every phone and word keeps its exact time.

A vocoded voice is not speech the mask should learn to keep (`train.py --phone-only
voice-converted`); it is there for the phone losses.
"""
from __future__ import annotations

import warnings

import numpy as np

FRAME_MS = 5.0
F0_TARGET = (170.0, 250.0)   # median pitch of the output, Hz (drawn per utterance)
F0_RATIO = (1.25, 2.6)       # bounds on the pitch ratio whatever the input's median
FORMANT_RATIO = (1.10, 1.22)  # envelope stretch (adult female / male formants: about 1.15-1.2)


def _world():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyworld imports the deprecated pkg_resources
        import pyworld
    return pyworld


def analyse(x: np.ndarray, sr: int):
    """WORLD's f0 (DIO refined by StoneMask), spectral envelope and aperiodicity of `x`."""
    pw = _world()
    x = np.ascontiguousarray(x, dtype=np.float64)
    f0, t = pw.dio(x, sr, frame_period=FRAME_MS)
    f0 = pw.stonemask(x, f0, t, sr)
    return f0, pw.cheaptrick(x, f0, t, sr), pw.d4c(x, f0, t, sr)


def warp(env: np.ndarray, ratio: float) -> np.ndarray:
    """Each frame of `env` (frames x bins) stretched up the frequency axis by `ratio` (> 1 moves its
    peaks up): out[k] = env[k / ratio], the top bins holding the last value."""
    n = env.shape[1]
    src = np.arange(n) / ratio
    return np.stack([np.interp(src, np.arange(n), row) for row in env])


def convert(x: np.ndarray, sr: int, f0_ratio: float, formant_ratio: float) -> np.ndarray:
    """`x` re-synthesised with its pitch times `f0_ratio` and its envelope (and aperiodicity) warped
    by `formant_ratio`; as long as `x`, float32, the input's peak level."""
    f0, sp, ap = analyse(x, sr)
    y = _world().synthesize(f0 * f0_ratio, warp(sp, formant_ratio), warp(ap, formant_ratio), sr, FRAME_MS)
    y = y[:len(x)] if len(y) >= len(x) else np.pad(y, (0, len(x) - len(y)))
    peak, x_peak = float(np.max(np.abs(y))), float(np.max(np.abs(x)))
    return (y * (x_peak / peak if peak > 0 else 1.0)).astype(np.float32)


def median_f0(x: np.ndarray, sr: int) -> float:
    """Median pitch of the voiced frames of `x` (0 if none)."""
    pw = _world()
    f0, _ = pw.dio(np.ascontiguousarray(x, dtype=np.float64), sr, frame_period=FRAME_MS)
    return float(np.median(f0[f0 > 0])) if np.any(f0 > 0) else 0.0


def female_params(x: np.ndarray, sr: int, rng: np.random.Generator) -> dict:
    """Pitch and formant ratios that take the voice of `x` to a drawn female median pitch."""
    f0 = median_f0(x, sr)
    target = rng.uniform(*F0_TARGET)
    ratio = float(np.clip(target / f0, *F0_RATIO)) if f0 > 0 else float(np.mean(F0_RATIO))
    return {"f0_ratio": round(ratio, 3), "formant_ratio": round(float(rng.uniform(*FORMANT_RATIO)), 3),
            "source_f0": round(f0, 1)}
