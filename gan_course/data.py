"""The course's data sets, Fashion-MNIST and MNIST: where their files are, whether they are intact,
loading them as images in [-1, 1] with their labels, and batches of them as a ``tf.data.Dataset``.

Where the files come from, in this order (the loader says which one it used):

1. an explicit ``path=`` argument, or the environment variable
   ``GAN_COURSE_FASHION_MNIST`` / ``GAN_COURSE_MNIST``;
2. the Keras cache (``$KERAS_HOME`` or ``~/.keras``, folder ``datasets``);
3. Debian's package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
4. a download through ``keras.utils.get_file`` into the Keras cache.

An explicit place (``path=`` or a set environment variable) that holds no data is an
error, never a silent fall-back to the next place. Every file is checked against a
SHA-256 before use; a damaged or truncated file of any kind raises ``CorruptDataError``
naming the file and the fix. If nothing works, one error lists every place tried and how
to fix it. A loader never falls back to another data set.

Your own folder of images and the checks of images and labels live in ``arrays``; ``data`` hands
out their names too (``data.load_image_folder``).

Introduced in lesson 02; ``python -m gan_course doctor`` uses it too.

Used in lessons 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import math
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gan_course._checks import array as _array
from gan_course._checks import integer as _integer

# Images that come from elsewhere, and the checks every module applies at its boundary, live in ``arrays``;
# lessons and modules reach them through ``data``.
from gan_course.arrays import check_images as check_images
from gan_course.arrays import check_training_data as check_training_data
from gan_course.arrays import class_indices as class_indices
from gan_course.arrays import load_image_folder as load_image_folder

_KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

_FASHION_FILES = {
    # file name -> SHA-256 of the *decompressed* IDX bytes, so that a file that was
    # re-compressed (Debian's package is) is still recognised.
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
#: SHA-256 of Keras' ``mnist.npz`` (the same hash Keras itself checks).
_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_MNIST_CLASSES = tuple(str(d) for d in range(10))

DATASETS = {
    "fashion_mnist": {
        "title": "Fashion-MNIST",
        "env": "GAN_COURSE_FASHION_MNIST",
        "cache": os.path.join("datasets", "fashion-mnist"),
        "debian": "/usr/share/datasets/fashion-mnist",
        "debian_package": "dataset-fashion-mnist",
        "classes": _FASHION_CLASSES,
    },
    "mnist": {
        "title": "MNIST",
        "env": "GAN_COURSE_MNIST",
        "cache": "datasets",
        "debian": None,
        "debian_package": None,
        "classes": _MNIST_CLASSES,
    },
}
_SPLITS = ("train", "test")

# Everything that reading a damaged .gz, .npz or IDX file can raise. zlib.error is not an
# OSError: a flipped byte inside the deflate stream raises it from gzip's reader.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


class DataNotFoundError(FileNotFoundError):
    """No place held a usable copy of the data set; the message lists them all. Introduced in lesson 02."""


class CorruptDataError(ValueError):
    """A data file exists but it is damaged, truncated, or its checksum is wrong; the message names
    the file and the fix. Introduced in lesson 02."""


@dataclass
class ImageData:
    """Images (N, 28, 28, 1) float32 in [-1, 1], integer labels (N,), and provenance. Introduced in lesson 02."""

    images: np.ndarray
    labels: np.ndarray
    name: str
    split: str
    source: str
    location: str
    class_names: tuple = field(default=())

    def __post_init__(self):  # what loaders return; refuse a hand-made one that is not numbers
        if np.asarray(self.images).dtype.kind not in "iuf":
            raise TypeError(f"images must be an array of numbers, got {type(self.images).__name__}")

    def __len__(self) -> int:
        return len(self.images)


def dataset_name(name: str) -> str:
    """Normalise a data set name (``"Fashion-MNIST"`` -> ``"fashion_mnist"``) or fail clearly.

    Introduced in lesson 02.
    """
    if not isinstance(name, str):
        raise TypeError(f"data set name must be a string such as 'fashion_mnist', got {type(name).__name__} {name!r}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in DATASETS:
        known = ", ".join(repr(k) for k in DATASETS)
        close = difflib.get_close_matches(key, DATASETS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown data set {name!r}{hint}: choose one of {known}")
    return key


def keras_cache_dir() -> Path:
    """The Keras cache folder: ``$KERAS_HOME`` if set, else ``~/.keras``. Introduced in lesson 02."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


