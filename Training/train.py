"""Train the attend encoder on the 2-core CPU; resumable; exports to Models/.

    python3 Training/train.py --run Training/runs/base --minutes 110 [--resume] [--export attend-base]

Needs the data of `bash Training/make_data.sh` (Training/data/). Two processes: one mixes batches, one trains (`--threads`).
Each step: a batch of clean crops mixed on the fly with noise; one random chunk/left-context per
step (dynamic chunk training, so one model serves offline and streaming); losses: compressed
spectral mask loss + SI-SDR (denoising), frame cross-entropy where exact phone times exist, CTC
over the transcript's phones, and the aligner's forward-sum. Writes run/log.csv (losses, α per
head), run/ckpt.pt (resume), run/best.pt.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import pathlib
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Training"))
from attend.data import (HOP, Corpus, PhoneSet, drop_sources, mark_noisy_floors, mark_phone_only, phone_log_prior,  # noqa: E402
                         repeat_sources)
from attend.export import export  # noqa: E402
from attend.losses import (forward_sum_loss, frame_phone_loss, mask_loss, multi_resolution_loss,  # noqa: E402
                           noise_residual_loss, perceptual_loss, phone_ctc_loss, si_sdr, spectrum_loss)
from attend.model import AttendModel, ModelConfig, analysis_window, compressed_magnitude, stft  # noqa: E402
from data_pipeline.augment import MixParams  # noqa: E402

CHUNKS = [1, 2, 4, 8, 16, 32]
LEFTS = [16, 32, 64, 128]


def parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT / "Training" / "data"))
    ap.add_argument("--run", required=True, help="run folder: log, checkpoints")
    ap.add_argument("--minutes", type=float, default=110, help="wall-clock budget of this invocation")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-seconds", type=float, default=4.0)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunks", default=",".join(map(str, CHUNKS)),
                    help="attention chunk sizes (frames) drawn per step, e.g. 1,2,4,8,16,32,64,128")
    ap.add_argument("--lefts", default=",".join(map(str, LEFTS)), help="left contexts (frames) drawn per step")
    ap.add_argument("--alpha-lr-scale", type=float, default=20.0, help="learning-rate multiplier of the α logits")
    ap.add_argument("--config", default="{}", help="JSON overrides of ModelConfig, e.g. '{\"d_model\": 128}'")
    ap.add_argument("--weights", default="mask=1,sisdr=0.02,frame=0.5,ctc=0.2,align=0.3",
                    help="loss weights NAME=W,...: mask, sisdr, frame, ctc, align, noise (the noise the mask "
                         "passes, attend.losses.noise_residual_loss) and mr (multi-resolution spectral loss of "
                         "the output waveform, attend.losses.multi_resolution_loss) and pq (a PESQ-like "
                         "perceptual disturbance of it, attend.losses.perceptual_loss), off unless given; over=F "
                         "counts the mask loss's over-estimates (1 + F) times (attend.losses.mask_loss); sdframe: the frame "
                         "loss of the phone head's reading of the model's own denoised output, off unless given; "
                         "distill: KL of the phone head's reading with the drawn chunks from its reading with "
                         "128-frame chunks (no gradient through the latter), off unless given")
    ap.add_argument("--export", default=None, help="export the best model to Models/NAME.{safetensors,json}")
    ap.add_argument("--threads", type=int, default=1,
                    help="PyTorch threads of the training process (a second process mixes the batches)")
    ap.add_argument("--steps", type=int, default=None,
                    help="stop at this step (then validation and checkpoints happen only every 200 steps)")
    ap.add_argument("--schedule-steps", type=int, default=None,
                    help="length of the cosine learning-rate schedule in steps (default: from --minutes at 1.5 s/step)")
    ap.add_argument("--init", default=None,
                    help="start from exported weights (Models/NAME.safetensors, its NAME.json gives the config)")
    ap.add_argument("--encoder-lr-scale", type=float, default=1.0,
                    help="learning-rate multiplier of the stem and encoder blocks (heads keep 1)")
    ap.add_argument("--snr", default="-5,20", help="SNR range of the training mixtures in dB, LO,HI")
    ap.add_argument("--max-items", type=int, default=None, help="use only the first N utterances (smoke tests)")
    ap.add_argument("--noise-repeat", default="",
                    help="SOURCE=N,...: each training noise piece of SOURCE drawn N times as often (e.g. babble=3; 0: not at all)")
    ap.add_argument("--speech-repeat", default="",
                    help="SOURCE=N,...: each training utterance of SOURCE drawn N times as often (e.g. fillets-ng-data-cs=2; 0: not at all)")
    ap.add_argument("--eq", type=float, default=0.0,
                    help="probability of a random equaliser (1-3 shelves/peaks, within ±10 dB) on a training mixture's "
                         "speech (mix and target alike), and, drawn separately, on its noise; validation mixtures have none")
    ap.add_argument("--concat", type=float, default=0.0,
                    help="probability that a training example goes on with more utterances of its source after "
                         "0.1-1 s pauses, to a length in [max-seconds/2, max-seconds] (recordings are longer than "
                         "most training utterances); validation examples have none")
    ap.add_argument("--noise-speed", type=float, default=0.0,
                    help="probability that a training mixture's noise (each of two) is played faster or slower, "
                         "x0.5-2 drawn log-uniform (music, crowds and machines of other tempi and pitches); "
                         "validation mixtures have none")
    ap.add_argument("--noise-only", type=float, default=0.0,
                    help="probability that a training mixture is the noise alone (no speech; the target silence, "
                         "every frame labelled SIL, no transcript), so the model learns to remove what plays when "
                         "nobody talks; SI-SDR skips such examples; validation mixtures have none")
    ap.add_argument("--speed", type=float, default=0.0,
                    help="probability of speed perturbation of a training utterance (x0.85-1.15: tempo, pitch and "
                         "formants together, its times scaled to match); validation utterances have none")
    ap.add_argument("--min-floor-range", type=float, default=0.0,
                    help="training utterances whose loud frames stand less than this many dB above their quiet ones "
                         "(attend.data.floor_range_db: a hiss or room noise under the speech, which the mask would "
                         "learn to keep) train only the phone losses, not the denoising ones; 0: all train both")
    ap.add_argument("--phone-only", default="",
                    help="sources (SOURCE,...) whose utterances train only the phone losses, never the denoising "
                         "ones, e.g. festival-intl")
    ap.add_argument("--phone-only-noise", default="",
                    help="noise sources (SOURCE,...) whose mixtures train only the phone losses, never the "
                         "denoising ones, e.g. crowd (with --noise-repeat crowd=N to draw it)")
    args = ap.parse_args()
    args.chunk_choices, args.left_choices = frame_counts(args.chunks, "--chunks"), frame_counts(args.lefts, "--lefts")
    return args


def frame_counts(text: str, option: str) -> list[int]:
    """A comma-separated list of positive frame counts (an option's value)."""
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise SystemExit(f"{option}: expected comma-separated frame counts, got {text!r}")
    if not values or min(values) < 1:
        raise SystemExit(f"{option}: expected positive frame counts, got {text!r}")
    return values


def collate(examples, cfg: ModelConfig):
    n = max(len(e["noisy"]) for e in examples)
    noisy = torch.zeros(len(examples), n)
    target = torch.zeros(len(examples), n)
    for i, e in enumerate(examples):
        noisy[i, : len(e["noisy"])] = torch.from_numpy(e["noisy"])
        target[i, : len(e["target"])] = torch.from_numpy(e["target"])
    frames = n // HOP + 1
    labels = torch.full((len(examples), frames), -1, dtype=torch.long)
    valid = torch.zeros(len(examples), frames)
    frame_lengths = torch.zeros(len(examples), dtype=torch.long)
    for i, e in enumerate(examples):
        f = len(e["noisy"]) // HOP + 1
        labels[i, : len(e["labels"])] = torch.from_numpy(e["labels"][:frames])
        valid[i, :f] = 1
        frame_lengths[i] = f
    token_lists = [e["tokens"] for e in examples]
    denoise = torch.tensor([float(e.get("denoise", True)) for e in examples])
    return noisy, target, labels, valid, frame_lengths, token_lists, denoise


def istft(spec, cfg, length):
    """Inverse with the analysis window (for the SI-SDR loss; inference uses the synthesis window)."""
    return torch.istft(spec.transpose(1, 2), cfg.n_fft, cfg.hop, window=analysis_window(cfg), center=True, length=length)


def batch_producer(queue, train, seed, batch, max_seconds, cfg, snr=(-5.0, 20.0), eq=0.0, speed=0.0, concat=0.0,
                   noise_speed=0.0, noise_only=0.0):
    """Runs in a forked child process: mixes batches from the parent's corpus (after --noise-repeat and
    --speech-repeat) on one thread while the parent trains on the other.
    Deterministic: one producer, its own generator seeded from (seed, first step)."""
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    params = MixParams(snr_db=snr, p_eq_speech=eq, p_eq_noise=eq, p_speed=speed, p_concat=concat, p_noise_speed=noise_speed,
                       p_noise_only=noise_only)
    while True:
        examples = [train.example(int(rng.integers(len(train.speech))), rng, max_seconds, params) for _ in range(batch)]
        queue.put(collate(examples, cfg))


# The attention chunk and left context (frames) of the `distill` loss's teacher reading: the file
# aligner's (Aligner.defaultContext in the engine).
DISTILL_CONTEXT = 128


def step_losses(model, batch, cfg, weights, chunk, left):
    noisy, target, labels, valid, frame_lengths, token_lists, denoise = batch
    ns, ts = stft(noisy, cfg), stft(target, cfg)
    feats = compressed_magnitude(ns, cfg)
    hidden, _ = model.encode(feats, chunk, left, banded=True)
    mask, enhanced = model.enhance(hidden, feats, ns)
    # the denoising losses count the examples whose target is clean (--min-floor-range), the phone losses all
    mask_valid = valid * denoise[:, None]
    if cfg.deep_filter_bins:  # the output is not mask · noisy: judge the spectrum (no over-weighting there)
        if weights.get("over"):
            raise SystemExit("--weights over=F: not for a model with a deep filter (its loss is on the spectrum)")
        losses = {"mask": spectrum_loss(enhanced, ts, cfg.compress, mask_valid)}
    else:
        losses = {"mask": mask_loss(mask, ns, ts, cfg.compress, mask_valid, over=weights.get("over", 0.0))}
    if weights.get("noise"):
        losses["noise"] = noise_residual_loss(mask, ns, ts, cfg.compress, mask_valid)
    est = istft(enhanced, cfg, noisy.shape[1])
    # SI-SDR needs speech in the target: a noise-only example (--noise-only) counts in the mask loss only
    sdr_w = denoise * (target.abs().amax(dim=1) > 0).to(denoise.dtype)
    losses["sisdr"] = -(si_sdr(est, target) * sdr_w).sum() / sdr_w.sum().clamp_min(1)
    # the waveform losses' valid samples: none of an example that is not a denoising target
    samples = torch.where(denoise > 0, (frame_lengths - 1) * HOP, torch.full_like(frame_lengths, -1))
    if weights.get("mr"):
        losses["mr"] = multi_resolution_loss(est, target, cfg.compress, valid_samples=samples)
    if weights.get("pq"):
        losses["pq"] = perceptual_loss(est, target, valid_samples=samples)
    logits = model.phone_logits(hidden)
    losses["frame"] = frame_phone_loss(logits, labels) if (labels >= 0).any() else logits.sum() * 0
    if weights.get("sdframe"):
        # The phone head's reading of the model's own denoised audio, which `attend align` blends
        # with the audio's for noisy files: the output waveform analysed again (as the engine
        # re-reads it), frame labels as the audio's; the first pass is not trained by this term.
        dfeats = compressed_magnitude(stft(est.detach(), cfg), cfg)
        dhidden, _ = model.encode(dfeats, chunk, left, banded=True)
        dlogits = model.phone_logits(dhidden)
        losses["sdframe"] = frame_phone_loss(dlogits, labels) if (labels >= 0).any() else dlogits.sum() * 0
    if weights.get("distill"):
        # The phone head as it reads with the file aligner's context (128-frame chunks, 128 frames
        # of left context; no gradient) is the target of its reading with the drawn, shorter
        # chunks: KL(teacher || student) per frame, so a live stream learns to read as files do.
        with torch.no_grad():
            thidden, _ = model.encode(feats, DISTILL_CONTEXT, DISTILL_CONTEXT, banded=True)
            teacher = torch.log_softmax(model.phone_logits(thidden), dim=-1)
        kl = (teacher.exp() * (teacher - torch.log_softmax(logits, dim=-1))).sum(-1)
        losses["distill"] = (kl * valid).sum() / valid.sum().clamp_min(1)
    with_tokens = [i for i, t in enumerate(token_lists) if t]
    if with_tokens:
        toks = [token_lists[i] for i in with_tokens]
        nmax = max(len(t) for t in toks)
        ids = torch.zeros(len(toks), nmax, dtype=torch.long)
        for j, t in enumerate(toks):
            ids[j, : len(t)] = torch.tensor(t)
        lengths = torch.tensor([len(t) for t in toks])
        fl = frame_lengths[with_tokens]
        losses["ctc"] = phone_ctc_loss(logits[with_tokens], ids, fl, lengths)
        scores = model.align_scores(hidden[with_tokens], ids)
        losses["align"] = forward_sum_loss(scores, lengths, fl)
    total = sum(weights[k] * v for k, v in losses.items() if k in weights)
    return total, {k: float(v.detach()) for k, v in losses.items()}


def alpha_report(model):
    return [[round(float(a), 3) for a in b.attn.alpha()] for b in model.blocks]


@torch.no_grad()
def validate(model, batches, cfg, weights):
    model.eval()
    out = {}
    frame_ce, frame_acc = {}, {}
    for chunk, left in ((0, 0), (2, 64)):
        tot, sdr_gain = [], []
        for batch in batches:
            noisy, target = batch[0], batch[1]
            ns = stft(noisy, cfg)
            feats = compressed_magnitude(ns, cfg)
            hidden, _ = model.encode(feats, chunk, left, banded=chunk > 0)
            est = istft(model.enhance(hidden, feats, ns)[1], cfg, noisy.shape[1])
            sdr_gain.append((si_sdr(est, target) - si_sdr(noisy, target)).mean().item())
            if chunk == 0:
                t, _ = step_losses(model, batch, cfg, weights, 0, 0)
                tot.append(float(t))
            labels = batch[2]
            if (labels >= 0).any():
                logits = model.phone_logits(hidden)
                known = labels >= 0
                frame_ce.setdefault(chunk, []).append(float(frame_phone_loss(logits, labels)))
                frame_acc.setdefault(chunk, []).append(float((logits.argmax(-1)[known] == labels[known]).float().mean()))
        out[f"val_sisdr_gain_c{chunk}"] = float(np.mean(sdr_gain))
        if tot:
            out["val_loss"] = float(np.mean(tot))
        if chunk in frame_ce:
            out[f"val_frame_ce_c{chunk}"] = float(np.mean(frame_ce[chunk]))
            out[f"val_frame_acc_c{chunk}"] = float(np.mean(frame_acc[chunk]))
    model.train()
    return out


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    run = pathlib.Path(args.run)
    run.mkdir(parents=True, exist_ok=True)
    data = pathlib.Path(args.data)
    phones = PhoneSet(ROOT / "Training" / "data_pipeline" / "phones.json")
    cfg = ModelConfig(n_phones=len(phones), phones=phones.names, espeak_map=phones.espeak_map, align_map=phones.align_map,
                      entmax_iters=20, chunk_size=2, left_context=64)
    if args.init:
        init_json = pathlib.Path(args.init).with_suffix(".json")
        base = {k: v for k, v in json.loads(init_json.read_text()).items() if k in {f.name for f in dataclasses.fields(ModelConfig)}}
        cfg = dataclasses.replace(cfg, **base)
    cfg = dataclasses.replace(cfg, **json.loads(args.config))
    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(","))}
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    train = Corpus(data, "train", phones, args.max_items)
    train.noise_items, train.noise = repeat_sources(train.noise_items, train.noise, args.noise_repeat, "--noise-repeat")
    train.speech, train.audio = repeat_sources(train.speech, train.audio, args.speech_repeat, "--speech-repeat")
    mark_noisy_floors(train.speech, train.audio, args.min_floor_range, "--min-floor-range")
    mark_phone_only(train.speech, args.phone_only, "--phone-only")
    mark_phone_only(train.noise_items, args.phone_only_noise, "--phone-only-noise")
    cfg = dataclasses.replace(cfg, phone_log_prior=phone_log_prior(train.speech, phones))
    val = Corpus(data, "val", phones)  # batches drawn across the whole split (its first files are one language)
    # a source left out of training (N = 0) is left out of validation too
    val.noise_items, val.noise = drop_sources(val.noise_items, val.noise, args.noise_repeat)
    val.speech, val.audio = drop_sources(val.speech, val.audio, args.speech_repeat)
    vrng = np.random.default_rng(12345)
    val_batches = [collate([val.example(int(vrng.integers(len(val.speech))), vrng, args.max_seconds, MixParams(snr_db=(0, 10)))
                            for _ in range(args.batch)], cfg) for _ in range(4)]
    model = AttendModel(cfg)
    if args.init and not (args.resume and (run / "ckpt.pt").exists()):
        from safetensors.torch import load_file
        missing, unexpected = model.load_state_dict(load_file(args.init), strict=False)
        if unexpected or any(not k.startswith("mask_decoder.") for k in missing):
            raise SystemExit(f"--init {args.init}: missing {missing}, unexpected {unexpected}")
        print(f"initialised from {args.init}" + (f" (new: {', '.join(missing)})" if missing else ""))
    # α logits learn faster (a sparsity per head needs to move within a short CPU run) and are not
    # decayed towards α = 1.5.
    alpha_params = [p for n, p in model.named_parameters() if n.endswith("alpha_logit")]
    encoder = lambda n: n.startswith("stem.") or n.startswith("blocks.")  # noqa: E731
    encoder_params = [p for n, p in model.named_parameters() if encoder(n) and not n.endswith("alpha_logit")]
    head_params = [p for n, p in model.named_parameters() if not encoder(n) and not n.endswith("alpha_logit")]
    opt = torch.optim.AdamW([{"params": encoder_params, "weight_decay": 0.01, "lr_scale": args.encoder_lr_scale},
                             {"params": head_params, "weight_decay": 0.01, "lr_scale": 1.0},
                             {"params": alpha_params, "weight_decay": 0.0, "lr_scale": args.alpha_lr_scale}],
                            lr=args.lr)
    step, best, elapsed_before = 0, -math.inf, 0.0
    rng = np.random.default_rng(args.seed)
    ckpt = run / "ckpt.pt"
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step, best, elapsed_before = state["step"], state["best"], state["elapsed"]
        if state.get("weights") != args.weights:  # the validation loss changes scale: compare afresh
            best = -math.inf
        rng = state["rng"]
        print(f"resumed at step {step}, {elapsed_before / 60:.1f} min trained")
    (run / "config.json").write_text(cfg.to_json())
    with open(run / "command.txt", "a") as f:  # the recipe, for the model card
        f.write("python3 Training/train.py " + " ".join(
            a if a.replace("-", "").replace("/", "").replace(".", "").replace("_", "").isalnum() else repr(a)
            for a in sys.argv[1:]) + "\n")
    print(f"params: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M; train utterances {len(train.speech)}, "
          f"noises {len(train.noise)}")
    log_path = run / "log.csv"
    new_log = not log_path.exists() or not args.resume
    log = open(log_path, "w" if new_log else "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "minutes", "loss", "mask", "sisdr", "frame", "ctc", "align", "chunk", "left", "alphas", "val"])
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    queue = ctx.Queue(maxsize=4)
    producer = ctx.Process(target=batch_producer, daemon=True,
                           args=(queue, train, (args.seed, step), args.batch, args.max_seconds, cfg,
                                 tuple(float(v) for v in args.snr.split(",")), args.eq, args.speed, args.concat,
                                 args.noise_speed, args.noise_only))
    producer.start()
    t0 = time.time()
    last_save = t0
    total_steps_hint = args.schedule_steps or (int(args.minutes * 60 / 1.5) + step)
    model.train()
    while time.time() - t0 < args.minutes * 60 and (args.steps is None or step < args.steps):
        lr = args.lr * min(1.0, (step + 1) / 300) * 0.5 * (1 + math.cos(math.pi * min(step / max(total_steps_hint, 1), 1.0)))
        for g in opt.param_groups:
            g["lr"] = max(lr, args.lr * 0.02) * g.get("lr_scale", 1.0)
        batch = queue.get()
        chunk, left = int(rng.choice(args.chunk_choices)), int(rng.choice(args.left_choices))
        loss, parts = step_losses(model, batch, cfg, weights, chunk, left)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        minutes = (elapsed_before + time.time() - t0) / 60
        val = ""
        if step % 200 == 0 or (args.steps is None and time.time() - last_save > 600):
            v = validate(model, val_batches, cfg, weights)
            val = json.dumps(v)
            score = v["val_sisdr_gain_c2"] - v.get("val_loss", 0)
            if score > best:
                best = score
                torch.save(model.state_dict(), run / "best.pt")
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best": best,
                        "elapsed": elapsed_before + time.time() - t0, "rng": rng, "weights": args.weights}, ckpt)
            last_save = time.time()
            print(f"step {step} {minutes:.1f} min loss {loss.item():.3f} {parts} val {v} α {alpha_report(model)}", flush=True)
        if step % 10 == 0 or val:
            writer.writerow([step, f"{minutes:.2f}", f"{loss.item():.4f}"] + [f"{parts.get(k, float('nan')):.4f}" for k in
                            ("mask", "sisdr", "frame", "ctc", "align")] + [chunk, left, json.dumps(alpha_report(model)), val])
            log.flush()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best": best,
                "elapsed": elapsed_before + time.time() - t0, "rng": rng, "weights": args.weights}, ckpt)
    if not (run / "best.pt").exists():
        torch.save(model.state_dict(), run / "best.pt")
    if args.export:
        model.load_state_dict(torch.load(run / "best.pt"))
        w, c = export(model.eval(), ROOT / "Models", args.export)
        print("exported", w, c)


if __name__ == "__main__":
    main()
