"""gan_course.reference: the shipped curves, the band, your run against it, and the FID measured the same way."""

import csv
import importlib.util
import math
import re
import sys
from pathlib import Path

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gan_course import data, experiments, features, metrics, models, reference  # noqa: E402
from gan_course.gan import build_gan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["lesson", "seed", "point", "epoch", "steps", "fid", "fidelity", "d_loss", "g_loss"]


def _write(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r.get(k, "") for k in COLUMNS})
    return path


@pytest.fixture
def small_csv(tmp_path):
    """Lesson 03 with 3 seeds x 2 epochs and lesson 07 with 2 seeds x 2 points at 500 and 1000 steps."""
    rows = []
    for seed, (f1, f2) in enumerate([(100.0, 40.0), (120.0, 50.0), (110.0, 60.0)]):
        rows.append({"lesson": "03", "seed": seed, "point": 1, "epoch": 1, "steps": 468, "fid": f1,
                     "d_loss": 1.0 + seed, "g_loss": 0.7})  # fmt: skip
        rows.append({"lesson": "03", "seed": seed, "point": 2, "epoch": 2, "steps": 936, "fid": f2,
                     "d_loss": 1.2, "g_loss": 0.8})  # fmt: skip
    for seed, (a, b) in enumerate([(100.0, 30.0), (80.0, 20.0)]):
        rows.append({"lesson": "07", "seed": seed, "point": 1, "epoch": 0.5333, "steps": 500, "fid": a,
                     "fidelity": 0.5, "d_loss": 1.0, "g_loss": 1.0})  # fmt: skip
        rows.append({"lesson": "07", "seed": seed, "point": 2, "epoch": 1.0667, "steps": 1000, "fid": b,
                     "fidelity": 0.9, "d_loss": 1.0, "g_loss": 1.0})  # fmt: skip
    return _write(tmp_path / "curves.csv", rows)


def test_band_is_the_lowest_mean_and_highest_over_seeds_at_each_point(small_csv):
    b = reference._band("03", "fid", small_csv)
    assert b["x"].tolist() == [1, 2] and b["seeds"] == [0, 1, 2]
    assert b["low"].tolist() == [100, 40] and b["high"].tolist() == [120, 60]
    assert b["mean"].tolist() == pytest.approx([110, 50])
    assert reference._band(3, "d_loss", small_csv)["high"].tolist() == [3.0, 1.2]  # an int lesson works too
    b7 = reference._band("07", "fidelity", small_csv)
    assert b7["x"].tolist() == [500, 1000] and b7["low"].tolist() == [0.5, 0.9]


def test_a_seed_that_stopped_early_leaves_the_later_points_to_the_other_seeds(tmp_path):
    rows = [{"lesson": "03", "seed": s, "point": p, "epoch": p, "steps": 468 * p, "fid": 10.0 * (s + p),
             "d_loss": 1.0, "g_loss": 1.0} for s in (0, 1) for p in (1, 2) if (s, p) != (1, 2)]  # fmt: skip
    b = reference._band("03", "fid", _write(tmp_path / "c.csv", rows))
    assert b["low"].tolist() == [10, 20] and b["high"].tolist() == [20, 20] and b["mean"].tolist() == [15, 20]


def test_curves_keep_only_the_lessons_metrics(small_csv):
    rows = reference._curves("03", small_csv)
    assert len(rows) == 6 and "fidelity" not in rows[0] and rows[0]["fid"] == 100.0
    assert set(reference._curves("07", small_csv)[0]) >= {"fid", "fidelity", "steps"}


def test_compare_says_inside_above_and_below_with_the_distance(small_csv, capsys):
    rows = reference.compare("03", {"fid": [130.0, 50.0], "d_loss": [0.5, 1.2]}, small_csv)
    fid = [r for r in rows if r["metric"] == "fid"]
    assert [r["verdict"] for r in fid] == ["above by 10", "inside"]
    d = [r for r in rows if r["metric"] == "d_loss"]
    assert d[0]["verdict"] == "below by 0.5" and d[1]["verdict"] == "inside"  # 1.2 is the edge: inside
    out = capsys.readouterr().out
    assert "fid       1 of 2 points inside" in out and "farthest: epoch 1, yours 130, band 100-120" in out


