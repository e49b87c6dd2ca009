"""The procedural noise source: deterministic, every kind audible and finite, and kept out of the
shipped recipes' pools (they were trained before it existed)."""
import pathlib
import re

import numpy as np
import pytest

from data_pipeline import noise as N
from data_pipeline import procedural as P
from data_pipeline import synth_speech as S

RECIPES = pathlib.Path(__file__).resolve().parents[2] / "recipes"


def test_a_clip_is_a_function_of_seed_and_index():
    a, kinds_a = P.clip(7, 3, seconds=2.0)
    b, kinds_b = P.clip(7, 3, seconds=2.0)
    c, _ = P.clip(7, 4, seconds=2.0)
    d, _ = P.clip(8, 3, seconds=2.0)
    assert kinds_a == kinds_b and np.array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)
    assert a.dtype == np.float32 and len(a) == 32000
    assert abs(np.abs(a).max() - 0.5) < 1e-6


@pytest.mark.parametrize("kind", P.KINDS)
def test_every_kind_makes_sound_over_the_clip(kind):
    rng = np.random.default_rng(11)
    n = 3 * P.SR
    spread = 0
    for _ in range(8):
        x = P.GENERATORS[kind](n, rng)
        assert x.shape == (n,) and np.isfinite(x).all()
        # sound in more than one of the three seconds (not a lone event at the start); a sparse
        # impulse layer may stay silent in a short clip, as a rest in a longer one
        per_second = np.sqrt(np.mean(x.reshape(3, -1) ** 2, axis=1))
        spread += int((per_second > 1e-3 * per_second.max()).sum() >= 2)
    assert spread >= 6


def test_training_clips_are_never_silent():
    for i in range(40):
        a, kinds = P.clip(101, i, seconds=8.0)
        assert np.isfinite(a).all() and np.sqrt(np.mean(a ** 2)) > 1e-3, (i, kinds)


def test_notes_are_harmonic_and_sweeps_glide():
    rng = np.random.default_rng(3)
    f, a = P._partials(200.0, np.random.default_rng(5))
    assert len(f) >= 1 and (f < 7800).all() and (a > 0).all()
    # a sweep's strongest frequency moves over time
    x = P.sweeps(2 * P.SR, rng)
    frames = x[: 2 * P.SR].reshape(-1, 1600)
    peaks = [np.argmax(np.abs(np.fft.rfft(fr * np.hanning(len(fr))))) for fr in frames if np.any(fr)]
    assert len(set(peaks)) > 2


def test_events_records_name_their_layers():
    recs = list(P.events(4, seed=1, seconds=1.0))
    assert len(recs) == 4
    for r in recs:
        assert set(r) == {"audio", "layers"}
        assert all(k in P.KINDS for k in r["layers"].split("+"))


@pytest.mark.parametrize("recipe", ["attend-deep.sh", "attend-base.sh", "candidate-n2.sh", "candidate-w5.sh"])
def test_shipped_recipes_leave_out_every_later_source(recipe):
    """Every noise and speech source added after a shipped recipe was run is named with N = 0 in it."""
    text = (RECIPES / recipe).read_text()
    zero = set(re.findall(r"([\w-]+)=0", text))
    later = set(N.NOISE_ADDED_2026_12_07) | (set(N.NOISE_ADDED_2026_12_06) if recipe != "candidate-n2.sh" else set())
    later |= set(S.SPEECH_ADDED_2026_12_07)
    assert later <= zero, later - zero
