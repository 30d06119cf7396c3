"""Toy mixtures and mode coverage, on samples whose answers are known."""

import math

import numpy as np
import pytest

from gan_course import metrics, toy


def test_ring_and_grid_statistics():
    r = toy.ring(n=40_000, seed=1)
    assert r.centers.shape == (8, 2) and r.std == 0.01
    np.testing.assert_allclose(np.linalg.norm(r.centers, axis=1), 1.0)
    np.testing.assert_allclose(
        np.arctan2(r.centers[:, 1], r.centers[:, 0]) % (2 * np.pi), 2 * np.pi * np.arange(8) / 8, atol=1e-12
    )
    nearest = np.linalg.norm(r.samples[:, None] - r.centers[None], axis=2).argmin(axis=1)
    assert np.bincount(nearest).min() > 40_000 / 8 * 0.9  # equal weights
    offsets = r.samples - r.centers[nearest]
    assert offsets.std() == pytest.approx(0.01, rel=0.03) and abs(offsets.mean()) < 1e-3
    g = toy.grid(n=25_000)
    assert sorted(set(g.centers[:, 0])) == [-4, -2, 0, 2, 4] and g.centers.shape == (25, 2) and g.std == 0.05


def test_perfect_coverage_and_total_collapse():
    r = toy.ring(n=8000)
    full = metrics.mode_coverage(r.samples, r.centers, r.std)
    assert full.modes_covered == 8 and full.high_quality_fraction > 0.98 and full.kl_to_uniform < 0.01
    one = np.repeat(r.centers[:1], 500, axis=0) + 0.001
    collapsed = metrics.mode_coverage(one, r.centers, r.std)
    assert collapsed.modes_covered == 1 and collapsed.high_quality_fraction == 1.0
    assert collapsed.kl_to_uniform == pytest.approx(math.log(8))
    g = toy.grid(n=25_000)
    assert metrics.mode_coverage(g.samples, g.centers, g.std).modes_covered == 25


def test_uniform_noise_is_low_quality():
    g = toy.grid()
    noise = np.random.default_rng(0).uniform(-5, 5, (20_000, 2))
    result = metrics.mode_coverage(noise, g.centers, g.std)
    # area of 25 discs of radius 0.15 over a 10 x 10 square: 1.77 %
    assert result.high_quality_fraction == pytest.approx(25 * math.pi * 0.15**2 / 100, abs=0.004)
    assert result.modes_covered == 25


def test_threshold_boundary():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    inside, outside = np.array([[0.299, 0.0]]), np.array([[0.301, 0.0]])
    assert metrics.mode_coverage(inside, centers, 0.1).high_quality_fraction == 1.0
    none = metrics.mode_coverage(outside, centers, 0.1)
    assert none.high_quality_fraction == 0.0 and none.modes_covered == 0 and none.kl_to_uniform == math.inf
    assert metrics.mode_coverage(outside, centers, 0.1, threshold=3.1).modes_covered == 1


def test_bad_inputs():
    c = toy.ring(n=10).centers
    with pytest.raises(ValueError, match="shape \\(n, d\\)"):
        metrics.mode_coverage(np.zeros(5), c, 0.01)
    with pytest.raises(ValueError, match="n >= 1"):
        metrics.mode_coverage(np.zeros((0, 2)), c, 0.01)
    with pytest.raises(ValueError, match="3-D but centers are 2-D"):
        metrics.mode_coverage(np.zeros((4, 3)), c, 0.01)
    with pytest.raises(ValueError, match="std and threshold must be positive"):
        metrics.mode_coverage(np.zeros((4, 2)), c, 0.0)
    with pytest.raises(ValueError, match="std must be positive"):
        toy.ring(std=-1)
    with pytest.raises(ValueError, match="NaN"):
        metrics.mode_coverage(np.full((2, 2), np.nan), c, 0.01)


BAD_MIXTURES = [
    (lambda: toy.ring(n=0), "n must be a positive integer", "0"),
    (lambda: toy.ring(n=10.5), "n must be", "10.5"),
    (lambda: toy.ring(n=1e4), "n must be", "int(n) = 10000"),
    (lambda: toy.ring(n="100"), "n must be", "not a string"),
    (lambda: toy.ring(n=True), "n must be", "True/False"),
    (lambda: toy.ring(modes=0), "modes must be a positive integer", "0"),
    (lambda: toy.ring(modes=8.0), "modes", "int(modes) = 8"),
    (lambda: toy.ring(radius=0), "radius must be a positive number", "0"),
    (lambda: toy.ring(radius=float("nan")), "radius must be a finite number", "nan"),
    (lambda: toy.ring(std=float("inf")), "std must be positive", "inf"),
    (lambda: toy.ring(std="0.01"), "std must be positive", "'0.01'"),
    (lambda: toy.ring(seed=-1), "seed must be a non-negative integer", "-1"),
    (lambda: toy.ring(seed=0.5), "seed", "0.5"),
    (lambda: toy.grid(size=0), "size must be a positive integer", "0"),
    (lambda: toy.grid(spacing=-2), "spacing must be a positive number", "-2"),
    (lambda: toy.grid(spacing=float("nan")), "spacing must be a finite number", "nan"),
    (lambda: toy.grid(std=0), "std must be positive", "0"),
    (lambda: toy.grid(n=-5), "n must be a positive integer", "-5"),
]


@pytest.mark.parametrize("call, what, fix", BAD_MIXTURES)
def test_bad_mixture_arguments_are_refused(call, what, fix):
    with pytest.raises(ValueError) as info:
        call()
    assert what in str(info.value) and fix in str(info.value), str(info.value)


def test_numpy_numbers_make_the_same_mixture():
    a = toy.ring(n=np.int64(50), modes=np.int32(4), radius=np.float32(2.0), std=np.float64(0.1), seed=np.int64(3))
    b = toy.ring(n=50, modes=4, radius=2.0, std=0.1, seed=3)
    np.testing.assert_allclose(a.samples, b.samples, rtol=1e-6)
    assert toy.grid(n=10, size=np.int64(3)).centers.shape == (9, 2)
