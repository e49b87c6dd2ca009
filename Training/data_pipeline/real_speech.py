"""Real speech from the training pool of shared/DATA.md: festvox-ru (with phone times from its
lab/ files), tuxpaint-stamps-default spoken descriptions, Asterisk core prompts (G.722), single words
(ktuberling, klettres, qabcs), Fish Fillets NG game dialogue (Czech, Dutch, English actors) and the
Hedgewars voice packs.

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
                "ktuberling:sv", "klettres:sv", "fillets:en:m", "fillets:en:v", "fillets:en:other",
                "hedgewars:Pirate", "hedgewars:Default_pl", "qabcs:be"}
KTUBERLING = "/usr/share/ktuberling/sounds"
FILLETS = "/usr/share/games/fillets-ng"
HEDGEWARS = "/usr/share/games/hedgewars/Data/Sounds/voices"
QABCS = "/usr/share/qabcs/abcs"
KLETTRES = "/usr/share/klettres"


def _subset(items: list, limit: int | None) -> list:
    """A deterministic, evenly spread subset of a sorted list."""
    if limit is None or len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


RU_FRONTEND = r"""
(voice_msu_ru_nsh_clunits)
(define (frontend utt) (Initialize utt) (Text utt) (Token_POS utt) (Token utt) (POS utt) (Phrasify utt)
  (Word utt) (Pauses utt) (PostLex utt) utt)
