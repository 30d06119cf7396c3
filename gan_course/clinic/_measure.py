"""The part of ``diagnose`` that runs the networks: D's outputs, both losses and their gradients on a sample at
the start, and whether G's loss saturates there or once D has learned to reject G's samples. Every weight is put
back afterwards. Used by lesson 09 through ``gan_course.clinic``.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from gan_course.clinic._reading import BOUNDED, RANGES, LossView, fmt

#: G's loss is called saturated when its slope with respect to D's logit is below this per sample
#: (a non-saturating loss gives about 1 where D rejects the fakes, the minimax loss D(G(z)) itself).
SATURATION = 0.05
#: Steps D takes alone, against G's first samples, to see whether G's loss flattens once D rejects them.
SATURATION_STEPS = 40
#: How sure of itself a D that rejects fakes is taken to be when asking whether a loss can flatten at all.
SURE = 0.01


@dataclass
class Sample:
    """What the networks are run on: noise ``z``, a batch of ``real`` samples, their labels ``y`` (or None)."""

    z: tf.Tensor
    real: tf.Tensor
    y: tf.Tensor | None


@dataclass
class Start:
    """The networks at the start: G's samples, D's outputs on real and fake samples, both losses, G's gradients."""

    fakes: np.ndarray
    real_out: np.ndarray
    fake_out: np.ndarray
    d_loss: float
    g_loss: float
    d_grad_norm: float
    g_grad_norm: float
    g_learns: bool


@contextlib.contextmanager
def weights_kept(*models):
    """Run the networks in training mode (BatchNorm updates its moving statistics) and put every weight back after."""
    saved = {id(v): (v, np.array(v.numpy(), copy=True)) for model in models for v in model.weights}
    try:
        yield
    finally:
        for variable, value in saved.values():
            variable.assign(value)


def draw_sample(generator, data, labels, m: int, rng) -> Sample:
    """``m`` noise vectors and ``m`` data samples (with their labels for a conditional G)."""
    z_dim = int(generator.inputs[0].shape[-1])
    index = rng.choice(len(data), size=m, replace=len(data) < m)
    y = None
    if len(generator.inputs) == 2:
        label_shape = tuple(generator.inputs[1].shape[1:])
        y = tf.constant(np.asarray(labels)[index].reshape(m, *label_shape), generator.inputs[1].dtype)
    return Sample(tf.constant(rng.normal(size=(m, z_dim)), tf.float32), tf.constant(data[index], tf.float32), y)


def with_labels(x, y):
    """A network's input: ``x``, or ``[x, y]`` for a conditional network."""
    return x if y is None else [x, y]


def d_on_both(discriminator, real, fake, y, mixed: bool):
    """D's outputs on the real and the fake batch: two calls, or one mixed batch (fakes first, as seed 003 does)."""
    if not mixed:
        return discriminator(with_labels(real, y), training=True), discriminator(with_labels(fake, y), training=True)
    m = real.shape[0]
    both = discriminator(
        with_labels(tf.concat([fake, real], 0), None if y is None else tf.concat([y, y], 0)), training=True
    )
    return both[m:], both[:m]


def grad_norm(grads) -> float:
    """The global norm of the gradients that exist (0 when none does)."""
    present = [g for g in grads if g is not None]
    return float(tf.linalg.global_norm(present)) if present else 0.0


def run_start(generator, discriminator, view: LossView, sample: Sample, mixed: bool) -> Start:
    """One G step's and one D step's losses and gradients on ``sample``, without applying them."""
    # Keras warns about some of the very setups diagnose reports (a sigmoid before from_logits=True, a softmax
    # over one unit); the report says it with the fix, so the warnings are held back here.
    with weights_kept(generator, discriminator), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape() as g_tape:
            fake = generator(with_labels(sample.z, sample.y), training=True)
            fake_out = discriminator(with_labels(fake, sample.y), training=True)
            g_loss = view.loss.generator(fake_out)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        with tf.GradientTape() as d_tape:
            real_out, fake_out_d = d_on_both(discriminator, sample.real, tf.stop_gradient(fake), sample.y, mixed)
            d_loss = view.loss.discriminator(real_out, fake_out_d)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
    return Start(
        fakes=fake.numpy(),
        real_out=np.asarray(real_out, np.float64),
        fake_out=np.asarray(fake_out_d, np.float64),
        d_loss=float(d_loss),
        g_loss=float(g_loss),
        d_grad_norm=grad_norm(d_grads),
        g_grad_norm=grad_norm(g_grads),
        g_learns=any(g is not None for g in g_grads),
    )


def mean_output(out, view: LossView, activation) -> float:
    """D's mean output as a probability where it is one (sigmoid of a logit), as a raw score otherwise."""
    out = np.asarray(out, np.float64)
    if activation in BOUNDED or view.takes != "logits":
        return float(out.mean())
    return float((1 / (1 + np.exp(-out))).mean())


