"""The attend encoder: the PyTorch reference that training uses and the Swift engine mirrors.

Every tensor name in the exported checkpoint is the PyTorch `state_dict` name of a parameter of
`AttendModel`; `Sources/SpeechModels/WeightNames.swift` is the one place the Swift side maps
those names. Any change here must be mirrored there and the golden files regenerated
(`bash Training/make_golden.sh`).

Data flow (shapes for one utterance, batch dimension B first in PyTorch):
    features (B, T, 257)  compressed magnitude |X|^0.3 of a 512-point STFT, hop 160
    → Stem: two causal-in-time Conv2d (3×3, stride 2 in frequency), GELU → Linear → (B, T, d)
    → n_layers × Block: ½FF → MHSA (RoPE, α-entmax per head, chunk mask) → causal depthwise
      conv module → ½FF → LayerNorm
    → mask head: sigmoid(Linear(hidden) [+ MaskDecoder(hidden, features)]) → (B, T, 257) ratio mask
    → phone head: Linear → (B, T, n_phones) logits (index 0 = CTC blank, 1 = silence)
    → aligner: phone-sequence queries × frame keys → (B, N, T) scores
"""
from __future__ import annotations

import dataclasses
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from entmax import entmax_bisect, entmax15, sparsemax


@dataclasses.dataclass
class ModelConfig:
    """Hyper-parameters; serialised as the JSON config next to the weights."""

    sample_rate: int = 16000
    n_fft: int = 512
    hop: int = 160
    compress: float = 0.3
    window: str = "lowlatency"  # analysis window of the STFT: "hann" (periodic) or "lowlatency" (asymmetric pair)
    synthesis_length: int = 320  # lowlatency: the synthesis window's length S (latency ≈ S samples)
    n_bins: int = 257
    stem_channels: int = 16
    d_model: int = 144
    n_heads: int = 4
    n_layers: int = 6
    ff_mult: int = 3
    conv_kernel: int = 15
    rope_base: float = 10000.0
    normaliser: str = "entmax"  # "softmax" | "sparsemax" | "entmax" (learned α per head)
    alpha_min: float = 1.01
    alpha_max: float = 2.0
    entmax_iters: int = 50
    chunk_size: int = 0  # frames per attention chunk at inference; 0 = full context
    left_context: int = 0  # frames of left context at inference; 0 = unlimited
    n_phones: int = 48  # including blank (0) and silence (1)
    phones: list = dataclasses.field(default_factory=list)  # names of the phone classes, index order
    espeak_map: dict = dataclasses.field(default_factory=dict)  # espeak-ng mnemonic → phone name ("" = merge)
    # espeak-ng mnemonic → the aligner's transcript tokens in its place, space-separated, '?' = optional
    align_map: dict = dataclasses.field(default_factory=dict)
    d_align: int = 128
    mask_decoder_channels: int = 0  # 0 = the mask is sigmoid(Linear(hidden)); > 0 adds a MaskDecoder
    mask_decoder_kernel: int = 5  # its convolutions' width in frequency bins (odd)
    mask_decoder_ema: list = dataclasses.field(default_factory=list)  # per-frame decays of running means it also reads
    mask_decoder_gru: int = 0  # hidden units of its per-bin GRU over frames (0 = none)
    mask_decoder_floor: list = dataclasses.field(default_factory=list)  # rise rates (dB/s) of noise-floor trackers it also reads
    low_band_bins: int = 0  # the first N bins' full-resolution path: stem and mask decoder (0 = none)
    mask_decoder_phase: int = 0  # 1: the mask decoder also reads each bin's phase coherence (`phase_features`)
    deep_filter_bins: int = 0  # the first N bins also get a complex filter over frames (0 = none)
    deep_filter_order: int = 0  # its length in frames (this one and the ones before)
    stem_ema: list = dataclasses.field(default_factory=list)  # per-frame decays of running means the stem also reads
    text_kernel: int = 3
    layer_norm_eps: float = 1e-5
    align_weight: float = 1.0  # weight of the aligner head's term in the decoder's token scores
    phone_log_prior: list = dataclasses.field(default_factory=list)  # log prior per phone class (training frames)
    model_type: str = "attend-encoder"
    version: int = 1

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def stem_bins(self) -> int:
        """Frequency bins left after two stride-2 convolutions (kernel 3, padding 1)."""
        f = self.n_bins
        for _ in range(2):
            f = (f + 2 * 1 - 3) // 2 + 1
        return f

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ModelConfig":
        raw = json.loads(text)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})


