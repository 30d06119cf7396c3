"""The seed tutorials' GAN programs, for lesson 09's clinic: each as printed, faithful, and fixed.

Four tutorials seeded this course (``shared/seeds``). Three of them print a GAN program:

- **S0** (seed 000, §3.2): an MLP GAN trained with a combined Keras model and ``train_on_batch``;
- **S1** (seed 001, §4): a "CNN GAN" whose generator makes 16×16 images;
- **S3** (seed 003, the full example): a PyTorch MLP generator and CNN discriminator.

(S2, seed 002, is the TensorFlow DCGAN tutorial: ``models.dcgan_seed_generator`` and
``models.dcgan_seed_discriminator``, lesson 03.)

For each program this module holds its bugs (``SEEDS[key].bugs``, each with the seed's section and
the ``clinic.diagnose`` check that catches it, if one can), ``*_failures()``, which runs the parts
that cannot run as printed and returns each error as Python raised it, the faithful networks and
loop (the closest program that runs, bugs kept), and the fixed version built from the course's own
parts (``gan.build_gan``, ``models``, ``losses``). The loops take a number of steps, so a lesson
can give every program the same budget. ``benchmark_results`` reads the ten-minute race of the fixed
programs that ``benchmarks/seed_programs.py`` measured (shipped in ``results/``).

Introduced in lesson 09.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course import experiments
from gan_course.losses import GANLoss, get_loss
from gan_course.training import History

# ------------------------------------------------------------------- records


@dataclass(frozen=True)
class Bug:
    """One bug of a seed program: where it is, what it is, what it does, the fix, and the ``clinic.diagnose``
    check that catches it (None when no check can: a loop's logic, a typo). ``crash`` is True when the
    bug stops the program. Introduced in lesson 09.
    """

    section: str
    what: str
    effect: str
    fix: str
    check: str | None = None
    crash: bool = False


@dataclass(frozen=True)
class Failure:
    """One way a seed program fails as printed: the seed's section, the code, the error Python raised
    (type and message; ``ran`` is False for a failure that needs what this machine lacks, e.g. a GPU
    with PyTorch) and the fix. Introduced in lesson 09.
    """

    section: str
    code: str
    error: str
    message: str
    fix: str
    ran: bool = True

    def __str__(self) -> str:
        said = f"{self.error}: {self.message}" if self.ran else f"(not run here) {self.message}"
        return f"{self.section}  `{self.code}`\n    {said}\n    fix: {self.fix}"


class Failures(list):
    """The ``Failure``\\ s of one seed program, in the order the program meets them; prints as a list, or a table
    in a notebook. Introduced in lesson 09.
    """

    def __str__(self) -> str:
        if not self:
            return "no failures"
        return "\n".join(f"{i}. {f}" for i, f in enumerate(self, 1))

    def _repr_markdown_(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        rows = ["| # | section | code | error | fix |", "|---|---|---|---|---|"]
        for i, f in enumerate(self, 1):
            error = f"{f.error}: {f.message}" if f.ran else f"not run here: {f.message}"
            rows.append(f"| {i} | {cell(f.section)} | `{cell(f.code)}` | {cell(error)} | {cell(f.fix)} |")
        return "\n".join(rows)


@dataclass(frozen=True)
class SeedSystem:
    """A seed program: its key (``"S0"``), seed file, title, ``bugs``, ``notes`` on things that look wrong but
    are not, and the functions that show it failing (``failures``), build it faithfully and build it
    fixed. Introduced in lesson 09.
    """

    key: str
    seed: str
    title: str
    bugs: tuple
    failures: object
    faithful: object
    fixed: object
    notes: tuple = field(default=())

    @property
    def checks(self) -> set:
        """The ``clinic.diagnose`` checks that catch some of this program's bugs."""
        return {bug.check for bug in self.bugs if bug.check}

    def _repr_markdown_(self) -> str:
        rows = [f"**{self.key}** (seed {self.seed}): {self.title}", "", "| section | bug | effect | fix | check |"]
        rows.append("|---|---|---|---|---|")
        for b in self.bugs:
            rows.append(f"| {b.section} | {b.what} | {b.effect} | {b.fix} | {b.check or '—'} |")
        return "\n".join(rows)


# ------------------------------------------------------------------- shared helpers


def _steps(steps) -> int:
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer (training steps to run), got {steps!r}")
    return int(steps)


def _positive_int(value, name: str, example: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer ({example}), got {value!r}")
    return int(value)


def _seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _images(images, shape=None) -> np.ndarray:
    """Images (N, H, W, C) as float32, finite; their range is left alone (a seed may use [0, 1])."""
    if hasattr(images, "numpy") and not isinstance(images, np.ndarray):
        images = images.numpy()
    arr = np.asarray(images)
    if arr.ndim != 4 or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"images must be a float array (N, H, W, C), got shape {arr.shape} and dtype {arr.dtype}")
    if len(arr) == 0:
        raise ValueError("images are empty: pass at least one image")
    if not np.all(np.isfinite(arr)):
        raise ValueError("images contain NaN or Inf values")
    if shape is not None and tuple(arr.shape[1:]) != tuple(shape):
        raise ValueError(
            f"images have shape {arr.shape[1:]}, the networks take {tuple(shape)}"
            + (": resize them with seeds.resize_images(images, 16)" if tuple(shape)[:2] == (16, 16) else "")
        )
    return arr.astype(np.float32, copy=False)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _message(err: BaseException) -> str:
    """The line of an error message that says what went wrong, without colour codes or TensorFlow's traceback."""
    text = _ANSI.sub("", str(err)).strip()
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", text)  # TensorFlow's op location
    text = re.sub(r"\s*\[Op:[^\]]*\].*$", "", text, flags=re.M)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for pattern in ("Incompatible shapes", "is incompatible with", "Invalid input shape", "expected"):
        for line in lines:
            if pattern in line:
                return line[:400]
    return (lines[0] if lines else type(err).__name__)[:400]


def _attempt(section: str, code: str, fix: str, run) -> Failure | None:
    """Run ``run()``; a Failure with the error it raised, or None if it ran."""
    try:
        with warnings.catch_warnings():  # Keras' deprecation notes are not the seed's failure
            warnings.simplefilter("ignore")
            run()
    except Exception as err:  # noqa: BLE001 - whatever the seed's code raises is what the lesson shows
        return Failure(section, code, type(err).__name__, _message(err), fix)
    return None


def _record(history: History, **values) -> None:
    for key, value in values.items():
        history.steps.setdefault(key, []).append(float(value))


def resize_images(images, size) -> np.ndarray:
    """Images (N, H, W, C) resized to ``size`` × ``size`` (or ``(height, width)``) by area averaging, range kept.

    S1's generator makes 16×16 images: its faithful run trains on the data shrunk to 16×16, and
    its samples are enlarged back to 28×28 for the course's classifier. Introduced in lesson 09.
    """
    arr = _images(images)
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    if not isinstance(size, (tuple, list)) or len(size) != 2 or any(int(s) < 1 for s in size):
        raise ValueError(f"size must be a positive integer or (height, width), got {size!r}")
    method = "area" if size[0] <= arr.shape[1] else "bilinear"
    out = tf.image.resize(arr, tuple(int(s) for s in size), method=method).numpy()
    return np.clip(out, arr.min(), arr.max()).astype(np.float32)


# ------------------------------------------------------------------- S0: seed 000


def s0_generator(z_dim: int = 100) -> keras.Model:
    """Seed 000's generator (§2.1.1, §3.2.1): z (batch, z_dim) -> Dense(128) -> LeakyReLU(0.01) -> Dense(784, tanh)
    -> Reshape (28, 28, 1): images in [-1, 1].

    The seed writes ``input_dim=z_dim`` and ``LeakyReLU(alpha=0.01)``; Keras 3 still takes both with a
    deprecation warning, so they are written here as ``keras.Input`` and ``negative_slope``, the same
    network. It is ``models.mlp_generator``. Introduced in lesson 09.
    """
    z_dim = _positive_int(z_dim, "z_dim", "the noise size, e.g. 100")
    return keras.Sequential(
        [
            keras.Input((z_dim,)),
            layers.Dense(128),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(28 * 28 * 1, activation="tanh"),
            layers.Reshape((28, 28, 1)),
        ],
        name="s0_generator",
    )


def s0_discriminator() -> keras.Model:
    """Seed 000's discriminator (§2.1.2, §3.2.1): Flatten -> Dense(128) -> LeakyReLU(0.01) -> Dense(1, sigmoid).

    Its output is a probability, for Keras' ``"binary_crossentropy"``. Introduced in lesson 09.
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="s0_discriminator",
    )


def s0_models(z_dim: int = 100) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Seed 000's setup (§3.2.2): ``(generator, discriminator, combined)``, compiled as the seed compiles them.

    ``combined = keras.Sequential([generator, discriminator])``; D and the combined model are each
    compiled with ``"binary_crossentropy"`` and ``keras.optimizers.Adam()`` (learning rate 1e-3,
    beta_1 0.9). D is *not* frozen inside the combined model (bug): a combined step also moves D.
    Introduced in lesson 09.
    """
    generator, discriminator = s0_generator(z_dim), s0_discriminator()
    combined = keras.Sequential([generator, discriminator], name="s0_gan")
    discriminator.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam())
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam())
    return generator, discriminator, combined


