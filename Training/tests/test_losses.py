"""The denoising losses of Training/attend/losses.py."""
import math

import torch

from attend.losses import multi_resolution_loss, noise_residual_loss


def _specs(seed=0, b=2, t=6, f=5):
    g = torch.Generator().manual_seed(seed)
    clean = torch.complex(torch.randn(b, t, f, generator=g), torch.randn(b, t, f, generator=g))
    noise = torch.complex(torch.randn(b, t, f, generator=g), torch.randn(b, t, f, generator=g))
    return clean + noise, clean, noise


def test_noise_residual_is_the_compressed_noise_the_mask_passes():
    noisy, clean, noise = _specs()
    zero, one = torch.zeros(noisy.shape), torch.ones(noisy.shape)
    assert float(noise_residual_loss(zero, noisy, clean, 0.3)) < 1e-6
    expected = (noise.abs() ** 0.6).mean()
    assert torch.allclose(noise_residual_loss(one, noisy, clean, 0.3), expected, rtol=1e-5)
    half = noise_residual_loss(0.5 * one, noisy, clean, 0.3)
    assert torch.allclose(half, expected * 0.5 ** 0.6, rtol=1e-5)  # grows with the mask as mask^(2c)


def test_noise_residual_ignores_padding_frames_and_pushes_the_mask_down():
    noisy, clean, _ = _specs()
    valid = torch.ones(2, 6)
    valid[1, 4:] = 0
    mask = torch.full(noisy.shape, 0.7, requires_grad=True)
    loss = noise_residual_loss(mask, noisy, clean, 0.3, valid)
    padded = noisy.clone()
    padded[1, 4:] *= 100  # what lies in padding frames must not count
    assert torch.allclose(loss, noise_residual_loss(mask, padded, clean, 0.3, valid))
    loss.backward()
    assert (mask.grad[valid.bool()] > 0).all() and (mask.grad[1, 4:] == 0).all()


