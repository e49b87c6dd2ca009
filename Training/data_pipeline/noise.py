"""The noise pool (training only): real recordings from Debian packages, synthetic coloured
noise (sox), hum, babble (sums of training utterances) and crowd (many real talkers, each in a room).  Every file passes the
reserved-list guard; the split into train/val is by source file."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile

import numpy as np

from . import audio as A
from .reserved import check_path, is_reserved_path

AUDIO_EXT = re.compile(r"\.(wav|ogg|flac|mp3|au|aiff?|oga|opus)$", re.IGNORECASE)

# package -> path filter (regex that a file must NOT match); all listed files are otherwise used
NOISE_PACKAGES = {
    "flightgear-data-base": None,
    "lmms-common": r"/samples/(waveforms|shapes)/|/misc/applause",
    "sonic-pi-samples": None,
    "bucklespring-data": None,
    "colobot-common-sounds": None,
    "oxygen-sounds": None,
    "freeciv-data": None,
    "boswars-data": r"/units/",          # unit acknowledgements are voices: not noise
    "megaglest-data": r"/(voice|speech)", # game ambiences, effects and music
    "tuxpaint-stamps-default": r"_desc",  # the stamp sound effects, not the spoken descriptions
    "lincity-ng-data": None,              # city ambiences
    "widelands-data": None,               # nature and workshop ambiences, music
    "0ad-data": r"/audio/(voice|actor/human)/",  # inside public.zip: ambiences, fauna, gathering, weapons
    "redeclipse-data": None,              # ambient loops, machines, effects
    "supertuxkart-data": None,            # engines, effects, music
    "wesnoth-1.16-music": None,           # orchestral music
    "warzone2100-music": None,            # music
}
# Noise must hold no intelligible speech (it would teach the model to remove speech): voice lines,
# announcers and radio callouts are left out of every package.
SPEECH_LIKE = (r"/(mk-viii|tcas|voices?|speech|vox|taunts?|announcer|dialog(ue)?s?|narrat\w*|atc)/|"
               r"_(ack|select|voice|speech|taunt)\d*\.|announc|/voice_")
MAX_MINUTES_PER_SOURCE = 90.0
# the packages `--scale small` uses (make_data.sh installs only these for small builds)
SMALL_PACKAGES = ("lmms-common", "sonic-pi-samples", "bucklespring-data", "colobot-common-sounds", "oxygen-sounds",
                  "freeciv-data", "boswars-data", "tuxpaint-stamps-default")
MAX_SECONDS = 60.0      # longer files are cut into pieces of this length (same split as their file)
MAX_SECONDS_PER_FILE = 180.0  # long music tracks contribute their first 3 minutes: more files fit the cap
MIN_SECONDS = 0.3


def package_files(pkg: str, exclude: str | None) -> list[str]:
    """Audio files a package installs; members of its .zip archives appear as `archive.zip!member`."""
    import zipfile
    try:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    files = [l for l in out.splitlines() if AUDIO_EXT.search(l) and os.path.isfile(l)]
    for z in (l for l in out.splitlines() if l.endswith(".zip") and os.path.isfile(l)):
        try:
            with zipfile.ZipFile(z) as zf:
                files += [f"{z}!{m}" for m in zf.namelist() if AUDIO_EXT.search(m)]
        except zipfile.BadZipFile:
            continue
    if exclude:
        files = [f for f in files if not re.search(exclude, f)]
    files = [f for f in files if not re.search(SPEECH_LIKE, f, re.IGNORECASE)]
    return sorted(f for f in files if not is_reserved_path(f))


def _load_member(path: str) -> np.ndarray:
    import zipfile
    archive, member = path.split("!", 1)
    with zipfile.ZipFile(archive) as zf, tempfile.NamedTemporaryFile(suffix=os.path.splitext(member)[1]) as tmp:
        tmp.write(zf.read(member))
        tmp.flush()
        return A.load(tmp.name)


def is_val(key: str, fraction: float = 0.1) -> bool:
    h = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    return (h % 1000) < fraction * 1000


def _subset(items: list, limit: int | None) -> list:
    if limit is None or len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def real_noise(limit_per_source: int | None = None, packages=None):
    """Yield {"audio", "source", "src_path", "split", "piece"} for each piece of each packaged noise file."""
    seen: set[str] = set()
    for pkg, exclude in NOISE_PACKAGES.items():
        if packages is not None and pkg not in packages:
            continue
        total = 0.0
        files = sorted(package_files(pkg, exclude), key=lambda f: hashlib.sha1(f.encode()).hexdigest())
        for path in _subset(files, limit_per_source):
            if total > MAX_MINUTES_PER_SOURCE * 60 * A.SR:
                break
            check_path(path.split("!")[0])
            try:
                x = _load_member(path) if "!" in path else A.load(path)
            except Exception:
                continue
            x, _ = A.trim_silence(x, thresh_db=-60, pad=160)
            x = x[: int(MAX_SECONDS_PER_FILE * A.SR)]
            if len(x) < MIN_SECONDS * A.SR or A.active_rms(x) < 1e-4:
                continue
            digest = hashlib.sha1(np.round(x[: A.SR * 5] * 1000).astype(np.int16).tobytes()).hexdigest()
            if digest in seen:  # the same sound shipped twice
                continue
            seen.add(digest)
            total += len(x)
            split = "val" if is_val(path) else "train"
            step = int(MAX_SECONDS * A.SR)
            for k, a in enumerate(range(0, len(x), step)):
                piece = x[a:a + step]
                if len(piece) < MIN_SECONDS * A.SR:
                    continue
                yield {"audio": A.normalise(piece), "source": pkg, "src_path": path, "split": split, "piece": k}


SOX_COLOURS = ["whitenoise", "pinknoise", "brownnoise", "tpdfnoise"]


def coloured_noise(n: int, seconds: float = 20.0):
    """sox coloured noise (repeatable with -R) plus numpy noise with a random spectral tilt and mains hum."""
    rng = np.random.default_rng(1234)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            kind = i % 6
            if kind < 4:
                p = os.path.join(tmp, "c.wav")
                subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", p, "synth", str(seconds),
                                SOX_COLOURS[kind], "vol", "0.5"], check=True, capture_output=True)
                x = A.load(p)
                name = SOX_COLOURS[kind]
            elif kind == 4:  # random spectral tilt, band emphasis
                N = int(seconds * A.SR)
                spec = np.fft.rfft(rng.standard_normal(N))
                f = np.linspace(1e-3, 1, len(spec))
                tilt = rng.uniform(-2.0, 1.0)
                centre, width = rng.uniform(0.02, 0.6), rng.uniform(0.02, 0.3)
                shape = f ** (tilt / 2) * (1 + 4 * np.exp(-0.5 * ((f - centre) / width) ** 2))
                x = np.fft.irfft(spec * shape, n=N).astype(np.float32)
                name = f"tilt{tilt:+.1f}"
            else:  # mains hum with harmonics over faint noise
                t = np.arange(int(seconds * A.SR)) / A.SR
                f0 = rng.choice([50.0, 60.0])
                x = sum(rng.uniform(0.1, 1) / h * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6)) for h in range(1, 12))
                x = (x + 0.05 * rng.standard_normal(len(t))).astype(np.float32)
                name = f"hum{int(f0)}"
            yield {"audio": A.normalise(x), "source": "synthetic-coloured", "src_path": f"sox/numpy:{name}:{i}",
                   "split": "val" if i % 10 == 9 else "train", "piece": 0}


def _talkers(utterances: list[np.ndarray], n: int, seed: int, seconds: float, talkers: tuple[int, int],
             gain_db: float, voice=None):
    """`n` pieces of `seconds`, each the sum of `talkers` random utterances (passed through
    `voice(u, rng)` when given) looped from a random onset at a random gain in [gain_db, 0] dB."""
    rng = np.random.default_rng(seed)
    N = int(seconds * A.SR)
    for i in range(n):
        k = int(rng.integers(talkers[0], talkers[1] + 1))
        out = np.zeros(N, np.float32)
        for _ in range(k):
            u = utterances[int(rng.integers(len(utterances)))]
            if len(u) == 0:
                continue
            if voice is not None:
                u = voice(u, rng)
            reps = int(np.ceil((N + len(u)) / len(u)))
            off = int(rng.integers(len(u)))
            out += np.tile(u, reps)[off:off + N] * 10 ** (rng.uniform(gain_db, 0) / 20)
        yield {"audio": A.normalise(out), "n_talkers": k}


def babble(utterances: list[np.ndarray], n: int, seed: int, seconds: float = 10.0, talkers=(3, 9)):
    """Sum `talkers` random utterances (random gains over 6 dB and onsets, looped to `seconds`)."""
    return _talkers(utterances, n, seed, seconds, talkers, -6)


def crowd(utterances: list[np.ndarray], rirs: list[np.ndarray], n: int, seed: int, seconds: float = 10.0,
          talkers=(8, 30)):
    """A room full of people: `talkers` real utterances, each convolved with its own room impulse
    response (a distant talker: the direct path no louder than the reverberation), at gains spread
    over 12 dB and random onsets, looped to `seconds`.  Nearer to a reception or a cafe than
    `babble`'s few dry voices."""
    from scipy.signal import fftconvolve

    def distant(u: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        h = rirs[int(rng.integers(len(rirs)))].astype(np.float32).copy()
        h[:40] *= rng.uniform(0.1, 0.5)  # far from the microphone: weaken the direct path (first 2.5 ms)
        wet = fftconvolve(u, h)[:len(u) + len(h) // 2].astype(np.float32)
        return wet / (np.sqrt(np.mean(wet ** 2)) + 1e-9)

    return _talkers(utterances, n, seed, seconds, talkers, -12, distant)