def test_compare_interpolates_between_step_counts_and_clamps_after_the_last(small_csv):
    # at 750 steps the band is halfway: low (80+20)/2 = 50, high (100+30)/2 = 65
    rows = reference.compare("07", {"steps": [250, 750, 2000], "fid": [500.0, 66.0, 25.0]}, small_csv, show=False)
    assert [r["x"] for r in rows] == [750, 2000]  # 250 is before the first reference point
    assert rows[0]["low"] == pytest.approx(50) and rows[0]["high"] == pytest.approx(65)
    assert rows[0]["verdict"] == "above by 1"
    assert rows[1]["reference_x"] == 1000 and rows[1]["verdict"] == "inside"


def test_compare_flags_a_diverged_run(small_csv, capsys):
    rows = reference.compare("03", {"fid": [105.0, math.nan]}, small_csv)
    assert rows[1]["verdict"] == "not a number"
    assert "the run diverged there" in capsys.readouterr().out


def test_compare_takes_a_keras_history_and_a_training_history(small_csv):
    history = keras.callbacks.History()
    history.history = {"fid": [110.0, 45.0], "d_loss": [1.5, 1.2], "g_loss": [0.7, 0.8]}
    assert {r["verdict"] for r in reference.compare("03", history, small_csv, show=False)} == {"inside"}


