"""Training losses: denoising (mask, enhanced spectrum, multi-resolution, PESQ-like perceptual), phone
classification/CTC, and the aligner's forward-sum."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def mask_loss(mask, noisy_spec, clean_spec, compress: float, frames_valid=None, over: float = 0.0):
    """Compressed-spectrum loss (magnitude + complex with the noisy phase), as in DeepFilterNet.

    mask (B, T, F) in [0, 1]; noisy_spec / clean_spec complex (B, T, F). With `over` > 0 the
    magnitude term counts (1 + over) times where the estimate exceeds the clean magnitude: what
    the mask passes beyond the speech is added noise, which PESQ weighs more than what it takes
    away (its asymmetry factor), and those bins are where the mask errs (it passes noise where
    noise dominates, keeps speech where speech does).
    """
    est = (mask * noisy_spec.abs()).clamp_min(1e-12)
    phase_n = noisy_spec / noisy_spec.abs().clamp_min(1e-12)
    return _compressed_spectrum_loss(est, phase_n, clean_spec, compress, frames_valid, over)


def spectrum_loss(est_spec, clean_spec, compress: float, frames_valid=None):
    """`mask_loss` of an enhanced spectrum rather than a mask (for a model whose output is not
    mask · noisy, as with a deep filter): (|E|^c − |S|^c)² + 0.3·|E_c − S_c|², E_c = |E|^c·e^{i∠E}.
    For E = mask · noisy it is `mask_loss` (without `over`). est_spec / clean_spec complex (B, T, F)."""
    est_mag = est_spec.abs().clamp_min(1e-12)
    return _compressed_spectrum_loss(est_mag, est_spec / est_mag, clean_spec, compress, frames_valid)


def _compressed_spectrum_loss(est_mag, est_phase, clean_spec, compress: float, frames_valid=None, over: float = 0.0):
    """The body of `mask_loss` and `spectrum_loss`: est_mag (B, T, F) magnitudes, already at least
    1e-12, and est_phase their unit phases; `over` as in `mask_loss`."""
    est_c = est_mag ** compress
    ref_mag = clean_spec.abs().clamp_min(1e-12)
    ref_c = ref_mag ** compress
    mag = (est_c - ref_c) ** 2
    if over:
        mag = mag * (1 + over * (est_c > ref_c).to(mag.dtype))
    cplx = (est_c * est_phase - ref_c * (clean_spec / ref_mag)).abs() ** 2
    return _mean_over_frames(mag + 0.3 * cplx, frames_valid)


def noise_residual_loss(mask, noisy_spec, clean_spec, compress: float, frames_valid=None):
    """What the mask lets through of the noise alone: mean of (mask·|N|)^(2·compress), N = noisy −
    clean (noise, and whatever the target leaves out of the mixture's speech). The mask loss sees the
    noise only inside the mixture; this term charges every bin for the noise it passes, so a weight
    on it trades kept noise for speech distortion (the noise half of the weighted speech-distortion
    losses of Xia et al. 2020). Shapes as `mask_loss`."""
    leak = (mask * (noisy_spec - clean_spec).abs()).clamp_min(1e-12) ** (2 * compress)
    return _mean_over_frames(leak, frames_valid)


def multi_resolution_loss(est, ref, compress: float, ffts=(256, 512, 1024), valid_samples=None):
    """Compressed-spectrum loss of the resynthesised waveform at several STFT resolutions (Hann
    window, hop n/4), as DeepFilterNet's multi-resolution loss: per resolution the mean over bins of
    (|E|^c − |R|^c)² + 0.3·|E_c − R_c|² (E_c = |E|^c·e^{i∠E}), summed over resolutions. The mask
    loss judges the mask on the model's own 32 ms frames; this judges what comes out after
    overlap-add, and the 64 ms resolution sees noise between a low voice's harmonics (15.6 Hz a bin)
    that 32 ms frames blur. est / ref (B, S); valid_samples (B,) lengths or None (all)."""
    total = est.new_zeros(())
    for n in ffts:
        win = torch.hann_window(n, dtype=est.dtype, device=est.device)
        e = torch.stft(est, n, n // 4, window=win, center=True, return_complex=True)  # (B, F, T)
        r = torch.stft(ref, n, n // 4, window=win, center=True, return_complex=True)
        em, rm = e.abs().clamp_min(1e-12), r.abs().clamp_min(1e-12)
        ec, rc = em ** compress, rm ** compress
        per = (ec - rc) ** 2 + 0.3 * (ec * (e / em) - rc * (r / rm)).abs() ** 2
        if valid_samples is None:
            total = total + per.mean()
        else:
            frames = torch.arange(per.shape[-1], device=est.device)[None, :]
            valid = (frames * (n // 4) <= valid_samples[:, None]).to(per.dtype)  # (B, T)
            total = total + (per * valid[:, None, :]).sum() / (valid.sum() * per.shape[1]).clamp_min(1)
    return total


def _mean_over_frames(per, frames_valid=None):
    """Mean of per-bin values (B, T, F) over the valid frames (frames_valid (B, T) of 0/1), or all."""
    if frames_valid is None:
        return per.mean()
    per = per * frames_valid[:, :, None]
    return per.sum() / (frames_valid.sum() * per.shape[-1]).clamp_min(1)


def si_sdr(est, ref, eps=1e-8):
    """Scale-invariant SDR in dB, per batch item; est/ref (B, S)."""
    ref = ref - ref.mean(dim=-1, keepdim=True)
    est = est - est.mean(dim=-1, keepdim=True)
    scale = (est * ref).sum(-1, keepdim=True) / (ref.pow(2).sum(-1, keepdim=True) + eps)
    target = scale * ref
    noise = est - target
    return 10 * torch.log10(target.pow(2).sum(-1) / (noise.pow(2).sum(-1) + eps) + eps)


def frame_phone_loss(logits, labels):
    """Cross-entropy on frames with exact labels; label −1 = no label (ignored)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-1)


