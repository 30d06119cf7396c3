"""The lessons' exercises: a ``check_*`` function for each checked one and ``solution(lesson, n)`` for all.

Each check prints "Correct" or "Not yet" with a hint aimed at the most likely mistake, returns True or
False, and never raises on an answer, however wrong. ``solution(lesson, n)`` prints the worked solution
of any exercise and returns a checked exercise's answer. Each lesson's checks and solutions live side by
side in ``lessonNN.py``.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

from gan_course.exercises._core import SOLUTIONS, Solution, exercise_numbers, find
from gan_course.exercises.lesson01 import check_generator_gradients, check_jsd_from_value, check_optimal_discriminator
from gan_course.exercises.lesson02 import check_discriminator_loss, check_parameter_count, check_scaling
from gan_course.exercises.lesson03 import check_conv_macs, check_slerp, check_transposed_output_size
from gan_course.exercises.lesson04 import check_collapse_kl, check_high_quality_share, check_pack
from gan_course.exercises.lesson05 import check_fid_at_n, check_frechet_1d, check_low_metric
from gan_course.exercises.lesson06 import check_ema_share, check_hinge_optimum
from gan_course.exercises.lesson07 import check_class_log_ratio, check_ignored_label_fidelity, check_label_parameters
from gan_course.exercises.lesson08 import check_ada_rv, check_freezed_parameters
from gan_course.exercises.lesson09 import check_clinic_setup, check_gan_step, check_generator_start
from gan_course.exercises.lesson10 import check_cost_prediction, check_replica_loss

__all__ = [
    "check_ada_rv",
    "check_class_log_ratio",
    "check_clinic_setup",
    "check_collapse_kl",
    "check_conv_macs",
    "check_cost_prediction",
    "check_discriminator_loss",
    "check_ema_share",
    "check_fid_at_n",
    "check_frechet_1d",
    "check_freezed_parameters",
    "check_gan_step",
    "check_generator_gradients",
    "check_generator_start",
    "check_high_quality_share",
    "check_hinge_optimum",
    "check_ignored_label_fidelity",
    "check_jsd_from_value",
    "check_label_parameters",
    "check_low_metric",
    "check_optimal_discriminator",
    "check_pack",
    "check_parameter_count",
    "check_replica_loss",
    "check_scaling",
    "check_slerp",
    "check_transposed_output_size",
    "SOLUTIONS",
    "Solution",
    "exercise_numbers",
    "solution",
]


def solution(lesson: int, n: int):
    """Print the worked solution of exercise ``n`` of lesson ``lesson`` and return its answer.

    Try the exercise first: the check's hints are made for the usual mistakes. For a checked exercise
    this prints the reasoning and the code, and returns what the lesson's ``check_*`` call takes (a
    function, a number, or a tuple for a check that takes two numbers), computed by running that code,
    so that, for instance, ``check_pack(solution(4, 2))`` passes. For an open exercise, which has no
    single answer, it prints code to run in the lesson and what to look at in the result, and returns
    None. ``lesson`` and ``n`` are ints, e.g. ``solution(4, 2)`` for lesson 04, exercise 2; any other
    pair raises a ValueError that lists every lesson's exercise numbers. Introduced in lesson 01.
    """
    found = find(lesson, n)
    print(found.render())
    return found.value()
