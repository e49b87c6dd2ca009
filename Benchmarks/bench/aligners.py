"""Every aligner of the benchmark behind one interface:
`align(x, words) -> (list of (word, start_s, end_s, confidence) | None, info)` for float32 16 kHz audio."""
from __future__ import annotations

import json
import subprocess
import tempfile

import numpy as np

from .common import SR, write_pcm16
from .denoisers import attend_bin
from .sources import EXTRA_PRONS

FILLERS = {"<s>", "</s>", "<sil>", "[noise]", "[breath]", "[cough]", "[laugh]", "[smack]", "[uh]", "[um]",
           "++noise++", "(null)"}


class Aligner:
    name = "?"
    label = "?"

    def load(self) -> None:
        pass

    def align(self, x: np.ndarray, words: list[str]):
        raise NotImplementedError


class PocketSphinx(Aligner):
    """pocketsphinx 5 forced alignment (bundled en-us model). With retry=True a failed search is
    repeated with beam=1e-100, wbeam=1e-80, pbeam=1e-100. info["pass"] says which pass answered."""

    def __init__(self, retry: bool):
        self.retry = retry
        self.name = "ps-retry" if retry else "ps"
        self.label = "pocketsphinx 5.1.1 + wide-beam retry" if retry else "pocketsphinx 5.1.1"

    def _decoder(self, wide: bool):
        from pocketsphinx import Decoder
        kw = dict(samprate=SR, bestpath=False, loglevel="FATAL")
        if wide:
            kw.update(beam=1e-100, wbeam=1e-80, pbeam=1e-100)
        d = Decoder(**kw)
        for w, p in EXTRA_PRONS.items():
            if d.lookup_word(w) is None:
                d.add_word(w, p, True)
        return d

    def load(self):
        self.plain = self._decoder(False)
        self.wide = self._decoder(True) if self.retry else None

    def _run(self, d, pcm: bytes, words: list[str]):
        try:
            d.set_align_text(" ".join(words))
            d.start_utt()
            d.process_raw(pcm, full_utt=True)
            d.end_utt()
        except Exception:  # noqa: BLE001 - e.g. a word missing from the dictionary
            return None
        if d.hyp() is None:
            return None
        out = []
        for s in d.seg():
            w = s.word.lower()
            if w in FILLERS or w.startswith("[") or w.startswith("+"):
                continue
            if "(" in w:
                w = w[:w.index("(")]
            out.append((w, s.start_frame / 100.0, (s.end_frame + 1) / 100.0, float(s.prob)))
        return out if len(out) == len(words) else None

    def align_words(self, x: np.ndarray, words: list[str]):
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
        r = self._run(self.plain, pcm, words)
        if r is not None or not self.retry:
            return r, {"pass": "plain" if r is not None else "failed"}
        r = self._run(self.wide, pcm, words)
        return r, {"pass": "wide" if r is not None else "failed"}

    def align(self, x, words):
        return self.align_words(x, words)


class EnergyVAD(Aligner):
    """The floor: frames above an energy threshold are 'voiced'; words are spread over the voiced time
    in proportion to their character counts. Never fails; knows nothing about speech."""
    name, label = "vad", "energy-VAD floor"

    def align(self, x, words):
        hop, win = SR // 100, SR // 40
        n = max(1, 1 + (len(x) - win) // hop)
        idx = np.arange(n)[:, None] * hop + np.arange(win)[None, :]
        xp = np.pad(x, (0, max(0, idx.max() + 1 - len(x))))
        e = 10 * np.log10(np.mean(xp[idx].astype(np.float64) ** 2, axis=1) + 1e-10)
        lo, hi = np.percentile(e, 10), np.percentile(e, 99)
        v = e > lo + max(6.0, 0.35 * (hi - lo))
        # close gaps shorter than 200 ms, drop islands shorter than 50 ms
        v = _fill_runs(v, False, 20)
        v = _fill_runs(v, True, 5)
        if not v.any():
            v[:] = True
        t = np.flatnonzero(v)             # voiced frame indices, in order
        weights = np.array([len(w) + 1 for w in words], dtype=np.float64)
        cum = np.concatenate([[0], np.cumsum(weights)]) / weights.sum() * len(t)
        out = []
        for k, w in enumerate(words):
            a = int(min(len(t) - 1, np.floor(cum[k])))
            b = int(min(len(t) - 1, max(a, np.ceil(cum[k + 1]) - 1)))
            out.append((w, t[a] * hop / SR, (t[b] + 1) * hop / SR, 0.0))
        return out, {"pass": "vad"}


def _fill_runs(v: np.ndarray, value: bool, max_len: int) -> np.ndarray:
    """Flip interior runs of `value` shorter than max_len frames."""
    v = v.copy()
    n, i = len(v), 0
    while i < n:
        if v[i] == value:
            j = i
            while j < n and v[j] == value:
                j += 1
            if j - i < max_len and i > 0 and j < n:
                v[i:j] = not value
            i = j
        else:
            i += 1
    return v


def _run_attend(x, words, stream: bool):
    """Runs `attend align` on x with the transcript `words`: on a file with JSON out, or (stream)
    with the WAV piped to stdin and `--jsonl` out. Returns (returncode, stdout text, stderr text)."""
    with tempfile.TemporaryDirectory() as d:
        a, t = f"{d}/in.wav", f"{d}/t.txt"
        write_pcm16(a, x)
        with open(t, "w") as f:
            f.write(" ".join(words) + "\n")
        if stream:
            with open(a, "rb") as f:
                r = subprocess.run([str(attend_bin()), "align", "-", "--transcript-file", t, "--jsonl"],
                                   stdin=f, capture_output=True)
        else:
            r = subprocess.run([str(attend_bin()), "align", a, "--transcript-file", t, "--format", "json"],
                               capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


class Attend(Aligner):
    """`attend align FILE --transcript-file T --format json`."""
    name, label = "attend", "attend align"
    stream = False

    def align(self, x, words):
        code, out_text, err = _run_attend(x, words, self.stream)
        if code != 0:
            return None, {"pass": "failed", "error": err.strip()[-300:]}
        try:
            if self.stream:  # one JSON object a line, each a settled word
                ws = [j for j in (json.loads(line) for line in out_text.splitlines() if line.strip()) if "word" in j]
            else:
                ws = json.loads(out_text)["words"]
            out = [(w["word"], float(w["start"]), float(w["end"]), float(w.get("confidence", 0.0))) for w in ws]
        except Exception as e:  # noqa: BLE001 - unreadable output is a failure of the file
            return None, {"pass": "failed", "error": f"bad JSON: {e}"}
        return (out if len(out) == len(words) else None), {"pass": "ok" if len(out) == len(words) else "failed"}


class AttendStream(Attend):
    """`attend align - --transcript-file T --jsonl`: the live path, audio through a pipe, one JSON
    line per word as soon as its timing is settled."""
    name, label = "attend-stream", "attend align, stdin stream (--jsonl)"
    stream = True


SYSTEMS = {"attend": lambda: Attend(), "attend-stream": lambda: AttendStream(), "ps": lambda: PocketSphinx(False), "ps-retry": lambda: PocketSphinx(True),
           "vad": lambda: EnergyVAD()}
