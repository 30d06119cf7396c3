"""Shared fixtures, the real-data marker, and the nbval setting that keeps TensorFlow's stderr out of comparisons.

A test that reads the real Fashion-MNIST is marked ``@pytest.mark.needs_fashion_mnist``: where the
data are not on this machine (no download is tried) it is skipped, except on CI, which installs
them, where it fails.

nbval compares every output stream of a ``# NBVAL_CHECK_OUTPUT`` cell, stderr included.
TensorFlow writes log lines to stderr that depend on the machine (CPU flags, CUDA
drivers), so stderr is added to the keys nbval skips; stdout and results are compared.
"""

from __future__ import annotations

import functools
import gzip
import os

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

try:
    import nbval.plugin as _nbval_plugin
except ImportError:  # nbval is a dev extra; unit tests run without it
    _nbval_plugin = None

if _nbval_plugin is not None:
    _original_init = _nbval_plugin.IPyNbFile.__init__

    def _init_without_stderr(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        self.skip_compare = tuple(self.skip_compare) + ("stderr",)

    _nbval_plugin.IPyNbFile.__init__ = _init_without_stderr


def write_idx(path, array: np.ndarray) -> None:
    """Write ``array`` (uint8) as an IDX file, gzip-compressed if the name ends in .gz."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache, no data-set environment variables, and no downloads."""
    from gan_course import data

    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    for spec in data.DATASETS.values():
        monkeypatch.delenv(spec["env"], raising=False)

    def no_network(key):
        raise OSError("network disabled in tests")

    monkeypatch.setattr(data, "_download", no_network)
    return home


@pytest.fixture
def tiny_fashion(tmp_path, monkeypatch):
    """A folder with four small Fashion-MNIST-format IDX files, and their hashes registered."""
    from gan_course import data

    rng = np.random.default_rng(0)
    folder = tmp_path / "tiny_fashion"
    folder.mkdir()
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (12, 28, 28)),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 12),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 5),
    }
    hashes = {}
    for name, arr in arrays.items():
        write_idx(folder / name, arr)
        hashes[name] = data.sha256_file(folder / name, decompress=True)
    monkeypatch.setattr(data, "_FASHION_FILES", hashes)
    return folder, arrays


@pytest.fixture
def no_debian(monkeypatch, tmp_path):
    """Pretend Debian's Fashion-MNIST package is not installed."""
    from gan_course import data

    spec = dict(data.DATASETS["fashion_mnist"], debian=str(tmp_path / "no-debian-here"))
    monkeypatch.setitem(data.DATASETS, "fashion_mnist", spec)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@functools.cache
def fashion_mnist_here() -> str | None:
    """The place where the loader finds the real Fashion-MNIST on this machine (no download), or None."""
    from gan_course import data

    attempts, files = data.locate("fashion_mnist")
    return attempts[-1].place if files is not None else None


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_fashion_mnist") is None or fashion_mnist_here() is not None:
        return
    fix = "sudo apt-get install dataset-fashion-mnist, or python -m gan_course fetch"
    if in_ci():
        pytest.fail(f"this test reads the real Fashion-MNIST, which CI must install ({fix})", pytrace=False)
    pytest.skip(f"the real Fashion-MNIST is not on this machine ({fix})")
