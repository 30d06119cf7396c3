"""Every numbered exercise of every lesson has a worked solution, and each checked one passes the lesson's own check.

The exercises are read from the notebooks (the "**N." markers of each Exercises section), so a new
exercise without a solution fails here. A checked exercise's check call is taken from its cell, word
for word, and applied (by ``_apply``, which evaluates names, numbers, subscripts and calls, and nothing
else) to the names the solution's code defines: the solution is tested with the lesson's own parameters.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gan_course import exercises
from gan_course.exercises import SOLUTIONS, exercise_numbers
from gan_course.exercises._core import body

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {int(p.name[:2]): p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
MARKER = re.compile(r"^\*\*(\d+)\.", re.M)  # "**3.**" and lesson 10's "**1. A replica's share...**"
OPEN = "(Open.)"


def _check_calls(source: str) -> list[str]:
    """The ``exercises.check_*(...)`` calls in a code cell, as written."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "exercises"
            and node.func.attr.startswith("check_")
        ):
            calls.append(ast.get_source_segment(source, node))
    return calls


def _exercises(path: Path) -> dict[int, dict]:
    """A lesson's numbered exercises: {n: {"text": its markdown, "calls": the check calls of its code cells}}."""
    cells = json.loads(path.read_text())["cells"]
    heading = re.compile(r"^## Exercises", re.M)
    starts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and heading.search("".join(c["source"]))]
    assert len(starts) == 1, f"{path.name}: expected one '## Exercises' section, found {len(starts)}"
    found: dict[int, dict] = {}
    current = None
    for i, cell in enumerate(cells[starts[0] :]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if i == 0:
                source = source[heading.search(source).start() + len("## Exercises") :]
            end = re.search(r"^## ", source, re.M)  # the next section (Summary) ends the exercises
            pieces = MARKER.split(source[: end.start()] if end else source)
            if current is not None:
                found[current]["text"] += pieces[0]
            for number, text in zip(pieces[1::2], pieces[2::2]):
                current = int(number)
                assert current not in found, f"{path.name}: exercise {current} appears twice"
                found[current] = {"text": text, "calls": []}
            if end:
                break
        elif current is not None:
            found[current]["calls"] += _check_calls(source)
    return found


EXERCISES = {lesson: _exercises(path) for lesson, path in NOTEBOOKS.items()}
IN_LESSONS = [(lesson, n) for lesson, found in EXERCISES.items() for n in found]
CHECKED = [key for key in IN_LESSONS if OPEN not in EXERCISES[key[0]][key[1]]["text"]]
OPEN_ONES = [key for key in IN_LESSONS if key not in CHECKED]


def _ids(keys):
    return [f"{lesson:02d}.{n}" for lesson, n in keys]


def _quiet(fn, *args):
    """fn(*args) with its printed output captured: (result, output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args)
    return result, out.getvalue()


def _apply(source: str, names: dict):
    """The value of one expression or assignment of a lesson's cell, with ``names`` as its variables.

    Only names, numbers, strings, ``a[k]``, ``a.b``, arithmetic and calls: what a check call and a usage
    line hold. An assignment ``x = ...`` stores x in ``names`` and returns its value.
    """
    operators = {ast.Mult: lambda a, b: a * b, ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b}

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.Subscript):
            return value(node.value)[value(node.slice)]
        if isinstance(node, ast.Attribute):
            return getattr(value(node.value), node.attr)
        if isinstance(node, ast.BinOp):
            return operators[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Starred):
            return value(node.value)
        if isinstance(node, ast.Call):
            args = []
            for arg in node.args:
                args += list(value(arg)) if isinstance(arg, ast.Starred) else [value(arg)]
            return value(node.func)(*args, **{k.arg: value(k.value) for k in node.keywords})
        raise AssertionError(f"unexpected {ast.dump(node)} in {source!r}")

    (statement,) = ast.parse(source.rstrip(";")).body
    if isinstance(statement, ast.Assign):
        (target,) = statement.targets
        names[target.id] = value(statement.value)
        return names[target.id]
    return value(statement.value)


#: What a lesson's cell has before its exercise: lesson 10's measured images/s, any value (the check is a ratio).
LESSON_VALUES = {(10, 2): [{"rate": {28: rate}} for rate in (150.0, 2789.0, 12_000.0)]}


def _run_lesson_check(solution, call: str, lesson_values: dict):
    """The lesson's check call on the names the solution's code defines (after its usage line); (verdict, printed)."""
    names = {**solution.names(), **lesson_values, "exercises": exercises}
    if solution.usage:
        _apply(solution.usage, names)
    return _quiet(_apply, call, names)


# ------------------------------------------------------------------- the lessons' exercises


def test_the_notebooks_have_numbered_exercises():
    assert sorted(EXERCISES) == list(range(1, 11))
    for lesson, found in EXERCISES.items():
        assert sorted(found) == list(range(1, len(found) + 1)), f"lesson {lesson:02d}: exercises {sorted(found)}"


def test_every_numbered_exercise_has_a_solution_and_every_solution_an_exercise():
    assert not sorted(set(IN_LESSONS) - set(SOLUTIONS)), "exercises without a solution"
    assert not sorted(set(SOLUTIONS) - set(IN_LESSONS)), "solutions of exercises no lesson has"
    assert exercise_numbers() == {lesson: tuple(sorted(found)) for lesson, found in EXERCISES.items()}


@pytest.mark.parametrize(("lesson", "n"), IN_LESSONS, ids=_ids(IN_LESSONS))
def test_a_solution_is_checked_or_open_as_its_exercise_is(lesson, n):
    exercise, solution = EXERCISES[lesson][n], SOLUTIONS[(lesson, n)]
    if OPEN in exercise["text"]:
        assert not exercise["calls"], f"open exercise {lesson:02d}.{n} has a check call"
        assert not solution.checked
    else:
        assert len(exercise["calls"]) == 1, f"checked exercise {lesson:02d}.{n}: calls {exercise['calls']}"
        assert solution.checked
        # the solution records the lesson's own call, parameters included
        assert ast.dump(ast.parse(solution.check.rstrip(";"))) == ast.dump(ast.parse(exercise["calls"][0]))


# ------------------------------------------------------------------- checked exercises


@pytest.mark.parametrize(("lesson", "n"), CHECKED, ids=_ids(CHECKED))
def test_the_solution_passes_the_lessons_own_check(lesson, n):
    call = EXERCISES[lesson][n]["calls"][0]  # from the notebook, with the lesson's parameters
    for lesson_values in LESSON_VALUES.get((lesson, n), [{}]):
        verdict, printed = _run_lesson_check(SOLUTIONS[(lesson, n)], call, lesson_values)
        assert verdict is True, printed
        assert printed.startswith("Correct"), printed


@pytest.mark.parametrize(("lesson", "n"), CHECKED, ids=_ids(CHECKED))
def test_solution_prints_the_work_and_returns_what_the_check_takes(lesson, n):
    solution = SOLUTIONS[(lesson, n)]
    answer, printed = _quiet(exercises.solution, lesson, n)
    assert printed.startswith(f"Lesson {lesson:02d}, exercise {n} (checked by exercises.{solution.check_name})")
    assert solution.text in printed and textwrap.indent(body(solution.code), "    ") in printed
    assert "return locals()" not in printed
    assert solution.check.rstrip(";") in printed
    assert answer is not None
    if isinstance(solution.answer, tuple):
        assert isinstance(answer, tuple) and len(answer) == len(solution.answer)
    # the printed line that feeds exercises.solution(lesson, n) to the check passes
    line = solution.reuse_line()
    assert f"exercises.solution({lesson}, {n})" in line and line in printed
    for lesson_values in LESSON_VALUES.get((lesson, n), [{}]):
        names = {"exercises": exercises, **solution.names(), **lesson_values}
        verdict, out = _quiet(_apply, line, names)
        assert verdict is True, out


# ------------------------------------------------------------------- open exercises


@pytest.mark.parametrize(("lesson", "n"), OPEN_ONES, ids=_ids(OPEN_ONES))
def test_an_open_solution_prints_code_and_how_to_read_it(lesson, n):
    solution = SOLUTIONS[(lesson, n)]
    answer, printed = _quiet(exercises.solution, lesson, n)
    assert answer is None
    assert printed.startswith(f"Lesson {lesson:02d}, exercise {n} (open")
    assert "What to look at" in printed
    assert len(solution.text.split()) >= 20 and len(solution.reading.split()) >= 40
    assert textwrap.indent(body(solution.code), "    ") in printed


def _lesson_names(lesson: int) -> set[str]:
    """The names a lesson's code cells define at top level: assignments, functions, classes and imports."""
    cells = json.loads(NOTEBOOKS[lesson].read_text())["cells"]
    names = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(
            line for line in "".join(cell["source"]).splitlines() if not line.lstrip().startswith(("!", "%"))
        )
        for node in ast.parse(source).body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                for name in ast.walk(target) if target is not None else []:
                    if isinstance(name, ast.Name):
                        names.add(name.id)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


SHOWN_CODE = [(key, s.follow_up or s.code) for key, s in sorted(SOLUTIONS.items()) if s.check is None or s.follow_up]


@pytest.mark.parametrize(("key", "code"), SHOWN_CODE, ids=_ids([key for key, _ in SHOWN_CODE]))
def test_code_for_the_lesson_takes_only_names_the_lesson_defines(key, code):
    """An open solution (or a follow-up, after its exercise) runs in the lesson: each name it takes must exist there."""
    lesson, n = key
    defined = _lesson_names(lesson) | (set(SOLUTIONS[key].names()) if SOLUTIONS[key].checked else set())
    missing = sorted(set(inspect.signature(code).parameters) - defined)
    if (lesson, n) == (9, 6):  # "your" training code: names the learner brings
        missing = [name for name in missing if not name.startswith("my_")]
    assert not missing, f"{lesson:02d}.{n} uses names lesson {lesson:02d} does not define: {missing}"


# ------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("lesson", "n", "argument", "got"),
    [
        (11, 1, "lesson", "lesson=11"),
        (0, 1, "lesson", "lesson=0"),
        ("4", 2, "lesson", "lesson='4'"),
        (4.0, 2, "lesson", "lesson=4.0"),
        (True, 1, "lesson", "lesson=True"),
        (4, 99, "n", "n=99"),
        (4, 0, "n", "n=0"),
        (10, 3, "n", "n=3"),
        (4, None, "n", "n=None"),
    ],
)
def test_a_bad_lesson_or_exercise_number_is_refused_with_the_choices(lesson, n, argument, got):
    with pytest.raises(ValueError) as err:
        exercises.solution(lesson, n)
    message = str(err.value)
    assert message.startswith(f"{argument} must be"), message
    assert got in message
    for number, found in EXERCISES.items():
        assert f"lesson {number} has exercises {', '.join(map(str, sorted(found)))}" in message


