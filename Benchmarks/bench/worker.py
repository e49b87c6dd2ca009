"""One system, one process: run it on a set and record outputs and timings.

Started by bench.evaluate under `taskset -c 0` with every thread pool set to one thread, so each
timing is one pinned core. Usage:
  python -m bench.worker denoise SYSTEM MANIFEST OUTDIR RESULT.json
  python -m bench.worker align   SYSTEM MANIFEST RESULT.json
  python -m bench.worker speed   SYSTEM WAV REPEATS RESULT.json   (denoisers)
  python -m bench.worker aspeed  SYSTEM WAV TRANSCRIPT REPEATS RESULT.json   (aligners)
"""
from __future__ import annotations

import resource
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from .common import SR, load_json, read_mono16k, save_json, write16k


def _cpu() -> float:
    """CPU seconds of this process (all threads) plus its finished children: unlike wall time, this
    does not grow when other jobs share the core."""
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + c.ru_utime + c.ru_stime


def _rss_mb() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(s, c) / 1024.0


def denoise(system: str, manifest: str, outdir: str, result: str) -> None:
    from .denoisers import SYSTEMS
    base = Path(manifest).parent
    d = SYSTEMS[system]()
    t0 = time.perf_counter(); d.load(); load_s = time.perf_counter() - t0
    items = {}
    for it in load_json(manifest)["items"]:
        x = read_mono16k(base / it["noisy"])
        d.reset()
        c0, t0 = _cpu(), time.perf_counter()
        try:
            y = d.process(x)
            err = None
        except Exception as e:  # noqa: BLE001 - one failing file is recorded, not fatal
            y, err = None, f"{type(e).__name__}: {e}"
        dt, dc = time.perf_counter() - t0, _cpu() - c0
        if y is not None:
            write16k(Path(outdir) / f"{it['id']}.wav", y)
        items[it["id"]] = {"seconds": dt, "cpu_s": dc, "audio_s": len(x) / SR, "error": err}
    save_json(result, {"system": system, "load_s": load_s, "peak_rss_mb": _rss_mb(), "items": items})


def align(system: str, manifest: str, result: str) -> None:
    from .aligners import SYSTEMS, PocketSphinx
    base = Path(manifest).parent
    a = SYSTEMS[system]()
    t0 = time.perf_counter(); a.load(); load_s = time.perf_counter() - t0
    items = {}
    for it in load_json(manifest)["items"]:
        x = read_mono16k(base / it["audio"])
        words = (base / it["transcript"]).read_text().split()
        rec = {"audio_s": len(x) / SR}
        if isinstance(a, PocketSphinx) and a.retry:
            pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
            c0, t0 = _cpu(), time.perf_counter()
            r = a._run(a.plain, pcm, words)
            rec["plain_s"], rec["plain_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
            rec["plain"] = r
            rec["wide_s"] = rec["wide_cpu_s"] = 0.0
            if r is None:
                c0, t0 = _cpu(), time.perf_counter()
                r = a._run(a.wide, pcm, words)
                rec["wide_s"], rec["wide_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
            rec["words"] = r
            rec["seconds"] = rec["plain_s"] + rec["wide_s"]
            rec["cpu_s"] = rec["plain_cpu_s"] + rec["wide_cpu_s"]
        else:
            c0, t0 = _cpu(), time.perf_counter()
            try:
                r, info = a.align(x, words)
            except Exception as e:  # noqa: BLE001
                r, info = None, {"error": f"{type(e).__name__}: {e}"}
            rec["seconds"], rec["cpu_s"] = time.perf_counter() - t0, _cpu() - c0
            rec["words"] = r
            rec["info"] = info
        items[it["id"]] = rec
    save_json(result, {"system": system, "load_s": load_s, "peak_rss_mb": _rss_mb(), "items": items})


def speed(system: str, wav: str, repeats: str, result: str) -> None:
    from .denoisers import SYSTEMS
    d = SYSTEMS[system]()
    t0 = time.perf_counter(); d.load(); load_s = time.perf_counter() - t0
    x = read_mono16k(wav)
    runs, cpu = [], []
    for _ in range(int(repeats)):
        d.reset()
        c0, t0 = _cpu(), time.perf_counter()
        d.process(x)
        runs.append(time.perf_counter() - t0); cpu.append(_cpu() - c0)
    save_json(result, {"system": system, "load_s": load_s, "audio_s": len(x) / SR, "runs_s": runs, "cpu_s": cpu,
                       "peak_rss_mb": _rss_mb()})


def aspeed(system: str, wav: str, transcript: str, repeats: str, result: str) -> None:
    from .aligners import SYSTEMS
    a = SYSTEMS[system]()
    t0 = time.perf_counter(); a.load(); load_s = time.perf_counter() - t0
    x = read_mono16k(wav)
    words = Path(transcript).read_text().split()
    runs, cpu, ok = [], [], True
    for _ in range(int(repeats)):
        c0, t0 = _cpu(), time.perf_counter()
        r, _ = a.align(x, words)
        runs.append(time.perf_counter() - t0); cpu.append(_cpu() - c0)
        ok = ok and r is not None
    save_json(result, {"system": system, "load_s": load_s, "audio_s": len(x) / SR, "runs_s": runs, "cpu_s": cpu,
                       "peak_rss_mb": _rss_mb(), "succeeded": ok})


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    try:
        {"denoise": denoise, "align": align, "speed": speed, "aspeed": aspeed}[mode](*args)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
