"""Which half of the reserved denoising set, its voices or its noises, separates the systems: the
reserved clean speech mixed with validation noise, and validation speech mixed with the reserved
noise, then every system scored as the benchmark scores (`metrics.denoise_scores`); and how far
each system lowers noise alone (no speech at all), whole and per band.

    python -m bench.crossover [attend nsnet2 gtcrn ...] [--noise-only]   # from Benchmarks/, its venv

Reads the reserved set `Benchmarks/run.sh` built (work/sets/denoise) and the validation set of
`python3 Training/denoise_val.py` (Training/data/denoise_val). The noise of a mixture is its
noisy file minus its clean file. Cross mixtures are drawn with a fixed seed, each clean utterance
at 0, 5 and 10 dB against the RMS of its span between the first and last non-zero sample (the
reserved files are padded with silence), a new noise excerpt for each. Evaluation only: nothing
here feeds training.
"""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from . import denoisers
from .build_sets import mix
from .common import SR
from .metrics import denoise_scores
from .suppression import BANDS

ROOT = Path(__file__).resolve().parents[2]
RESERVED = ROOT / "Benchmarks" / "work" / "sets" / "denoise"
VAL = ROOT / "Training" / "data" / "denoise_val"
SNRS = (0, 5, 10)


def _read(path: Path) -> np.ndarray:
    return sf.read(str(path), dtype="float32")[0]


def active_rms(x: np.ndarray) -> float:
    """RMS of `x` between its first and last non-zero sample."""
    nz = np.flatnonzero(x)
    if len(nz) == 0:
        return 0.0
    span = x[nz[0]:nz[-1] + 1].astype(np.float64)
    return float(np.sqrt(np.mean(span ** 2)))


def excerpt(noise: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` samples of `noise` from a random offset, looped when it is shorter."""
    if len(noise) < n:
        noise = np.tile(noise, n // len(noise) + 1)
    off = int(rng.integers(0, len(noise) - n + 1))
    return noise[off:off + n]


def load_sets(reserved: Path = RESERVED, val: Path = VAL) -> tuple[dict, dict, list, list]:
    """Clean utterances and noises of both sets: ({name: clean}, {name: clean}, [(type, noise)], [(type, noise)])
    for the reserved and validation sets. A reserved utterance appears in several mixtures; it is kept once."""
    for root in (reserved, val):
        if not (root / "manifest.json").exists():
            raise SystemExit(f"crossover: no {root / 'manifest.json'}: build it first (Benchmarks/run.sh, "
                             "python3 Training/denoise_val.py)")
    res_items = json.loads((reserved / "manifest.json").read_text())["items"]
    val_items = json.loads((val / "manifest.json").read_text())
    res_clean, res_noise, val_clean, val_noise = {}, [], {}, []
    for it in res_items:
        clean, noisy = _read(reserved / it["clean"]), _read(reserved / it["noisy"])
        res_clean.setdefault(it["utt"], clean)
        res_noise.append((it["noise"], noisy - clean))
    for it in val_items:
        clean, noisy = _read(val / f"{it['name']}.clean.wav"), _read(val / f"{it['name']}.noisy.wav")
        val_clean.setdefault(it["name"].split(".")[0], clean)
        val_noise.append(("val", noisy - clean))
    return res_clean, val_clean, res_noise, val_noise


def cross_mixtures(speech: dict, noises: list, seed: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(noise type, clean, noisy) for every utterance of `speech` at each of SNRS, a noise drawn anew each time."""
    rng = np.random.default_rng(seed)
    out = []
    for name in sorted(speech):
        clean = speech[name]
        for snr in SNRS:
            kind, noise = noises[int(rng.integers(len(noises)))]
            c, y = mix(clean, excerpt(noise, len(clean), rng), snr, active_rms(clean))
            out.append((kind, c, y))
    return out


def band_energies(x: np.ndarray) -> np.ndarray:
    spec = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    f = np.fft.rfftfreq(len(x), 1 / SR)
    return np.array([spec[(f >= lo) & (f < hi)].sum() for lo, hi in BANDS])


def attenuation(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """How far `y` lies below `x` in dB (negative = lowered), over the whole and per band of BANDS."""
    y = y[:len(x)]
    whole = 10 * np.log10((np.sum(y.astype(np.float64) ** 2) + 1e-12) / (np.sum(x.astype(np.float64) ** 2) + 1e-12))
    return float(whole), 10 * np.log10((band_energies(y) + 1e-12) / (band_energies(x) + 1e-12))


def _system(name: str):
    if name == "noisy":
        return None
    s = denoisers.SYSTEMS[name]()
    s.load()
    return s


def _run(system, x: np.ndarray) -> np.ndarray:
    if system is None:
        return x
    system.reset()
    return system.process(x)


def main(argv: list[str]) -> int:
    noise_only = "--noise-only" in argv
    names = [a for a in argv if a != "--noise-only"] or ["noisy", "attend", "nsnet2", "gtcrn"]
    unknown = [n for n in names if n != "noisy" and n not in denoisers.SYSTEMS]
    if unknown:
        print(f"crossover: unknown system {', '.join(unknown)} (known: noisy, {', '.join(denoisers.SYSTEMS)})", file=sys.stderr)
        return 2
    res_clean, val_clean, res_noise, val_noise = load_sets(RESERVED, VAL)
    if noise_only:
        clips = collections.defaultdict(list)
        for kind, n in res_noise[::3] + val_noise[::3]:
            clips[kind].append((n / (np.sqrt(np.mean(n.astype(np.float64) ** 2)) + 1e-9) * 0.03).astype(np.float32))
        for name in names:
            system = _system(name)
            for kind, xs in clips.items():
                rows = [attenuation(x, _run(system, x)) for x in xs]
                bands = np.mean([b for _, b in rows], axis=0)
                print(f"{name} noise-only {kind} clips {len(xs)} lowered by {-np.mean([w for w, _ in rows]):.1f} dB, "
                      "bands 0-1/1-2/2-4/4-8 kHz " + " / ".join(f"{-v:.1f}" for v in bands), flush=True)
        return 0
    sets = {"reserved-speech+val-noise": cross_mixtures(res_clean, val_noise, 7),
            "val-speech+reserved-noise": cross_mixtures(val_clean, res_noise, 8)}
    for name in names:
        system = _system(name)
        for set_name, items in sets.items():
            rows = collections.defaultdict(list)
            for kind, clean, noisy in items:
                sc = denoise_scores(clean, noisy, _run(system, noisy))
                for key in {"all", kind}:
                    rows[key].append((sc["pesq"], sc["stoi"], sc["sisdri"]))
            for key in ["all"] + sorted(k for k in rows if k != "all"):
                p, s, d = np.mean(rows[key], axis=0)
                print(f"{name} {set_name} {key} files {len(rows[key])} PESQ-WB {p:.3f} STOI {s:.3f} SI-SDRi {d:+.2f} dB",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
