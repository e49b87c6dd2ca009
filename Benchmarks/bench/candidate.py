"""A candidate model on the benchmark's whole reserved denoising set, through the engine, beside
the model the last benchmark run measured: one command to tell a new stage from the shipped one
without the 13 minutes of every anchor.

    python3 -m bench.candidate MODEL.safetensors [--reference NAME]   # from Benchmarks/, its venv
    python3 -m bench.candidate B.safetensors --save b.json            # keep B's scores, then
    python3 -m bench.candidate A.safetensors --scores b.json --reference B   # A against B, paired
    python3 -m bench.candidate M.safetensors --attend-args "--chunk-frames 128 --left-frames 128"

Runs `attend denoise` with ATTEND_MODEL=MODEL on every mixture of work/sets/denoise (built by
`Benchmarks/run.sh`), scores each as the benchmark does (`metrics.denoise_scores`), and prints, for
all mixtures and per noise and per SNR, the candidate's mean PESQ-WB and SI-SDRi, the reference's
(system NAME, default attend, from the run's work/runs/denoise-scores.json), and the mean paired
difference with a 95 % bootstrap interval over the mixtures (2000 resamples, fixed seed). The
interval says how sure the difference is on these files, not across training seeds: compare a
stage with a control of the same recipe too.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import denoisers
from .common import SETS, WORK, read_mono16k
from .metrics import denoise_scores

SYSTEM = "attend"


def bootstrap_interval(diff: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the mean of `diff` resampled with replacement `n` times."""
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(n, len(diff)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _score(task) -> tuple[str, dict]:
    base, it, out = task
    clean = read_mono16k(Path(base) / it["clean"])
    noisy = read_mono16k(Path(base) / it["noisy"])
    return it["id"], denoise_scores(clean, noisy, out)


def run(model: str, manifest: Path, reference: dict, ref_name: str, jobs: int = 2,
        save: Path | None = None, attend_args: str | None = None) -> list[str]:
    """The report's lines for `model` on the mixtures of `manifest`, against `reference[id][ref_name]`;
    with `save`, the candidate's own scores are written there as {id: {MODEL's stem: scores}}, the
    shape of the run's scores file, so a later candidate can be compared with this one. `attend_args`
    are passed to `attend denoise` (settings rather than weights to compare)."""
    items = json.loads(manifest.read_text())["items"]
    missing = [it["id"] for it in items if (reference.get(it["id"]) or {}).get(ref_name) is None]
    if missing:
        raise SystemExit(f"candidate: the reference run has no {ref_name} scores for {len(missing)} mixtures "
                         f"(first {missing[0]}): run Benchmarks/run.sh --only denoise")
    os.environ["ATTEND_MODEL"] = model
    if attend_args is not None:
        os.environ["ATTEND_OFFLINE_ARGS"] = attend_args
        system = denoisers.SYSTEMS["attend-offline"]()
    else:
        system = denoisers.SYSTEMS[SYSTEM]()
    system.load()
    tasks = []
    for it in items:
        system.reset()
        tasks.append((str(manifest.parent), it, system.process(read_mono16k(manifest.parent / it["noisy"]))))
    with ProcessPoolExecutor(jobs) as ex:
        scores = dict(ex.map(_score, tasks))
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for it in items:
        for key in ("all", it["noise"], f"{int(round(it['snr']))} dB"):
            groups[key].append(it["id"])
    name = Path(model).stem
    if save is not None:
        tmp = Path(str(save) + ".part")
        tmp.write_text(json.dumps({i: {name: sc} for i, sc in scores.items()}))
        tmp.replace(save)
    lines = [f"{name} against {ref_name} of the last run, {len(items)} mixtures (mean; paired difference, 95 % bootstrap)"]
    for key, ids in groups.items():
        row = [f"{key:9s} n={len(ids):3d}"]
        for metric, label, fmt in (("pesq", "PESQ-WB", "{:.3f}"), ("sisdri", "SI-SDRi", "{:+.2f}")):
            new = np.array([scores[i][metric] for i in ids])
            old = np.array([reference[i][ref_name][metric] for i in ids])
            lo, hi = bootstrap_interval(new - old)
            row.append(f"{label} {fmt.format(new.mean())} vs {fmt.format(old.mean())} "
                       f"({(new - old).mean():+.3f} [{lo:+.3f}, {hi:+.3f}])")
        lines.append("  ".join(row))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m bench.candidate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="the candidate's weights (its .json beside them)")
    ap.add_argument("--reference", default=SYSTEM, help="the system of the last run to compare with (default attend)")
    ap.add_argument("--jobs", type=int, default=2, help="scoring processes")
    ap.add_argument("--scores", type=Path, help="the reference scores: another candidate's --save file "
                    "(--reference is then its model's stem; default: the last run's work/runs/denoise-scores.json)")
    ap.add_argument("--save", type=Path, help="also write this candidate's scores per mixture here (JSON)")
    ap.add_argument("--attend-args", help="arguments added to `attend denoise`, e.g. \"--chunk-frames 128 --left-frames 128\"")
    a = ap.parse_args(argv)
    if not Path(a.model).is_file():
        print(f"candidate: no model file {a.model}", file=sys.stderr)
        return 2
    manifest = SETS / "denoise" / "manifest.json"
    scores = a.scores or WORK / "runs" / "denoise-scores.json"
    for need in (manifest, scores):
        if not need.exists():
            print(f"candidate: {need} missing: run Benchmarks/run.sh --only denoise first", file=sys.stderr)
            return 1
    try:
        lines = run(str(Path(a.model).resolve()), manifest, json.loads(scores.read_text()), a.reference, a.jobs,
                    a.save, a.attend_args)
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
