"""The wheel that ``python -m build`` makes carries the package's code and shipped data, and works on its own.

The repository this file lives in is copied to a temporary folder (without hidden folders, virtual
environments and build leftovers, so a stale ``build/lib`` can never leak into the wheel) and built there
with ``python -m build --wheel --no-isolation``: the build backend is this environment's setuptools (the
``dev`` extra installs ``build`` and ``setuptools>=77``), so nothing is downloaded. The wheel's file list is
checked against the source tree, the wheel is installed with ``pip --no-index --no-deps`` into a fresh
virtual environment, and a child process there imports gan_course, runs the shipped classifier, loads the
pretrained GAN and reads the shipped results.

The fresh environment sees this environment's third-party packages (TensorFlow, Keras, NumPy, ...) through a
.pth file of plain directory lines, written after the wheel is installed. Plain lines go onto sys.path after
the fresh site-packages and the .pth files inside those directories are not run, so the editable install's
``__editable__.gan_course-*.pth`` (which installs a finder pointing at the repository) never takes effect
there; the child checks that gan_course comes from the fresh environment and that no editable finder loaded.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from gan_course import reference

pytestmark = pytest.mark.slow  # builds a wheel and a fresh virtual environment

ROOT = Path(__file__).resolve().parents[1]
# Left out of the copy that is built: version control, caches, build leftovers and the course's outputs.
SKIP = {"build", "dist", "_build", "__pycache__", "outputs", "checkpoints", "logs"}
# The files that the package loads at run time and that must therefore be in the wheel.
SHIPPED = (
    "gan_course/weights/fashion_mnist_classifier.weights.h5",
    "gan_course/weights/fashion_mnist_classifier.json",
    "gan_course/weights/fashion_mnist_8class_dcgan_generator.weights.h5",
    "gan_course/weights/fashion_mnist_8class_dcgan_discriminator.weights.h5",
    "gan_course/weights/fashion_mnist_8class_dcgan.json",
    "gan_course/results/seed_programs.csv",
    "gan_course/results/time_to_quality.csv",
    "gan_course/results/image_collapse.csv",
    "gan_course/results/reference_curves.csv",
    "gan_course/weights/SHA256SUMS",  # each loader checks its file against these (gan_course._shipped)
    "gan_course/results/SHA256SUMS",
    "gan_course/seeds/programs/s1.txt",
    "gan_course/seeds/programs/s1_fixes.txt",
)
CHILD = """
import json, sys
import numpy as np
import gan_course
from gan_course import collapse, features, reference, seeds, stability, transfer

classifier = features.load_classifier("fashion_mnist", train_if_missing=False)
images = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")
logits = classifier.logits(images)
rows = seeds.benchmark_results()
from gan_course.seeds import _programs
program = _programs.apply(_programs.program("s1"), _programs.fixes("s1"))
shipped = {"time_to_quality": len(stability.benchmark_results()), "image_collapse": len(collapse.image_results()),
           "reference_curves": sum(len(reference._curves(lesson)) for lesson in reference.RUNS)}
generator, discriminator, info = transfer.load_pretrained()
fakes = np.asarray(generator(np.random.default_rng(1).normal(size=(3, 100)).astype("float32"), training=False))
scores = np.asarray(discriminator(fakes, training=False))
import tensorflow as tf
print(json.dumps({
    "gan_course": gan_course.__file__,
    "prefix": sys.prefix,
    "editable_modules": sorted(m for m in sys.modules if "__editable__" in m),
    "tensorflow": tf.__file__,
    "logits_shape": list(logits.shape),
    "logits_finite": bool(np.isfinite(logits).all()),
    "accuracy": classifier.accuracy,
    "rows": len(rows),
    "programs": sorted({row["program"] for row in rows}),
    "s1_program": [program.count("\\n"), "def train(" in program, str(_programs.FOLDER)],
    "shipped": shipped,
    "gan_steps": info["steps"],
    "fakes_shape": list(fakes.shape),
    "fakes_range": [float(fakes.min()), float(fakes.max())],
    "scores_shape": list(scores.shape),
}))
"""


def _run(cmd, timeout, **kwargs):
    """Run ``cmd``; on a non-zero exit fail with its output."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kwargs)
    if proc.returncode:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def _ignore(folder, names):
    def skip(name):
        if name.startswith(".") or name in SKIP or name.endswith((".egg-info", ".pyc")):
            return True
        return os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))  # a virtual environment

    return {name for name in names if skip(name)}


def _package_files(src: Path) -> set[str]:
    """Every file of the gan_course package in the source tree (code and data), as wheel paths."""
    files = set()
    for path in (src / "gan_course").rglob("*"):
        rel = path.relative_to(src)
        if path.is_file() and not any(part.startswith(".") or part in SKIP for part in rel.parts):
            if path.suffix != ".pyc":
                files.add(rel.as_posix())
    return files


