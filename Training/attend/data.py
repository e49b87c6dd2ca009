"""Training batches: clean speech from the manifests, mixed on the fly with noise.

Reads what `bash Training/make_data.sh` writes to Training/data/: `speech_{train,val}.jsonl`
(path, text, language, words [{word,start,end}] or null, phones [{phone,start,end}] or null, in
the inventory of data_pipeline/phones.json) and `noise_{train,val}.jsonl` (path). Mixing is the
data pipeline's `augment.mix`.

Each example: noisy and target audio (a crop of at most `max_seconds`, cut at word or phone
boundaries when timings exist so the token sequence stays whole), frame phone labels where exact
phone times exist (−1 elsewhere), and the token sequence for the aligner and CTC (phone ids with
SIL between words) where the phones of the crop are known.
"""
from __future__ import annotations

import functools
import json
import pathlib
import sys

import numpy as np
import soundfile as sf

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
from data_pipeline.augment import MixParams, mix, speed_perturb  # noqa: E402

from .phonemes import phonemes as g2p  # noqa: E402
from .phonemes import words as split_words  # noqa: E402

SR = 16000
HOP = 160
BLANK = 0


class PhoneSet:
    """Model phone classes: 0 = CTC blank, then the data inventory (SIL first)."""

    def __init__(self, phones_json: pathlib.Path):
        doc = json.loads(phones_json.read_text())
        self.names = ["<blank>"] + list(doc["inventory"])
        self.index = {p: i for i, p in enumerate(self.names)}
        self.sil_name = doc.get("silence", "SIL")
        self.sil = self.index[self.sil_name]
        self.unlabelled = doc.get("unlabelled", "?")
        self.espeak_map = doc["maps"]["espeak"]
        # the aligner's transcript tokens where they differ from the frame labels' (config align_map)
        self.align_map = doc["maps"].get("align", {})

    def __len__(self):
        return len(self.names)

    def text_tokens(self, text: str) -> list[int] | None:
        """Phone ids of an English text through espeak-ng, SIL between words (as Swift does)."""
        out: list[int] = []
        for w in split_words(text):
            ids = []
            for p in g2p(w):
                m = self.espeak_map.get(p)
                if m is None:
                    m = self.espeak_map.get(p.rstrip("#/-2"))
                if m is None:
                    return None
                if m and m != "SIL":
                    ids.append(self.index[m])
            if ids:
                if out:
                    out.append(self.sil)
                out.extend(ids)
        return out or None


def phone_log_prior(speech: list[dict], phones: PhoneSet) -> list[float]:
    """Log prior of each phone class over the frames of the speech records with exact phone times
    (frames no phone covers are silence, frames of an unlabelled phone count for no class; the CTC
    blank, never a frame label, gets a floor of 1e-4).
    The Swift aligner divides the phone posteriors by it (TokenScoring, config `phone_log_prior`),
    so that silence, the most frequent class, does not claim every frame it can."""
    counts = np.ones(len(phones))
    for m in speech:
        if not m.get("phones"):
            continue
        frames = int(m["duration"] * SR / HOP) + 1
        covered = 0
        for p in m["phones"]:
            n = max(0, int(round((p["end"] - p["start"]) * SR / HOP)))
            if p["phone"] in phones.index:
                counts[phones.index[p["phone"]]] += n
            if p["phone"] in phones.index or p["phone"] == phones.unlabelled:
                covered += n
        counts[phones.sil] += max(0, frames - covered)
    counts[BLANK] = max(counts[BLANK], 1e-4 * counts.sum())
    return [round(float(v), 5) for v in np.log(counts / counts.sum())]


def repeat_sources(items: list, arrays: list, spec: str, flag: str) -> tuple[list, list]:
    """`items` (manifest records) and their parallel `arrays`, each record of a source named in `spec`
    ("SOURCE=N,...") repeated N times, so a uniform draw picks that source N times as often (0 leaves
    the source out)."""
    if not spec:
        return items, arrays
    repeat = {k: int(v) for k, v in (kv.split("=") for kv in spec.split(","))}
    unknown = {k for k, n in repeat.items() if n != 0} - {m["source"] for m in items}  # =0 may name a val-only source
    if unknown or any(n < 0 for n in repeat.values()):
        raise SystemExit(f"{flag}: unknown source or negative count: {spec}")
    pairs = [(m, a) for m, a in zip(items, arrays) for _ in range(repeat.get(m["source"], 1))]
    print(f"{flag}: {len(items)} -> {len(pairs)} items", flush=True)
    return [m for m, _ in pairs], [a for _, a in pairs]


def drop_sources(items: list, arrays: list, spec: str) -> tuple[list, list]:
    """`items` and their parallel `arrays` without the sources that `spec` ("SOURCE=N,...") gives N = 0."""
    zero = {kv.split("=")[0] for kv in spec.split(",") if kv and int(kv.split("=")[1]) == 0}
    keep = [(m, a) for m, a in zip(items, arrays) if m["source"] not in zero]
    return [m for m, _ in keep], [a for _, a in keep]


