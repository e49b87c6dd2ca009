"""Self-checks of the benchmark's own arithmetic (no anchors, no data sets needed).
Run: Benchmarks/.venv/bin/python -m pytest Benchmarks/tests  (or plain python: prints 'N passed, N failed')."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.aligners import EnergyVAD  # noqa: E402
from bench.build_sets import mix  # noqa: E402
from bench.common import SR, norm_words, seed_of  # noqa: E402
from bench.metrics import boundary_errors, compensate, estimate_lag, si_sdr, summarise_errors  # noqa: E402


def _speechlike(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)
    return (rng.standard_normal(n) * env * 0.1).astype(np.float32)


def test_lag_is_found_both_ways():
    x = _speechlike(SR * 2)
    late = np.concatenate([np.zeros(320, np.float32), x])[: len(x)]
    early = np.concatenate([x[160:], np.zeros(160, np.float32)])
    assert estimate_lag(x, late) == 320
    assert estimate_lag(x, early) == -160
    aligned, lag = compensate(x, late)
    assert lag == 320 and si_sdr(x[:-320], aligned[:-320]) > 60


def test_si_sdr_matches_snr_and_ignores_gain():
    x = _speechlike(SR * 2)
    n = np.random.default_rng(1).standard_normal(len(x)).astype(np.float32)
    n *= np.sqrt(np.mean(x ** 2) / np.mean(n ** 2)) / 10 ** (10 / 20)
    assert abs(si_sdr(x, x + n) - 10.0) < 0.3
    assert abs(si_sdr(x, 3.0 * (x + n)) - si_sdr(x, x + n)) < 1e-6


def test_mix_hits_the_snr_and_never_clips():
    x = _speechlike(SR)
    noise = np.random.default_rng(2).standard_normal(SR).astype(np.float32)
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
    c, y = mix(x, noise, 5, rms)
    snr = 10 * np.log10(np.sum(c.astype(np.float64) ** 2) / np.sum((y - c).astype(np.float64) ** 2))
    assert abs(snr - 5) < 0.01
    c, y = mix(x * 30, noise, -5, rms * 30)
    assert np.max(np.abs(y)) <= 0.99 + 1e-6


def test_boundary_errors_count_failures_as_misses():
    ref = [("a", 0.10, 0.30), ("b", 0.30, 0.60)]
    hyp = [("a", 0.11, 0.33, 1), ("b", 0.39, 0.61, 1)]
    e = boundary_errors(ref, hyp)
    assert np.allclose(e, [0.01, 0.03, 0.09, 0.01])
    s = summarise_errors(e + boundary_errors(ref, None))
    assert s["boundaries"] == 8 and s["missed"] == 4
    assert s["within_20"] == 25.0 and s["within_50"] == 37.5 and s["within_100"] == 50.0
    assert boundary_errors(ref, hyp[:1]) == [None] * 4


def test_an_error_of_exactly_the_threshold_counts_as_within():
    # 0.32 - 0.3 is 0.020000000000000018 in binary floating point, 0.55 - 0.5 is 0.050000000000000044
    ref = [("a", 0.3, 0.5)]
    e = boundary_errors(ref, [("a", 0.32, 0.55, 1)])
    assert e[0] * 1000 > 20 and e[1] * 1000 > 50
    s = summarise_errors(e)
    assert s["within_20"] == 50.0 and s["within_50"] == 100.0
    s = summarise_errors(boundary_errors(ref, [("a", 0.321, 0.551, 1)]))
    assert s["within_20"] == 0.0 and s["within_50"] == 50.0


def test_vad_floor_gives_every_word_a_monotonic_time():
    x = np.zeros(SR * 2, np.float32)
    x[SR // 2: SR] = _speechlike(SR // 2)
    words, _ = EnergyVAD().align(x, ["one", "three", "x"])
    assert [w for w, *_ in words] == ["one", "three", "x"]
    starts = [s for _, s, _, _ in words]
    assert starts == sorted(starts) and 0.45 <= starts[0] <= 0.55 and words[-1][2] <= 1.05


def test_helpers():
    assert norm_words("Feed'st thy light's flame, with self-substantial fuel!") == \
        ["feed'st", "thy", "light's", "flame", "with", "self", "substantial", "fuel"]
    assert seed_of("a", 1) == seed_of("a", 1) != seed_of("a", 2)


def test_the_report_names_the_model_each_part_ran():
    """attend_model asks the binary which model it resolves ($ATTEND_MODEL here) and hashes that file."""
    import os
    import shutil
    import tempfile

    import pytest
    from bench.denoisers import attend_bin
    from bench.evaluate import attend_model
    from bench.report import render
    if not attend_bin().exists():
        pytest.skip(f"{attend_bin()} not built")
    models = Path(__file__).resolve().parents[2] / "Models"
    with tempfile.TemporaryDirectory() as d:
        w = Path(d) / "m.safetensors"
        saved = os.environ.get("ATTEND_MODEL")
        try:
            os.environ["ATTEND_MODEL"] = str(w)
            for ext in ("safetensors", "json"):
                shutil.copy(models / f"attend-base.{ext}", Path(d) / f"m.{ext}")
            one = attend_model()
            for ext in ("safetensors", "json"):
                shutil.copy(models / f"attend-deep.{ext}", Path(d) / f"m.{ext}")
            two = attend_model()
            os.environ["ATTEND_MODEL"] = str(Path(d) / "absent.json")
            absent = attend_model()
            os.environ["ATTEND_MODEL"] = "attend-base"
            by_name = attend_model()
        finally:
            if saved is None:
                os.environ.pop("ATTEND_MODEL", None)
            else:
                os.environ["ATTEND_MODEL"] = saved
    assert one["name"] == "m" and len(one["sha256"]) == 16 and one["sha256"] != two["sha256"]
    assert one["parameters"] < two["parameters"]
    assert absent["name"] is None and "model file not found" in absent["error"]
    assert by_name["weights"] == str(models / "attend-base.safetensors")
    meta = {"date": "d1", "cpu": "c", "cores": 2, "loadavg_at_start": [0.0], "command": "x", "commit": "abc",
            "model": one}
    later = dict(meta, date="d2", model=two)
    text = render({"meta": later, "meta_by_part": {"denoise": meta, "align": later}})
    assert f"m (sha256 {two['sha256']})" in text.splitlines()[6]
    assert f"denoise d1 by `x` with m (sha256 {one['sha256']})" in text
    assert "unknown (" in render({"meta": dict(meta, model=absent)}).splitlines()[6]


def test_oracle_masks_recover_the_clean_signal():
    """The oracle masks, computed from the clean signal, take most of the noise out (and a
    clean input through them comes back unchanged)."""
    from bench.oracle import oracle_outputs
    rng = np.random.default_rng(3)
    t = np.arange(SR * 2) / SR
    clean = (sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 8)) * (0.5 + 0.5 * np.sin(2 * np.pi * 2 * t))
             * 0.1).astype(np.float32)  # a voiced-like harmonic sound: sparse in time-frequency, as speech is
    noise = (rng.standard_normal(SR * 2) * 0.05).astype(np.float32)
    noisy = clean + noise
    outs = oracle_outputs(clean, noisy)
    for name, y in outs.items():
        assert y.shape == clean.shape
        assert si_sdr(clean, y) > si_sdr(clean, noisy) + 5, name
    same = oracle_outputs(clean, clean)
    assert si_sdr(clean, same["irm"]) > 40


def test_suppression_gains_tell_kept_speech_from_removed_noise():
    from bench.suppression import band_sums, gains_db
    rng = np.random.default_rng(4)
    t = np.arange(SR * 2) / SR
    clean = (0.1 * np.sin(2 * np.pi * 500 * t) * (np.sin(2 * np.pi * 2 * t) > 0)).astype(np.float32)
    noise = (0.01 * rng.standard_normal(len(t))).astype(np.float32)
    noisy = clean + noise
    perfect = gains_db(band_sums(clean, noisy, clean))
    untouched = gains_db(band_sums(clean, noisy, noisy))
    halved = gains_db(band_sums(clean, noisy, 0.5 * clean))
    assert abs(perfect[0, 0]) < 0.1 and perfect[1].max() < -20      # speech kept, noise gone (but leakage)
    assert abs(untouched[1]).max() < 0.5                             # the noise, as it was
    assert abs(halved[0, 0] + 6.02) < 0.1                            # half the speech: -6 dB


def test_validation_anchors_score_a_system_on_the_set():
    """bench.validation_anchors: unknown systems and a missing set are errors; on a set of two
    mixtures a pass-through system scores the noisy input (SI-SDRi 0) and a perfect one improves."""
    import json
    import tempfile

    import soundfile as sf
    from bench import denoisers, validation_anchors as va
    assert va.main(["no-such-denoiser"]) == 2
    saved_val, saved_systems = va.VAL, dict(denoisers.SYSTEMS)
    with tempfile.TemporaryDirectory() as d:
        try:
            va.VAL = Path(d)
            _score_tiny_validation_set(Path(d), va, denoisers, sf, json)
        finally:
            va.VAL = saved_val
            denoisers.SYSTEMS.clear()
            denoisers.SYSTEMS.update(saved_systems)


def _score_tiny_validation_set(tmp_path, va, denoisers, sf, json):
    import contextlib
    import io
    assert va.main(["nsnet2"]) == 1
    rng = np.random.default_rng(0)
    t = np.arange(3 * SR) / SR
    clean = (0.1 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype(np.float32)
    items = []
    for k, snr in enumerate((0.0, 10.0)):
        noise = rng.standard_normal(len(clean)).astype(np.float32)
        noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2) / 10 ** (snr / 10))
        sf.write(str(tmp_path / f"{k:03d}.clean.wav"), clean, SR, subtype="FLOAT")
        sf.write(str(tmp_path / f"{k:03d}.noisy.wav"), clean + noise, SR, subtype="FLOAT")
        items.append({"name": f"{k:03d}", "snr": snr, "source": "tone"})
    (tmp_path / "manifest.json").write_text(json.dumps(items))

    class Through(denoisers.Denoiser):
        name = "through"
        def process(self, x):
            return x

    class Oracle(denoisers.Denoiser):
        name = "oracle"
        def process(self, x):
            return clean.copy()

    denoisers.SYSTEMS["through"] = Through
    denoisers.SYSTEMS["oracle"] = Oracle
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert va.main(["through", "oracle"]) == 0
    out = buf.getvalue().splitlines()
    through = next(line for line in out if line.startswith("through all "))
    oracle = next(line for line in out if line.startswith("oracle all "))
    assert "files 2" in through and "SI-SDRi +0.00 dB" in through
    assert float(oracle.split("SI-SDRi ")[1].split()[0]) > 20
    assert any(line.startswith("oracle 10 dB files 1") for line in out) and any(" tone files 2" in line for line in out)



def test_binswap_replaces_only_the_bins_of_its_class():
    from bench.binswap import hybrids, local_snr_db
    from bench.oracle import STFT
    from scipy.signal import stft
    rng = np.random.default_rng(5)
    t = np.arange(SR) / SR
    clean = (0.2 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)  # one strong bin row
    noisy = clean + (0.01 * rng.standard_normal(len(t))).astype(np.float32)
    own, other = noisy.copy(), (0.5 * noisy).astype(np.float32)
    h = hybrids(clean, noisy, own, other)
    snr = local_snr_db(clean, noisy)
    spec = lambda x: np.abs(stft(x, **STFT)[2])  # noqa: E731
    inner = slice(5, -5)  # away from the edges, where overlap-add has fewer frames
    speech, noise = (snr > 5)[:, inner], (snr < -5)[:, inner]
    assert speech.any() and noise.any()
    a = spec(own)[:, inner]
    for name, changed, kept in (("other@noise<-5", noise, speech), ("other@speech>5", speech, noise)):
        s = spec(h[name])[:, inner]
        energy = lambda x, m: float((x[m] ** 2).sum())  # noqa: E731
        # untouched bins keep their energy (re-analysis smears a little), swapped ones take OTHER's quarter
        assert abs(energy(s, kept) / energy(a, kept) - 1) < 0.05, name
        assert energy(s, changed) / energy(a, changed) < 0.4, name
    low = spec(h["own-6dB@<-10"])[:, inner]
    assert abs(float((low[speech] ** 2).sum()) / float((a[speech] ** 2).sum()) - 1) < 0.05
    same = hybrids(clean, noisy, own, own)
    assert np.allclose(same["other@noise<-5"], own, atol=1e-5)


def test_crossover_mixes_each_half_with_the_other_and_measures_noise_alone():
    """bench.crossover: the cross mixtures hit their SNR against the speech span (not the padding),
    take each utterance at every SNR, and attenuation reads a halved signal as 6 dB lower and a
    low-passed one as lowered in the top band only; an unknown system is an error."""
    import contextlib
    import io
    from bench import crossover
    rng = np.random.default_rng(3)
    speech = np.concatenate([np.zeros(SR // 2, np.float32), _speechlike(SR), np.zeros(SR // 2, np.float32)])
    assert abs(crossover.active_rms(speech) - np.sqrt(np.mean(speech[SR // 2:-SR // 2].astype(np.float64) ** 2))) < 1e-9
    noises = [("hum", (0.05 * rng.standard_normal(SR // 3)).astype(np.float32))]
    mixes = crossover.cross_mixtures({"b": speech, "a": speech * 0.5}, noises, seed=1)
    assert [k for k, _, _ in mixes] == ["hum"] * 6
    for (_, c, y), snr in zip(mixes, crossover.SNRS * 2):
        span = slice(SR // 2, -SR // 2)
        got = 10 * np.log10(np.sum(c[span].astype(np.float64) ** 2) / np.sum((y - c)[span].astype(np.float64) ** 2))
        assert abs(got - snr) < 0.6, (got, snr)  # the noise excerpt's RMS over the span, not the whole
        assert len(y) == len(speech)
    x = (0.1 * rng.standard_normal(SR)).astype(np.float32)
    whole, bands = crossover.attenuation(x, 0.5 * x)
    assert abs(whole + 6.02) < 0.01 and np.allclose(bands, -6.02, atol=0.01)
    from scipy.signal import butter, sosfiltfilt
    low = sosfiltfilt(butter(8, 3000, fs=SR, output="sos"), x).astype(np.float32)
    _, bands = crossover.attenuation(x, low)
    assert abs(bands[0]) < 0.5 and bands[3] < -30
    with contextlib.redirect_stderr(io.StringIO()):
        assert crossover.main(["no-such-denoiser"]) == 2




def test_candidate_compares_a_model_with_the_last_run_file_by_file():
    """bench.candidate: a missing model is exit 2; on a set of two mixtures a candidate that returns
    the clean speech beats a stored pass-through reference with an interval above zero, and one that
    returns the input ties it exactly; a reference run without the system is an error."""
    import json
    import tempfile

    import soundfile as sf
    from bench import candidate, denoisers
    assert candidate.main(["/no/such/model.safetensors"]) == 2
    rng = np.random.default_rng(1)
    t = np.arange(3 * SR) / SR
    clean = (0.1 * np.sin(2 * np.pi * 200 * t) * (1 + np.sin(2 * np.pi * 2 * t))).astype(np.float32)
    saved = dict(denoisers.SYSTEMS)
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        (base / "clean").mkdir()
        (base / "noisy").mkdir()
        items, reference = [], {}
        for k, snr in enumerate((0, 10)):
            noise = rng.standard_normal(len(clean)).astype(np.float32)
            noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2) / 10 ** (snr / 10))
            sf.write(str(base / f"clean/{k}.wav"), clean, SR, subtype="FLOAT")
            sf.write(str(base / f"noisy/{k}.wav"), clean + noise, SR, subtype="FLOAT")
            items.append({"id": f"u{k}", "clean": f"clean/{k}.wav", "noisy": f"noisy/{k}.wav", "noise": "hiss",
                          "snr": snr})
        manifest = base / "manifest.json"
        manifest.write_text(json.dumps({"items": items}))
        from bench.metrics import denoise_scores
        for it in items:
            x = sf.read(str(base / it["noisy"]), dtype="float32")[0]
            reference[it["id"]] = {"attend": denoise_scores(clean, x, x)}

        class Oracle(denoisers.Denoiser):
            def process(self, x):
                return clean.copy()

        class Through(denoisers.Denoiser):
            def process(self, x):
                return x

        try:
            denoisers.SYSTEMS["attend"] = Oracle
            lines = candidate.run("oracle.safetensors", manifest, reference, "attend", jobs=1)
            top = next(line for line in lines if line.startswith("all "))
            lo = float(top.split("SI-SDRi ")[1].split("[")[1].split(",")[0])
            assert lo > 10 and any(line.startswith("hiss ") for line in lines) and any(line.startswith("10 dB") for line in lines)
            denoisers.SYSTEMS["attend"] = Through
            saved_scores = base / "through.json"
            top = next(line for line in candidate.run("through.safetensors", manifest, reference, "attend", jobs=1,
                                                      save=saved_scores) if line.startswith("all "))
            assert "(+0.000 [+0.000, +0.000])" in top
            # a saved candidate is a reference of its own: the oracle against the pass-through
            kept = json.loads(saved_scores.read_text())
            assert set(kept) == {"u0", "u1"} and set(kept["u0"]) == {"through"}
            denoisers.SYSTEMS["attend"] = Oracle
            top = next(line for line in candidate.run("oracle.safetensors", manifest, kept, "through", jobs=1)
                       if line.startswith("all "))
            assert float(top.split("SI-SDRi ")[1].split("[")[1].split(",")[0]) > 10
            # --attend-args: the settings reach attend denoise through the offline system
            seen = []

            class Offline(denoisers.Denoiser):
                def process(self, x):
                    seen.append(os.environ.get("ATTEND_OFFLINE_ARGS"))
                    return x

            denoisers.SYSTEMS["attend-offline"] = Offline
            top = next(line for line in candidate.run("through.safetensors", manifest, reference, "attend", jobs=1,
                                                      attend_args="--chunk-frames 128") if line.startswith("all "))
            assert seen == ["--chunk-frames 128"] * 2 and "(+0.000 [+0.000, +0.000])" in top
            try:
                candidate.run("x.safetensors", manifest, reference, "nsnet2", jobs=1)
                raise AssertionError("a reference without the system must fail")
            except SystemExit as e:
                assert "no nsnet2 scores" in str(e)
        finally:
            denoisers.SYSTEMS.clear()
            denoisers.SYSTEMS.update(saved)


if __name__ == "__main__":
    passed = failed = 0
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn(); passed += 1
            except Exception as e:  # noqa: BLE001
                failed += 1; print(f"FAIL {name}: {e!r}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