def test_numpy_integers_are_accepted():
    answer, _ = _quiet(exercises.solution, np.int64(6), np.int32(2))
    t = np.arange(900, 1000)
    assert answer == pytest.approx(1 - np.prod((1 + t) / (10 + t)))


# ------------------------------------------------------------------- the checks can fail


def _lesson_functions(lesson: int, n: int) -> dict:
    """The functions (and module-level assignments) of an exercise's code cell, without running its check."""
    path = NOTEBOOKS[lesson]
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    source = next(s for s in sources if EXERCISES[lesson][n]["calls"][0] in s)
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.Assign))]
    import keras
    import tensorflow as tf

    names = {"keras": keras, "tf": tf, "np": np}
    exec(compile(tree, f"<{path.name}>", "exec"), names)  # the lesson's own broken code, as the lesson runs it
    return names


def _wrong_pack(x, m):  # the right numbers in the wrong places
    x = np.asarray(x)
    return x.reshape(len(x) // m, m, -1).transpose(0, 2, 1).reshape(len(x) // m, -1)


WRONG = {
    # (lesson, n): (the names the lesson's check call reads, set to a wrong answer; the hint expected)
    (4, 2): (lambda: {"my_pack": _wrong_pack}, "wrong places"),
    (4, 3): (lambda: {"one_mode": np.log2(25), "two_modes": np.log2(12.5)}, "natural logarithms"),
    (6, 2): (lambda: {"my_share": 1 - 0.999**100}, "constant decay of 0.999"),
    (7, 1): (  # the inner product copied from the lesson's text, without the two softmax normalisers
        lambda: {"my_log_ratio": lambda phi, v_data, v_g, y: np.sum((v_data[y] - v_g[y]) * phi, axis=1)},
        "only the part that depends on y",
    ),
    (7, 3): (lambda: {"my_all_classes": 0.1, "my_only_sneakers": 0.913}, "classifier's accuracy"),
    (9, 1): (lambda: {"my_setup": _lesson_functions(9, 1)["broken_setup"]}, "still in [0, 1]"),
    (9, 2): (lambda: {"my_step": _lesson_functions(9, 2)["broken_step"]}, "G's update also moved D"),
    (10, 2): (lambda: {"my_rate": 2789.0 / 4, "rate": {28: 2789.0}}, "not every layer grows alike"),
}


@pytest.mark.parametrize(("lesson", "n"), list(WRONG), ids=_ids(WRONG))
def test_the_lessons_check_rejects_a_wrong_answer(lesson, n):
    """The lesson's own call, on a wrong answer (for lesson 09, the broken code the exercise starts from)."""
    make, hint = WRONG[(lesson, n)]
    names = {"exercises": exercises, **make()}
    verdict, printed = _quiet(_apply, EXERCISES[lesson][n]["calls"][0], names)
    assert verdict is False, printed
    assert printed.startswith("Not yet") and hint in printed, printed


def test_lesson_10_exercise_2_quotes_the_cost_models_numbers():
    """The reasoning's multiply-adds are models.step_macs' (known answer), not numbers copied from a run."""
    from gan_course import models

    def macs(width):
        g, d = models.dcgan_lean_generator(100, (28, 28, 1), width=width), models.dcgan_lean_discriminator(width=width)
        return models.forward_macs(g) / 1e6, models.forward_macs(d) / 1e6, models.step_macs(g, d) / 1e6

    (g64, d64, step64), (g128, d128, step128) = macs(64), macs(128)
    text = SOLUTIONS[(10, 2)].text
    assert f"G {g64:.2f} M and D {d64:.2f} M per forward pass, a step {step64:.2f} M" in text
    assert f"G {g128:.2f} M and D {d128:.2f} M per forward pass, a step {step128:.2f} M" in text
    assert f"{step128 / step64:.2f} times as much" in text and f"{step64 / step128:.3f} × rate[28]" in text
    predicted_rate = SOLUTIONS[(10, 2)].value()
    assert predicted_rate(1000.0) == pytest.approx(1000.0 * step64 / step128)
