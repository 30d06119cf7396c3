"""Helpers shared by the seed programs' modules (``s0``, ``s1``, ``s3``): argument checks, running a failing line
and keeping its error, and recording a loop's numbers. Used by lesson 09 through ``gan_course.seeds``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from gan_course.seeds import Failure
from gan_course.training import History


def check_steps(steps) -> int:
    """``steps`` as a positive int, or an error that says what it got."""
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer (training steps to run), got {steps!r}")
    return int(steps)


def positive_int(value, name: str, example: str) -> int:
    """``value`` as a positive int, or an error naming ``name`` with an ``example``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer ({example}), got {value!r}")
    return int(value)


def check_seed(seed) -> int:
    """``seed`` as a non-negative int, or an error that says what it got."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def as_images(images, shape=None) -> np.ndarray:
    """Images (N, H, W, C) as float32, finite; their range is left alone (a seed may use [0, 1])."""
    if hasattr(images, "numpy") and not isinstance(images, np.ndarray):
        images = images.numpy()
    arr = np.asarray(images)
    if arr.ndim != 4 or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"images must be a float array (N, H, W, C), got shape {arr.shape} and dtype {arr.dtype}")
    if len(arr) == 0:
        raise ValueError("images are empty: pass at least one image")
    if not np.all(np.isfinite(arr)):
        raise ValueError("images contain NaN or Inf values")
    if shape is not None and tuple(arr.shape[1:]) != tuple(shape):
        raise ValueError(
            f"images have shape {arr.shape[1:]}, the networks take {tuple(shape)}"
            + (": resize them with seeds.resize_images(images, 16)" if tuple(shape)[:2] == (16, 16) else "")
        )
    return arr.astype(np.float32, copy=False)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_line(err: BaseException) -> str:
    """The line of an error message that says what went wrong, without colour codes or TensorFlow's traceback."""
    text = _ANSI.sub("", str(err)).strip()
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", text)  # TensorFlow's op location
    text = re.sub(r"\s*\[Op:[^\]]*\].*$", "", text, flags=re.M)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for pattern in ("Incompatible shapes", "is incompatible with", "Invalid input shape", "expected"):
        for line in lines:
            if pattern in line:
                return line[:400]
    return (lines[0] if lines else type(err).__name__)[:400]


def attempt(section: str, code: str, fix: str, run) -> Failure | None:
    """Run ``run()``; a Failure with the error it raised, or None if it ran."""
    try:
        with warnings.catch_warnings():  # Keras' deprecation notes are not the seed's failure
            warnings.simplefilter("ignore")
            run()
    except Exception as err:  # noqa: BLE001 - whatever the seed's code raises is what the lesson shows
        return Failure(section, code, type(err).__name__, error_line(err), fix)
    return None


def record(history: History, **values) -> None:
    """Append each of ``values`` to ``history.steps`` under its name."""
    for key, value in values.items():
        history.steps.setdefault(key, []).append(float(value))
