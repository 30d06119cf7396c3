"""The checks of ``diagnose`` that read a setup without training it: shapes, the data's range, D's output layer
against the loss, the loss's signs, a combined G→D model, BatchNorm over mixed batches and the optimizers.
Each adds its findings to a ``Report``. Used by lesson 09 through ``gan_course.clinic``.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf
from keras import layers

from gan_course.clinic._reading import (
    BOUNDED,
    RANGES,
    LossView,
    all_layers,
    fmt,
    output_activation,
    sigmoid,
    upsampling_factor,
)

#: Learning rates seen to work for GANs with Adam or RMSprop: 5e-5 (WGAN) to 1e-3 (small toy GANs).
LR_RANGE = (1e-5, 1e-3)
#: Adam's beta_1 above this on images made DCGAN's training oscillate (Radford et al. 2016 use 0.5).
BETA_1_MAX = 0.8
#: Adam's beta_2 below this is outside what GAN papers use (0.9 in WGAN-GP to 0.999).
BETA_2_MIN = 0.9
#: The data should fill at least this share of a bounded output layer's range.
MIN_COVERAGE = 0.6


def compatible(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def check_shapes(report, generator, discriminator, sample_shape) -> bool:
    g_out = tuple(generator.outputs[0].shape[1:])
    d_in = tuple(discriminator.inputs[0].shape[1:])
    d_out = tuple(discriminator.outputs[0].shape[1:])
    n_g, n_d = len(generator.inputs), len(discriminator.inputs)
    fine = True
    if n_g != n_d:
        report.add(
            "shapes",
            "error",
            f"G takes {n_g} input(s) and D {n_d}: only one of them takes labels",
            "a conditional GAN gives labels to both networks ([z, y] and [x, y]), an unconditional one to neither",
        )
        fine = False
    if not compatible(g_out, sample_shape):
        fix = "build G for the data's shape (e.g. image_shape=data.shape[1:])"
        factor = upsampling_factor(generator)
        if len(g_out) == 3 and len(sample_shape) == 3 and factor > 1 and g_out[0] is not None:
            h, w = sample_shape[0], sample_shape[1]
            start = f"{g_out[0] // factor}×{g_out[1] // factor}"
            if h % factor == 0 and w % factor == 0:
                fix = (
                    f"G enlarges its first feature map {factor}× (from {start} to {g_out[0]}×{g_out[1]}): "
                    f"to make {h}×{w}, start from {h // factor}×{w // factor} (e.g. Dense({h // factor}*{w // factor}"
                    f"*channels) and Reshape(({h // factor}, {w // factor}, channels)))"
                )
            else:
                fix = (
                    f"G enlarges its first feature map {factor}× (from {start}), and {h}×{w} is not a multiple "
                    f"of {factor}: change the number of stride-2 layers, or crop or pad the data"
                )
        report.add("shapes", "error", f"G makes samples of shape {g_out}, the data have shape {sample_shape}", fix)
        fine = False
    if not compatible(d_in, sample_shape):
        report.add(
            "shapes",
            "error",
            f"D takes samples of shape {d_in}, the data have shape {sample_shape}",
            "build D for the data's shape: keras.Input(data.shape[1:])",
        )
        fine = False
    if d_out != (1,):
        report.add(
            "shapes",
            "error",
            f"D gives an output of shape {d_out} per sample; the GAN losses need one number per sample",
            "end D with Dense(1) (and Flatten before it)",
        )
        fine = False
    report.done("shapes")
    return fine


def check_data_range(report, generator, data, fakes) -> None:
    finite = np.isfinite(data)
    if not finite.all():
        report.add(
            "data_range",
            "error",
            f"the data hold {int((~finite).sum())} NaN or Inf values",
            "drop or repair those samples before training",
        )
        report.done("data_range")
        return
    lo, hi = float(data.min()), float(data.max())
    report.measurements["data_range"] = (lo, hi)
    activation = output_activation(generator)
    report.measurements["g_activation"] = activation
    if fakes is not None:
        report.measurements["g_sample_range"] = (float(np.min(fakes)), float(np.max(fakes)))
    if activation is None:
        report.done("data_range", "G's output layer is not one diagnose can read (a Lambda or custom layer)")
        return
    if activation not in RANGES:
        if data.ndim == 4 and lo >= 0 and hi > 1.5:
            report.add(
                "data_range",
                "warning",
                f"the images lie in [{fmt(lo)}, {fmt(hi)}] (pixels 0-255?) and G's output layer is {activation}",
                "scale the images to [-1, 1] with x / 127.5 - 1 and end G with tanh",
            )
        report.done("data_range")
        return
    g_lo, g_hi = RANGES[activation]
    sampled = ""
    if fakes is not None:
        sampled = f"; at the start G's samples span [{fmt(np.min(fakes))}, {fmt(np.max(fakes))}]"
    tol = 1e-3 * max(1.0, g_hi - g_lo if math.isfinite(g_hi) else 1.0)
    if lo < g_lo - tol or hi > g_hi + tol:
        if lo >= 0 and hi > 1.5 and activation == "tanh":
            fix = "they look like pixels in [0, 255]: scale them with x / 127.5 - 1"
        elif activation == "tanh":
            fix = "rescale the data to [-1, 1]: (x - min) / (max - min) * 2 - 1"
        else:
            fix = f"rescale the data to [{fmt(g_lo)}, {fmt(g_hi)}], or end G with an activation that covers them"
        report.add(
            "data_range",
            "error",
            f"the data reach [{fmt(lo)}, {fmt(hi)}], but G's last layer ({activation}) can only make "
            f"[{fmt(g_lo)}, {fmt(g_hi)}]{sampled}",
            fix,
        )
    elif activation in BOUNDED:
        coverage = (hi - lo) / (g_hi - g_lo)
        if coverage < MIN_COVERAGE:
            if activation == "tanh" and lo >= -tol and hi <= 1 + tol:
                fix = "scale the data to [-1, 1] with x * 2 - 1 (pixels: x / 127.5 - 1)"
            else:
                fix = f"rescale the data to fill [{fmt(g_lo)}, {fmt(g_hi)}]"
            report.add(
                "data_range",
                "error",
                f"the data lie in [{fmt(lo)}, {fmt(hi)}], only {coverage:.0%} of the [{fmt(g_lo)}, {fmt(g_hi)}] "
                f"that G's last layer ({activation}) makes{sampled}: D can tell fakes by values no real sample has",
                fix,
            )
    report.done("data_range")


# What happens to D's last activation where Keras' own binary cross-entropy meets it. Keras 3 (TensorFlow backend,
# keras/src/backend/tensorflow/nn.py, _get_logits) keeps the logit on the output of its sigmoid activation and
# computes the loss from that logit, whatever from_logits says; any other operation in between loses it.
_KERAS_RESCUE = (
    "only because Keras 3's binary cross-entropy finds the logit that D's sigmoid layer keeps on its output and "
    "computes the loss from that logit. Anything between that layer and Keras' loss (a slice, tf.concat, "
    "tf.sigmoid or a log by hand, PyTorch's BCELoss) reads the probabilities instead"
)


def check_output_activation(report, discriminator, view: LossView) -> str | None:
    """D's output layer against what the loss takes: logits, probabilities or scores."""
    activation = output_activation(discriminator)
    report.measurements["d_activation"] = activation
    if activation is None:
        report.done("output_activation", "D's output layer is not one diagnose can read (a Lambda or custom layer)")
        return None
    low, high = RANGES.get(activation, (-math.inf, math.inf))
    if activation == "softmax":
        report.add(
            "output_activation",
            "error",
            "D ends in a softmax over one unit, which is 1 for every input",
            "use Dense(1) (a logit) with a loss on logits, or Dense(1, activation='sigmoid') with one on probabilities",
        )
    elif activation == "sigmoid" and view.takes == "logits" and view.keras_bce:
        report.add(
            "output_activation",
            "info",
            f"D ends in a sigmoid and the loss is {view.name}: this works, but {_KERAS_RESCUE} and applies a "
            "second sigmoid, so D(x) = sigmoid(sigmoid(logit)) is stuck between 0.5 and 0.731",
            "end D with Dense(1): the loss takes logits",
        )
    elif activation == "sigmoid" and view.takes == "probabilities":
        report.add(
            "output_activation",
            "info",
            f"D ends in a sigmoid and the loss reads probabilities: this works, but {_KERAS_RESCUE}, which round to "
            "0 or 1 in float32 once D is sure; they are clipped (Keras: to [1e-7, 1 - 1e-7]; PyTorch clamps the "
            "log at -100) and G's gradient is lost",
            "end D with Dense(1) and use a loss on logits: 'non_saturating', or "
            "keras.losses.BinaryCrossentropy(from_logits=True) (PyTorch: BCEWithLogitsLoss)",
        )
    elif view.takes == "logits" and low >= -1.0 and (activation in BOUNDED or low >= 0.0):
        # a bounded activation, or one that is never negative (ReLU, softplus), before a loss that applies a sigmoid
        never = (
            ", so D can never be sure, and every gradient through it shrinks"
            if activation in BOUNDED
            else f": D can never call a sample fake (D(x) < 0.5), and where the {activation} is flat no gradient "
            "reaches D's weights"
        )
        report.add(
            "output_activation",
            "error",
            f"D ends in a {activation}, and the loss {view.name} applies a sigmoid of its own: D(x) = "
            f"sigmoid({activation}(logit)) stays between {fmt(sigmoid(low))} and {fmt(sigmoid(high))}{never}",
            "drop the activation of D's last layer (Dense(1)): the course's losses take logits",
        )
    elif activation in BOUNDED and view.takes == "scores":
        report.add(
            "output_activation",
            "error",
            f"D ends in a {activation}, and the loss {view.name} reads raw scores: the scores are squashed into "
            f"[{fmt(low)}, {fmt(high)}] and their gradient vanishes as D grows sure",
            "drop the activation of D's last layer (Dense(1)), or use a loss on probabilities such as binary "
            "cross-entropy",
        )
    elif view.takes == "probabilities" and not (low >= 0.0 and high <= 1.0):
        report.add(
            "output_activation",
            "error",
            f"D's last layer is {activation} (its outputs are not confined to [0, 1]), and the loss {view.name} "
            "reads probabilities: values outside [0, 1] are clipped and give no gradient",
            "use the loss on logits: keras.losses.BinaryCrossentropy(from_logits=True) or 'non_saturating'",
        )
    report.done("output_activation")
    return activation


