"""The Fish Fillets NG dialogue reader: texts from the level scripts, one speaker per fish and language."""
import os

from data_pipeline import real_speech as R


def test_fillets_texts_take_english_or_the_translation(tmp_path):
    (tmp_path / "dialogs_en.lua").write_text(
        'dialogId("kuch-m-objev0", "font_small", "Oh my, this is a nice kitchen.")\n'
        'dialogId("kuch-v-say", "font_big", "He said \\"no\\".")\n', encoding="utf-8")
    (tmp_path / "dialogs_cs.lua").write_text(
        'dialogId("kuch-m-objev0", "font_small", "Oh my, this is a nice kitchen.")\n'
        'dialogStr("To je ale hezká kuchyně.")\n\n'
        'dialogId("kuch-v-none", "font_big", "Untranslated.")\n', encoding="utf-8")
    en = R._fillets_texts(str(tmp_path), "en")
    cs = R._fillets_texts(str(tmp_path), "cs")
    assert en == {"kuch-m-objev0": "Oh my, this is a nice kitchen.", "kuch-v-say": 'He said "no".'}
    assert cs == {"kuch-m-objev0": "To je ale hezká kuchyně."}  # a line without dialogStr has no Czech text


def test_fillets_speakers_and_split(manifests):
    recs = [r for m in ("speech_train", "speech_val") for r in manifests[m] if r["source"].startswith("fillets-ng-data")]
    if not recs:
        import pytest
        pytest.skip("no Fish Fillets dialogue in this build")
    for r in recs:
        lang = r["speaker"].split(":")[1]
        assert r["language"] == lang and r["speaker"].split(":")[2] in ("m", "v", "other")
        assert (r["split"] == "val") == (lang == "en"), r["path"]  # English actors are validation only
        assert r["text"], r["src_path"]  # only lines of the dialogue scripts: no effects, music or key clicks
