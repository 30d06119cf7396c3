"""S3, seed 003 (the full example): a PyTorch MLP generator and CNN discriminator, ported to Keras.

Its networks (with PyTorch's initialisation), PyTorch's ``BCELoss`` written out, its loop (``s3_train``:
real and fake in one D batch), the ways it fails as printed (``s3_failures``) and the fixed version.

Used in lesson 09.
"""

from __future__ import annotations

import math
import os
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_course._checks import integer, number
from gan_course.losses import get_loss
from gan_course.seeds._common import Failure, Failures, as_images, attempt, record
from gan_course.training import History


def _torch_init(fan_in: int) -> dict:
    """PyTorch's default initialisation of nn.Linear and nn.Conv2d, as Keras initializers.

    PyTorch draws weights from kaiming_uniform(a=√5), i.e. U(-1/√fan_in, 1/√fan_in), which is Keras'
    VarianceScaling(1/3, "fan_in", "uniform"); it draws biases from the same range, which Keras has
    no fan-in-aware initializer for, so the bound is computed here.
    """
    bound = 1.0 / math.sqrt(fan_in)
    return {
        "kernel_initializer": keras.initializers.VarianceScaling(1.0 / 3.0, "fan_in", "uniform"),
        "bias_initializer": keras.initializers.RandomUniform(-bound, bound),
    }


def s3_generator() -> keras.Model:
    """Seed 003's PyTorch generator in Keras: z (batch, 100) -> Linear 256 -> ReLU -> Linear 512 -> ReLU -> Linear 784
    -> tanh -> (28, 28, 1).

    PyTorch's ``view(-1, 1, 28, 28)`` is channels-first; with one channel it is the same image as
    Keras' (28, 28, 1). Weights start as PyTorch's would (``_torch_init``). Introduced in lesson 09.
    """
    return keras.Sequential(
        [
            keras.Input((100,)),
            layers.Dense(256, activation="relu", **_torch_init(100)),
            layers.Dense(512, activation="relu", **_torch_init(256)),
            layers.Dense(784, activation="tanh", **_torch_init(512)),
            layers.Reshape((28, 28, 1)),
        ],
        name="s3_generator",
    )


def s3_discriminator(logits: bool = False) -> keras.Model:
    """Seed 003's PyTorch discriminator in Keras: three Conv2d 3×3 stride 2 padding 1 (64, 128, 256), each with
    LeakyReLU(0.2) -> Flatten -> Linear(1) -> Sigmoid; with ``logits=True`` the sigmoid is left to the loss.

    PyTorch's ``padding=1`` pads one pixel on every side, which Keras' ``padding="same"`` does not do
    for stride 2 on an even size, so each convolution is ``ZeroPadding2D(1)`` and a ``"valid"`` Conv2D:
    28 -> 14 -> 7 -> 4. The features are 256·4·4 = 4096 wide; the seed's ``nn.Linear(256*3*3, 1)``
    expects 2304, so its program stops at the first batch (``s3_failures``); Keras' Dense takes its
    width from the input, so this port runs. Weights start as PyTorch's would. Introduced in lesson 09.
    """
    if not isinstance(logits, (bool, np.bool_)):
        raise ValueError(f"logits must be True or False, got {logits!r}")
    stack = [keras.Input((28, 28, 1))]
    for width, c_in in ((64, 1), (128, 64), (256, 128)):
        stack += [
            layers.ZeroPadding2D(1),
            layers.Conv2D(width, 3, strides=2, padding="valid", **_torch_init(9 * c_in)),
            layers.LeakyReLU(negative_slope=0.2),
        ]
    stack += [layers.Flatten(), layers.Dense(1, **_torch_init(256 * 4 * 4))]
    if not logits:
        stack.append(layers.Activation("sigmoid"))
    return keras.Sequential(stack, name="s3_discriminator_logits" if logits else "s3_discriminator")


