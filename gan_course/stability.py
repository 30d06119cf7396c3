"""Training recipes: a loss and its stabilisers, checked together before training, and built into a ``GAN``.

A ``Recipe`` names everything lesson 06 compares on one budget: the loss (``losses.LOSSES``),
spectral normalisation of D (Keras' ``SpectralNormalization``), the R1 penalty, one-sided label
smoothing, two time-scales (``g_lr`` and ``d_lr``), gradient clipping (Keras' ``clipnorm``), a
moving average of G (``GAN(ema=...)``) and D steps per G step. ``recipe(**settings)`` checks the
names and the combinations at once; ``paper_settings(loss)`` gives each loss the optimizer
settings its authors used, so no loss is compared in another's settings. ``image_trial`` trains
the lean DCGAN with a recipe for a number of seconds and scores it, one row for
``experiments.run``. ``benchmark_results`` reads the ten-minute result of
``benchmarks/dcgan_time_to_quality.py`` that ships with the course.

Used in lessons 03, 06, 07 and 08.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields, replace

import numpy as np

from gan_course import _shipped, experiments
from gan_course import losses as gan_losses
from gan_course._checks import integer as _integer
from gan_course._checks import number as _finite_number
from gan_course.arrays import check_images
from gan_course.training import make_optimizer

# What each setting of a ``Recipe`` does, for error messages and ``recipe``'s list of settings.
_STABILISERS = {
    "loss": "the objective, a name in losses.LOSSES",
    "spectral_norm": "wrap D's layers in keras.layers.SpectralNormalization (Miyato et al. 2018)",
    "r1": "R1 penalty weight gamma on real samples (Mescheder et al. 2018), None for none",
    "label_smoothing": "one-sided label smoothing: D's real target is 1 - s (Salimans et al. 2016), BCE losses only",
    "g_lr": "G's learning rate",
    "d_lr": "D's learning rate (a different d_lr is the two time-scale rule, Heusel et al. 2017)",
    "beta_1": "Adam's beta_1",
    "beta_2": "Adam's beta_2",
    "clipnorm": "clip each gradient's norm to this (Keras' clipnorm), None for none",
    "ema": "decay of a moving average of G's weights used for sampling (Yazıcı et al. 2019), None for none",
    "d_steps": "D steps per G step",
    "batch_size": "images per step (a smaller batch buys more steps per CPU second)",
    "optimizer": "'adam' or 'rmsprop' (the original WGAN's)",
}


@dataclass(frozen=True)
class Recipe:
    """A loss and its stabilisers; every field is checked when the recipe is made.

    Defaults are the lean DCGAN of lesson 03: non-saturating loss, Adam(2e-4, 0.5, 0.999) for both
    networks, batch 128, nothing else. Introduced in lesson 06.
    """

    loss: str = "non_saturating"
    spectral_norm: bool = False
    r1: float | None = None
    label_smoothing: float | None = None
    g_lr: float = 2e-4
    d_lr: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.999
    clipnorm: float | None = None
    ema: float | None = None
    d_steps: int = 1
    optimizer: str = "adam"
    batch_size: int = 128

    def __post_init__(self):
        if not isinstance(self.loss, str) or self.loss not in gan_losses.LOSSES:
            known = ", ".join(map(repr, gan_losses.LOSSES))
            raise ValueError(f"unknown loss {self.loss!r}: choose one of {known}")
        if not isinstance(self.spectral_norm, bool):
            raise ValueError(f"spectral_norm must be True or False, got {self.spectral_norm!r}")
        # The optimizer's name and Adam's betas, checked where the course makes optimizers; RMSprop refuses
        # betas, so they go to it only when changed from the defaults every recipe starts from.
        adam = {k: getattr(self, k) for k in ("beta_1", "beta_2")}
        if self.optimizer == "rmsprop":
            adam = {k: v for k, v in adam.items() if v != getattr(Recipe, k)}
        make_optimizer(self.optimizer, 1.0, **adam)
        for name in ("g_lr", "d_lr"):
            _number(getattr(self, name), name, "e.g. 2e-4", low=0.0, low_open=True)
        for name in ("d_steps", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} ({_STABILISERS[name]}) must be an integer >= 1, got {value!r}")
        smoothing = self.label_smoothing
        if smoothing is not None and not (_is_num(smoothing) and 0 < smoothing < 0.5):
            raise ValueError(
                f"label_smoothing: label smoothing must be a number in (0, 0.5), e.g. 0.1 (real target 0.9), "
                f"got {smoothing!r}"
            )
        if self.ema is not None:
            _number(self.ema, "ema", "a decay such as 0.999", low=0.0, high=1.0, low_open=True)
        if self.clipnorm is not None:
            _number(self.clipnorm, "clipnorm", "e.g. 1.0", low=0.0, low_open=True)
        self.gan_loss()  # R1 and label smoothing are checked against the loss here

    def gan_loss(self) -> gan_losses.GANLoss:
        """The ``losses.GANLoss`` this recipe trains with: the named loss plus R1 and label smoothing."""
        loss = gan_losses.get_loss(self.loss)
        if self.r1 is not None:
            loss = gan_losses.with_r1(loss, self.r1)
        if self.label_smoothing is not None:
            loss = gan_losses.with_label_smoothing(loss, self.label_smoothing)
        return loss

    def describe(self) -> str:
        """The settings that differ from the lean DCGAN's, e.g. ``"hinge, SN, ema 0.999"``."""
        default = Recipe()
        parts = [self.loss]
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "loss" or value == getattr(default, f.name):
                continue
            if f.name == "spectral_norm":
                parts.append("SN")
            else:
                parts.append(f"{f.name} {value:g}" if _is_num(value) else str(value))
        return ", ".join(parts)

    def build(self, image_shape=(28, 28, 1), z_dim: int = 100, width: int = 64, seed: int = 0):
        """The lean DCGAN pair of lesson 03 (D with spectral norm if asked) in a compiled ``gan.GAN``."""
        import keras

        from gan_course import gan, models

        keras.utils.set_random_seed(seed)
        generator = models.dcgan_lean_generator(z_dim, image_shape, width)
        discriminator = models.dcgan_lean_discriminator(image_shape, width, spectral_norm=self.spectral_norm)
        return gan.build_gan(
            generator,
            discriminator,
            loss=self.gan_loss(),
            g_lr=self.g_lr,
            d_lr=self.d_lr,
            beta_1=self.beta_1 if self.optimizer == "adam" else None,
            beta_2=self.beta_2 if self.optimizer == "adam" else None,
            clipnorm=self.clipnorm,
            ema=self.ema,
            d_steps=self.d_steps,
            optimizer=self.optimizer,
            seed=seed,
        )


