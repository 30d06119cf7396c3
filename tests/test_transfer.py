"""Lesson 08's package: DiffAugment, FreezeD, D's overfitting signals, the pretrained GAN, your own image folder."""

import json
import re

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import gan_course
from gan_course import augment, data, models, transfer
from gan_course.gan import build_gan

SHAPE, Z_DIM, WIDTH = (16, 16, 1), 8, 8


def _images(n=32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *SHAPE)).astype(np.float32)


def _pair(seed=0):
    gan_course.setup(seed, verbose=False)
    return models.dcgan_lean_generator(Z_DIM, SHAPE, WIDTH), models.dcgan_lean_discriminator(SHAPE, WIDTH)


# ------------------------------------------------------------------- DiffAugment


def test_diff_augment_is_the_identity_unless_training():
    x = _images(4)
    layer = augment.DiffAugment(seed=1)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    assert not np.allclose(np.asarray(layer(x, training=True)), x)


@pytest.mark.parametrize("policy", ["color", "translation", "cutout"])
def test_every_policy_passes_gradients_to_the_images_and_draws_per_image(policy):
    x = tf.Variable(_images(6))
    layer = augment.DiffAugment(policy, seed=3)
    with tf.GradientTape() as tape:
        y = layer(x, training=True)
        total = tf.reduce_sum(y * np.random.default_rng(1).normal(size=y.shape).astype(np.float32))
    grad = tape.gradient(total, x)
    assert grad is not None and np.all(np.isfinite(grad)) and np.abs(grad).sum() > 0
    change = (np.asarray(y) - x.numpy()).reshape(6, -1)
    assert len({tuple(np.round(row, 5)) for row in change}) > 1  # not one transform for the whole batch


def test_cutout_zeroes_a_square_of_half_the_side():
    x = np.ones((64, 16, 16, 1), np.float32)
    y = np.asarray(augment.DiffAugment("cutout", cutout=0.5, seed=0)(x, training=True))
    zeros = (y == 0).reshape(64, -1).sum(1)
    assert zeros.max() == 8 * 8  # a square fully inside the image: 8 x 8 pixels
    assert zeros.min() >= 4 * 4  # at worst a corner of it (centre on the image's edge)
    assert set(np.unique(y)) <= {0.0, 1.0}


def test_translation_shifts_by_at_most_an_eighth_and_fills_with_zero():
    x = np.zeros((32, 16, 16, 1), np.float32)
    x[:, 7:9, 7:9] = 1.0  # a 2 x 2 dot in the middle
    y = np.asarray(augment.DiffAugment("translation", seed=0)(x, training=True))
    for image in y:
        rows, cols = np.nonzero(image[..., 0] > 0.5)
        assert len(rows) == 4 and abs(rows.min() - 7) <= 2 and abs(cols.min() - 7) <= 2
    assert np.isclose(y.sum(), x.sum())


def test_color_changes_brightness_and_contrast_per_image_but_keeps_gray_images_gray():
    x = np.random.default_rng(0).uniform(-0.5, 0.5, (16, 8, 8, 3)).astype(np.float32)
    x[..., 1] = x[..., 2] = x[..., 0]  # gray RGB
    y = np.asarray(augment.DiffAugment("color", seed=0)(x, training=True))
    np.testing.assert_allclose(y[..., 0], y[..., 1], atol=1e-6)  # saturation around a gray pixel's mean: no change
    shifts = y.mean(axis=(1, 2, 3)) - x.mean(axis=(1, 2, 3))
    assert np.all(np.abs(shifts) <= 0.5 + 1e-5) and shifts.std() > 0.05


def test_bad_policies_are_named():
    with pytest.raises(ValueError, match="unknown 'flip'.*color, translation, cutout"):
        augment.DiffAugment("color,flip")
    with pytest.raises(ValueError, match="twice"):
        augment.DiffAugment("color,color")
    with pytest.raises(ValueError, match="empty"):
        augment.DiffAugment("")
    with pytest.raises(ValueError, match=r"translation must be a fraction.*\(0, 0.5\]"):
        augment.DiffAugment(translation=0.9)
    assert augment.DiffAugment("cutout, color").policy == ("color", "cutout")  # the paper's order


