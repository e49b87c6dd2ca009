"""Synthesise speech with libespeak-ng through its C API (ctypes) and record exact
word and phoneme times from the synthesis callback.

eSpeak's WORD events arrive ~40-50 ms before the word is heard, so a word's start is
taken from its first PHONEME event; a phoneme ends where the next event (phoneme,
pause or end of audio) begins.  Times are in seconds at the native 22,050 Hz rate and
stay valid after resampling.
"""
from __future__ import annotations

import ctypes
import re
import ctypes.util
from dataclasses import dataclass, field

import numpy as np

EV_LIST_TERMINATED, EV_WORD, EV_SENTENCE, EV_MARK, EV_PLAY, EV_END, EV_MSG_TERMINATED, EV_PHONEME = range(8)
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
CHARS_UTF8 = 1
RATE, VOLUME, PITCH, RANGE = 1, 2, 3, 4


class _Id(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class EspeakResult:
    audio: np.ndarray  # float32 mono at `rate`
    rate: int
    words: list = field(default_factory=list)   # [{word, start, end, phones:[...]}] (espeak names)
    phones: list = field(default_factory=list)  # [{phone, start, end}] espeak mnemonics, pauses dropped


class Espeak:
    """One libespeak-ng instance (the library is process-global: make one per process)."""

    def __init__(self) -> None:
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self.lib = ctypes.CDLL(path)
        self.lib.espeak_Initialize.restype = ctypes.c_int
        # options bit 0: deliver PHONEME events (eSpeak mnemonics, not IPA)
        self.rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 500, None, 1)
        if self.rate <= 0:
            raise RuntimeError("espeak-ng: espeak_Initialize failed")
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple] = []
        self._n = 0
        self._cb = _CALLBACK(self._callback)
        self.lib.espeak_SetSynthCallback(self._cb)
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self._lex: dict = {}
        self.lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]

    def _callback(self, wav, numsamples, events) -> int:
        if numsamples > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        i = 0
        while True:
            e = events[i]
            if e.type == EV_LIST_TERMINATED:
                break
            if e.type in (EV_WORD, EV_PHONEME, EV_END, EV_MSG_TERMINATED, EV_SENTENCE):
                name = e.id.string.decode("utf-8", "replace") if e.type == EV_PHONEME else ""
                self._events.append((e.type, e.text_position, e.length, e.sample, name))
            i += 1
        return 0

    def synth(self, text: str, voice: str, rate: int = 175, pitch: int = 50, prange: int = 50) -> EspeakResult:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng: unknown voice {voice}")
        self.lib.espeak_SetParameter(RATE, int(rate), 0)
        self.lib.espeak_SetParameter(PITCH, int(pitch), 0)
        self.lib.espeak_SetParameter(RANGE, int(prange), 0)
        self._chunks, self._events = [], []
        raw = text.encode("utf-8")
        buf = ctypes.create_string_buffer(raw)
        err = self.lib.espeak_Synth(buf, len(raw) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
        if err != 0:
            raise RuntimeError(f"espeak-ng: espeak_Synth failed ({err})")
        self.lib.espeak_Synchronize()
        pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        audio = pcm.astype(np.float32) / 32768.0
        lang = voice.split("+")[0]
        return _timings(text, raw, self._events, audio, self.rate, lambda w: self.word_phonemes(lang, w))

    def word_phonemes(self, lang: str, word: str) -> list[str]:
        """eSpeak phoneme names of `word` said alone (current voice's language), stress marks removed."""
        key = (lang, word.lower())
        if key not in self._lex:
            self.lib.espeak_SetVoiceByName(lang.encode())
            buf = ctypes.create_string_buffer(word.encode("utf-8"))
            ptr = ctypes.cast(buf, ctypes.c_char_p)
            names = []
            while ptr.value:
                out = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), CHARS_UTF8, ord("|") << 8)
                if out:
                    for tok in out.decode("utf-8", "replace").replace(" ", "|").split("|"):
                        tok = tok.strip("'`,%=")
                        if tok and not tok.startswith("_"):
                            names.append(tok)
            self._lex[key] = names
        return self._lex[key]


