"""``diagnose``: a checker a learner runs on a GAN setup before training, and the report it returns.

Each check looks for one bug that the seed programs of lesson 09 make (``gan_course.seeds``) and
that learners copy: data scaled to a range the generator cannot make, a sigmoid output fed to a
loss that applies its own, shapes that do not meet, a combined G→D model whose step also moves D,
BatchNorm in D over mixed real/fake batches, optimizer settings far from what is known to work, a
loss that points the wrong way or saturates at the start. Every finding says what was found and the
fix. The checks run the networks once on a small sample and leave their weights as they were.

Introduced in lesson 09.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course.losses import get_loss

#: What each check asks, by name, in the order ``diagnose`` runs them.
CHECKS = {
    "shapes": "G's samples, the data and D's input have one shape, and D gives one number per sample",
    "data_range": "the data lie in the range G's output layer can make, and fill it",
    "output_activation": "D's output layer and the loss agree on logits, probabilities or raw scores",
    "loss_signs": "the loss rewards D for scoring real samples high and fakes low, and G for fakes scored high",
    "combined_model": "a combined G→D model's step changes G only, and D still learns in its own step",
    "batchnorm_mixed": "no BatchNorm in D when one batch holds real and fake samples",
    "optimizer": "learning rates and Adam's betas inside known-good ranges",
    "saturation": "G's loss gives G a usable gradient at the start",
}
SEVERITIES = ("error", "warning", "info")

#: Learning rates seen to work for GANs with Adam or RMSprop: 5e-5 (WGAN) to 1e-3 (small toy GANs).
LR_RANGE = (1e-5, 1e-3)
#: Adam's beta_1 above this on images made DCGAN's training oscillate (Radford et al. 2016 use 0.5).
BETA_1_MAX = 0.8
#: Adam's beta_2 below this is outside what GAN papers use (0.9 in WGAN-GP to 0.999).
BETA_2_MIN = 0.9
#: G's loss is called saturated when its slope with respect to D's logit is below this per sample
#: (a non-saturating loss gives about 1/2 at the start, the minimax loss D(G(z)) itself).
SATURATION = 0.05
#: The data should fill at least this share of a bounded output layer's range.
MIN_COVERAGE = 0.6

_RANGES = {
    "tanh": (-1.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "relu6": (0.0, 6.0),
    "relu": (0.0, math.inf),
    "softplus": (0.0, math.inf),
}
_BOUNDED = ("tanh", "sigmoid", "hard_sigmoid", "softmax", "relu6")


# ------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Finding:
    """One problem: the check that found it, how bad (``error``, ``warning``, ``info``), what was found, the fix.

    An error breaks training, a warning is known to hurt it, an info works but has a sturdier form.
    Introduced in lesson 09.
    """

    check: str
    severity: str
    found: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.check}: {self.found}\n    fix: {self.fix}"


@dataclass
class Report:
    """What ``diagnose`` found: ``findings`` (a list of ``Finding``), the ``status`` of every check
    (``"ok"``, ``"found"`` or ``"skipped: why"``) and ``measurements`` taken on the sample (D's outputs,
    both losses, gradient sizes, data and sample ranges).

    ``ok`` is True when there is no error and no warning. Iterating gives the findings; ``"data_range"
    in report`` asks whether a check found something. Prints as text, and as a table in a notebook.
    Introduced in lesson 09.
    """

    findings: list = field(default_factory=list)
    status: dict = field(default_factory=dict)
    measurements: dict = field(default_factory=dict)

    def add(self, check: str, severity: str, found: str, fix: str) -> None:
        """Record a finding of ``check`` (one of ``CHECKS``)."""
        if check not in CHECKS or severity not in SEVERITIES:
            raise ValueError(f"unknown check {check!r} or severity {severity!r}")
        self.findings.append(Finding(check, severity, found, fix))
        self.status[check] = "found"

    def _done(self, check: str, skipped: str | None = None) -> None:
        if skipped is not None:
            self.status[check] = f"skipped: {skipped}"
        else:
            self.status.setdefault(check, "ok")

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing worse than an info was found."""
        return not self.errors and not self.warnings

    @property
    def checks_found(self) -> set:
        """Names of the checks with at least one finding."""
        return {f.check for f in self.findings}

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, check) -> bool:
        return check in self.checks_found

    def _headline(self) -> str:
        counts = [(len([f for f in self.findings if f.severity == s]), s) for s in SEVERITIES]
        said = ", ".join(f"{k} {s}{'s' if k != 1 else ''}" for k, s in counts if k) or "nothing found"
        skipped = [c for c, s in self.status.items() if s.startswith("skipped")]
        ran = len(self.status) - len(skipped)
        return f"diagnose: {said} ({ran} checks run, {len(skipped)} skipped)"

    def __str__(self) -> str:
        lines = [self._headline()]
        lines += [str(f) for f in sorted(self.findings, key=lambda f: SEVERITIES.index(f.severity))]
        quiet = [c for c, s in self.status.items() if s == "ok"]
        if quiet:
            lines.append("no findings: " + ", ".join(quiet))
        lines += [f"{c}: {s}" for c, s in self.status.items() if s.startswith("skipped")]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_markdown_(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        rows = [f"**{self._headline()}**", "", "| check | severity | found | fix |", "|---|---|---|---|"]
        for f in sorted(self.findings, key=lambda f: SEVERITIES.index(f.severity)):
            rows.append(f"| {f.check} | {f.severity} | {cell(f.found)} | {cell(f.fix)} |")
        for check, status in self.status.items():
            if status != "found":
                rows.append(f"| {check} | — | {cell(status)} | |")
        return "\n".join(rows)


# ------------------------------------------------------------------- reading a model


_PASSTHROUGH = (
    layers.Reshape,
    layers.Flatten,
    layers.Permute,
    layers.Cropping1D,
    layers.Cropping2D,
    layers.Cropping3D,
    layers.ZeroPadding1D,
    layers.ZeroPadding2D,
    layers.ZeroPadding3D,
    layers.UpSampling1D,
    layers.UpSampling2D,
    layers.UpSampling3D,
    layers.Dropout,
    layers.Identity,
    layers.RepeatVector,
)
_MERGES = (layers.Add, layers.Subtract, layers.Average, layers.Concatenate, layers.Dot)
_LAYER_ACTIVATIONS = {
    layers.ReLU: "relu",
    layers.LeakyReLU: "leaky_relu",
    layers.PReLU: "leaky_relu",
    layers.ELU: "elu",
    layers.Softmax: "softmax",
}


def _producer(tensor):
    """The operation that made a symbolic Keras tensor, the node it was called at, and the output index."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, None, 0
    operation = history.operation
    nodes = getattr(operation, "_inbound_nodes", [])
    node = nodes[history.node_index] if history.node_index < len(nodes) else None
    return operation, node, history.tensor_index


def _activation_name(layer) -> str | None:
    fn = getattr(layer, "activation", None)
    if fn is None and hasattr(layer, "layer"):  # a wrapper such as SpectralNormalization
        fn = getattr(layer.layer, "activation", None)
    if fn is None:
        for cls, name in _LAYER_ACTIVATIONS.items():
            if isinstance(layer, cls):
                return name
        return None
    name = getattr(fn, "__name__", None)
    return name if name and name != "<lambda>" else None


def output_activation(model) -> str | None:
    """The activation of ``model``'s output layer, e.g. ``"tanh"``, ``"sigmoid"`` or ``"linear"``; None if unknown.

    Follows the output back through layers that only move values around (Reshape, Flatten,
    cropping, padding, upsampling, Dropout) and into nested models, so a Sequential ending in
    ``Dense(784, activation="tanh")`` and ``Reshape`` gives ``"tanh"``. Sums and products of heads
    (Add, Dot, as in a projection discriminator) count as linear; a Lambda or custom layer as unknown.
    Introduced in lesson 09.
    """
    outputs = getattr(model, "outputs", None)
    if not outputs:
        return None
    tensor = outputs[0]
    for _ in range(10_000):  # a graph is finite; the bound only guards against a cycle
        operation, node, index = _producer(tensor)
        if operation is None or isinstance(operation, layers.InputLayer):
            return "linear"
        if isinstance(operation, keras.Model):
            tensor = operation.outputs[index]
            continue
        if isinstance(operation, _PASSTHROUGH) and node is not None and node.input_tensors:
            tensor = node.input_tensors[0]
            continue
        if isinstance(operation, _MERGES):
            return "linear"
        return _activation_name(operation)
    return None


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)
        elif hasattr(layer, "layer"):
            yield layer.layer


def _upsampling_factor(model) -> int:
    """How many times G's layers enlarge the height: the product of stride-2 transposed convolutions and upsamplings."""
    factor = 1
    for layer in _all_layers(model):
        if isinstance(layer, layers.Conv2DTranspose):
            factor *= int(layer.strides[0])
        elif isinstance(layer, layers.UpSampling2D):
            factor *= int(layer.size[0])
    return factor


def _variable_ids(variables) -> set:
    return {id(v) for v in variables}


@contextlib.contextmanager
def _weights_kept(*models):
    """Run the networks in training mode (BatchNorm updates its moving statistics) and put every weight back after."""
    saved = []
    seen = set()
    for model in models:
        for variable in model.weights:
            if id(variable) not in seen:
                seen.add(id(variable))
                saved.append((variable, np.array(variable.numpy(), copy=True)))
    try:
        yield
    finally:
        for variable, value in saved:
            variable.assign(value)


# ------------------------------------------------------------------- the loss


@dataclass(frozen=True)
class _LossView:
    """A loss as diagnose reads it: what D's output should be (logits, probabilities, scores) and the two losses."""

    name: str
    kind: str  # "logits", "probabilities" or "scores"
    discriminator: object
    generator: object
    minimax: bool = False
    score_reference: float | None = None  # a score loss's "cannot tell" value (least squares 0.5, hinge 0)


def _bce_view(from_logits: bool, name: str) -> _LossView:
    bce = keras.losses.BinaryCrossentropy(from_logits=from_logits)

    def d_loss(real, fake):
        return bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)

    def g_loss(fake):
        return bce(tf.ones_like(fake), fake)

    return _LossView(name, "logits" if from_logits else "probabilities", d_loss, g_loss)


