"""Lesson 07's conditional DCGAN and its metrics: both discriminator modes fit the one GAN step, the
projection discriminator computes what its formula says, labels reach both networks, and class
fidelity, per-class FID and intra-class diversity give hand-computed answers, and can fail."""

import re

import keras
import numpy as np
import pytest
from keras import layers

import gan_course
from gan_course import conditional, features, training
from gan_course.gan import build_gan

N_CLASSES, Z_DIM, SHAPE, WIDTH = 3, 8, (8, 8, 1), 8


def _pair(mode, seed=0):
    gan_course.setup(seed, verbose=False)
    g = conditional.conditional_lean_generator(Z_DIM, N_CLASSES, SHAPE, WIDTH)
    d = conditional.conditional_lean_discriminator(N_CLASSES, SHAPE, WIDTH, mode=mode)
    return g, d


# ------------------------------------------------------------------- the networks


@pytest.mark.parametrize("mode", conditional.MODES)
def test_both_modes_make_a_conditional_pair_with_the_right_shapes(mode):
    g, d = _pair(mode)
    spec = training.check_gan_pair(g, d, data_shape=SHAPE)
    assert spec == training.PairSpec(Z_DIM, SHAPE, (1,), "int32", n_classes=N_CLASSES) and spec.conditional
    z = np.random.default_rng(0).normal(size=(6, Z_DIM)).astype(np.float32)
    y = np.array([[0], [1], [2], [0], [1], [2]], np.int32)
    images = np.asarray(g([z, y], training=False))
    assert images.shape == (6, *SHAPE) and np.all(np.abs(images) <= 1)
    assert np.asarray(d([images, y], training=False)).shape == (6, 1)


def test_the_generator_uses_its_label():
    g, _ = _pair("concat")
    z = np.tile(np.random.default_rng(0).normal(size=(1, Z_DIM)).astype(np.float32), (3, 1))
    images = np.asarray(g([z, np.array([[0], [1], [2]], np.int32)], training=False))
    assert np.abs(images[0] - images[1]).max() > 1e-6 and np.abs(images[1] - images[2]).max() > 1e-6


@pytest.mark.parametrize("mode", conditional.MODES)
def test_the_discriminator_uses_its_label(mode):
    _, d = _pair(mode)
    x = np.tile(np.random.default_rng(1).uniform(-1, 1, (1, *SHAPE)).astype(np.float32), (3, 1, 1, 1))
    out = np.asarray(d([x, np.array([[0], [1], [2]], np.int32)], training=False))[:, 0]
    assert len(set(np.round(out, 7))) == 3


def test_projection_discriminator_is_w_phi_plus_b_plus_embedding_phi():
    _, d = _pair("projection")
    phi_model = keras.Model(d.inputs[0], d.get_layer("features").output)
    rng = np.random.default_rng(2)
    dim = phi_model.output.shape[-1]
    assert dim == SHAPE[0] // 4 * SHAPE[1] // 4 * WIDTH
    w, b, table = rng.normal(size=(dim, 1)), np.array([0.3]), rng.normal(size=(N_CLASSES, dim))
    d.get_layer("logit").set_weights([w, b])
    d.get_layer("class_embedding").set_weights([table])
    x = rng.uniform(-1, 1, (5, *SHAPE)).astype(np.float32)
    y = np.array([0, 1, 2, 2, 1], np.int32)
    phi = np.asarray(phi_model(x), np.float64)
    want = phi @ w[:, 0] + b[0] + np.sum(table[y] * phi, axis=1)
    got = np.asarray(d([x, y[:, None]], training=False))[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("mode", conditional.MODES)
def test_spectral_norm_brings_every_weight_matrix_to_norm_one(mode):
    gan_course.setup(0, verbose=False)
    d = conditional.conditional_lean_discriminator(N_CLASSES, SHAPE, WIDTH, mode=mode, spectral_norm=True)
    wrapped = [layer for layer in d.layers if isinstance(layer, layers.SpectralNormalization)]
    assert [type(w.layer).__name__ for w in wrapped] == ["Conv2D", "Conv2D", "Dense"]
    for w in wrapped:  # far from norm 1 to start with, so the test sees the normalisation act
        w.kernel.assign(w.kernel * 50.0)
    x = np.random.default_rng(3).uniform(-1, 1, (4, *SHAPE)).astype(np.float32)
    y = np.array([[0], [1], [2], [0]], np.int32)
    for _ in range(30):  # one power iteration per training call
        d([x, y], training=True)
    for w in wrapped:
        kernel = np.asarray(w.kernel).reshape(-1, w.kernel.shape[-1])
        assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, rel=0.02), w.layer.name
    assert d.name.endswith("_sn") and not any(
        isinstance(layer, layers.SpectralNormalization) for layer in _pair(mode)[1].layers
    )


