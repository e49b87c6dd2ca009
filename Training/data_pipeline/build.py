"""Build the training data: `python3 -m data_pipeline.build --scale small|full --out Training/data`.

Steps (each skipped when its `.done` marker for the same scale exists, so re-running is cheap):
real speech, synthetic speech, noise (packages, coloured, babble), RIR bank, crowd noise, stadium and applause noise (need the
RIRs), procedural noise, festival's voices in other languages, manifests + stats.
Everything is deterministic: sorted file lists, seeded generators.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import numpy as np

from . import audio as A
from . import noise as N
from . import phones as P
from . import procedural as PR
from . import real_speech as R
from . import synth_speech as S
from . import voice_convert as VC
from .textgen import spoken_words

SCALES = {
    "small": {"festvox-ru": 8, "tuxpaint": 30, "asterisk": 25, "kde-words": 20, "fillets": 20, "game-voices": 12,
              "espeak": (60, 15), "festival": (20, 0), "flite": (20, 6), "festival-intl": 9, "voice-converted": 12,
              "noise_per_source": 6, "midi_variants": 1, "coloured": 12, "babble": (8, 3), "crowd": (6, 2), "texture": (4, 2), "rirs": (20, 5), "procedural": (6, 2)},
    "full": {"festvox-ru": None, "tuxpaint": None, "asterisk": None, "kde-words": None, "fillets": None, "game-voices": None,
             "espeak": (3400, 300), "festival": (900, 0), "flite": (900, 120), "festival-intl": 900, "voice-converted": None,
             "noise_per_source": None, "midi_variants": 3, "coloured": 60, "babble": (400, 60), "crowd": (300, 40), "texture": (200, 30), "rirs": (400, 60), "procedural": (600, 60)},
}
SEEDS = {"espeak": 11, "festival": 22, "flite": 33, "festival-intl": 44, "voice-converted": 55}


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Writer:
    def __init__(self, out: str, name: str):
        self.out = out
        self.path = os.path.join(out, "parts", name + ".jsonl")
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.f = open(self.path + ".tmp", "w", encoding="utf-8")

    def add(self, rel: str, audio: np.ndarray, meta: dict) -> dict:
        full = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        A.write(full, audio)
        rec = {"path": rel, "duration": round(len(audio) / A.SR, 4), **meta}
        self.f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return rec

    def close(self) -> None:
        self.f.close()
        os.replace(self.path + ".tmp", self.path)


def done(out: str, step: str, scale: str) -> bool:
    return os.path.exists(os.path.join(out, "parts", f"{step}.done")) and \
        open(os.path.join(out, "parts", f"{step}.done")).read().strip() == scale


def mark(out: str, step: str, scale: str) -> None:
    with open(os.path.join(out, "parts", f"{step}.done"), "w") as f:
        f.write(scale + "\n")


def silver_align(x, text):
    try:
        from .silver import align
    except ImportError:  # pocketsphinx missing: real English keeps its transcript only
        return None
    return align(x, text)


def step_real(out: str, scale: str, cfg: dict) -> None:
    for name, fn in R.SOURCES.items():
        if done(out, f"real-{name}", scale):
            continue
        log(f"real speech: {name}")
        w = Writer(out, f"real-{name}")
        silver_ok = silver_n = 0
        for k, rec in enumerate(fn(cfg[name])):
            x = A.normalise(rec["audio"])
            split = "val" if rec["speaker"] in R.VAL_SPEAKERS else "train"
            timing = "voice-labels" if rec["phones"] else None  # festvox-ru: labels of the voice build
            if rec["language"] == "en" and rec["words"] is None and rec["text"]:
                silver_n += 1
                got = silver_align(x, rec["text"])
                if got:
                    rec["words"], rec["phones"] = got
                    timing = "silver-pocketsphinx"
                    silver_ok += 1
            w.add(f"speech/real/{name}/{k:05d}.wav", x, {
                "split": split, "kind": "real", "source": rec["source"], "speaker": rec["speaker"],
                "language": rec["language"], "text": rec["text"], "words": rec["words"], "phones": rec["phones"],
                "timing": timing, "src_path": rec["src_path"]})
        w.close()
        if silver_n:
            log(f"  {name}: silver-aligned {silver_ok} of {silver_n} English utterances")
        mark(out, f"real-{name}", scale)


def step_synth(out: str, scale: str, cfg: dict) -> None:
    for engine, fn in S.ENGINES.items():
        if done(out, f"synth-{engine}", scale):
            continue
        log(f"synthetic speech: {engine}")
        unknown: dict = {}
        skipped = 0
        w = Writer(out, f"synth-{engine}")
        for split, n in zip(("train", "val"), cfg[engine]):
            seed = SEEDS[engine] + (1000 if split == "val" else 0)
            rng = np.random.default_rng(seed)
            k = 0
            for rec in fn(n, seed, unknown, split):
                if [x["word"].lower() for x in rec["words"]] != [x.lower() for x in spoken_words(rec["spoken"])]:
                    skipped += 1  # a word without phones or an engine-specific split: drop the utterance
                    continue
                x, words, phones = _padded(rec, rng)
                w.add(f"speech/synth/{engine}/{split}_{k:05d}.wav", x, {
                    "split": split, "kind": "synthetic", "source": rec["engine"], "speaker": rec["voice"],
                    "language": "en", "text": rec["text"], "spoken": rec["spoken"], "words": words, "phones": phones,
                    "timing": "exact-synthesis",
                    "params": rec.get("params")})
                k += 1
        w.close()
        log(f"  {engine}: dropped {skipped} utterances whose words did not match the text")
        if unknown:
            log(f"  unmapped phones ({engine}): {unknown}")
        mark(out, f"synth-{engine}", scale)


def _padded(rec: dict, rng: np.random.Generator) -> tuple[np.ndarray, list[dict], list[dict]]:
    """A synthetic utterance with 0.1-0.6 s of silence before and after, normalised, its times shifted."""
    lead, trail = int(rng.uniform(0.1, 0.6) * A.SR), int(rng.uniform(0.1, 0.6) * A.SR)
    x = A.normalise(np.concatenate([np.zeros(lead, np.float32), rec["audio"], np.zeros(trail, np.float32)]))
    dt = lead / A.SR
    words = [{**wd, "start": round(wd["start"] + dt, 5), "end": round(wd["end"] + dt, 5)} for wd in rec["words"]]
    phones = [{**p, "start": round(p["start"] + dt, 5), "end": round(p["end"] + dt, 5)} for p in rec["phones"]]
    return x, words, phones


INTL_TEXT_SKIP = {"klettres-data"}  # its "texts" are letters and syllables (file names)


def step_festival_intl(out: str, scale: str, cfg: dict) -> None:
    """Festival's female voices in other languages (synth_speech.FESTIVAL_INTL), reading the training
    split's transcripts of real speech in their languages and the lines of the Fish Fillets NG
    dialogue scripts in them (text only). It runs after the noise steps and writes a part outside
    `real-`/`synth-`, so the babble and crowd noise made of the speech records are what they were
    before it existed (2026-12-07)."""
    if done(out, "voices-festival-intl", scale):
        return
    log("synthetic speech: festival voices in other languages")
    texts: dict[str, list[str]] = {}
    for r in _speech_records(out, "train"):
        if r["kind"] == "real" and r.get("text") and r["source"] not in INTL_TEXT_SKIP:
            texts.setdefault(r["language"], []).append(r["text"])
    for lang in sorted({v[0] for v in S.FESTIVAL_INTL.values()}):
        texts.setdefault(lang, []).extend(R.fillets_script_lines(lang))  # Italian has no transcripts of its own
    texts = {k: sorted(set(v)) for k, v in texts.items()}
    unknown: dict = {}
    rng = np.random.default_rng(SEEDS["festival-intl"])
    w = Writer(out, "voices-festival-intl")
    for k, rec in enumerate(S.festival_intl_records(texts, cfg["festival-intl"], SEEDS["festival-intl"], unknown)):
        x, words, phones = _padded(rec, rng)
        w.add(f"speech/synth/festival-intl/train_{k:05d}.wav", x, {
            "split": "train", "kind": "synthetic", "source": rec["engine"], "speaker": rec["voice"],
            "language": rec["language"], "text": rec["text"], "spoken": " ".join(wd["word"] for wd in words), "words": words,
            "phones": phones, "timing": "exact-synthesis", "params": rec.get("params")})
    w.close()
    if unknown:
        log(f"  unmapped phones (festival-intl): {unknown}")
    mark(out, "voices-festival-intl", scale)


VC_FROM = ("festival", "flite")  # the male English voices with exact times


def step_voices_converted(out: str, scale: str, cfg: dict) -> None:
    """Every training utterance of festival's and flite's English voices (all male) once more,
    re-synthesised in a female range by `voice_convert` (WORLD: pitch to a drawn 170-250 Hz median,
    envelope stretched 1.10-1.22x), its words and phones at the same exact times. Like
    step_festival_intl it runs after the noise steps and writes a part outside `real-`/`synth-`
    (2026-12-07)."""
    if done(out, "voices-converted", scale):
        return
    log("synthetic speech: female-range copies of the male synthetic voices")
    rng = np.random.default_rng(SEEDS["voice-converted"])
    recs = [r for r in _speech_records(out, "train") if r["source"] in VC_FROM]
    if cfg["voice-converted"] is not None:
        recs = [recs[i] for i in sorted(rng.choice(len(recs), min(len(recs), cfg["voice-converted"]), replace=False))]
    w = Writer(out, "voices-converted")
    for k, r in enumerate(recs):
        x = A.load(os.path.join(out, r["path"]))
        params = VC.female_params(x, A.SR, rng)
        y = VC.convert(x, A.SR, params["f0_ratio"], params["formant_ratio"])
        w.add(f"speech/synth/converted/train_{k:05d}.wav", y, {
            "split": "train", "kind": "synthetic", "source": "voice-converted", "speaker": r["speaker"] + "+vc",
            "language": r["language"], "text": r["text"], "spoken": r["spoken"], "words": r["words"],
            "phones": r["phones"], "timing": "exact-synthesis", "params": {**params, "from": r["path"]}})
    w.close()
    mark(out, "voices-converted", scale)


def _speech_records(out: str, split: str) -> list[dict]:
    recs = []
    for f in sorted(os.listdir(os.path.join(out, "parts"))):
        if f.startswith(("real-", "synth-")) and f.endswith(".jsonl"):
            with open(os.path.join(out, "parts", f), encoding="utf-8") as fh:
                recs += [r for r in map(json.loads, fh) if r["split"] == split]
    return recs


def _add_recordings(w: "Writer", folder: str, recs, group=lambda src: src) -> None:
    """Writes pieces of recorded or rendered noise (`{"audio", "source", "src_path", "split", "piece"}`)
    as noise/FOLDER/K.wav (FOLDER may name `{source}`), grouped by `group(src_path)`: the file they came from."""
    for k, rec in enumerate(recs):
        w.add(f"noise/{folder.format(source=rec['source'])}/{k:05d}.wav", rec["audio"], {
            "split": rec["split"], "source": rec["source"], "src_path": rec["src_path"], "piece": rec["piece"],
            "group": group(rec["src_path"])})


def step_noise(out: str, scale: str, cfg: dict) -> None:
    if not done(out, "noise-real", scale + N.REAL_POOL_TAG):
        log("noise: packaged recordings")
        shutil.rmtree(os.path.join(out, "noise", "real"), ignore_errors=True)
        w = Writer(out, "noise-real")
        _add_recordings(w, "real/{source}", N.real_noise(cfg["noise_per_source"],
                                                        N.SMALL_PACKAGES if scale == "small" else None))
        w.close()
        mark(out, "noise-real", scale + N.REAL_POOL_TAG)
    if not done(out, "noise-coloured", scale):
        log("noise: coloured")
        w = Writer(out, "noise-coloured")
        for k, rec in enumerate(N.coloured_noise(cfg["coloured"])):
            w.add(f"noise/coloured/{k:04d}.wav", rec["audio"], {
                "split": rec["split"], "source": rec["source"], "src_path": rec["src_path"], "piece": 0,
                "group": rec["src_path"]})
        w.close()
        mark(out, "noise-coloured", scale)
    if not done(out, "noise-midi", scale):
        log("noise: MIDI music")
        shutil.rmtree(os.path.join(out, "noise", "midi-music"), ignore_errors=True)
        w = Writer(out, "noise-midi")
        _add_recordings(w, "midi-music", N.midi_music(cfg["midi_variants"]), group=lambda src: src.split("#")[0])
        w.close()
        mark(out, "noise-midi", scale)
    if not done(out, "noise-babble", scale):
        log("noise: babble")
        w = Writer(out, "noise-babble")
        for split, n in zip(("train", "val"), cfg["babble"]):
            recs = _speech_records(out, split)
            rng = np.random.default_rng(77 if split == "train" else 78)
            pick = [recs[int(i)] for i in rng.choice(len(recs), size=min(len(recs), 400), replace=False)]
            utts = [A.load(os.path.join(out, r["path"])) for r in pick]
            for k, rec in enumerate(N.babble(utts, n, seed=79 if split == "train" else 80)):
                w.add(f"noise/babble/{split}_{k:04d}.wav", rec["audio"], {
                    "split": split, "source": "babble", "src_path": f"babble:{split}:{k}", "piece": 0,
                    "group": f"babble:{split}:{k}", "n_talkers": rec["n_talkers"]})
        w.close()
        mark(out, "noise-babble", scale)


def step_rirs(out: str, scale: str, cfg: dict) -> None:
    if done(out, "rirs", scale):
        return
    from .augment import simulate_rir
    log("room impulse responses")
    for split, n in zip(("train", "val"), cfg["rirs"]):
        d = os.path.join(out, "rirs", split)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        rng = np.random.default_rng(5 if split == "train" else 6)
        for k in range(n):
            np.save(os.path.join(d, f"{k:04d}.npy"), simulate_rir(rng))
    mark(out, "rirs", scale)


def _real_speech_and_rooms(out: str, split: str, seed: int, limit: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Up to `limit` real (never synthetic) utterances of the split, drawn with `seed`, and the
    split's RIR bank: what the talker noises (crowd, stadium) are made of."""
    recs = [r for r in _speech_records(out, split) if r["kind"] == "real"]
    rng = np.random.default_rng(seed)
    pick = [recs[int(i)] for i in rng.choice(len(recs), size=min(len(recs), limit), replace=False)]
    utts = [A.load(os.path.join(out, r["path"])) for r in pick]
    rirs = [np.load(os.path.join(out, "rirs", split, f)) for f in sorted(os.listdir(os.path.join(out, "rirs", split)))]
    return utts, rirs


