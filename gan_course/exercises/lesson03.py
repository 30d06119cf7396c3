"""Lesson 03's exercises: each check beside its worked solution.

Used in lesson 03.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_transposed_output_size(answer, size: int = 7, kernel: int = 5, stride: int = 2) -> bool:
    """Lesson 03: output height of Conv2DTranspose(kernel, strides=stride, padding="same") on size×size.

    Introduced in lesson 03.
    """
    got = number("my_size", answer)
    want = size * stride
    if got == want:
        return yes(
            f"with padding='same' a transposed convolution multiplies the size by the stride: "
            f"{size} × {stride} = {want}"
        )
    if got == (size - 1) * stride + kernel:
        return no("that is padding='valid': (n - 1)·stride + kernel; the DCGAN layers use 'same'")
    if got == size // stride or got == -(-size // stride):
        return no("that is an ordinary (downsampling) convolution; the transposed one goes up")
    return no("with padding='same', output size = input size × stride, whatever the kernel")


@check
def check_conv_macs(answer, size: int = 14, c_in: int = 64, c_out: int = 128, kernel: int = 5, stride: int = 2) -> bool:
    """Lesson 03: multiply-adds of Conv2D(c_out, kernel, strides=stride, padding="same") on a size×size×c_in input.

    Introduced in lesson 03.
    """
    got = number("my_macs", answer)
    out = -(-size // stride)
    want = out * out * kernel * kernel * c_in * c_out
    if got == want:
        return yes(f"{out}·{out} output pixels × {kernel}·{kernel} kernel × {c_in} in × {c_out} out = {want:,}")
    if got == size * size * kernel * kernel * c_in * c_out:
        return no(f"count the *output* pixels: stride {stride} shrinks {size}×{size} to {out}×{out}")
    if got in (out * out * kernel * kernel * c_out, out * out * kernel * kernel * c_in):
        return no(f"every output channel looks at every input channel: multiply by both {c_in} and {c_out}")
    if got == out * out * c_in * c_out:
        return no(f"each output value needs one multiply-add per kernel position too ({kernel} × {kernel})")
    valid = (size - kernel) // stride + 1
    if valid != out and got == valid * valid * kernel * kernel * c_in * c_out:
        return no(
            f"that counts padding='valid' ({valid}×{valid} outputs); with padding='same' a stride-{stride} layer "
            f"gives ceil({size} / {stride}) = {out} per side"
        )
    return no("output height × output width × kernel height × kernel width × C_in × C_out")


@check
def check_slerp(fn) -> bool:
    """Lesson 03: ``fn(z0, z1, t)`` must return the spherical interpolation for a scalar t. Introduced in lesson 03."""
    from gan_course.latent import lerp, slerp

    rng = np.random.default_rng(3)
    z0, z1 = rng.normal(size=32), rng.normal(size=32)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    got = run(fn, z0.copy(), z1.copy(), 0.3)
    want = slerp(z0, z1, 0.3)
    if got.shape != want.shape:
        return no(f"expected a vector of shape {want.shape}, got {got.shape}")
    if np.allclose(got, want, rtol=1e-4, atol=1e-5):
        return yes("sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1 keeps the norm along the path")
    if np.allclose(got, lerp(z0, z1, 0.3), rtol=1e-4):
        return no("that is the straight line (lerp); slerp follows the arc between z0 and z1")
    if np.allclose(got, slerp(z0, z1, 0.7), rtol=1e-4, atol=1e-5):
        return no("t runs from z0 (t = 0) to z1 (t = 1): the weights are swapped")
    omega = np.arccos(np.clip(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1.0, 1.0))
    if np.allclose(got, want * np.sin(omega), rtol=1e-4, atol=1e-5):
        return no("the direction is right but the length is not: divide the weighted sum by sin Ω")
    return no("Ω = arccos(z0·z1 / (|z0||z1|)); weight z0 by sin((1 - t)Ω) and z1 by sin(tΩ), then divide by sin Ω")


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(3, 1, 'exercises.check_transposed_output_size(my_size, size=9, kernel=4, stride=3)', answer='my_size')
def _exercise_1():
    """With padding="same", a transposed convolution of stride s multiplies the height by s,
    whatever the kernel: 9 × 3 = 27. The kernel size matters only with padding="valid", where the
    output is (n - 1)·s + k = 8·3 + 4 = 28. The code asks Keras to confirm it on a 9×9 input.
    """
    import keras
    import numpy as np

    my_size = 9 * 3  # padding="same": input size × stride
    out = keras.layers.Conv2DTranspose(16, 4, strides=3, padding="same")(np.zeros((1, 9, 9, 8), "float32"))
    print(out.shape)  # (1, 27, 27, 16)

    return locals()


@solved(3, 2, 'exercises.check_conv_macs(my_macs, size=16, c_in=32, c_out=48, kernel=3, stride=2)', answer='my_macs')
def _exercise_2():
    """Count the output values, then the work for each.

    * Output positions: with padding="same" and stride 2, a 16×16 input gives ceil(16 / 2) = 8,
      so 8 × 8 = 64 positions.
    * Each of the 48 output channels at each position is a sum over a 3×3 window of all 32 input
      channels: 3·3·32 = 288 multiply-adds.

    Total: 64 · 48 · 288 = 884,736. Biases and the activation add one operation per output value,
    which the course's count (models.forward_macs) leaves out; on a model with this one
    layer it gives the same number.
    """
    size, c_in, c_out, kernel, stride = 16, 32, 48, 3, 2
    out = -(-size // stride)  # 8: padding="same" rounds up
    my_macs = out * out * kernel * kernel * c_in * c_out  # 64 · 3·3 · 32 · 48 = 884,736

    return locals()


@solved(3, 3, 'exercises.check_slerp(my_slerp)', answer='my_slerp')
def _exercise_3():
    """Slerp follows the arc between z0 and z1. Let Ω be the angle between them:
    cos Ω = z0·z1 / (|z0| |z1|). The point at fraction t is

        (sin((1 - t)Ω) · z0 + sin(tΩ) · z1) / sin Ω

    At t = 0 it is z0, at t = 1 it is z1, and for two vectors of equal length every point in
    between has that length too, where the straight line cuts inside the sphere.

    Two details. Clip the cosine to [-1, 1]: rounding can push it just outside, and arccos would
    return NaN. When sin Ω is near 0 (z0 and z1 parallel) the arc is not defined: fall back to the
    straight line. latent.slerp does the same.
    """
    import numpy as np


    def my_slerp(z0, z1, t):
        z0, z1 = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
        cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
        omega = np.arccos(np.clip(cos, -1.0, 1.0))
        if np.sin(omega) < 1e-6:  # parallel: no arc to follow
            return (1 - t) * z0 + t * z1
        return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)

    return locals()


@solved(3, 4)
def _exercise_4(BATCH_SIZE, build_gan, x_train, gan_course, SEED, Z_DIM, viz, speed, models, dataset, z_fixed,
        EPOCHS, gan):
    """Give the seed DCGAN the time the lean one took. Section 3 measured both models' images per
    second (`speed`), so the lean run's EPOCHS epochs cost as much time as
    EPOCHS × speed["seed"] / speed["lean"] epochs of the seed model (the code prints how many that
    is with the speeds section 3 measured on your machine). Train that many steps, time them, and show
    both models' samples from the same noise. Run it after section 6; it takes about as long as
    sections 4 and 5 together.

    What to look at, and how to read it:

    First check the printed time against the lean run's (the epoch times of sections 4 and 5
    add up to it). Section 3's speeds come from 30 timed steps on a machine whose speed wanders,
    so the budget can be off; if it is far off, scale seed_steps and run again.

    Then compare the grids cell by cell: the same z gives the same garment in both if both have
    learned it. Look at outlines, textures and variety. The seed model does more per step and
    makes far fewer steps; which matters more here is what the grids show. Your eye is one judge;
    the benchmark of section 6 (benchmarks/dcgan_time_to_quality.py) asks the same question with
    FID, lesson 05's number, and section 6 prints the result that ships with the course.
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
                   ncols=6, size=4)
