#!/usr/bin/env python3
"""Mel power spectrogram speed: attend vs librosa vs torchaudio vs torch vs scipy, one pinned core.

Every contender computes the same thing: an 80-band power mel spectrogram of 16 kHz audio with
n_fft=512, hop=160, periodic Hann, center=True with zero padding, Slaney mel scale and norm
(= librosa.feature.melspectrogram(y, sr=16000, n_fft=512, hop_length=160, n_mels=80)).

    # Python libraries only (makes a 10-minute speech-like WAV when --audio is not given):
    python3 Benchmarks/features/bench_features.py
    # with attend's CLI: {input} and {output} are substituted, output must be a (frames, 80) .npy
    python3 Benchmarks/features/bench_features.py --audio ten_min.wav \
        --cmd '.build/release/attend features {input} --kind power --mels 80 -o {output}'
    # with attend's library timed in-process on the decoded audio, as the Python contenders are:
    python3 Benchmarks/features/bench_features.py --audio ten_min.wav \
        --lib-cmd '.build/release/attend-bench features --input {input} --repeat 5 --output {output}'

The script pins itself (and the command, via `taskset -c CPU`) to one core and forces every
library to one thread. Python contenders are timed on the decoded array (decoding excluded, in
their favour); the command is timed end to end (process start, decoding, writing the .npy).
Each time is the best of --repeat runs after one warm-up, as wall time and as CPU time
(user + system, the command's from its rusage); --clock picks which one the ratios use. Every result is checked against
librosa: worst per-frame relative error ||a-b|| / ||b|| over frames with energy > 1e-8.
A --lib-cmd times itself: it decodes the audio untimed, runs its features --repeat times and prints
one JSON object whose "seconds" and "cpu_seconds" hold the runs ("min" is used: best of, as here).
Ratios are "fastest Python library time / contender time" (> 1 is faster than all of Python).
"""
import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

CPU_DEFAULT = 0
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402  (after the thread settings)

SR, N_FFT, HOP, N_MELS = 16000, 512, 160, 80


def make_audio(path, minutes, seed=0):
    """A speech-like mono 16 kHz float WAV: espeak-ng sentences at varying gain + faint noise."""
    import librosa
    import soundfile as sf
    sentences = [
        "The quick brown fox jumps over the lazy dog.",
        "Attention models align words with sound, frame by frame.",
        "Noise reduction should keep speech clear and natural.",
        "She sells sea shells by the sea shore on a windy afternoon.",
    ]
    clips = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(sentences):
            wav = os.path.join(tmp, f"{i}.wav")
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", wav, text], check=True)
            y, sr = sf.read(wav, dtype="float32")
            clips.append(librosa.resample(y, orig_sr=sr, target_sr=SR))
    rng = np.random.default_rng(seed)
    total = int(minutes * 60 * SR)
    out = np.empty(0, dtype=np.float32)
    pieces, length = [], 0
    while length < total:
        clip = clips[rng.integers(len(clips))] * rng.uniform(0.2, 1.0)
        gap = np.zeros(int(rng.uniform(0.05, 0.5) * SR), dtype=np.float32)
        pieces += [clip, gap]
        length += len(clip) + len(gap)
    out = np.concatenate(pieces)[:total]
    out = out + 1e-3 * rng.standard_normal(total).astype(np.float32)
    sf.write(path, np.clip(out, -1, 1), SR, subtype="FLOAT")


def load_audio(path):
    import soundfile as sf
    y, sr = sf.read(path, dtype="float32", always_2d=True)
    y = y.mean(axis=1).astype(np.float32)
    if sr != SR:
        import librosa
        y = librosa.resample(y, orig_sr=sr, target_sr=SR).astype(np.float32)
    return y


