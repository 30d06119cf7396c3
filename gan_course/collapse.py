"""Mode collapse on 2-D toy data: train a small GAN with a named remedy and watch its modes.

``train_toy`` trains a toy MLP GAN on a ``toy.Mixture`` for a fixed number of steps and
records, every ``every`` steps, a snapshot of generated points and their
``metrics.mode_coverage``. The step itself is ``training.gan_step`` (lessons 02–03); a
remedy only changes the discriminator or the loss that step is given:

- ``"vanilla"``: BCE discriminator, non-saturating generator loss;
- ``"wgan_gp"``: Wasserstein critic with gradient penalty (Gulrajani et al. 2017);
- ``"minibatch_std"``: D also sees the batch's spread (Karras et al. 2018);
- ``"pacgan"``: D judges packs of ``pack`` samples at once (Lin et al. 2018);
- ``"instance_noise"``: Gaussian noise added to every D input (Sønderby et al. 2017).

``toy_trial`` turns one run into a row for ``experiments.run``; ``train_ring`` is what the
ring-lab panel (``widgets.ring_lab``) trains. Plots of runs live in ``viz``.

On images, ``image_trial`` trains lesson 03's lean DCGAN one epoch, then continues copies of it
with other learning rates and reads the class mix of each copy's samples with the course's
classifier; ``image_results`` reads the shipped result of ``benchmarks/image_collapse.py``, which
repeats it over seeds.

Used in lessons 04 and 06.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gan_course import _shipped, experiments, metrics, models
from gan_course._checks import array as _array
from gan_course._checks import integer as _integer
from gan_course._checks import number as _number
from gan_course.data import check_images
from gan_course.losses import get_loss, wgan_gp, with_r1
from gan_course.training import METRICS, build_optimizers, gan_step, generate, make_optimizer

REMEDIES = ("vanilla", "wgan_gp", "minibatch_std", "pacgan", "instance_noise")


@dataclass(frozen=True)
class _ToyConfig:
    """Settings of one toy GAN run. ``lr_d``/``lr_g`` are Adam learning rates (``beta_1``, ``beta_2``),
    ``d_steps`` the D steps per G step; with ``decay`` both rates fall to 0 along a cosine over the
    run (fine detail needs small steps at the end); with ``conditional`` both networks also get the mode
    each sample belongs to (a conditional GAN); ``pack``, ``noise`` and ``gp_weight`` only act for their
    remedy. Lesson 06 adds ``loss`` (any name in ``losses.LOSSES``; ``None`` means the remedy's own:
    non-saturating, or WGAN-GP for ``"wgan_gp"``), ``r1`` (the R1 penalty's gamma) and ``optimizer``
    (``"adam"`` or ``"rmsprop"``, the original WGAN's). ``train_toy`` takes them as keywords.
    """

    remedy: str = "vanilla"
    steps: int = 3000
    batch_size: int = 256
    z_dim: int = 2
    hidden: tuple = (128, 128)
    lr_d: float = 1e-3
    lr_g: float = 1e-3
    beta_1: float = 0.5
    beta_2: float = 0.999
    d_steps: int = 1
    pack: int = 4
    noise: float = 0.1
    gp_weight: float = 10.0
    decay: bool = True
    conditional: bool = False
    loss: str | None = None
    r1: float | None = None
    optimizer: str = "adam"

    def __post_init__(self):  # checked when made, kept as plain Python numbers (NumPy widths crash Dense)
        for name, value in _checked_fields(self).items():
            object.__setattr__(self, name, value)


def _build_toy_gan(config: _ToyConfig, out_dim: int = 2, n_classes: int | None = None):
    """(generator, discriminator, GANLoss) for ``config.remedy``; conditional on ``n_classes`` labels if given."""
    config = _check_config(config)
    out_dim = _integer(out_dim, "out_dim", minimum=1)
    n_classes = _integer(n_classes, "n_classes", minimum=1, allow_none=True)
    generator = models.toy_generator(config.z_dim, out_dim, config.hidden, n_classes=n_classes)
    loss = get_loss("non_saturating")
    if config.remedy == "pacgan":
        if n_classes is not None:
            raise ValueError("PacGAN packs samples of different labels together: use another remedy when conditional")
        discriminator = models.pac_discriminator(out_dim, config.hidden, pack=config.pack)
    else:
        discriminator = models.toy_discriminator(
            out_dim,
            config.hidden,
            minibatch_std=config.remedy == "minibatch_std",
            instance_noise=config.noise if config.remedy == "instance_noise" else 0.0,
            n_classes=n_classes,
        )
    if config.remedy == "wgan_gp":
        if config.loss is not None:
            raise ValueError(f"remedy 'wgan_gp' brings its own loss: drop loss={config.loss!r} or use remedy='vanilla'")
        loss = wgan_gp(config.gp_weight)
    elif config.loss is not None:
        loss = get_loss(config.loss)
    if config.r1 is not None:
        loss = with_r1(loss, config.r1)
    return generator, discriminator, loss


@dataclass
class ToyRun:
    """What ``train_toy`` recorded: steps, snapshots (k, n_eval, 2), coverage per snapshot, seconds,
    and ``losses``: the mean of each step metric (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``) over
    the steps since the previous snapshot (lesson 06 reads them; the first snapshot has none).

    Introduced in lesson 04.
    """

    config: _ToyConfig
    steps: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    seconds: float = 0.0
    generator: keras.Model | None = None
    losses: dict = field(default_factory=lambda: {k: [] for k in METRICS})
    loss: object = None

    def __post_init__(self):
        _check_config(self.config)

    @property
    def final(self) -> metrics.ModeCoverage:
        """Mode coverage of the last snapshot."""
        return self.coverage[-1]

    def curve(self, key: str) -> np.ndarray:
        """One ``ModeCoverage`` field over the snapshots, e.g. ``curve("modes_covered")``."""
        fields = [k for k in metrics.ModeCoverage.__dataclass_fields__]
        if key not in fields:
            raise ValueError(f"unknown field {key!r}: ModeCoverage has {', '.join(fields)}")
        return np.array([getattr(c, key) for c in self.coverage], dtype=np.float64)


def train_toy(mixture, seed: int = 0, every: int = 500, n_eval: int = 2500, **settings) -> ToyRun:
    """Train a toy GAN on ``mixture`` (a ``toy.Mixture``) and score it every ``every`` steps.

    Real batches are drawn at random from ``mixture.samples``; ``every`` steps run inside
    one ``tf.function`` loop, so a few thousand steps take seconds on a CPU. Snapshots
    hold ``n_eval`` generated points from fixed noise, scored with
    ``metrics.mode_coverage(points, mixture.centers, mixture.std)``. ``settings`` change the defaults
    (``train_toy(ring, remedy="pacgan", steps=2000)``); ``run.config`` holds them all. With
    ``conditional=True`` the pair is conditional on the mode of each sample (``mixture.labels``) and
    the snapshots ask for every mode in turn.
    Weights and noise depend only on ``seed``. A run whose losses or points stop being numbers has
    diverged and raises ``FloatingPointError`` (saying when), rather than scoring NaN points as collapse.
    Introduced in lesson 04.
    """
    unknown = set(settings) - set(_ToyConfig.__dataclass_fields__)
    if unknown:
        known = list(_ToyConfig.__dataclass_fields__)
        raise ValueError(f"unknown settings {sorted(unknown)}: train_toy takes {known}")
    config = _ToyConfig(**settings)
    seed, every = _integer(seed, "seed", minimum=0), _integer(every, "every", 1)
    n_eval = _integer(n_eval, "n_eval", minimum=1)
    if config.remedy == "pacgan" and config.batch_size % config.pack:
        raise ValueError(f"PacGAN needs batch_size divisible by pack: {config.batch_size} % {config.pack} != 0")
    data = _check_mixture(mixture)
    if len(data) < config.batch_size:
        raise ValueError(
            f"mixture.samples has {len(data)} points, fewer than batch_size={config.batch_size}: "
            "sample more (toy.ring(n=...)) or lower batch_size"
        )

    labels = n_classes = None
    if config.conditional:
        labels = getattr(mixture, "labels", None)
        if labels is None or len(labels) != len(data):
            raise ValueError("conditional=True needs mixture.labels, one per sample: use toy.ring() or toy.grid()")
        n_classes = len(mixture.centers)
    betas = {} if config.optimizer == "rmsprop" else {"beta_1": config.beta_1, "beta_2": config.beta_2}
    make_optimizer(config.optimizer, 1.0, **betas)  # the name and the betas checked before anything is built
    keras.utils.set_random_seed(seed)
    generator, discriminator, loss = _build_toy_gan(config, data.shape[1], n_classes)

    d_opt = make_optimizer(config.optimizer, _rate(config.lr_d, config.steps * config.d_steps, config.decay), **betas)
    g_opt = make_optimizer(config.optimizer, _rate(config.lr_g, config.steps, config.decay), **betas)
    build_optimizers(generator, discriminator, g_opt, d_opt)
    rng = tf.random.Generator.from_seed(seed)
    real_data = tf.constant(data)
    z_eval = tf.constant(np.random.default_rng(seed + 1).normal(size=(n_eval, config.z_dim)), tf.float32)
    n_data, batch = len(data), config.batch_size
    real_labels = None if labels is None else tf.constant(np.asarray(labels, np.int32)[:, None])
    y_eval = None if labels is None else tf.constant((np.arange(n_eval) % n_classes)[:, None].astype(np.int32))

    def batch_at(idx):
        x = tf.gather(real_data, idx)
        return x if real_labels is None else (x, tf.gather(real_labels, idx))

    @tf.function
    def run(k):
        sums = {key: tf.constant(0.0) for key in METRICS}
        for _ in tf.range(k):
            idx = rng.uniform((batch,), 0, n_data, dtype=tf.int32)
            values = gan_step(
                generator,
                discriminator,
                d_opt,
                g_opt,
                rng,
                config.z_dim,
                batch_at(idx),
                loss,
                config.d_steps,
            )
            sums = {key: sums[key] + tf.cast(values[key], tf.float32) for key in METRICS}
        return generate(generator, z_eval, y_eval), {key: v / tf.cast(k, tf.float32) for key, v in sums.items()}

    result = ToyRun(config, loss=loss)
    start, done = time.perf_counter(), 0
    points = generate(generator, z_eval, y_eval).numpy()
    result.steps.append(0)
    result.snapshots.append(points)
    result.coverage.append(_coverage(points, mixture))
    while done < config.steps:
        k = min(every, config.steps - done)
        points, means = run(tf.constant(k))
        points = points.numpy()
        means = {key: float(value) for key, value in means.items()}
        if not (np.all(np.isfinite(points)) and np.all(np.isfinite(list(means.values())))):
            raise FloatingPointError(_diverged(config, done, done + k, means, points))
        for key, value in means.items():
            result.losses[key].append(value)
        done += k
        result.steps.append(done)
        result.snapshots.append(points)
        result.coverage.append(_coverage(points, mixture))
    result.seconds = time.perf_counter() - start
    result.generator = generator
    return result


def _rate(lr, steps, decay):
    return keras.optimizers.schedules.CosineDecay(lr, steps) if decay else lr


def _coverage(points, mixture):
    return metrics.mode_coverage(points, mixture.centers, mixture.std)


def _diverged(config, start, end, means, points) -> str:
    """Why a run stopped: its losses or points stopped being numbers, so it has no mode count."""
    losses = ", ".join(f"{k} {v:.3g}" for k, v in means.items())
    what = "the generated points" if not np.all(np.isfinite(points)) else "the losses"
    return (
        f"the toy GAN diverged between steps {start} and {end}: {what} became NaN or Inf ({losses}), so no mode "
        f"count is reported; lower the learning rates (lr_d={config.lr_d:g}, lr_g={config.lr_g:g}) or change the "
        "settings, and train again"
    )


def _check_config(config) -> _ToyConfig:
    """``config`` if it is a run's settings (whose fields were checked when they were made)."""
    if not isinstance(config, _ToyConfig):
        raise ValueError(
            f"config must be the settings of a toy run (a ToyRun's config), got {type(config).__name__}: "
            "train with collapse.train_toy(mixture, **settings)"
        )
    return config


def _checked_fields(config) -> dict:
    """Every field of ``config`` checked, as plain Python numbers (a NaN learning rate trained silently to NaN)."""
    if config.remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {config.remedy!r}: choose one of {', '.join(map(repr, REMEDIES))}")
    fields = {name: _integer(getattr(config, name), name, minimum=1) for name in ("steps", "batch_size", "z_dim")}
    fields.update({name: _integer(getattr(config, name), name, minimum=1) for name in ("d_steps", "pack")})
    for name, net in (("lr_d", "D"), ("lr_g", "G")):
        fields[name] = _number(getattr(config, name), f"{name} ({net}'s learning rate)", positive=True)
    for name in ("beta_1", "beta_2"):
        fields[name] = _number(getattr(config, name), f"{name} (Adam's moment decay)", minimum=0.0)
        if fields[name] >= 1:
            raise ValueError(f"{name} (Adam's moment decay) must be a number in [0, 1), e.g. 0.5, got {fields[name]:g}")
    fields["noise"] = _number(config.noise, "noise (instance noise's std)", minimum=0.0)
    fields["gp_weight"] = _number(config.gp_weight, "gp_weight", minimum=0.0)
    if config.r1 is not None:
        fields["r1"] = _number(config.r1, "r1 (the R1 penalty's gamma)", minimum=0.0)
    for name in ("decay", "conditional"):
        if not isinstance(getattr(config, name), (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {getattr(config, name)!r}")
        fields[name] = bool(getattr(config, name))
    hidden = config.hidden
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (tuple, list)) or not hidden:
        raise ValueError(f"hidden must be a tuple of layer widths such as (128, 128), got {hidden!r}")
    fields["hidden"] = tuple(_integer(width, "each width in hidden", minimum=1) for width in hidden)
    return fields


def _check_mixture(mixture) -> np.ndarray:
    """``mixture.samples`` as float32 (n, d), once its samples, centres and std are checked."""
    if not all(hasattr(mixture, k) for k in ("samples", "centers", "std")):
        raise ValueError(
            f"mixture must be a toy.Mixture (samples, centers, std) such as toy.ring(), got {type(mixture).__name__}"
        )
    data, centers = _array(mixture.samples, "mixture.samples"), _array(mixture.centers, "mixture.centers")
    if data.ndim != 2 or not len(data) or not np.issubdtype(data.dtype, np.number):
        raise ValueError(
            f"mixture.samples must be points (n, d) as numbers, got shape {data.shape}, dtype {data.dtype}"
        )
    if centers.ndim != 2 or centers.shape[1] != data.shape[1] or not len(centers):
        raise ValueError(f"mixture.centers must be (k, {data.shape[1]}) like the samples, got shape {centers.shape}")
    if not (np.all(np.isfinite(data)) and np.all(np.isfinite(centers))):
        raise ValueError("mixture.samples or mixture.centers contain NaN or Inf: sample the mixture again")
    _number(mixture.std, "mixture.std", positive=True)
    return data.astype(np.float32)


def toy_trial(mixture, seed: int = 0, every: int | None = None, **settings) -> dict:
    """One toy run scored at its end, as a row for ``experiments.run``: modes, total, hq (0–1),
    all_modes (1 if every mode is covered), kl, seconds, and the final points.

    ``settings`` are ``train_toy``'s. With ``every`` (lesson 06) the run is also scored every
    ``every`` steps and the row carries ``curve``: steps, the mean D loss since the previous
    snapshot, modes covered and the high-quality share at each snapshot, and the run's ``loss``.
    Introduced in lesson 04.
    """
    every = _integer(every, "every", minimum=1, allow_none=True)
    run = train_toy(mixture, seed=seed, every=every or settings.get("steps", _ToyConfig.steps), **settings)
    c = run.final
    extra = {}
    if every:
        extra["curve"] = {
            "steps": np.array(run.steps[1:]),
            "d_loss": np.array(run.losses["d_loss"]),
            "modes": run.curve("modes_covered")[1:],
            "hq": run.curve("high_quality_fraction")[1:],
            "loss": run.loss,
        }
    return {
        "modes": c.modes_covered,
        "total": c.n_modes,
        "hq": c.high_quality_fraction,
        "all_modes": int(c.modes_covered == c.n_modes),
        "kl": c.kl_to_uniform,
        "seconds": run.seconds,
        "points": run.snapshots[-1],
        **extra,
    }


def train_ring(
    remedy: str = "vanilla",
    modes: int = 8,
    lr_d: float = 1e-3,
    lr_g: float = 1e-3,
    d_steps: int = 1,
    steps: int = 2000,
    seed: int = 0,
    beta_1: float = 0.9,
):
    """Train the lesson-04 toy GAN on a ring of ``modes`` Gaussians; return (mixture, ``ToyRun``).

    What ``widgets.ring_lab`` runs on each click, four snapshots per run. Introduced in lesson 04.
    """
    from gan_course import toy

    steps = _integer(steps, "steps", minimum=1)
    ring = toy.ring(n=20_000, modes=modes)
    run = train_toy(
        ring,
        seed=seed,
        every=max(steps // 4, 1),
        remedy=remedy,
        lr_d=lr_d,
        lr_g=lr_g,
        d_steps=d_steps,
        steps=steps,
        beta_1=beta_1,
    )
    return ring, run


# ------------------------------------------------------------------- collapse on images (lesson 04, section 5)

#: Lesson 04's second epoch, as (D's, G's) Adam learning rate, after a shared first epoch at 2e-4:
#: lesson 03's setting, and a D slowed 20 times with a G sped up 10 times.
_IMAGE_SECOND_EPOCH = {"healthy": (2e-4, 2e-4), "collapsed": (1e-5, 2e-3)}


def _rate_pair(name, pair):
    ok = isinstance(pair, (tuple, list)) and len(pair) == 2
    try:
        ok = ok and all(0 < _number(v, "rate") < 1 for v in pair)  # NumPy numbers welcome, NaN not
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"second_epoch[{name!r}] must be a pair (lr_d, lr_g) of learning rates in (0, 1), e.g. (2e-4, 2e-4), "
            f"got {pair!r}"
        )
    return float(pair[0]), float(pair[1])


def image_trial(
    images, classifier, seed: int = 0, second_epoch=None, lr: float = 2e-4, batch_size: int = 128, n_samples=5000
) -> dict:
    """Lesson 03's lean DCGAN one epoch on ``images``, then a copy per ``second_epoch`` setting one more epoch.

    The first epoch uses Adam(``lr``, β₁ = 0.5) for both networks; ``second_epoch`` maps a name to
    (D's, G's) learning rate for the second (by default lesson 03's 2e-4 for both, "healthy", and
    a D slowed 20 times with a G sped up 10 times, "collapsed"), each copy starting
    from the same weights and seeing the same batches. Returns ``{"first epoch": row, name: row, ...}``;
    each row has ``samples`` (``n_samples`` images from the same fixed noise), ``distribution``
    (``metrics.class_distribution`` of ``classifier``'s predictions), ``classes_used`` (classes with
    at least 1 % of the samples), ``largest_share``, ``kl`` (to uniform) and ``seconds``.
    Introduced in lesson 04.
    """
    from gan_course import training

    images = check_images(images, "images", shape=(28, 28, 1))
    seed = _integer(seed, "seed", minimum=0)
    if not hasattr(classifier, "logits"):
        raise ValueError(f"classifier must be features.load_classifier(...)'s, got {type(classifier).__name__}")
    second_epoch = _IMAGE_SECOND_EPOCH if second_epoch is None else second_epoch
    if not isinstance(second_epoch, dict) or not second_epoch:
        raise ValueError(f"second_epoch must be a non-empty dict name -> (lr_d, lr_g), got {second_epoch!r}")
    rates = {name: _rate_pair(name, pair) for name, pair in second_epoch.items()}
    if "first epoch" in rates:
        raise ValueError("'first epoch' names the shared start in the result: call your setting something else")
    lr = _rate_pair("lr", (lr, lr))[0]
    n_samples = _integer(n_samples, "n_samples", minimum=2)
    batch_size = _integer(batch_size, "batch_size", minimum=1)
    build_g, build_d = models.DCGANS["lean"]
    keras.utils.set_random_seed(seed)
    generator, discriminator = build_g(100), build_d()
    z = np.random.default_rng(seed).normal(size=(n_samples, 100)).astype("float32")

    def row(start):
        samples = generator.predict(z, batch_size=500, verbose=0)
        dist = metrics.class_distribution(classifier.logits(samples).argmax(1), 10)
        return {
            "samples": samples,
            "distribution": dist,
            "classes_used": dist.classes_used(0.01),
            "largest_share": float(dist.shares.max()),
            "kl": dist.kl_to_uniform,
            "seconds": time.perf_counter() - start,
        }

    def epoch(lr_d, lr_g, data_seed):
        training.train(
            generator,
            discriminator,
            images,
            epochs=1,
            batch_size=batch_size,
            seed=data_seed,
            verbose=False,
            d_optimizer=training.default_optimizer(lr_d),
            g_optimizer=training.default_optimizer(lr_g),
        )

    start = time.perf_counter()
    epoch(lr, lr, seed)
    result = {"first epoch": row(start)}
    weights = (generator.get_weights(), discriminator.get_weights())
    for name, (lr_d, lr_g) in rates.items():
        generator.set_weights(weights[0])
        discriminator.set_weights(weights[1])
        start = time.perf_counter()
        epoch(lr_d, lr_g, seed + 1)
        result[name] = row(start)
    return result


#: The result of ``benchmarks/image_collapse.py`` (seeds 0-4) that ships with the course.
_IMAGE_RESULTS_CSV = _shipped.RESULTS / "image_collapse.csv"
_IMAGE_COLUMNS = {
    "run": str,
    "seed": int,
    "classes_used": int,
    "largest_class": str,
    "largest_share": float,
    "kl": float,  # nan or inf kept: experiments.summarize reports a nan, an inf KL is an answer
    "seconds": float,
}


def image_results(path=None) -> list[dict]:
    """The rows of ``benchmarks/image_collapse.py``'s CSV: one per seed and run (first epoch, healthy, collapsed).

    Without ``path``, the result that ships with the course (``gan_course/results``, seeds 0-4 on a
    2-core CPU), checked against its SHA-256 first. A value that does not read (a share or time that is
    not a finite number) is refused naming the file, line and column; a nan KL is kept (the summary
    says which seeds lack it). Introduced in lesson 04.
    """
    from gan_course._checks import finite_text  # a nan share or time is damage, not a result

    path = _IMAGE_RESULTS_CSV if path is None else path
    columns = {**_IMAGE_COLUMNS, "largest_share": finite_text, "seconds": finite_text}
    return experiments.read_results(path, columns, f"python benchmarks/image_collapse.py --out {path}")
