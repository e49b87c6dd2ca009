"""Render results/latest.json as Markdown (results/latest.md)."""
from __future__ import annotations

from pathlib import Path

from .denoisers import SYSTEMS as DEN

LOWER_IS_BETTER = {"median_ms", "mean_ms", "rtf", "failed_utterances"}


def f(v, fmt="{:.2f}", none="–"):
    if v is None:
        return none
    try:
        if v != v:
            return "nan"
    except TypeError:
        pass
    return fmt.format(v)


def _attend_vs(summary: dict, metrics: list[tuple[str, str, bool, str]], anchors: list[str]) -> list[str]:
    """Lines saying, per anchor and metric, whether attend is AHEAD or BEHIND, by how much, in the same words
    either way (EVEN when the difference does not show at the printed precision)."""
    out = []
    if "attend" not in summary:
        return out
    for an in anchors:
        if an not in summary:
            continue
        parts = []
        for key, label, higher_better, fmt in metrics:
            a, b = summary["attend"].get(key), summary[an].get(key)
            if a is None or b is None:
                continue
            if key.startswith("rtf"):
                ratio = b / a if a > 0 else float("inf")
                word = "AHEAD" if ratio > 1 else "BEHIND" if ratio < 1 else "EVEN"
                parts.append(f"speed {word} ({a:.3f} vs {b:.3f} RTF, {max(ratio, 1 / ratio):.1f}× "
                             f"{'faster' if ratio >= 1 else 'slower'})")
                continue
            diff = a - b
            if fmt.format(abs(diff)) == fmt.format(0.0):
                parts.append(f"{label} EVEN"); continue
            ahead = diff > 0 if higher_better else diff < 0
            parts.append(f"{label} {'AHEAD' if ahead else 'BEHIND'} by {fmt.format(abs(diff))}")
        out.append(f"- attend vs {an}: " + "; ".join(parts))
    return out


def render_denoise(d: dict) -> list[str]:
    L = ["## Denoising", "",
         f"{d['files']} mixtures ({d['minutes']:.1f} min) of {len(d['utterances'])} real reserved recordings "
         f"× noise {{crowd, music, applause}} × SNR {{0, 5, 10}} dB. Scores are means over files; output is "
         f"delay-compensated (cross-correlation) before scoring. RTF = CPU time / audio time on one pinned "
         f"core, over the whole set; ×{d['anchor']} = RTF divided by {d['anchor']}'s RTF in the same run.", ""]
    L += ["| system | PESQ-WB | STOI | SI-SDR (dB) | SI-SDRi (dB) | measured lag (ms) | stated latency | RTF | wall RTF | ×" +
          d["anchor"] + " | status |", "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"]
    s = d["summary"]
    order = sorted([n for n in s if n != "noisy"], key=lambda n: -(s[n]["pesq"] or 0))
    sy = d["systems"]
    for n in ["noisy"] + order + [n for n in sy if n not in s]:
        if n == "noisy":
            r = s[n]
            L.append(f"| noisy input (unprocessed) | {f(r['pesq'])} | {f(r['stoi'], '{:.3f}')} | {f(r['sisdr'], '{:.1f}')} "
                     f"| 0.0 | – | – | – | – | – | |")
            continue
        lab = sy[n]["label"]
        if n == "attend":
            lab = "**attend**"
        if n not in s:
            L.append(f"| {lab} | – | – | – | – | – | {sy[n]['latency']} | – | – | – | {sy[n]['status']} |")
            continue
        r = s[n]
        note = sy[n]["status"]
        if r["files_failed"]:
            note += f", {r['files_failed']} files failed"
        if r["pesq_nan"]:
            note += f", PESQ undefined on {r['pesq_nan']}"
        L.append(f"| {lab} | {f(r['pesq'])} | {f(r['stoi'], '{:.3f}')} | {f(r['sisdr'], '{:.1f}')} | "
                 f"{f(r['sisdri'], '{:+.1f}')} | {f(r['lag_ms_median'], '{:.0f}')} | {sy[n]['latency']} | "
                 f"{f(r.get('rtf'), '{:.3f}')} | {f(r.get('rtf_wall'), '{:.3f}')} | "
                 f"{f(r.get('rtf_vs_anchor'), '{:.2f}')} | {note} |")
    L.append("")
    if "attend" in s:
        L += ["Where attend stands (means over all files):", ""]
        L += _attend_vs(s, [("pesq", "PESQ", True, "{:.2f}"), ("stoi", "STOI", True, "{:.3f}"),
                            ("sisdri", "SI-SDRi", True, "{:.1f} dB"), ("rtf", "RTF", False, "{:.3f}")],
                        [n for n in ("dfn3", "nsnet2", "gtcrn", "rnnoise", "speexdsp") if n in s])
        L.append("")
    if "attend-stream" in s and "attend-offline" in s:
        st, of = s["attend-stream"], s["attend-offline"]
        L += ["Streaming against offline (the same model; streaming = `attend denoise - -o -` through a pipe with the "
              "model's streaming chunks, offline = whole files with larger attention chunks): "
              f"PESQ {f(st['pesq'])} vs {f(of['pesq'])} (Δ {f((st['pesq'] or 0) - (of['pesq'] or 0), '{:+.2f}')}), "
              f"SI-SDRi {f(st['sisdri'], '{:+.1f}')} vs {f(of['sisdri'], '{:+.1f}')} dB, "
              f"STOI {f(st['stoi'], '{:.3f}')} vs {f(of['stoi'], '{:.3f}')}.", ""]
    if "attend" not in s:
        L += [f"**attend: {sy['attend']['status']}.** It has no row in the tables below until the binary has a "
              "`denoise` subcommand; every anchor is ahead of it by default.", ""]
    for metric, label, fmt in (("pesq", "PESQ-WB", "{:.2f}"), ("sisdri", "SI-SDR improvement (dB)", "{:+.1f}"),
                               ("stoi", "STOI", "{:.3f}")):
        L += [f"### {label} by noise and SNR", "",
              "| system | " + " | ".join(d["conditions"]) + " |",
              "|---|" + "---:|" * len(d["conditions"])]
        for n in ["noisy"] + order:
            name = "noisy input" if n == "noisy" else ("**attend**" if n == "attend" else n)
            L.append(f"| {name} | " + " | ".join(f(s[n]["by_condition"][c][metric], fmt) for c in d["conditions"]) + " |")
        L.append("")
    return L