def check_loss_signs(report, view: LossView) -> None:
    hi, lo = (0.9, 0.1) if view.takes == "probabilities" else (1.0, 0.0)

    def value(fn, *outs):
        return float(fn(*[tf.fill((8, 1), float(o)) for o in outs]))

    mid = (hi + lo) / 2
    try:
        real_hi, real_lo = value(view.loss.discriminator, hi, mid), value(view.loss.discriminator, lo, mid)
        fake_lo, fake_hi = value(view.loss.discriminator, mid, lo), value(view.loss.discriminator, mid, hi)
        g_hi, g_lo = value(view.loss.generator, hi), value(view.loss.generator, lo)
    except Exception as err:  # noqa: BLE001 - a learner's loss may fail in any way
        report.done("loss_signs", f"the loss could not be evaluated on constant outputs ({type(err).__name__}: {err})")
        return
    what = "scores" if view.takes != "probabilities" else "probabilities"
    if not real_hi < real_lo:
        report.add(
            "loss_signs",
            "error",
            f"D's loss is {fmt(real_hi)} when D gives real samples {hi:g} and {fmt(real_lo)} when it gives them "
            f"{lo:g}: it does not reward D for calling real samples real",
            f"D's loss must fall as its {what} on real samples rise, e.g. softplus(-D(x)) for logits or "
            "-mean D(x) for a critic; check the sign of the real term",
        )
    if not fake_lo < fake_hi:
        report.add(
            "loss_signs",
            "error",
            f"D's loss is {fmt(fake_lo)} when D gives fakes {lo:g} and {fmt(fake_hi)} when it gives them {hi:g}: "
            "it does not reward D for calling fakes fake",
            f"D's loss must rise with its {what} on fakes; check the sign of the fake term",
        )
    if not g_hi < g_lo:
        report.add(
            "loss_signs",
            "error",
            f"G's loss is {fmt(g_hi)} when D gives fakes {hi:g} and {fmt(g_lo)} when it gives them {lo:g}: "
            "it does not reward G for fooling D",
            f"G's loss must fall as D's {what} on fakes rise, e.g. softplus(-D(G(z))) or -mean D(G(z))",
        )
    report.done("loss_signs")


