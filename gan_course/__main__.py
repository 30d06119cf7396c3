"""Command line: ``python -m gan_course doctor`` and ``python -m gan_course fetch [NAME]``.

``doctor`` prints what a lesson needs and where the data would come from, reports every
problem it can detect together with its fix, never crashes, and exits non-zero when a
lesson would fail. Instructors run it on every laptop. Introduced in the README (section
"Checking a machine"), before lesson 01; used by no lesson.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys

REQUIRED = ("tensorflow", "keras", "numpy", "scipy", "matplotlib", "ipywidgets", "imageio", "tensorboard")
#: The oldest Python the course supports (pyproject.toml's requires-python).
MIN_PYTHON = (3, 10)


def _python_problems(version_info) -> list[str]:
    """The problem with this Python, if it is older than ``MIN_PYTHON`` (empty list otherwise)."""
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return []
    found = ".".join(str(v) for v in version_info[:3])
    return [
        f"Python {found} is older than {MIN_PYTHON[0]}.{MIN_PYTHON[1]}, which the course needs: install a newer "
        "Python and recreate the environment, e.g. `rm -rf .venv && make PYTHON=python3.11 lab`"
    ]


def _version(module: str) -> str | None:
    try:
        return getattr(importlib.import_module(module), "__version__", "unknown")
    except Exception:  # noqa: BLE001 - a broken install counts as missing
        return None


def _unexpected(err: BaseException) -> str:
    first = f"{type(err).__name__}: {err}".splitlines()[0][:300]
    return f"unexpected error ({first}); please report it with the output of `python -m gan_course doctor`"


def _check_data(name: str, problems: list[str]) -> None:
    """Report one data set: where it is and whether every file is intact, or why not."""
    from gan_course import data

    spec = data.DATASETS[name]
    title = spec["title"]
    try:
        attempts, files = data.locate(name)
    except Exception as err:  # noqa: BLE001 - doctor reports, it never crashes
        print(f"  {title:<14} BROKEN: {_unexpected(err)}")
        problems.append(f"{title}: {_unexpected(err)}")
        return
    if files is None and attempts and attempts[-1].explicit:
        last = attempts[-1]
        value = os.environ.get(spec["env"], "")
        message = (
            f"{spec['env']} is set to {value!r}, but {last.location} holds no {title} ({last.reason}): "
            f"point it at the data, or unset it (unset {spec['env']}) to use the other places"
        )
        print(f"  {title:<14} BROKEN: {message}")
        problems.append(message)
        return
    if files is None:
        tried = "; ".join(f"{a.place} ({a.reason})" for a in attempts)
        print(f"  {title:<14} not on this machine (tried {tried}); would download on first use")
        if name == "fashion_mnist":  # the lessons' data set must be here before class starts
            problems.append(
                "Fashion-MNIST is not on this machine: run `python -m gan_course fetch` while online, "
                "or `sudo apt-get install dataset-fashion-mnist`, or set GAN_COURSE_FASHION_MNIST"
            )
        return
    try:
        where = data.verify_local(name)
    except (data.CorruptDataError, data.DataNotFoundError, ValueError, OSError) as err:
        print(f"  {title:<14} BROKEN: {err}")
        problems.append(f"{title}: {err}")
    except Exception as err:  # noqa: BLE001 - doctor reports, it never crashes
        print(f"  {title:<14} BROKEN: {_unexpected(err)}")
        problems.append(f"{title}: {_unexpected(err)}")
    else:
        print(f"  {title:<14} OK from {where} (every file checked)")


def doctor() -> int:
    """Print the environment report; return the number of problems found (0: every lesson can run).

    Checks the Python version, the Python packages, the GPUs, smoke mode, and every data set where the loader
    would find it (all files, both splits, checksums included). Every problem is printed
    with its fix; an unexpected error is reported, never raised. Introduced in the README,
    before lesson 01.
    """
    problems: list[str] = []
    print(f"Python       {platform.python_version()} ({sys.executable})")
    problems += _python_problems(sys.version_info)
    for module in REQUIRED:
        version = _version(module)
        print(f"{module:<12} {version or 'MISSING'}")
        if version is None:
            problems.append(f"{module} is missing: run `make lab` again, or pip install -e .")
    try:
        if _version("tensorflow"):
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            print(f"GPUs         {', '.join(g.name for g in gpus) if gpus else 'none (lessons run on the CPU)'}")
    except Exception as err:  # noqa: BLE001 - doctor reports, it never crashes
        print(f"GPUs         could not be listed: {_unexpected(err)}")
    try:
        from gan_course import config

        print(f"Colab        {'yes' if config.in_colab() else 'no'}")
        for label, read, variable in (
            ("smoke mode", config.smoke_mode, config.SMOKE_ENV),
            ("profile", config.profile, config.PROFILE_ENV),
        ):
            try:
                value = read()
            except ValueError as err:  # a value it does not understand: say which and how to fix it
                print(f"{label:<12} BROKEN: {err}")
                problems.append(str(err))
                continue
            shown = {True: "ON", False: "off"}.get(value, value)
            print(f"{label:<12} {shown} ({variable}{'' if label == 'smoke mode' else '; the budgets lessons pick'})")
    except Exception as err:  # noqa: BLE001
        print(f"settings     could not be read: {_unexpected(err)}")
        problems.append(f"gan_course.config: {_unexpected(err)}")
    print("Data sets:")
    try:
        from gan_course import data

        names = list(data.DATASETS)
    except Exception as err:  # noqa: BLE001
        names = []
        problems.append(f"gan_course.data could not be imported: {_unexpected(err)}")
    for name in names:
        _check_data(name, problems)
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
    else:
        print("\nAll set: every lesson can run here.")
    return len(problems)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with where to find the usage) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def main(argv=None) -> int:
    """``python -m gan_course doctor | fetch [NAME]``; returns the exit status (0 = fine).

    A usage error ends with status 2 and one line; a command that fails, with status 1 and its reason.
    Introduced in the README, before lesson 01.
    """
    parser = _Parser(prog="gan-course", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check this machine for the course")
    fetch = sub.add_parser("fetch", help="make sure a data set is here (download it if needed)")
    fetch.add_argument("name", nargs="?", default="fashion_mnist", help="fashion_mnist (default) or mnist")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        return 1 if doctor() else 0
    from gan_course import data

    try:
        print(data.fetch(args.name))
    except (data.DataNotFoundError, data.CorruptDataError, ValueError, TypeError, OSError) as err:
        print(err, file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - a command reports, it never ends in a traceback
        print(_unexpected(err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
