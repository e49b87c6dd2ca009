#!/usr/bin/env python3
"""Regenerate the golden fixtures of Tests/SpectralTests/Fixtures from librosa.

Run from the repository root with the system python (numpy, scipy, librosa; espeak-ng on PATH):

    python3 Training/golden/make_spectral_golden.py

Writes float32 little-endian .npy files plus manifest.json (shapes, parameters, versions):
  speech.npy            espeak-ng "The quick brown fox..." resampled to 16 kHz (librosa soxr_hq), float32
  synth.npy             deterministic speech-like signal: glottal pulses with moving F0 through
                        moving formant resonators, syllable envelope, faint noise, a silent gap
  <sig>_mel80.npy       librosa.feature.melspectrogram(y, sr=16000, n_fft=512, hop_length=160,
                        n_mels=80).T  -> frames x 80 (power, Slaney mel, center=True, constant pad)
  speech_stftmag.npy    abs(librosa.stft(y, n_fft=512, hop_length=160)).T -> frames x 257
  melfb_<sr>_<nfft>_<mels>.npy   librosa.filters.mel(sr=, n_fft=, n_mels=)  -> mels x bins
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.signal
import librosa
import soundfile as sf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "SpectralTests", "Fixtures")
SR = 16000
N_FFT = 512
HOP = 160
TEXT = "The quick brown fox jumps over the lazy dog."


def espeak_clip(seconds=1.5):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "clip.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", path, TEXT], check=True)
        y, sr = sf.read(path, dtype="float64")
    y = librosa.resample(y, orig_sr=sr, target_sr=SR, res_type="soxr_hq")
    start = int(np.argmax(np.abs(y) > 1e-3))          # skip the leading digital silence
    y = y[max(start - 800, 0): max(start - 800, 0) + int(seconds * SR)]
    return (0.5 * y / np.max(np.abs(y))).astype(np.float32)


def synthetic_speech(seconds=1.0, seed=1234):
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    f0 = 120 + 40 * np.sin(2 * np.pi * 1.3 * t) + 15 * np.sin(2 * np.pi * 3.1 * t)
    phase = np.cumsum(f0 / SR)
    pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(np.float64)
    glottal = scipy.signal.lfilter([1.0], [1.0, -0.95], pulses)          # spectral tilt
    y = np.zeros(n)
    block = 320
    for b0 in range(0, n, block):                                        # formants move per 20 ms
        tc = b0 / SR
        seg = glottal[b0:b0 + block]
        out = np.zeros_like(seg)
        for fc, bw, g in ((500 + 300 * np.sin(2 * np.pi * 2 * tc), 80, 1.0),
                          (1500 + 500 * np.cos(2 * np.pi * 1.5 * tc), 120, 0.5),
                          (2500, 200, 0.25), (3500, 300, 0.1)):
            r = np.exp(-np.pi * bw / SR)
            a = [1.0, -2 * r * np.cos(2 * np.pi * fc / SR), r * r]
            out += g * scipy.signal.lfilter([1 - r], a, seg)
        y[b0:b0 + block] = out
    envelope = np.clip(np.sin(2 * np.pi * 2.5 * t), 0, None) ** 0.5      # syllables
    y = y * envelope + 1e-3 * rng.standard_normal(n)                     # breath noise
    y[int(0.55 * n):int(0.65 * n)] = 0.0                                 # digital silence
    return (0.4 * y / np.max(np.abs(y))).astype(np.float32)


def save(name, array):
    array = np.ascontiguousarray(array, dtype="<f4")
    np.save(os.path.join(OUT, name + ".npy"), array)
    return {"file": name + ".npy", "shape": list(array.shape)}


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "generator": "Training/golden/make_spectral_golden.py",
        "librosa": librosa.__version__, "numpy": np.__version__,
        "sr": SR, "n_fft": N_FFT, "hop_length": HOP, "n_mels": 80,
        "conventions": "center=True, pad_mode=constant, periodic Hann, power=2, Slaney mel + norm",
        "files": {},
    }
    files = manifest["files"]
    signals = {"speech": espeak_clip(), "synth": synthetic_speech()}
    for name, y in signals.items():
        files[name] = save(name, y)
        mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=80)
        files[name + "_mel80"] = save(name + "_mel80", mel.T)
    mag = np.abs(librosa.stft(signals["speech"], n_fft=N_FFT, hop_length=HOP))
    files["speech_stftmag"] = save("speech_stftmag", mag.T)
    for sr, n_fft, n_mels in ((16000, 512, 80), (16000, 400, 40), (8000, 256, 32)):
        key = f"melfb_{sr}_{n_fft}_{n_mels}"
        files[key] = save(key, librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, v["file"])) for v in files.values())
    print(f"wrote {len(files)} arrays ({total / 1024:.0f} KiB) to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
