"""grow.py's deepening and widening leave what the model computes unchanged, and the new units learn."""
import dataclasses
import math

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


def same_outputs_then_backward(model, grown, feats, atol=None):
    """`grown` computes what `model` did on `feats` (within `atol`; None: exactly), then one backward
    pass through `grown` in training mode, so the caller can check which new weights got gradients.
    Returns `model`'s outputs."""
    a, b = outputs(model, feats), outputs(grown.eval(), feats)
    for k in a:
        assert (torch.equal(a[k], b[k]) if atol is None else torch.allclose(a[k], b[k], atol=atol)), k
    grown.train()(feats)["mask"].square().mean().backward()
    return a


def same_function_then_new_inputs_learn(model, grown, feats):
    """`grown` computes what `model` did on `feats`, and its decoder's last two conv1 inputs (the
    ones grow added) get gradients from the first step."""
    same_outputs_then_backward(model, grown, feats, atol=1e-5)
    assert grown.mask_decoder.conv1.weight.grad[:, -2:].abs().sum() > 0


@pytest.mark.parametrize("channels,kernel", [(4, 0), (6, 7)])
def test_running_means_added_without_change_then_learn(channels, kernel):
    """--decoder-ema adds running-mean inputs that feed nothing at first (also with more channels and
    taps at once), learn from the first step, and may only extend the model's own list."""
    model = small_model()
    grown = grow.widen(model, 2, channels, seed=1, decoder_kernel=kernel, decoder_ema=[0.9, 0.98])
    assert grown.cfg.mask_decoder_ema == [0.9, 0.98]
    assert grown.mask_decoder.conv1.weight.shape[1] == channels + 3
    feats = torch.rand(2, 50, model.cfg.n_bins)
    same_function_then_new_inputs_learn(model, grown, feats)
    more = grow.widen(grown, 2, channels, decoder_ema=[0.9, 0.98, 0.995])
    assert torch.allclose(outputs(grown.eval(), feats)["mask"], outputs(more.eval(), feats)["mask"], atol=1e-5)
    with pytest.raises(SystemExit):
        grow.widen(grown, 2, channels, decoder_ema=[0.98])


def test_running_means_follow_their_recurrence():
    from attend.model import running_means
    x = torch.rand(2, 30, 5)
    m = running_means(x, [0.0, 0.5, 0.9])
    assert m.shape == (2, 3, 30, 5)
    assert torch.equal(m[:, 0], x)  # decay 0: the frame itself
    assert torch.equal(m[:, :, 0], x[:, None, 0].expand(2, 3, 5))  # m_0 = x_0
    ref = x[:, 0]
    for t in range(1, 30):
        ref = 0.9 * ref + 0.1 * x[:, t]
    assert torch.allclose(m[:, 2, -1], ref, atol=1e-6)
    assert not torch.allclose(m[:, 2, -1], x[:, -1])


def test_noise_floors_added_without_change_then_learn():
    """--decoder-floor adds noise-floor inputs after the running means that feed nothing at first,
    learn from the first step, keep their place when more means come (the old weights follow their
    inputs), and may only extend the model's own list."""
    model = grow.widen(small_model(), 2, 4, decoder_ema=[0.9])
    grown = grow.widen(model, 2, 4, seed=1, decoder_floor=[5.0, 20.0])
    assert grown.cfg.mask_decoder_floor == [5.0, 20.0]
    assert grown.mask_decoder.conv1.weight.shape[1] == 4 + 1 + 1 + 2
    feats = torch.rand(2, 50, model.cfg.n_bins)
    same_function_then_new_inputs_learn(model, grown, feats)
    with torch.no_grad():  # let the floors matter, then add a running mean before them
        grown.mask_decoder.conv1.weight[:, -2:].normal_(0, 0.5)
    more = grow.widen(grown.eval(), 2, 4, decoder_ema=[0.9, 0.98])
    assert more.mask_decoder.conv1.weight.shape[1] == 4 + 1 + 2 + 2
    assert torch.allclose(outputs(grown.eval(), feats)["mask"], outputs(more.eval(), feats)["mask"], atol=1e-5)
    with pytest.raises(SystemExit):
        grow.widen(grown, 2, 4, decoder_floor=[20.0])


