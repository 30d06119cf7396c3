"""Support package for the gan-course notebooks.

Each module holds one concept; the lesson that introduces a helper says so in the
helper's docstring. Import order matters for one thing only: TensorFlow's C++ log
level must be set before TensorFlow is imported, so it is set here first.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gan_course.config import REPOSITORY, SMOKE, in_colab, profile, setup  # noqa: E402

__version__ = "0.1.0"
__all__ = ["REPOSITORY", "SMOKE", "__version__", "in_colab", "profile", "setup"]