def s0_scale(images) -> np.ndarray:
    """The course's images in [-1, 1] rescaled to seed 000's [0, 1] (its ``X_train / 255.0``): ``(x + 1) / 2``.

    Introduced in lesson 09.
    """
    arr = _images(images)
    if arr.min() < -1 - 1e-3 or arr.max() > 1 + 1e-3:
        raise ValueError(f"expected images in [-1, 1] (data.load_images), got [{arr.min():.3g}, {arr.max():.3g}]")
    return (arr + 1.0) / 2.0


def _relative_change(before, variables) -> float:
    num = math.sqrt(sum(float(np.sum((v.numpy() - b) ** 2)) for b, v in zip(before, variables)))
    den = math.sqrt(sum(float(np.sum(b**2)) for b in before)) or 1.0
    return num / den


def s0_train(
    generator, discriminator, combined, images, steps: int, batch_size: int = 32, freeze: bool = False, seed: int = 0
) -> History:
    """Seed 000's training loop (§3.2.2) for ``steps`` batches; returns a ``training.History``.

    Per batch, as printed: fakes from fresh noise, ``discriminator.train_on_batch`` on the real batch
    (labels 1) and on the fakes (labels 0), then ``combined.train_on_batch`` on fresh noise with labels
    1. The data come from ``Dataset.from_tensor_slices(images).shuffle(50000).batch(batch_size)``,
    epoch after epoch. ``images`` are used as given: the seed's are in [0, 1] (``s0_scale``).

    ``freeze=True`` applies the fix of the freezing bug in the seed's own style: D is switched to
    ``trainable = False`` for the combined step and back for its own (each model's train function
    is rebuilt first, because Keras 3 fixes the trainable variables when a step is first traced).

    Recorded per step: ``d_loss`` (real + fake binary cross-entropy), ``g_loss``, ``d_real`` and
    ``d_fake`` (D's mean probability on the batch before its update), and ``d_change_in_g_step``
    (the relative change of D's weights during the combined step: 0 when D is frozen). The seed's
    ``generator.predict`` is called as ``generator(noise, training=False)``: the same numbers
    without a progress bar per step. ``len(images)`` must be a multiple of ``batch_size``: the seed
    labels every batch with ``batch_size`` ones, so a short last batch fails (``s0_failures``).
    Introduced in lesson 09.
    """
    steps = _steps(steps)
    batch_size = _positive_int(batch_size, "batch_size", "the seed uses 32")
    seed = _seed(seed)
    if not isinstance(freeze, (bool, np.bool_)):
        raise ValueError(f"freeze must be True or False, got {freeze!r}")
    images = _images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
    if len(images) % batch_size:
        raise ValueError(
            f"{len(images)} images do not split into batches of {batch_size}: the seed labels every batch with "
            f"{batch_size} ones, so its short last batch fails (s0_failures() shows the error); pass "
            f"{len(images) // batch_size * batch_size or batch_size} images"
        )
    z_dim = int(generator.inputs[0].shape[-1])
    rng = np.random.default_rng(seed)
    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(50000, seed=seed).batch(batch_size)
    ones, zeros = np.ones((batch_size, 1)), np.zeros((batch_size, 1))
    discriminator.trainable = True
    discriminator.make_train_function(force=True)
    combined.make_train_function(force=True)
    history = History(loss=get_loss("non_saturating"))
    history.steps_per_epoch = len(images) // batch_size
    start = time.perf_counter()
    done = 0
    try:
        while done < steps:
            for batch in dataset:
                noise = rng.normal(0, 1, (batch_size, z_dim))
                fake = generator(noise, training=False).numpy()
                real = batch.numpy()
                d_real = float(np.mean(discriminator(real, training=False)))
                d_fake = float(np.mean(discriminator(fake, training=False)))
                loss_real = discriminator.train_on_batch(real, ones)
                loss_fake = discriminator.train_on_batch(fake, zeros)
                noise = rng.normal(0, 1, (batch_size, z_dim))
                if freeze:
                    discriminator.trainable = False
                before = [v.numpy().copy() for v in discriminator.weights]
                g_loss = combined.train_on_batch(noise, ones)
                change = _relative_change(before, discriminator.weights)
                if freeze:
                    discriminator.trainable = True
                _record(
                    history,
                    d_loss=float(loss_real) + float(loss_fake),
                    g_loss=g_loss,
                    d_real=d_real,
                    d_fake=d_fake,
                    d_change_in_g_step=change,
                )
                done += 1
                if done == steps:
                    break
    finally:
        discriminator.trainable = True
    history.seconds = time.perf_counter() - start
    return history