def variable_ids(variables) -> set:
    """The identities of ``variables``."""
    return {id(v) for v in variables}


def check_combined(report, generator, discriminator, combined) -> None:
    """The D variables a combined G→D model's step would change, and a D that Keras 3 froze before its first step."""
    d_ids = variable_ids(discriminator.trainable_weights) | variable_ids(discriminator.non_trainable_weights)
    if combined is not None:
        inside = variable_ids(combined.weights)
        if not d_ids & inside:
            report.add(
                "combined_model",
                "warning",
                f"the combined model {combined.name!r} does not contain this discriminator",
                "pass the model that calls D on G's samples, e.g. keras.Sequential([generator, discriminator])",
            )
        elif getattr(combined, "train_function", None) is not None:
            # Keras 3 reads the trainable variables when it traces a step (keras/src/backend/tensorflow/trainer.py,
            # train_step) and keeps that step until compile() or make_train_function(force=True): the flags now may
            # not be what the traced step does, and no public attribute says what it does.
            report.add(
                "combined_model",
                "warning",
                f"the combined model {combined.name!r} has already trained (train_on_batch or fit traced its "
                "step), and Keras 3 keeps the variables that step changes as they were when it was traced: a "
                "change of trainable takes effect only at the next compile(). discriminator.trainable is "
                f"{discriminator.trainable} now, but diagnose cannot see whether the traced step changes D",
                "set discriminator.trainable, then call combined.compile(...) again before its next "
                "train_on_batch, and diagnose it then; or write the step with training.gan_step",
            )
        else:
            trainable = variable_ids(combined.trainable_weights)
            moving = [v for v in discriminator.weights if id(v) in trainable]
            if moving:
                report.add(
                    "combined_model",
                    "error",
                    f"a step of the combined model {combined.name!r} would also change {len(moving)} of D's "
                    "variables, towards calling G's fakes real: D helps G cheat",
                    "set discriminator.trainable = False before the combined model's first train_on_batch (in Keras 3 "
                    "only after D's own train_on_batch has run once), or write the step with GradientTape so that "
                    "each network's tape updates its own variables (training.gan_step)",
                )
            g_missing = [v for v in generator.trainable_weights if id(v) not in trainable]
            if g_missing:
                report.add(
                    "combined_model",
                    "error",
                    f"{len(g_missing)} of G's trainable variables are frozen in the combined model: its step "
                    "would not train G",
                    "set generator.trainable = True before compiling the combined model",
                )
    compiled = getattr(discriminator, "compiled", False) and getattr(discriminator, "optimizer", None) is not None
    if compiled and not discriminator.trainable and getattr(discriminator, "train_function", True) is None:
        report.add(
            "combined_model",
            "error",
            "D is compiled and frozen (trainable = False) before its first train_on_batch: Keras 3 reads "
            "trainable when that step is first traced, so D's own step will never change it",
            "run D's first train_on_batch before setting discriminator.trainable = False (or switch it to True "
            "before each D step), or train with training.gan_step",
        )
    report.done("combined_model", None if combined is not None or compiled else "no combined model given")


