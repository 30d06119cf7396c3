"""Feature extractors for evaluating generators: the course's domain classifier.

FID and its relatives compare generated and real images in the feature space of a
network trained on the real domain. The course ships a small CNN trained on
Fashion-MNIST (weights inside the package, trained by ``python -m gan_course.features``,
deterministic on a CPU); for MNIST the same script trains one on first use and caches it
in the Keras cache folder.

Used in lessons 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
from keras import layers

from gan_course import _shipped
from gan_course._checks import integer as _integer
from gan_course.data import CorruptDataError, check_images, dataset_name, keras_cache_dir, load_images

_WEIGHTS_DIR = Path(__file__).parent / "weights"


def _build_classifier(image_shape=(28, 28, 1), n_classes: int = 10) -> keras.Model:
    """Conv 32 -> pool -> conv 64 -> pool -> dropout -> Dense 128 ("features") -> ReLU -> dropout -> logits.

    Takes images in [-1, 1]. The 128-d penultimate layer, taken before its ReLU (so that no
    feature is stuck at 0 and the covariance stays invertible), is the feature space for FID.
    """
    inputs = keras.Input(tuple(image_shape))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    features = layers.Dense(128, name="features")(x)  # before the ReLU: no feature is constant 0
    logits = layers.Dense(n_classes, name="logits")(layers.Dropout(0.3)(layers.ReLU()(features)))
    return keras.Model(inputs, [features, logits], name="domain_classifier")


def _train_classifier(train, test, epochs: int = 10, seed: int = 0, verbose: int = 2):
    """Train the domain classifier on ``train`` (``.images`` in [-1, 1], ``.labels``); return (model, accuracy on
    ``test``). Deterministic on a CPU: ``setup(seed)`` seeds everything and turns on op determinism."""
    import gan_course

    gan_course.setup(seed, verbose=False)
    model = _build_classifier(train.images.shape[1:])
    trainer = keras.Model(model.input, model.outputs[1])
    trainer.compile(
        keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    trainer.fit(train.images, train.labels, batch_size=128, epochs=epochs, shuffle=True, verbose=verbose)
    _, accuracy = trainer.evaluate(test.images, test.labels, batch_size=1000, verbose=0)
    return model, float(accuracy)


def _train_and_save(name: str, epochs: int = 10, verbose: int = 2) -> tuple[Path, float]:
    """What ``python -m gan_course.features NAME`` does: train on NAME's training split, save; (weights, accuracy)."""
    train, test = load_images(name, "train", verbose=False), load_images(name, "test", verbose=False)
    model, accuracy = _train_classifier(train, test, epochs, verbose=verbose)
    return _save_classifier(model, accuracy, name), accuracy


def _paths(name: str) -> tuple[Path, Path]:
    key = dataset_name(name)
    folder = _WEIGHTS_DIR if key == "fashion_mnist" else keras_cache_dir() / "gan_course"
    return folder / f"{key}_classifier.weights.h5", folder / f"{key}_classifier.json"


class _DomainClassifier:
    """The course's classifier for one data set: ``features(images)`` and ``logits(images)``.

    Images are (N, 28, 28, 1) float in [-1, 1]. ``accuracy`` is its test-set accuracy,
    measured when it was trained. ``load_classifier`` returns one.
    """

    def __init__(self, model: keras.Model, name: str, accuracy: float):
        self.model, self.name, self.accuracy = model, name, accuracy
        self.image_shape = tuple(model.input.shape[1:])

    def _run(self, images, batch_size: int):
        batch_size = _integer(batch_size, "batch_size", minimum=1)
        images = check_images(images, "images", shape=self.image_shape)
        feats, logits = [], []
        for start in range(0, len(images), batch_size):
            f, lg = self.model(images[start : start + batch_size], training=False)
            feats.append(np.asarray(f))
            logits.append(np.asarray(lg))
        return np.concatenate(feats), np.concatenate(logits)

    def features(self, images, batch_size: int = 1000) -> np.ndarray:
        """Penultimate-layer features, (N, 128) float32."""
        return self._run(images, batch_size)[0]

    def logits(self, images, batch_size: int = 1000) -> np.ndarray:
        """Class logits, (N, 10) float32."""
        return self._run(images, batch_size)[1]

    __call__ = features