def contenders():
    """name -> (setup() -> fn(y) -> frames x mels array), or a reason it is unavailable."""
    import librosa
    import scipy.fft
    import scipy.signal
    melfb = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS)
    out = {}

    def librosa_setup():
        return lambda y: librosa.feature.melspectrogram(
            y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS).T
    out["librosa"] = librosa_setup

    def scipy_setup():
        window = scipy.signal.get_window("hann", N_FFT).astype(np.float32)
        fb_t = np.ascontiguousarray(melfb.T)

        def run(y):
            padded = np.pad(y, N_FFT // 2)
            frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
            spec = scipy.fft.rfft(frames * window, axis=1, workers=1)
            power = spec.real ** 2 + spec.imag ** 2
            return power @ fb_t
        return run
    out["scipy"] = scipy_setup

    try:
        import torch
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
    except Exception as e:  # noqa: BLE001
        torch = None
        out["torch"] = f"unavailable ({type(e).__name__}: {e})"
    if torch is not None:
        def torch_setup():
            window = torch.hann_window(N_FFT, periodic=True)
            fb = torch.from_numpy(melfb)

            def run(y):
                with torch.inference_mode():
                    spec = torch.stft(torch.from_numpy(y), N_FFT, HOP, window=window, center=True,
                                      pad_mode="constant", return_complex=True)
                    power = spec.real.square() + spec.imag.square()
                    return (fb @ power).T.numpy()
            return run
        out["torch.stft"] = torch_setup

    try:
        import torchaudio

        def torchaudio_setup():
            t = torchaudio.transforms.MelSpectrogram(
                sample_rate=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, power=2.0, center=True,
                pad_mode="constant", norm="slaney", mel_scale="slaney")

            def run(y):
                with torch.inference_mode():
                    return t(torch.from_numpy(y)).T.numpy()
            return run
        out["torchaudio"] = torchaudio_setup
    except Exception as e:  # noqa: BLE001
        out["torchaudio"] = f"unavailable ({type(e).__name__}: {e})"
    return out


def parity(result, reference):
    """Worst per-frame relative error over frames with energy > 1e-8, or a shape complaint."""
    if result.shape != reference.shape:
        return f"shape {result.shape} != librosa {reference.shape}"
    energy = reference.sum(axis=1)
    keep = energy > 1e-8
    num = np.linalg.norm((result - reference)[keep], axis=1)
    den = np.linalg.norm(reference[keep], axis=1)
    return float((num / den).max())


def cpu_seconds():
    """CPU time (user + system) of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(fn, repeat):
    """(best wall seconds, best CPU seconds) over `repeat` runs after a warm-up."""
    fn()
    wall = cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = cpu_seconds(), time.perf_counter()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, cpu_seconds() - c0)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--audio", help="audio file (any rate/channels; resampled to 16 kHz mono)")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the generated audio")
    ap.add_argument("--cmd", action="append", default=[],
                    help="command to time, with {input} and {output}; repeatable")
    ap.add_argument("--name", action="append", default=[], help="display name for each --cmd")
    ap.add_argument("--lib-cmd", action="append", default=[],
                    help="command that times a library in-process and prints JSON (see above); repeatable")
    ap.add_argument("--lib-name", action="append", default=[], help="display name for each --lib-cmd")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=CPU_DEFAULT, help="core to pin to")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="time the ratios use: wall (idle machine) or cpu (user+system; use on a "
                         "shared machine, where the pinned core is not yours alone)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    os.sched_setaffinity(0, {args.cpu})
    tmp = tempfile.mkdtemp(prefix="bench_features_")
    audio = args.audio
    if audio is None:
        audio = os.path.join(tmp, "speech.wav")
        make_audio(audio, args.minutes)
    y = load_audio(audio)
    seconds = len(y) / SR
    print(f"audio: {audio} ({seconds:.1f} s at 16 kHz), pinned to CPU {args.cpu}, best of {args.repeat}",
          file=sys.stderr)

    rows = []
    reference = None
    for name, setup in contenders().items():
        if isinstance(setup, str):
            rows.append({"name": name, "skipped": setup})
            continue
        fn = setup()
        result = np.asarray(fn(y), dtype=np.float32)
        if reference is None:
            reference = result            # librosa is first
        wall, cpu = best_of(lambda: fn(y), args.repeat)
        rows.append({"name": name, "wall": wall, "cpu": cpu, "python": True,
                     "parity": parity(result, reference)})

    for i, cmd in enumerate(args.cmd):
        name = args.name[i] if i < len(args.name) else f"cmd{i + 1}"
        output = os.path.join(tmp, f"{name}.npy")
        argv = ["taskset", "-c", str(args.cpu)] + shlex.split(cmd.format(input=audio, output=output))

        def run():
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        wall, cpu = best_of(run, args.repeat)
        result = np.load(output).astype(np.float32)
        rows.append({"name": name, "wall": wall, "cpu": cpu, "python": False, "command": cmd,
                     "parity": parity(result, reference)})

    for i, cmd in enumerate(args.lib_cmd):
        name = args.lib_name[i] if i < len(args.lib_name) else f"lib{i + 1}"
        output = os.path.join(tmp, f"{name}.npy")
        argv = ["taskset", "-c", str(args.cpu)] + shlex.split(cmd.format(input=audio, output=output))
        r = subprocess.run(argv, check=True, capture_output=True, text=True)
        report = json.loads(r.stdout)
        result = np.load(output).astype(np.float32)
        rows.append({"name": name, "wall": report["seconds"]["min"], "cpu": report["cpu_seconds"]["min"],
                     "python": False, "in_process": True, "command": cmd, "report": report,
                     "parity": parity(result, reference)})

    timed = [r for r in rows if "cpu" in r]
    key = args.clock
    fastest_python = min(r[key] for r in timed if r["python"])
    print(f"\n{'contender':<14} {'wall s':>8} {'CPU s':>8} {'x realtime':>11} {'vs fastest Python':>18}"
          f"  parity vs librosa   (ratios on {key} time)")
    for r in rows:
        if "skipped" in r:
            print(f"{r['name']:<14} {'—':>8} {'—':>8} {'—':>11} {'—':>18}  skipped: {r['skipped']}")
            continue
        r["realtime"] = seconds / r[key]
        r["ratio"] = fastest_python / r[key]
        p = r["parity"]
        ptxt = f"{p:.1e}" if isinstance(p, float) else p
        print(f"{r['name']:<14} {r['wall']:>8.3f} {r['cpu']:>8.3f} {r['realtime']:>10.0f}x {r['ratio']:>17.2f}x  {ptxt}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"audio": audio, "seconds_of_audio": seconds, "cpu": args.cpu,
                       "repeat": args.repeat, "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
