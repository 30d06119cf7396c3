"""tools/lesson_times.py: lessons timed under a profile, the times written into the README's table and the guide."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lesson_times  # noqa: E402


@pytest.mark.parametrize(
    "seconds, spoken, about",
    [(4.4, "4 s", "5 s"), (26.0, "26 s", "25 s"), (143.0, "2 min 23 s", "2½ min"), (548.2, "9 min 8 s", "9 min"),
     (599.0, "9 min 59 s", "10 min"), (931.0, "15 min 31 s", "16 min")],
)  # fmt: skip
def test_times_are_said_as_the_table_says_them(seconds, spoken, about):
    assert lesson_times.spoken(seconds) == spoken
    assert lesson_times.about(seconds) == about


def test_set_times_changes_only_the_named_cells_of_one_column():
    readme = (ROOT / "README.md").read_text()
    out = lesson_times.set_times(readme, "run time, Colab GPU", {"03": "1 min (measured 58 s on H100)"})
    changed = [(a, b) for a, b in zip(readme.splitlines(), out.splitlines()) if a != b]
    assert len(changed) == 1 and len(out.splitlines()) == len(readme.splitlines())
    before, after = (line.split("|") for line in changed[0])
    assert after[1].strip() == "03" and after[5] == " 1 min (measured 58 s on H100) "
    assert [c for i, c in enumerate(before) if i != 5] == [c for i, c in enumerate(after) if i != 5]
    with pytest.raises(SystemExit, match="no column 'run time, TPU'"):
        lesson_times.set_times(readme, "run time, TPU", {"03": "x"})
    with pytest.raises(SystemExit, match=r"lessons \['99'\] have no row"):
        lesson_times.set_times(readme, "run time, Colab GPU", {"99": "x"})


def test_a_lesson_runs_under_the_profile_asked_for_and_write_needs_a_full_run(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nassert os.environ['GAN_COURSE_PROFILE'] == 'gpu'")]
    path = tmp_path / "01_profile.ipynb"
    nbformat.write(nb, path)
    assert lesson_times.main([str(path), "--profile", "gpu", "--smoke"]) == 0
    assert "lesson 01: " in capsys.readouterr().out
    assert lesson_times.main([str(path), "--profile", "cpu", "--smoke"]) == 1  # the cell's assert fails: reported
    assert "lesson 01: FAILED" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        lesson_times.main([str(path), "--profile", "gpu", "--smoke", "--write"])
    assert nbformat.read(path, as_version=4).cells[0].get("outputs") == []  # the committed file is never written
    for wrong in (
        [str(path), "--profile", "cpu", "--measured", "60"],  # without --write
        [str(path), "--profile", "cpu", "--measured", "0", "--write"],  # not a time
        ["--profile", "cpu", "--measured", "60", "--write"],  # no lesson named
    ):
        with pytest.raises(SystemExit):
            lesson_times.main(wrong)


def test_a_time_measured_elsewhere_goes_into_the_readme_and_the_overview_without_a_run(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Overview\n\n**Run time:** about 1 min (measured: 58 s) on a CPU."),
        nbformat.v4.new_code_cell("raise SystemExit('never run')"),
    ]
    path = tmp_path / "01_profile.ipynb"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    readme = tmp_path / "README.md"
    readme.write_text("| # | lesson | run time, CPU (2 cores) |\n|---|---|---|\n| 01 | x | 1 min (measured 58 s) |\n")
    (tmp_path / "docs").mkdir()
    guide = tmp_path / "docs" / "teaching.md"  # beside the README, as in the repository
    sessions = "\n\n| session | lessons | measured CPU time |\n|---|---|---|\n| 1 | 01 | "
    guide.write_text(
        "| # | CPU, 2 cores (README) |\n|---|---|\n| 01 | 1 min (measured 58 s) |\n\nLesson 01 (1 min): 58 s for the "
        f"whole course.{sessions}58 s |\n"
    )
    assert (
        lesson_times.main([str(path), "--profile", "cpu", "--write", "--measured", "548.2", "--readme", str(readme)])
        == 0
    )
    assert "| 01 | x | 9 min (measured 9 min 8 s) |" in readme.read_text()
    assert "**Run time:** about 9 min (measured: 9 min 8 s) on a CPU." in path.read_text()
    assert guide.read_text() == (
        "| # | CPU, 2 cores (README) |\n|---|---|\n| 01 | 9 min (measured 9 min 8 s) |\n\nLesson 01 (9 min): 9 min 8 s "
        f"for the whole course.{sessions}9 min 8 s |\n"
    )


def test_the_overview_time_is_set_and_nothing_else_changes():
    text = (ROOT / "notebooks" / "01_gan_theory.ipynb").read_text()
    about_, spoken_ = re.search(r"\*\*Run time:\*\* about ([^(\n]+?) \(measured: ([^)\n]+)\)", text).groups()
    out = lesson_times.set_overview_time(text, "9 min", "9 min 8 s")
    assert "**Run time:** about 9 min (measured: 9 min 8 s)" in out
    before, after = nbformat.reads(text, as_version=4), nbformat.reads(out, as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(before.cells, after.cells)) if a != b]
    assert len(changed) == 1 and before.cells[changed[0]].cell_type == "markdown"
    assert lesson_times.set_overview_time(out, about_, spoken_) == text  # back again, byte for byte
    no_line = json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["## Overview"]}]})
    with pytest.raises(SystemExit, match="found 0"):
        lesson_times.set_overview_time(no_line, "1 min", "58 s")


GUIDE = """| # | lesson | CPU, 2 cores (README) | what runs |
|---|---|---|---|
| 01 | a | 30 s (measured 26 s) | steps |
| 02 | b | 2½ min (measured 2 min 23 s) | steps |
| 03 | c | 9 min (measured 9 min 8 s) | time |

