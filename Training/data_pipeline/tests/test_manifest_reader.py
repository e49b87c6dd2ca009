import json

import numpy as np
import soundfile as sf

from data_pipeline.manifest import PHONE_INDEX, frame_labels, load_audio, load_manifest


def test_reader_and_frame_labels(tmp_path):
    x = (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32)
    sf.write(tmp_path / "a.wav", x, 16000, subtype="PCM_16")
    rec = {"path": "a.wav", "duration": 1.0, "phones": [{"phone": "HH", "start": 0.10, "end": 0.20},
                                                         {"phone": "AY", "start": 0.20, "end": 0.45}]}
    (tmp_path / "m.jsonl").write_text(json.dumps(rec) + "\n")
    recs = load_manifest(str(tmp_path / "m.jsonl"))
    y = load_audio(recs[0], start=0.5, seconds=0.25)
    assert len(y) == 4000 and np.allclose(y, x[8000:12000], atol=1e-4)
    lab = frame_labels(recs[0], 100)
    assert lab[9] == 0 and lab[10] == PHONE_INDEX["HH"] and lab[19] == PHONE_INDEX["HH"]
    assert lab[20] == PHONE_INDEX["AY"] and lab[44] == PHONE_INDEX["AY"] and lab[45] == 0
    assert frame_labels({"phones": None}, 10) is None
