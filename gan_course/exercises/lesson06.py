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


def _ema_decays(steps: int, decay: float = 0.999) -> np.ndarray:
    """The decay of each of ``steps`` updates of ``GAN(ema=decay)``'s average: min(decay, (1 + t) / (10 + t)).

    Introduced in lesson 06.
    """
    t = np.arange(steps, dtype=np.float64)
    return np.minimum(decay, (1 + t) / (10 + t))


@check
def check_ema_share(answer, steps: int = 1000, last: int = 100, decay: float = 0.999) -> bool:
    """Lesson 06: the share of the moving average (with the course's warm-up) that the last ``last`` steps make.

    After ``steps`` updates with decays d_t = min(decay, (1 + t) / (10 + t)), the weights mixed in by
    the last ``last`` updates make 1 - prod(d_t over those updates) of the average. Introduced in lesson 06.
    """
    got = number("my_share", answer)
    decays = _ema_decays(steps, decay)
    kept = np.prod(decays[steps - last :])
    want = 1 - kept
    plain = 1 - decay**last
    if np.isclose(got, want, rtol=2e-3):
        return yes(
            f"1 - prod(d_t, t = {steps - last}..{steps - 1}) = {want:.3f}: the last {last} steps make "
            f"{want:.0%} of the average, against {plain:.1%} with a constant {decay}. Early on the warm-up "
            "keeps the average close behind G (it averages over roughly the last tenth of training); "
            f"{decay} takes over only after {int(np.ceil((10 * decay - 1) / (1 - decay) - 1e-6))} updates"
        )
    if np.isclose(got, plain, rtol=1e-3):
        return no(f"that is the share with a constant decay of {decay}; at step {steps} the warm-up's d_t is smaller")
    if np.isclose(got, kept, rtol=2e-3) or np.isclose(got, decay**last, rtol=1e-3):
        return no("that is what the older weights keep; the question asks for the last steps' share")
    if np.isclose(got, decay**steps, rtol=1e-3) or np.isclose(got, np.prod(decays), rtol=1e-2, atol=1e-12):
        return no("that is what is left of the untrained start; the question asks for the last steps' share")
    if any(
        np.isclose(got, 1 - d**last, rtol=1e-3) for d in (decays[steps - last], decays[-1], (1 + steps) / (10 + steps))
    ):
        return no(f"d_t changes with t: multiply the {last} different factors, one per update")
    return no(
        "the weights mixed in before the last steps are multiplied by d_t at each later update; "
        "what share do they keep, and what is left for the last steps?"
    )


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


@solved(6, 2, 'exercises.check_ema_share(my_share, steps=1000, last=100)', answer='my_share')
def _exercise_2():
    """Each update keeps d_t of the old average and mixes in 1 - d_t of the current weights:
    θ̄ <- d_t·θ̄ + (1 - d_t)·θ. Whatever the average held before update t is multiplied by d_t, so
    after the updates t = 900, ..., 999 the older part keeps prod d_t of the weight, and the
    weights of those last 100 steps make the rest, 1 - prod d_t.

    With the warm-up, (1 + t)/(10 + t) stays below 0.999 until t = 8 990, so here every factor is
    (1 + t)/(10 + t), and the product telescopes:

        prod_{t=900}^{999} (t + 1)/(t + 10) = (901 · 902 · ... · 909) / (1001 · 1002 · ... · 1009)
                                            ≈ (905 / 1005)^9 ≈ 0.389

    so the last 100 steps make about 61 % of the average. A constant 0.999 would give them only
    1 - 0.999^100 ≈ 9.5 %. At the budgets of section 5 the average follows G closely: with the
    warm-up it averages over roughly the last tenth of training, and the 0.999 only takes over
    after about 9 000 steps, which is why it can lag behind a G that is still improving fast, or
    help little, in a short run.
    """
    import numpy as np


    t = np.arange(900, 1000)                       # the updates of the last 100 steps
    decays = np.minimum(0.999, (1 + t) / (10 + t))  # the course's warm-up
    my_share = 1 - np.prod(decays)                 # ≈ 0.611; a constant 0.999 gives 1 - 0.999**100 ≈ 0.095

    return locals()


