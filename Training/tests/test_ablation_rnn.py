"""The recurrent ablation model: causal gains in [0, 1] per bin, and one training step on E1's losses lowers them."""
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import ablation_rnn as A  # noqa: E402
from attend.losses import mask_loss  # noqa: E402
from attend.model import stft  # noqa: E402


def test_gains_are_causal_and_bounded():
    torch.manual_seed(0)
    cfg = A.config()
    model = A.RNNMask(cfg.n_bins).eval()
    x = torch.randn(1, 16000) * 0.1
    spec = stft(x, cfg)
    with torch.no_grad():
        m = model(spec)
        assert m.shape == spec.shape and float(m.min()) >= 0 and float(m.max()) <= 1
        # changing the second half leaves the gains of the first half as they were
        y = x.clone()
        y[:, 8000:] = torch.randn(1, 8000)
        m2 = model(stft(y, cfg))
    frames = 8000 // cfg.hop - 2  # frames whose window ends before sample 8000
    assert torch.allclose(m[:, :frames], m2[:, :frames], atol=1e-6)
    assert not torch.allclose(m[:, -10:], m2[:, -10:], atol=1e-3)


def test_a_training_step_lowers_the_mask_loss():
    torch.manual_seed(1)
    cfg = A.config()
    model = A.RNNMask(cfg.n_bins)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    t = torch.arange(16000) / 16000
    clean = (0.1 * torch.sin(2 * torch.pi * 440 * t))[None]
    noisy = clean + 0.05 * torch.randn_like(clean)
    ns, cs = stft(noisy, cfg), stft(clean, cfg)
    losses = []
    for _ in range(20):
        loss = mask_loss(model(ns), ns, cs, cfg.compress)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.8 * losses[0]
