"""What every lesson's exercises share: verdicts, reading a learner's answer safely, and worked solutions.

A check never crashes on an answer. ``number`` and ``run`` turn a wrong type, None, a string, an array
where one number belongs, NaN, or a function that raises into ``NotYet``, and ``check`` (the decorator
on every ``check_*``) prints it as "Not yet: ..." and returns False. ``solved`` registers a worked
solution, written as a real function whose body is the code to show (see ``Solution``). Used in
lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10 (through ``gan_course.exercises``).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import io
import numbers
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class NotYet(Exception):
    """An answer that cannot be right, with the reason; ``check`` reports it."""


def report(ok: bool, message: str) -> bool:
    """Print "Correct: ..." or "Not yet: ..." and return ``ok``."""
    print(f"{'Correct' if ok else 'Not yet'}: {message}")
    return ok


def yes(message: str) -> bool:
    """Print "Correct: message" and return True."""
    return report(True, message)


def no(message: str) -> bool:
    """Print "Not yet: message" and return False."""
    return report(False, message)


def check(fn: Callable[..., bool]) -> Callable[..., bool]:
    """Make a ``check_*`` function safe: ``NotYet`` and any other error become False with the reason printed."""

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        try:
            with np.errstate(all="ignore"):
                return fn(*args, **kwargs)
        except NotYet as reason:
            return report(False, str(reason))
        except Exception as err:  # noqa: BLE001 - a learner's answer may break a check in any way
            return report(False, f"this answer could not be checked ({type(err).__name__}: {err}): {USAGE}")

    return guarded


USAGE = "pass what the exercise asks for (read the check's help: help(exercises.check_...))"


def number(name: str, value) -> float:
    """``value`` as a float, or ``NotYet`` naming ``name`` and what is wrong with it."""
    if value is None:
        raise NotYet(f"`{name}` is still None: replace it with your answer")
    if isinstance(value, (str, bytes)):
        raise NotYet(f"`{name}` should be a number, got the text {value!r}: remove the quotes")
    if isinstance(value, (bool, np.bool_)):
        raise NotYet(f"`{name}` should be a number, got {value!r}, a truth value")
    if callable(value):
        raise NotYet(f"`{name}` should be a number, got a function: call it and pass what it returns")
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - any object may arrive here
        raise NotYet(f"`{name}` should be a number, got {type(value).__name__}") from None
    if array.ndim != 0 or array.dtype.kind not in "iuf":
        if array.dtype.kind in "iufc" and array.ndim:
            raise NotYet(f"`{name}` should be one number, got an array of shape {array.shape}")
        raise NotYet(f"`{name}` should be a number, got {type(value).__name__} {value!r:.60}")
    result = float(array)
    if not np.isfinite(result):
        raise NotYet(f"`{name}` is {result}: some step divides by zero or overflows")
    return result


def function(fn) -> Callable:
    """``fn`` if it is a function; otherwise ``NotYet`` saying what to pass."""
    if fn is None:
        raise NotYet("you passed None: define your function (def my_...(...): ...) and pass it by name")
    if not callable(fn):
        raise NotYet(f"expected a function, got {type(fn).__name__} {fn!r:.60}")
    return fn


def result_of(fn, *args):
    """What ``fn(*args)`` returns, or ``NotYet`` when it raises or returns None."""
    function(fn)
    try:
        result = fn(*args)
    except Exception as err:  # noqa: BLE001 - the learner's code may fail in any way
        raise NotYet(f"your function raised {type(err).__name__}: {err}") from None
    if result is None:
        raise NotYet("your function returned None: did you forget `return`?")
    return result


def run(fn, *args) -> np.ndarray:
    """``fn(*args)`` as a float64 array, or ``NotYet`` with the reason."""
    result = result_of(fn, *args)
    try:
        array = np.asarray(result, dtype=np.float64)
    except Exception:  # noqa: BLE001 - strings, ragged lists, objects
        raise NotYet(f"your function should return numbers, got {type(result).__name__} {result!r:.60}") from None
    return array


def first(got, wrong: list, close) -> str | None:
    """The hint of the first ``(value, hint)`` in ``wrong`` whose value is ``close`` to ``got``, else None."""
    return next((hint for value, hint in wrong if close(got, value)), None)


# ------------------------------------------------------------------ worked solutions


def body(fn: Callable) -> str:
    """The source of ``fn``'s body, de-indented: its docstring and a final ``return locals()`` left out."""
    source = textwrap.dedent(inspect.getsource(fn))
    statements = ast.parse(source).body[0].body
    if isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        statements = statements[1:]  # the docstring
    if isinstance(statements[-1], ast.Return) and ast.unparse(statements[-1]) == "return locals()":
        statements = statements[:-1]
    lines = source.splitlines()[statements[0].lineno - 1 : statements[-1].end_lineno]
    return textwrap.dedent("\n".join(lines))


#: The line of a solution's docstring that starts what to look at in the results.
READING = "What to look at, and how to read it:"


