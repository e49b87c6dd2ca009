"""train.py's source repeats reach the batches: the forked producer mixes from the corpus it is given."""
import types

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import train  # noqa: E402


def tiny_model():
    """A one-layer model small enough for a loss test, seeded."""
    cfg = train.ModelConfig(stem_channels=4, d_model=32, n_heads=2, n_layers=1, ff_mult=2, n_phones=10, d_align=16,
                            entmax_iters=5)
    torch.manual_seed(0)
    return cfg, train.AttendModel(cfg)


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


def producer_params(monkeypatch, *options):
    """The MixParams the producer hands each example of its first batch of 2, given `options`
    (snr, eq, speed, ... after the fixed arguments)."""
    seen = []

    class Corpus:
        speech = [{"source": "s"}] * 4

        def example(self, i, rng, max_seconds, params):
            seen.append(params)
            return i

    class Queue:
        def put(self, batch):
            raise _Stop

    monkeypatch.setattr(train, "collate", lambda examples, cfg: examples)
    with pytest.raises(_Stop):
        train.batch_producer(Queue(), Corpus(), 1, 2, 4.0, types.SimpleNamespace(), *options)
    return seen


def test_eq_reaches_the_training_mixtures_only(monkeypatch):
    """--eq is the equaliser probability of the producer's mixtures (speech and noise alike)."""
    seen = producer_params(monkeypatch, (-5.0, 20.0), 0.5)
    assert [(p.p_eq_speech, p.p_eq_noise) for p in seen] == [(0.5, 0.5)] * 2
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--eq", "0.5"])
    assert train.parse().eq == 0.5
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x"])
    assert train.parse().eq == 0.0


def test_speed_perturbation_scales_audio_pitch_and_labels_together(monkeypatch):
    """--speed: the utterance is played r times faster (0.85-1.15) before mixing; its frame labels
    follow (a 200 Hz tone labelled AH from 0.5 to 1.0 s stays under its label at 200·r Hz); off by
    default, where the audio is untouched; and the producer hands the probability on."""
    from attend.data import Corpus, PhoneSet
    from data_pipeline.augment import MixParams

    t = np.arange(32000) / 16000
    x = np.where((t >= 0.5) & (t < 1.0), 0.3 * np.sin(2 * np.pi * 200 * t), 0.0)
    corpus = Corpus.__new__(Corpus)
    corpus.phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    corpus.speech = [{"phones": [{"phone": "AH", "start": 0.5, "end": 1.0}], "words": None, "_tokens": None}]
    corpus.audio = [(x * 32768).astype(np.int16)]
    corpus.noise = [np.zeros(16000, np.float32)]
    corpus.noise_items = [{"source": "noise"}]
    quiet = dict(p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0, level_db=(-20.0, -20.0))
    ah = corpus.phones.index["AH"]
    factors = set()
    for seed in range(6):
        ex = corpus.example(0, np.random.default_rng(seed), 10.0, MixParams(p_speed=1.0, **quiet))
        y = ex["target"]
        r = 32000 / len(y)
        factors.add(round(r, 2))
        assert 0.84 < r < 1.16
        frames = np.flatnonzero(ex["labels"] == ah)
        assert abs(frames[0] * 160 / 16000 - 0.5 / r) <= 0.011 and abs((frames[-1] + 1) * 160 / 16000 - 1.0 / r) <= 0.011
        energy = np.convolve(y ** 2, np.ones(160), "valid")[::160]
        inside = energy[frames[0] + 2: frames[-1] - 1]
        assert inside.min() > 100 * max(energy[: max(frames[0] - 2, 1)].max(), energy[frames[-1] + 3:].max())
        tone = y[frames[0] * 160 + 800: (frames[-1] + 1) * 160 - 800]
        crossings = np.count_nonzero(np.diff(np.signbit(tone))) / 2 / (len(tone) / 16000)
        assert abs(crossings - 200 * r) < 5
    assert len(factors) > 3
    plain = corpus.example(0, np.random.default_rng(0), 10.0, MixParams(**quiet))
    assert len(plain["target"]) == 32000 and np.flatnonzero(plain["labels"] == ah)[0] == 50

    assert [p.p_speed for p in producer_params(monkeypatch, (-5.0, 20.0), 0.0, 0.5)] == [0.5, 0.5]
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--speed", "0.5"])
    assert train.parse().speed == 0.5


