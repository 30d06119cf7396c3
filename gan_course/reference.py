"""Reference curves: the course's own full runs, so that you can tell whether your run looks like ours.

Lessons 02, 03, 06, 07 and 08 each train one model at full settings. ``benchmarks/reference_curves.py``
trained each of them again with three seeds (``SEEDS``, none of them a lesson's own, so a lesson's
run is an independent check) on the course's 2-core CPU and scored it at the points where the lesson
scores it: after every epoch (02, 03) or every ``RUNS[lesson].every`` generator steps (06-08). The
result ships with the package (``gan_course/results``); its band is the lowest, mean and highest value
over the seeds at every point; ``plot`` draws that band with your run on top, and ``compare`` says,
point by point, whether your numbers are inside it.

What you can compare: losses straight from your training history, and FID only when it is measured
the way the reference measures it (a FID depends on the number of images, the real images and the
feature extractor): ``score`` (any generator, e.g. in lesson 02's hand-written loop) and ``Tracker``
(``callbacks.FIDTracker`` set up for ``GAN.fit``) measure it exactly as ``RUNS[lesson]`` says. A band from three
seeds is narrow: a run a little outside it is not broken, one whose FID is twice the band's top at
the same point, or whose losses drift away from it, is worth a look (lesson 09's checklist). The
runs are deterministic on one machine; another machine or TensorFlow version gives a different run
of the same distribution, which is what the band stands for.
Introduced in lesson 02; the lessons' own runs are compared with it in lessons 02, 03, 06, 07 and 08.

Used in lessons 02, 03, 06, 07 and 08.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import keras
import numpy as np

from gan_course import _shipped, experiments
from gan_course._checks import finite_text as _finite
from gan_course._checks import integer, number
from gan_course.callbacks import FIDTracker

#: The curves that ship with the course: ``benchmarks/reference_curves.py``'s CSV.
_REFERENCE_CSV = _shipped.RESULTS / "reference_curves.csv"
#: The seeds the shipped curves were recorded with (the lessons train with 0, 1 and 42).
SEEDS = (100, 101, 102)
DATASET = "fashion_mnist"
_COMMAND = "python benchmarks/reference_curves.py"
_METRICS = ("fid", "fidelity", "d_loss", "g_loss")


@dataclass(frozen=True)
class _Run:
    """One lesson's reference run: what trains, and where it is scored. Introduced in lesson 02."""

    lesson: str
    title: str  # the model and its settings, as the lesson trains it
    x: str  # the curves' x axis: "epoch" or "steps" (generator steps)
    points: int  # scoring points in a full run
    every: int  # generator steps between two points (one epoch for the per-epoch runs)
    metrics: tuple  # what is recorded at each point
    # How its FID is measured: the course classifier's features of n_real real images against n_fake
    # generated ones from noise drawn by numpy.random.default_rng(z_seed). real = "all": the first
    # n_real of the test set permuted by default_rng(1) (as lesson 07); "train": the same of the
    # training set (as lesson 06's stability.compare_on_images); "held_out": the first n_real test
    # images of transfer.HELD_OUT (as lesson 08). A conditional generator is asked for every class
    # equally often (label i % 10 for sample i).
    real: str = "all"
    n_real: int = 5000
    n_fake: int = 1000
    z_seed: int = 2

    @property
    def steps(self) -> int:
        """Generator steps of the full run."""
        return self.points * self.every