@pytest.mark.parametrize(
    "lesson, yours, says",
    [
        ("05", {"fid": [1.0]}, "lesson must be one of ['02', '03', '06', '07', '08']"),
        ("03", {"loss": [1.0]}, "your run has none of"),
        ("03", {"fid": [1.0, 2.0], "d_loss": [1.0]}, "different lengths"),
        ("07", {"fid": [1.0]}, "is by generator steps: give 'steps'"),
        (True, {"fid": [1.0]}, "lesson must be one of"),
        (np.int64(5), {"fid": [1.0]}, "lesson must be one of"),
        (
            "03",
            {"FID": [1.0], "d_loss": [1.0]},
            "your run has 'FID', which lesson 03's reference does not record: did you mean 'fid'?",
        ),  # fmt: skip
        ("03", {"fid": [1.0], "dloss": [1.0]}, "did you mean 'd_loss'?"),
        ("03", {"fid": []}, "your run's ['fid'] are empty"),
        ("03", {"fid": 3.0}, "your run's fid must be a list with one value per point, got 3.0"),
        ("03", {"fid": ["a", "b"]}, "your run's fid must be numbers, one per point"),
        ("03", {"fid": [[1.0, 2.0]]}, "one value per point (a flat list), got shape (1, 2)"),
        ("07", {"fid": [1.0, 2.0], "steps": [500, 500]}, "steps must be positive and increasing"),
        ("07", {"fid": [1.0, 2.0], "steps": [1000, 500]}, "steps must be positive and increasing"),
        ("07", {"fid": [1.0], "steps": [math.nan]}, "steps must be positive and increasing"),
        ("07", {"fid": [1.0], "steps": [-500]}, "steps must be positive and increasing"),
        ("03", [1.0, 2.0], "yours must be a History (or its .history) or a dict"),
    ],
)
def test_bad_runs_are_refused_with_the_fix(small_csv, lesson, yours, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        reference.compare(lesson, yours, small_csv)


def test_plot_takes_one_metric_by_name(small_csv):
    assert len(reference.plot("03", path=small_csv, metrics="fid")) == 1
    plt.close("all")


def test_a_numpy_integer_lesson_and_a_keras_extra_key_are_fine(small_csv):
    rows = reference.compare(np.int64(3), {"fid": [110.0], "d_acc": [0.5], "loss": [1.0]}, small_csv, show=False)
    assert [r["verdict"] for r in rows] == ["inside"]  # keys that are no metric's near-miss are left alone


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda path: reference.compare("03", {"fid": [1.0]}, path, show="yes"), "show must be True or False"),
        (lambda path: reference._band("03", "FID", path), "records ['fid', 'd_loss', 'g_loss'], not 'FID'"),
        (lambda path: reference._band("03", None, path), "not None"),
        (lambda path: reference._band("04", "fid", path), "lesson must be one of"),
        (lambda path: reference.record("03", 0, scale=0), "scale must be a positive number, got 0"),
        (lambda path: reference.record("03", 0, scale=2.0), "scale must be in (0, 1]"),
        (lambda path: reference.record("03", 0, scale=True), "scale must be a positive number, got True"),
        (lambda path: reference.record("03", -1), "seed must be a non-negative integer, got -1"),
        (lambda path: reference.record("03", 1.5), "seed must be a non-negative integer, got 1.5"),
        (lambda path: reference.per_epoch({"d_loss": [1.0]}, 0), "steps_per_epoch must be a positive integer"),
        (lambda path: reference.Tracker("03", extractor="classifier"), "extractor must map images to features"),
        (lambda path: reference.plot("03", path=path, metrics=["fidelity"]), "records ['fid', 'd_loss', 'g_loss']"),
    ],
)
def test_other_arguments_are_checked_at_the_door(small_csv, call, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        call(small_csv)


def _three_seeds(tmp_path, fids):
    """Lesson 03's curves, seed s's FID at point p being fids[s][p]."""
    rows = [
        {"lesson": "03", "seed": s, "point": p + 1, "epoch": p + 1, "steps": 468 * (p + 1), "fid": f, "d_loss": 1.0,
         "g_loss": 1.0}
        for s, seed_fids in enumerate(fids)
        for p, f in enumerate(seed_fids)
    ]  # fmt: skip
    return _write(tmp_path / "curves.csv", rows)


def test_a_diverged_seed_leaves_the_band_to_the_finite_seeds_and_says_so(tmp_path, capsys):
    path = _three_seeds(tmp_path, [(100.0, 40.0, 30.0), (120.0, math.nan, math.inf), (110.0, 60.0, math.nan)])
    b = reference._band("03", "fid", path)
    assert b["x"].tolist() == [1, 2, 3] and b["n"].tolist() == [3, 2, 1]
    assert b["low"].tolist() == [100, 40, 30] and b["high"].tolist() == [120, 60, 30]
    assert b["mean"].tolist() == pytest.approx([110, 50, 30])
    assert all(np.isfinite(b[k]).all() for k in ("low", "mean", "high"))  # never a silent nan band
    out = capsys.readouterr().out
    assert "lesson 03's fid is not a number for 3 seed-point(s)" in out and "see its 'n'" in out
    rows = reference.compare("03", {"fid": [105.0, 45.0, 30.0]}, path, show=False)
    assert [r["verdict"] for r in rows] == ["inside"] * 3
    capsys.readouterr()
    reference._band("03", "d_loss", path)
    assert capsys.readouterr().out == ""  # nothing left out, nothing said


def test_a_point_where_every_seed_diverged_is_left_out_and_a_curve_of_nothing_is_refused(tmp_path):
    b = reference._band("03", "fid", _three_seeds(tmp_path, [(100.0, math.nan), (120.0, math.nan)]))
    assert b["x"].tolist() == [1] and b["n"].tolist() == [2]
    with pytest.raises(ValueError, match="fid in .*curves.csv has no number at any point: run `python benchmarks"):
        reference._band("03", "fid", _three_seeds(tmp_path, [(math.nan,), (math.nan,)]))


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda text: text.replace("03,1,2,2,936", "03,1,2,2,9x6"), "line 5, column 'steps': '9x6' is not a whole"),
        (
            lambda text: text.replace("03,1,2,2,936,50.0", "03,1,2,2,936,fifty"),
            "line 5, column 'fid': 'fifty' is not readable",
        ),
        (lambda text: text.replace("03,1,2,2,936", "03,1,2,nan,936"), "column 'epoch': 'nan' is not a finite"),
        (lambda text: text + "03,1,2,2,936,50.0,,1.2,0.8\n", "has lesson 03's seed 1, point 2 twice"),
        (lambda text: text.replace("g_loss", "gloss"), "lacks the column(s) ['g_loss']"),
        (lambda text: "", "is empty (no header line)"),
    ],
    ids=["steps", "fid", "epoch", "repeated point", "header", "empty"],
)
def test_a_damaged_curves_file_is_refused_naming_the_file_line_and_column(small_csv, edit, says):
    small_csv.write_text(edit(small_csv.read_text()))
    with pytest.raises(ValueError, match=r"curves\.csv.*" + re.escape(says)):
        reference._band("03", "fid", small_csv)


