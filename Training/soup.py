"""Averages the weights of several models trained on from one parent (a "model soup", Wortsman et
al. 2022): models fine-tuned from the same weights lie in one basin, and their mean often
generalises better to data unlike the training's than any one of them, at no cost when it runs.

    python3 Training/soup.py Models/attend-deep.safetensors Training/runs/attend-e1b/best.pt \\
        Training/runs/attend-s1/best.pt --out /tmp/soup --name attend-soup

The first model gives the config (its NAME.json beside it: architecture, phone prior, alignment
weight); every other one must have the same tensors. A `.pt` file is a state dict saved by
train.py (best.pt), a `.safetensors` file an exported model. `--weights` gives the ingredients'
shares (default equal).
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.export import export, load  # noqa: E402


def state_dict(path: pathlib.Path) -> dict:
    if path.suffix == ".pt":
        return torch.load(path, map_location="cpu", weights_only=True)
    from safetensors.torch import load_file
    return load_file(str(path))


def average(states: list[dict], shares: list[float]) -> dict:
    """The share-weighted mean of every tensor; the states must hold the same names and shapes."""
    if len(states) != len(shares) or not states:
        raise SystemExit("soup: one share per model, at least one model")
    names = set(states[0])
    for i, s in enumerate(states[1:], 1):
        if set(s) != names:
            raise SystemExit(f"soup: model {i + 1} has other tensors than model 1: {sorted(set(s) ^ names)[:4]}")
        for k in names:
            if s[k].shape != states[0][k].shape:
                raise SystemExit(f"soup: {k} is {tuple(s[k].shape)} in model {i + 1}, {tuple(states[0][k].shape)} in model 1")
    total = float(sum(shares))
    return {k: sum(float(w) / total * s[k].to(torch.float64) for w, s in zip(shares, states)).to(torch.float32)
            for k in states[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+", help="the first: NAME.safetensors with NAME.json; then .safetensors or .pt")
    ap.add_argument("--weights", default=None, help="comma-separated shares, one per model (default: equal)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    args = ap.parse_args()
    paths = [pathlib.Path(m) for m in args.models]
    shares = [1.0] * len(paths) if args.weights is None else [float(w) for w in args.weights.split(",")]
    model = load(paths[0], paths[0].with_suffix(".json"))
    model.load_state_dict(average([state_dict(p) for p in paths], shares))
    w, c = export(model.eval(), args.out, args.name)
    print(f"averaged {len(paths)} models (shares {shares}); wrote {w} and {c}")


if __name__ == "__main__":
    main()
