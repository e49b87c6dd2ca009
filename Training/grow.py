"""Deepens or widens an exported model without changing what it computes, so training can go on
from it with more layers, wider feed-forward layers or more mask-decoder channels instead of
starting again:

    python3 Training/grow.py Models/attend-base.safetensors --layers 6 --out /tmp/grow --name attend-grow
    python3 Training/grow.py Models/attend-deep.safetensors --ff-mult 4 --decoder-channels 12 --out /tmp/w --name attend-wide
    python3 Training/grow.py Models/attend-deep.safetensors --decoder-channels 12 --decoder-kernel 9 --out /tmp/d --name attend-dec
    python3 Training/grow.py Models/attend-deep.safetensors --decoder-ema 0.9,0.98 --out /tmp/e --name attend-ema
    python3 Training/grow.py Models/attend-deep.safetensors --decoder-gru 8 --out /tmp/g --name attend-gru
    python3 Training/grow.py Models/attend-deep.safetensors --decoder-floor 5,20 --out /tmp/f --name attend-floor
    python3 Training/grow.py Models/attend-deep.safetensors --low-band 64 --out /tmp/l --name attend-low
    python3 Training/grow.py Models/attend-deep.safetensors --stem-channels 24 --out /tmp/s --name attend-stem
    python3 Training/grow.py Models/attend-deep.safetensors --stem-ema 0.9,0.98,0.995 --out /tmp/n --name attend-norm
    python3 Training/grow.py Models/attend-deep.safetensors --decoder-phase --out /tmp/p --name attend-phase
    python3 Training/grow.py Models/attend-deep.safetensors --deep-filter 96,3 --out /tmp/df --name attend-df

Every block ends in a LayerNorm, so a block whose residual branches are zero is not yet the
identity: it re-normalises its input. The new blocks go after the last one, and the last trained
block's output LayerNorm hands its scale and shift to the final new block: the old last block now
emits the plain normalised vector n (γ = 1, β = 0), each new block (branches' output layers zero)
maps n to LayerNorm(n) = n, and the final new block applies the old γ·n + β. The new blocks'
other weights keep PyTorch's random initialisation, so their branches learn from the first step.
Widening adds hidden units to every feed-forward layer (--ff-mult) and channels to the mask
decoder (--decoder-channels): the new units get PyTorch's random input weights and zero output
weights (the feed-forward `down` columns; the decoder's next convolution's input channels), so they
add nothing until they learn. They cost little CPU time: in the Swift engine the attention rows,
not the per-frame layers, take most of it.
Checks the grown model's outputs (and its enhanced spectrum) against the original's on random
features and prints the largest difference. The Swift engine runs neither --stem-ema,
--decoder-phase nor --deep-filter models yet: it refuses them with a one-line error.
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
from attend.model import PHASE_CHANNELS, AttendModel  # noqa: E402


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


def widen(model: AttendModel, ff_mult: int, decoder_channels: int, seed: int = 0, decoder_kernel: int = 0,
          decoder_ema: list | None = None, decoder_gru: int | None = None,
          decoder_floor: list | None = None) -> AttendModel:
    """More feed-forward units, mask-decoder channels, a longer decoder kernel (its old taps in the
    middle of the new ones, the new taps zero on the old channels) and more running means for the
    decoder to read (their input weights zero), noise-floor trackers (the same) and a per-bin GRU
    (its projection back zero), computing what `model` did."""
    cfg = model.cfg
    k0 = cfg.mask_decoder_kernel
    ema0 = list(cfg.mask_decoder_ema)
    decoder_ema = ema0 if decoder_ema is None else decoder_ema
    floor0 = list(cfg.mask_decoder_floor)
    decoder_floor = floor0 if decoder_floor is None else decoder_floor
    if decoder_floor[:len(floor0)] != floor0:
        raise SystemExit(f"--decoder-floor {decoder_floor}: must start with the model's {floor0}")
    decoder_gru = cfg.mask_decoder_gru if decoder_gru is None else decoder_gru
    if cfg.mask_decoder_gru and decoder_gru != cfg.mask_decoder_gru:
        raise SystemExit(f"--decoder-gru {decoder_gru}: the model already has a {cfg.mask_decoder_gru}-unit GRU")
    if decoder_ema[:len(ema0)] != ema0:
        raise SystemExit(f"--decoder-ema {decoder_ema}: must start with the model's {ema0}")
    decoder_kernel = decoder_kernel or k0
    if decoder_kernel < k0 or (decoder_kernel - k0) % 2:
        raise SystemExit(f"--decoder-kernel {decoder_kernel}: the model has {k0} (only longer by an even number of taps)")
    if ff_mult < cfg.ff_mult:
        raise SystemExit(f"--ff-mult {ff_mult}: the model already has {cfg.ff_mult}")
    if decoder_channels < cfg.mask_decoder_channels or (decoder_channels and not cfg.mask_decoder_channels):
        raise SystemExit(f"--decoder-channels {decoder_channels}: the model has {cfg.mask_decoder_channels}"
                         " (only a decoder the model already has can widen)")
    torch.manual_seed(seed)
    grown = AttendModel(dataclasses.replace(cfg, ff_mult=ff_mult, mask_decoder_channels=decoder_channels,
                                            mask_decoder_kernel=decoder_kernel, mask_decoder_ema=decoder_ema,
                                            mask_decoder_gru=decoder_gru, mask_decoder_floor=decoder_floor))
    old, new = model.state_dict(), grown.state_dict()
    taps = slice((decoder_kernel - k0) // 2, (decoder_kernel - k0) // 2 + k0)  # the old kernel, centred
    d, h0 = cfg.d_model, cfg.d_model * cfg.ff_mult
    c0, bins = cfg.mask_decoder_channels, cfg.stem_bins
    # conv1's inputs after up's channels: the features, the running means, the noise floors; where
    # each old one sits among the new
    old_inputs = [0] + [1 + j for j in range(len(ema0))] + [1 + len(decoder_ema) + j for j in range(len(floor0))]
    old_inputs += [1 + len(decoder_ema) + len(decoder_floor) + j for j in range(PHASE_CHANNELS * cfg.mask_decoder_phase)]
    with torch.no_grad():
        for name, w in old.items():
            t = new[name]
            if t.shape == w.shape:
                t.copy_(w)
            elif name.endswith((".up.weight", ".up.bias")) and ".ff" in name:  # (h, d), (h): new rows random
                t[:h0] = w
            elif name.endswith(".down.weight") and ".ff" in name:  # (d, h): new columns zero
                t.zero_()
                t[:, :h0] = w
            elif name == "mask_decoder.up.weight":  # (C·F'', d): channel-major rows
                t.view(-1, bins, d)[:c0] = w.view(c0, bins, d)
            elif name == "mask_decoder.up.bias":
                t.view(-1, bins)[:c0] = w.view(c0, bins)
            elif name == "mask_decoder.conv1.weight":  # (C, C + 1 + E, 1, K): up's channels, feats, means
                c = decoder_channels
                t.zero_()  # new up channels, new means and floors and new taps feed nothing yet
                t[:c0, :c0, :, taps] = w[:, :c0]
                for j, k in enumerate(old_inputs):
                    t[:c0, c + k, :, taps] = w[:, c0 + j]
            elif name in ("mask_decoder.conv1.bias", "mask_decoder.conv2.bias"):
                t[:c0] = w
            elif name == "mask_decoder.conv2.weight":  # (C, C, 1, K)
                t[:, c0:].zero_()
                t[:c0].zero_()
                t[:c0, :c0, :, taps] = w
            elif name == "mask_decoder.conv3.weight":  # (1, C, 1, K)
                t.zero_()
                t[:, :c0, :, taps] = w
            else:
                raise SystemExit(f"widen: no rule for {name} {tuple(w.shape)} -> {tuple(t.shape)}")
    grown.load_state_dict(new)
    return grown


def widen_stem(model: AttendModel, channels: int, seed: int = 0) -> AttendModel:
    """More stem channels (`stem_channels`): the first convolution's new channels get PyTorch's random
    weights, the second convolution's new output channels read every channel with random weights,
    its old output channels read the new ones with zero weights, and the projection into the
    encoder reads the new channels with zero weights, so the stem computes what it did until the
    new channels learn. The stem sees the whole spectrum through its channels x 65 bins; 8 channels
    may be the model's narrowest point."""
    cfg = model.cfg
    c0 = cfg.stem_channels
    if channels <= c0:
        raise SystemExit(f"--stem-channels {channels}: the model already has {c0}")
    if cfg.low_band_bins:  # its convolution has stem_channels outputs too, with no rule here
        raise SystemExit("--stem-channels: a model with a low band is not supported")
    torch.manual_seed(seed)
    grown = AttendModel(dataclasses.replace(cfg, stem_channels=channels))
    old, new = model.state_dict(), grown.state_dict()
    bins, d = cfg.stem_bins, cfg.d_model
    with torch.no_grad():
        for name, w in old.items():
            t = new[name]
            if t.shape == w.shape:
                t.copy_(w)
            elif name in ("stem.conv1.weight", "stem.conv1.bias", "stem.conv2.bias"):  # new channels random
                t[:c0] = w
            elif name == "stem.conv2.weight":  # (C, C, 3, 3)
                t[:c0].zero_()
                t[:c0, :c0] = w
            elif name == "stem.proj.weight":  # (d, C·F''): channel-major columns
                t.view(d, channels, bins).zero_()
                t.view(d, channels, bins)[:, :c0] = w.view(d, c0, bins)
            else:
                raise SystemExit(f"widen_stem: no rule for {name} {tuple(w.shape)} -> {tuple(t.shape)}")
    grown.load_state_dict(new)
    return grown


