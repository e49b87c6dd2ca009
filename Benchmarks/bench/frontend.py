"""Front-end speed: attend's features (512-point periodic Hann STFT, hop 160 at 16 kHz; compressed
magnitude |X|^0.3 and 80-band log-mel) computed with numpy, scipy, librosa and PyTorch.

Standalone (numpy + the library under test, WAV read with the stdlib), so it can run under the
interpreter that has the library: the benchmark venv for numpy/scipy, the system python3 for
librosa and torch (Training/ installs them there). Usage:
  python frontend.py LIB WAV REPEATS RESULT.json     LIB in numpy, scipy, librosa, torch
"""
from __future__ import annotations

import json
import sys
import time
import wave

import numpy as np

N_FFT, HOP, N_MELS, SR = 512, 160, 80, 16000


def read_wav(path: str) -> np.ndarray:
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


def mel_matrix() -> np.ndarray:
    """Slaney-style triangular filters, (N_MELS, N_FFT//2+1), the same matrix for every library."""
    def hz2mel(f): return 2595.0 * np.log10(1.0 + f / 700.0)
    def mel2hz(m): return 700.0 * (10 ** (m / 2595.0) - 1.0)
    pts = mel2hz(np.linspace(hz2mel(0.0), hz2mel(SR / 2), N_MELS + 2))
    bins = np.linspace(0, SR / 2, N_FFT // 2 + 1)
    fb = np.zeros((N_MELS, len(bins)), np.float32)
    for m in range(N_MELS):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        fb[m] = np.maximum(0, np.minimum((bins - lo) / (c - lo), (hi - bins) / (hi - c)))
    return fb


def run(lib: str, x: np.ndarray):
    win = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
    fb = mel_matrix()
    if lib == "numpy":
        def mag(x):
            fr = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP]
            return np.abs(np.fft.rfft(fr * win, axis=1)).T
        logmel = lambda m: np.log(fb @ (m * m) + 1e-6)  # noqa: E731
        comp = lambda m: m ** 0.3  # noqa: E731
        version = np.__version__
    elif lib == "scipy":
        import scipy
        from scipy.signal import ShortTimeFFT
        stft = ShortTimeFFT(win, hop=HOP, fs=SR)
        def mag(x):
            # ShortTimeFFT centres slice p on sample p*HOP: 64 leading zeros put slice p+2 on x[p*HOP:p*HOP+512]
            n = 1 + (len(x) - N_FFT) // HOP
            return np.abs(stft.stft(np.concatenate([np.zeros(64, x.dtype), x]), p0=2, p1=2 + n))
        logmel = lambda m: np.log(fb @ (m * m) + 1e-6)  # noqa: E731
        comp = lambda m: m ** 0.3  # noqa: E731
        version = scipy.__version__
    elif lib == "librosa":
        import librosa
        def mag(x):
            return np.abs(librosa.stft(x, n_fft=N_FFT, hop_length=HOP, window=win, center=False))
        logmel = lambda m: np.log(fb @ (m * m) + 1e-6)  # noqa: E731
        comp = lambda m: m ** 0.3  # noqa: E731
        version = librosa.__version__
    elif lib == "torch":
        import torch
        torch.set_num_threads(1)
        tw, tfb = torch.from_numpy(win), torch.from_numpy(fb)
        def mag(x):
            with torch.no_grad():
                return torch.stft(torch.from_numpy(x), N_FFT, HOP, window=tw, center=False,
                                  return_complex=True).abs()
        def logmel(m):
            with torch.no_grad():
                return torch.log(tfb @ (m * m) + 1e-6)
        comp = lambda m: m ** 0.3  # noqa: E731
        version = torch.__version__
    else:
        raise SystemExit(f"unknown library {lib}")
    return mag, comp, logmel, version


def main():
    lib, wav, repeats, result = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    x = read_wav(wav)
    mag, comp, logmel, version = run(lib, x)
    comp_t, mel_t = [], []
    for _ in range(repeats):
        c0 = time.process_time(); m = mag(x); c = comp(m); comp_t.append(time.process_time() - c0)
        c0 = time.process_time(); m = mag(x); lm = logmel(m); mel_t.append(time.process_time() - c0)
    c = np.asarray(c); lm = np.asarray(lm)
    ref_mag, ref_comp, ref_logmel, _ = run("numpy", x)
    rm = ref_mag(x)
    out = {"lib": lib, "version": version, "audio_s": len(x) / SR, "compressed_cpu_s": comp_t, "logmel_cpu_s": mel_t,
           "frames": int(c.shape[1]),
           "max_abs_diff_vs_numpy": float(np.max(np.abs(c[:, :rm.shape[1]] - ref_comp(rm)[:, :c.shape[1]])))}
    with open(result, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