_EPOCH_STEPS = 60000 // 128  # Fashion-MNIST's 60 000 training images in full batches of 128
RUNS = {
    "02": _Run("02", "MLP GAN, Adam 2e-4 (beta_1 0.5), batch 128, 40 epochs", "epoch", 40, _EPOCH_STEPS,
              ("fid", "d_loss", "g_loss")),
    "03": _Run("03", "lean DCGAN, non-saturating loss, Adam 2e-4 (beta_1 0.5), batch 128, 20 epochs", "epoch", 20,
              _EPOCH_STEPS, ("fid", "d_loss", "g_loss")),
    "06": _Run("06", "lean DCGAN with stability.RECIPE (non-saturating, lr 8e-4, batch 64, EMA of G)", "steps", 10,
              100, ("fid", "d_loss", "g_loss"), real="train", n_real=2000, n_fake=2000, z_seed=12345),
    "07": _Run("07", "conditional lean DCGAN, projection D, stability.RECIPE (batch 64, EMA of G)", "steps", 6, 500,
              ("fid", "fidelity", "d_loss", "g_loss")),
    "08": _Run("08", "pretrained lean DCGAN fine-tuned with FreezeD (1 block) on 500 sandals and ankle boots, "
              "stability.RECIPE", "steps", 6, 150, ("fid", "d_loss", "g_loss"), real="held_out", n_real=2000,
              n_fake=2000, z_seed=0),
}  # fmt: skip


def _run(lesson) -> _Run:
    key = f"{lesson:02d}" if isinstance(lesson, (int, np.integer)) and not isinstance(lesson, bool) else lesson
    if not isinstance(key, str) or key not in RUNS:
        raise ValueError(f"lesson must be one of {sorted(RUNS)} (the lessons with reference curves), got {lesson!r}")
    return RUNS[key]


# ---------------------------------------------------------------------------------------------------------------
# Measuring a run the way the reference does


_REAL_FEATURES: dict = {}


def _extractor(extractor):
    from gan_course import features

    if extractor is not None and not callable(extractor):
        raise ValueError(
            f"extractor must map images to features (e.g. features.load_classifier()), or None for the course "
            f"classifier; got {type(extractor).__name__}"
        )
    return features.load_classifier(DATASET) if extractor is None else extractor


def _real_features(run: _Run, extractor) -> np.ndarray:
    """The extractor's features of ``run``'s reference real images (``real``, ``n_real``), computed once and kept."""
    from gan_course import data, transfer

    key = (id(extractor), run.real, run.n_real)
    if key not in _REAL_FEATURES:
        split = data.load_images(DATASET, "train" if run.real == "train" else "test", verbose=False)
        if run.real == "held_out":
            real = transfer.class_subset(split.images, split.labels, transfer.HELD_OUT)[: run.n_real]
        else:
            real = split.images[np.random.default_rng(1).permutation(len(split.images))[: run.n_real]]
        _REAL_FEATURES[key] = (extractor, np.asarray(extractor(real)))  # the extractor is kept alive with its id
    return _REAL_FEATURES[key][1]


def _generator_of(model):
    """The network to sample from: a GAN's ``sampler`` (its moving average of G, if any) or a generator."""
    network = getattr(model, "sampler", model)
    if not isinstance(network, keras.Model):
        raise ValueError(f"model must be a GAN (gan_course.gan.GAN) or a Keras generator, got {type(model).__name__}")
    return network


class Tracker(FIDTracker):
    """``callbacks.FIDTracker`` set up as lesson ``lesson``'s reference run measures: ``score(gan, lesson)`` after
    every epoch, into the epoch's logs (so into ``History``).

    FID: ``RUNS[lesson].n_fake`` samples from the noise of ``numpy.random.default_rng(RUNS[lesson].z_seed)``
    against the ``extractor``'s features of the run's real images (default: the course classifier); a
    conditional generator is asked for every class equally often (label i % ``n_classes`` for sample i)
    and its class fidelity is logged too (lesson 07: the share of samples that the classifier reads as the
    class asked for). With ``steps_per_epoch`` set to a run's ``every`` (lesson 07's reference: 500 steps),
    an "epoch" is one scoring point; the logs also get ``steps``, the generator steps so far. ``history``
    keeps (steps, scores). Introduced in lesson 03.
    """

    def __init__(self, lesson, extractor=None, n_classes: int = 10):
        run, extractor = _run(lesson), _extractor(extractor)
        super().__init__(
            _real_features(run, extractor), extractor, n_samples=run.n_fake, seed=run.z_seed, batch_size=500
        )
        self.lesson, self.n_classes = run.lesson, integer(n_classes, "n_classes", 2)
        self.history: list[tuple[int, dict]] = []

    def on_train_begin(self, logs=None):
        pass  # the labels follow the generator measured (``measure``)

    def measure(self, generator) -> dict:
        """{"fid": ..., and for a conditional generator "fidelity": ...} of ``generator`` (a Keras generator)."""
        from gan_course import conditional, training

        _, label_shape = training.generator_inputs(generator)
        classes = (np.arange(self.n_samples) % self.n_classes).astype(np.int32)
        self.labels = None if label_shape is None else classes[:, None]
        images = self.sample(generator)
        scores = {"fid": self.fid(images)}
        if self.labels is not None:
            fidelity = conditional.class_fidelity(self.extractor, images, classes, self.n_classes)
            scores["fidelity"] = float(fidelity.overall)
        return scores

    def on_epoch_end(self, epoch, logs=None):
        scores = self.measure(_generator_of(self.model))
        steps = int(self.model.g_optimizer.iterations.numpy())
        self.history.append((steps, scores))
        if logs is not None:
            logs.update(scores)
            logs["steps"] = steps


