"""Streaming latency of `attend denoise - -o -`: feeds a WAV stream at real-time pace in 10 ms
pieces and records when each output sample arrives.

For output sample n, arrival(n) − input_time(n) is its delay, where input_time(n) is when input
sample n was written. The algorithmic latency L (samples) means sample n cannot leave before
input sample n + L has been written; the excess delay = delay − L/rate is what the
implementation adds (buffering, compute, pipes). Reports the median and 95th/max excess.

    python3 Benchmarks/streaming/latency.py [--attend .build/release/attend] [--model M] [--seconds 10]
"""
import argparse
import os
import struct
import subprocess
import threading
import time

import numpy as np


def wav_header(rate, channels=1):
    # unknown-length WAV (sizes 0xFFFFFFFF), 16-bit PCM
    return (b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
            + b"data" + struct.pack("<I", 0xFFFFFFFF))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--attend", default=".build/release/attend")
    ap.add_argument("--model", default="Tests/SpeechModelsTests/Fixtures/tiny.safetensors")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--latency-ms", type=float, default=None, help="algorithmic latency (default: 20 ms + chunk - 10 ms)")
    ap.add_argument("--chunk-frames", type=int, default=2)
    args = ap.parse_args()
    rate = 16000
    piece = rate // 100
    n = int(args.seconds * rate) // piece * piece
    rng = np.random.default_rng(0)
    audio = (0.1 * rng.standard_normal(n)).astype(np.float32)
    pcm = (audio * 32767).astype("<i2").tobytes()
    cmd = ["taskset", "-c", "0", args.attend, "denoise", "-", "-o", "-", "--model", args.model,
           "--chunk-frames", str(args.chunk_frames), "--left-frames", "64"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    sent = []  # (time, samples written so far)
    arrivals = []  # (time, output samples received so far)

    def reader():
        got = 0
        header = b""
        while len(header) < 44:
            chunk = p.stdout.read(44 - len(header))
            if not chunk:
                return
            header += chunk
        while True:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            got += len(chunk) // 2
            arrivals.append((time.perf_counter(), got))

    t = threading.Thread(target=reader)
    t.start()
    p.stdin.write(wav_header(rate))
    start = time.perf_counter()
    for i in range(0, n, piece):
        target = start + i / rate
        now = time.perf_counter()
        if target > now:
            time.sleep(target - now)
        p.stdin.write(pcm[2 * i: 2 * (i + piece)])
        sent.append((time.perf_counter(), i + piece))
    p.stdin.close()
    t.join()
    p.wait()
    latency = (args.latency_ms if args.latency_ms is not None else 20 + 10 * (args.chunk_frames - 1)) / 1000
    sent_t = np.array([s[0] for s in sent])
    sent_n = np.array([s[1] for s in sent])
    excess = []
    for when, got in arrivals:
        # the last sample of this arrival needed input up to got + L samples; when was that written?
        need = got + int(latency * rate)
        k = np.searchsorted(sent_n, need)
        if k >= len(sent_n):
            continue  # released by end of stream
        excess.append(when - sent_t[k])
    excess = np.array(excess[5:]) * 1000  # the first pieces include process start-up
    total = arrivals[-1][1] if arrivals else 0
    print(f"input {n} samples, output {total} samples, {len(arrivals)} output pieces; algorithmic latency {latency * 1000:.0f} ms")
    if len(excess):
        print(f"delay beyond algorithmic latency: median {np.median(excess):.1f} ms, p95 {np.percentile(excess, 95):.1f} ms, max {excess.max():.1f} ms")


if __name__ == "__main__":
    main()
