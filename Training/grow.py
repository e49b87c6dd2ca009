"""Deepens an exported model without changing what it computes, so training can go on from it with
more layers instead of starting again:

    python3 Training/grow.py Models/attend-base.safetensors --layers 6 --out /tmp/grow --name attend-grow

Every block ends in a LayerNorm, so a block whose residual branches are zero is not yet the
identity: it re-normalises its input. The new blocks go after the last one, and the last trained
block's output LayerNorm hands its scale and shift to the final new block: the old last block now
emits the plain normalised vector n (γ = 1, β = 0), each new block (branches' output layers zero)
maps n to LayerNorm(n) = n, and the final new block applies the old γ·n + β. The new blocks'
other weights keep PyTorch's random initialisation, so their branches learn from the first step.
Checks the deepened model's outputs against the original's on random features and prints the
largest difference.
"""
from __future__ import annotations

import argparse
import dataclasses
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.export import export, load  # noqa: E402
from attend.model import AttendModel  # noqa: E402


def deepen(model: AttendModel, layers: int, seed: int = 0) -> AttendModel:
    cfg = model.cfg
    if layers <= cfg.n_layers:
        raise SystemExit(f"--layers {layers}: the model already has {cfg.n_layers}")
    torch.manual_seed(seed)
    grown = AttendModel(dataclasses.replace(cfg, n_layers=layers))
    missing, unexpected = grown.load_state_dict(model.state_dict(), strict=False)
    assert not unexpected and all(k.startswith("blocks.") for k in missing), (missing, unexpected)
    last = grown.blocks[cfg.n_layers - 1].out_norm
    gamma, beta = last.weight.detach().clone(), last.bias.detach().clone()
    with torch.no_grad():
        last.weight.fill_(1.0)
        last.bias.zero_()
        for i in range(cfg.n_layers, layers):
            block = grown.blocks[i]
            for out in (block.ff1.down, block.attn.out, block.conv.pw2, block.ff2.down):
                out.weight.zero_()
                out.bias.zero_()
            block.out_norm.weight.fill_(1.0)
            block.out_norm.bias.zero_()
        grown.blocks[layers - 1].out_norm.weight.copy_(gamma)
        grown.blocks[layers - 1].out_norm.bias.copy_(beta)
    return grown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", help="NAME.safetensors (its NAME.json next to it)")
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    weights = pathlib.Path(args.weights)
    model = load(weights, weights.with_suffix(".json")).eval()
    grown = deepen(model, args.layers, args.seed).eval()
    torch.manual_seed(1)
    feats = torch.rand(2, 300, model.cfg.n_bins)
    with torch.no_grad():
        a, b = model(feats), grown(feats)
    diff = max(float((a[k] - b[k]).abs().max()) for k in ("hidden", "mask", "phone_logits"))
    print(f"{model.cfg.n_layers} -> {args.layers} layers; largest output difference {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("the deepened model does not compute what the original did")
    w, c = export(grown, args.out, args.name)
    print(f"wrote {w} and {c}")


if __name__ == "__main__":
    main()
