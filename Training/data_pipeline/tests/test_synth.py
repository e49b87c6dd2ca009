import shutil

import pytest

from data_pipeline.phones import INVENTORY, map_phone


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
    inv = set(INVENTORY) | {""}
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
