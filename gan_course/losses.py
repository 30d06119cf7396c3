"""GAN losses, written on logits so that they stay finite when D is very sure, and ``GANLoss``,
which keeps each objective's meaning next to its formulas.

The discriminator outputs a logit ``l`` and ``D(x) = sigmoid(l)``. With that,
``-log D = softplus(-l)`` and ``-log(1 - D) = softplus(l)``, which TensorFlow computes
without overflow. A Wasserstein critic's output is a raw score instead: ``GANLoss.output``
says which, and the training step and the plots ask it rather than assume a probability.

Used in lessons 01 (formulas), 02 (code), 03 (``GANLoss`` in ``GAN.compile``), 04 (WGAN-GP)
and 05.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: ``-mean log D(x) - mean log(1 - D(G(z)))``.

    The sum of the two terms, so a discriminator that cannot tell real from fake
    (D = 1/2 everywhere) scores ``2 log 2 = log 4 ≈ 1.386``. Introduced in lesson 02.
    """
    real_term = tf.reduce_mean(tf.nn.softplus(-real_logits))
    fake_term = tf.reduce_mean(tf.nn.softplus(fake_logits))
    return real_term + fake_term


def generator_loss_minimax(fake_logits):
    """The original ("saturating") generator loss: minimise ``mean log(1 - D(G(z)))``.

    Its gradient with respect to the logit is ``-D(G(z))``, which vanishes when D
    rejects the fakes confidently, i.e. early in training. Introduced in lesson 01.
    """
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss: minimise ``-mean log D(G(z))``.

    Same fixed point as the minimax loss, but its logit gradient ``D(G(z)) - 1`` is
    close to -1 when D rejects the fakes, so the generator keeps learning. Introduced in lesson 01.
    """
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


#: How a discriminator's output is read: a logit of a probability, or a raw critic score.
OUTPUTS = ("probability", "score")


@dataclass(frozen=True)
class GANLoss:
    """A GAN objective and its meaning: how to train with it and how to read its numbers.

    ``discriminator(real_out, fake_out)`` and ``generator(fake_out)`` return scalars.
    ``penalty(discriminator, real, fake)``, if given, is added to the discriminator's loss
    (a gradient penalty such as WGAN-GP's). ``penalty`` is called with the discriminator's
    inputs: a tensor, or ``[x, y]`` for a conditional discriminator.

    The rest is what the step's metrics and the plots ask instead of assuming binary
    cross-entropy:

    - ``output``: ``"probability"`` when D's output is a logit of P(real) (reported as
      sigmoid(logit), so D(x) in [0, 1]), ``"score"`` when it is a raw critic score
      (reported as is; only the gap between real and fake scores means something).
    - ``d_loss_reference``: D's loss at the equilibrium where it cannot tell real from fake
      (log 4 for binary cross-entropy), drawn as a dashed line; ``None`` draws none.
    - ``healthy``: one sentence on what healthy numbers look like for this loss.

    Later lessons register LSGAN and hinge losses here without touching the training step.
    Introduced in lesson 03.
    """

    name: str
    discriminator: Callable
    generator: Callable
    penalty: Callable | None = None
    output: str = "probability"
    d_loss_reference: float | None = None
    d_loss_reference_label: str = ""
    healthy: str = ""

    def __post_init__(self):
        if self.output not in OUTPUTS:
            raise ValueError(f"GANLoss output must be one of {OUTPUTS}, got {self.output!r}")
        for name in ("discriminator", "generator"):
            if not callable(getattr(self, name)):
                raise ValueError(f"GANLoss {name} must be a function of D's outputs, got {getattr(self, name)!r}")
        if self.penalty is not None and not callable(self.penalty):
            raise ValueError(
                f"GANLoss penalty must be None or a function (discriminator, real, fake), got {self.penalty!r}"
            )

    def read(self, outputs):
        """What the step reports as "D's output": sigmoid(logits) for probabilities, the raw score otherwise."""
        return tf.sigmoid(outputs) if self.output == "probability" else outputs

    @property
    def output_label(self) -> str:
        """Axis label for the mean of ``read(outputs)``."""
        return "mean D(x), a probability" if self.output == "probability" else "mean critic score"

    @property
    def output_reference(self) -> float | None:
        """The value of ``read`` for a D that cannot tell real from fake (1/2), if it has one."""
        return 0.5 if self.output == "probability" else None


_BCE_HEALTHY = (
    "D loss hovers near log 4 ≈ 1.39 and D(x), D(G(z)) stay between about 0.3 and 0.8; "
    "D loss near 0 with D(G(z)) near 0 means D has won and G gets no useful signal"
)


def critic_loss_wasserstein(real_scores, fake_scores):
    """WGAN critic loss: mean score on fakes minus mean score on real samples (the critic minimises it).

    Introduced in lesson 04.
    """
    return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)


def generator_loss_wasserstein(fake_scores):
    """WGAN generator loss: minus the critic's mean score on fakes. Introduced in lesson 04."""
    return -tf.reduce_mean(fake_scores)


