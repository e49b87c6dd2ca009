"""Which bins carry a PESQ gap between two denoisers: one system's output with the other's STFT
values swapped in on the bins of one local-SNR class, or with its own output lowered there.

    python3 -m bench.binswap SYSTEM OTHER [--every 3] [--offset 2]   # from Benchmarks/, after a denoise run

For every file (every `--every`th of the denoising set from `--offset`; the set's order makes every
third item one SNR: offset 0 / 1 / 2 = 0 / 5 / 10 dB) the clean reference C, the noise N = noisy -
clean and both outputs go through one STFT (`oracle.STFT`); each bin's local SNR is |C|^2 / |N|^2.
Variants, resynthesised by the inverse STFT and scored by PESQ-WB against C:
  other@noise<-5   SYSTEM with OTHER's values on the bins below -5 dB (noise dominates)
  other@speech>5   SYSTEM with OTHER's values on the bins above 5 dB (speech dominates)
  own-6dB@<-10     SYSTEM lowered 6 dB on the bins below -10 dB
  own-12dB@<-5     SYSTEM lowered 12 dB on the bins below -5 dB
If the first lifts SYSTEM past OTHER and the second lowers it, SYSTEM's speech bins are the better
ones and its gap is the noise it passes where noise dominates. The masks are oracles (they read the
clean reference): a diagnostic, not a denoiser.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from scipy.signal import stft

from .common import OUT, SETS, read_mono16k
from .metrics import pesq_wb
from .oracle import STFT, power, resynthesise


def local_snr_db(clean: np.ndarray, noisy: np.ndarray) -> np.ndarray:
    """(bins, frames) local SNR in dB of the clean speech against the noise in `noisy`."""
    return 10 * np.log10((power(clean) + 1e-12) / (power(noisy - clean) + 1e-12))


def hybrids(clean: np.ndarray, noisy: np.ndarray, own: np.ndarray, other: np.ndarray) -> dict[str, np.ndarray]:
    """The variants of `own` (see the module docstring), each as long as the shortest input."""
    n = min(len(clean), len(noisy), len(own), len(other))
    clean, noisy, own, other = clean[:n], noisy[:n], own[:n], other[:n]
    snr = local_snr_db(clean, noisy)
    a, b = stft(own, **STFT)[2], stft(other, **STFT)[2]
    return {
        "other@noise<-5": resynthesise(np.where(snr < -5, b, a), n),
        "other@speech>5": resynthesise(np.where(snr > 5, b, a), n),
        "own-6dB@<-10": resynthesise(np.where(snr < -10, a * 10 ** (-6 / 20), a), n),
        "own-12dB@<-5": resynthesise(np.where(snr < -5, a * 10 ** (-12 / 20), a), n),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("system")
    ap.add_argument("other")
    ap.add_argument("--every", type=int, default=3)
    ap.add_argument("--offset", type=int, default=0)
    args = ap.parse_args()
    items = json.loads((SETS / "denoise" / "manifest.json").read_text())["items"][args.offset::args.every]
    scores: dict[str, list[float]] = {}
    for item in items:
        paths = [OUT / "denoise" / s / f"{item['id']}.wav" for s in (args.system, args.other)]
        if not all(p.exists() for p in paths):
            raise SystemExit(f"binswap: no output for {item['id']} in {paths[0].parent} or {paths[1].parent}")
        clean = read_mono16k(SETS / "denoise" / item["clean"])
        noisy = read_mono16k(SETS / "denoise" / item["noisy"])
        own, other = (read_mono16k(p) for p in paths)
        scores.setdefault(args.system, []).append(pesq_wb(clean, own))
        scores.setdefault(args.other, []).append(pesq_wb(clean, other))
        for name, y in hybrids(clean, noisy, own, other).items():
            scores.setdefault(f"{args.system}+{name}", []).append(pesq_wb(clean, y))
    print(f"PESQ-WB over {len(items)} files (one in {args.every}, from item {args.offset}):")
    for name, v in scores.items():
        print(f"  {name:32s} {np.mean(v):.3f}")


if __name__ == "__main__":
    main()
