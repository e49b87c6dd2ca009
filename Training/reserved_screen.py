"""Screens a PyTorch model on part of the benchmark's reserved denoising set, for models the Swift
engine does not run yet (a deep filter, phase inputs) and for quick comparisons between stages:

    python3 Training/reserved_screen.py MODEL.safetensors [--every 3] [--offset 0] [--jobs 2]

Reads the set that `Benchmarks/run.sh` built (`Benchmarks/work/sets/denoise/manifest.json`; its
order makes every third item one SNR: offset 0 / 1 / 2 = 0 / 5 / 10 dB), runs the model on every
`--every`th noisy file from `--offset` with the files' attention (32-frame chunks, 128 frames of
left context, as `attend denoise` runs files), resynthesises by overlap-add with the analysis
window (`attend denoise`'s file synthesis) and prints the mean PESQ-WB and SI-SDR improvement against
the clean reference, over all and per noise and SNR. On E1 (attend-deep) it gives the engine's own
scores on the same files (1.361 / 1.904 PESQ-WB at 0 / 10 dB, every third file). Use it to screen,
not to report: the model card's scores come from the benchmark on the Swift outputs.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import pathlib
import sys

import numpy as np
import soundfile as sf
import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.export import load  # noqa: E402
from attend.losses import si_sdr  # noqa: E402
from attend.model import analysis_window, compressed_magnitude, stft  # noqa: E402

SET = ROOT / "Benchmarks" / "work" / "sets" / "denoise"
_model = None


def denoise(model, noisy: np.ndarray, chunk: int = 32, left: int = 128) -> np.ndarray:
    """The model's output for one 16 kHz signal, as `attend denoise` computes it for a file."""
    cfg = model.cfg
    x = torch.from_numpy(np.asarray(noisy, dtype=np.float32))[None]
    with torch.no_grad():
        spec = stft(x, cfg)
        feats = compressed_magnitude(spec, cfg)
        hidden, _ = model.encode(feats, chunk, left, banded=True)
        enhanced = model.enhance(hidden, feats, spec)[1]
        y = torch.istft(enhanced.transpose(1, 2), cfg.n_fft, cfg.hop, window=analysis_window(cfg), center=True,
                        length=x.shape[1])
    return y[0].numpy()


def _init(weights: str) -> None:
    global _model
    torch.set_num_threads(1)
    _model = load(pathlib.Path(weights), pathlib.Path(weights).with_suffix(".json")).eval()


def scores(clean: np.ndarray, noisy: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """PESQ-WB of the output `y` against `clean`, and its SI-SDR improvement over `noisy` (dB)."""
    from pesq import pesq
    pair = torch.from_numpy(np.stack([y, noisy]).astype(np.float64))
    gain = si_sdr(pair, torch.from_numpy(np.stack([clean, clean]).astype(np.float64)))
    return float(pesq(16000, clean, y, "wb")), float(gain[0] - gain[1])


def _score(args: tuple) -> tuple[str, float, float]:
    item, root = args
    noisy, _ = sf.read(root / item["noisy"], dtype="float32")
    clean, _ = sf.read(root / item["clean"], dtype="float32")
    return (f"{item['noise']}{item['snr']:g}", *scores(clean, noisy, denoise(_model, noisy)))


def screen(weights: str, root: pathlib.Path = SET, every: int = 3, offset: int = 0, jobs: int = 1) -> dict:
    """{condition: (PESQ-WB mean, SI-SDRi mean, files)} and "all" over the chosen files."""
    manifest = root / "manifest.json"
    if not manifest.exists():
        raise SystemExit(f"reserved_screen: no {manifest}: build the sets with Benchmarks/run.sh first")
    items = json.loads(manifest.read_text())["items"][offset::every]
    if not items:
        raise SystemExit(f"reserved_screen: no items from offset {offset} in {manifest}")
    rows: dict[str, list] = {}
    with cf.ProcessPoolExecutor(jobs, initializer=_init, initargs=(weights,)) as ex:
        for cond, p, s in ex.map(_score, [(item, root) for item in items]):
            rows.setdefault(cond, []).append((p, s))
            rows.setdefault("all", []).append((p, s))
    return {k: (float(np.mean([p for p, _ in v])), float(np.mean([s for _, s in v])), len(v)) for k, v in rows.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights")
    ap.add_argument("--every", type=int, default=3)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--set", default=str(SET), help="a denoising set as Benchmarks/run.sh builds it")
    args = ap.parse_args()
    res = screen(args.weights, pathlib.Path(args.set), args.every, args.offset, args.jobs)
    p, s, n = res.pop("all")
    print(f"{pathlib.Path(args.weights).stem}: {n} files, PESQ-WB {p:.3f}, SI-SDRi {s:+.2f} dB")
    for cond, (p, s, n) in sorted(res.items()):
        print(f"  {cond:12s} {n:3d} files  PESQ-WB {p:.3f}  SI-SDRi {s:+.2f}")


if __name__ == "__main__":
    main()
