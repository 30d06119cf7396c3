"""The seed tutorials' GAN programs, for lesson 09's clinic: each as printed, faithful, and fixed.

Four tutorials seeded this course (``shared/seeds``). Three of them print a GAN program:

- **S0** (seed 000, §3.2): an MLP GAN trained with a combined Keras model and ``train_on_batch``;
- **S1** (seed 001, §4): a "CNN GAN" whose generator makes 16×16 images;
- **S3** (seed 003, the full example): a PyTorch MLP generator and CNN discriminator.

(S2, seed 002, is the TensorFlow DCGAN tutorial: ``models.dcgan_seed_generator`` and
``models.dcgan_seed_discriminator``, lesson 03.)

For each program ``SEEDS[key]`` lists its bugs (``.bugs``, each with the seed's section and the
``clinic.diagnose`` check that catches it, if one can), and a module (``s0``, ``s1``, ``s3``) holds
``*_failures()``, which runs the parts that cannot run as printed and returns each error as Python
raised it, the faithful networks and loop (the closest program that runs, bugs kept), and the fixed
version built from the course's own parts (``gan.build_gan``, ``models``, ``losses``). The loops take a
number of steps, so a lesson can give every program the same budget. ``benchmark_results`` reads the
ten-minute race of the fixed programs that ``benchmarks/seed_programs.py`` measured (shipped in
``results/``). The programs' text as printed is shipped in ``programs/``.

Used in lesson 09.
"""

from __future__ import annotations

from gan_course import _shipped, experiments
from gan_course.seeds._bugs import S0_BUGS, S1_BUGS, S3_BUGS
from gan_course.seeds._common import SeedSystem
from gan_course.seeds.s0 import s0_failures, s0_fixed, s0_models, s0_scale, s0_train
from gan_course.seeds.s1 import (
    resize_images,
    s1_discriminator,
    s1_failures,
    s1_fixed,
    s1_fixed_discriminator,
    s1_fixed_generator,
    s1_generator,
    s1_loss,
    s1_train,
)
from gan_course.seeds.s3 import s3_discriminator, s3_failures, s3_fixed, s3_generator, s3_train

SEEDS = {
    "S0": SeedSystem(
        "S0",
        "000",
        "MLP GAN with a combined Keras model and train_on_batch",
        S0_BUGS,
        s0_failures,
        s0_models,
        s0_fixed,
    ),
    "S1": SeedSystem(
        "S1",
        "001",
        "'CNN GAN' with a 16×16 generator and a hand-written tape loop",
        S1_BUGS,
        s1_failures,
        lambda: (s1_generator(), s1_discriminator()),
        s1_fixed,
        notes=("BatchNorm in D is not a bug here: the seed calls D on fake and real batches separately",),
    ),
    "S3": SeedSystem(
        "S3",
        "003",
        "PyTorch MLP generator and CNN discriminator, real and fake in one D batch",
        S3_BUGS,
        s3_failures,
        lambda: (s3_generator(), s3_discriminator()),
        s3_fixed,
        notes=(
            "real and fake in one D batch is harmless here: D has no BatchNorm",
            "fakes not detached in D's step: G's gradients are computed and then zeroed, wasted work only",
            "plt.imshow of a (28, 28, 1) image: recent matplotlib draws it (in false colour), older raised TypeError",
        ),
    ),
}


# ------------------------------------------------------------------- the longer race (benchmarks/seed_programs.py)

#: The result of ``benchmarks/seed_programs.py`` that ships with the course (its default output path).
_BENCHMARK_CSV = _shipped.RESULTS / "seed_programs.csv"
_BENCHMARK_COLUMNS = {"program": str, "seed": int, "seconds": float, "steps": int, "fid": float}


def benchmark_results(path=None) -> list[dict]:
    """The rows of ``benchmarks/seed_programs.py``'s CSV: program, seed, seconds, steps and FID after each turn.

    Without ``path``, the result that ships with the course (``gan_course/results``, measured on a
    2-core CPU for lesson 09). Rows come in the order they were measured, so each program's rows
    are in order of training time. Introduced in lesson 09.
    """
    path = _BENCHMARK_CSV if path is None else path
    return experiments.read_results(path, _BENCHMARK_COLUMNS, f"python benchmarks/seed_programs.py --out {path}")


__all__ = [
    "SEEDS",
    "benchmark_results",
    "resize_images",
    "s0_failures",
    "s0_fixed",
    "s0_models",
    "s0_scale",
    "s0_train",
    "s1_discriminator",
    "s1_failures",
    "s1_fixed",
    "s1_fixed_discriminator",
    "s1_fixed_generator",
    "s1_generator",
    "s1_loss",
    "s1_train",
    "s3_discriminator",
    "s3_failures",
    "s3_fixed",
    "s3_generator",
    "s3_train",
]