# --------------------------------------------------------------------------- files


def _fix_for(path: Path, files: str = "it") -> str:
    """How to replace a damaged file: reinstall Debian's package, or delete it and fetch again."""
    for spec in DATASETS.values():
        if spec["debian"] and str(Path(path).absolute()).startswith(spec["debian"].rstrip("/") + "/"):
            return f"Reinstall {files}: sudo apt-get install --reinstall {spec['debian_package']}"
    return f"Delete {files} and run `python -m gan_course fetch` again (or pass path= to a good copy)"


def _damaged(path, problem: str) -> CorruptDataError:
    """The one error for every kind of damaged file: names the file, what is wrong, and the fix."""
    return CorruptDataError(f"{path} {problem}: the file is corrupted or incomplete. {_fix_for(Path(path))}")


def _unreadable(path, err: BaseException) -> CorruptDataError:
    if isinstance(err, PermissionError):
        return CorruptDataError(f"{path} could not be read ({err}): make it readable (chmod a+r) or {_fix_for(path)}")
    kind = type(err).__name__ if type(err).__module__ == "builtins" else f"{type(err).__module__}.{type(err).__name__}"
    return _damaged(path, f"could not be read ({kind}: {err})" if str(err) else f"could not be read ({kind})")


def sha256_file(path: str | os.PathLike, decompress: bool = False) -> str:
    """SHA-256 of a file's bytes (of its decompressed bytes with ``decompress=True``).

    Raises ``CorruptDataError`` naming the file if it cannot be read or decompressed.
    Introduced in lesson 02.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__} {path!r}")
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path} is not a file: check the path")
    digest = hashlib.sha256()
    opener = gzip.open if decompress else open
    try:
        with opener(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except _READ_ERRORS as err:
        raise _unreadable(path, err) from err
    return digest.hexdigest()


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed (name ends in .gz) or not, into an array.

    Any damaged, truncated or mis-named file raises ``CorruptDataError`` naming the file
    and the fix. Introduced in lesson 02.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__} {path!r}")
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path} is not a file: check the path")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except _READ_ERRORS as err:
        raise _unreadable(path, err) from err
    if raw[:2] == b"\x1f\x8b":
        raise CorruptDataError(
            f"{path} is gzip-compressed but its name does not end in .gz: rename it to {path.name}.gz "
            "(or, if it should not be compressed, it is corrupted: delete it and fetch it again)"
        )
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise _damaged(path, f"is not an IDX file (bad magic number {raw[:4].hex()!r})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise _damaged(path, f"has {len(raw)} bytes, fewer than its {header}-byte header (truncated or damaged)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = header + math.prod(shape) * dtype.itemsize  # Python ints: no overflow on a damaged header
    if len(raw) != expected:
        raise _damaged(path, f"has {len(raw)} bytes but its header {shape} needs {expected} (truncated or damaged)")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def _fashion_files(folder: Path) -> dict[str, Path] | None:
    files = {name: folder / name for name in _FASHION_FILES}
    return files if all(p.is_file() for p in files.values()) else None


def _verify(path: Path, expected: str, decompress: bool) -> None:
    actual = sha256_file(path, decompress=decompress)  # raises CorruptDataError if unreadable
    if actual != expected:
        raise _damaged(path, f"has SHA-256 {actual[:12]}…, expected {expected[:12]}…")


# ------------------------------------------------------------------------- sources


@dataclass
class Attempt:
    """One place the loader looked, and what it found there. ``explicit`` marks a place the user
    chose (``path=`` or an environment variable): if it holds nothing, that is an error.
    Introduced in lesson 02."""

    place: str
    location: str
    found: bool
    reason: str = ""
    explicit: bool = False


def _check_path(path) -> Path | None:
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder or file path (str or Path) or None, got {type(path).__name__} {path!r}")
    if not str(path).strip():
        raise ValueError("path is an empty string: pass the folder that holds the data, or leave path=None")
    return Path(path).expanduser()


def _candidate_locations(name: str, path: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """The local places to look for a data set, in order, as (description, path) pairs. Introduced in lesson 02."""
    key = dataset_name(name)
    spec = DATASETS[key]
    path = _check_path(path)
    places: list[tuple[str, Path]] = []
    if path is not None:
        places.append(("path argument", path))
    elif os.environ.get(spec["env"]):
        places.append((f"environment variable {spec['env']}", Path(os.environ[spec["env"]]).expanduser()))
    places.append(("Keras cache", keras_cache_dir() / spec["cache"]))
    if spec["debian"]:
        places.append((f"Debian package {spec['debian_package']}", Path(spec["debian"])))
    return places


def _resolve_local(key: str, where: Path) -> tuple[dict[str, Path] | Path | None, str]:
    """Files for ``key`` at ``where`` (a folder, or for MNIST also the .npz file)."""
    if key == "fashion_mnist":
        if where.is_file():
            return None, "is a file, not a folder: give the folder that holds the four IDX .gz files"
        if not where.is_dir():
            return None, "no such folder"
        files = _fashion_files(where)
        if files is None:
            missing = [n for n in _FASHION_FILES if not (where / n).is_file()]
            return None, f"missing {', '.join(missing)}"
        return files, ""
    npz = where if where.suffix == ".npz" else where / "mnist.npz"
    if not where.exists():
        return None, "no such file or folder"
    return (npz, "") if npz.is_file() else (None, f"no {npz.name} there")


def locate(name: str, path: str | os.PathLike | None = None) -> tuple[list[Attempt], object]:
    """Look for a data set locally without loading it.

    Returns the list of attempts and the files of the first place that has them
    (``None`` if none does). An explicit place (``path=`` or the data set's environment
    variable) that holds nothing stops the search: its attempt is the last one, with
    ``explicit=True``. Used by the loader and by ``python -m gan_course doctor``.
    Introduced in lesson 02.
    """
    key = dataset_name(name)
    attempts = []
    for place, where in _candidate_locations(key, path):
        files, reason = _resolve_local(key, where)
        explicit = place == "path argument" or place.startswith("environment variable")
        attempts.append(Attempt(place, str(where), files is not None, reason, explicit))
        if files is not None:
            return attempts, files
        if explicit:  # a place the user chose that is wrong is an error, not a hint
            break
    return attempts, None


def _download(key: str) -> dict[str, Path] | Path:
    """Download into the Keras cache with ``keras.utils.get_file``."""
    import keras

    cache = str(keras_cache_dir())
    if key == "fashion_mnist":
        subdir = DATASETS[key]["cache"]
        return {
            fname: Path(keras.utils.get_file(fname, origin=_KERAS_ORIGIN + fname, cache_dir=cache, cache_subdir=subdir))
            for fname in _FASHION_FILES
        }
    return Path(
        keras.utils.get_file(
            "mnist.npz",
            origin=_KERAS_ORIGIN + "mnist.npz",
            file_hash=_MNIST_SHA256,
            cache_dir=cache,
            cache_subdir=DATASETS[key]["cache"],
        )
    )


def _not_found(key: str, attempts: list[Attempt], download: str) -> DataNotFoundError:
    spec = DATASETS[key]
    what = "the folder holding the four IDX .gz files" if key == "fashion_mnist" else "mnist.npz (or its folder)"
    lines = []
    last = attempts[-1] if attempts else None
    if last is not None and last.explicit and not last.found:
        if last.place == "path argument":
            lines.append(f"path={last.location!r} holds no {spec['title']} ({last.reason}): pass {what}.")
        else:
            value = os.environ.get(spec["env"], "")
            lines.append(
                f"{spec['env']} is set to {value!r}, but {Path(last.location).absolute()} holds no {spec['title']} "
                f"({last.reason}). Point {spec['env']} at {what}, or unset it to use the other places "
                f"(shell: unset {spec['env']}; notebook: del os.environ[{spec['env']!r}])."
            )
    lines.append(f"{spec['title']} could not be loaded. Places tried, in order:")
    for a in attempts:
        lines.append(f"  - {a.place}: {a.location} ({a.reason})")
    lines.append(f"  - download from {_KERAS_ORIGIN}: {download}")
    lines.append("How to fix it, any one of:")
    if spec["debian_package"]:
        lines.append(f"  - on Debian/Ubuntu: sudo apt-get install {spec['debian_package']}")
    lines.append(
        f"  - on a machine with internet run `python -m gan_course fetch {key}`, then copy what it "
        f"downloaded to {keras_cache_dir() / spec['cache']} on this machine"
    )
    lines.append(f"  - pass path= (or set {spec['env']}) to {what}")
    return DataNotFoundError("\n".join(lines))


# -------------------------------------------------------------------------- loading


def scale_images(pixels: np.ndarray) -> np.ndarray:
    """uint8 pixels in [0, 255], shape (N, H, W) or (N, H, W, C) -> float32 in [-1, 1], (N, H, W, C).

    The generator ends in tanh, whose outputs lie in [-1, 1]; real images must use the
    same range or the discriminator can tell them apart by range alone (lesson 02).
    Introduced in lesson 02.
    """
    pixels = _array(pixels, "pixels")
    if pixels.dtype != np.uint8:
        fix = (
            "if they are pixel values 0..255, convert them with x.astype(np.uint8) first"
            if np.issubdtype(pixels.dtype, np.integer)
            else "scale_images is for raw pixels; data already in [-1, 1] need no scaling"
        )
        raise TypeError(f"expected uint8 pixels in [0, 255], got dtype {pixels.dtype}: {fix}")
    if pixels.size == 0:
        raise ValueError(f"pixels are empty (shape {pixels.shape}): pass at least one image")
    if pixels.ndim == 2:
        raise ValueError(
            f"pixels have shape {pixels.shape}, one gray image: add a batch axis with x[None] to get (1, H, W)"
        )
    if pixels.ndim == 3 and pixels.shape[-1] in (1, 3) and pixels.shape[1] not in (1, 3):
        raise ValueError(
            f"pixels have shape {pixels.shape}, which looks like one image (H, W, C): add a batch axis with x[None]"
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
            _verify(img_file, _FASHION_FILES[img_file.name], decompress=True)
            _verify(lbl_file, _FASHION_FILES[lbl_file.name], decompress=True)
        images, labels = _read_idx(img_file), _read_idx(lbl_file)
        first, where = img_file, f"{img_file} and {lbl_file}"
    else:
        if verify:
            _verify(files, _MNIST_SHA256, decompress=False)
        try:
            with np.load(files, allow_pickle=False) as f:
                images, labels = f[f"x_{split}"], f[f"y_{split}"]
        except (*_READ_ERRORS, KeyError, ValueError) as err:
            raise _damaged(files, f"is not a usable mnist.npz ({type(err).__name__}: {err})") from err
        first, where = files, str(files)
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise CorruptDataError(
            f"{key} {split}: images {images.shape} and labels {labels.shape} do not match in {where}: "
            f"the files are corrupted or incomplete. {_fix_for(first, 'both')}"
        )
    return images, labels


def _check_split(split) -> str:
    if not isinstance(split, str) or split not in _SPLITS:
        close = difflib.get_close_matches(str(split).lower(), _SPLITS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}{hint}")
    return split


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
    images) or ``"test"`` (10 000). ``path=`` or a set environment variable that holds
    no data is an error (``DataNotFoundError``), and so is a damaged file
    (``CorruptDataError``). Introduced in lesson 02.
    """
    key = dataset_name(name)
    _check_split(split)
    _check_path(path)
    for flag, value in (("download", download), ("verbose", verbose)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    spec = DATASETS[key]
    attempts, files = locate(key, path)
    source = attempts[-1].place if files is not None else None
    if files is None and attempts[-1].explicit:
        raise _not_found(key, attempts, f"not tried, because {attempts[-1].place} was given")
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
        images=scale_images(images),
        labels=labels.astype(np.int64),
        name=key,
        split=split,
        source=source,
        location=location,
        class_names=spec["classes"],
    )
    if verbose:
        print(f"{spec['title']} {split}: {len(data)} images from {location} ({source}), scaled to [-1, 1]")
    return data


