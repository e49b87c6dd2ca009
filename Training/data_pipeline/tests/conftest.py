import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

DATA = os.environ.get("ATTEND_DATA",
                      os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data"))
MANIFESTS = ("speech_train", "speech_val", "noise_train", "noise_val")


@pytest.fixture(scope="session")
def manifests():
    """The built manifests (Training/data or $ATTEND_DATA); skips if the data is not built."""
    out = {}
    for m in MANIFESTS:
        p = os.path.join(DATA, m + ".jsonl")
        if not os.path.exists(p):
            pytest.skip(f"{p} not built: run `bash Training/make_data.sh --scale small`")
        with open(p, encoding="utf-8") as f:
            out[m] = [json.loads(l) for l in f]
    return out


@pytest.fixture(scope="session")
def data_dir():
    return DATA
