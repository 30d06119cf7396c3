"""Images and labels that come into the course from elsewhere: your own folder of images, and the checks
that every training and plotting function applies at its boundary to images in [-1, 1], training data
and class labels (``class_indices``, lesson 07).

``data`` hands these names out too (``data.load_image_folder``, lesson 08), next to the course's data
sets and ``data.make_dataset``. Introduced in lesson 02.

Used in lesson 08.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from gan_course._checks import array as _array
from gan_course._checks import integer as _integer
from gan_course._checks import stacklevel as _stacklevel


def class_indices(labels, name: str, n_classes: int, dtype_error=ValueError, hint: str | None = None) -> np.ndarray:
    """``labels`` as int64 class indices (N,) in ``[0, n_classes)``, or an error naming ``name`` and the fix.

    Takes (N,) or (N, 1), integers or whole floats. Refuses one-hot or score rows, empty input,
    fractions (a cast would truncate them silently) and indices out of range (a GPU's embedding
    lookup returns zeros for a row that does not exist, and Keras wraps -1 round to the last class).
    A non-numeric dtype raises ``dtype_error`` (``metrics`` keeps its TypeError). ``hint`` ends the
    out-of-range message. Shared by ``metrics.class_distribution`` (lesson 04),
    ``conditional.class_fidelity`` and ``gan.GAN.check_labels`` (lesson 07). Introduced in lesson 07.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string used in messages, got {type(name).__name__}")
    n_classes = _integer(n_classes, "n_classes", minimum=1)
    arr = _array(labels, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one class index per sample, shape (N,) or (N, 1), got shape {arr.shape}: "
            "for one-hot labels, logits or probabilities pass x.argmax(axis=1)"
        )
    if arr.size == 0:
        raise ValueError(f"{name} are empty: pass at least one label")
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise dtype_error(f"{name} must be integer class indices, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        bad = arr[~(np.isfinite(arr) & (arr == np.round(arr)))]
        if bad.size:
            raise ValueError(
                f"{name} must be integer class indices (whole numbers), got {float(bad[0])!r}: a cast would "
                "truncate it; for scores or probabilities pass x.argmax(axis=1)"
            )
    arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() >= n_classes:
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        raise ValueError(
            f"{name} must lie in [0, {n_classes}), got {bad}: class indices count from 0; "
            + (hint or f"is n_classes ({n_classes}) right?")
        )
    return arr


def _dtype_error(what: str, dtype, if_integer: str, otherwise: str) -> TypeError:
    """The error for data of the wrong dtype, with the fix for integer data and for anything else."""
    return TypeError(f"{what}, got dtype {dtype}: {if_integer if np.issubdtype(dtype, np.integer) else otherwise}")


#: The image files ``keras.utils.image_dataset_from_directory`` reads.
_IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def load_image_folder(path, image_size=None, color_mode: str = "grayscale", verbose: bool = True) -> np.ndarray:
    """Your own images: every image file under ``path`` (subfolders too) as (N, H, W, C) float32 in [-1, 1].

    Read with ``keras.utils.image_dataset_from_directory`` (no labels, files in sorted order),
    resized to ``image_size`` = (H, W) (default: the images' own size, which must then be the same
    for all), ``color_mode`` "grayscale" (C = 1, like Fashion-MNIST) or "rgb" (C = 3), scaled
    from [0, 255] to [-1, 1]. Every file is opened first, so an empty folder, an unreadable file or
    mixed sizes without ``image_size`` are errors that name the files and the fix, before any
    TensorFlow work. Introduced in lesson 08.
    """
    if path is None:
        raise ValueError("path is None: give the folder that holds your images")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder path (str or Path), got {type(path).__name__} {path!r}")
    if not str(path).strip():
        raise ValueError("path is an empty string: give the folder that holds your images")
    folder = Path(path).expanduser()
    if not folder.exists():
        raise ValueError(f"{folder} does not exist: give the folder that holds your images")
    if not folder.is_dir():
        raise ValueError(f"{folder} is a file, not a folder: give the folder that holds your images")
    if color_mode not in ("grayscale", "rgb"):
        raise ValueError(f"color_mode must be 'grayscale' or 'rgb', got {color_mode!r}")
    if not isinstance(verbose, (bool, np.bool_)):
        raise ValueError(f"verbose must be True or False, got {verbose!r}")
    if image_size is not None:
        if (
            not isinstance(image_size, (tuple, list))
            or len(image_size) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in image_size)
        ):
            raise ValueError(
                f"image_size must be (height, width), two positive integers, e.g. (28, 28); got {image_size!r}"
            )
        image_size = (int(image_size[0]), int(image_size[1]))
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _IMAGE_FORMATS)
    if not files:
        others = sum(1 for p in folder.rglob("*") if p.is_file())
        raise ValueError(
            f"no image files ({', '.join(_IMAGE_FORMATS)}) in {folder} or its subfolders"
            + (f" (it holds {others} other file(s))" if others else " (it is empty)")
            + ": put your images there, or give the folder that holds them"
        )
    from PIL import Image, UnidentifiedImageError

    sizes, bad = {}, []
    for file in files:
        try:
            with Image.open(file) as image:
                image.load()
                damage = _jpeg_damage(file) if image.format == "JPEG" else None
                sizes.setdefault((image.height, image.width), []).append(file.name)
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as err:
            damage = f"{type(err).__name__}: {str(err).splitlines()[0][:120] if str(err) else 'unreadable'}"
        if damage:
            bad.append(f"{file.relative_to(folder)} ({damage})")
    if bad:
        from gan_course.data import CorruptDataError

        raise CorruptDataError(
            f"{len(bad)} of {len(files)} image file(s) in {folder} cannot be read: {', '.join(bad[:5])}"
            + (" ..." if len(bad) > 5 else "")
            + ": delete or replace them"
        )
    if image_size is None:
        if len(sizes) > 1:
            listed = "; ".join(f"{h}x{w} ({len(names)}, e.g. {names[0]})" for (h, w), names in list(sizes.items())[:4])
            raise ValueError(
                f"the images in {folder} have {len(sizes)} different sizes ({listed}): pass image_size=(H, W), "
                "e.g. (28, 28), to resize them all"
            )
        image_size = next(iter(sizes))
    import keras

    dataset = keras.utils.image_dataset_from_directory(
        str(folder),
        labels=None,
        color_mode=color_mode,
        image_size=image_size,
        batch_size=None,
        shuffle=False,
        verbose=False,
    )
    images = np.stack([np.asarray(x) for x in dataset.as_numpy_iterator()]).astype(np.float32) / 127.5 - 1.0
    if verbose:
        print(f"{len(images)} images from {folder}, {color_mode}, {image_size[0]}x{image_size[1]}, scaled to [-1, 1]")
    return images