def add_stem_ema(model: AttendModel, decays: list, seed: int = 0) -> AttendModel:
    """Running means of the features as more input channels of the stem's first convolution
    (`stem_ema`), their weights zero: the same function until they learn."""
    cfg = model.cfg
    e0 = list(cfg.stem_ema)
    if decays[:len(e0)] != e0 or len(decays) <= len(e0):
        raise SystemExit(f"--stem-ema {decays}: must extend the model's {e0}")
    return with_more_inputs(model, dataclasses.replace(cfg, stem_ema=decays), "stem.conv1.weight", seed)


def with_more_inputs(model: AttendModel, cfg, conv: str, seed: int = 0) -> AttendModel:
    """A model of `cfg` holding `model`'s weights, where `cfg` gives the convolution `conv` more
    input channels after its old ones: their weights zero, so they feed nothing until they learn."""
    torch.manual_seed(seed)
    grown = AttendModel(cfg)
    old, new = model.state_dict(), grown.state_dict()
    with torch.no_grad():
        for name, w in old.items():
            t = new[name]
            if name == conv:  # (C, old inputs + new, ...)
                t.zero_()
                t[:, : w.shape[1]] = w
            else:
                t.copy_(w)
    grown.load_state_dict(new)
    return grown


def add_low_band(model: AttendModel, bins: int, seed: int = 0) -> AttendModel:
    """Gives the first `bins` bins their full-resolution path (`low_band_bins`): its convolution
    random, its projections into the encoder and the mask decoder zero, so it adds nothing until
    it learns."""
    cfg = model.cfg
    if cfg.low_band_bins:
        raise SystemExit(f"--low-band {bins}: the model already has a {cfg.low_band_bins}-bin low band")
    if not 0 < bins <= cfg.n_bins:
        raise SystemExit(f"--low-band {bins}: must be in 1...{cfg.n_bins}")
    return with_new_modules(model, dataclasses.replace(cfg, low_band_bins=bins), (".low_", ".up_low."), seed)


