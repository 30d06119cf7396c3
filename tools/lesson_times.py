"""Time every lesson under a profile and write the times into the README's lesson table.

    .venv/bin/python tools/lesson_times.py --profile cpu [--write] [LESSON ...]
    .venv/bin/python tools/lesson_times.py --profile gpu --write     # on a machine with a GPU
    .venv/bin/python tools/lesson_times.py --profile cpu --write 09 --measured 863   # a full run timed elsewhere

Each lesson runs top to bottom, at full settings, in a scratch copy (the committed notebook is never
written) with GAN_COURSE_PROFILE set, so its Parameters cell picks that profile's budgets. The times go
into the table's "run time, CPU (2 cores)" or "run time, Colab GPU" column as "9 min (measured 9 min
8 s)", with the GPU's name for a GPU; a CPU time also goes into the lesson's Overview ("**Run time:** about 9 min
(measured: 9 min 8 s) ..."), the only cell of the committed notebook this tool changes, which tests/test_project.py
keeps equal to the README. ``--smoke`` runs in smoke mode, to test the profile's code paths on any machine (it never
writes). Exit status 0 when every lesson ran, 1 when one failed.
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


def set_times(readme: str, column: str, times: dict[str, str]) -> str:
    """``readme`` with the cells of ``column`` in the "## Lessons" table set for each lesson in ``times``."""
    lines = readme.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if line.startswith("| #") and column in line), None)
    if header is None:
        raise SystemExit(f"the README's lesson table has no column {column!r}")
    index = [c.strip() for c in lines[header].strip().strip("|").split("|")].index(column)
    seen = set()
    for i in range(header + 2, len(lines)):
        if not lines[i].startswith("|"):
            break
        cells = lines[i].rstrip("\n").strip().strip("|").split("|")
        lesson = cells[0].strip()
        if lesson in times:
            cells[index] = f" {times[lesson]} "
            lines[i] = "|" + "|".join(cells) + "|\n"
            seen.add(lesson)
    missing = sorted(set(times) - seen)
    if missing:
        raise SystemExit(f"lessons {missing} have no row in the README's lesson table")
    return "".join(lines)


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
        args.readme.write_text(set_times(args.readme.read_text(), COLUMNS[args.profile], times))
        print(f"wrote {len(times)} times into {args.readme}")
        if args.profile == "cpu":  # the Overview states the CPU time
            for path, (about_, spoken_) in overview.items():
                path.write_text(set_overview_time(path.read_text(), about_, spoken_))
            print(f"and into the Overview of {len(overview)} lesson(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
