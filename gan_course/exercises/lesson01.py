"""Lesson 01's exercises: each check beside its worked solution.

Used in lesson 01.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_optimal_discriminator(fn) -> bool:
    """Lesson 01: ``fn(p_data, p_g)`` must return D*(x) for density arrays. Introduced in lesson 01."""
    from gan_course.theory import optimal_discriminator

    x = np.linspace(-4, 8, 241)
    p_data, p_g = norm.pdf(x, 0, 1), norm.pdf(x, 3, 1.5)
    p_data[:20] = p_g[:20] = 0.0  # a region where neither distribution has mass
    got = run(fn, p_data.copy(), p_g.copy())
    want = optimal_discriminator(p_data, p_g)
    if got.shape != want.shape:
        return no(f"expected one value per grid point, shape {want.shape}, got {got.shape}")
    live = (p_data + p_g) > 0
    if np.allclose(got[live], 1 - want[live]):
        return no("you returned p_g / (p_data + p_g): D should be high where the *real* density is high")
    if np.allclose(got[live], p_data[live] / np.maximum(p_g[live], 1e-300)):
        return no("D(x) is a probability: divide p_data by p_data + p_g, not by p_g")
    if not np.allclose(got[live], want[live], atol=1e-9):
        return no("maximise p_data·log D + p_g·log(1 - D) for each x: set its derivative in D to 0")
    if not np.all(np.isfinite(got)):
        return no("where p_data = p_g = 0 you return NaN (0/0); any value is optimal there, use 1/2")
    return yes("D*(x) = p_data / (p_data + p_g), with 1/2 where neither has mass")


@check
def check_jsd_from_value(jsd, v_at_optimum) -> bool:
    """Lesson 01: JSD recovered from V(D*, G) through V = -log 4 + 2·JSD. Introduced in lesson 01."""
    got, v_at_optimum = number("my_jsd", jsd), number("v", v_at_optimum)
    want = (v_at_optimum + np.log(4)) / 2
    if np.isclose(got, want, rtol=1e-6, atol=1e-9):
        return yes(f"JSD = (V + log 4) / 2 = {want:.4f}")
    if np.isclose(got, (v_at_optimum - np.log(4)) / 2, atol=1e-9):
        return no("sign: V(D*, G) = -log 4 + 2·JSD, so JSD = (V + log 4) / 2")
    if np.isclose(got, v_at_optimum + np.log(4), atol=1e-9):
        return no("close: V + log 4 equals 2·JSD; divide by 2")
    if np.isclose(got, want / np.log(2), rtol=1e-6):
        return no("you used log base 2; the course uses natural logs (log 4 = 1.386)")
    return no("start from V(D*, G) = -log 4 + 2·JSD(p_data || p_g) and solve for JSD")


@check
def check_generator_gradients(saturating, non_saturating, d_fake=0.01) -> bool:
    """Lesson 01: gradients of the two G losses with respect to D's logit, at D(G(z)) = d_fake.

    Introduced in lesson 01.
    """
    want_sat, want_ns = -d_fake, d_fake - 1.0
    sat, ns = number("my_saturating_gradient", saturating), number("my_non_saturating_gradient", non_saturating)
    if np.isclose(sat, want_sat, atol=1e-4) and np.isclose(ns, want_ns, atol=1e-4):
        return yes(
            f"saturating {want_sat:.3f} vs non-saturating {want_ns:.3f}: "
            "the minimax loss gives the generator almost no signal when D rejects its samples"
        )
    if np.isclose(sat, want_ns, atol=1e-4) and np.isclose(ns, want_sat, atol=1e-4):
        return no("the two values are swapped: log(1 - D) is the saturating (minimax) one")
    if np.isclose(sat, -1 / (1 - d_fake), atol=1e-3) or np.isclose(ns, -1 / d_fake, atol=1e-2):
        return no(
            "those are derivatives with respect to D; take them with respect to the logit "
            "l, where D = sigmoid(l) and dD/dl = D(1 - D)"
        )
    if np.isclose(abs(sat), abs(want_sat), atol=1e-4) or np.isclose(abs(ns), abs(want_ns), atol=1e-4):
        return no("check the signs: the generator *minimises* its loss; d/dl log(1 - sigmoid(l)) = -sigmoid(l)")
    return no(
        "write each loss as a function of the logit l, D = sigmoid(l), and "
        "differentiate (or let tf.GradientTape do it) at l = logit(d_fake)"
    )


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(1, 1, 'exercises.check_optimal_discriminator(my_optimal_discriminator)', answer='my_optimal_discriminator')
def _exercise_1():
    """For a fixed generator, D is chosen separately at every x. At one x the value function adds
    a·log D + b·log(1 - D), with a = p_data(x) and b = p_g(x). Its derivative in D is
    a/D - b/(1 - D). It is 0 at D = a / (a + b), and the function is concave, so that is the
    maximum: D*(x) = p_data / (p_data + p_g).

    Where a = b = 0 the expression is 0 for every D, so any value is optimal. Return 1/2 there:
    it means "no idea", and it avoids 0/0, which NumPy turns into NaN. np.divide with where=
    divides only where the sum is positive and keeps the 1/2 of out= elsewhere.
    """
    import numpy as np


    def my_optimal_discriminator(p_data, p_g):
        p_data = np.asarray(p_data, dtype=np.float64)
        p_g = np.asarray(p_g, dtype=np.float64)
        total = p_data + p_g
        # D*(x) = p_data / (p_data + p_g), and 1/2 where neither density has mass
        return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)

    return locals()


@solved(1, 2, 'exercises.check_jsd_from_value(my_jsd, v)', answer='my_jsd')
def _exercise_2():
    """Section 4 showed that against the optimal discriminator the value function is
    V(D*, G) = -log 4 + 2·JSD(p_data || p_g). Solve for the JSD:

        JSD = (V + log 4) / 2 = (-1.129944 + 1.386294) / 2 = 0.256350 / 2 = 0.128175

    The course uses natural logs, so the JSD lies between 0 and log 2 = 0.693; 0.128 says the two
    densities overlap a good deal. The code computes V on the lesson's grid again, so that it runs
    on its own; in the lesson, v is already there.

    theory.js_divergence on the same grid gives 0.1280, not 0.1282. The grid ends at -6 and 8,
    and N(1, 2²) has about 0.05 % of its mass outside it; the identity assumes densities that
    integrate to 1. The exercise asks for the identity.
    """
    import numpy as np
    from scipy.stats import norm

    from gan_course import theory

    x = np.linspace(-6, 8, 4001)  # the lesson's grid and densities
    p_data = norm.pdf(x, 0.0, 1.0)
    q = norm.pdf(x, 1.0, 2.0)
    v = theory.value_function(theory.optimal_discriminator(p_data, q), p_data, q, x)  # -1.129944

    my_jsd = (v + np.log(4)) / 2  # V(D*, G) = -log 4 + 2·JSD

    return locals()


@solved(
    1,
    3,
    'exercises.check_generator_gradients(my_saturating_gradient, my_non_saturating_gradient, d_fake=0.2)',
    answer=('my_saturating_gradient', 'my_non_saturating_gradient'),
)
def _exercise_3():
    """Write both losses as functions of D's logit l, with D = sigmoid(l). The sigmoid's derivative
    is dD/dl = D(1 - D).

    * Saturating: d/dl log(1 - D) = -D(1 - D) / (1 - D) = -D = -0.2.
    * Non-saturating: d/dl (-log D) = -D(1 - D) / D = -(1 - D) = D - 1 = -0.8.

    Both are negative: a higher logit lowers both losses, so both push G the same way. The sizes
    differ: 0.2 against 0.8 here, and 0.01 against 0.99 at D(G(z)) = 0.01 (section 5). The more
    clearly D rejects the fakes, the less the saturating loss tells G. The code checks the
    numbers with tf.GradientTape, as section 5 does.
    """
    import numpy as np
    import tensorflow as tf

    d_fake = 0.2  # D(G(z)) = sigmoid(l)
    my_saturating_gradient = -d_fake  # d/dl log(1 - sigmoid(l)) = -sigmoid(l)
    my_non_saturating_gradient = d_fake - 1  # d/dl -log sigmoid(l) = sigmoid(l) - 1

    logit = tf.Variable(np.log(d_fake / (1 - d_fake)))  # the l with sigmoid(l) = 0.2
    with tf.GradientTape(persistent=True) as tape:
        saturating = tf.math.log(1 - tf.sigmoid(logit))
        non_saturating = -tf.math.log(tf.sigmoid(logit))
    print(f"tf.GradientTape: {float(tape.gradient(saturating, logit)):+.3f}, "
          f"{float(tape.gradient(non_saturating, logit)):+.3f}")

    return locals()


@solved(1, 4)
def _exercise_4(real, plt, gan_course, training, EPOCHS, BATCH_SIZE, models, np, z_fixed):
    """Two experiments with the 1-D GAN of section 6.

    Other spreads: set DATA_STD = 0.1 in the Parameters cell, run it, and run the cells of
    section 6 again (the first of them draws `real` with the new spread); then do the same with
    DATA_STD = 2.0. The table printed in section 6 is all you need.

    A generator far from the data, trained with the minimax loss: move the data up by 10 and
    record the mean of G's samples after every epoch. The code trains the same GAN twice, with
    the minimax and with the non-saturating loss, so that the two curves can be compared. Run it
    after section 6 (with DATA_STD back at 0.5).

    What to look at, and how to read it:

    Spreads. Compare the last epoch's row with the "real" row: the mean, the standard deviation,
    and the 5 % and 95 % quantiles. With DATA_STD = 0.5 section 6 found the mean right and the
    spread about 30 % too narrow. See whether the ratio of the two standard deviations changes
    with the spread of the data, and whether the quantiles show a hard edge on one side, as they
    did at 0.5. A matched mean with a narrow spread is the mild form of mode collapse.

    Far start. Read the epoch at which each curve leaves its starting value. With the minimax loss
    G's gradient is -D(G(z)) in the logit (exercise 3). A D that rejects samples near 0 with
    certainty gives D(G(z)) near 0, so lesson 01 predicts a flat start for the minimax curve and
    an immediate move for the non-saturating one. Check whether your curves show that, and how
    many epochs the flat part lasts. If the minimax run never moves within EPOCHS, say so: that is
    the saturation at its worst.
    """
    far = real + 10  # the data now sit near 13; G still starts near 0
    curves = {}
    for loss in ("minimax", "non_saturating"):
        gan_course.setup(seed=42, verbose=False)
        g, d = models.toy_generator(z_dim=1, out_dim=1), models.toy_discriminator(in_dim=1)
        curves[loss] = means = []

        def record(epoch, history, g=g, means=means):
            means.append(float(np.mean(g(z_fixed))))

        training.train(g, d, far, epochs=EPOCHS, batch_size=BATCH_SIZE, lr=1e-3, loss=loss, verbose=False,
                       callbacks=[record])
    for loss, means in curves.items():
        plt.plot(range(1, len(means) + 1), means, label=loss)
    plt.axhline(float(np.mean(far)), color="k", ls=":", label="mean of the data")
    plt.xlabel("epoch")
    plt.ylabel("mean of G's samples")
    plt.legend()
