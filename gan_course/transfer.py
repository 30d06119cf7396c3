"""Transfer with little data: a GAN pretrained on 8 Fashion-MNIST classes, FreezeD, and D's overfitting signal.

- ``load_pretrained()``: the lean DCGAN of lesson 03 trained on the eight
  classes other than ``HELD_OUT`` (sandal and ankle boot), shipped in ``gan_course/weights`` with a
  JSON of how it was trained and its FID; ``python tools/pretrain_8class_dcgan.py`` retrains it with
  the same seed and TensorFlow's op determinism (CPU). The two held-out classes are lesson 08's "new,
  small data set".
- ``freeze_lower_blocks(discriminator, k)``: FreezeD (Mo et al. 2020), D's first k convolutions
  (and any BatchNormalization after them) kept as pretrained while the rest fine-tunes.
- ``DiscriminatorOverfitting``: a callback logging ADA's r_t = E[sign D(x_train)] (Karras et al.
  2020) and D's mean output on training images vs held-out real images of the same classes: when D
  memorises its few training images the two drift apart.

Introduced in lesson 08.

Used in lesson 08.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from gan_course import _shipped
from gan_course._checks import array as _array
from gan_course._checks import integer as _integer
from gan_course.data import check_images

#: Fashion-MNIST classes kept out of pretraining: sandal (5) and ankle boot (9). Footwear that the
#: pretrained G has seen only as sneakers (7): near enough to the eight classes for transfer to help,
#: far enough that G must learn something new (a strap pattern, a shaft).
HELD_OUT = (5, 9)
#: The eight pretraining classes.
_PRETRAIN_CLASSES = tuple(k for k in range(10) if k not in HELD_OUT)
#: Training settings of the shipped weights: lesson 03's lean DCGAN settings (Adam 2e-4, beta_1 0.5) with
#: lesson 06's batch 64 and moving average of G. The recipe's learning rate, 8e-4, was tried first: after
#: 12 000 steps its generator drew no sneakers at all and 3 % bags (FID 84.8), a dropped mode.
_PRETRAIN_STEPS = 12000
_PRETRAIN_SETTINGS = {"lr": 2e-4, "beta_1": 0.5, "ema": 0.999, "batch_size": 64}
_WEIGHTS = Path(__file__).parent / "weights"
_NAME = "fashion_mnist_8class_dcgan"


def class_subset(images, labels, classes) -> np.ndarray:
    """The images whose label is one of ``classes``, in their original order. Introduced in lesson 08."""
    images = _array(images, "images")
    labels = _array(labels, "labels")
    if images.ndim == 0 or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch (N, ...), got shape {images.shape}")
    if labels.ndim != 1 or not (np.issubdtype(labels.dtype, np.integer) or labels.dtype == bool):
        hint = ": one-hot labels? pass labels.argmax(1)" if labels.ndim == 2 else ""
        raise ValueError(
            f"labels must be class indices, one integer per image (shape (N,)), got {labels.dtype} "
            f"of shape {labels.shape}{hint}"
        )
    if labels.dtype == bool:
        raise ValueError("labels must be class indices, one integer per image, got True/False values")
    if len(labels) != len(images):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels: give one label per image")
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise ValueError(f"classes must be a list of class indices such as (5, 9), got {classes!r}")
    classes = tuple(_integer(k, "each of classes", minimum=0) for k in classes)
    if not classes:
        raise ValueError("classes is empty: give at least one class index, e.g. transfer.HELD_OUT")
    repeated = sorted({k for k in classes if classes.count(k) > 1})
    if repeated:
        raise ValueError(f"classes {list(classes)} names {repeated} more than once: give each class once")
    keep = np.isin(labels, classes)
    if not keep.any():
        raise ValueError(f"no image has a label in {classes}: the labels present are {sorted(set(labels.tolist()))}")
    return images[keep]


# ------------------------------------------------------------------- the pretrained GAN


def _paths():
    return (
        _WEIGHTS / f"{_NAME}_generator.weights.h5",
        _WEIGHTS / f"{_NAME}_discriminator.weights.h5",
        _WEIGHTS / f"{_NAME}.json",
    )


def _networks():
    from gan_course import models

    return models.dcgan_lean_generator(100), models.dcgan_lean_discriminator()


def load_pretrained():
    """``(generator, discriminator, info)``: fresh lean DCGAN networks with the shipped pretrained weights.

    The generator holds the moving average of G (what the recipe samples from), the discriminator
    D's last weights; ``info`` is the JSON written when they were trained (classes, steps, seconds,
    FID). Weights are read with Keras' ``load_weights`` (an .h5 of arrays, no code is loaded).
    Each call builds new networks, so several fine-tuning runs never share weights.
    Introduced in lesson 08.
    """
    g_path, d_path, info_path = _paths()
    for path in (g_path, d_path, info_path):
        _shipped.verify(path)  # missing or damaged: an error naming the file and the fix
    generator, discriminator = _networks()
    _shipped.load_weights(generator, g_path)
    _shipped.load_weights(discriminator, d_path)
    return generator, discriminator, _shipped.load_json(info_path)


# ------------------------------------------------------------------- FreezeD


def _is_conv(layer) -> bool:
    inner = getattr(layer, "layer", None)  # SpectralNormalization wraps its layer
    return isinstance(layer, keras.layers.Conv2D) or isinstance(inner, keras.layers.Conv2D)


def freeze_lower_blocks(discriminator, k: int) -> list[str]:
    """FreezeD: make D's first ``k`` convolutions (and the BatchNormalization layers that follow them, before
    the next convolution) untrainable. Returns the frozen layers' names.

    Call it before ``build_gan``: the optimizer is built for the variables that are trainable then.
    ``k = 0`` freezes nothing; ``k`` may not exceed the number of convolutions, so the head always
    learns. The GAN step updates ``discriminator.trainable_variables`` only, so the frozen
    layers keep their pretrained weights (tested). Introduced in lesson 08.
    """
    if not isinstance(discriminator, keras.Model):
        raise ValueError(
            "discriminator must be a Keras model (e.g. from transfer.load_pretrained()), "
            f"got {type(discriminator).__name__}"
        )
    convs = [layer for layer in discriminator.layers if _is_conv(layer)]
    k = _integer(k, "k", minimum=0)
    if k > len(convs):
        raise ValueError(
            f"k = {k} but this discriminator has only {len(convs)} convolution(s): FreezeD keeps the last layers "
            f"learning, so use k <= {len(convs)}"
        )
    frozen, count = [], 0
    for layer in discriminator.layers:
        if _is_conv(layer):
            count += 1
            if count > k:
                break
        if count and (_is_conv(layer) or isinstance(layer, keras.layers.BatchNormalization)):
            layer.trainable = False
            frozen.append(layer.name)
    return frozen


# ------------------------------------------------------------------- overfitting


class DiscriminatorOverfitting(keras.callbacks.Callback):
    """Log D's overfitting signals at the end of every ``every``-th epoch (into the logs, so History keeps them).

    ``d_rt``: ADA's r_t = E[sign D(x)] over ``train_images`` (the sign of D's logit, a vote: 0 when the votes
    split evenly, 1 when D calls every training image real, however narrowly; ADA averages it over a few
    minibatches and adapts its augmentation to keep it near 0.6);
    ``d_train`` and ``d_heldout``: D's mean output (a probability for BCE losses, the raw score
    otherwise) on ``train_images`` and on ``heldout_images``, real images of the same classes that
    D never trains on; ``d_gap`` = ``d_train - d_heldout``: near 0 while D judges images by what they
    show, growing as D memorises its training set. D is called with ``training=False``, so a
    ``with_diff_augment`` D is judged on the images as they are. The first ``n_samples`` of each set
    are used (``n=`` is the same, the name lesson 08 passes). Introduced in lesson 08.
    """

    def __init__(
        self, train_images, heldout_images, n_samples: int = 500, every: int = 1, batch_size: int = 500, *, n=None
    ):
        super().__init__()
        if n is not None:
            if n_samples != 500:
                raise ValueError(f"give n_samples or n (the same thing), not both: got {n_samples} and {n}")
            n_samples = n
        self.n_samples = _integer(n_samples, "n_samples", minimum=1)
        self.every = _integer(every, "every", minimum=1)
        self.batch_size = _integer(batch_size, "batch_size", minimum=1)
        self.train_images = check_images(train_images, "train_images")[: self.n_samples]
        self.heldout_images = check_images(heldout_images, "heldout_images")[: self.n_samples]
        if self.train_images.shape[1:] != self.heldout_images.shape[1:]:
            raise ValueError(
                f"train_images {self.train_images.shape[1:]} and heldout_images {self.heldout_images.shape[1:]} "
                "must have the same image shape"
            )
        self.history: list[dict] = []

    def on_train_begin(self, logs=None):
        spec = getattr(self.model, "spec", None)
        if spec is None:
            raise ValueError("DiscriminatorOverfitting works with a gan_course.gan.GAN (it needs model.discriminator)")
        if spec.conditional:
            raise ValueError("DiscriminatorOverfitting takes an unconditional GAN (its D takes images only)")
        if tuple(self.train_images.shape[1:]) != tuple(spec.sample_shape):
            raise ValueError(
                f"the images are {self.train_images.shape[1:]} but D takes {spec.sample_shape}: "
                "pass images of D's shape"
            )

    def _outputs(self, images) -> np.ndarray:
        d = self.model.discriminator
        return np.concatenate(
            [
                np.asarray(d(images[i : i + self.batch_size], training=False)).reshape(-1)
                for i in range(0, len(images), self.batch_size)
            ]
        )

    def measure(self) -> dict:
        """The signals now, as a dict (``d_rt``, ``d_train``, ``d_heldout``, ``d_gap``)."""
        train, heldout = self._outputs(self.train_images), self._outputs(self.heldout_images)
        read = self.model.gan_loss.read
        values = {
            "d_rt": float(np.mean(np.sign(train))),
            "d_train": float(np.mean(np.asarray(read(train)))),
            "d_heldout": float(np.mean(np.asarray(read(heldout)))),
        }
        values["d_gap"] = values["d_train"] - values["d_heldout"]
        return values

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        values = self.measure()
        self.history.append({"epoch": epoch + 1, **values})
        if logs is not None:
            logs.update(values)
