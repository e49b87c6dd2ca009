"""grow.py's deepening and widening leave what the model computes unchanged, and the new units learn."""
import dataclasses

import pytest

torch = pytest.importorskip("torch")
import grow  # noqa: E402
from attend.model import AttendModel, ModelConfig  # noqa: E402


def small_model(seed=0):
    torch.manual_seed(seed)
    cfg = dataclasses.replace(ModelConfig(), d_model=32, n_heads=2, n_layers=2, ff_mult=2,
                              mask_decoder_channels=4, d_align=16, n_phones=10)
    model = AttendModel(cfg)
    with torch.no_grad():  # a trained-looking model: no zero layers (the decoder's last conv starts at 0)
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return model.eval()


def outputs(model, feats):
    with torch.no_grad():
        out = model(feats)
    return {k: out[k] for k in ("hidden", "mask", "phone_logits")}


@pytest.mark.parametrize("ff_mult,channels,layers,kernel", [(4, 4, 0, 0), (2, 8, 0, 0), (3, 6, 3, 0), (2, 4, 0, 9),
                                                            (2, 8, 0, 7)])
def test_grown_model_computes_the_same(ff_mult, channels, layers, kernel):
    model = small_model()
    grown = grow.widen(model, ff_mult, channels, seed=1, decoder_kernel=kernel)
    assert grown.cfg.mask_decoder_kernel == (kernel or model.cfg.mask_decoder_kernel)
    if layers:
        grown = grow.deepen(grown, layers, seed=1)
    grown.eval()
    assert grown.cfg.ff_mult == ff_mult and grown.cfg.mask_decoder_channels == channels
    assert sum(p.numel() for p in grown.parameters()) > sum(p.numel() for p in model.parameters())
    feats = torch.rand(2, 50, model.cfg.n_bins)
    a, b = outputs(model, feats), outputs(grown, feats)
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-5), k


def test_new_units_get_gradients():
    """The new feed-forward units and decoder channels are not stuck at zero: one step moves them."""
    model = small_model()
    grown = grow.widen(model, 4, 8, seed=1).train()
    feats = torch.rand(2, 50, model.cfg.n_bins)
    grown(feats)["mask"].square().mean().backward()
    down = grown.blocks[0].ff1.down.weight.grad
    assert down[:, 64:].abs().sum() > 0  # columns of the new hidden units (d_model 32 x ff_mult 2 = 64 old)
    assert grown.mask_decoder.conv3.weight.grad[:, 4:].abs().sum() > 0
    assert grown.mask_decoder.conv1.weight.grad[:, 4:-1].abs().sum() > 0


def test_longer_kernel_taps_learn():
    model = small_model()
    grown = grow.widen(model, 2, 4, seed=1, decoder_kernel=9).train()
    grown(torch.rand(2, 50, model.cfg.n_bins))["mask"].square().mean().backward()
    assert grown.mask_decoder.conv3.weight.grad[..., :2].abs().sum() > 0  # the new outer taps


def test_widen_refuses_to_narrow():
    model = small_model()
    with pytest.raises(SystemExit):
        grow.widen(model, 2, 4, decoder_kernel=3)
    with pytest.raises(SystemExit):
        grow.widen(model, 2, 4, decoder_kernel=6)
    with pytest.raises(SystemExit):
        grow.widen(model, 1, 4)
    with pytest.raises(SystemExit):
        grow.widen(model, 2, 2)
