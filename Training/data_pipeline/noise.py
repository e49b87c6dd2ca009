"""The noise pool (training only): real recordings from Debian packages, synthetic coloured
noise (sox), hum, babble (sums of training utterances), crowd and stadium (many real talkers, each in a
room) and synthetic applause.  Every file passes the
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
    # added 2026-12-06 (after the pool E1 was trained on; recipes before then give them N = 0):
    # effects, ambiences and music of more games
    "supertux-data": None,                # music, effects (its /speech/ is left out below)
    "scorched3d-data": r"scream",         # explosions, city sounds, cheering, animals, aircraft
    "extremetuxracer-data": None,         # music, wind, snow
    "frozen-bubble-data": None,           # music, applause, effects
    "chromium-bsu-data": None,            # explosions, engines
    "asc-music": None,                    # music
    "drascula-music": None,               # music (the same tracks under each language: one kept)
    "hyperrogue-music": r"/(speak|dzia)-", # music, effects (not the characters' voices)
    "xmoto-data": None,                   # music
    "freedink-data": r"/(nono|intro)\.",  # music, effects
    "minetest-data": None,                # footsteps, digging, water, fire, doors
    "flare-game": r"/npcs/",              # music, environment, steps, combat
    "openclonk-data": None,               # music
    "openarena-data": r"[/!]sound/(player/(?!footsteps)|voices/|feedback/)",  # inside pak0.pk3: weapons, world
    "trigger-rally-data": r"/codriver/",  # inside data.zip: engine, gravel, wind (not the co-drivers)
}
# Bumped when NOISE_PACKAGES grows: a data directory built before is rebuilt (the step's marker).
# The files of the packages there before keep their names and contents (new ones are listed last).
REAL_POOL_TAG = "+2026-12-06"
# The pool's sources in the order they were added: a recipe trained before a date names the later
# ones with N = 0 (train.py --noise-repeat) to draw from the pool it was trained on.
NOISE_ADDED_2026_12_06 = ("supertux-data", "scorched3d-data", "extremetuxracer-data", "frozen-bubble-data",
                          "chromium-bsu-data", "asc-music", "drascula-music", "hyperrogue-music", "xmoto-data",
                          "freedink-data", "minetest-data", "flare-game", "openclonk-data", "openarena-data",
                          "trigger-rally-data", "midi-music")
# Added 2026-12-07: generated notes, swells, impulses, sweeps and buzz (data_pipeline/procedural.py).
NOISE_ADDED_2026_12_07 = ("procedural",)
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


def installed_files(pkg: str, name: re.Pattern | None = None) -> list[str]:
    """The regular files package `pkg` installs (`dpkg -L`), those whose path `name` matches when
    given; [] when dpkg does not answer."""
    try:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [l for l in out.splitlines() if (name is None or name.search(l)) and os.path.isfile(l)]


def is_noise(path: str, exclude: str | None) -> bool:
    """Whether a package's audio file may be noise: not matched by the package's `exclude` pattern
    (NOISE_PACKAGES), not a voice line by its path (SPEECH_LIKE), not reserved."""
    return not (exclude and re.search(exclude, path)) and not re.search(SPEECH_LIKE, path, re.IGNORECASE) \
        and not is_reserved_path(path)


def package_files(pkg: str, exclude: str | None) -> list[str]:
    """Audio files a package installs; members of its .zip (and .pk3) archives appear as `archive.zip!member`."""
    import zipfile
    files = installed_files(pkg, AUDIO_EXT)
    for z in installed_files(pkg, re.compile(r"\.(zip|pk3)$")):
        try:
            with zipfile.ZipFile(z) as zf:
                files += [f"{z}!{m}" for m in zf.namelist() if AUDIO_EXT.search(m)]
        except zipfile.BadZipFile:
            continue
    return sorted(f for f in files if is_noise(f, exclude))


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
            x = _trimmed(x)
            if x is None:
                continue
            digest = hashlib.sha1(np.round(x[: A.SR * 5] * 1000).astype(np.int16).tobytes()).hexdigest()
            if digest in seen:  # the same sound shipped twice
                continue
            seen.add(digest)
            total += len(x)
            split = "val" if is_val(path) else "train"
            for k, piece in _pieces(x):
                yield {"audio": piece, "source": pkg, "src_path": path, "split": split, "piece": k}


def _trimmed(x: np.ndarray) -> np.ndarray | None:
    """A recording's sound without its leading and trailing silence, at most MAX_SECONDS_PER_FILE;
    None when that is shorter than MIN_SECONDS or silent."""
    x, _ = A.trim_silence(x, thresh_db=-60, pad=160)
    x = x[: int(MAX_SECONDS_PER_FILE * A.SR)]
    return None if len(x) < MIN_SECONDS * A.SR or A.active_rms(x) < 1e-4 else x


def _pieces(x: np.ndarray):
    """(k, piece): `x` cut into pieces of MAX_SECONDS (a last one shorter than MIN_SECONDS dropped), normalised."""
    step = int(MAX_SECONDS * A.SR)
    for k, a in enumerate(range(0, len(x), step)):
        piece = x[a:a + step]
        if len(piece) >= MIN_SECONDS * A.SR:
            yield k, A.normalise(piece)


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


def _in_room(rirs: list[np.ndarray], direct: tuple[float, float]):
    """A talker's `voice(u, rng)` for `_talkers`: `u` convolved with a random RIR of `rirs` whose
    direct path (first 2.5 ms) is weakened to a random fraction in `direct` (far from the
    microphone), at unit RMS."""
    from scipy.signal import fftconvolve

    def voice(u: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        h = rirs[int(rng.integers(len(rirs)))].astype(np.float32).copy()
        h[:40] *= rng.uniform(*direct)
        wet = fftconvolve(u, h)[:len(u) + len(h) // 2].astype(np.float32)
        return wet / (np.sqrt(np.mean(wet ** 2)) + 1e-9)

    return voice


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
    return _talkers(utterances, n, seed, seconds, talkers, -12, _in_room(rirs, direct=(0.1, 0.5)))


def _clap(rng: np.random.Generator, sr: int = A.SR) -> np.ndarray:
    """One pair of hands: a noise burst (2-6 ms attack, 4-18 ms decay) through a resonance of the
    cupped palms (centre 500-2800 Hz, Q 0.7-3), the timbre a clapper keeps from clap to clap."""
    from scipy.signal import butter, lfilter

    n = int(sr * 0.08)
    t = np.arange(n) / sr
    attack, decay = rng.uniform(0.002, 0.006), rng.uniform(0.004, 0.018)
    env = np.minimum(t / attack, 1.0) * np.exp(-np.maximum(t - attack, 0) / decay)
    fc, q = rng.uniform(500, 2800), rng.uniform(0.7, 3.0)
    lo, hi = fc * (1 - 0.5 / q), min(fc * (1 + 0.5 / q), 0.45 * sr)
    b, a = butter(2, [max(lo, 80) / (sr / 2), hi / (sr / 2)], btype="band")
    x = lfilter(b, a, rng.standard_normal(n)) * env
    # a little of the unfiltered slap on top
    x = x / (np.abs(x).max() + 1e-9) + rng.uniform(0.0, 0.4) * rng.standard_normal(n) * env
    return (x / (np.abs(x).max() + 1e-9)).astype(np.float32)


def applause(rirs: list[np.ndarray], n: int, seed: int, seconds: float = 10.0, clappers=(3, 150)):
    """An audience clapping: `clappers` people, each with their own hands (`_clap`), clapping 2-7
    times a second with a jittered beat, at gains spread over 15 dB, in one room of the split's RIR
    bank (with the dry claps kept at 10-60 %), under a swell of 0.3-3 s in and often a fade out.
    Nothing of it is recorded audio: the reserved applause recordings stay out of every pool."""
    from scipy.signal import fftconvolve

    rng = np.random.default_rng(seed)
    N = int(seconds * A.SR)
    for _ in range(n):
        k = int(np.exp(rng.uniform(np.log(clappers[0]), np.log(clappers[1] + 1))))
        dry = np.zeros(N + A.SR, np.float32)
        for _ in range(k):
            hands = _clap(rng)
            rate = rng.uniform(2.0, 7.0)
            gain = 10 ** (rng.uniform(-15, 0) / 20)
            t = rng.uniform(0, 1 / rate)
            while t < seconds:
                i = int(t * A.SR)
                g = gain * 10 ** (rng.uniform(-3, 3) / 20)
                dry[i:i + len(hands)] += g * hands[: len(dry) - i]
                t += (1 / rate) * rng.uniform(0.85, 1.15)
        h = rirs[int(rng.integers(len(rirs)))].astype(np.float32)
        wet = fftconvolve(dry, h)[: len(dry)].astype(np.float32)
        wet /= np.sqrt(np.mean(wet ** 2)) + 1e-9
        x = rng.uniform(0.1, 0.6) * dry / (np.sqrt(np.mean(dry ** 2)) + 1e-9) + wet
        x = x[:N]
        tt = np.arange(N) / A.SR
        env = np.minimum(tt / rng.uniform(0.3, 3.0), 1.0)
        if rng.random() < 0.5:  # the applause dies away
            end = rng.uniform(0.5, 1.0) * seconds
            env *= np.clip((end - tt) / rng.uniform(0.5, 3.0), 0.0, 1.0)
        if rng.random() < 0.5:
            env = np.maximum(env, rng.uniform(0.0, 0.2))  # a few clappers go on through the fade
        yield {"audio": A.normalise((x * env).astype(np.float32)), "n_talkers": k}


def stadium(utterances: list[np.ndarray], rirs: list[np.ndarray], n: int, seed: int, seconds: float = 10.0,
            talkers=(40, 120)):
    """A stand or a hall full of people: `talkers` real utterances, each convolved with a room
    impulse response whose direct path is all but gone (2-20 %), at gains spread over 18 dB, with the
    whole crowd swelling and ebbing (0.1-0.8 Hz, up to 8 dB): the dense roar in which no one talker
    stands out, beside `crowd`'s reception room."""
    rng = np.random.default_rng(seed + 1)
    t = np.arange(int(seconds * A.SR)) / A.SR
    for rec in _talkers(utterances, n, seed, seconds, talkers, -18, _in_room(rirs, direct=(0.02, 0.2))):
        depth = rng.uniform(0, 8)
        swell = 10 ** (depth / 20 * np.sin(2 * np.pi * rng.uniform(0.1, 0.8) * t + rng.uniform(0, 6.3)) / 2)
        yield {"audio": A.normalise((rec["audio"] * swell).astype(np.float32)), "n_talkers": rec["n_talkers"]}


