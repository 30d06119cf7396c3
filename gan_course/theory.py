"""Numerical companions to GAN theory on 1-D densities (lesson 01).

All integrals are trapezoid sums on a grid ``x``; densities are arrays on that grid.

Used in lessons 01 and 07.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import trapezoid
from scipy.special import rel_entr


def _densities(p_data, p_g):
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p_data.shape} and {p_g.shape}")
    if np.any(p_data < 0) or np.any(p_g < 0):
        raise ValueError("densities must be non-negative")
    return p_data, p_g


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
    d = np.clip(np.asarray(d, dtype=np.float64), 1e-300, 1 - 1e-16)
    integrand = np.where(p_data > 0, p_data * np.log(d), 0.0) + np.where(p_g > 0, p_g * np.log1p(-d), 0.0)
    return float(trapezoid(integrand, x))


def js_divergence(p, q, x):
    """Jensen-Shannon divergence (natural log, so 0 ≤ JSD ≤ log 2) of densities on ``x``.

    Introduced in lesson 01.
    """
    p, q = _densities(p, q)
    m = (p + q) / 2
    return float(0.5 * trapezoid(rel_entr(p, m), x) + 0.5 * trapezoid(rel_entr(q, m), x))