def _loss_view(loss) -> _LossView:
    if isinstance(loss, keras.losses.BinaryCrossentropy):
        from_logits = bool(loss.get_config().get("from_logits", False))
        return _bce_view(from_logits, f"BinaryCrossentropy(from_logits={from_logits})")
    if isinstance(loss, str) and loss.strip().lower() in ("binary_crossentropy", "bce"):
        return _bce_view(False, "'binary_crossentropy' (Keras: on probabilities)")
    if isinstance(loss, keras.losses.Loss):
        raise ValueError(
            f"diagnose reads GAN losses; got the Keras loss {type(loss).__name__}: pass a losses.GANLoss, its name "
            "(e.g. 'non_saturating'), 'binary_crossentropy' or keras.losses.BinaryCrossentropy(...)"
        )
    try:
        gan_loss = get_loss(loss)
    except ValueError as err:
        raise ValueError(
            f"{err}; diagnose also takes 'binary_crossentropy' or keras.losses.BinaryCrossentropy(from_logits=...), "
            "the losses of a combined Keras model"
        ) from None
    kind = "logits" if gan_loss.bce else "scores"
    return _LossView(
        gan_loss.name,
        kind,
        gan_loss.discriminator,
        gan_loss.generator,
        gan_loss.name == "minimax",
        gan_loss.score_reference,
    )