def load_classifier(name: str = "fashion_mnist", train_if_missing: bool = True) -> _DomainClassifier:
    """The domain classifier for ``name``: shipped for Fashion-MNIST; for MNIST trained on first
    use (a few minutes on a CPU) and cached in the Keras cache folder. Introduced in lesson 04.

    It has ``features(images)`` (N, 128), ``logits(images)`` (N, 10), ``accuracy`` (on the test
    split) and ``name``; calling it gives its features, so it is an ``extractor`` for ``metrics.fid``."""
    if not isinstance(train_if_missing, (bool, np.bool_)):
        raise ValueError(f"train_if_missing must be True or False, got {train_if_missing!r}")
    weights, info = _paths(name)
    key = dataset_name(name)
    if key == "fashion_mnist":  # shipped: checked against the package's SHA-256 manifest
        _shipped.verify(weights)
        _shipped.verify(info)
        fix = None  # reinstall
    else:
        fix = f"delete {weights} and {info.name} and run `python -m gan_course.features {key}` to train them again"
    if not weights.is_file():
        if key == "fashion_mnist" or not train_if_missing:
            raise FileNotFoundError(
                f"no classifier weights at {weights}: run `python -m gan_course.features {key}` to train them"
            )
        print(f"training the {key} classifier once (cached in {weights.parent}) ...")
        _train_and_save(key, verbose=0)
    model = _build_classifier()
    _shipped.load_weights(model, weights, fix)
    accuracy = _shipped.load_json(info, fix).get("test_accuracy")
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not 0 <= accuracy <= 1:
        fix = fix or _shipped.reinstall(info)
        raise CorruptDataError(f"{info} has no test_accuracy in [0, 1] (got {accuracy!r}): {fix}")
    return _DomainClassifier(model, key, float(accuracy))


def _save_classifier(model, accuracy: float, name: str) -> Path:
    """Write the classifier's weights and its test accuracy next to each other."""
    weights, info = _paths(name)
    weights.parent.mkdir(parents=True, exist_ok=True)
    model.save_weights(weights)
    info.write_text(json.dumps({"data_set": dataset_name(name), "test_accuracy": round(accuracy, 4)}, indent=1) + "\n")
    _shipped.record(weights)  # into the package (Fashion-MNIST): its manifest changes with the files
    _shipped.record(info)
    return weights


def _inception_preprocess(images, size: int = 299) -> np.ndarray:
    """Images (N, H, W, C) in [-1, 1], gray or RGB -> InceptionV3 input (N, size, size, 3).

    Gray is repeated to three channels, the image resized bilinearly to ``size``, and
    ``keras.applications.inception_v3.preprocess_input`` applied to the [0, 255] values
    (which maps them back to [-1, 1], the range InceptionV3 was trained on).
    """
    import tensorflow as tf

    images = check_images(images, "images")
    if images.shape[-1] not in (1, 3):
        raise ValueError(f"InceptionV3 needs 1 (gray) or 3 (RGB) channels, got {images.shape[-1]}")
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    resized = tf.image.resize((images + 1.0) * 127.5, (size, size), method="bilinear")
    return keras.applications.inception_v3.preprocess_input(np.clip(resized.numpy(), 0.0, 255.0))


class InceptionFeatures:
    """InceptionV3's 2048-d average-pool features, the standard FID feature space.

    ``weights="imagenet"`` downloads about 90 MB the first time (works on Colab, not
    offline); ``weights=None`` gives random weights, for testing shapes only. Introduced in lesson 05.
    """

    def __init__(self, weights: str | None = "imagenet"):
        if weights is not None and (
            not isinstance(weights, str) or (weights != "imagenet" and not os.path.isfile(weights))
        ):
            raise ValueError(
                f"weights must be 'imagenet', None or a path to a weights file that exists, got {weights!r}"
            )
        try:
            self.model = keras.applications.InceptionV3(
                include_top=False, pooling="avg", weights=weights, input_shape=(299, 299, 3)
            )
        except Exception as err:  # noqa: BLE001 - any download failure ends here
            raise RuntimeError(
                f"InceptionV3's ImageNet weights could not be loaded ({type(err).__name__}: "
                f"{str(err).splitlines()[0][:160]}). They need a download: run this on Colab or another "
                "machine online, or use the offline domain classifier, gan_course.features.load_classifier()"
            ) from err

    def __call__(self, images, batch_size: int = 50) -> np.ndarray:
        batch_size = _integer(batch_size, "batch_size", minimum=1)
        images = check_images(images, "images")
        out = [
            self.model(_inception_preprocess(images[i : i + batch_size]), training=False).numpy()
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(out)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Train and save the course's domain classifier.")
    parser.add_argument("name", nargs="?", default="fashion_mnist")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    path, acc = _train_and_save(args.name, args.epochs)
    print(f"test accuracy {acc:.4f}; saved to {path}")
