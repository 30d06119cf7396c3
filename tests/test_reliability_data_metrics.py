"""Hostile inputs to data, metrics, latent and toy (issue 10): each gets one clear error that
names the argument, what it got and the fix, and known answers are checked by hand."""

import gzip
import math
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import write_idx

from gan_course import data, latent, metrics, toy

GOOD = np.linspace(-1, 1, 2 * 4 * 4).reshape(2, 4, 4, 1).astype(np.float32)


def _idx_gz(array: np.ndarray) -> bytes:
    """A gzip-compressed IDX file's bytes (mtime 0, so the bytes are the same on every run)."""
    raw = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return gzip.compress(raw + array.tobytes(), mtime=0)


def _is_clear(err: data.CorruptDataError, path: Path) -> bool:
    text = str(err)
    return str(path) in text and "corrupted or incomplete" in text and "python -m gan_course fetch" in text


# ------------------------------------------------------------------ damaged files


def test_every_one_byte_corruption_of_a_gz_idx_is_harmless_or_the_clear_error(tmp_path):
    # a compressible array, so that the deflate stream uses Huffman codes that a flipped bit can break
    array = (np.arange(3 * 8 * 8) % 7).astype(np.uint8).reshape(3, 8, 8)
    good = _idx_gz(array)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    causes = set()
    for position in range(len(good)):
        for flip in (0x01, 0x80, 0xFF):
            damaged = bytearray(good)
            damaged[position] ^= flip
            path.write_bytes(bytes(damaged))
            for read in (data._read_idx, lambda p: data.sha256_file(p, decompress=True)):
                try:
                    result = read(path)
                except data.CorruptDataError as err:
                    assert _is_clear(err, path), (position, flip, str(err))
                    causes.add(type(err.__cause__))
                else:  # only the header's time stamp, flags for extra data and OS byte are harmless
                    if read is data._read_idx:
                        np.testing.assert_array_equal(result, array)
    assert zlib.error in causes  # the case of the issue: a raw zlib.error before the fix


def test_every_truncation_of_a_gz_idx_is_the_clear_error(tmp_path):
    good = _idx_gz(np.arange(60, dtype=np.uint8).reshape(3, 4, 5))
    path = tmp_path / "a-idx3-ubyte.gz"
    for length in range(len(good)):
        path.write_bytes(good[:length])
        with pytest.raises(data.CorruptDataError) as err:
            data._read_idx(path)
        assert _is_clear(err.value, path), (length, str(err.value))


def test_damaged_idx_headers_and_names(tmp_path):
    huge = tmp_path / "huge-idx3-ubyte"  # a header that claims 2³² × 2³² × 2³² bytes: no int64 overflow
    huge.write_bytes(bytes([0, 0, 8, 3]) + b"\xff\xff\xff\xff" * 3 + b"\x00" * 16)
    with pytest.raises(data.CorruptDataError, match="truncated or damaged"):
        data._read_idx(huge)
    misnamed = tmp_path / "plain-idx1-ubyte"
    misnamed.write_bytes(_idx_gz(np.zeros(3, np.uint8)))
    with pytest.raises(data.CorruptDataError, match="name does not end in .gz: rename it to plain-idx1-ubyte.gz"):
        data._read_idx(misnamed)
    not_gzip = tmp_path / "fake-idx1-ubyte.gz"
    write_idx(tmp_path / "fake-idx1-ubyte", np.zeros(3, np.uint8))
    not_gzip.write_bytes((tmp_path / "fake-idx1-ubyte").read_bytes())
    with pytest.raises(data.CorruptDataError, match="fake-idx1-ubyte.gz could not be read"):
        data._read_idx(not_gzip)
    with pytest.raises(data.DataNotFoundError, match="is not a file"):
        data._read_idx(tmp_path / "nowhere.gz")
    with pytest.raises(TypeError, match="file path"):
        data._read_idx(42)


