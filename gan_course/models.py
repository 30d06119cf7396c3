"""Generator and discriminator builders. Discriminators output one logit per input.

Introduced in lesson 01 (1-D toy models) and lesson 02 (the seed's MLP GAN).
"""

from __future__ import annotations

import math

import keras
from keras import layers


def _check_z_dim(z_dim) -> int:
    if isinstance(z_dim, bool) or not isinstance(z_dim, int) or z_dim <= 0:
        raise ValueError(f"z_dim must be a positive integer (e.g. 100), got {z_dim!r}")
    return z_dim


def _check_shape(shape, what: str) -> tuple:
    shape = tuple(shape)
    if not shape or any(not isinstance(s, int) or s <= 0 for s in shape):
        raise ValueError(f"{what} must be a tuple of positive integers such as (28, 28, 1), got {shape!r}")
    return shape


def mlp_generator(z_dim: int = 100, image_shape=(28, 28, 1), hidden: int = 128) -> keras.Model:
    """The seed's MLP generator: Dense(hidden) -> LeakyReLU(0.01) -> Dense(H*W*C, tanh) -> reshape.

    Maps z of shape (batch, z_dim) to images (batch, *image_shape) in [-1, 1].
    Introduced in lesson 02.
    """
    z_dim = _check_z_dim(z_dim)
    image_shape = _check_shape(image_shape, "image_shape")
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
    return keras.Sequential(
        [
            keras.Input(image_shape),
            layers.Flatten(),
            layers.Dense(hidden),
            layers.LeakyReLU(negative_slope=0.01),
            layers.Dense(1),
        ],
        name="mlp_discriminator",
    )


def toy_generator(z_dim: int = 1, out_dim: int = 1, hidden=(32, 32)) -> keras.Model:
    """A small MLP generator for 1-D or 2-D toy data: z (batch, z_dim) -> x (batch, out_dim).

    Linear output, since toy data is not bounded. Introduced in lesson 01.
    """
    z_dim = _check_z_dim(z_dim)
    stack = [keras.Input((z_dim,))]
    stack += [layers.Dense(h, activation="relu") for h in hidden]
    stack.append(layers.Dense(_check_shape((out_dim,), "out_dim")[0]))
    return keras.Sequential(stack, name="toy_generator")


def toy_discriminator(in_dim: int = 1, hidden=(32, 32)) -> keras.Model:
    """A small MLP discriminator for toy data: x (batch, in_dim) -> one logit. Introduced in lesson 01."""
    stack = [keras.Input(_check_shape((in_dim,), "in_dim"))]
    stack += [layers.Dense(h, activation="relu") for h in hidden]
    stack.append(layers.Dense(1))
    return keras.Sequential(stack, name="toy_discriminator")