def chunk_mask(n_frames: int, chunk_size: int, left_context: int, device=None) -> torch.Tensor:
    """Additive attention mask (T, T): 0 where query t may see key s, -inf elsewhere.

    Frame t is in chunk c = t // C. It sees every key s with chunk(s) <= c (so the later frames of
    its own chunk too, never a later chunk) and s >= c*C - left_context. chunk_size 0 = full
    context; left_context 0 = unlimited history.
    """
    t = torch.arange(n_frames, device=device)
    if chunk_size <= 0:
        return torch.zeros(n_frames, n_frames, device=device)
    c = t // chunk_size
    chunk_end = (c + 1) * chunk_size  # exclusive
    visible = t[None, :] < chunk_end[:, None]
    if left_context > 0:
        visible &= t[None, :] >= (c * chunk_size - left_context)[:, None]
    mask = torch.zeros(n_frames, n_frames, device=device)
    return mask.masked_fill(~visible, float("-inf"))


def rotary(x: torch.Tensor, positions: torch.Tensor, base: float) -> torch.Tensor:
    """GPT-NeoX rotate-half RoPE on the last dimension of x (…, T, D); positions (T,)."""
    d = x.shape[-1]
    half = d // 2
    inv_freq = 1.0 / (base ** (torch.arange(0, half, dtype=torch.float64) / half))
    ang = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    cos = torch.cos(ang).to(x.dtype)
    sin = torch.sin(ang).to(x.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


@dataclasses.dataclass(frozen=True)
class Band:
    """Chunked attention with limited left context, computed without a (T, T) matrix."""

    chunk: int
    left: int


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        # α = clamp(1 + sigmoid(alpha_logit), alpha_min, alpha_max), one per head.
        self.alpha_logit = nn.Parameter(torch.zeros(cfg.n_heads))

    def alpha(self) -> torch.Tensor:
        a = 1.0 + torch.sigmoid(self.alpha_logit)
        return a.clamp(self.cfg.alpha_min, self.cfg.alpha_max)

    def normalise(self, scores: torch.Tensor) -> torch.Tensor:
        kind = self.cfg.normaliser
        if kind == "softmax":
            return torch.softmax(scores, dim=-1)
        if kind == "sparsemax":
            return sparsemax(scores, dim=-1)
        if kind == "entmax":
            alpha = self.alpha().view(1, -1, 1, 1).expand(scores.shape[0], -1, scores.shape[2], 1)
            return entmax_bisect(scores, alpha=alpha, dim=-1, n_iter=self.cfg.entmax_iters)
        if kind == "entmax15":
            return entmax15(scores, dim=-1)
        raise ValueError(f"unknown normaliser {kind}")

    def forward(self, x: torch.Tensor, mask, positions: torch.Tensor):
        """`mask` is an additive (T, T) mask, or a `Band(chunk, left)` for the banded form."""
        b, t, d = x.shape
        h, hd = self.cfg.n_heads, self.cfg.head_dim
        q = self.q(x).view(b, t, h, hd).transpose(1, 2)
        k = self.k(x).view(b, t, h, hd).transpose(1, 2)
        v = self.v(x).view(b, t, h, hd).transpose(1, 2)
        q = rotary(q, positions, self.cfg.rope_base)
        k = rotary(k, positions, self.cfg.rope_base)
        if isinstance(mask, Band):
            y, probs = self.banded(q, k, v, mask)
        else:
            scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + mask
            probs = self.normalise(scores)
            y = probs @ v
        y = y.transpose(1, 2).reshape(b, t, d)
        return self.out(y), probs

    def banded(self, q, k, v, band: "Band"):
        """Chunked attention computed per chunk over its window of L + C keys only.

        Same result as the full (T, T) product with `chunk_mask(T, C, L)`, at O(T·(L+C)) cost;
        used for training with limited context. Returns probs as None (they are not materialised
        as (T, T)).
        """
        b, h, t, hd = q.shape
        c, left = band.chunk, band.left
        n_chunks = -(-t // c)
        tp = n_chunks * c
        pad_right = tp - t
        qc = F.pad(q, (0, 0, 0, pad_right)).view(b, h, n_chunks, c, hd)
        kp = F.pad(k, (0, 0, left, pad_right))
        vp = F.pad(v, (0, 0, left, pad_right))
        w = left + c
        kw = kp.unfold(2, w, c).transpose(-1, -2)  # (B, H, nC, W, hd)
        vw = vp.unfold(2, w, c).transpose(-1, -2)
        scores = qc @ kw.transpose(-1, -2) / math.sqrt(hd)  # (B, H, nC, C, W)
        key_index = (torch.arange(n_chunks, device=q.device)[:, None] * c - left) + torch.arange(w, device=q.device)[None, :]
        invalid = (key_index < 0) | (key_index >= t)  # (nC, W)
        scores = scores.masked_fill(invalid[None, None, :, None, :], float("-inf"))
        probs = self.normalise(scores.reshape(b, h, n_chunks * c, w)).view(b, h, n_chunks, c, w)
        y = (probs @ vw).reshape(b, h, tp, hd)[:, :, :t]
        return y, None


class FeedForward(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)
        self.up = nn.Linear(cfg.d_model, cfg.d_model * cfg.ff_mult)
        self.down = nn.Linear(cfg.d_model * cfg.ff_mult, cfg.d_model)

    def forward(self, x):
        return self.down(F.silu(self.up(self.norm(x))))


class ConvModule(nn.Module):
    """Pointwise → GLU → causal depthwise conv → LayerNorm → SiLU → pointwise."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.norm = nn.LayerNorm(d, eps=cfg.layer_norm_eps)
        self.pw1 = nn.Linear(d, 2 * d)
        self.dw = nn.Conv1d(d, d, cfg.conv_kernel, groups=d)
        self.dw_norm = nn.LayerNorm(d, eps=cfg.layer_norm_eps)
        self.pw2 = nn.Linear(d, d)
        self.kernel = cfg.conv_kernel

    def forward(self, x):
        y = F.glu(self.pw1(self.norm(x)), dim=-1)  # (B, T, d)
        y = F.pad(y.transpose(1, 2), (self.kernel - 1, 0))  # causal: only the past
        y = self.dw(y).transpose(1, 2)
        return self.pw2(F.silu(self.dw_norm(y)))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ff1 = FeedForward(cfg)
        self.attn_norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)
        self.attn = Attention(cfg)
        self.conv = ConvModule(cfg)
        self.ff2 = FeedForward(cfg)
        self.out_norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)

    def forward(self, x, mask, positions):
        x = x + 0.5 * self.ff1(x)
        a, probs = self.attn(self.attn_norm(x), mask, positions)
        x = x + a
        x = x + self.conv(x)
        x = x + 0.5 * self.ff2(x)
        return self.out_norm(x), probs


class Stem(nn.Module):
    """Two Conv2d over (time, frequency), causal in time, stride 2 in frequency.

    With `low_band_bins` L > 0 the first L bins also take a full-resolution path: one Conv2d (3 × 3,
    causal in time, no stride) over those bins alone, GELU, and a Linear from its C·L outputs to
    d_model added to the strided path's projection. The strided path sees the spectrum 125 Hz a bin,
    too coarse for the harmonics of a voice (100-250 Hz apart); this one sees them 31 Hz a bin. The
    projection starts at zero (`grow.py --low-band`), so a grown model computes what it did.

    With `stem_ema` decays a_1..a_E the first convolution also reads, as E more input channels, the
    running means of the features per bin (`running_means`, as the mask decoder's): the encoder then
    sees each bin's level against its recent past (the noise's, between words) at the input's
    resolution, where the strided convolutions alone see 3 frames."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c = cfg.stem_channels
        self.ema = list(cfg.stem_ema)
        self.conv1 = nn.Conv2d(1 + len(self.ema), c, (3, 3), stride=(1, 2), padding=(0, 1))
        self.conv2 = nn.Conv2d(c, c, (3, 3), stride=(1, 2), padding=(0, 1))
        self.proj = nn.Linear(c * cfg.stem_bins, cfg.d_model)
        self.low_bins = cfg.low_band_bins
        if self.low_bins > 0:
            self.low_conv = nn.Conv2d(1, c, (3, 3), padding=(0, 1))
            self.low_proj = nn.Linear(c * self.low_bins, cfg.d_model)
            nn.init.zeros_(self.low_proj.weight)
            nn.init.zeros_(self.low_proj.bias)

    def forward(self, feats):  # (B, T, F)
        x = feats.unsqueeze(1)  # (B, 1, T, F)
        y = x if not self.ema else torch.cat([x, running_means(feats, self.ema)], dim=1)  # (B, 1 + E, T, F)
        y = F.gelu(self.conv1(F.pad(y, (0, 0, 2, 0))))
        y = F.gelu(self.conv2(F.pad(y, (0, 0, 2, 0))))
        b, c, t, f = y.shape
        out = self.proj(y.permute(0, 2, 1, 3).reshape(b, t, c * f))
        if self.low_bins > 0:
            z = F.gelu(self.low_conv(F.pad(x[..., : self.low_bins], (0, 0, 2, 0))))
            out = out + self.low_proj(z.permute(0, 2, 1, 3).reshape(b, t, c * self.low_bins))
        return out


class MaskDecoder(nn.Module):
    """Per-bin mask logits from one frame's hidden vector and its own input features.

    The encoder's output is a 128-d summary of 257 bins; this decoder gives the mask back the
    input's frequency resolution. hidden → Linear → (C, stem_bins) → linear interpolation along
    frequency to n_bins (align_corners: bin i of the output sits at i·(stem_bins−1)/(n_bins−1)) →
    concatenated with the frame's features as one more channel → three Conv2d (1 × K, no time
    extent) with GELU between → one logit per bin, added to the linear mask head's logit.
    With `mask_decoder_ema` decays a_1..a_E the convolutions also read, per bin, the running
    means m_t = a·m_{t−1} + (1 − a)·x_t of the features (m_0 = x_0; `running_means`): each
    bin's own recent level at the input's resolution, which the encoder's d_model summary of
    the spectrum blurs. With `mask_decoder_gru` G > 0, conv1's output goes on, bin by bin, through
    a GRU over frames (C → G, state zero at the start) and a Linear G → C added back (residual,
    starting at zero). The only state in streaming is the E·n_bins means and n_bins·G GRU states.
    With `mask_decoder_floor` rates R_1..R_P (dB/s) they also read, after the running means, per
    bin a noise-floor tracker (`noise_floors`): the minimum of the features smoothed over ~0.1 s,
    allowed to rise by at most R dB a second, as in minimum-statistics noise estimation: where the
    features sit on it there is no speech, only noise, however the noise sounds.
    With `low_band_bins` L > 0, a Linear d_model → C·L (`up_low`, starting at zero) adds to the
    interpolated channels of the first L bins a value per bin of its own, so the low band's mask
    can follow the harmonics rather than the 125 Hz grid the interpolation reads.
    `conv3` starts at zero, so an initialised decoder leaves a trained model's mask unchanged
    until it learns.
    With `mask_decoder_phase` 1 the first convolution also reads, last, three channels of each
    bin's phase coherence (`phase_features`, from the complex spectrum, which `forward` then needs).
    With `deep_filter_bins` D > 0 and `deep_filter_order` N, a fourth convolution (`df`, from
    conv2's output, starting at zero) gives each of the first D bins N complex coefficients
    c_0..c_{N−1} per frame, and the output there is m·X_t + Σ_i c_i·R_k^i·X_{t−i} (`deep_filter`,
    R_k the turn of bin k's phase in one hop): a filter over the bin's past frames beside the
    mask, as DeepFilterNet's deep filtering, which can follow a harmonic's phase from frame to
    frame and pass it while cancelling what does not follow (the noise between and under the
    harmonics of the low band). `AttendModel.enhance` applies it.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c, k = cfg.mask_decoder_channels, cfg.mask_decoder_kernel
        self.cfg = cfg
        self.up = nn.Linear(cfg.d_model, c * cfg.stem_bins)
        self.conv1 = nn.Conv2d(c + 1 + len(cfg.mask_decoder_ema) + len(cfg.mask_decoder_floor)
                               + PHASE_CHANNELS * cfg.mask_decoder_phase, c, (1, k),
                               padding=(0, k // 2))
        self.conv2 = nn.Conv2d(c, c, (1, k), padding=(0, k // 2))
        self.conv3 = nn.Conv2d(c, 1, (1, k), padding=(0, k // 2))
        if cfg.low_band_bins > 0:
            self.up_low = nn.Linear(cfg.d_model, c * cfg.low_band_bins)
            nn.init.zeros_(self.up_low.weight)
            nn.init.zeros_(self.up_low.bias)
        if cfg.mask_decoder_gru > 0:
            self.gru = nn.GRU(c, cfg.mask_decoder_gru, batch_first=True)
            self.gru_out = nn.Linear(cfg.mask_decoder_gru, c)
            nn.init.zeros_(self.gru_out.weight)
            nn.init.zeros_(self.gru_out.bias)
        nn.init.zeros_(self.conv3.weight)
        nn.init.zeros_(self.conv3.bias)
        if cfg.deep_filter_bins > 0:
            if cfg.deep_filter_order < 1:
                raise ValueError("deep_filter_bins needs deep_filter_order >= 1")
            self.df = nn.Conv2d(c, 2 * cfg.deep_filter_order, (1, k), padding=(0, k // 2))
            nn.init.zeros_(self.df.weight)
            nn.init.zeros_(self.df.bias)

    def forward(self, hidden, feats, spec=None):
        """(B, T, d), (B, T, F) → the mask logits (B, T, F) and conv2's output (B, C, T, F), which
        the deep filter's coefficients come from."""
        x = self.features(hidden, feats, spec)
        return self.conv3(x).squeeze(1), x

    def coefficients(self, x):
        """conv2's output (B, C, T, F) → the deep filter's complex coefficients (B, N, T, D)."""
        n, d = self.cfg.deep_filter_order, self.cfg.deep_filter_bins
        y = self.df(x[..., :d + self.cfg.mask_decoder_kernel // 2])[..., :d]
        return torch.complex(y[:, :n], y[:, n:])

    def features(self, hidden, feats, spec=None):  # (B, T, d), (B, T, F) → conv2's output (B, C, T, F)
        b, t, _ = hidden.shape
        c = self.cfg.mask_decoder_channels
        u = self.up(hidden).view(b, t, c, self.cfg.stem_bins).permute(0, 2, 1, 3)  # (B, C, T, F'')
        u = F.interpolate(u, size=(t, self.cfg.n_bins), mode="bilinear", align_corners=True)
        low = self.cfg.low_band_bins
        if low > 0:  # (B, C, T, L) added to the first L bins
            extra = self.up_low(hidden).view(b, t, c, low).permute(0, 2, 1, 3)
            u = torch.cat([u[..., :low] + extra, u[..., low:]], dim=-1)
        parts = [u, feats.unsqueeze(1), running_means(feats, self.cfg.mask_decoder_ema),
                 noise_floors(feats, self.cfg.mask_decoder_floor, self.cfg)]
        if self.cfg.mask_decoder_phase:
            if spec is None:
                raise ValueError("this model's mask needs the complex spectrum (its decoder reads the phase)")
            parts.append(phase_features(spec, self.cfg))
        x = torch.cat(parts, dim=1)
        x = F.gelu(self.conv1(x))
        if self.cfg.mask_decoder_gru > 0:  # (B, C, T, F) → one sequence over T per (batch, bin)
            f = x.shape[-1]
            h, _ = self.gru(x.permute(0, 3, 2, 1).reshape(b * f, t, c))
            x = x + self.gru_out(h).view(b, f, t, c).permute(0, 3, 2, 1)
        return F.gelu(self.conv2(x))


PHASE_CHANNELS = 3  # cos and sin of the phase advance's deviation, cos of its change


def phase_features(spec: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    """complex (B, T, F) → (B, 3, T, F): per bin the deviation d_t of the phase advance from one
    frame to the next from the advance of a tone at the bin's centre (2π·k·hop/n_fft), as cos d_t
    and sin d_t, and cos(d_t − d_{t−1}). A steady harmonic turns at a steady rate, so where one
    dominates a bin d_t holds still (cos of its change near 1) and where noise dominates it jumps at
    random: the local SNR that magnitudes alone leave open. Frame 0 (no frame before it) and bins
    with no energy read d = 0. No gradient: the spectrum is the model's input."""
    with torch.no_grad():
        prev = torch.cat([spec[:, :1], spec[:, :-1]], dim=1)
        back = bin_turns(spec.shape[-1], cfg.hop, cfg.n_fft, -1).to(spec.dtype)
        d = torch.angle(spec * prev.conj() * back)  # (B, T, F) in (−π, π]
        d[:, 0] = 0
        d = torch.where((spec.abs() > 0) & (prev.abs() > 0), d, torch.zeros_like(d))
        change = d - torch.cat([d[:, :1], d[:, :-1]], dim=1)
        return torch.stack([torch.cos(d), torch.sin(d), torch.cos(change)], dim=1).to(spec.real.dtype)


def bin_turns(n_bins: int, hop: int, n_fft: int, hops: int) -> torch.Tensor:
    """(n_bins,) complex128 e^{i·2π·k·hop·hops/n_fft}: the phase a steady tone at bin k's centre
    turns through in `hops` hops."""
    turn = 2 * math.pi * hop / n_fft * torch.arange(n_bins, dtype=torch.float64) * hops
    return torch.polar(torch.ones(n_bins, dtype=torch.float64), turn)


def deep_filter(spec, coefs, hop: int, n_fft: int):
    """Σ_i c_i·R_k^i·X_{t−i} over the first D bins k: spec complex (B, T, F), coefs complex (B, N, T,
    D) → (B, T, D); frames before the first count as zero. R_k = e^{i·2π·k·hop/n_fft} is the phase a
    steady sinusoid at bin k's centre turns through in one hop, so that c_i = 1/N (real) adds such
    a tone's frames in phase (a harmonic comes through whole) and noise out of phase: the
    coefficients need not learn each bin's rotation themselves (the convolutions that give them
    are the same at every bin)."""
    n, t, d = coefs.shape[1], spec.shape[1], coefs.shape[-1]
    low = spec[..., :d]
    out = coefs[:, 0] * low
    for i in range(1, n):
        rot = bin_turns(d, hop, n_fft, i).to(low.dtype)
        past = torch.cat([low.new_zeros(low.shape[0], i, d), low[:, : t - i]], dim=1) * rot
        out = out + coefs[:, i] * past
    return out


def running_means(feats: torch.Tensor, decays) -> torch.Tensor:
    """(B, T, F) → (B, E, T, F): per bin m_t = a·m_{t−1} + (1 − a)·x_t with m_0 = x_0, one channel
    per decay a (float32 steps in this order, as the Swift engine takes them). No gradient: the
    features are the model's input."""
    b, t, f = feats.shape
    out = feats.new_empty(b, len(decays), t, f)
    with torch.no_grad():
        x = feats.detach()
        for e, a in enumerate(decays):
            a32 = torch.tensor(a, dtype=torch.float32)
            m = x[:, 0]
            out[:, e, 0] = m
            for i in range(1, t):
                m = a32 * m + (1 - a32) * x[:, i]
                out[:, e, i] = m
    return out


FLOOR_SMOOTHING = 0.9  # per-frame decay of the running mean a noise-floor tracker follows


def floor_rise_factor(rate_db_per_s: float, cfg: ModelConfig) -> float:
    """Per-frame factor by which a tracker on |X|^compress may rise: R dB/s of |X|."""
    frames_per_second = cfg.sample_rate / cfg.hop
    return float(10.0 ** (cfg.compress * rate_db_per_s / 20.0 / frames_per_second))


def noise_floors(feats: torch.Tensor, rates, cfg: ModelConfig) -> torch.Tensor:
    """(B, T, F) → (B, P, T, F): per bin and rate R, s_t = 0.9·s_{t−1} + 0.1·x_t (s_0 = x_0) and
    the floor f_t = min(s_t, r·f_{t−1}) (f_0 = s_0), r = `floor_rise_factor(R)`: it falls with the
    smoothed level at once and rises at most R dB a second, so it follows the noise between words
    and stays under the speech (float32 steps in this order, as the Swift engine takes them). No
    gradient: the features are the model's input."""
    b, t, f = feats.shape
    out = feats.new_empty(b, len(rates), t, f)
    if not rates:
        return out
    smooth = running_means(feats, [FLOOR_SMOOTHING])[:, 0]
    with torch.no_grad():
        for p, rate in enumerate(rates):
            r32 = torch.tensor(floor_rise_factor(rate, cfg), dtype=torch.float32)
            m = smooth[:, 0]
            out[:, p, 0] = m
            for i in range(1, t):
                m = torch.minimum(smooth[:, i], r32 * m)
                out[:, p, i] = m
    return out


class TextEncoder(nn.Module):
    """Phone ids (B, N) → aligner queries (B, N, d_align). Sees the whole transcript."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.n_phones, cfg.d_align)
        k = cfg.text_kernel
        self.conv1 = nn.Conv1d(cfg.d_align, cfg.d_align, k, padding=k // 2)
        self.conv2 = nn.Conv1d(cfg.d_align, cfg.d_align, k, padding=k // 2)

    def forward(self, phones):
        x = self.embed(phones).transpose(1, 2)
        x = x + F.gelu(self.conv1(x))
        x = x + F.gelu(self.conv2(x))
        return x.transpose(1, 2)


class AttendModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.stem = Stem(cfg)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.mask_head = nn.Linear(cfg.d_model, cfg.n_bins)
        self.mask_decoder = MaskDecoder(cfg) if cfg.mask_decoder_channels > 0 else None
        self.phone_head = nn.Linear(cfg.d_model, cfg.n_phones)
        self.text = TextEncoder(cfg)
        self.frame_key = nn.Linear(cfg.d_model, cfg.d_align)

    def encode(self, feats, chunk_size=None, left_context=None, banded=False):
        """feats (B, T, n_bins) → hidden (B, T, d), [attention probs (B, H, T, T) per layer].

        banded=True (with chunk_size and left_context > 0) computes the same chunked attention
        per chunk window, for training; the probabilities are then not returned (None)."""
        cs = self.cfg.chunk_size if chunk_size is None else chunk_size
        lc = self.cfg.left_context if left_context is None else left_context
        t = feats.shape[1]
        mask = Band(cs, lc) if banded and cs > 0 and lc > 0 else chunk_mask(t, cs, lc, feats.device)
        positions = torch.arange(t, device=feats.device)
        x = self.stem(feats)
        probs = []
        for block in self.blocks:
            x, p = block(x, mask, positions)
            probs.append(p)
        return x, probs

    def mask(self, hidden, feats=None, spec=None):
        """Ratio mask (B, T, n_bins); `feats` (the encoder's input) is needed with a mask decoder,
        `spec` (the complex spectrum) with one that reads the phase (`mask_decoder_phase`)."""
        return self._mask_and_decoded(hidden, feats, spec)[0]

    def _mask_and_decoded(self, hidden, feats, spec):
        """The mask and the mask decoder's conv2 output (None without a decoder)."""
        logits, decoded = self.mask_head(hidden), None
        if self.mask_decoder is not None:
            if feats is None:
                raise ValueError("this model's mask needs the input features")
            extra, decoded = self.mask_decoder(hidden, feats, spec)
            logits = logits + extra
        return torch.sigmoid(logits), decoded

    def enhance(self, hidden, feats, spec):
        """The mask (B, T, n_bins) and the enhanced spectrum (complex, B, T, n_bins): mask · spec,
        plus the deep filter's output on its bins when the model has one."""
        mask, x = self._mask_and_decoded(hidden, feats, spec)
        out = mask * spec
        d = self.cfg.deep_filter_bins
        if d == 0:
            return mask, out
        low = out[..., :d] + deep_filter(spec, self.mask_decoder.coefficients(x), self.cfg.hop, self.cfg.n_fft)
        return mask, torch.cat([low, out[..., d:]], dim=-1)

    def phone_logits(self, hidden):
        return self.phone_head(hidden)

    def align_scores(self, hidden, phones):
        """Scaled dot products between phone queries (B, N, d_a) and frame keys (B, T, d_a): (B, N, T)."""
        q = self.text(phones)
        k = self.frame_key(hidden)
        return q @ k.transpose(1, 2) / math.sqrt(self.cfg.d_align)

    def forward(self, feats, phones=None, chunk_size=None, left_context=None, banded=False, spec=None):
        hidden, probs = self.encode(feats, chunk_size, left_context, banded)
        out = {"hidden": hidden, "mask": self.mask(hidden, feats, spec), "phone_logits": self.phone_logits(hidden),
               "attn": probs}
        if phones is not None:
            out["align_scores"] = self.align_scores(hidden, phones)
        return out


def _hann_value(n, period):
    return 0.5 - 0.5 * math.cos(2.0 * math.pi * n / period)


def low_latency_windows(n_fft: int, s: int):
    """Asymmetric analysis/synthesis pair (Mauler & Martin 2007), exactly as Swift's
    `WindowPair.lowLatency(nFFT:synthesisLength:)`: analysis = long √Hann rise of n_fft − s/2
    samples then the falling half of a √Hann of length s; synthesis nonzero on the last s samples
    only, so that analysis·synthesis is a periodic Hann of length s at the frame's end."""
    m = s // 2
    rise = n_fft - m
    analysis, synthesis = [0.0] * n_fft, [0.0] * n_fft
    for n in range(n_fft):
        long_hann = _hann_value(n, 2 * rise)
        if n < rise:
            analysis[n] = math.sqrt(long_hann)
        else:
            analysis[n] = math.sqrt(_hann_value(n - (n_fft - s), s))
        if n < n_fft - s:
            continue
        short_hann = _hann_value(n - (n_fft - s), s)
        if n < rise:
            synthesis[n] = short_hann / math.sqrt(long_hann) if long_hann > 0 else 0.0
        else:
            synthesis[n] = math.sqrt(short_hann)
    f32 = lambda w: torch.tensor(w, dtype=torch.float64).to(torch.float32)  # noqa: E731
    return f32(analysis), f32(synthesis)


def analysis_window(cfg: "ModelConfig") -> torch.Tensor:
    if cfg.window == "hann":
        return torch.hann_window(cfg.n_fft, periodic=True)
    if cfg.window == "lowlatency":
        return low_latency_windows(cfg.n_fft, cfg.synthesis_length)[0]
    raise ValueError(f"unknown window {cfg.window}")


def stft(audio: torch.Tensor, cfg: "ModelConfig") -> torch.Tensor:
    """(B, S) 16 kHz audio → complex (B, T, n_bins); center=True with zero padding, frame t
    centred on sample t·hop, the config's analysis window."""
    spec = torch.stft(audio, cfg.n_fft, cfg.hop, window=analysis_window(cfg).to(audio.dtype), center=True,
                      pad_mode="constant", return_complex=True)
    return spec.transpose(1, 2)


def compressed_magnitude(spec: torch.Tensor, cfg: "ModelConfig") -> torch.Tensor:
    """The model's input: |X|^compress with |X| clamped to at least 1e-12."""
    return spec.abs().clamp_min(1e-12).pow(cfg.compress)
