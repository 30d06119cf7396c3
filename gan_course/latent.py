"""Walking through the latent space: linear and spherical interpolation between noise vectors.

Introduced in lesson 03.
"""

from __future__ import annotations

import numpy as np


def lerp(z0, z1, t):
    """Linear interpolation (1 - t)·z0 + t·z1; ``t`` is a scalar or an array of shape (steps,)."""
    z0, z1 = _pair(z0, z1)
    t = np.asarray(t, dtype=np.float64)[..., None]
    return ((1 - t) * z0 + t * z1).astype(np.float32)


def slerp(z0, z1, t):
    """Spherical interpolation along the great circle from z0 to z1 (Shoemake 1985).

    Gaussian noise in many dimensions lies near a sphere of radius sqrt(z_dim); the
    midpoint of a straight line between two samples lies well inside it, where the
    generator was never trained. Slerp keeps the norm. Falls back to lerp when z0 and z1
    are (anti)parallel, where the great circle is undefined.
    """
    z0, z1 = _pair(z0, z1)
    t = np.asarray(t, dtype=np.float64)[..., None]
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, t[..., 0])
    out = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return out.astype(np.float32)


def interpolate(z0, z1, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """``steps`` points from z0 to z1 inclusive, shape (steps, z_dim); method "linear" or "slerp"."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2, got {steps!r}")
    methods = {"linear": lerp, "slerp": slerp}
    if method not in methods:
        raise ValueError(f"unknown interpolation {method!r}: choose 'linear' or 'slerp'")
    return methods[method](z0, z1, np.linspace(0.0, 1.0, steps))


def _pair(z0, z1):
    z0, z1 = np.asarray(z0, dtype=np.float64).ravel(), np.asarray(z1, dtype=np.float64).ravel()
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same length, got {z0.size} and {z1.size}")
    if not (np.all(np.isfinite(z0)) and np.all(np.isfinite(z1))):
        raise ValueError("z0 and z1 must be finite")
    return z0, z1
