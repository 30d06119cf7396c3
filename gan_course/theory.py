"""Numerical companions to GAN theory on 1-D densities (lesson 01).

All integrals are trapezoid sums on a grid ``x``; densities are arrays on that grid.

Used in lessons 01 and 07.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import trapezoid
from scipy.special import rel_entr

from gan_course._checks import finite


def _densities(p_data, p_g, names=("p_data", "p_g")):
    arrays = [_density(p, name) for p, name in zip((p_data, p_g), names)]
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {arrays[0].shape} and {arrays[1].shape}"
        )
    return arrays


def _density(values, name: str) -> np.ndarray:
    arr = finite(values, name)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative (a density on the grid), got a minimum of {arr.min():g}")
    return arr


def _grid(x, size: int) -> np.ndarray:
    x = finite(x, "x", ndim=1)
    if x.size != size:
        raise ValueError(f"x must be the grid the densities are given on: {size} points, got {x.size}")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing (the grid of the integral): sort it, e.g. np.linspace(a, b, n)")
    return x


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)); 1/2 where both densities are 0.

    Introduced in lesson 01.
    """
    p_data, p_g = _densities(p_data, p_g)
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(d, p_data, p_g, x):
    """V(D, G) = ∫ p_data log D + p_g log(1 - D) dx for a discriminator ``d`` on the grid ``x``.

    Introduced in lesson 01.
    """
    p_data, p_g = _densities(p_data, p_g)
    x = _grid(x, p_data.size)
    d = np.broadcast_to(finite(d, "d"), p_data.shape) if np.ndim(d) == 0 else finite(d, "d")
    if d.shape != p_data.shape:
        raise ValueError(f"d must give D's value at every grid point: shape {p_data.shape}, got {d.shape}")
    if np.any((d < 0) | (d > 1)):
        raise ValueError(f"d must be D's probabilities in [0, 1], got values in [{d.min():g}, {d.max():g}]")
    d = np.clip(d, 1e-300, 1 - 1e-16)
    integrand = np.where(p_data > 0, p_data * np.log(d), 0.0) + np.where(p_g > 0, p_g * np.log1p(-d), 0.0)
    return float(trapezoid(integrand, x))


def js_divergence(p, q, x):
    """Jensen-Shannon divergence (natural log, so 0 ≤ JSD ≤ log 2) of densities on ``x``.

    Introduced in lesson 01.
    """
    p, q = _densities(p, q, ("p", "q"))
    x = _grid(x, p.size)
    m = (p + q) / 2
    return float(0.5 * trapezoid(rel_entr(p, m), x) + 0.5 * trapezoid(rel_entr(q, m), x))
