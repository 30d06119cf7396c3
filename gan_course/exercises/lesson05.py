"""Lesson 05's exercises: each check beside its worked solution.

Used in lesson 05.
"""

from __future__ import annotations

import re

import numpy as np

from gan_course.exercises._core import NotYet, check, no, number, run, solved, yes


@check
def check_frechet_1d(fn) -> bool:
    """Lesson 05: ``fn(mu1, sigma1, mu2, sigma2)`` must return the Fréchet distance (squared, as in
    FID) between N(mu1, sigma1²) and N(mu2, sigma2²), where sigma1 and sigma2 are standard deviations.
    Introduced in lesson 05."""
    cases = [(0.0, 1.0, 1.0, 2.0), (3.0, 0.5, 1.0, 1.5), (-1.0, 2.0, 0.5, 0.25)]
    got, want = [], []
    for mu1, s1, mu2, s2 in cases:
        value = run(fn, mu1, s1, mu2, s2)
        if value.size != 1:
            return no(f"return one number, got an array of shape {value.shape}")
        got.append(float(value))
        want.append((mu1 - mu2) ** 2 + (s1 - s2) ** 2)
    got, want = np.array(got), np.array(want)
    if np.allclose(got, want, rtol=1e-6):
        return yes(
            "(mu1 - mu2)² + sigma1² + sigma2² - 2·sigma1·sigma2 = (mu1 - mu2)² + (sigma1 - sigma2)²; "
            "N(0, 1) vs N(1, 4) gives 1 + 1 = 2"
        )
    mu_diff = np.array([(c[0] - c[2]) ** 2 for c in cases])
    s1, s2 = np.array([c[1] for c in cases]), np.array([c[3] for c in cases])
    if np.allclose(got, np.sqrt(want), rtol=1e-6):
        return no("FID is the *squared* Fréchet distance: do not take the square root at the end")
    if np.allclose(got, mu_diff + s1**2 + s2**2, rtol=1e-6):
        return no("you left out the cross term -2 Tr((Σ1 Σ2)^½), which in 1-D is -2·sigma1·sigma2")
    if np.allclose(got, mu_diff + s1 + s2 - 2 * np.sqrt(s1 * s2), rtol=1e-6):
        return no("sigma1 and sigma2 are standard deviations; the formula needs the variances sigma²")
    if np.allclose(got, np.sqrt(mu_diff) + (s1 - s2) ** 2, rtol=1e-6):
        return no("the covariance part is right; the mean part is |mu1 - mu2|², the squared difference")
    if np.allclose(got, mu_diff + (s1 + s2) ** 2, rtol=1e-6):
        return no("the cross term is subtracted: -2 Tr((Σ1 Σ2)^½), which in 1-D is -2·sigma1·sigma2")
    if np.allclose(got, mu_diff + (s1**2 - s2**2) ** 2, rtol=1e-6):
        return no(
            "(sigma1² - sigma2²)² compares the variances; expand Tr(Σ1 + Σ2 - 2(Σ1 Σ2)^½) with Σ = sigma² instead"
        )
    if np.allclose(got, mu_diff + (s1 - s2), rtol=1e-6) or np.allclose(got, mu_diff + np.abs(s1 - s2), rtol=1e-6):
        return no("the covariance part comes out as a square: sigma1² + sigma2² - 2·sigma1·sigma2")
    if np.allclose(got, mu_diff, rtol=1e-6):
        return no("that is only the mean part; FID adds Tr(Σ1 + Σ2 - 2(Σ1 Σ2)^½), which compares the spreads")
    return no("write |mu1 - mu2|² + Tr(Σ1) + Tr(Σ2) - 2 Tr((Σ1 Σ2)^½) with Σ = sigma² (1×1 matrices)")


