"""The seed programs' text as printed, bugs included (``programs/<name>.txt``, package data), and their fixes.

``programs/s1.txt`` is seed 001 §4's program with the line breaks the page lost restored, nothing else changed;
``programs/s1_fixes.txt`` holds the fixes that ``seeds.s1_failures`` applies one at a time (its header says the
format). ``program(name)`` reads a program, ``fixes(name)`` its fixes and ``apply(source, fixes)`` edits a program.

No lesson imports it: lesson 09 sees the programs run by ``seeds.s1_failures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The folder that holds the programs (``<name>.txt``) and their fixes (``<name>_fixes.txt``).
FOLDER = Path(__file__).resolve().parent / "programs"


@dataclass(frozen=True)
class Fix:
    """One fix: the ``error`` it fixes (e.g. ``"NameError"``), ``why`` (what is wrong, the fix) and its ``edits``,
    each a pair (lines to replace, lines that replace them)."""

    error: str
    why: str
    edits: tuple


def path_of(name: str, suffix: str) -> Path:
    names = sorted(p.stem for p in FOLDER.glob("*.txt") if not p.stem.endswith("_fixes"))
    if not isinstance(name, str) or name not in names:
        raise ValueError(f"name must be one of the shipped seed programs {names}, got {name!r}")
    return FOLDER / f"{name}{suffix}.txt"


def program(name: str) -> str:
    """The text of the seed program ``name`` (e.g. ``"s1"``) as printed, bugs included."""
    return path_of(name, "").read_text(encoding="utf-8")


def fixes(name: str) -> tuple[Fix, ...]:
    """The fixes of the seed program ``name``, in the order its errors come (``<name>_fixes.txt``)."""
    path = path_of(name, "_fixes")
    found = []  # (error, why, [(old lines, new lines), ...]) per fix
    part = None  # the list of lines being read
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("== "):
            error, _, why = line[3:].partition(" == ")
            found.append((error.strip(), why.strip(), []))
            part = None
        elif line == "-- replace" and found:
            found[-1][2].append(([], []))
            part = found[-1][2][-1][0]
        elif line == "-- with" and found and found[-1][2] and part is found[-1][2][-1][0]:
            part = found[-1][2][-1][1]
        elif line.startswith("-- ") or (part is None and line.strip() and not line.startswith("#")):
            raise ValueError(
                f"{path.name}, line {number}: {line!r} is out of place (the file's header says the format)"
            )
        elif part is not None:
            part.append(line)
    return tuple(
        Fix(error, why, tuple((trimmed(old), trimmed(new)) for old, new in edits)) for error, why, edits in found
    )


def trimmed(lines: list) -> tuple:
    """``lines`` without the blank lines that end them (the gap before the next fix)."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return tuple(lines)


def apply(source: str, fixes: tuple[Fix, ...]) -> str:
    """``source`` with every edit of ``fixes`` applied in order: each replaces whole lines found exactly once."""
    lines = source.splitlines()
    for fix in fixes:
        for old, new in fix.edits:
            at = [i for i in range(len(lines) - len(old) + 1) if tuple(lines[i : i + len(old)]) == old]
            if len(at) != 1:
                raise ValueError(f"the fix for {fix.error} ({fix.why}) expects {old[0]!r} once, found {len(at)}")
            lines[at[0] : at[0] + len(old)] = new
    return "\n".join(lines) + "\n"
