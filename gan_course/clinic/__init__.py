"""``diagnose``: a checker a learner runs on a GAN setup before training, and the report it returns.

Each check looks for one bug that the seed programs of lesson 09 make (``gan_course.seeds``) and
that learners copy: data scaled to a range the generator cannot make, a sigmoid output fed to a
loss that applies its own, shapes that do not meet, a combined G→D model whose step also moves D,
BatchNorm in D over mixed real/fake batches, optimizer settings far from what is known to work, a
loss that points the wrong way or saturates at the start. Every finding says what was found and the
fix. The checks run the networks on a small sample and leave their weights as they were.

The package: ``_report`` (``CHECKS``, ``Finding``, ``Report``), ``_reading`` (what diagnose reads from a
network and a loss), ``_checks`` (the checks that need no training) and ``_measure`` (the networks run on a
sample, and the saturation check).

Used in lesson 09.
"""

from __future__ import annotations

import numpy as np

from gan_course._checks import integer
from gan_course.clinic._checks import (
    BETA_1_MAX,
    BETA_2_MIN,
    LR_RANGE,
    MIN_COVERAGE,
    check_batchnorm,
    check_combined,
    check_data_range,
    check_loss_signs,
    check_optimizers,
    check_output_activation,
    check_shapes,
)
from gan_course.clinic._measure import SATURATION, check_saturation, draw_sample, mean_output, run_start
from gan_course.clinic._reading import (
    as_data,
    as_model,
    as_optimizer,
    embedding_rows,
    loss_view,
    output_activation,
)
from gan_course.clinic._report import CHECKS, Report

__all__ = [
    "BETA_1_MAX",
    "BETA_2_MIN",
    "CHECKS",
    "LR_RANGE",
    "MIN_COVERAGE",
    "SATURATION",
    "diagnose",
    "output_activation",
]


def diagnose(
    generator,
    discriminator,
    data,
    loss="non_saturating",
    *,
    labels=None,
    d_optimizer=None,
    g_optimizer=None,
    combined=None,
    mixed_batches: bool | None = None,
    n: int = 64,
    seed: int = 0,
) -> Report:
    """Check a GAN setup before training; return a ``Report`` of findings, each with the fix.

    ``generator`` maps z (batch, z_dim) to samples, ``discriminator`` samples to one output (or
    ``[z, y]`` and ``[x, y]`` for a conditional pair, with ``labels``, labelled ``data``, or labels drawn
    from the rows of the networks' label embeddings). ``data`` is the training data as they will be
    fed: an array (N, ...), a tensor, ``(x, y)``, an ``ImageData`` or a ``tf.data`` pipeline (its
    first batches). ``loss`` is a ``losses.GANLoss`` or its name, or the
    Keras losses of a combined-model recipe (``"binary_crossentropy"``, ``keras.losses.BinaryCrossentropy``).

    The checks (``CHECKS``): shapes of G's samples, the data and D's input; the data's range against
    the range of G's output layer; D's output layer against the loss (a sigmoid before a loss on
    logits, or logits before a loss on probabilities); the loss's signs; D's variables that a
    ``combined`` G→D model's step would change (and a D that Keras 3 froze before its first step);
    BatchNorm in D when ``mixed_batches`` is True (D's step sees real and fake in one batch); the
    learning rates and betas of ``d_optimizer`` and ``g_optimizer`` (by default those compiled
    into D and the combined model); and whether G's loss saturates on a sample of ``n``, at the start
    and, for a loss that can flatten (the minimax loss), after ``_measure.SATURATION_STEPS`` steps of D
    alone against G's first samples with a copy of D's optimizer (``seed`` fixes the sample). A check
    that lacks what it needs says why it was skipped.

    The networks are run in training mode; every weight, BatchNorm's statistics and the optimizers'
    state included, is put back afterwards, so diagnosing does not change the setup. Introduced in lesson 09.
    """
    generator = as_model(generator, "generator")
    discriminator = as_model(discriminator, "discriminator")
    combined = None if combined is None else as_model(combined, "combined")
    d_optimizer = as_optimizer(d_optimizer, "d_optimizer")
    g_optimizer = as_optimizer(g_optimizer, "g_optimizer")
    if mixed_batches is not None and not isinstance(mixed_batches, (bool, np.bool_)):
        raise ValueError(f"mixed_batches must be True, False or None (not known), got {mixed_batches!r}")
    n = integer(n, "n (the sample size)", 2)
    seed = integer(seed, "seed", 0)
    view = loss_view(loss)
    arr, labels = as_data(data, labels)
    if len(generator.inputs) == 2 and len(discriminator.inputs) == 2 and labels is None:
        rows = embedding_rows(generator) + embedding_rows(discriminator)
        if not rows:
            raise ValueError("the networks take labels ([z, y] and [x, y]): pass labels= (one per sample)")
        labels = np.random.default_rng(seed).integers(0, min(rows), size=len(arr))
    # The optimizers that will train: those given, or those compiled into D and the combined model.
    if d_optimizer is None and getattr(discriminator, "compiled", False):
        d_optimizer = getattr(discriminator, "optimizer", None)
    if g_optimizer is None and combined is not None and getattr(combined, "compiled", False):
        g_optimizer = getattr(combined, "optimizer", None)

    report = Report()
    rng = np.random.default_rng(seed)
    runnable = check_shapes(report, generator, discriminator, tuple(arr.shape[1:]))
    check_output_activation(report, discriminator, view)  # before the saturation it may cause, so it comes first
    range_sample = arr[rng.choice(len(arr), size=4096, replace=False)] if len(arr) > 4096 else arr
    activation = output_activation(discriminator)
    runs = runnable and bool(np.all(np.isfinite(range_sample)))
    sample = draw_sample(generator, arr, labels, min(n, max(len(arr), 2)), rng) if runs else None
    fakes = None
    if runs:
        start = run_start(generator, discriminator, view, sample, bool(mixed_batches))
        fakes = start.fakes
        report.measurements.update(
            d_real=mean_output(start.real_out, view, activation),
            d_fake=mean_output(start.fake_out, view, activation),
            d_loss=start.d_loss,
            g_loss=start.g_loss,
            d_grad_norm=start.d_grad_norm,
            g_grad_norm=start.g_grad_norm,
        )
        check_saturation(
            report, generator, discriminator, view, sample, start, activation, bool(mixed_batches), d_optimizer
        )
    else:
        why = "the shapes do not fit together" if not runnable else "the data hold NaN or Inf values"
        report.done("saturation", f"{why}, so the networks were not run")
    check_data_range(report, generator, range_sample.astype(np.float64), fakes)
    check_loss_signs(report, view)
    check_combined(report, generator, discriminator, combined)
    check_batchnorm(report, discriminator, mixed_batches)
    check_optimizers(report, {"D": d_optimizer, "G": g_optimizer}, images=arr.ndim >= 4)
    report.status = {check: report.status[check] for check in CHECKS if check in report.status}
    return report