def floor_range_db(audio: np.ndarray, frame: int = 320) -> float:
    """How far an utterance's loud frames stand above its quiet ones: 10·log10 of the 95th over the
    10th percentile of its 20 ms frame energies (int16 or float audio). A studio recording with
    pauses or a synthetic voice spans 60-100 dB; a recording with a steady hiss or room noise under
    the speech sits at that floor in every pause, 20-35 dB down."""
    x = np.asarray(audio, dtype=np.float64)
    n = len(x) // frame
    if n < 2:
        return float("inf")
    e = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    hi, lo = np.percentile(e, 95), np.percentile(e, 10)
    return float("inf") if lo <= 0 else float(10 * np.log10(max(hi, 1e-30) / lo))


def mark_phone_only(items: list, spec: str, flag: str) -> None:
    """Marks (`_denoise` False) every item of the sources named in `spec` ("A,B"): they train the
    phone losses and not the denoising ones (synthetic voices whose vocoder buzz or clipping the mask
    should not learn to keep as speech; noise pieces, such as crowd noise, the phone head should learn
    to read speech in while the mask is trained as before). Unknown names are an error."""
    names = {s for s in spec.split(",") if s}
    if not names:
        return
    unknown = names - {m["source"] for m in items}
    if unknown:
        raise SystemExit(f"{flag}: unknown source: {','.join(sorted(unknown))}")
    n = 0
    for m in items:
        if m["source"] in names:
            n += m.get("_denoise", True)
            m["_denoise"] = False
    print(f"{flag} {spec}: {n} items train the phone losses only", flush=True)


def mark_noisy_floors(items: list, arrays: list, min_db: float, flag: str) -> None:
    """Marks (`_denoise` False) the utterances whose `floor_range_db` is below `min_db`: their own
    background would be a target the mask learns to keep, so they train the phone head and not the
    denoising losses. Prints what each source has marked."""
    if not min_db:
        return
    marked: dict = {}
    seen: set = set()  # --speech-repeat repeats a record (the same object): measure and count it once
    for m, a in zip(items, arrays):
        if id(m) in seen:
            continue
        seen.add(id(m))
        m["_denoise"] = floor_range_db(a) >= min_db
        count = marked.setdefault(m["source"], [0, 0])
        count[0] += not m["_denoise"]
        count[1] += 1
    report = ", ".join(f"{s} {d}/{n}" for s, (d, n) in sorted(marked.items()) if d)
    kept = sum(n - d for d, n in marked.values())
    print(f"{flag} {min_db:g}: {kept} of {len(seen)} utterances are denoising targets (phone losses only: "
          f"{report or 'none'})", flush=True)


