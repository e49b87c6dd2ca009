"""Deterministic English sentence generator for synthetic speech.

Every sentence comes in two forms: `text` (written, with digits, dates, times, money)
and `spoken` (every token a plain word the synthesisers read one-to-one).  The
synthesisers read `spoken`, so their word events match its words exactly; `text`
keeps the written form so an aligner can learn text normalisation.
"""
from __future__ import annotations

import random

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
       "twelve": "twelfth"}
MONTHS = "January February March April May June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

FIRST = ("Anna Ben Carla David Elena Frank Grace Henry Isabel Jack Karen Leo Maria Nathan Olivia Peter Quinn Rosa "
         "Samuel Tina Victor Wendy Xavier Yusuf Zoe Ahmed Bianca Chen Dmitri Fatima Gustav Hiro Ingrid Jamal Kofi "
         "Lucia Mohammed Nadia Oscar Priya Rafael Sofia Tomas Uma Wei Yara Amir Beatrice Connor").split()
LAST = ("Smith Johnson Garcia Brown Miller Davis Wilson Anderson Thomas Taylor Moore Martin Lee Walker Young Hall "
        "Allen King Wright Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker "
        "Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Kelly Howard").split()
PLACES = ("London Boston Paris Berlin Madrid Chicago Toronto Sydney Dublin Denver Lisbon Oslo Vienna Prague Seattle "
          "Austin Cairo Lagos Mumbai Tokyo Seoul Lima Quito Nairobi Glasgow Leeds Brighton Portland Phoenix").split()
NOUNS = ("house car river window garden letter computer bicycle kitchen station mountain island teacher doctor "
         "meeting report budget picture camera bottle table chair engine bridge market village forest airport "
         "ticket message question answer problem story song movie company office printer battery keyboard "
         "umbrella jacket sandwich coffee morning evening weekend holiday concert library hospital museum "
         "newspaper telephone schedule package delivery contract project system network signal weather storm "
         "harbour tunnel highway platform elevator corridor basket pencil notebook suitcase wallet blanket").split()
ADJS = ("old new small large quiet noisy bright dark early late quick slow warm cold heavy light strange simple "
        "careful busy empty full clean dirty expensive cheap broken shiny narrow wide gentle loud yellow green "
        "purple silver wooden golden famous ordinary curious patient nervous tired happy").split()
VERBS_PAST = ("found lost bought sold opened closed painted fixed moved checked cleaned carried borrowed visited "
              "watched cancelled ordered delivered described remembered forgot finished started noticed").split()
VERBS_BASE = ("find lose buy sell open close paint fix move check clean carry borrow visit watch cancel order "
              "deliver describe remember forget finish start notice call send bring take").split()
ADVS = "quickly slowly carefully quietly suddenly finally probably certainly usually rarely honestly".split()
INTERJ = "Well, | Okay, | So, | Actually, | Listen, | Oh, | Right, | Honestly, | By the way, | In fact,".split(" | ")
UNITS = [("kilometres", "kilometre"), ("minutes", "minute"), ("people", "person"), ("boxes", "box"),
         ("dollars", "dollar"), ("metres", "metre"), ("hours", "hour"), ("pages", "page")]


def num_words(n: int) -> list[str]:
    if n < 20:
        return [ONES[n]]
    if n < 100:
        t, o = divmod(n, 10)
        return [TENS[t]] + ([ONES[o]] if o else [])
    if n < 1000:
        h, r = divmod(n, 100)
        return [ONES[h], "hundred"] + (["and"] + num_words(r) if r else [])
    if n < 1_000_000:
        th, r = divmod(n, 1000)
        return num_words(th) + ["thousand"] + ((["and"] if r < 100 else []) + num_words(r) if r else [])
    m, r = divmod(n, 1_000_000)
    return num_words(m) + ["million"] + (num_words(r) if r else [])


def ordinal_words(n: int) -> list[str]:
    w = num_words(n)
    last = w[-1]
    if last in ORD:
        w[-1] = ORD[last]
    elif last.endswith("y"):
        w[-1] = last[:-1] + "ieth"
    else:
        w[-1] = last + "th"
    return w


def year_words(y: int) -> list[str]:
    if 2000 <= y < 2010:
        return num_words(y)
    a, b = divmod(y, 100)
    return num_words(a) + (["hundred"] if b == 0 else (["oh"] + num_words(b) if b < 10 else num_words(b)))


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