def score(model, lesson, extractor=None, n_classes: int = 10) -> dict:
    """{"fid": ..., and for a conditional generator "fidelity": ...} measured as lesson ``lesson``'s reference.

    ``model`` is a ``GAN`` (its ``sampler`` is used: the moving average of G when it keeps one) or a
    Keras generator, e.g. lesson 02's MLP; ``extractor``: the course classifier by default. The
    measurement is ``Tracker(lesson, extractor).measure``: what a ``Tracker`` logs during ``fit``.
    Introduced in lesson 02.
    """
    network = _generator_of(model)
    return Tracker(lesson, extractor, n_classes).measure(network)


# ---------------------------------------------------------------------------------------------------------------
# Reading the shipped curves


def _number(text: str) -> float:
    return float(text) if text else math.nan  # a metric another lesson's run records is left empty


def _curves(lesson, path=None) -> list[dict]:
    """Rows of the reference CSV for ``lesson``: one per seed and point, with ``seed``, ``point``,
    ``epoch``, ``steps`` and the run's metrics. ``path``: your own run of the benchmark.
    Introduced in lesson 02.
    """
    run = _run(lesson)
    columns = {"lesson": str, "seed": int, "point": int, "epoch": _finite, "steps": int}
    columns.update({m: _number for m in _METRICS})
    path = _REFERENCE_CSV if path is None else path
    rows = [r for r in experiments.read_results(path, columns, _COMMAND) if r["lesson"].zfill(2) == run.lesson]
    if not rows:
        raise ValueError(f"{path} has no curves of lesson {run.lesson}: run `{_COMMAND} --lessons {run.lesson}`")
    seen = set()
    for row in rows:  # one row per seed and point, or the band would count a seed twice
        key = (row["seed"], row["point"])
        if key in seen:
            raise ValueError(f"{path} has lesson {run.lesson}'s seed {key[0]}, point {key[1]} twice: run "
                             f"`{_COMMAND} --lessons {run.lesson}` again, or delete the repeated row")  # fmt: skip
        seen.add(key)
    for row in rows:
        for m in set(_METRICS) - set(run.metrics):
            del row[m]
    return rows


