"""Golden word → phonemes pairs from the Python phonemizer, for the Swift parity test.

Writes Tests/AlignmentTests/Fixtures/phonemes.tsv: `word<TAB>phone phone …` per line.
Run: python3 Training/golden/make_phoneme_golden.py
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
from attend.phonemes import phonemes, words  # noqa: E402

TEXT = """The quick brown fox jumps over the lazy dog. In 1984, Dr. Smith paid $3.50 for 12 eggs;
she didn't say "thanks" — she said: well, O.K.! Attend aligns words like schedule, colonel,
Worcestershire, naïve, café, rhythm, and strengths at 7:30 on 22 November 2026."""


def main():
    out = ROOT / "Tests" / "AlignmentTests" / "Fixtures"
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"{w}\t{' '.join(phonemes(w))}" for w in words(TEXT)]
    (out / "phonemes.tsv").write_text("\n".join(lines) + "\n")
    print("wrote", out / "phonemes.tsv", len(lines), "words")


if __name__ == "__main__":
    main()
