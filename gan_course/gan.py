"""``GAN``: a Keras model holding a generator and a discriminator, trained with ``fit``.

Its ``train_step`` is the loop of lesson 02 (``gan_course.training.gan_step``), so
``fit`` gives the Keras progress bar, the ``History`` object and every Keras callback.
Introduced in lesson 03.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from gan_course.data import check_images
from gan_course.losses import get_loss
from gan_course.training import METRICS, check_gan_pair, gan_step


class GAN(keras.Model):
    """A generator and a discriminator trained together by ``fit``.

    ``generator`` maps noise (batch, z_dim) to samples; ``discriminator`` maps samples to
    one logit. ``seed`` fixes the noise (a ``tf.random.Generator``), so a run after
    ``setup(seed)`` repeats exactly on a CPU. Reports ``d_loss``, ``g_loss``, ``d_real``
    (mean D(x)) and ``d_fake`` (mean D(G(z))) per epoch. ``d_steps`` discriminator steps
    are taken per generator step.
    """

    def __init__(self, generator, discriminator, seed: int = 0, d_steps: int = 1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(d_steps, bool) or not isinstance(d_steps, int) or d_steps < 1:
            raise ValueError(f"d_steps (D steps per G step) must be an integer >= 1, got {d_steps!r}")
        self.d_steps = d_steps
        self.generator = generator
        self.discriminator = discriminator
        self.data_shape = tuple(discriminator.inputs[0].shape[1:])
        self.z_dim = check_gan_pair(generator, discriminator, self.data_shape)
        self.noise = tf.random.Generator.from_seed(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRICS}

    def compile(self, d_optimizer=None, g_optimizer=None, loss="non_saturating", **kwargs):
        """Set both optimizers (default Adam(2e-4, beta_1=0.5)) and the loss (a name or a ``GANLoss``)."""
        super().compile(**kwargs)
        self.loss_spec = get_loss(loss)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, z, training=False):
        """Generate samples from noise z of shape (batch, z_dim)."""
        return self.generator(z, training=training)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        if len(self.data_shape) == 3:  # images: a tf.data pipeline is checked batch by batch, here
            tf.debugging.assert_less_equal(
                tf.reduce_max(tf.abs(real)), tf.constant(1.0 + 1e-3, real.dtype),
                message="expected training images in [-1, 1]: scale uint8 pixels with x / 127.5 - 1",
            )  # fmt: skip
        values = gan_step(
            self.generator, self.discriminator, self.d_optimizer, self.g_optimizer,
            self.noise, self.z_dim, real, self.loss_spec, self.d_steps,
        )  # fmt: skip
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def fit(self, x=None, *args, **kwargs):
        """Keras ``fit``, after checking that the data match the networks and lie in [-1, 1]."""
        if not hasattr(self, "loss_spec"):
            raise RuntimeError("call gan.compile(...) before gan.fit(...)")
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)  # a pipeline shuffles itself (data.make_dataset does)
            shape = tuple(x.element_spec.shape[1:]) if hasattr(x.element_spec, "shape") else None
            if shape is not None and shape != self.data_shape:
                raise ValueError(
                    f"the data set yields samples of shape {shape}, but the networks expect {self.data_shape}: "
                    "build the generator and discriminator for the data's shape"
                )
        elif x is not None:
            x = self._check(np.asarray(x))
        return super().fit(x, *args, **kwargs)

    def _check(self, arr):
        if arr.ndim == 4:
            return check_images(arr, "training images", shape=self.data_shape)
        if tuple(arr.shape[1:]) != self.data_shape:
            raise ValueError(f"the data have sample shape {arr.shape[1:]}, the networks expect {self.data_shape}")
        return arr


def measure_throughput(gan, images, batch_size: int = 128, steps: int = 30) -> float:
    """Training images per second of a compiled ``GAN`` on ``images``, after a short warm-up.

    Trains ``gan`` (so use a throwaway model) for 3 untimed steps, which absorb tracing,
    then ``steps`` timed steps. Introduced in lesson 03; used by benchmarks/dcgan_throughput.py.
    """
    from gan_course.data import make_dataset

    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    dataset = make_dataset(images[: batch_size * (steps + 3)], batch_size, seed=0)
    gan.fit(dataset.take(3), epochs=1, verbose=0)
    start = time.perf_counter()
    gan.fit(dataset.skip(3).take(steps), epochs=1, verbose=0)
    return batch_size * steps / (time.perf_counter() - start)