def test_a_metric_the_run_does_not_record_and_a_file_without_the_lesson_are_refused(small_csv, tmp_path):
    with pytest.raises(ValueError, match="records \\['fid', 'd_loss', 'g_loss'\\], not 'fidelity'"):
        reference._band("03", "fidelity", small_csv)
    with pytest.raises(ValueError, match="has no curves of lesson 02: run `python benchmarks/reference_curves.py"):
        reference._curves("02", small_csv)
    with pytest.raises(FileNotFoundError, match="reference_curves.py"):
        reference._curves("03", tmp_path / "none.csv")


def test_per_epoch_averages_whole_epochs():
    out = reference.per_epoch({"d_loss": [1, 2, 3, 4, 5, 6, 7], "g_loss": [0, 0, 2, 2, 4, 4, 9]}, 2)
    assert out == {"d_loss": [1.5, 3.5, 5.5], "g_loss": [0.0, 2.0, 4.0]}  # step 7 starts an unfinished epoch
    for bad in (0, 2.0, True, None):
        with pytest.raises(ValueError, match="steps_per_epoch must be a positive integer"):
            reference.per_epoch({"d_loss": [1.0]}, bad)


def test_plot_draws_the_band_and_your_run(small_csv):
    axes = reference.plot("03", {"fid": [130.0, 50.0], "d_loss": [1.0, 1.1], "g_loss": [0.7, 0.8]}, small_csv)
    assert [ax.get_title() for ax in axes] == ["fid", "d_loss", "g_loss"]
    assert [ax.get_ylabel() for ax in axes] == ["FID (log scale)", "D's loss", "G's loss"]
    assert len(axes[0].collections) == 1  # the band
    yours = [line for line in axes[0].lines if line.get_label() == "your run"]
    assert yours and yours[0].get_ydata().tolist() == [130.0, 50.0]
    assert axes[0].get_yscale() == "log" and axes[1].get_yscale() == "linear"
    plt.close("all")
    assert len(reference.plot("07", path=small_csv, metrics=["fidelity"])) == 1  # the band alone
    plt.close("all")


def test_plot_draws_several_runs_by_label_and_compare_says_when_a_run_is_too_short(small_csv, capsys):
    runs = {"seed 0": {"steps": [600, 1000], "fid": [70.0, 25.0]}, "seed 1": {"steps": [600], "fid": [90.0]}}
    (ax,) = reference.plot("07", runs, small_csv, metrics=["fid"])
    assert {line.get_label(): line.get_ydata().tolist() for line in ax.lines if "seed" in line.get_label()} == {
        "seed 0": [70.0, 25.0],
        "seed 1": [90.0],
    }
    plt.close("all")
    assert reference.compare("07", {"steps": [100, 200], "fid": [300.0, 200.0]}, small_csv) == []
    assert "the reference starts at steps 500: train further to compare" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------------------------
# The FID is measured as the reference measures it