Sums: 1 min 1 s for the whole course, 2 min 2 s for lessons 01–02 and 3 min
3 s for
lessons 03–03.

1. Lesson 01, live (30 s). Then lesson 03
   (9 min), but not lesson 02 (see the table) nor "02 (2½ min" without its bracket.

| session | lessons | measured CPU time | live in class |
|---|---|---|---|
| 1 | 01, 02 | 0 s | 01 (30 s), 02 (2½ min) |
| 2 | 03 | 0 s | 03 (9 min), started at the beginning |
"""


def test_the_guide_gets_the_readme_s_times_and_their_sums():
    times = {"01": "40 s (measured 38 s)", "02": "4 min (measured 4 min 4 s)", "03": "11 min (measured 10 min 43 s)"}
    assert (
        lesson_times.set_teaching_times(GUIDE, times)
        == """| # | lesson | CPU, 2 cores (README) | what runs |
|---|---|---|---|
| 01 | a | 40 s (measured 38 s) | steps |
| 02 | b | 4 min (measured 4 min 4 s) | steps |
| 03 | c | 11 min (measured 10 min 43 s) | time |

Sums: 15 min 25 s for the whole course, 4 min 42 s for lessons 01–02 and 10 min 43 s for
lessons 03–03.

1. Lesson 01, live (40 s). Then lesson 03
   (11 min), but not lesson 02 (see the table) nor "02 (2½ min" without its bracket.

| session | lessons | measured CPU time | live in class |
|---|---|---|---|
| 1 | 01, 02 | 4 min 42 s | 01 (40 s), 02 (4 min) |
| 2 | 03 | 10 min 43 s | 03 (11 min), started at the beginning |
"""
    )  # a time broken over two lines is written on one
    assert ["2½ min" in t for t in lesson_times.unkept_times(GUIDE)] == [True]  # the one without its bracket
    assert lesson_times.unkept_times("Lesson 03 takes\n9 min. Lesson 02 (4 min) does not.") == ["Lesson 03 takes 9 min"]
    for without_03 in ({**times, "03": "not measured yet"}, {k: v for k, v in times.items() if k != "03"}):
        with pytest.raises(SystemExit, match=r"lessons \['03'\], for which the README gives no measured"):
            lesson_times.set_teaching_times(GUIDE, without_03)


def test_the_guide_states_the_readme_s_run_times():
    """docs/teaching.md repeats the README's CPU times: each lesson's, its rounded time in the plans, and sums."""
    guide = (ROOT / "docs" / "teaching.md").read_text()
    times = lesson_times.get_times((ROOT / "README.md").read_text(), lesson_times.COLUMNS["cpu"])
    stale = [
        (a, b) for a, b in zip(guide.splitlines(), lesson_times.set_teaching_times(guide, times).splitlines()) if a != b
    ]
    fix = (
        "fix: python -c \"import sys; sys.path[:0] = ['tools']; import lesson_times as t; from pathlib import Path; "
        "t.write_guide(Path('README.md'), Path('docs/teaching.md'))\""
    )
    assert not stale, f"docs/teaching.md disagrees with the README's run times, first {stale[0]}; {fix}"
    assert not lesson_times.unkept_times(guide), (
        "docs/teaching.md states these run times in a form tools/lesson_times.py does not keep in step: say them as "
        f"'Lesson 04 (11 min)' or drop them: {lesson_times.unkept_times(guide)}"
    )