def test_loader_turns_every_sampled_corruption_into_the_clear_error(keras_home, tiny_fashion):
    folder, arrays = tiny_fashion
    target = folder / "t10k-images-idx3-ubyte.gz"
    good = target.read_bytes()
    positions = sorted(
        {*range(0, 40), *range(40, len(good), max(1, len(good) // 40)), *range(len(good) - 8, len(good))}
    )
    for position in positions:
        damaged = bytearray(good)
        damaged[position] ^= 0xFF
        target.write_bytes(bytes(damaged))
        try:
            loaded = data.load_images(path=folder, split="test", verbose=False)
        except data.CorruptDataError as err:
            assert _is_clear(err, target), (position, str(err))
        else:
            np.testing.assert_array_equal(loaded.labels, arrays["t10k-labels-idx1-ubyte.gz"])


def test_damaged_labels_shape(keras_home, tiny_fashion):
    folder, _ = tiny_fashion
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    write_idx(labels, np.zeros(4, np.uint8))  # 4 labels for 5 images
    data._FASHION_FILES["t10k-labels-idx1-ubyte.gz"] = data.sha256_file(labels, decompress=True)
    with pytest.raises(data.CorruptDataError, match=r"images \(5, 28, 28\) and labels \(4,\) do not match"):
        data.load_images(path=folder, split="test", verbose=False)


def test_damaged_debian_file_says_reinstall(keras_home, tiny_fashion, monkeypatch):
    folder, _ = tiny_fashion
    spec = dict(data.DATASETS["fashion_mnist"], debian=str(folder))
    monkeypatch.setitem(data.DATASETS, "fashion_mnist", spec)
    target = folder / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-20])
    with pytest.raises(data.CorruptDataError, match="apt-get install --reinstall dataset-fashion-mnist"):
        data.load_images(split="test", verbose=False)


def test_unreadable_file_says_chmod(tmp_path, monkeypatch):
    path = tmp_path / "locked-idx1-ubyte.gz"
    path.write_bytes(_idx_gz(np.zeros(3, np.uint8)))

    def denied(*args, **kwargs):  # chmod 000 does not stop root, so simulate what a learner sees
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data.gzip, "open", denied)
    with pytest.raises(data.CorruptDataError, match=r"Permission denied.*make it readable \(chmod a\+r\)"):
        data._read_idx(path)


# ------------------------------------------------------------------ where data come from


def test_environment_variable_pointing_nowhere_is_an_error(keras_home, tiny_fashion, monkeypatch):
    folder, _ = tiny_fashion
    spec = dict(data.DATASETS["fashion_mnist"], debian=str(folder))  # a good copy that must NOT be used
    monkeypatch.setitem(data.DATASETS, "fashion_mnist", spec)
    monkeypatch.setenv("GAN_COURSE_FASHION_MNIST", "/no/such/fashoin-mnist")
    with pytest.raises(data.DataNotFoundError) as err:
        data.load_images(split="test", verbose=False)
    text = str(err.value)
    assert "GAN_COURSE_FASHION_MNIST is set to '/no/such/fashoin-mnist'" in text
    assert "no such folder" in text and "unset GAN_COURSE_FASHION_MNIST" in text
    monkeypatch.setenv("GAN_COURSE_MNIST", str(keras_home / "missing.npz"))
    with pytest.raises(data.DataNotFoundError, match="GAN_COURSE_MNIST is set to"):
        data.load_images("mnist", verbose=False)


def test_environment_variable_pointing_at_a_file_or_an_empty_folder(keras_home, tiny_fashion, monkeypatch):
    folder, _ = tiny_fashion
    monkeypatch.setenv("GAN_COURSE_FASHION_MNIST", str(folder / "train-images-idx3-ubyte.gz"))
    with pytest.raises(data.DataNotFoundError, match="is a file, not a folder"):
        data.load_images(verbose=False)
    (keras_home / "empty").mkdir()
    monkeypatch.setenv("GAN_COURSE_FASHION_MNIST", str(keras_home / "empty"))
    with pytest.raises(data.DataNotFoundError, match="missing train-images-idx3-ubyte.gz"):
        data.load_images(verbose=False)


def test_loader_arguments(keras_home):
    with pytest.raises(ValueError, match="path is an empty string"):
        data.load_images(path="", verbose=False)
    with pytest.raises(TypeError, match="path must be a folder or file path"):
        data.load_images(path=3, verbose=False)
    with pytest.raises(ValueError, match="split must be one of.*'training'.*did you mean 'train'"):
        data.load_images(split="training", verbose=False)
    with pytest.raises(ValueError, match="unknown data set 'fashion'.*did you mean 'fashion_mnist'"):
        data.load_images("fashion", verbose=False)
    with pytest.raises(TypeError, match="data set name must be a string"):
        data.load_images(None, verbose=False)
    with pytest.raises(TypeError, match="download must be True or False"):
        data.load_images(download="no", verbose=False)


