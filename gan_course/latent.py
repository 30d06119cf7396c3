"""Walking through the latent space: linear and spherical interpolation between noise vectors,
and the noise and labels of a class × z grid for conditional generators.

Used in lessons 03 and 07.
"""

from __future__ import annotations

import numpy as np

from gan_course._checks import array as _array
from gan_course._checks import integer as _integer

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def lerp(z0, z1, t):
    """Linear interpolation (1 - t)·z0 + t·z1; ``t`` is a scalar or an array of shape (steps,).

    Returns float32, shape (z_dim,) for a scalar t, (steps, z_dim) otherwise. Introduced in lesson 03.
    """
    z0, z1 = _pair(z0, z1)
    t = _times(t)[..., None]
    return ((1 - t) * z0 + t * z1).astype(np.float32)


def slerp(z0, z1, t):
    """Spherical interpolation along the great circle from z0 to z1 (Shoemake 1985).

    Gaussian noise in many dimensions lies near a sphere of radius sqrt(z_dim); the
    midpoint of a straight line between two samples lies well inside it, where the
    generator was never trained. Slerp keeps the norm. Falls back to lerp when z0 and z1
    are (anti)parallel, where the great circle is undefined, and when either is the zero
    vector, which has no direction; it never returns NaN. Introduced in lesson 03.
    """
    z0, z1 = _pair(z0, z1)
    t = _times(t)[..., None]
    n0, n1 = _norm(z0), _norm(z1)
    if n0 == 0.0 or n1 == 0.0:  # no direction to follow: the straight line is the only sensible path
        return lerp(z0, z1, t[..., 0])
    cos = np.dot(z0 / n0, z1 / n1)  # unit vectors first: no overflow or underflow in the product of norms
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, t[..., 0])
    out = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return out.astype(np.float32)


def interpolate(z0, z1, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """``steps`` points from z0 to z1 inclusive, shape (steps, z_dim); method "linear" or "slerp".

    Introduced in lesson 03.
    """
    steps = _integer(steps, "steps", minimum=2)
    methods = {"linear": lerp, "slerp": slerp}
    if not isinstance(method, str) or method not in methods:
        raise ValueError(f"unknown interpolation {method!r}: choose 'linear' or 'slerp'")
    return methods[method](z0, z1, np.linspace(0.0, 1.0, steps))


def _norm(z: np.ndarray) -> float:
    """Euclidean norm, scaled first so that very large or very small vectors neither overflow nor underflow."""
    scale = np.abs(z).max()
    return 0.0 if scale == 0 else float(scale * np.linalg.norm(z / scale))


def _times(t) -> np.ndarray:
    arr = _array(t, "t")
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"t must be a number or an array of numbers in [0, 1], got dtype {arr.dtype}")
    if arr.ndim > 1:
        raise ValueError(f"t must be a scalar or a vector (steps,), got shape {arr.shape}: use t.ravel()")
    if not np.all(np.isfinite(arr)):
        raise ValueError("t must be finite: 0 gives z0, 1 gives z1")
    return arr.astype(np.float64)


def _pair(z0, z1):
    z0, z1 = _array(z0, "z0"), _array(z1, "z1")
    for name, z in (("z0", z0), ("z1", z1)):
        if z.dtype == bool or not (np.issubdtype(z.dtype, np.floating) or np.issubdtype(z.dtype, np.integer)):
            raise TypeError(f"{name} must be a noise vector of numbers, got dtype {z.dtype}")
        if z.size == 0:
            raise ValueError(f"{name} is empty: pass a noise vector of shape (z_dim,)")
        if sum(n > 1 for n in z.shape) > 1:
            raise ValueError(
                f"{name} must be one noise vector (z_dim,), got shape {z.shape}: interpolate between two "
                "vectors, e.g. z[0] and z[1]"
            )
    z0, z1 = z0.astype(np.float64).ravel(), z1.astype(np.float64).ravel()
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same length, got {z0.size} and {z1.size}")
    if not (np.all(np.isfinite(z0)) and np.all(np.isfinite(z1))):
        raise ValueError("z0 and z1 must be finite")
    if max(np.abs(z0).max(), np.abs(z1).max()) > _FLOAT32_MAX:
        raise ValueError("z0 and z1 must fit in float32 (|z| < 3.4e38): noise vectors are about N(0, 1)")
    return z0, z1


def class_rows(z_dim: int, n_classes: int, per_class: int = 8, seed: int = 0):
    """Noise and labels for a class × z grid: ``n_classes`` rows, one class each, the same ``per_class``
    noise vectors in every row, so a column shows what z alone controls. Returns (z, labels) with
    z (n_classes·per_class, z_dim) float32 and labels (n_classes·per_class,) int32, row by row.
    Use with ``callbacks.SampleGrid(z, labels=labels, ncols=per_class)``. Introduced in lesson 07.
    """
    for name, value in (("z_dim", z_dim), ("n_classes", n_classes), ("per_class", per_class)):
        _integer(value, name, 1)
    seed = _integer(seed, "seed", 0)
    z_row = np.random.default_rng(seed).normal(size=(int(per_class), int(z_dim))).astype(np.float32)
    z = np.tile(z_row, (int(n_classes), 1))
    labels = np.repeat(np.arange(int(n_classes), dtype=np.int32), int(per_class))
    return z, labels
