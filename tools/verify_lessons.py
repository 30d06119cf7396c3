"""Run lessons with another seed and print every claim's verdict beside the committed run's.

A lesson's statements about its run are ``claims.expect`` lines. One holds only if it holds on the
committed run and on another seed; this tool executes a scratch copy of each lesson at full settings
with ``SEED = N`` put into its Parameters cell (the committed notebook is never written) and prints:

    lesson 02, seed 1: 5 claims, 4 held on both
      cell  14  committed ✓  seed 1 ✗  with the bug its FID is higher

Exit status 0 when every claim held on both runs, 1 otherwise, 2 for a usage error.
Run: .venv/bin/python tools/verify_lessons.py 02 05 --seed 1 [--smoke] [--keep DIR] [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))
from gan_course.claims import FAILED, HELD, UNCHECKED  # noqa: E402

SEED_LINE = re.compile(r"^SEED\s*=\s*[^\n#]*", re.M)


def lesson_path(name: str) -> Path:
    """The notebook of lesson ``name`` ("7", "07", "07_conditional_gan"), or ``name`` if it is a notebook file."""
    if name.endswith(".ipynb") and Path(name).is_file():
        return Path(name).resolve()
    number = name.split("_")[0]
    if not number.isdigit():
        raise SystemExit(f"lesson {name!r} is not a lesson number: give e.g. 02 or 7")
    found = sorted(NOTEBOOKS.glob(f"{int(number):02d}_*.ipynb"))
    if not found:
        raise SystemExit(f"no lesson {int(number):02d} in {NOTEBOOKS}: the lessons are {_numbers()}")
    return found[0]


def _numbers() -> str:
    return ", ".join(p.name[:2] for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))


def with_seed(nb, seed: int, lesson: str):
    """Put ``SEED = seed`` into the Parameters cell (the code cell that defines SEED); return the cell index."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and SEED_LINE.search(cell.source):
            cell.source = SEED_LINE.sub(f"SEED = {seed}", cell.source, count=1)
            return index
    raise SystemExit(
        f"lesson {lesson} has no `SEED = ...` line in a code cell: its runs must take their seed from SEED "
        "in the Parameters cell for this tool to change it"
    )


def claims(nb) -> dict[int, list[tuple[str, str]]]:
    """Cell index -> [(verdict mark, statement)] from the claim lines a notebook printed."""
    found: dict[int, list[tuple[str, str]]] = {}
    pattern = re.compile(
        rf"^(?:({HELD}) (.+?)(?: — .*)?$|({FAILED}) in this run: (.+?) did not hold|({UNCHECKED}) not checked"
        rf" in smoke mode: (.+)$)"
    )
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") != "stream":
                continue
            for line in output.get("text", "").splitlines():
                m = pattern.match(line)
                if m:
                    mark = m.group(1) or m.group(3) or m.group(5)
                    statement = m.group(2) or m.group(4) or m.group(6)
                    found.setdefault(index, []).append((mark, statement))
    return found


def execute(nb, folder: Path, env: dict[str, str], timeout: int) -> float:
    """Run notebook ``nb`` in place (in memory) from ``folder`` with ``env`` added; return the seconds it took."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute()
        return time.perf_counter() - start
    finally:
        for k, v in saved.items():  # put this process's environment back
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def verify(lesson: str, seed: int, smoke: bool, keep: Path | None, timeout: int) -> bool:
    path = lesson_path(lesson)
    committed = nbformat.read(path, as_version=4)
    scratch = nbformat.read(path, as_version=4)
    with_seed(scratch, seed, path.name[:2])
    execute(scratch, path.parent, {"GAN_COURSE_SMOKE": "1" if smoke else "0"}, timeout)  # run where the lesson runs
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        nbformat.write(scratch, keep / f"{path.stem}-seed{seed}.ipynb")
    before, after = claims(committed), claims(scratch)
    rows, both = [], 0
    for index in sorted(set(before) | set(after)):
        old, new = before.get(index, []), after.get(index, [])
        for i in range(max(len(old), len(new))):
            a = old[i][0] if i < len(old) else "?"
            b = new[i][0] if i < len(new) else "?"
            statement = (new[i] if i < len(new) else old[i])[1]
            both += a == b == HELD
            rows.append(f"  cell {index:3d}  committed {a}  seed {seed} {b}  {statement}")
    print(f"lesson {path.name[:2]}, seed {seed}{' (smoke)' if smoke else ''}: {len(rows)} claims, {both} held on both")
    print("\n".join(rows) if rows else "  (no claims printed)")
    return both == len(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", help="lesson numbers, e.g. 02 05")
    parser.add_argument("--seed", type=int, required=True, help="the seed put into each lesson's Parameters cell")
    parser.add_argument("--smoke", action="store_true", help="run in smoke mode (claims are then not checked)")
    parser.add_argument("--keep", type=Path, help="folder to write the executed copies to")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    ok = True
    for lesson in args.lessons:
        ok &= verify(lesson, args.seed, args.smoke, args.keep, args.timeout)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