def _is_num(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _number(value, name, example, low=None, high=None, low_open=False):
    if not _is_num(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number ({example}), got {value!r}")
    if (low is not None and (value < low or (low_open and value == low))) or (high is not None and value >= high):
        lo = "(" if low_open else "["
        raise ValueError(
            f"{name} must be in {lo}{low}, {high if high is not None else 'inf'}) ({example}), got {value!r}"
        )


def recipe(base: Recipe | None = None, **settings) -> Recipe:
    """A ``Recipe`` from ``base`` (default: the lean DCGAN's) with ``settings`` changed.

    Unknown names list the valid ones; the combination is checked before any training.
    Introduced in lesson 06.
    """
    if base is not None and not isinstance(base, Recipe):
        raise ValueError(
            f"base must be a Recipe (e.g. stability.RECIPE) or None, got {base!r}: settings go as keywords"
        )
    unknown = sorted(set(settings) - set(_STABILISERS))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}: a recipe has {', '.join(_STABILISERS)}")
    return replace(base or Recipe(), **settings)


#: Each loss with the optimizer settings its authors used (for networks like ours):
#: DCGAN (Radford et al. 2016) for the BCE losses and LSGAN (Mao et al. 2017 used the same);
#: WGAN (Arjovsky et al. 2017): RMSprop 5e-5, 5 critic steps, clip 0.01 (the loss's default);
#: WGAN-GP (Gulrajani et al. 2017): their released toy and MNIST scripts' Adam(1e-4, 0.5, 0.9), 5 critic steps
#: and lambda 10 (the loss's default); the paper's Algorithm 1 has beta_1 = 0 instead;
#: hinge with spectral normalisation (Miyato et al. 2018, setting C of their table 1).
PAPER_SETTINGS = {
    "non_saturating": {},
    "minimax": {},
    "least_squares": {},
    "wgan_clip": {"optimizer": "rmsprop", "g_lr": 5e-5, "d_lr": 5e-5, "d_steps": 5},
    "wgan_gp": {"g_lr": 1e-4, "d_lr": 1e-4, "beta_2": 0.9, "d_steps": 5},
    "hinge": {"spectral_norm": True},
}


#: The course's recipe for the lean DCGAN on a CPU, from lesson 06's comparison: the non-saturating
#: loss with a four times higher learning rate, batch 64 (more steps per CPU second) and a moving
#: average of G. benchmarks/dcgan_time_to_quality.py checks it against the lean DCGAN over ten minutes.
RECIPE = Recipe(g_lr=8e-4, d_lr=8e-4, batch_size=64, ema=0.999)


def paper_settings(loss: str, **settings) -> Recipe:
    """A ``Recipe`` for ``loss`` with its authors' optimizer settings (``PAPER_SETTINGS``), then ``settings``.

    Introduced in lesson 06.
    """
    if loss not in PAPER_SETTINGS:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(map(repr, PAPER_SETTINGS))}")
    return recipe(**{"loss": loss, **PAPER_SETTINGS[loss], **settings})