def _add_pieces(w: "Writer", source: str, split: str, pieces) -> None:
    """Writes generated noise pieces (`{"audio", ...}`: "n_talkers" or "layers" kept in the
    manifest) as noise/SOURCE/SPLIT_K.wav, one group each."""
    for k, rec in enumerate(pieces):
        w.add(f"noise/{source}/{split}_{k:04d}.wav", rec["audio"], {
            "split": split, "source": source, "src_path": f"{source}:{split}:{k}", "piece": 0,
            "group": f"{source}:{split}:{k}", **{key: v for key, v in rec.items() if key != "audio"}})


def step_crowd(out: str, scale: str, cfg: dict) -> None:
    """Crowd noise: real speech of the split only (no synthetic voices), each talker in a room of
    the split's RIR bank."""
    if done(out, "noise-crowd", scale):
        return
    log("noise: crowd")
    w = Writer(out, "noise-crowd")
    for split, n in zip(("train", "val"), cfg["crowd"]):
        utts, rirs = _real_speech_and_rooms(out, split, seed=91 if split == "train" else 92, limit=1500)
        _add_pieces(w, "crowd", split, N.crowd(utts, rirs, n, seed=93 if split == "train" else 94))
    w.close()
    mark(out, "noise-crowd", scale)


def step_texture(out: str, scale: str, cfg: dict) -> None:
    """Audience noise: `stadium` (40-120 far talkers of the split's real speech in rooms of its RIR
    bank, swelling) and `applause` (synthetic clappers in one of its rooms)."""
    if done(out, "noise-texture", scale):
        return
    log("noise: stadium and applause")
    w = Writer(out, "noise-texture")
    for split, n in zip(("train", "val"), cfg["texture"]):
        utts, rirs = _real_speech_and_rooms(out, split, seed=95 if split == "train" else 96, limit=2500)
        seed = 97 if split == "train" else 98
        _add_pieces(w, "stadium", split, N.stadium(utts, rirs, n, seed=seed))
        _add_pieces(w, "applause", split, N.applause(rirs, n, seed=seed))
    w.close()
    mark(out, "noise-texture", scale)


