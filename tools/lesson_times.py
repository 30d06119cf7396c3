"""Time every lesson under a profile and write the times into the README's lesson table.

    .venv/bin/python tools/lesson_times.py --profile cpu [--write] [LESSON ...]
    .venv/bin/python tools/lesson_times.py --profile gpu --write     # on a machine with a GPU
    .venv/bin/python tools/lesson_times.py --profile cpu --write 09 --measured 863   # a full run timed elsewhere

Each lesson runs top to bottom, at full settings, in a scratch copy (the committed notebook is never
written) with GAN_COURSE_PROFILE set, so its Parameters cell picks that profile's budgets. The times go
into the table's "run time, CPU (2 cores)" or "run time, Colab GPU" column as "9 min (measured 9 min
8 s)", with the GPU's name for a GPU; a CPU time also goes into the lesson's Overview ("**Run time:** about 9 min
(measured: 9 min 8 s) ..."), the only cell of the committed notebook this tool changes, which tests/test_project.py
keeps equal to the README. Every write also sets the run times of the instructor's guide, docs/teaching.md, from the
README's CPU column (``set_teaching_times``), which tests/test_lesson_times.py keeps equal too. ``--smoke`` runs in
smoke mode, to test the profile's code paths on any machine (it never writes). Exit status 0 when every lesson ran, 1
when one failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat
from verify_lessons import ROOT, execute, lesson_path

COLUMNS = {"cpu": "run time, CPU (2 cores)", "gpu": "run time, Colab GPU"}


def spoken(seconds: float) -> str:
    """A run time as the table says it: "45 s", "2 min 5 s"."""
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"


def about(seconds: float) -> str:
    """Rounded for a reader: to 5 s under a minute, to half a minute under 10, else to a minute."""
    if seconds < 60:
        return f"{max(5, 5 * round(seconds / 5))} s"
    minutes = seconds / 60
    if minutes < 10:
        halves = round(minutes * 2)
        return f"{halves // 2}{'½' if halves % 2 else ''} min"
    return f"{round(minutes)} min"


def _cells(line: str) -> list[str]:
    return line.rstrip("\n").strip().strip("|").split("|")


def _column(lines: list[str], column: str, first: str = "#") -> tuple[list[str], list[int]]:
    """The column names of the first table whose header starts with ``first`` and names ``column``, and its rows."""
    header = next((i for i, line in enumerate(lines) if line.startswith(f"| {first} |") and column in line), None)
    if header is None:
        raise SystemExit(f"no column {column!r} in a table whose header starts '| {first} |'")
    end = next((i for i in range(header + 2, len(lines)) if not lines[i].startswith("|")), len(lines))
    return [c.strip() for c in _cells(lines[header])], list(range(header + 2, end))


def get_times(readme: str, column: str) -> dict[str, str]:
    """The cells of ``column`` in the README's lesson table, by lesson number ("01", ...)."""
    lines = readme.splitlines()
    names, rows = _column(lines, column)
    cells = [_cells(lines[i]) for i in rows]
    return {c[0].strip(): c[names.index(column)].strip() for c in cells}


def set_times(readme: str, column: str, times: dict[str, str]) -> str:
    """``readme`` with the cells of ``column`` in the "## Lessons" table set for each lesson in ``times``."""
    lines = readme.splitlines(keepends=True)
    names, rows = _column(lines, column)
    seen = set()
    for i in rows:
        cells = _cells(lines[i])
        lesson = cells[0].strip()
        if lesson in times:
            cells[names.index(column)] = f" {times[lesson]} "
            lines[i] = "|" + "|".join(cells) + "|\n"
            seen.add(lesson)
    missing = sorted(set(times) - seen)
    if missing:
        raise SystemExit(f"lessons {missing} have no row in the lesson table")
    return "".join(lines)


GUIDE_COLUMN = "CPU, 2 cores (README)"  # the column of docs/teaching.md's table that copies the README's CPU times
# what about() and spoken() write; \s+ where a space is, as the guide's lines may break there
_ABOUT, _SPOKEN = r"\d+½?\s+min|\d+\s+s", r"\d+\s+min\s+\d+\s+s|\d+\s+s"
_ROUNDED = re.compile(rf"\b(\d\d)((?:,\s+live)?\s+)\(({_ABOUT})\)")  # "lesson 04 (11 min)", "01, live (40 s)"
# "3 min 5 s for lessons 01–05", "9 min 2 s for the whole course"
_SUM = re.compile(rf"\b({_SPOKEN})(\s+for\s+)(the\s+whole\s+course|lessons\s+(\d\d)–(\d\d))")