@pytest.mark.parametrize("mode", conditional.MODES)
def test_the_logit_is_float32_under_mixed_precision(mode):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        for spectral_norm in (False, True):
            d = conditional.conditional_lean_discriminator(
                N_CLASSES, SHAPE, WIDTH, mode=mode, spectral_norm=spectral_norm
            )
            assert d.get_layer("features").compute_dtype == "bfloat16"  # the trunk does run in mixed precision
            assert d.outputs[0].dtype == "float32"
            x = np.zeros((2, *SHAPE), np.float32)
            assert np.asarray(d([x, np.array([[0], [2]], np.int32)])).dtype == np.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_builders_take_their_options_by_keyword_only():
    with pytest.raises(TypeError):
        conditional.conditional_lean_discriminator(N_CLASSES, SHAPE, WIDTH, "concat")
    with pytest.raises(TypeError):
        conditional.conditional_lean_generator(Z_DIM, N_CLASSES, SHAPE, WIDTH, 5)
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        conditional.conditional_lean_discriminator(spectral_norm="yes")


@pytest.mark.slow
@pytest.mark.parametrize("mode", conditional.MODES)
def test_training_moves_the_embeddings_of_the_classes_seen_and_no_other(mode):
    # labels reach both networks in GAN.fit: the rows of classes 0 and 2 learn, class 1's row (never seen) stays
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (32, *SHAPE)).astype(np.float32)
    labels = (np.arange(32) % 2 * 2).astype(np.int32)  # 0, 2, 0, 2, ...
    g, d = _pair(mode)
    d_name = "class_embedding" if mode == "projection" else "label_embedding"
    tables = [g.get_layer("label_embedding"), d.get_layer(d_name)]
    before = [t.get_weights()[0].copy() for t in tables]
    gan = build_gan(g, d, seed=0)
    logs = gan.fit(images, labels, batch_size=16, epochs=1, verbose=0).history
    assert len(logs["d_loss"]) == 1
    for table, old in zip(tables, before):
        moved = np.abs(table.get_weights()[0] - old).max(axis=1)
        assert moved[0] > 0 and moved[2] > 0 and moved[1] == 0, (table.name, moved)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conditional.conditional_lean_discriminator(mode="hinge"), "unknown mode 'hinge'.*'projection'"),
        (lambda: conditional.conditional_lean_generator(image_shape=(30, 30, 1)), r"image_shape.*\(30, 30, 1\)"),
        (lambda: conditional.conditional_lean_discriminator(image_shape=(28, 28)), r"image_shape.*\(28, 28\)"),
        (lambda: conditional.conditional_lean_generator(n_classes=1), "n_classes must be an integer >= 2.*got 1"),
        (lambda: conditional.conditional_lean_discriminator(n_classes=2.0), "n_classes"),
        (lambda: conditional.conditional_lean_generator(width=7), "width must be an even integer.*got 7: use 6 or 8"),
        (lambda: conditional.conditional_lean_generator(z_dim=0), "z_dim"),
        (lambda: conditional.conditional_lean_generator(embed_dim=0), "embed_dim"),
    ],
)
def test_bad_builder_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------------- class fidelity


