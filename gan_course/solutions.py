"""Worked solutions to the exercises at the end of every lesson, shown by ``exercises.solution(lesson, n)``.

No lesson imports this module: a learner reaches it through ``exercises.solution``, which every
lesson's Exercises section names, after trying an exercise. Used in lessons 01, 02, 03, 04, 05, 06,
07, 08, 09 and 10 (through ``exercises.solution``). There is one ``Solution`` per numbered exercise of
the ten lessons (``tests/test_solutions.py`` parses the notebooks and fails when one is missing).

A *checked* exercise ends in a ``check_*`` call. Its solution is code that defines the names the
lesson's cell defines (``my_pack``, ``my_weight``, ...), the reasoning behind it, and the lesson's
own check call; ``exercises.solution`` runs the code and returns the answer, so that the check can
take it directly. An *open* exercise has no single answer: its solution is code to run in the
lesson and what to look at in the result. It states no number that was not measured: where the
answer is a measurement, it says what to compare with what.
"""

from __future__ import annotations

import contextlib
import io
import numbers
import re
import textwrap
from dataclasses import dataclass, field


def _block(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


@dataclass(frozen=True)
class Solution:
    """The worked solution of one exercise: ``exercises.solution`` prints it and returns its answer.

    ``text`` is the reasoning (checked) or what the exercise asks for and how to go about it (open);
    ``code`` is Python for the lesson's exercise cell (checked: it defines ``answer``, one name or a
    tuple of names) or to run after the section named in ``text`` (open); ``reading`` says what to
    look at in what that code prints or shows. ``check`` is the lesson's own check call, word for
    word; ``usage`` is code the lesson's cell runs between ``code`` and ``check`` when the answer
    needs a value measured in the lesson, and ``lesson_values`` holds that value from the committed
    run, for the tests. ``reuse``, if given, replaces the generated line that feeds the returned
    answer to the check. ``follow_up`` is more code for the lesson after a checked exercise (printed,
    never run here). Introduced in lesson 01, through ``exercises.solution``.
    """

    lesson: int
    number: int
    text: str
    code: str
    answer: str | tuple[str, ...] | None = None
    check: str | None = None
    usage: str = ""
    lesson_values: dict = field(default_factory=dict)
    reading: str = ""
    reuse: str | None = None
    follow_up: str = ""

    @property
    def checked(self) -> bool:
        """True for an exercise the lesson checks with a ``check_*`` function."""
        return self.check is not None

    @property
    def check_name(self) -> str | None:
        """The name of the ``exercises.check_*`` function the lesson calls, or None for an open exercise."""
        if self.check is None:
            return None
        return re.match(r"exercises\.(check_\w+)\(", self.check).group(1)

    def namespace(self, with_usage: bool = False) -> dict:
        """Run ``code`` (and, with ``with_usage``, ``usage`` with ``lesson_values``) silently; return its names."""
        names: dict = {"__name__": f"solution_{self.lesson:02d}_{self.number}", **self.lesson_values}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(self.code, f"<solution {self.lesson:02d}.{self.number}>", "exec"), names)
            if with_usage and self.usage:
                exec(compile(self.usage, f"<usage {self.lesson:02d}.{self.number}>", "exec"), names)
        return names

    def value(self):
        """The answer the code defines (a function, a number, or a tuple of them); None for an open exercise."""
        if not self.checked:
            return None
        names = self.namespace()
        if isinstance(self.answer, tuple):
            return tuple(names[name] for name in self.answer)
        return names[self.answer]

    def reuse_line(self) -> str | None:
        """The lesson's check call with ``exercises.solution(lesson, n)`` in place of the answer."""
        if not self.checked:
            return None
        if self.reuse is not None:
            return self.reuse
        call = f"exercises.solution({self.lesson}, {self.number})"
        if isinstance(self.answer, tuple):
            pattern = r"\(\s*" + r"\s*,\s*".join(re.escape(name) for name in self.answer) + r"\b"
            call = "*" + call
        else:
            pattern = r"\(\s*" + re.escape(self.answer) + r"\b"
        line, count = re.subn(pattern, "(" + call, self.check.rstrip(";"), count=1)
        return line if count else None

    def render(self) -> str:
        """The solution as printed: heading, reasoning, code, and how to use it or read it."""
        indent = lambda text: textwrap.indent(text, "    ")
        if self.checked:
            head = f"Lesson {self.lesson:02d}, exercise {self.number} (checked by exercises.{self.check_name})"
        else:
            head = f"Lesson {self.lesson:02d}, exercise {self.number} (open: there is no check and no single answer)"
        parts = [head, "", self.text, "", indent(self.code)]
        if self.checked:
            lines = (self.usage + "\n" if self.usage else "") + self.check.rstrip(";")
            answer = ", ".join(self.answer) if isinstance(self.answer, tuple) else self.answer
            names = self.answer if isinstance(self.answer, tuple) else (self.answer,)
            functions = any(re.search(rf"^def {re.escape(name)}\(", self.code, re.M) for name in names)
            what = "the function" if functions else "the answer"
            parts += ["", "In the lesson's cell, after this code:", indent(lines), ""]
            parts += [f"exercises.solution({self.lesson}, {self.number}) returns {what} ({answer}); this passes too:"]
            parts += [indent(self.reuse_line())]
            if self.follow_up:
                parts += ["", "Then, in a new cell:", "", indent(self.follow_up)]
            if self.reading:
                parts += ["", self.reading]
        else:
            parts += ["", "What to look at, and how to read it:", "", self.reading]
        return "\n".join(parts)


def _solution(lesson, number, text, code, reading="", follow_up="", **kwargs) -> Solution:
    return Solution(
        lesson, number, _block(text), _block(code), reading=_block(reading), follow_up=_block(follow_up), **kwargs
    )


