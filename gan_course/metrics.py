"""Sample-quality metrics on features: Fréchet distance (FID), KID, classifier score,
precision and recall, and for toy data and class labels, mode coverage and the class
distribution. Features are (N, d) arrays from any extractor.

Introduced in lesson 05 (FID, KID, classifier score, precision and recall); lesson 04
introduces ``mode_coverage`` and ``class_distribution``.

Used in lessons 02, 04, 05, 07, 08, 09 and 10.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.linalg.blas
import scipy.spatial
import scipy.special

from gan_course._checks import array as _array
from gan_course._checks import integer as _integer
from gan_course._checks import number as _number
from gan_course.data import class_indices

# A covariance is positive semi-definite; rounding can make its smallest eigenvalues
# slightly negative, by about 1e-16 (float64) or 1e-7 (float32) of its size. Anything more
# negative than this share of the matrices' size is a real error, not rounding.
_PSD_TOLERANCE = 1e-6


def check_features(features, name: str = "features", min_samples: int = 2) -> np.ndarray:
    """Check features (N, d) of real numbers, finite, with N >= ``min_samples``; return them as an array.

    Raises a ``ValueError`` (``TypeError`` for non-numbers) that names ``name``, what it got
    and the fix. Used at the boundary of every metric and by ``callbacks.FIDTracker``.
    Introduced in lesson 05.
    """
    min_samples = _integer(min_samples, "min_samples", minimum=1)
    arr = _array(features, name)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}: pass the extractor's float output")
    if arr.ndim == 1 and arr.size:
        raise ValueError(
            f"{name} must have shape (N, d), got {arr.shape}: one feature vector? use x[None]; "
            "one number per sample? use x[:, None]"
        )
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (N, d), got {arr.shape}: flatten or pool the features first")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} have no feature dimensions (shape {arr.shape}): check the extractor")
    if len(arr) < min_samples:
        why = " to estimate a covariance" if min_samples == 2 else ""
        raise ValueError(f"{name} need at least {min_samples} samples{why}, got {len(arr)}: pass more samples")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contain NaN or Inf: check the generator's output and the extractor")
    return arr


def _same_dimension(real: np.ndarray, fake: np.ndarray) -> None:
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"feature dimensions differ: {real.shape[1]} (real) and {fake.shape[1]} (generated): "
            "extract both sets with the same extractor"
        )


def _finite_result(value: float, what: str, scale: float) -> float:
    """Refuse to return NaN or Inf: for finite inputs that can only be an overflow."""
    if not np.isfinite(value):
        raise ValueError(
            f"{what} overflowed (features as large as {scale:.3g}): divide the features by a common scale, "
            "which changes the value by the square of that scale"
        )
    return float(value)


def _check_stats(mu, sigma, n: str):
    m, s = f"mu{n}", f"sigma{n}"
    mu, sigma = _array(mu, f"{m} (the mean)"), _array(sigma, f"{s} (the covariance)")
    for what, arr in ((m, mu), (s, sigma)):
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{what} must be real numbers, got dtype {arr.dtype}")
    mu, sigma = mu.astype(np.float64), sigma.astype(np.float64)
    if mu.ndim != 1 or mu.size == 0:
        raise ValueError(f"{m}: the mean must be a vector of shape (d,), got {mu.shape}")
    if sigma.shape != (mu.size, mu.size):
        raise ValueError(
            f"{s}: the covariance must have shape ({mu.size}, {mu.size}) to match {m}, got {sigma.shape}"
            + (": for one dimension pass [[variance]]" if mu.size == 1 else "")
        )
    for what, arr in ((m, mu), (s, sigma)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what} contains NaN or Inf: compute it from finite features")
    return mu, (sigma + sigma.T) / 2


def _not_psd(which: str, smallest: float, largest: float) -> ValueError:
    return ValueError(
        f"the {which} covariance is not positive semi-definite (an eigenvalue of {smallest:.3g}, against a size "
        f"of {largest:.3g}), so it is not a covariance matrix: pass the covariance (e.g. from "
        "feature_statistics or np.cov(x, rowvar=False)), not a standard deviation, a correlation of differences "
        "or an edited matrix"
    )


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), in float64.

    d² = |mu1 - mu2|² + Tr(sigma1) + Tr(sigma2) - 2 Tr((sigma1 sigma2)^½).

    The trace of the matrix square root is computed without forming it: with a Cholesky
    factor sigma1 = L Lᵀ, the product sigma1 sigma2 has the same eigenvalues as the
    symmetric matrix Lᵀ sigma2 L, so Tr((sigma1 sigma2)^½) is the sum of the square roots
    of its eigenvalues (``eigvalsh``, eigenvalues only). That avoids scipy's general
    ``sqrtm`` and is many times faster at d = 2048 (benchmarks/fid_speed.py). If sigma1 is
    singular (e.g. fewer samples than dimensions) ``eps`` is added to both diagonals, with
    a warning. Rounding can never make the result negative or complex. A matrix that is
    not positive semi-definite beyond rounding is not a covariance: ``ValueError``. (Lᵀ
    sigma2 L has as many negative eigenvalues as sigma2, so that check costs nothing.)
    Introduced in lesson 05.
    """
    mu1, sigma1 = _check_stats(mu1, sigma1, "1")
    mu2, sigma2 = _check_stats(mu2, sigma2, "2")
    eps = _number(eps, "eps", minimum=0.0)
    if mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 have different dimensions: {mu1.size} and {mu2.size}: use one extractor")
    size1 = max(np.linalg.norm(sigma1), np.finfo(float).tiny)
    size2 = max(np.linalg.norm(sigma2), np.finfo(float).tiny)
    try:
        factor = np.linalg.cholesky(sigma1)
    except np.linalg.LinAlgError:
        smallest = float(np.linalg.eigvalsh(sigma1)[0])
        if smallest < -_PSD_TOLERANCE * size1:
            raise _not_psd("first", smallest, size1) from None
        offset = max(eps, -2.0 * smallest)  # rounding may leave eigenvalues below -eps on large features
        warnings.warn(
            f"the first covariance is singular (fewer samples than feature dimensions, or features that "
            f"never vary); adding {offset:g} to both diagonals. Use more samples than dimensions for a "
            "trustworthy FID.",
            RuntimeWarning,
            stacklevel=2,
        )
        sigma1, sigma2 = sigma1 + offset * np.eye(mu1.size), sigma2 + offset * np.eye(mu1.size)
        try:
            factor = np.linalg.cholesky(sigma1)
        except np.linalg.LinAlgError:
            raise ValueError(
                f"the first covariance is singular and adding eps={eps:g} does not help: pass eps > 0 "
                "(the default is 1e-6), or use more samples than feature dimensions"
            ) from None
    # Lᵀ sigma2 L with triangular multiplies (BLAS trmm: half the work of general products)
    product = scipy.linalg.blas.dtrmm(1.0, factor, sigma2, side=1, lower=1)
    product = scipy.linalg.blas.dtrmm(1.0, factor, product, side=0, lower=1, trans_a=1)
    eigenvalues = np.linalg.eigvalsh(product)
    if eigenvalues[0] < -_PSD_TOLERANCE * size1 * size2:
        raise _not_psd("second", float(eigenvalues[0]), size2)
    trace_sqrt = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    diff = mu1 - mu2
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by _finite_result
        value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt
    scale = max(np.abs(mu1).max(), np.abs(mu2).max(), size1, size2)
    return _finite_result(max(value, 0.0), "the Fréchet distance", scale)