def render_align(a: dict) -> list[str]:
    L = ["## Alignment", "",
         f"Word-boundary error: every word's start and end against the reference, in ms. `exact` = "
         f"{a['utterances']['exact']} festival slt (cmu_us_slt_arctic_hts) sentences, {a['words']['exact']} words, "
         f"reference times from the synthesiser itself. `silver` = {a['utterances']['silver']} real reserved "
         f"recordings with transcripts, {a['words']['silver']} words, reference = pocketsphinx (wide beams) on the "
         f"clean recording, so pocketsphinx's own row on silver/clean is circular (≈0 by construction) and its "
         f"silver rows favour it. Conditions: clean, crowd noise (etw-data) at 5 and 0 dB. Median/mean over "
         f"boundaries that got a time; '% ≤ X ms' counts every boundary of a failed utterance as a miss "
         f"and an error of exactly X ms as within (to a microsecond; before 2026-12-08 the float subtraction dropped "
         f"many 50 ms errors, for every system).", ""]
    if a.get("dropped"):
        L += [f"Dropped from the silver set: {a['dropped']}", ""]
    L += ["| system | set/condition | median ms | mean ms | % ≤ 20 ms | % ≤ 50 ms | % ≤ 100 ms | failed utt. | RTF (CPU) |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in ["attend", "attend-stream", "ps", "ps-retry", "vad"]:
        lab = "**attend**" if n == "attend" else a["labels"].get(n, n)
        if n not in a["table"]:
            L.append(f"| {lab} | all | – | – | – | – | – | – | – |")
            continue
        for g in a["groups"]:
            r = a["table"][n][g]
            L.append(f"| {lab} | {g} | {f(r.get('median_ms'), '{:.0f}')} | {f(r.get('mean_ms'), '{:.0f}')} | "
                     f"{f(r.get('within_20'), '{:.1f}')} | {f(r.get('within_50'), '{:.1f}')} | "
                     f"{f(r.get('within_100'), '{:.1f}')} | {r['failed_utterances']}/{r['utterances']} | "
                     f"{f(r.get('rtf'), '{:.3f}')} |")
    L.append("")
    st = a["status"].get("attend", "")
    if "attend" in a["table"]:
        L += ["Where attend stands (% of boundaries within 50 ms, attend minus anchor, percentage points):", ""]
        for an in ("ps-retry", "ps", "vad"):
            if an in a["table"]:
                parts = []
                for g in a["groups"]:
                    diff = (a["table"]["attend"][g].get("within_50") or 0) - (a["table"][an][g].get("within_50") or 0)
                    parts.append(f"{g} {'AHEAD by' if diff > 0 else 'BEHIND by' if diff < 0 else 'EVEN'} {abs(diff):.1f}")
                L.append(f"- vs {an}: " + "; ".join(parts))
        L.append("")
    else:
        L += [f"**attend: {st}.**", ""]
    if "attend" in a["table"] and "attend-stream" in a["table"]:
        parts = []
        for g in a["groups"]:
            x = a["table"]["attend-stream"][g].get("within_50") or 0
            y = a["table"]["attend"][g].get("within_50") or 0
            parts.append(f"{g} {x:.1f} vs {y:.1f} ({x - y:+.1f} points)")
        L += ["Streaming (`--jsonl` on stdin) against the file pass, % within 50 ms: " + "; ".join(parts), ""]
    return L


def render_speed(sp: dict) -> list[str]:
    L = ["## Speed", "",
         "Real-time factor (CPU time / audio time; lower is faster; CPU time does not grow when other jobs share "
         "the core, wall time does) on core 0 (`taskset -c 0`), one thread, median of the runs with min–max, and "
         "the median wall-clock RTF beside it; ×anchor = median RTF / the anchor's median RTF in this run. "
         "Load = model load time. Peak RSS of the worker process (for subprocess systems: the largest child).", ""]
    def seconds(key: str) -> float:  # "60s", "600s", "3600s": shortest first, whatever the JSON's key order
        digits = "".join(ch for ch in key if ch.isdigit() or ch == ".")
        return float(digits) if digits else float("inf")

    for key, rows in sorted(sp["denoise"].items(), key=lambda kv: seconds(kv[0])):
        L += [f"### Denoisers, {key} of noisy speech", "",
              f"| system | RTF median | min–max | wall RTF | runs | ×{sp['anchor']} | load (s) | peak RSS (MB) | status |",
              "|---|---:|---|---:|---:|---:|---:|---:|---|"]
        for n, r in rows.items():
            name = "**attend**" if n == "attend" else DEN[n].label if n in DEN else n
            if r.get("status") != "ok":
                L.append(f"| {name} | – | – | – | – | – | – | – | {r['status']} |")
                continue
            L.append(f"| {name} | {r['rtf_median']:.4f} | {r['rtf_min']:.4f}–{r['rtf_max']:.4f} | "
                     f"{f(r.get('wall_rtf_median'), '{:.4f}')} | {r['runs']} | "
                     f"{r.get('vs_anchor', 0):.2f} | {r['load_s']:.2f} | {r['peak_rss_mb']:.0f} | ok |")
        L.append("")
    fe = sp.get("frontend")
    if fe:
        L += [f"### Front end, {fe['seconds']} s: attend's features (512-point periodic Hann STFT, hop 160; "
              "magnitude^0.3 and 80-band log-mel)", "",
              "CPU RTF, median of the runs (min–max); ×numpy = ratio to numpy in this run; max abs diff = largest "
              "difference of magnitude^0.3 from numpy's (the libraries compute the same frames).", "",
              "| library | version | magnitude^0.3 RTF | min–max | ×numpy | log-mel RTF | ×numpy | max abs diff | status |",
              "|---|---|---:|---|---:|---:|---:|---:|---|"]
        for lib, r in fe["rows"].items():
            if r.get("status") != "ok":
                L.append(f"| {lib} | – | – | – | – | – | – | – | {r['status']} |")
                continue
            L.append(f"| {lib} | {r['version']} | {r['compressed_rtf']:.5f} | {r['compressed_min']:.5f}–"
                     f"{r['compressed_max']:.5f} | {f(r.get('compressed_vs_numpy'))} | {r['logmel_rtf']:.5f} | "
                     f"{f(r.get('logmel_vs_numpy'))} | {r['max_abs_diff_vs_numpy']:.1e} | ok |")
        L += ["", "attend's row is `attend features` run as a whole process (start-up, reading the WAV, features, "
              "writing the .npy), so it bounds its front end's cost from above; its magnitude^0.3 column is "
              "`--kind magnitude` (the 0.3 power is one more pass). The front end is also inside `attend denoise`'s "
              "RTF above.", ""]
    f10 = sp.get("features10")
    if f10:
        L += [f"### Features, {f10.get('seconds_of_audio', 600) / 60:.0f} minutes: 80-band power mel spectrogram, one core",
              "", "`librosa.feature.melspectrogram(y, sr=16000, n_fft=512, hop_length=160, n_mels=80)` and the same "
              "computed by each library (Benchmarks/features/bench_features.py): CPU seconds, best of the runs; "
              "× fastest = fastest Python library's time / this one's (> 1: faster than every Python library); "
              "parity = worst per-frame relative error against librosa.", "",
              "| contender | version | CPU s | × real time | × fastest Python | parity vs librosa | how timed |",
              "|---|---|---:|---:|---:|---:|---|"]
        if f10.get("status") != "ok":
            L.append(f"| – | – | – | – | – | – | {f10['status']} |")
        else:
            vers = f10.get("versions", {})
            for r in f10["results"]:
                name = r["name"]
                base = name.split(".")[0]
                ver = vers.get(base, "") if r.get("python") else "this commit"
                if "skipped" in r:
                    L.append(f"| {name} | {ver} | – | – | – | – | {r['skipped']} |")
                    continue
                how = ("in-process on the decoded array" if r.get("python") or r.get("in_process")
                       else "whole process: start-up, decoding, writing the .npy")
                bold = "**" if name.startswith("attend") else ""
                p = r["parity"]
                L.append(f"| {bold}{name}{bold} | {ver} | {r['cpu']:.3f} | {r['realtime']:.0f}× | "
                         f"{bold}{r['ratio']:.2f}×{bold} | {p:.1e} | {how} |" if isinstance(p, float) else
                         f"| {name} | {ver} | {r['cpu']:.3f} | {r['realtime']:.0f}× | {r['ratio']:.2f}× | {p} | {how} |")
        L.append("")
    af = sp.get("align_file", {})
    L += [f"### Aligners, {af.get('id')} ({af.get('seconds', 0):.1f} s)", "",
          f"| system | RTF median | min–max | wall RTF | runs | ×{sp['align_anchor']} | load (s) | peak RSS (MB) | status |",
          "|---|---:|---|---:|---:|---:|---:|---:|---|"]
    for n, r in sp["align"].items():
        name = {"attend": "**attend**", "ps": "pocketsphinx 5.1.1", "vad": "energy-VAD floor"}[n]
        if r.get("status") != "ok":
            L.append(f"| {name} | – | – | – | – | – | – | – | {r['status']} |")
            continue
        L.append(f"| {name} | {r['rtf_median']:.4f} | {r['rtf_min']:.4f}–{r['rtf_max']:.4f} | "
                 f"{f(r.get('wall_rtf_median'), '{:.4f}')} | {r['runs']} | "
                 f"{r.get('vs_anchor', 0):.2f} | {r['load_s']:.2f} | {r['peak_rss_mb']:.0f} | "
                 f"{'ok' if r['succeeded'] else 'ran, alignment failed'} |")
    L.append("")
    enc = sp.get("encoder")
    if enc:
        L += ["### Encoder engines: Swift against PyTorch and ONNX Runtime, one core", ""]
        md = Path(enc.get("results_md", ""))
        if enc.get("status") == "ok" and md.is_file():
            for line in md.read_text().splitlines():
                if line.startswith("# "):
                    L.append("From `Benchmarks/encoder/bench_encoder.py` (" + line[2:].strip() + ").")
                elif line.startswith("#"):
                    L.append("#" * 2 + line)  # one level below this section
                else:
                    L.append(line)
        else:
            L.append(f"not run: {enc.get('status')}")
        L.append("")
    return L


def model_line(model: dict) -> str:
    if not model.get("name"):
        return f"unknown ({model.get('error') or 'not recorded'})"
    return f"{model['name']} (sha256 {model['sha256'] or 'missing'})"


def render(res: dict) -> str:
    m = res["meta"]
    L = ["# attend benchmarks: latest results", "",
         f"- Date: {m['date']}" + (" (quick mode: subsets, fewer timing runs)" if m.get("quick") else ""),
         f"- Machine: {m['cpu']}, {m['cores']} cores; load average at start {', '.join(f'{x:.1f}' for x in m['loadavg_at_start'])}"
         " (timings are from a shared machine: compare ratios, not absolute RTFs)",
         f"- Command: `{m['command']}`",
         f"- Commit: {m['commit']}; this run took {m.get('wall_minutes', 0):.0f} min"]
    if m.get("model"):
        L.append(f"- attend's model: {model_line(m['model'])}")
    L.append("")
    parts = res.get("meta_by_part", {})
    if len({p['date'] for p in parts.values()}) > 1:
        L += ["Sections were measured at different times: " +
              "; ".join(f"{k} {v['date']}{' (quick)' if v.get('quick') else ''} by `{v['command']}`"
                        + (f" with {model_line(v['model'])}" if v.get("model") else " (model not recorded)")
                        for k, v in parts.items()), ""]
    if "denoise" in res:
        L += render_denoise(res["denoise"])
    if "align" in res:
        L += render_align(res["align"])
    if "speed" in res:
        L += render_speed(res["speed"])
    if res.get("survey_md"):
        L += ["## The reserved sources on this machine", "",
              "All reserved real speech found (not all of it is used: see Benchmarks/README.md) and the reserved noise.",
              "", res["survey_md"], ""]
    L += ["See Benchmarks/README.md for what every number means and how the sets are built.", ""]
    return "\n".join(L)