@solved(6, 3)
def _exercise_3(images, classifier, real_features, display, stability, IMAGE_SEEDS, IMAGE_STEPS, N_EVAL, Markdown,
        IMAGE_COLUMNS, experiments):
    """The exercise's way: add the six entries to IMAGE_RECIPES in section 5's cell and run it
    again. A cheaper way, as fair: train only lesson 03's baseline and the new recipes, with the
    same steps and seeds, and compare within that table. The second cell does that; run it after
    section 5. Note that "+ TTUR" here also halves G's rate against the baseline's 2e-4, and doubles
    D's; that R1 costs a second backward pass through D; and that WGAN-GP (paper settings) takes
    five critic steps, each with the penalty's second backward pass, per generator step, at a
    learning rate of 1e-4.

    What to look at, and how to read it:

    Each row's ± is the spread between the seeds (two in the full run). A change of FID counts only
    if the gap between two rows is larger than both rows' ±, and with two seeds even that is weak
    evidence: run more seeds before you believe a small gap.

    Read the seconds column as well. Least squares, label smoothing, clipping and two learning
    rates cost almost nothing per step, so a change of their FID is the setting's. R1's and above
    all WGAN-GP's generator steps cost several times the baseline's: on equal steps they get far
    more compute, on equal seconds far fewer steps, and with WGAN-GP's slow learning rate a few
    hundred steps rank how fast a method starts, not where it ends.
    """
    EXTRA_RECIPES = {
        "non-saturating (lesson 03)": {},  # the baseline again, in the same table
        "+ R1, γ = 1": {"r1": 1.0},
        "least squares": {"loss": "least_squares"},
        "+ label smoothing 0.1": {"label_smoothing": 0.1},
        "+ clipnorm 1.0": {"clipnorm": 1.0},
        "+ TTUR": {"g_lr": 1e-4, "d_lr": 4e-4},
        "WGAN-GP (paper settings)": stability.paper_settings("wgan_gp"),
    }
    extra_rows = stability.compare_on_images(EXTRA_RECIPES, images, classifier, real_features, seeds=IMAGE_SEEDS,
                                             steps=IMAGE_STEPS, n_eval=N_EVAL)
    display(Markdown(experiments.format_table(experiments.summarize(extra_rows), IMAGE_COLUMNS)))


@solved(6, 4)
def _exercise_4(display, experiments, collapse, grid, TOY_SEEDS, TOY, TOY_LOSSES, Markdown, plt, TOY_COLUMNS, viz):
    """Train each toy loss again on the grid with one change at a time, on the same seeds and steps
    as section 2, and put the runs side by side. Run it after section 2.

    What to look at, and how to read it:

    HQ % is the high-quality share. Section 2's table gives each loss's mean and spread (±) over two
    seeds, so a single run can land far from that mean by chance: a change means something only if
    both seeds move the same way, and by more than that spread. The first row of each pair repeats
    section 2's setting in this session, which shows how well the runs repeat.

    Hinge: are the points still on the lines between the modes, or pulled onto them? Five D steps
    give D time to sharpen around each mode before G moves; a lower learning rate makes every step
    smaller, so with the same steps it can look worse for reasons of budget only.

    Clipped WGAN: if a learning rate of 1e-3 (or no decay) covers many more modes with the weights
    still clipped to 0.01, the small steps were holding it back; if it still fails, the clipping is.
    Arjovsky et al. trained for hundreds of thousands of critic steps at 5e-5; this budget is a small
    fraction of that.
    """
    TRIES = {
        "hinge (section 2)": {"loss": "hinge"},
        "hinge, 5 D steps": {"loss": "hinge", "d_steps": 5},
        "hinge, lr 2.5e-4": {"loss": "hinge", "lr_d": 2.5e-4, "lr_g": 2.5e-4},
        "WGAN, clipped (section 2)": TOY_LOSSES["WGAN, clipped"],
        "WGAN, clipped, lr 1e-3": {**TOY_LOSSES["WGAN, clipped"], "lr_d": 1e-3, "lr_g": 1e-3},
        "WGAN, clipped, no decay": {**TOY_LOSSES["WGAN, clipped"], "decay": False},
    }
    try_rows = experiments.run(collapse.toy_trial, TRIES, {"grid": grid}, seeds=TOY_SEEDS, **TOY)
    display(Markdown(experiments.format_table(experiments.summarize(try_rows), TOY_COLUMNS)))
    fig, axes = plt.subplots(2, 3, figsize=(9, 6.4))
    for ax, method in zip(axes.flat, TRIES):
        r = next(r for r in try_rows if r["method"] == method and r["seed"] == TOY_SEEDS[0])
        viz.plot_toy_points(r["points"], grid.centers, f"{method}\n{r['modes']}/25, {r['hq']:.0%} HQ", ax=ax)
    plt.show()
