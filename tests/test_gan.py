"""The Keras GAN model: same training as lesson 02's loop, Keras metrics, clear errors; DCGAN builders."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import data, models, training
from gan_course.gan import GAN


def _images(n=128, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def _pair(seed):
    gan_course.setup(seed, verbose=False)
    return models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16)


@pytest.mark.slow
def test_fit_trains_exactly_like_the_lesson_02_loop():
    # One epoch: Keras' fit opens a fresh iterator at the end of each epoch and another at the
    # start of the next, so later epochs see a different (equally random) shuffle than train().
    images = _images()
    g, d = _pair(9)
    history = training.train(g, d, images, 1, 16, seed=9, verbose=False)
    loop_weights = g.get_weights() + d.get_weights()

    g, d = _pair(9)
    gan = GAN(g, d, seed=9)
    gan.compile()
    logs = gan.fit(data.make_dataset(images, 16, seed=9), epochs=1, verbose=0).history
    for a, b in zip(loop_weights, g.get_weights() + d.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert logs["d_loss"][0] == pytest.approx(history.epoch_means("d_loss")[0], rel=1e-6)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}


def test_fit_on_arrays_and_generation():
    g, d = _pair(0)
    gan = GAN(g, d)
    gan.compile(loss="minimax")
    logs = gan.fit(_images(64), batch_size=16, epochs=2, verbose=0).history
    assert len(logs["g_loss"]) == 2 and all(v < 0 for v in logs["g_loss"])  # minimax G loss is log(1 - D) < 0
    assert gan(tf.zeros((3, 8))).shape == (3, 28, 28, 1)


def test_gan_bad_inputs():
    g, d = _pair(0)
    with pytest.raises(ValueError, match="generator makes samples of shape"):
        GAN(g, models.mlp_discriminator((32, 32, 3)))
    gan = GAN(g, d)
    with pytest.raises(RuntimeError, match="compile"):
        gan.fit(_images(16), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="unknown GAN loss 'hinj': choose one of 'minimax'"):
        gan.compile(loss="hinj")
    gan.compile()
    with pytest.raises(ValueError, match="divide by 127.5"):
        gan.fit(_images(32) * 127.5 + 127.5, batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="image shape"):
        gan.fit(np.zeros((32, 32, 32, 3), np.float32), batch_size=16, epochs=1, verbose=0)
    outside = tf.data.Dataset.from_tensor_slices(_images(32) * 3).batch(16)
    before = [w.copy() for w in gan.generator.get_weights() + gan.discriminator.get_weights()]
    with pytest.raises(ValueError, match=r"expected training images in \[-1, 1\]: .* no weight was changed by it\)$"):
        gan.fit(outside, epochs=1, verbose=0)
    after = gan.generator.get_weights() + gan.discriminator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))  # the first batch was refused before any update
    later = tf.data.Dataset.from_tensor_slices(np.concatenate([_images(16), _images(16) * 3])).batch(16)
    with pytest.raises(ValueError, match=r"expected training images in \[-1, 1\]"):
        gan.fit(later, epochs=1, verbose=0)  # a later batch, checked as it comes


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
@pytest.mark.parametrize(
    ("build_g", "build_d"),
    [
        (models.dcgan_seed_generator, models.dcgan_seed_discriminator),
        (models.dcgan_lean_generator, models.dcgan_lean_discriminator),
    ],
)
def test_dcgan_builders_shapes(shape, build_g, build_d):
    g, d = build_g(16, shape), build_d(shape)
    out = g(tf.random.normal((2, 16)), training=False)
    assert out.shape == (2, *shape) and float(tf.reduce_max(tf.abs(out))) <= 1.0
    assert d(out).shape == (2, 1)


def test_dcgan_rejects_sizes_not_divisible_by_4():
    with pytest.raises(ValueError, match="divisible by 4"):
        models.dcgan_lean_generator(16, (30, 30, 1))
    with pytest.raises(ValueError, match="z_dim"):
        models.dcgan_seed_generator(0)
    assert isinstance(models.dcgan_seed_discriminator(), keras.Model)


def test_several_discriminator_steps_and_custom_loss():
    from gan_course.losses import GANLoss, discriminator_loss, generator_loss_non_saturating

    calls = []

    def penalty(discriminator, real, fake):
        calls.append(1)  # traced once per D step inside the compiled train_step
        return 0.0

    g, d = _pair(2)
    gan = GAN(g, d, d_steps=3)
    gan.compile(loss=GANLoss("with_penalty", discriminator_loss, generator_loss_non_saturating, penalty))
    gan.fit(_images(32), batch_size=16, epochs=1, verbose=0)
    assert len(calls) == 3
    assert int(gan.d_optimizer.iterations) == 3 * 2 and int(gan.g_optimizer.iterations) == 2
    with pytest.raises(ValueError, match="d_steps"):
        GAN(g, d, d_steps=0)


def test_forward_macs_by_hand():
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(4 * 4 * 3),
            keras.layers.Reshape((4, 4, 3)),
            keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
            keras.layers.Conv2D(5, 3, strides=2, padding="same"),
        ]
    )
    dense = 8 * 48
    transposed = 4 * 4 * 3 * 3 * 3 * 2  # input pixels × kernel × C_in × C_out
    conv = 4 * 4 * 3 * 3 * 2 * 5  # output pixels (8x8 -> 4x4) × kernel × C_in × C_out
    assert models.forward_macs(model) == dense + transposed + conv
    seed = models.forward_macs(models.dcgan_seed_generator(100))
    lean = models.forward_macs(models.dcgan_lean_generator(100))
    assert seed == 100 * 7 * 7 * 256 + 49 * 25 * 256 * 128 + 49 * 25 * 128 * 64 + 196 * 25 * 64 and lean < seed / 10


def test_measure_throughput_counts_images():
    from gan_course.benchmark import measure_throughput

    gan = GAN(*_pair(0))
    gan.compile()
    rate = measure_throughput(gan, _images(160), batch_size=16, steps=4)
    assert np.isfinite(rate) and rate > 0
    assert int(gan.g_optimizer.iterations) == 3 + 4  # warm-up steps, then the timed ones
    with pytest.raises(ValueError, match="steps"):
        measure_throughput(gan, _images(16), steps=0)
    with pytest.raises(ValueError, match="needs batch_size × \\(steps \\+ 3\\) = 112 images"):
        measure_throughput(gan, _images(100), batch_size=16, steps=4)


@pytest.mark.slow
def test_steps_per_execution_takes_the_same_steps_and_race_counts_them():
    # Keras' steps_per_execution (an option of GAN.compile) runs several train_steps per call from
    # Python (issue 26): the same steps, so the same weights, moving average and epoch losses.
    from gan_course.benchmark import measure_throughput, race

    images = _images(128)
    runs = []
    for per_call in (1, 4):
        g, d = _pair(3)
        gan = GAN(g, d, seed=3, ema=0.9)
        gan.compile(steps_per_execution=per_call)
        logs = gan.fit(data.make_dataset(images, 16, seed=3), epochs=1, verbose=0).history
        runs.append((logs, gan.generator.get_weights() + gan.discriminator.get_weights(), gan.sampler.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1] + runs[0][2], runs[1][1] + runs[1][2]):
        np.testing.assert_array_equal(a, b)

    state = race({"k4": gan}, images, 0.2, slice_seconds=0.1, batch_size=16)
    assert state["k4"]["steps"] % 4 == 0 and state["k4"]["steps"] == int(gan.g_optimizer.iterations) - 8
    before = int(gan.g_optimizer.iterations)
    measure_throughput(gan, _images(16 * 11), batch_size=16, steps=8)  # counts steps, not calls of 4
    assert int(gan.g_optimizer.iterations) == before + 3 + 8


def test_dcgan_registry_names_both_lesson_03_models():
    assert set(models.DCGANS) == {"seed", "lean"}
    build_g, build_d = models.DCGANS["lean"]
    assert build_g is models.dcgan_lean_generator and build_d is models.dcgan_lean_discriminator


@pytest.mark.parametrize("ema", [None, 0.9])
def test_a_saved_gan_loads_samples_the_same_images_and_trains_on(tmp_path, ema):
    g, d = _pair(4)
    gan = GAN(g, d, seed=3, ema=ema)
    gan.compile(
        loss="hinge", d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.3), g_optimizer=training.default_optimizer()
    )
    images = _images(64)
    gan.fit(images, batch_size=16, epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    back = keras.models.load_model(tmp_path / "gan.keras")
    assert type(back) is GAN and (back.seed, back.d_steps, back.ema) == (3, 1, ema)
    z = np.random.default_rng(1).normal(size=(5, 8)).astype(np.float32)
    np.testing.assert_array_equal(back(z), gan(z))  # the sampler: the moving average when there is one
    np.testing.assert_array_equal(back.generator(z), gan.generator(z))
    assert back.gan_loss.name == "hinge" and float(back.d_optimizer.beta_1) == pytest.approx(0.3)
    for mine, theirs in zip(
        gan.d_optimizer.variables + gan.g_optimizer.variables, back.d_optimizer.variables + back.g_optimizer.variables
    ):
        np.testing.assert_array_equal(mine, theirs)  # Adam's moments and step counts: training goes on where it was
    assert int(back.g_optimizer.iterations) == 4
    if ema:
        assert int(back.ema_updates) == int(gan.ema_updates) == 4  # the average's warm-up goes on too
    before = [w.copy() for w in back.generator.get_weights()]
    back.fit(images, batch_size=16, epochs=1, verbose=0)
    assert int(back.g_optimizer.iterations) == 8
    assert all(np.all(np.isfinite(w)) for w in back.generator.get_weights())
    assert any(not np.array_equal(a, b) for a, b in zip(before, back.generator.get_weights()))


def test_a_gan_with_its_own_loss_loads_without_compiling_and_says_how(tmp_path):
    from gan_course import losses

    g, d = _pair(4)
    gan = GAN(g, d)
    hinge = losses.get_loss("hinge")
    mine = losses.GANLoss("my_hinge", hinge.discriminator, hinge.generator, output="score")
    gan.compile(loss=mine)
    gan.save(tmp_path / "gan.keras")
    with pytest.raises(ValueError, match=r"loss of your own, 'my_hinge'.*compile=False"):
        keras.models.load_model(tmp_path / "gan.keras")
    back = keras.models.load_model(tmp_path / "gan.keras", compile=False)
    back.compile(loss=mine)
    back.fit(_images(32), batch_size=16, epochs=1, verbose=0)
