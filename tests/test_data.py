import shutil

import numpy as np
import pytest
from conftest import fashion_mnist_here, write_idx

from gan_course import data


def test_read_idx_round_trip_gz_and_raw(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    for name in ("a-idx3-ubyte.gz", "a-idx3-ubyte"):
        write_idx(tmp_path / name, arr)
        np.testing.assert_array_equal(data._read_idx(tmp_path / name), arr)


def test_read_idx_rejects_bad_magic_and_truncation(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(data.CorruptDataError, match="not an IDX file"):
        data._read_idx(tmp_path / "bad")
    write_idx(tmp_path / "full", np.zeros((4, 5), np.uint8))
    raw = (tmp_path / "full").read_bytes()
    (tmp_path / "short").write_bytes(raw[:-3])
    with pytest.raises(data.CorruptDataError, match="truncated or damaged"):
        data._read_idx(tmp_path / "short")


def test_scale_images_maps_to_minus_one_one():
    x = np.array([[[0, 255], [127, 128]]], dtype=np.uint8)
    y = data.scale_images(x)
    assert y.shape == (1, 2, 2, 1) and y.dtype == np.float32
    assert y.min() == -1.0 and y.max() == 1.0
    with pytest.raises(TypeError, match="uint8"):
        data.scale_images(y)


def test_unknown_dataset_name_lists_known_ones():
    with pytest.raises(ValueError, match="unknown data set 'cifar10'.*'fashion_mnist', 'mnist'"):
        data.load_images("cifar10")
    assert data.dataset_name("Fashion-MNIST") == "fashion_mnist"


def test_mnist_from_keras_cache(keras_home, monkeypatch):
    rng = np.random.default_rng(1)
    arrays = {
        "x_train": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 20, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (7, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 7, dtype=np.uint8),
    }
    npz = keras_home / "datasets" / "mnist.npz"
    npz.parent.mkdir()
    np.savez(npz, **arrays)
    monkeypatch.setattr(data, "_MNIST_SHA256", data.sha256_file(npz))
    d = data.load_images("mnist", "test", verbose=False)
    assert d.source == "Keras cache" and d.name == "mnist"
    assert d.images.shape == (7, 28, 28, 1) and d.images.dtype == np.float32
    np.testing.assert_allclose(d.images[..., 0], arrays["x_test"] / 127.5 - 1, atol=1e-6)
    np.testing.assert_array_equal(d.labels, arrays["y_test"])


def test_corrupted_mnist_gives_clear_error(keras_home, monkeypatch):
    npz = keras_home / "datasets" / "mnist.npz"
    npz.parent.mkdir()
    npz.write_bytes(b"PK\x03\x04 damaged zip")
    with pytest.raises(data.CorruptDataError, match="corrupted or incomplete.*Delete it"):  # the checksum fails
        data.load_images("mnist", verbose=False)
    monkeypatch.setattr(data, "_MNIST_SHA256", data.sha256_file(npz))  # the checksum passes, the zip is broken
    with pytest.raises(data.CorruptDataError, match="not a usable mnist.npz.*corrupted or incomplete.*Delete it"):
        data.load_images("mnist", path=npz, verbose=False)


def test_corrupted_fashion_file_gives_clear_error(keras_home, tiny_fashion, monkeypatch):
    folder, _ = tiny_fashion
    target = folder / "train-images-idx3-ubyte.gz"
    write_idx(target, np.zeros((12, 28, 28), np.uint8))  # valid IDX, wrong content
    with pytest.raises(data.CorruptDataError, match="expected .*corrupted or incomplete"):
        data.load_images(path=folder, verbose=False)


def test_fashion_order_path_then_env_then_cache(keras_home, tiny_fashion, no_debian, monkeypatch, capsys):
    folder, arrays = tiny_fashion
    d = data.load_images(path=folder)
    assert d.source == "path argument" and len(d) == 12
    assert "from " + str(folder) in capsys.readouterr().out
    monkeypatch.setenv("GAN_COURSE_FASHION_MNIST", str(folder))
    assert data.load_images(split="test", verbose=False).source == "environment variable GAN_COURSE_FASHION_MNIST"
    monkeypatch.delenv("GAN_COURSE_FASHION_MNIST")
    shutil.copytree(folder, keras_home / "datasets" / "fashion-mnist")
    d = data.load_images(split="test", verbose=False)
    assert d.source == "Keras cache"
    np.testing.assert_array_equal(d.labels, arrays["t10k-labels-idx1-ubyte.gz"])


def test_missing_offline_lists_every_place_and_fix(keras_home, no_debian):
    with pytest.raises(data.DataNotFoundError) as err:
        data.load_images("fashion_mnist", verbose=False)
    text = str(err.value)
    assert "Keras cache" in text and "Debian package dataset-fashion-mnist" in text
    assert "network disabled in tests" in text
    assert "apt-get install dataset-fashion-mnist" in text and "GAN_COURSE_FASHION_MNIST" in text


def test_wrong_explicit_path_does_not_fall_back(keras_home, tmp_path):
    with pytest.raises(data.DataNotFoundError, match="path argument"):
        data.load_images(path=tmp_path / "nowhere", verbose=False)


@pytest.mark.needs_fashion_mnist
def test_real_fashion_mnist():
    train = data.load_images("fashion_mnist", "train", verbose=False)
    test = data.load_images("fashion_mnist", "test", verbose=False)
    assert train.source == test.source == fashion_mnist_here()  # the first place that has the files
    assert train.images.shape == (60000, 28, 28, 1) and test.images.shape == (10000, 28, 28, 1)
    assert train.images.min() == -1.0 and train.images.max() == 1.0
    assert set(np.unique(train.labels)) == set(range(10))
    assert np.bincount(test.labels).tolist() == [1000] * 10


def test_check_images_errors_name_the_fix():
    good = np.zeros((2, 28, 28, 1), np.float32)
    assert data.check_images(good) is not None
    with pytest.raises(ValueError, match="uint8.*scale_images"):
        data.check_images(good.astype(np.uint8))
    with pytest.raises(ValueError, match=r"divide by 127.5 and subtract 1"):
        data.check_images(good + 255.0)
    with pytest.raises(ValueError, match=r"x\[\.\.\., None\]"):
        data.check_images(good[..., 0])
    with pytest.raises(ValueError, match="image shape"):
        data.check_images(good, shape=(32, 32, 3))
    with pytest.raises(ValueError, match="NaN"):
        data.check_images(np.full_like(good, np.nan))
    with pytest.raises(TypeError, match="floating point"):
        data.check_images(good.astype(np.int32))


def test_make_dataset_batches_and_errors():
    images = np.linspace(-1, 1, 10 * 4).reshape(10, 2, 2, 1).astype(np.float32)
    batches = list(data.make_dataset(images, 4, seed=3))
    assert [b.shape[0] for b in batches] == [4, 4]
    again = list(data.make_dataset(images, 4, seed=3))
    np.testing.assert_array_equal(batches[0], again[0])
    with pytest.raises(ValueError, match="larger than the data"):
        data.make_dataset(images, 11)
    with pytest.raises(ValueError, match="positive integer"):
        data.make_dataset(images, 0)


# ------------------------------------------------------------------ a learner's image folder (issue 27)


def _jpeg(seed=0):
    import io

    from PIL import Image

    pixels = np.random.default_rng(seed).uniform(0, 255, (28, 28)).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


DAMAGED = [
    ("photo.jpg", lambda: _jpeg()[: len(_jpeg()) // 2], "image file is truncated"),
    ("photo.jpg", lambda: _jpeg()[:-2], "truncated"),
    ("photo.jpg", lambda: _jpeg()[:400] + bytes(20) + _jpeg()[420:], "libjpeg: Corrupt JPEG data"),
    ("photo.png", lambda: _jpeg()[:400] + bytes(20) + _jpeg()[420:], "Corrupt JPEG data"),  # a JPEG named .png
    ("noise.png", lambda: np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes(), "cannot identify"),
    ("cut.png", lambda: _png()[:-20], "OSError"),
    ("empty.jpg", lambda: b"", "cannot identify"),
]


@pytest.mark.parametrize("name, content, reason", DAMAGED)
def test_a_damaged_image_file_is_named_not_loaded(name, content, reason, tmp_path, capfd):
    (tmp_path / "good.jpg").write_bytes(_jpeg(1))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / name).write_bytes(content())
    with pytest.raises(data.CorruptDataError) as info:
        data.load_image_folder(tmp_path, verbose=False)
    message = str(info.value)
    assert f"1 of 2 image file(s) in {tmp_path}" in message and f"sub/{name} (" in message, message
    assert reason in message and "delete or replace them" in message, message
    assert "Corrupt JPEG data" not in capfd.readouterr().err  # said in the error, not on a stderr nobody sees


def test_clean_jpegs_load_and_keep_their_pixels(tmp_path):
    from PIL import Image

    for i in range(2):
        (tmp_path / f"{i}.jpg").write_bytes(_jpeg(i))
    images = data.load_image_folder(tmp_path, image_size=(np.int64(28), np.int32(28)), verbose=np.bool_(False))
    expected = np.asarray(Image.open(tmp_path / "0.jpg"), np.float32) / 127.5 - 1
    assert images.shape == (2, 28, 28, 1)
    np.testing.assert_allclose(images[0, ..., 0], expected, atol=8 / 127.5)  # two JPEG decoders round differently


BAD_FOLDER_ARGUMENTS = [
    (lambda p: data.load_image_folder(None), ValueError, "path is None"),
    (lambda p: data.load_image_folder(3), TypeError, "path must be a folder path"),
    (lambda p: data.load_image_folder("  "), ValueError, "empty string"),
    (lambda p: data.load_image_folder(p / "good.jpg"), ValueError, "is a file, not a folder"),
    (lambda p: data.load_image_folder(p, image_size=(28, 0)), ValueError, "two positive integers"),
    (lambda p: data.load_image_folder(p, image_size=(28.0, 28)), ValueError, "image_size must be"),
    (lambda p: data.load_image_folder(p, image_size=(True, 28)), ValueError, "image_size must be"),
    (lambda p: data.load_image_folder(p, image_size="28x28"), ValueError, "(28, 28)"),
    (lambda p: data.load_image_folder(p, color_mode="RGB"), ValueError, "'grayscale' or 'rgb'"),
    (lambda p: data.load_image_folder(p, verbose="no"), ValueError, "verbose must be True or False"),
]


@pytest.mark.parametrize("call, error, words", BAD_FOLDER_ARGUMENTS)
def test_bad_folder_arguments_are_refused(call, error, words, tmp_path):
    (tmp_path / "good.jpg").write_bytes(_jpeg())
    with pytest.raises(error) as info:
        call(tmp_path)
    assert words in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: data.class_indices([0, 1], "labels", 0), "n_classes must be a positive integer"),
        (lambda: data.class_indices([0, 1], "labels", "10"), "not a string"),
        (lambda: data.class_indices([0, 1], "labels", 2.0), "int(n_classes) = 2"),
        (lambda: data.class_indices([0, 3], "labels", np.int64(3)), "must lie in [0, 3)"),
        (lambda: data.class_indices([[0, 1]], "labels", 2), "x.argmax(axis=1)"),
        (lambda: data.class_indices([0.5], "labels", 2), "whole numbers"),
    ],
)
def test_class_indices_refuses_bad_counts_and_labels(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value), str(info.value)