def test_noise_floors_fall_at_once_and_rise_at_their_rate():
    """A level 20 dB below the last second's: the floor follows the smoothed level down within a
    few frames; back up: it rises by its rate, R dB in a second, not more (|X| = x^(1/compress))."""
    from attend.model import ModelConfig, noise_floors
    cfg = ModelConfig()
    loud, quiet = 1.0, 10 ** (-20 / 20 * cfg.compress)  # x = |X|^c: 20 dB of |X| quieter
    x = torch.tensor([loud] * 100 + [quiet] * 100 + [loud] * 200).view(1, -1, 1)
    f = noise_floors(x, [5.0, 12.0], cfg)[0, :, :, 0]
    assert f.shape == (2, 400)
    s, smooth = loud, []
    for v in x[0, :, 0].tolist():
        s = 0.9 * s + 0.1 * v
        smooth.append(s)
    assert torch.all(f <= torch.tensor(smooth) + 1e-6)  # never above the smoothed level it follows
    assert float(f[0, 99]) == loud and float(f[0, 150]) < 1.01 * quiet  # the drop: followed at once
    assert abs(float(f[0, 199]) - quiet) < 1e-4  # fallen to the quiet level
    rise_db = lambda a, b: 20 / cfg.compress * math.log10(float(a) / float(b))
    assert abs(rise_db(f[0, 299], f[0, 199]) - 5.0) < 0.1  # one second later: 5 dB up
    assert abs(rise_db(f[1, 299], f[1, 199]) - 12.0) < 0.2
    assert noise_floors(x, [], cfg).shape == (1, 0, 400, 1)


def test_gru_added_without_change_then_learns():
    """--decoder-gru adds a per-bin GRU whose projection back starts at zero: same outputs, then
    its weights learn; a model's GRU cannot be resized."""
    model = small_model()
    grown = grow.widen(model, 2, 4, decoder_ema=[0.9], decoder_gru=3)
    assert grown.cfg.mask_decoder_gru == 3
    feats = torch.rand(2, 50, model.cfg.n_bins)
    same_outputs_then_backward(model, grown, feats, atol=1e-5)
    assert grown.mask_decoder.gru_out.weight.grad.abs().sum() > 0
    with pytest.raises(SystemExit):
        grow.widen(grown, 2, 4, decoder_gru=5)


def test_low_band_added_without_change_then_learns():
    """--low-band gives the first bins a full-resolution path whose projections start at zero: same
    outputs, then both projections learn and change hidden and mask; a causal path (a frame's hidden
    does not depend on later frames through it); a second low band or one wider than the spectrum
    is refused."""
    model = small_model()
    grown = grow.add_low_band(model, 24)
    assert grown.cfg.low_band_bins == 24
    feats = torch.rand(2, 50, model.cfg.n_bins)
    a = same_outputs_then_backward(model, grown, feats)
    assert grown.stem.low_proj.weight.grad.abs().sum() > 0
    assert grown.mask_decoder.up_low.weight.grad.abs().sum() > 0
    with torch.no_grad():
        for lin in (grown.stem.low_proj, grown.mask_decoder.up_low):
            lin.weight.normal_(0, 0.1)
    c = outputs(grown.eval(), feats)
    assert (c["hidden"] - a["hidden"]).abs().max() > 1e-2 and (c["mask"] - a["mask"]).abs().max() > 1e-2
    with torch.no_grad():
        stem = grown.stem(feats)
        later = feats.clone()
        later[:, 30:, :24] += 1.0  # only the low band, only after frame 29
        moved = grown.stem(later)
    assert torch.equal(stem[:, :30], moved[:, :30]) and not torch.equal(stem[:, 30:], moved[:, 30:])
    with pytest.raises(SystemExit):
        grow.add_low_band(grown, 16)
    with pytest.raises(SystemExit):
        grow.add_low_band(model, model.cfg.n_bins + 1)


def test_stem_widened_without_change_then_new_channels_learn():
    """--stem-channels adds stem channels: same outputs, then the projection's new columns and the
    new channels' convolution weights get gradients; fewer channels or a low-band model are refused."""
    model = small_model()
    grown = grow.widen_stem(model, 24, seed=1)
    assert grown.cfg.stem_channels == 24
    feats = torch.rand(2, 40, model.cfg.n_bins)
    same_outputs_then_backward(model, grown, feats, atol=1e-6)
    c0, bins, d = model.cfg.stem_channels, model.cfg.stem_bins, model.cfg.d_model
    assert grown.stem.proj.weight.grad.view(d, 24, bins)[:, c0:].abs().sum() > 0
    assert grown.stem.conv2.weight.grad[:c0, c0:].abs().sum() > 0
    with pytest.raises(SystemExit):
        grow.widen_stem(model, c0)
    with pytest.raises(SystemExit):
        grow.widen_stem(grow.add_low_band(model, 16), 24)


