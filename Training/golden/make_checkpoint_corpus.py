#!/usr/bin/env python3
"""Writes a tiny safetensors file made by the reference `safetensors` library, so the Swift
loader is tested against the real format and not only against its own writer.

    python3 Training/golden/make_checkpoint_corpus.py

Output: Tests/NeuralEngineTests/Fixtures/checkpoints/reference.safetensors (+ .json with the
expected values as plain lists). Broken files are generated inside the Swift tests instead.
"""
import json
import pathlib

import numpy as np
from safetensors.numpy import save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/NeuralEngineTests/Fixtures/checkpoints"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1234)
    tensors = {
        "encoder.proj.weight": rng.standard_normal((3, 5)).astype(np.float32),
        "encoder.proj.bias": rng.standard_normal((5,)).astype(np.float32),
        "head.half": rng.standard_normal((2, 2, 3)).astype(np.float16),
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.float32),
    }
    save_file(tensors, OUT / "reference.safetensors", metadata={"format": "np", "note": "attend test"})
    expected = {
        name: {"shape": list(t.shape), "values": t.astype(np.float64).ravel().tolist()}
        for name, t in tensors.items()
    }
    try:  # bfloat16 needs torch; skip it if torch is absent
        import torch
        from safetensors.torch import save_file as save_torch

        bf = torch.tensor([[1.0, -2.5, 3.140625], [0.0078125, -1e3, 65280.0]], dtype=torch.bfloat16)
        save_torch({"bf": bf}, OUT / "reference_bf16.safetensors")
        expected["bf"] = {"shape": [2, 3], "values": bf.float().ravel().tolist()}
    except ImportError:
        pass
    (OUT / "reference.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
