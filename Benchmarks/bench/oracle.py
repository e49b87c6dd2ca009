"""Oracle masks on the benchmark's denoising set: what a perfect real-valued mask in [0, 1] on a
512-point STFT with a 160-sample hop (attend's frame grid; Hann window here) would score, computed
from the clean reference itself. It bounds what any ratio-mask model can reach on these files, so
it tells whether the mask form or the estimate of it limits attend.

    python3 -m bench.oracle        # from Benchmarks/, after Benchmarks/run.sh built the sets

Masks: `irm` |C| / |X| clipped to 1; `wiener` |C|^2 / (|C|^2 + |N|^2); `psm` Re(C X*) / |X|^2
clipped to [0, 1] (phase-sensitive). Prints the mean PESQ-WB, STOI and SI-SDRi over all files and
the PESQ-WB per SNR, with the benchmark's own scoring (`metrics.denoise_scores`).
"""
from __future__ import annotations

import concurrent.futures as cf
import json

import numpy as np
from scipy.signal import istft, stft

from .common import SETS, SR, read_mono16k
from .metrics import denoise_scores

STFT = dict(fs=SR, window="hann", nperseg=512, noverlap=512 - 160)
MASKS = ("irm", "wiener", "psm")


def power(x: np.ndarray) -> np.ndarray:
    """(bins, frames) power spectrum of `x` on the `STFT` grid."""
    return np.abs(stft(x, **STFT)[2]) ** 2


def resynthesise(spec: np.ndarray, n: int) -> np.ndarray:
    """The inverse of an `STFT` spectrum as float32, cut or zero-padded to `n` samples."""
    y = np.asarray(istft(spec, **STFT)[1][:n], np.float32)
    return np.pad(y, (0, n - len(y)))


def oracle_outputs(clean: np.ndarray, noisy: np.ndarray) -> dict[str, np.ndarray]:
    """The noisy signal through each oracle mask, as long as the input."""
    n = min(len(clean), len(noisy))
    clean, noisy = clean[:n], noisy[:n]
    _, _, C = stft(clean, **STFT)
    _, _, X = stft(noisy, **STFT)
    _, _, N = stft(noisy - clean, **STFT)
    masks = {"irm": np.clip(np.abs(C) / (np.abs(X) + 1e-9), 0, 1),
             "wiener": np.abs(C) ** 2 / (np.abs(C) ** 2 + np.abs(N) ** 2 + 1e-12),
             "psm": np.clip(np.real(C * np.conj(X)) / (np.abs(X) ** 2 + 1e-12), 0, 1)}
    return {name: resynthesise(m * X, n) for name, m in masks.items()}


def _score(item: dict) -> tuple[int, dict]:
    clean = read_mono16k(SETS / "denoise" / item["clean"])
    noisy = read_mono16k(SETS / "denoise" / item["noisy"])
    n = min(len(clean), len(noisy))
    outs = oracle_outputs(clean, noisy)
    return item["snr"], {k: denoise_scores(clean[:n], noisy[:n], y) for k, y in outs.items()}


def main() -> None:
    items = json.loads((SETS / "denoise" / "manifest.json").read_text())["items"]
    with cf.ProcessPoolExecutor(2) as ex:
        res = list(ex.map(_score, items, chunksize=4))
    print(f"{len(items)} files of {SETS / 'denoise'}")
    for name in MASKS:
        s = [r[1][name] for r in res]
        print(f"{name:7s} PESQ-WB {np.mean([x['pesq'] for x in s]):.2f}  STOI {np.mean([x['stoi'] for x in s]):.3f}  "
              f"SI-SDRi {np.mean([x['sisdri'] for x in s]):+.1f} dB   PESQ-WB at " +
              ", ".join(f"{snr} dB {np.mean([r[1][name]['pesq'] for r in res if r[0] == snr]):.2f}"
                        for snr in sorted({r[0] for r in res}, reverse=True)))


if __name__ == "__main__":
    main()
