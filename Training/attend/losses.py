"""Training losses: denoising mask, phone classification/CTC, and the aligner's forward-sum."""
from __future__ import annotations

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
    est = mask * noisy_spec.abs()
    est_c = est.clamp_min(1e-12) ** compress
    ref_mag = clean_spec.abs().clamp_min(1e-12)
    ref_c = ref_mag ** compress
    mag = (est_c - ref_c) ** 2
    if over:
        mag = mag * (1 + over * (est_c > ref_c).to(mag.dtype))
    phase_n = noisy_spec / noisy_spec.abs().clamp_min(1e-12)
    phase_c = clean_spec / ref_mag
    cplx = (est_c * phase_n - ref_c * phase_c).abs() ** 2
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