# ------------------------------------------------------------------ images and pipelines


def test_images_in_zero_one_warn_with_lesson_02_fix():
    zero_one = (GOOD + 1) / 2
    with pytest.warns(UserWarning, match=r"lesson 02's bug 1.*Fix: x \* 2 - 1") as record:
        data.check_images(zero_one)
    assert record[0].filename == __file__  # points at the caller, not inside gan_course
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.check_images(GOOD)  # [-1, 1]: no warning
        data.check_images(np.zeros_like(GOOD))  # all zero: no pixel > 0, nothing to say
        data.check_images(-zero_one)  # [-1, 0]: odd but not the [0, 1] bug
    with pytest.warns(UserWarning, match=r"data \(training images\) all lie in"):
        data.check_training_data(zero_one)  # the path training.train takes


def test_image_shape_hints():
    with pytest.raises(ValueError, match=r"one image \(H, W, C\).*x\[None\]"):
        data.check_images(GOOD[0])
    with pytest.raises(ValueError, match=r"one image \(H, W, C\).*x\[None\]"):
        data.check_images(GOOD[0, ..., 0][..., None], shape=(4, 4, 1))
    with pytest.raises(ValueError, match=r"channel axis with x\[\.\.\., None\]"):
        data.check_images(GOOD[..., 0])
    with pytest.raises(ValueError, match=r"x\[None, \.\.\., None\]"):
        data.check_images(GOOD[0, ..., 0])
    with pytest.raises(ValueError, match=r"images are empty \(shape \(0, 4, 4, 1\)\)"):
        data.check_images(GOOD[:0])
    with pytest.raises(TypeError, match=r"pass its \.images"):
        data.check_images(data.ImageData(GOOD, np.zeros(2), "fashion_mnist", "test", "x", "y"))
    with pytest.raises(TypeError, match="same shape"):
        data.check_images([np.zeros((4, 4, 1)), np.zeros((5, 4, 1))])
    with pytest.raises(TypeError, match=r"/ 127.5 - 1"):
        data.check_images(GOOD.astype(np.int32))
    with pytest.raises(TypeError, match="floating point"):
        data.check_images(GOOD > 0)
    for shape in [(4, 4), (4, 4, 1.5), 4, ("a", 4, 1)]:
        with pytest.raises(ValueError, match=r"shape must be \(H, W, C\), three positive integers"):
            data.check_images(GOOD, shape=shape)
    assert data.check_images(GOOD, shape=[np.int64(4), 4, 1]).shape == (2, 4, 4, 1)


