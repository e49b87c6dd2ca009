import json
import os

import soundfile as sf

from data_pipeline.phones import INVENTORY, UNLABELLED

REQUIRED = ("path", "duration", "split", "source")


def test_manifest_fields_and_audio(manifests, data_dir):
    for name, recs in manifests.items():
        assert recs, f"{name} is empty"
        for r in recs[:: max(1, len(recs) // 40)]:
            for k in REQUIRED:
                assert k in r, f"{name}: {r.get('path')} lacks {k}"
            info = sf.info(os.path.join(data_dir, r["path"]))
            assert info.samplerate == 16000 and info.channels == 1
            assert abs(info.frames / 16000 - r["duration"]) < 1e-3
        for r in recs:
            assert r["split"] == name.split("_")[1]


def test_speech_timings_are_ordered_and_inside(manifests):
    inv = set(INVENTORY)
    timed = 0
    for name in ("speech_train", "speech_val"):
        for r in manifests[name]:
            assert "speaker" in r and "language" in r and "text" in r
            for key in ("words", "phones"):
                items = r.get(key)
                if not items:
                    continue
                timed += 1
                prev_end = 0.0
                for it in items:
                    assert 0 <= it["start"] < it["end"] <= r["duration"] + 1e-3, (r["path"], it)
                    assert it["start"] >= prev_end - 1e-3, (r["path"], it)
                    prev_end = it["end"]
                    if key == "phones":
                        assert it["phone"] in inv or it["phone"] == UNLABELLED, (r["path"], it)
    assert timed > 0


def test_validation_split_by_speaker_and_noise_file(manifests):
    tr = {r["speaker"] for r in manifests["speech_train"]}
    va = {r["speaker"] for r in manifests["speech_val"]}
    assert va and not (tr & va)
    ntr = {r["group"] for r in manifests["noise_train"]}
    nva = {r["group"] for r in manifests["noise_val"]}
    assert nva and not (ntr & nva)


def test_synthetic_words_match_spoken_text(manifests):
    import re
    n = 0
    for r in manifests["speech_train"]:
        if r.get("kind") != "synthetic":
            continue
        spoken = [re.sub(r"^[^\w']+|[^\w']+$", "", t).lower() for t in r["spoken"].split()]
        words = [w["word"].lower() for w in r["words"]]
        assert words == [w for w in spoken if w], r["path"]
        n += 1
    assert n > 0