def s0_failures() -> Failures:
    """Run the parts of seed 000's program that fail as printed; return the errors in the order the program meets them.

    §3.2.2: the compile lines as the page prints them; ``train_gan`` unpacking the combined model;
    a data set whose size is not a multiple of 32 (the seed's 60 000 MNIST images are, a subset
    usually is not); §3.3.1: ``gan.fit(dataset, ...)`` on images; §3.3.2: ``import fid_score``.
    Each runs with small Keras models on a few zero images, so it takes seconds. Introduced in lesson 09.
    """
    failures = Failures()

    def add(failure):
        if failure is not None:
            failures.append(failure)

    printed = "***pile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam())"
    add(
        _attempt(
            "000 §3.2.2",
            printed,
            "the page lost the start of both lines: discriminator.compile(...) and gan.compile(...)",
            lambda: compile(printed, "<seed 000>", "exec"),
        )
    )
    generator, discriminator, combined = s0_models()

    def unpack():
        generator_, discriminator_ = combined  # noqa: F841 - the seed's first line of train_gan

    add(
        _attempt(
            "000 §3.2.2",
            "generator, discriminator = gan",
            "pass the two networks and the combined model separately: train_gan(generator, discriminator, gan, ...)",
            unpack,
        )
    )

    def short_last_batch():
        images = np.zeros((48, 28, 28, 1), np.float32)
        batch_size = 32
        for batch in tf.data.Dataset.from_tensor_slices(images).shuffle(50000).batch(batch_size):
            discriminator.train_on_batch(batch.numpy(), np.ones((batch_size, 1)))

    add(
        _attempt(
            "000 §3.2.2",
            "discriminator.train_on_batch(real, np.ones((batch_size, 1)))",
            "label each batch by its own size, np.ones((len(real), 1)), or batch with drop_remainder=True",
            short_last_batch,
        )
    )

    def fit_on_images():
        images = np.zeros((8, 28, 28, 1), np.float32)
        combined.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)

    add(
        _attempt(
            "000 §3.3.1",
            "history = gan.fit(dataset, epochs=1000, callbacks=[...TensorBoard...])",
            "the combined model maps noise to D's verdict and cannot be fit on images: train with the loop "
            "(or gan.GAN.fit, which runs the GAN step)",
            fit_on_images,
        )
    )
    add(
        _attempt(
            "000 §3.3.2",
            "import fid_score",
            "no package of that name exists (and the function is spelt calculate_fretchet_...): use "
            "gan_course.metrics (lesson 05)",
            lambda: importlib.import_module("fid_score"),
        )
    )
    return failures


def s0_fixed(z_dim: int = 100, seed: int = 0):
    """Seed 000's GAN fixed: lesson 02's MLP pair (``models.mlp_generator``, ``models.mlp_discriminator``, the
    seed's layers with D's sigmoid moved into the loss) in a ``gan.GAN`` from ``build_gan``.

    The non-saturating loss on logits, Adam(2e-4, beta_1=0.5) for each network, and the course's
    step, whose tapes each update their own network (no combined model to freeze). Train it on
    images in [-1, 1] with ``fit``. Introduced in lesson 09.
    """
    from gan_course.gan import build_gan
    from gan_course.models import mlp_discriminator, mlp_generator

    z_dim = _positive_int(z_dim, "z_dim", "the noise size, e.g. 100")
    return build_gan(mlp_generator(z_dim), mlp_discriminator(), loss="non_saturating", seed=_seed(seed))


# ------------------------------------------------------------------- S1: seed 001


def _s1_generator_stack(z, start: tuple[int, int], channels, out_channels: int):
    h = layers.Dense(4 * 4 * 256, activation="relu")(z)
    h = layers.Dense(4 * 4 * 128, activation="relu")(h)
    h = layers.Dense(start[0] * start[1] * 64, activation="relu")(h)
    h = layers.Reshape((start[0], start[1], 64))(h)
    for width in channels:
        h = layers.Conv2DTranspose(width, (4, 4), strides=(2, 2), padding="same")(h)
        h = layers.BatchNormalization()(h)
        h = layers.Activation("relu")(h)
    h = layers.Conv2DTranspose(out_channels, (4, 4), padding="same")(h)
    return layers.Activation("tanh")(h)


def s1_generator(z_dim: int = 100) -> keras.Model:
    """Seed 001 §4's generator, as printed: z -> Dense(4·4·256, relu) -> Dense(4·4·128, relu) -> Dense(4·4·64, relu)
    -> Reshape(4, 4, 64) -> Conv2DTranspose 128 4×4 s2 -> BN -> ReLU -> Conv2DTranspose 256 4×4 s2 -> BN
    -> ReLU -> Conv2DTranspose 1 4×4 (stride 1) -> tanh.

    Two stride-2 steps from 4×4 make **16×16** images, not MNIST's 28×28 (bug). The seed writes the
    stack as a function that adds new layers at every call; here it is built once as a model.
    Introduced in lesson 09.
    """
    z_dim = _positive_int(z_dim, "z_dim", "the noise size, e.g. 100")
    z = keras.Input((z_dim,))
    return keras.Model(z, _s1_generator_stack(z, (4, 4), (128, 256), 1), name="s1_generator")


def _s1_discriminator_stack(x, logits: bool):
    h = x
    for width in (64, 128, 256):
        h = layers.Conv2D(width, (4, 4), strides=(2, 2), padding="same")(h)
        h = layers.BatchNormalization()(h)
        h = layers.Activation("relu")(h)
    h = layers.Flatten()(h)
    return layers.Dense(1)(h) if logits else layers.Dense(1, activation="sigmoid")(h)


def s1_discriminator(image_shape=(16, 16, 1)) -> keras.Model:
    """Seed 001 §4's discriminator: three Conv2D 4×4 s2 (64, 128, 256), each with BN and ReLU -> Flatten ->
    Dense(1, sigmoid). Built for 16×16 by default, the size S1's generator makes. Introduced in lesson 09.
    """
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape!r}")
    x = keras.Input(shape)
    return keras.Model(x, _s1_discriminator_stack(x, logits=False), name="s1_discriminator")


def _s1_d_loss(real_out, fake_out):
    return tf.reduce_mean(fake_out) + tf.reduce_mean(real_out)


def _s1_g_loss(fake_out):
    return tf.reduce_mean(-fake_out)


