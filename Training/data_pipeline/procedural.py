"""Procedural noise: sounds that no package records, drawn from generators with wide random
parameters, so that the training pool holds kinds of noise beyond the packages' (training only).

    for rec in events(n=600, seed=101, seconds=8.0): rec["audio"], rec["layers"]

Each clip sums 1-4 layers, each of one kind:
- `notes`: note sequences and chords of harmonic, odd-harmonic or inharmonic (bell-like) partials
  under a random spectral envelope (tilt and 0-3 resonances), percussive or held, with vibrato
  and glides sometimes: instruments and melodies no soundfont plays;
- `bands`: band-limited noise under a random amplitude envelope (0.3-15 Hz): wind, surf, hiss
  that swells;
- `impulses`: bursts of filtered noise at random times (0.5-30 a second), knocks, rattles,
  footsteps, crackle;
- `sweeps`: rising or falling tones with harmonics (sirens, whistles, engines revving);
- `buzz`: a pulse train at 20-220 Hz (slowly wandering) through 1-4 resonances: machines, motors.
No layer is speech: no spectral envelope moves at syllable rate over a voiced source.
Deterministic: each clip's generator is seeded by (seed, index)."""
from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

SR = 16000
KINDS = ("notes", "bands", "impulses", "sweeps", "buzz")


