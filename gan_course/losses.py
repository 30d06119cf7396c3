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


LOSSES = {
    "minimax": GANLoss("minimax", discriminator_loss, generator_loss_minimax),
    "non_saturating": GANLoss("non_saturating", discriminator_loss, generator_loss_non_saturating),
}


def get_loss(name) -> GANLoss:
    """A ``GANLoss`` by name (``"minimax"``, ``"non_saturating"``), or a ``GANLoss`` as is.

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