# ------------------------------------------------------------------- argument checks


def _model(value, name: str) -> keras.Model:
    if not isinstance(value, keras.Model):
        raise ValueError(f"{name} must be a keras.Model, got {type(value).__name__}: build it with keras.Sequential")
    if not getattr(value, "inputs", None) or not getattr(value, "outputs", None):
        raise ValueError(
            f"{name} {value.name!r} is not built (it has no inputs yet): start it with keras.Input(shape) "
            "so its shapes are known before training"
        )
    return value


def _optimizer(value, name: str):
    if value is not None and not isinstance(value, keras.optimizers.Optimizer):
        raise ValueError(
            f"{name} must be a Keras optimizer such as keras.optimizers.Adam(2e-4, beta_1=0.5), or None; got {value!r}"
        )
    return value


def _int(value, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _data(data, labels):
    """(samples, labels or None) from an array, a tensor, an ImageData, (x, y) or a tf.data pipeline."""
    from gan_course.data import ImageData

    if isinstance(data, ImageData):
        labels = data.labels if labels is None else labels
        data = data.images
    elif isinstance(data, tf.data.Dataset):
        xs, ys = [], []
        for batch in data.take(16):
            if isinstance(batch, (tuple, list)):
                xs.append(np.asarray(batch[0]))
                if len(batch) > 1 and batch[1] is not None:
                    ys.append(np.asarray(batch[1]))
            else:
                xs.append(np.asarray(batch))
        if not xs:
            raise ValueError("data is an empty tf.data pipeline: it yielded no batch")
        data = np.concatenate(xs)
        if ys and labels is None:
            labels = np.concatenate(ys)
    elif isinstance(data, tuple) and len(data) == 2:
        data, labels = data[0], data[1] if labels is None else labels
    if hasattr(data, "numpy") and not isinstance(data, np.ndarray):
        data = data.numpy()
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as err:
        raise ValueError(f"data must be an array of samples (N, ...), got {type(data).__name__}: {err}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"data must be numbers (images or points), got dtype {arr.dtype}")
    if arr.ndim < 2 or len(arr) == 0:
        raise ValueError(
            f"data must be a batch of samples (N, ...) with N >= 1, got shape {arr.shape}: "
            "for one image add a batch axis with x[None]"
        )
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim == 0 or len(labels) != len(arr):
            raise ValueError(f"labels must give one label per sample ({len(arr)}), got shape {labels.shape}")
    return arr, labels


def _compatible(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _fmt(value: float) -> str:
    return f"{value:.3g}"


# ------------------------------------------------------------------- the checks


def _check_shapes(report, generator, discriminator, sample_shape) -> bool:
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
    if not _compatible(g_out, sample_shape):
        fix = "build G for the data's shape (e.g. image_shape=data.shape[1:])"
        factor = _upsampling_factor(generator)
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
    if not _compatible(d_in, sample_shape):
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
    report._done("shapes")
    return fine


def _check_data_range(report, generator, data, fakes) -> None:
    finite = np.isfinite(data)
    if not finite.all():
        report.add(
            "data_range",
            "error",
            f"the data hold {int((~finite).sum())} NaN or Inf values",
            "drop or repair those samples before training",
        )
        report._done("data_range")
        return
    lo, hi = float(data.min()), float(data.max())
    report.measurements["data_range"] = (lo, hi)
    activation = output_activation(generator)
    report.measurements["g_activation"] = activation
    if fakes is not None:
        report.measurements["g_sample_range"] = (float(np.min(fakes)), float(np.max(fakes)))
    if activation is None:
        report._done("data_range", "G's output layer is not one diagnose can read (a Lambda or custom layer)")
        return
    if activation not in _RANGES:
        if data.ndim == 4 and lo >= 0 and hi > 1.5:
            report.add(
                "data_range",
                "warning",
                f"the images lie in [{_fmt(lo)}, {_fmt(hi)}] (pixels 0-255?) and G's output layer is {activation}",
                "scale the images to [-1, 1] with x / 127.5 - 1 and end G with tanh",
            )
        report._done("data_range")
        return
    g_lo, g_hi = _RANGES[activation]
    sampled = ""
    if fakes is not None:
        sampled = f"; at the start G's samples span [{_fmt(np.min(fakes))}, {_fmt(np.max(fakes))}]"
    tol = 1e-3 * max(1.0, g_hi - g_lo if math.isfinite(g_hi) else 1.0)
    if lo < g_lo - tol or hi > g_hi + tol:
        if lo >= 0 and hi > 1.5 and activation == "tanh":
            fix = "they look like pixels in [0, 255]: scale them with x / 127.5 - 1"
        elif activation == "tanh":
            fix = "rescale the data to [-1, 1]: (x - min) / (max - min) * 2 - 1"
        else:
            fix = f"rescale the data to [{_fmt(g_lo)}, {_fmt(g_hi)}], or end G with an activation that covers them"
        report.add(
            "data_range",
            "error",
            f"the data reach [{_fmt(lo)}, {_fmt(hi)}], but G's last layer ({activation}) can only make "
            f"[{_fmt(g_lo)}, {_fmt(g_hi)}]{sampled}",
            fix,
        )
    elif activation in _BOUNDED:
        coverage = (hi - lo) / (g_hi - g_lo)
        if coverage < MIN_COVERAGE:
            if activation == "tanh" and lo >= -tol and hi <= 1 + tol:
                fix = "scale the data to [-1, 1] with x * 2 - 1 (pixels: x / 127.5 - 1)"
            else:
                fix = f"rescale the data to fill [{_fmt(g_lo)}, {_fmt(g_hi)}]"
            report.add(
                "data_range",
                "error",
                f"the data lie in [{_fmt(lo)}, {_fmt(hi)}], only {coverage:.0%} of the [{_fmt(g_lo)}, {_fmt(g_hi)}] "
                f"that G's last layer ({activation}) makes{sampled}: D can tell fakes by values no real sample has",
                fix,
            )
    report._done("data_range")


def _check_output_activation(report, discriminator, view: _LossView) -> str | None:
    activation = output_activation(discriminator)
    report.measurements["d_activation"] = activation
    if activation is None:
        report._done("output_activation", "D's output layer is not one diagnose can read (a Lambda or custom layer)")
        return None
    if activation == "softmax":
        report.add(
            "output_activation",
            "error",
            "D ends in a softmax over one unit, which is 1 for every input",
            "use Dense(1) (a logit) with a loss on logits, or Dense(1, activation='sigmoid') with one on probabilities",
        )
    elif activation in _BOUNDED and view.kind == "logits":
        report.add(
            "output_activation",
            "error",
            f"D ends in a {activation}, and the loss {view.name} applies a sigmoid of its own: D(x) = "
            f"sigmoid({activation}(logit)) stays between {_fmt(_sigmoid(_RANGES[activation][0]))} and "
            f"{_fmt(_sigmoid(_RANGES[activation][1]))}, so D can never be sure, and every gradient through it shrinks",
            "drop the activation of D's last layer (Dense(1)): the course's losses take logits",
        )
    elif activation in _BOUNDED and view.kind == "scores":
        report.add(
            "output_activation",
            "error",
            f"D ends in a {activation}, and the loss {view.name} reads raw scores: the scores are squashed into "
            f"[{_fmt(_RANGES[activation][0])}, {_fmt(_RANGES[activation][1])}] and their gradient vanishes as "
            "D grows sure",
            "drop the activation of D's last layer (Dense(1)), or use a loss on probabilities such as binary "
            "cross-entropy",
        )
    elif view.kind == "probabilities" and activation == "sigmoid":
        report.add(
            "output_activation",
            "info",
            "D ends in a sigmoid and the loss reads probabilities: this works, but a confident D's probabilities "
            "round to 0 or 1 in float32, and Keras then clips them (1e-7) and G's gradient is lost",
            "end D with Dense(1) and use a loss on logits: 'non_saturating', or "
            "keras.losses.BinaryCrossentropy(from_logits=True) (PyTorch: BCEWithLogitsLoss)",
        )
    elif view.kind == "probabilities":
        report.add(
            "output_activation",
            "error",
            f"D's last layer is {activation} (its outputs are not confined to [0, 1]), and the loss {view.name} "
            "reads probabilities: values outside [0, 1] are clipped and give no gradient",
            "use the loss on logits: keras.losses.BinaryCrossentropy(from_logits=True) or 'non_saturating'",
        )
    report._done("output_activation")
    return activation


def _check_loss_signs(report, view: _LossView) -> None:
    hi, lo = (0.9, 0.1) if view.kind == "probabilities" else (1.0, 0.0)

    def value(fn, *outs):
        return float(fn(*[tf.fill((8, 1), float(o)) for o in outs]))

    mid = (hi + lo) / 2
    try:
        real_hi, real_lo = value(view.discriminator, hi, mid), value(view.discriminator, lo, mid)
        fake_lo, fake_hi = value(view.discriminator, mid, lo), value(view.discriminator, mid, hi)
        g_hi, g_lo = value(view.generator, hi), value(view.generator, lo)
    except Exception as err:  # noqa: BLE001 - a learner's loss may fail in any way
        report._done("loss_signs", f"the loss could not be evaluated on constant outputs ({type(err).__name__}: {err})")
        return
    what = "scores" if view.kind != "probabilities" else "probabilities"
    if not real_hi < real_lo:
        report.add(
            "loss_signs",
            "error",
            f"D's loss is {_fmt(real_hi)} when D gives real samples {hi:g} and {_fmt(real_lo)} when it gives them "
            f"{lo:g}: it does not reward D for calling real samples real",
            f"D's loss must fall as its {what} on real samples rise, e.g. softplus(-D(x)) for logits or "
            "-mean D(x) for a critic; check the sign of the real term",
        )
    if not fake_lo < fake_hi:
        report.add(
            "loss_signs",
            "error",
            f"D's loss is {_fmt(fake_lo)} when D gives fakes {lo:g} and {_fmt(fake_hi)} when it gives them {hi:g}: "
            "it does not reward D for calling fakes fake",
            f"D's loss must rise with its {what} on fakes; check the sign of the fake term",
        )
    if not g_hi < g_lo:
        report.add(
            "loss_signs",
            "error",
            f"G's loss is {_fmt(g_hi)} when D gives fakes {hi:g} and {_fmt(g_lo)} when it gives them {lo:g}: "
            "it does not reward G for fooling D",
            f"G's loss must fall as D's {what} on fakes rise, e.g. softplus(-D(G(z))) or -mean D(G(z))",
        )
    report._done("loss_signs")


def _check_combined(report, generator, discriminator, combined) -> None:
    d_ids = _variable_ids(discriminator.trainable_weights) | _variable_ids(discriminator.non_trainable_weights)
    if combined is not None:
        inside = _variable_ids(combined.weights)
        if not d_ids & inside:
            report.add(
                "combined_model",
                "warning",
                f"the combined model {combined.name!r} does not contain this discriminator",
                "pass the model that calls D on G's samples, e.g. keras.Sequential([generator, discriminator])",
            )
        else:
            trainable = _variable_ids(combined.trainable_weights)
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
    report._done("combined_model", None if combined is not None or compiled else "no combined model given")


def _check_batchnorm(report, discriminator, mixed_batches) -> None:
    norms = [layer.name for layer in _all_layers(discriminator) if isinstance(layer, layers.BatchNormalization)]
    if not norms:
        report._done("batchnorm_mixed")
        return
    if mixed_batches is None:
        report._done(
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
    report._done("batchnorm_mixed")


def _learning_rate(optimizer) -> float | None:
    try:
        return float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError, AttributeError):
        return None


def _check_optimizers(report, optimizers: dict, images: bool) -> None:
    given = {name: opt for name, opt in optimizers.items() if opt is not None}
    if not given:
        report._done("optimizer", "no optimizer given (pass d_optimizer= and g_optimizer=)")
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
        lr = _learning_rate(opt)
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
    report._done("optimizer")


def _run_networks(report, generator, discriminator, view, data, labels, mixed_batches, activation, m, rng):
    """Measure D's outputs, both losses and gradients on a sample at the start; check G's loss for saturation."""
    z_dim = int(generator.inputs[0].shape[-1])
    z = tf.constant(rng.normal(size=(m, z_dim)), tf.float32)
    index = rng.choice(len(data), size=m, replace=len(data) < m)
    real = tf.constant(data[index], tf.float32)
    y = None
    if len(generator.inputs) == 2:
        label_shape = tuple(generator.inputs[1].shape[1:])
        y = tf.constant(np.asarray(labels)[index].reshape(m, *label_shape), generator.inputs[1].dtype)

    def with_labels(x):
        return x if y is None else [x, y]

    def d_of(real_x, fake_x):
        if mixed_batches:  # one batch, fakes first, as seed 003 builds it
            both_x = tf.concat([fake_x, real_x], 0)
            both = discriminator(both_x if y is None else [both_x, tf.concat([y, y], 0)], training=True)
            return both[m:], both[:m]
        return discriminator(with_labels(real_x), training=True), discriminator(with_labels(fake_x), training=True)

    # Keras warns about some of the very setups diagnose reports (a sigmoid before from_logits=True, a softmax
    # over one unit); the report says it with the fix, so the warnings are held back here.
    with _weights_kept(generator, discriminator), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape() as g_tape:
            fake = generator(with_labels(z), training=True)
            fake_out = discriminator(with_labels(fake), training=True)
            g_loss = view.generator(fake_out)
        g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
        with tf.GradientTape() as d_tape:
            real_out, fake_out_d = d_of(real, tf.stop_gradient(fake))
            d_loss = view.discriminator(real_out, fake_out_d)
        d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
    fakes = fake.numpy()

    def norm(grads):
        present = [g for g in grads if g is not None]
        return float(tf.linalg.global_norm(present)) if present else 0.0

    def read(out):
        out = np.asarray(out, dtype=np.float64)
        if activation in _BOUNDED or view.kind != "logits":
            return float(out.mean())
        return float((1 / (1 + np.exp(-out))).mean())

    report.measurements.update(
        d_real=read(real_out),
        d_fake=read(fake_out_d),
        d_loss=float(d_loss),
        g_loss=float(g_loss),
        d_grad_norm=norm(d_grads),
        g_grad_norm=norm(g_grads),
    )
    values = [float(d_loss), float(g_loss), *np.ravel(real_out), *np.ravel(fake_out)]
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(fakes)):
        report.add(
            "saturation",
            "error",
            "G's samples, D's outputs or the losses are NaN or Inf before any training step",
            "check the data for NaN, and layers that divide or take logarithms; rebuild the networks",
        )
        report._done("saturation")
        return fakes
    if all(g is None for g in g_grads):
        report.add(
            "saturation",
            "error",
            "G's loss does not depend on any of G's trainable variables: G cannot learn",
            "make G's loss a function of D(G(z)) without tf.stop_gradient, and keep G trainable",
        )
        report._done("saturation")
        return fakes
    # The slope of G's loss per sample with respect to D's logit (the value before D's sigmoid, if it has one).
    out = tf.constant(np.asarray(fake_out, dtype=np.float32))
    if activation == "sigmoid":
        p = tf.clip_by_value(out, 1e-7, 1 - 1e-7)
        leaf = tf.math.log(p) - tf.math.log1p(-p)
    else:
        leaf = out
    with tf.GradientTape() as tape:
        tape.watch(leaf)
        loss_value = view.generator(tf.sigmoid(leaf) if activation == "sigmoid" else leaf)
    slope = tape.gradient(loss_value, leaf)
    signal = float(np.mean(np.abs(slope.numpy()))) * m if slope is not None else 0.0
    report.measurements["g_signal"] = signal
    # A flat loss is a problem only where D calls the fakes fake; where G already fools D it is flat by right.
    if activation in _BOUNDED or view.kind != "scores":
        rejected = report.measurements["d_fake"] < 0.5
    else:
        rejected = view.score_reference is None or report.measurements["d_fake"] < view.score_reference
    if signal < SATURATION and rejected:
        if view.minimax:
            fix = "use the non-saturating loss ('non_saturating': G minimises -log D(G(z))), which is steep there"
        else:
            fix = "D starts too sure of itself: check the data scaling, D's initialisation and its last layer's bias"
        report.add(
            "saturation",
            "error",
            f"G's loss saturates at the start: D(G(z)) averages {_fmt(report.measurements['d_fake'])}, and G's loss "
            f"changes by only {signal:.2g} per unit of D's logit per sample (a usable loss: about 0.5)",
            fix,
        )
    report._done("saturation")
    return fakes


# ------------------------------------------------------------------- diagnose


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
    into D and the combined model); and whether G's loss saturates on a sample of ``n`` at the start
    (``seed`` fixes the sample). A check that lacks what it needs says why it was skipped.

    The networks are run once in training mode; every weight, BatchNorm's statistics included, is
    put back afterwards, so diagnosing does not change the setup. Introduced in lesson 09.
    """
    generator = _model(generator, "generator")
    discriminator = _model(discriminator, "discriminator")
    if combined is not None:
        combined = _model(combined, "combined")
    d_optimizer = _optimizer(d_optimizer, "d_optimizer")
    g_optimizer = _optimizer(g_optimizer, "g_optimizer")
    if mixed_batches is not None and not isinstance(mixed_batches, (bool, np.bool_)):
        raise ValueError(f"mixed_batches must be True, False or None (not known), got {mixed_batches!r}")
    n = _int(n, "n (the sample size)", 2)
    seed = _int(seed, "seed", 0)
    view = _loss_view(loss)
    arr, labels = _data(data, labels)
    conditional = len(generator.inputs) == 2 and len(discriminator.inputs) == 2
    if conditional and labels is None:
        from gan_course.training import _label_rows

        rows = _label_rows(generator) + _label_rows(discriminator)
        if not rows:
            raise ValueError("the networks take labels ([z, y] and [x, y]): pass labels= (one per sample)")
        labels = np.random.default_rng(seed).integers(0, min(rows), size=len(arr))

    report = Report()
    rng = np.random.default_rng(seed)
    sample_shape = tuple(arr.shape[1:])
    runnable = _check_shapes(report, generator, discriminator, sample_shape)
    if len(arr) > 4096:
        range_sample = arr[rng.choice(len(arr), size=4096, replace=False)]
    else:
        range_sample = arr
    activation = output_activation(discriminator)
    fakes = None
    if runnable and np.all(np.isfinite(range_sample)):
        m = min(n, max(len(arr), 2))
        fakes = _run_networks(
            report, generator, discriminator, view, arr, labels, bool(mixed_batches), activation, m, rng
        )
    _check_data_range(report, generator, range_sample.astype(np.float64), fakes)
    _check_output_activation(report, discriminator, view)
    _check_loss_signs(report, view)
    _check_combined(report, generator, discriminator, combined)
    _check_batchnorm(report, discriminator, mixed_batches)
    if d_optimizer is None:
        d_optimizer = getattr(discriminator, "optimizer", None) if getattr(discriminator, "compiled", False) else None
    if g_optimizer is None and combined is not None and getattr(combined, "compiled", False):
        g_optimizer = getattr(combined, "optimizer", None)
    _check_optimizers(report, {"D": d_optimizer, "G": g_optimizer}, images=arr.ndim >= 4)
    if "saturation" not in report.status:
        why = "the shapes do not fit together" if not runnable else "the data hold NaN or Inf values"
        report._done("saturation", f"{why}, so the networks were not run")
    report.status = {check: report.status[check] for check in CHECKS if check in report.status}
    return report
