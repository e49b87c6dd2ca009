import numpy as np
import pytest

from data_pipeline.augment import MixParams, mix, simulate_rir, snr_db

SR = 16000


def _speech_like(rng, n=SR * 2):
    t = np.arange(n) / SR
    env = (np.sin(2 * np.pi * 3 * t) > 0).astype(np.float32)
    return (0.1 * env * np.sin(2 * np.pi * 220 * t) + 0.02 * rng.standard_normal(n) * env).astype(np.float32)


PLAIN = dict(p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0)


def test_snr_is_achieved_within_0_1_db():
    rng = np.random.default_rng(0)
    clean = _speech_like(rng)
    noises = [rng.standard_normal(SR // 3).astype(np.float32), rng.standard_normal(SR * 5).astype(np.float32) * 3]
    for k in range(50):
        noisy, target, info = mix(clean, noises, rng, MixParams(**PLAIN))
        got = snr_db(target, noisy - target)
        assert abs(got - info["snr_db"]) < 0.1, (got, info)
        assert -5 <= info["snr_db"] <= 20


def test_same_seed_same_mix_and_lengths():
    clean = _speech_like(np.random.default_rng(1))
    noise = np.random.default_rng(2).standard_normal(SR).astype(np.float32)
    a = mix(clean, noise, np.random.default_rng(7), MixParams(p_reverb=0.5))
    b = mix(clean, noise, np.random.default_rng(7), MixParams(p_reverb=0.5))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert len(a[0]) == len(a[1]) == len(clean)
    assert a[0].dtype == np.float32


def test_level_range_and_peak():
    rng = np.random.default_rng(3)
    clean = _speech_like(rng)
    noise = rng.standard_normal(SR).astype(np.float32)
    for _ in range(30):
        noisy, target, info = mix(clean, noise, rng, MixParams(**PLAIN))
        assert np.abs(noisy).max() <= 0.999 + 1e-6 and np.abs(target).max() <= 0.999 + 1e-6
        level = 20 * np.log10(np.sqrt(np.mean(noisy.astype(np.float64) ** 2)))
        assert level <= -10 + 0.01
        assert level >= -40 - 0.01 or np.abs(noisy).max() > 0.99


def test_reverb_keeps_timing_and_target_is_early_part():
    rng = np.random.default_rng(4)
    h = simulate_rir(rng)
    assert abs(h[0]) == pytest.approx(1.0) and np.argmax(np.abs(h)) == 0
    clean = _speech_like(rng)
    noisy, target, info = mix(clean, np.zeros(100, np.float32) + 1e-6, rng,
                              MixParams(p_reverb=1.0, rirs=[h], snr_db=(60, 60), p_telephone=0, p_clip=0, p_bitdepth=0))
    xc = np.correlate(target[:8000], clean[:8000], mode="full")
    assert abs(np.argmax(xc) - (8000 - 1)) <= 1  # no delay introduced
    assert info["rir"] == 0
    # the mix holds the late tail; the target does not
    assert np.sum((noisy - target) ** 2) > 1e-3 * np.sum(target ** 2)


def test_telephone_band_limit_removes_low_and_high_bands():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(SR * 2).astype(np.float32) * 0.1
    noisy, target, info = mix(x, np.zeros(10, np.float32) + 1e-9, rng,
                              MixParams(p_reverb=0, p_telephone=1.0, p_clip=0, p_bitdepth=0, snr_db=(60, 60)))
    assert info.get("telephone")
    spec = np.abs(np.fft.rfft(target)) ** 2
    f = np.fft.rfftfreq(len(target), 1 / SR)
    inband = spec[(f > 800) & (f < 3000)].mean()
    assert spec[f < 100].mean() < inband * 1e-3
    assert spec[f > 6000].mean() < inband * 1e-3


def test_clipping_and_bit_depth_only_touch_the_mix():
    rng = np.random.default_rng(6)
    clean = _speech_like(rng)
    noise = rng.standard_normal(SR).astype(np.float32)
    noisy, target, info = mix(clean, noise, rng, MixParams(p_reverb=0, p_telephone=0, p_clip=1.0, p_bitdepth=1.0))
    assert np.abs(noisy).max() <= info["clip"] + 2.0 ** -(info["bits"] - 1)
    q = 2.0 ** (info["bits"] - 1)
    assert np.allclose(noisy * q, np.round(noisy * q), atol=1e-3)
    assert len(np.unique(noisy)) <= 2 ** info["bits"] + 1
    assert len(np.unique(target)) > 2 ** 11


def test_crowd_is_many_reverberant_talkers():
    """Crowd pieces: the asked length and level, talker counts within range, and reverberant: a talker
    impulse becomes a spread (its energy is not all within the first 5 ms)."""
    import numpy as np
    from data_pipeline import noise as N
    rng = np.random.default_rng(0)
    utts = [rng.standard_normal(8000).astype(np.float32) * np.hanning(8000).astype(np.float32) for _ in range(20)]
    rir = np.zeros(4000, np.float32)
    rir[0] = 1
    rir[1:] = 0.3 * rng.standard_normal(3999) * np.exp(-np.arange(1, 4000) / 800)
    pieces = list(N.crowd(utts, [rir], n=3, seed=1, seconds=2.0, talkers=(8, 12)))
    assert len(pieces) == 3
    for p in pieces:
        assert p["audio"].shape == (32000,) and np.isfinite(p["audio"]).all()
        assert 8 <= p["n_talkers"] <= 12
        assert 0.05 < np.sqrt(np.mean(p["audio"] ** 2)) < 0.2  # normalised to the pool's level
    single = next(N.crowd([np.eye(1, 2000, 0, dtype=np.float32)[0]], [rir], n=1, seed=2, seconds=1.0, talkers=(1, 1)))
    e = single["audio"] ** 2
    onset = int(np.argmax(e > 0))
    assert e[onset:onset + 80].sum() < 0.8 * e.sum()  # most energy is reverberation, not the direct path


def _room(rng, n=4000):
    import numpy as np
    rir = np.zeros(n, np.float32)
    rir[0] = 1
    rir[1:] = 0.3 * rng.standard_normal(n - 1) * np.exp(-np.arange(1, n) / 800)
    return rir


def test_applause_is_claps_dense_with_many_hands():
    """Applause pieces: the asked length and level, clapper counts within range, energy where hands
    clap (0.3-5 kHz), and a few clappers come out as separate claps (the short-time level swings far
    more) where a hundred merge into a roar."""
    import numpy as np
    from data_pipeline import audio as A, noise as N
    rng = np.random.default_rng(0)
    rooms = [_room(rng)]
    pieces = list(N.applause(rooms, n=3, seed=1, seconds=2.0, clappers=(5, 20)))
    assert len(pieces) == 3
    for p in pieces:
        x = p["audio"]
        assert x.shape == (32000,) and np.isfinite(x).all()
        assert 5 <= p["n_talkers"] <= 20
        assert abs(20 * np.log10(A.active_rms(x)) + 26) < 1.5  # the pool's active level, -26 dBFS
        spec = np.abs(np.fft.rfft(x)) ** 2
        f = np.fft.rfftfreq(len(x), 1 / 16000)
        assert spec[(f > 300) & (f < 5000)].sum() > 0.6 * spec.sum()

    def swing(clappers):
        x = next(N.applause(rooms, n=1, seed=3, seconds=3.0, clappers=clappers))["audio"][16000:]
        e = (x[: len(x) // 80 * 80].reshape(-1, 80) ** 2).mean(1)  # 5 ms frames
        e = e[e > 1e-2 * e.max()]  # while the applause lasts (it may die away)
        return np.percentile(e, 95) / np.percentile(e, 50)
    assert swing((2, 2)) > 3 * swing((150, 150))


def test_stadium_is_a_far_swelling_crowd():
    """Stadium pieces: talker counts within range, normalised level, a talker is nearly all
    reverberation (less direct path than `crowd`'s), and the crowd's level swells over the piece."""
    import numpy as np
    from data_pipeline import noise as N
    rng = np.random.default_rng(0)
    utts = [rng.standard_normal(8000).astype(np.float32) * np.hanning(8000).astype(np.float32) for _ in range(30)]
    rir = _room(rng)
    pieces = list(N.stadium(utts, [rir], n=4, seed=1, seconds=4.0, talkers=(40, 60)))
    for p in pieces:
        assert p["audio"].shape == (64000,) and np.isfinite(p["audio"]).all()
        assert 40 <= p["n_talkers"] <= 60
        assert 0.05 < np.sqrt(np.mean(p["audio"] ** 2)) < 0.2
    # slow level changes: 0.5 s frame levels spread wider than the same talkers without the swell
    spread = [np.ptp(10 * np.log10((p["audio"].reshape(-1, 8000) ** 2).mean(1))) for p in pieces]
    assert max(spread) > 2.0
    impulse = [np.eye(1, 2000, 0, dtype=np.float32)[0]]
    far = next(N.stadium(impulse, [rir], n=1, seed=2, seconds=1.0, talkers=(1, 1)))["audio"] ** 2
    near = next(N.crowd(impulse, [rir], n=1, seed=2, seconds=1.0, talkers=(1, 1)))["audio"] ** 2
    direct = lambda e: e[int(np.argmax(e > 0)):][:40].sum() / e.sum()  # noqa: E731
    assert direct(far) < 0.5 and direct(far) < direct(near)


def test_equaliser_sections_have_their_gain_where_they_should():
    from scipy.signal import sosfreqz
    from data_pipeline.augment import _biquad
    def gain_at(sos, f):
        _, h = sosfreqz(sos[None], worN=[f], fs=SR)
        return 20 * np.log10(abs(h[0]))
    assert abs(gain_at(_biquad("peak", 1000, 8, 1.0), 1000) - 8) < 0.01
    assert abs(gain_at(_biquad("peak", 1000, -8, 1.0), 4000)) < 1.5
    assert abs(gain_at(_biquad("lowshelf", 300, -9, 0.707), 20) + 9) < 0.2
    assert abs(gain_at(_biquad("lowshelf", 300, -9, 0.707), 6000)) < 0.2
    assert abs(gain_at(_biquad("highshelf", 3000, 6, 0.707), 7900) - 6) < 0.3
    assert abs(gain_at(_biquad("highshelf", 3000, 6, 0.707), 100)) < 0.1


def test_speech_equaliser_colours_target_and_mix_alike_and_noise_equaliser_only_the_noise():
    rng = np.random.default_rng(3)
    clean = _speech_like(rng)
    noise = rng.standard_normal(SR * 3).astype(np.float32)
    fixed = dict(PLAIN, level_db=(-20.0, -20.0), snr_db=(5.0, 5.0))
    coloured = 0
    for seed in range(20):
        noisy, target, info = mix(clean, noise, np.random.default_rng(seed), MixParams(**fixed, p_eq_speech=1.0))
        assert "eq_speech" in info and 1 <= len(info["eq_speech"]) <= 3
        assert abs(snr_db(target, noisy - target) - 5.0) < 0.1
        # the target is the clean speech through the equaliser (then one gain), not the clean speech
        g = np.dot(target, clean) / np.dot(clean, clean)
        coloured += np.linalg.norm(target - g * clean) / np.linalg.norm(target) > 0.05
        noisy2, target2, info2 = mix(clean, noise, np.random.default_rng(seed), MixParams(**fixed, p_eq_noise=1.0))
        assert "eq_noise" in info2 and "eq_speech" not in info2
        g2 = np.dot(target2, clean) / np.dot(clean, clean)
        assert np.allclose(target2, g2 * clean, atol=1e-5)
    assert coloured >= 15
    _, _, info = mix(clean, noise, np.random.default_rng(0), MixParams(**fixed))
    assert "eq_speech" not in info and "eq_noise" not in info


def test_noise_speed_moves_the_noise_pitch_and_leaves_the_speech():
    """p_noise_speed plays the noise faster or slower by the factor it records (a 1 kHz hum lands
    at r kHz), the target is untouched, and at 0 the mix is the one the same seed gave before."""
    clean = np.zeros(SR * 2, np.float32)
    clean[SR // 2:SR] = 0.1 * np.sin(2 * np.pi * 300 * np.arange(SR // 2) / SR)
    hum = (0.1 * np.sin(2 * np.pi * 1000 * np.arange(SR * 3) / SR)).astype(np.float32)
    params = dict(PLAIN, p_eq_noise=0.0, snr_db=(0.0, 0.0))
    base = mix(clean, hum, np.random.default_rng(5), MixParams(**params))
    same = mix(clean, hum, np.random.default_rng(5), MixParams(**params, p_noise_speed=0.0))
    assert np.array_equal(base[0], same[0]) and "noise_speed" not in same[2]
    seen = []
    for seed in range(6):
        noisy, target, info = mix(clean, hum, np.random.default_rng(seed), MixParams(**params, p_noise_speed=1.0))
        (r,) = info["noise_speed"]
        assert 0.5 <= r <= 2.0
        assert np.allclose(target / np.max(np.abs(target)), clean / np.max(np.abs(clean)), atol=1e-5)
        spec = np.abs(np.fft.rfft((noisy - target)[SR:SR * 2]))
        peak = float(np.argmax(spec))  # 1 s of audio: bin k is k Hz
        assert abs(peak - 1000 * round(100 * r) / 100) < 15, (peak, r)
        seen.append(r)
    assert max(seen) / min(seen) > 1.3
