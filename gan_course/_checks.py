"""The package's shared argument checks: every public function validates its arguments with these.

Internal (no lesson imports it): each check returns the value in its plain Python or NumPy form, or
raises a ValueError (TypeError for what cannot be an array) that names the argument, what it got,
and the fix. NumPy scalars are accepted wherever a Python number is.
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np


def stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside this package."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def integer(value, name: str, minimum: int | None = None, allow_none: bool = False) -> int | None:
    """``value`` as a Python int (NumPy integers welcome), or a ValueError naming ``name``."""
    if value is None and allow_none:
        return None
    if minimum == 1:
        kind = "a positive integer"
    elif minimum == 0:
        kind = "a non-negative integer"
    else:
        kind = "an integer" + (f" >= {minimum}" if minimum is not None else "")
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be {kind}, got {value!r}: True/False is not a number here")
    if not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
            hint = f": pass int({name}) = {int(value)}"
        elif isinstance(value, str):
            hint = ": pass a number, not a string"
        else:
            hint = ""
        raise ValueError(f"{name} must be {kind}, got {value!r} ({type(value).__name__}){hint}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be {kind}, got {value}")
    return value


def number(value, name: str, positive: bool = False, minimum: float | None = None) -> float:
    """``value`` as a finite Python float (NumPy scalars welcome), or a ValueError naming ``name``."""
    kind = "a positive number" if positive else "a number" + (f" >= {minimum:g}" if minimum is not None else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        hint = ": pass a number, not a string" if isinstance(value, str) else ""
        raise ValueError(f"{name} must be {kind}, got {value!r} ({type(value).__name__}){hint}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if (positive and value <= 0) or (minimum is not None and value < minimum):
        raise ValueError(f"{name} must be {kind}, got {value:g}")
    return value


def finite(text) -> float:
    """A column type for ``experiments.read_results``: the text as a float that must be finite (times, shares)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    return value


def array(values, name: str) -> np.ndarray:
    """``np.asarray(values)`` (TensorFlow tensors too), with a clear error for ragged or odd input."""
    if type(values).__name__ == "ImageData":  # data.ImageData, without importing data here
        raise TypeError(f"{name} is an ImageData (images, labels and their source): pass its .images")
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{name} could not be turned into one array ({err}): pass a NumPy array whose rows all have the same shape"
        ) from err
    if arr.dtype == object:
        raise TypeError(
            f"{name} could not be turned into a numeric array (got dtype object from {type(values).__name__}): "
            "pass a NumPy array of numbers whose rows all have the same shape"
        )
    return arr
