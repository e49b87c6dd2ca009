"""reserved_screen.py scores a PyTorch model on a denoising set laid out as the benchmark builds it."""
import dataclasses
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("pesq")
sf = pytest.importorskip("soundfile")
import reserved_screen  # noqa: E402
from attend.export import export  # noqa: E402
from attend.model import AttendModel, ModelConfig  # noqa: E402


def _set(tmp_path):
    """Two mixtures of one harmonic 'voice' in white noise, at 0 and 10 dB, as the benchmark lays them out."""
    (tmp_path / "clean").mkdir(parents=True)
    (tmp_path / "noisy").mkdir()
    t = np.arange(24000) / 16000
    voice = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 20)) * ((t % 0.5) < 0.35)
    voice = (0.1 * voice).astype(np.float32)
    noise = np.random.default_rng(0).standard_normal(len(t)).astype(np.float32)
    items = []
    for snr in (0, 10):
        scale = np.sqrt(np.mean(voice ** 2) / np.mean(noise ** 2) / 10 ** (snr / 10))
        sf.write(tmp_path / f"clean/v.white{snr}.wav", voice, 16000)
        sf.write(tmp_path / f"noisy/v.white{snr}.wav", voice + scale * noise, 16000)
        items.append({"id": f"v.white{snr}", "clean": f"clean/v.white{snr}.wav", "noisy": f"noisy/v.white{snr}.wav",
                      "noise": "white", "snr": snr})
    (tmp_path / "manifest.json").write_text(json.dumps({"items": items}))
    return tmp_path


def _model(tmp_path, mask_bias):
    torch.manual_seed(0)
    cfg = dataclasses.replace(ModelConfig(), d_model=32, n_heads=2, n_layers=1, ff_mult=2, n_phones=10, d_align=16)
    model = AttendModel(cfg)
    with torch.no_grad():
        model.mask_head.weight.zero_()
        model.mask_head.bias.fill_(mask_bias)
    w, _ = export(model, tmp_path / "m", "tiny")
    return str(w)


def test_a_pass_through_model_scores_the_noisy_input_and_a_halving_one_the_same_sdr(tmp_path):
    root = _set(tmp_path / "set")
    through = reserved_screen.screen(_model(tmp_path, 30.0), root, every=1)  # mask 1: the input itself
    assert set(through) == {"white0", "white10", "all"} and through["all"][2] == 2
    assert abs(through["all"][1]) < 0.01  # no SI-SDR gained or lost
    from pesq import pesq
    clean, _ = sf.read(root / "clean/v.white10.wav", dtype="float32")
    noisy, _ = sf.read(root / "noisy/v.white10.wav", dtype="float32")
    assert abs(through["white10"][0] - pesq(16000, clean, noisy, "wb")) < 0.02
    assert through["white10"][0] > through["white0"][0]
    half = reserved_screen.screen(_model(tmp_path, 0.0), root, every=1)  # mask 0.5 everywhere: a level change
    assert abs(half["all"][1]) < 0.01
    one = reserved_screen.screen(_model(tmp_path, 30.0), root, every=2, offset=1)
    assert set(one) == {"white10", "all"}


def test_a_missing_set_is_one_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no .*manifest.json"):
        reserved_screen.screen("unused.safetensors", tmp_path)
