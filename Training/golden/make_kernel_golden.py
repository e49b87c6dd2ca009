#!/usr/bin/env python3
"""Golden fixtures for the NeuralEngine kernel tests (Tests/NeuralEngineTests/Fixtures/kernel_*.npy).

Usage:  python3 Training/golden/make_kernel_golden.py [--out DIR]

Everything is float32 and seeded, so reruns give the same files. Sequences are stored
time-major, (frames, channels), the layout the Swift engine uses; 2-D convolution inputs are
(frames, channels, bins). The reference semantics here are the ones the Swift kernels implement
and the PyTorch model in Training/attend/ must follow:
  - Linear: y = x W^T + b, W (out, in).  LayerNorm eps 1e-5.  GELU exact (erf).
  - Conv1d weight (out, in/groups, k); causal = pad k-1 frames on the left.
  - Conv2d weight (out, in/groups, kh, kw) over (time, freq); causal in time = pad kh-1 on the left.
  - RoPE: GPT-NeoX rotate_half, inv_freq = 1/base**(arange(0, D, 2)/D), angle = pos*inv_freq,
    absolute positions.
  - Attention: separate q/k/v/out Linear with bias; scores = q k^T / sqrt(Dh) + mask; per-head
    alpha-entmax (entmax_bisect, n_iter 50); chunk mask: frame t (chunk c = t // C) sees keys
    max(0, c*C - L) <= k < min(T, (c+1)*C)  (L in frames; its own whole chunk, no right context).
"""
import argparse
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from entmax import entmax_bisect, entmax15, sparsemax

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "Tests", "NeuralEngineTests", "Fixtures"))


def save(out, name, t):
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    np.save(os.path.join(out, f"kernel_{name}.npy"), np.ascontiguousarray(a.astype(np.float32)))


def rope(x, positions, base=10000.0):
    """x (T, H, D); GPT-NeoX rotate_half at absolute positions."""
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2).float() / d))
    freqs = torch.outer(positions.float(), inv_freq)  # (T, D/2)
    emb = torch.cat([freqs, freqs], dim=-1)[:, None, :]
    cos, sin = emb.cos(), emb.sin()
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    rot = torch.cat([-x2, x1], dim=-1)
    return x * cos + rot * sin


def chunk_mask(tq, tk, chunk, left):
    m = torch.full((tq, tk), float("-inf"))
    for t in range(tq):
        c = t // chunk
        lo, hi = max(0, c * chunk - left), min(tk, (c + 1) * chunk)
        m[t, lo:hi] = 0
    return m


def normalise(scores, kind, alpha):
    if kind == "softmax":
        return torch.softmax(scores, dim=-1)
    if kind == "sparsemax":
        return sparsemax(scores, dim=-1)
    # per-head alpha: scores (H, Tq, Tk), alpha (H,)
    return entmax_bisect(scores, alpha=alpha.view(-1, 1, 1), dim=-1, n_iter=50)


def attention(x, ctx, p, heads, kind, alpha, mask, use_rope):
    """Reference multi-head attention; x (Tq, d) queries, ctx (Tk, d) keys/values."""
    tq, tk = x.shape[0], ctx.shape[0]
    q = (x @ p["wq"].T + p["bq"]).view(tq, heads, -1)
    k = (ctx @ p["wk"].T + p["bk"]).view(tk, heads, -1)
    v = (ctx @ p["wv"].T + p["bv"]).view(tk, heads, -1)
    dh = q.shape[-1]
    if use_rope:
        q = rope(q, torch.arange(tq))
        k = rope(k, torch.arange(tk))
    q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)  # (H, T, Dh)
    scores = q @ k.transpose(1, 2) / math.sqrt(dh)
    if mask is not None:
        scores = scores + mask
    probs = normalise(scores, kind, alpha)
    o = (probs @ v).transpose(0, 1).reshape(tq, heads * dh)
    return o @ p["wo"].T + p["bo"], probs


