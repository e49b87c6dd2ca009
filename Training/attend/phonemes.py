"""Text → phonemes exactly as the Swift `Phonemizer` does it (libespeak-ng through ctypes).

Training must see the same phoneme strings that `attend align` produces at inference, so this
mirrors `Sources/Alignment/Phonemizer.swift` and `Transcript.swift` line for line: one word at a
time through `espeak_TextToPhonemes`, '_' as separator, stress/syllable marks removed, and the
same edge-punctuation stripping of words. `Tests/AlignmentTests/PhonemizerParityTests.swift`
checks the two agree on a committed word list.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import unicodedata

_NON_PHONEME_MARKS = set("',%=|")
_lock = threading.Lock()
_lib = None
_voice = None


def _load():
    global _lib
    if _lib is None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        lib = ctypes.CDLL(name)
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        # AUDIO_OUTPUT_SYNCHRONOUS = 2, espeakINITIALIZE_DONT_EXIT = 0x8000
        if lib.espeak_Initialize(2, 0, None, 0x8000) <= 0:
            raise RuntimeError("libespeak-ng could not be initialised")
        _lib = lib
    return _lib


def phonemes(text: str, voice: str = "en-us") -> list[str]:
    """Phonemes of one word (espeak-ng mnemonics, stress marks removed)."""
    global _voice
    with _lock:
        lib = _load()
        if _voice != voice:
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"libespeak-ng has no voice '{voice}'")
            _voice = voice
        buf = ctypes.create_string_buffer(text.encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        mode = ord("_") << 8
        raw = []
        while ptr.value is not None and ctypes.c_char.from_address(ptr.value).value != b"\0":
            before = ptr.value
            out = lib.espeak_TextToPhonemes(ctypes.byref(ptr), 1, mode)  # espeakCHARS_UTF8 = 1
            if out is None:
                break
            raw.append(out.decode("utf-8", "replace"))
            if ptr.value == before:
                break
    phones = []
    for word in " ".join(raw).split():
        for piece in word.split("_"):
            cleaned = "".join(c for c in piece if c not in _NON_PHONEME_MARKS)
            if cleaned:
                phones.append(cleaned)
    return phones


def _is_edge(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in ("P", "S") or cat == "Cc"


def words(text: str) -> list[str]:
    """The transcript's words as written, edge punctuation removed, punctuation-only tokens dropped."""
    out = []
    for token in text.split():
        lo, hi = 0, len(token)
        while lo < hi and _is_edge(token[lo]):
            lo += 1
        while hi > lo and _is_edge(token[hi - 1]):
            hi -= 1
        if hi > lo:
            out.append(token[lo:hi])
    return out
