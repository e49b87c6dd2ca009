"""The female-range copies of the male synthetic voices (voice_convert, build.step_voices_converted)."""
import json
import os

import numpy as np
import pytest

pytest.importorskip("pyworld")

from data_pipeline import audio as A  # noqa: E402
from data_pipeline import build as B  # noqa: E402
from data_pipeline import voice_convert as VC  # noqa: E402

SR = A.SR


def _voice(f0: float = 100.0, seconds: float = 1.0, formant: float = 700.0) -> np.ndarray:
    """A buzz at `f0` (harmonics falling as 1/k) through one resonance at `formant` Hz, with 0.2 s of
    silence either side."""
    t = np.arange(int(seconds * SR)) / SR
    buzz = sum(np.cos(2 * np.pi * k * f0 * t) * (1 / k + 4 * np.exp(-((k * f0 - formant) / 150.0) ** 2))
               for k in range(1, int(7000 / f0)))
    x = np.concatenate([np.zeros(SR // 5), buzz, np.zeros(SR // 5)]).astype(np.float32)
    return 0.3 * x / np.max(np.abs(x))


def _envelope_peak_hz(x: np.ndarray) -> float:
    """Where WORLD's spectral envelope of the voiced frames of `x` peaks, above 300 Hz."""
    f0, sp, _ = VC.analyse(x, SR)
    env = sp[f0 > 0].mean(axis=0)
    hz = np.arange(len(env)) * SR / (2 * (len(env) - 1))
    env[hz < 300] = 0
    return float(hz[np.argmax(env)])


def test_convert_raises_pitch_and_formant_and_keeps_length_and_silence():
    x = _voice()
    assert abs(VC.median_f0(x, SR) - 100) < 5
    y = VC.convert(x, SR, 1.8, 1.2)
    assert len(y) == len(x) and y.dtype == np.float32
    assert abs(VC.median_f0(y, SR) - 180) < 10
    # the resonance moved up (WORLD's envelope of the output is coarser at the higher pitch: its
    # peak lands on a harmonic near 840 Hz)
    before, after = _envelope_peak_hz(x), _envelope_peak_hz(y)
    assert abs(before - 700) < 40 and 780 < after < 960, (before, after)
    assert np.isclose(np.max(np.abs(y)), np.max(np.abs(x)), rtol=1e-5)
    # the leading silence stays silent (times of the words do not move)
    assert np.sqrt(np.mean(y[: SR // 10] ** 2)) < 1e-3 * np.sqrt(np.mean(y ** 2))


def test_warp_moves_the_envelope_peak_up_by_the_ratio():
    f0, sp, _ = VC.analyse(_voice(), SR)
    env = sp[f0 > 0]
    bins = np.arange(env.shape[1]) * SR / (2 * (env.shape[1] - 1))
    peak = lambda e: float(bins[np.argmax(np.where(bins > 300, e.mean(axis=0), 0))])  # noqa: E731
    assert abs(peak(VC.warp(env, 1.2)) / peak(env) - 1.2) < 0.02
    assert VC.warp(env, 1.2).shape == env.shape


def test_female_params_aim_at_a_female_median_within_bounds():
    rng = np.random.default_rng(0)
    for f0 in (90.0, 150.0):
        p = VC.female_params(_voice(f0), SR, rng)
        assert VC.F0_RATIO[0] <= p["f0_ratio"] <= VC.F0_RATIO[1]
        assert VC.F0_TARGET[0] - 10 <= p["f0_ratio"] * p["source_f0"] <= VC.F0_TARGET[1] + 10
        assert VC.FORMANT_RATIO[0] <= p["formant_ratio"] <= VC.FORMANT_RATIO[1]


def test_step_copies_only_the_male_synthetic_voices_with_their_times(tmp_path):
    out = str(tmp_path)
    os.makedirs(os.path.join(out, "parts"))
    words = [{"word": "ah", "start": 0.2, "end": 1.2}]
    phones = [{"phone": "AA", "start": 0.2, "end": 1.2}]
    for part, source in (("synth-flite", "flite"), ("synth-espeak", "espeak")):
        w = B.Writer(out, part)
        for split in ("train", "val"):
            w.add(f"speech/{source}_{split}.wav", _voice(), {
                "split": split, "kind": "synthetic", "source": source, "speaker": f"{source}:x", "language": "en",
                "text": "Ah.", "spoken": "ah", "words": words, "phones": phones, "timing": "exact-synthesis"})
        w.close()
    B.step_voices_converted(out, "full", {"voice-converted": None})
    recs = [json.loads(line) for line in open(os.path.join(out, "parts", "voices-converted.jsonl"))]
    assert len(recs) == 1  # flite's training utterance; not espeak's, not the validation split
    r = recs[0]
    assert r["source"] == "voice-converted" and r["speaker"] == "flite:x+vc" and r["split"] == "train"
    assert r["words"] == words and r["phones"] == phones and r["params"]["from"] == "speech/flite_train.wav"
    y = A.load(os.path.join(out, r["path"]))
    assert len(y) == len(_voice()) and VC.median_f0(y, SR) > 150
    assert B.done(out, "voices-converted", "full")