@pytest.fixture(scope="module")
def classifier():
    return features.load_classifier("fashion_mnist")


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_score_is_the_frechet_distance_of_the_documented_protocol(classifier):
    keras.utils.set_random_seed(0)
    g = models.mlp_generator(100)
    test = data.load_images("fashion_mnist", "test", verbose=False)
    real = classifier.features(test.images[np.random.default_rng(1).permutation(len(test.images))[:5000]])
    z = np.random.default_rng(2).normal(size=(1000, 100)).astype("float32")
    by_hand = metrics.fid_from_features(real, classifier.features(g(z, training=False).numpy()))
    assert reference.score(g, "02", classifier)["fid"] == pytest.approx(by_hand, rel=1e-6)
    gan = build_gan(g, models.mlp_discriminator(), seed=0)  # a GAN without EMA samples from G itself
    assert reference.score(gan, "03", classifier)["fid"] == pytest.approx(by_hand, rel=1e-6)


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_lesson_06s_fid_is_measured_as_stability_compare_on_images_measures_it(classifier):
    from gan_course import stability

    gan = stability.RECIPE.build(seed=0)
    train = data.load_images("fashion_mnist", "train", verbose=False).images  # lesson 06's images
    real = classifier.features(train[np.random.default_rng(1).permutation(len(train))[:2000]])
    z = np.random.default_rng(12345).normal(size=(2000, 100)).astype(np.float32)
    fake = np.concatenate([gan.sampler(z[i : i + 500], training=False).numpy() for i in range(0, 2000, 500)])
    by_hand = metrics.fid_from_features(real, classifier.features(fake))
    assert reference.score(gan, "06", classifier)["fid"] == pytest.approx(by_hand, rel=1e-5)


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_lesson_08s_fid_is_lesson_08s_own_against_the_held_out_classes(classifier):
    from gan_course import callbacks, transfer

    g, d, _ = transfer.load_pretrained()
    test = data.load_images("fashion_mnist", "test", verbose=False)
    new_test = transfer.class_subset(test.images, test.labels, transfer.HELD_OUT)
    gan = build_gan(g, d, seed=0)
    tracker = callbacks.FIDTracker(classifier.features(new_test[:2000]), classifier, n_samples=2000)  # lesson 08's
    tracker.set_model(gan)
    logs = {}
    tracker.on_epoch_end(0, logs)
    assert reference.score(gan, "08", classifier)["fid"] == pytest.approx(logs["fid"], rel=1e-5)


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_score_of_a_conditional_generator_asks_for_every_class_and_reports_fidelity(classifier):
    from gan_course import conditional

    keras.utils.set_random_seed(0)
    g = conditional.conditional_lean_generator(100, 10)
    result = reference.score(g, "07", classifier)
    assert set(result) == {"fid", "fidelity"} and 0 <= result["fidelity"] <= 1
    with pytest.raises(ValueError, match="model must be a GAN"):
        reference.score("generator", "07", classifier)


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_tracker_is_a_fid_tracker_that_logs_exactly_what_score_computes(classifier):
    from gan_course import callbacks

    keras.utils.set_random_seed(0)
    gan = build_gan(models.dcgan_lean_generator(100), models.dcgan_lean_discriminator(), seed=0)
    images = data.load_images("fashion_mnist", "train", verbose=False).images[:64]
    tracker = reference.Tracker("03", classifier)
    history = gan.fit(data.make_dataset(images, 32, seed=0), epochs=2, callbacks=[tracker], verbose=0)
    assert history.history["steps"] == [2, 4]
    assert [s for s, _ in tracker.history] == [2, 4]
    assert history.history["fid"][1] == reference.score(gan, "03", classifier)["fid"]  # exactly: one implementation
    assert isinstance(tracker, callbacks.FIDTracker)
    run = reference.RUNS["03"]
    assert (tracker.n_samples, tracker.seed, tracker.batch_size) == (run.n_fake, run.z_seed, 500)


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
@pytest.mark.parametrize("lesson", ["02", "03", "06", "07", "08"])
def test_record_trains_the_lessons_run_and_scores_every_point(classifier, lesson, tmp_path):
    train = data.load_images("fashion_mnist", "train", verbose=False)
    # 06-08: one point of 2, 10 and 3 steps (08 on 10 images); 02 and 03: 4 and 2 epochs of 128 images
    n, scale = {"02": (640, 0.1), "03": (640, 0.1), "06": (640, 0.02), "07": (6400, 0.02), "08": (6400, 0.02)}[lesson]
    rows = reference.record(lesson, 0, classifier, train.images[:n], train.labels[:n], scale=scale)
    run = reference.RUNS[lesson]
    assert list(rows[0]) == COLUMNS
    assert [r["point"] for r in rows] == list(range(1, max(1, round(run.points * scale)) + 1))
    steps = [r["steps"] for r in rows]
    assert steps == sorted(steps) and steps[0] > 0
    for r in rows:
        assert all(math.isfinite(r[m]) for m in run.metrics), r
        assert all(r[m] == "" for m in set(COLUMNS[5:]) - set(run.metrics)), r
    path = experiments.write_results(tmp_path / "curves.csv", rows)
    assert reference._band(lesson, "fid", path)["seeds"] == [0]
    with pytest.raises(ValueError, match="scale must be a positive number, got 0"):
        reference.record(lesson, 0, classifier, train.images[:n], scale=0)
    if lesson in ("07", "08"):
        with pytest.raises(ValueError, match="needs labels="):
            reference.record(lesson, 0, classifier, train.images[:n], scale=scale)


