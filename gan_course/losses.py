"""GAN losses, written on logits so that they stay finite when D is very sure.

The discriminator outputs a logit ``l`` and ``D(x) = sigmoid(l)``. With that,
``-log D = softplus(-l)`` and ``-log(1 - D) = softplus(l)``, which TensorFlow computes
without overflow. Introduced in lesson 01 (formulas) and lesson 02 (code).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: ``-mean log D(x) - mean log(1 - D(G(z)))``.

    The sum of the two terms, so a discriminator that cannot tell real from fake
    (D = 1/2 everywhere) scores ``2 log 2 = log 4 ≈ 1.386``.
    """
    real_term = tf.reduce_mean(tf.nn.softplus(-real_logits))
    fake_term = tf.reduce_mean(tf.nn.softplus(fake_logits))
    return real_term + fake_term


def generator_loss_minimax(fake_logits):
    """The original ("saturating") generator loss: minimise ``mean log(1 - D(G(z)))``.

    Its gradient with respect to the logit is ``-D(G(z))``, which vanishes when D
    rejects the fakes confidently, i.e. early in training.
    """
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss: minimise ``-mean log D(G(z))``.

    Same fixed point as the minimax loss, but its logit gradient ``D(G(z)) - 1`` is
    close to -1 when D rejects the fakes, so the generator keeps learning.
    """
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def get_generator_loss(name):
    """A generator loss by name (``"minimax"`` or ``"non_saturating"``), or a callable as is."""
    return name if callable(name) and not isinstance(name, GANLoss) else get_loss(name).generator


@dataclass(frozen=True)
class GANLoss:
    """A GAN objective: the discriminator's loss, the generator's loss, and an optional penalty.

    ``discriminator(real_logits, fake_logits)`` and ``generator(fake_logits)`` return scalars.
    ``penalty(discriminator, real, fake)``, if given, is added to the discriminator's loss
    (for a gradient penalty such as WGAN-GP's). Later lessons register LSGAN, WGAN-GP and
    hinge losses here without touching the training step. Introduced in lesson 03.
    """

    name: str
    discriminator: Callable
    generator: Callable
    penalty: Callable | None = None


def critic_loss_wasserstein(real_scores, fake_scores):
    """WGAN critic loss: mean score on fakes minus mean score on real samples (the critic minimises it)."""
    return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)


def generator_loss_wasserstein(fake_scores):
    """WGAN generator loss: minus the critic's mean score on fakes."""
    return -tf.reduce_mean(fake_scores)


def gradient_penalty(discriminator, real, fake, weight: float = 10.0):
    """WGAN-GP penalty, weight · mean (‖∇D(x̂)‖ - 1)² at random points x̂ between real and fake.

    Gulrajani et al. 2017. The gradient is taken with respect to the critic's input, one
    norm per sample. Introduced in lesson 04.
    """
    shape = tf.concat([tf.shape(real)[:1], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    alpha = tf.random.uniform(shape, dtype=real.dtype)
    mixed = real + alpha * (tf.cast(fake, real.dtype) - real)
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = discriminator(mixed, training=True)
    grads = tf.reshape(tape.gradient(scores, mixed), (tf.shape(real)[0], -1))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def wgan_gp(weight: float = 10.0) -> GANLoss:
    """The WGAN-GP objective: Wasserstein critic and generator losses plus the gradient penalty."""
    return GANLoss(
        "wgan_gp", critic_loss_wasserstein, generator_loss_wasserstein,
        lambda d, real, fake: gradient_penalty(d, real, fake, weight),
    )  # fmt: skip


LOSSES = {
    "minimax": GANLoss("minimax", discriminator_loss, generator_loss_minimax),
    "non_saturating": GANLoss("non_saturating", discriminator_loss, generator_loss_non_saturating),
    "wgan_gp": wgan_gp(),
}


def get_loss(name) -> GANLoss:
    """A ``GANLoss`` by name (``"minimax"``, ``"non_saturating"``, ``"wgan_gp"``), or a ``GANLoss`` as is.

    A bare callable is taken as a generator loss paired with the usual discriminator loss.
    """
    if isinstance(name, GANLoss):
        return name
    if callable(name):
        return GANLoss(getattr(name, "__name__", "custom"), discriminator_loss, name)
    key = str(name).strip().lower().replace("-", "_")
    if key not in LOSSES:
        known = ", ".join(repr(k) for k in LOSSES)
        raise ValueError(f"unknown GAN loss {name!r}: choose one of {known}")
    return LOSSES[key]