def frechet_distance_sqrtm(mu1, sigma1, mu2, sigma2) -> float:
    """The textbook route through ``scipy.linalg.sqrtm``: the reference that the tests and
    benchmarks/fid_speed.py compare ``frechet_distance`` against. Introduced in lesson 05."""
    mu1, sigma1 = _check_stats(mu1, sigma1, "1")
    mu2, sigma2 = _check_stats(mu2, sigma2, "2")
    if mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 have different dimensions: {mu1.size} and {mu2.size}: use one extractor")
    for which, sigma in (("first", sigma1), ("second", sigma2)):
        eigenvalues, size = np.linalg.eigvalsh(sigma), max(np.linalg.norm(sigma), np.finfo(float).tiny)
        if eigenvalues[0] < -_PSD_TOLERANCE * size:
            raise _not_psd(which, float(eigenvalues[0]), size)
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    diff = mu1 - mu2
    return float(np.real(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean)))


class _FeatureStats:
    """Running mean and covariance of features, accumulated batch by batch in float64.

    Memory is O(d²) whatever the number of samples, so N = 50 000 is no problem. Each
    batch is centred on its own mean and merged with Chan et al.'s update (the parallel
    form of Welford's algorithm), so a large common offset (features around 1e7 that vary
    by 1) costs no precision, unlike the one-pass formula Σxxᵀ - N·mean·meanᵀ.
    """

    def __init__(self):
        self.n = 0
        self._mean = None
        self._scatter = None  # Σ (x - mean)(x - mean)ᵀ over all samples so far

    def update(self, features) -> _FeatureStats:
        """Add a batch of features (batch, d); an empty batch changes nothing. Returns ``self``."""
        arr = _array(features, "features")
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"features must be real numbers, got dtype {arr.dtype}")
        if arr.ndim != 2:
            hint = ": one feature vector? use x[None]" if arr.ndim == 1 else ""
            raise ValueError(f"features must have shape (batch, d), got {arr.shape}{hint}")
        if arr.shape[1] == 0:
            raise ValueError(f"features have no feature dimensions (shape {arr.shape}): check the extractor")
        if self._mean is not None and arr.shape[1] != self._mean.size:
            raise ValueError(
                f"feature dimension changed from {self._mean.size} to {arr.shape[1]}: use one extractor throughout"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError("features contain NaN or Inf: check the generator's output and the extractor")
        if len(arr) == 0:
            return self
        arr = arr.astype(np.float64)
        n_b = len(arr)
        mean_b = arr.mean(axis=0)
        centred = arr - mean_b
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by ``covariance``
            scatter_b = centred.T @ centred
        if self._mean is None:
            self.n, self._mean, self._scatter = n_b, mean_b, scatter_b
            return self
        n = self.n + n_b
        delta = mean_b - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._scatter = self._scatter + scatter_b + np.outer(delta, delta) * (self.n * n_b / n)
        self.n = n
        return self

    @property
    def mean(self) -> np.ndarray:
        """Mean (d,) of all features so far."""
        self._need(1)
        return self._mean.copy()

    @property
    def covariance(self) -> np.ndarray:
        """Unbiased sample covariance (d, d) (divides by N - 1)."""
        self._need(2)
        cov = self._scatter / (self.n - 1)
        if not np.all(np.isfinite(cov)):
            raise ValueError(
                "the covariance overflowed: the features are too large (beyond about 1e150); divide them by a "
                "common scale first"
            )
        return cov

    def _need(self, n):
        if self.n < n:
            raise ValueError(f"need at least {n} samples, have {self.n}: add more features with update()")


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean (d,) and unbiased covariance (d, d) of features (N, d), or of an iterable of batches.

    Batches are merged one by one in float64 (memory O(d²) whatever the number of samples, and no
    precision lost to a large common offset), so a FID of 50 000 samples never holds them all.
    Introduced in lesson 05.
    """
    if isinstance(features, (str, bytes)):
        raise TypeError(f"features must be an array (N, d) or an iterable of batches, got a string {features!r:.40}")
    if isinstance(features, (list, tuple)) and features:
        try:  # a nested list of numbers is one (N, d) array, not a list of batches
            as_array = np.asarray(features)
        except (ValueError, TypeError):
            as_array = None
        if as_array is not None and as_array.ndim == 2 and as_array.dtype != object:
            features = as_array
    stats = _FeatureStats()
    if isinstance(features, np.ndarray) or hasattr(features, "shape"):
        stats.update(check_features(features, "features"))
    else:
        try:
            batches = iter(features)
        except TypeError:
            raise TypeError(
                f"features must be an array (N, d) or an iterable of batches, got {type(features).__name__}"
            ) from None
        for i, batch in enumerate(batches):
            try:
                stats.update(batch)
            except (ValueError, TypeError) as err:
                raise type(err)(f"batch {i} of features: {err}") from err
    if stats.n < 2:
        raise ValueError(f"features need at least 2 samples to estimate a covariance, got {stats.n}")
    return stats.mean, stats.covariance


def fid_from_features(real_features, fake_features) -> float:
    """Fréchet distance between the Gaussians fitted to two feature sets (N, d). Introduced in lesson 05."""
    real = check_features(real_features, "real_features")
    fake = check_features(fake_features, "fake_features")
    _same_dimension(real, fake)
    return frechet_distance(*feature_statistics(real), *feature_statistics(fake))


def _mmd2(real, fake, m, d, rng) -> float:
    """Unbiased MMD² with the cubic polynomial kernel on one random subset of m from each set."""
    x = real[rng.choice(len(real), m, replace=False)]
    y = fake[rng.choice(len(fake), m, replace=False)]
    kxx, kyy, kxy = ((x @ x.T) / d + 1) ** 3, ((y @ y.T) / d + 1) ** 3, ((x @ y.T) / d + 1) ** 3
    return (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()


def kid(real_features, fake_features, subsets: int = 100, subset_size: int = 1000, seed: int = 0):
    """Kernel Inception Distance: unbiased MMD² with the kernel k(x, y) = (x·y / d + 1)³.

    Averaged over ``subsets`` random subsets of ``subset_size`` from each set (Bińkowski et
    al. 2018). Returns (mean, standard deviation) over the subsets. Unbiased: for two sets
    from the same distribution the mean is close to 0 and may be slightly negative. Both
    sets need at least ``subset_size`` samples (lower it for small sets).
    Introduced in lesson 05.
    """
    subsets = _integer(subsets, "subsets", minimum=1)
    subset_size = _integer(subset_size, "subset_size", minimum=2)
    seed = _integer(seed, "seed", minimum=0)
    real = check_features(real_features, "real_features").astype(np.float64)
    fake = check_features(fake_features, "fake_features").astype(np.float64)
    _same_dimension(real, fake)
    for what, arr in (("real", real), ("generated", fake)):
        if len(arr) < subset_size:
            raise ValueError(
                f"subset_size={subset_size} but the {what} features have only {len(arr)} samples: lower "
                f"subset_size to at most {min(len(real), len(fake))} (or pass more samples)"
            )
    m, d = subset_size, real.shape[1]
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by _finite_result
        values = [_mmd2(real, fake, m, d, rng) for _ in range(subsets)]
    scale = max(np.abs(real).max(), np.abs(fake).max())
    return _finite_result(np.mean(values), "KID", scale), _finite_result(np.std(values), "KID's spread", scale)


def classifier_score(logits, splits: int = 1) -> float:
    """exp(E_x KL(p(y|x) || p(y))): the Inception Score formula on any classifier's logits (N, classes).

    1 when every prediction is the same; the number of classes when predictions are
    confident and the classes balanced. ``splits`` (at most N) averages the score over
    that many parts. Introduced in lesson 05.
    """
    splits = _integer(splits, "splits", minimum=1)
    logits = check_features(logits, "logits", min_samples=1).astype(np.float64)
    if logits.shape[1] < 2:
        raise ValueError(
            f"logits must have one column per class (at least 2), got shape {logits.shape}: pass the classifier's "
            "logits (N, classes), not predicted labels"
        )
    if splits > len(logits):
        raise ValueError(
            f"splits={splits} is more than the {len(logits)} samples: use splits <= {len(logits)} "
            "(each split needs samples)"
        )
    if np.all(logits >= 0) and np.allclose(logits.sum(axis=1), 1.0):
        warnings.warn(
            "the logits look like probabilities (each row sums to 1); classifier_score applies softmax itself: "
            "pass logits, or np.log(probabilities)",
            UserWarning,
            stacklevel=2,
        )
    scores = []
    for part in np.array_split(logits, splits):
        p = scipy.special.softmax(part, axis=1)
        p_y = p.mean(axis=0, keepdims=True)
        kl = (scipy.special.rel_entr(p, p_y)).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores))


def _kth_neighbour_radii(points, k, batch=2048):
    radii = np.empty(len(points))
    for start in range(0, len(points), batch):
        d = scipy.spatial.distance.cdist(points[start : start + batch], points)
        radii[start : start + batch] = np.partition(d, k, axis=1)[:, k]  # column 0 is the point itself
    return radii


def _inside_any(queries, points, radii, batch=2048):
    inside = np.zeros(len(queries), dtype=bool)
    for start in range(0, len(queries), batch):
        d = scipy.spatial.distance.cdist(queries[start : start + batch], points)
        inside[start : start + batch] = (d <= radii[None, :]).any(axis=1)
    return inside


def precision_recall(real_features, fake_features, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019) with k-nearest-neighbour radii.

    Precision: fraction of generated samples inside the real manifold (a ball around some
    real sample with radius its distance to its k-th nearest real neighbour): quality.
    Recall: fraction of real samples inside the generated manifold: coverage.
    Introduced in lesson 05.
    """
    k = _integer(k, "k", minimum=1)
    real = check_features(real_features, "real_features").astype(np.float64)
    fake = check_features(fake_features, "fake_features").astype(np.float64)
    _same_dimension(real, fake)
    if k >= min(len(real), len(fake)):
        raise ValueError(
            f"k must be between 1 and the smaller set size - 1, got k={k} with {len(real)} real and "
            f"{len(fake)} generated samples: lower k or pass more samples"
        )
    precision = _inside_any(fake, real, _kth_neighbour_radii(real, k)).mean()
    recall = _inside_any(real, fake, _kth_neighbour_radii(fake, k)).mean()
    return float(precision), float(recall)


def fid(real_images, fake_images, extractor, batch_size: int = 500) -> float:
    """FID of generated images against real ones in the feature space of ``extractor``.

    ``extractor`` maps images (n, H, W, C) in [-1, 1] to features (n, d), e.g.
    ``gan_course.features.load_classifier()``. Compare FIDs only at the same number of
    samples and with the same extractor: both change the value (lesson 05).
    Introduced in lesson 05.
    """
    batch_size = _integer(batch_size, "batch_size", minimum=1)
    if not callable(extractor):
        raise TypeError(
            f"extractor must be a function from images to features, got {type(extractor).__name__}: "
            "e.g. gan_course.features.load_classifier()"
        )

    def extract(images, name):
        images = _array(images, name)
        if images.ndim < 2 or len(images) < 2:
            raise ValueError(f"{name} must be a batch of at least 2 images (N, H, W, C), got shape {images.shape}")
        batches = (images[i : i + batch_size] for i in range(0, len(images), batch_size))
        features = np.concatenate([np.asarray(extractor(batch)) for batch in batches])
        if len(features) != len(images):
            raise ValueError(f"the extractor returned {len(features)} feature rows for {len(images)} {name}")
        return features

    return fid_from_features(extract(real_images, "real images"), extract(fake_images, "generated images"))


@dataclass
class ModeCoverage:
    """Result of ``mode_coverage``: modes covered, fraction of high-quality samples, KL to uniform.

    Introduced in lesson 04.
    """

    modes_covered: int
    n_modes: int
    high_quality_fraction: float
    kl_to_uniform: float
    counts: np.ndarray

    def __str__(self) -> str:
        return (
            f"{self.modes_covered}/{self.n_modes} modes, {self.high_quality_fraction:.1%} high-quality, "
            f"KL to uniform {self.kl_to_uniform:.3f}"
        )


def _kl_to_uniform(counts: np.ndarray) -> float:
    """KL(p ‖ uniform) in nats of the distribution ``counts / counts.sum()``; inf if there are no counts."""
    total = counts.sum()
    if total == 0:
        return float("inf")
    p = counts / total
    return float(scipy.special.rel_entr(p, np.full(len(counts), 1 / len(counts))).sum())


def mode_coverage(samples, centers, std: float, threshold: float = 3.0) -> ModeCoverage:
    """Score 2-D (or d-D) samples against a Gaussian mixture, as VEEGAN and PacGAN do.

    A sample is *high quality* if its Euclidean distance to the nearest centre is below
    ``threshold × std``. ``modes_covered`` counts the centres that are the nearest centre of
    at least one high-quality sample; ``high_quality_fraction`` is the share of such samples;
    ``kl_to_uniform`` is KL(p ‖ uniform) of the high-quality samples' distribution over the
    modes (0 when they are spread evenly, log k when all sit on one mode, inf if there are
    none). The centres must be finite and distinct. Srivastava et al. 2017 (VEEGAN); Lin
    et al. 2018 (PacGAN). Introduced in lesson 04.
    """
    samples, centers = _array(samples, "samples"), _array(centers, "centers")
    for name, arr in (("samples", samples), ("centers", centers)):
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    samples, centers = samples.astype(np.float64), centers.astype(np.float64)
    if samples.ndim != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (n, d) with n >= 1, got {samples.shape}")
    if centers.ndim != 2 or len(centers) == 0 or centers.shape[1] == 0:
        raise ValueError(f"centers must have shape (k, d) with k >= 1 and d >= 1, got {centers.shape}")
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(f"samples are {samples.shape[1]}-D but centers are {centers.shape[1]}-D")
    try:
        std, threshold = _number(std, "std", positive=True), _number(threshold, "threshold", positive=True)
    except ValueError:
        raise ValueError(
            f"std and threshold must be positive, finite numbers, got std={std!r}, threshold={threshold!r}"
        ) from None
    if not np.all(np.isfinite(centers)):
        raise ValueError("centers contain NaN or Inf: every mode needs a finite centre")
    unique, first, counts = np.unique(centers, axis=0, return_index=True, return_counts=True)
    if len(unique) < len(centers):
        twice = unique[counts > 1][0]
        rows = np.flatnonzero(np.all(centers == twice, axis=1)).tolist()
        raise ValueError(
            f"centers rows {rows} are the same point {twice.tolist()}: each mode needs its own centre "
            "(duplicates would split its samples arbitrarily)"
        )
    if not np.all(np.isfinite(samples)):
        raise ValueError("samples contain NaN or Inf: the generator has diverged")
    distances = scipy.spatial.distance.cdist(samples, centers)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] < threshold * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return ModeCoverage(int((counts > 0).sum()), len(centers), float(good.mean()), _kl_to_uniform(counts), counts)


