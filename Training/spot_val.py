"""Keyword spotting on the training data's validation split (the voices and noises of
Training/align_val.py, never the reserved evaluation audio), for choosing `attend spot`'s search
settings and default threshold on the Swift outputs.

    python3 Training/spot_val.py [--bin .build/release/attend] [--model M.safetensors] [--n 40]

For every utterance (clean, and in validation noise at 5 and 0 dB) it asks `attend spot` for
three words it contains (4 letters or more) and three it does not (from the other utterances),
with --threshold 0, and scores each trial: a present word by its best hit whose end falls between
the middle of the word and 0.1 s after its end, an absent word by its best hit anywhere (0 when
there is none). Prints per condition the area under the ROC (present against absent) and, for
thresholds 0.25-0.6, the recall of present words and the share of absent words falsely found.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from align_val import CONDITIONS, build  # noqa: E402


def clean(word: str) -> str:
    return word.lower().strip(".,!?;:\"'()")


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    return float((pos[:, None] > neg[None]).mean() + 0.5 * (pos[:, None] == neg[None]).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / ".build" / "release" / "attend"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--data", default=str(ROOT / "Training" / "data"))
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="also write the trials and the summary here")
    args, extra = ap.parse_known_args()
    out = pathlib.Path(args.data) / "align_val"
    items = build(pathlib.Path(args.data), out, args.n)
    rng = np.random.default_rng(3)
    vocab = sorted({clean(w[0]) for it in items for w in it["words"] if len(clean(w[0])) >= 4})
    trials = []  # (item, keyword, start, end) with start None for an absent word
    by_id: dict[int, tuple[list, list]] = {}
    for it in items:
        if it["id"] not in by_id:
            words = [(clean(w[0]), w[1], w[2]) for w in it["words"]]
            present = [w for w in words if len(w[0]) >= 4]
            present = [present[i] for i in rng.permutation(len(present))[:3]]
            inside = {w[0] for w in words}
            absent = [v for v in rng.permutation(vocab) if v not in inside][:3]
            by_id[it["id"]] = (present, absent)
        present, absent = by_id[it["id"]]
        trials += [(it, w, s, e) for w, s, e in present] + [(it, v, None, None) for v in absent]

    def run(it):
        kws = sorted({t[1] for t in trials if t[0] is it})
        cmd = [args.bin, "spot", str(out / it["audio"]), "--keywords", ",".join(kws), "--threshold", "0"]
        if args.model:
            cmd += ["--model", args.model]
        r = subprocess.run(cmd + extra, capture_output=True, text=True)
        return it["audio"], (json.loads(r.stdout) if r.returncode == 0 else None), r.stderr.strip()

    hits: dict[str, list] = {}
    with cf.ThreadPoolExecutor(args.jobs) as ex:
        for audio, result, err in ex.map(run, items):
            if result is None:
                sys.exit(f"spot failed on {audio}: {err}")
            hits[audio] = result
    rows = []
    for it, kw, s, e in trials:
        found = [h for h in hits[it["audio"]] if h["keyword"] == kw]
        if s is None:
            score = max((h["score"] for h in found), default=0.0)
        else:
            score = max((h["score"] for h in found if (s + e) / 2 <= h["end"] <= e + 0.1), default=0.0)
        rows.append({"cond": it["cond"], "audio": it["audio"], "keyword": kw, "present": s is not None, "score": score})
    summary = {}
    thresholds = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
    for cond in CONDITIONS:
        pos = np.array([r["score"] for r in rows if r["cond"] == cond and r["present"]])
        neg = np.array([r["score"] for r in rows if r["cond"] == cond and not r["present"]])
        summary[cond] = {"present": len(pos), "absent": len(neg), "auc": auc(pos, neg),
                         "recall": {str(t): float((pos >= t).mean()) for t in thresholds},
                         "false_alarms": {str(t): float((neg >= t).mean()) for t in thresholds}}
        print(f"{cond:7s} present {len(pos)} absent {len(neg)}  AUC {summary[cond]['auc']:.3f}")
    for t in thresholds:
        print(f"threshold {t:.2f}: " + "  ".join(
            f"{c} recall {100 * summary[c]['recall'][str(t)]:5.1f}% false {100 * summary[c]['false_alarms'][str(t)]:5.1f}%"
            for c in CONDITIONS))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"summary": summary, "trials": rows}, indent=1))


if __name__ == "__main__":
    main()
