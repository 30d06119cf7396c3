"""The book's tools without Sphinx or a browser: the landing page, the docs' links and the maths detector.

`make book` and `make book-check` themselves need the `book` extra and Chromium; these tests check the
parts that decide what the site contains and what the browser check calls a failure.
"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_book = _load("build_book")
book_check = _load("book_check")
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_landing_page_has_every_lesson_and_both_docs_in_its_navigation():
    page = build_book.index_markdown((ROOT / "README.md").read_text(), LESSONS)
    for name in LESSONS:
        assert f"](notebooks/{name})" in page and f"\nnotebooks/{Path(name).stem}\n" in page
    assert "\ndocs/teaching\n" in page and "\ndocs/glossary\n" in page
    # the Colab badge is served from the book itself, so that the page displays offline
    assert build_book.COLAB_BADGE not in page and "](_static/colab-badge.svg)" in page


def test_a_lesson_missing_from_the_readme_table_stops_the_build():
    readme = (ROOT / "README.md").read_text()
    with pytest.raises(SystemExit, match="does not link 99_new.ipynb"):
        build_book.index_markdown(readme, [*LESSONS, "99_new.ipynb"])
    with pytest.raises(SystemExit, match="no '## Lessons' section"):
        build_book.index_markdown("# gan-course\n\nno table\n", LESSONS)


def test_docs_links_to_lessons_stay_and_links_to_other_repository_files_go_to_the_repository():
    text = "See [the README](../README.md), [lesson 04](../notebooks/04_mode_collapse.ipynb) and [x](glossary.md).\n"
    text += "[l01]: ../notebooks/01_gan_theory.ipynb\n[mk]: ../Makefile\n"
    out = build_book.doc_markdown(text)
    assert f"[the README]({build_book.REPOSITORY}/blob/main/README.md)" in out
    assert "[lesson 04](../notebooks/04_mode_collapse.ipynb)" in out and "[x](glossary.md)" in out
    assert "[l01]: ../notebooks/01_gan_theory.ipynb" in out
    assert f"[mk]: {build_book.REPOSITORY}/blob/main/Makefile" in out


@pytest.mark.parametrize(
    "text, found",
    [
        ("the loss is $$x^2$$ here", "'$$'"),
        (r"inline \(a + b\) left", "'\\(' or '\\)'"),
        (r"display \[a\] left", "'\\[' or '\\]'"),
        ("a sum $a+b$ left raw", "'$...$'"),
        ("prices of $5 and $10 are no maths", None),
        ("MathJax rendered this: a + b", None),
    ],
)
def test_the_browser_check_finds_maths_left_unrendered_and_not_dollar_amounts(text, found):
    hits = [what for pattern, what in book_check.MATH_LEFT if pattern.search(text)]
    assert hits == ([found] if found else [])


def test_every_doc_page_of_the_book_exists_and_links_to_the_lessons():
    for name in build_book.DOCS:
        text = (ROOT / "docs" / name).read_text()
        assert "../notebooks/01_gan_theory.ipynb" in text, f"docs/{name} should link the lessons"


def test_the_book_takes_the_repository_address_from_the_package():
    from gan_course import config

    assert build_book.REPOSITORY == config.REPOSITORY


def test_tensorflow_cpp_log_lines_stay_out_of_the_book_and_other_stderr_stays():
    import json

    lines = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "E0000 00:00:1796038670.109966   12020 meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT: ...\n",
        "2026-01-01 12:00:00.123456: W tensorflow/core/framework/op_kernel.cc:1857] OP_REQUIRES failed\n",
        "UserWarning: the learning rate is high\n",
        "I0000 00:00:1796675745.662474   15148 cpu_feature_guard.cc:210] This TensorFlow binary is optimized\n",
        "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n",
        "W0000 00:00:1796675745.662474   15148 local_rendezvous.cc:405] Local rendezvous is aborting\n",
        "\t [[{{node gradient_tape/compile_loss/mul/BroadcastGradientArgs}}]]\n",
        "  indented, but after a line of your own: kept\n",
    ]
    cell = {
        "cell_type": "code",
        "source": "fit()",
        "metadata": {},
        "execution_count": 1,
        "outputs": [
            {"output_type": "stream", "name": "stderr", "text": lines[:4]},
            {"output_type": "stream", "name": "stderr", "text": lines[1]},  # only a log line: dropped
            {"output_type": "stream", "name": "stderr", "text": "".join(lines[4:8] + lines[3:4] + lines[8:])},
            {"output_type": "stream", "name": "stdout", "text": [lines[1]]},  # stdout is never touched
        ],
    }
    nb = {"cells": [cell, {"cell_type": "markdown", "source": "E0000", "metadata": {}}], "metadata": {}}
    out = json.loads(build_book.book_notebook(json.dumps(nb)))
    assert out["cells"][0]["outputs"] == [
        {"output_type": "stream", "name": "stderr", "text": [lines[3]]},
        {"output_type": "stream", "name": "stderr", "text": [lines[3], lines[8]]},
        {"output_type": "stream", "name": "stdout", "text": [lines[1]]},
    ]
    assert out["cells"][1] == nb["cells"][1]
