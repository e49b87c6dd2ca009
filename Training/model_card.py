"""Write a model's card (Models/NAME.md) from its training run and the benchmark of its Swift outputs.

    python3 Training/model_card.py --run RUN_DIR --name attend-deep \
        [--bench Benchmarks/results/latest.json] [--data Training/data]
    python3 Training/model_card.py --refresh --name attend-deep --bench Benchmarks/results/attend-deep.json
        # only the measured scores and the notes, from a new benchmark run

Everything in the card is measured: parameter count and file sizes from Models/NAME.*, the recipe
and training time from RUN_DIR (config.json, log.csv, command.txt), per-head α and the share of
exact zeros in each head's attention measured here on validation audio, and the scores from the
benchmark JSON that `Benchmarks/run.sh` writes (Swift outputs; anchors in the same run).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import pathlib
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.data import Corpus, PhoneSet  # noqa: E402
from attend.export import load  # noqa: E402
from attend.model import chunk_mask, compressed_magnitude, stft  # noqa: E402
from data_pipeline.augment import MixParams  # noqa: E402


def state_of(cfg) -> str:
    """What the mask decoder carries from frame to frame, in words ("the running means are")."""
    parts = [name for name, present in (("the running means", cfg.mask_decoder_ema), ("the noise floors", cfg.mask_decoder_floor),
                                         ("the GRU states", cfg.mask_decoder_gru)) if present]
    return (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]) + " are"


def default_model_name() -> str:
    """The model the CLI runs without `--model`, as the built binary resolves it (`attend info --model
    default --json`, with $ATTEND_MODEL unset): $ATTEND_BIN, else .build/release or .build/debug."""
    import os
    import subprocess
    candidates = [pathlib.Path(os.environ["ATTEND_BIN"])] if os.environ.get("ATTEND_BIN") else \
        [ROOT / ".build" / "release" / "attend", ROOT / ".build" / "debug" / "attend"]
    binary = next((b for b in candidates if b.exists()), None)
    if binary is None:
        raise SystemExit(f"model_card.py: no attend binary at {', '.join(map(str, candidates))}: "
                         "run `swift build -c release` first (the card says which model the CLI runs by default)")
    env = {k: v for k, v in os.environ.items() if k != "ATTEND_MODEL"}
    r = subprocess.run([str(binary), "info", "--model", "default", "--json"], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"model_card.py: {binary} info --model default: {r.stderr.strip()}")
    return json.loads(r.stdout)["name"]


def fmt(v, f="{:.2f}"):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f.format(v)


@torch.no_grad()
def sparsity(model, data: pathlib.Path, n_utts: int, chunk: int, left: int):
    """Per layer and head: share of exact zeros among the keys each query may see (chunk mask)."""
    phones = PhoneSet(ROOT / "Training" / "data_pipeline" / "phones.json")
    val = Corpus(data, "val", phones, n_utts)
    rng = np.random.default_rng(7)
    zeros = np.zeros((model.cfg.n_layers, model.cfg.n_heads))
    allowed = np.zeros_like(zeros)
    for i in range(min(n_utts, len(val.speech))):
        ex = val.example(i, rng, 6.0, MixParams(snr_db=(0, 10)))
        x = torch.from_numpy(ex["noisy"])[None]
        feats = compressed_magnitude(stft(x, model.cfg), model.cfg)
        _, probs = model.encode(feats, chunk, left, banded=False)
        visible = torch.isfinite(chunk_mask(feats.shape[1], chunk, left))
        for layer, p in enumerate(probs):  # (1, H, T, T)
            for h in range(p.shape[1]):
                ph = p[0, h][visible]
                zeros[layer, h] += float((ph == 0).sum())
                allowed[layer, h] += float(ph.numel())
    return zeros / np.maximum(allowed, 1)


def curve(log_path: pathlib.Path, points: int = 8):
    rows = list(csv.DictReader(open(log_path)))
    if not rows:
        return [], None
    vals = [r for r in rows if r.get("val")]
    pick = [rows[min(len(rows) - 1, round(i * (len(rows) - 1) / (points - 1)))] for i in range(points)]
    return pick, vals


def measured_section(bench: pathlib.Path) -> list[str]:
    """The card's "Measured scores" section, from the benchmark JSON `Benchmarks/run.sh` writes."""
    L: list[str] = []
    if bench.exists():
        b = json.loads(bench.read_text())
        m = b.get("meta", {})
        L += ["## Measured scores (Swift outputs, anchors in the same run)", "",
              f"Reproduce: `{m.get('command', 'Benchmarks/run.sh')}` (writes `Benchmarks/results/latest.md`); "
              f"this run: {m.get('date', '?')}, commit {m.get('commit', '?')}. Evaluation audio is reserved real "
              "speech mixed with reserved noise (see `Benchmarks/README.md`); none of it is in the training data.", ""]
        parts = b.get("meta_by_part", {})
        if len({(v.get("date"), v.get("commit")) for v in parts.values()}) > 1:  # parts from separate runs
            L += ["The parts come from separate runs: " + "; ".join(
                f"{k} {v.get('date', '?')}, commit {v.get('commit', '?')}, `{v.get('command', '?')}`"
                for k, v in sorted(parts.items())) + ". A part measured before the model was last trained "
                "describes the earlier model.", ""]
        d = b.get("denoise")
        if d:
            s = d["summary"]
            L += ["### Denoising", "", "| system | PESQ-WB | STOI | SI-SDRi (dB) | RTF (1 core) |", "|---|---:|---:|---:|---:|"]
            for n in ["noisy", "attend", "attend-stream", "attend-offline", "dfn3", "gtcrn", "nsnet2", "rnnoise"]:
                if n in s:
                    r = s[n]
                    label = "noisy input" if n == "noisy" else d["systems"].get(n, {}).get("label", n)
                    L.append(f"| {label} | {fmt(r.get('pesq'))} | {fmt(r.get('stoi'), '{:.3f}')} | "
                             f"{fmt(r.get('sisdri'), '{:+.1f}')} | {fmt(r.get('rtf'), '{:.4f}')} |")
            L.append("")
        a = b.get("align")
        if a:
            L += ["### Alignment (word boundaries)", "",
                  "| system | set/condition | median ms | mean ms | % ≤ 20 ms | % ≤ 50 ms | % ≤ 100 ms | failed |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
            for n in ["attend", "attend-stream", "ps-retry", "ps"]:
                if n not in a["table"]:
                    continue
                for g in a["groups"]:
                    r = a["table"][n][g]
                    L.append(f"| {a['labels'].get(n, n)} | {g} | {fmt(r.get('median_ms'), '{:.0f}')} | "
                             f"{fmt(r.get('mean_ms'), '{:.0f}')} | {fmt(r.get('within_20'), '{:.1f}')} | "
                             f"{fmt(r.get('within_50'), '{:.1f}')} | {fmt(r.get('within_100'), '{:.1f}')} | "
                             f"{r['failed_utterances']}/{r['utterances']} |")
            L.append("")
        sp = b.get("speed")
        if sp:
            L += ["### Speed", ""]
            sp_meta = b.get("meta_by_part", {}).get("speed")
            if sp_meta:
                L += [f"Measured {sp_meta.get('date', '?')} at commit {sp_meta.get('commit', '?')}.", ""]
            for key, rows in sp.get("denoise", {}).items():
                for n in ("attend", "attend-stream", "nsnet2", "dfn3"):
                    r = rows.get(n, {})
                    if r.get("status") == "ok":
                        L.append(f"- denoise {key}, {n}: RTF {r['rtf_median']:.4f} "
                                 f"({1 / r['rtf_median']:.0f}× real time on one core), peak RSS {r['peak_rss_mb']:.0f} MB")
            L.append("")
    else:
        L += ["## Measured scores", "", f"No benchmark results at {bench}: run `Benchmarks/run.sh`.", ""]
    return L


def refresh(name: str, bench: pathlib.Path) -> pathlib.Path:
    """Rewrites Models/NAME.md from its "## Measured scores" heading on: the scores from `bench` and the
    notes from Training/recipes/NAME.notes.md, keeping what the training run wrote above them (for
    a new benchmark run when the run directory is not on this machine)."""
    out = ROOT / "Models" / f"{name}.md"
    card = out.read_text()
    head = card.find("## Measured scores")
    if head < 0:
        raise SystemExit(f"{out}: no '## Measured scores' section to refresh")
    L = card[:head].rstrip("\n").split("\n") + [""] + measured_section(bench)
    notes = ROOT / "Training" / "recipes" / f"{name}.notes.md"
    if notes.exists():
        L += [notes.read_text().strip(), ""]
    out.write_text("\n".join(L))
    return out


def main():
    default = default_model_name()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", help="the training run (config.json, log.csv, command.txt); needed unless --refresh")
    ap.add_argument("--refresh", action="store_true",
                    help="only rewrite the card's measured scores (from --bench) and its notes, keeping the rest")
    ap.add_argument("--name", default=default)
    ap.add_argument("--bench", default=str(ROOT / "Benchmarks" / "results" / "latest.json"))
    ap.add_argument("--data", default=str(ROOT / "Training" / "data"))
    ap.add_argument("--sparsity-utterances", type=int, default=24)
    args = ap.parse_args()
    if args.refresh:
        print("wrote", refresh(args.name, pathlib.Path(args.bench)))
        return
    if not args.run:
        ap.error("--run is needed (or --refresh)")
    run = pathlib.Path(args.run)
    models = ROOT / "Models"
    weights, config = models / f"{args.name}.safetensors", models / f"{args.name}.json"
    model = load(weights, config).eval()
    cfg = model.cfg
    n_params = sum(p.numel() for p in model.parameters())
    size_mb = (weights.stat().st_size + config.stat().st_size) / 1e6
    pick, vals = curve(run / "log.csv")
    last = pick[-1] if pick else {}
    minutes = float(last.get("minutes", 0) or 0)
    steps = int(last.get("step", 0) or 0)
    recipe = ROOT / "Training" / "recipes" / f"{args.name}.sh"
    if recipe.exists():
        command = f"bash Training/recipes/{args.name}.sh"
        recipe_text = recipe.read_text().strip()
    else:
        command = (run / "command.txt").read_text().strip() if (run / "command.txt").exists() else "(not recorded)"
        recipe_text = None

    L = [f"# {args.name}: the attend encoder, its data, recipe and measured scores", ""]
    role = ("It is the model `attend` uses when no `--model` is given." if args.name == default else
            f"`attend` runs it with `--model {args.name}`; without `--model` it runs `{default}`.")
    L += ["One attention encoder that gives both a denoising ratio mask and phone posteriors plus monotonic "
          f"aligner scores. {role}", ""]
    L += ["## The model", "",
          f"- Files: `{weights.name}` + `{config.name}`, {size_mb:.2f} MB in total; {n_params / 1e6:.3f} M parameters.",
          f"- Input: 16 kHz, {cfg.n_fft}-point STFT, hop {cfg.hop} (10 ms), window `{cfg.window}` "
          f"(synthesis length {cfg.synthesis_length} samples), features |X|^{cfg.compress}.",
          f"- Stem: 2 × Conv2d 3×3 ({cfg.stem_channels} channels, causal in time, stride 2 in frequency) → "
          f"d_model {cfg.d_model}.",
          f"- {cfg.n_layers} blocks: ½ feed-forward (×{cfg.ff_mult}) → {cfg.n_heads}-head self-attention with RoPE "
          f"and α-entmax (α learned per head, {cfg.entmax_iters} bisection iterations) → causal depthwise conv "
          f"(kernel {cfg.conv_kernel}) → ½ feed-forward → LayerNorm.",
          (f"- Mask decoder: the hidden vector → {cfg.mask_decoder_channels} × {cfg.stem_bins} bins, interpolated to "
           f"{cfg.n_bins} bins, with the frame's own features as one more channel"
           + (f" and their running means per bin (m_t = a·m_t−1 + (1 − a)·x_t, a = "
              f"{', '.join(f'{a:g}' for a in cfg.mask_decoder_ema)}) as {len(cfg.mask_decoder_ema)} more"
              if cfg.mask_decoder_ema else "")
           + (f" and noise-floor trackers per bin (the minimum of the features smoothed over 0.1 s, rising at most "
              f"{', '.join(f'{r:g}' for r in cfg.mask_decoder_floor)} dB/s) as {len(cfg.mask_decoder_floor)} more"
              if cfg.mask_decoder_floor else "")
           + f" → 3 × Conv2d 1×{cfg.mask_decoder_kernel} (GELU"
           + (f"; after the first, a {cfg.mask_decoder_gru}-unit GRU per bin over frames, added back"
              if cfg.mask_decoder_gru else "")
           + ") → one logit per bin, added to the linear mask head's (frame by frame"
           + (f"; {state_of(cfg)} its only state)." if cfg.mask_decoder_ema or cfg.mask_decoder_gru or cfg.mask_decoder_floor
              else ", no state).")
           if cfg.mask_decoder_channels > 0 else "- Mask: the linear mask head alone (no mask decoder)."),
          f"- Heads: sigmoid ratio mask over {cfg.n_bins} bins; phone logits over {cfg.n_phones} classes "
          f"(blank, SIL, 39 ARPAbet phones); aligner = phone-sequence queries (embedding + 2 convs, "
          f"d {cfg.d_align}) × frame keys.",
          f"- Attention at inference: chunks of {cfg.chunk_size} frames with {cfg.left_context} frames of left "
          "context (the streaming setting; `--chunk-frames` / `--left-frames` change it).", ""]
    L += ["## Data", "",
          "Built by `bash Training/make_data.sh --scale full` (see `Training/DATA_CARD.md`): real speech of the "
          "training pool (festvox-ru, tuxpaint, Asterisk prompts, ktuberling/klettres words) and synthetic English "
          "from espeak-ng, festival and flite with exact phone times; noise from the training-pool packages, "
          "coloured noise and babble, mixed on the fly (−5…20 dB SNR in stages A–D, −5…25 dB from stage E on) with room reverberation, band limits, "
          "clipping and bit-depth variation. Validation is split by speaker and by noise file. Nothing from the "
          "reserved (evaluation) list is used. The build now also holds sources added on 2026-12-05 (game dialogue "
          "and voices, spoken words, crowd noise, and on 2026-12-06 stadium and applause noise, more games' effects, "
          "ambiences and music, and MIDI music rendered in many instruments, and on 2026-12-07 procedural noise, festival's "
          "female voices of other languages and female-range copies of the male synthetic voices); each stage of the "
          "recipe names what it leaves out with N = 0 (`--speech-repeat ...=0 --noise-repeat crowd=0,...=0`), so it "
          "trains on the data this model was trained on; a stage that draws a later source names it too (the recipe "
          "below).", ""]
    L += ["## Recipe", "", "```", "bash Training/make_data.sh --scale full", command, "```", "",
          f"The run given (`--run`, the last stage when the recipe has several; earlier stages are in the recipe "
          f"below) trained {minutes:.0f} min on 2 CPU cores ({steps} steps of 8 × ≤4 s crops); dynamic chunk training "
          "(chunk 1–32 frames, left context 16–128 per step); losses: compressed-spectrum mask loss, SI-SDR, "
          "frame cross-entropy (exact phone times), CTC (transcripts), forward-sum (aligner), weighted per stage "
          "as below. The checkpoint with the best validation score is exported.", ""]
    if recipe_text:
        L += ["The stages (the recipe script itself):", "", "```sh", recipe_text, "```", ""]
    if pick:
        L += ["Loss curve (training batch losses; `log.csv` in the run has every 10th step):", "",
              "| step | minutes | total | mask | −SI-SDR | frame CE | CTC | forward-sum |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in pick:
            L.append(f"| {r['step']} | {float(r['minutes']):.0f} | {float(r['loss']):.3f} | {float(r['mask']):.4f} | "
                     f"{float(r['sisdr']):.2f} | {float(r['frame']):.3f} | {float(r['ctc']):.3f} | {float(r['align']):.3f} |")
        L.append("")
    if vals:
        v = json.loads(vals[-1]["val"])
        L += [f"Last validation (step {vals[-1]['step']}, 0–10 dB mixtures of validation speakers and noises): "
              f"SI-SDR gain {v.get('val_sisdr_gain_c2', float('nan')):+.2f} dB with 2-frame chunks, "
              f"{v.get('val_sisdr_gain_c0', float('nan')):+.2f} dB with full context.", ""]
    z = sparsity(model, pathlib.Path(args.data), args.sparsity_utterances, cfg.chunk_size or 32,
                 cfg.left_context or 128)
    alphas = [[float(a) for a in b.attn.alpha()] for b in model.blocks]
    L += ["## Learned sparsity", "",
          f"α per head (1 = softmax-like, 2 = sparsemax) and the share of exact zeros among the keys each query may "
          f"see, measured on {args.sparsity_utterances} validation mixtures with the inference chunking:", "",
          "| layer | " + " | ".join(f"head {h}: α / zeros" for h in range(cfg.n_heads)) + " |",
          "|---|" + "---:|" * cfg.n_heads]
    for layer in range(cfg.n_layers):
        L.append(f"| {layer} | " + " | ".join(f"{alphas[layer][h]:.3f} / {100 * z[layer, h]:.0f} %"
                                              for h in range(cfg.n_heads)) + " |")
    L.append("")

    L += measured_section(pathlib.Path(args.bench))
    notes = ROOT / "Training" / "recipes" / f"{args.name}.notes.md"
    if notes.exists():  # the hand-written limits of this model, kept beside its recipe
        L += [notes.read_text().strip(), ""]
    out = models / f"{args.name}.md"
    out.write_text("\n".join(L))
    print("wrote", out)


if __name__ == "__main__":
    main()
