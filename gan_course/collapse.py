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

Introduced in lesson 04.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course import metrics, models
from gan_course.losses import get_loss
from gan_course.training import gan_step

REMEDIES = ("vanilla", "wgan_gp", "minibatch_std", "pacgan", "instance_noise")


class Pack(layers.Layer):
    """PacGAN's packing: (n, d) -> (n / m, m·d), m consecutive samples side by side.

    The discriminator then gives one logit per pack of ``m`` samples, all real or all fake,
    so a generator that puts its samples on few modes makes packs that look unlike real ones.
    ``n`` must be divisible by ``m``. Lin et al. 2018. Introduced in lesson 04.
    """

    def __init__(self, m: int, **kwargs):
        super().__init__(**kwargs)
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ValueError(f"pack size m must be a positive integer, got {m!r}")
        self.m = m

    def call(self, x):
        from keras import ops

        tf.debugging.assert_equal(
            tf.shape(x)[0] % self.m, 0,
            message=f"PacGAN: the batch size must be a multiple of the pack size {self.m}",
        )  # fmt: skip
        return ops.reshape(x, (-1, self.m * x.shape[-1]))

    def compute_output_shape(self, input_shape):
        return (None, self.m * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "m": self.m}


def pac_discriminator(in_dim: int = 2, hidden=(128, 128), pack: int = 4) -> keras.Model:
    """A toy discriminator that judges packs: x (n, in_dim) -> logits (n / pack, 1). Introduced in lesson 04."""
    stack = [keras.Input((in_dim,)), Pack(pack)]
    stack += [layers.Dense(h, activation="relu") for h in hidden]
    stack.append(layers.Dense(1))
    return keras.Sequential(stack, name="pac_discriminator")


@dataclass(frozen=True)
class ToyConfig:
    """Settings of one toy GAN run. ``lr_d``/``lr_g`` are Adam learning rates (beta_1 ``beta_1``),
    ``d_steps`` the D steps per G step; with ``decay`` both rates fall to 0 along a cosine over the
    run (fine detail needs small steps at the end); ``pack``, ``noise`` and ``gp_weight`` only act for their
    remedy. Introduced in lesson 04.
    """

    remedy: str = "vanilla"
    steps: int = 3000
    batch_size: int = 256
    z_dim: int = 2
    hidden: tuple = (128, 128)
    lr_d: float = 1e-3
    lr_g: float = 1e-3
    beta_1: float = 0.5
    d_steps: int = 1
    pack: int = 4
    noise: float = 0.1
    gp_weight: float = 10.0
    decay: bool = True


def build_toy_gan(config: ToyConfig, out_dim: int = 2):
    """(generator, discriminator, GANLoss) for ``config.remedy``. Introduced in lesson 04."""
    if config.remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {config.remedy!r}: choose one of {', '.join(map(repr, REMEDIES))}")
    generator = models.toy_generator(config.z_dim, out_dim, config.hidden)
    loss = get_loss("non_saturating")
    if config.remedy == "pacgan":
        discriminator = pac_discriminator(out_dim, config.hidden, config.pack)
    else:
        discriminator = models.toy_discriminator_variant(
            out_dim, config.hidden, minibatch_std=config.remedy == "minibatch_std",
            instance_noise=config.noise if config.remedy == "instance_noise" else 0.0,
        )  # fmt: skip
    if config.remedy == "wgan_gp":
        from gan_course.losses import wgan_gp

        loss = wgan_gp(config.gp_weight)
    return generator, discriminator, loss


@dataclass
class ToyRun:
    """What ``train_toy`` recorded: steps, snapshots (k, n_eval, 2), coverage per snapshot, seconds."""

    config: ToyConfig
    steps: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    seconds: float = 0.0
    generator: keras.Model | None = None

    @property
    def final(self) -> metrics.ModeCoverage:
        """Mode coverage of the last snapshot."""
        return self.coverage[-1]

    def curve(self, key: str) -> np.ndarray:
        """One ``ModeCoverage`` field over the snapshots, e.g. ``curve("modes_covered")``."""
        return np.array([getattr(c, key) for c in self.coverage], dtype=np.float64)


