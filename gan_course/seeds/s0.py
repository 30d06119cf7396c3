"""S0, seed 000 (§3.2): an MLP GAN trained with a combined Keras model and ``train_on_batch``.

Its setup as compiled (``s0_models``), its loop (``s0_train``, with the fix of the freezing bug as an option),
the parts that fail as printed (``s0_failures``) and the fixed version.

Used in lesson 09.
"""

from __future__ import annotations

import importlib
import math
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course._checks import integer
from gan_course._checks import model as _model
from gan_course.losses import get_loss
from gan_course.seeds._common import Failures, as_images, attempt, record
from gan_course.training import History


def _generator(z_dim: int = 100) -> keras.Model:
    """Seed 000's generator (§2.1.1, §3.2.1): z (batch, z_dim) -> Dense(128) -> LeakyReLU(0.01) -> Dense(784, tanh)
    -> Reshape (28, 28, 1): images in [-1, 1].

    The seed writes ``input_dim=z_dim`` and ``LeakyReLU(alpha=0.01)``; Keras 3 still takes both with a
    deprecation warning, so they are written here as ``keras.Input`` and ``negative_slope``, the same
    network. It is ``models.mlp_generator``.
    """
    z_dim = integer(z_dim, "z_dim (the noise size, e.g. 100)", 1)
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


def _discriminator() -> keras.Model:
    """Seed 000's discriminator (§2.1.2, §3.2.1): Flatten -> Dense(128) -> LeakyReLU(0.01) -> Dense(1, sigmoid).

    Its output is a probability, for Keras' ``"binary_crossentropy"``.
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
    generator, discriminator = _generator(z_dim), _discriminator()
    combined = keras.Sequential([generator, discriminator], name="s0_gan")
    discriminator.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam())
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam())
    return generator, discriminator, combined


def s0_scale(images) -> np.ndarray:
    """The course's images in [-1, 1] rescaled to seed 000's [0, 1] (its ``X_train / 255.0``): ``(x + 1) / 2``.

    Introduced in lesson 09.
    """
    arr = as_images(images)
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
    steps = integer(steps, "steps (training steps to run)", 1)
    batch_size = integer(batch_size, "batch_size (the seed uses 32)", 1)
    seed = integer(seed, "seed", 0)
    if not isinstance(freeze, (bool, np.bool_)):
        raise ValueError(f"freeze must be True or False, got {freeze!r}")
    for name, net in (("generator", generator), ("discriminator", discriminator), ("combined", combined)):
        _model(net, name)
    images = as_images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
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
                record(
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
    printed = "***pile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam())"
    attempt(
        failures,
        "000 §3.2.2",
        printed,
        "the page lost the start of both lines: discriminator.compile(...) and gan.compile(...)",
        lambda: compile(printed, "<seed 000>", "exec"),
    )
    generator, discriminator, combined = s0_models()

    def unpack():
        generator_, discriminator_ = combined  # noqa: F841 - the seed's first line of train_gan

    attempt(
        failures,
        "000 §3.2.2",
        "generator, discriminator = gan",
        "pass the two networks and the combined model separately: train_gan(generator, discriminator, gan, ...)",
        unpack,
    )

    def short_last_batch():
        images = np.zeros((48, 28, 28, 1), np.float32)
        batch_size = 32
        for batch in tf.data.Dataset.from_tensor_slices(images).shuffle(50000).batch(batch_size):
            discriminator.train_on_batch(batch.numpy(), np.ones((batch_size, 1)))

    attempt(
        failures,
        "000 §3.2.2",
        "discriminator.train_on_batch(real, np.ones((batch_size, 1)))",
        "label each batch by its own size, np.ones((len(real), 1)), or batch with drop_remainder=True",
        short_last_batch,
    )

    def fit_on_images():
        images = np.zeros((8, 28, 28, 1), np.float32)
        combined.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)

    attempt(
        failures,
        "000 §3.3.1",
        "history = gan.fit(dataset, epochs=1000, callbacks=[...TensorBoard...])",
        "the combined model maps noise to D's verdict and cannot be fit on images: train with the loop "
        "(or gan.GAN.fit, which runs the GAN step)",
        fit_on_images,
    )
    attempt(
        failures,
        "000 §3.3.2",
        "import fid_score",
        "no package of that name exists (and the function is spelt calculate_fretchet_...): use "
        "gan_course.metrics (lesson 05)",
        lambda: importlib.import_module("fid_score"),
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

    z_dim = integer(z_dim, "z_dim (the noise size, e.g. 100)", 1)
    return build_gan(mlp_generator(z_dim), mlp_discriminator(), loss="non_saturating", seed=integer(seed, "seed", 0))