def phone_ctc_loss(logits, targets, input_lengths, target_lengths):
    """CTC over the phone sequence (blank = 0) for speech with a transcript but no timings."""
    logp = logits.log_softmax(-1).transpose(0, 1)  # (T, B, C)
    return F.ctc_loss(logp, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=True)


def forward_sum_loss(align_scores, token_lengths, frame_lengths, blank_logprob=-1.0):
    """The aligner's forward-sum loss (Badlani et al. 2021, "One TTS Alignment To Rule Them All").

    align_scores (B, N, T): per frame, a distribution over the N tokens (softmax over N) must
    admit a monotonic path through all tokens; computed as CTC with targets 1..N and a blank of
    fixed log-probability.
    """
    b, n, t = align_scores.shape
    scores = align_scores.transpose(1, 2)  # (B, T, N)
    scores = F.pad(scores, (1, 0), value=blank_logprob)
    losses = []
    for i in range(b):
        ni, ti = int(token_lengths[i]), int(frame_lengths[i])
        s = scores[i, :ti, : ni + 1]
        logp = s.log_softmax(-1)[:, None, :]  # (T, 1, N+1)
        target = torch.arange(1, ni + 1, device=s.device)[None, :]
        losses.append(F.ctc_loss(logp, target, torch.tensor([ti]), torch.tensor([ni]), blank=0,
                                 reduction="sum", zero_infinity=True) / ni)
    return torch.stack(losses).mean()


def token_scores(align_scores, phone_logits, token_ids, prior_weight: float = 1.0, align_weight: float = 1.0,
                 log_prior=None):
    """Per-frame log-score of each transcript token, as the Swift aligner decodes it (TokenScoring):
    align_weight · log_softmax over tokens of the aligner scores + prior_weight · (the phone head's
    log posterior of each token's phone − its log prior). align_scores (N, T), phone_logits (T, C),
    token_ids (N,), log_prior (C,) or None → (T, N)."""
    attn = align_scores.transpose(0, 1).log_softmax(-1)  # (T, N)
    post = phone_logits.log_softmax(-1)[:, token_ids]  # (T, N)
    if log_prior is not None:
        post = post - log_prior[token_ids][None, :]
    return align_weight * attn + prior_weight * post


