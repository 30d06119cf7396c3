"""Lesson 06's exercises: each check beside its worked solution.

Used in lesson 06.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_hinge_optimum(fn) -> bool:
    """Lesson 06: ``fn(p_data, p_g)`` must return the hinge discriminator's best output at each point.

    Pointwise D minimises ``p_data·relu(1 - D) + p_g·relu(1 + D)``: D* = 1 where p_data > p_g,
    -1 where p_data < p_g, anything in [-1, 1] where they are equal. Introduced in lesson 06.
    """
    x = np.linspace(-4, 8, 241)
    p_data, p_g = norm.pdf(x, 0, 1), norm.pdf(x, 3, 1.5)
    got = run(fn, p_data.copy(), p_g.copy())
    if got.shape != x.shape:
        return no(f"return one value per point, shape {x.shape}; got shape {got.shape}")
    want = np.sign(p_data - p_g)
    clear = ~np.isclose(p_data, p_g, rtol=1e-6, atol=1e-12)
    if np.allclose(got[clear], want[clear]) and np.all(np.abs(got[~clear]) <= 1):
        return yes(
            "D* = +1 where data are likelier, -1 where fakes are: only the sign of p_data - p_g matters, "
            "so unlike the BCE discriminator the hinge D says nothing about how much likelier"
        )
    if np.allclose(got[clear], (p_data / (p_data + p_g))[clear], atol=1e-6):
        return no("that is the BCE discriminator's optimum; minimise p_data·relu(1 - D) + p_g·relu(1 + D)")
    if np.allclose(got[clear], -want[clear]):
        return no("the sign is swapped: D should score real-looking points high (+1)")
    if np.allclose(got[clear], (p_data - p_g)[clear]):
        return no("the loss is piecewise linear in D: its minimum sits at a corner, D = -1 or D = +1")
    return no("for D in [-1, 1] the loss is p_data + p_g + D·(p_g - p_data): a straight line in D; which end is lower?")


@check
def check_ema_weight(answer, decay: float = 0.999, steps: int = 1000) -> bool:
    """Lesson 06: the weight a moving average with ``decay`` still gives its start after ``steps`` updates.

    Introduced in lesson 06.
    """
    got = number("my_weight", answer)
    want = decay**steps
    if np.isclose(got, want, rtol=1e-3):
        return yes(
            f"{decay}^{steps} = {want:.3f}: after {steps} steps the average still holds {want:.0%} of the "
            "untrained generator, so sample from it only once training has run several times 1/(1 - decay) steps"
        )
    if np.isclose(got, 1 - want, rtol=1e-3):
        return no("that is the weight of all the updates together; the start keeps the rest")
    if np.isclose(got, (1 - decay) ** steps, rtol=1e-3) or np.isclose(got, 1 - decay, rtol=1e-3):
        return no("each update keeps `decay` of the old average: the start is multiplied by decay each time")
    if np.isclose(got, decay * steps, rtol=1e-3) or np.isclose(got, 1 - steps * (1 - decay), rtol=1e-3):
        return no("the start's weight is multiplied by decay at every step: a power, not a product")
    return no("after one update the start keeps `decay` of its weight; after two, decay²; after k?")


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(6, 1, 'exercises.check_hinge_optimum(my_hinge_optimum)', answer='my_hinge_optimum')
def _exercise_1():
    """Take one x and write a = p_data(x), b = p_g(x). D minimises L(D) = a·relu(1 - D) + b·relu(1 + D).

    * For D in [-1, 1] both relus are active: L = a(1 - D) + b(1 + D) = a + b + D·(b - a). That is
      a straight line in D, so its minimum on [-1, 1] is at an end: D = +1 if a > b, D = -1 if
      a < b. If a = b every D in [-1, 1] is as good.
    * Outside [-1, 1] L only grows: above 1 the first term is 0 and the second grows with D;
      below -1 the second is 0 and the first grows as D falls.

    So D*(x) = sign(p_data - p_g), with 0 (one of the optimal values) where the two are equal.
    Unlike the BCE optimum p_data / (p_data + p_g), the hinge D says which density is larger, not
    by how much.
    """
    import numpy as np


    def my_hinge_optimum(p_data, p_g):
        return np.sign(np.asarray(p_data, dtype=np.float64) - np.asarray(p_g, dtype=np.float64))

    return locals()


@solved(6, 2, 'exercises.check_ema_weight(my_weight, decay=0.999, steps=1000)', answer='my_weight')
def _exercise_2():
    """Each update keeps `decay` of the old average and mixes in 1 - decay of the current weights:
    θ̄ <- d·θ̄ + (1 - d)·θ. Whatever the start contributes is multiplied by d at every update, so
    after k updates its share is d^k:

        0.999^1000 = exp(1000 · ln 0.999) = exp(-1.0005) ≈ 0.368

    After 1000 steps more than a third of the average is still the untrained generator. As a rule
    of thumb d^k ≈ exp(-k·(1 - d)), so the start fades only after several times 1/(1 - d) = 1000
    steps. This is why the course's moving average warms up with a smaller decay at first
    (lesson 06, section 5).
    """
    decay, steps = 0.999, 1000
    my_weight = decay**steps  # exp(1000 · ln 0.999) = exp(-1.0005) ≈ 0.368

    return locals()


@solved(6, 3)
def _exercise_3(images, classifier, real_features, display, stability, IMAGE_SEEDS, IMAGE_SECONDS, SLICE_SECONDS,
        N_EVAL, Markdown, IMAGE_COLUMNS, experiments):
    """The exercise's way: add the two entries to IMAGE_RECIPES in section 5's cell and run it again
    (about 10 minutes with the two extra recipes). A cheaper way, as fair: race only the baseline
    and the two new recipes, with the same budget and turns, and compare within that race. The
    second cell does that; run it after section 5. Note that "+ TTUR" here also halves G's rate
    against the baseline's 2e-4, and doubles D's.

    What to look at, and how to read it:

    Each row's ± is the spread between the seeds (two in the full run). A change of FID counts only
    if the gap between two rows is larger than both rows' ±, and with two seeds even that is weak
    evidence: run more seeds before you believe a small gap.

    Read the steps column as well. Clipping and two learning rates cost almost nothing per step,
    so both rows should get about the baseline's steps; then a change in FID is the setting's,
    not the budget's. Section 5 found most differences smaller than the spread after 25 seconds,
    and a short race ranks how fast a method starts, not where it ends.
    """
    EXTRA_RECIPES = {
        "non-saturating (lesson 03)": {},  # the baseline again, in the same race
        "+ clipnorm 1.0": {"clipnorm": 1.0},
        "+ TTUR": {"g_lr": 1e-4, "d_lr": 4e-4},
    }
    extra_rows = stability.compare_on_images(EXTRA_RECIPES, images, classifier, real_features, seeds=IMAGE_SEEDS,
                                             seconds=IMAGE_SECONDS, slice_seconds=SLICE_SECONDS, n_eval=N_EVAL)
    display(Markdown(experiments.format_table(experiments.summarize(extra_rows), IMAGE_COLUMNS)))


@solved(6, 4)
def _exercise_4(display, experiments, collapse, grid, TOY_SEEDS, TOY, Markdown, plt, TOY_COLUMNS, viz):
    """Train the hinge loss on the grid again with its two changes, on the same seeds and steps as
    section 2, and put the three side by side. Run it after section 2.

    What to look at, and how to read it:

    HQ % is the high-quality share. Section 2's table gives the hinge runs' mean and their spread
    (±) over two seeds, so a single run can land far from that mean by chance: a change means
    something only if both seeds move the same way, and by more than that spread. The first row repeats
    section 2's setting in this session, which shows how well the runs repeat.

    Look at the panels as well: are the points still on the lines between the modes, or pulled
    onto them? Five D steps give D time to sharpen around each mode before G moves. A lower
    learning rate makes every step smaller, so with the same number of steps a slower learner can
    look worse for reasons of budget only; if it is still improving at the end, it needs more steps,
    not a verdict.
    """
    HINGE_TRIES = {
        "hinge (section 2)": {"loss": "hinge"},
        "hinge, 5 D steps": {"loss": "hinge", "d_steps": 5},
        "hinge, lr 2.5e-4": {"loss": "hinge", "lr_d": 2.5e-4, "lr_g": 2.5e-4},
    }
    hinge_rows = experiments.run(collapse.toy_trial, HINGE_TRIES, {"grid": grid}, seeds=TOY_SEEDS, **TOY)
    display(Markdown(experiments.format_table(experiments.summarize(hinge_rows), TOY_COLUMNS)))
    fig, axes = plt.subplots(1, len(HINGE_TRIES), figsize=(3 * len(HINGE_TRIES), 3))
    for ax, method in zip(axes, HINGE_TRIES):
        r = next(r for r in hinge_rows if r["method"] == method and r["seed"] == TOY_SEEDS[0])
        viz.plot_toy_points(r["points"], grid.centers, f"{method}\n{r['modes']}/25, {r['hq']:.0%} HQ", ax=ax)
    plt.show()
