"""Audio helpers: decode anything to 16 kHz mono float32, level-normalise, write PCM16 WAV."""
from __future__ import annotations

import subprocess
from math import gcd

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

SR = 16000


def resample(x: np.ndarray, sr: int, target: int = SR) -> np.ndarray:
    if sr == target:
        return x.astype(np.float32)
    g = gcd(sr, target)
    return resample_poly(x, target // g, sr // g).astype(np.float32)


def load(path: str, fmt: str | None = None) -> np.ndarray:
    """Decode `path` to 16 kHz mono float32. libsndfile first, ffmpeg for the rest (G.722, odd codecs)."""
    if fmt is None:
        try:
            x, sr = sf.read(path, dtype="float32", always_2d=True)
            return resample(x.mean(axis=1), sr)
        except Exception:
            pass
    cmd = ["ffmpeg", "-nostdin", "-v", "error"] + (["-f", fmt] if fmt else []) + \
          ["-i", path, "-ac", "1", "-ar", str(SR), "-f", "f32le", "-"]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def load_many(paths: list[str], fmt: str | None = None, batch: int = 48) -> list[np.ndarray]:
    """Decode many files with one ffmpeg process per `batch` files (ffmpeg's start-up dominates
    for short prompts).  Returns 16 kHz mono float32 arrays in the order of `paths`."""
    import os
    import tempfile
    out: list[np.ndarray] = []
    for b0 in range(0, len(paths), batch):
        chunk = paths[b0:b0 + batch]
        with tempfile.TemporaryDirectory() as tmp:
            cmd = ["ffmpeg", "-nostdin", "-v", "error"]
            for p in chunk:
                cmd += (["-f", fmt] if fmt else []) + ["-i", p]
            outs = [os.path.join(tmp, f"{k}.wav") for k in range(len(chunk))]
            for k, o in enumerate(outs):
                cmd += ["-map", f"{k}:a", "-ac", "1", "-ar", str(SR), "-c:a", "pcm_f32le", o]
            if subprocess.run(cmd, capture_output=True).returncode != 0:
                out += [load(p, fmt) for p in chunk]  # fall back to one at a time
                continue
            for o in outs:
                x, _ = sf.read(o, dtype="float32")
                out.append(x)
    return out


def active_rms(x: np.ndarray, frame: int = 320) -> float:
    """RMS over the frames within 40 dB of the loudest frame (a simple active-level estimate)."""
    n = len(x) // frame
    if n == 0:
        return float(np.sqrt(np.mean(x ** 2) + 1e-20))
    e = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    act = e[e > e.max() * 1e-4]
    return float(np.sqrt(act.mean() + 1e-20))


def normalise(x: np.ndarray, target_dbfs: float = -26.0, peak: float = 0.98) -> np.ndarray:
    """Scale to `target_dbfs` active RMS, then lower the gain if the peak would exceed `peak`."""
    g = 10 ** (target_dbfs / 20) / max(active_rms(x), 1e-9)
    p = np.abs(x).max() * g if len(x) else 0.0
    if p > peak:
        g *= peak / p
    return (x * g).astype(np.float32)


def write(path: str, x: np.ndarray) -> None:
    sf.write(path, np.clip(x, -1, 1), SR, subtype="PCM_16")


def trim_silence(x: np.ndarray, thresh_db: float = -50.0, pad: int = 1600) -> tuple[np.ndarray, int]:
    """Trim leading/trailing near-silence; returns (trimmed, samples removed at the start)."""
    if len(x) == 0:
        return x, 0
    env = np.abs(x)
    thr = env.max() * 10 ** (thresh_db / 20)
    idx = np.nonzero(env > thr)[0]
    if len(idx) == 0:
        return x[:0], 0
    a, b = max(idx[0] - pad, 0), min(idx[-1] + pad + 1, len(x))
    return x[a:b], a
