"""Denoising and alignment metrics."""
from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

from .common import SR

MAX_LAG = int(0.25 * SR)


def estimate_lag(ref: np.ndarray, est: np.ndarray, max_lag: int = MAX_LAG) -> int:
    """Samples by which `est` lags `ref` (positive: est is late), by cross-correlation within ±max_lag."""
    n = min(len(ref), len(est))
    c = fftconvolve(est[:n], ref[:n][::-1], mode="full")   # index n-1 is lag 0
    lo, hi = n - 1 - max_lag, n - 1 + max_lag + 1
    lo = max(lo, 0)
    return int(np.argmax(np.abs(c[lo:hi])) + lo - (n - 1))


def compensate(ref: np.ndarray, est: np.ndarray) -> tuple[np.ndarray, int]:
    """Shift `est` by its estimated lag and cut/pad it to len(ref)."""
    lag = estimate_lag(ref, est)
    if lag > 0:
        est = est[lag:]
    elif lag < 0:
        est = np.concatenate([np.zeros(-lag, est.dtype), est])
    out = np.zeros(len(ref), np.float32)
    m = min(len(ref), len(est))
    out[:m] = est[:m]
    return out, lag


def si_sdr(ref: np.ndarray, est: np.ndarray) -> float:
    ref = ref.astype(np.float64) - ref.mean()
    est = est.astype(np.float64) - est.mean()
    a = np.dot(est, ref) / max(np.dot(ref, ref), 1e-12)
    t = a * ref
    e = est - t
    return float(10 * np.log10(max(np.dot(t, t), 1e-12) / max(np.dot(e, e), 1e-12)))


def pesq_wb(ref: np.ndarray, est: np.ndarray) -> float:
    from pesq import pesq
    try:
        return float(pesq(SR, ref.astype(np.float64), est.astype(np.float64), "wb"))
    except Exception:  # noqa: BLE001 - pesq raises on silent/invalid output: score it as the floor
        return float("nan")


def stoi(ref: np.ndarray, est: np.ndarray) -> float:
    from pystoi import stoi as _stoi
    return float(_stoi(ref.astype(np.float64), est.astype(np.float64), SR, extended=False))


def denoise_scores(clean: np.ndarray, noisy: np.ndarray, out: np.ndarray) -> dict:
    """PESQ-WB, STOI and SI-SDR of the delay-compensated output, SI-SDR improvement over the input."""
    aligned, lag = compensate(clean, out)
    s_in = si_sdr(clean, noisy)
    s_out = si_sdr(clean, aligned)
    return {"pesq": pesq_wb(clean, aligned), "stoi": stoi(clean, aligned), "sisdr": s_out,
            "sisdri": s_out - s_in, "lag_ms": 1000.0 * lag / SR}


def boundary_errors(ref: list, hyp: list | None) -> list[float | None]:
    """Absolute start and end errors (seconds) for every reference word; None where the system gave no time.

    `ref` and `hyp` are lists of (word, start, end[, conf]) in transcript order; a hypothesis with a
    different number of words than the reference counts as a failure of every word."""
    if hyp is None or len(hyp) != len(ref):
        return [None] * (2 * len(ref))
    errs = []
    for r, h in zip(ref, hyp):
        errs.append(abs(float(h[1]) - float(r[1])))
        errs.append(abs(float(h[2]) - float(r[2])))
    return errs


def summarise_errors(errs: list[float | None]) -> dict:
    """median/mean over placed boundaries (ms); % within 20/50/100 ms with misses counted as outside."""
    n = len(errs)
    placed = np.array([e for e in errs if e is not None], dtype=np.float64) * 1000.0
    out = {"boundaries": n, "missed": n - len(placed)}
    if n == 0:
        return out
    out["median_ms"] = float(np.median(placed)) if len(placed) else None
    out["mean_ms"] = float(np.mean(placed)) if len(placed) else None
    # Times are decimal seconds (references on a 5 ms grid, hypotheses at 10 ms frame edges), so an
    # error of exactly 50 ms comes out of the float subtraction as 50.000000000000044: compare with
    # a microsecond's tolerance so that "within 50 ms" holds 50 ms for every system alike.
    for t in (20, 50, 100):
        out[f"within_{t}"] = 100.0 * float(np.sum(placed <= t + 1e-3)) / n
    return out
