"""2-D mixtures of Gaussians for the mode-collapse lab: a ring of 8 and a grid of 25.

Each sampler returns the samples together with the centres and the standard deviation,
so a learner can change them and ``metrics.mode_coverage`` can score a generator against
them. Introduced in lesson 04.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Mixture:
    """Samples (n, 2) float32 of an equal-weight Gaussian mixture, its centres (k, 2) and std."""

    samples: np.ndarray
    centers: np.ndarray
    std: float


def sample_mixture(centers, std: float, n: int, seed: int = 0) -> Mixture:
    """n samples from equal-weight isotropic Gaussians N(centre, std² I), one centre per row."""
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must have shape (k, d) with k >= 1, got {centers.shape}")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    which = rng.integers(len(centers), size=n)
    samples = centers[which] + rng.normal(scale=std, size=(n, centers.shape[1]))
    return Mixture(samples.astype(np.float32), centers, float(std))


def ring(n: int = 10_000, modes: int = 8, radius: float = 1.0, std: float = 0.01, seed: int = 0) -> Mixture:
    """``modes`` Gaussians on a circle of ``radius``, centres at angles 2πk/modes (default: 8, unit circle)."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return sample_mixture(radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std, n, seed)


def grid(n: int = 10_000, size: int = 5, spacing: float = 2.0, std: float = 0.05, seed: int = 0) -> Mixture:
    """size × size Gaussians on a square grid centred at 0 (default: centres {-4, -2, 0, 2, 4}²)."""
    axis = (np.arange(size) - (size - 1) / 2) * spacing
    xx, yy = np.meshgrid(axis, axis)
    return sample_mixture(np.stack([xx.ravel(), yy.ravel()], axis=1), std, n, seed)