def test_stem_running_means_added_without_change_then_learn():
    """--stem-ema gives the stem's first convolution running means of the features as more inputs,
    their weights zero: same outputs, then those weights get gradients; only extending is allowed;
    the stem stays causal (a frame's hidden does not depend on later frames through the means)."""
    model = small_model()
    grown = grow.add_stem_ema(model, [0.9, 0.98], seed=1)
    assert grown.cfg.stem_ema == [0.9, 0.98] and grown.stem.conv1.weight.shape[1] == 3
    feats = torch.rand(2, 40, model.cfg.n_bins)
    same_outputs_then_backward(model, grown, feats)
    assert grown.stem.conv1.weight.grad[:, 1:].abs().sum() > 0
    with torch.no_grad():
        grown.stem.conv1.weight[:, 1:].normal_(0, 0.3)
        stem = grown.eval().stem(feats)
        later = feats.clone()
        later[:, 25:] += 1.0
        moved = grown.stem(later)
    assert torch.equal(stem[:, :25], moved[:, :25]) and not torch.equal(stem[:, 25:], moved[:, 25:])
    with pytest.raises(SystemExit):
        grow.add_stem_ema(grown, [0.98])
    with pytest.raises(SystemExit):
        grow.add_stem_ema(grown, [0.9, 0.98])


def test_deep_filter_added_without_change_then_learns_on_its_bins_only():
    """--deep-filter adds a complex filter over frames on the first bins, its convolution zero: the
    same mask and enhanced spectrum; then it gets gradients, and once it has weights it changes the
    spectrum on its bins and nowhere else; a second one, or one without a mask decoder, is refused."""
    model = small_model()
    grown = grow.add_deep_filter(model, 20, 3).eval()
    assert (grown.cfg.deep_filter_bins, grown.cfg.deep_filter_order) == (20, 3)
    feats = torch.rand(2, 40, model.cfg.n_bins)
    spec = torch.polar(feats ** (1 / model.cfg.compress), torch.rand_like(feats) * 6.283)
    with torch.no_grad():
        hidden = model.encode(feats)[0]
        m0, e0 = model.enhance(hidden, feats, spec)
        m1, e1 = grown.enhance(hidden, feats, spec)
    assert torch.equal(m0, m1) and torch.equal(e0, e1) and torch.allclose(e0, m0 * spec)
    grown.train()
    _, e = grown.enhance(grown.encode(feats)[0], feats, spec)
    e.abs().square().mean().backward()
    assert grown.mask_decoder.df.weight.grad.abs().sum() > 0
    with torch.no_grad():
        grown.mask_decoder.df.weight.normal_(0, 0.1)
        _, e2 = grown.eval().enhance(hidden, feats, spec)
    assert (e2[..., :20] - e0[..., :20]).abs().max() > 1e-2 and torch.equal(e2[..., 20:], e0[..., 20:])
    with pytest.raises(SystemExit):
        grow.add_deep_filter(grown, 20, 3)
    bare = AttendModel(dataclasses.replace(model.cfg, mask_decoder_channels=0))
    with pytest.raises(SystemExit):
        grow.add_deep_filter(bare, 20, 3)


def test_deep_filter_sums_past_frames_only():
    from attend.model import deep_filter
    g = torch.Generator().manual_seed(3)
    spec = torch.complex(torch.randn(1, 6, 5, generator=g), torch.randn(1, 6, 5, generator=g))
    coefs = torch.complex(torch.randn(1, 2, 6, 3, generator=g), torch.randn(1, 2, 6, 3, generator=g))
    out = deep_filter(spec, coefs, 160, 512)
    assert out.shape == (1, 6, 3)
    assert torch.allclose(out[0, 0], coefs[0, 0, 0] * spec[0, 0, :3])  # no frame before the first
    turn = torch.polar(torch.ones(3), 2 * math.pi * 160 / 512 * torch.arange(3.0))
    assert torch.allclose(out[0, 4], coefs[0, 0, 4] * spec[0, 4, :3] + coefs[0, 1, 4] * turn * spec[0, 3, :3])
    later = spec.clone()
    later[:, 4:] += 1
    assert torch.equal(deep_filter(later, coefs, 160, 512)[:, :4], out[:, :4])  # causal


