"""DiffAugment (Zhao et al. 2020): one random, differentiable augmentation of every image D sees.

With few training images D memorises them and G degrades. Augmenting only the real images would
teach G to draw augmented images; DiffAugment instead applies the same kind of random transform to
real *and* generated images, in D's step and in G's step, and keeps it differentiable so that G's
gradient passes through it. ``with_diff_augment(discriminator)`` puts a ``DiffAugment`` layer in
front of D: every call of D in training (the course's ``training.gan_step`` calls D with
``training=True`` for real and fake images in both steps) sees augmented images, while D called with
``training=False`` (evaluation, ``transfer.DiscriminatorOverfitting``) sees them as they are.

The three policies follow the paper's reference code, for images in [-1, 1]:

- ``color``: per image, brightness + U(-0.5, 0.5); saturation × U(0, 2) around the pixel's mean over
  channels (nothing changes for grayscale); contrast × U(0.5, 1.5) around the image's mean;
- ``translation``: shift by up to 1/8 of the image size, filling with 0 (Keras' ``RandomTranslation``);
- ``cutout``: a square of half the image size, at a random place, set to 0.

Keras' own ``RandomBrightness`` and ``RandomContrast`` clip their output to a value range, which cuts
the gradient of every clipped pixel, and ``RandomErasing`` erases only a random share of the images;
DiffAugment does neither, so ``color`` and ``cutout`` are written here (a few lines each), and
``translation`` uses Keras' layer, whose gradient reaches the input (tested).

Introduced in lesson 08.

Used in lesson 08.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from gan_course._checks import integer as _integer
from gan_course._checks import number as _number

#: The policies, in the order the paper's code applies them.
_POLICIES = ("color", "translation", "cutout")


def _policy(policy) -> tuple[str, ...]:
    if isinstance(policy, str):
        parts = tuple(p.strip() for p in policy.split(",") if p.strip())
    elif isinstance(policy, (list, tuple)) and all(isinstance(p, str) for p in policy):
        parts = tuple(p.strip() for p in policy)
    else:
        raise ValueError(f"policy must be a string like 'color,translation,cutout' or a list of names, got {policy!r}")
    unknown = [p for p in parts if p not in _POLICIES]
    if unknown or not parts:
        raise ValueError(
            f"policy {policy!r}: {'unknown ' + ', '.join(map(repr, unknown)) if unknown else 'empty'}; "
            f"choose from {', '.join(_POLICIES)} (DiffAugment's default is 'color,translation,cutout')"
        )
    if len(set(parts)) != len(parts):
        raise ValueError(f"policy {policy!r} names a policy twice: name each once")
    return tuple(p for p in _POLICIES if p in parts)  # the paper's order, whatever order was given


def _fraction(value, name: str, high: float) -> float:
    try:
        number = _number(value, name)
    except ValueError:
        number = None  # the message below says what is expected
    if number is None or not 0 < number <= high:
        raise ValueError(f"{name} must be a fraction of the image size in (0, {high}], got {value!r}")
    return number


def _check_images(shape, dtype) -> None:
    """Refuse what is not a batch of float images: one image (H, W, C) would be read as H images."""
    if len(shape) != 4:
        fix = ": add the batch axis with images[None]" if len(shape) == 3 else ""
        raise ValueError(
            f"DiffAugment takes a batch of images (batch, height, width, channels), got shape {shape}{fix}"
        )
    if "float" not in keras.backend.standardize_dtype(dtype):
        raise ValueError(
            f"DiffAugment takes float images in [-1, 1], got dtype {dtype}: scale pixels with data.scale_images(x)"
        )


class DiffAugment(layers.Layer):
    """Random differentiable augmentation of images (batch, H, W, C) in [-1, 1]; the identity unless training.

    ``policy``: a comma-separated subset of ``"color,translation,cutout"`` (default all three, as the paper
    uses with little data). ``translation``: the largest shift as a fraction of the image size (paper: 1/8);
    ``cutout``: the side of the cut square as a fraction of the image size (paper: 1/2). Every image
    of a batch gets its own random draw. Introduced in lesson 08.
    """

    def __init__(self, policy="color,translation,cutout", translation=0.125, cutout=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.policy = _policy(policy)
        self.translation = _fraction(translation, "translation", 0.5)
        self.cutout = _fraction(cutout, "cutout", 1.0)
        self.seed = _integer(seed, "seed", minimum=0, allow_none=True)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.shift = layers.RandomTranslation(
            self.translation,
            self.translation,
            fill_mode="constant",
            fill_value=0.0,
            interpolation="nearest",
            seed=self.seed,
        )

    def build(self, input_shape):
        if len(input_shape) != 4:
            _check_images(tuple(input_shape), "float32")
        self.shift.build(input_shape)
        self.built = True

    def _uniform(self, batch, low, high):
        return keras.random.uniform((batch, 1, 1, 1), low, high, seed=self.seed_generator)

    def _color(self, x):
        batch = ops.shape(x)[0]
        x = x + (self._uniform(batch, 0.0, 1.0) - 0.5)
        mean = ops.mean(x, axis=-1, keepdims=True)
        x = (x - mean) * self._uniform(batch, 0.0, 2.0) + mean
        mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
        return (x - mean) * self._uniform(batch, 0.5, 1.5) + mean

    def _cutout(self, x):
        shape = ops.shape(x)
        batch, height, width = shape[0], shape[1], shape[2]
        masks = []
        for axis_size, static in ((height, x.shape[1]), (width, x.shape[2])):
            size = max(1, int(static * self.cutout + 0.5))
            # the square's first row (column): its centre is uniform on 0..size of the axis, as in the paper's code
            centre = keras.random.randint((batch, 1), 0, static + (1 - size % 2), seed=self.seed_generator)
            start = centre - size // 2
            index = ops.expand_dims(ops.arange(axis_size), 0)
            masks.append(ops.cast((index >= start) & (index < start + size), x.dtype))
        inside = masks[0][:, :, None] * masks[1][:, None, :]  # (batch, H, W): 1 inside the square
        return x * (1.0 - inside)[..., None]

    def call(self, x, training=None):
        _check_images(tuple(x.shape), x.dtype)
        if not training:
            return x
        if "color" in self.policy:
            x = self._color(x)
        if "translation" in self.policy:
            x = self.shift(x, training=True)
        if "cutout" in self.policy:
            x = self._cutout(x)
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(policy=",".join(self.policy), translation=self.translation, cutout=self.cutout, seed=self.seed)
        return config


def with_diff_augment(discriminator, policy="color,translation,cutout", seed=None) -> keras.Model:
    """``discriminator`` with a ``DiffAugment`` in front: a model x -> D(T(x)) (or [x, y] -> D([T(x), y])).

    It shares D's layers and weights (nothing is copied), so train it in D's place:
    ``build_gan(generator, with_diff_augment(discriminator))``. In training every image D sees, real
    or generated, in D's step and in G's step, is augmented; with ``training=False`` D sees the
    images as they are. Introduced in lesson 08.
    """
    if not isinstance(discriminator, keras.Model):
        raise ValueError(
            f"discriminator must be a keras.Model (such as models.dcgan_lean_discriminator()), "
            f"got {type(discriminator).__name__}"
        )
    try:
        inputs = list(discriminator.inputs or [])
    except (AttributeError, ValueError):  # a subclassed or unbuilt model has no symbolic inputs
        inputs = []
    if not inputs:
        raise ValueError(
            f"discriminator {discriminator.name!r} has no inputs yet: build it with keras.Input "
            "(functional, or Sequential starting with keras.Input(shape)) so that DiffAugment can go in front"
        )
    if len(inputs[0].shape) != 4:
        raise ValueError(
            f"DiffAugment works on images (batch, H, W, C); this discriminator takes {tuple(inputs[0].shape)}"
        )
    augment = DiffAugment(policy, seed=seed, name="diff_augment")
    new_inputs = [keras.Input(tuple(t.shape[1:]), dtype=t.dtype, name=f"{t.name}_raw") for t in inputs]
    images = augment(new_inputs[0])
    outputs = discriminator([images, *new_inputs[1:]] if len(new_inputs) > 1 else images)
    return keras.Model(new_inputs if len(new_inputs) > 1 else new_inputs[0], outputs, name=f"{discriminator.name}_da")
