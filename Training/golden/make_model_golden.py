"""Golden files for the Swift encoder: a small random AttendModel, its inputs and outputs.

Writes Tests/SpeechModelsTests/Fixtures/: tiny.safetensors + tiny.json (the model), and .npy
files: feats (T, F) input, for each case (full, chunk4) hidden, mask, phone_logits, attn_L{l}
(H, T, T) for every layer, plus alpha_L{l} (H,), phones (N,) and align_scores (N, T); tinydec.*
(the same with a mask decoder) and its dec_{full,chunk4}_{hidden,mask}; tinyema.* (that decoder also
reading running means) and its ema_{full,chunk4}_mask; tinygru.* (and a per-bin GRU) and its
ema_gru_{full,chunk4}_mask; tinylow.* (tinyema with a 24-bin full-resolution low band) and its
low_{full,chunk4}_{hidden,mask}.
Deterministic (seeded). Run: python3 Training/golden/make_model_golden.py
"""
import math
import pathlib
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
from attend.export import export  # noqa: E402
from attend.model import AttendModel, ModelConfig, compressed_magnitude, low_latency_windows, stft  # noqa: E402

OUT = ROOT / "Tests" / "SpeechModelsTests" / "Fixtures"


CASES = (("full", 0, 0), ("chunk4", 4, 8))  # name, chunk_size, left_context


def save_cases(model, feats, prefix, outputs):
    """PREFIX_{full,chunk4}_OUTPUT.npy for each of `outputs` of `model` on `feats`."""
    for name, cs, lc in CASES:
        with torch.no_grad():
            out = model(feats, chunk_size=cs, left_context=lc)
        for key in outputs:
            np.save(OUT / f"{prefix}_{name}_{key}.npy", out[key][0].numpy())


def variant(parent, seed, changes, new_linears, scale):
    """`parent` with the config `changes` (seeded fresh init for what they add), its weights kept,
    and the Linear layers `new_linears(model)` gives set random (weights ·`scale`, biases ·0.1)
    instead of their zero start, so every new path matters numerically."""
    torch.manual_seed(seed)
    model = AttendModel(ModelConfig(**{**parent.cfg.__dict__, **changes})).eval()
    with torch.no_grad():
        model.load_state_dict(parent.state_dict(), strict=False)
        for lin in new_linears(model):
            lin.weight.copy_(torch.randn_like(lin.weight) * scale)
            lin.bias.copy_(torch.randn_like(lin.bias) * 0.1)
    return model


def with_decoder_inputs(parent, seed, changes, added):
    """`parent` with the config `changes`, which give its mask decoder `added` more conv1 inputs
    (running means, noise floors): every weight kept, conv1's old inputs too, the new inputs'
    weights random (·0.5) rather than grow.py's zero, so they matter numerically."""
    torch.manual_seed(seed)
    model = AttendModel(ModelConfig(**{**parent.cfg.__dict__, **changes})).eval()
    with torch.no_grad():
        state = {k: v for k, v in parent.state_dict().items() if k != "mask_decoder.conv1.weight"}
        model.load_state_dict(state, strict=False)
        w = model.mask_decoder.conv1.weight
        w[:, :-added].copy_(parent.mask_decoder.conv1.weight)
        w[:, -added:].copy_(torch.randn_like(w[:, -added:]) * 0.5)
    return model


