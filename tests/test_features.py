"""The shipped domain classifier: loads offline, accurate on the real test set, clear errors."""

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from gan_course import data, features, metrics


def test_shipped_weights_load_and_shapes():
    clf = features.load_classifier("fashion_mnist")
    assert clf.accuracy >= 0.90
    images = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    assert clf.features(images, batch_size=2).shape == (5, 128)
    assert clf.logits(images).shape == (5, 10)
    with pytest.raises(ValueError, match="divide by 127.5"):
        clf.features(images * 127.5 + 127.5)
    with pytest.raises(ValueError, match="image shape"):
        clf.features(np.zeros((2, 32, 32, 3), np.float32))


@pytest.mark.slow
@pytest.mark.needs_fashion_mnist
def test_classifier_accuracy_and_fid_noise_floor():
    test = data.load_images("fashion_mnist", "test", verbose=False)
    clf = features.load_classifier("fashion_mnist")
    logits = clf.logits(test.images)
    accuracy = float(np.mean(logits.argmax(axis=1) == test.labels))
    assert accuracy == pytest.approx(clf.accuracy, abs=1e-3) and accuracy >= 0.90
    feats = clf.features(test.images)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 5000 samples of 128 features: no singular covariance
        half_vs_half = metrics.fid_from_features(feats[:5000], feats[5000:])
    noisy = np.clip(test.images[5000:] + np.random.default_rng(0).normal(0, 0.5, test.images[5000:].shape), -1, 1)
    assert half_vs_half < metrics.fid_from_features(feats[:5000], clf.features(noisy.astype(np.float32)))
    assert metrics.classifier_score(logits) > 7.5  # real data: ten balanced classes, mostly confident


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda c: c.features(np.zeros((2, 28, 28), np.float32)), "add a channel axis with x[..., None]"),
        (lambda c: c.features(np.zeros((2, 28, 28, 1), np.uint8)), "uint8 pixels in [0, 255]"),
        (lambda c: c.features(np.full((2, 28, 28, 1), np.nan, np.float32)), "images contain NaN or Inf values"),
        (lambda c: c.features(np.zeros((0, 28, 28, 1), np.float32)), "images are empty"),
        (lambda c: c.logits(np.zeros((2, 28, 28, 1), np.float32), batch_size=0), "batch_size must be a positive"),
        (lambda c: c.logits(np.zeros((2, 28, 28, 1), np.float32), batch_size=2.5), "batch_size must be a positive"),
        (lambda c: c.features(np.zeros((2, 28, 28, 1), np.float32), batch_size=True), "True/False is not a number"),
        (lambda c: features.load_classifier("fashion_mnist", train_if_missing="no"), "train_if_missing must be True"),
        (lambda c: features.load_classifier("cifar"), "unknown data set 'cifar'"),
        (lambda c: features.InceptionFeatures(weights=3), "weights must be 'imagenet', None or a path"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_arguments_are_checked_at_the_door(call, says):
    clf = features.load_classifier("fashion_mnist")
    with pytest.raises((ValueError, TypeError), match=re.escape(says)):
        call(clf)
    assert clf.features(np.zeros((2, 28, 28, 1), np.float32), batch_size=np.int64(1)).shape == (2, 128)


def test_mnist_classifier_missing_offline_is_a_clear_error(keras_home):
    with pytest.raises(FileNotFoundError, match="python -m gan_course.features mnist"):
        features.load_classifier("mnist", train_if_missing=False)


def test_a_damaged_cached_classifier_names_the_file_and_how_to_train_it_again(keras_home):
    folder = keras_home / "gan_course"
    folder.mkdir()
    (folder / "mnist_classifier.weights.h5").write_bytes(b"not an h5 file")
    (folder / "mnist_classifier.json").write_text('{"test_accuracy": 0.99}')
    with pytest.raises(data.CorruptDataError, match=r"mnist_classifier\.weights\.h5 could not be loaded .*delete .* "
                       r"and run `python -m gan_course.features mnist` to train them again"):  # fmt: skip
        features.load_classifier("mnist", train_if_missing=False)
    (folder / "mnist_classifier.json").write_text('{"test_accuracy": "high"}')
    features._save_classifier(features._build_classifier(), 0.5, "mnist")  # no manifest in the cache: none made
    assert not (folder / "SHA256SUMS").exists()
    (folder / "mnist_classifier.json").write_text("{")
    with pytest.raises(data.CorruptDataError, match=r"mnist_classifier\.json is not readable JSON"):
        features.load_classifier("mnist", train_if_missing=False)


def _squares(n, seed):
    """Images of class k (0-9) with a bright 8 x 8 square at the k-th place of a 5 x 2 grid, on faint noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.uniform(-1.0, -0.8, (n, 28, 28, 1)).astype(np.float32)
    for i, k in enumerate(labels):
        row, col = divmod(int(k), 5)
        images[i, 2 + 12 * row : 10 + 12 * row, 1 + 5 * col : 9 + 5 * col] = 1.0
    return SimpleNamespace(images=images, labels=labels)


@pytest.mark.slow
def test_the_training_command_learns_a_separable_set_and_load_classifier_reads_what_it_saved(keras_home, monkeypatch):
    # the path of `python -m gan_course.features mnist`, on ten classes any CNN separates, saved to an empty cache
    train, test = _squares(200, 0), _squares(50, 1)
    monkeypatch.setattr(features, "load_images", lambda name, split, verbose: train if split == "train" else test)
    path, accuracy = features._train_and_save("mnist", epochs=4, verbose=0)
    assert accuracy == 1.0
    assert path.parent == keras_home / "gan_course" and path.name == "mnist_classifier.weights.h5"
    clf = features.load_classifier("mnist", train_if_missing=False)
    assert clf.accuracy == 1.0 and clf.name == "mnist"
    assert clf.logits(test.images).argmax(1).tolist() == test.labels.tolist()
    assert clf(test.images).shape == (50, 128)


@pytest.mark.slow
def test_inception_preprocessing_and_random_weight_features():
    gray = np.linspace(-1, 1, 2 * 28 * 28).reshape(2, 28, 28, 1).astype(np.float32)
    x = features._inception_preprocess(gray)
    assert x.shape == (2, 299, 299, 3) and x.min() >= -1.0 and x.max() <= 1.0
    np.testing.assert_allclose(x[..., 0], x[..., 2])  # gray repeated to RGB
    assert x[0, 0, 0, 0] == pytest.approx(-1.0, abs=1e-2) and x[1, -1, -1, 0] == pytest.approx(1.0, abs=1e-2)
    with pytest.raises(ValueError, match="divide by 127.5"):
        features._inception_preprocess(gray * 127.5 + 127.5)
    with pytest.raises(ValueError, match="1 \\(gray\\) or 3 \\(RGB\\)"):
        features._inception_preprocess(np.zeros((1, 8, 8, 2), np.float32))
    net = features.InceptionFeatures(weights=None)
    assert net(gray).shape == (2, 2048)


def test_inception_download_failure_names_the_alternatives(monkeypatch):
    def offline(**kwargs):
        raise Exception("URL fetch failure: Name or service not known")

    monkeypatch.setattr(features.keras.applications, "InceptionV3", offline)
    with pytest.raises(RuntimeError, match="Colab.*load_classifier"):
        features.InceptionFeatures()
