"""Command line: ``python -m gan_course doctor`` and ``python -m gan_course fetch [NAME]``.

``doctor`` prints what a lesson needs and where the data would come from, and exits
non-zero with the fix when something is missing. Instructors run it on every laptop.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys

REQUIRED = ("tensorflow", "keras", "numpy", "scipy", "matplotlib", "ipywidgets", "imageio")


def _version(module: str) -> str | None:
    try:
        return getattr(importlib.import_module(module), "__version__", "unknown")
    except Exception:  # noqa: BLE001 - a broken install counts as missing
        return None


def doctor() -> int:
    """Print the environment report; return the number of problems found."""
    from gan_course import config, data

    problems: list[str] = []
    print(f"Python       {platform.python_version()} ({sys.executable})")
    for module in REQUIRED:
        version = _version(module)
        print(f"{module:<12} {version or 'MISSING'}")
        if version is None:
            problems.append(f"{module} is missing: run `make lab` again, or pip install -e .")
    if _version("tensorflow"):
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        print(f"GPUs         {', '.join(g.name for g in gpus) if gpus else 'none (lessons run on the CPU)'}")
    print(f"Colab        {'yes' if config.in_colab() else 'no'}")
    print(f"smoke mode   {'ON' if config.smoke_mode() else 'off'} ({config.SMOKE_ENV})")
    print("Data sets:")
    for name in data.DATASETS:
        attempts, files = data.locate(name)
        title = data.DATASETS[name]["title"]
        if files is not None:
            try:
                data.load_images(name, "test", download=False, verbose=False)
                print(f"  {title:<14} OK from {attempts[-1].place}: {attempts[-1].location}")
            except (data.CorruptDataError, ValueError) as err:
                print(f"  {title:<14} BROKEN: {err}")
                problems.append(f"{title}: {err}")
            continue
        tried = "; ".join(f"{a.place} ({a.reason})" for a in attempts)
        print(f"  {title:<14} not on this machine (tried {tried}); would download on first use")
        if name == "fashion_mnist":  # the lessons' data set must be here before class starts
            problems.append(
                "Fashion-MNIST is not on this machine: run `python -m gan_course fetch` while online, "
                "or `sudo apt-get install dataset-fashion-mnist`, or set GAN_COURSE_FASHION_MNIST"
            )
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
    else:
        print("\nAll set: every lesson can run here.")
    return len(problems)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="gan-course", description=__doc__.splitlines()[0])
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
    except (data.DataNotFoundError, data.CorruptDataError, ValueError) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
