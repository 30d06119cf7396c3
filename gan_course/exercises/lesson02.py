"""Lesson 02's exercises: each check beside its worked solution.

Used in lesson 02.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import NotYet, check, no, number, result_of, run, solved, yes


@check
def check_scaling(fn) -> bool:
    """Lesson 02: ``fn(uint8 images)`` must return float32 images in [-1, 1], 0 -> -1 and 255 -> 1.

    Introduced in lesson 02.
    """
    pixels = np.array([[[0, 127], [128, 255]]], dtype=np.uint8)
    got = run(fn, pixels.copy())
    want = pixels.astype(np.float64) / 127.5 - 1
    if got.size != want.size:
        return no(f"keep one value per pixel: expected {want.size} values, got {got.size}")
    got = got.reshape(want.shape)
    if np.allclose(got, pixels / 255.0):
        return no(
            "that is [0, 1]; the generator's tanh outputs [-1, 1], so real images must be in [-1, 1] too: x / 127.5 - 1"
        )
    if np.allclose(got, pixels):
        return no("the pixels are unchanged: convert to float and rescale to [-1, 1]")
    if not np.allclose(got, want, atol=1e-6):
        as_numbers = run(fn, pixels.astype(np.float64)).reshape(-1)
        if as_numbers.size == want.size and np.allclose(as_numbers, want.reshape(-1), atol=1e-6):
            return no(
                "right on float pixels, wrong on uint8 ones: arithmetic on uint8 wraps around (255 + 1 is 0), "
                "so convert to float32 before you compute"
            )
        return no(f"0 must map to -1 and 255 to 1; you gave {got.min():.3g} and {got.max():.3g}")
    dim = np.array([[[10, 60], [200, 250]]], dtype=np.uint8)  # an image with no pure black or white pixel
    got_dim = run(fn, dim.copy()).reshape(dim.shape)
    if not np.allclose(got_dim, dim / 127.5 - 1, atol=1e-6):
        stretched = (dim - dim.min()) / (dim.max() - dim.min()) * 2 - 1
        if np.allclose(got_dim, stretched, atol=1e-6):
            return no(
                "you stretched each image from its own darkest to its brightest pixel: a dim image would come "
                "out as bright as any other. Use the fixed range of the pixel format, 0 to 255"
            )
        return no(
            "right on an image with pixels 0 and 255, wrong on one without: the scaling must be the same "
            "for every image, fixed by the pixel format (0 to 255), not by the image"
        )
    dtype = np.asarray(result_of(fn, pixels.copy())).dtype
    if dtype != np.float32:
        return no(f"the values are right but the dtype is {dtype}; TensorFlow layers want float32")
    return yes("x / 127.5 - 1 maps [0, 255] onto [-1, 1], the range of tanh")


@check
def check_discriminator_loss(fn) -> bool:
    """Lesson 02: ``fn(real_logits, fake_logits)`` must return the discriminator's BCE loss. Introduced in lesson 02."""
    import tensorflow as tf

    from gan_course.losses import discriminator_loss

    real = tf.constant([[2.0], [0.5], [-1.0]])
    fake = tf.constant([[-3.0], [0.0], [1.5]])
    value = run(fn, real, fake)
    if value.size != 1:
        raise NotYet(f"return one number, the loss (the two batch means added), got an array of shape {value.shape}")
    got = float(value)
    want = float(discriminator_loss(real, fake))
    swapped = float(discriminator_loss(fake, real))
    if np.isclose(got, want, rtol=1e-5):
        return yes(f"{want:.4f}: real samples labelled 1, fakes 0, cross-entropy on logits")
    if np.isclose(got, swapped, rtol=1e-5):
        return no("labels swapped: real samples are the 1s, generated samples the 0s")
    if np.isclose(got, want / 2, rtol=1e-5):
        return no("you averaged the two terms; the course adds them (loss log 4 at D = 1/2)")
    from_probs = float(discriminator_loss(tf.sigmoid(real), tf.sigmoid(fake)))
    if np.isclose(got, from_probs, rtol=1e-5):
        return no("the inputs are logits already: do not apply a sigmoid before the cross-entropy")
    return no(
        "use tf.nn.sigmoid_cross_entropy_with_logits (or softplus) with label 1 for "
        "real_logits and 0 for fake_logits, and add the two means"
    )