def set_teaching_times(guide: str, readme_times: dict[str, str]) -> str:
    """``guide`` (docs/teaching.md) with its run times set from ``readme_times``, the README's CPU cells by lesson.

    The cells of the table's column GUIDE_COLUMN are copied; "Lesson 04 (11 min)" and "04 (11 min)" get the README's
    rounded time; "X for the whole course", "X for lessons 01–05" and the "measured CPU time" of each session (the
    sum over its row's lessons) get the sum of the measured times. ``unkept_times`` finds times in any other form.
    """
    measured = {}
    for lesson, cell in readme_times.items():
        found = re.search(rf"\(measured ({_SPOKEN})\)", cell)
        if found:
            numbers = [int(n) for n in re.findall(r"\d+", found[1])]
            measured[lesson] = 60 * numbers[0] + numbers[1] if len(numbers) == 2 else numbers[0]

    def total(lessons: list[str]) -> str:
        missing = [n for n in lessons if n not in measured]
        if missing:
            raise SystemExit(
                f"docs/teaching.md states a time of lessons {missing}, for which the README gives no measured CPU time"
            )
        return spoken(sum(measured[n] for n in lessons))

    def rounded(m: re.Match) -> str:
        total([m[1]])  # the same check
        return f"{m[1]}{m[2]}({readme_times[m[1]].split(' (')[0]})"

    def summed(m: re.Match) -> str:
        span = sorted(readme_times) if m[4] is None else [f"{n:02d}" for n in range(int(m[4]), int(m[5]) + 1)]
        return f"{total(span)}{m[2]}{m[3]}"

    text = _SUM.sub(summed, _ROUNDED.sub(rounded, set_times(guide, GUIDE_COLUMN, readme_times)))
    lines = text.splitlines(keepends=True)
    names, rows = _column(lines, "measured CPU time", first="session")
    for i in rows:
        cells = _cells(lines[i])
        cells[names.index("measured CPU time")] = " " + total(re.findall(r"\d\d", cells[names.index("lessons")])) + " "
        lines[i] = "|" + "|".join(cells) + "|\n"
    return "".join(lines)


def unkept_times(guide: str) -> list[str]:
    """Run times in the guide's prose that ``set_teaching_times`` does not set, and so could go stale unseen.

    Tables are left out: the lesson table's last column says what runs ("eight runs of 30 s"), not how long a lesson
    takes, and the session table's times are all set.
    """
    prose = "".join(line for line in guide.splitlines(keepends=True) if not line.startswith("|"))
    prose = _SUM.sub("", _ROUNDED.sub("", prose))
    return [" ".join(m.split()) for m in re.findall(rf"[^.]{{0,30}}\b(?:{_SPOKEN}|{_ABOUT})\b[^.]{{0,30}}", prose)]


def write_guide(readme: Path, guide: Path) -> None:
    """Set ``guide``'s run times from the CPU column of ``readme`` (both files as they are on disk)."""
    times = get_times(readme.read_text(), COLUMNS["cpu"])
    guide.write_text(set_teaching_times(guide.read_text(), times))


_RUN_TIME = re.compile(r"(\*\*Run time:\*\* about )[^(\n]+?( \(measured: )[^)\n]+(\))")


def set_overview_time(notebook: str, about_: str, spoken_: str) -> str:
    """``notebook`` (the .ipynb's text) with its Overview's "**Run time:** about X (measured: Y)" set to the time given.

    Only that line changes: the JSON is written back as the lessons are stored (indent 1, UTF-8 as is).
    """
    nb = json.loads(notebook)
    found = [c for c in nb["cells"] if c["cell_type"] == "markdown" and _RUN_TIME.search("".join(c["source"]))]
    if len(found) != 1:
        raise SystemExit(
            f"expected one '**Run time:** about ... (measured: ...)' line in the Overview, found {len(found)}"
        )
    source = _RUN_TIME.sub(lambda m: f"{m[1]}{about_}{m[2]}{spoken_}{m[3]}", "".join(found[0]["source"]), count=1)
    found[0]["source"] = source.splitlines(keepends=True)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def device() -> str:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
    return re.sub(r"^NVIDIA ", "", name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--profile", choices=sorted(COLUMNS), required=True)
    parser.add_argument("--smoke", action="store_true", help="smoke mode: test the profile's code paths")
    parser.add_argument("--write", action="store_true", help="write the times into README.md")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument(
        "--measured",
        type=float,
        metavar="SECONDS",
        help="write this full run's time for one lesson instead of running it",
    )
    args = parser.parse_args(argv)
    if args.measured is not None and (len(args.lessons) != 1 or not args.write or args.smoke or args.measured <= 0):
        parser.error("--measured SECONDS takes one lesson, with --write, and a positive time of a full run")
    if args.write and args.smoke:
        parser.error("--write records full runs only: drop --smoke")
    paths = [lesson_path(n) for n in args.lessons] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    env = {"GAN_COURSE_PROFILE": args.profile, "GAN_COURSE_SMOKE": "1" if args.smoke else "0"}
    on, times, failed, overview = device(), {}, [], {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            seconds = args.measured or execute(nb, path.parent, env, args.timeout)
        except Exception as err:  # noqa: BLE001 - report the lesson that failed and go on with the others
            print(f"lesson {path.name[:2]}: FAILED ({type(err).__name__}: {str(err).splitlines()[0][:200]})")
            failed.append(path.name[:2])
            continue
        where = "" if on == "CPU" else f" on {on}"
        times[path.name[:2]] = f"{about(seconds)} (measured {spoken(seconds)}{where})"
        overview[path] = about(seconds), spoken(seconds)
        print(
            f"lesson {path.name[:2]}: {spoken(seconds)} ({args.profile} profile{', smoke' if args.smoke else ''}, {on})"
        )
    if args.write and times:
        readme = set_times(args.readme.read_text(), COLUMNS[args.profile], times)
        guide = args.readme.parent / "docs" / "teaching.md"  # the instructor's guide repeats the CPU times
        if guide.exists():  # set before anything is written, so that a guide it cannot set stops both
            guide_text = set_teaching_times(guide.read_text(), get_times(readme, COLUMNS["cpu"]))
        args.readme.write_text(readme)
        print(f"wrote {len(times)} times into {args.readme}")
        if guide.exists():
            guide.write_text(guide_text)
            print(f"and the CPU times into {guide}")
        if args.profile == "cpu":  # the Overview states the CPU time
            for path, (about_, spoken_) in overview.items():
                path.write_text(set_overview_time(path.read_text(), about_, spoken_))
            print(f"and into the Overview of {len(overview)} lesson(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