def _jpeg_damage(path: Path) -> str | None:
    """What libjpeg says is wrong with the JPEG file ``path``, or None if it decodes cleanly.

    Pillow decodes a JPEG with damaged data silently; TensorFlow's decoder, which the dataset uses,
    only prints libjpeg's warning ("Corrupt JPEG data: ...") on the process's stderr, which a notebook
    does not show. So the file is decoded here once with stderr caught, and the warning becomes the error.
    """
    import tensorflow as tf

    content = path.read_bytes()
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as caught:
            os.dup2(caught.fileno(), 2)
            try:
                tf.io.decode_jpeg(content)
            except (tf.errors.InvalidArgumentError, tf.errors.DataLossError) as err:
                return f"TensorFlow cannot decode it: {str(err).splitlines()[0][:120]}"
            finally:
                os.dup2(saved, 2)
            caught.seek(0)
            lines = [line for line in caught.read().decode(errors="replace").splitlines() if line.strip()]
    finally:
        os.close(saved)
    others = [line for line in lines if "JPEG" not in line]
    if others:  # not libjpeg's: give it back to stderr
        os.write(2, ("\n".join(others) + "\n").encode())
    damage = [line for line in lines if "JPEG" in line]
    return f"libjpeg: {damage[0]}" if damage else None


