"""Image data sets as NumPy arrays and tf.data pipelines, scaled to [-1, 1].

Where the files come from, in this order (the loader says which one it used):

1. an explicit ``path=`` argument, or the environment variable
   ``GAN_COURSE_FASHION_MNIST`` / ``GAN_COURSE_MNIST``;
2. the Keras cache (``$KERAS_HOME`` or ``~/.keras``, folder ``datasets``);
3. Debian's package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
4. a download through ``keras.utils.get_file`` into the Keras cache.

Every file is checked against a SHA-256 before use. If nothing works, one error lists
every place tried and how to fix it. A loader never falls back to another data set.
Introduced in lesson 02.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

FASHION_FILES = {
    # file name -> SHA-256 of the *decompressed* IDX bytes, so that a file that was
    # re-compressed (Debian's package is) is still recognised.
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
#: SHA-256 of Keras' ``mnist.npz`` (the same hash Keras itself checks).
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
MNIST_CLASSES = tuple(str(d) for d in range(10))

DATASETS = {
    "fashion_mnist": {
        "title": "Fashion-MNIST",
        "env": "GAN_COURSE_FASHION_MNIST",
        "cache": os.path.join("datasets", "fashion-mnist"),
        "debian": "/usr/share/datasets/fashion-mnist",
        "debian_package": "dataset-fashion-mnist",
        "classes": FASHION_CLASSES,
    },
    "mnist": {
        "title": "MNIST",
        "env": "GAN_COURSE_MNIST",
        "cache": "datasets",
        "debian": None,
        "debian_package": None,
        "classes": MNIST_CLASSES,
    },
}
SPLITS = ("train", "test")


class DataNotFoundError(FileNotFoundError):
    """No place held a usable copy of the data set; the message lists them all."""


class CorruptDataError(ValueError):
    """A data file exists but its checksum or format is wrong."""


@dataclass
class ImageData:
    """Images (N, 28, 28, 1) float32 in [-1, 1], integer labels (N,), and provenance."""

    images: np.ndarray
    labels: np.ndarray
    name: str
    split: str
    source: str
    location: str
    class_names: tuple = field(default=())

    def __len__(self) -> int:
        return len(self.images)


def dataset_name(name: str) -> str:
    """Normalise a data set name (``"Fashion-MNIST"`` -> ``"fashion_mnist"``) or fail clearly."""
    if not isinstance(name, str):
        raise TypeError(f"data set name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in DATASETS:
        known = ", ".join(repr(k) for k in DATASETS)
        raise ValueError(f"unknown data set {name!r}: choose one of {known}")
    return key


def keras_cache_dir() -> Path:
    """The Keras cache folder: ``$KERAS_HOME`` if set, else ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


# --------------------------------------------------------------------------- files


