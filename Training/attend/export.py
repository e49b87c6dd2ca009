"""Export an AttendModel as the files the Swift engine loads: NAME.safetensors + NAME.json."""
from __future__ import annotations

import pathlib

import torch
from safetensors.torch import save_file

from .model import AttendModel, ModelConfig


def export(model: AttendModel, directory: str | pathlib.Path, name: str) -> tuple[pathlib.Path, pathlib.Path]:
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = directory / f"{name}.safetensors"
    config = directory / f"{name}.json"
    tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(weights), metadata={"model_type": model.cfg.model_type, "version": str(model.cfg.version)})
    config.write_text(model.cfg.to_json() + "\n")
    return weights, config


def load(weights: str | pathlib.Path, config: str | pathlib.Path) -> AttendModel:
    from safetensors.torch import load_file

    cfg = ModelConfig.from_json(pathlib.Path(config).read_text())
    model = AttendModel(cfg)
    model.load_state_dict(load_file(str(weights)))
    return model
