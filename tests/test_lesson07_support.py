"""Proposed tests for the package changes lesson 07 needs (proposed/*.diff): ``benchmark.race`` with
labels and ``after_slice``, ``GAN.check_labels`` (wrong labels refused before the first step), and
``conditional.interpolate_classes``. Tiny networks (8 × 8 images, width 8, 3 classes), as in
tests/test_conditional_dcgan.py; a few seconds on a CPU."""

import numpy as np
import pytest

import gan_course
from gan_course import benchmark, conditional, models
from gan_course.gan import build_gan

N_CLASSES, Z_DIM, SHAPE, WIDTH = 3, 8, (8, 8, 1), 8


def _data(n=48):
    rng = np.random.default_rng(0)
    labels = np.arange(n) % N_CLASSES
    images = np.clip(rng.normal(labels[:, None, None, None] / 2 - 0.5, 0.2, (n, *SHAPE)), -1, 1).astype(np.float32)
    return images, labels


def _conditional_gan(seed=0, ema=None):
    gan_course.setup(seed, verbose=False)
    g = conditional.conditional_lean_generator(Z_DIM, N_CLASSES, SHAPE, WIDTH)
    d = conditional.conditional_lean_discriminator(N_CLASSES, SHAPE, WIDTH)
    return build_gan(g, d, ema=ema)


def _unconditional_gan(seed=0):
    gan_course.setup(seed, verbose=False)
    return build_gan(models.dcgan_lean_generator(Z_DIM, SHAPE, WIDTH), models.dcgan_lean_discriminator(SHAPE, WIDTH))


def _weights(gan):
    return [w.copy() for w in gan.generator.get_weights() + gan.discriminator.get_weights()]


def _unchanged(before, gan):
    return all(np.array_equal(a, b) for a, b in zip(before, _weights(gan)))


# ------------------------------------------------------------------- race with labels


@pytest.mark.slow
def test_race_trains_conditional_and_unconditional_gans_side_by_side_and_reports_each_turn():
    images, labels = _data()
    gans = {"cond": _conditional_gan(), "plain": _unconditional_gan()}
    table = gans["cond"].generator.get_layer("label_embedding").embeddings.numpy().copy()
    turns = []
    report = lambda name, gan, s: turns.append((name, gan, s))
    state = benchmark.race(gans, images, 0.3, slice_seconds=0.1, batch_size=16, labels=labels, after_slice=report)
    assert {name for name, _, _ in turns} == {"cond", "plain"}
    assert all(gan is gans[name] for name, gan, _ in turns)
    for name in gans:
        mine = [s for n, _, s in turns if n == name]
        assert [s["slices"] for s in mine] == list(range(1, len(mine) + 1))
        assert mine[-1] == state[name]  # the last report is the result
    assert not np.allclose(table, gans["cond"].generator.get_layer("label_embedding").embeddings.numpy())


@pytest.mark.slow
def test_race_takes_labels_per_model():
    images, labels = _data()
    gans = {"a": _conditional_gan(0), "b": _conditional_gan(1)}
    state = benchmark.race(gans, images, 0.1, slice_seconds=0.1, batch_size=16, labels={"a": labels, "b": labels})
    assert all(s["steps"] >= 2 for s in state.values())


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (None, "'cond' is conditional"),
        ("a dict with an entry for 'plain'", r"labels\['plain'\] was given"),
        (np.full(48, N_CLASSES), r"must lie in \[0, 3\)"),
        (np.arange(47) % N_CLASSES, "48 images but 47 labels"),
    ],
)
def test_race_refuses_wrong_labels_before_any_model_takes_a_step(labels, match):
    images, good = _data()
    if isinstance(labels, str):
        labels = {"cond": good, "plain": good}
    gans = {"cond": _conditional_gan(), "plain": _unconditional_gan()}
    before = {name: _weights(gan) for name, gan in gans.items()}
    with pytest.raises(ValueError, match=match):
        benchmark.race(gans, images, 0.1, slice_seconds=0.1, batch_size=16, labels=labels)
    assert all(_unchanged(before[name], gan) for name, gan in gans.items())


def test_race_refuses_labels_when_no_gan_takes_them_and_a_bad_after_slice():
    images, labels = _data()
    with pytest.raises(ValueError, match="none of the GANs takes labels"):
        benchmark.race({"plain": _unconditional_gan()}, images, 0.1, labels=labels)
    with pytest.raises(ValueError, match="after_slice must be a function"):
        benchmark.race({"plain": _unconditional_gan()}, images, 0.1, after_slice="print")


# ------------------------------------------------------------------- GAN.check_labels