def sha256_file(path: str | os.PathLike, decompress: bool = False) -> str:
    """SHA-256 of a file's bytes (of its decompressed bytes with ``decompress=True``)."""
    digest = hashlib.sha256()
    opener = gzip.open if decompress else open
    with opener(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or not, into an array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise CorruptDataError(f"{path} could not be read ({err}); delete it and fetch it again") from err
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise CorruptDataError(f"{path} is not an IDX file (bad magic number {raw[:4].hex()!r})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise CorruptDataError(f"{path} is truncated: its header needs {header} bytes")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise CorruptDataError(
            f"{path} has {len(raw)} bytes but its header {shape} needs {expected}: "
            "the file is truncated or damaged; delete it and fetch it again"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def _fashion_files(folder: Path) -> dict[str, Path] | None:
    files = {name: folder / name for name in FASHION_FILES}
    return files if all(p.is_file() for p in files.values()) else None


def _verify(path: Path, expected: str, decompress: bool) -> None:
    try:
        actual = sha256_file(path, decompress=decompress)
    except (OSError, EOFError) as err:
        raise CorruptDataError(
            f"{path} could not be read ({err}): it is damaged; delete it and fetch it again"
        ) from err
    if actual != expected:
        raise CorruptDataError(
            f"{path} has SHA-256 {actual[:12]}…, expected {expected[:12]}…: the file is "
            "corrupted or incomplete. Delete it and run `python -m gan_course fetch` again "
            "(or pass path= to a good copy)"
        )


# ------------------------------------------------------------------------- sources


@dataclass
class Attempt:
    """One place the loader looked, and what it found there."""

    place: str
    location: str
    found: bool
    reason: str = ""


def candidate_locations(name: str, path: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """The local places to look for a data set, in order, as (description, path) pairs."""
    key = dataset_name(name)
    spec = DATASETS[key]
    places: list[tuple[str, Path]] = []
    if path is not None:
        places.append(("path argument", Path(path).expanduser()))
    elif os.environ.get(spec["env"]):
        places.append((f"environment variable {spec['env']}", Path(os.environ[spec["env"]]).expanduser()))
    places.append(("Keras cache", keras_cache_dir() / spec["cache"]))
    if spec["debian"]:
        places.append((f"Debian package {spec['debian_package']}", Path(spec["debian"])))
    return places


def _resolve_local(key: str, where: Path) -> tuple[dict[str, Path] | Path | None, str]:
    """Files for ``key`` at ``where`` (a folder, or for MNIST also the .npz file)."""
    if key == "fashion_mnist":
        if not where.is_dir():
            return None, "no such folder"
        files = _fashion_files(where)
        if files is None:
            missing = [n for n in FASHION_FILES if not (where / n).is_file()]
            return None, f"missing {', '.join(missing)}"
        return files, ""
    npz = where if where.suffix == ".npz" else where / "mnist.npz"
    return (npz, "") if npz.is_file() else (None, f"no {npz.name} there")


def locate(name: str, path: str | os.PathLike | None = None) -> tuple[list[Attempt], object]:
    """Look for a data set locally without loading it.

    Returns the list of attempts and the files of the first place that has them
    (``None`` if none does). Used by the loader and by ``python -m gan_course doctor``.
    """
    key = dataset_name(name)
    attempts = []
    for place, where in candidate_locations(key, path):
        files, reason = _resolve_local(key, where)
        attempts.append(Attempt(place, str(where), files is not None, reason))
        if files is not None:
            return attempts, files
        if place == "path argument":  # an explicit path that is wrong is an error, not a hint
            break
    return attempts, None


def _download(key: str) -> dict[str, Path] | Path:
    """Download into the Keras cache with ``keras.utils.get_file``."""
    import keras

    cache = str(keras_cache_dir())
    if key == "fashion_mnist":
        subdir = DATASETS[key]["cache"]
        return {
            fname: Path(
                keras.utils.get_file(fname, origin=KERAS_ORIGIN + fname, cache_dir=cache, cache_subdir=subdir)
            )
            for fname in FASHION_FILES
        }
    return Path(
        keras.utils.get_file(
            "mnist.npz", origin=KERAS_ORIGIN + "mnist.npz", file_hash=MNIST_SHA256,
            cache_dir=cache, cache_subdir=DATASETS[key]["cache"],
        )
    )  # fmt: skip


def _not_found(key: str, attempts: list[Attempt], download: str) -> DataNotFoundError:
    spec = DATASETS[key]
    lines = [f"{spec['title']} could not be loaded. Places tried, in order:"]
    for a in attempts:
        lines.append(f"  - {a.place}: {a.location} ({a.reason})")
    lines.append(f"  - download from {KERAS_ORIGIN}: {download}")
    lines.append("How to fix it, any one of:")
    if spec["debian_package"]:
        lines.append(f"  - on Debian/Ubuntu: sudo apt-get install {spec['debian_package']}")
    lines.append(
        f"  - on a machine with internet run `python -m gan_course fetch {key}`, then copy what it "
        f"downloaded to {keras_cache_dir() / spec['cache']} on this machine"
    )
    what = "the folder holding the four IDX .gz files" if key == "fashion_mnist" else "mnist.npz"
    lines.append(f"  - pass path= (or set {spec['env']}) to {what}")
    return DataNotFoundError("\n".join(lines))


# -------------------------------------------------------------------------- loading


def scale_images(pixels: np.ndarray) -> np.ndarray:
    """uint8 pixels in [0, 255], shape (N, H, W) or (N, H, W, C) -> float32 in [-1, 1], (N, H, W, C).

    The generator ends in tanh, whose outputs lie in [-1, 1]; real images must use the
    same range or the discriminator can tell them apart by range alone (lesson 02).
    """
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise TypeError(
            f"expected uint8 pixels in [0, 255], got dtype {pixels.dtype}: "
            "scale_images is for raw pixels; data already in [-1, 1] needs no scaling"
        )
    if pixels.ndim == 3:
        pixels = pixels[..., None]
    if pixels.ndim != 4:
        raise ValueError(f"expected pixels of shape (N, H, W) or (N, H, W, C), got {pixels.shape}")
    return pixels.astype(np.float32) / 127.5 - 1.0


def _read_arrays(key: str, files, split: str, verify: bool) -> tuple[np.ndarray, np.ndarray]:
    if key == "fashion_mnist":
        prefix = "train" if split == "train" else "t10k"
        img_file = files[f"{prefix}-images-idx3-ubyte.gz"]
        lbl_file = files[f"{prefix}-labels-idx1-ubyte.gz"]
        if verify:
            _verify(img_file, FASHION_FILES[img_file.name], decompress=True)
            _verify(lbl_file, FASHION_FILES[lbl_file.name], decompress=True)
        images, labels = read_idx(img_file), read_idx(lbl_file)
    else:
        if verify:
            _verify(files, MNIST_SHA256, decompress=False)
        try:
            with np.load(files, allow_pickle=False) as f:
                images, labels = f[f"x_{split}"], f[f"y_{split}"]
        except (OSError, KeyError, ValueError) as err:
            raise CorruptDataError(f"{files} is not a usable mnist.npz ({err}); delete it and fetch it again") from err
    if images.ndim != 3 or images.shape[0] != labels.shape[0]:
        raise CorruptDataError(f"{key} {split}: images {images.shape} and labels {labels.shape} do not match")
    return images, labels


def load_images(
    name: str = "fashion_mnist",
    split: str = "train",
    path: str | os.PathLike | None = None,
    download: bool = True,
    verbose: bool = True,
) -> ImageData:
    """Load Fashion-MNIST or MNIST as images (N, 28, 28, 1) float32 in [-1, 1] and int labels.

    Looks in the places listed in this module's docstring, verifies the files' SHA-256,
    and prints which source it used (``verbose``). ``split`` is ``"train"`` (60 000
    images) or ``"test"`` (10 000). Introduced in lesson 02.
    """
    key = dataset_name(name)
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    spec = DATASETS[key]
    attempts, files = locate(key, path)
    source = attempts[-1].place if files is not None else None
    if files is None and path is not None:
        raise _not_found(key, attempts, "not tried, because an explicit path was given")
    download_error = "not tried (download=False)"
    if files is None and download:
        try:
            files = _download(key)
            source = "download into the Keras cache"
        except Exception as err:  # noqa: BLE001 - any failure here means "not downloadable now"
            download_error = "failed (" + f"{type(err).__name__}: {err}".splitlines()[0][:200] + ")"
    if files is None:
        raise _not_found(key, attempts, download_error)
    images, labels = _read_arrays(key, files, split, verify=True)
    location = str(files if isinstance(files, Path) else next(iter(files.values())).parent)
    data = ImageData(
        images=scale_images(images), labels=labels.astype(np.int64), name=key, split=split,
        source=source, location=location, class_names=spec["classes"],
    )  # fmt: skip
    if verbose:
        print(f"{spec['title']} {split}: {len(data)} images from {location} ({source}), scaled to [-1, 1]")
    return data


def fetch(name: str = "fashion_mnist") -> str:
    """Make sure a data set is on this machine (download it if needed); returns where it is."""
    data = load_images(name, "test", verbose=False)
    return f"{DATASETS[data.name]['title']}: {data.location} ({data.source})"


# ------------------------------------------------------------------------ pipelines


def check_images(images, name: str = "images", shape: tuple | None = None) -> np.ndarray:
    """Check a batch of images (N, H, W, C) float in [-1, 1]; return it as a float32 array.

    Raises an error that says what was wrong and how to fix it. ``shape`` is the expected
    (H, W, C), if known. Used at the boundary of every training and plotting function.
    """
    if hasattr(images, "numpy"):
        images = images.numpy()
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        raise ValueError(
            f"{name} are uint8 pixels in [0, 255]; the course works in [-1, 1]: "
            "use gan_course.data.scale_images(x) (x / 127.5 - 1)"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"{name} must be floating point in [-1, 1], got dtype {arr.dtype}")
    if arr.ndim == 3:
        raise ValueError(
            f"{name} have shape {arr.shape}; expected (N, H, W, C): add a channel axis with x[..., None]"
        )
    if arr.ndim != 4:
        raise ValueError(f"{name} must have shape (N, H, W, C), got {arr.shape}")
    if shape is not None and tuple(arr.shape[1:]) != tuple(shape):
        raise ValueError(f"{name} have image shape {arr.shape[1:]}, expected {tuple(shape)}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contain NaN or Inf values")
    if arr.size:
        lo, hi = float(arr.min()), float(arr.max())
        if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
            if lo >= 0.0 and hi > 1.5:
                fix = "they look like [0, 255]: divide by 127.5 and subtract 1"
            else:
                fix = "rescale them to [-1, 1]"
            raise ValueError(f"expected {name} in [-1, 1], got [{lo:.3g}, {hi:.3g}]: {fix}")
    return arr.astype(np.float32, copy=False)


def check_training_data(data) -> np.ndarray:
    """Check training data: images (N, H, W, C) in [-1, 1] (see ``check_images``) or points (N, d)."""
    arr = np.asarray(data.numpy() if hasattr(data, "numpy") else data)
    if arr.ndim == 4 or arr.dtype == np.uint8:
        return check_images(arr, "training images")
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            "training data must be images (N, H, W, C) in [-1, 1] or points (N, d) as floats; "
            f"got shape {arr.shape}, dtype {arr.dtype}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("training data contain NaN or Inf values")
    return arr.astype(np.float32, copy=False)


def make_dataset(images, batch_size: int, shuffle: bool = True, seed: int = 0, drop_remainder: bool = True):
    """A ``tf.data.Dataset`` of batches, reshuffled each epoch from a fixed seed.

    ``images`` are (N, H, W, C) float in [-1, 1] (or toy points (N, d)). Full batches only by default, so every
    training step sees ``batch_size`` images. Introduced in lesson 02.
    """
    import tensorflow as tf

    images = check_training_data(images)
    if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if batch_size > len(images):
        raise ValueError(
            f"batch_size {batch_size} is larger than the data ({len(images)} images): "
            f"use batch_size <= {len(images)} or more images"
        )
    ds = tf.data.Dataset.from_tensor_slices(images)
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(int(batch_size), drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
