"""Golden files for `attend features` against librosa, at several input rates and channel counts.

Writes Tests/CLITests/Fixtures/features/: speech_{8000,16000,44100,48000}.wav (mono) and
speech_44100_stereo.wav (1 s of espeak-ng speech, PCM 16), and for each the librosa reference
`NAME.power80.npy` = librosa.feature.melspectrogram(y=y16, sr=16000, n_fft=512, hop_length=160,
n_mels=80).T, where y16 is the file mixed to mono and resampled to 16 kHz with libsoxr HQ (the
resampler attend uses, through the `soxr` package).
Run: python3 Training/golden/make_features_golden.py
"""
import pathlib
import subprocess
import tempfile

import librosa
import numpy as np
import soundfile as sf
import soxr

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "CLITests" / "Fixtures" / "features"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = pathlib.Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", str(raw), "Attend listens to speech."], check=True)
        x, sr = sf.read(raw, dtype="float64")
    x = x[: sr * 1]  # one second
    rng = np.random.default_rng(7)
    cases = {f"speech_{r}": (r, 1) for r in (8000, 16000, 44100, 48000)}
    cases["speech_44100_stereo"] = (44100, 2)
    for name, (rate, channels) in cases.items():
        y = soxr.resample(x, sr, rate, quality="VHQ")
        if channels == 2:  # a second channel with a delay and another level
            y = np.stack([y, 0.5 * np.roll(y, 37) + 0.01 * rng.standard_normal(len(y))], axis=1)
        sf.write(OUT / f"{name}.wav", np.clip(y, -1, 1), rate, subtype="PCM_16")
        z, _ = sf.read(OUT / f"{name}.wav", dtype="float32", always_2d=True)
        mono = z.mean(axis=1)
        y16 = mono if rate == 16000 else soxr.resample(mono, rate, 16000, quality="HQ").astype(np.float32)
        mel = librosa.feature.melspectrogram(y=y16, sr=16000, n_fft=512, hop_length=160, n_mels=80).T
        np.save(OUT / f"{name}.power80.npy", np.ascontiguousarray(mel, dtype=np.float32))
        print(name, rate, channels, mel.shape)


if __name__ == "__main__":
    main()
