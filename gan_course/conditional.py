"""Conditional GANs: the lean DCGAN pair with class labels fed to both networks, and metrics that ask
whether a conditional generator draws the class it was asked for. The generator takes ``[z, y]`` and
the discriminator ``[x, y]``, y (batch, 1) int32 class indices, so the pair trains through the
course's one step (``training.gan_step``) unchanged; the discriminator reads the label by
concatenation (an extra image channel) or by projection (Miyato & Koyama 2018). ``class_fidelity``
scores the generated classes with the course's classifier; ``per_class_fid`` and
``intra_class_diversity`` check quality and variety within each class. Introduced in lesson 07.

Used in lesson 07.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import scipy.spatial
from keras import layers

from gan_course._checks import array as _array
from gan_course.data import check_images, class_indices
from gan_course.metrics import check_features, fid_from_features
from gan_course.models import LOGIT_DTYPE

#: The discriminator's two ways of reading the label (``conditional_lean_discriminator(mode=...)``).
MODES = ("concat", "projection")


# ------------------------------------------------------------------- argument checks


def _int_arg(value, name: str, minimum: int, example: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} ({example}), got {value!r}")
    return int(value)


def _n_classes(n_classes) -> int:
    return _int_arg(n_classes, "n_classes", 2, "the number of labels, e.g. 10 for Fashion-MNIST")


def _width(width) -> int:
    if isinstance(width, (bool, np.bool_)) or not isinstance(width, (int, np.integer)) or width < 2 or width % 2:
        hint = f": use {width - 1} or {width + 1}" if isinstance(width, (int, np.integer)) and width > 2 else ""
        raise ValueError(
            f"width must be an even integer >= 2 (the first layer has width // 2 channels), e.g. 64, got {width!r}"
            + hint
        )
    return int(width)


def _image_shape(image_shape) -> tuple[int, int, int]:
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None
    if (
        shape is None
        or len(shape) != 3
        or any(isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)) or s <= 0 for s in shape)
    ):
        raise ValueError(
            f"image_shape must be (height, width, channels) of positive integers, e.g. (28, 28, 1), got {image_shape!r}"
        )
    h, w, c = (int(s) for s in shape)
    if h % 4 or w % 4:
        down, up = (h // 4 * 4, w // 4 * 4), (-(-h // 4) * 4, -(-w // 4) * 4)
        raise ValueError(
            f"image_shape must have height and width divisible by 4 (two stride-2 steps), got {shape}: "
            f"crop the images to {down} or pad them to {up}"
        )
    return h, w, c


# ------------------------------------------------------------------- the networks


def conditional_lean_generator(
    z_dim: int = 100,
    n_classes: int = 10,
    image_shape=(28, 28, 1),
    width: int = 64,
    *,
    embed_dim: int | None = None,
) -> keras.Model:
    """The lean DCGAN generator of lesson 03 with a class label: ``[z, y]`` -> images in [-1, 1].

    z is (batch, z_dim) noise, y (batch, 1) int32 class indices in [0, n_classes). The label goes
    through ``Embedding(n_classes, embed_dim)`` and is concatenated to z; the rest is
    ``models.dcgan_lean_generator``'s stack: Dense(H/4·W/4·width) -> BN -> LeakyReLU(0.2) -> reshape
    -> Conv2DTranspose width/2 4×4 s2 -> BN -> LeakyReLU(0.2) -> C 4×4 s2, tanh; output (batch, H, W, C).
    ``embed_dim`` defaults to ``n_classes``: enough room for every class to get its own direction
    (a one-hot code, as the toy models use, is one such embedding, here learned) and small next to
    z, so the label neither crowds out the noise nor adds many weights to the first Dense layer.
    Introduced in lesson 07.
    """
    z_dim = _int_arg(z_dim, "z_dim", 1, "the noise size, e.g. 100")
    n_classes = _n_classes(n_classes)
    h, w, c = _image_shape(image_shape)
    width = _width(width)
    embed_dim = n_classes if embed_dim is None else _int_arg(embed_dim, "embed_dim", 1, "e.g. n_classes or 50")
    z = keras.Input((z_dim,), name="z")
    y = keras.Input((1,), dtype="int32", name="label")
    label = layers.Flatten()(layers.Embedding(n_classes, embed_dim, name="label_embedding")(y))
    x = layers.Concatenate()([z, label])
    x = layers.Dense(h // 4 * w // 4 * width, use_bias=False)(x)
    x = layers.LeakyReLU(negative_slope=0.2)(layers.BatchNormalization()(x))
    x = layers.Reshape((h // 4, w // 4, width))(x)
    x = layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(negative_slope=0.2)(layers.BatchNormalization()(x))
    images = layers.Conv2DTranspose(c, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model([z, y], images, name="conditional_lean_generator")


def _trunk(x, width: int, sn):
    """The lean discriminator's convolutions, flattened: phi(x)."""
    x = layers.LeakyReLU(negative_slope=0.2)(sn(layers.Conv2D(width // 2, 4, strides=2, padding="same"))(x))
    x = layers.LeakyReLU(negative_slope=0.2)(sn(layers.Conv2D(width, 4, strides=2, padding="same"))(x))
    return layers.Flatten(name="features")(x)


def conditional_lean_discriminator(
    n_classes: int = 10,
    image_shape=(28, 28, 1),
    width: int = 64,
    *,
    mode: str = "projection",
    spectral_norm: bool = False,
) -> keras.Model:
    """The lean DCGAN discriminator of lesson 03 with a class label: ``[x, y]`` -> one logit (batch, 1).

    x is (batch, H, W, C) in [-1, 1], y (batch, 1) int32 class indices. Both modes share
    ``models.dcgan_lean_discriminator``'s trunk: Conv2D width/2 4×4 s2 -> LeakyReLU(0.2) -> Conv2D
    width 4×4 s2 -> LeakyReLU(0.2) -> Flatten, the features phi (layer ``"features"``).

    ``mode="concat"``: y goes through ``Embedding(n_classes, H·W)``, is reshaped to an H × W map and
    joins the image as one more channel; then trunk -> Dense(1).
    ``mode="projection"`` (Miyato & Koyama 2018): the trunk sees the image only, and
    D(x, y) = w·phi(x) + b + e_y·phi(x), with e_y row y of ``Embedding(n_classes, dim phi)``
    (layers ``"logit"``, ``"class_embedding"`` and ``"projection"``). The label asks "does x look
    like class y?" directly in feature space instead of being mixed into the pixels; the paper
    sums ReLU features over positions, here phi is the lean trunk's flattened features.

    As in ``models.dcgan_lean_discriminator``, ``spectral_norm`` (lesson 06) wraps every Conv2D and
    Dense in Keras' ``layers.SpectralNormalization`` (not the embeddings: the wrapper casts its output
    to its input's dtype, the labels' int32), and the logit is computed in float32
    (``models.LOGIT_DTYPE``) under a mixed-precision policy. Introduced in lesson 07.
    """
    n_classes = _n_classes(n_classes)
    h, w, c = _image_shape(image_shape)
    width = _width(width)
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(repr(m) for m in MODES)}")
    if not isinstance(spectral_norm, bool):
        raise ValueError(f"spectral_norm must be True or False, got {spectral_norm!r}")

    def sn(layer):  # the wrapper computes in its layer's dtype, as in models.dcgan_lean_discriminator
        return layers.SpectralNormalization(layer, dtype=layer.dtype_policy) if spectral_norm else layer

    x = keras.Input((h, w, c), name="image")
    y = keras.Input((1,), dtype="int32", name="label")
    if mode == "concat":
        label_map = layers.Reshape((h, w, 1))(layers.Embedding(n_classes, h * w, name="label_embedding")(y))
        phi = _trunk(layers.Concatenate(axis=-1)([x, label_map]), width, sn)
        logit = sn(layers.Dense(1, name="logit", dtype=LOGIT_DTYPE))(phi)
    else:
        phi = _trunk(x, width, sn)
        embedding = layers.Embedding(n_classes, phi.shape[-1], name="class_embedding", dtype=LOGIT_DTYPE)
        embedded = layers.Flatten(dtype=LOGIT_DTYPE)(embedding(y))
        projection = layers.Dot(axes=1, name="projection", dtype=LOGIT_DTYPE)([embedded, phi])
        linear = sn(layers.Dense(1, name="logit", dtype=LOGIT_DTYPE))(phi)
        logit = layers.Add(name="logit_sum", dtype=LOGIT_DTYPE)([linear, projection])
    name = f"conditional_lean_discriminator_{mode}" + ("_sn" if spectral_norm else "")
    return keras.Model([x, y], logit, name=name)


# ------------------------------------------------------------------- between two classes


def _label_embedding(generator):
    """The ``Embedding`` that reads a conditional generator's label input, and the layer that joins its output to z."""
    inputs = list(getattr(generator, "inputs", None) or [])
    if len(inputs) != 2:
        raise ValueError(
            "interpolate_classes needs a conditional generator that takes [z, y], e.g. "
            f"conditional_lean_generator(); this one takes {len(inputs)} input(s)"
        )
    found = [layer for layer in generator.layers if isinstance(layer, layers.Embedding) and layer.input is inputs[1]]
    joins = [layer for layer in generator.layers if isinstance(layer, layers.Concatenate)]
    if len(found) != 1 or not joins:
        raise ValueError(
            "interpolate_classes needs a generator whose label goes through one Embedding that is joined to z "
            "(as in conditional_lean_generator): it blends two rows of that embedding"
        )
    return found[0], joins[0]


def _label_vector_generator(generator) -> keras.Model:
    """``generator`` with its label lookup cut off: ``[z, e]`` -> images, e (batch, embed_dim) a label vector.

    A ``conditional_lean_generator`` turns the class index y into e_y, row y of its label
    embedding, and joins it to z; this model takes e directly, so e may lie between two rows.
    It shares the generator's layers and weights (nothing is copied). Introduced in lesson 07.
    """
    _, join = _label_embedding(generator)
    z_input, label_vector = join.input  # the noise and the flattened embedding row, as the generator joins them
    return keras.Model([z_input, label_vector], generator.outputs[0], name=f"{generator.name}_from_label_vectors")


def interpolate_classes(generator, z, class_a: int, class_b: int, steps: int = 8) -> np.ndarray:
    """From class ``class_a`` to ``class_b`` with the noise fixed: G(z, (1 - t)·e_a + t·e_b) for ``steps`` t in [0, 1].

    ``z`` is one noise vector (z_dim,); e_a and e_b are rows of the generator's label embedding, so
    the first image is G(z, class_a) and the last G(z, class_b) exactly, and in between the
    generator sees label vectors it was never trained on. Returns float32 (steps, H, W, C) in
    [-1, 1]. Introduced in lesson 07.
    """
    embedding, _ = _label_embedding(generator)
    n_classes = int(embedding.input_dim)
    z_dim = int(generator.inputs[0].shape[-1])
    a = _int_arg(class_a, "class_a", 0, f"a class index in [0, {n_classes})")
    b = _int_arg(class_b, "class_b", 0, f"a class index in [0, {n_classes})")
    for name, k in (("class_a", a), ("class_b", b)):
        if k >= n_classes:
            raise ValueError(f"{name} must lie in [0, {n_classes}) (the generator's classes), got {k}")
    steps = _int_arg(steps, "steps", 2, "e.g. 8")
    z = _array(z, "z").astype(np.float32)
    if z.size != z_dim:
        raise ValueError(f"z must be one noise vector of length {z_dim} (the generator's z_dim), got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("z contains NaN or Inf: draw finite noise, e.g. np.random.default_rng(0).normal(size=z_dim)")
    rows = np.asarray(embedding.embeddings)
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    vectors = ((1 - t) * rows[a] + t * rows[b]).astype(np.float32)
    noise = np.repeat(z.reshape(1, z_dim), steps, axis=0)
    return np.asarray(_label_vector_generator(generator)([noise, vectors], training=False))


# ------------------------------------------------------------------- class fidelity


def _labels(labels, name: str, n_classes: int, n: int | None = None, what: str = "images") -> np.ndarray:
    """Class indices (N,) or (N, 1) as int64 (N,) in [0, n_classes), or a ValueError naming ``name``."""
    try:
        arr = class_indices(labels, name, n_classes)
    except TypeError as err:  # _array's "could not be turned into one array"
        raise ValueError(str(err)) from None
    if n is not None and len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} labels but there are {n} {what}: give one label per sample")
    return arr


@dataclass(frozen=True, eq=False)
class ClassFidelity:
    """How often a conditional generator draws the class it was asked for: ``class_fidelity``'s result.

    ``overall``: share of images whose predicted class (the classifier's argmax) is the requested
    one. ``counts`` (n_classes,): images requested per class. ``per_class`` (n_classes,): that share
    within each requested class, NaN for a class never requested (its count is 0). ``confusion``
    (n_classes, n_classes): rows requested class, columns predicted class, counts. ``worst``: the
    requested class with the lowest share. The arrays are read-only. Introduced in lesson 07.
    """

    overall: float
    per_class: np.ndarray
    counts: np.ndarray
    confusion: np.ndarray
    class_names: tuple[str, ...] | None = None

    @property
    def n_classes(self) -> int:
        """The number of classes."""
        return len(self.counts)

    @property
    def worst(self) -> tuple[int, float]:
        """(class index, share) of the requested class drawn correctly least often; ties go to the lower index."""
        k = int(np.nanargmin(self.per_class))
        return k, float(self.per_class[k])

    def _name(self, k: int) -> str:
        return f"{k} {self.class_names[k]}" if self.class_names else str(k)

    def __str__(self) -> str:
        total = int(self.counts.sum())
        k, share = self.worst
        rows = [
            f"class fidelity {self.overall:.1%} of {total} images (chance {1 / self.n_classes:.1%}); "
            f"worst class {self._name(k)} at {share:.1%}",
            f"  {'requested':<18}{'images':>7}{'drawn':>8}  most often drawn instead",
        ]
        for c in range(self.n_classes):
            if self.counts[c] == 0:
                rows.append(f"  {self._name(c):<18}{0:>7}{'-':>8}")
                continue
            misses = self.confusion[c].copy()
            misses[c] = 0
            instead = (
                f"{self._name(int(misses.argmax()))} ({misses.max() / self.counts[c]:.0%})" if misses.any() else ""
            )
            rows.append(f"  {self._name(c):<18}{int(self.counts[c]):>7}{self.per_class[c]:>8.1%}  {instead}".rstrip())
        return "\n".join(rows)


def class_fidelity_from_logits(logits, requested, n_classes: int = 10, class_names=None) -> ClassFidelity:
    """``ClassFidelity`` of predictions ``logits`` (N, n_classes) for images requested as classes ``requested`` (N,).

    The prediction is each row's argmax (logits or probabilities give the same). ``requested``
    holds integer class indices in [0, n_classes), shape (N,) or (N, 1). A generator that ignores
    its label scores about 1 / n_classes when every class is requested equally often, whatever
    it draws. Introduced in lesson 07.
    """
    n_classes = _n_classes(n_classes)
    logits = check_features(logits, "logits", min_samples=1)
    if logits.shape[1] != n_classes:
        raise ValueError(
            f"logits must have one column per class, {n_classes}, got shape {logits.shape}: pass the "
            f"classifier's logits (N, n_classes), or set n_classes={logits.shape[1]} if that is the number of classes"
        )
    requested = _labels(requested, "requested", n_classes, len(logits), what="rows of logits")
    if class_names is not None:
        class_names = tuple(str(name) for name in class_names)
        if len(class_names) != n_classes:
            raise ValueError(f"class_names must name all {n_classes} classes, got {len(class_names)} names")
    predicted = logits.argmax(axis=1)
    confusion = np.bincount(requested * n_classes + predicted, minlength=n_classes * n_classes)
    confusion = confusion.reshape(n_classes, n_classes)
    counts = confusion.sum(axis=1)
    correct = np.diag(confusion)
    per_class = np.full(n_classes, np.nan)
    per_class[counts > 0] = correct[counts > 0] / counts[counts > 0]
    for arr in (per_class, counts, confusion):
        arr.setflags(write=False)
    return ClassFidelity(float(correct.sum() / len(requested)), per_class, counts, confusion, class_names)


def class_fidelity(classifier, images, requested, n_classes: int = 10, class_names=None) -> ClassFidelity:
    """Does the generator draw what it is asked for? ``ClassFidelity`` of ``images`` made for classes ``requested``.

    ``classifier`` is anything with ``.logits(images)`` -> (N, n_classes), e.g.
    ``features.load_classifier()``; images (N, H, W, C) in [-1, 1], as the classifier takes them;
    ``requested`` (N,) the labels given to the generator. The score is only as good as the
    classifier: compare it with the classifier's accuracy on real images
    (``classifier.accuracy``), the most a perfect generator can expect. Introduced in lesson 07.
    """
    if not callable(getattr(classifier, "logits", None)):
        raise ValueError(
            f"classifier must have a .logits(images) method returning (N, n_classes), got {type(classifier).__name__}: "
            "use gan_course.features.load_classifier(), or class_fidelity_from_logits for logits you already have"
        )
    n_classes = _n_classes(n_classes)
    images = _array(images, "images")
    if images.ndim < 2:
        raise ValueError(f"images must be a batch (N, H, W, C), got shape {images.shape}")
    if images.ndim == 4:  # in [-1, 1], finite, float: what the classifier was trained on
        images = check_images(images, "images")
    requested = _labels(requested, "requested", n_classes, len(images))
    return class_fidelity_from_logits(np.asarray(classifier.logits(images)), requested, n_classes, class_names)


# ------------------------------------------------------------------- quality and variety per class


def _features_and_labels(features, labels, names: tuple[str, str], n_classes: int):
    features = check_features(features, names[0], min_samples=1)
    labels = _labels(labels, names[1], n_classes, len(features), what=f"rows of {names[0]}")
    return features.astype(np.float64), labels


def per_class_fid(real_features, real_labels, fake_features, fake_labels, n_classes: int = 10) -> np.ndarray:
    """FID within each class: ``metrics.fid_from_features`` on the real and generated features of class k.

    Features (N, d) from any extractor, labels (N,) class indices (for generated images, the
    requested ones). Returns float64 (n_classes,). Each class needs at least 2 samples on both
    sides (``ValueError`` otherwise). Beware the sample size (lesson 05): each class has about
    1 / n_classes of the samples, and FID is biased upward at small N, so per-class FIDs are
    larger than the overall FID and comparable only at the same number of samples per class.
    With fewer samples than feature dimensions the covariance is singular; the value is then
    computed with a small ridge and a warning, and says little: use at least d samples per class
    (128 for the course's classifier). Introduced in lesson 07.
    """
    n_classes = _n_classes(n_classes)
    real, real_labels = _features_and_labels(real_features, real_labels, ("real_features", "real_labels"), n_classes)
    fake, fake_labels = _features_and_labels(fake_features, fake_labels, ("fake_features", "fake_labels"), n_classes)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"feature dimensions differ: {real.shape[1]} (real) and {fake.shape[1]} (generated): "
            "extract both sets with the same extractor"
        )
    real_counts = np.bincount(real_labels, minlength=n_classes)
    fake_counts = np.bincount(fake_labels, minlength=n_classes)
    short = [k for k in range(n_classes) if min(real_counts[k], fake_counts[k]) < 2]
    if short:
        k = short[0]
        raise ValueError(
            f"class {k} has {real_counts[k]} real and {fake_counts[k]} generated samples "
            f"(classes short of 2: {short}): "
            "per-class FID needs at least 2 samples of every class on both sides, and many more (at least the "
            "number of feature dimensions) to mean much: generate every class, e.g. with latent.class_rows"
        )
    return np.array(
        [fid_from_features(real[real_labels == k], fake[fake_labels == k]) for k in range(n_classes)],
        dtype=np.float64,
    )


def _mean_distance(points: np.ndarray, max_pairs: int, rng: np.random.Generator) -> float:
    n = len(points)
    if n * (n - 1) // 2 <= max_pairs:
        return float(scipy.spatial.distance.pdist(points).mean())
    i = rng.integers(n, size=max_pairs)
    j = rng.integers(n - 1, size=max_pairs)
    j += j >= i  # uniform over pairs i != j
    return float(np.linalg.norm(points[i] - points[j], axis=1).mean())


def intra_class_diversity(
    features, labels, n_classes: int = 10, max_pairs_per_class: int = 20_000, seed: int = 0
) -> np.ndarray:
    """Variety within each class: the mean Euclidean distance between two feature vectors of the same class.

    Features (N, d), labels (N,) class indices; returns float64 (n_classes,). A generator that
    draws one image per class scores 0; compare each class's value for generated images with
    that for real ones. Every pair is used when a class has at most ``max_pairs_per_class``
    pairs, otherwise that many random pairs (seeded by ``seed`` and the class, so the result
    repeats), an unbiased estimate. Each class needs at least 2 samples. Introduced in lesson 07.
    """
    n_classes = _n_classes(n_classes)
    max_pairs = _int_arg(max_pairs_per_class, "max_pairs_per_class", 1, "e.g. 20000")
    seed = _int_arg(seed, "seed", 0, "e.g. 0")
    features, labels = _features_and_labels(features, labels, ("features", "labels"), n_classes)
    counts = np.bincount(labels, minlength=n_classes)
    short = [k for k in range(n_classes) if counts[k] < 2]
    if short:
        raise ValueError(
            f"class {short[0]} has {counts[short[0]]} sample(s) (classes short of 2: {short}): a distance needs "
            "at least 2 samples of every class: generate every class, e.g. with latent.class_rows"
        )
    return np.array(
        [_mean_distance(features[labels == k], max_pairs, np.random.default_rng((seed, k))) for k in range(n_classes)],
        dtype=np.float64,
    )
