"""Generator and discriminator builders, and the layers they use. Discriminators output one logit per input.

Every builder takes its arguments in one order: a generator's noise size ``z_dim``, then the sample shape
(``image_shape``, ``out_dim`` or ``in_dim``), then the network's size (``hidden`` or ``width``); every option
after that (``spectral_norm``, ``n_classes`` of a toy model, ``pack``, the remedies) is keyword-only.
``conditional`` follows the same order with ``n_classes`` just before the sample shape.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course._checks import flag, integer, number
from gan_course._checks import model as _model
from gan_course._checks import shape as _shape
from gan_course._checks import units as _units

#: The dtype of every course discriminator's last layer: its logit stays float32 under a
#: mixed-precision policy (Keras' advice for a model's output; lesson 10). Under the default
#: float32 policy it changes nothing.
LOGIT_DTYPE = "float32"


def _check_z_dim(z_dim) -> int:
    return integer(z_dim, "z_dim", 1)


def _check_shape(shape, what: str, rank: int | None = None) -> tuple:
    return _shape(shape, what, rank)


def mlp_generator(z_dim: int = 100, image_shape=(28, 28, 1), hidden: int = 128) -> keras.Model:
    """The seed's MLP generator: Dense(hidden) -> LeakyReLU(0.01) -> Dense(H*W*C, tanh) -> reshape.

    Maps z of shape (batch, z_dim) to images (batch, *image_shape) in [-1, 1].
    Introduced in lesson 02.
    """
    z_dim = _check_z_dim(z_dim)
    image_shape = _check_shape(image_shape, "image_shape")
    hidden = integer(hidden, "hidden", 1)
    return keras.Sequential(
        [
            keras.Input((z_dim,)),
            layers.Dense(hidden),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(math.prod(image_shape), activation="tanh"),
            layers.Reshape(image_shape),
        ],
        name="mlp_generator",
    )


def mlp_discriminator(image_shape=(28, 28, 1), hidden: int = 128) -> keras.Model:
    """The seed's MLP discriminator: Flatten -> Dense(hidden) -> LeakyReLU(0.01) -> Dense(1) logit.

    The seed ends with a sigmoid; here the sigmoid lives in the loss (numerically
    stable), so the output is the logit l with D(x) = sigmoid(l). Introduced in lesson 02.
    """
    image_shape = _check_shape(image_shape, "image_shape")
    hidden = integer(hidden, "hidden", 1)
    return keras.Sequential(
        [
            keras.Input(image_shape),
            layers.Flatten(),
            layers.Dense(hidden),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(1, dtype=LOGIT_DTYPE),
        ],
        name="mlp_discriminator",
    )


def toy_generator(z_dim: int = 1, out_dim: int = 1, hidden=(32, 32), *, n_classes: int | None = None) -> keras.Model:
    """A small MLP generator for 1-D or 2-D toy data: z (batch, z_dim) -> x (batch, out_dim).

    Linear output, since toy data is not bounded. With ``n_classes``, a conditional generator:
    ``[z, y]`` with y (batch, 1) class indices, one-hot encoded and concatenated to z.
    Introduced in lesson 01.
    """
    z_dim = _check_z_dim(z_dim)
    out_dim = integer(out_dim, "out_dim", 1)
    hidden = _units(hidden, "hidden")
    if n_classes is not None:
        n_classes = _n_classes(n_classes)
    if n_classes is None:
        stack = [keras.Input((z_dim,))]
        stack += [layers.Dense(h, activation="relu") for h in hidden]
        stack.append(layers.Dense(out_dim))
        return keras.Sequential(stack, name="toy_generator")
    z, y = keras.Input((z_dim,)), keras.Input((1,), dtype="int32")
    h = layers.Concatenate()([z, _one_hot(y, n_classes)])
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model([z, y], layers.Dense(out_dim)(h), name="conditional_toy_generator")


def _n_classes(n_classes) -> int:
    if isinstance(n_classes, (bool, np.bool_)) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2 (the number of labels), got {n_classes!r}")
    return int(n_classes)


def _one_hot(y, n_classes):
    n_classes = _n_classes(n_classes)
    return layers.CategoryEncoding(num_tokens=int(n_classes), output_mode="one_hot")(y)


def toy_discriminator(
    in_dim: int = 1,
    hidden=(32, 32),
    *,
    minibatch_std: bool = False,
    instance_noise: float = 0.0,
    n_classes: int | None = None,
) -> keras.Model:
    """A small MLP discriminator for toy data: x (batch, in_dim) -> one logit. Introduced in lesson 01.

    Lesson 04 adds remedies against mode collapse: ``instance_noise`` > 0 adds Gaussian noise of that
    std to every input during training (Keras' ``GaussianNoise`` layer: real and fake samples are both
    blurred, so the two distributions overlap and D's gradients stay informative); ``minibatch_std``
    appends the batch's feature spread (``MinibatchStdDev``). With ``n_classes``, a conditional
    discriminator: ``[x, y]``, the one-hot label concatenated after the remedies.
    """
    minibatch_std = flag(minibatch_std, "minibatch_std")
    instance_noise = number(instance_noise, "instance_noise", minimum=0.0)
    hidden = _units(hidden, "hidden")
    if n_classes is not None:
        n_classes = _n_classes(n_classes)
    stack = [keras.Input((integer(in_dim, "in_dim", 1),))]
    if instance_noise > 0:
        stack.append(layers.GaussianNoise(instance_noise))
    if minibatch_std:
        stack.append(MinibatchStdDev())
    if n_classes is None:
        stack += [layers.Dense(units, activation="relu") for units in hidden]
        stack.append(layers.Dense(1))
        return keras.Sequential(stack, name="toy_discriminator")
    x = h = stack[0]
    for layer in stack[1:]:
        h = layer(h)
    y = keras.Input((1,), dtype="int32")
    h = layers.Concatenate()([h, _one_hot(y, n_classes)])
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model([x, y], layers.Dense(1)(h), name="conditional_toy_discriminator")


def _dcgan_start(image_shape) -> tuple[int, int, int]:
    h, w, c = _check_shape(image_shape, "image_shape", rank=3)
    if h % 4 or w % 4:
        raise ValueError(
            f"image_shape must have height and width divisible by 4 for DCGAN builders (28 or 32), got {image_shape}"
        )
    return h // 4, w // 4, c


def _width(width) -> int:
    width = integer(width, "width", 1)
    if width < 2:
        raise ValueError(f"width must be an integer >= 2 (the first block has width // 2 channels), got {width}")
    return width


def dcgan_seed_generator(z_dim: int = 100, image_shape=(28, 28, 1)) -> keras.Model:
    """The seed's DCGAN generator (the TensorFlow tutorial's), for (H, W, C) with H, W divisible by 4.

    Dense(H/4·W/4·256) -> BN -> LeakyReLU -> reshape -> Conv2DTranspose 128 5×5 s1 -> BN ->
    LeakyReLU -> 64 5×5 s2 -> BN -> LeakyReLU -> C 5×5 s2, tanh. Introduced in lesson 03.
    """
    z_dim = _check_z_dim(z_dim)
    h, w, c = _dcgan_start(image_shape)
    return keras.Sequential(
        [
            keras.Input((z_dim,)),
            layers.Dense(h * w * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((h, w, 256)),
            layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(c, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
        ],
        name="dcgan_seed_generator",
    )


def dcgan_seed_discriminator(image_shape=(28, 28, 1)) -> keras.Model:
    """The seed's DCGAN discriminator: Conv2D 64 5×5 s2 -> LeakyReLU -> Dropout 0.3 -> Conv2D 128
    5×5 s2 -> LeakyReLU -> Dropout 0.3 -> Flatten -> Dense(1) logit. Introduced in lesson 03."""
    _dcgan_start(image_shape)
    return keras.Sequential(
        [
            keras.Input(tuple(image_shape)),
            layers.Conv2D(64, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Conv2D(128, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(1, dtype=LOGIT_DTYPE),
        ],
        name="dcgan_seed_discriminator",
    )


def dcgan_lean_generator(z_dim: int = 100, image_shape=(28, 28, 1), width: int = 64) -> keras.Model:
    """A DCGAN generator sized for CPUs: about 1/25 of the seed generator's multiply-adds per image.

    Dense(H/4·W/4·width) -> BN -> LeakyReLU(0.2) -> reshape -> Conv2DTranspose width/2 4×4 s2 ->
    BN -> LeakyReLU(0.2) -> C 4×4 s2, tanh. The seed spends most of its compute in a 5×5
    stride-1 transposed convolution with 256 -> 128 channels at H/4; this one goes straight
    up with 4×4 kernels (no checkerboard: the stride divides the kernel). Introduced in lesson 03.
    """
    z_dim = _check_z_dim(z_dim)
    h, w, c = _dcgan_start(image_shape)
    width = _width(width)
    return keras.Sequential(
        [
            keras.Input((z_dim,)),
            layers.Dense(h * w * width, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((h, w, width)),
            layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(c, 4, strides=2, padding="same", activation="tanh"),
        ],
        name="dcgan_lean_generator",
    )


def dcgan_lean_discriminator(image_shape=(28, 28, 1), width: int = 64, *, spectral_norm: bool = False) -> keras.Model:
    """The lean generator's partner: Conv2D width/2 4×4 s2 -> LeakyReLU(0.2) -> Conv2D width 4×4 s2
    -> LeakyReLU(0.2) -> Flatten -> Dense(1) logit.

    With ``spectral_norm`` (lesson 06) every Conv2D and Dense is wrapped in Keras' own
    ``layers.SpectralNormalization`` (Miyato et al. 2018): each weight is divided by its largest
    singular value, estimated by one power iteration per training call. A Dense layer then stretches
    its input by at most about 1; a Conv2D's kernel is normalised as a matrix (kh·kw·c_in, c_out),
    which bounds each patch's map but not the whole convolution, whose overlapping patches can stretch
    an image by more (lesson 06 measures it). Introduced in lesson 03.
    """
    _dcgan_start(image_shape)
    width = _width(width)
    spectral_norm = flag(spectral_norm, "spectral_norm")

    def sn(layer):  # the wrapper computes in its layer's dtype (it casts the output to its input's dtype)
        return layers.SpectralNormalization(layer, dtype=layer.dtype_policy) if spectral_norm else layer

    return keras.Sequential(
        [
            keras.Input(tuple(image_shape)),
            sn(layers.Conv2D(width // 2, 4, strides=2, padding="same")),
            layers.LeakyReLU(negative_slope=0.2),
            sn(layers.Conv2D(width, 4, strides=2, padding="same")),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Flatten(),
            sn(layers.Dense(1, dtype=LOGIT_DTYPE)),
        ],
        name="dcgan_lean_discriminator_sn" if spectral_norm else "dcgan_lean_discriminator",
    )


def _network(model, name: str) -> keras.Model:
    """``model`` if it is a Keras model, else a TypeError naming ``name`` (a bare layer has no ``layers``)."""
    if not isinstance(_model(model, name), keras.Model):
        raise TypeError(
            f"{name} must be a Keras model, got the layer {type(model).__name__}: "
            "wrap it, e.g. keras.Sequential([keras.Input(shape), layer])"
        )
    return model


def _layer_macs(layer) -> int:
    """Forward multiply-adds of one Dense, Conv2D or Conv2DTranspose layer for one input (else 0).

    Dense: inputs × units. Conv2D: output pixels × k_h × k_w × C_in × C_out.
    Conv2DTranspose: input pixels × k_h × k_w × C_in × C_out (each input pixel is spread
    over a k_h × k_w patch of every output channel). Introduced in lesson 03.
    """
    outer = layer  # a SpectralNormalization wrapper is called in the graph, the layer it wraps is not
    if isinstance(layer, layers.SpectralNormalization):
        layer = layer.layer
    if isinstance(layer, layers.Dense):
        return int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
    if isinstance(layer, layers.Conv2DTranspose):  # before Conv2D: it may be a subclass
        _, h, w, c_in = outer.input.shape
    elif isinstance(layer, layers.Conv2D):
        _, h, w, _ = outer.output.shape
        c_in = outer.input.shape[-1]
    else:
        return 0
    kh, kw = layer.kernel_size
    return int(h * w * kh * kw * c_in * layer.filters)


def forward_macs(model) -> int:
    """Multiply-adds of one forward pass for one input, summed over the model's layers
    (Dense and convolutions; the rest is negligible). Introduced in lesson 03."""
    _network(model, "model")
    return sum(_layer_macs(layer) for layer in model.layers)


#: One training step of ``training.gan_step`` costs about this many forward passes of G and of D per image:
#: G makes a fake for D's update (1) and fresh fakes for its own, forward and backward (3); D scores a real and a
#: fake image, each forward and backward (2 × 3), then the fakes again for G's update, forward and backward to its
#: input only (2). A backward pass costs about two forward passes: one product for the gradient with respect to
#: the layer's input, one for its weights.
STEP_PASSES = {"generator": 4, "discriminator": 8}


def step_macs(generator, discriminator) -> int:
    """Multiply-adds of one unconditional training step per image: ``STEP_PASSES`` forward passes of each network.

    A model of cost, not a measurement: lesson 10 checks it against measured images per second.
    Introduced in lesson 10.
    """
    from gan_course.training import check_gan_pair

    check_gan_pair(_network(generator, "generator"), _network(discriminator, "discriminator"))
    return STEP_PASSES["generator"] * forward_macs(generator) + STEP_PASSES["discriminator"] * forward_macs(
        discriminator
    )


def describe(model) -> str:
    """A table of the model's layers: type, output shape, parameters, forward multiply-adds.

    Shorter than ``model.summary()`` and stable across Keras versions. Introduced in lesson 03.
    """
    _network(model, "model")
    rows = [f"{'layer':<22}{'output shape':<20}{'params':>10}{'MACs':>14}"]
    for layer in model.layers:
        shape = str(tuple(layer.output.shape[1:]))
        rows.append(f"{type(layer).__name__:<22}{shape:<20}{layer.count_params():>10,}{_layer_macs(layer):>14,}")
    rows.append(f"{'total':<42}{model.count_params():>10,}{forward_macs(model):>14,}")
    return "\n".join(rows)


class MinibatchStdDev(layers.Layer):
    """Append one feature: the standard deviation of each input feature across the batch,
    averaged over features (Karras et al. 2018). A collapsed generator makes this small,
    which the discriminator can see. For flat inputs (batch, d) -> (batch, d + 1).
    Introduced in lesson 04.
    """

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"MinibatchStdDev needs a batch of feature vectors (batch, d), got shape {tuple(input_shape)}: "
                "use x[None] for one sample"
            )

    def call(self, x):
        from keras import ops

        std = ops.sqrt(ops.var(x, axis=0) + 1e-8)
        feature = ops.broadcast_to(ops.mean(std), (ops.shape(x)[0], 1))
        return ops.concatenate([x, ops.cast(feature, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


class Pack(layers.Layer):
    """PacGAN's packing: (n, d) -> (n / m, m·d), m consecutive samples side by side.

    The discriminator then gives one logit per pack of ``m`` samples, all real or all fake,
    so a generator that puts its samples on few modes makes packs that look unlike real ones.
    ``n`` must be divisible by ``m``. Lin et al. 2018. Introduced in lesson 04.
    """

    def __init__(self, m: int, **kwargs):
        super().__init__(**kwargs)
        self.m = integer(m, "m (the pack size)", 1)

    def call(self, x):
        from keras import ops

        tf.debugging.assert_equal(
            tf.shape(x)[0] % self.m,
            0,
            message=f"PacGAN: the batch size must be a multiple of the pack size {self.m}",
        )
        return ops.reshape(x, (-1, self.m * x.shape[-1]))

    def compute_output_shape(self, input_shape):
        return (None, self.m * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "m": self.m}


def pac_discriminator(in_dim: int = 2, hidden=(128, 128), *, pack: int = 4) -> keras.Model:
    """A toy discriminator that judges packs: x (n, in_dim) -> logits (n / pack, 1). Introduced in lesson 04."""
    in_dim, hidden = integer(in_dim, "in_dim", 1), _units(hidden, "hidden")
    stack = [keras.Input((in_dim,)), Pack(integer(pack, "pack", 1))]
    stack += [layers.Dense(h, activation="relu") for h in hidden]
    stack.append(layers.Dense(1))
    return keras.Sequential(stack, name="pac_discriminator")


#: The two DCGANs of lesson 03, by name: (generator builder, discriminator builder).
DCGANS = {
    "seed": (dcgan_seed_generator, dcgan_seed_discriminator),
    "lean": (dcgan_lean_generator, dcgan_lean_discriminator),
}
