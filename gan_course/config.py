"""Seeds, smoke mode, the cpu/gpu profile, Colab detection, plot defaults, and the repository and ref Colab installs.

Smoke mode is read here and nowhere else in the package: lessons read ``SMOKE`` in
their Parameters cell only, so the lesson text never changes with the mode.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from gan_course._checks import flag, integer

#: The course repository: the Colab and GitHub badges (README, lessons' first cells), the Setup cells'
#: install line and pyproject.toml's [project.urls] name it. The Setup cells cannot import this module
#: before the package is installed, so they hold copies: change both values with
#: `make colab-links REPO=owner/name REF=tag` (tools/colab_links.py), never by hand;
#: tests/test_colab_links.py checks that every place agrees.
REPOSITORY = "https://github.com/gan-course/gan-course"

#: The git ref a lesson's Setup cell installs on Colab: the release tag "v" + the package version
#: (pyproject.toml), so that Colab gets the package the lessons were run with; a maintainer may choose
#: a branch instead (it moves, a tag does not). Set with `make colab-links` together with REPOSITORY;
#: the package never reads it (the Setup cells hold copies; tests/test_colab_links.py compares them with it).
_REF = "v0.1.0"

#: Environment variable that turns smoke mode on (CI sets it to 1).
SMOKE_ENV = "GAN_COURSE_SMOKE"


def smoke_mode() -> bool:
    """True when the environment variable ``GAN_COURSE_SMOKE`` is set to 1/true/yes. Introduced in lesson 01."""
    value = os.environ.get(SMOKE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(
        f"{SMOKE_ENV}={value!r} is not understood: set it to 1 to shrink the lessons "
        "for a quick test run, or unset it (or 0) for the full settings"
    )


#: Smoke mode as read when the package was imported.
SMOKE = smoke_mode()

#: Environment variable that chooses the lessons' budgets: cpu or gpu (unset: gpu when TensorFlow sees one).
PROFILE_ENV = "GAN_COURSE_PROFILE"


def profile() -> str:
    """The budgets a lesson's Parameters cell picks: ``"gpu"`` when TensorFlow sees a GPU, else ``"cpu"``.

    ``GAN_COURSE_PROFILE=cpu`` or ``gpu`` chooses it: gpu on a CPU runs a GPU lesson's code paths (in
    smoke mode, to test them), cpu on a GPU gives the quick CPU settings. Smoke mode shrinks a lesson
    under either. Introduced in the README.
    """
    value = os.environ.get(PROFILE_ENV, "").strip().lower()
    if value in ("cpu", "gpu"):
        return value
    if value:
        raise ValueError(
            f"{PROFILE_ENV}={value!r} is not understood: set it to cpu or gpu, or unset it to choose by "
            "whether TensorFlow sees a GPU"
        )
    import tensorflow as tf

    return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"


def in_colab() -> bool:
    """True when running inside Google Colab. Introduced in lesson 01."""
    return "google.colab" in sys.modules


def setup(seed: int = 42, quiet: bool = True, verbose: bool = True, deterministic: bool | None = None) -> dict:
    """Make a lesson reproducible and readable; call it once in the Setup cell.

    Seeds Python, NumPy, TensorFlow and Keras with ``seed``; turns on TensorFlow's
    op determinism when no GPU is present (on a GPU it would slow training a lot,
    so GPU runs are repeatable only up to floating-point order); sets plot
    defaults; quiets TensorFlow's log noise. Returns a dict describing the
    environment (versions, GPUs, smoke mode) and prints it when ``verbose``.
    ``deterministic`` overrides the choice of op determinism: ``False`` leaves it as it is, which
    lesson 10 needs for XLA (Keras keeps ``jit_compile`` off while determinism is on; TensorFlow
    cannot turn determinism off again, so choose before the first ``setup``). Introduced in lesson 01.
    """
    seed = integer(seed, "seed", 0)
    quiet, verbose = flag(quiet, "quiet"), flag(verbose, "verbose")
    if deterministic is not None and not isinstance(deterministic, bool):
        raise ValueError(f"deterministic must be True, False or None (on when there is no GPU), got {deterministic!r}")
    seed = int(seed)
    import keras
    import tensorflow as tf

    if quiet:
        tf.get_logger().setLevel("ERROR")
        try:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except ImportError:  # absl ships with TensorFlow; keep going without it
            pass
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    gpus = tf.config.list_physical_devices("GPU")
    if deterministic is None:
        deterministic = not gpus
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    _plot_defaults()
    info = {
        "seed": seed,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "gpus": [g.name for g in gpus],
        "deterministic": deterministic,
        "smoke": smoke_mode(),
        "colab": in_colab(),
    }
    if verbose:
        gpu_text = ", ".join(info["gpus"]) if gpus else "none (CPU)"
        print(
            f"TensorFlow {info['tensorflow']}, Keras {info['keras']}, GPU: {gpu_text}, "
            f"seed {seed}, smoke mode {'ON' if info['smoke'] else 'off'}"
        )
    return info


def _plot_defaults() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.0, 4.0),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "gray",
        }
    )