@check
def check_fid_at_n(answer, n1: int, fid1: float, n2: int, fid2: float, n: int) -> bool:
    """Lesson 05: predict FID at ``n`` samples from FIDs at n1 and n2, with FID_N = FID_∞ + k/N.

    Introduced in lesson 05.
    """
    got = number("my_fid", answer)
    n1, fid1, n2, fid2, n = (number(k, v) for k, v in zip(("n1", "fid1", "n2", "fid2", "n"), (n1, fid1, n2, fid2, n)))
    if n1 == n2 or 0 in (n1, n2, n):
        raise NotYet(f"n1, n2 and n must be sample sizes, n1 different from n2; got n1={n1:g}, n2={n2:g}, n={n:g}")
    slope = (fid1 - fid2) / (1 / n1 - 1 / n2)
    fid_inf = fid1 - slope / n1
    want = fid_inf + slope / n
    if np.isclose(got, want, rtol=1e-3):
        return yes(f"k = {slope:.1f}, FID_∞ = {fid_inf:.2f}, so FID_{n} = FID_∞ + k/{n} = {want:.2f}")
    linear_in_n = fid1 + (fid2 - fid1) * (n - n1) / (n2 - n1)
    if np.isclose(got, linear_in_n, rtol=1e-3):
        return no("the bias falls like 1/N, not linearly in N: fit a line in x = 1/N")
    if np.isclose(got, fid_inf, rtol=1e-3):
        return no(f"that is FID_∞ (N → ∞); add the bias k/N for N = {n}")
    if np.isclose(got, slope, rtol=1e-3):
        return no("that is the slope k; FID_N = FID_∞ + k/N")
    if np.isclose(got, (fid1 + fid2) / 2, rtol=1e-3):
        return no(f"the mean of the two FIDs ignores where N = {n:g} lies; fit FID_N = FID_∞ + k/N through both points")
    if np.isclose(got, fid1 * n1 / n, rtol=1e-3) or np.isclose(got, fid2 * n2 / n, rtol=1e-3):
        return no("that scales one FID by 1/N as if FID_∞ were 0; only the bias k/N shrinks with N, FID_∞ stays")
    return no(
        "two equations FID_1 = FID_∞ + k/N_1 and FID_2 = FID_∞ + k/N_2 give k and FID_∞; then evaluate FID_∞ + k/N"
    )


@check
def check_low_metric(answer) -> bool:
    """Lesson 05: a generator that draws only perfect sneakers: which of precision and recall is low?

    Introduced in lesson 05.
    """
    if answer is None:
        return no('`my_answer` is still None: write "precision" or "recall"')
    words = set(re.findall(r"[a-z]+", str(answer).lower()))
    if "both" in words or {"precision", "recall"} <= words:
        return no(
            "pick one: precision asks whether each *generated* image looks real, and a perfect sneaker does; "
            "recall asks whether each real image has a generated one near it"
        )
    if words & {"neither", "none", "nothing"}:
        return no("one of them is low: is every *real* image, shirts and bags too, near some generated sneaker?")
    if "recall" in words:
        return yes(
            "every sample lies on the real manifold (precision ≈ 1), but the samples "
            "cover one class of ten, so most real images have no generated neighbour: recall is low"
        )
    if "precision" in words:
        return no(
            "precision asks whether each *generated* image looks real; a perfect "
            "sneaker does. What about the real shirts and bags: is any generated image near them?"
        )
    return no(f'answer "precision" or "recall", got {answer!r}')


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(5, 1, 'exercises.check_frechet_1d(my_frechet_1d)', answer='my_frechet_1d')
def _exercise_1():
    """FID's formula is |μ1 - μ2|² + Tr(Σ1) + Tr(Σ2) - 2·Tr((Σ1 Σ2)^½). In one dimension each Σ is a
    1×1 matrix, the variance s². The trace of a number is the number, and (s1²·s2²)^½ = s1·s2 for
    standard deviations, which are never negative. So

        FD = (μ1 - μ2)² + s1² + s2² - 2·s1·s2 = (μ1 - μ2)² + (s1 - s2)²

    It is 0 only for equal means and equal spreads. N(0, 1) against N(1, 2²) gives 1 + 1 = 2.
    Do not take a square root at the end: FID is the squared distance.
    """
    def my_frechet_1d(mu1, sigma1, mu2, sigma2):
        return (mu1 - mu2) ** 2 + (sigma1 - sigma2) ** 2

    return locals()


@solved(5, 2, 'exercises.check_fid_at_n(my_fid, 1000, 30.0, 4000, 24.0, 2000)', answer='my_fid')
def _exercise_2():
    """Two measurements give two equations in FID∞ and k:

        30 = FID∞ + k / 1000
        24 = FID∞ + k / 4000

    Subtract: 6 = k·(1/1000 - 1/4000) = k·3/4000, so k = 8000. Then FID∞ = 30 - 8000/1000 = 22.
    At 2000 samples: FID = 22 + 8000/2000 = 26.

    2000 lies a third of the way from 1000 to 4000, and a straight line in N would give 28. The
    bias falls like 1/N, fast at first, so the answer is nearer the 4000-sample value.
    """
    n1, fid1, n2, fid2, n = 1000, 30.0, 4000, 24.0, 2000
    k = (fid1 - fid2) / (1 / n1 - 1 / n2)  # 6 / (3/4000) = 8000
    fid_infinity = fid1 - k / n1  # 30 - 8 = 22
    my_fid = fid_infinity + k / n  # 22 + 4 = 26

    return locals()


