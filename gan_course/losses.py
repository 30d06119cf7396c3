"""GAN losses, written on logits so that they stay finite when D is very sure, and ``GANLoss``,
which keeps each objective's meaning next to its formulas.

The discriminator outputs a logit ``l`` and ``D(x) = sigmoid(l)``. With that,
``-log D = softplus(-l)`` and ``-log(1 - D) = softplus(l)``, which TensorFlow computes
without overflow. A Wasserstein critic's, a least-squares or a hinge discriminator's output is
a raw score instead: ``GANLoss.output`` says which, and the training step and the plots ask it
rather than assume a probability.

The loss zoo of lesson 06 is registered by name in ``LOSSES``: ``non_saturating``, ``minimax``,
``least_squares`` (LSGAN), ``wgan_clip`` (WGAN with weight clipping), ``wgan_gp`` and ``hinge``.
Each one's formulas are reached through its ``GANLoss`` (``get_loss("hinge").discriminator``), so
``get_loss`` and ``GANLoss`` are the whole interface a project needs. ``with_r1`` adds the R1 penalty and
``with_label_smoothing`` one-sided label smoothing to a loss.

Lesson 03 names its loss in ``GAN.compile`` (``get_loss``).

Used in lessons 01, 02, 04 and 06.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import tensorflow as tf

from gan_course._checks import model as _model
from gan_course._checks import number as _number


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: ``-mean log D(x) - mean log(1 - D(G(z)))``.

    The sum of the two terms, so a discriminator that cannot tell real from fake
    (D = 1/2 everywhere) scores ``2 log 2 = log 4 ≈ 1.386``. Introduced in lesson 02.
    """
    real_logits, fake_logits = _logits(real_logits, "real_logits"), _logits(fake_logits, "fake_logits")
    real_term = tf.reduce_mean(tf.nn.softplus(-real_logits))
    fake_term = tf.reduce_mean(tf.nn.softplus(fake_logits))
    return real_term + fake_term


def _logits(values, name: str):
    """D's outputs as a float tensor (tensors pass through), or a TypeError naming ``name``."""
    if tf.is_tensor(values):
        if not values.dtype.is_floating:
            raise TypeError(f"{name} must be D's float outputs, got a {values.dtype.name} tensor: cast it to float32")
        return values
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be D's outputs (an array or tensor of logits), got {type(values).__name__}")
    return tf.convert_to_tensor(values, dtype=tf.float32)


def _generator_loss_minimax(fake_logits):
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
    fake_logits = _logits(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


#: How a discriminator's output is read: a logit of a probability, or a raw critic score.
_OUTPUTS = ("probability", "score")


@dataclass(frozen=True)
class GANLoss:
    """A GAN objective and its meaning: how to train with it and how to read its numbers.

    ``discriminator(real_out, fake_out)`` and ``generator(fake_out)`` return scalars.
    ``penalty(discriminator, real, fake)``, if given, is added to the discriminator's loss
    (a gradient penalty such as WGAN-GP's). ``penalty`` is called with the discriminator's
    inputs: a tensor, or ``[x, y]`` for a conditional discriminator. ``constraint(discriminator)``,
    if given, runs after every discriminator update (WGAN's weight clipping).

    The rest is what the step's metrics and the plots ask instead of assuming binary
    cross-entropy:

    - ``output``: ``"probability"`` when D's output is a logit of P(real) (reported as
      sigmoid(logit), so D(x) in [0, 1]), ``"score"`` when it is a raw critic score
      (reported as is; only the gap between real and fake scores means something).
    - ``d_loss_reference``: D's loss at the equilibrium where it cannot tell real from fake
      (log 4 for binary cross-entropy), drawn as a dashed line; ``None`` draws none.
    - ``score_reference``: for a score output, the score of a D that cannot tell real from fake,
      if the loss fixes one (0.5 for least squares, 0 for hinge); a Wasserstein critic has none.
    - ``healthy``: one sentence on what healthy numbers look like for this loss.

    Lesson 06 registers the least-squares, weight-clipping and hinge losses here without touching
    the training step. Introduced in lesson 03.
    """

    name: str
    discriminator: Callable
    generator: Callable
    penalty: Callable | None = None
    output: str = "probability"
    d_loss_reference: float | None = None
    d_loss_reference_label: str = ""
    healthy: str = ""
    constraint: Callable | None = None
    score_reference: float | None = None

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise ValueError(f"GANLoss name must be a string such as 'my_loss', got {self.name!r}")
        if self.output not in _OUTPUTS:
            raise ValueError(f"GANLoss output must be one of {_OUTPUTS}, got {self.output!r}")
        for name in ("discriminator", "generator"):
            if not callable(getattr(self, name)):
                raise ValueError(f"GANLoss {name} must be a function of D's outputs, got {getattr(self, name)!r}")
        if self.penalty is not None and not callable(self.penalty):
            raise ValueError(
                f"GANLoss penalty must be None or a function (discriminator, real, fake), got {self.penalty!r}"
            )
        if self.constraint is not None and not callable(self.constraint):
            raise ValueError(f"GANLoss constraint must be None or a function (discriminator), got {self.constraint!r}")

    def read(self, outputs):
        """What the step reports as "D's output": sigmoid(logits) for probabilities, the raw score otherwise."""
        return tf.sigmoid(outputs) if self.output == "probability" else outputs

    @property
    def output_label(self) -> str:
        """Axis label for the mean of ``read(outputs)``."""
        return "mean D(x), a probability" if self.output == "probability" else "mean critic score"

    @property
    def output_reference(self) -> float | None:
        """The value of ``read`` for a D that cannot tell real from fake (1/2, or ``score_reference``), if any."""
        return 0.5 if self.output == "probability" else self.score_reference

    @property
    def bce(self) -> bool:
        """True for the binary cross-entropy family (minimax, non-saturating), whose D outputs a probability."""
        return self.output == "probability"


_BCE_HEALTHY = (
    "D loss hovers near log 4 ≈ 1.39 and D(x), D(G(z)) stay between about 0.3 and 0.8; "
    "D loss near 0 with D(G(z)) near 0 means D has won and G gets no useful signal"
)


def _critic_loss_wasserstein(real_scores, fake_scores):
    """WGAN critic loss: mean score on fakes minus mean score on real samples (the critic minimises it).

    Introduced in lesson 04.
    """
    return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)