def test_multi_resolution_loss_is_zero_only_at_the_reference_and_scales_with_the_error():
    g = torch.Generator().manual_seed(1)
    ref = torch.randn(2, 4000, generator=g)
    assert float(multi_resolution_loss(ref, ref, 0.3)) < 1e-9
    small = multi_resolution_loss(ref + 0.01 * torch.randn(2, 4000, generator=g), ref, 0.3)
    large = multi_resolution_loss(0.5 * ref, ref, 0.3)
    assert 0 < float(small) < float(large)
    # one resolution alone is that resolution's compressed-spectrum error
    est = 0.5 * ref
    n = 512
    win = torch.hann_window(n)
    e = torch.stft(est, n, n // 4, window=win, return_complex=True).abs().clamp_min(1e-12) ** 0.3
    r = torch.stft(ref, n, n // 4, window=win, return_complex=True).abs().clamp_min(1e-12) ** 0.3
    expected = ((e - r) ** 2 + 0.3 * (e - r) ** 2).mean()  # same phase: the complex term is the magnitude's
    assert torch.allclose(multi_resolution_loss(est, ref, 0.3, ffts=(512,)), expected, rtol=1e-4)


def test_multi_resolution_loss_ignores_padding_samples():
    g = torch.Generator().manual_seed(2)
    ref = torch.randn(2, 8000, generator=g)
    est = ref + 0.1 * torch.randn(2, 8000, generator=g)
    lengths = torch.tensor([8000, 4000])
    loss = multi_resolution_loss(est, ref, 0.3, valid_samples=lengths)
    far = est.clone()
    far[1, 5200:] += 10.0  # beyond the last counted frame's window at every resolution
    assert torch.allclose(loss, multi_resolution_loss(far, ref, 0.3, valid_samples=lengths))
    near = est.clone()
    near[1, 3000:3500] += 10.0  # inside the valid part
    assert float(multi_resolution_loss(near, ref, 0.3, valid_samples=lengths)) > float(loss)


def test_mask_loss_over_weighs_only_overestimates():
    from attend.losses import mask_loss
    noisy, clean, _ = _specs(3)
    ratio = (clean.abs() / noisy.abs()).clamp(0, 1)
    low, high = 0.5 * ratio, (ratio + 0.3).clamp(max=1.0)
    assert torch.allclose(mask_loss(low, noisy, clean, 0.3), mask_loss(low, noisy, clean, 0.3, over=2.0))
    plain, heavy = mask_loss(high, noisy, clean, 0.3), mask_loss(high, noisy, clean, 0.3, over=2.0)
    assert float(heavy) > float(plain)


def _voiced(seconds: float = 1.0, f0: float = 140.0, seed: int = 5):
    """A speech-like reference: harmonics of `f0` with a falling spectrum, in two bursts with a
    pause between them, so that bands and frames alike go from loud to quiet."""
    t = torch.arange(int(16000 * seconds)) / 16000
    x = sum(torch.sin(2 * math.pi * k * f0 * t + k) / k for k in range(1, 40))
    envelope = ((t % 0.5) < 0.35).float()
    g = torch.Generator().manual_seed(seed)
    return (0.1 * x * envelope + 1e-4 * torch.randn(len(t), generator=g))[None]


def test_bark_bands_cover_the_spectrum_once_each():
    from attend.losses import bark_bands
    w = bark_bands(512, 16000, 40)
    assert w.shape == (257, 40)
    assert bool((w.sum(0) >= 1).all())  # no empty band
    assert bool((w.sum(1) <= 1).all())  # no bin in two bands
    assert float(w[:4].sum()) == 0  # below 100 Hz nothing (bins 0-3, 0-94 Hz)
    assert float(w[4:].sum()) == 253  # every bin from 100 Hz to Nyquist in a band
    widths = w.sum(0)
    assert float(widths[-1]) > float(widths[5])  # equal Bark widths: wider in Hz up high


def test_perceptual_loss_charges_added_noise_and_forgives_level_and_steady_colour():
    from attend.losses import perceptual_loss
    ref = _voiced()
    assert float(perceptual_loss(ref, ref)) < 1e-5
    assert float(perceptual_loss(0.3 * ref, ref)) < 1e-5  # a level change is not heard as distortion
    g = torch.Generator().manual_seed(6)
    noise = torch.randn(ref.shape, generator=g)
    power = float(ref.pow(2).mean())
    scores = [float(perceptual_loss(ref + noise * (power * 10 ** (-snr / 10)) ** 0.5, ref)) for snr in (30, 20, 10)]
    assert 0 < scores[0] < scores[1] < scores[2]
    # a steady tilt (a one-tap filter) with as much error energy as the noise at 10 dB costs far less
    tilted = ref.clone()
    tilted[:, 1:] += 0.6 * ref[:, :-1]
    err = float((tilted - ref).pow(2).mean())
    same_energy = ref + noise * (err / float(noise.pow(2).mean())) ** 0.5
    assert float(perceptual_loss(tilted, ref)) < 0.5 * float(perceptual_loss(same_energy, ref))


def test_perceptual_loss_ignores_padding_and_has_gradients():
    from attend.losses import perceptual_loss
    ref = torch.cat([_voiced(seed=7), _voiced(seed=8)])
    g = torch.Generator().manual_seed(9)
    est = (ref + 0.01 * torch.randn(ref.shape, generator=g)).requires_grad_()
    lengths = torch.tensor([16000, 8000])
    loss = perceptual_loss(est, ref, valid_samples=lengths)
    loss.backward()
    assert bool(torch.isfinite(est.grad).all()) and float(est.grad[0].abs().sum()) > 0
    assert float(est.grad[1, 8600:].abs().max()) == 0  # beyond the last counted frame's window
    far = est.detach().clone()
    far[1, 8600:] += 1.0
    assert torch.allclose(loss.detach(), perceptual_loss(far, ref, valid_samples=lengths))


def test_spectrum_loss_of_a_masked_spectrum_is_the_mask_loss():
    from attend.losses import mask_loss, spectrum_loss
    noisy, clean, _ = _specs(4)
    mask = torch.rand(noisy.shape, generator=torch.Generator().manual_seed(5)).clamp_min(0.01)
    valid = torch.tensor([[1.0] * 6, [1.0] * 3 + [0.0] * 3])
    assert torch.allclose(spectrum_loss(mask * noisy, clean, 0.3, valid), mask_loss(mask, noisy, clean, 0.3, valid))
    assert float(spectrum_loss(clean, clean, 0.3)) < 1e-9
    # unlike a mask, a spectrum can carry its own phase: the clean phase scores better than the noisy one
    mag = clean.abs()
    assert float(spectrum_loss(torch.polar(mag, clean.angle()), clean, 0.3)) < float(
        spectrum_loss(torch.polar(mag, noisy.angle()), clean, 0.3))