def main():
    torch.manual_seed(1234)
    phones = ["<blank>", "SIL", "AH", "T", "EH", "N", "D", "S", "IH", "K", "OW", "L"]
    espeak = {"@": "AH", "V": "AH", "a#": "AH", "t": "T", "E": "EH", "n": "N", "d": "D", "s": "S", "z": "S",
              "I": "IH", "i:": "IH", "k": "K", "oU": "OW", "l": "L", "@L": "L", "'": "", ",": ""}
    cfg = ModelConfig(stem_channels=4, d_model=32, n_heads=4, n_layers=2, ff_mult=2, conv_kernel=5,
                      n_phones=len(phones), phones=phones, espeak_map=espeak, d_align=16, entmax_iters=50)
    model = AttendModel(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():  # larger than default init so every path matters numerically
            p.add_(torch.randn_like(p) * 0.05)
        for i, block in enumerate(model.blocks):  # α spread over (1, 2): 1.1 … 1.9, plus exact 1.5 / 2.0
            a = torch.tensor([1.1, 1.5, 1.9, 2.0]) if i == 0 else torch.tensor([1.05, 1.3, 1.7, 1.5])
            s = (a - 1.0).clamp(1e-4, 1 - 1e-6)
            block.attn.alpha_logit.copy_(torch.log(s / (1 - s)))
    OUT.mkdir(parents=True, exist_ok=True)
    export(model, OUT, "tiny")
    t = 37
    feats = torch.rand(1, t, cfg.n_bins) ** 2 * 2.0
    phones = torch.tensor([[1, 5, 7, 3, 1, 9, 2, 1]])
    np.save(OUT / "feats.npy", feats[0].numpy().astype(np.float32))
    np.save(OUT / "phones.npy", phones[0].numpy().astype(np.float32))
    for i, block in enumerate(model.blocks):
        np.save(OUT / f"alpha_L{i}.npy", block.attn.alpha().detach().numpy().astype(np.float32))
    for name, cs, lc in CASES:
        with torch.no_grad():
            out = model(feats, phones, chunk_size=cs, left_context=lc)
        np.save(OUT / f"{name}_hidden.npy", out["hidden"][0].numpy())
        np.save(OUT / f"{name}_mask.npy", out["mask"][0].numpy())
        np.save(OUT / f"{name}_phone_logits.npy", out["phone_logits"][0].numpy())
        np.save(OUT / f"{name}_align_scores.npy", out["align_scores"][0].numpy())
        for i, p in enumerate(out["attn"]):
            np.save(OUT / f"{name}_attn_L{i}.npy", p[0].numpy())
    # The same kind of tiny model with a mask decoder (3 channels, kernel 5): tinydec.*, and its
    # masks dec_{full,chunk4}_mask for the same features.
    torch.manual_seed(4321)
    dcfg = ModelConfig(**{**cfg.__dict__, "mask_decoder_channels": 3, "mask_decoder_kernel": 5})
    dec = AttendModel(dcfg).eval()
    with torch.no_grad():
        for p in dec.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        dec.mask_decoder.conv3.weight.copy_(torch.randn_like(dec.mask_decoder.conv3.weight) * 0.3)
    export(dec, OUT, "tinydec")
    save_cases(dec, feats, "dec", ("hidden", "mask"))
    # Front end: a short noisy chirp → STFT with the low-latency window → compressed magnitude.
    n = torch.arange(8000, dtype=torch.float64)
    audio = (0.3 * torch.sin(2 * math.pi * (200 + 0.2 * n) * n / 16000) + 0.05 * torch.randn(8000, dtype=torch.float64)).float()
    np.save(OUT / "audio.npy", audio.numpy())
    np.save(OUT / "audio_features.npy", compressed_magnitude(stft(audio[None], cfg), cfg)[0].numpy())
    ana, syn = low_latency_windows(cfg.n_fft, cfg.synthesis_length)
    np.save(OUT / "window_analysis.npy", ana.numpy())
    np.save(OUT / "window_synthesis.npy", syn.numpy())
    # The decoder model again reading two running means of the features (decays 0.6 and 0.9, their
    # conv1 weights random): tinyema.*, and its masks ema_{full,chunk4}_mask.
    ema = with_decoder_inputs(dec, 4322, {"mask_decoder_ema": [0.6, 0.9]}, 2)
    export(ema, OUT, "tinyema")
    save_cases(ema, feats, "ema", ("mask",))
    # And with a per-bin GRU of 4 units after conv1 (its projection random, not zero): tinygru.*,
    # ema_gru_{full,chunk4}_mask.
    gru = variant(ema, 4323, {"mask_decoder_gru": 4}, lambda m: (m.mask_decoder.gru_out,), 0.5)
    export(gru, OUT, "tinygru")
    save_cases(gru, feats, "ema_gru", ("mask",))
    # tinyema with a full-resolution low band of 24 bins (its projections random, not zero):
    # tinylow.*, low_{full,chunk4}_{hidden,mask}.
    low = variant(ema, 4324, {"low_band_bins": 24}, lambda m: (m.stem.low_proj, m.mask_decoder.up_low), 0.3)
    export(low, OUT, "tinylow")
    save_cases(low, feats, "low", ("hidden", "mask"))
    # tinyema also reading two noise-floor trackers (rise rates 5 and 300 dB/s: the second rises
    # ~11 % a frame, so both the fall and the capped rise happen within the 37 frames; their conv1
    # weights random, the rest tinyema's): tinyfloor.*, floor_{full,chunk4}_mask.
    floor = with_decoder_inputs(ema, 4325, {"mask_decoder_floor": [5.0, 300.0]}, 2)
    export(floor, OUT, "tinyfloor")
    save_cases(floor, feats, "floor", ("mask",))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
