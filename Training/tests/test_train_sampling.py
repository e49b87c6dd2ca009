"""train.py's source repeats reach the batches: the forked producer mixes from the corpus it is given."""
import types

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import train  # noqa: E402


def test_repeat_sources_repeats_only_the_named_source():
    items = [{"source": "a"}, {"source": "b"}, {"source": "a"}]
    got_items, got_arrays = train.repeat_sources(items, [0, 1, 2], "a=3", "--x")
    assert got_arrays == [0, 0, 0, 1, 2, 2, 2]
    assert [m["source"] for m in got_items] == ["a"] * 3 + ["b"] + ["a"] * 3
    assert train.repeat_sources(items, [0, 1, 2], "", "--x") == (items, [0, 1, 2])
    with pytest.raises(SystemExit):
        train.repeat_sources(items, [0, 1, 2], "c=2", "--x")
    assert train.repeat_sources(items, [0, 1, 2], "a=0", "--x")[1] == [1]
    assert train.repeat_sources(items, [0, 1, 2], "val-only=0", "--x")[1] == [0, 1, 2]
    with pytest.raises(SystemExit):
        train.repeat_sources(items, [0, 1, 2], "a=-1", "--x")


def test_drop_sources_keeps_order_and_ignores_absent_sources():
    items = [{"source": "a"}, {"source": "b"}, {"source": "c"}, {"source": "b"}]
    got_items, got_arrays = train.drop_sources(items, [0, 1, 2, 3], "b=0,absent=0,c=2")
    assert got_arrays == [0, 2] and [m["source"] for m in got_items] == ["a", "c"]
    assert train.drop_sources(items, [0, 1, 2, 3], "") == (items, [0, 1, 2, 3])


class _Stop(Exception):
    pass


def test_the_producer_draws_from_the_corpus_it_is_given(monkeypatch):
    """With babble repeated 9 times in the given corpus, the producer's draws are mostly babble (the
    producer once re-read the manifests in the child and silently dropped the repeats)."""
    drawn = []

    class Corpus:
        speech = [{"source": "s"}] * 10
        noise_items, noise = train.repeat_sources([{"source": "babble"}, {"source": "rain"}], ["b", "r"], "babble=9", "--n")

        def example(self, i, rng, max_seconds, params):
            drawn.append(self.noise[int(rng.integers(len(self.noise)))])
            return i

    class Queue:
        def put(self, batch):
            if len(drawn) >= 400:
                raise _Stop

    monkeypatch.setattr(train, "collate", lambda examples, cfg: examples)
    with pytest.raises(_Stop):
        train.batch_producer(Queue(), Corpus(), 1, 8, 4.0, types.SimpleNamespace())
    assert drawn.count("b") > 0.8 * len(drawn)


def test_eq_reaches_the_training_mixtures_only(monkeypatch):
    """--eq is the equaliser probability of the producer's mixtures (speech and noise alike)."""
    seen = []

    class Corpus:
        speech = [{"source": "s"}] * 4

        def example(self, i, rng, max_seconds, params):
            seen.append((params.p_eq_speech, params.p_eq_noise))
            return i

    class Queue:
        def put(self, batch):
            raise _Stop

    monkeypatch.setattr(train, "collate", lambda examples, cfg: examples)
    with pytest.raises(_Stop):
        train.batch_producer(Queue(), Corpus(), 1, 2, 4.0, types.SimpleNamespace(), (-5.0, 20.0), 0.5)
    assert seen == [(0.5, 0.5)] * 2
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--eq", "0.5"])
    assert train.parse().eq == 0.5
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x"])
    assert train.parse().eq == 0.0