def _generator_loss_wasserstein(fake_scores):
    """WGAN generator loss: minus the critic's mean score on fakes. Introduced in lesson 04."""
    return -tf.reduce_mean(fake_scores)


def _interpolate(real, fake, alpha):
    return real + alpha * (tf.cast(fake, real.dtype) - real)


def _penalty_args(discriminator, real, fake, weight, name: str) -> float:
    """A penalty's checks, done in Python (once per trace): D is a model, real and fake match, the weight is >= 0."""
    _model(discriminator, "discriminator")
    first = lambda x: x[0] if isinstance(x, (list, tuple)) else x  # noqa: E731 - [x, y] of a conditional D
    real_shape, fake_shape = getattr(first(real), "shape", None), getattr(first(fake), "shape", None)
    if (
        real_shape is not None
        and fake_shape is not None
        and not tf.TensorShape(real_shape).is_compatible_with(fake_shape)
    ):
        raise ValueError(
            f"real and fake must have the same shape (one fake per real sample), got {tuple(real_shape)} and "
            f"{tuple(fake_shape)}"
        )
    return _number(weight, name, minimum=0.0)


def gradient_penalty(discriminator, real, fake, weight: float = 10.0):
    """WGAN-GP penalty, weight · mean (‖∇D(x̂)‖ - 1)² at random points x̂ between real and fake.

    Gulrajani et al. 2017. The gradient is taken with respect to the critic's input, one
    norm per sample. For a conditional critic, ``real`` and ``fake`` are ``[x, y]`` with the
    same labels y: only the samples are mixed, and the gradient is taken with respect to them.
    Introduced in lesson 04.
    """
    weight = _penalty_args(discriminator, real, fake, weight, "weight")
    labels = None
    if isinstance(real, (list, tuple)):
        (real, labels), (fake, _) = real, fake
    real = tf.convert_to_tensor(real)
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
    weight = _positive(weight, "the gradient-penalty weight", "the paper uses 10", allow_zero=True)
    return GANLoss(
        "wgan_gp",
        _critic_loss_wasserstein,
        _generator_loss_wasserstein,
        lambda d, real, fake: gradient_penalty(d, real, fake, weight),
        output="score",
        d_loss_reference=0.0,
        d_loss_reference_label="0: critic cannot separate",
        healthy=(
            "the critic loss is negative (minus an estimate of the Wasserstein distance) and shrinks towards 0 "
            "as G improves; the scores' level drifts freely, only the gap between real and fake means something"
        ),
    )


