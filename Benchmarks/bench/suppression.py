"""Where each denoiser's output differs from the clean speech: how much it lowers the speech it
should keep and the noise it should remove, per band, on the benchmark's denoising set.

    python3 -m bench.suppression [SYSTEM ...]   # from Benchmarks/, after a denoise run (work/out)

For every file the clean reference C, the noise N = noisy - clean and the output Y go through one
STFT (512 points, hop 160, Hann: `oracle.STFT`). Speech bins are those where |C|^2 > 3.16 |N|^2 (local SNR above
5 dB), noise bins those where |N|^2 > 10 |C|^2 (below -10 dB). Per noise type and band (0-1, 1-2,
2-4, 4-8 kHz) it prints the energy ratio, in dB, of the output to the clean speech over the speech
bins (0 = kept; below 0 = speech removed) and of the output to the noise over the noise bins (how far
the noise was lowered). A model that trails on PESQ with the same SI-SDR usually shows here whether
it removes too little noise or too much speech.
"""
from __future__ import annotations

import json
import sys

import numpy as np

from .common import OUT, SETS, SR, read_mono16k
from .oracle import power

BANDS = ((0, 1000), (1000, 2000), (2000, 4000), (4000, 8000))
SPEECH_OVER_NOISE = 10 ** 0.5
NOISE_OVER_SPEECH = 10.0


def band_sums(clean: np.ndarray, noisy: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(2, bands, 2): [speech bins, noise bins] x band x [output energy, reference energy]."""
    n = min(len(clean), len(noisy), len(out))
    c, x, y = clean[:n], noisy[:n], out[:n]
    C, N, Y = power(c), power(x - c), power(y)
    f = np.linspace(0, SR / 2, C.shape[0])
    speech, noise = C > SPEECH_OVER_NOISE * N, N > NOISE_OVER_SPEECH * C
    sums = np.zeros((2, len(BANDS), 2))
    for b, (lo, hi) in enumerate(BANDS):
        band = ((f >= lo) & (f < hi))[:, None]
        for k, (bins, ref) in enumerate(((speech, C), (noise, N))):
            m = bins & band
            sums[k, b] = Y[m].sum(), ref[m].sum()
    return sums


def gains_db(sums: np.ndarray) -> np.ndarray:
    """(2, bands) output-to-reference energy ratios in dB from summed `band_sums`."""
    return 10 * np.log10(np.maximum(sums[..., 0], 1e-20) / np.maximum(sums[..., 1], 1e-20))


def main() -> None:
    items = json.loads((SETS / "denoise" / "manifest.json").read_text())["items"]
    systems = sys.argv[1:] or sorted(p.name for p in (OUT / "denoise").iterdir() if p.is_dir())
    totals: dict[tuple[str, str], np.ndarray] = {}
    for item in items:
        clean = read_mono16k(SETS / "denoise" / item["clean"])
        noisy = read_mono16k(SETS / "denoise" / item["noisy"])
        for s in systems:
            path = OUT / "denoise" / s / f"{item['id']}.wav"
            if path.exists():
                key = (s, item["noise"])
                totals[key] = totals.get(key, 0) + band_sums(clean, noisy, read_mono16k(path))
    bands = " ".join(f"{lo // 1000}-{hi // 1000}k" for lo, hi in BANDS)
    for noise in sorted({k[1] for k in totals}):
        print(f"{noise}: dB of output to reference, speech bins ({bands}) | noise bins ({bands})")
        for s in systems:
            if (s, noise) in totals:
                g = gains_db(totals[(s, noise)])
                print(f"  {s:16s} " + " ".join(f"{v:+5.1f}" for v in g[0]) + "  | " + " ".join(f"{v:+6.1f}" for v in g[1]))


if __name__ == "__main__":
    main()
