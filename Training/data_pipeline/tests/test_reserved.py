import os

import pytest

from data_pipeline import reserved as R


@pytest.mark.parametrize("path", [
    "/usr/share/lmms/samples/misc/applause01.ogg",
    "/usr/share/festival/voices/us/cmu_us_slt_arctic_hts/festvox/x.scm",
    "/usr/share/asterisk/moh/opsound/macroform-cold_day.wav",
    "/usr/share/asterisk-moh-opsound-wav/x.wav",
    "/usr/share/pocketsphinx/test/data/goforward.raw",
    "/usr/lib/python3/site-packages/silero_vad/data/en.wav",
    "/usr/share/games/etw/sound/crowd.wav",
])
def test_reserved_paths_are_refused(path):
    assert R.is_reserved_path(path)
    with pytest.raises(R.ReservedError):
        R.check_path(path, use_dpkg=False)


@pytest.mark.parametrize("path", [
    "/usr/share/lmms/samples/misc/crowd01.ogg",
    "/usr/share/festival/voices/english/kal_diphone/group/kallpc16k.group",
    "/usr/share/games/flightgear/Sounds/rain.wav",
    "/usr/share/asterisk/sounds/en_US_f_Allison/hello.g722",
])
def test_training_pool_paths_pass(path):
    assert not R.is_reserved_path(path)


def test_reserved_voices():
    for v in ("slt", "cmu_us_slt_arctic_hts", "flite:slt"):
        with pytest.raises(R.ReservedError):
            R.check_voice(v)
    for v in ("kal16", "awb", "rms", "festival:kal_diphone", "espeak:en-US+f3"):
        assert R.check_voice(v) == v


def test_reserved_package_patterns():
    assert R.is_reserved_package("asterisk-moh-opsound-wav")
    assert R.is_reserved_package("festvox-us-slt-hts")
    assert not R.is_reserved_package("asterisk-core-sounds-en-g722")
    assert not R.is_reserved_package("lmms-common")


def test_installed_reserved_files_are_refused():
    files = sorted(f for f in R.reserved_files() if os.path.isfile(f))
    if not files:
        pytest.skip("no reserved package installed on this machine")
    for f in files[:: max(1, len(files) // 50)]:
        assert R.is_reserved_path(f, use_dpkg=True), f


def test_manifests_hold_nothing_reserved(manifests):
    checked = 0
    for name, recs in manifests.items():
        for r in recs:
            src = r.get("src_path")
            if src and src.startswith("/"):
                assert not R.is_reserved_path(src, use_dpkg=True), f"{name}: {src} is reserved"
                checked += 1
            assert not R.is_reserved_voice(r.get("speaker", "")), f"{name}: voice {r.get('speaker')} is reserved"
            assert not R.is_reserved_path(r["path"]), r["path"]
    assert checked > 0