def _band(lesson, metric: str, path=None) -> dict:
    """The reference band of one metric: {"x", "low", "mean", "high", "n", "seeds"} (arrays over the points).

    ``x`` is the run's axis (``RUNS[lesson].x``: epochs or generator steps); low, mean and high are the
    lowest, mean and highest value over the seeds at each point, counting only the seeds whose value there
    is a number: a nan (that seed's run diverged) or a seed that stopped early does not count. ``n`` says
    how many seeds each point rests on; a point where no seed has a number is left out. When a nan is left
    out, one line says so. Introduced in lesson 02.
    """
    run = _run(lesson)
    if not isinstance(metric, str) or metric not in run.metrics:
        raise ValueError(f"lesson {run.lesson}'s reference records {list(run.metrics)}, not {metric!r}")
    rows = _curves(run.lesson, path)
    points = sorted({r["point"] for r in rows})
    x_key = "steps" if run.x == "steps" else "epoch"
    x, low, mean, high, n, diverged = [], [], [], [], [], []
    for p in points:
        at = [r for r in rows if r["point"] == p]  # seeds that stopped early lack the last points
        values = np.array([r[metric] for r in at], dtype=float)
        keep = np.isfinite(values)
        diverged += [(r["seed"], r[x_key]) for r, k in zip(at, keep) if not k]
        if keep.any():
            x.append(at[0][x_key])
            low.append(values[keep].min())
            mean.append(values[keep].mean())
            high.append(values[keep].max())
            n.append(int(keep.sum()))
    if not x:
        raise ValueError(f"lesson {run.lesson}'s {metric} in {path or _REFERENCE_CSV} has no number at any point: "
                         f"run `{_COMMAND} --lessons {run.lesson}` again")  # fmt: skip
    if diverged:
        print(f"reference: lesson {run.lesson}'s {metric} is not a number for {len(diverged)} seed-point(s) "
              f"(seed, {run.x}: {diverged[:4]}{' ...' if len(diverged) > 4 else ''}; those runs diverged): "
              "the band there rests on the other seeds, see its 'n'")  # fmt: skip
    return {
        "x": np.array(x, dtype=float),
        "low": np.array(low),
        "mean": np.array(mean),
        "high": np.array(high),
        "n": np.array(n),
        "seeds": sorted({r["seed"] for r in rows}),
    }


# ---------------------------------------------------------------------------------------------------------------
# Your run against the band


def per_epoch(history, steps_per_epoch: int) -> dict:
    """Epoch means of a per-step history (lesson 02's loop, ``training.train``): {name: [epoch 1, 2, ...]}.

    Only whole epochs are kept. Introduced in lesson 02.
    """
    steps_per_epoch = integer(steps_per_epoch, "steps_per_epoch", 1)
    if not isinstance(getattr(history, "steps", history), dict):
        raise TypeError(f"history must be a training.History or a dict of per-step lists, got {type(history).__name__}")
    out = {}
    for name, values in dict(getattr(history, "steps", history)).items():  # training.History keeps them in .steps
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            continue
        whole = len(values) // steps_per_epoch
        out[name] = values[: whole * steps_per_epoch].reshape(whole, steps_per_epoch).mean(axis=1).tolist()
    return out


def _yours(run: _Run, yours) -> tuple[dict, np.ndarray]:
    """({metric: values}, x) of a learner's run: a dict of lists or a Keras ``History``."""
    if hasattr(yours, "epoch_means"):  # training.History (lesson 02's loop in the package): per step
        yours = {m: yours.epoch_means(m).tolist() for m in ("d_loss", "g_loss")}
    logs = getattr(yours, "history", yours)
    if not isinstance(logs, dict):
        raise ValueError(
            f"yours must be a History (or its .history) or a dict of per-point lists, got {type(yours).__name__}"
        )
    logs = dict(logs)
    for key in logs:  # a misspelt metric would be left out without a word
        if key not in run.metrics and key not in _METRICS:
            spelt = str(key).lower().replace("-", "_").strip()
            near = [m for m in run.metrics if spelt == m] or difflib.get_close_matches(spelt, run.metrics, 1, 0.85)
            if near:
                raise ValueError(f"your run has {key!r}, which lesson {run.lesson}'s reference does not record: "
                                 f"did you mean {near[0]!r}? It records {list(run.metrics)}")  # fmt: skip
    present = [m for m in run.metrics if m in logs]
    if not present:
        raise ValueError(
            f"your run has none of {list(run.metrics)} (it has {sorted(logs)}): give per-point values, e.g. "
            "History.history with a reference.Tracker among the callbacks, or reference.per_epoch(history, steps)"
        )
    for m in present + (["steps"] if "steps" in logs else []):
        if isinstance(logs[m], (str, bytes)) or not hasattr(logs[m], "__len__"):
            raise ValueError(f"your run's {m} must be a list with one value per point, got {logs[m]!r}")
    n = {m: len(logs[m]) for m in present}
    if len(set(n.values())) != 1:
        raise ValueError(f"your run's metrics have different lengths {n}: give one value per point for each")
    length = next(iter(n.values()))
    if run.x == "steps":
        if "steps" not in logs or len(logs["steps"]) != length:
            raise ValueError(
                f"lesson {run.lesson}'s reference is by generator steps: give 'steps' (one per point) beside "
                f"{present}, as reference.Tracker logs them"
            )
        x = _numbers(logs["steps"], "steps")
        if not np.all(np.isfinite(x)) or np.any(x <= 0) or np.any(np.diff(x) <= 0):
            raise ValueError(
                f"your run's steps must be positive and increasing, one per point, got {x.tolist()}: "
                "give the generator steps at each scoring point, as reference.Tracker logs them"
            )
    else:
        x = np.arange(1, length + 1, dtype=float)
    if length == 0:
        raise ValueError(f"your run's {present} are empty: train at least one {run.x} and give its values")
    values = {m: _numbers(logs[m], m) for m in present}
    return values, x