def test_class_fidelity_from_hand_made_logits():
    predicted = np.array([0, 1, 2, 0, 2, 2, 1, 1])
    requested = np.array([0, 1, 1, 0, 2, 0, 1, 1])
    logits = np.eye(N_CLASSES)[predicted] * 5 - 1
    result = conditional.class_fidelity_from_logits(logits, requested, N_CLASSES, class_names=["a", "b", "c"])
    assert result.overall == pytest.approx(6 / 8)
    np.testing.assert_array_equal(result.counts, [3, 4, 1])
    np.testing.assert_allclose(result.per_class, [2 / 3, 3 / 4, 1.0])
    np.testing.assert_array_equal(result.confusion, [[2, 0, 1], [0, 3, 1], [0, 0, 1]])
    assert result.worst == (0, pytest.approx(2 / 3)) and result.n_classes == 3
    text = str(result)
    assert "75.0% of 8 images" in text and "worst class 0 a at 66.7%" in text and "2 c (33%)" in text
    with pytest.raises(ValueError):
        result.per_class[0] = 1.0  # read-only


def test_a_class_never_requested_is_nan_and_not_the_worst():
    result = conditional.class_fidelity_from_logits(np.eye(3)[[0, 1, 0]], [0, 1, 1], 3)
    np.testing.assert_array_equal(result.counts, [1, 2, 0])
    assert np.isnan(result.per_class[2]) and result.worst == (1, 0.5)
    assert re.search(r"\n  2 +0 +-$", str(result))


class _PixelClassifier:
    """A stand-in for features.load_classifier's classifier: the class is read from the image's mean brightness."""

    def logits(self, images):
        level = np.asarray(images).reshape(len(images), -1).mean(axis=1)
        centres = np.linspace(-0.8, 0.8, N_CLASSES)
        return -np.abs(level[:, None] - centres[None, :])


def test_a_generator_that_ignores_its_label_scores_chance_and_one_that_obeys_scores_one():
    n = 3000
    z, y = keras.Input((Z_DIM,)), keras.Input((1,), dtype="int32")
    dense = layers.Dense(int(np.prod(SHAPE)), activation="tanh")
    # y is wired in (Keras 3.13 refuses a functional model with an input that reaches no output) but its
    # kernel row is zero, so it changes nothing
    zy = layers.Concatenate()([z, keras.ops.cast(y, "float32")])
    deaf = keras.Model([z, y], layers.Reshape(SHAPE)(dense(zy)))
    kernel = np.zeros((Z_DIM + 1, int(np.prod(SHAPE))))
    kernel[0] = 1.5  # every pixel is tanh(1.5 z_0): the brightness, and so the class seen, depends on z only
    dense.set_weights([kernel, np.zeros(kernel.shape[1])])
    noise = np.random.default_rng(3).normal(size=(n, Z_DIM)).astype(np.float32)
    requested = (np.arange(n) % N_CLASSES).astype(np.int32)
    images = np.asarray(deaf([noise, requested[:, None]]))
    result = conditional.class_fidelity(_PixelClassifier(), images, requested, N_CLASSES)
    drawn = result.confusion.sum(axis=0) / n  # what it draws, whatever it was asked for: about 39, 22, 39 %
    assert drawn.min() > 0.15
    np.testing.assert_allclose(result.per_class, drawn, atol=0.05)  # each class scores its share of drawings
    chance = 1 / N_CLASSES
    tolerance = 4 * np.sqrt(chance * (1 - chance) / n)  # four binomial standard deviations
    assert abs(result.overall - chance) < tolerance
    obedient = np.broadcast_to(np.linspace(-0.8, 0.8, N_CLASSES)[requested][:, None, None, None], (n, *SHAPE))
    assert conditional.class_fidelity(_PixelClassifier(), obedient, requested, N_CLASSES).overall == 1.0


def test_class_fidelity_takes_the_course_classifier():
    classifier = features.load_classifier("fashion_mnist", train_if_missing=False)
    images = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    result = conditional.class_fidelity(classifier, images, np.arange(6) % 10)
    assert result.counts.sum() == 6 and result.confusion.shape == (10, 10) and 0 <= result.overall <= 1