def compare_on_images(
    recipes: dict,
    images,
    extractor,
    real_features,
    seeds=(0, 1),
    seconds: float | None = None,
    slice_seconds: float = 20.0,
    n_eval: int = 2000,
    width: int = 64,
    verbose: bool = True,
    steps: int | None = None,
) -> list:
    """Train the lean DCGAN with every recipe × seed on one budget, ``steps`` or ``seconds``; score each run.

    ``recipes`` maps a label to a ``Recipe`` or a dict of its settings; every recipe is checked
    before anything trains, and each trains with its own ``batch_size``. Give exactly one budget.
    With ``steps`` every run trains that many generator steps with ``GAN.fit`` on a repeated
    ``data.make_dataset(images, batch_size, seed=seed)``, as ``reference`` trains lesson 06's
    recipe: a step count repeats on any machine. With ``seconds`` every run trains that long, the
    runs taking turns in slices of ``slice_seconds`` (``benchmark.race``), so a change of the
    machine's speed hits them all alike. Each run is scored on ``n_eval`` images from its
    ``sampler`` (the moving average of G when the recipe keeps one): ``fid`` against
    ``real_features`` (features of real images from ``extractor``, e.g.
    ``features.load_classifier()``), ``precision`` and ``recall`` (k = 3). Returns one row per run
    for ``experiments.summarize``: ``method``, ``setting`` ("images"), ``seed``, ``fid``,
    ``precision``, ``recall``, ``steps``, ``seconds`` (of training, tracing included) and ``samples`` (36 images from
    the same noise for every run). Introduced in lesson 06.
    """
    from gan_course import benchmark, metrics
    from gan_course.training import generate

    if not isinstance(recipes, dict) or not recipes:
        raise ValueError(f"recipes must be a non-empty dict label -> Recipe or dict of settings, got {recipes!r}")
    for label, r in recipes.items():
        if not isinstance(r, (Recipe, dict)):
            raise ValueError(f"recipes[{label!r}] must be a Recipe or a dict of its settings, got {r!r}")
    checked = {label: r if isinstance(r, Recipe) else recipe(**r) for label, r in recipes.items()}
    if not callable(extractor):
        raise TypeError(f"extractor must map images to features, e.g. features.load_classifier(); got {extractor!r}")
    real_features = metrics.check_features(real_features, "real_features")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__") or not list(seeds):
        raise ValueError(f"seeds must be a non-empty list of integer seeds, got {seeds!r}")
    seeds = [_integer(s, "each seed", 0) for s in seeds]
    if (steps is None) == (seconds is None):
        raise ValueError(
            "give one budget: steps=N (generator steps of every run, the same on any machine) or seconds=S "
            f"(training seconds of every run, in turns), got steps={steps!r}, seconds={seconds!r}"
        )
    if steps is not None:
        steps = _integer(steps, "steps", 1)
    else:
        seconds = _finite_number(seconds, "seconds", positive=True)
        _finite_number(slice_seconds, "slice_seconds", positive=True)
    n_eval, width = _integer(n_eval, "n_eval", 2), _integer(width, "width", 2)
    shape = tuple(check_images(images, "images").shape[1:])
    runs = {f"{label} / seed {seed}": (r, seed) for label, r in checked.items() for seed in seeds}
    gans = {key: r.build(shape, width=width, seed=seed) for key, (r, seed) in runs.items()}
    start = time.perf_counter()
    batches = {key: r.batch_size for key, (r, _) in runs.items()}
    if steps is not None:
        state = {key: _train_steps(gans[key], images, r.batch_size, steps, seed) for key, (r, seed) in runs.items()}
        budget = f"{steps} generator steps each"
    else:
        state = benchmark.race(gans, images, seconds, slice_seconds=slice_seconds, batch_size=batches)
        budget = f"{seconds:g} s each, in turns of {slice_seconds:g} s"
    if verbose:
        print(f"{len(gans)} runs of {budget}: {(time.perf_counter() - start) / 60:.1f} min")
    z = np.random.default_rng(12345).normal(size=(n_eval, 100 if not gans else next(iter(gans.values())).z_dim))
    z = z.astype(np.float32)
    rows = []
    for label in checked:
        for seed in seeds:
            key = f"{label} / seed {seed}"
            sampler = gans[key].sampler
            fake = generate(sampler, z, batch_size=500)
            fake_features = np.asarray(extractor(fake))
            precision, recall = metrics.precision_recall(real_features[:n_eval], fake_features)
            rows.append(
                {
                    "method": label,
                    "setting": "images",
                    "seed": seed,
                    "fid": metrics.fid_from_features(real_features, fake_features),
                    "precision": precision,
                    "recall": recall,
                    "steps": state[key]["steps"],
                    "seconds": state[key]["seconds"],
                    "samples": fake[:36],
                }
            )
    return rows