def s1_loss() -> GANLoss:
    """Seed 001 §4's losses as a ``losses.GANLoss``: D minimises mean D(G(z)) + mean D(x), G minimises -mean D(G(z)).

    D's output (a sigmoid) is read as a raw score. The real term has the wrong sign: D is trained
    to score real samples low as well as fakes, so nothing teaches it to tell them apart. The seed
    adds the two output tensors before taking the mean, which fails unless both batches have one
    size; the means are taken separately here. Introduced in lesson 09.
    """
    return GANLoss(
        "seed001",
        _s1_d_loss,
        _s1_g_loss,
        output="score",
        healthy="none: this loss lowers D's scores on real and fake samples alike, so D never learns to tell them",
    )


def s1_train(generator, discriminator, images, steps: int, batch_size: int = 64, seed: int = 0) -> History:
    """Seed 001 §4's loop, with only the fixes it needs to run (``s1_failures``), for ``steps`` "epochs".

    As printed: the noise is drawn once, before the loop, so G sees the same ``batch_size`` vectors
    every step; each "epoch" is one step on *all* of ``images`` at once (there is no loop over
    batches: pass a few hundred images, not 60 000); D's loss is mean D(G(z)) + mean D(x) and G's
    -mean D(G(z)) on D's sigmoid outputs (``s1_loss``); Adam(2e-4, beta_1=0.5) for each network;
    both gradients taken from one forward pass. ``images`` must have the shape D takes (16×16 for
    the faithful pair: ``resize_images(images, 16)``).

    Recorded per step: ``d_loss``, ``g_loss``, and D's mean output ``d_real`` and ``d_fake``.
    Introduced in lesson 09.
    """
    steps = _steps(steps)
    batch_size = _positive_int(batch_size, "batch_size", "the noise batch, e.g. 64")
    images = _images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
    z_dim = int(generator.inputs[0].shape[-1])
    noise = tf.random.Generator.from_seed(_seed(seed)).normal((batch_size, z_dim))
    real = tf.constant(images)
    g_opt, d_opt = keras.optimizers.Adam(0.0002, 0.5), keras.optimizers.Adam(0.0002, 0.5)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    @tf.function
    def step():
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = generator(noise, training=True)
            fake_out = discriminator(fake, training=True)
            real_out = discriminator(real, training=True)
            d_loss = _s1_d_loss(real_out, fake_out)
            g_loss = _s1_g_loss(discriminator(fake, training=True))
        g_grads = gen_tape.gradient(g_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(d_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return d_loss, g_loss, tf.reduce_mean(real_out), tf.reduce_mean(fake_out)

    history = History(loss=s1_loss())
    history.steps_per_epoch = 1
    start = time.perf_counter()
    for _ in range(steps):
        d_loss, g_loss, d_real, d_fake = step()
        _record(history, d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
    history.seconds = time.perf_counter() - start
    return history


# Seed 001 §4's program with its line breaks restored; comments left out. Names are as printed.
_S1_PROGRAM = """
import tensorflow as tf
from tensorflow.keras import layers


def generator(z, noisedim):
    hidden1 = layers.Dense(4 * 4 * 256, activation='relu', inputshape=[noise_dim])(z)
    hidden2 = layers.Dense(4 * 4 * 128, activation='relu')(hidden1)
    hidden3 = layers.Dense(4 * 4 * 64, activation='relu')(hidden2)
    output = layers.Reshape((4, 4, 64))(hidden3)
    output = layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding='same')(output)
    output = layers.BatchNormalization()(output)
    output = layers.Activation('relu')(output)
    output = layers.Conv2DTranspose(256, (4, 4), strides=(2, 2), padding='same')(output)
    output = layers.BatchNormalization()(output)
    output = layers.Activation('relu')(output)
    output = layers.Conv2DTranspose(1, (4, 4), padding='same')(output)
    output = layers.Activation('tanh')(output)
    return output


def discriminator(img):
    hidden1 = layers.Conv2D(64, (4, 4), strides=(2, 2), padding='same')(img)
    hidden1 = layers.BatchNormalization()(hidden1)
    hidden1 = layers.Activation('relu')(hidden1)
    hidden2 = layers.Conv2D(128, (4, 4), strides=(2, 2), padding='same')(hidden1)
    hidden2 = layers.BatchNormalization()(hidden2)
    hidden2 = layers.Activation('relu')(hidden2)
    hidden3 = layers.Conv2D(256, (4, 4), strides=(2, 2), padding='same')(hidden2)
    hidden3 = layers.BatchNormalization()(hidden3)
    hidden3 = layers.Activation('relu')(hidden3)
    hidden4 = layers.Flatten()(hidden3)
    output = layers.Dense(1, activation='sigmoid')(hidden4)
    return output


def train(generator, discriminator, noisedim, batchsize, epochs):
    generatoroptimizer = tf.keras.optimizers.Adam(0.0002, 0.5)
    discriminatoroptimizer = tf.keras.optimizers.Adam(0.0002, 0.5)

    noise_dim = 100
    noise = tf.random.normal([batch_size, noise_dim])

    for epoch in range(epochs):
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, noise_dim)
            real_images = tf.constant(X_train)
            discriminator_loss = discriminator(generated_images, training=True)
            discriminator_loss += discriminator(real_images, training=True)
            discriminator_loss = tf.reduce_mean(discriminator_loss)
            generator_loss = tf.reduce_mean(-discriminator(generated_images, training=True))
            gen_gradients = gen_tape.gradient(generator_loss, generator.trainable_variables)
            disc_gradients = disc_tape.gradient(discriminator_loss, discriminator.trainable_variables)

        generator_optimizer.apply_gradients(zip(gen_gradients, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(disc_gradients, discriminator.trainable_variables))


train(generator, discriminator, noisedim, batchsize, epochs)
"""

# Each fix, in the order the errors come: (the error it fixes, what it fixes, old text, new text, ...).
# Applied one at a time, each makes the program run one error further; after the last it runs.
_S1_CALL = "\ntrain(generator, discriminator, noisedim, batchsize, epochs)\n"
_S1_FIXES = (
    (
        "NameError",
        "noisedim, batchsize and epochs are never defined: define them (the page also lost their underscores)",
        _S1_CALL,
        "\nnoisedim, batchsize, epochs = 100, 4, 1" + _S1_CALL,
    ),
    (
        "NameError",
        "the parameter is batchsize, the body reads batch_size: one name for both",
        "def train(generator, discriminator, noisedim, batchsize, epochs):",
        "def train(generator, discriminator, noisedim, batch_size, epochs):",
    ),
    (
        "NameError",
        "generator's parameter is noisedim, its body reads noise_dim: one name for both",
        "def generator(z, noisedim):",
        "def generator(z, noise_dim):",
    ),
    (
        "ValueError",
        "Keras has no inputshape argument (input_shape; a layer called on a tensor needs neither): drop it",
        ", inputshape=[noise_dim]",
        "",
    ),
    (
        "NameError",
        "X_train is never loaded: load the images, scaled to [-1, 1]",
        _S1_CALL,
        "\nX_train = IMAGES" + _S1_CALL,
    ),
    (
        "TypeError",
        "generator and discriminator are functions that add new layers (new random weights) at every call, and "
        "take no training=: build each once as a keras.Model and call the models",
        _S1_CALL,
        "\nz_input = tf.keras.Input((noisedim,))\n"
        "generator = tf.keras.Model(z_input, generator(z_input, noisedim))\n"
        "image_input = tf.keras.Input((28, 28, 1))\n"
        "discriminator = tf.keras.Model(image_input, discriminator(image_input))" + _S1_CALL,
    ),
    (
        "TypeError",
        "a Keras model's second argument is training: generator(noise, noise_dim) passes it twice; call "
        "generator(noise, training=True)",
        "generated_images = generator(noise, noise_dim)",
        "generated_images = generator(noise, training=True)",
    ),
    (
        "ValueError",
        "G makes 16×16 images, D and the data are 28×28: for the seed's G, shrink the data to 16×16 and build D "
        "for 16×16 (the fixed G starts from 7×7 and makes 28×28)",
        "X_train = IMAGES\n",
        "X_train = tf.image.resize(IMAGES, (16, 16)).numpy()\n",
        "image_input = tf.keras.Input((28, 28, 1))",
        "image_input = tf.keras.Input((16, 16, 1))",
    ),
    (
        "InvalidArgumentError",
        "the real batch (all of X_train) and the fake batch differ in size, so their outputs cannot be added: "
        "take the mean of each",
        "            discriminator_loss = discriminator(generated_images, training=True)\n"
        "            discriminator_loss += discriminator(real_images, training=True)\n"
        "            discriminator_loss = tf.reduce_mean(discriminator_loss)\n",
        "            discriminator_loss = tf.reduce_mean(discriminator(generated_images, training=True))\n"
        "            discriminator_loss += tf.reduce_mean(discriminator(real_images, training=True))\n",
    ),
    (
        "NameError",
        "the optimizers are created as generatoroptimizer / discriminatoroptimizer and used as "
        "generator_optimizer / discriminator_optimizer: one name for each",
        "    generatoroptimizer = tf.keras.optimizers.Adam(0.0002, 0.5)\n"
        "    discriminatoroptimizer = tf.keras.optimizers.Adam(0.0002, 0.5)\n",
        "    generator_optimizer = tf.keras.optimizers.Adam(0.0002, 0.5)\n"
        "    discriminator_optimizer = tf.keras.optimizers.Adam(0.0002, 0.5)\n",
    ),
)


def _s1_source(fixes: int) -> str:
    source = _S1_PROGRAM
    for _, _, *edits in _S1_FIXES[:fixes]:
        for old, new in zip(edits[::2], edits[1::2]):
            if source.count(old) != 1:
                raise RuntimeError(f"seed 001's program holds {old!r} {source.count(old)} times, not once")
            source = source.replace(old, new)
    return source


def _first_line_of(source: str, err: BaseException) -> str:
    """The program line where ``err`` was raised (or the last line of the program)."""
    lines = source.splitlines()
    tb = err.__traceback__
    number = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<seed 001 §4>":
            number = tb.tb_lineno
        tb = tb.tb_next
    if number is None and isinstance(err, SyntaxError):
        number = err.lineno
    if number is None or not 1 <= number <= len(lines):
        return lines[-1].strip()
    return lines[number - 1].strip()


def s1_failures(images=None) -> Failures:
    """Run seed 001 §4's program as printed, fix the error it stops at, run again, until it runs; return the errors.

    The first failure is the page itself: the code block lost its line breaks, so the program is one
    line of Python that does not parse. From then on the program runs with its line breaks restored;
    each ``Failure`` gives the line that failed, the error and the fix applied before the next run
    (``_S1_FIXES``; applied all together they give ``s1_train``'s loop). ``images`` (default: eight
    blank 28×28 images) play ``X_train``; each run is one "epoch" with 4 noise vectors.
    Introduced in lesson 09.
    """
    if images is None:
        images = np.zeros((8, 28, 28, 1), np.float32)
    images = _images(images, shape=(28, 28, 1))
    failures = Failures()
    flattened = "import tensorflow as tf from tensorflow.keras import layers"
    failure = _attempt(
        "001 §4",
        flattened,
        "the code block lost its line breaks: restore them",
        lambda: compile(flattened, "<seed 001 §4>", "exec"),
    )
    if failure is not None:
        failures.append(failure)
    for applied in range(len(_S1_FIXES) + 1):
        source = _s1_source(applied)
        namespace = {"__name__": "seed001", "IMAGES": images}
        try:
            exec(compile(source, "<seed 001 §4>", "exec"), namespace)  # noqa: S102 - the seed's own program
        except Exception as err:  # noqa: BLE001 - whatever the seed's code raises is what the lesson shows
            expected, fix = _S1_FIXES[applied][:2] if applied < len(_S1_FIXES) else (None, None)
            if type(err).__name__ != expected:  # this TensorFlow fails differently: show it, and stop
                fix = f"(this fix list expected {expected or 'no error'} here; the program stops)"
            failures.append(Failure("001 §4", _first_line_of(source, err), type(err).__name__, _message(err), fix))
            if type(err).__name__ != expected:
                break
            continue
        break
    return failures


def s1_fixed_generator(z_dim: int = 100, image_shape=(28, 28, 1), channels=(128, 256)) -> keras.Model:
    """S1's generator fixed to make ``image_shape`` (28×28): the seed's layers with the third Dense sized for and
    reshaped to H/4 × W/4 × 64 (7×7 for MNIST) instead of 4×4, so that two stride-2 steps reach H × W.

    ``channels`` are the two transposed convolutions' widths (the seed's 128, 256); fewer make it
    cheaper on a CPU. Introduced in lesson 09.
    """
    z_dim = _positive_int(z_dim, "z_dim", "the noise size, e.g. 100")
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or shape[0] % 4 or shape[1] % 4:
        raise ValueError(f"image_shape must be (H, W, C) with H and W divisible by 4, e.g. (28, 28, 1), got {shape}")
    channels = tuple(_positive_int(c, "each of channels", "e.g. (128, 256)") for c in channels)
    if len(channels) != 2:
        raise ValueError(f"channels must give two widths (the two stride-2 layers), got {channels!r}")
    z = keras.Input((z_dim,))
    images = _s1_generator_stack(z, (shape[0] // 4, shape[1] // 4), channels, shape[2])
    return keras.Model(z, images, name="s1_fixed_generator")


def s1_fixed_discriminator(image_shape=(28, 28, 1)) -> keras.Model:
    """S1's discriminator fixed: the same three convolutions with BN and ReLU, ending in Dense(1), a logit for the
    course's losses (D is called on real and fake batches separately, so its BatchNorm sees one kind at a time).
    Introduced in lesson 09.
    """
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape!r}")
    x = keras.Input(shape)
    return keras.Model(x, _s1_discriminator_stack(x, logits=True), name="s1_fixed_discriminator")


def s1_fixed(z_dim: int = 100, image_shape=(28, 28, 1), channels=(128, 256), seed: int = 0):
    """Seed 001's GAN fixed: ``s1_fixed_generator`` and ``s1_fixed_discriminator`` in a ``gan.GAN`` from ``build_gan``.

    The non-saturating loss on logits; the seed's own optimizer settings, Adam(2e-4, beta_1=0.5),
    which are the course's; fresh noise and a new batch every step. Introduced in lesson 09.
    """
    from gan_course.gan import build_gan

    return build_gan(
        s1_fixed_generator(z_dim, image_shape, channels),
        s1_fixed_discriminator(image_shape),
        loss="non_saturating",
        lr=2e-4,
        beta_1=0.5,
        seed=_seed(seed),
    )


# ------------------------------------------------------------------- S3: seed 003 (PyTorch)


def _torch_init(fan_in: int) -> dict:
    """PyTorch's default initialisation of nn.Linear and nn.Conv2d, as Keras initializers.

    PyTorch draws weights from kaiming_uniform(a=√5), i.e. U(-1/√fan_in, 1/√fan_in), which is Keras'
    VarianceScaling(1/3, "fan_in", "uniform"); it draws biases from the same range, which Keras has
    no fan-in-aware initializer for, so the bound is computed here.
    """
    bound = 1.0 / math.sqrt(fan_in)
    return {
        "kernel_initializer": keras.initializers.VarianceScaling(1.0 / 3.0, "fan_in", "uniform"),
        "bias_initializer": keras.initializers.RandomUniform(-bound, bound),
    }


def s3_generator() -> keras.Model:
    """Seed 003's PyTorch generator in Keras: z (batch, 100) -> Linear 256 -> ReLU -> Linear 512 -> ReLU -> Linear 784
    -> tanh -> (28, 28, 1).

    PyTorch's ``view(-1, 1, 28, 28)`` is channels-first; with one channel it is the same image as
    Keras' (28, 28, 1). Weights start as PyTorch's would (``_torch_init``). Introduced in lesson 09.
    """
    return keras.Sequential(
        [
            keras.Input((100,)),
            layers.Dense(256, activation="relu", **_torch_init(100)),
            layers.Dense(512, activation="relu", **_torch_init(256)),
            layers.Dense(784, activation="tanh", **_torch_init(512)),
            layers.Reshape((28, 28, 1)),
        ],
        name="s3_generator",
    )


def s3_discriminator(logits: bool = False) -> keras.Model:
    """Seed 003's PyTorch discriminator in Keras: three Conv2d 3×3 stride 2 padding 1 (64, 128, 256), each with
    LeakyReLU(0.2) -> Flatten -> Linear(1) -> Sigmoid; with ``logits=True`` the sigmoid is left to the loss.

    PyTorch's ``padding=1`` pads one pixel on every side, which Keras' ``padding="same"`` does not do
    for stride 2 on an even size, so each convolution is ``ZeroPadding2D(1)`` and a ``"valid"`` Conv2D:
    28 -> 14 -> 7 -> 4. The features are 256·4·4 = 4096 wide; the seed's ``nn.Linear(256*3*3, 1)``
    expects 2304, so its program stops at the first batch (``s3_failures``); Keras' Dense takes its
    width from the input, so this port runs. Weights start as PyTorch's would. Introduced in lesson 09.
    """
    if not isinstance(logits, (bool, np.bool_)):
        raise ValueError(f"logits must be True or False, got {logits!r}")
    stack = [keras.Input((28, 28, 1))]
    for width, c_in in ((64, 1), (128, 64), (256, 128)):
        stack += [
            layers.ZeroPadding2D(1),
            layers.Conv2D(width, 3, strides=2, padding="valid", **_torch_init(9 * c_in)),
            layers.LeakyReLU(negative_slope=0.2),
        ]
    stack += [layers.Flatten(), layers.Dense(1, **_torch_init(256 * 4 * 4))]
    if not logits:
        stack.append(layers.Activation("sigmoid"))
    return keras.Sequential(stack, name="s3_discriminator_logits" if logits else "s3_discriminator")


@tf.custom_gradient
def _torch_bce_sum(p, target):
    """Binary cross-entropy summed over the batch, as PyTorch's nn.BCELoss computes it.

    PyTorch clamps each log at -100 and, going backwards, divides by max(p(1-p), 1e-12). Keras'
    BinaryCrossentropy clips p to [1e-7, 1 - 1e-7] instead (and inside a tf.function reads the
    logits behind a sigmoid), so it neither matches PyTorch nor can be configured to; written out here.
    """
    log_p = tf.maximum(tf.math.log(p), -100.0)
    log_q = tf.maximum(tf.math.log(1.0 - p), -100.0)
    value = -tf.reduce_sum(target * log_p + (1.0 - target) * log_q)

    def grad(upstream):
        return upstream * (p - target) / tf.maximum(p * (1.0 - p), 1e-12), None

    return value, grad


def _torch_bce(p, target):
    return _torch_bce_sum(p, target) / tf.cast(tf.size(p), p.dtype)


def s3_train(
    generator,
    discriminator,
    images,
    steps: int,
    batch_size: int = 100,
    lr: float = 2e-4,
    beta_1: float = 0.9,
    seed: int = 0,
) -> History:
    """Seed 003's training loop for ``steps`` batches, ported from PyTorch; returns a ``training.History``.

    Per batch, as printed: fakes from fresh noise; **one** D batch of fakes and real images
    concatenated, labels 0 and 1, ``nn.BCELoss``; then G's step on fresh noise with labels 1
    (the non-saturating loss -log D(G(z))). Adam(``lr``, betas (``beta_1``, 0.999), eps 1e-8) for
    each network: ``beta_1=0.9`` is PyTorch's default, the seed's; 0.5 is the known fix. The data
    are reshuffled every epoch and the last batch may be short, as PyTorch's DataLoader does.

    With a sigmoid D (``s3_discriminator()``) the loss is PyTorch's BCELoss (``_torch_bce``); with a
    logit D (``logits=True``) it is the loss on logits (BCEWithLogitsLoss), the other known fix.
    Recorded per step: ``d_loss`` (real + fake cross-entropy, i.e. twice the mixed-batch mean the
    seed prints), ``g_loss``, ``d_real``, ``d_fake`` (D's mean probability in its step).
    Introduced in lesson 09.
    """
    from gan_course.clinic import output_activation

    steps = _steps(steps)
    batch_size = _positive_int(batch_size, "batch_size", "the seed uses 100")
    seed = _seed(seed)
    for name, value, low, high in (("lr", lr, 0.0, 1.0), ("beta_1", beta_1, 0.0, 1.0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value < high:
            raise ValueError(f"{name} must be a number in [{low:g}, {high:g}), got {value!r}")
    if lr == 0:
        raise ValueError("lr must be > 0, e.g. 2e-4")
    images = _images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
    activation = output_activation(discriminator)
    if activation not in ("sigmoid", "linear"):
        raise ValueError(f"D must end in a sigmoid (BCELoss) or a logit (BCEWithLogitsLoss), got {activation!r}")
    on_logits = activation == "linear"
    z_dim = int(generator.inputs[0].shape[-1])

    def bce(out, target):
        if on_logits:
            return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=out))
        return _torch_bce(out, target)

    def prob(out):
        return tf.sigmoid(out) if on_logits else out

    noise = tf.random.Generator.from_seed(seed)
    g_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=0.999, epsilon=1e-8)
    d_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=0.999, epsilon=1e-8)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    @tf.function(reduce_retracing=True)
    def step(real):
        n = tf.shape(real)[0]
        fake = generator(noise.normal((n, z_dim)), training=True)
        combined = tf.concat([fake, real], axis=0)
        labels = tf.concat([tf.zeros((n, 1)), tf.ones((n, 1))], axis=0)
        with tf.GradientTape() as tape:
            out = discriminator(combined, training=True)
            d_loss = bce(out, labels)
        d_vars = discriminator.trainable_variables
        d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        with tf.GradientTape() as tape:
            g_out = discriminator(generator(noise.normal((n, z_dim)), training=True), training=True)
            g_loss = bce(g_out, tf.ones((n, 1)))
        g_vars = generator.trainable_variables
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        p = prob(out)
        return 2.0 * d_loss, g_loss, tf.reduce_mean(p[n:]), tf.reduce_mean(p[:n])

    history = History(loss=get_loss("non_saturating"))
    history.steps_per_epoch = math.ceil(len(images) / batch_size)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    done = 0
    while done < steps:
        order = rng.permutation(len(images))
        for first in range(0, len(images), batch_size):
            d_loss, g_loss, d_real, d_fake = step(tf.constant(images[order[first : first + batch_size]]))
            _record(history, d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
            done += 1
            if done == steps:
                break
    history.seconds = time.perf_counter() - start
    return history


def s3_failures() -> Failures:
    """The ways seed 003's PyTorch program fails as printed, each reproduced where this machine can.

    1. ``G.cuda()``: on a machine without an NVIDIA GPU PyTorch stops here (not run: PyTorch is not
       one of the course's packages).
    2. ``self.fc1 = nn.Linear(256*3*3, 1)``: the three stride-2 convolutions leave 4×4, not 3×3, so
       the first batch stops with a shape error; reproduced with a Keras Dense built for 2304 inputs
       fed the port's 4096 features.
    3. ``plt.savefig('samples/sample_{:04d}.png')``: the folder is never created; reproduced in an
       empty temporary folder.

    (``plt.imshow(images[j])`` on a (28, 28, 1) array raised TypeError in older matplotlib; recent
    versions draw it, in false colour.) Introduced in lesson 09.
    """
    failures = Failures(
        [
            Failure(
                "003 full example",
                "G.cuda(); D.cuda(); ... .cuda()",
                "",
                "PyTorch stops at the first .cuda() on a machine without an NVIDIA GPU and driver",
                "pick the device: device = 'cuda' if torch.cuda.is_available() else 'cpu'; G.to(device), "
                "tensors .to(device)",
                ran=False,
            )
        ]
    )
    features = keras.Sequential(s3_discriminator(logits=True).layers[:-1])

    def linear_2304():
        fc1 = layers.Dense(1)
        fc1.build((None, 256 * 3 * 3))
        fc1(features(np.zeros((2, 28, 28, 1), np.float32)))

    failure = _attempt(
        "003 full example",
        "self.fc1 = nn.Linear(256*3*3, 1)",
        "28 -> 14 -> 7 -> 4 after three stride-2 convolutions: nn.Linear(256*4*4, 1) (PyTorch: (4096x1), the "
        "shapes the batch has)",
        linear_2304,
    )
    if failure is not None:
        failures.append(failure)

    def save_without_folder():
        from matplotlib.figure import Figure

        with tempfile.TemporaryDirectory() as folder:
            try:
                Figure(figsize=(1, 1)).savefig(os.path.join(folder, "samples", "sample_0000.png"))
            except OSError as err:
                raise type(err)(err.errno, err.strerror, os.path.join("samples", "sample_0000.png")) from None

    failure = _attempt(
        "003 full example",
        "plt.savefig('samples/sample_{:04d}.png'.format(epoch))",
        "create the folder first: os.makedirs('samples', exist_ok=True)",
        save_without_folder,
    )
    if failure is not None:
        failures.append(failure)
    return failures


def s3_fixed(seed: int = 0):
    """Seed 003's GAN fixed: the same networks with D ending in a logit (``s3_discriminator(logits=True)``), the
    non-saturating loss on logits and Adam(2e-4, beta_1=0.5), in a ``gan.GAN`` from ``build_gan``.

    The course's step calls D on real and fake batches separately; with no BatchNorm in this D,
    that gives the same loss as the seed's mixed batch (up to the factor 2). Introduced in lesson 09.
    """
    from gan_course.gan import build_gan

    return build_gan(
        s3_generator(), s3_discriminator(logits=True), loss="non_saturating", lr=2e-4, beta_1=0.5, seed=_seed(seed)
    )


# ------------------------------------------------------------------- the table of bugs

S0_BUGS = (
    Bug(
        "000 §3.2.2",
        "the compile lines are printed as `***pile(...)`",
        "SyntaxError: nothing runs",
        "discriminator.compile(...) and gan.compile(...)",
        crash=True,
    ),
    Bug(
        "000 §3.2.2",
        "`generator, discriminator = gan` unpacks the combined model",
        "TypeError before the first step",
        "pass generator, discriminator and the combined model separately",
        crash=True,
    ),
    Bug(
        "000 §3.2.2",
        "data scaled by `X_train / 255.0` to [0, 1] (§2.1.1 even says G ends in a sigmoid), G ends in tanh",
        "D tells fakes by their negative pixels; G spends its steps lifting them",
        "scale to [-1, 1]: x / 127.5 - 1",
        check="data_range",
    ),
    Bug(
        "000 §3.2.2",
        "D is not frozen inside the combined model `gan`",
        "each G step also moves D towards calling fakes real",
        "discriminator.trainable = False for the combined step (Keras 3: after D's first step), or gan_step",
        check="combined_model",
    ),
    Bug(
        "000 §3.2.2",
        "`Adam()` with Keras' defaults (lr 1e-3, beta_1 0.9) for both models",
        "oscillating training (the DCGAN paper's finding for beta_1 0.9)",
        "Adam(2e-4, beta_1=0.5)",
        check="optimizer",
    ),
    Bug(
        "000 §3.2.2",
        "every batch is labelled `np.ones((batch_size, 1))`",
        "a short last batch fails (MNIST's 60 000 happen to divide by 32)",
        "np.ones((len(real), 1)), or drop_remainder=True",
        crash=True,
    ),
    Bug(
        "000 §3.2.2",
        "`epochs = 10000` over 1 875 batches, `generator.predict` in every step",
        "18.75 million steps, each printing a progress bar: days on a 2-core CPU (lesson 09 measures it)",
        "a budget of steps or minutes; call generator(noise) in the loop",
    ),
    Bug(
        "000 §3.3.1",
        "`gan.fit(dataset, ...)` on images",
        "ValueError: the combined model takes noise, not images",
        "train with the loop (or gan.GAN.fit)",
        crash=True,
    ),
    Bug(
        "000 §3.3.2",
        "`import fid_score`; `calculate_fretchet_inception_distance`",
        "ModuleNotFoundError: no such package",
        "gan_course.metrics (lesson 05)",
        crash=True,
    ),
)

S1_BUGS = (
    Bug("001 §4", "the code block lost its line breaks", "SyntaxError", "restore them", crash=True),
    Bug(
        "001 §4",
        "names lost their underscores: `noisedim`, `batchsize`, `inputshape`, `generatoroptimizer`",
        "NameError, TypeError",
        "one spelling per name; drop inputshape",
        crash=True,
    ),
    Bug(
        "001 §4",
        "`noisedim`, `batchsize`, `epochs` and `X_train` are never defined",
        "NameError",
        "define them; load and scale the data",
        crash=True,
    ),
    Bug(
        "001 §4",
        "`generator` and `discriminator` are functions that make new layers at every call",
        "TypeError (no training=); every call would start from new random weights",
        "build each network once as a keras.Model",
        crash=True,
    ),
    Bug(
        "001 §4",
        "G goes 4 -> 8 -> 16 (the last transposed convolution has stride 1): 16×16 images for 28×28 data",
        "ValueError when D built for the data meets G's samples",
        "start from 7×7 (s1_fixed_generator)",
        check="shapes",
        crash=True,
    ),
    Bug(
        "001 §4",
        "D's outputs on the fake batch and on all of X_train are added before the mean",
        "InvalidArgumentError: the two batches differ in size",
        "the mean of each term",
        crash=True,
    ),
    Bug(
        "001 §4",
        "D's loss is mean D(G(z)) + mean D(x): the real term has the wrong sign",
        "D learns to score everything low; it never learns to tell real from fake",
        "a GAN loss: softplus(-D(x)) + softplus(D(G(z))) on logits ('non_saturating')",
        check="loss_signs",
    ),
    Bug(
        "001 §4",
        "the losses read D's output as a raw score, but D ends in a sigmoid",
        "the scores cannot leave (0, 1), and their gradient vanishes as D grows sure",
        "end D with Dense(1) and use a loss on logits",
        check="output_activation",
    ),
    Bug(
        "001 §4",
        "the noise is drawn once, before the loop",
        "G is trained on the same batch_size vectors every step",
        "fresh noise every step",
    ),
    Bug(
        "001 §4",
        "no loop over batches: each epoch is one step on all of X_train",
        "one update per pass over 60 000 images, all in memory at once",
        "a loop over batches (data.make_dataset)",
    ),
)

S3_BUGS = (
    Bug(
        "003 full example",
        "`.cuda()` on every network and tensor",
        "stops on a machine without an NVIDIA GPU",
        "choose the device with torch.cuda.is_available()",
        crash=True,
    ),
    Bug(
        "003 full example",
        "`nn.Linear(256*3*3, 1)`; three stride-2 convolutions leave 4×4",
        "shape error at the first batch",
        "nn.Linear(256*4*4, 1)",
        crash=True,
    ),
    Bug(
        "003 full example",
        "`plt.savefig('samples/...')` into a folder never created",
        "FileNotFoundError at the end of the first epoch",
        "os.makedirs('samples', exist_ok=True)",
        crash=True,
    ),
    Bug(
        "003 full example",
        "Adam with PyTorch's default betas (0.9, 0.999)",
        "beta_1 0.9 made the DCGAN paper's training oscillate",
        "betas=(0.5, 0.999)",
        check="optimizer",
    ),
    Bug(
        "003 full example",
        "D ends in a sigmoid and BCELoss reads probabilities",
        "works; a confident D's probabilities round to 0 or 1 and the log is clamped at -100",
        "Linear output and BCEWithLogitsLoss (Keras: from_logits=True)",
        check="output_activation",
    ),
    Bug(
        "003 full example",
        "200 epochs of 600 batches",
        "120 000 steps: hours on a 2-core CPU (lesson 09 measures it)",
        "a budget of steps or minutes",
    ),
)

#: The seed programs by key: bugs, notes, and the functions that show, build and fix them.
SEEDS = {
    "S0": SeedSystem(
        "S0",
        "000",
        "MLP GAN with a combined Keras model and train_on_batch",
        S0_BUGS,
        s0_failures,
        s0_models,
        s0_fixed,
    ),
    "S1": SeedSystem(
        "S1",
        "001",
        "'CNN GAN' with a 16×16 generator and a hand-written tape loop",
        S1_BUGS,
        s1_failures,
        lambda: (s1_generator(), s1_discriminator()),
        s1_fixed,
        notes=("BatchNorm in D is not a bug here: the seed calls D on fake and real batches separately",),
    ),
    "S3": SeedSystem(
        "S3",
        "003",
        "PyTorch MLP generator and CNN discriminator, real and fake in one D batch",
        S3_BUGS,
        s3_failures,
        lambda: (s3_generator(), s3_discriminator()),
        s3_fixed,
        notes=(
            "real and fake in one D batch is harmless here: D has no BatchNorm",
            "fakes not detached in D's step: G's gradients are computed and then zeroed, wasted work only",
            "plt.imshow of a (28, 28, 1) image: recent matplotlib draws it (in false colour), older raised TypeError",
        ),
    ),
}


# ------------------------------------------------------------------- the longer race (benchmarks/seed_programs.py)

#: The result of ``benchmarks/seed_programs.py`` that ships with the course (its default output path).
BENCHMARK_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "seed_programs.csv")
_BENCHMARK_COLUMNS = {"program": str, "seed": int, "seconds": float, "steps": int, "fid": float}


def benchmark_results(path=None) -> list[dict]:
    """The rows of ``benchmarks/seed_programs.py``'s CSV: program, seed, seconds, steps and FID after each turn.

    Without ``path``, the result that ships with the course (``BENCHMARK_CSV``, measured on a
    2-core CPU for lesson 09). Rows come in the order they were measured, so each program's rows
    are in order of training time. Introduced in lesson 09.
    """
    path = BENCHMARK_CSV if path is None else path
    return experiments.read_results(path, _BENCHMARK_COLUMNS, f"python benchmarks/seed_programs.py --out {path}")