@pytest.mark.parametrize(
    ("requested", "logits", "match"),
    [
        ([0, 1, 3], np.eye(3), r"requested must lie in \[0, 3\), got 3"),
        ([0, -1, 2], np.eye(3), r"requested must lie in \[0, 3\), got -1"),
        ([0, 0.5, 2], np.eye(3), "requested must be integer class indices.*0.5"),
        (["a", "b", "c"], np.eye(3), "requested must be integer class indices"),
        ([0, 1], np.eye(3), "requested has 2 labels but there are 3 rows of logits"),
        ([[0, 1, 2]], np.eye(3), r"requested must be one class index per sample.*\(1, 3\)"),
        ([0, 1, 2], np.eye(3)[:, :2], r"logits must have one column per class, 3, got shape \(3, 2\)"),
        ([0, 1, 2], np.array([[0, 1, np.nan]] * 3), "logits contain NaN"),
    ],
)
def test_bad_class_fidelity_inputs_are_named(requested, logits, match):
    with pytest.raises(ValueError, match=match):
        conditional.class_fidelity_from_logits(logits, requested, 3)


def test_class_fidelity_checks_the_classifier_and_the_image_count():
    with pytest.raises(ValueError, match=r"classifier must have a \.logits"):
        conditional.class_fidelity(lambda x: x, np.zeros((2, *SHAPE)), [0, 1], N_CLASSES)
    with pytest.raises(ValueError, match="requested has 3 labels but there are 2 images"):
        conditional.class_fidelity(_PixelClassifier(), np.zeros((2, *SHAPE)), [0, 1, 2], N_CLASSES)
    with pytest.raises(ValueError, match="class_names must name all 3 classes"):
        conditional.class_fidelity(_PixelClassifier(), np.zeros((2, *SHAPE)), [0, 1], N_CLASSES, class_names=["a"])


# ------------------------------------------------------------------- per-class FID and diversity


def test_per_class_fid_is_zero_for_the_same_features_and_the_squared_shift_for_a_moved_class():
    rng = np.random.default_rng(4)
    real = rng.normal(size=(60, 2))
    labels = np.arange(60) % N_CLASSES
    shift = np.where(labels[:, None] == 1, [3.0, 4.0], 0.0)  # move class 1 by (3, 4): |shift|² = 25
    fids = conditional.per_class_fid(real, labels, real + shift, labels, N_CLASSES)
    np.testing.assert_allclose(fids, [0.0, 25.0, 0.0], atol=1e-6)  # same covariances: only the means differ


def test_per_class_fid_needs_two_samples_of_every_class_on_both_sides():
    real, fake = np.random.default_rng(5).normal(size=(2, 9, 2))
    labels = np.arange(9) % N_CLASSES
    few = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2])
    with pytest.raises(ValueError, match=r"class 2 has 3 real and 1 generated samples \(classes short of 2: \[2\]\)"):
        conditional.per_class_fid(real, labels, fake, few, N_CLASSES)
    with pytest.raises(ValueError, match="feature dimensions differ"):
        conditional.per_class_fid(real, labels, fake[:, :1], labels, N_CLASSES)
    with pytest.raises(ValueError, match="fake_labels has 8 labels but there are 9 rows of fake_features"):
        conditional.per_class_fid(real, labels, fake, labels[:8], N_CLASSES)


def test_intra_class_diversity_known_answer_and_collapse():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    labels = np.array([0, 0, 0, 1, 1, 1])
    diversity = conditional.intra_class_diversity(points, labels, n_classes=2)
    np.testing.assert_allclose(diversity, [(5 + 10 + 5) / 3, 0.0])  # distances 5, 10, 5; a collapsed class: 0


def test_intra_class_diversity_subsamples_pairs_repeatably_and_without_bias():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(300, 4))
    labels = np.zeros(300, int)
    both, both_labels = np.vstack([x, x[:2]]), np.r_[labels, 1, 1]  # 300 points (44 850 pairs) and 2 points
    full = conditional.intra_class_diversity(both, both_labels, 2, max_pairs_per_class=10**6)
    sampled = conditional.intra_class_diversity(both, both_labels, 2, max_pairs_per_class=5000, seed=1)
    np.testing.assert_array_equal(sampled, conditional.intra_class_diversity(both, both_labels, 2, 5000, seed=1))
    assert sampled[0] == pytest.approx(full[0], rel=0.03) and sampled[1] == full[1]
    with pytest.raises(ValueError, match=r"class 1 has 0 sample\(s\)"):
        conditional.intra_class_diversity(x, labels, n_classes=2)