def verify_local(name: str) -> str:
    """Verify every file of a data set where the loader would find it, without downloading.

    Returns "place: location"; raises the loader's errors (``DataNotFoundError``, ``CorruptDataError``).
    The check behind ``python -m gan_course doctor``. Introduced in lesson 02.
    """
    key = dataset_name(name)
    attempts, files = locate(key)
    if files is None:
        raise _not_found(key, attempts, "not tried (checking this machine only)")
    for split in _SPLITS:
        _read_arrays(key, files, split, verify=True)
    return f"{attempts[-1].place}: {attempts[-1].location}"


def fetch(name: str = "fashion_mnist") -> str:
    """Make sure a data set is on this machine (download it if needed); returns where it is.

    The function behind ``python -m gan_course fetch`` (README). Introduced in lesson 02.
    """
    data = load_images(name, "test", verbose=False)
    return f"{DATASETS[data.name]['title']}: {data.location} ({data.source})"


# ------------------------------------------------------------------------ pipelines


def make_dataset(
    images, batch_size: int, shuffle: bool = True, seed: int = 0, drop_remainder: bool = True, labels=None
):
    """A ``tf.data.Dataset`` of batches, reshuffled each epoch from a fixed seed.

    ``images`` are (N, H, W, C) float in [-1, 1] (or toy points (N, d)). Full batches only by default, so every
    training step sees ``batch_size`` images. ``batch_size`` and ``seed`` may be Python or NumPy integers.
    With ``labels`` (N,) or (N, k), one per image, the batches are ``(images, labels)`` pairs for a
    conditional GAN, shuffled together. Introduced in lesson 02.
    """
    batch_size = _integer(batch_size, "batch_size", minimum=1)
    seed = _integer(seed, "seed", minimum=0, allow_none=True)
    for flag, value in (("shuffle", shuffle), ("drop_remainder", drop_remainder)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    import tensorflow as tf

    if isinstance(images, tf.data.Dataset):
        raise TypeError("images is already a tf.data.Dataset: use it directly; make_dataset takes an array (N, ...)")
    images = check_training_data(images, "images")
    if drop_remainder and batch_size > len(images):
        raise ValueError(
            f"batch_size {batch_size} is larger than the data ({len(images)} images), so no full batch exists: "
            f"use batch_size <= {len(images)}, more images, or drop_remainder=False"
        )
    if labels is None:
        ds = tf.data.Dataset.from_tensor_slices(images)
    else:
        labels = np.asarray(labels)
        if labels.ndim not in (1, 2) or len(labels) != len(images):
            raise ValueError(
                f"labels must have shape (N,) or (N, k) with one label per image ({len(images)}), got {labels.shape}"
            )
        if not (np.issubdtype(labels.dtype, np.integer) or np.issubdtype(labels.dtype, np.floating)):
            raise ValueError(f"labels must be integers (class indices) or floats (one-hot), got dtype {labels.dtype}")
        ds = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=bool(drop_remainder)).prefetch(tf.data.AUTOTUNE)