def bark_bands(n_fft: int = 512, sample_rate: int = 16000, n_bands: int = 40, low_hz: float = 100.0):
    """(F, K) 0/1 matrix summing STFT bins into K bands of equal width on the Bark scale
    z = 6·asinh(f / 600) from `low_hz` to Nyquist (every band at least one bin)."""
    freqs = torch.arange(n_fft // 2 + 1, dtype=torch.float64) * sample_rate / n_fft
    z = 6 * torch.asinh(freqs / 600)
    edges = torch.linspace(float(6 * math.asinh(low_hz / 600)), float(z[-1]) + 1e-6, n_bands + 1, dtype=torch.float64)
    band = torch.bucketize(z, edges, right=True) - 1  # −1 below low_hz
    w = torch.zeros(len(freqs), n_bands, dtype=torch.float64)
    inside = (band >= 0) & (band < n_bands)
    w[torch.nonzero(inside)[:, 0], band[inside]] = 1
    for k in range(n_bands):  # a band narrower than a bin takes the nearest bin
        if w[:, k].sum() == 0:
            w[int(torch.argmin((z - (edges[k] + edges[k + 1]) / 2).abs())), k] = 1
    return w.float()


def perceptual_loss(est, ref, valid_samples=None, n_fft: int = 512, hop: int = 256, threshold_db: float = -45.0,
                    sample_rate: int = 16000):
    """A differentiable disturbance in the manner of PESQ (ITU-T P.862): what a listener hears of the
    difference between the output and the clean speech, band by band and frame by frame, rather
    than the per-bin error of the mask loss. Both signals are brought to one level (their power in
    300-3200 Hz); their power spectra (Hann, n_fft / hop) are summed into Bark bands; the reference
    is given the output's long-term spectral balance per band over the frames where the reference
    is active (a steady colouring is forgiven, as P.862 does) and the output the reference's
    short-term level per frame (bounded gain); each band's power becomes Zwicker loudness
    ((2·P0)^0.23 · ((0.5 + 0.5·P / P0)^0.23 − 1), P0 a hearing threshold `threshold_db` below the
    reference's mean band power per bin); differences within a quarter of the smaller loudness are
    masked; the symmetric disturbance (L2 over bands) and the asymmetric one (L1 over bands, each
    weighted by ((Pe + P0) / (Pr + P0))^1.2, zero below 3, at most 12: added sound weighs more than
    sound taken away, which is what PESQ charges a denoiser's leftover noise) are averaged over the
    valid frames in L2 and combined as P.862 combines them, 0.1·d + 0.0309·a. The result is a
    loss, not a PESQ score (no time alignment, no MOS mapping). est / ref (B, S); valid_samples (B,)
    lengths or None (all)."""
    win = torch.hann_window(n_fft, dtype=est.dtype, device=est.device)
    pe = torch.stft(est, n_fft, hop, window=win, center=True, return_complex=True).abs() ** 2  # (B, F, T)
    pr = torch.stft(ref, n_fft, hop, window=win, center=True, return_complex=True).abs() ** 2
    b, nf, t = pe.shape
    if valid_samples is None:
        valid = torch.ones(b, t, dtype=est.dtype, device=est.device)
    else:
        valid = (torch.arange(t, device=est.device)[None, :] * hop <= valid_samples[:, None]).to(est.dtype)
    nv = valid.sum(1).clamp_min(1)  # (B,)
    lo, hi = int(round(300 * n_fft / sample_rate)), int(round(3200 * n_fft / sample_rate)) + 1

    def level(p):  # mean power per bin in 300-3200 Hz over the valid frames, (B, 1, 1)
        return ((p[:, lo:hi] * valid[:, None]).sum((1, 2)) / (nv * (hi - lo))).clamp_min(1e-10)[:, None, None]

    pe, pr = pe / level(pe), pr / level(pr)
    w = bark_bands(n_fft, sample_rate).to(est.dtype).to(est.device)  # (F, K)
    width = w.sum(0)  # bins per band
    be, br = pe.transpose(1, 2) @ w, pr.transpose(1, 2) @ w  # (B, T, K)
    p0 = 10 ** (threshold_db / 10) * width  # (K,)
    with torch.no_grad():
        active = valid * ((br.sum(-1) > 1e-2 * br.sum(-1).mean(-1, keepdim=True)).to(est.dtype))  # (B, T)
        na = active.sum(1).clamp_min(1)[:, None]
        ratio = (((be * active[..., None]).sum(1) / na + p0) / ((br * active[..., None]).sum(1) / na + p0))
        ratio = ratio.clamp(0.01, 100.0)  # (B, K): the output's balance against the reference's
    br = br * ratio[:, None, :]
    with torch.no_grad():
        gain = ((br.sum(-1) + 1e-3) / (be.sum(-1) + 1e-3)).clamp(3e-4, 5.0)  # (B, T)
    be = be * gain[..., None]

    def loudness(p):
        return ((2 * p0) ** 0.23 * ((0.5 + 0.5 * p / p0) ** 0.23 - 1)).clamp_min(0)

    le, lr = loudness(be), loudness(br)
    diff = le - lr
    masked = torch.sign(diff) * F.relu(diff.abs() - 0.25 * torch.minimum(le, lr))
    with torch.no_grad():
        asym = ((be + p0) / (br + p0)) ** 1.2
        asym = torch.where(asym < 3, torch.zeros_like(asym), asym.clamp_max(12.0))
    frac = width / width.sum()  # each band's share of the spectrum
    d_sym = (masked ** 2 * frac).sum(-1).clamp_min(1e-12).sqrt()  # (B, T)
    d_asym = (masked.abs() * asym * frac).sum(-1)
    d = ((d_sym ** 2 * valid).sum(1) / nv).clamp_min(1e-12).sqrt()
    a = ((d_asym ** 2 * valid).sum(1) / nv).clamp_min(1e-12).sqrt()
    return (0.1 * d + 0.0309 * a).mean()