def _spectral_envelope(freqs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random spectral envelope (linear gain) at `freqs` Hz: a tilt of -12..0 dB/octave above
    200 Hz and 0-3 resonances 100-6000 Hz, 3-15 dB high, 0.2-1 octave wide."""
    octaves = np.log2(np.maximum(freqs, 1.0) / 200.0)
    db = rng.uniform(-12, 0) * np.maximum(octaves, 0)
    for _ in range(int(rng.integers(0, 4))):
        centre = np.log2(rng.uniform(100, 6000) / 200.0)
        db += rng.uniform(3, 15) * np.exp(-0.5 * ((octaves - centre) / rng.uniform(0.2, 1.0)) ** 2)
    return 10 ** (db / 20)


def _smooth_random(n: int, rate_hz: float, rng: np.random.Generator) -> np.ndarray:
    """A random curve in [0, 1] varying at about `rate_hz` (cubic interpolation of random knots)."""
    from scipy.interpolate import CubicSpline

    knots = max(int(n / SR * rate_hz) + 2, 4)
    x = np.linspace(0, n, knots)
    curve = CubicSpline(x, rng.random(knots))(np.arange(n))
    return np.clip(curve, 0.0, 1.0)


def _partials(f0: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies and amplitudes of one note's partials below 7.8 kHz."""
    style = rng.choice(["harmonic", "odd", "inharmonic"], p=[0.55, 0.2, 0.25])
    k = np.arange(1, 60, dtype=np.float64)
    if style == "odd":
        k = k[::2]
    f = f0 * k
    if style == "inharmonic":
        f = f0 * k * np.sqrt(1 + rng.uniform(1e-4, 3e-2) * k ** 2)
    keep = f < 7800
    f = f[keep][: int(rng.integers(1, 40))]
    a = _spectral_envelope(f, rng) / np.maximum(np.arange(1, len(f) + 1), 1) ** rng.uniform(0.0, 1.0)
    return f, a


def notes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Melodies or chords: notes of 0.08-1.5 s, percussive (exponential decay) or held."""
    out = np.zeros(n, np.float64)
    voices = int(rng.integers(1, 4))
    base = np.exp(rng.uniform(np.log(55), np.log(1000)))
    for _ in range(voices):
        t = rng.uniform(0, 0.5)
        percussive = rng.random() < 0.5
        while t < n / SR:
            dur = np.exp(rng.uniform(np.log(0.08), np.log(1.5)))
            f0 = base * 2 ** (rng.integers(-12, 13) / 12) * (1 + rng.uniform(-0.01, 0.01))
            f, a = _partials(f0, rng)
            m = int(min(dur + (rng.uniform(0.1, 1.5) if percussive else 0.05), n / SR - t) * SR)
            if m > 16 and len(f):
                tt = np.arange(m) / SR
                attack = rng.uniform(0.002, 0.08)
                env = np.minimum(tt / attack, 1.0)
                env *= np.exp(-tt / rng.uniform(0.05, 1.5)) if percussive else np.clip((dur - tt) / 0.03, 0, 1)
                phase_rate = np.ones(m)
                if rng.random() < 0.3:  # vibrato
                    phase_rate += rng.uniform(0.002, 0.02) * np.sin(2 * np.pi * rng.uniform(3, 8) * tt)
                if rng.random() < 0.15:  # glide (up to an octave: a high partial may fold back below 8 kHz)
                    phase_rate *= 2 ** (rng.uniform(-1, 1) * tt / max(tt[-1], 1e-3))
                phase = 2 * np.pi * np.cumsum(phase_rate) / SR
                partials = np.sin(np.outer(phase, f) + rng.uniform(0, 2 * np.pi, len(f))) @ a
                i = int(t * SR)
                out[i:i + m] += env * partials * rng.uniform(0.3, 1.0)
            t += dur * (rng.uniform(0.6, 1.0) if rng.random() < 0.8 else rng.uniform(1.0, 3.0))
    return out


def bands(n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise coloured by a random spectral envelope, swelling at 0.3-15 Hz (depth 0-1)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    x = np.fft.irfft(spec * _spectral_envelope(f, rng) * np.exp(-0.5 * ((np.log2(np.maximum(f, 1) / rng.uniform(150, 5000)))
                                                                    / rng.uniform(0.3, 3.0)) ** 2), n=n)
    depth = rng.uniform(0, 1)
    return x * (1 - depth + depth * _smooth_random(n, np.exp(rng.uniform(np.log(0.3), np.log(15))), rng))


def impulses(n: int, rng: np.random.Generator) -> np.ndarray:
    """Filtered noise bursts (decay 2-80 ms) at a Poisson rate of 0.5-30 a second, 1-3 timbres."""
    out = np.zeros(n + SR, np.float64)
    timbres = []
    for _ in range(int(rng.integers(1, 4))):
        lo = rng.uniform(60, 4000)
        hi = min(lo * rng.uniform(1.5, 8), 7900)
        timbres.append((butter(2, [lo / (SR / 2), hi / (SR / 2)], btype="band", output="sos"), rng.uniform(0.002, 0.08)))
    rate = np.exp(rng.uniform(np.log(0.5), np.log(30)))
    t = rng.exponential(1 / rate)
    while t < n / SR:
        sos, decay = timbres[int(rng.integers(len(timbres)))]
        m = int(min(decay * 6, 0.5) * SR)
        burst = sosfilt(sos, rng.standard_normal(m)) * np.exp(-np.arange(m) / SR / (decay * rng.uniform(0.7, 1.3)))
        i = int(t * SR)
        out[i:i + m] += burst * 10 ** (rng.uniform(-12, 0) / 20)
        t += rng.exponential(1 / rate)
    return out[:n]


def sweeps(n: int, rng: np.random.Generator) -> np.ndarray:
    """Tones gliding between two frequencies (150-4000 Hz) over 0.2-3 s, repeated or not, with
    1-8 harmonics."""
    out = np.zeros(n, np.float64)
    t = rng.uniform(0, 0.5)
    while t < n / SR:
        dur = rng.uniform(0.2, 3.0)
        m = int(min(dur, n / SR - t) * SR)
        if m > 16:
            f_a, f_b = np.exp(rng.uniform(np.log(150), np.log(4000), 2))
            tt = np.arange(m) / SR
            freq = f_a * (f_b / f_a) ** (tt / dur) if rng.random() < 0.6 else f_a + (f_b - f_a) * tt / dur
            phase = 2 * np.pi * np.cumsum(freq) / SR
            h = np.arange(1, int(rng.integers(1, 9)) + 1)
            amp = h ** -rng.uniform(0.5, 2.0) * (freq.max() * h < 7800)
            env = np.minimum(np.minimum(tt, tt[-1] - tt) / 0.01, 1.0)
            out[int(t * SR):int(t * SR) + m] += env * (np.sin(np.outer(phase, h)) @ amp)
        t += dur + (rng.uniform(0, 1.0) if rng.random() < 0.5 else 0.0)
    return out


def buzz(n: int, rng: np.random.Generator) -> np.ndarray:
    """A pulse train at 20-220 Hz wandering up to ±15 % slowly, through 1-4 resonances."""
    f0 = np.exp(rng.uniform(np.log(20), np.log(220)))
    wander = 1 + rng.uniform(0, 0.15) * (2 * _smooth_random(n, rng.uniform(0.1, 2.0), rng) - 1)
    phase = np.cumsum(f0 * wander / SR)
    pulses = np.diff(np.floor(phase), prepend=0.0)
    x = np.zeros(n)
    for _ in range(int(rng.integers(1, 5))):
        fc = rng.uniform(80, 6000)
        lo, hi = fc / rng.uniform(1.05, 1.6), min(fc * rng.uniform(1.05, 1.6), 7900)
        x += sosfilt(butter(2, [lo / (SR / 2), hi / (SR / 2)], btype="band", output="sos"), pulses) * rng.uniform(0.2, 1)
    return x + rng.uniform(0, 0.05) * np.std(x) * rng.standard_normal(n)


GENERATORS = {"notes": notes, "bands": bands, "impulses": impulses, "sweeps": sweeps, "buzz": buzz}


def clip(seed: int, index: int, seconds: float = 8.0) -> tuple[np.ndarray, list[str]]:
    """One clip: 1-4 layers at levels spread over 15 dB, peak-normalised to 0.5; its layer kinds."""
    rng = np.random.default_rng([seed, index])
    n = int(seconds * SR)
    kinds = [str(k) for k in rng.choice(KINDS, size=int(rng.integers(1, 5)), p=[0.35, 0.15, 0.2, 0.1, 0.2])]
    out = np.zeros(n, np.float64)
    for kind in kinds:
        x = GENERATORS[kind](n, rng)
        rms = np.sqrt(np.mean(x ** 2))
        if rms > 0:
            out += x / rms * 10 ** (rng.uniform(-15, 0) / 20)
    peak = np.abs(out).max()
    return (out * (0.5 / peak) if peak > 0 else out).astype(np.float32), kinds


def events(n: int, seed: int, seconds: float = 8.0):
    """`n` clips (see `clip`) as {"audio", "layers"}."""
    for i in range(n):
        audio, kinds = clip(seed, i, seconds)
        yield {"audio": audio, "layers": "+".join(kinds)}
