"""Statements about a run, checked by code: a lesson states what it expects and the run says whether it held.

A lesson's prose cannot know the numbers of the learner's run, so it never retypes them. A statement
about the run ("the moving-average generator scores a lower FID than the raw one") is written as
``expect(statement, holds, evidence)`` right after the cell that measures it, and the run prints
its own verdict with the numbers behind it::

    ✓ the moving average lowers FID — raw 41.2, EMA 37.9
    ✗ in this run: the moving average lowers FID did not hold — raw 37.1, EMA 38.
      Runs differ by seed and machine: try another SEED, or compare with the course's runs (reference.compare).

A claim that does not hold is reported, never raised: a learner's run may differ from the course's.
In smoke mode nothing was trained long enough to judge, so the claim is printed as not checked
(the same line on every run, which lets nbval compare it). ``tools/verify_lessons.py`` collects
these lines from a lesson executed with another seed.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from gan_course.config import smoke_mode

#: The first character of each verdict line; tools/verify_lessons.py reads these.
HELD, FAILED, UNCHECKED = "✓", "✗", "–"

_LOOK = "Runs differ by seed and machine: try another SEED, or compare with the course's runs (reference.compare)."


def _format(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return str(value)
        return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return str(value)


def _evidence(evidence) -> str:
    if evidence is None:
        return ""
    if isinstance(evidence, Mapping):
        return ", ".join(f"{k} {_format(v)}" for k, v in evidence.items())
    return _format(evidence)


def _truth(holds) -> bool:
    if isinstance(holds, (bool, np.bool_)):
        return bool(holds)
    if isinstance(holds, np.ndarray) and holds.shape == () and holds.dtype == bool:
        return bool(holds)
    shape = getattr(holds, "shape", None)
    if shape:
        raise ValueError(
            f"holds must be one True or False, got an array of shape {tuple(shape)}: "
            "reduce it first, e.g. (a < b).all() or (a < b).mean() > 0.5"
        )
    raise TypeError(
        f"holds must be True or False (a comparison such as fid_ema < fid_raw), got {type(holds).__name__} "
        f"{holds!r}: write the comparison itself, not a number"
    )


def expect(statement: str, holds, evidence=None, look: str | None = None) -> None:
    """Print whether a statement about this run held, with the numbers it rests on.

    ``statement`` says what is expected, in words a learner can check ("the EMA generator's FID is
    lower"); ``holds`` is the comparison that decides it (True or False, NumPy booleans too);
    ``evidence`` is what was measured, printed after a dash: a dict as "name value, ..." (floats to 3 significant
    figures), a number, or text. ``look`` replaces the default advice printed when the claim fails.
    In smoke mode the claim is printed as not checked. A claim whose evidence holds NaN is reported
    as not holding, whatever ``holds`` says: a diverged run supports no comparison. It prints and
    returns nothing, so it can end a cell. Introduced in lesson 01.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"statement must be a sentence saying what is expected, got {statement!r}")
    if look is not None and not isinstance(look, str):
        raise ValueError(f"look must be text (what to check next) or None, got {look!r}")
    held = _truth(holds)
    if smoke_mode():
        print(f"{UNCHECKED} not checked in smoke mode: {statement}")
        return
    text = _evidence(evidence)
    values = evidence.values() if isinstance(evidence, Mapping) else [evidence]
    if any(isinstance(v, (float, np.floating)) and math.isnan(v) for v in values):
        held = False
    if held:
        print(f"{HELD} {statement}" + (f" — {text}" if text else ""))
    else:
        print(
            f"{FAILED} in this run: {statement} did not hold"
            + (f" — {text}" if text else "")
            + ".\n  "
            + (look or _LOOK)
        )
