"""The noise pool's package filters and the MIDI music renderer."""
import os
import shutil

import numpy as np
import pytest

from data_pipeline import noise as N


@pytest.mark.parametrize("pkg,path,kept", [
    ("openarena-data", "/usr/share/games/openarena/baseoa/pak0.pk3!sound/player/sarge/taunt.wav", False),
    ("openarena-data", "/usr/share/games/openarena/baseoa/pak0.pk3!sound/player/footsteps/clank1.wav", True),
    ("openarena-data", "/usr/share/games/openarena/missionpack/mp-pak0.pk3!sound/voices/rott/x.wav", False),
    ("openarena-data", "/usr/share/games/openarena/baseoa/pak0.pk3!sound/feedback/excellent.wav", False),
    ("openarena-data", "/usr/share/games/openarena/baseoa/pak0.pk3!sound/weapons/rocket/rocklf1a.wav", True),
    ("trigger-rally-data", "/usr/share/games/trigger-rally/data.zip!sounds/codriver/ab/left.wav", False),
    ("trigger-rally-data", "/usr/share/games/trigger-rally/data.zip!sounds/gravel.wav", True),
    ("supertux-data", "/usr/share/games/supertux2/speech/grumbel.ogg", False),
    ("supertux-data", "/usr/share/games/supertux2/music/forest/forest.ogg", True),
    ("scorched3d-data", "/usr/share/games/scorched3d/data/globalmods/none/data/wav/misc/scream1.wav", False),
    ("scorched3d-data", "/usr/share/games/scorched3d/data/globalmods/none/data/wav/misc/cheeringloop.wav", True),
    ("hyperrogue-music", "/usr/share/hyperrogue/sounds/speak-prince.ogg", False),
    ("hyperrogue-music", "/usr/share/hyperrogue/sounds/storm.ogg", True),
    ("flare-game", "/usr/share/games/flare/mods/fantasycore/soundfx/npcs/vendor1.ogg", False),
])
def test_new_packages_leave_voices_out(pkg, path, kept):
    assert N.is_noise(path, N.NOISE_PACKAGES[pkg]) == kept


def test_sources_added_later_are_listed_for_the_old_recipes():
    pkgs = list(N.NOISE_PACKAGES)
    added = [s for s in N.NOISE_ADDED_2026_12_06 if s in N.NOISE_PACKAGES]
    # appended after every earlier package, so the earlier files keep their names
    assert pkgs[-len(added):] == added
    assert "midi-music" in N.NOISE_ADDED_2026_12_06


def _tiny_midi(path: str) -> None:
    mido = pytest.importorskip("mido")
    m = mido.MidiFile(ticks_per_beat=480)
    for ch, prog in ((0, 0), (9, 0), (3, None)):
        t = mido.MidiTrack()
        if prog is not None:
            t.append(mido.Message("program_change", channel=ch, program=prog, time=0))
        for k in range(8):
            t.append(mido.Message("note_on", channel=ch, note=48 + 2 * k + ch, velocity=90, time=0))
            t.append(mido.Message("note_off", channel=ch, note=48 + 2 * k + ch, velocity=0, time=240))
        m.tracks.append(t)
    m.save(path)


def test_rearrange_gives_melodic_channels_new_instruments_and_leaves_the_drums(tmp_path):
    mido = pytest.importorskip("mido")
    src, dst = str(tmp_path / "a.mid"), str(tmp_path / "b.mid")
    _tiny_midi(src)
    choice = N.rearrange_midi(src, dst, np.random.default_rng(3))
    m = mido.MidiFile(dst)
    first = {}
    for t in m.tracks:
        for msg in t:
            if msg.type == "program_change":
                first.setdefault(msg.channel, []).append(msg.program)
    assert all(p == choice["programs"][0] for p in first[0])
    assert first[3] == [choice["programs"][3]]  # a channel that never set one gets one
    assert first.get(9, [0]) == [0]  # drums untouched
    assert all(0 <= p < 112 for p in choice["programs"].values())
    assert 0.8 <= choice["tempo"] <= 1.25
    assert m.ticks_per_beat == round(480 * choice["tempo"])
    # another draw, another arrangement
    assert N.rearrange_midi(src, dst, np.random.default_rng(4))["programs"] != choice["programs"]


@pytest.mark.skipif(not (shutil.which("fluidsynth") and os.path.exists(N.SOUNDFONT)),
                    reason="fluidsynth and its General MIDI soundfont are not installed")
def test_midi_music_renders_each_variant_and_splits_by_file(tmp_path):
    src = str(tmp_path / "tune.mid")
    _tiny_midi(src)
    recs = list(N.midi_music(variants=2, files=[src]))
    assert [r["src_path"] for r in recs] == [f"{src}#v0", f"{src}#v1"]
    assert len({r["split"] for r in recs}) == 1
    for r in recs:
        assert r["source"] == "midi-music"
        assert 1.5 * 16000 < len(r["audio"]) < 6 * 16000  # 2 s of notes, the reverb's tail
        assert np.isfinite(r["audio"]).all() and np.sqrt(np.mean(r["audio"] ** 2)) > 0.01
    assert not np.allclose(recs[0]["audio"][:16000], recs[1]["audio"][:16000])