def test_scale_images_hints():
    with pytest.raises(ValueError, match=r"x\[None\]"):
        data.scale_images(np.zeros((28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"one image \(H, W, C\)"):
        data.scale_images(np.zeros((28, 28, 1), np.uint8))
    with pytest.raises(ValueError, match="empty"):
        data.scale_images(np.zeros((0, 28, 28), np.uint8))
    with pytest.raises(TypeError, match=r"astype\(np.uint8\)"):
        data.scale_images(np.zeros((2, 28, 28), np.int64))


@pytest.mark.parametrize(
    ("batch_size", "message"),
    [
        (0, "batch_size must be a positive integer, got 0"),
        (-3, "batch_size must be a positive integer, got -3"),
        (True, "batch_size must be a positive integer, got True: True/False"),
        (2.0, r"batch_size must be a positive integer, got 2.0 \(float\): pass int\(batch_size\) = 2"),
        (2.5, r"batch_size must be a positive integer, got 2.5 \(float\)"),
        ("2", "pass a number, not a string"),
        (None, "batch_size must be a positive integer, got None"),
    ],
)
def test_make_dataset_rejects_bad_batch_sizes(batch_size, message):
    with pytest.raises(ValueError, match=message):
        data.make_dataset(GOOD, batch_size)


def test_make_dataset_accepts_numpy_integers_and_says_empty():
    batches = list(data.make_dataset(GOOD, np.int64(1), seed=np.int32(3)))
    assert [b.shape[0] for b in batches] == [1, 1]
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        data.make_dataset(GOOD, 1, seed=-1)
    with pytest.raises(ValueError, match=r"images \(the training data\) are empty") as err:
        data.make_dataset(GOOD[:0], 4)
    assert "<= 0" not in str(err.value)
    with pytest.raises(ValueError, match="drop_remainder=False"):
        data.make_dataset(GOOD, 3)
    assert [b.shape[0] for b in data.make_dataset(GOOD, 3, drop_remainder=False)] == [2]
    with pytest.raises(ValueError, match=r"x.reshape\(-1, 1\)"):
        data.make_dataset(np.zeros(10, np.float32), 2)


# ------------------------------------------------------------------ metrics


def test_kid_by_hand_and_bad_arguments():
    # d = 1, k(x, y) = (xy + 1)³; x = {1, -1}, y = {0, 0}: k_xx off-diagonal (−1 + 1)³ = 0,
    # k_yy off-diagonal 1, k_xy all 1: MMD² = 0 + 1 - 2·1 = -1 (unbiased, so it can be negative)
    mean, std = metrics.kid([[1.0], [-1.0]], [[0.0], [0.0]], subsets=np.int64(3), subset_size=np.int32(2))
    assert mean == pytest.approx(-1.0, abs=1e-12) and std == pytest.approx(0.0, abs=1e-12)
    x = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.raises(ValueError, match="subsets must be a positive integer, got 0"):
        metrics.kid(x, x, subsets=0)
    with pytest.raises(ValueError, match="subset_size must be an integer >= 2, got 1"):
        metrics.kid(x, x, subset_size=1)
    with pytest.raises(ValueError, match="real features have only 50 samples: lower subset_size to at most 50"):
        metrics.kid(x, np.vstack([x, x]), subset_size=100)
    with pytest.raises(ValueError, match="subsets must be a positive integer, got 2.0"):
        metrics.kid(x, x, subsets=2.0, subset_size=10)
    with pytest.raises(ValueError, match="KID overflowed"):
        metrics.kid(x * 1e120, x * 1e120, subsets=1, subset_size=10)


def test_classifier_score_arguments():
    confident = np.full((4, 2), -20.0)
    confident[[0, 1], 0] = confident[[2, 3], 1] = 20.0
    assert metrics.classifier_score(confident, splits=np.int64(1)) == pytest.approx(2.0, rel=1e-6)
    with pytest.raises(ValueError, match="splits=5 is more than the 4 samples: use splits <= 4"):
        metrics.classifier_score(confident, splits=5)
    with pytest.raises(ValueError, match="splits must be a positive integer, got 0"):
        metrics.classifier_score(confident, splits=0)
    with pytest.raises(ValueError, match="not predicted labels"):
        metrics.classifier_score(np.zeros((4, 1)))
    with pytest.warns(UserWarning, match="look like probabilities"):
        metrics.classifier_score(np.full((4, 2), 0.5))


def test_frechet_rejects_a_covariance_that_is_not_psd():
    mu = np.zeros(2)
    not_psd = np.array([[1.0, 0.0], [0.0, -0.5]])
    with pytest.raises(ValueError, match="second covariance is not positive semi-definite"):
        metrics.frechet_distance(mu, np.eye(2), mu, not_psd)  # before the fix: 0.0 here would be ~1.5
    with pytest.raises(ValueError, match="first covariance is not positive semi-definite"):
        metrics.frechet_distance(mu, not_psd, mu, np.eye(2))  # before the fix: "fewer samples" + LinAlgError
    with pytest.raises(ValueError, match="not positive semi-definite"):
        metrics.frechet_distance([0.0], [[1.0]], [0.0], [[-1.0]])  # before the fix: 0.0
    with pytest.raises(ValueError, match="not positive semi-definite"):
        metrics.frechet_distance_sqrtm(mu, np.eye(2), mu, not_psd)
    with pytest.raises(ValueError, match="eps must be a number >= 0"):
        metrics.frechet_distance(mu, np.eye(2), mu, np.eye(2), eps=-1.0)


def test_frechet_singular_but_psd_keeps_the_warning_and_is_exact():
    rank_one = np.ones((2, 2))  # PSD, singular: the same distribution twice is at distance 0
    with pytest.warns(RuntimeWarning, match="singular"):
        assert metrics.frechet_distance(np.zeros(2), rank_one, np.zeros(2), rank_one) == pytest.approx(0, abs=1e-9)
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    rounding = q @ np.diag([1.0, 0.5, -1e-13]) @ q.T  # a rounding-sized negative eigenvalue is no error
    with pytest.warns(RuntimeWarning, match="singular"):
        assert np.isfinite(metrics.frechet_distance(np.zeros(3), rounding, np.ones(3), np.eye(3)))
    few = rng.normal(size=(5, 10)) * 1e6 + 3e6  # large features, N < d: eps alone cannot fix the rounding
    with pytest.warns(RuntimeWarning, match="singular"):
        value = metrics.frechet_distance(*metrics.feature_statistics(few), *metrics.feature_statistics(few))
    assert 0.0 <= value < 1e-3 * np.trace(np.cov(few, rowvar=False))


@pytest.mark.parametrize("offset", [1e-6, 1.0, 1e3, 1e7])
def test_fid_is_invariant_to_a_common_offset(offset):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, 6))
    y = rng.normal(size=(400, 6)) * 1.3 + 0.2
    reference = metrics.fid_from_features(x, y)
    assert reference > 0.1
    assert metrics.fid_from_features(x + offset, y + offset) == pytest.approx(reference, rel=1e-6)
    batched = [metrics.feature_statistics(np.array_split(z + offset, 7)) for z in (x, y)]
    assert metrics.frechet_distance(*batched[0], *batched[1]) == pytest.approx(reference, rel=1e-6)
    np.testing.assert_allclose(batched[0][1], np.cov(x, rowvar=False), rtol=1e-6, atol=1e-9)