def test_deep_filter_adds_a_steady_tone_in_phase():
    """With c_i = 1/N a tone at a bin's centre comes through the filter at its own level (its frames
    add in phase) while white noise comes through about N times weaker in power."""
    from attend.model import ModelConfig, deep_filter, stft
    cfg = ModelConfig()
    k, t = 20, torch.arange(16000, dtype=torch.float64)
    tone = torch.cos(2 * math.pi * k / cfg.n_fft * 16000 * t / 16000)[None].float()
    noise = torch.randn(1, 16000, generator=torch.Generator().manual_seed(4))
    coefs = torch.full((1, 3, 101, 40), 1 / 3, dtype=torch.complex64)
    for x, bins, kept in ((tone, slice(k, k + 1), (0.95, 1.05)), (noise, slice(0, 40), (0.5, 0.8))):
        spec = stft(x, cfg)[:, :, bins]
        out = deep_filter(stft(x, cfg), coefs, cfg.hop, cfg.n_fft)[:, :, bins]
        ratio = float(out[:, 10:-10].abs().square().mean() / spec[:, 10:-10].abs().square().mean())
        assert kept[0] < ratio < kept[1], ratio


def test_decoder_phase_added_without_change_then_learns():
    """--decoder-phase gives the decoder's first convolution three more inputs at zero: the same
    mask, then gradients on them; such a model's mask needs the spectrum; widening it later keeps
    its function; a second --decoder-phase is refused."""
    model = small_model()
    grown = grow.add_decoder_phase(model).eval()
    assert grown.cfg.mask_decoder_phase == 1
    feats = torch.rand(2, 40, model.cfg.n_bins)
    spec = torch.polar(feats ** (1 / model.cfg.compress), torch.rand_like(feats) * 6.283)
    with torch.no_grad():
        a, b = model(feats, spec=spec), grown(feats, spec=spec)
    assert torch.equal(a["mask"], b["mask"])
    with pytest.raises(ValueError):
        grown(feats)
    grown.train()
    grown(feats, spec=spec)["mask"].square().mean().backward()
    assert grown.mask_decoder.conv1.weight.grad[:, -3:].abs().sum() > 0
    with torch.no_grad():
        grown.mask_decoder.conv1.weight[:, -3:].normal_(0, 0.5)
        moved = grown.eval()(feats, spec=spec)["mask"]
    assert (moved - a["mask"]).abs().max() > 1e-3
    wide = grow.widen(grown, 2, 6, seed=1).eval()
    with torch.no_grad():
        assert torch.allclose(wide(feats, spec=spec)["mask"], moved, atol=1e-6)
    with pytest.raises(SystemExit):
        grow.add_decoder_phase(grown)


def test_phase_features_hold_still_on_a_steady_tone_and_jump_on_noise():
    from attend.model import ModelConfig, phase_features, stft
    cfg = ModelConfig()
    t = torch.arange(16000, dtype=torch.float64) / 16000
    tone = torch.cos(2 * math.pi * 20.3 * 16000 / cfg.n_fft * t)[None].float()  # 0.3 bins off bin 20's centre
    noise = torch.randn(1, 16000, generator=torch.Generator().manual_seed(2))
    pt, pn = phase_features(stft(tone, cfg), cfg), phase_features(stft(noise, cfg), cfg)
    assert pt.shape == (1, 3, 101, 257)
    d = torch.atan2(pt[0, 1, 10:-10, 20], pt[0, 0, 10:-10, 20])
    assert torch.allclose(d, torch.full_like(d, 2 * math.pi * 0.3 * cfg.hop / cfg.n_fft), atol=1e-3)  # its offset's turn
    assert float(pt[0, 2, 10:-10, 20].min()) > 0.999  # and it holds still
    assert float(pn[0, 2, 10:-10, 10:100].mean()) < 0.6  # noise's deviation jumps
    assert float(pt[0, :, 0].sum()) == 2 * 257  # frame 0 reads d = 0: cos 1, sin 0, cos 1 in every bin