def load_manifest(path: pathlib.Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class Corpus:
    """All clean speech and noise of one split, held in memory as int16."""

    def __init__(self, data_dir: pathlib.Path, split: str, phones: PhoneSet, max_items: int | None = None):
        self.phones = phones
        self.speech = load_manifest(data_dir / f"speech_{split}.jsonl")[:max_items]
        self.noise_items = load_manifest(data_dir / f"noise_{split}.jsonl")
        if not self.speech or not self.noise_items:
            raise SystemExit(f"no {split} data in {data_dir}: run `bash Training/make_data.sh` first")
        self.audio = [self._read(data_dir, m["path"]) for m in self.speech]
        self.noise = [self._read(data_dir, m["path"]).astype(np.float32) / 32768 for m in self.noise_items]
        for m in self.speech:
            m["_tokens"] = self._tokens(m)

    @staticmethod
    def _read(data_dir: pathlib.Path, rel: str) -> np.ndarray:
        p = pathlib.Path(rel)
        x, sr = sf.read(str(p if p.is_absolute() else data_dir / p), dtype="int16", always_2d=True)
        if sr != SR:
            raise SystemExit(f"{rel}: expected {SR} Hz, found {sr}")
        return x[:, 0]

    def _tokens(self, m: dict):
        if m.get("language", "en") not in ("en", "en-us", "en-gb", None):
            return None
        if m.get("text"):
            return self.phones.text_tokens(m["text"])
        return None

    def example(self, i: int, rng: np.random.Generator, max_seconds: float, mix_params: MixParams):
        clean, phones, tokens = self._piece(i, rng, max_seconds, mix_params)
        if mix_params.p_concat > 0 and rng.random() < mix_params.p_concat:
            clean, phones, tokens = self._concatenate(i, clean, phones, tokens, rng, max_seconds, mix_params)
        noisy, target, info = mix(clean, self.noise, rng, mix_params)
        frames = len(clean) // HOP + 1
        labels = np.full(frames, -1, dtype=np.int64)
        if info.get("noise_only"):  # nobody talks: silence throughout, no transcript
            phones, tokens = [(0.0, len(clean) / SR + 1.0, self.phones.sil_name)], None
        for a_s, b_s, phone in phones:
            a = int(np.ceil(a_s * SR / HOP))
            b = int(np.ceil(b_s * SR / HOP))
            a, b = max(a, 0), min(b, frames)
            if a < b and phone in self.phones.index:
                labels[a:b] = self.phones.index[phone]
            elif a < b and phone == self.phones.unlabelled:  # a sound the inventory has no class for
                labels[a:b] = -1
        return {"noisy": noisy, "target": target, "labels": labels, "tokens": tokens, "info": info,
                "denoise": self.speech[i].get("_denoise", True) and self._denoising_noise(info)}

    def _denoising_noise(self, info: dict) -> bool:
        """False when a noise piece of the mix is marked (`_denoise` False, `train.py --phone-only-noise`):
        the mix then trains the phone losses only."""
        return all(self.noise_items[k].get("_denoise", True) for k in info.get("noise_index", ()))

    def _piece(self, i: int, rng: np.random.Generator, max_seconds: float, mix_params: MixParams):
        """One utterance (or a run of its words, or a random window) of at most `max_seconds`: its
        clean samples, its frame-label intervals (start s, end s, phone) relative to the piece's
        start (SIL over the whole piece first, where it has phone times; none where it has not)
        and its phone tokens (or None)."""
        m = self.speech[i]
        x = self.audio[i].astype(np.float32) / 32768
        phones = m.get("phones") or None
        words = m.get("words") or None
        tokens = m["_tokens"]
        if mix_params.p_speed > 0 and rng.random() < mix_params.p_speed:
            x, r = speed_perturb(x, rng, *mix_params.speed)
            if r != 1.0:  # the same words, r times faster
                phones = [{**p, "start": p["start"] / r, "end": p["end"] / r} for p in phones] if phones else None
                words = [{**w, "start": w["start"] / r, "end": w["end"] / r} for w in words] if words else None
        start, end = 0, len(x)
        max_len = int(max_seconds * SR)
        if words and len(x) > max_len:
            # a run of whole words that fits, with some of the surrounding pause
            first = int(rng.integers(len(words)))
            last = first
            while last + 1 < len(words) and words[last + 1]["end"] - words[first]["start"] < max_seconds - 0.6:
                last += 1
            lo = words[first - 1]["end"] if first > 0 else 0.0
            hi = words[last + 1]["start"] if last + 1 < len(words) else len(x) / SR
            a = max(lo, words[first]["start"] - rng.uniform(0.05, 0.3))
            b = min(hi, words[last]["end"] + rng.uniform(0.05, 0.3), a + max_seconds)
            start, end = int(a * SR), int(b * SR)
            tokens = self.phones.text_tokens(" ".join(w["word"] for w in words[first:last + 1]))
        elif len(x) > max_len:
            start = int(rng.integers(0, len(x) - max_len))
            end = start + max_len
            tokens = None
        clean = x[start:end]
        intervals = []
        if phones:
            offset = start / SR
            intervals.append((0.0, len(clean) / SR + 1.0, self.phones.sil_name))
            intervals += [(p["start"] - offset, p["end"] - offset, p["phone"]) for p in phones]
        return clean, intervals, tokens

    @functools.cached_property
    def _by_source(self) -> dict[str, list[int]]:
        """Indices of the utterances of each source, for `_concatenate`."""
        by: dict[str, list[int]] = {}
        for k, m in enumerate(self.speech):
            by.setdefault(m["source"], []).append(k)
        return by

    def _concatenate(self, i, clean, phones, tokens, rng, max_seconds, mix_params):
        """Longer examples, as recordings are: the piece followed by pieces of other utterances of
        the same source, each after 0.1-1 s of silence (labelled SIL), up to a length drawn from
        [max_seconds / 2, max_seconds]; tokens joined with SIL where every piece has them."""
        pool = self._by_source[self.speech[i]["source"]]
        goal = int(rng.uniform(max_seconds / 2, max_seconds) * SR)
        parts, intervals, n = [clean], list(phones), len(clean)
        while n < goal and len(pool) > 1:
            pause = int(rng.uniform(0.1, 1.0) * SR)
            room = (goal - n - pause) / SR
            if room < 0.5:
                break
            j = int(pool[int(rng.integers(len(pool)))])
            piece, more, more_tokens = self._piece(j, rng, room, mix_params)
            intervals.append((n / SR, (n + pause) / SR, self.phones.sil_name))
            offset = (n + pause) / SR
            intervals += [(max(a, 0.0) + offset, min(b, len(piece) / SR) + offset, ph) for a, b, ph in more]
            parts += [np.zeros(pause, dtype=np.float32), piece]
            n += pause + len(piece)
            tokens = tokens + [self.phones.sil] + more_tokens if tokens and more_tokens else None
        return np.concatenate(parts), intervals, tokens
