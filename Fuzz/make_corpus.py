#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/Corpus/<target>/ (small files).

Run: python3 Fuzz/make_corpus.py  (needs numpy and soundfile; sox for the Ogg seed if present)
Crash inputs found later are committed by hand next to these as crash-<hash> and are kept.
"""
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile

import numpy as np
import soundfile as sf

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tone(n, rate, channels=1):
    t = np.arange(n) / rate
    x = 0.3 * np.sin(2 * np.pi * 440 * t)
    return np.stack([x * (c + 1) / channels for c in range(channels)], axis=1).astype(np.float32)


def encoded(data, rate, fmt, subtype):
    buf = io.BytesIO()
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


def stream_reader():
    t = "FuzzStreamReader"
    wav16 = encoded(tone(800, 16000), 16000, "WAV", "PCM_16")
    put(t, "wav16-mono", b"\x00" + wav16)
    put(t, "wav-float-stereo-44k", b"\x00" + encoded(tone(300, 44100, 2), 44100, "WAV", "FLOAT"))
    put(t, "wav24-extensible-3ch", b"\x00" + encoded(tone(200, 48000, 3), 48000, "WAV", "PCM_24"))
    put(t, "wav-u8-8k", b"\x00" + encoded(tone(400, 8000), 8000, "WAV", "PCM_U8"))
    # Streaming writers' "unknown length": RIFF and data sizes 0xFFFFFFFF, or 0.
    unknown = bytearray(wav16)
    unknown[4:8] = b"\xff\xff\xff\xff"
    unknown[40:44] = b"\xff\xff\xff\xff"
    put(t, "wav16-unknown-length", b"\x00" + bytes(unknown))
    zero = bytearray(wav16)
    zero[4:8] = b"\x00\x00\x00\x00"
    zero[40:44] = b"\x00\x00\x00\x00"
    put(t, "wav16-zero-length", b"\x00" + bytes(zero))
    put(t, "wav16-truncated", b"\x00" + wav16[:300])
    put(t, "flac-mono", b"\x00" + encoded(tone(1600, 16000), 16000, "FLAC", "PCM_16"))
    put(t, "aiff-mono", b"\x00" + encoded(tone(200, 22050), 22050, "AIFF", "PCM_16"))
    try:
        put(t, "ogg-vorbis", b"\x00" + encoded(tone(1600, 16000), 16000, "OGG", "VORBIS"))
    except Exception as e:  # libsndfile built without Vorbis
        print("skipping ogg seed:", e)
    pcm = (tone(400, 16000)[:, 0] * 32767).astype("<i2").tobytes()
    # control: bit 0 raw, bits 1-3 encoding index (s16le=0), bits 4-5 rate index (16 kHz=1), bits 6-7 channels-1.
    put(t, "raw-s16le-16k-mono", bytes([1 | 0 << 1 | 1 << 4]) + pcm)
    put(t, "raw-f32le-48k-stereo", bytes([1 | 4 << 1 | 3 << 4 | 1 << 6]) + tone(100, 48000, 2).astype("<f4").tobytes())
    put(t, "raw-u8-8k-mono", bytes([1 | 5 << 1 | 0 << 4]) + bytes(range(256)))


def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def micro_model():
    """The smallest config AttendModel accepts, and weights of exactly the shapes it needs."""
    c = dict(model_type="attend-encoder", version=1, sample_rate=16000, n_fft=8, hop=4, compress=0.3,
             window="hann", synthesis_length=8, n_bins=5, stem_channels=1, d_model=2, n_heads=1, n_layers=1,
             ff_mult=1, conv_kernel=1, rope_base=10000.0, normaliser="entmax", alpha_min=1.01, alpha_max=2.0,
             entmax_iters=5, chunk_size=0, left_context=0, n_phones=2, phones=["<blank>", "SIL"],
             espeak_map={"@": "SIL"}, d_align=2, text_kernel=1, layer_norm_eps=1e-5)
    d, ch, stem_bins, p, a = 2, 1, 2, 2, 2
    shapes = {
        "stem.conv1.weight": [ch, 1, 3, 3], "stem.conv1.bias": [ch],
        "stem.conv2.weight": [ch, ch, 3, 3], "stem.conv2.bias": [ch],
        "stem.proj.weight": [d, ch * stem_bins], "stem.proj.bias": [d],
        "mask_head.weight": [5, d], "mask_head.bias": [5],
        "phone_head.weight": [p, d], "phone_head.bias": [p],
        "frame_key.weight": [a, d], "frame_key.bias": [a],
        "text.embed.weight": [p, a],
        "text.conv1.weight": [a, a, 1], "text.conv1.bias": [a],
        "text.conv2.weight": [a, a, 1], "text.conv2.bias": [a],
    }
    b = "blocks.0."
    for ff in ("ff1", "ff2"):
        shapes.update({b + ff + ".norm.weight": [d], b + ff + ".norm.bias": [d],
                       b + ff + ".up.weight": [d, d], b + ff + ".up.bias": [d],
                       b + ff + ".down.weight": [d, d], b + ff + ".down.bias": [d]})
    for proj in ("q", "k", "v", "out"):
        shapes.update({b + "attn." + proj + ".weight": [d, d], b + "attn." + proj + ".bias": [d]})
    shapes.update({b + "attn.alpha_logit": [1], b + "attn_norm.weight": [d], b + "attn_norm.bias": [d],
                   b + "conv.norm.weight": [d], b + "conv.norm.bias": [d],
                   b + "conv.pw1.weight": [2 * d, d], b + "conv.pw1.bias": [2 * d],
                   b + "conv.dw.weight": [d, 1, 1], b + "conv.dw.bias": [d],
                   b + "conv.dw_norm.weight": [d], b + "conv.dw_norm.bias": [d],
                   b + "conv.pw2.weight": [d, d], b + "conv.pw2.bias": [d],
                   b + "out_norm.weight": [d], b + "out_norm.bias": [d]})
    rng = np.random.default_rng(7)
    tensors = {}
    for i, (name, shape) in enumerate(sorted(shapes.items())):
        x = (rng.standard_normal(shape) * 0.1).astype(np.float32)
        if i % 3 == 1:
            tensors[name] = ("F16", shape, x.astype("<f2").tobytes())
        elif i % 3 == 2:
            tensors[name] = ("BF16", shape, (x.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes())
        else:
            tensors[name] = ("F32", shape, x.astype("<f4").tobytes())
    return c, tensors


def checkpoint():
    t = "FuzzCheckpoint"
    config, tensors = micro_model()

    def seed(cfg_bytes, weights):
        return struct.pack("<H", len(cfg_bytes)) + cfg_bytes + weights

    cfg = json.dumps(config, indent=1).encode()
    put(t, "micro-model", seed(cfg, safetensors(tensors, {"model_type": "attend-encoder", "version": "1"})))
    put(t, "micro-config-empty-weights", seed(cfg, safetensors({})))
    some = dict(list(tensors.items())[:3])
    put(t, "three-tensors-no-config", seed(b"", safetensors(some)))
    bad = dict(config, n_heads=3, normaliser="softmax", window="lowlatency", synthesis_length=4)
    put(t, "config-rejected", seed(json.dumps(bad).encode(), safetensors(some)))
    put(t, "config-non-integer", seed(b'{"d_model": 2.5, "n_layers": 1e3, "phones": [1, null]}', safetensors({})))


def transcript():
    t = "FuzzTranscript"
    texts = {
        "english": "Hello, world. The quick brown fox jumps over the lazy dog!",
        "numbers": "In 1984 it cost $3.50 (about 12%) on 3/4/2021 at 10:30.",
        "abbreviations": "U.S.A. Dr. Smith's e.g. rock-'n'-roll \u2014 well... \"quoted\"",
        "rtl": "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u05e9\u05dc\u05d5\u05dd",
        "cjk": "\u4f60\u597d\u4e16\u754c \u3053\u3093\u306b\u3061\u306f \ud55c\uad6d\uc5b4",
        "emoji-combining": "caf\u00e9 cafe\u0301 \U0001F600 \u200b zero\u200dwidth \ufeffbom",
        "punctuation-only": "... \u2014 !!! (( ))",
        "controls": "tab\there\rcr\x00nul\x1bescape",
    }
    for name, text in texts.items():
        put(t, name, text.encode("utf-8"))


def npy():
    t = "FuzzNPY"

    def save(name, arr, **kw):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, arr, **kw)
        put(t, name, buf.getvalue())

    save("f4-2x3", np.arange(6, dtype="<f4").reshape(2, 3))
    save("f8-vector", np.linspace(-1, 1, 5).astype("<f8"))
    save("i4-3d", np.arange(8, dtype="<i4").reshape(2, 2, 2))
    save("i8-scalar", np.array(7, dtype="<i8"))
    save("u1-bool", np.array([True, False, True]))
    save("f4-empty", np.zeros((0, 4), dtype="<f4"))
    save("f4-v2", np.ones((2, 2), dtype="<f4"), version=(2, 0))
    save("f4-fortran", np.asfortranarray(np.ones((2, 3), dtype="<f4")))
    save("f4-specials", np.array([np.nan, np.inf, -np.inf, 1e-45, -0.0], dtype="<f4"))


if __name__ == "__main__":
    if os.path.isdir(ROOT):
        for target in os.listdir(ROOT):
            for f in os.listdir(os.path.join(ROOT, target)):
                if not f.startswith("crash-"):
                    os.remove(os.path.join(ROOT, target, f))
    stream_reader()
    checkpoint()
    transcript()
    npy()