def _train_steps(gan, images, batch_size: int, steps: int, seed: int) -> dict:
    """Train ``gan`` ``steps`` generator steps on ``images`` as ``reference`` trains lesson 06's recipe."""
    from gan_course import data

    dataset = data.make_dataset(images, batch_size, seed=seed).repeat()
    start = time.perf_counter()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    return {"steps": steps, "seconds": time.perf_counter() - start}


# ------------------------------------------------------------------- the ten-minute benchmark

# The result of ``benchmarks/dcgan_time_to_quality.py --minutes 10 --seeds 0 1`` that ships with the course.
_BENCHMARK_CSV = _shipped.RESULTS / "time_to_quality.csv"
# A nan FID (a run that diverged) is kept, and experiments.summarize reports it; times must be numbers.
_BENCHMARK_COLUMNS = {"model": str, "seed": int, "minutes": float, "steps": int, "seconds": float, "fid": float}


def benchmark_results(path=None) -> list[dict]:
    """The rows of ``benchmarks/dcgan_time_to_quality.py``'s CSV, one per model and seed, ready for ``experiments``.

    Without ``path``, the result that ships with the course (``gan_course/results``: seed DCGAN, lean
    DCGAN and ``RECIPE``, ten minutes each, seeds 0 and 1, on a 2-core CPU); with it, your own run's
    file (the script writes ``outputs/benchmarks/time_to_quality.csv``). Each row has ``method``
    (the model), ``setting`` (the budget, e.g. ``"10 min"``), ``seed``, ``steps``, ``seconds`` and
    ``fid`` (N = 10 000, the course's classifier), so ``experiments.summarize`` gives mean and
    spread over seeds. The shipped file is checked against its SHA-256 first; a value that does not read is
    refused naming the file, line and column. Introduced in lesson 06.
    """
    from gan_course._checks import finite_text

    path = _BENCHMARK_CSV if path is None else path
    columns = {**_BENCHMARK_COLUMNS, "minutes": finite_text, "seconds": finite_text}
    command = "python benchmarks/dcgan_time_to_quality.py --minutes 10 --seeds 0 1"
    rows = experiments.read_results(path, columns, command)
    return [
        {
            "method": r["model"],
            "setting": f"{r['minutes']:g} min",
            "seed": r["seed"],
            "steps": r["steps"],
            "seconds": r["seconds"],
            "fid": r["fid"],
        }
        for r in rows
    ]
