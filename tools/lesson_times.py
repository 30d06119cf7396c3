"""Time every lesson under a profile and write the times into the README's lesson table.

    .venv/bin/python tools/lesson_times.py --profile cpu [--write] [LESSON ...]
    .venv/bin/python tools/lesson_times.py --profile gpu --write     # on a machine with a GPU

Each lesson runs top to bottom, at full settings, in a scratch copy (the committed notebook is never
written) with GAN_COURSE_PROFILE set, so its Parameters cell picks that profile's budgets. The times go
into the table's "run time, CPU (2 cores)" or "run time, Colab GPU" column as "9 min (measured 9 min
8 s)", with the GPU's name for a GPU. ``--smoke`` runs in smoke mode, to test the profile's code paths on any machine
(it never writes the README). Exit status 0 when every lesson ran, 1 when one failed.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)
    if args.write and args.smoke:
        parser.error("--write records full runs only: drop --smoke")
    paths = [lesson_path(n) for n in args.lessons] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    env = {"GAN_COURSE_PROFILE": args.profile, "GAN_COURSE_SMOKE": "1" if args.smoke else "0"}
    on, times, failed = device(), {}, []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            seconds = execute(nb, path.parent, env, args.timeout)
        except Exception as err:  # noqa: BLE001 - report the lesson that failed and go on with the others
            print(f"lesson {path.name[:2]}: FAILED ({type(err).__name__}: {str(err).splitlines()[0][:200]})")
            failed.append(path.name[:2])
            continue
        where = "" if on == "CPU" else f" on {on}"
        times[path.name[:2]] = f"{about(seconds)} (measured {spoken(seconds)}{where})"
        print(
            f"lesson {path.name[:2]}: {spoken(seconds)} ({args.profile} profile{', smoke' if args.smoke else ''}, {on})"
        )
    if args.write and times:
        args.readme.write_text(set_times(args.readme.read_text(), COLUMNS[args.profile], times))
        print(f"wrote {len(times)} times into {args.readme}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