(define (dump-words id text)
  (format t "U %s\n" id)
  (mapcar (lambda (w)
     (format t "W %s\n" (item.name w))
     (mapcar (lambda (syl)
        (mapcar (lambda (seg) (format t "S %s\n" (item.name seg)))
          (item.relation.daughters syl 'SylStructure)))
       (item.relation.daughters w 'SylStructure)))
   (utt.relation.items (frontend (eval (list 'Utterance 'Text text))) 'Word)))
"""


def _ru_word_phones(texts: dict) -> dict:
    """Words and their phones from festival's Russian front end (the one the voice's labels came from):
    {uid: [(word, [phone, ...]), ...]}; empty when festival or the voice is missing."""
    import subprocess
    import tempfile
    lines = [RU_FRONTEND] + ['(dump-words "%s" "%s")' % (uid, t.replace("\\", " ").replace('"', " "))
                             for uid, t in texts.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".scm", encoding="utf-8", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(["festival", "-b", f.name], capture_output=True, text=True, timeout=1800).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    finally:
        os.remove(f.name)
    res, cur = {}, None
    for line in out.splitlines():
        t = line.split(None, 1)
        if len(t) < 2:
            continue
        if t[0] == "U":
            cur = res.setdefault(t[1].strip(), [])
        elif t[0] == "W" and cur is not None:
            cur.append((t[1].strip(), []))
        elif t[0] == "S" and cur:
            cur[-1][1].append(t[1].strip())
    return res


def _ru_words(word_phones: list, labs: list) -> list | None:
    """Word times from the label times: festival's phones per word aligned with the (pause-free) labels."""
    from difflib import SequenceMatcher
    ref, owner = [], []
    for k, (_, ps) in enumerate(word_phones):
        ref += ps
        owner += [k] * len(ps)
    hyp = [l for l in labs if l[2] != "pau"]
    sm = SequenceMatcher(a=ref, b=[h[2] for h in hyp], autojunk=False)
    if sm.ratio() < 0.9:
        return None
    own = [None] * len(hyp)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" or tag == "replace":
            for j in range(j1, j2):
                own[j] = owner[i1 + (j - j1) * (i2 - i1) // (j2 - j1)]
    words = []
    for k, (w, _) in enumerate(word_phones):
        idx = [j for j, o in enumerate(own) if o == k]
        if not idx:
            return None
        words.append({"word": w, "start": round(hyp[idx[0]][0], 5), "end": round(hyp[idx[-1]][1], 5)})
    for a, b in zip(words, words[1:]):
        if b["start"] < a["end"] - 1e-6:
            return None
    return words


def festvox_ru(limit: int | None = None):
    texts = {}
    with open(os.path.join(FESTVOX_RU, "etc/txt.done.data"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\(\s*(\S+)\s+"(.*)"\s*\)', line.strip())
            if m:
                texts[m.group(1)] = m.group(2).replace("+", "")
    uids = _subset(sorted(texts), limit)
    word_phones = _ru_word_phones({u: texts[u] for u in uids})
    for uid in uids:
        wav = check_path(os.path.join(FESTVOX_RU, "wav", uid + ".wav"))
        lab = os.path.join(FESTVOX_RU, "lab", uid + ".lab")
        phones, labs, t0 = [], [], 0.0
        if os.path.exists(lab):
            with open(lab, encoding="utf-8") as f:
                for line in f:
                    t = line.split()
                    if len(t) != 3:
                        continue
                    end = float(t[0])
                    labs.append((t0, end, t[2]))
                    m = map_phone("festvox-ru", t[2])
                    if m and m != "SIL":
                        phones.append({"phone": m, "start": round(t0, 5), "end": round(end, 5)})
                    t0 = end
        words = _ru_words(word_phones[uid], labs) if word_phones.get(uid) and labs else None
        yield {"audio": A.load(wav), "speaker": "festvox-ru:msu_ru_nsh", "language": "ru", "text": texts[uid],
               "words": words, "phones": phones or None, "src_path": wav, "source": "festvox-ru",
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


def _clip(path: str):
    """A short clip of the pool (after the reserved-list guard), trimmed of silence; None when it does
    not decode or is under 0.1 s."""
    check_path(path)
    try:
        x, _ = A.trim_silence(A.load(path))
    except Exception:
        return None
    return x if len(x) >= 1600 else None


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
        if (x := _clip(p)) is None:
            continue
        yield {"audio": x, "speaker": f"{pkg}:{lang}", "language": lang.split("_")[0].split("@")[0], "text": text,
               "words": None, "phones": None, "src_path": p, "source": source}


_LUA_DIALOG = re.compile(r'dialogId\(\s*"([^"]+)"\s*,\s*"[^"]*"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)'
                         r'(?:\s*dialogStr\(\s*"((?:[^"\\]|\\.)*)"\s*\))?')


def _fillets_texts(level_dir: str, lang: str) -> dict:
    """{sound id: text} from a level's `*dialogs_<lang>.lua`: the English line of `dialogId`, or the
    translation in the `dialogStr` that follows it."""
    texts = {}
    for p in sorted(glob.glob(os.path.join(level_dir, f"*dialogs_{lang}.lua"))):
        with open(p, encoding="utf-8", errors="replace") as f:
            for m in _LUA_DIALOG.finditer(f.read()):
                t = m.group(2) if lang == "en" else m.group(3)
                if t:
                    texts[m.group(1)] = t.replace('\\"', '"').replace("\\n", " ").strip()
    return texts


def fillets_script_lines(lang: str) -> list[str]:
    """Every line of the game's dialogue scripts in `lang` (text only, whether or not a recording
    exists): sentences for the synthetic voices of other languages."""
    lines = set()
    for level in sorted(glob.glob(os.path.join(FILLETS, "script", "*"))):
        lines.update(t for t in _fillets_texts(level, lang).values() if t)
    return sorted(lines)


def fillets(limit: int | None = None):
    """Game dialogue of Fish Fillets NG (`fillets-ng-data` English, `-cs` Czech, `-nl` Dutch): voice
    actors per language, the two fish (`-m-` small, `-v-` big: one speaker each) and other characters.
    Only clips that are a line of the level's dialogue script (its text is the record's text): the
    sound folders also hold effects, music and key clicks (most of the `en` folders: the game's
    English is subtitles)."""
    items = []
    for p in sorted(glob.glob(os.path.join(FILLETS, "sound", "*", "*", "*.ogg"))):
        level, lang = p.split("/")[-3:-1]
        if lang not in ("cs", "nl", "en"):
            continue
        stem = os.path.splitext(os.path.basename(p))[0]
        parts = stem.split("-")
        who = parts[1] if len(parts) > 2 and parts[1] in ("m", "v") else "other"
        items.append((p, level, lang, stem, who))
    texts: dict = {}
    for p, level, lang, stem, who in _subset(items, limit):
        key = (level, lang)
        if key not in texts:
            texts[key] = _fillets_texts(os.path.join(FILLETS, "script", level), lang)
        if stem not in texts[key]:
            continue  # not a line of dialogue: the sound folders also hold effects, music and key clicks
        if (x := _clip(p)) is None:
            continue
        yield {"audio": x, "speaker": f"fillets:{lang}:{who}", "language": lang, "text": texts[key][stem],
               "words": None, "phones": None, "src_path": p, "source": "fillets-ng-data" + ("" if lang == "en" else f"-{lang}")}


def game_voices(limit: int | None = None):
    """Short exclamations of the Hedgewars voice packs (one actor per pack; the Robot pack, a processed
    voice, is left out; no transcripts) and the spoken words and letters of qabcs (one speaker per
    language; the word is the file name)."""
    items = []
    for p in sorted(glob.glob(os.path.join(HEDGEWARS, "*", "*.ogg"))):
        pack = p.split("/")[-2]
        if pack != "Robot":
            lang = {"Default_es": "es", "Default_pl": "pl", "Default_ru": "ru", "Russian": "ru",
                    "Russian_pl": "pl"}.get(pack, "en")
            items.append((p, f"hedgewars:{pack}", lang, None, "hedgewars-data"))
    for p in sorted(glob.glob(os.path.join(QABCS, "*", "sounds", "*", "*.ogg"))):
        lang = p.split("/")[-4]
        text = os.path.splitext(os.path.basename(p))[0].replace("_", " ") if p.split("/")[-2] == "words" else None
        items.append((p, f"qabcs:{lang}", lang.split("_")[0], text, "qabcs-data"))
    for p, speaker, lang, text, source in _subset(items, limit):
        if (x := _clip(p)) is None:
            continue
        yield {"audio": x, "speaker": speaker, "language": lang, "text": text, "words": None, "phones": None,
               "src_path": p, "source": source}


SOURCES = {"festvox-ru": festvox_ru, "tuxpaint": tuxpaint, "asterisk": asterisk, "kde-words": kde_words,
           "fillets": fillets, "game-voices": game_voices}