def make_normalisers(out, g):
    rows, n = 24, 17
    x = torch.randn(rows, n, generator=g) * 3
    x[3, 5] = x[3, 9] = x[3, 2]              # ties including the top
    x[4, :] = 1.0                            # all equal
    x[5, ::2] = x[5, 1]                      # many ties
    x[6, 7] = x[6].max() + 0.5; x[6, 8] = x[6, 7]  # tied maximum
    x[7:12, 10:] = float("-inf")             # masked tails
    x[12, [0, 3, 4, 16]] = float("-inf")     # scattered mask
    x[13, :] = float("-inf"); x[13, 6] = 0.3  # a single visible entry
    x[14] *= 10                               # peaked
    x[15] *= 0.05                             # flat
    save(out, "norm_logits", x)
    save(out, "norm_softmax", torch.softmax(x, -1))
    save(out, "norm_sparsemax", sparsemax(x, -1))
    save(out, "norm_entmax15", entmax15(x, -1))
    for a in (1.01, 1.25, 1.5, 1.75, 2.0):
        save(out, f"norm_bisect_{a:.2f}", entmax_bisect(x, alpha=a, dim=-1, n_iter=50))
    alpha = 1.01 + 0.99 * torch.rand(rows, generator=g)
    alpha[0], alpha[1], alpha[2] = 1.5, 2.0, 1.01
    save(out, "norm_alpha_rows", alpha)
    save(out, "norm_bisect_rows", entmax_bisect(x, alpha=alpha.view(rows, 1), dim=-1, n_iter=50))

    # Long rows (many support candidates): flat, moderate and peaked scales.
    xl = torch.randn(6, 150, generator=g) * torch.tensor([0.1, 0.3, 1.0, 3.0, 10.0, 0.5]).view(6, 1)
    xl[5, 40:] = float("-inf")
    save(out, "norm_long_logits", xl)
    save(out, "norm_long_sparsemax", sparsemax(xl, -1))
    save(out, "norm_long_entmax15", entmax15(xl, -1))
    save(out, "norm_long_bisect_1.33", entmax_bisect(xl, alpha=1.33, dim=-1, n_iter=50))

    # The shipped model's setting: 12 bisection steps (entmax_iters), α near 1 as the heads learned
    # it, rows as long as its attention's, at attention-score scales. Own generator, so the
    # fixtures above and below are unchanged.
    g12 = torch.Generator().manual_seed(12)
    x12 = torch.randn(32, 160, generator=g12) * (0.3 + 6 * torch.rand(32, 1, generator=g12))
    x12[::4, 100:] = float("-inf")
    a12 = torch.tensor([1.01, 1.025, 1.04, 1.07, 1.1, 1.26, 1.3, 1.6]).repeat(4)
    save(out, "norm_iter12_logits", x12)
    save(out, "norm_iter12_alpha", a12)
    save(out, "norm_iter12_bisect", entmax_bisect(x12, alpha=a12.view(32, 1), dim=-1, n_iter=12))


