"""Alignment on the training data's validation split, for choosing decoder settings without
touching the reserved evaluation audio: synthetic utterances (espeak-ng and flite voices the
training never saw) with exact word times, clean and mixed with validation noise at 5 and 0 dB.

    python3 Training/align_val.py [--model Models/attend-deep.safetensors] [--n 40] [--bin .build/release/attend]
    python3 Training/align_val.py --stream [-- extra options such as --decision-lag 0.4]
    python3 Training/align_val.py --long 8 [--stream]   # minute-long readings with pauses

Builds the set once under Training/data/align_val/ (deterministic), runs `attend align` on every
file and prints, per condition, the median boundary error and the % of word boundaries within
20/50/100 ms (a failed file counts every boundary as a miss). With --stream, each WAV is piped
into `attend align - --jsonl` (the live-stream path: words as they settle) instead. Options it does
not know are passed to `attend align`.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import soundfile as sf

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from data_pipeline.augment import MixParams, mix  # noqa: E402
from data_pipeline.manifest import load_audio, load_manifest  # noqa: E402

SR = 16000
CONDITIONS = {"clean": None, "noise5": 5.0, "noise0": 0.0}


def built_items(out: pathlib.Path, n: int) -> list[dict] | None:
    """The items of a validation set already built in `out` for `n` utterances, else None."""
    manifest = out / "manifest.json"
    if manifest.exists():
        items = json.loads(manifest.read_text())
        if items and items[0].get("n") == n:
            return items
    return None


def validation_speech(data: pathlib.Path) -> list[dict]:
    """The records of the validation speech (speakers held out of training)."""
    return load_manifest(str(data / "speech_val.jsonl"))


def timed_validation_speech(data: pathlib.Path) -> list[dict]:
    """The validation utterances with exact word times from the synthesiser."""
    return [m for m in validation_speech(data) if m.get("timing") == "exact-synthesis" and m.get("words") and m.get("spoken")]


def validation_noises(data: pathlib.Path, sources: list[str] | None = None) -> list:
    """Every validation noise file (noise files held out of training), or those of the named
    sources, as float32 arrays."""
    records = load_manifest(str(data / "noise_val.jsonl"))
    if sources:
        records = [m for m in records if m.get("source") in sources]
        if not records:
            raise SystemExit(f"align_val: no validation noise from {','.join(sources)}")
    return [load_audio(m) for m in records]


def fixed_mix(snr: float) -> MixParams:
    """Mixing at exactly `snr` dB and -26 dBFS, one noise, no reverberation or other damage."""
    return MixParams(snr_db=(snr, snr), p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0,
                     level_db=(-26, -26), p_second_noise=0)


def build(data: pathlib.Path, out: pathlib.Path, n: int, noise_sources: list[str] | None = None) -> list[dict]:
    if (items := built_items(out, n)) is not None:
        return items
    out.mkdir(parents=True, exist_ok=True)
    speech = timed_validation_speech(data)
    rng = np.random.default_rng(7)
    picked = [speech[i] for i in sorted(rng.choice(len(speech), size=min(n, len(speech)), replace=False))]
    noises = validation_noises(data, noise_sources)
    items = []
    for i, m in enumerate(picked):
        words = [[w["word"], w["start"], w["end"]] for w in m["words"]]
        items += write_conditions(out, f"{i:03d}", load_audio(m), words, noises, rng,
                                  {"n": n, "id": i, "source": m["source"]})
    (out / "manifest.json").write_text(json.dumps(items))
    return items


def write_conditions(out: pathlib.Path, stem: str, clean: np.ndarray, words: list, noises: list,
                     rng: np.random.Generator, fields: dict) -> list[dict]:
    """Writes STEM.txt and STEM.COND.wav for every condition (clean, and mixed at each SNR);
    returns their manifest items (`fields` plus the condition, files and words)."""
    (out / f"{stem}.txt").write_text(" ".join(w[0] for w in words) + "\n")
    items = []
    for cond, snr in CONDITIONS.items():
        audio = clean
        if snr is not None:
            audio, _, _ = mix(clean, noises, rng, fixed_mix(snr))
        sf.write(str(out / f"{stem}.{cond}.wav"), audio, SR, subtype="PCM_16")
        items.append({"n": fields["n"], "id": fields["id"], "cond": cond, "audio": f"{stem}.{cond}.wav",
                      "text": f"{stem}.txt", "words": words, **{k: v for k, v in fields.items() if k not in ("n", "id")}})
    return items


def build_long(data: pathlib.Path, out: pathlib.Path, n: int) -> list[dict]:
    """`n` long recordings (about a minute each), like a reading with pauses: 12 validation
    utterances back to back, 0.2-2.5 s of silence between them, then clean or mixed as one file
    with validation noise. For the streaming decisions, which short files never stress."""
    if (items := built_items(out, n)) is not None:
        return items
    out.mkdir(parents=True, exist_ok=True)
    speech = timed_validation_speech(data)
    rng = np.random.default_rng(11)
    noises = validation_noises(data)
    items = []
    for i in range(n):
        parts, words, t = [], [], 0.0
        for j in rng.choice(len(speech), size=12, replace=False):
            m = speech[int(j)]
            if parts:
                gap = np.zeros(int(rng.uniform(0.2, 2.5) * SR), dtype=np.float32)
                parts.append(gap)
                t += len(gap) / SR
            clip = load_audio(m)
            parts.append(clip)
            words += [[w["word"], w["start"] + t, w["end"] + t] for w in m["words"]]
            t += len(clip) / SR
        items += write_conditions(out, f"long{i:02d}", np.concatenate(parts), words, noises, rng, {"n": n, "id": i})
    (out / "manifest.json").write_text(json.dumps(items))
    return items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release" / "attend"))
    ap.add_argument("--data", default=str(ROOT / "Training" / "data"))
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stream", action="store_true", help="pipe the audio into `attend align - --jsonl`")
    ap.add_argument("--long", type=int, default=0, metavar="N",
                    help="instead: N minute-long recordings of 12 utterances with 0.2-2.5 s pauses (Training/data/align_val_long)")
    ap.add_argument("--noise", default=None, metavar="SOURCE,...",
                    help="mix only validation noise of these sources (e.g. babble,crowd; set built under align_val_SOURCES)")
    ap.add_argument("--classes", action="store_true",
                    help="also report boundaries by class: first start, last end, next to a pause, inner")
    ap.add_argument("--tempo", type=float, default=1.0, metavar="T",
                    help="speak T times faster: the audio time-stretched by sox (pitch kept), reference times "
                         "divided by T (set written beside the original, under align_val..._tempoT)")
    args, extra = ap.parse_known_args()
    data = pathlib.Path(args.data)
    if args.long:
        out = data / "align_val_long"
        items = build_long(data, out, args.long)
    else:
        sources = args.noise.split(",") if args.noise else None
        out = data / ("align_val" + ("_" + "_".join(sources) if sources else ""))
        items = build(data, out, args.n, sources)
    if args.tempo != 1.0:
        out, items = stretched(out, items, args.tempo)

    def run(item):
        if args.stream:
            cmd = [args.bin, "align", "-", "--jsonl", "--transcript-file", str(out / item["text"])]
        else:
            cmd = [args.bin, "align", str(out / item["audio"]), "--transcript-file", str(out / item["text"]), "--format", "json"]
        if args.model:
            cmd += ["--model", args.model]
        stdin = open(out / item["audio"], "rb") if args.stream else subprocess.DEVNULL
        with stdin if args.stream else open(os.devnull) as _:
            r = subprocess.run(cmd + extra, capture_output=True, text=True, env=dict(os.environ), stdin=stdin)
        if r.returncode != 0:
            return item, None
        if args.stream:
            return item, {"words": [json.loads(line) for line in r.stdout.splitlines() if line.strip()]}
        return item, json.loads(r.stdout)

    errors: dict[str, list[float]] = {}
    by_class: dict[tuple[str, str], list[float]] = {}
    signed: dict[str, list[float]] = {}  # hypothesis minus reference, ms
    latency: dict[str, list[float]] = {}  # streaming: seconds from a word's end to its emission
    with cf.ThreadPoolExecutor(args.jobs) as ex:
        for item, result in ex.map(run, items):
            e = errors.setdefault(item["cond"], [])
            ref = item["words"]
            if result is None or len(result["words"]) != len(ref):
                e += [float("inf")] * (2 * len(ref))
                continue
            for k, ((_, a, b), h) in enumerate(zip(ref, result["words"])):
                e += [abs(h["start"] - a) * 1000, abs(h["end"] - b) * 1000]
                signed.setdefault(item["cond"], []).extend([(h["start"] - a) * 1000, (h["end"] - b) * 1000])
                start_class, end_class = boundary_classes(ref, k)
                by_class.setdefault((item["cond"], start_class), []).append(abs(h["start"] - a) * 1000)
                by_class.setdefault((item["cond"], end_class), []).append(abs(h["end"] - b) * 1000)
                if "emitted_at" in h:
                    latency.setdefault(item["cond"], []).append(h["emitted_at"] - h["end"])
    for cond in CONDITIONS:
        e = np.array(errors[cond])
        bias = np.median(signed[cond]) if signed.get(cond) else float("nan")
        line = (f"{cond:7s} boundaries {len(e):4d}  median {np.median(e):6.0f} ms  bias {bias:+4.0f} ms  "
                + "  ".join(f"≤{t} ms {percent_within(e, t):5.1f}%" for t in (20, 50, 100)))
        if cond in latency:
            lat = np.array(latency[cond])
            line += (f"  latency median {np.median(lat):.2f} s p95 {np.percentile(lat, 95):.2f} s"
                     f" max {lat.max():.2f} s")
        print(line)
        if args.classes:
            for name in BOUNDARY_CLASSES:
                c = np.array(by_class.get((cond, name), []))
                if len(c):
                    print(f"    {name:17s} {len(c):4d}  ≤50 ms {percent_within(c, 50):5.1f}%  median {np.median(c):4.0f} ms")


def percent_within(errors_ms: np.ndarray, t: float) -> float:
    """% of the errors (ms) at most `t` ms; to a microsecond, as the benchmark counts them
    (Benchmarks/bench/metrics.py: float subtraction makes an exact 50 ms 50.000000000000044)."""
    return 100 * float(np.mean(errors_ms <= t + 1e-3))


def stretched(out: pathlib.Path, items: list, tempo: float) -> tuple[pathlib.Path, list]:
    """The set spoken `tempo` times faster: each recording through sox's `tempo` (WSOLA, pitch
    kept), its reference times divided by `tempo`; built once beside the original set."""
    fast = out.parent / f"{out.name}_tempo{tempo:g}"
    fast.mkdir(exist_ok=True)
    result = []
    for item in items:
        for key in ("audio", "text"):
            src, dst = out / item[key], fast / item[key]
            if dst.exists():
                continue
            if key == "audio":
                subprocess.run(["sox", str(src), str(dst), "tempo", "-s", f"{tempo:g}"], check=True,
                               stderr=subprocess.DEVNULL)
            else:
                dst.write_bytes(src.read_bytes())
        result.append(dict(item, words=[(w, a / tempo, b / tempo) for w, a, b in item["words"]]))
    return fast, result


BOUNDARY_CLASSES = ("first start", "last end", "next to a pause", "inner")


def boundary_classes(words: list, k: int, pause: float = 0.02) -> tuple[str, str]:
    """The classes of word k's start and end: the first start, the last end, a boundary next to
    a pause (more than `pause` s of silence between the words), or an inner one."""
    start = "first start" if k == 0 else ("next to a pause" if words[k][1] - words[k - 1][2] > pause else "inner")
    end = "last end" if k == len(words) - 1 else ("next to a pause" if words[k + 1][1] - words[k][2] > pause else "inner")
    return start, end


if __name__ == "__main__":
    main()