# MIDI music rendered by fluidsynth through a General MIDI soundfont: the same tunes in many
# instruments (piano, guitar, organ, strings, brass, synth), the kinds of music a call's hold music
# or a podcast's bed is made of, which the packages' game music alone covers little of.
MIDI_PACKAGES = ("openttd-openmsx", "freedink-data", "kobodeluxe-data")
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
MIDI_EXT = re.compile(r"\.midi?$", re.IGNORECASE)


def midi_files() -> list[str]:
    """The MIDI files of MIDI_PACKAGES (none reserved), sorted."""
    return sorted({f for pkg in MIDI_PACKAGES for f in installed_files(pkg, MIDI_EXT) if not is_reserved_path(f)})


def rearrange_midi(src: str, dst: str, rng: np.random.Generator) -> dict:
    """Writes `src` to `dst` with every melodic channel given one random General MIDI instrument
    (programs 0-111: no sound effects, the drum channel 10 untouched) and the tempo scaled by
    0.8-1.25. Returns the choices made."""
    import mido

    m = mido.MidiFile(src)
    programs = {ch: int(rng.integers(0, 112)) for ch in range(16) if ch != 9}
    tempo = float(np.exp(rng.uniform(np.log(0.8), np.log(1.25))))
    for track in m.tracks:
        for msg in track:
            if msg.type == "program_change" and msg.channel != 9:
                msg.program = programs[msg.channel]
    if m.tracks:  # channels that never change program play the new one from the start
        for ch in sorted(programs, reverse=True):
            m.tracks[0].insert(0, mido.Message("program_change", channel=ch, program=programs[ch], time=0))
    m.ticks_per_beat = max(1, int(round(m.ticks_per_beat * tempo)))
    m.save(dst)
    return {"programs": programs, "tempo": round(tempo, 3)}


