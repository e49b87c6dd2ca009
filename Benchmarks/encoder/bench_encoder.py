"""Encoder speed on one core: Swift (attend-bench) against PyTorch eager and ONNX Runtime.

One run, same weights, same input: builds the reference-size AttendModel (ModelConfig() defaults,
n_phones=41) with seeded random weights, exports it (safetensors + JSON) to a temp dir, writes the
input features as raw float32, then times

  * PyTorch eager (torch.set_num_threads(1), no_grad, the `entmax` package's entmax_bisect),
  * ONNX Runtime (1 intra-op / 1 inter-op thread, ORT_ENABLE_ALL) on a torch.onnx.export of the
    same model; entmax_bisect is an autograd.Function the exporter may not take, in which case
    the model is exported with `plain_entmax_bisect` below (the same algorithm in plain torch ops;
    its PyTorch output is checked against entmax_bisect in the same run),
  * Swift `attend-bench encoder` (release build),

for full context and the chunked context (C frames per chunk, L frames of left context), checks
that the three outputs agree (max |diff| of the hidden states), and times attention alone (layer
0, chunked) at 1, 10 and 60 minutes of frames (100 frames per second) in Swift and in PyTorch's
banded form, plus Swift full-context attention to show the quadratic alternative. Every process
runs pinned to CPU 0 (taskset / sched_setaffinity).

Run from the repository root:
    nice -n 19 python3 Benchmarks/encoder/bench_encoder.py            # everything, ~10 min
    nice -n 19 python3 Benchmarks/encoder/bench_encoder.py --quick    # fewer runs, no 60-minute case
Writes Benchmarks/encoder/results.md and results.json. Needs torch, entmax, safetensors, onnx,
onnxruntime (and onnxscript for torch's exporter): `pip install onnx onnxruntime onnxscript`.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import math

import numpy as np
import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
import attend.model as attend_model  # noqa: E402
from attend.export import export  # noqa: E402
from attend.model import AttendModel, Band, ModelConfig  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ALPHAS = [1.2, 1.4, 1.6, 1.8]  # per head, every layer: the general (bisection) path everywhere


def plain_entmax_bisect(X, alpha=1.5, dim=-1, n_iter=50, ensure_sum_one=True):
    """entmax.entmax_bisect's forward (entmax 1.3, root_finding.py) step for step, in plain torch
    ops so that torch.onnx.export can trace it (the loop unrolls to n_iter steps)."""
    if not isinstance(alpha, torch.Tensor):
        alpha = torch.tensor(alpha, dtype=X.dtype)
    shape = list(X.shape)
    shape[dim] = 1
    alpha = alpha.expand(*shape)
    d = X.shape[dim]
    max_val = X.max(dim=dim, keepdim=True).values
    X = X * (alpha - 1)
    max_val = max_val * (alpha - 1)
    tau_lo = max_val - torch.ones_like(alpha) ** (alpha - 1)
    tau_hi = max_val - (torch.ones_like(alpha) / d) ** (alpha - 1)
    dm = tau_hi - tau_lo
    p_m = None
    for _ in range(n_iter):
        dm = dm / 2
        tau_m = tau_lo + dm
        p_m = torch.clamp(X - tau_m, min=0) ** (1 / (alpha - 1))
        f_m = p_m.sum(dim) - 1
        mask = (f_m >= 0).unsqueeze(dim)
        tau_lo = torch.where(mask, tau_m, tau_lo)
    if ensure_sum_one:
        p_m = p_m / p_m.sum(dim=dim).unsqueeze(dim=dim)
    return p_m


def plain_chunk_mask(n_frames: int, chunk_size: int, left_context: int, device=None) -> torch.Tensor:
    """attend.model.chunk_mask with `visible = visible & …` for its in-place `&=`, which
    torch.onnx.export cannot export (aten::__iand_); the same mask."""
    t = torch.arange(n_frames, device=device)
    if chunk_size <= 0:
        return torch.zeros(n_frames, n_frames, device=device)
    c = t // chunk_size
    visible = t[None, :] < ((c + 1) * chunk_size)[:, None]
    if left_context > 0:
        visible = visible & (t[None, :] >= (c * chunk_size - left_context)[:, None])
    return torch.zeros(n_frames, n_frames, device=device).masked_fill(~visible, float("-inf"))


def plain_banded(self, q, k, v, band):
    """attend.model.Attention.banded with the key/value windows gathered by an index tensor instead
    of `Tensor.unfold`, which torch.onnx.export cannot export here ("input size not accessible");
    the same windows, the same products."""
    b, h, t, hd = (int(n) for n in q.shape)  # constants in the exported graph (fixed input length)
    c, left = band.chunk, band.left
    n_chunks = (t + c - 1) // c
    tp = n_chunks * c
    pad_right = tp - t
    qc = F.pad(q, (0, 0, 0, pad_right)).view(b, h, n_chunks, c, hd)
    kp = F.pad(k, (0, 0, left, pad_right))
    vp = F.pad(v, (0, 0, left, pad_right))
    w = left + c
    window = torch.arange(n_chunks)[:, None] * c + torch.arange(w)[None, :]  # (nC, W) rows of the padded sequence
    kw = kp[:, :, window]  # (B, H, nC, W, hd)
    vw = vp[:, :, window]
    scores = qc @ kw.transpose(-1, -2) / math.sqrt(hd)
    key_index = (torch.arange(n_chunks)[:, None] * c - left) + torch.arange(w)[None, :]
    invalid = (key_index < 0) | (key_index >= t)
    scores = scores.masked_fill(invalid[None, None, :, None, :], float("-inf"))
    probs = self.normalise(scores.reshape(b, h, n_chunks * c, w)).view(b, h, n_chunks, c, w)
    y = (probs @ vw).reshape(b, h, tp, hd)[:, :, :t]
    return y, None


def build_model(seed: int) -> AttendModel:
    torch.manual_seed(seed)
    cfg = ModelConfig(n_phones=41)
    model = AttendModel(cfg).eval()
    with torch.no_grad():
        s = (torch.tensor(ALPHAS) - 1.0).clamp(1e-4, 1 - 1e-6)
        for block in model.blocks:
            block.attn.alpha_logit.copy_(torch.log(s / (1 - s)))
    return model


def stats(times):
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times}


def time_calls(fn, repeat, warmup):
    """(wall seconds stats, process CPU seconds stats, last output)."""
    out = None
    for _ in range(warmup):
        out = fn()
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return stats(times), stats(cpu), out


class Encoder(torch.nn.Module):
    """model.encode(feats, C, L, banded) → hidden, as one module for export."""

    def __init__(self, model, chunk, left, banded):
        super().__init__()
        self.model, self.chunk, self.left, self.banded = model, chunk, left, banded

    def forward(self, feats):
        return self.model.encode(feats, self.chunk, self.left, self.banded)[0]


def export_onnx(module, feats, path):
    """torch.onnx.export with the TorchScript exporter; returns (ok, message)."""
    log = open(path.with_suffix(".log"), "w")
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(log.fileno(), 1)  # the exporter dumps whole graphs on failure
    os.dup2(log.fileno(), 2)
    try:
        with torch.no_grad():
            torch.onnx.export(module, (feats,), str(path), input_names=["feats"], output_names=["hidden"],
                              opset_version=17, dynamo=False)
        return True, "ok"
    except Exception as e:  # noqa: BLE001 — the message is the result
        return False, f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300]}"
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)
        log.close()


def ort_session(path):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def swift(bench, args):
    cmd = ["taskset", "-c", "0", str(bench)] + [str(a) for a in args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import onnxruntime as ort

    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
            "torch": torch.__version__, "onnxruntime": ort.__version__, "load_average_at_start": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--chunk", type=int, default=32)
    ap.add_argument("--left", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="3 runs, scaling at 1 and 10 minutes only")
    ap.add_argument("--torch-max-frames", type=int, default=60000, help="largest PyTorch banded attention case")
    ap.add_argument("--scaling", default="", help="comma-separated frame counts for the attention scaling (default 6000,60000,360000)")
    ap.add_argument("--stream-frames", type=int, default=6000)
    ap.add_argument("--no-build", action="store_true", help="use the existing .build/release/attend-bench")
    a = ap.parse_args()
    repeat = 3 if a.quick else a.repeat
    scaling = [6000, 60000] if a.quick else [6000, 60000, 360000]
    if a.scaling:
        scaling = [int(v) for v in a.scaling.split(",")]

    os.sched_setaffinity(0, {0})
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if not a.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "attend-bench"], cwd=ROOT, check=True)
    bench = ROOT / ".build" / "release" / "attend-bench"

    result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
              "seed": a.seed, "frames": a.frames, "chunk": a.chunk, "left": a.left, "repeat": repeat, "alphas_per_head": ALPHAS}
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="encbench-"))
    model = build_model(a.seed)
    weights, _ = export(model, tmp, "ref")
    result["parameters"] = sum(p.numel() for p in model.parameters())
    encoder_params = sum(p.numel() for n, p in model.named_parameters() if n.startswith(("stem", "blocks")))
    result["encoder_parameters"] = encoder_params
    g = torch.Generator().manual_seed(a.seed + 1)
    feats = torch.rand(1, a.frames, model.cfg.n_bins, generator=g) ** 2 * 2.0
    feats[0].numpy().astype("<f4").tofile(tmp / "feats.f32")  # raw: NeuralEngine's NPY.read rejects numpy headers on this commit

    contexts = {"full": (0, 0), "chunked": (a.chunk, a.left)}
    throughput = {}
    for name, (cs, lc) in contexts.items():
        row = {}
        print(f"[{name}] PyTorch eager", flush=True)
        with torch.no_grad():
            t, c, ref = time_calls(lambda: model.encode(feats, cs, lc)[0], repeat, 1)
            ref = ref[0].numpy()
            row["pytorch"] = {"seconds": t, "cpu_seconds": c, "form": "dense (T, T) scores with additive mask"}
            if cs:
                tb, cb, hb = time_calls(lambda: model.encode(feats, cs, lc, banded=True)[0], repeat, 1)
                row["pytorch_banded"] = {"seconds": tb, "cpu_seconds": cb, "form": "banded: per chunk over its L + C keys",
                                         "max_abs_diff_vs_pytorch": max_abs(hb[0].numpy(), ref)}
        print(f"[{name}] ONNX export", flush=True)
        onnx_path = tmp / f"{name}.onnx"
        module = Encoder(model, cs, lc, False)
        ok, msg = export_onnx(module, feats, onnx_path)
        row["onnx_export_with_entmax_package"] = msg
        orig, orig_mask = attend_model.entmax_bisect, attend_model.chunk_mask
        if not ok:
            attend_model.entmax_bisect = plain_entmax_bisect
            attend_model.chunk_mask = plain_chunk_mask
            try:
                with torch.no_grad():
                    plain = model.encode(feats, cs, lc)[0][0].numpy()
                row["plain_bisect_vs_entmax_package_max_abs_diff"] = max_abs(plain, ref)
                ok, msg = export_onnx(module, feats, onnx_path)
                row["onnx_export_with_plain_bisect"] = msg
            finally:
                attend_model.entmax_bisect, attend_model.chunk_mask = orig, orig_mask
        if ok:
            print(f"[{name}] ONNX Runtime", flush=True)
            sess = ort_session(onnx_path)
            x = feats.numpy()
            t, c, out = time_calls(lambda: sess.run(None, {"feats": x})[0], repeat, 1)
            row["onnxruntime"] = {"seconds": t, "cpu_seconds": c, "max_abs_diff_vs_pytorch": max_abs(out[0], ref),
                                  "model_bytes": onnx_path.stat().st_size}
            del sess
        if cs and lc:
            # The banded form too, so that ONNX Runtime also gets the O(T·(L+C)) algorithm.
            print(f"[{name}] ONNX export + Runtime, banded", flush=True)
            banded_path = tmp / f"{name}_banded.onnx"
            orig_banded = attend_model.Attention.banded
            attend_model.entmax_bisect = plain_entmax_bisect
            attend_model.Attention.banded = plain_banded
            try:
                with torch.no_grad():
                    plain = model.encode(feats, cs, lc, banded=True)[0][0].numpy()
                row["plain_banded_vs_banded_max_abs_diff"] = max_abs(plain, hb[0].numpy())
                okb, msgb = export_onnx(Encoder(model, cs, lc, True), feats, banded_path)
            finally:
                attend_model.entmax_bisect = orig
                attend_model.Attention.banded = orig_banded
            row["onnx_export_banded"] = msgb
            if okb:
                sess = ort_session(banded_path)
                x = feats.numpy()
                t, c, outb = time_calls(lambda: sess.run(None, {"feats": x})[0], repeat, 1)
                row["onnxruntime_banded"] = {"seconds": t, "cpu_seconds": c, "max_abs_diff_vs_pytorch": max_abs(outb[0], ref)}
                del sess
        print(f"[{name}] Swift", flush=True)
        args = ["encoder", "--model", weights, "--input", tmp / "feats.f32", "--output", tmp / f"swift_{name}.f32",
                "--repeat", repeat, "--warmup", 1]
        if cs:
            args += ["--chunk", cs, "--left", lc]
        s = swift(bench, args)
        sw = np.fromfile(tmp / f"swift_{name}.f32", dtype="<f4").reshape(ref.shape)
        row["swift"] = {"seconds": s["seconds"], "cpu_seconds": s["cpu_seconds"], "stats": s["stats"], "model_load_seconds": s["model_load_seconds"],
                        "max_abs_diff_vs_pytorch": max_abs(sw, ref)}
        if "onnxruntime" in row:
            row["swift"]["max_abs_diff_vs_onnxruntime"] = max_abs(sw, out[0])
        row["hidden_max_abs"] = float(np.max(np.abs(ref)))
        orts = [row[k]["cpu_seconds"] for k in ("onnxruntime", "onnxruntime_banded") if k in row]
        ort_best = {"median": min(o["median"] for o in orts), "min": min(o["min"] for o in orts)} if orts else None
        for k in ("pytorch", "pytorch_banded", "onnxruntime", "onnxruntime_banded", "swift"):
            if k in row:
                sec = row[k]["cpu_seconds"]
                row[k]["frames_per_second"] = a.frames / sec["median"]
                row[k]["speed_vs_pytorch_median"] = row["pytorch"]["cpu_seconds"]["median"] / sec["median"]
                row[k]["speed_vs_pytorch_min"] = row["pytorch"]["cpu_seconds"]["min"] / sec["min"]
                if ort_best:  # against the faster ONNX Runtime form
                    row[k]["speed_vs_onnxruntime_median"] = ort_best["median"] / sec["median"]
                    row[k]["speed_vs_onnxruntime_min"] = ort_best["min"] / sec["min"]
        throughput[name] = row
        json.dump(result | {"throughput": throughput}, open(HERE / "results.json", "w"), indent=1)
    result["throughput"] = throughput

    # Streaming: C frames per call; per-chunk cost at the start and at the end.
    print("[stream] Swift", flush=True)
    sframes = a.stream_frames
    s = swift(bench, ["encoder", "--model", weights, "--frames", sframes, "--chunk", a.chunk, "--left", a.left, "--stream",
                      "--repeat", 1, "--warmup", 0, "--seed", a.seed + 2])
    times = s["chunk_seconds"].pop("times")
    skip = a.left // a.chunk + 1  # chunks whose key window is still filling
    k = max(1, (len(times) - skip) // 10)
    s["chunk_seconds"]["early_median"] = statistics.median(times[skip:skip + k])
    s["chunk_seconds"]["late_median"] = statistics.median(times[-k:])
    s["chunk_seconds"]["tenth"] = k
    result["stream"] = {"frames": sframes, "seconds": s["seconds"]["median"], "cpu_seconds": s["cpu_seconds"]["median"],
                        "frames_per_second": s["frames_per_second"], "chunk_seconds": s["chunk_seconds"], "stats": s["stats"]}

    # Attention alone, layer 0: chunked (linear) vs full (quadratic).
    scale = {"swift_chunked": [], "swift_full": [], "pytorch_banded": []}
    attn = model.blocks[0].attn
    for n in scaling:
        print(f"[attention] {n} frames", flush=True)
        r = 1 if n >= 360000 else (3 if n >= 60000 else repeat)
        s = swift(bench, ["attention", "--model", weights, "--frames", n, "--chunk", a.chunk, "--left", a.left,
                          "--repeat", r, "--warmup", 0 if n >= 360000 else 1, "--seed", a.seed + 3])
        scale["swift_chunked"].append({"frames": n, "minutes": n / 6000, "seconds": s["seconds"], "cpu_seconds": s["cpu_seconds"],
                                       "microseconds_per_frame": s["microseconds_per_frame"], "stats": s["stats"]})
        if n <= a.torch_max_frames:
            x = torch.randn(1, n, model.cfg.d_model, generator=torch.Generator().manual_seed(a.seed + 3))
            pos = torch.arange(n)
            with torch.no_grad():
                t, c, _ = time_calls(lambda: attn(x, Band(a.chunk, a.left), pos), 1 if n >= 60000 else repeat, 0 if n >= 60000 else 1)
            scale["pytorch_banded"].append({"frames": n, "minutes": n / 6000, "seconds": t, "cpu_seconds": c,
                                            "microseconds_per_frame": c["median"] / n * 1e6})
    for n in sorted({min(scaling), 1000}):
        print(f"[attention full] {n} frames", flush=True)
        s = swift(bench, ["attention", "--model", weights, "--frames", n, "--repeat", 1 if n > 1000 else repeat,
                          "--warmup", 0 if n > 1000 else 1, "--seed", a.seed + 3])
        scale["swift_full"].append({"frames": n, "minutes": n / 6000, "seconds": s["seconds"], "cpu_seconds": s["cpu_seconds"],
                                    "microseconds_per_frame": s["microseconds_per_frame"], "stats": s["stats"]})
    n = max(scaling)
    print(f"[attention stream] {n} frames", flush=True)
    s = swift(bench, ["attention", "--model", weights, "--frames", n, "--chunk", a.chunk, "--left", a.left, "--stream",
                      "--seed", a.seed + 3])
    scale["swift_stream"] = {"frames": n, "minutes": n / 6000, "seconds": s["seconds"], "cpu_seconds": s["cpu_seconds"],
                             "microseconds_per_frame": s["microseconds_per_frame"], "chunk_cpu_seconds": s["chunk_cpu_seconds"],
                             "minute_median_chunk_cpu_seconds": s["minute_median_chunk_cpu_seconds"], "stats": s["stats"]}
    result["attention_scaling"] = scale
    result["machine"]["load_average_at_end"] = os.getloadavg()
    json.dump(result, open(HERE / "results.json", "w"), indent=1)
    (HERE / "results.md").write_text(report(result))
    print((HERE / "results.md").read_text())


def report(r):
    m = r["machine"]
    lines = [f"# Encoder speed, one core — {r['date']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}; torch {m['torch']}, onnxruntime {m['onnxruntime']}. "
             f"Load average at start {m['load_average_at_start'][0]:.1f}, at end {m['load_average_at_end'][0]:.1f}: other jobs "
             "shared the machine, so wall times are inflated and noisy. Every engine ran pinned to CPU 0 with one thread; "
             "**rates and ratios use process CPU seconds** (what the wall time would be on an idle core), wall seconds are "
             "listed beside them.",
             "",
             f"Model: `ModelConfig()` defaults (d_model 144, 4 heads, 6 layers, ff×3, conv kernel 15, stem 16 channels), n_phones 41, "
             f"random weights (seed {r['seed']}), α per head {r['alphas_per_head']} in every layer (α-entmax by bisection, 50 iterations, "
             f"in all three engines). {r['parameters']:,} parameters ({r['encoder_parameters']:,} in stem + blocks). Input: "
             f"{r['frames']} frames (= {r['frames'] / 100:.0f} s of audio), random features u²·2, the same array for every engine. "
             f"Each engine: 1 warm-up + {r['repeat']} timed runs. × PyTorch = PyTorch CPU time / engine CPU time (> 1 = faster).", ""]
    for name, row in r["throughput"].items():
        ctx = "full context" if name == "full" else f"chunked, C = {r['chunk']}, L = {r['left']} frames"
        lines += [f"## Encoder throughput, {ctx}", "",
                  "| engine | CPU s median | CPU s min–max | wall s median | frames/s | × PyTorch (median) | × PyTorch (min) | × ORT (median) | max abs diff vs PyTorch |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for k, label in (("pytorch", "PyTorch eager"), ("pytorch_banded", "PyTorch eager, banded form"), ("onnxruntime", "ONNX Runtime"),
                         ("onnxruntime_banded", "ONNX Runtime, banded form"), ("swift", "Swift (attend-bench)")):
            if k not in row:
                continue
            e, c, w = row[k], row[k]["cpu_seconds"], row[k]["seconds"]
            diff = e.get("max_abs_diff_vs_pytorch", 0.0)
            ort = f"{e['speed_vs_onnxruntime_median']:.2f}" if "speed_vs_onnxruntime_median" in e else "—"
            lines.append(f"| {label} | {c['median']:.3f} | {c['min']:.3f}–{c['max']:.3f} | {w['median']:.3f} | {e['frames_per_second']:.0f} | "
                         f"{e['speed_vs_pytorch_median']:.2f} | {e['speed_vs_pytorch_min']:.2f} | {ort} | {diff:.1e} |")
        st = row["swift"]["stats"]
        if name != "full":
            lines += ["", "PyTorch eager and ONNX Runtime apply the chunked context as a dense (T, T) additive mask (the "
                      "model's own `chunk_mask`); the banded rows are the reference's per-chunk form over L + C keys "
                      f"(ONNX export of it, with `plain_banded`, windows by index instead of `unfold`: {row.get('onnx_export_banded', 'not tried')}; "
                      f"in PyTorch `plain_banded` differs from `banded` by {row.get('plain_banded_vs_banded_max_abs_diff', float('nan')):.1e}); Swift uses its chunked form (each "
                      "chunk's queries against their key window). × ORT is against the faster ONNX Runtime form."]
        lines += ["", f"Outputs: hidden states up to |h| = {row['hidden_max_abs']:.2f}; Swift vs ONNX Runtime max abs diff "
                  f"{row['swift'].get('max_abs_diff_vs_onnxruntime', float('nan')):.1e}.",
                  f"ONNX export of the model as is (entmax package): {row['onnx_export_with_entmax_package']}"]
        if "onnx_export_with_plain_bisect" in row:
            lines.append(f"→ exported instead with `plain_entmax_bisect` (entmax_bisect's algorithm in plain torch ops, in the script) and `plain_chunk_mask` (`&` for `&=`): "
                         f"{row['onnx_export_with_plain_bisect']}; in PyTorch its output differs from entmax_bisect's by "
                         f"{row['plain_bisect_vs_entmax_package_max_abs_diff']:.1e}.")
        lines += [f"Swift attention: {st['value_rows']:,} value rows, {st['zero_weights']:,} exact zero weights "
                  f"({100 * st['zero_share']:.1f} %), {st['skipped_value_rows']:,} value rows skipped ({100 * st['skipped_share']:.1f} %).", ""]
    s = r["stream"]
    cs = s["chunk_seconds"]
    lines += ["## Streaming (Swift)", "",
              f"{s['frames']} frames fed {r['chunk']} at a time (L = {r['left']}): {s['frames_per_second']:.0f} frames/s (CPU). "
              f"CPU per chunk: median {cs['median'] * 1e3:.2f} ms; once the key window is full, the median of the first "
              f"{cs['tenth']} chunks is {cs['early_median'] * 1e3:.2f} ms and of the last {cs['tenth']} {cs['late_median'] * 1e3:.2f} ms "
              f"(flat: the cost does not grow with the audio already seen); worst chunk {cs['max'] * 1e3:.2f} ms. "
              f"Value rows skipped: {100 * s['stats']['skipped_share']:.1f} %.", ""]
    sc = r["attention_scaling"]
    lines += ["## Attention alone (layer 0, x ~ N(0, 1)), cost against length", "",
              "| form | frames | minutes | CPU s median | CPU s min | wall s median | µs per frame (CPU) | value rows skipped |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for k, label in (("swift_chunked", f"Swift chunked C={r['chunk']} L={r['left']}"),
                     ("pytorch_banded", f"PyTorch banded C={r['chunk']} L={r['left']}"), ("swift_full", "Swift full context")):
        for e in sc[k]:
            skipped = f"{100 * e['stats']['skipped_share']:.1f} %" if "stats" in e else "—"
            lines.append(f"| {label} | {e['frames']} | {e['minutes']:.2f} | {e['cpu_seconds']['median']:.3f} | {e['cpu_seconds']['min']:.3f} | "
                         f"{e['seconds']['median']:.3f} | {e['microseconds_per_frame']:.1f} | {skipped} |")
    st = sc.get("swift_stream")
    if st:
        mm = st["minute_median_chunk_cpu_seconds"]
        lines += ["", f"Streamed through the key/value cache, chunk by chunk ({st['frames']} frames = {st['minutes']:.0f} min, "
                  f"{1e6 * st['cpu_seconds']['median'] / st['frames']:.1f} µs per frame): median CPU per {r['chunk']}-frame chunk "
                  f"{1e3 * st['chunk_cpu_seconds']['median']:.2f} ms; per minute of frames the median chunk costs "
                  f"{1e3 * min(mm):.2f}–{1e3 * max(mm):.2f} ms (minute 1: {1e3 * mm[0]:.2f} ms, minute {len(mm)}: {1e3 * mm[-1]:.2f} ms)."]
    lines += ["", "Chunked attention costs the same per frame from 1 to 60 minutes (total cost linear in length); full "
              "context costs more per frame the longer the input (quadratic total).", "",
              "Regenerate: `nice -n 19 python3 Benchmarks/encoder/bench_encoder.py` (see its docstring; `--quick` for a short run)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