def check_images(images, name: str = "images", shape: tuple | None = None) -> np.ndarray:
    """Check a batch of images (N, H, W, C) float in [-1, 1]; return it as a float32 array.

    Raises an error that says what was wrong and how to fix it. ``shape`` is the expected
    (H, W, C), if known. Images that all lie in [0, 1] get a ``UserWarning``: that is
    lesson 02's bug 1 (data not scaled to tanh's range), fixed by ``x * 2 - 1``. Used at
    the boundary of every training and plotting function. Introduced in lesson 02.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string used in messages, got {type(name).__name__}")
    if shape is not None:
        wanted = shape
        try:
            shape = tuple(_integer(s, "shape", minimum=1) for s in shape)
        except (TypeError, ValueError):
            shape = None
        if shape is None or len(shape) != 3:
            raise ValueError(f"shape must be (H, W, C), three positive integers such as (28, 28, 1), got {wanted!r}")
    arr = _array(images, name)
    if arr.size == 0:
        raise ValueError(f"{name} are empty (shape {arr.shape}): pass at least one image")
    if arr.dtype == np.uint8:
        raise ValueError(
            f"{name} are uint8 pixels in [0, 255]; the course works in [-1, 1]: "
            "use gan_course.data.scale_images(x) (x / 127.5 - 1)"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        raise _dtype_error(
            f"{name} must be floating point in [-1, 1]",
            arr.dtype,
            if_integer="if they are pixels in [0, 255], use x.astype('float32') / 127.5 - 1",
            otherwise="convert them with x.astype('float32') and scale them to [-1, 1]",
        )
    if arr.ndim == 2:
        raise ValueError(
            f"{name} have shape {arr.shape}, one gray image: add a batch and a channel axis with x[None, ..., None]"
        )
    if arr.ndim == 3:
        one_image = tuple(arr.shape) == shape if shape is not None else arr.shape[-1] in (1, 3)
        if one_image:
            raise ValueError(
                f"{name} have shape {arr.shape}, one image (H, W, C); expected a batch (N, H, W, C): "
                "add a batch axis with x[None]"
            )
        raise ValueError(f"{name} have shape {arr.shape}; expected (N, H, W, C): add a channel axis with x[..., None]")
    if arr.ndim != 4:
        raise ValueError(f"{name} must have shape (N, H, W, C), got {arr.shape}")
    if shape is not None and tuple(arr.shape[1:]) != shape:
        raise ValueError(f"{name} have image shape {arr.shape[1:]}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name} contain NaN or Inf values: a generator that diverged (lower the learning rate) or broken data"
        )
    lo, hi = float(arr.min()), float(arr.max())
    if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
        if lo >= 0.0 and hi > 1.5:
            fix = "they look like [0, 255]: divide by 127.5 and subtract 1"
        else:
            fix = "rescale them to [-1, 1]"
        raise ValueError(f"expected {name} in [-1, 1], got [{lo:.3g}, {hi:.3g}]: {fix}")
    if lo >= 0.0 and hi > 0.0:
        warnings.warn(
            f"{name} all lie in [0, 1] (got [{lo:.3g}, {hi:.3g}]), but the generator's tanh makes [-1, 1]: "
            "lesson 02's bug 1, data not scaled to the tanh range. Fix: x * 2 - 1 "
            "(or load with gan_course.data.load_images, which scales for you)",
            UserWarning,
            stacklevel=_stacklevel(),
        )
    return arr.astype(np.float32, copy=False)


def check_training_data(data, name: str = "data") -> np.ndarray:
    """Check training data: images (N, H, W, C) in [-1, 1] (see ``check_images``) or points (N, d).

    ``name`` is the argument's name in errors. Returns a float32 array. Introduced in lesson 02. Lesson 04
    trains on 2-D points.
    """
    arr = _array(data, name)
    if arr.size == 0:
        raise ValueError(f"{name} (the training data) are empty (shape {arr.shape}): pass at least one image or point")
    if arr.ndim in (3, 4) or arr.dtype == np.uint8:
        return check_images(arr, f"{name} (training images)")
    if arr.ndim == 1 and np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"{name} (the training data) have shape {arr.shape}; points must be (N, d): "
            "use x.reshape(-1, 1) for 1-D points"
        )
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"{name} (the training data) must be images (N, H, W, C) in [-1, 1] or points (N, d) as floats; "
            f"got shape {arr.shape}, dtype {arr.dtype}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} (the training data) contain NaN or Inf values: drop or fix those rows")
    return arr.astype(np.float32, copy=False)