def check_batchnorm(report, discriminator, mixed_batches) -> None:
    """BatchNorm in D when D's step sees real and fake samples in one batch."""
    norms = [layer.name for layer in all_layers(discriminator) if isinstance(layer, layers.BatchNormalization)]
    if not norms:
        report.done("batchnorm_mixed")
        return
    if mixed_batches is None:
        report.done(
            "batchnorm_mixed",
            f"D has BatchNorm ({', '.join(norms)}): pass mixed_batches=True if D sees real and fake in one batch",
        )
        return
    if mixed_batches:
        report.add(
            "batchnorm_mixed",
            "warning",
            f"D has BatchNorm ({', '.join(norms)}) and its step sees real and fake samples in one batch: BatchNorm "
            "normalises with that mixed batch's statistics, but G's step shows D fakes only, so G is trained "
            "against a D that behaves differently from the one D's step trained",
            "call D on a real batch and on a fake batch separately (as training.gan_step does), or drop "
            "BatchNorm from D (no normalisation, LayerNormalization or spectral normalisation)",
        )
    report.done("batchnorm_mixed")


def learning_rate(optimizer) -> float | None:
    """An optimizer's learning rate as a float, or None when it is a schedule diagnose cannot read."""
    try:
        return float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError, AttributeError):
        return None


