"""model_card.py --refresh: a new benchmark run and new notes replace the card's measured scores and
notes, and nothing the training run wrote above them changes."""
import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import model_card  # noqa: E402


def _bench(pesq: float, rtf: float) -> dict:
    return {"meta": {"command": "Benchmarks/run.sh", "date": "2026-12-06", "commit": "abc"},
            "meta_by_part": {"speed": {"date": "2026-12-06", "commit": "abc", "command": "run.sh --only speed"}},
            "denoise": {"summary": {"attend": {"pesq": pesq, "stoi": 0.8, "sisdri": 4.0, "rtf": 0.02}},
                        "systems": {"attend": {"label": "**attend**"}}},
            "speed": {"denoise": {"60s": {"attend": {"status": "ok", "rtf_median": rtf, "peak_rss_mb": 100}}}}}


def test_refresh_replaces_scores_and_notes_and_keeps_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(model_card, "ROOT", tmp_path)
    (tmp_path / "Models").mkdir()
    (tmp_path / "Training" / "recipes").mkdir(parents=True)
    head = "# x: card\n\n## The model\n\n- 1.8 M parameters\n\n## Learned sparsity\n\n| a |\n"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(_bench(1.59, 0.0177)))
    notes = tmp_path / "Training" / "recipes" / "x.notes.md"
    notes.write_text("## Limits\n\nold limits\n")
    card = tmp_path / "Models" / "x.md"
    card.write_text(head + "\n" + "\n".join(model_card.measured_section(old)) + "\n## Limits\n\nold limits\n")
    new = tmp_path / "new.json"
    new.write_text(json.dumps(_bench(1.61, 0.0144)))
    notes.write_text("## Limits\n\nnew limits\n")
    model_card.refresh("x", new)
    text = card.read_text()
    assert text.startswith(head)
    assert "| **attend** | 1.61 |" in text and "1.59" not in text
    assert "RTF 0.0144 (69× real time on one core)" in text and "0.0177" not in text
    assert text.rstrip().endswith("new limits") and "old limits" not in text
    # twice gives the same card
    model_card.refresh("x", new)
    assert card.read_text() == text


def test_refresh_needs_a_measured_section(tmp_path, monkeypatch):
    monkeypatch.setattr(model_card, "ROOT", tmp_path)
    (tmp_path / "Models").mkdir()
    (tmp_path / "Models" / "x.md").write_text("# x\n")
    with pytest.raises(SystemExit):
        model_card.refresh("x", tmp_path / "none.json")
