import shutil

import numpy as np
import pytest

from data_pipeline.phones import INVENTORY, UNLABELLED, map_phone


def test_espeak_events_give_ordered_word_and_phone_times():
    pytest.importorskip("ctypes")
    from data_pipeline.espeak_synth import Espeak
    r = Espeak().synth("Hello world, this is a test.", "gmw/en-US+f3")
    assert [w["word"] for w in r.words] == ["Hello", "world", "this", "is", "a", "test"]
    dur = len(r.audio) / r.rate
    for a, b in zip(r.words, r.words[1:]):
        assert a["start"] < a["end"] <= b["start"] + 1e-9
    assert r.words[-1]["end"] <= dur
    # a comma pause lies between "world" and "this"
    assert r.words[2]["start"] - r.words[1]["end"] > 0.05
    assert all(map_phone("espeak", p["phone"]) is not None for p in r.phones)


def test_phone_maps_land_in_inventory():
    from data_pipeline.phones import MAPS
    inv = set(INVENTORY) | {"", UNLABELLED}
    for src, table in MAPS.items():
        for k, v in table.items():
            assert v in inv, (src, k, v)
    assert map_phone("flite", "ow1") == "OW"
    assert map_phone("festival", "ax") == "AH"


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite not installed")
def test_flite_records_have_word_times():
    from data_pipeline.synth_speech import flite_records
    recs = list(flite_records(3, 1, {}, "train"))
    assert recs
    for r in recs:
        assert r["voice"].split(":")[1] in ("kal", "kal16", "awb")
        assert len(r["words"]) >= 1 and r["phones"]


@pytest.mark.skipif(shutil.which("festival") is None, reason="festival not installed")
def test_festival_records_have_word_and_phone_times():
    from data_pipeline.synth_speech import festival_records
    from data_pipeline.textgen import spoken_words
    recs = list(festival_records(2, 5, {}, "train"))
    assert recs
    for r in recs:
        assert [w["word"].lower() for w in r["words"]] == [w.lower() for w in spoken_words(r["spoken"])]
        assert r["phones"] and all(p["phone"] in INVENTORY for p in r["phones"])
        assert r["words"][0]["start"] <= r["phones"][0]["start"] + 1e-6
        assert r["words"][-1]["end"] <= len(r["audio"]) / 16000 + 1e-3


def test_russian_word_times_follow_the_labels():
    from data_pipeline.real_speech import _ru_words
    labs = [(0.0, 0.3, "pau"), (0.3, 0.4, "m"), (0.4, 0.5, "y"), (0.5, 0.6, "f"), (0.6, 0.7, "tt"), (0.7, 0.8, "a"),
            (0.8, 1.0, "pau")]
    words = _ru_words([("мы", ["m", "y"]), ("вта", ["f", "tt", "a"])], labs)
    assert words == [{"word": "мы", "start": 0.3, "end": 0.5}, {"word": "вта", "start": 0.5, "end": 0.8}]
    assert _ru_words([("мы", ["k", "o"]), ("да", ["d", "a"])], labs) is None  # phones disagree: no times


FESTIVAL_PHONESETS = {  # the phone sets the voices declare (festival's phoneset files)
    "festival-ca": "/usr/share/festival/upc_catalan/upc_catalan_phones-central.scm",
    "festival-it": "/usr/share/festival/italian_scm/italian_phoneset.scm",
    "festival-cs": "/usr/share/festival/czech.scm",
}


@pytest.mark.parametrize("source", sorted(FESTIVAL_PHONESETS))
def test_every_phone_of_the_other_language_voices_has_a_mapping(source):
    """Every phone the voice's phone set declares maps onto the inventory, silence or 'unlabelled'
    (an unknown one would be merged into its neighbour), stress marks stripped."""
    import os
    import re
    path = FESTIVAL_PHONESETS[source]
    if not os.path.exists(path):
        pytest.skip(f"{path} not installed")
    text = open(path, encoding="latin-1").read()
    block = text[text.index("defPhoneSet"):]
    block = block[:block.index("PhoneSet.silences")]
    # "(name feature values...)" lines: the feature declarations first, then the phones
    names = set(re.findall(r"^\s*\(\s*([^\s();]+)\s+[-+0-9a-z]", block, re.M))
    names -= {"vc", "vlng", "vheight", "vfront", "vrnd", "ctype", "cplace", "cvox", "acc", "gem", "semi", "syl",
              "postnas", "partner"}
    assert len(names) > 25
    for name in names:
        assert map_phone(source, name) is not None, (source, name)
    stressed_a = "a:" if source == "festival-cs" else "a1"
    assert map_phone(source, stressed_a) == "AA"


@pytest.mark.skipif(shutil.which("festival") is None, reason="festival not installed")
def test_festival_voices_of_other_languages_read_their_texts_with_times():
    import glob
    from data_pipeline.synth_speech import FESTIVAL_INTL, festival_intl_records
    if not all(glob.glob(f"/usr/share/festival/voices/*/{v}") for v in FESTIVAL_INTL):
        pytest.skip("festival voices of other languages not installed")
    texts = {"ca": ["El gat negre dorm al sol.", "Una granota."], "it": ["Il treno parte alle sette."],
             "cs": ["Vlak odjíždí v sedm hodin.", "Dobrý den."], "fr": ["Bonjour."]}
    unknown: dict = {}
    recs = list(festival_intl_records(texts, 3, 1, unknown))
    assert sorted(r["voice"] for r in recs) == sorted(f"festival:{v}" for v in FESTIVAL_INTL)
    assert not unknown
    for r in recs:
        assert r["language"] == FESTIVAL_INTL[r["voice"].split(":")[1]][0] and r["engine"] == "festival-intl"
        dur = len(r["audio"]) / 16000
        assert dur > 0.8 and np.abs(r["audio"]).max() > 0.05
        assert len(r["words"]) >= 2 and r["phones"]
        assert all(p["phone"] in INVENTORY or p["phone"] == UNLABELLED for p in r["phones"])
        for a, b in zip(r["phones"], r["phones"][1:]):
            assert a["start"] < a["end"] <= b["start"] + 1e-6
        assert r["phones"][-1]["end"] <= dur + 1e-3
        # the phones are where the sound is: their frames are louder than the frames outside any word
        x = r["audio"]
        inside = np.concatenate([x[int(p["start"] * 16000): int(p["end"] * 16000)] for p in r["phones"]])
        edges = np.concatenate([x[: int(r["words"][0]["start"] * 16000)], x[int(r["words"][-1]["end"] * 16000):]])
        assert np.sqrt(np.mean(inside ** 2)) > 10 * np.sqrt(np.mean(edges ** 2) + 1e-12)
    cs = next(r for r in recs if r["language"] == "cs")
    assert [w["word"] for w in cs["words"]][:2] in (["Vlak", "odjíždí"], ["Dobrý", "den"])