def _interpolate(real, fake, alpha):
    return real + alpha * (tf.cast(fake, real.dtype) - real)


def gradient_penalty(discriminator, real, fake, weight: float = 10.0):
    """WGAN-GP penalty, weight · mean (‖∇D(x̂)‖ - 1)² at random points x̂ between real and fake.

    Gulrajani et al. 2017. The gradient is taken with respect to the critic's input, one
    norm per sample. For a conditional critic, ``real`` and ``fake`` are ``[x, y]`` with the
    same labels y: only the samples are mixed, and the gradient is taken with respect to them.
    Introduced in lesson 04.
    """
    labels = None
    if isinstance(real, (list, tuple)):
        (real, labels), (fake, _) = real, fake
    shape = tf.concat([tf.shape(real)[:1], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    mixed = _interpolate(real, fake, tf.random.uniform(shape, dtype=real.dtype))
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = discriminator(mixed if labels is None else [mixed, labels], training=True)
    grads = tf.reshape(tape.gradient(scores, mixed), (tf.shape(real)[0], -1))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def wgan_gp(weight: float = 10.0) -> GANLoss:
    """The WGAN-GP objective: Wasserstein critic and generator losses plus the gradient penalty.

    Introduced in lesson 04.
    """
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
        raise ValueError(f"the gradient-penalty weight must be a number >= 0 (the paper uses 10), got {weight!r}")
    return GANLoss(
        "wgan_gp",
        critic_loss_wasserstein,
        generator_loss_wasserstein,
        lambda d, real, fake: gradient_penalty(d, real, fake, weight),
        output="score",
        d_loss_reference=0.0,
        d_loss_reference_label="0: critic cannot separate",
        healthy=(
            "the critic loss is negative (minus an estimate of the Wasserstein distance) and shrinks towards 0 "
            "as G improves; the scores' level drifts freely, only the gap between real and fake means something"
        ),
    )


LOG4 = math.log(4.0)

#: The losses by name; ``get_loss`` looks them up.
LOSSES = {
    "minimax": GANLoss(
        "minimax",
        discriminator_loss,
        generator_loss_minimax,
        d_loss_reference=LOG4,
        d_loss_reference_label="log 4: D cannot tell",
        healthy=_BCE_HEALTHY,
    ),
    "non_saturating": GANLoss(
        "non_saturating",
        discriminator_loss,
        generator_loss_non_saturating,
        d_loss_reference=LOG4,
        d_loss_reference_label="log 4: D cannot tell",
        healthy=_BCE_HEALTHY,
    ),
    "wgan_gp": wgan_gp(),
}


def get_loss(name) -> GANLoss:
    """A ``GANLoss`` by name (``"minimax"``, ``"non_saturating"``, ``"wgan_gp"``), or a ``GANLoss`` as is.

    Introduced in lesson 03.
    """
    if isinstance(name, GANLoss):
        return name
    if not isinstance(name, str):
        raise ValueError(
            f"loss must be a name such as 'non_saturating' or a losses.GANLoss, got {name!r}: "
            "wrap your own functions as GANLoss(name, discriminator_fn, generator_fn, ...)"
        )
    key = name.strip().lower().replace("-", "_")
    if key not in LOSSES:
        known = ", ".join(repr(k) for k in LOSSES)
        raise ValueError(f"unknown GAN loss {name!r}: choose one of {known}")
    return LOSSES[key]