_ALL = [
    # ------------------------------------------------------------------ lesson 01
    _solution(
        1,
        1,
        """
        For a fixed generator, D is chosen separately at every x. At one x the value function adds
        a·log D + b·log(1 - D), with a = p_data(x) and b = p_g(x). Its derivative in D is
        a/D - b/(1 - D). It is 0 at D = a / (a + b), and the function is concave, so that is the
        maximum: D*(x) = p_data / (p_data + p_g).

        Where a = b = 0 the expression is 0 for every D, so any value is optimal. Return 1/2 there:
        it means "no idea", and it avoids 0/0, which NumPy turns into NaN. np.divide with where=
        divides only where the sum is positive and keeps the 1/2 of out= elsewhere.
        """,
        """
        import numpy as np


        def my_optimal_discriminator(p_data, p_g):
            p_data = np.asarray(p_data, dtype=np.float64)
            p_g = np.asarray(p_g, dtype=np.float64)
            total = p_data + p_g
            # D*(x) = p_data / (p_data + p_g), and 1/2 where neither density has mass
            return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)
        """,
        answer="my_optimal_discriminator",
        check="exercises.check_optimal_discriminator(my_optimal_discriminator);",
    ),
    _solution(
        1,
        2,
        """
        Section 4 showed that against the optimal discriminator the value function is
        V(D*, G) = -log 4 + 2·JSD(p_data || p_g). Solve for the JSD:

            JSD = (V + log 4) / 2 = (-1.129944 + 1.386294) / 2 = 0.256350 / 2 = 0.128175

        The course uses natural logs, so the JSD lies between 0 and log 2 = 0.693; 0.128 says the two
        densities overlap a good deal. The code computes V on the lesson's grid again, so that it runs
        on its own; in the lesson, v is already there.

        theory.js_divergence on the same grid gives 0.1280, not 0.1282. The grid ends at -6 and 8,
        and N(1, 2²) has about 0.05 % of its mass outside it; the identity assumes densities that
        integrate to 1. The exercise asks for the identity.
        """,
        """
        import numpy as np
        from scipy.stats import norm

        from gan_course import theory

        x = np.linspace(-6, 8, 4001)  # the lesson's grid and densities
        p_data = norm.pdf(x, 0.0, 1.0)
        q = norm.pdf(x, 1.0, 2.0)
        v = theory.value_function(theory.optimal_discriminator(p_data, q), p_data, q, x)  # -1.129944

        my_jsd = (v + np.log(4)) / 2  # V(D*, G) = -log 4 + 2·JSD
        """,
        answer="my_jsd",
        check="exercises.check_jsd_from_value(my_jsd, v);",
    ),
    _solution(
        1,
        3,
        """
        Write both losses as functions of D's logit l, with D = sigmoid(l). The sigmoid's derivative
        is dD/dl = D(1 - D).

        * Saturating: d/dl log(1 - D) = -D(1 - D) / (1 - D) = -D = -0.2.
        * Non-saturating: d/dl (-log D) = -D(1 - D) / D = -(1 - D) = D - 1 = -0.8.

        Both are negative: a higher logit lowers both losses, so both push G the same way. The sizes
        differ: 0.2 against 0.8 here, and 0.01 against 0.99 at D(G(z)) = 0.01 (section 5). The more
        clearly D rejects the fakes, the less the saturating loss tells G. The code checks the
        numbers with tf.GradientTape, as section 5 does.
        """,
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
        """,
        answer=("my_saturating_gradient", "my_non_saturating_gradient"),
        check=("exercises.check_generator_gradients(my_saturating_gradient, my_non_saturating_gradient, d_fake=0.2);"),
    ),
    _solution(
        1,
        4,
        """
        Two experiments with the 1-D GAN of section 6.

        Other spreads: set DATA_STD = 0.1 in the Parameters cell, run it, and run the cells of
        section 6 again (the first of them draws `real` with the new spread); then do the same with
        DATA_STD = 2.0. The table printed in section 6 is all you need.

        A generator far from the data, trained with the minimax loss: move the data up by 10 and
        record the mean of G's samples after every epoch. The code trains the same GAN twice, with
        the minimax and with the non-saturating loss, so that the two curves can be compared. Run it
        after section 6 (with DATA_STD back at 0.5).
        """,
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
        plt.legend();
        """,
        reading="""
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
        """,
    ),
    # ------------------------------------------------------------------ lesson 02
    _solution(
        2,
        1,
        """
        The generator ends in tanh, whose outputs lie in (-1, 1), so the real images must be in the
        same range. A straight line a·x + b with 0 -> -1 and 255 -> 1 has b = -1 and 255·a = 2, so
        a = 1/127.5: x / 127.5 - 1.

        Convert to float32 first. Arithmetic on uint8 stays in uint8 and wraps around, and float64
        would only be cast back to float32 by the first TensorFlow layer. Note that 127 maps to
        -0.0039 and 128 to +0.0039: the middle of the range falls between two pixel values.
        """,
        """
        import numpy as np


        def my_scale(pixels):
            return np.asarray(pixels).astype(np.float32) / 127.5 - 1.0
        """,
        answer="my_scale",
        check="exercises.check_scaling(my_scale);",
    ),
    _solution(
        2,
        2,
        """
        D should say 1 for real images and 0 for generated ones. Binary cross-entropy with label y on
        a logit l is -y·log sigmoid(l) - (1 - y)·log(1 - sigmoid(l)).
        tf.nn.sigmoid_cross_entropy_with_logits computes it from the logit directly, which stays
        finite where sigmoid(l) would round to 0 or 1.

        Label 1 for the real logits, label 0 for the fake ones. Average over each batch, then add the
        two averages, as gan_course.losses.discriminator_loss does. With D = 1/2 everywhere this gives
        log 2 + log 2 = log 4 = 1.386, the reference value of lessons 01 and 02. Do not apply a
        sigmoid first: the inputs are logits already.
        """,
        """
        import tensorflow as tf


        def my_discriminator_loss(real_logits, fake_logits):
            real_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
            fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
            return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)
        """,
        answer="my_discriminator_loss",
        check="exercises.check_discriminator_loss(my_discriminator_loss);",
    ),
    _solution(
        2,
        3,
        """
        A Dense layer from a inputs to b outputs has a·b weights and b biases. The generator is
        Dense(256) -> LeakyReLU -> Dense(784, tanh) -> Reshape; LeakyReLU and Reshape have no
        parameters.

        * Dense(256) on z of 64 numbers: 64·256 + 256 = 16,384 + 256 = 16,640.
        * Dense(784) on 256 numbers: 256·784 + 784 = 200,704 + 784 = 201,488.

        Total: 16,640 + 201,488 = 218,128. The layers connect in sequence, so z meets only the first
        one. models.mlp_generator(64, hidden=256).count_params() gives the same number.
        """,
        """
        z_dim, hidden, pixels = 64, 256, 28 * 28
        my_count = (z_dim * hidden + hidden) + (hidden * pixels + pixels)  # 16,640 + 201,488 = 218,128
        """,
        answer="my_count",
        check="exercises.check_parameter_count(my_count, z_dim=64, hidden=256);",
    ),
    _solution(
        2,
        4,
        """
        Keep the first run before training the second, then rebuild the networks and train again.

        1. After section 4, keep the seed's run (the first cell below).
        2. In section 2, build the wider generator: generator = models.mlp_generator(Z_DIM, hidden=256).
           Or set DATASET = "mnist" in the Parameters cell and start again from section 1.
        3. Run sections 2, 3 and 4 again: the optimizers are built for the new variables, and
           train_step must be traced again for the new networks.
        4. Compare (the second cell below).
        """,
        """
        # 1. after section 4, before retraining
        seed_history = {key: list(values) for key, values in history.items()}
        seed_samples = generator(z_fixed, training=False).numpy()

        # 4. after sections 2 to 4 have run again
        print(f"generator: {generator.count_params():,} parameters (the seed's: 114,064)")
        viz.plot_losses(seed_history, smooth=50, title="the seed's generator, hidden 128")
        viz.plot_losses(history, smooth=50, title="the new run")
        viz.show_grids({"the seed's generator": seed_samples, "the new run": generator(z_fixed, training=False)},
                       ncols=9, size=5);
        """,
        reading="""
        Loss curves. Section 3 read the seed's curves as D ahead to the end: D(x) near 0.7 and D(G(z))
        near 0.3. Look at the same two lines in the right-hand panel. If the wider generator is a
        better match for D, the two move closer together and D's loss moves up towards log 4. If they
        look the same, the generator's width was not what limited the game.

        Samples. The grids use the same z, so compare them cell by cell: sharper outlines, less
        speckle, more classes you can name? The losses cannot answer this (lesson 01); only the
        samples, or a measure such as FID (lesson 05), can.

        With MNIST, the levels of the curves depend on the data too, so compare their shapes with the
        Fashion-MNIST run, not their values. The printed times per epoch show what the change cost.
        """,
    ),
    # ------------------------------------------------------------------ lesson 03
    _solution(
        3,
        1,
        """
        With padding="same", a transposed convolution of stride s multiplies the height by s,
        whatever the kernel: 9 × 3 = 27. The kernel size matters only with padding="valid", where the
        output is (n - 1)·s + k = 8·3 + 4 = 28. The code asks Keras to confirm it on a 9×9 input.
        """,
        """
        import keras
        import numpy as np

        my_size = 9 * 3  # padding="same": input size × stride
        out = keras.layers.Conv2DTranspose(16, 4, strides=3, padding="same")(np.zeros((1, 9, 9, 8), "float32"))
        print(out.shape)  # (1, 27, 27, 16)
        """,
        answer="my_size",
        check="exercises.check_transposed_output_size(my_size, size=9, kernel=4, stride=3);",
    ),
    _solution(
        3,
        2,
        """
        Count the output values, then the work for each.

        * Output positions: with padding="same" and stride 2, a 16×16 input gives ceil(16 / 2) = 8,
          so 8 × 8 = 64 positions.
        * Each of the 48 output channels at each position is a sum over a 3×3 window of all 32 input
          channels: 3·3·32 = 288 multiply-adds.

        Total: 64 · 48 · 288 = 884,736. Biases and the activation add one operation per output value,
        which the course's count (models.layer_macs) leaves out. models.forward_macs on a model with
        this one layer gives the same number.
        """,
        """
        size, c_in, c_out, kernel, stride = 16, 32, 48, 3, 2
        out = -(-size // stride)  # 8: padding="same" rounds up
        my_macs = out * out * kernel * kernel * c_in * c_out  # 64 · 3·3 · 32 · 48 = 884,736
        """,
        answer="my_macs",
        check="exercises.check_conv_macs(my_macs, size=16, c_in=32, c_out=48, kernel=3, stride=2);",
    ),
    _solution(
        3,
        3,
        """
        Slerp follows the arc between z0 and z1. Let Ω be the angle between them:
        cos Ω = z0·z1 / (|z0| |z1|). The point at fraction t is

            (sin((1 - t)Ω) · z0 + sin(tΩ) · z1) / sin Ω

        At t = 0 it is z0, at t = 1 it is z1, and for two vectors of equal length every point in
        between has that length too, where the straight line cuts inside the sphere.

        Two details. Clip the cosine to [-1, 1]: rounding can push it just outside, and arccos would
        return NaN. When sin Ω is near 0 (z0 and z1 parallel) the arc is not defined: fall back to the
        straight line. latent.slerp does the same.
        """,
        """
        import numpy as np


        def my_slerp(z0, z1, t):
            z0, z1 = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
            cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
            omega = np.arccos(np.clip(cos, -1.0, 1.0))
            if np.sin(omega) < 1e-6:  # parallel: no arc to follow
                return (1 - t) * z0 + t * z1
            return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
        """,
        answer="my_slerp",
        check="exercises.check_slerp(my_slerp);",
    ),
    _solution(
        3,
        4,
        """
        Give the seed DCGAN the time the lean one took. Section 3 measured both models' images per
        second (`speed`), so the lean run's EPOCHS epochs cost as much time as
        EPOCHS × speed["seed"] / speed["lean"] epochs of the seed model. With the committed numbers
        (338 and 2624 images/s) that is about 2.6 epochs. Train that many steps, time them, and show
        both models' samples from the same noise. Run it after section 6; it takes about as long as
        sections 4 and 5 together.
        """,
        """
        import time

        steps_per_epoch = len(x_train) // BATCH_SIZE
        seed_steps = round(EPOCHS * steps_per_epoch * speed["seed"] / speed["lean"])
        gan_course.setup(seed=SEED, verbose=False)
        seed_gan = build_gan(models.dcgan_seed_generator(Z_DIM), models.dcgan_seed_discriminator(),
                             loss="non_saturating", seed=SEED)
        start = time.perf_counter()
        seed_gan.fit(dataset.repeat(), steps_per_epoch=seed_steps, epochs=1, verbose=2)
        print(f"seed DCGAN: {seed_steps} steps ({seed_steps / steps_per_epoch:.1f} epochs) "
              f"in {(time.perf_counter() - start) / 60:.1f} min")
        viz.show_grids({f"lean DCGAN, {EPOCHS} epochs": gan.generator(z_fixed, training=False),
                        f"seed DCGAN, {seed_steps} steps": seed_gan.generator(z_fixed, training=False)},
                       ncols=6, size=4);
        """,
        reading="""
        First check the printed time against the lean run's (the epoch times of sections 4 and 5
        add up to it). Section 3's speeds come from 30 timed steps on a machine whose speed wanders,
        so the budget can be off; if it is far off, scale seed_steps and run again.

        Then compare the grids cell by cell: the same z gives the same garment in both if both have
        learned it. Look at outlines, textures and variety. The seed model does more per step and
        makes far fewer steps; which matters more here is what the grids show. Your eye is one judge;
        the benchmark of section 6 (benchmarks/dcgan_time_to_quality.py) asks the same question with
        FID, lesson 05's number, and the lesson quotes what an earlier version of it measured.
        """,
    ),
    # ------------------------------------------------------------------ lesson 04
    _solution(
        4,
        1,
        """
        Compute all distances at once. samples[:, None, :] - centers[None, :, :] has shape (n, k, 2);
        its norm over the last axis is the (n, k) matrix of distances. For each sample take the
        nearest centre and the distance to it.

        A sample is of high quality if that distance is below 3·std. A mode is covered if it is the
        nearest centre of at least one high-quality sample. Filter before counting: a sample far from
        every centre still has a nearest centre, and must not cover it. The share of high-quality
        samples is their number over all samples, a fraction between 0 and 1.
        """,
        """
        import numpy as np


        def my_coverage(samples, centers, std):
            distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)  # (n, k)
            nearest = distances.argmin(axis=1)
            good = distances.min(axis=1) < 3 * std  # high quality: within 3σ of the nearest centre
            modes_covered = len(np.unique(nearest[good]))
            return modes_covered, float(good.mean())
        """,
        answer="my_coverage",
        check="exercises.check_high_quality_share(my_coverage);",
    ),
    _solution(
        4,
        2,
        """
        NumPy stores an (n, d) array row by row: sample 0's d numbers, then sample 1's, and so on.
        Read the same numbers m·d at a time and each row holds m consecutive samples, every sample's
        coordinates still together: that is reshape(n // m, m * d). No number changes place in
        memory. If n is not a multiple of m, the last n % m samples cannot fill a pack; drop them.
        """,
        """
        import numpy as np


        def my_pack(x, m):
            x = np.asarray(x)
            n, d = x.shape
            return x[: n - n % m].reshape(n // m, m * d)
        """,
        answer="my_pack",
        check="exercises.check_pack(my_pack);",
    ),
    _solution(
        4,
        3,
        """
        KL(p || u) = Σ_i p_i·log(p_i / u_i), with u_i = 1/25 for each of the 25 modes, and 0·log 0
        counted as 0.

        * One mode: p = 1 there, 0 elsewhere. KL = 1·log(1 / (1/25)) = log 25 = 3.219.
        * Two modes, half and half: KL = 2 · ½·log(½ / (1/25)) = log 12.5 = 2.526.

        In general, m equally filled modes give log(k / m): 0 when all 25 are used, and only
        log 2 = 0.69 less for two modes than for one. Natural logs, as in metrics.mode_coverage.
        """,
        """
        import numpy as np

        k = 25
        one_mode = np.log(k)  # 1 · log(1 / (1/k)) = 3.219
        two_modes = np.log(k / 2)  # 2 · ½ log(½ / (1/k)) = 2.526
        """,
        answer=("one_mode", "two_modes"),
        check="exercises.check_collapse_kl(one_mode, two_modes, k=25);",
    ),
    _solution(
        4,
        4,
        """
        Three runs, after section 4. Together they take longer than section 4's table: the first
        costs about as much as the table, and the LONG runs cost more per run than its rows.

        1. Equal time. The table's rows hold each method's seconds per run. Give every method
           STEPS × (vanilla's seconds / its seconds) steps, on each data set, and run the table again.
        2. WGAN-GP as in its paper with the LONG budget (twice the steps, batch 512). With five critic
           steps per generator step it took well under a minute a run in section 4; this budget costs more.
        3. Plain vanilla with β₁ = 0.5 and the LONG budget, beside section 4's minibatch std-dev run
           on the same budget (long_rows).
        """,
        """
        seconds = {(r["method"], r["setting"]): r["seconds"] for r in summary}
        equal_time = []
        for setting, mixture in (("ring", ring), ("grid", grid)):
            budget = seconds[("vanilla", setting)]
            methods = {name: {**spec, "steps": max(1, round(STEPS * budget / seconds[(name, setting)]))}
                       for name, spec in METHODS.items()}
            print(setting, {name: spec["steps"] for name, spec in methods.items()})
            equal_time += experiments.run(collapse.toy_trial, methods, {setting: mixture}, seeds=TABLE_SEEDS, **LAB)
        display(Markdown(experiments.format_table(experiments.summarize(equal_time), COLUMNS)))

        wgan_long = experiments.run(collapse.toy_trial, {"WGAN-GP, as in its paper, LONG": WGAN_GP_PAPER},
                                    {"ring": ring, "grid": grid}, seeds=TABLE_SEEDS, **LONG)
        vanilla_long = experiments.run(collapse.toy_trial,
                                       {"vanilla, β₁ = 0.5, batch 512": {"remedy": "vanilla", "beta_1": 0.5}},
                                       {"ring": ring, "grid": grid}, seeds=TABLE_SEEDS, **LONG)
        long_table = experiments.summarize(long_rows + wgan_long + vanilla_long)
        display(Markdown(experiments.format_table(long_table, COLUMNS)))
        """,
        reading="""
        Equal time. Put the new table beside section 4's. A method that is cheap per step (PacGAN took
        about 6 s a run, vanilla about 9) gains steps; a dear one (WGAN-GP, 11–14 s) loses some.
        A ranking changes only where two rows swap by more than their ± (the spread over seeds).

        WGAN-GP with LONG. "Precision" here is the high-quality share (HQ %). Compare it with the
        lab's goals, 90 % on the ring and 80 % on the grid, and with its own 8000-step run of
        section 4. Look at the panels too: is the diffuse cloud turning into separate peaks?

        Remedy or budget. The two LONG runs differ only in the remedy; vanilla with β₁ = 0.5 at
        8000 steps and batch 256 (section 4's table) and at LONG differ only in the budget. Read the
        goal's two numbers (modes and HQ %) along both differences: the larger change is the larger
        share of what the longer run gained. With three seeds a difference smaller than the ± says
        nothing.
        """,
    ),
    _solution(
        4,
        5,
        """
        A class histogram only counts which class each sample is nearest to. A generator that draws
        one image per class, the same ten images for every z, uses all ten classes evenly (KL to
        uniform near 0), yet it is collapsed: within each class every sample is the same. Lesson 05's
        recall catches it: the real images of a class spread far beyond one point, so few of them fall
        inside the balls around the generated samples. So does any measure of variety within a class,
        such as lesson 07's intra-class diversity, or the pixel spread in the cell below.

        For the second part, run section 5's trial again with the milder setting beside the one the
        lesson uses: D ten times slower than G instead of two hundred times. Run it after section 5.
        """,
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
        """,
        reading="""
        Compare the milder second epoch with the collapsed one and with section 5's healthy run: the
        classes used, the largest class's share, the pixel spread and the grids. The pixel spread is
        the standard deviation of each pixel over the samples, averaged over the pixels: near 0 when
        every sample is the same image, about the real images' value for a generator as varied as the
        data. Collapse shows in all of them at once: few classes, one tall bar, a small spread, one
        image repeated in the grid. One seed only: repeat with another SEED before you conclude.
        """,
    ),
    # ------------------------------------------------------------------ lesson 05
    _solution(
        5,
        1,
        """
        FID's formula is |μ1 - μ2|² + Tr(Σ1) + Tr(Σ2) - 2·Tr((Σ1 Σ2)^½). In one dimension each Σ is a
        1×1 matrix, the variance s². The trace of a number is the number, and (s1²·s2²)^½ = s1·s2 for
        standard deviations, which are never negative. So

            FD = (μ1 - μ2)² + s1² + s2² - 2·s1·s2 = (μ1 - μ2)² + (s1 - s2)²

        It is 0 only for equal means and equal spreads. N(0, 1) against N(1, 2²) gives 1 + 1 = 2.
        Do not take a square root at the end: FID is the squared distance.
        """,
        """
        def my_frechet_1d(mu1, sigma1, mu2, sigma2):
            return (mu1 - mu2) ** 2 + (sigma1 - sigma2) ** 2
        """,
        answer="my_frechet_1d",
        check="exercises.check_frechet_1d(my_frechet_1d);",
    ),
    _solution(
        5,
        2,
        """
        Two measurements give two equations in FID∞ and k:

            30 = FID∞ + k / 1000
            24 = FID∞ + k / 4000

        Subtract: 6 = k·(1/1000 - 1/4000) = k·3/4000, so k = 8000. Then FID∞ = 30 - 8000/1000 = 22.
        At 2000 samples: FID = 22 + 8000/2000 = 26.

        2000 lies a third of the way from 1000 to 4000, and a straight line in N would give 28. The
        bias falls like 1/N, fast at first, so the answer is nearer the 4000-sample value.
        """,
        """
        n1, fid1, n2, fid2, n = 1000, 30.0, 4000, 24.0, 2000
        k = (fid1 - fid2) / (1 / n1 - 1 / n2)  # 6 / (3/4000) = 8000
        fid_infinity = fid1 - k / n1  # 30 - 8 = 22
        my_fid = fid_infinity + k / n  # 22 + 4 = 26
        """,
        answer="my_fid",
        check="exercises.check_fid_at_n(my_fid, 1000, 30.0, 4000, 24.0, 2000);",
    ),
    _solution(
        5,
        3,
        """
        Recall. Precision asks whether each *generated* image lies where real images are: a perfect
        sneaker does, so precision is high. Recall asks whether each *real* image has a generated
        image near it: the real shirts, bags and trousers have none, so only about one real image in
        ten, the sneakers, is covered. High precision with recall near 1/10 is the signature of a
        generator that draws one class well; section 6's "sneakers only" row shows it.
        """,
        """
        my_answer = "recall"
        """,
        answer="my_answer",
        check="exercises.check_low_metric(my_answer);",
    ),
    _solution(
        5,
        4,
        """
        Rebuild lesson 03's model exactly as it was saved (the lean DCGAN with Z_DIM = 100), load the
        newest checkpoint from lesson 03's folder, and score it the way section 4 scored its own
        DCGAN: N_EVAL images from the noise of FIDTracker(seed=1), against ref_features. Then score a
        second draw of noise for each model, to see how much FID moves with the noise alone. Run it
        after section 4; lesson 03 must have run first, in the same notebooks folder.
        """,
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
        """,
        reading="""
        Both FIDs use the same reference, the same features and the same N, so they can be compared
        directly; change any of the three and they cannot (section 5). The first line's second number
        repeats the last point of section 4's FID curve.

        "Better" needs a margin: the difference between the two models should be clearly larger than
        the change between the two noise draws of the same model. Lesson 03 trained 20 epochs with the
        same settings, section 4 here 8 (in smoke mode both are shorter; the printed epoch says
        which checkpoint you loaded). If the longer run is not clearly better, look at section 4's FID
        curve: has it flattened by epoch 8? That is exercise 5's question.
        """,
    ),
    _solution(
        5,
        5,
        """
        Train the lean DCGAN of section 4 for longer, scoring FID every second epoch with the same
        reference and noise as section 4. An epoch takes about as long as one of section 4's DCGAN
        epochs (their times are printed there), so 20 epochs take two and a half times its 8, plus
        ten FIDs.
        """,
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
        """,
        reading="""
        Read the FID curve first. It falls fast at the start and then flattens. Call it "stopped
        improving" from the epoch after which the changes are no larger than the ups and downs
        between neighbouring points: the noise is fixed, so those wobbles are the generator moving,
        not a new sample. Say whether it stops or keeps creeping down to the end.

        Then look at the losses over the same epochs. Section 4 found the DCGAN's losses ending about
        where they started while FID fell from 240 to 86. Look for any bend in the loss curves where
        FID flattens. If there is none, the losses do not tell you, and FID is what to track
        (Keras' EarlyStopping(monitor="fid", mode="min", restore_best_weights=True) can then keep the
        best epoch, with every=1).
        """,
    ),
    # ------------------------------------------------------------------ lesson 06
    _solution(
        6,
        1,
        """
        Take one x and write a = p_data(x), b = p_g(x). D minimises L(D) = a·relu(1 - D) + b·relu(1 + D).

        * For D in [-1, 1] both relus are active: L = a(1 - D) + b(1 + D) = a + b + D·(b - a). That is
          a straight line in D, so its minimum on [-1, 1] is at an end: D = +1 if a > b, D = -1 if
          a < b. If a = b every D in [-1, 1] is as good.
        * Outside [-1, 1] L only grows: above 1 the first term is 0 and the second grows with D;
          below -1 the second is 0 and the first grows as D falls.

        So D*(x) = sign(p_data - p_g), with 0 (one of the optimal values) where the two are equal.
        Unlike the BCE optimum p_data / (p_data + p_g), the hinge D says which density is larger, not
        by how much.
        """,
        """
        import numpy as np


        def my_hinge_optimum(p_data, p_g):
            return np.sign(np.asarray(p_data, dtype=np.float64) - np.asarray(p_g, dtype=np.float64))
        """,
        answer="my_hinge_optimum",
        check="exercises.check_hinge_optimum(my_hinge_optimum);",
    ),
    _solution(
        6,
        2,
        """
        Each update keeps `decay` of the old average and mixes in 1 - decay of the current weights:
        θ̄ <- d·θ̄ + (1 - d)·θ. Whatever the start contributes is multiplied by d at every update, so
        after k updates its share is d^k:

            0.999^1000 = exp(1000 · ln 0.999) = exp(-1.0005) ≈ 0.368

        After 1000 steps more than a third of the average is still the untrained generator. As a rule
        of thumb d^k ≈ exp(-k·(1 - d)), so the start fades only after several times 1/(1 - d) = 1000
        steps. This is why the course's moving average warms up with a smaller decay at first
        (lesson 06, section 5).
        """,
        """
        decay, steps = 0.999, 1000
        my_weight = decay**steps  # exp(1000 · ln 0.999) = exp(-1.0005) ≈ 0.368
        """,
        answer="my_weight",
        check="exercises.check_ema_weight(my_weight, decay=0.999, steps=1000);",
    ),
    _solution(
        6,
        3,
        """
        The exercise's way: add the two entries to IMAGE_RECIPES in section 5's cell and run it again
        (about 10 minutes with the two extra recipes). A cheaper way, as fair: race only the baseline
        and the two new recipes, with the same budget and turns, and compare within that race. The
        second cell does that; run it after section 5. Note that "+ TTUR" here also halves G's rate
        against the baseline's 2e-4, and doubles D's.
        """,
        """
        EXTRA_RECIPES = {
            "non-saturating (lesson 03)": {},  # the baseline again, in the same race
            "+ clipnorm 1.0": {"clipnorm": 1.0},
            "+ TTUR": {"g_lr": 1e-4, "d_lr": 4e-4},
        }
        extra_rows = stability.compare_on_images(EXTRA_RECIPES, images, classifier, real_features, seeds=IMAGE_SEEDS,
                                                 seconds=IMAGE_SECONDS, slice_seconds=SLICE_SECONDS, n_eval=N_EVAL)
        display(Markdown(experiments.format_table(experiments.summarize(extra_rows), IMAGE_COLUMNS)))
        """,
        reading="""
        Each row's ± is the spread between the seeds (two in the full run). A change of FID counts only
        if the gap between two rows is larger than both rows' ±, and with two seeds even that is weak
        evidence: run more seeds before you believe a small gap.

        Read the steps column as well. Clipping and two learning rates cost almost nothing per step,
        so both rows should get about the baseline's steps; then a change in FID is the setting's,
        not the budget's. Section 5 found most differences smaller than the spread after 25 seconds,
        and a short race ranks how fast a method starts, not where it ends.
        """,
    ),
    _solution(
        6,
        4,
        """
        Train the hinge loss on the grid again with its two changes, on the same seeds and steps as
        section 2, and put the three side by side. Run it after section 2.
        """,
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
            viz.plot_toy_points(r["points"], grid.centers, f"{method}\\n{r['modes']}/25, {r['hq']:.0%} HQ", ax=ax)
        plt.show()
        """,
        reading="""
        HQ % is the high-quality share. Section 2's hinge runs averaged 29 % with a spread of 18 points
        between two seeds, so a single run can land far from 29 % by chance: a change means something
        only if both seeds move the same way, and by more than that spread. The first row repeats
        section 2's setting in this session, which shows how well the runs repeat.

        Look at the panels as well: are the points still on the lines between the modes, or pulled
        onto them? Five D steps give D time to sharpen around each mode before G moves. A lower
        learning rate makes every step smaller, so with the same number of steps a slower learner can
        look worse for reasons of budget only; if it is still improving at the end, it needs more steps,
        not a verdict.
        """,
    ),
    # ------------------------------------------------------------------ lesson 07
    _solution(
        7,
        1,
        """
        embedding[y] picks row y[i] of the table for image i: shape (N, d), lined up with phi.
        Multiplying the two element by element and summing over the d features gives one dot product
        per image, e_y·phi(x). phi @ embedding.T would give every class's score for every image,
        shape (N, n_classes), when only one entry per row is wanted.

        phi @ w + b is the unconditional head: does x look real at all? The projection term asks
        whether it looks like class y. Their sum is D(x, y), and conditional_lean_discriminator(
        mode="projection") computes exactly this.
        """,
        """
        import numpy as np


        def my_projection_logit(phi, w, b, embedding, y):
            phi = np.asarray(phi, dtype=np.float64)
            unconditional = phi @ np.asarray(w) + b  # (N,): w·phi(x) + b
            projection = np.sum(np.asarray(embedding)[y] * phi, axis=1)  # (N,): e_y·phi(x), row y[i] for image i
            return unconditional + projection
        """,
        answer="my_projection_logit",
        check="exercises.check_projection_logit(my_projection_logit);",
    ),
    _solution(
        7,
        2,
        """
        The first layer is Dense(7·7·128 = 6272, use_bias=False). Whatever form the label takes, it
        enters as extra inputs to that layer, and each input has one weight per output unit.

        (a) One-hot: 10 inputs, 10·6272 = 62,720 weights, and no table.
        (b) Embedding(10, 50): a table of 10·50 = 500 numbers, then 50 inputs with
            50·6272 = 313,600 weights; 314,100 in all, 5.0 times as many.

        There is no bias to count: the layer has none (BatchNorm follows), and a bias would not grow
        with the label anyway. A label takes only 10 values, so all any design can add to the first
        layer is 10 vectors of 6272 numbers, which one-hot gives directly; the embedding's 50-wide
        step in between can express nothing more. Check: conditional_lean_generator(width=128,
        embed_dim=50).count_params() minus models.dcgan_lean_generator(width=128).count_params() is
        314,100.
        """,
        """
        n_classes, embed_dim, units = 10, 50, 7 * 7 * 128
        my_one_hot = n_classes * units  # 62,720
        my_embedding = n_classes * embed_dim + embed_dim * units  # 500 + 313,600 = 314,100
        """,
        answer=("my_one_hot", "my_embedding"),
        check=(
            "exercises.check_label_parameters(my_one_hot, my_embedding, n_classes=10, embed_dim=50, units=7 * 7 * 128);"
        ),
    ),
    _solution(
        7,
        3,
        """
        If the image does not depend on the request, the two are independent:

            P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/10)·Σ_k P(drawn k) = 1/10

        because every class is requested with probability 1/10, and the P(drawn k) add up to 1.

        (a) All ten classes equally often: 0.1.
        (b) Only sneakers: it is right exactly when a sneaker was asked for, 1 time in 10: 0.1 again.

        The classifier's mistakes do not change this: whatever it calls an image, that call does not
        depend on the request either. FID cannot see this failure, because it compares images and
        never looks at the labels.
        """,
        """
        n_classes = 10
        my_all_classes = 1 / n_classes  # Σ_k (1/10)·(1/10) over ten classes
        my_only_sneakers = 1 / n_classes  # right only when a sneaker was requested
        """,
        answer=("my_all_classes", "my_only_sneakers"),
        check="exercises.check_ignored_label_fidelity(my_all_classes, my_only_sneakers, n_classes=10);",
    ),
    _solution(
        7,
        4,
        """
        Score the projection model's images against shuffled requests, as if each image had been drawn
        for a random other label, and compute their FID. Run it after section 8.
        """,
        """
        key = "projection, seed 0"
        shuffled = np.random.default_rng(0).permutation(EVAL_LABELS)
        as_if_ignored = conditional.class_fidelity(classifier, fakes[key], shuffled, N_CLASSES, CLASS_NAMES)
        print(f"class fidelity against the labels asked for: {fidelity[key].overall:.1%}")
        print(f"class fidelity against shuffled labels:      {as_if_ignored.overall:.1%}")
        print(f"FID of these images: {metrics.fid_from_features(real_features, fake_features[key]):.1f}")
        """,
        reading="""
        Against shuffled labels the fidelity should fall to about 1/10, exercise 3's answer: the image
        no longer depends on the label it is scored against. It will not be exactly 10 %: one shuffle
        is one random draw, and the images' classes are not spread exactly evenly.

        FID is one number for both cases, because it is computed from the images alone and the images
        did not change. A generator that ignores its labels can therefore have as good an FID as this
        one. Only a score that looks at the label, such as class fidelity, catches it.
        """,
    ),
    _solution(
        7,
        5,
        """
        Re-mix the unconditional model's images so that every class has its share among the real test
        images, as large a subset as the classes allow, and compare its FID with that of a random
        subset of the same size. The same size matters: FID depends on the number of images
        (lesson 05), so also score a random subset of that size of the projection model's images. Run
        it after section 8.
        """,
        """
        key = "unconditional, seed 0"
        verdicts = classifier.logits(fakes[key]).argmax(1)
        target = counts["real test images"] / counts["real test images"].sum()  # the real class mix
        available = np.bincount(verdicts, minlength=N_CLASSES)
        size = int(np.floor(np.min(available / target)))  # the largest subset the scarcest class allows
        per_class = np.floor(target * size).astype(int)
        rng = np.random.default_rng(0)
        remix = np.concatenate([rng.choice(np.flatnonzero(verdicts == k), per_class[k], replace=False)
                                for k in range(N_CLASSES)])
        random_subset = rng.choice(len(verdicts), len(remix), replace=False)
        projection_subset = rng.choice(len(verdicts), len(remix), replace=False)
        subsets = {"unconditional, re-mixed": fake_features[key][remix],
                   "unconditional, random subset": fake_features[key][random_subset],
                   "projection, random subset": fake_features["projection, seed 0"][projection_subset]}
        for name, subset in subsets.items():
            print(f"{name:<30} {len(subset)} images, FID {metrics.fid_from_features(real_features, subset):.1f}")
        """,
        reading="""
        The share of the FID gap that is the class mix is how much the re-mixed subset gains over the
        random subset of the same model. How much of the gap to the conditional model is left is the
        re-mixed subset against the projection model's subset of the same size. Read the three
        numbers in that order.

        Two cautions. The re-mix trusts the classifier's verdicts, which are wrong about one time in
        ten on real images, more on generated ones. And the subset is smaller than N_EVAL, so every
        FID here is biased upwards (lesson 05): compare the three with each other, not with
        section 8's table. One seed and one subset each: draw other subsets (another rng seed) to see
        how much the numbers move on their own.
        """,
    ),
    _solution(
        7,
        6,
        """
        Race two variants beside fresh copies of the lesson's two designs, so that all four see the
        same machine: the concatenation model with embed_dim=50, and the projection model at half the
        learning rate. Then score them on section 7's noise and labels. Eight runs of RACE_SECONDS,
        plus the scoring: longer than section 5. Run it after section 8.
        """,
        """
        VARIANTS = {  # name: (build G and D, learning-rate factor)
            "concat": (BUILDERS["concat"], 1.0),
            "concat, embed_dim 50": (lambda: (conditional.conditional_lean_generator(Z_DIM, N_CLASSES, embed_dim=50),
                                              conditional.conditional_lean_discriminator(N_CLASSES, mode="concat")),
                                     1.0),
            "projection": (BUILDERS["projection"], 1.0),
            "projection, half lr": (BUILDERS["projection"], 0.5),
        }
        gans6, runs6 = {}, {}
        for name, (build, factor) in VARIANTS.items():
            for seed in SEEDS:
                keras.utils.set_random_seed(seed)
                key = f"{name}, seed {seed}"
                gans6[key] = build_gan(*build(), loss=R.gan_loss(), g_lr=R.g_lr * factor, d_lr=R.d_lr * factor,
                                       beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=seed)
                runs6[key] = (name, seed)
        state6 = benchmark.race(gans6, images, RACE_SECONDS, slice_seconds=SLICE_SECONDS, batch_size=R.batch_size,
                                labels=labels)
        rows6 = []
        for key, gan in gans6.items():
            name, seed = runs6[key]
            images6 = sample(gan, EVAL_Z, EVAL_LABELS)
            rows6.append({"method": name, "setting": DATASET, "seed": seed, "steps": state6[key]["steps"],
                          "fid": metrics.fid_from_features(real_features, classifier.features(images6)),
                          "fidelity": conditional.class_fidelity(classifier, images6, EVAL_LABELS, N_CLASSES).overall})
        display(Markdown(experiments.format_table(experiments.summarize(rows6), {
            "FID": "{fid:.1f} ± {fid_std:.1f}", "class fidelity": "{fidelity:.1%} ± {fidelity_std:.1%}",
            "steps": "{steps:.0f}"})))
        """,
        reading="""
        Compare each variant with its own design in the same race: concat with embed_dim 50 against
        concat, projection at half the rate against projection. Do not compare across races: the
        machine's speed changes, and so do the steps each run gets.

        A change counts only if it is larger than the ± of both rows, and with two seeds that spread
        is itself rough. Check the steps column too: the wider embedding costs a little per step, a
        lower learning rate nothing, so a difference in steps explains part of a difference in FID.
        """,
    ),
    _solution(
        7,
        7,
        """
        Set DATASET = "mnist" in the Parameters cell and run the whole lesson. The first run downloads
        MNIST and trains the course's MNIST classifier (a few minutes). The cell below, at the end,
        prints the judge's accuracy per digit on real test images, and the projection model's
        fidelity per requested digit with the digit most often drawn instead.
        """,
        """
        print(real)  # the judge on real test images, digit by digit
        print(fidelity[f"projection, seed {SEEDS[0]}"])  # the generator, per requested digit
        k, share = fidelity[f"projection, seed {SEEDS[0]}"].worst
        print(f"worst digit {CLASS_NAMES[k]}: {share:.1%} of the requests met; "
              f"the judge recognises {real.per_class[k]:.1%} of the real ones")
        """,
        reading="""
        Read the "most often drawn instead" column: which digits are confused, and are they the pairs
        whose strokes overlap? Then compare the worst digit's fidelity with the judge's own accuracy
        on real images of that digit. On Fashion-MNIST the worst class, the shirt, scored 71.4 % and
        62.0 % on the two seeds, against the judge's 66.3 % on real shirts: the generator's worst
        class was the judge's worst class. See whether MNIST's worst digit is also the judge's
        weakest, and whether it sits as far below the judge's accuracy on real images of it.
        """,
    ),
    # ------------------------------------------------------------------ lesson 08
    _solution(
        8,
        1,
        """
        r_t = E[sign D(x)] over D's training images. Each logit votes +1 (real), -1 (fake) or 0, and
        r_t is the mean vote: it counts votes, not confidence, so a logit of +4 weighs no more than
        +0.1.

        The gap reads each logit as a probability, sigmoid(l), averages over each set, and subtracts
        held-out from train. It is positive when D rates the real images it trained on as more real
        than new real images of the same classes: D has memorised which images it saw. Average the
        probabilities, not the logits: the sigmoid of a mean is not the mean of the sigmoids.
        """,
        """
        import numpy as np


        def my_overfitting_signals(train_logits, heldout_logits):
            train_logits = np.asarray(train_logits, dtype=np.float64)
            heldout_logits = np.asarray(heldout_logits, dtype=np.float64)

            def sigmoid(v):
                return 1 / (1 + np.exp(-v))

            r_t = np.mean(np.sign(train_logits))
            gap = np.mean(sigmoid(train_logits)) - np.mean(sigmoid(heldout_logits))
            return r_t, gap
        """,
        answer="my_overfitting_signals",
        check="exercises.check_overfitting_signals(my_overfitting_signals);",
    ),
    _solution(
        8,
        2,
        """
        A Conv2D with a k×k kernel from C_in to C_out channels has k·k·C_in·C_out weights and C_out
        biases; the image size does not matter. A Dense layer from a inputs to b outputs has a·b + b.

        * First convolution (frozen by freeze_lower_blocks(d, 1)): 4·4·1·32 + 32 = 544.
        * Second convolution: 4·4·32·64 + 64 = 32,832.
        * Dense head on the 7·7·64 = 3136 features: 3136 + 1 = 3137.

        Frozen: 544. Still training: 32,832 + 3137 = 35,969. FreezeD keeps only 1.5 % of this D fixed:
        the first layer's filters (edges, blobs), which carry over between domains.
        """,
        """
        first = 4 * 4 * 1 * 32 + 32  # 544
        second = 4 * 4 * 32 * 64 + 64  # 32,832
        head = 7 * 7 * 64 + 1  # 3,137
        my_frozen = first
        my_training = second + head  # 35,969
        """,
        answer=("my_frozen", "my_training"),
        check="exercises.check_freezed_parameters(my_frozen, my_training);",
    ),
    _solution(
        8,
        3,
        """
        Augment the real images in the data pipeline, before they reach fit, and leave D unchanged, so
        that generated images are never augmented. Train from scratch on 500 images for STEPS steps
        with section 4's settings, and show the samples beside section 5's run that augments both
        (from scratch + DiffAugment, 500 images, seed 0). Run it after section 6.
        """,
        """
        n = 500
        real_augment = augment.DiffAugment(seed=0)


        def augment_real(batch):
            return real_augment(batch, training=True)


        images_n = new_train[order[:n]]
        only_real = data.make_dataset(images_n, R.batch_size, seed=0).repeat().map(augment_real)
        gan_course.setup(0, verbose=False)
        real_only = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), loss=R.gan_loss(),
                              g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=0)
        real_only.fit(only_real, steps_per_epoch=STEPS, epochs=1, verbose=0)
        both = trained[("scratch", 0, True, n, 0)]  # section 5: DiffAugment on real and generated images
        viz.show_grids({"real images": images_n[:16],
                        "only the real images augmented": sample(real_only.sampler, grid_z),
                        "both augmented (section 5)": sample(both.sampler, grid_z)}, ncols=4, size=3.2)
        plt.show()
        print(f"FID: only real augmented {domain_fid(real_only.sampler):.1f}, both {domain_fid(both.sampler):.1f}")
        """,
        reading="""
        Look for the augmentation in G's samples: images shifted with a grey band at one edge, grey
        squares (cutout), changed brightness or contrast. If only the real images are augmented, D can
        tell real from fake by the augmentation itself, and G is rewarded for drawing it: the
        augmentation "leaks" into the generated images. Augmenting the fakes too, in both steps,
        removes that tell, and D must judge what the image shows. The right-hand grid is that case.

        FID is scored on the generator's samples against clean real images, so leaked augmentations
        raise it; the grids show why.
        """,
    ),
    _solution(
        8,
        4,
        """
        Train from scratch on 100 images without augmentation, with DiscriminatorOverfitting logging
        r_t every epoch and a second callback that stops the first fit once r_t exceeds 0.6. Then
        build a new GAN from the same G and D with DiffAugment in front of D and train the remaining
        epochs. The new GAN starts with fresh optimizer state and a fresh moving average of G, which
        is a cost of switching this way. Run it after section 6.
        """,
        """
        import keras


        class StopWhenSure(keras.callbacks.Callback):
            \"""Stop fit once D's r_t, which DiscriminatorOverfitting (earlier in the list) logs, exceeds threshold.\"""

            def __init__(self, threshold=0.6):
                super().__init__()
                self.threshold = threshold

            def on_epoch_end(self, epoch, logs=None):
                if logs["d_rt"] > self.threshold:
                    self.model.stop_training = True


        def switched_on(n, seed=0, threshold=0.6):
            gan_course.setup(seed, verbose=False)
            settings = dict(loss=R.gan_loss(), g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema,
                            seed=seed)
            images_n = new_train[order[:n]]
            dataset = data.make_dataset(images_n, min(R.batch_size, n), seed=seed).repeat()
            gan = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), **settings)
            monitor = transfer.DiscriminatorOverfitting(images_n, heldout_real, n=500)
            first = gan.fit(dataset, steps_per_epoch=STEPS // EPOCHS, epochs=EPOCHS, verbose=0,
                            callbacks=[monitor, StopWhenSure(threshold)])
            plain = len(first.history["d_rt"])
            if plain < EPOCHS:  # r_t passed the threshold: DiffAugment for the remaining epochs
                gan = build_gan(gan.generator, augment.with_diff_augment(gan.discriminator, seed=seed), **settings)
                gan.fit(dataset, steps_per_epoch=STEPS // EPOCHS, epochs=EPOCHS - plain, verbose=0)
            return gan, first.history["d_rt"]


        switched, rt_log = switched_on(100)
        print("r_t at each epoch before the switch:", np.round(rt_log, 2))
        print(f"FID, DiffAugment once r_t > 0.6: {domain_fid(switched.sampler):.1f}")
        from_start = next(r["fid"] for r in rows
                          if r["method"] == "from scratch + DiffAugment" and r["setting"] == "100")
        print(f"FID, DiffAugment from the start (section 5): {from_start:.1f}")
        """,
        reading="""
        First read when it switched. Section 4 found r_t jumping between about -0.4 and 1 from one
        check to the next as D and G take turns to win, so a single check above 0.6 can be chance;
        the printed r_t values show whether the switch came early or late, and whether it came at
        all (then no augmentation was used). ADA itself moves a probability up and down in small
        steps instead of switching once.

        Then compare the two FIDs. They are one seed each; section 6 found the FIDs of two seeds of
        the same method a few points apart, so a smaller difference says nothing. "Beats" needs
        more seeds.
        """,
    ),
    _solution(
        8,
        5,
        """
        Load your folder at 28×28 in grayscale, the pretrained GAN's format, keep 100 images aside as
        the FID reference, and train the lesson's winner (fine-tune + FreezeD) and a GAN from scratch
        on the rest, for STEPS steps each. Run it after section 4 (it needs `sample`, `classifier`
        and the settings R of section 4).
        """,
        """
        folder = "path/to/your/images"  # a few hundred images of one kind of object
        mine = data.load_image_folder(folder, image_size=(28, 28))  # grayscale, in [-1, 1]
        mine = mine[np.random.default_rng(0).permutation(len(mine))]
        mine_heldout, mine_train = mine[:100], mine[100:]  # the FID reference: images no run trains on
        mine_features = classifier.features(mine_heldout)


        def train_on_mine(start, freeze=0, seed=0):
            gan_course.setup(seed, verbose=False)
            if start == "scratch":
                g, d = models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator()
            else:
                g, d, _ = transfer.load_pretrained()
            if freeze:
                transfer.freeze_lower_blocks(d, freeze)
            gan = build_gan(g, d, loss=R.gan_loss(), g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2,
                            ema=R.ema, seed=seed)
            dataset = data.make_dataset(mine_train, min(R.batch_size, len(mine_train)), seed=seed).repeat()
            gan.fit(dataset, steps_per_epoch=STEPS, epochs=1, verbose=0)
            fakes = sample(gan.sampler, Z_EVAL[: len(mine_heldout)])
            return gan, metrics.fid_from_features(mine_features, classifier.features(fakes))


        results = {"from scratch": train_on_mine("scratch"),
                   "fine-tune + FreezeD": train_on_mine("pretrained", freeze=FREEZE_BLOCKS)}
        for name, (_, fid) in results.items():
            print(f"{name:<20} FID {fid:.1f} ({len(mine_heldout)} generated images against as many held out)")
        viz.show_grids({"yours": mine_train[:16], **{name: sample(gan.sampler, Z_EVAL[:16])
                                                     for name, (gan, _) in results.items()}}, ncols=4, size=3.2)
        plt.show()
        """,
        reading="""
        Compare the two FIDs, and the grids. Both use the same reference, features and N, so they can
        be compared with each other (with 100 images each they are biased upwards, lesson 05, so not
        with the lesson's numbers). Then repeat with folders further from clothing, say shoes, bags,
        cups, faces, landscapes, and note where fine-tuning stops beating training from scratch.

        One caution grows with the distance: FID here uses the features of a classifier trained on
        Fashion-MNIST. For images unlike clothing those features may miss what matters, so trust the
        grids as much as the number, and look for a pretrained GAN's habits (garment outlines) in the
        fine-tuned samples.
        """,
    ),
    # ------------------------------------------------------------------ lesson 09
    _solution(
        9,
        1,
        """
        diagnose finds four things in broken_setup, and each has a one-line fix:

        * data_range (error): the images are x / 255, in [0, 1], while G's tanh makes [-1, 1]. Scale
          with x / 127.5 - 1.
        * output_activation (error): D ends in a sigmoid and "non_saturating" is a loss on logits, so
          the sigmoid is applied twice. End D with Dense(1), no activation.
        * optimizer (error): G and D share one Adam object, which mixes their moment estimates. Give
          each network its own.
        * optimizer (warning): beta_1 = 0.9, Keras' default; image GANs use Adam(2e-4, beta_1=0.5).

        The networks keep their sizes: removing an activation removes no weights.
        """,
        """
        import keras


        def my_setup(pixels):
            generator = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
                                          keras.layers.Dense(784, activation="tanh"),
                                          keras.layers.Reshape((28, 28, 1))])
            discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                              keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
                                              keras.layers.Dense(1)])  # a logit: no sigmoid
            images = pixels.astype("float32") / 127.5 - 1.0  # [-1, 1], the range of G's tanh
            d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)  # one optimizer per network,
            g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)  # with the DCGAN paper's settings
            return generator, discriminator, images, "non_saturating", d_optimizer, g_optimizer
        """,
        answer="my_setup",
        check="exercises.check_clinic_setup(my_setup);",
    ),
    _solution(
        9,
        2,
        """
        Two things are wrong in broken_step.

        1. D's labels are swapped: bce(zeros, real_logits) + bce(ones, fake_logits) teaches D to call
           real images fake. Real -> 1, fake -> 0.
        2. G's gradients are applied to G's *and* D's variables (`both`). G's step then also moves D,
           towards calling the fakes real, which undoes part of D's own step. Apply G's gradients to
           generator.trainable_variables only.

        G's loss, bce(ones, fake_logits), is the non-saturating loss and is right. Taking both
        gradients from one forward pass with a persistent tape is fine too; the code takes both
        gradients before either optimizer changes a weight, and deletes the tape afterwards.
        """,
        """
        import keras
        import tensorflow as tf

        bce = keras.losses.BinaryCrossentropy(from_logits=True)


        def my_step(generator, discriminator, d_optimizer, g_optimizer, real, z):
            with tf.GradientTape(persistent=True) as tape:
                fake = generator(z, training=True)
                real_logits = discriminator(real, training=True)
                fake_logits = discriminator(fake, training=True)
                d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
                g_loss = bce(tf.ones_like(fake_logits), fake_logits)  # non-saturating: fakes towards "real"
            d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
            d_grads, g_grads = tape.gradient(d_loss, d_vars), tape.gradient(g_loss, g_vars)
            del tape
            d_optimizer.apply_gradients(zip(d_grads, d_vars))
            g_optimizer.apply_gradients(zip(g_grads, g_vars))  # G's variables only
            return d_loss, g_loss
        """,
        answer="my_step",
        check="exercises.check_gan_step(my_step);",
    ),
    _solution(
        9,
        3,
        """
        A Conv2DTranspose with stride 2 and padding="same" doubles the side; the last one, with
        stride 1, keeps it. Three doublings: s · 2³ = 48, so s = 48 / 8 = 6. The first Dense layer
        then needs 6·6·128 = 4608 outputs, reshaped to (6, 6, 128).
        """,
        """
        my_start = 48 // 2**3  # 6: three stride-2 layers double the side three times
        """,
        answer="my_start",
        check="exercises.check_generator_start(my_start, size=48, upsamplings=3);",
    ),
    _solution(
        9,
        4,
        """
        Copy S3's discriminator layer by layer (from_config gives fresh layers with the same settings
        and initialisers) and put a BatchNormalization after the second and the third convolution.
        Run diagnose with both values of mixed_batches, then train it both ways for S3_STEPS steps
        from the same start: the seed's loop (one mixed batch) and the course's step (build_gan and
        fit: real and fake batches apart). Run it after section 5.
        """,
        """
        def s3_discriminator_bn():
            \"""seeds.s3_discriminator(logits=True) with BatchNorm after its second and third convolutions.\"""
            stack, convolutions = [keras.Input((28, 28, 1))], 0
            for layer in seeds.s3_discriminator(logits=True).layers:
                stack.append(layer.__class__.from_config(layer.get_config()))
                if isinstance(layer, keras.layers.Conv2D):
                    convolutions += 1
                    if convolutions in (2, 3):
                        stack.append(keras.layers.BatchNormalization())
            return keras.Sequential(stack, name="s3_discriminator_bn")


        adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)
        for mixed in (True, False):
            print(f"mixed_batches={mixed}:")
            print(diagnose(seeds.s3_generator(), s3_discriminator_bn(), images, "non_saturating",
                           d_optimizer=adam(), g_optimizer=adam(), mixed_batches=mixed))

        keras.utils.set_random_seed(0)
        g_mixed, d_mixed = seeds.s3_generator(), s3_discriminator_bn()
        h_mixed = seeds.s3_train(g_mixed, d_mixed, images, steps=S3_STEPS, beta_1=0.5)  # one mixed D batch
        keras.utils.set_random_seed(0)
        apart = build_gan(seeds.s3_generator(), s3_discriminator_bn(), loss="non_saturating", lr=2e-4, beta_1=0.5,
                          seed=0)
        apart.fit(data.make_dataset(images, 100, seed=0).repeat().take(S3_STEPS), epochs=1, verbose=0)

        late = slice(-S3_STEPS // 4, None)
        for name, g, d in (("seed's loop, mixed batch", g_mixed, d_mixed),
                           ("course's step, apart", apart.generator, apart.discriminator)):
            fakes = generate(g, EVAL_Z).numpy()
            d_real = float(tf.reduce_mean(tf.sigmoid(d(images[-N_EVAL:], training=False))))
            d_fake = float(tf.reduce_mean(tf.sigmoid(d(fakes, training=False))))
            print(f"{name:<25} FID {fid_of(fakes):6.1f}; D(x) {d_real:.2f}, D(G(z)) {d_fake:.2f} (training=False)")
        print(f"seed's loop while training (last quarter): D(x) {np.mean(h_mixed['d_real'][late]):.2f}, "
              f"D(G(z)) {np.mean(h_mixed['d_fake'][late]):.2f}")
        viz.show_grids({"seed's loop, mixed batch": generate(g_mixed, GRID_Z).numpy(),
                        "course's step, apart": generate(apart.generator, GRID_Z).numpy()}, ncols=6, size=4);
        """,
        reading="""
        diagnose first: with mixed_batches=True it warns about BatchNorm in D (batchnorm_mixed), which
        it did not do for S3's own D, which has none; with mixed_batches=False that warning goes.

        Then D's outputs. In training, BatchNorm normalises each batch with that batch's own
        statistics. In the seed's loop D's step sees one batch of real and fake images mixed, while
        G's step shows D fakes only: G trains against a D that behaves differently from the one D's
        step trained, as diagnose's message says. With training=False BatchNorm uses its running
        averages, a third behaviour. For the seed's loop, compare D's outputs recorded while it
        trained with its outputs at training=False: a large difference means D's verdicts depend on
        the batch they come in. Then compare FID and the grids, with one seed each: a difference of a
        few dozen FID points can be seed noise (section 6 had 557.4 and 505.1 for two seeds of the
        same program).
        """,
    ),
    _solution(
        9,
        5,
        """
        Count first, then race. models.forward_macs gives the multiply-adds of one forward pass per
        image; a training step costs about 4 G + 8 D of them (lesson 10's cost model,
        models.step_macs). Then race the narrow S1, the seed's S1 and lesson 02's MLP for two
        minutes each, in turns, and score each with fid_of on EVAL_Z. Run it after section 6; it takes
        about seven minutes with the scoring.
        """,
        """
        RACE = {
            "S1, DCGAN's widths (64, 32)": lambda: seeds.s1_fixed(Z_DIM, channels=(64, 32), seed=0),
            "S1, the seed's widths (128, 256)": lambda: seeds.s1_fixed(Z_DIM, seed=0),
            "lesson 02's MLP": lambda: seeds.s0_fixed(Z_DIM, seed=0),
        }
        race_gans = {}
        for name, build in RACE.items():
            keras.utils.set_random_seed(0)
            race_gans[name] = build()
            g_macs = models.forward_macs(race_gans[name].generator)
            d_macs = models.forward_macs(race_gans[name].discriminator)
            print(f"{name:<33} G {g_macs / 1e6:7.2f} M, D {d_macs / 1e6:6.2f} M multiply-adds per forward pass; "
                  f"a step ≈ 4 G + 8 D = {(4 * g_macs + 8 * d_macs) / 1e6:7.1f} M per image")
        print(models.describe(race_gans["S1, DCGAN's widths (64, 32)"].generator))
        state5 = benchmark.race(race_gans, images, 120, slice_seconds=SLICE_SECONDS, batch_size=128)
        for name, gan in race_gans.items():
            fid = fid_of(generate(gan.generator, EVAL_Z).numpy())
            print(f"{name:<33} {state5[name]['steps']:>6} steps in {state5[name]['seconds']:.0f} s, FID {fid:.1f}")
        """,
        reading="""
        Which network dominates: compare 4·G with 8·D for each S1. With the seed's widths G's
        256-channel transposed convolution at 28×28 dominates (section 4). With (64, 32) that layer
        shrinks the most; see whether G still outweighs D, and which layer of models.describe now
        holds most of G's multiply-adds. The Dense stack's parameters do not change with the widths,
        so the parameter count tells you little about the cost here.

        The race: compare FIDs at equal time, and read the steps column with them. Is the narrow S1
        ahead of the MLP after two minutes? Section 6 found the MLP ahead of the fixed S1 and S3
        after 40 seconds and after ten minutes, making hundreds of times more steps than S1 and about
        twenty times more than S3; see whether the narrow S1's extra steps close that gap. One seed
        each: a small difference is not a ranking.
        """,
    ),
    _solution(
        9,
        6,
        """
        Call diagnose on the six things your training code already has: G, D, the training images as
        they go into training, the loss, and the two optimizers. Pass combined= if your code trains G
        through a combined Keras model, and mixed_batches=True if D sees real and fake images in one
        batch.
        """,
        """
        report = diagnose(my_generator, my_discriminator, my_images, my_loss,
                          d_optimizer=my_d_optimizer, g_optimizer=my_g_optimizer,
                          mixed_batches=False)  # True if D sees real and fake images in one batch
        report
        """,
        reading="""
        Read the findings by severity. An error is a bug that training will not fix (wrong range,
        a sigmoid twice, swapped signs, a shared optimizer); a warning is a setting known to cause
        trouble; an info is something that works but has a better form. Each finding says what it
        found and the fix.

        Agreeing with a finding means checking it against your code, not accepting it: diagnose sees
        only what one call on a sample shows. Its warnings are rules of thumb (the optimizer
        warning's beta_1 = 0.5 becomes 0 with a Wasserstein loss, as its fix says), and it knows
        whether D sees mixed batches only from mixed_batches=. The lines "no findings" and "skipped"
        at the end say what was checked and what was not; a skipped check is not a pass. The
        checklist of section 7 lists what no check can catch.
        """,
    ),
    # ------------------------------------------------------------------ lesson 10
    _solution(
        10,
        1,
        """
        The optimizer adds up the replicas' gradients, so the replicas' losses must add up to the loss
        of the whole global batch: its mean. Each replica sums its own per-example losses and divides
        by the *global* batch size B:

            Σ_r (Σ_{i in replica r} loss_i) / B = (Σ_i loss_i) / B = the mean over the global batch

        however the batch is split. Dividing each replica's mean by the number of replicas is right
        only when the shares are equal: with 4 + 3 + 3 examples, each of the 4 would weigh less than
        each of the 3s.

        TensorFlow's function is tf.nn.compute_average_loss(per_example_losses,
        global_batch_size=global_batch_size). Pass global_batch_size by name: the second positional
        argument is sample_weight.
        """,
        """
        import numpy as np


        def my_replica_loss(per_example_losses, global_batch_size):
            # the same as tf.nn.compute_average_loss(per_example_losses, global_batch_size=global_batch_size)
            return np.sum(per_example_losses) / global_batch_size
        """,
        answer="my_replica_loss",
        check="exercises.check_replica_loss(my_replica_loss)",
    ),
    _solution(
        10,
        2,
        """
        The cost model of section 1: the time per image is proportional to the step's multiply-adds,
        models.step_macs, about 4 G + 8 D forward passes per image. At 28×28:

        * width 64: G 2.02 M and D 1.71 M per forward pass, a step 21.75 M;
        * width 128: G 7.25 M and D 6.63 M per forward pass, a step 82.04 M.

        A step at width 128 costs 82.04 / 21.75 = 3.77 times as much, so the rate falls to
        rate[28] × 21.75 / 82.04 = 0.265 × rate[28]. Doubling the width does not make every layer four
        times dearer: D's first convolution has one input channel and G's last one output channel, so
        those grow only twice. The lesson's committed run measured rate[28] = 2789 images/s on its
        2-core CPU, which predicts about 740 images/s there; your rate[28] gives your prediction.
        """,
        """
        from gan_course import models


        def step_cost(width, size=28, z_dim=100):
            \"""Multiply-adds per image of one training step of the lean DCGAN: 4 G + 8 D forward passes.\"""
            g = models.dcgan_lean_generator(z_dim, (size, size, 1), width=width)
            d = models.dcgan_lean_discriminator((size, size, 1), width=width)
            return models.step_macs(g, d)


        def predicted_rate(measured_rate, width=128, base_width=64):
            \"""Images per second at `width` from the rate measured at `base_width`, if time follows multiply-adds.\"""
            return measured_rate * step_cost(base_width) / step_cost(width)
        """,
        answer="predicted_rate",
        check="exercises.check_cost_prediction(my_rate, rate[28])",
        usage="my_rate = predicted_rate(rate[28])",
        lesson_values={"rate": {28: 2789.0, 64: 502.0}},  # rate[size], images/s, from the committed run
        reuse="exercises.check_cost_prediction(exercises.solution(10, 2)(rate[28]), rate[28])",
        follow_up="""
        # Measure both widths in alternating rounds, as section 2 does: this machine's speed wanders.
        def lean(width):
            keras.utils.set_random_seed(0)
            return build_gan(models.dcgan_lean_generator(Z_DIM, (28, 28, 1), width=width),
                             models.dcgan_lean_discriminator((28, 28, 1), width=width), seed=0)


        widths = {64: lean(64), 128: lean(128)}
        measured = {64: [], 128: []}
        for _ in range(ROUNDS):
            for width, gan in widths.items():
                measured[width].append(benchmark.measure_throughput(gan, sized[28], BATCH, steps[28]))
        now_64, now_128 = statistics.median(measured[64]), statistics.median(measured[128])
        print(f"width 64 now {now_64:.0f} images/s (section 2: {rate[28]:.0f}); width 128 measured {now_128:.0f}, "
              f"predicted from the width-64 rate measured now {predicted_rate(now_64):.0f}")
        """,
        reading="""
        Compare the measured rate at width 128 with the prediction from the width-64 rate measured in
        the same rounds; the prediction from section 2's rate[28] carries the machine's drift between
        then and now. The cost model counts multiply-adds only: memory traffic, BatchNorm and a fixed
        cost per step do not grow with them, and wider layers can use a CPU's arithmetic units better
        than narrow ones. Section 1 found time within 2 % of the model from 28×28 to 64×64; whether
        it holds as well from width 64 to 128 is what this measures.
        """,
    ),
]

