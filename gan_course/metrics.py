"""Sample-quality metrics on features: Fréchet distance (FID), KID, classifier score,
precision and recall. Features are (N, d) arrays from any extractor.

Introduced in lesson 05.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.linalg.blas
import scipy.spatial
import scipy.special


def _check_features(features, name: str) -> np.ndarray:
    arr = np.asarray(features)
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (N, d), got {arr.shape}: flatten or pool the features first")
    if len(arr) < 2:
        raise ValueError(f"{name} need at least 2 samples to estimate a covariance, got {len(arr)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contain NaN or Inf: check the generator's output and the extractor")
    return arr


def _check_stats(mu, sigma, name: str):
    mu, sigma = np.asarray(mu, dtype=np.float64), np.asarray(sigma, dtype=np.float64)
    if mu.ndim != 1:
        raise ValueError(f"{name}: the mean must be a vector of shape (d,), got {mu.shape}")
    if sigma.shape != (mu.size, mu.size):
        raise ValueError(
            f"{name}: the covariance must have shape ({mu.size}, {mu.size}) to match the mean, got {sigma.shape}"
        )
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError(f"{name}: mean or covariance contain NaN or Inf")
    return mu, (sigma + sigma.T) / 2


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), in float64.

    d² = |mu1 - mu2|² + Tr(sigma1) + Tr(sigma2) - 2 Tr((sigma1 sigma2)^½).

    The trace of the matrix square root is computed without forming it: with a Cholesky
    factor sigma1 = L Lᵀ, the product sigma1 sigma2 has the same eigenvalues as the
    symmetric matrix Lᵀ sigma2 L, so Tr((sigma1 sigma2)^½) is the sum of the square roots
    of its eigenvalues (``eigvalsh``, eigenvalues only). That avoids scipy's general
    ``sqrtm`` and is many times faster at d = 2048 (benchmarks/fid_speed.py). If sigma1 is
    singular (e.g. fewer samples than dimensions) ``eps`` is added to both diagonals, with
    a warning. Rounding can never make the result negative or complex.
    """
    mu1, sigma1 = _check_stats(mu1, sigma1, "first distribution")
    mu2, sigma2 = _check_stats(mu2, sigma2, "second distribution")
    if mu1.shape != mu2.shape:
        raise ValueError(f"the two distributions have different dimensions: {mu1.size} and {mu2.size}")
    try:
        factor = np.linalg.cholesky(sigma1)
    except np.linalg.LinAlgError:
        warnings.warn(
            f"the first covariance is singular (fewer samples than feature dimensions, or features that "
            f"never vary); adding {eps:g} to both diagonals. Use more samples than dimensions for a "
            "trustworthy FID.",
            RuntimeWarning,
            stacklevel=2,
        )
        offset = eps * np.eye(mu1.size)
        sigma1, sigma2 = sigma1 + offset, sigma2 + offset
        factor = np.linalg.cholesky(sigma1)
    # Lᵀ sigma2 L with triangular multiplies (BLAS trmm: half the work of general products)
    product = scipy.linalg.blas.dtrmm(1.0, factor, sigma2, side=1, lower=1)
    product = scipy.linalg.blas.dtrmm(1.0, factor, product, side=0, lower=1, trans_a=1)
    eigenvalues = np.linalg.eigvalsh(product)
    trace_sqrt = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    diff = mu1 - mu2
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt
    return float(max(value, 0.0))


def frechet_distance_sqrtm(mu1, sigma1, mu2, sigma2) -> float:
    """The textbook route through ``scipy.linalg.sqrtm``: the reference that the tests and
    benchmarks/fid_speed.py compare ``frechet_distance`` against."""
    mu1, sigma1 = _check_stats(mu1, sigma1, "first distribution")
    mu2, sigma2 = _check_stats(mu2, sigma2, "second distribution")
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    diff = mu1 - mu2
    return float(np.real(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean)))


