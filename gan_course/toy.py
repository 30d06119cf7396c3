"""2-D mixtures of Gaussians for the mode-collapse lab: a ring of 8 and a grid of 25.

Each sampler returns the samples together with the centres and the standard deviation,
so a learner can change them and ``metrics.mode_coverage`` can score a generator against
them. Introduced in lesson 04; used in lessons 04 and 06 (and by ``collapse`` and ``widgets``).

Used in lessons 04 and 06.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gan_course._checks import integer as _integer
from gan_course._checks import number as _number


@dataclass
class Mixture:
    """Samples (n, 2) float32 of an equal-weight Gaussian mixture, its centres (k, 2) and std.

    ``labels`` (n,) int32 holds the component each sample was drawn from, for a conditional GAN
    (``collapse.train_toy(..., conditional=True)``). Introduced in lesson 04.
    """

    samples: np.ndarray
    centers: np.ndarray
    std: float
    labels: np.ndarray | None = None

    def __post_init__(self):  # a container, but one that train_toy reads: refuse what is not numbers
        for name in ("samples", "centers"):
            if np.asarray(getattr(self, name)).dtype.kind not in "iuf":
                raise TypeError(f"{name} must be an array of numbers, got {type(getattr(self, name)).__name__}")


def _sample_mixture(centers: np.ndarray, std: float, n: int, seed: int) -> Mixture:
    """n samples from equal-weight isotropic Gaussians N(centre, std² I), one centre per row of ``centers`` (k, d)."""
    try:
        std = _number(std, "std", positive=True)
    except ValueError:
        raise ValueError(f"std must be positive (a finite number > 0: each Gaussian's spread), got {std!r}") from None
    n = _integer(n, "n", minimum=1)
    seed = _integer(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    which = rng.integers(len(centers), size=n)
    samples = centers[which] + rng.normal(scale=std, size=(n, centers.shape[1]))
    return Mixture(samples.astype(np.float32), centers, std, which.astype(np.int32))


def ring(n: int = 10_000, modes: int = 8, radius: float = 1.0, std: float = 0.01, seed: int = 0) -> Mixture:
    """``modes`` Gaussians on a circle of ``radius``, centres at angles 2πk/modes (default: 8, unit circle).

    Introduced in lesson 04.
    """
    modes = _integer(modes, "modes", minimum=1)
    radius = _number(radius, "radius", positive=True)
    angles = 2 * np.pi * np.arange(modes) / modes
    return _sample_mixture(radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std, n, seed)


def grid(n: int = 10_000, size: int = 5, spacing: float = 2.0, std: float = 0.05, seed: int = 0) -> Mixture:
    """size × size Gaussians on a square grid centred at 0 (default: centres {-4, -2, 0, 2, 4}²).

    Introduced in lesson 04.
    """
    size = _integer(size, "size", minimum=1)
    spacing = _number(spacing, "spacing", positive=True)
    axis = (np.arange(size) - (size - 1) / 2) * spacing
    xx, yy = np.meshgrid(axis, axis)
    return _sample_mixture(np.stack([xx.ravel(), yy.ravel()], axis=1), std, n, seed)
