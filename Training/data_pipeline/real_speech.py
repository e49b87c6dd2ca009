"""Real speech from the training pool of shared/DATA.md: festvox-ru (with phone times from its
lab/ files), tuxpaint-stamps-default spoken descriptions, Asterisk core prompts (G.722).

Each source yields records {"audio", "speaker", "language", "text", "words" (None), "phones"
(festvox-ru only), "src_path"}; every source path passes the reserved-list guard.
"""
from __future__ import annotations

import glob
import gzip
import os
import re

from . import audio as A
from .phones import map_phone
from .reserved import check_path

FESTVOX_RU = "/usr/share/festival/voices/russian/msu_ru_nsh_clunits"
TUXPAINT = "/usr/share/tuxpaint/stamps"
ASTERISK = "/usr/share/asterisk/sounds"
ASTERISK_LANGS = {"en": "en_US_f_Allison", "es": "es_MX_f_Allison", "fr": "fr_CA_f_June", "it": "it_IT_m_Carlo",
                  "ru": "ru_RU_f_IvrvoiceRU"}
# speakers held out for validation (whole speakers)
VAL_SPEAKERS = {"asterisk:Carlo", "tuxpaint:nl", "tuxpaint:lt", "tuxpaint:el", "ktuberling:nl", "klettres:nl",
                "ktuberling:sv", "klettres:sv"}
KTUBERLING = "/usr/share/ktuberling/sounds"
KLETTRES = "/usr/share/klettres"


def _subset(items: list, limit: int | None) -> list:
    """A deterministic, evenly spread subset of a sorted list."""
    if limit is None or len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def festvox_ru(limit: int | None = None):
    texts = {}
    with open(os.path.join(FESTVOX_RU, "etc/txt.done.data"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\(\s*(\S+)\s+"(.*)"\s*\)', line.strip())
            if m:
                texts[m.group(1)] = m.group(2).replace("+", "")
    for uid in _subset(sorted(texts), limit):
        wav = check_path(os.path.join(FESTVOX_RU, "wav", uid + ".wav"))
        lab = os.path.join(FESTVOX_RU, "lab", uid + ".lab")
        phones, t0 = [], 0.0
        if os.path.exists(lab):
            with open(lab, encoding="utf-8") as f:
                for line in f:
                    t = line.split()
                    if len(t) != 3:
                        continue
                    end = float(t[0])
                    m = map_phone("festvox-ru", t[2])
                    if m and m != "SIL":
                        phones.append({"phone": m, "start": round(t0, 5), "end": round(end, 5)})
                    t0 = end
        yield {"audio": A.load(wav), "speaker": "festvox-ru:msu_ru_nsh", "language": "ru", "text": texts[uid],
               "words": None, "phones": phones or None, "src_path": wav, "source": "festvox-ru",
               "phone_note": "festvox-ru labels mapped approximately onto ARPAbet"}


def _tux_text(txt_path: str, lang: str) -> str | None:
    try:
        with open(txt_path, encoding="utf-8", errors="replace") as f:
            lines = [l.rstrip("\n") for l in f]
    except OSError:
        return None
    if lang == "en":
        return lines[0].strip() if lines and "=" not in lines[0] else None
    for l in lines:
        if l.startswith(f"{lang}.utf8="):
            return l.split("=", 1)[1].strip()
    return None


def tuxpaint(limit: int | None = None):
    files = sorted(glob.glob(os.path.join(TUXPAINT, "**", "*_desc*.ogg"), recursive=True))
    items = []
    for p in files:
        m = re.match(r"(.*)_desc(?:_([a-z]{2,3}(?:_[A-Z]{2})?))?\.ogg$", p)
        if not m:
            continue
        lang = m.group(2) or "en"
        text = _tux_text(m.group(1) + ".txt", lang)
        if text:
            items.append((p, lang, text))
    for p, lang, text in _subset(items, limit):
        check_path(p)
        x, _ = A.trim_silence(A.load(p))
        if len(x) < 1600:
            continue
        yield {"audio": x, "speaker": f"tuxpaint:{lang}", "language": lang, "text": text, "words": None,
               "phones": None, "src_path": p, "source": "tuxpaint-stamps-default"}


def asterisk(limit: int | None = None):
    for lang, voice in ASTERISK_LANGS.items():
        texts = {}
        doc = f"/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz"
        if os.path.exists(doc):
            with gzip.open(doc, "rt", encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip().lstrip("\ufeff")
                    if not line or line.startswith(";") or ":" not in line:
                        continue
                    k, v = line.split(":", 1)
                    texts[k.strip()] = v.strip()
        root = os.path.join(ASTERISK, voice)
        files = sorted(glob.glob(os.path.join(root, "**", "*.g722"), recursive=True))
        items = [(p, texts.get(os.path.relpath(p, root)[:-5])) for p in files]
        items = [(p, t) for p, t in items if t]
        speaker = "asterisk:" + voice.rsplit("_", 1)[-1]  # Allison speaks both en and es
        items = _subset(items, None if limit is None else max(1, limit // len(ASTERISK_LANGS)))
        for p, _ in items:
            check_path(p)
        for b0 in range(0, len(items), 48):
            batch = items[b0:b0 + 48]
            for (p, text), x in zip(batch, A.load_many([p for p, _ in batch], fmt="g722")):
                x, _ = A.trim_silence(x)
                if len(x) < 1600:
                    continue
                yield {"audio": x, "speaker": speaker, "language": lang, "text": text, "words": None,
                       "phones": None, "src_path": p, "source": f"asterisk-core-sounds-{lang}-g722"}


def kde_words(limit: int | None = None):
    """Single spoken words (ktuberling-data: 27 languages; transcripts only for English, where the
    sound's name is the word) and letters/syllables (klettres-data: the file name is the text).
    Many speakers, one per language and package at least."""
    items = []
    for p in sorted(glob.glob(os.path.join(KTUBERLING, "*", "*.*"))):
        lang = os.path.basename(os.path.dirname(p))
        stem = os.path.splitext(os.path.basename(p))[0]
        text = stem.split("_")[-1] if lang == "en" else None
        items.append((p, "ktuberling", lang, text, "ktuberling-data"))
    for p in sorted(glob.glob(os.path.join(KLETTRES, "*", "*", "*.ogg"))):
        lang = os.path.relpath(p, KLETTRES).split("/")[0]
        items.append((p, "klettres", lang, os.path.splitext(os.path.basename(p))[0], "klettres-data"))
    for p, pkg, lang, text, source in _subset(items, limit):
        check_path(p)
        try:
            x, _ = A.trim_silence(A.load(p))
        except Exception:
            continue
        if len(x) < 1600:
            continue
        yield {"audio": x, "speaker": f"{pkg}:{lang}", "language": lang.split("_")[0].split("@")[0], "text": text,
               "words": None, "phones": None, "src_path": p, "source": source}


SOURCES = {"festvox-ru": festvox_ru, "tuxpaint": tuxpaint, "asterisk": asterisk, "kde-words": kde_words}