def test_with_diff_augment_shares_ds_weights_and_sees_images_as_they_are_outside_training():
    _, d = _pair()
    wrapped = augment.with_diff_augment(d, seed=0)
    assert {id(v) for v in d.trainable_variables} <= {id(v) for v in wrapped.trainable_variables}
    x = _images(8)
    np.testing.assert_allclose(np.asarray(wrapped(x, training=False)), np.asarray(d(x, training=False)), atol=1e-6)
    assert not np.allclose(np.asarray(wrapped(x, training=True)), np.asarray(d(x, training=True)))


@pytest.mark.slow
def test_a_gan_trains_with_an_augmented_d_and_updates_the_original_ds_weights():
    g, d = _pair()
    before = [w.copy() for w in d.get_weights()]
    gan = build_gan(g, augment.with_diff_augment(d, seed=0))
    history = gan.fit(_images(64), batch_size=16, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert any(not np.array_equal(a, b) for a, b in zip(before, d.get_weights()))


def test_with_diff_augment_keeps_a_conditional_ds_label_input():
    from gan_course import conditional

    gan_course.setup(0, verbose=False)
    d = conditional.conditional_lean_discriminator(3, SHAPE, WIDTH)
    wrapped = augment.with_diff_augment(d)
    y = np.array([[0], [1], [2], [0]], np.int32)
    np.testing.assert_allclose(
        np.asarray(wrapped([_images(4), y], training=False)), np.asarray(d([_images(4), y])), atol=1e-6
    )
    with pytest.raises(ValueError, match="works on images"):
        augment.with_diff_augment(_toy_d())


def _toy_d():
    import keras

    x = keras.Input((2,))
    return keras.Model(x, keras.layers.Dense(1)(x))


# ------------------------------------------------------------------- FreezeD


def test_freeze_lower_blocks_keeps_the_first_convolutions_as_they_were():
    g, d = _pair()
    frozen = transfer.freeze_lower_blocks(d, 1)
    convs = [layer for layer in d.layers if isinstance(layer, tf.keras.layers.Conv2D)]
    assert frozen == [convs[0].name]
    first = [w.copy() for w in convs[0].get_weights()]
    second = [w.copy() for w in convs[1].get_weights()]
    build_gan(g, d).fit(_images(64), batch_size=16, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(first, convs[0].get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(second, convs[1].get_weights()))


def test_freeze_lower_blocks_counts_and_refuses_too_many():
    _, d = _pair()
    n_conv = sum(isinstance(layer, tf.keras.layers.Conv2D) for layer in d.layers)
    assert transfer.freeze_lower_blocks(d, 0) == []
    with pytest.raises(ValueError, match=f"only {n_conv} convolution"):
        transfer.freeze_lower_blocks(d, n_conv + 1)
    with pytest.raises(ValueError, match="k must be a non-negative integer"):
        transfer.freeze_lower_blocks(d, -1)
    assert transfer.freeze_lower_blocks(d, np.int64(1)) == transfer.freeze_lower_blocks(d, 1)


@pytest.mark.parametrize(
    ("k", "says"),
    [
        (-1, "k must be a non-negative integer, got -1"),
        (99, "k = 99 but this discriminator has only"),
        (1.0, "k must be a non-negative integer, got 1.0 (float): pass int(k) = 1"),
        (1.5, "k must be a non-negative integer, got 1.5"),
        (True, "k must be a non-negative integer, got True: True/False is not a number here"),
        ("1", "pass a number, not a string"),
        (None, "k must be a non-negative integer, got None"),
    ],
)
def test_freeze_lower_blocks_checks_k_at_the_door(k, says):
    _, d = _pair()
    with pytest.raises(ValueError, match=re.escape(says)):
        transfer.freeze_lower_blocks(d, k)
    assert all(layer.trainable for layer in d.layers)  # a refused call changes nothing


def test_freeze_lower_blocks_wants_a_model():
    with pytest.raises(ValueError, match="discriminator must be a Keras model .* got list"):
        transfer.freeze_lower_blocks([], 1)


# ------------------------------------------------------------------- overfitting signals


@pytest.mark.slow
def test_discriminator_overfitting_logs_known_answers():
    g, d = _pair()
    gan = build_gan(g, d)
    train, heldout = _images(40, seed=1), _images(40, seed=2)
    monitor = transfer.DiscriminatorOverfitting(train, heldout, n_samples=40)
    history = gan.fit(train, batch_size=8, epochs=2, verbose=0, callbacks=[monitor])
    assert [h["epoch"] for h in monitor.history] == [1, 2]
    for key in ("d_rt", "d_train", "d_heldout", "d_gap"):
        assert len(history.history[key]) == 2
    logits_train = np.asarray(d(train, training=False)).reshape(-1)
    logits_heldout = np.asarray(d(heldout, training=False)).reshape(-1)
    last = monitor.history[-1]
    assert np.isclose(last["d_rt"], np.mean(np.sign(logits_train)))
    assert np.isclose(last["d_train"], np.mean(1 / (1 + np.exp(-logits_train))), atol=1e-6)
    assert np.isclose(last["d_gap"], last["d_train"] - np.mean(1 / (1 + np.exp(-logits_heldout))), atol=1e-6)


def test_discriminator_overfitting_takes_the_first_n_samples_also_as_n():
    train, heldout = _images(8, seed=1), _images(8, seed=2)
    for monitor in (
        transfer.DiscriminatorOverfitting(train, heldout, n_samples=3),
        transfer.DiscriminatorOverfitting(train, heldout, n=3),  # lesson 08's name
    ):
        np.testing.assert_array_equal(monitor.train_images, train[:3])
        np.testing.assert_array_equal(monitor.heldout_images, heldout[:3])
    with pytest.raises(ValueError, match="give n_samples or n"):
        transfer.DiscriminatorOverfitting(train, heldout, n_samples=3, n=4)


def test_discriminator_overfitting_refuses_bad_images():
    with pytest.raises(ValueError, match="same image shape"):
        transfer.DiscriminatorOverfitting(_images(4), np.zeros((4, 8, 8, 1), np.float32))
    g, d = _pair()
    monitor = transfer.DiscriminatorOverfitting(np.zeros((4, 8, 8, 1), np.float32), np.zeros((4, 8, 8, 1), np.float32))
    with pytest.raises(ValueError, match="D takes"):
        build_gan(g, d).fit(_images(16), batch_size=8, epochs=1, verbose=0, callbacks=[monitor])


def test_class_subset_keeps_order_and_refuses_absent_classes():
    images = np.arange(6)[:, None, None, None].astype(np.float32)
    labels = np.array([0, 5, 9, 5, 1, 9])
    np.testing.assert_array_equal(transfer.class_subset(images, labels, (5, 9))[:, 0, 0, 0], [1, 2, 3, 5])
    with pytest.raises(ValueError, match="labels present are"):
        transfer.class_subset(images, labels, (3,))
    assert set(transfer._PRETRAIN_CLASSES) | set(transfer.HELD_OUT) == set(range(10))
    kept = transfer.class_subset(images, labels.astype(np.uint8), [np.int64(5)])  # NumPy integers welcome
    np.testing.assert_array_equal(kept[:, 0, 0, 0], [1, 3])


_IMAGES, _LABELS = np.zeros((6, 2, 2, 1), np.float32), np.array([0, 5, 9, 5, 1, 9])


@pytest.mark.parametrize(
    ("args", "error", "says"),
    [
        ((_IMAGES, _LABELS[:4], (5,)), ValueError, "got 6 images but 4 labels: give one label per image"),
        ((_IMAGES, _LABELS, ()), ValueError, "classes is empty: give at least one class index"),
        ((_IMAGES, _LABELS, (5, 5)), ValueError, "names [5] more than once"),
        ((_IMAGES, _LABELS, (-1,)), ValueError, "each of classes must be a non-negative integer, got -1"),
        ((_IMAGES, _LABELS, (True,)), ValueError, "each of classes must be a non-negative integer, got True"),
        ((_IMAGES, _LABELS, (5.5,)), ValueError, "each of classes must be a non-negative integer, got 5.5"),
        ((_IMAGES, _LABELS, 5), ValueError, "classes must be a list of class indices such as (5, 9), got 5"),
        ((_IMAGES, _LABELS, "59"), ValueError, "classes must be a list of class indices"),
        ((_IMAGES, _LABELS, (12,)), ValueError, "no image has a label in (12,): the labels present are [0, 1, 5, 9]"),
        ((_IMAGES, np.eye(10)[_LABELS], (5,)), ValueError, "one-hot labels? pass labels.argmax(1)"),
        ((_IMAGES, _LABELS.astype(float), (5,)), ValueError, "labels must be class indices, one integer per image"),
        ((_IMAGES, _LABELS > 4, (1,)), ValueError, "got True/False values"),
        ((_IMAGES[:0], _LABELS[:0], (5,)), ValueError, "images must be a non-empty batch"),
        ((data.ImageData(_IMAGES, _LABELS, "x", "train", "test", "-"), _LABELS, (5,)), TypeError, "pass its .images"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_class_subset_checks_its_arguments_at_the_door(args, error, says):
    with pytest.raises(error, match=re.escape(says)):
        transfer.class_subset(*args)


# ------------------------------------------------------------------- your own images


def _write(folder, name, array, mode="L"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array.astype(np.uint8), mode).save(path)
    return path


def test_load_image_folder_reads_scales_and_resizes(tmp_path):
    _write(tmp_path, "black.png", np.zeros((20, 20)))
    _write(tmp_path, "sub/white.png", np.full((20, 20), 255))
    images = data.load_image_folder(tmp_path, verbose=False)
    assert images.shape == (2, 20, 20, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images[0], -1.0)  # sorted: black.png, then sub/white.png
    np.testing.assert_array_equal(images[1], 1.0)
    small = data.load_image_folder(tmp_path, image_size=(8, 8), verbose=False)
    assert small.shape == (2, 8, 8, 1)
    rgb = data.load_image_folder(tmp_path, color_mode="rgb", verbose=False)
    assert rgb.shape == (2, 20, 20, 3)


def test_load_image_folder_names_each_problem(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        data.load_image_folder(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"no image files .* \(it is empty\)"):
        data.load_image_folder(empty)
    (empty / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"it holds 1 other file"):
        data.load_image_folder(empty)
    mixed = tmp_path / "mixed"
    _write(mixed, "a.png", np.zeros((20, 20)))
    _write(mixed, "b.png", np.zeros((28, 30)))
    with pytest.raises(ValueError, match=r"2 different sizes .*pass image_size=\(H, W\)"):
        data.load_image_folder(mixed)
    assert data.load_image_folder(mixed, image_size=(28, 28), verbose=False).shape == (2, 28, 28, 1)
    broken = tmp_path / "broken"
    _write(broken, "good.png", np.zeros((8, 8)))
    (broken / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(data.CorruptDataError, match=r"1 of 2 image file\(s\).*bad.png"):
        data.load_image_folder(broken)
    with pytest.raises(ValueError, match="image_size must be"):
        data.load_image_folder(mixed, image_size=28)
    with pytest.raises(ValueError, match="color_mode"):
        data.load_image_folder(mixed, color_mode="cmyk")


# ------------------------------------------------------------------- the shipped weights


def test_the_shipped_pretrained_gan_loads_and_says_how_it_was_made():
    generator, discriminator, info = transfer.load_pretrained()
    assert info["classes"] == list(transfer._PRETRAIN_CLASSES) and info["held_out"] == list(transfer.HELD_OUT)
    assert info["steps"] >= 1000 and 0 < info["fid"] < 100
    z = np.random.default_rng(0).normal(size=(4, 100)).astype(np.float32)
    out = np.asarray(generator(z, training=False))
    assert out.shape == (4, 28, 28, 1) and np.all(np.abs(out) <= 1)
    assert out.std() > 0.1  # trained, not a constant image
    other, _, _ = transfer.load_pretrained()
    assert other is not generator  # each call builds new networks
    np.testing.assert_array_equal(np.asarray(other(z, training=False)), out)
    assert json.loads((transfer._WEIGHTS / "fashion_mnist_8class_dcgan.json").read_text()) == info
