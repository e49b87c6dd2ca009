import re

from data_pipeline.textgen import SentenceGenerator, num_words, spoken_words, year_words


def test_deterministic_and_varied():
    a = [SentenceGenerator(3).sentence() for _ in range(1)]
    g1, g2 = SentenceGenerator(3), SentenceGenerator(3)
    s1 = [g1.sentence() for _ in range(200)]
    s2 = [g2.sentence() for _ in range(200)]
    assert s1 == s2 and s1[0] == a[0]
    assert len({t for t, _ in s1}) > 180
    assert any(re.search(r"\d", t) for t, _ in s1)
    assert any(len(spoken_words(s)) <= 3 for _, s in s1) and any(len(spoken_words(s)) >= 15 for _, s in s1)


def test_spoken_form_has_only_words():
    g = SentenceGenerator(9)
    for _ in range(300):
        _, s = g.sentence()
        assert not re.search(r"\d|\$|:", s), s
        assert all(re.fullmatch(r"[A-Za-z']+", w) for w in spoken_words(s)), s


def test_numbers():
    assert num_words(52093) == "fifty two thousand and ninety three".split()
    assert num_words(640) == "six hundred and forty".split()
    assert year_words(1984) == "nineteen eighty four".split()
    assert year_words(2005) == "two thousand and five".split()
    assert year_words(1905) == "nineteen oh five".split()
