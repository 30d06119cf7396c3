"""Lesson 04's exercises: each check beside its worked solution.

Used in lesson 04.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_high_quality_share(fn) -> bool:
    """Lesson 04: ``fn(samples, centers, std)`` should return (modes covered, high-quality share), threshold 3σ.

    Introduced in lesson 04.
    """
    from gan_course.metrics import mode_coverage

    rng = np.random.default_rng(4)
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    std = 0.01
    # 60 points near centres 0 and 1 (some beyond 3σ), 40 points far from every centre
    near = centers[rng.integers(2, size=60)] + rng.normal(scale=2.5 * std, size=(60, 2))
    samples = np.concatenate([near, rng.uniform(-0.5, 0.5, size=(40, 2))])
    truth = mode_coverage(samples, centers, std)
    answer = run(fn, samples, centers, std)
    try:
        modes, share = (float(v) for v in answer)
    except (TypeError, ValueError) as err:
        return no(f"return a pair (modes covered, high-quality share); got {type(err).__name__}: {err}")
    if modes == truth.modes_covered and np.isclose(share, truth.high_quality_fraction, atol=1e-9):
        return yes(
            f"{truth.modes_covered} of 4 modes, {truth.high_quality_fraction:.0%} high-quality "
            "samples: the same as metrics.mode_coverage"
        )
    within_1std = mode_coverage(samples, centers, std, threshold=1.0)
    if np.isclose(share, within_1std.high_quality_fraction):
        return no(
            "a sample is high quality within 3 standard deviations of its nearest centre, "
            "not within one: compare the distance with 3 * std"
        )
    if np.isclose(share, truth.high_quality_fraction * 100) and share > 1:
        return no("give the share as a fraction between 0 and 1, not a percentage")
    if modes == 4:
        return no(
            "a mode counts as covered only if at least one *high-quality* sample is nearest "
            "to it; far-away samples cover nothing"
        )
    if modes != truth.modes_covered:
        return no(
            f"modes covered should be {truth.modes_covered} here: count centres that are "
            "the nearest centre of some sample closer than 3 * std"
        )
    return no("the share is (number of high-quality samples) / (number of all samples)")


@check
def check_pack(fn) -> bool:
    """Lesson 04: ``fn(x, m)`` should put m consecutive samples side by side, (n, d) -> (n / m, m·d).

    Tried on 12 samples of 2 numbers packed by 3, then on 8 samples of 3 numbers packed by 4 (so an
    answer that assumes 2-D points or one shape fails). Introduced in lesson 04.
    """
    for n, d, m in ((12, 2, 3), (8, 3, 4)):
        x = np.arange(n * d, dtype=np.float32).reshape(n, d)
        expected = x.reshape(n // m, m * d)
        out = np.asarray(run(fn, x.copy(), m))
        if out.shape != expected.shape:
            assumed_2d = out.shape == (n * d // (2 * m), 2 * m)  # reshape(-1, 2 * m): points taken as 2-D
            assumed_2d = " (d is x.shape[1]: not every sample has 2 numbers)" if assumed_2d else ""
            return no(
                f"{n} samples of {d} numbers packed by {m} give shape {expected.shape}, got {out.shape}: "
                f"reshape to (n // m, m * d){assumed_2d}"
            )
        if np.array_equal(out, expected):
            continue
        if np.array_equal(np.sort(out.ravel()), np.sort(x.ravel())):
            return no(
                "the numbers are all there but in the wrong places: each row must hold m "
                "*consecutive* samples, each sample's d coordinates kept together"
            )
        return no("packing only moves numbers around: no value should change")
    return yes("row i holds samples m·i … m·i + m − 1 side by side: one pack, one D decision")


@check
def check_collapse_kl(one_mode, two_modes, k: int = 8) -> bool:
    """Lesson 04: KL(p ‖ uniform over k modes) when all samples sit on one mode, and on two modes equally.

    Introduced in lesson 04.
    """
    a, b = number("one_mode", one_mode), number("two_modes", two_modes)
    want_a, want_b = np.log(k), np.log(k / 2)
    if np.isclose(a, want_a) and np.isclose(b, want_b):
        return yes(
            f"log {k} = {want_a:.3f} and log {k / 2:g} = {want_b:.3f}: KL = log(k / modes used) "
            "when the used modes are equally filled"
        )
    if np.isclose(a, np.log2(k)) or np.isclose(b, np.log2(k / 2)):
        return no("metrics.mode_coverage uses natural logarithms: log, not log2")
    if k != 8 and (np.isclose(a, np.log(8)) or np.isclose(b, np.log(4))):
        return no(f"log 8 and log 4 are the answers for the ring's 8 modes; here there are k = {k} modes")
    if np.isclose(a, -want_a) or np.isclose(b, -want_b):
        return no("KL is never negative: KL(p ‖ u) = Σ p log(p / u), with p in the numerator")
    if np.isclose(a, want_a):
        return no("one mode is right; with two modes p = 1/2 on each, so KL = 2 · ½ log((1/2) / (1/k))")
    return no(f"KL(p ‖ u) = Σ p_i log(p_i / u_i) with u_i = 1/{k}; with all mass on one mode only one term is non-zero")


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(4, 1, 'exercises.check_high_quality_share(my_coverage)', answer='my_coverage')
def _exercise_1():
    """Compute all distances at once. samples[:, None, :] - centers[None, :, :] has shape (n, k, 2);
    its norm over the last axis is the (n, k) matrix of distances. For each sample take the
    nearest centre and the distance to it.

    A sample is of high quality if that distance is below 3·std. A mode is covered if it is the
    nearest centre of at least one high-quality sample. Filter before counting: a sample far from
    every centre still has a nearest centre, and must not cover it. The share of high-quality
    samples is their number over all samples, a fraction between 0 and 1.
    """
    import numpy as np


    def my_coverage(samples, centers, std):
        distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)  # (n, k)
        nearest = distances.argmin(axis=1)
        good = distances.min(axis=1) < 3 * std  # high quality: within 3σ of the nearest centre
        modes_covered = len(np.unique(nearest[good]))
        return modes_covered, float(good.mean())

    return locals()


@solved(4, 2, 'exercises.check_pack(my_pack)', answer='my_pack')
def _exercise_2():
    """NumPy stores an (n, d) array row by row: sample 0's d numbers, then sample 1's, and so on.
    Read the same numbers m·d at a time and each row holds m consecutive samples, every sample's
    coordinates still together: that is reshape(n // m, m * d). No number changes place in
    memory. If n is not a multiple of m, the last n % m samples cannot fill a pack; drop them.
    """
    import numpy as np


    def my_pack(x, m):
        x = np.asarray(x)
        n, d = x.shape
        return x[: n - n % m].reshape(n // m, m * d)

    return locals()


@solved(4, 3, 'exercises.check_collapse_kl(one_mode, two_modes, k=25)', answer=('one_mode', 'two_modes'))
def _exercise_3():
    """KL(p || u) = Σ_i p_i·log(p_i / u_i), with u_i = 1/25 for each of the 25 modes, and 0·log 0
    counted as 0.

    * One mode: p = 1 there, 0 elsewhere. KL = 1·log(1 / (1/25)) = log 25 = 3.219.
    * Two modes, half and half: KL = 2 · ½·log(½ / (1/25)) = log 12.5 = 2.526.

    In general, m equally filled modes give log(k / m): 0 when all 25 are used, and only
    log 2 = 0.69 less for two modes than for one. Natural logs, as in metrics.mode_coverage.
    """
    import numpy as np

    k = 25
    one_mode = np.log(k)  # 1 · log(1 / (1/k)) = 3.219
    two_modes = np.log(k / 2)  # 2 · ½ log(½ / (1/k)) = 2.526

    return locals()


@solved(4, 4)
def _exercise_4(display, summary, rows, ring, grid, Markdown, experiments, collapse, SEEDS, LAB, COLUMNS, METHODS,
        STEPS):
    """Two experiments, after section 4. The first costs about as much as the table; the second runs
    three grid runs per seed, two of them at twice the batch and twice the steps.

    1. Equal time. The table's rows hold each method's seconds per run. Give every method
       STEPS × (vanilla's seconds / its seconds) steps, on each data set, and run the table again.
    2. Remedy or budget, on the grid. Vanilla and minibatch std-dev, both with β₁ = 0.5, at twice the
       batch and twice the steps (LONG); minibatch std-dev with β₁ = 0.5 at the table's budget too.
       Vanilla with β₁ = 0.5 at the table's budget is already in the table (rows).

    What to look at, and how to read it:

    Equal time. Put the new table beside section 4's. A method that is cheap per step (a run of it
    took fewer seconds than vanilla's in section 4's table) gains steps; a dear one loses some.
    A ranking changes only where two rows swap by more than their ± (the spread over seeds).

    Remedy or budget. The grid's aim is at least 24 of 25 modes with at least 80 % high-quality
    samples. Each pair of rows that differs in one thing answers one question: the two LONG rows
    differ only in the remedy; each method's LONG row and its row at the table's budget differ only
    in the budget. Read both numbers (modes and HQ %) along both differences: the larger change is
    the larger share of what the longer run gained. With a few seeds a difference smaller than the ±
    says nothing.
    """
    seconds = {(r["method"], r["setting"]): r["seconds"] for r in summary}
    equal_time = []
    for setting, mixture in (("ring", ring), ("grid", grid)):
        budget = seconds[("vanilla", setting)]
        methods = {name: {**spec, "steps": max(1, round(STEPS * budget / seconds[(name, setting)]))}
                   for name, spec in METHODS.items()}
        print(setting, {name: spec["steps"] for name, spec in methods.items()})
        equal_time += experiments.run(collapse.toy_trial, methods, {setting: mixture}, seeds=SEEDS, **LAB)
    display(Markdown(experiments.format_table(experiments.summarize(equal_time), COLUMNS)))

    LONG = {**LAB, "steps": 2 * STEPS, "batch_size": 2 * LAB["batch_size"], "beta_1": 0.5}
    long_rows = experiments.run(collapse.toy_trial, {"vanilla, β₁ = 0.5, LONG": {"remedy": "vanilla"},
                                                     "minibatch std-dev, β₁ = 0.5, LONG": {"remedy": "minibatch_std"}},
                                {"grid": grid}, seeds=SEEDS, **LONG)
    short_rows = experiments.run(collapse.toy_trial, {"minibatch std-dev, β₁ = 0.5": {"remedy": "minibatch_std"}},
                                 {"grid": grid}, seeds=SEEDS, **{**LAB, "beta_1": 0.5})
    table_rows = [r for r in rows if r["method"] == "vanilla, β₁ = 0.5" and r["setting"] == "grid"]
    display(Markdown(experiments.format_table(experiments.summarize(table_rows + short_rows + long_rows), COLUMNS)))


@solved(4, 5)
def _exercise_5(images, classifier, collapse, SEED, N_CLASSIFIED, viz, plt, COLLAPSE_LR):
    """A class histogram only counts which class each sample is nearest to. A generator that draws
    one image per class, the same ten images for every z, uses all ten classes evenly (KL to
    uniform near 0), yet it is collapsed: within each class every sample is the same. Lesson 05's
    recall catches it: the real images of a class spread far beyond one point, so few of them fall
    inside the balls around the generated samples. So does any measure of variety within a class,
    such as lesson 07's intra-class diversity, or the pixel spread in the cell below.

    For the second part, run section 5's trial again with the milder setting beside the one the
    lesson uses: D ten times slower than G instead of two hundred times. Run it after section 5.

    What to look at, and how to read it:

    Compare the milder second epoch with the collapsed one and with section 5's healthy run: the
    classes used, the largest class's share, the pixel spread and the grids. The pixel spread is
    the standard deviation of each pixel over the samples, averaged over the pixels: near 0 when
    every sample is the same image, about the real images' value for a generator as varied as the
    data. Collapse shows in all of them at once: few classes, one tall bar, a small spread, one
    image repeated in the grid. One seed only: repeat with another SEED before you conclude.
    """
    mild = collapse.image_trial(images, classifier, seed=SEED, n_samples=N_CLASSIFIED,
                                second_epoch={"collapsed": COLLAPSE_LR, "milder": (1e-4, 1e-3)})
    for name, r in mild.items():
        spread = r["samples"].std(axis=0).mean()  # 0 if every sample is the same image
        print(f"{name:>11}: classes used {r['classes_used']}/10, largest class {r['largest_share']:.0%}, "
              f"pixel spread {spread:.3f}")
    print(f"       real: pixel spread {images[:N_CLASSIFIED].std(axis=0).mean():.3f}")
    viz.show_grids({name: r["samples"] for name, r in mild.items()}, ncols=8, n=64, size=4.5)
    plt.show()