class FeatureStats:
    """Running mean and covariance of features, accumulated batch by batch in float64.

    Memory is O(d²) whatever the number of samples, so N = 50 000 is no problem.
    """

    def __init__(self):
        self.n = 0
        self._sum = None
        self._outer = None

    def update(self, features) -> FeatureStats:
        arr = np.asarray(features)
        if arr.ndim != 2:
            raise ValueError(f"features must have shape (batch, d), got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("features contain NaN or Inf: check the generator's output and the extractor")
        arr = arr.astype(np.float64)
        if self._sum is None:
            self._sum, self._outer = np.zeros(arr.shape[1]), np.zeros((arr.shape[1], arr.shape[1]))
        elif arr.shape[1] != self._sum.size:
            raise ValueError(f"feature dimension changed from {self._sum.size} to {arr.shape[1]}")
        self.n += len(arr)
        self._sum += arr.sum(axis=0)
        self._outer += arr.T @ arr
        return self

    @property
    def mean(self) -> np.ndarray:
        self._need(1)
        return self._sum / self.n

    @property
    def covariance(self) -> np.ndarray:
        """Unbiased sample covariance (divides by N - 1)."""
        self._need(2)
        mean = self.mean
        return (self._outer - self.n * np.outer(mean, mean)) / (self.n - 1)

    def _need(self, n):
        if self.n < n:
            raise ValueError(f"need at least {n} samples, have {self.n}")


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean (d,) and unbiased covariance (d, d) of features (N, d), or of an iterable of batches."""
    stats = FeatureStats()
    if isinstance(features, np.ndarray) or hasattr(features, "shape"):
        stats.update(_check_features(features, "features"))
    else:
        for batch in features:
            stats.update(batch)
    return stats.mean, stats.covariance


def fid_from_features(real_features, fake_features) -> float:
    """Fréchet distance between the Gaussians fitted to two feature sets (N, d)."""
    real = _check_features(real_features, "real features")
    fake = _check_features(fake_features, "generated features")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature dimensions differ: {real.shape[1]} (real) and {fake.shape[1]} (generated)")
    return frechet_distance(*feature_statistics(real), *feature_statistics(fake))


def kid(real_features, fake_features, subsets: int = 100, subset_size: int = 1000, seed: int = 0):
    """Kernel Inception Distance: unbiased MMD² with the kernel k(x, y) = (x·y / d + 1)³.

    Averaged over ``subsets`` random subsets of ``subset_size`` from each set (Bińkowski et
    al. 2018). Returns (mean, standard deviation) over the subsets. Unbiased: for two sets
    from the same distribution the mean is close to 0 and may be slightly negative.
    """
    real = _check_features(real_features, "real features").astype(np.float64)
    fake = _check_features(fake_features, "generated features").astype(np.float64)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature dimensions differ: {real.shape[1]} (real) and {fake.shape[1]} (generated)")
    m = min(subset_size, len(real), len(fake))
    d = real.shape[1]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        kxx, kyy, kxy = ((x @ x.T) / d + 1) ** 3, ((y @ y.T) / d + 1) ** 3, ((x @ y.T) / d + 1) ** 3
        values.append(
            (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()
        )
    return float(np.mean(values)), float(np.std(values))


def classifier_score(logits, splits: int = 1) -> float:
    """exp(E_x KL(p(y|x) || p(y))): the Inception Score formula on any classifier's logits (N, classes).

    1 when every prediction is the same; the number of classes when predictions are
    confident and the classes balanced.
    """
    logits = _check_features(logits, "logits").astype(np.float64)
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
    """
    real = _check_features(real_features, "real features").astype(np.float64)
    fake = _check_features(fake_features, "generated features").astype(np.float64)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature dimensions differ: {real.shape[1]} (real) and {fake.shape[1]} (generated)")
    if k < 1 or k >= min(len(real), len(fake)):
        raise ValueError(f"k must be between 1 and the smaller set size - 1, got k={k}")
    precision = _inside_any(fake, real, _kth_neighbour_radii(real, k)).mean()
    recall = _inside_any(real, fake, _kth_neighbour_radii(fake, k)).mean()
    return float(precision), float(recall)


def fid(real_images, fake_images, extractor, batch_size: int = 500) -> float:
    """FID of generated images against real ones in the feature space of ``extractor``.

    ``extractor`` maps images (n, H, W, C) in [-1, 1] to features (n, d), e.g.
    ``gan_course.features.load_classifier()``. Compare FIDs only at the same number of
    samples and with the same extractor: both change the value (lesson 05).
    """
    def extract(images):
        images = np.asarray(images)
        batches = (images[i : i + batch_size] for i in range(0, len(images), batch_size))
        return np.concatenate([np.asarray(extractor(batch)) for batch in batches])

    return fid_from_features(extract(real_images), extract(fake_images))


@dataclass
class ModeCoverage:
    """Result of ``mode_coverage``: modes covered, fraction of high-quality samples, KL to uniform."""

    modes_covered: int
    n_modes: int
    high_quality_fraction: float
    kl_to_uniform: float
    counts: np.ndarray

    def __str__(self) -> str:
        return (f"{self.modes_covered}/{self.n_modes} modes, {self.high_quality_fraction:.1%} high-quality, "
                f"KL to uniform {self.kl_to_uniform:.3f}")  # fmt: skip


def mode_coverage(samples, centers, std: float, threshold: float = 3.0) -> ModeCoverage:
    """Score 2-D (or d-D) samples against a Gaussian mixture, as VEEGAN and PacGAN do.

    A sample is *high quality* if its Euclidean distance to the nearest centre is below
    ``threshold × std``. ``modes_covered`` counts the centres that are the nearest centre of
    at least one high-quality sample; ``high_quality_fraction`` is the share of such samples;
    ``kl_to_uniform`` is KL(p ‖ uniform) of the high-quality samples' distribution over the
    modes (0 when they are spread evenly, log k when all sit on one mode, inf if there are
    none). Srivastava et al. 2017 (VEEGAN); Lin et al. 2018 (PacGAN). Introduced in lesson 04.
    """
    samples, centers = np.asarray(samples, dtype=np.float64), np.asarray(centers, dtype=np.float64)
    if samples.ndim != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (n, d) with n >= 1, got {samples.shape}")
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must have shape (k, d) with k >= 1, got {centers.shape}")
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(f"samples are {samples.shape[1]}-D but centers are {centers.shape[1]}-D")
    if not std > 0 or not threshold > 0:
        raise ValueError(f"std and threshold must be positive, got std={std}, threshold={threshold}")
    if not np.all(np.isfinite(samples)):
        raise ValueError("samples contain NaN or Inf: the generator has diverged")
    distances = scipy.spatial.distance.cdist(samples, centers)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] < threshold * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    if good.any():
        p = counts / counts.sum()
        kl = float(scipy.special.rel_entr(p, np.full(len(centers), 1 / len(centers))).sum())
    else:
        kl = float("inf")
    return ModeCoverage(int((counts > 0).sum()), len(centers), float(good.mean()), kl, counts)