def make_layers(out, g):
    x = torch.randn(5, 12, generator=g)
    w, b = torch.randn(7, 12, generator=g) * 0.3, torch.randn(7, generator=g)
    save(out, "linear_x", x); save(out, "linear_w", w); save(out, "linear_b", b)
    save(out, "linear_y", F.linear(x, w, b))

    gamma, beta = 1 + 0.1 * torch.randn(12, generator=g), 0.1 * torch.randn(12, generator=g)
    xl = torch.randn(5, 12, generator=g) * 2 + 1
    save(out, "ln_x", xl); save(out, "ln_w", gamma); save(out, "ln_b", beta)
    save(out, "ln_y", F.layer_norm(xl, (12,), gamma, beta, eps=1e-5))
    save(out, "rms_y", torch.nn.functional.rms_norm(xl, (12,), gamma, eps=1e-6))

    xa = torch.linspace(-6, 6, 97)
    save(out, "act_x", xa)
    save(out, "act_gelu", F.gelu(xa)); save(out, "act_silu", F.silu(xa))
    save(out, "act_sigmoid", torch.sigmoid(xa)); save(out, "act_relu", F.relu(xa))

    # Conv1d, time-major (T, C) in the fixtures; torch wants (1, C, T).
    t = 20
    cases = {
        "dw": dict(cin=6, cout=6, groups=6, k=5, left=4, right=0),       # depthwise causal
        "grp": dict(cin=6, cout=4, groups=2, k=3, left=2, right=0),      # grouped causal
        "full": dict(cin=5, cout=3, groups=1, k=3, left=1, right=1),     # symmetric padding
    }
    for name, c in cases.items():
        x1 = torch.randn(t, c["cin"], generator=g)
        w1 = torch.randn(c["cout"], c["cin"] // c["groups"], c["k"], generator=g) * 0.4
        b1 = torch.randn(c["cout"], generator=g)
        y1 = F.conv1d(F.pad(x1.T[None], (c["left"], c["right"])), w1, b1, groups=c["groups"])[0].T
        save(out, f"conv1d_{name}_x", x1); save(out, f"conv1d_{name}_w", w1)
        save(out, f"conv1d_{name}_b", b1); save(out, f"conv1d_{name}_y", y1)

    # Conv2d over (time, freq), time-major (T, C, F) in the fixtures; torch wants (1, C, T, F).
    cases2 = {
        "a": dict(cin=1, cout=3, kh=3, kw=3, sh=1, sw=2, pf=1, t=9, f=11),
        "b": dict(cin=2, cout=4, kh=2, kw=5, sh=2, sw=3, pf=2, t=10, f=17),
        "c": dict(cin=4, cout=4, kh=3, kw=3, sh=1, sw=1, pf=1, t=6, f=7, groups=4),  # depthwise
    }
    for name, c in cases2.items():
        x2 = torch.randn(c["t"], c["cin"], c["f"], generator=g)
        groups = c.get("groups", 1)
        w2 = torch.randn(c["cout"], c["cin"] // groups, c["kh"], c["kw"], generator=g) * 0.3
        b2 = torch.randn(c["cout"], generator=g)
        xin = F.pad(x2.permute(1, 0, 2)[None], (c["pf"], c["pf"], c["kh"] - 1, 0))
        y2 = F.conv2d(xin, w2, b2, stride=(c["sh"], c["sw"]), groups=groups)[0].permute(1, 0, 2)
        save(out, f"conv2d_{name}_x", x2); save(out, f"conv2d_{name}_w", w2)
        save(out, f"conv2d_{name}_b", b2); save(out, f"conv2d_{name}_y", y2)

    xg = torch.randn(5, 12, generator=g)
    save(out, "glu_x", xg); save(out, "glu_y", F.glu(xg, dim=-1))
    xb = torch.randn(20, 6, generator=g)
    bn = [torch.randn(6, generator=g), torch.randn(6, generator=g), torch.randn(6, generator=g), torch.rand(6, generator=g) + 0.5]
    for n, t in zip(("w", "b", "mean", "var"), bn):
        save(out, f"bn_{n}", t)
    save(out, "bn_x", xb)
    save(out, "bn_y", F.batch_norm(xb, bn[2], bn[3], bn[0], bn[1], training=False, eps=1e-5))

    xr = torch.randn(7, 2, 8, generator=g)
    save(out, "rope_x", xr.reshape(7, 16))
    save(out, "rope_y", rope(xr, torch.arange(5, 12)).reshape(7, 16))  # positions 5..11


def make_attention(out, g):
    d, heads = 24, 4

    def params(prefix):
        p = {}
        for n in ("q", "k", "v", "o"):
            p["w" + n] = torch.randn(d, d, generator=g) / math.sqrt(d) * 1.5
            p["b" + n] = torch.randn(d, generator=g) * 0.1
            save(out, f"{prefix}_w{n}", p["w" + n]); save(out, f"{prefix}_b{n}", p["b" + n])
        return p

    # Self-attention, per-head alpha, RoPE, chunk mask C=4, L=8.
    p = params("mha")
    t = 23
    x = torch.randn(t, d, generator=g) * 2
    # alpha = 1 + sigmoid(a), clamped to [1.01, 2] (the learned per-head parametrisation)
    logits = torch.tensor([-1.5, 0.0, 1.4, 30.0])
    alpha = torch.clamp(1 + torch.sigmoid(logits), 1.01, 2.0)
    save(out, "mha_alpha_logits", logits)
    mask = chunk_mask(t, t, 4, 8)
    y, probs = attention(x, x, p, heads, "entmax", alpha, mask, True)
    save(out, "mha_x", x); save(out, "mha_alpha", alpha); save(out, "mha_mask", mask)
    save(out, "mha_y", y); save(out, "mha_probs", probs)

    # Same weights, softmax, full attention, no RoPE.
    y2, probs2 = attention(x, x, p, heads, "softmax", None, None, False)
    save(out, "mha_softmax_y", y2); save(out, "mha_softmax_probs", probs2)

    # Cross-attention: 5 queries over 11 keys, sparsemax, no mask, no RoPE.
    q = torch.randn(5, d, generator=g) * 2
    c = torch.randn(11, d, generator=g) * 2
    y3, probs3 = attention(q, c, p, heads, "sparsemax", None, None, False)
    save(out, "cross_q", q); save(out, "cross_kv", c)
    save(out, "cross_y", y3); save(out, "cross_probs", probs3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(20261122)
    make_normalisers(args.out, g)
    make_layers(args.out, g)
    make_attention(args.out, g)
    print(f"wrote kernel fixtures to {args.out}")


if __name__ == "__main__":
    main()