def test_concatenation_makes_longer_examples_with_labels_in_place(monkeypatch):
    """--concat: an example goes on with utterances of the same source after 0.1-1 s of silence,
    to at most max_seconds; each tone keeps its label where it lands, the pauses are SIL and silent,
    tokens are joined with SIL; another source's utterance never joins; off by default, with the
    same example as before; and the producer hands the probability on."""
    from attend.data import Corpus, PhoneSet
    from data_pipeline.augment import MixParams

    t = np.arange(16000) / 16000
    tone = np.where((t >= 0.25) & (t < 0.75), 0.3 * np.sin(2 * np.pi * 200 * t), 0.0)
    corpus = Corpus.__new__(Corpus)
    corpus.phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    ah, sil = corpus.phones.index["AH"], corpus.phones.sil
    utt = {"source": "a", "phones": [{"phone": "AH", "start": 0.25, "end": 0.75}], "words": None, "_tokens": [ah]}
    corpus.speech = [utt, dict(utt), {"source": "b", "phones": None, "words": None, "_tokens": None}]
    corpus.audio = [(tone * 32768).astype(np.int16)] * 2 + [np.full(16000, 9000, np.int16)]
    corpus.noise = [np.zeros(16000, np.float32)]
    corpus.noise_items = [{"source": "noise"}]
    quiet = dict(p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0, level_db=(-20.0, -20.0))
    longest = joined = 0
    for seed in range(8):
        ex = corpus.example(0, np.random.default_rng(seed), 6.0, MixParams(p_concat=1.0, **quiet))
        y, labels = ex["target"], ex["labels"]
        assert 16000 < len(y) <= 6 * 16000 and len(labels) == len(y) // 160 + 1
        assert abs(y.mean()) < 0.01 * np.abs(y).max()  # never the constant utterance of source b: tones only
        runs = np.flatnonzero(np.diff(np.r_[0, labels == ah, 0]))  # starts and ends of the AH runs
        assert len(runs) // 2 >= 2 and set(np.unique(labels)) == {sil, ah}
        energy = np.convolve(y ** 2, np.ones(160), "valid")[::160]
        for a, b in zip(runs[::2], runs[1::2]):
            assert b - a <= 51 and (b - a < 5 or energy[a + 2: b - 2].min() > 0)  # shorter only if cut
        near = np.convolve(labels == ah, np.ones(5), "same") > 0  # within two frames of a tone's label
        assert energy[(labels[: len(energy)] == sil) & ~near[: len(energy)]].max() < 1e-3 * energy.max()
        # joined with SIL, or none when a piece had to be cut to fit (a cut piece has no tokens)
        assert ex["tokens"] in (None, [ah] + [sil, ah] * (len(runs) // 2 - 1))
        joined += ex["tokens"] is not None
        longest = max(longest, len(y))
    assert longest > 4 * 16000 and joined >= 2
    plain = corpus.example(0, np.random.default_rng(0), 6.0, MixParams(**quiet))
    assert len(plain["target"]) == 16000 and ex["info"].keys() == plain["info"].keys()

    assert [p.p_concat for p in producer_params(monkeypatch, (-5.0, 20.0), 0.0, 0.0, 0.8)] == [0.8, 0.8]
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--concat", "0.8"])
    assert train.parse().concat == 0.8


def test_floor_range_tells_a_hiss_under_the_speech_from_clean_pauses():
    rng = np.random.default_rng(0)
    t = np.arange(32000) / 16000
    speech = np.where((t % 0.5) < 0.3, 0.3 * np.sin(2 * np.pi * 220 * t), 0.0)  # bursts and pauses
    from attend.data import floor_range_db
    clean = floor_range_db((speech * 32767).astype(np.int16))
    hissy = floor_range_db(((speech + 0.3 / 10 ** 1.5 * rng.standard_normal(len(t))) * 32767).astype(np.int16))
    assert clean > 60 and 25 < hissy < 40  # the hiss sits ~30 dB under the bursts' energy


def test_mark_noisy_floors_measures_and_counts_a_repeated_utterance_once(capsys, monkeypatch):
    from attend import data
    items = [{"source": "a"}, {"source": "b"}]
    rng = np.random.default_rng(1)
    arrays = [(rng.standard_normal(16000) * 3000).astype(np.int16),
              np.concatenate([np.zeros(8000), rng.standard_normal(8000) * 3000]).astype(np.int16)]
    items, arrays = data.repeat_sources(items, arrays, "a=3", "--speech-repeat")
    assert len(items) == 4
    measured = []
    real = data.floor_range_db
    monkeypatch.setattr(data, "floor_range_db", lambda a: measured.append(1) or real(a))
    data.mark_noisy_floors(items, arrays, 35.0, "--min-floor-range")
    assert len(measured) == 2 and [m["_denoise"] for m in items] == [False, False, False, True]
    assert "1 of 2 utterances are denoising targets (phone losses only: a 1/1)" in capsys.readouterr().out


def test_marked_examples_train_the_phone_losses_only():
    items = [{"source": "a"}, {"source": "b"}]
    rng = np.random.default_rng(1)
    arrays = [(rng.standard_normal(16000) * 3000).astype(np.int16),  # steady noise: 0 dB range
              np.concatenate([np.zeros(8000), rng.standard_normal(8000) * 3000]).astype(np.int16)]
    train.mark_noisy_floors(items, arrays, 35.0, "--min-floor-range")
    assert [m["_denoise"] for m in items] == [False, True]
    cfg, model = tiny_model()
    def example(target_scale, denoise):
        g = np.random.default_rng(2)
        noisy = g.standard_normal(8000).astype(np.float32) * 0.1
        return {"noisy": noisy, "target": noisy * target_scale, "labels": np.ones(51, dtype=np.int64), "tokens": [],
                "denoise": denoise}
    weights = {"mask": 1.0, "sisdr": 0.1, "frame": 1.0, "mr": 1.0, "pq": 1.0}
    base = train.step_losses(model, train.collate([example(0.5, True), example(0.5, False)], cfg), cfg, weights, 0, 0)[1]
    moved = train.step_losses(model, train.collate([example(0.5, True), example(0.1, False)], cfg), cfg, weights, 0, 0)[1]
    for k in ("mask", "sisdr", "mr", "pq", "frame"):
        assert abs(base[k] - moved[k]) < 1e-6, k  # the marked example's target counts nowhere
    counted = train.step_losses(model, train.collate([example(0.5, True), example(0.1, True)], cfg), cfg, weights, 0, 0)[1]
    assert abs(counted["mask"] - base["mask"]) > 1e-4  # unless it is a denoising target


def test_noise_only_examples_are_the_noise_with_a_silent_target(monkeypatch):
    """--noise-only: the mixture is the noise alone at the drawn level, the target silence, every
    frame SIL and no tokens; off by default with the same example (no extra draw); in the losses
    such an example counts in the mask loss but not in SI-SDR (undefined without speech); and the
    producer hands the probability on."""
    from attend.data import Corpus, PhoneSet
    from data_pipeline.augment import MixParams

    t = np.arange(16000) / 16000
    corpus = Corpus.__new__(Corpus)
    corpus.phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    ah, sil = corpus.phones.index["AH"], corpus.phones.sil
    corpus.speech = [{"source": "a", "phones": [{"phone": "AH", "start": 0.25, "end": 0.75}], "words": None,
                      "_tokens": [ah]}]
    corpus.audio = [(0.3 * np.sin(2 * np.pi * 200 * t) * 32768).astype(np.int16)]
    corpus.noise = [np.random.default_rng(0).standard_normal(16000).astype(np.float32)]
    corpus.noise_items = [{"source": "noise"}]
    quiet = dict(p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0, level_db=(-25.0, -25.0))
    ex = corpus.example(0, np.random.default_rng(3), 4.0, MixParams(p_noise_only=1.0, **quiet))
    assert ex["info"]["noise_only"] and not ex["target"].any()
    assert abs(10 * np.log10(np.mean(ex["noisy"] ** 2)) + 25) < 0.1
    assert set(ex["labels"].tolist()) == {sil} and ex["tokens"] is None
    off = corpus.example(0, np.random.default_rng(3), 4.0, MixParams(**quiet))
    ref = corpus.example(0, np.random.default_rng(3), 4.0, MixParams(p_noise_only=0.0, **quiet))
    assert np.array_equal(off["noisy"], ref["noisy"]) and "noise_only" not in off["info"]
    assert off["target"].any() and ah in off["labels"] and off["tokens"] == [ah]

    cfg, model = tiny_model()
    g = np.random.default_rng(2)
    noisy = g.standard_normal(8000).astype(np.float32) * 0.1
    speech = {"noisy": noisy, "target": noisy * 0.5, "labels": np.ones(51, dtype=np.int64), "tokens": []}
    alone = {"noisy": noisy * 0.7, "target": np.zeros(8000, np.float32), "labels": np.zeros(51, dtype=np.int64),
             "tokens": []}
    weights = {"mask": 1.0, "sisdr": 0.1, "frame": 1.0}
    one = train.step_losses(model, train.collate([speech], cfg), cfg, weights, 0, 0)[1]
    both = train.step_losses(model, train.collate([speech, alone], cfg), cfg, weights, 0, 0)[1]
    assert abs(one["sisdr"] - both["sisdr"]) < 1e-5 and np.isfinite(both["sisdr"])
    assert abs(one["mask"] - both["mask"]) > 1e-5  # the silent target is a mask-loss target

    assert [p.p_noise_only for p in producer_params(monkeypatch, (-5.0, 20.0), 0.0, 0.0, 0.0, 0.0, 0.15)] == [0.15] * 2
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--noise-only", "0.15"])
    assert train.parse().noise_only == 0.15


def test_unlabelled_phones_leave_their_frames_without_a_label():
    """A phone the inventory has no class for ('?', e.g. a trill of the Czech voice) gives its frames
    label -1 (the frame loss ignores them) instead of silence, and the phone prior counts them for
    no class."""
    from attend.data import Corpus, PhoneSet, phone_log_prior
    from data_pipeline.augment import MixParams

    phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    assert phones.unlabelled == "?"
    t = np.arange(16000) / 16000
    corpus = Corpus.__new__(Corpus)
    corpus.phones = phones
    corpus.speech = [{"source": "a", "phones": [{"phone": "AH", "start": 0.25, "end": 0.5},
                                                {"phone": "?", "start": 0.5, "end": 0.75}],
                      "words": None, "_tokens": None}]
    corpus.audio = [(0.3 * np.sin(2 * np.pi * 200 * t) * 32768).astype(np.int16)]
    corpus.noise = [np.zeros(16000, np.float32)]
    corpus.noise_items = [{"source": "noise"}]
    quiet = dict(p_reverb=0, p_telephone=0, p_clip=0, p_bitdepth=0, level_db=(-25.0, -25.0))
    labels = corpus.example(0, np.random.default_rng(0), 4.0, MixParams(**quiet))["labels"]
    ah, sil = phones.index["AH"], phones.sil
    assert labels[25:50].tolist() == [ah] * 25 and labels[50:75].tolist() == [-1] * 25
    assert set(labels[:25].tolist()) == {sil} and set(labels[75:].tolist()) == {sil}
    prior = np.exp(phone_log_prior([{"duration": 1.0, **corpus.speech[0]}], phones))
    # 101 frames: 25 AH, 25 unlabelled, 51 silence (each count starts at 1)
    assert abs(prior[sil] / prior[ah] - 52 / 26) < 1e-4


def test_phone_only_sources_are_marked_and_unknown_ones_refused(monkeypatch):
    """--phone-only: every utterance of the named sources (repeats are the same record) is marked
    `_denoise` False, which the losses read as above (test_marked_examples_train_the_phone_losses_only);
    the others stay denoising targets; a name no utterance has stops the run; the option reaches train.py."""
    from attend.data import Corpus, PhoneSet
    from data_pipeline.augment import MixParams

    a, b = {"source": "festival-intl"}, {"source": "espeak-ng"}
    items = [a, b, a]
    train.mark_phone_only(items, "festival-intl", "--phone-only")
    assert a["_denoise"] is False and "_denoise" not in b
    with pytest.raises(SystemExit):
        train.mark_phone_only([{"source": "x"}], "festival-intl", "--phone-only")
    train.mark_phone_only(items, "", "--phone-only")  # nothing named: nothing changes
    assert "_denoise" not in b
    corpus = Corpus.__new__(Corpus)
    corpus.phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    corpus.speech = [dict(a, phones=None, words=None, _tokens=None)]
    corpus.audio = [(np.random.default_rng(0).standard_normal(16000) * 3000).astype(np.int16)]
    corpus.noise = [np.zeros(16000, np.float32)]
    corpus.noise_items = [{"source": "noise"}]
    assert corpus.example(0, np.random.default_rng(0), 4.0, MixParams())["denoise"] is False
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--phone-only", "festival-intl"])
    assert train.parse().phone_only == "festival-intl"


def test_phone_only_noise_makes_its_mixtures_phone_only(monkeypatch):
    """--phone-only-noise: a mixture whose noise piece comes from a marked source trains the phone
    losses only (`denoise` False), one with an unmarked piece both; marking changes no sample (mix
    records the pieces it drew, `info["noise_index"]`, from the same random draws); the option
    reaches train.py."""
    from attend.data import Corpus, PhoneSet
    from data_pipeline.augment import MixParams

    corpus = Corpus.__new__(Corpus)
    corpus.phones = PhoneSet(train.ROOT / "Training" / "data_pipeline" / "phones.json")
    corpus.speech = [{"source": "espeak-ng", "phones": None, "words": None, "_tokens": None}]
    corpus.audio = [(np.random.default_rng(0).standard_normal(16000) * 3000).astype(np.int16)]
    rng = np.random.default_rng(1)
    corpus.noise = [rng.standard_normal(16000).astype(np.float32) for _ in range(2)]
    crowd, music = {"source": "crowd"}, {"source": "music"}
    corpus.noise_items = [crowd, music]
    one = MixParams(p_second_noise=0.0)
    before = [corpus.example(0, np.random.default_rng(s), 4.0, one) for s in range(12)]
    assert all(e["denoise"] for e in before)
    train.mark_phone_only(corpus.noise_items, "crowd", "--phone-only-noise")
    after = [corpus.example(0, np.random.default_rng(s), 4.0, one) for s in range(12)]
    for b, a in zip(before, after):
        assert np.array_equal(b["noisy"], a["noisy"]) and a["info"]["noise_index"] == b["info"]["noise_index"]
        assert a["denoise"] == (a["info"]["noise_index"] != [0])
    assert {a["denoise"] for a in after} == {True, False}  # both sources drawn
    both = MixParams(p_second_noise=1.0)
    for s in range(6):  # a second piece from the marked source marks the mixture too
        e = corpus.example(0, np.random.default_rng(s), 4.0, both)
        assert e["denoise"] == (0 not in e["info"]["noise_index"])
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--phone-only-noise", "crowd"])
    assert train.parse().phone_only_noise == "crowd"


def test_chunk_and_left_choices_parse(monkeypatch):
    """--chunks/--lefts give the attention contexts drawn per step; the defaults are the module's."""
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x"])
    args = train.parse()
    assert args.chunk_choices == train.CHUNKS and args.left_choices == train.LEFTS
    monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--chunks", "1,2,4,8,16,32,64,128", "--lefts", "64,128"])
    args = train.parse()
    assert args.chunk_choices == [1, 2, 4, 8, 16, 32, 64, 128] and args.left_choices == [64, 128]
    for bad in ("0,4", "a,b", ""):
        monkeypatch.setattr("sys.argv", ["train.py", "--run", "x", "--chunks", bad])
        with pytest.raises(SystemExit):
            train.parse()


def assert_trains_encoder_and_phone_head_not_mask(model, total):
    """`total`'s gradient reaches the phone head and the encoder blocks, never the mask's layers."""
    model.zero_grad()
    total.backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    assert grads["phone_head.weight"] is not None and grads["phone_head.weight"].abs().sum() > 0
    assert any(g is not None and g.abs().sum() > 0 for n, g in grads.items() if n.startswith("blocks."))
    mask_params = [n for n in grads if n.startswith("mask_head") or n.startswith("mask_decoder")]
    assert mask_params and all(grads[n] is None or grads[n].abs().sum() == 0 for n in mask_params)


def test_the_self_denoised_frame_loss_trains_the_second_reading_only():
    """--weights sdframe=W: a frame loss on the re-encoded denoised output; its gradient reaches the
    encoder and the phone head through the second pass, never the mask that made the output."""
    cfg, model = tiny_model()
    g = np.random.default_rng(3)
    noisy = g.standard_normal(8000).astype(np.float32) * 0.1
    labels = g.integers(0, 10, 51).astype(np.int64)
    batch = train.collate([{"noisy": noisy, "target": noisy * 0.5, "labels": labels, "tokens": [], "denoise": True}], cfg)
    total, parts = train.step_losses(model, batch, cfg, {"sdframe": 1.0}, 0, 0)
    assert "sdframe" in parts and parts["sdframe"] > 0 and abs(total.item() - parts["sdframe"]) < 1e-5
    assert_trains_encoder_and_phone_head_not_mask(model, total)
    _, without = train.step_losses(model, batch, cfg, {"frame": 1.0}, 0, 0)
    assert "sdframe" not in without


def test_the_distillation_loss_pulls_short_chunks_toward_the_long_chunk_reading():
    """--weights distill=W: KL of the phone head's reading with the drawn chunk from its reading with
    128-frame chunks; zero when the drawn context is the teacher's own, positive with 1-frame chunks,
    and its gradient reaches the encoder and phone head, never the mask."""
    cfg, model = tiny_model()
    model.eval()  # no dropout: the same context must give the same reading
    g = np.random.default_rng(4)
    noisy = g.standard_normal(16000).astype(np.float32) * 0.1
    labels = g.integers(0, 10, 101).astype(np.int64)
    batch = train.collate([{"noisy": noisy, "target": noisy * 0.5, "labels": labels, "tokens": [], "denoise": True}], cfg)
    _, same = train.step_losses(model, batch, cfg, {"distill": 1.0}, train.DISTILL_CONTEXT, train.DISTILL_CONTEXT)
    assert abs(same["distill"]) < 1e-5
    total, parts = train.step_losses(model, batch, cfg, {"distill": 1.0}, 1, 4)
    assert parts["distill"] > 1e-4 and abs(total.item() - parts["distill"]) < 1e-5
    assert_trains_encoder_and_phone_head_not_mask(model, total)
