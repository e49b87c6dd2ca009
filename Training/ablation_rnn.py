"""An ablation, not a model the engine runs: an NSNet2-shaped recurrent mask model (log power
spectrum, LayerNorm, FC 400, two GRU layers of 400, FC 600 x 2, 257 sigmoid gains; 2.78 M
parameters) trained on attend-deep E1's data (its pool) with E1's denoising losses (10 x the
compressed mask loss + 0.2 x negative SI-SDR), to ask whether the way attend carries over from the
validation mixtures to the reserved set belongs to its architecture or to the training data.

    python3 Training/ablation_rnn.py train RUN [--minutes 46] [--steps 4000] [--seed 50]
    python3 Training/ablation_rnn.py eval RUN/model.pt [--val] [--reserved]

`eval` scores the model's output (whole files, causal) with PESQ-WB and SI-SDR improvement on the
validation mixtures (Training/data/denoise_val) and on the benchmark's reserved set
(Benchmarks/work/sets/denoise), per SNR / per noise and SNR. Results: attend-deep.notes.md.
"""
from __future__ import annotations
import argparse
import concurrent.futures as cf
import json
import math
import multiprocessing as mp
import pathlib
import sys
import time

import numpy as np
import soundfile as sf
import torch
import torch.nn as nn

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
import reserved_screen  # noqa: E402
import train as T  # noqa: E402
from attend.data import Corpus, PhoneSet, repeat_sources  # noqa: E402
from attend.losses import mask_loss, si_sdr  # noqa: E402
from attend.model import ModelConfig, stft  # noqa: E402
from data_pipeline.noise import NOISE_ADDED_2026_12_06, NOISE_ADDED_2026_12_07  # noqa: E402

POOL_SPEECH = "fillets-ng-data-cs=0,fillets-ng-data-nl=0,fillets-ng-data=0,hedgewars-data=0,qabcs-data=0"
# E1's noise: the pool before the sources added on 2026-12-05, 2026-12-06 and 2026-12-07
POOL_NOISE = ",".join(f"{s}=0" for s in ("crowd", "stadium", "applause", *NOISE_ADDED_2026_12_06,
                                         *NOISE_ADDED_2026_12_07))


def config() -> ModelConfig:
    """E1's STFT and compression (the same spectra the engine's models see)."""
    return ModelConfig.from_json((ROOT / "Models/attend-deep.json").read_text())


class RNNMask(nn.Module):
    def __init__(self, bins=257):
        super().__init__()
        self.norm = nn.LayerNorm(bins)
        self.fc_in = nn.Linear(bins, 400)
        self.gru = nn.GRU(400, 400, num_layers=2, batch_first=True)
        self.fc = nn.Sequential(nn.Linear(400, 600), nn.ReLU(), nn.Linear(600, 600), nn.ReLU(), nn.Linear(600, bins))

    def forward(self, spec):  # complex (B, T, F) -> mask (B, T, F)
        x = torch.log(spec.abs().pow(2) + 1e-9)
        h, _ = self.gru(torch.relu(self.fc_in(self.norm(x))))
        return torch.sigmoid(self.fc(h))


