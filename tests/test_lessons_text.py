"""Lessons are short: at most 2,000 words of markdown each (code cells not counted), 18,000 in all.

Lessons still over the limit are listed in OVER with the count they may not exceed: the list may only
shrink (issue 29 halves the words), and a lesson that reaches 2,000 must leave it.
"""

import re

import nbformat
import pytest
from lesson_usage import NOTEBOOKS

LIMIT, COURSE_LIMIT = 2_000, 18_000
#: lesson -> its word count when this test was written; a lesson may not grow past it.
OVER = {"02": 2125, "03": 2232, "04": 2381, "05": 2164, "06": 3339, "07": 4260, "08": 2427, "09": 4825, "10": 3142}


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
