"""Lessons are short: at most 2,000 words of markdown each (code cells not counted), 18,000 in all.

Lessons still over the limit are listed in OVER with the count they may not exceed: the list may only
shrink (issue 29 halves the words), and a lesson that reaches 2,000 must leave it.

A lesson rewritten to issue 29's standard also: never retells in its markdown a number that a run printed
(statements about the run are claims.expect lines); has at least five cells whose output nbval compares;
and reads the profile (issue 28) in its Parameters cell, with smoke settings the same under both profiles.
"""

import re

import nbformat
import pytest
from lesson_usage import NOTEBOOKS

LIMIT, COURSE_LIMIT = 2_000, 18_000
#: lesson -> its word count when this test was written; a lesson may not grow past it.
OVER: dict[str, int] = {}


def words(path) -> int:
    """Words of a notebook's markdown cells: runs of non-space characters, as `wc -w` counts them."""
    nb = nbformat.read(path, as_version=4)
    return sum(len(re.findall(r"\S+", cell.source)) for cell in nb.cells if cell.cell_type == "markdown")


def test_word_count_counts_markdown_only(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A title\n\nTwo  words."),
        nbformat.v4.new_code_cell("x = 1  # not prose"),
    ]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert words(tmp_path / "nb.ipynb") == 5


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=lambda p: p.name[:2])
def test_lesson_is_at_most_2000_words(path):
    lesson, count = path.name[:2], words(path)
    print(f"lesson {lesson}: {count} words of markdown")
    if lesson in OVER:
        assert count > LIMIT, f"lesson {lesson} has {count} words, within {LIMIT}: take it off OVER"
        assert count <= OVER[lesson], f"lesson {lesson} grew to {count} words (at most {OVER[lesson]} until it is cut)"
    else:
        assert count <= LIMIT, f"lesson {lesson} has {count} words of markdown; the limit is {LIMIT}: cut prose"


def test_course_total():
    total = sum(words(p) for p in NOTEBOOKS.values())
    print(f"the course: {total} words of markdown (goal {COURSE_LIMIT})")
    assert total <= max(COURSE_LIMIT, sum(OVER.values()) + LIMIT * (len(NOTEBOOKS) - len(OVER)))


# ---------------------------------------------------------------- issue 29: the standard of a rewritten lesson

#: Lessons not yet rewritten to issue 29's standard (claims as code, no run's numbers in the prose, at least
#: MIN_COMPARED compared cells, a Parameters cell that reads the profile). The set may only shrink.
NOT_REWRITTEN: set[str] = set()
MIN_COMPARED = 5
#: Compared cells (``# NBVAL_CHECK_OUTPUT``) of a lesson not yet rewritten: it may not lose any.
COMPARED_BEFORE: dict[str, int] = {}
#: (lesson, number) written in the markdown that equals a number a cell prints, and why that is no retelling.
NUMBER_ALLOWED: dict[tuple[str, str], str] = {}
#: Lessons whose Parameters cell need not read the profile, and why.
NO_PROFILE = {"01": "its 1-D runs take seconds: a GPU does not help (its Overview says so)"}

COMPARED = "# NBVAL_CHECK_OUTPUT"
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
#: HTML tags (the badges), link targets, bare addresses, and the Overview's run-time line ("**Run time:** about
#: 9 minutes (measured: 9 min 8 s)"), which tests/test_project.py keeps equal to the README's lesson table.
_SKIP = re.compile(r"<[^>]+>|\]\([^)]*\)|https?://\S+|\*\*Run time:\*\*[^\n]*")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\dA-Za-wyz_])")  # "4.3x" counts as 4.3


def _significant(number: str) -> int:
    digits = number.replace(",", "").replace(".", "").lstrip("0")
    return len(digits)


def markdown_numbers(text: str) -> set[str]:
    """Numbers of two or more significant digits in prose (formulas, HTML and link targets left out).

    One-digit numbers ("2 seeds", "0.5") are too common as plain facts to tell a retelling.
    """
    text = _SKIP.sub(" ", _MATH.sub(" ", text))
    return {n.rstrip(",") for n in _NUMBER.findall(text) if _significant(n.rstrip(",")) >= 2}