def g_slope(view: LossView, fake_out, activation) -> float:
    """How much G's loss changes per unit of D's logit, per sample (the logit behind D's sigmoid, if it has one)."""
    out = tf.constant(np.asarray(fake_out, np.float32))
    if activation == "sigmoid":
        p = tf.clip_by_value(out, 1e-7, 1 - 1e-7)
        leaf = tf.math.log(p) - tf.math.log1p(-p)
    else:
        leaf = out
    with tf.GradientTape() as tape:
        tape.watch(leaf)
        loss = view.loss.generator(tf.sigmoid(leaf) if activation == "sigmoid" else leaf)
    slope = tape.gradient(loss, leaf)
    return float(np.mean(np.abs(slope.numpy()))) * int(out.shape[0]) if slope is not None else 0.0


def rejects(view: LossView, activation, d_fake: float) -> bool:
    """Whether D calls G's samples fake: a probability below 1/2, or a score below the loss's "cannot tell" value."""
    if activation in BOUNDED or view.takes != "scores":
        return d_fake < 0.5
    return view.loss.score_reference is None or d_fake < view.loss.score_reference


def can_flatten(view: LossView, activation) -> bool:
    """Whether G's loss is flat where D is sure that G's samples are fake (the minimax loss is; the others not)."""
    if activation in RANGES and activation in BOUNDED:
        low, high = RANGES[activation]
        sure = low + SURE * (high - low)
    else:
        sure = float(np.log(SURE / (1 - SURE)))  # the logit of a D that gives fakes 1 %
    return g_slope(view, np.full((8, 1), sure), activation) < SATURATION


def d_alone(generator, discriminator, view: LossView, sample: Sample, mixed: bool, d_optimizer) -> np.ndarray:
    """D's outputs on G's samples after ``SATURATION_STEPS`` steps of D alone against them (then undone), with a
    fresh copy of ``d_optimizer`` (the course's Adam(2e-4, beta_1=0.5) if None)."""
    if d_optimizer is None:
        optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    else:
        optimizer = type(d_optimizer).from_config(d_optimizer.get_config())
    with weights_kept(generator, discriminator), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fake = generator(with_labels(sample.z, sample.y), training=True)
        for _ in range(SATURATION_STEPS):
            with tf.GradientTape() as tape:
                real_out, fake_out = d_on_both(discriminator, sample.real, fake, sample.y, mixed)
                d_loss = view.loss.discriminator(real_out, fake_out)
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            optimizer.apply_gradients(
                [(g, v) for g, v in zip(grads, discriminator.trainable_variables) if g is not None]
            )
        return np.asarray(discriminator(with_labels(fake, sample.y), training=True), np.float64)


def check_saturation(report, generator, discriminator, view, sample, start, activation, mixed, d_optimizer) -> None:
    """G's loss gives G a gradient: at the start, and after D has trained alone against G's first samples."""
    outputs = [start.d_loss, start.g_loss, *np.ravel(start.real_out), *np.ravel(start.fake_out)]
    if not np.all(np.isfinite(outputs)) or not np.all(np.isfinite(start.fakes)):
        report.add(
            "saturation",
            "error",
            "G's samples, D's outputs or the losses are NaN or Inf before any training step",
            "check the data for NaN, and layers that divide or take logarithms; rebuild the networks",
        )
        return report.done("saturation")
    if not start.g_learns:
        report.add(
            "saturation",
            "error",
            "G's loss does not depend on any of G's trainable variables: G cannot learn",
            "make G's loss a function of D(G(z)) without tf.stop_gradient, and keep G trainable",
        )
        return report.done("saturation")
    if view.loss.name == "minimax":
        fix = "use the non-saturating loss ('non_saturating': G minimises -log D(G(z))), which is steep there"
    else:
        fix = "end D with Dense(1) and use a loss whose slope stays large where D rejects the fakes ('non_saturating')"
    signal = g_slope(view, start.fake_out, activation)
    report.measurements["g_signal"] = signal
    d_fake = report.measurements["d_fake"]
    if signal < SATURATION and rejects(view, activation, d_fake):
        report.add(
            "saturation",
            "error",
            f"G's loss saturates at the start: D(G(z)) averages {fmt(d_fake)}, and G's loss changes by only "
            f"{signal:.2g} per unit of D's logit per sample (a usable loss: about 0.5 or more)",
            "D starts too sure of itself: check the data scaling, D's initialisation and its last layer's bias; " + fix,
        )
        return report.done("saturation")
    if not can_flatten(view, activation):  # steep wherever D puts G's samples: no need to train D to know
        return report.done("saturation")
    trained_out = d_alone(generator, discriminator, view, sample, mixed, d_optimizer)
    d_fake_trained = mean_output(trained_out, view, activation)
    signal_trained = g_slope(view, trained_out, activation)
    report.measurements.update(d_fake_after_d_steps=d_fake_trained, g_signal_after_d_steps=signal_trained)
    if signal_trained < SATURATION and rejects(view, activation, d_fake_trained):
        report.add(
            "saturation",
            "error",
            f"G's loss saturates as soon as D learns: after {SATURATION_STEPS} steps of D alone against G's first "
            f"samples, D(G(z)) averages {fmt(d_fake_trained)} (at the start {fmt(d_fake)}) and G's loss changes by "
            f"only {signal_trained:.2g} per unit of D's logit per sample (a usable loss: about 0.5 or more)",
            fix,
        )
    report.done("saturation")