def step_procedural(out: str, scale: str, cfg: dict) -> None:
    """Procedural noise (`data_pipeline.procedural`): generated notes, swelling bands, impulses,
    sweeps and machine buzz, 8 s clips; train and val from different seeds."""
    if done(out, "noise-procedural", scale):
        return
    log("noise: procedural")
    w = Writer(out, "noise-procedural")
    for split, n in zip(("train", "val"), cfg["procedural"]):
        _add_pieces(w, "procedural", split, PR.events(n, seed=101 if split == "train" else 102))
    w.close()
    mark(out, "noise-procedural", scale)


def step_manifests(out: str) -> dict:
    log("manifests")
    speech = {"train": [], "val": []}
    noise = {"train": [], "val": []}
    for f in sorted(os.listdir(os.path.join(out, "parts"))):
        if not f.endswith(".jsonl"):
            continue
        with open(os.path.join(out, "parts", f), encoding="utf-8") as fh:
            for r in map(json.loads, fh):
                (noise if f.startswith("noise-") else speech)[r["split"]].append(r)
    for name, group in (("speech", speech), ("noise", noise)):
        for split, recs in group.items():
            with open(os.path.join(out, f"{name}_{split}.jsonl"), "w", encoding="utf-8") as fh:
                for r in recs:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    stats: dict = {"speech": {}, "noise": {}}
    for name, group in (("speech", speech), ("noise", noise)):
        for split, recs in group.items():
            for r in recs:
                key = r["source"]
                s = stats[name].setdefault(key, {"train_min": 0.0, "val_min": 0.0, "files": 0, "speakers": set()})
                s[f"{split}_min"] += r["duration"] / 60
                s["files"] += 1
                if "speaker" in r:
                    s["speakers"].add(r["speaker"])
    for group in stats.values():
        for s in group.values():
            s["train_min"], s["val_min"] = round(s["train_min"], 2), round(s["val_min"], 2)
            s["speakers"] = len(s["speakers"])
    stats["totals_min"] = {f"{name}_{split}": round(sum(r["duration"] for r in group[split]) / 60, 2)
                           for name, group in (("speech", speech), ("noise", noise)) for split in ("train", "val")}
    with open(os.path.join(out, "stats.json"), "w") as fh:
        json.dump(stats, fh, indent=1)
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data"))
    a = ap.parse_args(argv)
    cfg = SCALES[a.scale]
    os.makedirs(os.path.join(a.out, "parts"), exist_ok=True)
    scale_file = os.path.join(a.out, "SCALE")
    if os.path.exists(scale_file) and open(scale_file).read().strip() != a.scale:
        log(f"{a.out} holds another scale: rebuilding")
        for d in ("speech", "noise", "rirs", "parts"):
            shutil.rmtree(os.path.join(a.out, d), ignore_errors=True)
        os.makedirs(os.path.join(a.out, "parts"))
    with open(scale_file, "w") as f:
        f.write(a.scale + "\n")
    P.write_json(os.path.join(a.out, "phones.json"))
    t0 = time.time()
    step_real(a.out, a.scale, cfg)
    step_synth(a.out, a.scale, cfg)
    step_noise(a.out, a.scale, cfg)
    step_rirs(a.out, a.scale, cfg)
    step_crowd(a.out, a.scale, cfg)
    step_texture(a.out, a.scale, cfg)
    step_procedural(a.out, a.scale, cfg)
    step_festival_intl(a.out, a.scale, cfg)
    step_voices_converted(a.out, a.scale, cfg)
    stats = step_manifests(a.out)
    log(f"done in {time.time() - t0:.0f} s: {json.dumps(stats['totals_min'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
