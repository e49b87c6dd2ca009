"""Run every system on the same sets in the same run, score them, and write results/latest.{md,json}.

Usage: python -m bench.evaluate [--quick] [--only denoise|align|speed]
Sets must exist (python -m bench.build_sets). Each system runs in its own process pinned to core 0
(`taskset -c 0`) with one thread; scoring runs afterwards in this process.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from . import aligners, denoisers
from .common import BENCH, OUT, REPO, RESULTS, SETS, SR, WORK, load_json, read_mono16k, save_json, write16k
from .denoisers import attend_bin
from .metrics import boundary_errors, denoise_scores, summarise_errors

DENOISERS = ["attend", "attend-stream", "attend-offline", "dfn3", "nsnet2", "gtcrn", "rnnoise", "speexdsp", "noisereduce", "sox"]
ALIGNERS = ["attend", "attend-stream", "ps", "ps-retry", "vad"]
CORE = os.environ.get("BENCH_CORE", "0")  # the core every system is pinned to (run two parts at once on two)
DENOISE_ANCHOR = "nsnet2"      # timing ratios are against this system, measured in the same run
ALIGN_ANCHOR = "ps"


def _env() -> dict:
    e = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
              "RAYON_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        e[k] = "1"
    e["PYTHONPATH"] = str(BENCH)
    return e


def _pinned(args: list[str]) -> tuple[bool, str]:
    cmd = ["taskset", "-c", CORE, sys.executable, "-m", "bench.worker", *args]
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    return r.returncode == 0, (r.stderr.strip().splitlines() or [""])[-1][-300:]


def _log(msg: str) -> None:
    print(f"[{dt.datetime.now(dt.timezone.utc).strftime('%H:%M:%S')}] {msg}", flush=True)


def _mean(v):
    v = [x for x in v if x is not None and not np.isnan(x)]
    return float(np.mean(v)) if v else None


def _available(kind: str, name: str) -> tuple[bool, str]:
    if not name.startswith("attend"):
        return True, ""
    return denoisers.attend_has("denoise" if kind == "denoise" else "align")


# ----------------------------------------------------------------------------------------------- denoise

def _score_item(task) -> dict:
    """Scores of one mixture for the noisy input and every system that ran (None where it failed);
    a pure function of the files, so the scores do not depend on how many processes share them."""
    base, it, ok_systems = task
    clean = read_mono16k(Path(base) / it["clean"])
    noisy = read_mono16k(Path(base) / it["noisy"])
    sc = {"noisy": denoise_scores(clean, noisy, noisy)}
    for name, errors in ok_systems.items():
        if errors[it["id"]]:
            sc[name] = None
            continue
        out, _ = sf.read(str(OUT / "denoise" / name / f"{it['id']}.wav"), dtype="float32")
        sc[name] = denoise_scores(clean, noisy, out)
    return sc


def run_denoise() -> dict:
    manifest = SETS / "denoise" / "manifest.json"
    items = load_json(manifest)["items"]
    base = manifest.parent
    systems = {}
    for name in DENOISERS:
        cls = denoisers.SYSTEMS[name]
        row = {"label": cls.label, "latency": cls.latency, "kind": cls.kind}
        ok, why = _available("denoise", name)
        if not ok:
            row["status"] = f"not available: {why}"
            systems[name] = row
            _log(f"denoise {name}: {row['status']}")
            continue
        _log(f"denoise {name}: running on {len(items)} files (core {CORE})")
        outdir = OUT / "denoise" / name
        res = WORK / "runs" / f"denoise-{name}.json"
        ok, err = _pinned(["denoise", name, str(manifest), str(outdir), str(res)])
        if not ok:
            row["status"] = f"failed: {err}"
            systems[name] = row
            _log(f"denoise {name}: {row['status']}")
            continue
        row["status"] = "ok"
        row["run"] = load_json(res)
        systems[name] = row
    jobs = int(os.environ.get("BENCH_SCORE_JOBS", str(os.cpu_count() or 1)))
    _log(f"denoise: scoring ({jobs} processes)")
    ok_systems = {name: {i: r["error"] for i, r in row["run"]["items"].items()}
                  for name, row in systems.items() if row["status"] == "ok"}
    tasks = [(str(base), it, ok_systems) for it in items]
    if jobs > 1:
        import concurrent.futures as cf
        with cf.ProcessPoolExecutor(jobs) as ex:
            scored = list(ex.map(_score_item, tasks, chunksize=4))
    else:
        scored = [_score_item(t) for t in tasks]
    per_item = {it["id"]: sc for it, sc in zip(items, scored)}
    save_json(WORK / "runs" / "denoise-scores.json", per_item)

    names = ["noisy"] + [n for n in DENOISERS if systems[n]["status"] == "ok"]
    conds = sorted({(it["noise"], it["snr"]) for it in items}, key=lambda c: (c[0], -c[1]))
    summary = {}
    for n in names:
        rows = [(it, per_item[it["id"]].get(n)) for it in items]
        good = [s for _, s in rows if s]
        d = {k: _mean([s[k] for s in good]) for k in ("pesq", "stoi", "sisdr", "sisdri")}
        d["files_failed"] = sum(1 for _, s in rows if s is None)
        d["pesq_nan"] = sum(1 for s in good if np.isnan(s["pesq"]))
        d["lag_ms_median"] = float(np.median([s["lag_ms"] for s in good])) if good else None
        d["by_condition"] = {}
        for noise, snr in conds:
            sub = [s for it, s in rows if s and it["noise"] == noise and it["snr"] == snr]
            d["by_condition"][f"{noise}{snr}"] = {k: _mean([s[k] for s in sub]) for k in ("pesq", "stoi", "sisdri")}
        if n != "noisy":
            run = systems[n]["run"]
            t = sum(v["seconds"] for v in run["items"].values())
            c = sum(v.get("cpu_s", v["seconds"]) for v in run["items"].values())
            a = sum(v["audio_s"] for v in run["items"].values())
            d["rtf"] = c / a
            d["rtf_wall"] = t / a
            d["rtf_file_median"] = float(np.median([v.get("cpu_s", v["seconds"]) / v["audio_s"]
                                                    for v in run["items"].values()]))
            d["load_s"] = run["load_s"]
            d["peak_rss_mb"] = run["peak_rss_mb"]
        summary[n] = d
    anchor = summary.get(DENOISE_ANCHOR, {}).get("rtf")
    for n, d in summary.items():
        if anchor and d.get("rtf"):
            d["rtf_vs_anchor"] = d["rtf"] / anchor
    return {
        "files": len(items), "minutes": sum(i["seconds"] for i in items) / 60,
        "utterances": sorted({i["utt"] for i in items}),
        "conditions": [f"{a}{b}" for a, b in conds],
        "systems": {n: {k: v for k, v in r.items() if k != "run"} for n, r in systems.items()},
        "summary": summary, "anchor": DENOISE_ANCHOR,
    }


# ----------------------------------------------------------------------------------------------- align

def run_align() -> dict:
    manifest = SETS / "align" / "manifest.json"
    man = load_json(manifest)
    items = man["items"]
    runs, status = {}, {}
    for name in ["attend", "attend-stream", "ps-retry", "vad"]:
        ok, why = _available("align", name)
        if not ok:
            status[name] = f"not available: {why}"
            _log(f"align {name}: {status[name]}")
            continue
        _log(f"align {name}: running on {len(items)} files (core {CORE})")
        res = WORK / "runs" / f"align-{name}.json"
        ok, err = _pinned(["align", name, str(manifest), str(res)])
        if not ok:
            status[name] = f"failed: {err}"
            continue
        status[name] = "ok"
        runs[name] = load_json(res)
    # pocketsphinx plain is the first pass of the retry run
    if "ps-retry" in runs:
        plain = {}
        for k, v in runs["ps-retry"]["items"].items():
            plain[k] = {"words": v["plain"], "seconds": v["plain_s"], "cpu_s": v.get("plain_cpu_s", v["plain_s"]),
                        "audio_s": v["audio_s"]}
        runs["ps"] = {"items": plain, "load_s": runs["ps-retry"]["load_s"] / 2,
                      "peak_rss_mb": runs["ps-retry"]["peak_rss_mb"]}
        status["ps"] = "ok"
    else:
        status["ps"] = status.get("ps-retry", "not run")
    labels = {"attend": "attend align", "attend-stream": aligners.AttendStream.label, "ps": "pocketsphinx 5.1.1", "ps-retry": "pocketsphinx 5.1.1 + wide-beam retry",
              "vad": "energy-VAD floor"}
    groups = sorted({(it["ref"], it["cond"]) for it in items}, key=lambda g: (g[0], ["clean", "crowd5", "crowd0"].index(g[1])))
    table = {}
    for name in ALIGNERS:
        if status.get(name) != "ok":
            continue
        table[name] = {}
        for ref, cond in groups:
            sub = [it for it in items if it["ref"] == ref and it["cond"] == cond]
            errs, failed, t, a = [], 0, 0.0, 0.0
            for it in sub:
                r = runs[name]["items"][it["id"]]
                hyp = r["words"]
                if hyp is None or len(hyp) != len(it["words"]):
                    failed += 1
                errs += boundary_errors(it["words"], hyp)
                t += r.get("cpu_s", r["seconds"]); a += r["audio_s"]
            s = summarise_errors(errs)
            s.update({"utterances": len(sub), "failed_utterances": failed, "rtf": t / a if a else None})
            table[name][f"{ref}/{cond}"] = s
        tot_t = sum(v.get("cpu_s", v["seconds"]) for v in runs[name]["items"].values())
        tot_a = sum(v["audio_s"] for v in runs[name]["items"].values())
        table[name]["_rtf"] = tot_t / tot_a
    anchor = table.get(ALIGN_ANCHOR, {}).get("_rtf")
    for name in table:
        if anchor:
            table[name]["_rtf_vs_anchor"] = table[name]["_rtf"] / anchor
    n_exact = len({it["utt"] for it in items if it["ref"] == "exact"})
    n_silver = len({it["utt"] for it in items if it["ref"] == "silver"})
    return {"status": status, "labels": labels, "table": table, "groups": [f"{r}/{c}" for r, c in groups],
            "utterances": {"exact": n_exact, "silver": n_silver}, "dropped": man.get("dropped", []),
            "words": {"exact": sum(len(it["words"]) for it in items if it["ref"] == "exact" and it["cond"] == "clean"),
                      "silver": sum(len(it["words"]) for it in items if it["ref"] == "silver" and it["cond"] == "clean")},
            "anchor": ALIGN_ANCHOR}


# ----------------------------------------------------------------------------------------------- speed

def _long_file(seconds: float) -> Path:
    """The first `seconds` of the noisy denoise mixtures, concatenated in id order (tiled if needed)."""
    path = WORK / "speed" / f"long{int(seconds)}.wav"
    man = load_json(SETS / "denoise" / "manifest.json")
    parts, have = [], 0
    items = sorted(man["items"], key=lambda i: i["id"])
    k = 0
    while have < seconds * SR:
        x = read_mono16k(SETS / "denoise" / items[k % len(items)]["noisy"])
        parts.append(x); have += len(x); k += 1
    write16k(path, np.concatenate(parts)[: int(seconds * SR)])
    return path


def _attend_frontend(wav: Path, seconds: int, repeats: int) -> dict:
    """`attend features` (Swift, FFTW) as a user runs it, pinned to core 0: CPU time of the whole
    process (start, reading, features, writing the .npy), so it is a ceiling on the front end's own
    cost. magnitude^0.3 is not one of its kinds: its `--kind magnitude` row stands in (same STFT,
    the power 0.3 is one pass over the frames)."""
    import resource
    from .denoisers import attend_has
    ok, why = attend_has("features")
    if not ok:
        return {"status": f"not available: {why}"}
    binary = attend_bin()
    out = WORK / "runs" / "frontend-attend.npy"
    times = {"magnitude": [], "logmel": []}
    for _ in range(repeats):
        for kind in times:
            cmd = ["taskset", "-c", CORE, str(binary), "features", str(wav), "--kind", kind, "-o", str(out)]
            if kind == "logmel":
                cmd[-2:-2] = ["--mels", "80"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = subprocess.run(cmd, capture_output=True, text=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r.returncode != 0:
                return {"status": "failed: " + (r.stderr.strip().splitlines() or [""])[-1][-200:]}
            times[kind].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    comp = np.array(times["magnitude"]) / seconds
    mel = np.array(times["logmel"]) / seconds
    x = np.load(out)  # the log-mel of the last run: its shape is checked, values by the test suite
    version = "attend " + (machine().get("commit") or "?")
    return {"status": "ok" if x.ndim == 2 and x.shape[1] == 80 else f"failed: log-mel shape {x.shape}",
            "version": version, "compressed_rtf": float(np.median(comp)), "compressed_min": float(comp.min()),
            "compressed_max": float(comp.max()), "logmel_rtf": float(np.median(mel)), "logmel_min": float(mel.min()),
            "logmel_max": float(mel.max()), "runs": len(comp), "max_abs_diff_vs_numpy": float("nan"),
            "whole_process": True}


def run_encoder(quick: bool) -> dict:
    """The engine comparison of Benchmarks/encoder (Swift against PyTorch eager and ONNX Runtime on
    the same weights and input, plus attention cost at 1, 10 and 60 minutes), run with the system
    python where Training/ installs torch; its tables go into the report."""
    sys_py = os.environ.get("BENCH_SYSTEM_PYTHON", "python3")
    missing = [m for m in ("torch", "entmax", "safetensors", "onnxruntime", "onnx", "onnxscript")
               if subprocess.run([sys_py, "-c", f"import {m}"], capture_output=True).returncode != 0]
    if missing:
        return {"status": f"not available: {sys_py} lacks {', '.join(missing)} "
                          "(pip install -r Training/requirements.txt onnx onnxruntime onnxscript)"}
    _log("speed encoder engines: Benchmarks/encoder/bench_encoder.py" + (" --quick" if quick else ""))
    r = subprocess.run(["nice", "-n", "5", sys_py, str(BENCH / "encoder" / "bench_encoder.py")] + (["--quick"] if quick else []),
                       env=_env(), capture_output=True, text=True, cwd=str(REPO))
    if r.returncode != 0:
        return {"status": "failed: " + (r.stderr.strip().splitlines() or [""])[-1][-200:]}
    return {"status": "ok", "results_md": str(BENCH / "encoder" / "results.md")}


def run_frontend(seconds: int, repeats: int) -> dict:
    """attend's features with numpy and scipy (venv) and librosa and torch (BENCH_SYSTEM_PYTHON, default
    python3, where Training/ installs them), pinned to core 0, CPU time, ratio to numpy."""
    from .common import write_pcm16
    src = _long_file(seconds)
    wav = WORK / "speed" / f"long{seconds}-pcm16.wav"
    write_pcm16(wav, read_mono16k(src))
    sys_py = os.environ.get("BENCH_SYSTEM_PYTHON", "python3")
    rows = {}
    for lib in ("numpy", "scipy", "librosa", "torch"):
        py = sys.executable if lib in ("numpy", "scipy") else sys_py
        probe = subprocess.run([py, "-c", f"import {lib}"], capture_output=True)
        if probe.returncode != 0:
            rows[lib] = {"status": f"not available: `{py} -c 'import {lib}'` failed"}
            continue
        res = WORK / "runs" / f"frontend-{lib}.json"
        _log(f"speed front end {lib}: {seconds} s x {repeats} (core {CORE})")
        r = subprocess.run(["taskset", "-c", CORE, py, str(BENCH / "bench" / "frontend.py"), lib, str(wav),
                            str(repeats), str(res)], env=_env(), capture_output=True, text=True)
        if r.returncode != 0:
            rows[lib] = {"status": "failed: " + (r.stderr.strip().splitlines() or [""])[-1][-200:]}
            continue
        d = load_json(res)
        comp = np.array(d["compressed_cpu_s"]) / d["audio_s"]
        mel = np.array(d["logmel_cpu_s"]) / d["audio_s"]
        rows[lib] = {"status": "ok", "version": d["version"], "compressed_rtf": float(np.median(comp)),
                     "compressed_min": float(comp.min()), "compressed_max": float(comp.max()),
                     "logmel_rtf": float(np.median(mel)), "logmel_min": float(mel.min()),
                     "logmel_max": float(mel.max()), "runs": len(comp),
                     "max_abs_diff_vs_numpy": d["max_abs_diff_vs_numpy"]}
    rows["attend"] = _attend_frontend(wav, seconds, repeats)
    base = rows.get("numpy", {})
    for r in rows.values():
        if r.get("status") == "ok" and base.get("status") == "ok":
            r["compressed_vs_numpy"] = r["compressed_rtf"] / base["compressed_rtf"]
            r["logmel_vs_numpy"] = r["logmel_rtf"] / base["logmel_rtf"]
    return {"seconds": seconds, "rows": rows}


def run_features10(repeats: int = 5) -> dict:
    """Issue 2's comparison: an 80-band power mel spectrogram (librosa.feature.melspectrogram's
    conventions) of 10 minutes of audio, librosa, scipy, torch.stft and torchaudio against attend,
    one pinned core, CPU time, by Benchmarks/features/bench_features.py under the system python.
    attend runs twice: its library in-process on the decoded audio (`attend-bench features`, the
    way the Python libraries are timed) and `attend features` as a whole process."""
    sys_py = os.environ.get("BENCH_SYSTEM_PYTHON", "python3")
    if subprocess.run([sys_py, "-c", "import librosa, soundfile, scipy"], capture_output=True).returncode != 0:
        return {"status": f"not available: {sys_py} lacks librosa/soundfile/scipy"}
    binary = attend_bin()
    bench = binary.parent / "attend-bench"
    if not bench.exists():
        subprocess.run(["swift", "build", "-c", "release", "--product", "attend-bench"], cwd=str(REPO),
                       capture_output=True)
    src = _long_file(600)
    res = WORK / "runs" / "features10.json"
    cmd = [sys_py, str(BENCH / "features" / "bench_features.py"), "--audio", str(src), "--repeat", str(repeats),
           "--cpu", CORE, "--clock", "cpu", "--json", str(res),
           "--cmd", f"{binary} features {{input}} --kind power --mels 80 -o {{output}}", "--name", "attend-cli"]
    if bench.exists():
        cmd += ["--lib-cmd", f"{bench} features --input {{input}} --repeat {repeats} --output {{output}}",
                "--lib-name", "attend-library"]
    _log(f"speed features, 10 min: librosa, scipy, torch, torchaudio, attend (core {CORE})")
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    if r.returncode != 0:
        return {"status": "failed: " + (r.stderr.strip().splitlines() or [""])[-1][-200:]}
    d = load_json(res)
    d["status"] = "ok"
    versions = subprocess.run([sys_py, "-c", "import importlib.metadata as m\nfor p in ('librosa','scipy','torch','torchaudio'):\n"
                               "  try: print(p, m.version(p))\n  except Exception: print(p, '-')"],
                              capture_output=True, text=True).stdout.split("\n")
    d["versions"] = dict(line.split(" ", 1) for line in versions if " " in line)
    return d


def run_speed(quick: bool) -> dict:
    lengths = [(30, 3)] if quick else [(60, 5), (600, 1), (3600, 1)]
    out = {"denoise": {}, "align": {}, "anchor": DENOISE_ANCHOR, "align_anchor": ALIGN_ANCHOR}
    for seconds, repeats in lengths:
        wav = _long_file(seconds)
        key = f"{seconds}s"
        out["denoise"][key] = {}
        for name in DENOISERS:
            if seconds >= 3600 and not (name.startswith("attend") or name == DENOISE_ANCHOR):
                continue  # the hour-long case: attend and the anchor only
            ok, why = _available("denoise", name)
            if not ok:
                out["denoise"][key][name] = {"status": f"not available: {why}"}
                continue
            _log(f"speed {name}: {seconds} s x {repeats} (core {CORE})")
            res = WORK / "runs" / f"speed-{name}-{seconds}.json"
            ok, err = _pinned(["speed", name, str(wav), str(repeats), str(res)])
            if not ok:
                out["denoise"][key][name] = {"status": f"failed: {err}"}
                continue
            r = load_json(res)
            rt = np.array(r.get("cpu_s", r["runs_s"])) / r["audio_s"]
            wall = np.array(r["runs_s"]) / r["audio_s"]
            out["denoise"][key][name] = {"status": "ok", "rtf_median": float(np.median(rt)), "rtf_min": float(rt.min()),
                                         "wall_rtf_median": float(np.median(wall)),
                                         "rtf_max": float(rt.max()), "runs": len(rt), "load_s": r["load_s"],
                                         "peak_rss_mb": r["peak_rss_mb"]}
        a = out["denoise"][key].get(DENOISE_ANCHOR, {}).get("rtf_median")
        for d in out["denoise"][key].values():
            if a and d.get("rtf_median"):
                d["vs_anchor"] = d["rtf_median"] / a
    out["frontend"] = run_frontend(60 if not quick else 30, 5 if not quick else 3)
    out["features10"] = run_features10()
    out["encoder"] = run_encoder(quick)
    # aligners: the longest clean utterance of the alignment set, 3 runs
    man = load_json(SETS / "align" / "manifest.json")
    clean = [it for it in man["items"] if it["cond"] == "clean"]
    it = max(clean, key=lambda i: i["seconds"])
    out["align_file"] = {"id": it["id"], "seconds": it["seconds"]}
    for name in ["attend", "ps", "vad"]:
        ok, why = _available("align", name)
        if not ok:
            out["align"][name] = {"status": f"not available: {why}"}
            continue
        _log(f"speed align {name}: {it['id']} x 3 (core {CORE})")
        res = WORK / "runs" / f"aspeed-{name}.json"
        ok, err = _pinned(["aspeed", name, str(SETS / "align" / it["audio"]),
                           str(SETS / "align" / it["transcript"]), "3", str(res)])
        if not ok:
            out["align"][name] = {"status": f"failed: {err}"}
            continue
        r = load_json(res)
        rt = np.array(r.get("cpu_s", r["runs_s"])) / r["audio_s"]
        wall = np.array(r["runs_s"]) / r["audio_s"]
        out["align"][name] = {"status": "ok", "rtf_median": float(np.median(rt)), "rtf_min": float(rt.min()),
                              "wall_rtf_median": float(np.median(wall)),
                              "rtf_max": float(rt.max()), "runs": len(rt), "load_s": r["load_s"],
                              "peak_rss_mb": r["peak_rss_mb"], "succeeded": r["succeeded"]}
    a = out["align"].get(ALIGN_ANCHOR, {}).get("rtf_median")
    for d in out["align"].values():
        if a and d.get("rtf_median"):
            d["vs_anchor"] = d["rtf_median"] / a
    return out


# ----------------------------------------------------------------------------------------------- report

def machine() -> dict:
    model = platform.processor()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"cpu": model, "cores": os.cpu_count(), "loadavg_at_start": os.getloadavg(), "commit": commit,
            "python": platform.python_version(), "model": attend_model()}


def attend_model() -> dict:
    """The model attend runs in this benchmark, as the binary resolves it (`attend info --model default
    --json`: $ATTEND_MODEL, a name or a path, else the default), with the first 16 hex digits of its
    weights' SHA-256."""
    try:
        r = subprocess.run([str(attend_bin()), "info", "--model", "default", "--json"], capture_output=True,
                           text=True, timeout=120)
        info = json.loads(r.stdout) if r.returncode == 0 else None
        error = None if info else (r.stderr.strip() or f"exit {r.returncode}")
    except (OSError, subprocess.TimeoutExpired, ValueError) as e:
        info, error = None, str(e)
    if not info:
        return {"name": None, "weights": None, "sha256": None, "error": error}
    weights = Path(info["weights"])
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    return {"name": info["name"], "weights": str(weights), "sha256": digest, "parameters": info["parameters"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["denoise", "align", "speed"])
    ap.add_argument("--command", default=None, help="the command line to print in the report")
    a = ap.parse_args()
    prev = RESULTS / "latest.json"
    results = load_json(prev) if (a.only and prev.exists()) else {}
    meta = machine()
    meta.update({"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "quick": a.quick,
                 "command": a.command or " ".join(shlex.quote(x) for x in sys.argv)})
    started = dt.datetime.now()
    parts = [a.only] if a.only else ["denoise", "align", "speed"]
    for p in parts:
        if p == "denoise":
            results["denoise"] = run_denoise()
        elif p == "align":
            results["align"] = run_align()
        else:
            results["speed"] = run_speed(a.quick)
        results.setdefault("meta_by_part", {})[p] = meta
    from .sources import survey
    results["survey_md"] = survey()
    meta["wall_minutes"] = (dt.datetime.now() - started).total_seconds() / 60
    results["meta"] = meta
    if a.only and prev.exists():
        # Another part may have finished meanwhile (parts can run at once on two cores):
        # merge this run's part into the file as it is now.
        current = load_json(prev)
        current[a.only] = results[a.only]
        current.setdefault("meta_by_part", {})[a.only] = meta
        current["survey_md"], current["meta"] = results["survey_md"], meta
        results = current
    save_json(prev, results)
    from .report import render
    (RESULTS / "latest.md").write_text(render(results))
    _log(f"wrote {RESULTS / 'latest.md'} and latest.json")


if __name__ == "__main__":
    main()
