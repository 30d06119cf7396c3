"""Metrics with answers known in advance."""

import numpy as np
import pytest

from gan_course import metrics


def _stats(rng, n, d, scale=1.0, shift=0.0):
    x = rng.normal(size=(n, d)) * scale + shift
    return metrics.feature_statistics(x)


def test_frechet_1d_by_hand():
    # N(0, 1) vs N(1, 4): (0 - 1)² + 1 + 4 - 2·sqrt(1·4) = 2
    assert metrics.frechet_distance([0.0], [[1.0]], [1.0], [[4.0]]) == pytest.approx(2.0, abs=1e-12)
    assert metrics.frechet_distance([3.0], [[2.0]], [3.0], [[2.0]]) == 0.0


@pytest.mark.parametrize("d", [1, 16, 128])
def test_frechet_matches_scipy_sqrtm(d):
    rng = np.random.default_rng(d)
    a, b = _stats(rng, 4 * d + 10, d), _stats(rng, 4 * d + 10, d, scale=1.5, shift=0.3)
    fast, slow = metrics.frechet_distance(*a, *b), metrics.frechet_distance_sqrtm(*a, *b)
    assert fast == pytest.approx(slow, rel=1e-6)


def test_frechet_identical_is_zero_not_negative_and_singular_warns():
    rng = np.random.default_rng(0)
    mu, sigma = _stats(rng, 500, 32)
    value = metrics.frechet_distance(mu, sigma, mu, sigma)
    assert 0.0 <= value < 1e-8 and isinstance(value, float)
    few = rng.normal(size=(10, 32))  # N < d: singular covariance
    with pytest.warns(RuntimeWarning, match="singular"):
        value = metrics.frechet_distance(*metrics.feature_statistics(few), mu, sigma)
    assert np.isfinite(value) and value > 0


def test_frechet_bad_inputs():
    with pytest.raises(ValueError, match="different dimensions"):
        metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="covariance must have shape"):
        metrics.frechet_distance(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="NaN"):
        metrics.frechet_distance(np.array([np.nan]), [[1.0]], [0.0], [[1.0]])
    with pytest.raises(ValueError, match="at least 2 samples"):
        metrics.fid_from_features(np.zeros((1, 4)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="feature dimensions differ"):
        metrics.fid_from_features(np.zeros((5, 4)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="NaN or Inf"):
        metrics.fid_from_features(np.full((5, 4), np.inf), np.zeros((5, 4)))


def test_batched_statistics_equal_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1000, 8)) * 3 + 1
    mean, cov = metrics.feature_statistics(np.array_split(x, 7))
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(cov, np.cov(x, rowvar=False), rtol=1e-9, atol=1e-12)


def test_kid_zero_for_same_distribution_and_unbiased():
    rng = np.random.default_rng(2)
    same = [
        metrics.kid(rng.normal(size=(300, 16)), rng.normal(size=(300, 16)), subsets=10, subset_size=100, seed=s)[0]
        for s in range(20)
    ]
    assert abs(np.mean(same)) < 0.01 and min(same) < 0  # unbiased: scatters around 0, negative values occur
    far, _ = metrics.kid(rng.normal(size=(300, 16)), rng.normal(size=(300, 16)) + 1.0, subsets=10, subset_size=100)
    assert far > 20 * np.std(same)


def test_precision_recall_identical_and_disjoint():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 8))
    assert metrics.precision_recall(x, x.copy(), k=3) == (1.0, 1.0)
    p, r = metrics.precision_recall(x, rng.normal(size=(400, 8)) + 50.0)
    assert p == 0.0 and r == 0.0
    # a generator covering only half of the data: perfect precision, clearly incomplete recall
    # (above 1/2, because the k-NN balls of the half set reach across its boundary)
    half = x[x[:, 0] > 0]
    p, r = metrics.precision_recall(x, half, k=3)
    assert p == 1.0 and 0.5 <= r < 0.9
    with pytest.raises(ValueError, match="k must be"):
        metrics.precision_recall(x, x, k=0)


def test_classifier_score_limits():
    assert metrics.classifier_score(np.zeros((50, 10))) == pytest.approx(1.0)
    confident = np.full((100, 10), -20.0)
    confident[np.arange(100), np.arange(100) % 10] = 20.0
    assert metrics.classifier_score(confident) == pytest.approx(10.0, rel=1e-6)
    collapsed = np.full((100, 10), -20.0)
    collapsed[:, 3] = 20.0
    assert metrics.classifier_score(collapsed) == pytest.approx(1.0, rel=1e-6)


@pytest.mark.slow
def test_fid_on_images_and_fid_tracker():
    import gan_course
    from gan_course import callbacks, models
    from gan_course.gan import GAN

    rng = np.random.default_rng(4)
    real = rng.uniform(-1, 1, (300, 28, 28, 1)).astype(np.float32)
    pool = lambda images: np.asarray(images).reshape(len(images), 49, 16).mean(axis=2)  # 49 block means
    assert metrics.fid(real, real, pool) < 1e-6
    assert metrics.fid(real, np.clip(real * 0.3 + 0.5, -1, 1), pool, batch_size=64) > 1.0

    gan_course.setup(0, verbose=False)
    gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16))
    gan.compile()
    tracker = callbacks.FIDTracker(pool(real), pool, n_samples=200, every=2, batch_size=64)
    history = gan.fit(real, batch_size=50, epochs=4, verbose=0, callbacks=[tracker])
    assert [e for e, _ in tracker.history] == [2, 4]
    assert history.history["fid"] == [v for _, v in tracker.history]
    fake = tracker.sample(gan.generator)  # the fixed noise: the same 200 images as at epoch 4
    assert fake.shape == (200, 28, 28, 1)
    np.testing.assert_array_equal(fake, tracker.sample(gan.generator))
    # the batched route (64 at a time, running statistics) is the FID of all features at once
    assert tracker.history[-1][1] == pytest.approx(metrics.fid_from_features(pool(real), pool(fake)), rel=1e-9)