@dataclass
class _ClassDistribution:
    """How predicted labels spread over ``n_classes`` classes: the result of ``class_distribution``.

    ``counts`` (n_classes,) int, ``shares`` = counts / total, ``kl_to_uniform`` = KL(p ‖
    uniform) in nats (0 for a uniform spread, log(n_classes) when all fall in one class).
    """

    counts: np.ndarray
    shares: np.ndarray
    kl_to_uniform: float

    @property
    def n_classes(self) -> int:
        """The number of classes."""
        return len(self.counts)

    def classes_used(self, min_share: float = 0.01) -> int:
        """How many classes hold at least ``min_share`` of the labels (lesson 04 uses 1 %)."""
        min_share = _number(min_share, "min_share", minimum=0.0)
        if min_share > 1:
            raise ValueError(f"min_share is a fraction between 0 and 1, got {min_share:g}: for 1 % pass 0.01")
        return int((self.shares >= min_share).sum())

    def __str__(self) -> str:
        return (
            f"{self.classes_used()}/{self.n_classes} classes used (>= 1 %), largest share {self.shares.max():.0%}, "
            f"KL to uniform {self.kl_to_uniform:.3f}"
        )


def class_distribution(predicted_labels, n_classes: int) -> _ClassDistribution:
    """Counts, shares and KL to uniform of predicted class labels (N,) in [0, n_classes).

    A collapsed generator's samples fall into few classes: compare the result for
    generated images with that for real ones, e.g.
    ``class_distribution(classifier.logits(images).argmax(1), 10)``. KL(p ‖ uniform) is
    Σ pᵢ log(pᵢ · n_classes) in nats, the same measure as ``mode_coverage``'s.
    The result has ``counts``, ``shares``, ``kl_to_uniform``, ``n_classes`` and
    ``classes_used(min_share=0.01)``, and prints as one line.
    Introduced in lesson 04.
    """
    n_classes = _integer(n_classes, "n_classes", minimum=1)
    labels = class_indices(predicted_labels, "predicted_labels", n_classes, dtype_error=TypeError)
    counts = np.bincount(labels, minlength=n_classes)
    return _ClassDistribution(counts, counts / counts.sum(), _kl_to_uniform(counts))
