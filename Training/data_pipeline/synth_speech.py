"""Synthetic English speech with exact word and phone times from espeak-ng, festival and flite.

Each engine yields records: {"audio": float32 16 kHz, "voice", "text", "spoken", "words":[{word,start,end}],
"phones":[{phone,start,end}]} with phones mapped onto the inventory of phones.py (silence = gaps).
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
from difflib import SequenceMatcher

import numpy as np

from . import audio as A
from .phones import map_phone
from .reserved import check_voice
from .textgen import SentenceGenerator, spoken_words

ESPEAK_BASES = ["en-US", "en", "en-GB-scotland", "en-GB-x-rp", "en-GB-x-gbclan", "en-GB-x-gbcwmd", "en-029",
                "en-US-nyc"]
ESPEAK_SKIP_VARIANTS = {"Demonic", "UniRobot", "anikaRobot", "RicishayMax", "RicishayMax2", "RicishayMax3",
                        "Storm", "whisper", "whisperf", "AnxiousAndy"}
# held out for validation (whole voices): one accent and some variants
ESPEAK_VAL_BASES = {"en-GB-x-gbcwmd"}
ESPEAK_VAL_VARIANTS = {"f5", "m7", "Annie", "klatt4", "grandma", "john"}
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone"]
FLITE_VOICES = ["kal", "kal16", "awb", "rms"]
FLITE_VAL = {"rms"}


def espeak_variants() -> list[str]:
    d = "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v"
    names = sorted(os.listdir(d)) if os.path.isdir(d) else [f"f{i}" for i in range(1, 6)] + [f"m{i}" for i in range(1, 8)]
    return [""] + [n for n in names if n not in ESPEAK_SKIP_VARIANTS]


def _map_phones(source: str, phones: list[dict], unknown: dict) -> list[dict]:
    """Map native phone names onto the inventory; '' merges into the previous phone; SIL is dropped."""
    out: list[dict] = []
    for p in phones:
        m = map_phone(source, p["phone"])
        if m is None:
            unknown[(source, p["phone"])] = unknown.get((source, p["phone"]), 0) + 1
            m = ""
        if m == "":
            if out and abs(out[-1]["end"] - p["start"]) < 1e-6:
                out[-1]["end"] = p["end"]
            continue
        if m == "SIL":
            continue
        out.append({"phone": m, "start": round(p["start"], 5), "end": round(p["end"], 5)})
    return out


def _words(ws: list[dict]) -> list[dict]:
    return [{"word": w["word"], "start": round(w["start"], 5), "end": round(w["end"], 5)} for w in ws]


def espeak_records(n: int, seed: int, unknown: dict, split: str):
    from .espeak_synth import Espeak
    es = Espeak()
    gen = SentenceGenerator(seed)
    variants = espeak_variants()
    if split == "val":
        combos = [(b, v) for b in ESPEAK_BASES for v in variants if b in ESPEAK_VAL_BASES or v in ESPEAK_VAL_VARIANTS]
    else:
        combos = [(b, v) for b in ESPEAK_BASES for v in variants
                  if b not in ESPEAK_VAL_BASES and v not in ESPEAK_VAL_VARIANTS]
    for i in range(n):
        r = random.Random(f"espeak-{split}-{seed}-{i}")
        text, spoken = gen.sentence()
        base, var = r.choice(combos)
        voice = f"gmw/{base}" + (f"+{var}" if var else "")
        check_voice(voice)
        res = es.synth(spoken, voice, rate=r.randint(120, 260), pitch=r.randint(20, 80), prange=r.randint(20, 90))
        if not res.words:
            continue
        yield {"audio": A.resample(res.audio, res.rate), "voice": f"espeak:{base}+{var or 'default'}",
               "text": text, "spoken": spoken, "words": _words(res.words),
               "phones": _map_phones("espeak", res.phones, unknown), "engine": "espeak-ng"}


FESTIVAL_DUMP = r"""
(define (dump-utt utt path)
  (utt.save.wave utt path 'riff)
  (mapcar (lambda (w)
     (format t "W %s\n" (item.name w))
     (mapcar (lambda (syl)
        (mapcar (lambda (seg)
            (format t "S %s %f %f\n" (item.name seg) (item.feat seg "segment_start") (item.feat seg "segment_end")))
          (item.relation.daughters syl 'SylStructure)))
       (item.relation.daughters w 'SylStructure)))
   (utt.relation.items utt 'Word))
  (format t "E\n"))
"""


def _scheme_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def festival_batch(tmp: str, jobs: list, prelude: tuple = (), enc: str = "utf-8", timeout: int = 600) -> dict:
    """One festival run over `jobs` [(i, setup lines, text, wav path)]: each job's setup lines, then its
    text synthesised and dumped (FESTIVAL_DUMP) after the `prelude` lines; the script written and the
    output read in `enc`. {i: (words, phones, audio)} for the utterances festival wrote."""
    lines = [FESTIVAL_DUMP, *prelude]
    for i, setup, text, wav in jobs:
        lines += setup
        lines.append(f'(format t "U {i}\\n")')
        lines.append(f"(dump-utt (utt.synth (Utterance Text {_scheme_string(text)})) \"{wav}\")")
    scm = os.path.join(tmp, "batch.scm")
    with open(scm, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode(enc))
    out = subprocess.run(["festival", "-b", scm], capture_output=True, timeout=timeout).stdout.decode(enc)
    parsed = _parse_festival(out)
    done = {}
    for i, _, _, wav in jobs:
        if i in parsed and os.path.exists(wav):
            done[i] = (*parsed[i], A.load(wav))
            os.remove(wav)
    return done


def festival_records(n: int, seed: int, unknown: dict, split: str, batch: int = 40):
    if split == "val":
        return  # festival's two voices stay in training; validation voices come from espeak-ng and flite
    gen = SentenceGenerator(seed)
    with tempfile.TemporaryDirectory() as tmp:
        for b0 in range(0, n, batch):
            jobs, meta = [], {}
            for i in range(b0, min(n, b0 + batch)):
                r = random.Random(f"festival-{seed}-{i}")
                text, spoken = gen.sentence()
                voice = r.choice(FESTIVAL_VOICES)
                check_voice(voice)
                stretch = round(r.uniform(0.8, 1.35), 3)
                f0 = r.randint(85, 150)
                meta[i] = (text, spoken, voice, stretch, f0)
                jobs.append((i, [f"(voice_{voice})", f"(Parameter.set 'Duration_Stretch {stretch})",
                                 f"(set! int_lr_params (list (list 'target_f0_mean {f0}) (list 'target_f0_std {f0 // 6}) "
                                 "(list 'model_f0_mean 170) (list 'model_f0_std 34)))"],
                             spoken, os.path.join(tmp, f"{i}.wav")))
            done = festival_batch(tmp, jobs)
            for i, _, _, _ in jobs:
                if i not in done or not done[i][0]:
                    continue
                words, phones, x = done[i]
                text, spoken, voice, stretch, f0 = meta[i]
                yield {"audio": x, "voice": f"festival:{voice}", "text": text, "spoken": spoken,
                       "words": _words(words), "phones": _map_phones("festival", phones, unknown),
                       "engine": "festival", "params": {"duration_stretch": stretch, "f0_mean": f0}}


def _parse_festival(out: str) -> dict:
    res, cur, words, phones = {}, None, [], []
    for line in out.splitlines():
        t = line.split()
        if not t:
            continue
        if t[0] == "U":
            cur, words, phones = int(t[1]), [], []
        elif t[0] == "W" and cur is not None:
            words.append({"word": re.sub(r"^[^\w']+|[^\w']+$", "", " ".join(t[1:])), "segs": []})
        elif t[0] == "S" and cur is not None and words:
            p = {"phone": t[1], "start": float(t[2]), "end": float(t[3])}
            words[-1]["segs"].append(p)
            phones.append(p)
        elif t[0] == "E" and cur is not None:
            ws = [{"word": w["word"], "start": w["segs"][0]["start"], "end": w["segs"][-1]["end"]}
                  for w in words if w["segs"] and w["word"]]
            res[cur] = (ws, phones)
            cur = None
    return res


_T2P_CACHE: dict[str, list[str]] = {}


def _t2p(word: str) -> list[str]:
    if word not in _T2P_CACHE:
        out = subprocess.run(["t2p", word], capture_output=True, text=True, timeout=30).stdout.split()
        _T2P_CACHE[word] = [p.rstrip("012") for p in out if p != "pau"]
    return _T2P_CACHE[word]


def flite_records(n: int, seed: int, unknown: dict, split: str):
    gen = SentenceGenerator(seed)
    voices = sorted(FLITE_VAL) if split == "val" else [v for v in FLITE_VOICES if v not in FLITE_VAL]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            r = random.Random(f"flite-{split}-{seed}-{i}")
            text, spoken = gen.sentence()
            voice = r.choice(voices)
            check_voice(voice)
            stretch = round(r.uniform(0.8, 1.35), 3)
            f0 = r.randint(80, 160)
            wav = os.path.join(tmp, "x.wav")
            txt = os.path.join(tmp, "x.txt")
            with open(txt, "w") as f:
                f.write(spoken + "\n")
            out = subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}",
                                  "--setf", f"int_f0_target_mean={f0}", "-psdur", "-f", txt, "-o", wav],
                                 capture_output=True, text=True, timeout=120).stdout
            segs, t0 = [], 0.0
            for tok in out.split():
                if ":" not in tok:
                    continue
                name, end = tok.rsplit(":", 1)
                end = float(end)
                segs.append({"phone": name, "start": t0, "end": end})
                t0 = end
            words = spoken_words(spoken)
            grouped = _group_flite(words, segs)
            if grouped is None or not os.path.exists(wav):
                continue
            x = A.load(wav)
            yield {"audio": x, "voice": f"flite:{voice}", "text": text, "spoken": spoken, "words": _words(grouped),
                   "phones": _map_phones("flite", segs, unknown), "engine": "flite",
                   "params": {"duration_stretch": stretch, "f0_mean": f0}}


def _group_flite(words: list[str], segs: list[dict]) -> list[dict] | None:
    """Assign flite's timed phones to words via each word's lexicon phones (t2p), aligned by difflib."""
    ref, owner = [], []
    for wi, w in enumerate(words):
        ps = _t2p(w.lower())
        ref += ps
        owner += [wi] * len(ps)
    hyp_idx = [k for k, s in enumerate(segs) if s["phone"] != "pau"]
    hyp = [segs[k]["phone"] for k in hyp_idx]
    sm = SequenceMatcher(a=ref, b=hyp, autojunk=False)
    if sm.ratio() < 0.9:
        return None
    seg_word = {}
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for j in range(j1, j2):
                seg_word[hyp_idx[j]] = owner[i1 + j - j1]
        elif tag == "replace":  # e.g. post-lexical reduction: "a" ey -> ax
            for j in range(j1, j2):
                seg_word[hyp_idx[j]] = owner[i1 + (j - j1) * (i2 - i1) // (j2 - j1)]
    # inserted phones take the word of their nearest assigned neighbour on the left
    last = None
    for k in hyp_idx:
        if k in seg_word:
            last = seg_word[k]
        elif last is not None:
            seg_word[k] = last
    out = []
    for wi, w in enumerate(words):
        ks = [k for k in hyp_idx if seg_word.get(k) == wi]
        if not ks:
            return None
        out.append({"word": w, "start": segs[ks[0]]["start"], "end": segs[ks[-1]]["end"]})
    for a, b in zip(out, out[1:]):
        if b["start"] < a["end"] - 1e-6:
            return None
    return out


ENGINES = {"espeak": espeak_records, "festival": festival_records, "flite": flite_records}

# Festival's female voices in other languages (source "festival-intl", added 2026-12-07): the English
# voices of festival and flite are all male, so the phone head had exact times of female voices only
# from espeak-ng's formant synthesis. Each voice reads sentences of its own language taken from the
# training pool's transcripts; its phones map approximately onto the inventory (phones.py), and what
# has no counterpart is left unlabelled. voice: (language, encoding festival reads the text in,
# phone map, whether Duration_Stretch changes it; the HTS voice ignores it).
SPEECH_ADDED_2026_12_07 = ("festival-intl", "voice-converted")  # shipped recipes leave them out (N = 0)
FESTIVAL_INTL = {
    "upc_ca_ona_hts": ("ca", "latin-1", "festival-ca", False),
    "lp_diphone": ("it", "latin-1", "festival-it", True),
    "czech_dita": ("cs", "iso-8859-2", "festival-cs", True),
}


def intl_sentence(texts: list[str], r: random.Random) -> str:
    """One to three transcripts of the pool joined into one sentence (tuxpaint's are single phrases)."""
    parts = []
    for t in r.sample(texts, k=min(len(texts), r.randint(1, 3))):
        t = " ".join(t.split())
        parts.append(t if t[-1:] in ".!?,;:" else t + ".")
    return " ".join(parts)


def festival_intl_records(texts: dict[str, list[str]], n: int, seed: int, unknown: dict, batch: int = 30):
    """`n` utterances, the voices in turn, each reading `intl_sentence` of `texts[language]` (only
    `_readable` texts). Records as festival_records', with "language"."""
    pools = {v: [t for t in texts.get(lang, []) if _readable(t, enc)]
             for v, (lang, enc, _, _) in FESTIVAL_INTL.items()}
    voices = [v for v in FESTIVAL_INTL if pools[v]]
    if not voices:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for b0 in range(0, n, batch):
            by_voice: dict[str, list] = {}
            for i in range(b0, min(n, b0 + batch)):
                r = random.Random(f"festival-intl-{seed}-{i}")
                voice = voices[i % len(voices)]
                check_voice(voice)
                lang, enc, table, stretchable = FESTIVAL_INTL[voice]
                stretch = round(r.uniform(0.85, 1.3), 3) if stretchable else 1.0
                by_voice.setdefault(voice, []).append((i, intl_sentence(pools[voice], r), stretch,
                                                       os.path.join(tmp, f"{i}.wav")))
            for voice, jobs in by_voice.items():
                lang, enc, table, _ = FESTIVAL_INTL[voice]
                done = festival_batch(tmp, [(i, [f"(Parameter.set 'Duration_Stretch {stretch})"], text, wav)
                                            for i, text, stretch, wav in jobs],
                                      prelude=(f"(voice_{voice})",), enc=enc, timeout=900)
                for i, text, stretch, _ in jobs:
                    if i not in done or not done[i][0] or not len(done[i][2]):
                        continue
                    words, phones, x = done[i]
                    yield {"audio": x, "voice": f"festival:{voice}", "language": lang, "text": text,
                           "words": _words(words), "phones": _map_phones(table, phones, unknown),
                           "engine": "festival-intl", "params": {"duration_stretch": stretch}}


def _readable(text: str, enc: str) -> bool:
    """Text the voice can read: in its encoding, and letters, digits and plain punctuation only (the
    game scripts' format fields such as "%1" stop festival's batch)."""
    try:
        text.encode(enc)
    except UnicodeEncodeError:
        return False
    return bool(text.strip()) and all(c.isalnum() or c.isspace() or c in ".,;:!?'\"()-" for c in text)