SOLUTIONS: dict[tuple[int, int], Solution] = {(s.lesson, s.number): s for s in _ALL}
if len(SOLUTIONS) != len(_ALL):
    raise RuntimeError("two solutions for one exercise")


def exercise_numbers() -> dict[int, tuple[int, ...]]:
    """Every lesson that has solutions, with its exercise numbers: {1: (1, 2, 3, 4), ...}.

    Introduced in lesson 01, through ``exercises.solution``.
    """
    table: dict[int, list[int]] = {}
    for lesson, number in sorted(SOLUTIONS):
        table.setdefault(lesson, []).append(number)
    return {lesson: tuple(numbers_) for lesson, numbers_ in table.items()}


def _choices() -> str:
    return "; ".join(
        f"lesson {lesson} has exercises {', '.join(map(str, numbers_))}"
        for lesson, numbers_ in exercise_numbers().items()
    )


def get(lesson, n) -> Solution:
    """The ``Solution`` of exercise ``n`` of lesson ``lesson`` (both ints); a ValueError lists the valid choices.

    Introduced in lesson 01, through ``exercises.solution``.
    """
    table = exercise_numbers()
    if isinstance(lesson, bool) or not isinstance(lesson, numbers.Integral) or int(lesson) not in table:
        raise ValueError(
            f"lesson must be a lesson number from {min(table)} to {max(table)}, as an int (e.g. solution(4, 2) "
            f"for lesson 04, exercise 2); got lesson={lesson!r}. The choices: {_choices()}"
        )
    lesson = int(lesson)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) not in table[lesson]:
        raise ValueError(
            f"n must be the number of one of lesson {lesson}'s exercises, "
            f"{', '.join(map(str, table[lesson]))}, as an int; got n={n!r}. The choices: {_choices()}"
        )
    return SOLUTIONS[(lesson, int(n))]