def with_new_modules(model: AttendModel, cfg, new: tuple, seed: int = 0) -> AttendModel:
    """A model of `cfg` holding `model`'s weights, where `cfg` adds modules (tensor names containing
    one of `new`) that keep their own initialisation (each starts at zero where it adds to an output)."""
    torch.manual_seed(seed)
    grown = AttendModel(cfg)
    missing, unexpected = grown.load_state_dict(model.state_dict(), strict=False)
    assert not unexpected and all(any(part in k for part in new) for k in missing), (missing, unexpected)
    return grown


def add_decoder_phase(model: AttendModel, seed: int = 0) -> AttendModel:
    """Gives the mask decoder's first convolution the phase-coherence channels (`mask_decoder_phase`,
    `attend.model.phase_features`) as more inputs, their weights zero: the same function until they
    learn."""
    cfg = model.cfg
    if cfg.mask_decoder_phase:
        raise SystemExit("--decoder-phase: the model's decoder already reads the phase")
    if not cfg.mask_decoder_channels:
        raise SystemExit("--decoder-phase: the model has no mask decoder to grow it from")
    return with_more_inputs(model, dataclasses.replace(cfg, mask_decoder_phase=1), "mask_decoder.conv1.weight", seed)


def add_deep_filter(model: AttendModel, bins: int, order: int, seed: int = 0) -> AttendModel:
    """Gives the mask decoder a deep filter (`deep_filter_bins`, `deep_filter_order`): N complex
    coefficients per frame for each of the first `bins` bins, from a convolution that starts at
    zero, so the output is mask · spectrum until it learns."""
    cfg = model.cfg
    if cfg.deep_filter_bins:
        raise SystemExit(f"--deep-filter: the model already has a {cfg.deep_filter_bins}-bin deep filter")
    if not cfg.mask_decoder_channels:
        raise SystemExit("--deep-filter: the model has no mask decoder to grow it from")
    if not (0 < bins <= cfg.n_bins and order >= 1):
        raise SystemExit(f"--deep-filter {bins},{order}: bins must be in 1...{cfg.n_bins} and the order at least 1")
    return with_new_modules(model, dataclasses.replace(cfg, deep_filter_bins=bins, deep_filter_order=order),
                            ("mask_decoder.df.",), seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", help="NAME.safetensors (its NAME.json next to it)")
    ap.add_argument("--layers", type=int, default=0, help="blocks after growing (default: as now)")
    ap.add_argument("--ff-mult", type=int, default=0, help="feed-forward width / d_model (default: as now)")
    ap.add_argument("--decoder-channels", type=int, default=0, help="mask-decoder channels (default: as now)")
    ap.add_argument("--decoder-kernel", type=int, default=0, help="mask-decoder kernel in bins, odd (default: as now)")
    ap.add_argument("--decoder-ema", default=None,
                    help="comma-separated per-frame decays of the running means the decoder reads (default: as now)")
    ap.add_argument("--decoder-floor", default=None,
                    help="comma-separated rise rates (dB/s) of the noise-floor trackers the decoder reads (default: as now)")
    ap.add_argument("--decoder-gru", type=int, default=None, help="units of a per-bin GRU in the decoder (default: as now)")
    ap.add_argument("--low-band", type=int, default=0,
                    help="bins from 0 Hz that get a full-resolution path through the stem and the mask decoder")
    ap.add_argument("--stem-ema", default=None,
                    help="comma-separated per-frame decays of running means the stem also reads (default: as now)")
    ap.add_argument("--stem-channels", type=int, default=0, help="stem convolution channels (default: as now)")
    ap.add_argument("--decoder-phase", action="store_true",
                    help="the mask decoder also reads each bin's phase coherence (attend.model.phase_features)")
    ap.add_argument("--deep-filter", default=None,
                    help="BINS,ORDER: a complex filter over ORDER frames on the first BINS bins (DeepFilterNet's deep "
                         "filtering) beside the mask")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    weights = pathlib.Path(args.weights)
    model = load(weights, weights.with_suffix(".json")).eval()
    cfg = model.cfg
    grown = model
    ema = None if args.decoder_ema is None else [float(a) for a in args.decoder_ema.split(",") if a]
    floor = None if args.decoder_floor is None else [float(a) for a in args.decoder_floor.split(",") if a]
    if (args.ff_mult or args.decoder_channels or args.decoder_kernel or ema is not None or args.decoder_gru is not None
            or floor is not None):
        grown = widen(grown, args.ff_mult or cfg.ff_mult, args.decoder_channels or cfg.mask_decoder_channels, args.seed,
                      args.decoder_kernel, ema, args.decoder_gru, floor)
    if args.layers:
        grown = deepen(grown, args.layers, args.seed)
    if args.stem_ema is not None:
        grown = add_stem_ema(grown, [float(a) for a in args.stem_ema.split(",") if a], args.seed)
    if args.stem_channels:
        grown = widen_stem(grown, args.stem_channels, args.seed)
    if args.low_band:
        grown = add_low_band(grown, args.low_band, args.seed)
    if args.decoder_phase:
        grown = add_decoder_phase(grown, args.seed)
    if args.deep_filter:
        bins, order = (int(v) for v in args.deep_filter.split(","))
        grown = add_deep_filter(grown, bins, order, args.seed)
    if grown is model:
        raise SystemExit("nothing to grow: give --layers, --ff-mult, --decoder-channels, --decoder-kernel, --decoder-ema"
                         ", --decoder-floor, --decoder-gru, --stem-ema, --stem-channels, --low-band, --decoder-phase or --deep-filter")
    grown = grown.eval()
    torch.manual_seed(1)
    feats = torch.rand(2, 300, model.cfg.n_bins)
    spec = torch.polar(feats ** (1 / cfg.compress), torch.rand_like(feats) * 6.283)
    with torch.no_grad():
        a, b = model(feats, spec=spec), grown(feats, spec=spec)
    diff = max(float((a[k] - b[k]).abs().max()) for k in ("hidden", "mask", "phone_logits"))
    with torch.no_grad():
        enhanced = [m.enhance(out["hidden"], feats, spec)[1] for m, out in ((model, a), (grown, b))]
    diff = max(diff, float((enhanced[0] - enhanced[1]).abs().max()))
    g = grown.cfg
    print(f"layers {cfg.n_layers} -> {g.n_layers}, ff_mult {cfg.ff_mult} -> {g.ff_mult}, decoder channels "
          f"{cfg.mask_decoder_channels} -> {g.mask_decoder_channels}, stem channels {cfg.stem_channels} -> {g.stem_channels}, stem means {cfg.stem_ema} -> {g.stem_ema}, kernel {cfg.mask_decoder_kernel} -> "
          f"{g.mask_decoder_kernel}, running means {cfg.mask_decoder_ema} -> {g.mask_decoder_ema}, floors {cfg.mask_decoder_floor} -> {g.mask_decoder_floor}, GRU {cfg.mask_decoder_gru} -> {g.mask_decoder_gru}, low band {cfg.low_band_bins} -> {g.low_band_bins}, deep filter {cfg.deep_filter_bins}x{cfg.deep_filter_order} -> {g.deep_filter_bins}x{g.deep_filter_order}, phase {cfg.mask_decoder_phase} -> {g.mask_decoder_phase}; parameters "
          f"{sum(p.numel() for p in model.parameters()):,} -> {sum(p.numel() for p in grown.parameters()):,}; "
          f"largest output difference {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("the grown model does not compute what the original did")
    w, c = export(grown, args.out, args.name)
    print(f"wrote {w} and {c}")


if __name__ == "__main__":
    main()