# ---------------------------------------------------------------------------------------------------------------
# The curves that ship with the course


def test_the_shipped_curves_cover_every_run_seed_and_point():
    for lesson, run in reference.RUNS.items():
        rows = reference._curves(lesson)
        assert sorted({r["seed"] for r in rows}) == list(reference.SEEDS), lesson
        for seed in reference.SEEDS:
            mine = [r for r in rows if r["seed"] == seed]
            assert [r["point"] for r in mine] == list(range(1, run.points + 1)), (lesson, seed)
            assert [r["steps"] for r in mine] == [run.every * p for p in range(1, run.points + 1)], (lesson, seed)
            assert all(math.isfinite(r[m]) for r in mine for m in run.metrics), (lesson, seed)
        fid = reference._band(lesson, "fid")
        assert fid["mean"][-1] < fid["mean"][0] / 2, f"lesson {lesson}'s FID does not fall during training"


def _benchmark_script():
    spec = importlib.util.spec_from_file_location("reference_curves", ROOT / "benchmarks" / "reference_curves.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_script_replaces_the_runs_it_records_and_keeps_the_others(tmp_path, monkeypatch, capsys):
    script = _benchmark_script()
    old = [{"lesson": lesson, "seed": seed, "point": 1, "epoch": 1, "steps": 468, "fid": 50.0, "d_loss": 1.0,
            "g_loss": 1.0} for lesson, seed in [("03", 101), ("02", 100), ("03", 100)]]  # fmt: skip
    out = _write(tmp_path / "curves.csv", old)
    train = data.ImageData(np.zeros((4, 28, 28, 1), np.float32), np.arange(4), "fashion_mnist", "train", "test", "-")
    calls = []

    def record(lesson, seed, classifier, images, labels):  # two points of a run, instead of training one
        calls.append((lesson, seed, classifier, images is train.images, labels is train.labels))
        return [{"lesson": lesson, "seed": seed, "point": p, "epoch": p, "steps": 468 * p, "fid": 10.0 / p,
                 "fidelity": "", "d_loss": 0.5, "g_loss": 2.0} for p in (1, 2)]  # fmt: skip

    monkeypatch.setattr(reference, "record", record)
    monkeypatch.setattr(data, "load_images", lambda *a, **k: train)
    monkeypatch.setattr(features, "load_classifier", lambda name: "the classifier")
    monkeypatch.setattr(sys, "argv", ["reference_curves.py", "--lessons", "03", "--seeds", "101", "--out", str(out)])
    script.main()
    assert calls == [("03", 101, "the classifier", True, True)]
    with open(out, newline="") as f:
        got = [(r["lesson"], r["seed"], r["point"], r["fid"]) for r in csv.DictReader(f)]
    assert got == [("02", "100", "1", "50.0"), ("03", "100", "1", "50.0"), ("03", "101", "1", "10.0"),
                   ("03", "101", "2", "5.0")]  # fmt: skip
    assert "lesson 03 seed 101: 2 points, last (epoch 2): fid 5, d_loss 0.5, g_loss 2" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["reference_curves.py", "--lessons", "05", "--out", str(out)])
    with pytest.raises(SystemExit):  # a lesson without reference curves is refused before anything runs
        script.main()
    assert "invalid choice: '05'" in capsys.readouterr().err and len(calls) == 1
