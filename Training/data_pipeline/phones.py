"""The phone inventory of the model's phone head: the 39 ARPAbet phonemes of CMUdict
(stress removed) plus SIL, and the mapping of every synthesiser's (and festvox-ru's)
phone names onto it.  `write_json()` stores it in phones.json for the trainer and the
Swift aligner (which may use CMUdict or espeak-ng + the "espeak" map).

A mapping value is a phone of the inventory, "SIL" (a pause), or "" (merge into the
previous phone: a zero-length modifier such as espeak's ';').
"""
from __future__ import annotations

import json
import os

ARPABET = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW "
           "V W Y Z ZH").split()
INVENTORY = ["SIL"] + ARPABET  # index 0 = silence; the trainer adds a CTC blank after these if it needs one

# festival (radio phone set of kal/ked diphone voices) and flite (cmu_us_* voices): ARPAbet in lower case
# plus a few allophones.
RADIO = {p.lower(): p for p in ARPABET}
RADIO.update({"ax": "AH", "axr": "ER", "dx": "T", "el": "L", "em": "M", "en": "N", "nx": "N", "hv": "HH",
              "pau": "SIL", "h#": "SIL", "brth": "SIL", "#": "SIL"})

# espeak-ng English phoneme mnemonics (en-us, en-gb, en-gb-scotland, en-gb-x-rp, ...), stress removed.
ESPEAK_EN = {
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "f": "F", "v": "V", "T": "TH", "D": "DH",
    "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "h": "HH", "m": "M", "n": "N", "N": "NG", "l": "L", "r": "R",
    "w": "W", "j": "Y", "tS": "CH", "dZ": "JH", "x": "HH", "?": "T", "*": "T", "W": "W", "C": "HH",
    "t#": "T", "d#": "D", "z#": "Z", "s#": "S", "n-": "N", "l-": "L", "m-": "M", "r-": "R", "l/": "L",
    "l/2": "L", "t2": "T", "d2": "D", "z/2": "Z", "h#": "HH", "hw": "W", "r/": "R", "k#": "K",
    "a": "AE", "aa": "AE", "a#": "AH", "a2": "AH", "A:": "AA", "A@": "AA", "A": "AA", "0": "AA", "0#": "AA",
    "O": "AO", "O:": "AO", "O@": "AO", "O2": "AO", "o@": "AO", "o": "OW", "OI": "OY", "aI": "AY", "aI@": "AY",
    "aI3": "AY", "aU": "AW", "aU@": "AW", "e": "EH", "e@": "EH", "eI": "EY", "E": "EH", "E2": "EH", "E3": "EH",
    "@": "AH", "@2": "AH", "@5": "AH", "@L": "L", "@r": "ER", "3:": "ER", "3": "ER", "3:r": "ER", "i:": "IY",
    "i": "IY", "I": "IH", "I2": "IH", "I#": "IH", "i@": "IH", "i@3": "IH", "oU": "OW", "oU#": "OW", "O@r": "AO",
    "U": "UH", "U@": "UH", "u:": "UW", "u": "UW", "u@": "UW", "V": "AH", "eI#": "EY", "IR": "ER", "VR": "ER",
    "ar": "AA", "Or": "AO", "@#": "AH", "I2#": "IH", "i#": "IY", "aI2": "AY", "@-": "AH", "u:#": "UW", "3:#": "ER",
    ";": "", "'": "", ",": "", "=": "", ":": "",
}

# festvox-ru (msu_ru_nsh) label phones: doubled consonant = palatalised, doubled vowel = stressed.
# Approximate: Russian has no exact ARPAbet counterparts (ы -> IH, ц -> T, щ -> SH).
FESTVOX_RU = {
    "pau": "SIL", "a": "AA", "aa": "AA", "ay": "AH", "ae": "IH", "o": "AO", "oo": "AO", "u": "UW", "uu": "UW",
    "ur": "UH", "i": "IY", "ii": "IY", "y": "IH", "yy": "IH", "e": "EH", "ee": "EH", "j": "Y",
    "p": "P", "pp": "P", "b": "B", "bb": "B", "t": "T", "tt": "T", "d": "D", "dd": "D", "k": "K", "kk": "K",
    "g": "G", "gg": "G", "f": "F", "ff": "F", "v": "V", "vv": "V", "s": "S", "ss": "S", "z": "Z", "zz": "Z",
    "sh": "SH", "zh": "ZH", "sch": "SH", "ch": "CH", "c": "T", "h": "HH", "hh": "HH", "m": "M", "mm": "M",
    "n": "N", "nn": "N", "l": "L", "ll": "L", "r": "R", "rr": "R",
}

# A phone with no counterpart in the inventory (a tap or trill, a palatal stop or nasal): its frames
# carry no label (the trainer ignores them and the phone prior does not count them).
UNLABELLED = "?"