def check_optimizers(report, optimizers: dict, images: bool) -> None:
    given = {name: opt for name, opt in optimizers.items() if opt is not None}
    if not given:
        report.done("optimizer", "no optimizer given (pass d_optimizer= and g_optimizer=)")
        return
    if len(given) == 2 and given["D"] is given["G"]:
        report.add(
            "optimizer",
            "error",
            "G and D share one optimizer object: its moment estimates mix the two networks' steps",
            "give each network its own optimizer, e.g. training.default_optimizer() twice",
        )
    problems = {}  # (what, value) -> the networks that have it, so that one setting shared by both is said once
    for name, opt in given.items():
        kind = type(opt).__name__
        lr = learning_rate(opt)
        report.measurements[f"{name.lower()}_lr"] = lr
        # the float32 variable holds 1e-3 as 0.0010000000475: compare with a little room
        if lr is not None and not LR_RANGE[0] * (1 - 1e-6) <= lr <= LR_RANGE[1] * (1 + 1e-6):
            problems.setdefault(("lr", kind, f"{lr:.3g}"), []).append(name)
        beta_1 = getattr(opt, "beta_1", None)
        if beta_1 is not None and images and float(beta_1) > BETA_1_MAX:
            problems.setdefault(("beta_1", kind, f"{float(beta_1):g}"), []).append(name)
        beta_2 = getattr(opt, "beta_2", None)
        if beta_2 is not None and float(beta_2) < BETA_2_MIN:
            problems.setdefault(("beta_2", kind, f"{float(beta_2):g}"), []).append(name)
    for (what, kind, value), names in problems.items():
        who = "D's and G's" if len(names) == 2 else f"{names[0]}'s"
        has = "have" if len(names) == 2 else "has"
        if what == "lr":
            side = "above" if float(value) > LR_RANGE[1] else "below"
            found = (
                f"{who} {kind} {has} learning rate {value}, {side} the {LR_RANGE[0]:g} to {LR_RANGE[1]:g} that GANs "
                "are known to train with"
            )
            fix = "use 2e-4 (the DCGAN paper's rate, the course's default), or 1e-4 with a Wasserstein loss"
        elif what == "beta_1":
            found = (
                f"{who} {kind} {has} beta_1 = {value} (the default of Keras and PyTorch); the DCGAN paper's image "
                "GANs oscillated with 0.9"
            )
            fix = "use beta_1 = 0.5 (training.default_optimizer() is Adam(2e-4, beta_1=0.5)); 0 with a Wasserstein loss"
        else:
            found = f"{who} {kind} {has} beta_2 = {value}: the step sizes follow only the last few gradients"
            fix = "use beta_2 between 0.9 (WGAN-GP) and 0.999 (the default)"
        report.add("optimizer", "warning", found, fix)
    report.done("optimizer")