def train_toy(mixture, config: ToyConfig | None = None, seed: int = 0, every: int = 500,
              n_eval: int = 2500, **overrides) -> ToyRun:  # fmt: skip
    """Train a toy GAN on ``mixture`` (a ``toy.Mixture``) and score it every ``every`` steps.

    Real batches are drawn at random from ``mixture.samples``; ``every`` steps run inside
    one ``tf.function`` loop, so a few thousand steps take seconds on a CPU. Snapshots
    hold ``n_eval`` generated points from fixed noise, scored with
    ``metrics.mode_coverage(points, mixture.centers, mixture.std)``. Keyword overrides
    replace fields of ``config`` (``train_toy(ring, remedy="pacgan", steps=2000)``).
    Weights and noise depend only on ``seed``. Introduced in lesson 04.
    """
    config = config or ToyConfig()
    if overrides:
        unknown = set(overrides) - set(ToyConfig.__dataclass_fields__)
        if unknown:
            known = list(ToyConfig.__dataclass_fields__)
            raise ValueError(f"unknown settings {sorted(unknown)}: ToyConfig has {known}")
        config = ToyConfig(**{**config.__dict__, **overrides})
    for name in ("steps", "batch_size", "z_dim", "d_steps"):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    if config.remedy == "pacgan" and config.batch_size % config.pack:
        raise ValueError(f"PacGAN needs batch_size divisible by pack: {config.batch_size} % {config.pack} != 0")
    data = np.asarray(getattr(mixture, "samples", None), dtype=np.float32)
    if data.ndim != 2 or len(data) < config.batch_size:
        raise ValueError(f"mixture.samples must be (n, d) with n >= batch_size, got {data.shape}: "
                         "pass a toy.Mixture such as toy.ring()")  # fmt: skip

    keras.utils.set_random_seed(seed)
    generator, discriminator, loss = build_toy_gan(config, data.shape[1])
    d_opt = keras.optimizers.Adam(_rate(config.lr_d, config.steps * config.d_steps, config.decay), beta_1=config.beta_1)
    g_opt = keras.optimizers.Adam(_rate(config.lr_g, config.steps, config.decay), beta_1=config.beta_1)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    rng = tf.random.Generator.from_seed(seed)
    real_data = tf.constant(data)
    z_eval = tf.constant(np.random.default_rng(seed + 1).normal(size=(n_eval, config.z_dim)), tf.float32)
    n_data, batch = len(data), config.batch_size

    @tf.function
    def run(k):
        for _ in tf.range(k):
            idx = rng.uniform((batch,), 0, n_data, dtype=tf.int32)
            gan_step(generator, discriminator, d_opt, g_opt, rng, config.z_dim,
                     tf.gather(real_data, idx), loss, config.d_steps)  # fmt: skip
        return generator(z_eval, training=False)

    result = ToyRun(config)
    start, done = time.perf_counter(), 0
    points = generator(z_eval, training=False).numpy()
    result.steps.append(0)
    result.snapshots.append(points)
    result.coverage.append(_coverage(points, mixture))
    while done < config.steps:
        k = min(every, config.steps - done)
        points = run(tf.constant(k)).numpy()
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
    if not np.all(np.isfinite(points)):
        points = np.nan_to_num(points, nan=1e6, posinf=1e6, neginf=-1e6)
    return metrics.mode_coverage(points, mixture.centers, mixture.std)


def plot_snapshots(run: ToyRun, mixture, indices=None, axes=None, size: float = 2.6):
    """Generated points (blue) over the data's centres (red crosses) at several snapshots of ``run``.

    ``indices`` picks snapshots (default: up to 6, evenly spaced); each panel is titled with
    the step, modes covered and the high-quality share. Introduced in lesson 04.
    """
    import matplotlib.pyplot as plt

    if indices is None:
        indices = np.unique(np.linspace(0, len(run.snapshots) - 1, min(6, len(run.snapshots))).round().astype(int))
    if axes is None:
        _, axes = plt.subplots(1, len(indices), figsize=(size * len(indices), size), squeeze=False)
        axes = axes[0]
    lim = 1.3 * np.abs(mixture.centers).max() + 0.2
    for ax, i in zip(axes, indices):
        c = run.coverage[i]
        ax.scatter(*run.snapshots[i][:1000].T, s=2, alpha=0.4, color="tab:blue")
        ax.scatter(*mixture.centers.T, marker="x", s=25, color="tab:red")
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xticks=[], yticks=[], aspect="equal")
        ax.set_title(f"step {run.steps[i]}\n{c.modes_covered}/{c.n_modes} modes, {c.high_quality_fraction:.0%} HQ",
                     fontsize=9)  # fmt: skip
    return axes


