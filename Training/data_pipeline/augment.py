"""On-the-fly mixing for training (numpy only, no PyTorch).

    noisy, target, info = mix(clean, noise, rng, MixParams())

`clean`: float32 16 kHz mono speech. `noise`: one array or a list of arrays (summed at random
relative levels), looped/cropped to the clean length at a random offset.
`target`: the clean speech the model should output: after the same channel effects as the mix
(microphone colour (random equaliser), early reverberation only, telephone band-limit, level) but
without noise, late reverberation, clipping or quantisation.  Reverberation is aligned to the direct path, so word and phone times of
`clean` stay valid for both outputs.  `info` records every choice (snr_db, rir, ...).

The SNR is set as 10*log10(sum(speech^2)/sum(noise^2)) over the whole segment, where `speech` is
the (reverberant) speech inside the mix, before clipping/quantisation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, fftconvolve, sosfilt

SR = 16000


@dataclass
class MixParams:
    snr_db: tuple[float, float] = (-5.0, 20.0)
    p_reverb: float = 0.3
    rirs: list | None = None            # bank of RIRs (float32 arrays at 16 kHz); None = simulate on demand
    early_ms: float = 50.0              # the part of the RIR kept in the target
    p_telephone: float = 0.1            # 300-3400 Hz telephone band-limit on mix and target
    p_clip: float = 0.05
    clip_level: tuple[float, float] = (0.1, 0.5)   # clip at this fraction of the peak
    p_bitdepth: float = 0.05
    bits: tuple[int, int] = (6, 10)
    level_db: tuple[float, float] = (-40.0, -10.0)  # RMS of the mix in dBFS (applied to mix and target)
    p_second_noise: float = 0.2         # when a list of noises is given, sum two of them
    max_peak: float = 0.999
    p_eq_speech: float = 0.0            # random equaliser (1-3 shelves/peaks) on the speech, mix and target alike
    p_eq_noise: float = 0.0             # the same, drawn anew, on the noise
    eq_gain_db: float = 10.0            # each filter's gain within ± this
    p_speed: float = 0.0                # speed perturbation of the clean speech (`speed_perturb`), before mixing
    speed: tuple[float, float] = (0.85, 1.15)   # its factor range: tempo, pitch and formants together
    p_concat: float = 0.0               # a training example goes on with more utterances of its source (`Corpus.example`)
    p_noise_speed: float = 0.0          # the noise (each of two) played faster or slower (`speed_perturb`), new textures
    noise_speed: tuple[float, float] = (0.5, 2.0)   # its factor range, drawn log-uniform
    p_noise_only: float = 0.0           # the mixture is the noise alone: no speech, the target silence
    extra: dict = field(default_factory=dict)


def _fit(noise: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if len(noise) == 0:
        return np.zeros(n, np.float32)
    if len(noise) >= n:
        off = int(rng.integers(0, len(noise) - n + 1))
        return noise[off:off + n].astype(np.float32)
    reps = int(np.ceil(n / len(noise))) + 1
    tiled = np.tile(noise, reps)
    off = int(rng.integers(0, len(noise)))
    return tiled[off:off + n].astype(np.float32)


def simulate_rir(rng: np.random.Generator, rt60: tuple[float, float] = (0.15, 0.9)) -> np.ndarray:
    """A shoebox-room RIR from pyroomacoustics (image source method), direct path at index 0."""
    import pyroomacoustics as pra
    for _ in range(20):
        dims = np.array([rng.uniform(3, 10), rng.uniform(3, 8), rng.uniform(2.4, 4)])
        t60 = rng.uniform(*rt60)
        try:
            absorb, max_order = pra.inverse_sabine(t60, dims)
        except ValueError:
            continue
        room = pra.ShoeBox(dims, fs=SR, materials=pra.Material(absorb), max_order=min(max_order, 17))
        src = dims * rng.uniform(0.15, 0.85, 3)
        mic = dims * rng.uniform(0.15, 0.85, 3)
        if np.linalg.norm(src - mic) < 0.5:
            continue
        room.add_source(src)
        room.add_microphone(mic)
        room.compute_rir()
        h = np.asarray(room.rir[0][0], dtype=np.float32)
        d = int(np.argmax(np.abs(h)))
        h = h[d:]
        return (h / (np.abs(h[0]) + 1e-9)).astype(np.float32)
    raise RuntimeError("simulate_rir: no valid room found")


def _band_limit(x: np.ndarray) -> np.ndarray:
    sos = butter(6, [300, 3400], btype="bandpass", fs=SR, output="sos")
    return sosfilt(sos, x).astype(np.float32)


def _biquad(kind: str, f0: float, gain_db: float, q: float) -> np.ndarray:
    """One second-order section (Audio EQ Cookbook, R. Bristow-Johnson): peaking, low or high shelf."""
    a_ = 10 ** (gain_db / 40)
    w = 2 * np.pi * f0 / SR
    cw, alpha = np.cos(w), np.sin(w) / (2 * q)
    if kind == "peak":
        b = [1 + alpha * a_, -2 * cw, 1 - alpha * a_]
        a = [1 + alpha / a_, -2 * cw, 1 - alpha / a_]
    else:
        sa = 2 * np.sqrt(a_) * alpha
        sign = 1 if kind == "lowshelf" else -1
        b = [a_ * ((a_ + 1) - sign * (a_ - 1) * cw + sa), sign * 2 * a_ * ((a_ - 1) - sign * (a_ + 1) * cw),
             a_ * ((a_ + 1) - sign * (a_ - 1) * cw - sa)]
        a = [(a_ + 1) + sign * (a_ - 1) * cw + sa, -sign * 2 * ((a_ - 1) + sign * (a_ + 1) * cw),
             (a_ + 1) + sign * (a_ - 1) * cw - sa]
    return np.array(b + a) / a[0]


def random_eq(rng: np.random.Generator, max_gain_db: float = 10.0) -> tuple[np.ndarray, list]:
    """1-3 random filters (a low shelf 60-600 Hz, a high shelf 1.5-6 kHz, peaks 150 Hz-6 kHz), each
    with a gain within ±max_gain_db: the colour of another microphone, room or codec. Returns the
    second-order sections and their description."""
    sections, desc = [], []
    for _ in range(int(rng.integers(1, 4))):
        kind = ["lowshelf", "highshelf", "peak"][int(rng.integers(3))]
        lo, hi = {"lowshelf": (60, 600), "highshelf": (1500, 6000), "peak": (150, 6000)}[kind]
        f0 = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        g = float(rng.uniform(-max_gain_db, max_gain_db))
        q = float(rng.uniform(0.5, 2.0)) if kind == "peak" else 0.707
        sections.append(_biquad(kind, f0, g, q))
        desc.append((kind, round(f0), round(g, 1)))
    return np.array(sections), desc


def speed_perturb(x: np.ndarray, rng: np.random.Generator, low: float, high: float) -> tuple[np.ndarray, float]:
    """Plays `x` faster by a factor r drawn from [low, high] (in steps of 0.01): resampled to 1/r of
    its length and read at 16 kHz again, so tempo, pitch and formants all scale by r, as a speaker
    with a shorter (r > 1) or longer vocal tract would sound. A handful of real voices become many.
    Returns the audio and the exact factor (times of the original divide by it)."""
    from scipy.signal import resample_poly
    down = int(round(100 * rng.uniform(low, high)))
    if down == 100:
        return x, 1.0
    return resample_poly(x, 100, down).astype(np.float32), down / 100


def snr_db(speech: np.ndarray, noise: np.ndarray) -> float:
    return float(10 * np.log10((np.sum(speech.astype(np.float64) ** 2) + 1e-20) /
                               (np.sum(noise.astype(np.float64) ** 2) + 1e-20)))


def mix(clean: np.ndarray, noise, rng: np.random.Generator, params: MixParams | None = None):
    """Return (noisy, target, info); see the module docstring."""
    p = params or MixParams()
    clean = np.asarray(clean, dtype=np.float32)
    n = len(clean)
    info: dict = {}
    noise_only = p.p_noise_only > 0 and rng.random() < p.p_noise_only  # no draw at 0: streams unchanged
    if noise_only:  # what the model hears when nobody talks: the noise, its target silence
        clean = np.zeros_like(clean)
        info["noise_only"] = True
    if rng.random() < p.p_eq_speech:
        sos, info["eq_speech"] = random_eq(rng, p.eq_gain_db)
        clean = sosfilt(sos, clean).astype(np.float32)
    # reverberation
    speech, target = clean, clean
    if rng.random() < p.p_reverb:
        if p.rirs:
            k = int(rng.integers(len(p.rirs)))
            h = np.asarray(p.rirs[k], dtype=np.float32)
            info["rir"] = k
        else:
            h = simulate_rir(rng)
            info["rir"] = "simulated"
        e = int(p.early_ms * SR / 1000)
        speech = fftconvolve(clean, h)[:n].astype(np.float32)
        target = fftconvolve(clean, h[:e])[:n].astype(np.float32)
    # noise
    noises = noise if isinstance(noise, (list, tuple)) else [noise]

    def draw() -> np.ndarray:
        k = int(rng.integers(len(noises)))
        info.setdefault("noise_index", []).append(k)  # which pieces: their sources may train the phone losses only
        x = np.asarray(noises[k])
        if p.p_noise_speed > 0 and rng.random() < p.p_noise_speed:
            lo, hi = np.log(p.noise_speed[0]), np.log(p.noise_speed[1])
            r = float(np.exp(rng.uniform(lo, hi)))
            x, factor = speed_perturb(x, rng, r, r)
            info.setdefault("noise_speed", []).append(factor)  # r in the 0.01 steps speed_perturb plays
        return _fit(x, n, rng)
    nz = draw()
    if len(noises) > 1 and rng.random() < p.p_second_noise:
        nz2 = draw()
        nz = nz + nz2 * (np.sqrt(np.mean(nz ** 2) / (np.mean(nz2 ** 2) + 1e-20)) * 10 ** (rng.uniform(-10, 0) / 20))
        info["noises"] = 2
    if rng.random() < p.p_eq_noise:
        sos, info["eq_noise"] = random_eq(rng, p.eq_gain_db)
        nz = sosfilt(sos, nz).astype(np.float32)
    snr = float(rng.uniform(*p.snr_db))
    ps, pn = np.sum(speech.astype(np.float64) ** 2), np.sum(nz.astype(np.float64) ** 2)
    g = np.sqrt(ps / (pn * 10 ** (snr / 10))) if pn > 0 and ps > 0 else 0.0
    if noise_only:
        g, snr = 1.0, float("-inf")  # the level step below sets the noise's level
    nz = (nz * g).astype(np.float32)
    noisy = speech + nz
    info["snr_db"] = snr
    # channel: telephone band (applied to both)
    if rng.random() < p.p_telephone:
        noisy, target = _band_limit(noisy), _band_limit(target)
        info["telephone"] = True
    # level (both), then keep the peak in range
    level = float(rng.uniform(*p.level_db))
    rms = np.sqrt(np.mean(noisy.astype(np.float64) ** 2)) + 1e-12
    gain = 10 ** (level / 20) / rms
    peak = max(np.abs(noisy).max(), np.abs(target).max()) * gain
    if peak > p.max_peak:
        gain *= p.max_peak / peak
    noisy, target = (noisy * gain).astype(np.float32), (target * gain).astype(np.float32)
    info["gain"] = float(gain)
    # distortions on the mix only
    if rng.random() < p.p_clip:
        c = float(rng.uniform(*p.clip_level)) * np.abs(noisy).max()
        noisy = np.clip(noisy, -c, c)
        info["clip"] = c
    if rng.random() < p.p_bitdepth:
        b = int(rng.integers(p.bits[0], p.bits[1] + 1))
        q = 2.0 ** (b - 1)
        noisy = (np.round(noisy * q) / q).astype(np.float32)
        info["bits"] = b
    return noisy.astype(np.float32), target.astype(np.float32), info


def load_rir_bank(directory: str) -> list[np.ndarray]:
    """Load every `*.npy` RIR in `directory` (sorted)."""
    import glob
    return [np.load(f) for f in sorted(glob.glob(f"{directory}/*.npy"))]