def _printed(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def _numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?", text) if n not in "-"]


def retold_numbers(nb) -> set[str]:
    """Markdown numbers that equal, at the markdown's precision, a number printed by a cell whose output
    depends on the run: cells not compared by nbval. Numbers written in any code cell are settings."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    settings = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", code)}
    run_cells = [c for c in nb.cells if c.cell_type == "code" and COMPARED not in c.source]
    printed = [x for c in run_cells for x in _numbers_in(_printed(c))]
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for number in markdown_numbers(cell.source):
            plain = number.replace(",", "")
            if plain in settings:
                continue
            places = len(plain.split(".")[1]) if "." in plain else 0
            value = float(plain)
            if any(abs(round(x, places) - value) < 1e-9 for x in printed):
                found.add(number)
    return found


def test_markdown_numbers_are_read_as_the_test_intends():
    text = "FID 374 against 395, a 4.3x speed-up, 2 seeds, D* = 0.5, $x^{28}$, [link](v0.1.0), 1,500 words"
    text += ".\n**Run time:** about 9 min (measured: 9 min 8 s)."
    assert markdown_numbers(text) == {"374", "395", "4.3", "1,500"}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("With the bug its FID is higher (395 against 374); batch 128; 61.5 and 12.25."),
        nbformat.v4.new_code_cell("BATCH = 128", outputs=[nbformat.v4.new_output("stream", text="374.21 395.4 128\n")]),
        nbformat.v4.new_code_cell(
            COMPARED + "\nprint(12.25)", outputs=[nbformat.v4.new_output("stream", text="12.25\n")]
        ),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="61.54\n")]),
    ]
    assert retold_numbers(nb) == {"395", "374", "61.5"}  # 128 is a setting; 12.25 a compared (deterministic) output


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=lambda p: p.name[:2])
def test_the_prose_never_retells_a_number_the_run_printed(path):
    lesson = path.name[:2]
    if lesson in NOT_REWRITTEN:
        pytest.skip(f"lesson {lesson} is not rewritten to issue 29's standard yet")
    found = retold_numbers(nbformat.read(path, as_version=4))
    allowed = {n for (ls, n) in NUMBER_ALLOWED if ls == lesson}
    assert allowed <= found, f"NUMBER_ALLOWED lists numbers lesson {lesson} no longer writes: {sorted(allowed - found)}"
    retold = found - allowed
    assert not retold, (
        f"lesson {lesson}'s markdown retells numbers its run printed: {sorted(retold)}. State the comparison as a "
        "claims.expect line after the cell that measures it, or add (lesson, number) to NUMBER_ALLOWED with a reason"
    )


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=lambda p: p.name[:2])
def test_nbval_compares_enough_cells(path):
    lesson = path.name[:2]
    nb = nbformat.read(path, as_version=4)
    compared = sum(c.cell_type == "code" and COMPARED in c.source for c in nb.cells)
    print(f"lesson {lesson}: {compared} cells compared by nbval")
    least = COMPARED_BEFORE.get(lesson, 0) if lesson in NOT_REWRITTEN else MIN_COMPARED
    assert compared >= least, f"lesson {lesson} has {compared} cells marked {COMPARED}; it needs at least {least}"


def _parameters(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "a lesson has one code cell tagged 'parameters'"
    return cells[0].source


def _run_parameters(source: str, smoke: bool, profile: str, monkeypatch) -> dict:
    from pathlib import Path

    import gan_course

    monkeypatch.setattr(gan_course, "SMOKE", smoke)
    monkeypatch.setattr(gan_course, "profile", lambda: profile)
    space = {"Path": Path}
    exec(compile(source, "<Parameters cell>", "exec"), space)
    return {k: v for k, v in space.items() if k.isupper() and k not in ("SMOKE", "GPU", "PROFILE")}


def check_parameters(source: str, monkeypatch) -> None:
    """The Parameters cell sets PROFILE = profile(); smoke values are the same under both profiles; gpu changes some."""
    assert re.search(r"^PROFILE = profile\(\)", source, re.M), "the Parameters cell sets PROFILE = profile()"
    smoke = [_run_parameters(source, True, p, monkeypatch) for p in ("cpu", "gpu")]
    full = [_run_parameters(source, False, p, monkeypatch) for p in ("cpu", "gpu")]
    assert smoke[0] == smoke[1], "smoke mode's settings must not depend on the profile"
    assert full[0] != full[1], "the gpu profile must change some budget, or the lesson belongs in NO_PROFILE"


def test_the_parameters_check_rejects_what_it_should(monkeypatch):
    head = "from gan_course import SMOKE, profile\n\nPROFILE = profile()\nGPU = PROFILE == 'gpu'\n"
    check_parameters(head + "EPOCHS = 1 if SMOKE else (200 if GPU else 40)\n", monkeypatch)
    bad = {
        "EPOCHS = 2 if GPU else 1\n": "smoke mode's settings must not depend",
        "EPOCHS = 1 if SMOKE else 40\n": "must change some budget",
    }
    for body, says in bad.items():
        with pytest.raises(AssertionError, match=says):
            check_parameters(head + body, monkeypatch)
    with pytest.raises(AssertionError, match="sets PROFILE"):
        check_parameters("from gan_course import SMOKE\nEPOCHS = 1 if SMOKE else 40\n", monkeypatch)


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=lambda p: p.name[:2])
def test_the_parameters_cell_reads_the_profile_and_smoke_mode_ignores_it(path, monkeypatch):
    """Issue 28: budgets per profile ("cpu", "gpu"); smoke mode's tiny budgets are the same under both."""
    lesson = path.name[:2]
    if lesson in NOT_REWRITTEN or lesson in NO_PROFILE:
        pytest.skip(f"lesson {lesson}: {NO_PROFILE.get(lesson, 'not rewritten to issue 29 and 28 yet')}")
    check_parameters(_parameters(nbformat.read(path, as_version=4)), monkeypatch)


@pytest.mark.parametrize("path", NOTEBOOKS.values(), ids=lambda p: p.name[:2])
def test_exercise_check_cells_are_not_compared(path):
    """nbval runs each cell without storing it in IPython's history, so a trailing ';' does not hide the True or
    False that an ``exercises.check_*`` call returns: compared, such a cell differs from the committed run (executed
    with history, where the ';' hides it)."""
    nb = nbformat.read(path, as_version=4)
    compared = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and "exercises.check_" in cell.source and cell.source.startswith(COMPARED)
    ]
    assert not compared, f"lesson {path.name[:2]}: cells {compared} compare an exercise check: drop '{COMPARED}' there"