# Festival's female voices in other languages (2026-12-07, source "festival-intl"): upc_ca_ona_hts
# (Catalan, central phone set), lp_diphone (Italian), czech_dita (Czech). Approximate, like
# festvox-ru: stress digits dropped, closed e/o -> EY/OW, open -> EH/AO; r sounds and palatals unlabelled.
FESTIVAL_CA = {
    "pau": "SIL", "_": "SIL", "#": "SIL", "ax": "AH", "a": "AA", "e": "EY", "E": "EH", "i": "IY", "o": "OW",
    "O": "AO", "u": "UW", "j": "Y", "w": "W", "b": "B", "d": "D", "g": "G", "p": "P", "t": "T", "k": "K",
    "f": "F", "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "tS": "CH", "dZ": "JH", "m": "M", "n": "N", "N": "NG",
    "l": "L", "J": UNLABELLED, "L": UNLABELLED, "r": UNLABELLED, "rr": UNLABELLED,
}
FESTIVAL_IT = {
    "pau": "SIL", "_": "SIL", "#": "SIL", "a": "AA", "e": "EY", "E": "EH", "i": "IY", "o": "OW", "O": "AO",
    "u": "UW", "j": "Y", "w": "W", "b": "B", "d": "D", "g": "G", "p": "P", "t": "T", "k": "K", "f": "F",
    "v": "V", "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "tS": "CH", "dZ": "JH", "m": "M", "n": "N",
    "ng": "NG", "nf": "M", "l": "L", "ts": UNLABELLED, "dz": UNLABELLED, "J": UNLABELLED, "L": UNLABELLED,
    "r": UNLABELLED,
}
FESTIVAL_CS = {
    "pau": "SIL", "_": "SIL", "#": "SIL", "a": "AA", "a:": "AA", "e": "EH", "e:": "EH", "i": "IH", "i:": "IY",
    "o": "AO", "o:": "AO", "u": "UH", "u:": "UW", "j": "Y", "b": "B", "d": "D", "g": "G", "p": "P", "t": "T",
    "k": "K", "f": "F", "v": "V", "s": "S", "z": "Z", "s~": "SH", "z~": "ZH", "c~": "CH", "dz~": "JH",
    "ch": "HH", "h": "HH", "m": "M", "n": "N", "n*": "NG", "l": "L", "c": UNLABELLED, "d~": UNLABELLED,
    "t~": UNLABELLED, "n~": UNLABELLED, "dz": UNLABELLED, "r": UNLABELLED, "r~": UNLABELLED,
    "r~*": UNLABELLED,
}

MAPS = {"espeak": ESPEAK_EN, "festival": RADIO, "flite": RADIO, "festvox-ru": FESTVOX_RU,
        "festival-ca": FESTIVAL_CA, "festival-it": FESTIVAL_IT, "festival-cs": FESTIVAL_CS}


def map_phone(source: str, name: str) -> str | None:
    """Map a synthesiser phone name to the inventory; None if unknown. Strips digits of stress (ow1)."""
    table = MAPS[source]
    if name in table:
        return table[name]
    festival_like = source in ("festival", "flite") or source.startswith("festival-")  # stress digits: ow1, a1
    base = name.rstrip("012") if festival_like else name.rstrip("#[/-2")
    return table.get(base)


def write_json(path: str) -> None:
    doc = {
        "inventory": INVENTORY,
        "silence": "SIL",
        "description": "39 CMUdict ARPAbet phonemes without stress + SIL. Maps give each source's phone "
                       "names onto the inventory; '' = merge into the previous phone; '?' = frames without a label.",
        "unlabelled": UNLABELLED,
        "maps": MAPS,
        "notes": {
            "espeak": "espeak-ng phoneme mnemonics from PHONEME events (English voices); flaps and glottal stops -> T. "
                      "A name missing from the table is looked up again with trailing '#', '[', '/', '-', '2' stripped.",
            "festival": "radio phone set of festvox kal/ked diphone voices; ax->AH, axr->ER, dx->T, syllabic el/em/en -> L/M/N.",
            "flite": "cmu_us_* lexicon phones (kal, kal16, awb, rms), same names as festival; stress digits stripped.",
            "pocketsphinx": "silver alignments of real English speech use CMUdict ARPAbet directly (no map).",
            "festvox-ru": "Russian msu_ru_nsh labels, approximate (palatalisation and stress dropped).",
            "festival-ca": "festival upc_ca_ona_hts (Catalan, female), approximate; '?' = no label.",
            "festival-it": "festival lp_diphone (Italian, female), approximate; '?' = no label.",
            "festival-cs": "festival czech_dita (Czech, female), approximate; '?' = no label.",
        },
    }
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    write_json(os.path.join(os.path.dirname(__file__), "phones.json"))