@dataclass(frozen=True)
class Solution:
    """The worked solution of one exercise; ``exercises.solution`` prints it and returns its answer.

    ``code`` is a real function: its docstring is the reasoning (checked) or what to do (open), then,
    after a line ``READING``, what to look at in the results; its body is the code printed. A checked
    exercise's ``code`` takes no arguments and ends in ``return locals()``: running it defines the names
    the lesson's cell defines, and ``answer`` names the one (or the tuple) the check takes. ``check``
    quotes the lesson's check call; ``usage`` is a line the lesson's cell runs between the code and the
    check. An open exercise's ``code`` takes the lesson's objects it needs as parameters and is printed,
    never run here. ``follow_up`` is more code for the lesson after a checked exercise (printed only).
    """

    lesson: int
    number: int
    code: Callable
    check: str | None = None
    answer: str | tuple[str, ...] | None = None
    usage: str = ""
    follow_up: Callable | None = None

    @property
    def checked(self) -> bool:
        """True for an exercise the lesson checks with a ``check_*`` function."""
        return self.check is not None

    @property
    def text(self) -> str:
        """The reasoning or instructions: the docstring of ``code`` up to ``READING``."""
        return inspect.getdoc(self.code).split(READING)[0].strip()

    @property
    def reading(self) -> str:
        """What to look at in the results: the docstring after ``READING`` ("" if none)."""
        return inspect.getdoc(self.code).partition(READING)[2].strip()

    @property
    def check_name(self) -> str | None:
        """The ``check_*`` function the lesson calls; None for an open exercise."""
        return re.match(r"exercises\.(check_\w+)\(", self.check).group(1) if self.checked else None

    def names(self) -> dict:
        """Run a checked exercise's code silently and return the names it defines."""
        with contextlib.redirect_stdout(io.StringIO()):
            return self.code()

    def value(self):
        """The answer the check takes (a function, a number or a tuple); None if open."""
        if not self.checked:
            return None
        names = self.names()
        return tuple(names[n] for n in self.answer) if isinstance(self.answer, tuple) else names[self.answer]

    def reuse_line(self) -> str | None:
        """The lesson's check call with ``exercises.solution(lesson, n)`` as the answer."""
        if not self.checked:
            return None
        call = f"exercises.solution({self.lesson}, {self.number})"
        answer = self.answer if isinstance(self.answer, tuple) else (self.answer,)
        if self.usage:  # the answer is a function the lesson calls first, e.g. predicted_rate(rate[28])
            target, expression = (part.strip() for part in self.usage.split("=", 1))
            call, answer = expression.replace(self.answer, call, 1), (target,)
        pattern = r"\(\s*" + r"\s*,\s*".join(re.escape(name) for name in answer) + r"\b"
        return re.sub(pattern, "(" + ("*" if len(answer) > 1 else "") + call, self.check, count=1)

    def render(self) -> str:
        """The solution as printed: heading, reasoning, code, and how to use or read it."""
        indent = lambda text: textwrap.indent(text, "    ")
        where = f"Lesson {self.lesson:02d}, exercise {self.number}"
        if not self.checked:
            head = f"{where} (open: there is no check and no single answer)"
            return "\n".join([head, "", self.text, "", indent(body(self.code)), "", READING, "", self.reading])
        value = self.value()
        answer = ", ".join(self.answer) if isinstance(self.answer, tuple) else self.answer
        what = "the function" if callable(value) else "the answer"
        in_cell = (self.usage + "\n" if self.usage else "") + self.check
        parts = [f"{where} (checked by exercises.{self.check_name})", "", self.text, "", indent(body(self.code))]
        parts += ["", "In the lesson's cell, after this code:", indent(in_cell), ""]
        parts += [f"exercises.solution({self.lesson}, {self.number}) returns {what} ({answer}); this passes too:"]
        parts += [indent(self.reuse_line())]
        if self.follow_up is not None:
            parts += ["", "Then, in a new cell:", "", indent(body(self.follow_up))]
        if self.reading:
            parts += ["", READING, "", self.reading]
        return "\n".join(parts)


#: Every exercise's worked solution, by (lesson, number); filled by ``solved`` as the lesson modules load.
SOLUTIONS: dict[tuple[int, int], Solution] = {}


def solved(lesson: int, n: int, check: str | None = None, answer=None, **more) -> Callable:
    """Register the decorated function as the worked solution of exercise ``n`` of ``lesson``.

    ``check`` and ``answer`` (and ``usage``, ``follow_up``) for a checked exercise, nothing more for an
    open one; see ``Solution``.
    """

    def register(code: Callable) -> Callable:
        if (lesson, n) in SOLUTIONS:
            raise RuntimeError(f"two solutions for lesson {lesson}, exercise {n}")
        SOLUTIONS[(lesson, n)] = Solution(lesson, n, code, check, answer, **more)
        return code

    return register


def exercise_numbers() -> dict[int, tuple[int, ...]]:
    """Every lesson's exercise numbers, {1: (1, 2, 3, 4), ...}."""
    table: dict[int, list[int]] = {}
    for lesson, n in sorted(SOLUTIONS):
        table.setdefault(lesson, []).append(n)
    return {lesson: tuple(found) for lesson, found in table.items()}


def find(lesson, n) -> Solution:
    """The ``Solution`` of exercise ``n`` of ``lesson`` (ints); a ValueError lists the valid choices."""
    table = exercise_numbers()
    choices = "; ".join(f"lesson {k} has exercises {', '.join(map(str, v))}" for k, v in table.items())
    if isinstance(lesson, bool) or not isinstance(lesson, numbers.Integral) or int(lesson) not in table:
        raise ValueError(
            f"lesson must be a lesson number from {min(table)} to {max(table)}, as an int (e.g. solution(4, 2) "
            f"for lesson 04, exercise 2); got lesson={lesson!r}. The choices: {choices}"
        )
    lesson = int(lesson)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) not in table[lesson]:
        raise ValueError(
            f"n must be the number of one of lesson {lesson}'s exercises, "
            f"{', '.join(map(str, table[lesson]))}, as an int; got n={n!r}. The choices: {choices}"
        )
    return SOLUTIONS[(lesson, int(n))]