def test_feature_statistics_merge_batches_by_hand():
    # {0, 2}, then nothing, then {4}: mean 2, unbiased variance ((0-2)² + 0 + (4-2)²) / 2 = 4
    mean, cov = metrics.feature_statistics(iter([np.array([[0.0], [2.0]]), np.zeros((0, 1)), np.array([[4.0]])]))
    assert mean.tolist() == [2.0] and cov.tolist() == [[4.0]]
    with pytest.raises(ValueError, match="batch 1 of features: feature dimension changed from 1 to 2"):
        metrics.feature_statistics(iter([np.zeros((2, 1)), np.zeros((2, 2))]))
    with pytest.raises(ValueError, match=r"one feature vector\? use x\[None\]"):
        metrics.feature_statistics(iter([np.zeros(3)]))
    with pytest.raises(ValueError, match="need at least 2 samples to estimate a covariance, got 1"):
        metrics.feature_statistics(iter([np.array([[1.0]])]))
    with pytest.raises(ValueError, match="batch 1 of features: features contain NaN"):
        metrics.feature_statistics([np.zeros((2, 2)), np.full((2, 2), np.nan)])
    with pytest.raises(ValueError, match="covariance overflowed"):
        metrics.feature_statistics(np.random.default_rng(0).normal(size=(5, 2)) * 1e200)
    mean, cov = metrics.feature_statistics([[1.0, 2.0], [3.0, 6.0]])  # a nested list is one (N, d) array
    assert mean.tolist() == [2.0, 4.0] and cov.tolist() == [[2.0, 4.0], [4.0, 8.0]]


def test_check_features_refusals_name_the_fix():
    with pytest.raises(TypeError, match="real numbers"):
        metrics.check_features(np.array([["a", "b"]]), "features")
    with pytest.raises(ValueError, match=r"one feature vector\? use x\[None\]"):
        metrics.check_features(np.zeros(8), "real features")
    with pytest.raises(ValueError, match="no feature dimensions"):
        metrics.check_features(np.zeros((5, 0)), "real features")
    with pytest.raises(ValueError, match="real features need at least 2 samples"):
        metrics.check_features(np.zeros((1, 3)), "real features")
    assert metrics.check_features(np.zeros((1, 3)), "x", min_samples=1).shape == (1, 3)


