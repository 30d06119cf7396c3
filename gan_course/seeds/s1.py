"""S1, seed 001 (§4): a "CNN GAN" whose generator makes 16×16 images, trained by a hand-written tape loop.

The program as printed is ``programs/s1.txt``; ``s1_failures`` runs it, fixes the error it stops at
(``programs/s1_fixes.txt``) and runs it again until it runs. Here also: its networks, its loss
(``s1_loss``), its loop (``s1_train``), ``resize_images`` for its 16×16 samples and the fixed version.

Used in lesson 09.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course._checks import integer
from gan_course._checks import shape as _shape
from gan_course.losses import GANLoss
from gan_course.seeds import _programs as programs
from gan_course.seeds._common import Failure, Failures, as_images, attempt, error_line, record
from gan_course.training import History


def _s1_generator_stack(z, start: tuple[int, int], channels, out_channels: int):
    h = layers.Dense(4 * 4 * 256, activation="relu")(z)
    h = layers.Dense(4 * 4 * 128, activation="relu")(h)
    h = layers.Dense(start[0] * start[1] * 64, activation="relu")(h)
    h = layers.Reshape((start[0], start[1], 64))(h)
    for width in channels:
        h = layers.Conv2DTranspose(width, (4, 4), strides=(2, 2), padding="same")(h)
        h = layers.BatchNormalization()(h)
        h = layers.Activation("relu")(h)
    h = layers.Conv2DTranspose(out_channels, (4, 4), padding="same")(h)
    return layers.Activation("tanh")(h)


def s1_generator(z_dim: int = 100) -> keras.Model:
    """Seed 001 §4's generator, as printed: z -> Dense(4·4·256, relu) -> Dense(4·4·128, relu) -> Dense(4·4·64, relu)
    -> Reshape(4, 4, 64) -> Conv2DTranspose 128 4×4 s2 -> BN -> ReLU -> Conv2DTranspose 256 4×4 s2 -> BN
    -> ReLU -> Conv2DTranspose 1 4×4 (stride 1) -> tanh.

    Two stride-2 steps from 4×4 make **16×16** images, not MNIST's 28×28 (bug). The seed writes the
    stack as a function that adds new layers at every call; here it is built once as a model.
    Introduced in lesson 09.
    """
    z_dim = integer(z_dim, "z_dim (the noise size, e.g. 100)", 1)
    z = keras.Input((z_dim,))
    return keras.Model(z, _s1_generator_stack(z, (4, 4), (128, 256), 1), name="s1_generator")


def _s1_discriminator_stack(x, logits: bool):
    h = x
    for width in (64, 128, 256):
        h = layers.Conv2D(width, (4, 4), strides=(2, 2), padding="same")(h)
        h = layers.BatchNormalization()(h)
        h = layers.Activation("relu")(h)
    h = layers.Flatten()(h)
    return layers.Dense(1)(h) if logits else layers.Dense(1, activation="sigmoid")(h)


def s1_discriminator(image_shape=(16, 16, 1)) -> keras.Model:
    """Seed 001 §4's discriminator: three Conv2D 4×4 s2 (64, 128, 256), each with BN and ReLU -> Flatten ->
    Dense(1, sigmoid). Built for 16×16 by default, the size S1's generator makes. Introduced in lesson 09.
    """
    shape = _shape(image_shape, "image_shape (height, width, channels)", rank=3)
    x = keras.Input(shape)
    return keras.Model(x, _s1_discriminator_stack(x, logits=False), name="s1_discriminator")


def _s1_d_loss(real_out, fake_out):
    return tf.reduce_mean(fake_out) + tf.reduce_mean(real_out)


def _s1_g_loss(fake_out):
    return tf.reduce_mean(-fake_out)


def s1_loss() -> GANLoss:
    """Seed 001 §4's losses as a ``losses.GANLoss``: D minimises mean D(G(z)) + mean D(x), G minimises -mean D(G(z)).

    D's output (a sigmoid) is read as a raw score. The real term has the wrong sign: D is trained
    to score real samples low as well as fakes, so nothing teaches it to tell them apart. The seed
    adds the two output tensors before taking the mean, which fails unless both batches have one
    size; the means are taken separately here. Introduced in lesson 09.
    """
    return GANLoss(
        "seed001",
        _s1_d_loss,
        _s1_g_loss,
        output="score",
        healthy="none: this loss lowers D's scores on real and fake samples alike, so D never learns to tell them",
    )


def s1_train(generator, discriminator, images, steps: int, batch_size: int = 64, seed: int = 0) -> History:
    """Seed 001 §4's loop, with only the fixes it needs to run (``s1_failures``), for ``steps`` "epochs".

    As printed: the noise is drawn once, before the loop, so G sees the same ``batch_size`` vectors
    every step; each "epoch" is one step on *all* of ``images`` at once (there is no loop over
    batches: pass a few hundred images, not 60 000); D's loss is mean D(G(z)) + mean D(x) and G's
    -mean D(G(z)) on D's sigmoid outputs (``s1_loss``); Adam(2e-4, beta_1=0.5) for each network;
    both gradients taken from one forward pass. ``images`` must have the shape D takes (16×16 for
    the faithful pair: ``resize_images(images, 16)``).

    Recorded per step: ``d_loss``, ``g_loss``, and D's mean output ``d_real`` and ``d_fake``.
    Introduced in lesson 09.
    """
    steps = integer(steps, "steps (training steps to run)", 1)
    batch_size = integer(batch_size, "batch_size (the noise batch, e.g. 64)", 1)
    images = as_images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
    z_dim = int(generator.inputs[0].shape[-1])
    noise = tf.random.Generator.from_seed(integer(seed, "seed", 0)).normal((batch_size, z_dim))
    real = tf.constant(images)
    g_opt, d_opt = keras.optimizers.Adam(0.0002, 0.5), keras.optimizers.Adam(0.0002, 0.5)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    @tf.function
    def step():
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = generator(noise, training=True)
            fake_out = discriminator(fake, training=True)
            real_out = discriminator(real, training=True)
            d_loss = _s1_d_loss(real_out, fake_out)
            g_loss = _s1_g_loss(discriminator(fake, training=True))
        g_grads = gen_tape.gradient(g_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(d_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return d_loss, g_loss, tf.reduce_mean(real_out), tf.reduce_mean(fake_out)

    history = History(loss=s1_loss())
    history.steps_per_epoch = 1
    start = time.perf_counter()
    for _ in range(steps):
        d_loss, g_loss, d_real, d_fake = step()
        record(history, d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
    history.seconds = time.perf_counter() - start
    return history


def _source(fixes: int = 0) -> str:
    """Seed 001 §4's program as printed (line breaks restored) with its first ``fixes`` fixes applied; with every
    fix it runs, and is the loop ``s1_train`` runs."""
    return programs.apply(programs.program("s1"), programs.fixes("s1")[:fixes])


def _first_line_of(source: str, err: BaseException) -> str:
    """The program line where ``err`` was raised (or the last line of the program)."""
    lines = source.splitlines()
    tb = err.__traceback__
    number = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<seed 001 §4>":
            number = tb.tb_lineno
        tb = tb.tb_next
    if number is None and isinstance(err, SyntaxError):
        number = err.lineno
    if number is None or not 1 <= number <= len(lines):
        return lines[-1].strip()
    return lines[number - 1].strip()


def s1_failures(images=None) -> Failures:
    """Run seed 001 §4's program as printed, fix the error it stops at, run again, until it runs; return the errors.

    The first failure is the page itself: the code block lost its line breaks, so the program is one
    line of Python that does not parse. From then on the program runs with its line breaks restored;
    each ``Failure`` gives the line that failed, the error and the fix applied before the next run
    (``programs/s1_fixes.txt``; applied all together they give ``s1_train``'s loop). ``images`` (default: eight
    blank 28×28 images) play ``X_train``; each run is one "epoch" with 4 noise vectors.
    Introduced in lesson 09.
    """
    if images is None:
        images = np.zeros((8, 28, 28, 1), np.float32)
    images = as_images(images, shape=(28, 28, 1))
    failures = Failures()
    flattened = " ".join(programs.program("s1").splitlines()[:2])  # as the page prints its first two lines
    fix = "the code block lost its line breaks: restore them"
    attempt(failures, "001 §4", flattened, fix, lambda: compile(flattened, "<seed 001 §4>", "exec"))
    fixes = programs.fixes("s1")
    for applied in range(len(fixes) + 1):
        source = _source(applied)
        namespace = {"__name__": "seed001", "IMAGES": images}
        try:
            exec(compile(source, "<seed 001 §4>", "exec"), namespace)  # noqa: S102 - the seed's own program
        except Exception as err:  # noqa: BLE001 - whatever the seed's code raises is what the lesson shows
            expected, fix = (fixes[applied].error, fixes[applied].why) if applied < len(fixes) else (None, None)
            if type(err).__name__ != expected:  # this TensorFlow fails differently: show it, and stop
                fix = f"(this fix list expected {expected or 'no error'} here; the program stops)"
            failures.append(Failure("001 §4", _first_line_of(source, err), type(err).__name__, error_line(err), fix))
            if type(err).__name__ != expected:
                break
            continue
        break
    return failures


def resize_images(images, size) -> np.ndarray:
    """Images (N, H, W, C) resized to ``size`` × ``size`` (or ``(height, width)``) by area averaging, range kept.

    S1's generator makes 16×16 images: its faithful run trains on the data shrunk to 16×16, and
    its samples are enlarged back to 28×28 for the course's classifier. Introduced in lesson 09.
    """
    arr = as_images(images)
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    if not isinstance(size, (tuple, list)) or len(size) != 2 or any(int(s) < 1 for s in size):
        raise ValueError(f"size must be a positive integer or (height, width), got {size!r}")
    method = "area" if size[0] <= arr.shape[1] else "bilinear"
    out = tf.image.resize(arr, tuple(int(s) for s in size), method=method).numpy()
    return np.clip(out, arr.min(), arr.max()).astype(np.float32)


def s1_fixed_generator(z_dim: int = 100, image_shape=(28, 28, 1), channels=(128, 256)) -> keras.Model:
    """S1's generator fixed to make ``image_shape`` (28×28): the seed's layers with the third Dense sized for and
    reshaped to H/4 × W/4 × 64 (7×7 for MNIST) instead of 4×4, so that two stride-2 steps reach H × W.

    ``channels`` are the two transposed convolutions' widths (the seed's 128, 256); fewer make it
    cheaper on a CPU. Introduced in lesson 09.
    """
    z_dim = integer(z_dim, "z_dim (the noise size, e.g. 100)", 1)
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or shape[0] % 4 or shape[1] % 4:
        raise ValueError(f"image_shape must be (H, W, C) with H and W divisible by 4, e.g. (28, 28, 1), got {shape}")
    channels = tuple(integer(c, "each of channels (e.g. (128, 256))", 1) for c in channels)
    if len(channels) != 2:
        raise ValueError(f"channels must give two widths (the two stride-2 layers), got {channels!r}")
    z = keras.Input((z_dim,))
    images = _s1_generator_stack(z, (shape[0] // 4, shape[1] // 4), channels, shape[2])
    return keras.Model(z, images, name="s1_fixed_generator")


def s1_fixed_discriminator(image_shape=(28, 28, 1)) -> keras.Model:
    """S1's discriminator fixed: the same three convolutions with BN and ReLU, ending in Dense(1), a logit for the
    course's losses (D is called on real and fake batches separately, so its BatchNorm sees one kind at a time).
    Introduced in lesson 09.
    """
    shape = _shape(image_shape, "image_shape (height, width, channels)", rank=3)
    x = keras.Input(shape)
    return keras.Model(x, _s1_discriminator_stack(x, logits=True), name="s1_fixed_discriminator")


def s1_fixed(z_dim: int = 100, image_shape=(28, 28, 1), channels=(128, 256), seed: int = 0):
    """Seed 001's GAN fixed: ``s1_fixed_generator`` and ``s1_fixed_discriminator`` in a ``gan.GAN`` from ``build_gan``.

    The non-saturating loss on logits; the seed's own optimizer settings, Adam(2e-4, beta_1=0.5),
    which are the course's; fresh noise and a new batch every step. Introduced in lesson 09.
    """
    from gan_course.gan import build_gan

    seed = integer(seed, "seed", 0)
    return build_gan(
        s1_fixed_generator(z_dim, image_shape, channels),
        s1_fixed_discriminator(image_shape),
        loss="non_saturating",
        lr=2e-4,
        beta_1=0.5,
        seed=seed,
    )