class SentenceGenerator:
    """`SentenceGenerator(seed).sentence()` -> (text, spoken); same seed, same sequence."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def _number(self):
        r = self.r
        kind = r.random()
        if kind < 0.5:
            n = r.randint(2, 99)
        elif kind < 0.85:
            n = r.randint(100, 999)
        else:
            n = r.randint(1000, 99999)
        return f"{n:,}" if n >= 1000 else str(n), num_words(n)

    def _date(self):
        r = self.r
        d, m, y = r.randint(1, 28), r.choice(MONTHS), r.randint(1950, 2030)
        if r.random() < 0.5:
            return f"{m} {d}{ordinal_suffix(d)}, {y}", [m] + ordinal_words(d) + year_words(y)
        return f"{d} {m} {y}", ["the"] + ordinal_words(d) + ["of", m] + year_words(y)

    def _time(self):
        r = self.r
        h, mi = r.randint(1, 12), r.choice([0, 5, 10, 15, 20, 30, 40, 45, 50, r.randint(1, 59)])
        ampm = r.choice(["am", "pm", ""])
        text = f"{h}:{mi:02d}" + (f" {ampm}" if ampm else "")
        sp = num_words(h) + (["o'clock"] if mi == 0 else (["oh"] + num_words(mi) if mi < 10 else num_words(mi)))
        if ampm:
            sp += ["a", "m"] if ampm == "am" else ["p", "m"]
        return text, sp

    def _money(self):
        r = self.r
        d, c = r.randint(1, 500), r.choice([0, 0, 25, 50, 99, r.randint(1, 99)])
        text = f"${d}" + (f".{c:02d}" if c else "")
        sp = num_words(d) + (["dollar" if d == 1 else "dollars"])
        if c:
            sp += ["and"] + num_words(c) + (["cent" if c == 1 else "cents"])
        return text, sp

    def _name(self):
        r = self.r
        if r.random() < 0.5:
            n = r.choice(FIRST)
        else:
            n = f"{r.choice(FIRST)} {r.choice(LAST)}"
        return n, n.split()

    def _np(self):
        r = self.r
        words = [r.choice(["the", "a", "my", "our", "that", "this", "your"])]
        if r.random() < 0.6:
            words.append(r.choice(ADJS))
        words.append(r.choice(NOUNS))
        if words[0] == "a" and words[1][0] in "aeiou":
            words[0] = "an"
        return " ".join(words), words

    def _clause(self):
        """A list of (text, spoken-words) parts."""
        r = self.r
        t = r.randrange(10)
        name, np1, np2 = self._name(), self._np(), self._np()
        if t == 0:
            return [name, (v := r.choice(VERBS_PAST), [v]), np1, ("in", ["in"]), (p := r.choice(PLACES), [p])]
        if t == 1:
            num = self._number()
            u = r.choice(UNITS)
            unit = u[1] if num[0] == "1" else u[0]
            return [("we need", ["we", "need"]), num, (unit, [unit]), ("for", ["for"]), np1]
        if t == 2:
            return [("the meeting is on", "the meeting is on".split()), self._date(), ("at", ["at"]), self._time()]
        if t == 3:
            return [np1, ("costs", ["costs"]), self._money()]
        if t == 4:
            return [("please", ["please"]), (v := r.choice(VERBS_BASE), [v]), np1, ("before", ["before"]),
                    (d := r.choice(DAYS), [d])]
        if t == 5:
            return [name, ("said that", ["said", "that"]), np1, ("was", ["was"]), (a := r.choice(ADJS), [a])]
        if t == 6:
            return [(a := r.choice(ADVS), [a]), (",", []), np1, (v := r.choice(VERBS_PAST), [v]), np2]
        if t == 7:
            return [("call", ["call"]), name, ("at", ["at"]), self._time()]
        if t == 8:
            return [("did you", ["did", "you"]), (v := r.choice(VERBS_BASE), [v]), np1, ("?", [])]
        return [("there are", ["there", "are"]), self._number(), (n := r.choice(NOUNS) + "s", [n]), ("near", ["near"]),
                np2]

    def sentence(self) -> tuple[str, str]:
        r = self.r
        style = r.random()
        if style < 0.12:  # short: one to three words
            k = r.randint(1, 3)
            ws = [r.choice(NOUNS + ADJS + VERBS_BASE + FIRST + ["yes", "no", "hello", "thanks", "stop", "wait"])
                  for _ in range(k)]
            s = " ".join(ws)
            return s[0].upper() + s[1:] + ".", s + "."
        parts = []
        if r.random() < 0.2:
            i = r.choice(INTERJ)
            parts.append((i, i.rstrip(",").lower().split()))
            parts.append((None, []))
        parts += self._clause()
        while r.random() < (0.55 if style > 0.7 else 0.2):  # long sentences: more clauses, pauses
            parts.append((r.choice([",", ", and", ", but", "; then", ", so", "."]), None))
            parts += self._clause()
        text, spoken = "", []
        for t, sp in parts:
            if t is None:
                continue
            if sp is None:  # conjunction with punctuation: the pause is kept in the spoken form
                text += t
                spoken[-1] += t[0]
                spoken += t[1:].split()
                continue
            if t in (",", "?"):
                text += t
                if spoken:
                    spoken[-1] += t
                continue
            text += (" " if text else "") + t
            spoken += list(sp)
            if t.endswith(",") and spoken:
                spoken[-1] += ","
        for q in ("?,", "?;", "?."):
            text = text.replace(q, "?")
        spoken = [t.replace("?,", "?").replace("?;", "?").replace("?.", "?") for t in spoken]
        text = text[0].upper() + text[1:]
        if text[-1] not in ".?":
            text += r.choice(".....!?")
        if spoken[-1][-1] not in ".?!":
            spoken[-1] += text[-1]
        return text, " ".join(spoken)


def spoken_words(spoken: str) -> list[str]:
    """The plain words of a spoken form (punctuation stripped, apostrophes kept)."""
    import re
    return [w for w in (re.sub(r"^[^\w']+|[^\w']+$", "", t) for t in spoken.split()) if w]