def test_metrics_refuse_instead_of_nan():
    huge = np.random.default_rng(1).normal(size=(20, 3)) * 1e200
    with pytest.raises(ValueError, match="overflowed"):
        metrics.fid_from_features(huge, huge)
    with pytest.raises(ValueError, match="overflowed"):
        metrics.frechet_distance([1e200], [[1.0]], [-1e200], [[1.0]])
    precision, recall = metrics.precision_recall(huge, huge, k=np.int64(2))
    assert (precision, recall) == (1.0, 1.0)
    with pytest.raises(ValueError, match="k must be a positive integer, got 0"):
        metrics.precision_recall(huge, huge, k=0)
    with pytest.raises(TypeError, match="extractor must be a function"):
        metrics.fid(GOOD, GOOD, extractor="inception")
    with pytest.raises(ValueError, match="the extractor returned 1 feature rows for 2 real images"):
        metrics.fid(GOOD, GOOD, lambda x: np.zeros((1, 3)))


def test_mode_coverage_rejects_bad_centres():
    samples = np.zeros((4, 2))
    with pytest.raises(ValueError, match="centers contain NaN"):
        metrics.mode_coverage(samples, [[0.0, 0.0], [np.nan, 1.0]], 0.1)
    with pytest.raises(ValueError, match=r"centers rows \[0, 2\] are the same point \[1.0, 0.0\]"):
        metrics.mode_coverage(samples, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], 0.1)
    with pytest.raises(ValueError, match="std and threshold must be positive.*std='0.1'"):
        metrics.mode_coverage(samples, [[0.0, 0.0]], "0.1")
    with pytest.raises(ValueError, match="threshold=inf"):
        metrics.mode_coverage(samples, [[0.0, 0.0]], 0.1, threshold=math.inf)
    assert metrics.mode_coverage(samples, [[0.0, 0.0]], np.float32(0.1)).modes_covered == 1


# ------------------------------------------------------------------ class distribution (lesson 04)


def test_class_distribution_known_answers():
    one = metrics.class_distribution(np.full(50, 3), 10)
    assert one.counts.tolist() == [0, 0, 0, 50, 0, 0, 0, 0, 0, 0] and one.classes_used() == 1
    assert one.kl_to_uniform == pytest.approx(math.log(10), abs=1e-12)
    uniform = metrics.class_distribution(np.arange(100) % 10, np.int64(10))
    assert uniform.kl_to_uniform == pytest.approx(0.0, abs=1e-12) and uniform.classes_used() == 10
    # [3, 1] over 2 classes: p = (3/4, 1/4); KL = 3/4 log(3/4 · 2) + 1/4 log(1/4 · 2)
    pair = metrics.class_distribution([0, 0, 0, 1], 2)
    assert pair.shares.tolist() == [0.75, 0.25]
    assert pair.kl_to_uniform == pytest.approx(0.75 * math.log(1.5) + 0.25 * math.log(0.5), abs=1e-12)
    assert pair.kl_to_uniform == pytest.approx(0.130812035, abs=1e-9)
    assert pair.classes_used(min_share=0.25) == 2 and pair.classes_used(min_share=0.3) == 1
    assert metrics.class_distribution(np.array([2.0, 2.0]), 3).counts.tolist() == [0, 0, 2]


def test_class_distribution_matches_lesson_04s_formula():
    counts = np.array([120, 3, 0, 40, 7, 0, 0, 200, 1, 29])
    labels = np.repeat(np.arange(10), counts)
    result = metrics.class_distribution(labels, 10)
    p = counts / counts.sum()
    assert result.kl_to_uniform == pytest.approx(float(np.sum(p[p > 0] * np.log(p[p > 0] * 10))), rel=1e-12)
    assert result.classes_used(0.01) == int((p >= 0.01).sum()) == 5


def test_class_distribution_bad_inputs():
    with pytest.raises(ValueError, match=r"x.argmax\(axis=1\)"):
        metrics.class_distribution(np.zeros((5, 10)), 10)
    with pytest.raises(ValueError, match=r"must lie in \[0, 10\), got 10"):
        metrics.class_distribution([1, 10], 10)
    with pytest.raises(ValueError, match=r"must lie in \[0, 10\), got -1"):
        metrics.class_distribution([-1, 3], 10)
    with pytest.raises(ValueError, match="whole numbers"):
        metrics.class_distribution([0.5, 1.0], 10)
    with pytest.raises(ValueError, match="empty"):
        metrics.class_distribution([], 10)
    with pytest.raises(ValueError, match="n_classes must be a positive integer, got 0"):
        metrics.class_distribution([0], 0)
    with pytest.raises(ValueError, match="min_share is a fraction"):
        metrics.class_distribution([0], 1).classes_used(min_share=5)