def train(args):
    """One training process (one thread) and train.py's batch producer; saves RUN/model.pt every 500 steps."""
    cfg = config()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    run = pathlib.Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    phones = PhoneSet(ROOT / "Training/data_pipeline/phones.json")
    corpus = Corpus(ROOT / "Training/data", "train", phones)
    corpus.noise_items, corpus.noise = repeat_sources(corpus.noise_items, corpus.noise, POOL_NOISE, "--noise-repeat")
    corpus.speech, corpus.audio = repeat_sources(corpus.speech, corpus.audio, POOL_SPEECH, "--speech-repeat")
    ctx = mp.get_context("fork")
    q = ctx.Queue(maxsize=4)
    ctx.Process(target=T.batch_producer, daemon=True, args=(q, corpus, (args.seed, 0), 8, 4.0, cfg, (-5.0, 25.0))).start()
    model = RNNMask()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    print(f"params {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M", flush=True)
    t0, step = time.time(), 0
    total = args.steps
    log = open(run / "log.csv", "w")
    while time.time() - t0 < args.minutes * 60 and step < total:
        lr = args.lr * min(1.0, (step + 1) / 200) * 0.5 * (1 + math.cos(math.pi * step / total))
        for g in opt.param_groups:
            g["lr"] = max(lr, args.lr * 0.02)
        noisy, target, labels, valid, frame_lengths, tokens, denoise = q.get()
        ns, ts = stft(noisy, cfg), stft(target, cfg)
        mask = model(ns)
        lm = mask_loss(mask, ns, ts, cfg.compress, valid)
        est = T.istft(mask * ns, cfg, noisy.shape[1])
        ls = -si_sdr(est, target).mean()
        loss = 10 * lm + 0.2 * ls
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        if step % 50 == 0:
            print(f"step {step} {(time.time() - t0) / 60:.1f} min mask {lm.item():.4f} sisdr {-ls.item():.2f}", flush=True)
            log.write(f"{step},{(time.time() - t0) / 60:.2f},{lm.item():.5f},{-ls.item():.3f}\n")
            log.flush()
        if step % 500 == 0:
            torch.save(model.state_dict(), run / "model.pt")
    torch.save(model.state_dict(), run / "model.pt")
    print(f"done: {step} steps, {(time.time() - t0) / 60:.1f} min", flush=True)


_m = None


def _init(path):
    global _m
    torch.set_num_threads(1)
    _m = RNNMask()
    _m.load_state_dict(torch.load(path))
    _m.eval()


def _score(a):
    noisy_path, clean_path, cond = a
    cfg = config()
    noisy, _ = sf.read(noisy_path, dtype="float32")
    clean, _ = sf.read(clean_path, dtype="float32")
    x = torch.from_numpy(noisy)[None]
    with torch.no_grad():
        spec = stft(x, cfg)
        y = T.istft(_m(spec) * spec, cfg, x.shape[1])[0].numpy()
    return (cond, *reserved_screen.scores(clean, noisy, y))


def evaluate(args):
    sets = []
    if args.val:
        root = ROOT / "Training/data/denoise_val"
        if not (root / "manifest.json").exists():
            raise SystemExit(f"ablation_rnn: no {root / 'manifest.json'}: run python3 Training/denoise_val.py first")
        items = json.loads((root / "manifest.json").read_text())
        sets.append(("val", [(str(root / f"{i['name']}.noisy.wav"), str(root / f"{i['name']}.clean.wav"), f"{i['snr']:g}") for i in items]))
    if args.reserved:
        root = ROOT / "Benchmarks/work/sets/denoise"
        if not (root / "manifest.json").exists():
            raise SystemExit(f"ablation_rnn: no {root / 'manifest.json'}: build the sets with Benchmarks/run.sh first")
        items = json.loads((root / "manifest.json").read_text())["items"]
        sets.append(("reserved", [(str(root / i["noisy"]), str(root / i["clean"]), f"{i['noise']}{i['snr']:g}") for i in items]))
    for name, jobs in sets:
        missing = [j[0] for j in jobs[:1] if not pathlib.Path(j[0]).exists()]
        if missing:
            raise SystemExit(f"ablation_rnn: {missing[0]} missing: build the {name} set first")
        rows = {}
        with cf.ProcessPoolExecutor(2, initializer=_init, initargs=(args.model,)) as ex:
            for cond, p, s in ex.map(_score, jobs):
                rows.setdefault(cond, []).append((p, s))
                rows.setdefault("all", []).append((p, s))
        for c in sorted(rows):
            v = np.array(rows[c])
            print(f"{name} {c:10s} n{len(v):4d} PESQ-WB {v[:, 0].mean():.3f} SI-SDRi {v[:, 1].mean():+.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("run")
    t.add_argument("--minutes", type=float, default=46)
    t.add_argument("--steps", type=int, default=4000)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=50)
    e = sub.add_parser("eval")
    e.add_argument("model")
    e.add_argument("--val", action="store_true", help="the validation mixtures (default: both sets)")
    e.add_argument("--reserved", action="store_true", help="the benchmark's reserved set (default: both sets)")
    a = ap.parse_args()
    if a.cmd == "train":
        train(a)
        return
    if not a.val and not a.reserved:
        a.val = a.reserved = True
    evaluate(a)


if __name__ == "__main__":
    main()