def _timings(text: str, raw: bytes, events: list, audio: np.ndarray, rate: int, lexicon=None) -> EspeakResult:
    n = len(audio)
    # text_position counts characters from 1 in the UTF-8 input
    spans = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", text)]
    words = [{"word": re.sub(r"^[^\w']+|[^\w']+$", "", w), "phones": []} for _, _, w in spans]
    phones = []
    cur = -1
    seq = []  # (sample, name, word_index)
    for typ, pos, length, sample, name in events:
        if typ == EV_WORD:
            c = pos - 1
            cur = next((i for i, (a, b, _) in enumerate(spans) if a <= c < b), cur)
        elif typ == EV_PHONEME:
            seq.append((sample, name, cur))
        elif typ in (EV_END, EV_MSG_TERMINATED, EV_SENTENCE):
            seq.append((sample, "_", -1))
    seq.append((n, "_", -1))
    seq.sort(key=lambda s: s[0])  # stable: keeps event order at equal samples
    items = []  # [start, end, name, word]
    for k in range(len(seq) - 1):
        s, name, wi = seq[k]
        e = seq[k + 1][0]
        if name.startswith("_") or not name.strip() or wi < 0:
            continue
        if e <= s:
            # eSpeak reports the last phoneme before a pause at the pause's position (zero length);
            # its sound lies inside the previous phoneme's span: give it the second half of that span.
            if items and items[-1][3] == wi and items[-1][1] > items[-1][0]:
                prev = items[-1]
                mid = (prev[0] + prev[1]) // 2
                items.append([mid, prev[1], name, wi])
                prev[1] = mid
            continue
        items.append([s, e, name, wi])
    for s, e, name, wi in items:
        ph = {"phone": name, "start": s / rate, "end": e / rate}
        phones.append(ph)
        words[wi]["phones"].append(ph)
    if lexicon is not None:
        _split_joined_words(words, lexicon)
    out_words = []
    for w in words:
        if not w["phones"] or not w["word"].strip():
            continue
        out_words.append({"word": w["word"], "start": w["phones"][0]["start"], "end": w["phones"][-1]["end"],
                          "phones": [p["phone"] for p in w["phones"]]})
    return EspeakResult(audio=audio, rate=rate, words=out_words, phones=phones)


def _split_joined_words(words: list, lexicon) -> None:
    """eSpeak sometimes sends one WORD event for two words ("that the"): the following words get
    no phonemes.  Share the run among them by aligning it with each word's own phonemes."""
    from difflib import SequenceMatcher
    i = 0
    while i < len(words):
        j = i + 1
        while j < len(words) and not words[j]["phones"]:
            j += 1
        group = words[i:j]
        if len(group) > 1 and words[i]["phones"]:
            run = words[i]["phones"]
            ref, owner = [], []
            for k, w in enumerate(group):
                ps = lexicon(w["word"]) if w["word"] else []
                ref += ps
                owner += [k] * len(ps)
            hyp = [p["phone"] for p in run]
            own = [None] * len(run)
            for tag, i1, i2, j1, j2 in SequenceMatcher(a=ref, b=hyp, autojunk=False).get_opcodes():
                if tag == "equal":
                    for jj in range(j1, j2):
                        own[jj] = owner[i1 + jj - j1]
                elif tag == "replace":
                    for jj in range(j1, j2):
                        own[jj] = owner[i1 + (jj - j1) * (i2 - i1) // (j2 - j1)]
            last = 0
            for jj in range(len(own)):
                own[jj] = last if own[jj] is None else max(own[jj], last)
                last = own[jj]
            for k, w in enumerate(group):
                w["phones"] = [p for p, o in zip(run, own) if o == k]
        i = j


if __name__ == "__main__":
    import sys
    es = Espeak()
    r = es.synth(sys.argv[1] if len(sys.argv) > 1 else "Hello world, it is 3:45 on May 5th 1984.", "en-us+f3")
    print(r.rate, len(r.audio) / r.rate)
    for w in r.words:
        print(w)