def test_the_pair_knows_how_many_classes_its_embeddings_hold():
    assert _conditional_gan().spec.n_classes == N_CLASSES
    assert _unconditional_gan().spec.n_classes is None


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (np.where(np.arange(48) == 5, N_CLASSES, np.arange(48) % N_CLASSES), r"must lie in \[0, 3\).*got 3"),
        (np.where(np.arange(48) == 5, -1, np.arange(48) % N_CLASSES), r"got -1"),
        (np.arange(48) % N_CLASSES + 0.5, r"integer class indices \(whole numbers\), got 0\.5"),
        (np.eye(N_CLASSES)[np.arange(48) % N_CLASSES], r"argmax\(axis=1\)"),
        (np.arange(47) % N_CLASSES, "48 images but 47 labels"),
        (np.array(["shirt"] * 48), "must be numbers"),
        (None, "take labels"),
    ],
)
def test_fit_refuses_wrong_labels_before_the_first_step(labels, match):
    images, _ = _data()
    gan = _conditional_gan()
    before = _weights(gan)
    with pytest.raises(ValueError, match=match):
        gan.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    assert _unchanged(before, gan)


def test_fit_refuses_labels_for_an_unconditional_gan():
    images, labels = _data()
    with pytest.raises(ValueError, match="take none"):
        _unconditional_gan().fit(images, labels, batch_size=16, epochs=1, verbose=0)


def test_check_labels_takes_whole_floats_and_columns_and_returns_the_networks_shape_and_dtype():
    gan = _conditional_gan()
    for labels in (np.arange(6) % 3, (np.arange(6) % 3).astype(float), (np.arange(6) % 3)[:, None]):
        out = gan.check_labels(labels, 6)
        assert out.shape == (6, 1) and out.dtype == np.int32
        np.testing.assert_array_equal(out[:, 0], np.arange(6) % 3)


@pytest.mark.parametrize("make", ["grid", "fid"])
def test_callbacks_refuse_a_label_out_of_range_before_the_first_step(make):
    from gan_course import callbacks

    images, labels = _data()
    gan = _conditional_gan()
    bad = np.array([0, 1, 2, N_CLASSES])
    if make == "grid":
        callback = callbacks.SampleGrid(np.zeros((4, Z_DIM), np.float32), labels=bad, show=False)
    else:
        callback = callbacks.FIDTracker(np.zeros((8, 4), np.float32), lambda x: x, n_samples=4, labels=bad)
    before = _weights(gan)
    with pytest.raises(ValueError, match=r"(SampleGrid|FIDTracker): labels must lie in \[0, 3\)"):
        gan.fit(images, labels, batch_size=16, epochs=1, verbose=0, callbacks=[callback])
    assert _unchanged(before, gan)


# ------------------------------------------------------------------- between two classes


@pytest.mark.parametrize("ema", [None, 0.9])
def test_interpolate_classes_starts_and_ends_on_the_two_classes(ema):
    gan = _conditional_gan(ema=ema)
    z = np.random.default_rng(1).normal(size=Z_DIM).astype(np.float32)
    path = conditional.interpolate_classes(gan.sampler, z, 0, 2, steps=5)
    assert path.shape == (5, *SHAPE) and path.dtype == np.float32
    for i, k in ((0, 0), (-1, 2)):
        want = gan.sampler([z[None], np.array([[k]], np.int32)], training=False).numpy()[0]
        np.testing.assert_allclose(path[i], want, atol=1e-5)
    assert not np.allclose(path[2], path[0]) and not np.allclose(path[2], path[-1])


def test_interpolate_classes_uses_the_generators_current_weights():
    generator = _conditional_gan().generator
    z = np.random.default_rng(2).normal(size=Z_DIM).astype(np.float32)
    before = conditional.interpolate_classes(generator, z, 0, 1, steps=3)
    last = generator.layers[-1]
    last.set_weights([2.0 * w for w in last.get_weights()])  # nothing is copied: the path must see this
    after = conditional.interpolate_classes(generator, z, 0, 1, steps=3)
    assert not np.allclose(before, after)
    want = generator([z[None], np.array([[1]], np.int32)], training=False).numpy()[0]
    np.testing.assert_allclose(after[-1], want, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda g, z: conditional.interpolate_classes(g, z, 0, N_CLASSES), r"class_b must lie in \[0, 3\)"),
        (lambda g, z: conditional.interpolate_classes(g, z, -1, 1), "class_a must be an integer >= 0"),
        (lambda g, z: conditional.interpolate_classes(g, z[:3], 0, 1), "length 8"),
        (lambda g, z: conditional.interpolate_classes(g, z, 0, 1, steps=1), "steps must be an integer >= 2"),
        (
            lambda g, z: conditional.interpolate_classes(models.dcgan_lean_generator(Z_DIM, SHAPE, WIDTH), z, 0, 1),
            "takes 1 input",
        ),
    ],
)
def test_interpolate_classes_names_bad_arguments(call, match):
    gan = _conditional_gan()
    z = np.zeros(Z_DIM, np.float32)
    with pytest.raises(ValueError, match=match):
        call(gan.generator, z)