def _positive(value, what: str, example: str, allow_zero: bool = False) -> float:
    ok = not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, float, np.integer, np.floating))
    if not ok or not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        least = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{what} must be a number {least} ({example}), got {value!r}")
    return float(value)


def _discriminator_loss_least_squares(real_scores, fake_scores):
    """LSGAN discriminator loss (Mao et al. 2017): ``½ mean (D(x) - 1)² + ½ mean D(G(z))²``.

    Targets 1 for real and 0 for fake; a D that cannot tell outputs 1/2 everywhere and scores
    ``½·¼ + ½·¼ = 0.25``. Introduced in lesson 06.
    """
    return 0.5 * tf.reduce_mean(tf.square(real_scores - 1.0)) + 0.5 * tf.reduce_mean(tf.square(fake_scores))


def _generator_loss_least_squares(fake_scores):
    """LSGAN generator loss: ``½ mean (D(G(z)) - 1)²``, pulling fakes towards D's "real" target.

    Unlike the sigmoid's, its gradient grows with the distance from the target, so fakes far on the
    real side of D's boundary still move. Introduced in lesson 06.
    """
    return 0.5 * tf.reduce_mean(tf.square(fake_scores - 1.0))


def _discriminator_loss_hinge(real_scores, fake_scores):
    """Hinge discriminator loss (Lim & Ye 2017; Miyato et al. 2018): ``mean relu(1 - D(x)) + mean relu(1 + D(G(z)))``.

    Only samples inside the margin (real scored below 1, fake above -1) give D a gradient. A D that
    cannot tell real from fake does best with any score in [-1, 1] and scores 2. Introduced in lesson 06.
    """
    return tf.reduce_mean(tf.nn.relu(1.0 - real_scores)) + tf.reduce_mean(tf.nn.relu(1.0 + fake_scores))


def _clip_weights(discriminator, clip: float) -> None:
    """Clip every trainable weight of ``discriminator`` to [-clip, clip] (WGAN, Arjovsky et al. 2017).

    The original WGAN's crude way to keep the critic Lipschitz. Introduced in lesson 06.
    """
    for variable in discriminator.trainable_variables:
        variable.assign(tf.clip_by_value(variable, -clip, clip))


def _wgan_clip(clip: float = 0.01) -> GANLoss:
    """The original WGAN: Wasserstein critic and generator losses, the critic's weights clipped to [-clip, clip].

    The paper uses clip 0.01 with RMSprop(5e-5) and 5 critic steps per generator step
    (``stability.paper_settings("wgan_clip")``); ``get_loss("wgan_clip")`` gives it with clip 0.01.
    """
    clip = _positive(clip, "the weight-clipping bound clip", "the paper uses 0.01")
    return GANLoss(
        "wgan_clip",
        _critic_loss_wasserstein,
        _generator_loss_wasserstein,
        output="score",
        d_loss_reference=0.0,
        d_loss_reference_label="0: critic cannot separate",
        healthy=(
            "the critic loss is negative and shrinks towards 0 as G improves; with clipped weights the "
            "critic's scores stay small, so the estimate is a scaled Wasserstein distance"
        ),
        constraint=lambda d: _clip_weights(d, clip),
    )


def _input_gradients(discriminator, inputs):
    labels = None
    if isinstance(inputs, (list, tuple)):
        inputs, labels = inputs
    inputs = tf.convert_to_tensor(inputs)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        scores = discriminator(inputs if labels is None else [inputs, labels], training=True)
    return tf.reshape(tape.gradient(scores, inputs), (tf.shape(inputs)[0], -1))


def r1_penalty(discriminator, real, fake=None, gamma: float = 10.0):
    """R1 penalty (Mescheder et al. 2018): ``γ/2 · mean ‖∇ₓ D(x)‖²`` over the real samples.

    It stops D from growing a steep slope around the real data, which makes the game converge
    locally. For a linear D(x) = w·x + b it is ``γ/2 · ‖w‖²``. ``fake`` is not used (the signature
    is that of ``GANLoss.penalty``); a conditional D's ``[x, y]`` is differentiated with respect to x.
    Introduced in lesson 06.
    """
    gamma = _penalty_args(discriminator, real, real if fake is None else fake, gamma, "gamma")
    grads = _input_gradients(discriminator, real)
    return 0.5 * gamma * tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=1))