@tf.custom_gradient
def _torch_bce_sum(p, target):
    """Binary cross-entropy summed over the batch, as PyTorch's nn.BCELoss computes it.

    PyTorch clamps each log at -100 and, going backwards, divides by max(p(1-p), 1e-12). Keras'
    BinaryCrossentropy clips p to [1e-7, 1 - 1e-7] instead (and inside a tf.function reads the
    logits behind a sigmoid), so it neither matches PyTorch nor can be configured to; written out here.
    """
    log_p = tf.maximum(tf.math.log(p), -100.0)
    log_q = tf.maximum(tf.math.log(1.0 - p), -100.0)
    value = -tf.reduce_sum(target * log_p + (1.0 - target) * log_q)

    def grad(upstream):
        return upstream * (p - target) / tf.maximum(p * (1.0 - p), 1e-12), None

    return value, grad


def _torch_bce(p, target):
    return _torch_bce_sum(p, target) / tf.cast(tf.size(p), p.dtype)


def s3_train(
    generator,
    discriminator,
    images,
    steps: int,
    batch_size: int = 100,
    lr: float = 2e-4,
    beta_1: float = 0.9,
    seed: int = 0,
) -> History:
    """Seed 003's training loop for ``steps`` batches, ported from PyTorch; returns a ``training.History``.

    Per batch, as printed: fakes from fresh noise; **one** D batch of fakes and real images
    concatenated, labels 0 and 1, ``nn.BCELoss``; then G's step on fresh noise with labels 1
    (the non-saturating loss -log D(G(z))). Adam(``lr``, betas (``beta_1``, 0.999), eps 1e-8) for
    each network: ``beta_1=0.9`` is PyTorch's default, the seed's; 0.5 is the known fix. The data
    are reshuffled every epoch and the last batch may be short, as PyTorch's DataLoader does.

    With a sigmoid D (``s3_discriminator()``) the loss is PyTorch's BCELoss (``_torch_bce``); with a
    logit D (``logits=True``) it is the loss on logits (BCEWithLogitsLoss), the other known fix.
    Recorded per step: ``d_loss`` (real + fake cross-entropy, i.e. twice the mixed-batch mean the
    seed prints), ``g_loss``, ``d_real``, ``d_fake`` (D's mean probability in its step).
    Introduced in lesson 09.
    """
    from gan_course.clinic import output_activation

    steps = integer(steps, "steps (training steps to run)", 1)
    batch_size = integer(batch_size, "batch_size (the seed uses 100)", 1)
    seed = integer(seed, "seed", 0)
    lr, beta_1 = number(lr, "lr (e.g. 2e-4)", positive=True), number(beta_1, "beta_1 (e.g. 0.5)", minimum=0.0)
    if lr >= 1 or beta_1 >= 1:
        raise ValueError(f"lr and beta_1 must be below 1, got lr={lr:g} and beta_1={beta_1:g}")
    images = as_images(images, shape=tuple(discriminator.inputs[0].shape[1:]))
    activation = output_activation(discriminator)
    if activation not in ("sigmoid", "linear"):
        raise ValueError(f"D must end in a sigmoid (BCELoss) or a logit (BCEWithLogitsLoss), got {activation!r}")
    on_logits = activation == "linear"
    z_dim = int(generator.inputs[0].shape[-1])

    def bce(out, target):
        if on_logits:
            return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=out))
        return _torch_bce(out, target)

    def prob(out):
        return tf.sigmoid(out) if on_logits else out

    noise = tf.random.Generator.from_seed(seed)
    g_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=0.999, epsilon=1e-8)
    d_opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=0.999, epsilon=1e-8)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    @tf.function(reduce_retracing=True)
    def step(real):
        n = tf.shape(real)[0]
        fake = generator(noise.normal((n, z_dim)), training=True)
        combined = tf.concat([fake, real], axis=0)
        labels = tf.concat([tf.zeros((n, 1)), tf.ones((n, 1))], axis=0)
        with tf.GradientTape() as tape:
            out = discriminator(combined, training=True)
            d_loss = bce(out, labels)
        d_vars = discriminator.trainable_variables
        d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        with tf.GradientTape() as tape:
            g_out = discriminator(generator(noise.normal((n, z_dim)), training=True), training=True)
            g_loss = bce(g_out, tf.ones((n, 1)))
        g_vars = generator.trainable_variables
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        p = prob(out)
        return 2.0 * d_loss, g_loss, tf.reduce_mean(p[n:]), tf.reduce_mean(p[:n])

    history = History(loss=get_loss("non_saturating"))
    history.steps_per_epoch = math.ceil(len(images) / batch_size)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    done = 0
    while done < steps:
        order = rng.permutation(len(images))
        for first in range(0, len(images), batch_size):
            d_loss, g_loss, d_real, d_fake = step(tf.constant(images[order[first : first + batch_size]]))
            record(history, d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
            done += 1
            if done == steps:
                break
    history.seconds = time.perf_counter() - start
    return history


def s3_failures() -> Failures:
    """The ways seed 003's PyTorch program fails as printed, each reproduced where this machine can.

    1. ``G.cuda()``: on a machine without an NVIDIA GPU PyTorch stops here (not run: PyTorch is not
       one of the course's packages).
    2. ``self.fc1 = nn.Linear(256*3*3, 1)``: the three stride-2 convolutions leave 4×4, not 3×3, so
       the first batch stops with a shape error; reproduced with a Keras Dense built for 2304 inputs
       fed the port's 4096 features.
    3. ``plt.savefig('samples/sample_{:04d}.png')``: the folder is never created; reproduced in an
       empty temporary folder.

    (``plt.imshow(images[j])`` on a (28, 28, 1) array raised TypeError in older matplotlib; recent
    versions draw it, in false colour.) Introduced in lesson 09.
    """
    failures = Failures(
        [
            Failure(
                "003 full example",
                "G.cuda(); D.cuda(); ... .cuda()",
                "",
                "PyTorch stops at the first .cuda() on a machine without an NVIDIA GPU and driver",
                "pick the device: device = 'cuda' if torch.cuda.is_available() else 'cpu'; G.to(device), "
                "tensors .to(device)",
                ran=False,
            )
        ]
    )
    features = keras.Sequential(s3_discriminator(logits=True).layers[:-1])

    def linear_2304():
        fc1 = layers.Dense(1)
        fc1.build((None, 256 * 3 * 3))
        fc1(features(np.zeros((2, 28, 28, 1), np.float32)))

    attempt(
        failures,
        "003 full example",
        "self.fc1 = nn.Linear(256*3*3, 1)",
        "28 -> 14 -> 7 -> 4 after three stride-2 convolutions: nn.Linear(256*4*4, 1) (PyTorch: (4096x1), the "
        "shapes the batch has)",
        linear_2304,
    )

    def save_without_folder():
        from matplotlib.figure import Figure

        with tempfile.TemporaryDirectory() as folder:
            try:
                Figure(figsize=(1, 1)).savefig(os.path.join(folder, "samples", "sample_0000.png"))
            except OSError as err:
                raise type(err)(err.errno, err.strerror, os.path.join("samples", "sample_0000.png")) from None

    attempt(
        failures,
        "003 full example",
        "plt.savefig('samples/sample_{:04d}.png'.format(epoch))",
        "create the folder first: os.makedirs('samples', exist_ok=True)",
        save_without_folder,
    )
    return failures


def s3_fixed(seed: int = 0):
    """Seed 003's GAN fixed: the same networks with D ending in a logit (``s3_discriminator(logits=True)``), the
    non-saturating loss on logits and Adam(2e-4, beta_1=0.5), in a ``gan.GAN`` from ``build_gan``.

    The course's step calls D on real and fake batches separately; with no BatchNorm in this D,
    that gives the same loss as the seed's mixed batch (up to the factor 2). Introduced in lesson 09.
    """
    from gan_course.gan import build_gan

    return build_gan(
        s3_generator(),
        s3_discriminator(logits=True),
        loss="non_saturating",
        lr=2e-4,
        beta_1=0.5,
        seed=integer(seed, "seed", 0),
    )