def plot_coverage(runs: dict, axes=None):
    """Modes covered and high-quality share over training, one line per run in ``runs`` (label -> ToyRun)."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3))
    for label, run in runs.items():
        axes[0].plot(run.steps, run.curve("modes_covered"), marker=".", label=label)
        axes[1].plot(run.steps, run.curve("high_quality_fraction"), marker=".", label=label)
    total = next(iter(runs.values())).final.n_modes if runs else 0
    axes[0].set(xlabel="generator step", ylabel="modes covered", ylim=(-0.5, total + 0.5))
    axes[1].set(xlabel="generator step", ylabel="high-quality share", ylim=(-0.02, 1.02))
    axes[0].legend(fontsize=8)
    return axes


def compare(mixtures: dict, remedies: dict, seeds=(0, 1, 2), verbose: bool = True, **common) -> list:
    """Train every remedy on every mixture with every seed, same settings otherwise; return the rows.

    ``mixtures`` maps a name to a ``toy.Mixture``; ``remedies`` maps a row label to a dict of
    ``ToyConfig`` fields (at least ``remedy``); ``common`` holds the shared fields (steps, lr...).
    Returns one dict per (method, data, seed) with modes, total, hq (0–1), kl, seconds and the
    final generated points.
    Introduced in lesson 04.
    """
    rows = []
    for label, settings in remedies.items():
        for data_name, mixture in mixtures.items():
            for seed in seeds:
                run = train_toy(mixture, seed=seed, every=common.get("steps", 3000), **{**common, **settings})
                c = run.final
                rows.append({"method": label, "data": data_name, "seed": seed, "modes": c.modes_covered,
                             "total": c.n_modes, "hq": c.high_quality_fraction, "kl": c.kl_to_uniform,
                             "seconds": run.seconds, "points": run.snapshots[-1]})  # fmt: skip
                if verbose:
                    print(f"{label:<16} {data_name:<5} seed {seed}: {c.modes_covered:>2}/{c.n_modes} modes, "
                          f"{c.high_quality_fraction:6.1%} HQ  ({run.seconds:.1f} s)")  # fmt: skip
    return rows


def summarize(rows: list) -> list:
    """Means over seeds of ``compare``'s rows, one dict per (method, data): modes, total, hq_percent,
    all_modes (seeds that covered every mode), seeds, seconds (per run). Introduced in lesson 04."""
    groups = {}
    for row in rows:
        groups.setdefault((row["method"], row["data"]), []).append(row)
    out = []
    for (method, data_name), group in groups.items():
        out.append({
            "method": method, "data": data_name, "modes": float(np.mean([r["modes"] for r in group])),
            "total": group[0]["total"], "hq_percent": float(100 * np.mean([r["hq"] for r in group])),
            "all_modes": sum(r["modes"] == r["total"] for r in group), "seeds": len(group),
            "seconds": float(np.mean([r["seconds"] for r in group])),
        })  # fmt: skip
    return out


def format_table(summary: list) -> str:
    """``summarize``'s rows as a Markdown table: one row per method, ring and grid side by side."""
    datasets = list(dict.fromkeys(r["data"] for r in summary))
    head = "| method | " + " | ".join(f"{d}: modes | {d}: HQ % | {d}: s/run" for d in datasets) + " |"
    lines = [head, "|---" * (1 + 3 * len(datasets)) + "|"]
    for method in dict.fromkeys(r["method"] for r in summary):
        cells = []
        for d in datasets:
            r = next((r for r in summary if r["method"] == method and r["data"] == d), None)
            cells += ["–"] * 3 if r is None else [
                f"{r['modes']:.1f}/{r['total']} ({r['all_modes']}/{r['seeds']} seeds all)",
                f"{r['hq_percent']:.1f}", f"{r['seconds']:.1f}"]  # fmt: skip
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
