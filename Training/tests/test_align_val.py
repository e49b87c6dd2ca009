"""align_val.py --tempo: the set spoken faster, its reference times scaled to match."""
import shutil
import wave

import numpy as np
import pytest

import align_val


@pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox")
def test_stretched_set_is_shorter_with_times_divided(tmp_path):
    out = tmp_path / "align_val"
    out.mkdir()
    rate, seconds = 16000, 2.0
    t = np.arange(int(rate * seconds)) / rate
    x = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
    with wave.open(str(out / "000.clean.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())
    (out / "000.txt").write_text("one two\n")
    items = [{"audio": "000.clean.wav", "text": "000.txt", "cond": "clean",
              "words": [("one", 0.26, 0.65), ("two", 1.3, 1.95)]}]
    fast, stretched = align_val.stretched(out, items, 1.3)
    assert fast.name == "align_val_tempo1.3"
    with wave.open(str(fast / "000.clean.wav")) as w:
        assert w.getframerate() == rate
        assert abs(w.getnframes() / rate - seconds / 1.3) < 0.02
    assert (fast / "000.txt").read_text() == "one two\n"
    assert [w for w, _, _ in stretched[0]["words"]] == ["one", "two"]
    assert np.allclose([v for _, a, b in stretched[0]["words"] for v in (a, b)], [0.2, 0.5, 1.0, 1.5])
    assert items[0]["words"][0] == ("one", 0.26, 0.65)  # the original items are left as they were
