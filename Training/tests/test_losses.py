"""The denoising losses of Training/attend/losses.py."""
import torch

from attend.losses import noise_residual_loss


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
