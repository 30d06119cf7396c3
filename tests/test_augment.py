"""DiffAugment's door (issue 27): bad images and arguments are refused with the fix, never augmented silently.

Its behaviour on good images is tested in tests/test_transfer.py (lesson 08's package).
"""

import keras
import numpy as np
import pytest

from gan_course import augment


def _images(n=4, shape=(28, 28, 1)):
    return np.random.default_rng(0).uniform(-1, 1, (n, *shape)).astype(np.float32)


BAD_CALLS = [
    (lambda: augment.DiffAugment(seed=0)(_images()[0], training=True), "(28, 28, 1)", "images[None]"),
    (lambda: augment.DiffAugment(seed=0)(_images()[0]), "(28, 28, 1)", "images[None]"),
    (lambda: augment.DiffAugment(seed=0)(_images()[..., 0], training=True), "(batch, height, width", "(4, 28, 28)"),
    (lambda: augment.DiffAugment(seed=0)(np.zeros((2, 4, 4, 1), np.uint8), training=True), "uint8", "scale_images"),
    (lambda: augment.DiffAugment(policy=3), "policy must be a string", "3"),
    (lambda: augment.DiffAugment(policy=["color", 1]), "policy must be", "list of names"),
    (lambda: augment.DiffAugment(policy="colour"), "unknown 'colour'", "translation"),
    (lambda: augment.DiffAugment(translation=0), "translation must be a fraction", "(0, 0.5]"),
    (lambda: augment.DiffAugment(translation=float("nan")), "translation must be a fraction", "nan"),
    (lambda: augment.DiffAugment(translation="0.1"), "translation", "(0, 0.5]"),
    (lambda: augment.DiffAugment(cutout=1.5), "cutout must be a fraction", "(0, 1.0]"),
    (lambda: augment.DiffAugment(cutout=True), "cutout must be", "True"),
    (lambda: augment.DiffAugment(seed=1.5), "seed must be", "1.5"),
    (lambda: augment.DiffAugment(seed=-1), "seed must be a non-negative integer", "-1"),
    (lambda: augment.DiffAugment(seed="0"), "seed", "not a string"),
    (lambda: augment.with_diff_augment("discriminator"), "discriminator must be a keras.Model", "str"),
    (lambda: augment.with_diff_augment(keras.layers.Dense(1)), "discriminator must be a keras.Model", "Dense"),
    (lambda: augment.with_diff_augment(keras.Sequential([keras.layers.Dense(1)])), "no inputs yet", "keras.Input"),
]


@pytest.mark.parametrize("call, what, fix", BAD_CALLS)
def test_bad_input_is_refused_with_the_fix(call, what, fix):
    with pytest.raises(ValueError) as info:
        call()
    assert what in str(info.value) and fix in str(info.value), str(info.value)


def test_numpy_scalars_are_welcome_and_the_config_round_trips():
    layer = augment.DiffAugment(
        ["cutout", "color"], translation=np.float32(0.25), cutout=np.float64(0.5), seed=np.int64(2)
    )
    assert layer.seed == 2 and isinstance(layer.seed, int) and layer.translation == 0.25
    again = augment.DiffAugment.from_config(layer.get_config())
    assert (again.policy, again.translation, again.cutout, again.seed) == (("color", "cutout"), 0.25, 0.5, 2)
    assert np.asarray(layer(_images(), training=True)).shape == (4, 28, 28, 1)
