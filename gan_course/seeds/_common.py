"""What the seed programs' modules (``s0``, ``s1``, ``s3``) share: the records of a bug, a failure and a seed program,
the images check, running a failing line and keeping its error, and recording a loop's numbers.

No lesson imports it: lesson 09 reads these records through ``seeds.SEEDS`` and the ``*_failures()`` functions.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from gan_course.training import History


def cell(text: str) -> str:
    """``text`` made safe for one cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass(frozen=True)
class Bug:
    """One bug of a seed program: where, what, its effect, the fix, and the ``clinic.diagnose`` check that catches it
    (None when none can: a loop's logic, a typo). ``crash`` is True when the bug stops the program."""

    section: str
    what: str
    effect: str
    fix: str
    check: str | None = None
    crash: bool = False


@dataclass(frozen=True)
class Failure:
    """One way a seed program fails as printed: section, code, the error Python raised (type and message; ``ran`` is
    False when it needs what this machine lacks, e.g. a GPU with PyTorch) and the fix."""

    section: str
    code: str
    error: str
    message: str
    fix: str
    ran: bool = True

    def said(self) -> str:
        return f"{self.error}: {self.message}" if self.ran else f"not run here: {self.message}"

    def __str__(self) -> str:
        return f"{self.section}  `{self.code}`\n    {self.said()}\n    fix: {self.fix}"


class Failures(list):
    """The ``Failure``\\ s of one seed program, in the order the program meets them; prints as a list or a table."""

    def __str__(self) -> str:
        return "\n".join(f"{i}. {f}" for i, f in enumerate(self, 1)) or "no failures"

    def _repr_markdown_(self) -> str:
        rows = ["| # | section | code | error | fix |", "|---|---|---|---|---|"]
        for i, f in enumerate(self, 1):
            rows.append(f"| {i} | {cell(f.section)} | `{cell(f.code)}` | {cell(f.said())} | {cell(f.fix)} |")
        return "\n".join(rows)


@dataclass(frozen=True)
class SeedSystem:
    """A seed program: key (``"S0"``), seed file, title, ``bugs``, ``notes`` on things that look wrong but are not,
    and the functions that show it failing, build it faithfully and build it fixed."""

    key: str
    seed: str
    title: str
    bugs: tuple
    failures: object
    faithful: object
    fixed: object
    notes: tuple = field(default=())

    @property
    def checks(self) -> set:
        """The ``clinic.diagnose`` checks that catch some of this program's bugs."""
        return {bug.check for bug in self.bugs if bug.check}

    def _repr_markdown_(self) -> str:
        rows = [f"**{self.key}** (seed {self.seed}): {self.title}", "", "| section | bug | effect | fix | check |"]
        rows.append("|---|---|---|---|---|")
        rows += [f"| {b.section} | {b.what} | {b.effect} | {b.fix} | {b.check or '—'} |" for b in self.bugs]
        return "\n".join(rows)


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


def attempt(failures: Failures, section: str, code: str, fix: str, run) -> None:
    """Run ``run()``; if it raises, append a Failure with the error to ``failures``."""
    try:
        with warnings.catch_warnings():  # Keras' deprecation notes are not the seed's failure
            warnings.simplefilter("ignore")
            run()
    except Exception as err:  # noqa: BLE001 - whatever the seed's code raises is what the lesson shows
        failures.append(Failure(section, code, type(err).__name__, error_line(err), fix))


def record(history: History, **values) -> None:
    """Append each of ``values`` to ``history.steps`` under its name."""
    for key, value in values.items():
        history.steps.setdefault(key, []).append(float(value))