@solved(5, 3, 'exercises.check_low_metric(my_answer)', answer='my_answer')
def _exercise_3():
    """Recall. Precision asks whether each *generated* image lies where real images are: a perfect
    sneaker does, so precision is high. Recall asks whether each *real* image has a generated
    image near it: the real shirts, bags and trousers have none, so only about one real image in
    ten, the sneakers, is covered. High precision with recall near 1/10 is the signature of a
    generator that draws one class well; section 6's "sneakers only" row shows it.
    """
    my_answer = "recall"

    return locals()


@solved(5, 4)
def _exercise_4(build_gan, callbacks, Z_DIM, SEED, models, dcgan, N_EVAL, DCGAN_EPOCHS, domain_fid, np):
    """Rebuild lesson 03's model exactly as it was saved (the lean DCGAN with Z_DIM = 100), load the
    newest checkpoint from lesson 03's folder, and score it the way section 4 scored its own
    DCGAN: N_EVAL images from the noise of FIDTracker(seed=1), against ref_features. Then score a
    second draw of noise for each model, to see how much FID moves with the noise alone. Run it
    after section 4; lesson 03 must have run first, in the same notebooks folder.

    What to look at, and how to read it:

    Both FIDs use the same reference, the same features and the same N, so they can be compared
    directly; change any of the three and they cannot (section 5). The first line's second number
    repeats the last point of section 4's FID curve.

    "Better" needs a margin: the difference between the two models should be clearly larger than
    the change between the two noise draws of the same model. Lesson 03 and section 4 train with the
    same settings for different numbers of epochs (DCGAN_EPOCHS here; the printed epoch says which
    checkpoint you loaded). If the longer run is not clearly better, look at section 4's FID curve:
    has it flattened by its last epoch? That is exercise 5's question.
    """
    from pathlib import Path

    found = callbacks.list_checkpoints(Path("outputs/03_dcgan/checkpoints"))
    epoch, path = found[-1]  # the newest
    lesson03 = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(),
                         loss="non_saturating", seed=SEED)
    callbacks.load_checkpoint(lesson03, path)
    for seed in (1, 2):  # 1: FIDTracker(seed=1)'s noise, as in section 4; 2: another draw
        z = np.random.default_rng(seed).normal(size=(N_EVAL, Z_DIM)).astype("float32")
        ours = dcgan.generator.predict(z, batch_size=500, verbose=0)
        theirs = lesson03.generator.predict(z, batch_size=500, verbose=0)
        print(f"noise seed {seed}, N = {N_EVAL}: lesson 03's DCGAN after {epoch} epochs FID "
              f"{domain_fid(theirs):.1f}; section 4's after {DCGAN_EPOCHS} epochs {domain_fid(ours):.1f}")


@solved(5, 5)
def _exercise_5(SMOKE, build_gan, ref_features, classifier, gan_course, SEED, Z_DIM, callbacks, N_EVAL, dataset, viz,
        models):
    """Train the lean DCGAN of section 4 for longer, scoring FID every second epoch with the same
    reference and noise as section 4. An epoch takes about as long as one of section 4's DCGAN
    epochs (their times are printed there), so 20 epochs take two and a half times its 8, plus
    ten FIDs.

    What to look at, and how to read it:

    Read the FID curve first. It falls fast at the start and then flattens. Call it "stopped
    improving" from the epoch after which the changes are no larger than the ups and downs
    between neighbouring points: the noise is fixed, so those wobbles are the generator moving,
    not a new sample. Say whether it stops or keeps creeping down to the end.

    Then look at the losses over the same epochs. Section 4 checked that the DCGAN's FID fell far
    more than its losses moved. Look for any bend in the loss curves where
    FID flattens. If there is none, the losses do not tell you, and FID is what to track
    (Keras' EarlyStopping(monitor="fid", mode="min", restore_best_weights=True) can then keep the
    best epoch, with every=1).
    """
    LONG_EPOCHS = 2 if SMOKE else 20
    gan_course.setup(seed=SEED, verbose=False)
    long_gan = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(),
                         loss="non_saturating", seed=SEED)
    tracker = callbacks.FIDTracker(ref_features, classifier, n_samples=N_EVAL, every=2, seed=1)
    long_logs = long_gan.fit(dataset, epochs=LONG_EPOCHS, callbacks=[tracker], verbose=2).history
    viz.plot_losses_and_fid(long_logs, tracker.history, title=f"lean DCGAN, {LONG_EPOCHS} epochs",
                            loss=long_gan.gan_loss)
    print("(epoch, FID):", [(e, round(f, 1)) for e, f in tracker.history])