def render_midi(path: str, soundfont: str = SOUNDFONT, gain: float = 0.5) -> np.ndarray:
    """`path` rendered at 16 kHz, mono, by fluidsynth (its reverb and chorus on)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "out.wav")
        subprocess.run(["fluidsynth", "-ni", "-q", "-g", str(gain), "-r", str(A.SR), "-T", "wav", "-F", wav,
                        soundfont, path], check=True, capture_output=True, timeout=600)
        return A.load(wav)


def midi_music(variants: int = 4, seed: int = 4242, files: list[str] | None = None):
    """Yield pieces like `real_noise`'s (source "midi-music") of each MIDI file rendered `variants`
    times: as written, then rearranged (`rearrange_midi`, choices drawn from `seed`), up to 3 minutes a
    rendering in pieces of up to a minute. The split is by MIDI file, so no tune is in both."""
    rng = np.random.default_rng(seed)
    files = midi_files() if files is None else files
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            check_path(path)
            split = "val" if is_val(path) else "train"
            for v in range(variants):
                src = os.path.join(tmp, f"v{v}.mid")
                try:  # variant 0 is only re-written by mido: fluidsynth plays some files as they are for 4 ms
                    if v > 0:
                        rearrange_midi(path, src, rng)
                    else:
                        import mido
                        mido.MidiFile(path).save(src)
                except Exception:
                    continue
                try:
                    x = render_midi(src)
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, RuntimeError):
                    continue
                x = _trimmed(x)
                if x is None:
                    continue
                for k, piece in _pieces(x):
                    yield {"audio": piece, "source": "midi-music", "src_path": f"{path}#v{v}", "split": split,
                           "piece": k}
