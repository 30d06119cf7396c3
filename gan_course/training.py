"""A GAN training loop written with ``tf.GradientTape``: one D step, then one G step.

Lesson 02 writes this loop out by hand and then shows that ``train`` gives the same
losses on a fixed seed (tests/test_training.py checks it too). Introduced in lesson 02.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gan_course.data import check_training_data, make_dataset
from gan_course.losses import get_loss

METRICS = ("d_loss", "g_loss", "d_real", "d_fake")


def gan_step(generator, discriminator, d_optimizer, g_optimizer, rng, z_dim, real, loss, d_steps=1):
    """One GAN step on a batch of real samples: ``d_steps`` D steps, then a G step.

    The discriminator learns real -> 1, fake -> 0; then the generator learns to make D
    say 1 on fresh fakes. Each tape differentiates only its own network's variables,
    so the G step never changes D (the bug of the combined-model recipe, lesson 02).
    ``loss`` is a ``gan_course.losses.GANLoss``; each D step draws fresh fakes against
    the same real batch. Returns d_loss, g_loss, and the mean D(x) and D(G(z)) of the last
    D step. Shared by ``train`` (lesson 02) and ``gan_course.gan.GAN`` (lesson 03).
    """
    n = tf.shape(real)[0]
    for _ in range(d_steps):
        fake = generator(rng.normal((n, z_dim)), training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = loss.discriminator(real_logits, fake_logits)
            if loss.penalty is not None:
                d_loss += loss.penalty(discriminator, real, fake)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))

    with tf.GradientTape() as tape:
        g_logits = discriminator(generator(rng.normal((n, z_dim)), training=True), training=True)
        g_loss = loss.generator(g_logits)
    grads = tape.gradient(g_loss, generator.trainable_variables)
    g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return {
        "d_loss": d_loss,
        "g_loss": g_loss,
        "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
        "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits)),
    }


def make_train_step(generator, discriminator, d_optimizer, g_optimizer, z_dim, rng, g_loss="non_saturating"):
    """``gan_step`` compiled with ``tf.function``: ``step(real_batch) -> dict of scalars``."""
    loss = get_loss(g_loss)
    d_optimizer.build(discriminator.trainable_variables)
    g_optimizer.build(generator.trainable_variables)

    @tf.function
    def train_step(real):
        return gan_step(generator, discriminator, d_optimizer, g_optimizer, rng, z_dim, real, loss)

    return train_step


@dataclass
class History:
    """Per-step training metrics (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``)."""

    steps: dict = field(default_factory=lambda: {k: [] for k in METRICS})
    steps_per_epoch: int = 0
    seconds: float = 0.0

    def __getitem__(self, key):
        return np.asarray(self.steps[key], dtype=np.float64)

    def epoch_means(self, key) -> np.ndarray:
        """The metric averaged over each epoch."""
        values = self[key]
        n = self.steps_per_epoch
        return values[: len(values) // n * n].reshape(-1, n).mean(axis=1)

    @property
    def epochs(self) -> int:
        return len(self.steps["d_loss"]) // max(self.steps_per_epoch, 1)


def check_gan_pair(generator, discriminator, data_shape) -> int:
    """Check that G maps (batch, z_dim) to data of shape ``data_shape`` and D to one logit; return z_dim."""
    if len(generator.inputs) != 1 or len(generator.inputs[0].shape) != 2:
        raise ValueError(f"the generator must take noise of shape (batch, z_dim), got input {generator.inputs}")
    z_dim = int(generator.inputs[0].shape[-1])
    out = tuple(generator.outputs[0].shape[1:])
    if out != tuple(data_shape):
        raise ValueError(
            f"the generator makes samples of shape {out} but the data has shape {tuple(data_shape)}: "
            "build the generator for the data's shape (e.g. image_shape=data.shape[1:])"
        )
    d_out = tuple(discriminator.outputs[0].shape[1:])
    if d_out != (1,):
        raise ValueError(f"the discriminator must output one logit per sample, shape (batch, 1); got {d_out}")
    d_in = tuple(discriminator.inputs[0].shape[1:])
    if d_in != tuple(data_shape):
        raise ValueError(f"the discriminator takes inputs of shape {d_in} but the data has shape {tuple(data_shape)}")
    return z_dim


def train(
    generator,
    discriminator,
    data,
    epochs: int,
    batch_size: int,
    lr: float = 2e-4,
    beta_1: float = 0.5,
    g_loss: str = "non_saturating",
    seed: int = 0,
    d_optimizer=None,
    g_optimizer=None,
    callbacks=(),
    verbose: bool = True,
) -> History:
    """Train a GAN with the loop of lesson 02 and return its per-step ``History``.

    ``data`` is images (N, H, W, C) in [-1, 1] or points (N, d). Both networks use
    Adam(lr, beta_1) unless optimizers are given. Noise comes from
    ``tf.random.Generator.from_seed(seed)`` and the data are shuffled with ``seed``,
    so a run is repeatable after ``setup(seed)``. Each callback is called as
    ``callback(epoch, history)`` after every epoch (epochs count from 1).
    Introduced in lesson 02.
    """
    data = check_training_data(data)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    z_dim = check_gan_pair(generator, discriminator, data.shape[1:])
    dataset = make_dataset(data, batch_size, shuffle=True, seed=seed)
    d_optimizer = d_optimizer or keras.optimizers.Adam(lr, beta_1=beta_1)
    g_optimizer = g_optimizer or keras.optimizers.Adam(lr, beta_1=beta_1)
    rng = tf.random.Generator.from_seed(seed)
    step = make_train_step(generator, discriminator, d_optimizer, g_optimizer, z_dim, rng, g_loss)
    history = History(steps_per_epoch=len(data) // batch_size)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        for real in dataset:
            for key, value in step(real).items():
                history.steps[key].append(float(value))
        history.seconds = time.perf_counter() - start
        if verbose:
            n = history.steps_per_epoch
            means = {k: np.mean(history.steps[k][-n:]) for k in METRICS}
            print(
                f"epoch {epoch:>3}/{epochs}  d_loss {means['d_loss']:.3f}  g_loss {means['g_loss']:.3f}  "
                f"D(x) {means['d_real']:.2f}  D(G(z)) {means['d_fake']:.2f}  "
                f"({time.perf_counter() - epoch_start:.1f} s)"
            )
        for callback in callbacks:
            callback(epoch, history)
    return history
