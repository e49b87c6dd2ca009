"""The aligner's transcript map (phones.json maps.align, config align_map) against the phone set."""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
from attend.data import PhoneSet  # noqa: E402
from attend.model import ModelConfig  # noqa: E402

PHONES = ROOT / "Training" / "data_pipeline" / "phones.json"


def test_align_map_names_inventory_classes_and_keeps_a_mandatory_one():
    phones = PhoneSet(PHONES)
    assert phones.align_map, "phones.json has no maps.align"
    for mnemonic, value in phones.align_map.items():
        assert mnemonic in phones.espeak_map, mnemonic
        parts = value.split(" ")
        names = [p.rstrip("?") for p in parts]
        assert all(n in phones.index and n != phones.sil_name for n in names), value
        assert any(not p.endswith("?") for p in parts), f"{mnemonic}: every token optional"
        # the mandatory tokens are the frame labels' class: the aligner only adds to them
        assert [n for n, p in zip(names, parts) if not p.endswith("?")] == [phones.espeak_map[mnemonic]], value


def test_train_config_carries_the_align_map_and_shipped_configs_match_it():
    phones = PhoneSet(PHONES)
    cfg = ModelConfig(n_phones=len(phones), phones=phones.names, espeak_map=phones.espeak_map, align_map=phones.align_map)
    assert json.loads(cfg.to_json())["align_map"] == phones.align_map
    assert ModelConfig.from_json(cfg.to_json()).align_map == phones.align_map
    for name in ("attend-deep", "attend-base"):
        shipped = json.loads((ROOT / "Models" / f"{name}.json").read_text())
        assert shipped["align_map"] == phones.align_map, name
