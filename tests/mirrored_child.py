"""Run by tests/test_distribute.py in a fresh process: the CPU split into 2 logical devices, then checks.

TensorFlow fixes its devices when it starts, so this cannot run inside the pytest process. Prints
one JSON line (prefixed RESULT) with what it measured; the test asserts on it.
"""

import contextlib
import json
import sys

from gan_course.distributed import _reference_images, reference_run, split_cpu

split_cpu(2)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gan_course  # noqa: E402
from gan_course import data, models, training  # noqa: E402
from gan_course.gan import build_gan  # noqa: E402
from gan_course.scaled import ScaledGAN  # noqa: E402

result = {}


def error_of(fn):
    try:
        fn()
    except (ValueError, RuntimeError, tf.errors.InvalidArgumentError) as err:
        return f"{type(err).__name__}: {err}"
    return None


# --- XLA first: Keras keeps jit_compile off once op determinism is on, and setup() turns it on for good
gan_course.setup(0, verbose=False, deterministic=False)
images = _reference_images()
runs = {}
for jit in (False, True):
    gan_course.setup(0, verbose=False, deterministic=False)
    gan = build_gan(models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16), jit_compile=jit)
    runs[jit] = gan.fit(data.make_dataset(images, 16, shuffle=False), epochs=2, verbose=0).history
    result[f"jit_{jit}"] = bool(gan.jit_compile)
result["xla_loss_difference"] = max(abs(a - b) for k in runs[False] for a, b in zip(runs[False][k], runs[True][k]))
outside = tf.data.Dataset.from_tensor_slices(images * 3).batch(16)
result["xla_range_error"] = error_of(lambda: gan.fit(outside, epochs=1, verbose=0))

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
result["replicas"] = strategy.num_replicas_in_sync

# --- the noise: TensorFlow's per-replica streams vs the rows of one device's draw
one_device = tf.random.Generator.from_seed(7).normal((6, 4)).numpy()
with strategy.scope():
    folded = tf.random.Generator.from_seed(7)
    sliced = tf.random.Generator.from_seed(7)


@tf.function
def draws():
    own = strategy.run(lambda: folded.normal((3, 4)))
    ours = strategy.run(lambda: training.draw_noise(sliced, tf.constant(3), 4))
    return strategy.experimental_local_results(own), strategy.experimental_local_results(ours)


own, ours = draws()
result["tf_streams_differ_from_one_device"] = float(np.abs(np.concatenate(own) - one_device).max())
result["tf_streams_differ_between_replicas"] = float(np.abs(own[0].numpy() - own[1].numpy()).max())
result["draw_noise_vs_one_device"] = float(np.abs(np.concatenate(ours) - one_device).max())

# --- our scaling is Keras' own rule (keras.src is private: compared, not imported by the package)
try:
    from keras.src.losses.loss import scale_loss_for_distribution
except ImportError:  # a later Keras moved it
    scale_loss_for_distribution = None
if scale_loss_for_distribution is not None:
    three = tf.constant(3.0)
    both = strategy.run(tf.function(lambda: (training.scale_for_replicas(three), scale_loss_for_distribution(three))))
    result["scale_ours_keras"] = [float(strategy.experimental_local_results(v)[0]) for v in both]

# --- one device vs two replicas, same global batches
single = reference_run(None)
mirrored = reference_run(strategy)
result["mirrored_vs_single"] = mirrored.max_difference(single)
result["mirrored_replicas"] = mirrored.replicas
result["single_history"] = single.history

# negative controls: what the tolerance would catch
scale, draw = training.scale_for_replicas, training.draw_noise
training.scale_for_replicas = lambda loss: loss
result["unscaled_vs_single"] = reference_run(strategy).max_difference(single)
training.scale_for_replicas = scale
training.draw_noise = lambda rng, n, z_dim: rng.normal((n, z_dim))  # TensorFlow's per-replica streams
result["tf_streams_vs_single"] = reference_run(strategy).max_difference(single)
training.draw_noise = draw


# --- BatchNorm: per-replica statistics, or synchronized over the global batch
def bn_run(strategy_or_none, synchronized):
    with strategy_or_none.scope() if strategy_or_none else contextlib.nullcontext():
        gan_course.setup(0, verbose=False)
        g = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(16),
                keras.layers.BatchNormalization(synchronized=synchronized),
                keras.layers.LeakyReLU(),
                keras.layers.Dense(64, activation="tanh"),
                keras.layers.Reshape((8, 8, 1)),
            ]
        )
        gan = build_gan(g, models.mlp_discriminator((8, 8, 1), 16), lr=1e-3)
    history = gan.fit(data.make_dataset(images, 16, shuffle=False), epochs=2, verbose=0).history
    copies = [v.value.values if strategy_or_none else [v.value] for v in g.non_trainable_weights]
    spread = max(float(np.abs(c[-1].numpy() - c[0].numpy()).max()) for c in copies)
    return history, spread


bn_single, _ = bn_run(None, False)
for synchronized in (False, True):
    history, spread = bn_run(strategy, synchronized)
    difference = max(abs(a - b) for k in history for a, b in zip(history[k], bn_single[k]))
    result[f"bn_synchronized_{synchronized}"] = {"loss_difference": difference, "moving_stat_spread": spread}

# --- bad input, each refused before training
g_out, d_out = models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16)
with strategy.scope():
    result["outside_scope"] = error_of(lambda: ScaledGAN(g_out, d_out))
with strategy.scope():
    g_in, d_in = models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16)
result["gan_outside_scope"] = error_of(lambda: ScaledGAN(g_in, d_in))
with strategy.scope():
    gan = ScaledGAN(g_in, d_in)
result["compile_outside_scope"] = error_of(lambda: gan.compile())
with strategy.scope():
    result["jit_under_strategy"] = error_of(lambda: gan.compile(jit_compile=True))
    result["clipnorm_under_strategy"] = error_of(lambda: gan.compile(d_optimizer=keras.optimizers.Adam(clipnorm=1.0)))
    gan.compile()
result["odd_dataset_batch"] = error_of(lambda: gan.fit(data.make_dataset(images, 15), epochs=1, verbose=0))
unknown = tf.data.Dataset.from_tensor_slices(images).batch(16)
result["unknown_batch"] = error_of(lambda: gan.fit(unknown, epochs=1, verbose=0))
result["odd_array_batch"] = error_of(lambda: gan.fit(images, batch_size=15, epochs=1, verbose=0))
result["odd_last_batch"] = error_of(lambda: gan.fit(images[:117], batch_size=16, epochs=1, verbose=0))
result["even_last_batch"] = error_of(lambda: gan._check_global_batch(None, 16, 120))  # last batch 8: fine

print("RESULT " + json.dumps(result))
sys.stdout.flush()
