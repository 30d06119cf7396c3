"""What ``diagnose`` reads from a setup: the activation of a network's output layer, its layers, the loss as a
``LossView``, the arguments checked at the door and the data as an array. Used by lesson 09 through
``gan_course.clinic``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course.losses import GANLoss, get_loss

#: The values each output activation can make.
RANGES = {
    "tanh": (-1.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "relu6": (0.0, 6.0),
    "relu": (0.0, math.inf),
    "softplus": (0.0, math.inf),
}
#: The activations whose range is bounded on both sides.
BOUNDED = ("tanh", "sigmoid", "hard_sigmoid", "softmax", "relu6")

# Layers that only move values around: the activation that matters is the one before them.
PASSTHROUGH = (
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
MERGES = (layers.Add, layers.Subtract, layers.Average, layers.Concatenate, layers.Dot)
LAYER_ACTIVATIONS = {
    layers.ReLU: "relu",
    layers.LeakyReLU: "leaky_relu",
    layers.PReLU: "leaky_relu",
    layers.ELU: "elu",
    layers.Softmax: "softmax",
}


def activation_name(layer) -> str | None:
    """The name of ``layer``'s activation (a wrapper's inner layer's), or None when it has none or is a lambda."""
    fn = getattr(layer, "activation", None)
    if fn is None and hasattr(layer, "layer"):  # a wrapper such as SpectralNormalization
        fn = getattr(layer.layer, "activation", None)
    if fn is None:
        for cls, name in LAYER_ACTIVATIONS.items():
            if isinstance(layer, cls):
                return name
        return None
    name = getattr(fn, "__name__", None)
    return name if name and name != "<lambda>" else None


def producer(model, tensor):
    """The layer of ``model`` whose output is ``tensor`` (None for an input, or a layer called more than once)."""
    for layer in model.layers:
        try:
            if layer.output is tensor:
                return layer
        except (AttributeError, ValueError):  # a layer called more than once has no single output
            continue
    return None


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
    while True:
        if any(tensor is x for x in model.inputs):
            return "linear"
        layer = producer(model, tensor)
        if layer is None:
            return None
        if isinstance(layer, keras.Model):
            return output_activation(layer)
        if isinstance(layer, MERGES):
            return "linear"
        if not isinstance(layer, PASSTHROUGH):
            return activation_name(layer)
        tensor = layer.input


def all_layers(model):
    """Every layer of ``model``, nested models' layers and wrapped layers included."""
    for layer in getattr(model, "layers", []):
        yield layer
        if hasattr(layer, "layers"):
            yield from all_layers(layer)
        elif hasattr(layer, "layer"):
            yield layer.layer


def upsampling_factor(model) -> int:
    """How many times G's layers enlarge the height: the product of stride-2 transposed convolutions and upsamplings."""
    factor = 1
    for layer in all_layers(model):
        if isinstance(layer, layers.Conv2DTranspose):
            factor *= int(layer.strides[0])
        elif isinstance(layer, layers.UpSampling2D):
            factor *= int(layer.size[0])
    return factor


def embedding_rows(net) -> list[int]:
    """The rows of every ``Embedding`` layer that reads ``net``'s label input (its second input) directly."""
    label = net.inputs[1]
    return [layer.input_dim for layer in net.layers if isinstance(layer, layers.Embedding) and layer.input is label]


# ------------------------------------------------------------------- the loss


@dataclass(frozen=True)
class LossView:
    """A loss as diagnose reads it: the course's ``GANLoss`` (a Keras binary cross-entropy is wrapped in one),
    what D must hand it (``takes``: ``"logits"``, ``"probabilities"`` or ``"scores"``) and whether it is Keras'
    own ``BinaryCrossentropy``, which finds the logit behind a Keras sigmoid by itself (``keras_bce``).
    """

    loss: GANLoss
    takes: str
    keras_bce: bool = False

    @property
    def name(self) -> str:
        return self.loss.name


def keras_bce_view(from_logits: bool, name: str) -> LossView:
    """Keras' binary cross-entropy (on logits or on probabilities) as a LossView."""
    bce = keras.losses.BinaryCrossentropy(from_logits=from_logits)

    def d_loss(real, fake):
        return bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake)

    def g_loss(fake):
        return bce(tf.ones_like(fake), fake)

    loss = GANLoss(name, d_loss, g_loss, output="probability")
    return LossView(loss, "logits" if from_logits else "probabilities", keras_bce=True)


def loss_view(loss) -> LossView:
    """``loss`` (a ``GANLoss``, its name, ``"binary_crossentropy"`` or a Keras ``BinaryCrossentropy``) as a LossView.

    A ``GANLoss`` says itself what D's output is (``GANLoss.output``): a logit of a probability, or a score.
    """
    if isinstance(loss, keras.losses.BinaryCrossentropy):
        from_logits = bool(loss.get_config().get("from_logits", False))
        return keras_bce_view(from_logits, f"BinaryCrossentropy(from_logits={from_logits})")
    if isinstance(loss, str) and loss.strip().lower() in ("binary_crossentropy", "bce"):
        return keras_bce_view(False, "'binary_crossentropy' (Keras: on probabilities)")
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
    return LossView(gan_loss, "logits" if gan_loss.output == "probability" else "scores")


# ------------------------------------------------------------------- arguments


def as_model(value, name: str) -> keras.Model:
    if not isinstance(value, keras.Model):
        raise ValueError(f"{name} must be a keras.Model, got {type(value).__name__}: build it with keras.Sequential")
    if not getattr(value, "inputs", None) or not getattr(value, "outputs", None):
        raise ValueError(
            f"{name} {value.name!r} is not built (it has no inputs yet): start it with keras.Input(shape) "
            "so its shapes are known before training"
        )
    return value


def as_optimizer(value, name: str):
    if value is not None and not isinstance(value, keras.optimizers.Optimizer):
        raise ValueError(
            f"{name} must be a Keras optimizer such as keras.optimizers.Adam(2e-4, beta_1=0.5), or None; got {value!r}"
        )
    return value


def as_data(data, labels):
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


def fmt(value: float) -> str:
    """A number with three significant digits."""
    return f"{value:.3g}"


def sigmoid(value: float) -> float:
    """The logistic function of a float (1 at +inf)."""
    return 1.0 / (1.0 + math.exp(-value))