def with_r1(loss, gamma: float = 10.0) -> GANLoss:
    """``loss`` (a name or ``GANLoss``) with the R1 penalty ``r1_penalty(gamma)`` added to D's loss.

    Refused for a loss that already restrains D (WGAN-GP's penalty, WGAN's weight clipping):
    two restraints of one critic are not what any paper tested. Introduced in lesson 06.
    """
    loss = get_loss(loss)
    gamma = _positive(gamma, "the R1 weight gamma", "Mescheder et al. use 0.1 to 10", allow_zero=True)
    if loss.penalty is not None or loss.constraint is not None:
        what = "a gradient penalty" if loss.penalty is not None else "weight clipping"
        raise ValueError(
            f"the {loss.name!r} loss already restrains D with {what}: add R1 to a loss without one "
            "(non_saturating, minimax, least_squares, hinge)"
        )
    return replace(loss, name=f"{loss.name}+r1", penalty=lambda d, real, fake: r1_penalty(d, real, fake, gamma))


def with_label_smoothing(loss, smoothing: float = 0.1) -> GANLoss:
    """``loss`` with one-sided label smoothing: D's target for real samples is ``1 - smoothing``, fakes keep 0.

    Salimans et al. 2016 (target 0.9). Smoothing only the real side keeps D from rewarding fakes
    in regions without data. Only for binary cross-entropy losses, whose D outputs a probability.
    Introduced in lesson 06.
    """
    loss = get_loss(loss)
    ok = not isinstance(smoothing, (bool, np.bool_)) and isinstance(smoothing, (int, float, np.integer, np.floating))
    if not ok or not 0 < smoothing < 0.5:
        raise ValueError(f"label smoothing must be a number in (0, 0.5), e.g. 0.1 (real target 0.9), got {smoothing!r}")
    if not loss.bce:
        raise ValueError(
            f"label smoothing changes a probability's target; the {loss.name!r} loss's D outputs a score: "
            "use it with 'non_saturating' or 'minimax'"
        )
    s = float(smoothing)
    base = loss.discriminator

    def smoothed(real_logits, fake_logits):
        # (1 - s)·(-log D(x)) + s·(-log(1 - D(x))): cross-entropy against the target 1 - s
        correction = s * (tf.reduce_mean(tf.nn.softplus(real_logits)) - tf.reduce_mean(tf.nn.softplus(-real_logits)))
        return base(real_logits, fake_logits) + correction

    return replace(loss, name=f"{loss.name}+ls{s:g}", discriminator=smoothed)


_LOG4 = math.log(4.0)

#: The losses by name; ``get_loss`` looks them up.
LOSSES = {
    "minimax": GANLoss(
        "minimax",
        discriminator_loss,
        _generator_loss_minimax,
        d_loss_reference=_LOG4,
        d_loss_reference_label="log 4: D cannot tell",
        healthy=_BCE_HEALTHY,
    ),
    "non_saturating": GANLoss(
        "non_saturating",
        discriminator_loss,
        generator_loss_non_saturating,
        d_loss_reference=_LOG4,
        d_loss_reference_label="log 4: D cannot tell",
        healthy=_BCE_HEALTHY,
    ),
    "least_squares": GANLoss(
        "least_squares",
        _discriminator_loss_least_squares,
        _generator_loss_least_squares,
        output="score",
        d_loss_reference=0.25,
        d_loss_reference_label="0.25: D cannot tell (outputs 1/2)",
        score_reference=0.5,
        healthy=(
            "D loss near 0.25 with D's outputs near 1/2 on both sides; D loss near 0 with real scores "
            "near 1 and fake scores near 0 means D has won"
        ),
    ),
    "hinge": GANLoss(
        "hinge",
        _discriminator_loss_hinge,
        _generator_loss_wasserstein,
        output="score",
        d_loss_reference=2.0,
        d_loss_reference_label="2: D cannot tell",
        score_reference=0.0,
        healthy=(
            "D loss below 2 but not near 0; real scores above fake ones with both inside [-1, 1] most of the "
            "time; D loss at 0 means every sample is outside the margin and D has won"
        ),
    ),
    "wgan_clip": _wgan_clip(),
    "wgan_gp": wgan_gp(),
}


def get_loss(name) -> GANLoss:
    """A ``GANLoss`` by name (a key of ``LOSSES``, e.g. ``"non_saturating"``, ``"hinge"``), or a ``GANLoss`` as is.

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
