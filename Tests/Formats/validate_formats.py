"""Validates `attend align` output with the parsers users open it in (issue 5's acceptance):
Praat TextGrid → praatio, SRT → srt, WebVTT → webvtt-py, JSON → a JSON Schema (jsonschema),
CTM / Audacity / TSV → their column layouts. Every format must carry the transcript's words, in
order, once each, with non-decreasing times inside the audio's duration.

    python3 Tests/Formats/validate_formats.py --attend .build/debug/attend --model M.safetensors

Exits non-zero with one line per failure. Run by scripts/validate-formats.sh (a venv from PyPI).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema
import srt
import webvtt
from praatio import textgrid

ROOT = pathlib.Path(__file__).resolve().parents[2]

SCHEMA = {
    "type": "object",
    "required": ["audio", "duration", "words"],
    "properties": {
        "audio": {"type": "string"},
        "duration": {"type": "number", "minimum": 0},
        "words": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["word", "start", "end", "confidence", "phones"],
                "properties": {
                    "word": {"type": "string", "minLength": 1},
                    "start": {"type": "number", "minimum": 0},
                    "end": {"type": "number", "minimum": 0},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "phones": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["phone", "start", "end"],
                            "properties": {"phone": {"type": "string"}, "start": {"type": "number"},
                                           "end": {"type": "number"}},
                        },
                    },
                },
            },
        },
    },
}

failures: list[str] = []


def check(cond: bool, what: str) -> None:
    if not cond:
        failures.append(what)


def transcript_words(text: str) -> list[str]:
    """The words `attend align` reports: whitespace-separated, punctuation stripped at the edges."""
    words = []
    for raw in text.split():
        w = re.sub(r"^[^\w]+|[^\w]+$", "", raw)
        if w:
            words.append(w)
    return words


def check_times(name: str, spans: list[tuple[float, float]], duration: float) -> None:
    last = 0.0
    for i, (s, e) in enumerate(spans):
        check(0 <= s <= e <= duration + 1e-3, f"{name}: span {i} ({s}, {e}) outside 0…{duration} or reversed")
        check(s >= last - 1e-3, f"{name}: span {i} starts at {s} before the previous end {last}")
        last = e


def run(attend: str, model: str, audio: pathlib.Path, transcript: pathlib.Path, fmt: str, out: pathlib.Path) -> None:
    cmd = [attend, "align", str(audio), "--transcript-file", str(transcript), "--model", model, "--format", fmt,
           "-o", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")


def validate(attend: str, model: str, audio: pathlib.Path, transcript: pathlib.Path, tmp: pathlib.Path) -> int:
    expected = transcript_words(transcript.read_text(encoding="utf-8"))
    stem = audio.stem
    outs = {}
    for fmt in ("json", "textgrid", "srt", "vtt", "ctm", "audacity", "tsv"):
        outs[fmt] = tmp / f"{stem}.{fmt}"
        run(attend, model, audio, transcript, fmt, outs[fmt])

    doc = json.loads(outs["json"].read_text(encoding="utf-8"))
    try:
        jsonschema.validate(doc, SCHEMA)
    except jsonschema.ValidationError as e:
        failures.append(f"{stem}.json: schema: {e.message}")
        return len(expected)
    duration = doc["duration"]
    check([w["word"] for w in doc["words"]] == expected, f"{stem}.json: words differ from the transcript")
    check_times(f"{stem}.json", [(w["start"], w["end"]) for w in doc["words"]], duration)
    for w in doc["words"]:
        check_times(f"{stem}.json phones of {w['word']!r}", [(p["start"], p["end"]) for p in w["phones"]], duration)

    tg = textgrid.openTextgrid(str(outs["textgrid"]), includeEmptyIntervals=False)
    check(set(tg.tierNames) >= {"words", "phones"}, f"{stem}.textgrid: tiers {tg.tierNames}")
    check(abs(tg.maxTimestamp - duration) < 1e-3, f"{stem}.textgrid: xmax {tg.maxTimestamp} != duration {duration}")
    entries = tg.getTier("words").entries
    check([e.label for e in entries] == expected, f"{stem}.textgrid: word labels differ from the transcript")
    check_times(f"{stem}.textgrid", [(e.start, e.end) for e in entries], duration)

    subs = list(srt.parse(outs["srt"].read_text(encoding="utf-8")))
    check([s.content for s in subs] == expected, f"{stem}.srt: cues differ from the transcript")
    check_times(f"{stem}.srt", [(s.start.total_seconds(), s.end.total_seconds()) for s in subs], duration)

    cues = list(webvtt.read(str(outs["vtt"])))
    check([c.text for c in cues] == expected, f"{stem}.vtt: cues differ from the transcript")
    check_times(f"{stem}.vtt", [(c.start_in_seconds + 0.0, c.end_in_seconds + 0.0) for c in cues], duration)

    ctm = [line.split() for line in outs["ctm"].read_text(encoding="utf-8").splitlines() if line.strip()]
    check(all(len(f) >= 5 for f in ctm), f"{stem}.ctm: a line with fewer than 5 fields")
    check([f[4] for f in ctm] == expected, f"{stem}.ctm: words differ")
    check_times(f"{stem}.ctm", [(float(f[2]), float(f[2]) + float(f[3])) for f in ctm], duration)

    aud = [line.split("\t") for line in outs["audacity"].read_text(encoding="utf-8").splitlines() if line.strip()]
    check([f[2] for f in aud] == expected, f"{stem}.audacity: labels differ")
    check_times(f"{stem}.audacity", [(float(f[0]), float(f[1])) for f in aud], duration)

    tsv = [line.split("\t") for line in outs["tsv"].read_text(encoding="utf-8").splitlines()]
    check(tsv[0] == ["word", "start", "end", "confidence"], f"{stem}.tsv: header {tsv[0]}")
    check([f[0] for f in tsv[1:] if f != [""]] == expected, f"{stem}.tsv: words differ")
    return len(expected)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attend", required=True)
    ap.add_argument("--model", required=True)
    args = ap.parse_args()
    audio_dir = ROOT / "Audio"
    n_files = n_words = 0
    with tempfile.TemporaryDirectory() as tmp:
        for audio in sorted(audio_dir.iterdir()):
            transcript = audio.with_suffix(".txt")
            if audio.suffix in (".wav", ".flac", ".ogg") and transcript.exists():
                n_words += validate(args.attend, args.model, audio, transcript, pathlib.Path(tmp))
                n_files += 1
    for f in failures:
        print("FAIL", f)
    print(f"validate_formats: {n_files} files, {n_words} words, 7 formats each: "
          f"{'ok' if not failures else f'{len(failures)} failures'}")
    return 1 if failures or n_files == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