# ------------------------------------------------------------------ latent and toy


def test_slerp_of_a_zero_vector_falls_back_to_lerp():
    z = np.array([3.0, 4.0])
    zero = np.zeros(2)
    for a, b in ((zero, z), (z, zero), (zero, zero)):
        out = latent.slerp(a, b, [0.0, 0.25, 1.0])
        assert np.all(np.isfinite(out))
        np.testing.assert_allclose(out, latent.lerp(a, b, [0.0, 0.25, 1.0]))
    np.testing.assert_allclose(latent.slerp(zero, z, 0.25), [0.75, 1.0])  # 0.25 · (3, 4)
    path = latent.interpolate(zero, z, steps=np.int64(3))
    assert path.shape == (3, 2) and np.all(np.isfinite(path))


def test_slerp_by_hand_and_extreme_scales():
    # quarter circle: from (1, 0) to (0, 1) at t = 1/2 is (cos 45°, sin 45°)
    np.testing.assert_allclose(latent.slerp([1.0, 0.0], [0.0, 1.0], 0.5), [math.sqrt(0.5)] * 2, rtol=1e-6)
    for scale in (1e-200, 1e30):
        out = latent.slerp(np.array([scale, 0.0]), np.array([0.0, scale]), 0.5)
        assert np.all(np.isfinite(out))
    np.testing.assert_allclose(latent.slerp([1e30, 0.0], [0.0, 1e30], 0.5), [1e30 * math.sqrt(0.5)] * 2, rtol=1e-6)
    with pytest.raises(ValueError, match="fit in float32"):
        latent.slerp([1e300, 0.0], [0.0, 1.0], 0.5)


def test_latent_bad_arguments():
    z = np.ones(4)
    with pytest.raises(ValueError, match="t must be finite"):
        latent.slerp(z, -z, np.nan)
    with pytest.raises(TypeError, match="t must be a number"):
        latent.lerp(z, z, "0.5")
    with pytest.raises(ValueError, match="t must be a scalar or a vector"):
        latent.lerp(z, z, np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"one noise vector \(z_dim,\), got shape \(2, 4\)"):
        latent.interpolate(np.ones((2, 4)), np.ones((2, 4)))
    assert latent.interpolate(np.ones((1, 4)), -np.ones((1, 4)), 3).shape == (3, 4)
    with pytest.raises(ValueError, match="z0 is empty"):
        latent.lerp([], [], 0.5)
    with pytest.raises(ValueError, match=r"steps must be an integer >= 2, got 5.0 \(float\): pass int\(steps\) = 5"):
        latent.interpolate(z, z, steps=5.0)
    with pytest.raises(ValueError, match="steps must be an integer >= 2, got 1"):
        latent.interpolate(z, z, steps=1)
    with pytest.raises(ValueError, match="'linear' or 'slerp'"):
        latent.interpolate(z, z, method=None)


def test_toy_accepts_numpy_integers_and_rejects_nonsense():
    r = toy.ring(n=np.int64(100), modes=np.int32(4), seed=np.uint8(1))
    assert r.samples.shape == (100, 2) and r.centers.shape == (4, 2)
    assert toy.grid(n=np.int64(10), size=np.int64(2)).centers.shape == (4, 2)
    for call, message in [
        (lambda: toy.ring(n=0), "n must be a positive integer, got 0"),
        (lambda: toy.ring(n=2.5), r"n must be a positive integer, got 2.5 \(float\)"),
        (lambda: toy.ring(modes=0), "modes must be a positive integer, got 0"),
        (lambda: toy.ring(radius=0.0), "radius must be a positive number, got 0"),
        (lambda: toy.ring(std="0.1"), "std must be positive.*got '0.1'"),
        (lambda: toy.ring(seed=-1), "seed must be a non-negative integer, got -1"),
        (lambda: toy.grid(spacing=-1), "spacing must be a positive number, got -1"),
    ]:
        with pytest.raises(ValueError, match=message):
            call()
