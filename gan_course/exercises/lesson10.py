"""Lesson 10's exercises: each check beside its worked solution.

Used in lesson 10.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_replica_loss(fn) -> bool:
    """Lesson 10, exercise 1: ``fn(per_example_losses, global_batch_size)``, the loss one replica minimises.

    Every replica gets its share of the global batch and the optimizer adds the replicas' gradients,
    so the replicas' losses must add up to the mean over the whole global batch, for any split: the
    shares need not be equal (the last batch of an epoch). Checked on a global batch of 12 split
    6 + 6 and of 10 split 4 + 3 + 3. Introduced in lesson 10.
    """
    rng = np.random.default_rng(10)
    cases = []
    for sizes in ((6, 6), (4, 3, 3)):
        losses = rng.uniform(0.1, 2.0, sum(sizes))
        shares = np.split(losses, np.cumsum(sizes)[:-1])
        cases.append((losses, shares))
    totals = []
    for losses, shares in cases:
        total = 0.0
        for share in shares:
            got = run(fn, share.copy(), len(losses))
            if got.size != 1:
                return no(f"return one number per replica (a scalar), got an array of shape {got.shape}")
            total += float(got)
        totals.append(total)
    (even, uneven) = totals
    (even_losses, even_shares), (uneven_losses, uneven_shares) = cases
    if np.isclose(even, even_losses.mean()) and np.isclose(uneven, uneven_losses.mean()):
        return yes(
            "each replica sums its own losses and divides by the *global* batch, so the replicas' losses add up to "
            "the global mean for any split: TensorFlow's tf.nn.compute_average_loss does exactly this"
        )
    if np.isclose(uneven, sum(s.mean() / len(uneven_shares) for s in uneven_shares)) and np.isclose(
        even, even_losses.mean()
    ):
        return no(
            "right when the shares are equal (6 + 6), wrong for 4 + 3 + 3: the mean of 4 losses divided by 3 "
            "weighs those 4 examples less than the others. Divide the sum by the global batch instead"
        )
    if np.isclose(even, sum(s.mean() for s in even_shares)):
        return no(
            "each replica returns its own mean, and the replicas' gradients are added: with R replicas the step is R "
            "times too large. Scale so that the replicas' losses add up to the global mean"
        )
    if np.isclose(even, even_losses.sum()):
        return no("that is the sum of the losses: divide by the global batch size")
    return no("the replicas' losses must add up to the mean over the global batch, however it is split")


def _lean_step_macs(width: int, size: int) -> int:
    from gan_course import models

    g = models.dcgan_lean_generator(100, (size, size, 1), width=width)
    d = models.dcgan_lean_discriminator((size, size, 1), width=width)
    return models.step_macs(g, d)


@check
def check_cost_prediction(answer, measured_rate, width: int = 128, base_width: int = 64, size: int = 28) -> bool:
    """Lesson 10, exercise 2: predict the lean DCGAN's training images/s at ``width`` from ``measured_rate``
    (images/s measured at ``base_width``), with the lesson's cost model: a step costs
    ``models.step_macs`` multiply-adds per image, and time is proportional to multiply-adds.

    Introduced in lesson 10.
    """
    got, rate = number("my_rate", answer), number("measured_rate", measured_rate)
    base, new = _lean_step_macs(base_width, size), _lean_step_macs(width, size)
    want = rate * base / new
    if np.isclose(got, want, rtol=0.01):
        return yes(
            f"a step costs {base / 1e6:.1f} M multiply-adds per image at width {base_width} and {new / 1e6:.1f} M at "
            f"width {width}, so {rate:.0f} × {base / new:.3f} = {want:.0f} images/s. Now measure it: the model is "
            "right only if the CPU is as efficient on the wider layers"
        )
    from gan_course import models

    def forward(w):
        return models.forward_macs(models.dcgan_lean_generator(100, (size, size, 1), width=w)) + models.forward_macs(
            models.dcgan_lean_discriminator((size, size, 1), width=w)
        )

    if np.isclose(got, rate * forward(base_width) / forward(width), rtol=0.01):
        passes = models.STEP_PASSES
        return no(
            "you weighed G and D equally (one forward pass each); a training step runs G about "
            f"{passes['generator']} and D about {passes['discriminator']} forward passes' worth per image"
        )
    if np.isclose(got, rate * base_width / width, rtol=0.01) or np.isclose(got, rate * (base_width / width) ** 2):
        return no(
            "not every layer grows alike: a convolution's cost grows with C_in × C_out, but the first D layer has one "
            "input channel and G's last one output channel. Count the multiply-adds with models.forward_macs"
        )
    if np.isclose(got, rate * new / base, rtol=0.01):
        return no("more multiply-adds per image means *fewer* images per second: divide, do not multiply")
    return no(
        "build both models with models.dcgan_lean_generator / dcgan_lean_discriminator(width=...), count "
        "4 G + 8 D multiply-adds with models.forward_macs, and scale the measured rate by their ratio"
    )


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(10, 1, 'exercises.check_replica_loss(my_replica_loss)', answer='my_replica_loss')
def _exercise_1():
    """The optimizer adds up the replicas' gradients, so the replicas' losses must add up to the loss
    of the whole global batch: its mean. Each replica sums its own per-example losses and divides
    by the *global* batch size B:

        Σ_r (Σ_{i in replica r} loss_i) / B = (Σ_i loss_i) / B = the mean over the global batch

    however the batch is split. Dividing each replica's mean by the number of replicas is right
    only when the shares are equal: with 4 + 3 + 3 examples, each of the 4 would weigh less than
    each of the 3s.

    TensorFlow's function is tf.nn.compute_average_loss(per_example_losses,
    global_batch_size=global_batch_size). Pass global_batch_size by name: the second positional
    argument is sample_weight.
    """
    import numpy as np


    def my_replica_loss(per_example_losses, global_batch_size):
        # the same as tf.nn.compute_average_loss(per_example_losses, global_batch_size=global_batch_size)
        return np.sum(per_example_losses) / global_batch_size

    return locals()


def _follow_up_2(ROUNDS, build_gan, Z_DIM, statistics, keras, models, BATCH, rate, predicted_rate, benchmark, sized,
        TIMED_STEPS):
    # Measure both widths in alternating rounds, as section 2 does: this machine's speed wanders.
    def lean(width):
        keras.utils.set_random_seed(0)
        return build_gan(models.dcgan_lean_generator(Z_DIM, (28, 28, 1), width=width),
                         models.dcgan_lean_discriminator((28, 28, 1), width=width), seed=0)


    widths = {64: lean(64), 128: lean(128)}
    measured = {64: [], 128: []}
    for _ in range(ROUNDS):
        for width, gan in widths.items():
            measured[width].append(benchmark.measure_throughput(gan, sized[28], BATCH, TIMED_STEPS))
    now_64, now_128 = statistics.median(measured[64]), statistics.median(measured[128])
    print(f"width 64 now {now_64:.0f} images/s (section 2: {rate[28]:.0f}); width 128 measured {now_128:.0f}, "
          f"predicted from the width-64 rate measured now {predicted_rate(now_64):.0f}")


@solved(
    10,
    2,
    'exercises.check_cost_prediction(my_rate, rate[28])',
    answer='predicted_rate',
    follow_up=_follow_up_2,
    usage='my_rate = predicted_rate(rate[28])',
)
def _exercise_2():
    """The cost model of section 1: the time per image is proportional to the step's multiply-adds,
    models.step_macs, about 4 G + 8 D forward passes per image. At 28×28:

    * width 64: G 2.02 M and D 1.71 M per forward pass, a step 21.75 M;
    * width 128: G 7.25 M and D 6.63 M per forward pass, a step 82.04 M.

    A step at width 128 costs 82.04 / 21.75 = 3.77 times as much, so the rate falls to
    rate[28] × 21.75 / 82.04 = 0.265 × rate[28]. Doubling the width does not make every layer four
    times dearer: D's first convolution has one input channel and G's last one output channel, so
    those grow only twice. Your rate[28], measured in section 2, gives your prediction.

    What to look at, and how to read it:

    Compare the measured rate at width 128 with the prediction from the width-64 rate measured in
    the same rounds; the prediction from section 2's rate[28] carries the machine's drift between
    then and now. The cost model counts multiply-adds only: memory traffic, BatchNorm and a fixed
    cost per step do not grow with them, and wider layers can use a CPU's arithmetic units better
    than narrow ones. Section 1 checked the model from 28×28 to 64×64; whether it holds as well
    from width 64 to 128 is what this measures.
    """
    from gan_course import models


    def step_cost(width, size=28, z_dim=100):
        """Multiply-adds per image of one training step of the lean DCGAN: 4 G + 8 D forward passes."""
        g = models.dcgan_lean_generator(z_dim, (size, size, 1), width=width)
        d = models.dcgan_lean_discriminator((size, size, 1), width=width)
        return models.step_macs(g, d)


    def predicted_rate(measured_rate, width=128, base_width=64):
        """Images per second at `width` from the rate measured at `base_width`, if time follows multiply-adds."""
        return measured_rate * step_cost(base_width) / step_cost(width)

    return locals()