def _missing_build_tools() -> list[str]:
    """The build front end and pyproject.toml's build-system requirements that this environment lacks."""
    if importlib.util.find_spec("build") is None:
        return ["build (installed: none)"]
    from packaging.requirements import Requirement  # a dependency of build

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    missing = []
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]:
        req = Requirement(line)
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is None or not req.specifier.contains(installed, prereleases=True):
            missing.append(f"{line} (installed: {installed or 'none'})")
    return missing


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """``(wheel path, source copy)``: the wheel built from a clean copy of this repository."""
    missing = _missing_build_tools()
    if missing:
        pytest.fail(
            f"this environment lacks {', '.join(missing)}: install the dev extra (`pip install -e '.[dev]'`). "
            "The test builds with `python -m build --wheel --no-isolation`, which uses this environment's "
            "build backend and needs no network"
        )
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode:
        pytest.fail(
            f"`python -m build --wheel --no-isolation` failed (exit {proc.returncode})\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    wheels = sorted((tmp / "dist").glob("gan_course-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], src


def test_wheel_holds_the_package_code_and_data_and_nothing_else(wheel):
    path, src = wheel
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        tops = {n.split("/")[0] for n in names}
        assert all(
            top == "gan_course" or (top.startswith("gan_course-") and top.endswith(".dist-info")) for top in tops
        ), f"the wheel holds more than the package: {sorted(tops)}"
        in_wheel = {n for n in names if n.startswith("gan_course/")}
        in_source = _package_files(src)
        assert set(SHIPPED) <= in_source, f"shipped files missing from the repository: {set(SHIPPED) - in_source}"
        missing = in_source - in_wheel
        assert not missing, (
            f"not in the wheel: {sorted(missing)}; add a pattern to pyproject.toml [tool.setuptools.package-data]"
        )
        assert in_wheel == in_source, f"in the wheel but not in the source: {sorted(in_wheel - in_source)}"
        changed = [n for n in sorted(in_source) if zf.read(n) != (src / n).read_bytes()]
        assert not changed, f"differ from the source: {changed}"
        # the licence text travels with the wheel (pyproject.toml's license-files)
        licences = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert len(licences) == 1 and zf.read(licences[0]) == (src / "LICENSE").read_bytes()


def test_wheel_installs_into_a_fresh_venv_and_loads_the_shipped_weights(wheel, tmp_path):
    path, _ = wheel
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", TF_CPP_MIN_LOG_LEVEL="3", KERAS_HOME=str(tmp_path / "keras_home"))
    # This environment's pip installs into the fresh one (--python), so the venv needs no pip of its own.
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", path], 300, env=env)
    purelib = _run([python, "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], 60, env=env)
    site_packages = Path(purelib.stdout.strip())
    assert (site_packages / "gan_course" / "__init__.py").is_file()
    assert (bindir / "gan-course").exists() or (bindir / "gan-course.exe").exists(), "console script not installed"

    # This environment's library folders, as plain lines (their own .pth files, the editable finder's
    # included, are not run); folders of the repository's source are left out, a virtual environment
    # inside the repository (the README's .venv) is not.
    def in_source(folder: Path) -> bool:
        in_venv = any((p / "pyvenv.cfg").is_file() for p in folder.parents if p.is_relative_to(ROOT))
        return folder.is_relative_to(ROOT) and not in_venv

    shared = []
    for entry in sys.path:
        folder = Path(entry or ".").resolve()
        if entry and folder.is_dir() and not in_source(folder) and str(folder) not in shared:
            shared.append(str(folder))
    (site_packages / "zz_parent_environment.pth").write_text("".join(f"{f}\n" for f in shared))

    # -I: no PYTHON* variables, no user site and no current folder on sys.path; cwd is outside the repository.
    proc = _run([python, "-I", "-c", CHILD], timeout=600, cwd=tmp_path, env=env)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    prefix = Path(report["prefix"]).resolve()
    assert prefix == venv.resolve()
    module = Path(report["gan_course"]).resolve()
    assert module.is_relative_to(site_packages.resolve()), f"gan_course imported from {module}, not from the wheel"
    assert not module.is_relative_to(ROOT)
    assert report["editable_modules"] == [], "the editable install's finder was loaded in the fresh venv"
    assert not Path(report["tensorflow"]).resolve().is_relative_to(prefix)  # seen through the .pth lines
    assert report["logits_shape"] == [5, 10] and report["logits_finite"]
    assert 0.8 < report["accuracy"] <= 1.0
    assert report["rows"] > 0 and report["programs"]
    lines, has_train, folder = report["s1_program"]  # seed 001's program and its fixes, read from the wheel
    assert lines > 50 and has_train and Path(folder).resolve().is_relative_to(site_packages.resolve())
    curves = sum(len(reference.SEEDS) * run.points for run in reference.RUNS.values())  # every seed, every point
    assert report["shipped"] == {"time_to_quality": 6, "image_collapse": 15, "reference_curves": curves}
    assert report["gan_steps"] > 0
    assert report["fakes_shape"] == [3, 28, 28, 1]
    assert -1.0 <= report["fakes_range"][0] <= report["fakes_range"][1] <= 1.0
    assert report["scores_shape"] == [3, 1]