@check
def check_parameter_count(n, z_dim: int = 100, hidden: int = 128, pixels: int = 784) -> bool:
    """Lesson 02: trainable parameters of the MLP generator (Dense(hidden) then Dense(pixels)).

    Introduced in lesson 02.
    """
    weights = z_dim * hidden + hidden * pixels
    want = weights + hidden + pixels
    n = number("my_count", n)
    if n == want:
        return yes(f"{z_dim}·{hidden} + {hidden} + {hidden}·{pixels} + {pixels} = {want}")
    if n == weights:
        return no("you counted the weights but not the biases (one per output unit)")
    if n == want + z_dim * pixels:
        return no("layers connect in sequence: z connects to the hidden layer only")
    return no("a Dense layer from a inputs to b outputs has a·b weights plus b biases; add the two layers")


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(2, 1, 'exercises.check_scaling(my_scale)', answer='my_scale')
def _exercise_1():
    """The generator ends in tanh, whose outputs lie in (-1, 1), so the real images must be in the
    same range. A straight line a·x + b with 0 -> -1 and 255 -> 1 has b = -1 and 255·a = 2, so
    a = 1/127.5: x / 127.5 - 1.

    Convert to float32 first. Arithmetic on uint8 stays in uint8 and wraps around, and float64
    would only be cast back to float32 by the first TensorFlow layer. Note that 127 maps to
    -0.0039 and 128 to +0.0039: the middle of the range falls between two pixel values.
    """
    import numpy as np


    def my_scale(pixels):
        return np.asarray(pixels).astype(np.float32) / 127.5 - 1.0

    return locals()


@solved(2, 2, 'exercises.check_discriminator_loss(my_discriminator_loss)', answer='my_discriminator_loss')
def _exercise_2():
    """D should say 1 for real images and 0 for generated ones. Binary cross-entropy with label y on
    a logit l is -y·log sigmoid(l) - (1 - y)·log(1 - sigmoid(l)).
    tf.nn.sigmoid_cross_entropy_with_logits computes it from the logit directly, which stays
    finite where sigmoid(l) would round to 0 or 1.

    Label 1 for the real logits, label 0 for the fake ones. Average over each batch, then add the
    two averages, as gan_course.losses.discriminator_loss does. With D = 1/2 everywhere this gives
    log 2 + log 2 = log 4 = 1.386, the reference value of lessons 01 and 02. Do not apply a
    sigmoid first: the inputs are logits already.
    """
    import tensorflow as tf


    def my_discriminator_loss(real_logits, fake_logits):
        real_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
        fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
        return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)

    return locals()


@solved(2, 3, 'exercises.check_parameter_count(my_count, z_dim=64, hidden=256)', answer='my_count')
def _exercise_3():
    """A Dense layer from a inputs to b outputs has a·b weights and b biases. The generator is
    Dense(256) -> LeakyReLU -> Dense(784, tanh) -> Reshape; LeakyReLU and Reshape have no
    parameters.

    * Dense(256) on z of 64 numbers: 64·256 + 256 = 16,384 + 256 = 16,640.
    * Dense(784) on 256 numbers: 256·784 + 784 = 200,704 + 784 = 201,488.

    Total: 16,640 + 201,488 = 218,128. The layers connect in sequence, so z meets only the first
    one. models.mlp_generator(64, hidden=256).count_params() gives the same number.
    """
    z_dim, hidden, pixels = 64, 256, 28 * 28
    my_count = (z_dim * hidden + hidden) + (hidden * pixels + pixels)  # 16,640 + 201,488 = 218,128

    return locals()


@solved(2, 4)
def _exercise_4(history, viz, generator, z_fixed, models, Z_DIM):
    """Keep the first run before training the second, then rebuild the networks and train again.

    1. After section 4, keep the seed's run (the first cell below).
    2. In section 2, build the wider generator: generator = models.mlp_generator(Z_DIM, hidden=256).
       Or set DATASET = "mnist" in the Parameters cell and start again from section 1.
    3. Run sections 2, 3 and 4 again: the optimizers are built for the new variables, and
       train_step must be traced again for the new networks.
    4. Compare (the second cell below).

    What to look at, and how to read it:

    Loss curves. Section 3's check found D ahead at the end of the seed's run: D(x) above 1/2 and
    D(G(z)) below it. Look at the same two lines in the right-hand panel. If the wider generator is a
    better match for D, the two move closer together and D's loss moves up towards log 4. If they
    look the same, the generator's width was not what limited the game.

    Samples. The grids use the same z, so compare them cell by cell: sharper outlines, less
    speckle, more classes you can name? The losses cannot answer this (lesson 01); only the
    samples, or a measure such as FID (lesson 05), can.

    With MNIST, the levels of the curves depend on the data too, so compare their shapes with the
    Fashion-MNIST run, not their values. The printed times per epoch show what the change cost.
    """
    # 1. after section 4, before retraining
    seed_history = {key: list(values) for key, values in history.items()}
    seed_samples = generator(z_fixed, training=False).numpy()

    # 4. after sections 2 to 4 have run again
    seed_count = models.mlp_generator(Z_DIM).count_params()  # the seed's generator: hidden 128
    print(f"generator: {generator.count_params():,} parameters (the seed's: {seed_count:,})")
    viz.plot_losses(seed_history, smooth=50, title="the seed's generator, hidden 128")
    viz.plot_losses(history, smooth=50, title="the new run")
    viz.show_grids({"the seed's generator": seed_samples, "the new run": generator(z_fixed, training=False)},
                   ncols=9, size=5)