def _numbers(values, name: str) -> np.ndarray:
    """A learner's per-point values as a 1-D float array (nan and inf kept: they mean a diverged run)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"your run's {name} must be numbers, one per point, got {values!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"your run's {name} must be one value per point (a flat list), got shape {arr.shape}")
    return arr


def compare(lesson, yours, path=None, show: bool = True) -> list[dict]:
    """Your run beside the reference band, point by point: rows with x, metric, yours, low, high and verdict.

    ``yours`` is a ``History`` (or its ``.history``) with the run's metrics per point, e.g. from
    ``GAN.fit`` with a ``Tracker``, or ``per_epoch(...)`` plus {"fid": [...]} from ``score``. A point
    between two of the reference's (lesson 07's step counts) is compared with the band interpolated
    linearly between them; points before the first are left out, points after the last are compared
    with the last band (and say so in ``reference_x``). ``show`` prints one line per metric: how many points
    are inside, and the farthest outside. Introduced in lesson 02.
    """
    run = _run(lesson)
    if not isinstance(show, (bool, np.bool_)):
        raise ValueError(f"show must be True or False, got {show!r}")
    values, x = _yours(run, yours)
    rows = []
    for metric, mine in values.items():
        b = _band(run.lesson, metric, path)
        for xi, v in zip(x, mine):
            if not math.isfinite(v):
                rows.append({"x": xi, "metric": metric, "yours": v, "verdict": "not a number"})
                continue
            if xi < b["x"][0] - 1e-9:
                continue  # before the first reference point
            at = min(xi, b["x"][-1])  # beyond the reference's last point: its last band
            low, high = np.interp(at, b["x"], b["low"]), np.interp(at, b["x"], b["high"])
            if low <= v <= high:
                verdict = "inside"
            else:
                edge = high if v > high else low
                verdict = f"{'above' if v > high else 'below'} by {abs(v - edge):.3g}"
            rows.append({"x": xi, "metric": metric, "yours": float(v), "low": float(low), "high": float(high),
                         "reference_x": float(at), "verdict": verdict})  # fmt: skip
    if show:
        for metric in values:
            mine = [r for r in rows if r["metric"] == metric]
            inside = sum(r["verdict"] == "inside" for r in mine)
            line = f"{metric:<8} {inside:>2} of {len(mine)} points inside the course's band"
            if not mine:
                first = _band(run.lesson, metric, path)["x"][0]
                line += f" (the reference starts at {run.x} {first:g}: train further to compare)"
            outside = [r for r in mine if r["verdict"] not in ("inside", "not a number")]
            if outside:
                far = max(outside, key=lambda r: abs(r["yours"] - (r["high"] if r["yours"] > r["high"] else r["low"])))
                line += (f"; farthest: {run.x} {far['x']:g}, yours {far['yours']:.3g}, band "
                         f"{far['low']:.3g}-{far['high']:.3g}")  # fmt: skip
            if any(r["verdict"] == "not a number" for r in mine):
                line += "; some values are not numbers (nan or inf): the run diverged there"
            print(line)
    return rows


def _is_run(value) -> bool:
    return hasattr(value, "history") or hasattr(value, "epoch_means") or isinstance(value, dict)


_AXIS_LABELS = {"fid": "FID (log scale)", "fidelity": "class fidelity", "d_loss": "D's loss", "g_loss": "G's loss"}


def plot(lesson, yours=None, path=None, metrics=None, axes=None, label: str = "your run"):
    """Draw the reference band of each metric (lowest to highest over the seeds, and their mean), with your run.

    ``yours`` as in ``compare``, or several runs as {label: run} (e.g. two seeds); without it, only
    the band. Returns the axes. Introduced in lesson 02.
    """
    import matplotlib.pyplot as plt

    run = _run(lesson)
    metrics = [metrics] if isinstance(metrics, str) else list(run.metrics if metrics is None else metrics)
    for m in metrics:
        if m not in run.metrics:
            raise ValueError(f"lesson {run.lesson}'s reference records {list(run.metrics)}, not {m!r}")
    if yours is None:
        runs = {}
    elif isinstance(yours, dict) and yours and all(_is_run(v) for v in yours.values()):
        runs = {name: _yours(run, v) for name, v in yours.items()}
    else:
        runs = {label: _yours(run, yours)}
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
        axes = axes[0]
    for ax, metric in zip(axes, metrics):
        b = _band(run.lesson, metric, path)
        seeds = ", ".join(map(str, b["seeds"]))
        ax.fill_between(b["x"], b["low"], b["high"], color="C0", alpha=0.25, label=f"course, seeds {seeds}")
        ax.plot(b["x"], b["mean"], color="C0", lw=1, ls="--")
        for color, (name, (values, x)) in zip(("C3", "C1", "C2", "C4", "C5", "C6"), runs.items()):
            if metric in values:
                ax.plot(x, values[metric], color=color, marker=".", lw=1.2, label=name)
        ax.set_xlabel(run.x)
        ax.set_ylabel(_AXIS_LABELS.get(metric, metric))
        ax.set_title(metric)
        if metric == "fid":
            ax.set_yscale("log")
    axes[0].legend(fontsize=8)
    plt.gcf().suptitle(f"lesson {run.lesson}: {run.title}", fontsize=9)
    return axes


# ---------------------------------------------------------------------------------------------------------------
# Recording (benchmarks/reference_curves.py)


def record(lesson, seed: int, extractor=None, images=None, labels=None, scale: float = 1.0) -> list[dict]:
    """Train lesson ``lesson``'s reference run with ``seed`` and return one row per scoring point.

    ``images`` and ``labels`` (lessons 07 and 08 need them): the training data (default:
    Fashion-MNIST's training split). ``scale`` < 1 shortens the run (points and steps per point) for
    tests; the shipped curves use 1. Introduced in lesson 02.
    """
    import gan_course
    from gan_course import data

    run = _run(lesson)
    seed = integer(seed, "seed", 0)
    scale = number(scale, "scale", positive=True)
    if scale > 1:
        raise ValueError(f"scale must be in (0, 1] (1 is the full run), got {scale:g}")
    extractor = _extractor(extractor)
    if images is None:
        train = data.load_images(DATASET, "train", verbose=False)
        images, labels = train.images, train.labels
    if labels is None and run.lesson in ("07", "08"):
        raise ValueError(f"lesson {run.lesson}'s run needs labels= (one class index per image) beside images=")
    points = max(1, round(run.points * scale))
    gan_course.setup(seed, verbose=False)
    rows = []

    def add(point, steps, epoch, logs, scores):
        row = {"lesson": run.lesson, "seed": seed, "point": point, "epoch": round(epoch, 4), "steps": steps}
        for m in _METRICS:  # every row has every column; a metric this run does not record stays empty
            row[m] = round(float(scores[m] if m in scores else logs[m]), 5) if m in run.metrics else ""
        rows.append(row)

    if run.lesson == "02":
        from gan_course import models, training

        n = max(128, int(len(images) * scale))
        steps_per_epoch = n // 128
        g, d = models.mlp_generator(100), models.mlp_discriminator(images.shape[1:])

        def after_epoch(epoch, history):
            means = per_epoch({k: history[k][-steps_per_epoch:] for k in ("d_loss", "g_loss")}, steps_per_epoch)
            add(epoch, epoch * steps_per_epoch, epoch, {k: v[0] for k, v in means.items()}, score(g, "02", extractor))

        training.train(g, d, images[:n], epochs=points, batch_size=128, lr=2e-4, beta_1=0.5, seed=seed,
                       callbacks=[after_epoch], verbose=False)  # fmt: skip
        return rows

    from gan_course import conditional, models, stability, transfer
    from gan_course.gan import build_gan

    tracker, r = Tracker(run.lesson, extractor), stability.RECIPE
    if run.lesson == "03":
        n = max(128, int(len(images) * scale))
        gan = build_gan(models.dcgan_lean_generator(100), models.dcgan_lean_discriminator(), loss="non_saturating",
                        seed=seed)  # fmt: skip
        dataset = data.make_dataset(images[:n], 128, seed=seed)
        history = gan.fit(dataset, epochs=points, callbacks=[tracker], verbose=0).history
        epoch_steps = n // 128
    elif run.lesson == "06":  # as stability.compare_on_images builds and trains the recipe
        per_point = max(1, round(run.every * scale))
        gan = r.build(images.shape[1:], seed=seed)
        dataset = data.make_dataset(images, r.batch_size, seed=seed).repeat()
        history = gan.fit(dataset, steps_per_epoch=per_point, epochs=points, callbacks=[tracker], verbose=0).history
        epoch_steps = len(images) // r.batch_size
    elif run.lesson == "07":
        per_point = max(1, round(run.every * scale))
        gan = build_gan(conditional.conditional_lean_generator(100, 10),
                        conditional.conditional_lean_discriminator(10, mode="projection"),
                        loss=r.gan_loss(), g_lr=r.g_lr, d_lr=r.d_lr, beta_1=r.beta_1, beta_2=r.beta_2, ema=r.ema,
                        seed=seed)  # fmt: skip
        dataset = data.make_dataset(images, r.batch_size, seed=seed, labels=labels).repeat()
        history = gan.fit(dataset, steps_per_epoch=per_point, epochs=points, callbacks=[tracker], verbose=0).history
        epoch_steps = len(images) // r.batch_size
    else:  # "08": lesson 08's trial("500", seed, start="pretrained", freeze=1), its 500 images taken the same way
        new_train = transfer.class_subset(images, labels, transfer.HELD_OUT)
        n = max(1, round(500 * scale))
        subset = new_train[np.random.default_rng(0).permutation(len(new_train))[:n]]
        per_point = max(1, round(run.every * scale))
        g, d, _ = transfer.load_pretrained()
        transfer.freeze_lower_blocks(d, 1)
        gan = build_gan(g, d, loss=r.gan_loss(), g_lr=r.g_lr, d_lr=r.d_lr, beta_1=r.beta_1, beta_2=r.beta_2, ema=r.ema,
                        seed=seed)  # fmt: skip
        dataset = data.make_dataset(subset, min(r.batch_size, n), seed=seed).repeat()
        history = gan.fit(dataset, steps_per_epoch=per_point, epochs=points, callbacks=[tracker], verbose=0).history
        epoch_steps = max(1, n // min(r.batch_size, n))
    for i, (steps, scores) in enumerate(tracker.history):
        add(i + 1, steps, steps / epoch_steps, {k: history[k][i] for k in ("d_loss", "g_loss")}, scores)
    return rows
