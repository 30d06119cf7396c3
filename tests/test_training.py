"""The package's training loop: same losses as a loop written out by hand, repeatable, guarded."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import data, losses, models, training


def _images(n=64, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def _models(seed, z_dim=8):
    gan_course.setup(seed, verbose=False)
    return models.mlp_generator(z_dim, hidden=16), models.mlp_discriminator(hidden=16)


@pytest.mark.slow
def test_train_matches_hand_written_loop():
    images, seed, z_dim = _images(), 7, 8
    generator, discriminator = _models(seed)
    history = training.train(generator, discriminator, images, epochs=2, batch_size=16, seed=seed, verbose=False)

    # The loop of lesson 02, written out again independently of gan_course.training.
    generator, discriminator = _models(seed)
    d_opt, g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    rng = tf.random.Generator.from_seed(seed)

    @tf.function
    def step(real):
        n = tf.shape(real)[0]
        fake = generator(rng.normal((n, z_dim)), training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.discriminator_loss(discriminator(real, training=True), discriminator(fake, training=True))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            g_loss = losses.generator_loss_non_saturating(
                discriminator(generator(rng.normal((n, z_dim)), training=True), training=True)
            )
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    d_hand, g_hand = [], []
    dataset = data.make_dataset(images, 16, seed=seed)
    for _ in range(2):
        for real in dataset:
            d_loss, g_loss = step(real)
            d_hand.append(float(d_loss))
            g_hand.append(float(g_loss))
    assert len(d_hand) == 8
    np.testing.assert_array_equal(history["d_loss"], d_hand)
    np.testing.assert_array_equal(history["g_loss"], g_hand)


@pytest.mark.slow
def test_same_seed_same_losses_other_seed_differs():
    runs = []
    for seed in (3, 3, 4):
        generator, discriminator = _models(seed)
        runs.append(training.train(generator, discriminator, _images(), 1, 16, seed=seed, verbose=False))
    np.testing.assert_array_equal(runs[0]["d_loss"], runs[1]["d_loss"])
    np.testing.assert_array_equal(runs[0]["g_loss"], runs[1]["g_loss"])
    assert not np.array_equal(runs[0]["d_loss"], runs[2]["d_loss"])


def test_generator_step_leaves_discriminator_alone():
    generator, discriminator = _models(0)
    before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    frozen_d = keras.optimizers.SGD(0.0)  # D's own step does nothing ...
    training.train(generator, discriminator, _images(), 1, 16, d_optimizer=frozen_d, verbose=False)
    for a, b in zip(before, discriminator.get_weights()):  # ... so D must be unchanged
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, generator.get_weights()))


def test_history_and_callbacks():
    generator, discriminator = _models(1)
    seen = []
    history = training.train(
        generator, discriminator, _images(), 3, 16, verbose=False, callbacks=[lambda e, h: seen.append((e, h.epochs))]
    )
    assert seen == [(1, 1), (2, 2), (3, 3)]
    assert history.epoch_means("d_loss").shape == (3,)
    assert np.all((history["d_real"] > 0) & (history["d_real"] < 1))


@pytest.mark.slow
def test_on_points_each_network_lowers_its_own_loss():
    # 1-D points N(2, 0.5); with the other network frozen, each step must lower its own network's loss
    points = np.random.default_rng(0).normal(2, 0.5, (256, 1)).astype(np.float32)

    def run(frozen):
        gan_course.setup(0, verbose=False)
        generator, discriminator = models.toy_generator(1, 1), models.toy_discriminator(1)
        keep = (
            {"g_optimizer": keras.optimizers.SGD(0.0)} if frozen == "G" else {"d_optimizer": keras.optimizers.SGD(0.0)}
        )
        history = training.train(generator, discriminator, points, 4, 64, lr=1e-2, verbose=False, **keep)
        return history, generator, discriminator

    history, generator, discriminator = run(frozen="G")
    assert len(history["d_loss"]) == 16  # 256 points in batches of 64, 4 epochs
    assert history.epoch_means("d_loss")[-1] < history["d_loss"][0] - 0.2
    assert history.epoch_means("g_loss")[-1] > history["g_loss"][0]  # a better D is worse news for G
    fake = generator(np.random.default_rng(1).normal(size=(256, 1)).astype(np.float32), training=False)
    assert float(np.mean(discriminator(points))) > float(np.mean(discriminator(fake)))  # D tells them apart

    history, _, _ = run(frozen="D")
    assert history.epoch_means("g_loss")[-1] < history["g_loss"][0] - 0.2
    assert history.epoch_means("d_loss")[-1] > history["d_loss"][0]  # G fools the frozen D more
    assert history.epoch_means("d_real")[-1] == pytest.approx(history["d_real"][0], abs=0.02)  # D did not move


def test_bad_inputs_give_clear_errors():
    generator, discriminator = _models(0)
    with pytest.raises(ValueError, match="divide by 127.5"):
        training.train(generator, discriminator, _images() * 127.5 + 127.5, 1, 16, verbose=False)
    with pytest.raises(ValueError, match="uint8"):
        training.train(generator, discriminator, np.zeros((16, 28, 28, 1), np.uint8), 1, 16, verbose=False)
    with pytest.raises(ValueError, match=r"generator makes samples of shape \(28, 28, 1\).*\(32, 32, 3\)"):
        big = np.zeros((16, 32, 32, 3), np.float32)
        training.train(generator, models.mlp_discriminator((32, 32, 3)), big, 1, 16, verbose=False)
    with pytest.raises(ValueError, match="larger than the data"):
        training.train(generator, discriminator, _images(10), 1, 16, verbose=False)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        training.train(generator, discriminator, _images(), 0, 16, verbose=False)
    with pytest.raises(ValueError, match="one logit"):
        bad_d = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
        training.train(generator, bad_d, _images(), 1, 16, verbose=False)


def test_generate_in_batches_gives_the_samples_of_one_call():
    gan_course.setup(0, verbose=False)
    g = models.mlp_generator(4, (4, 4, 1), hidden=8)
    z = np.random.default_rng(0).normal(size=(7, 4)).astype(np.float32)
    whole = training.generate(g, z).numpy()
    for batch_size in (1, 3, 7, 100):  # a last, smaller batch, and a batch larger than z
        batched = training.generate(g, z, batch_size=batch_size)
        assert isinstance(batched, np.ndarray) and batched.shape == (7, 4, 4, 1)
        np.testing.assert_allclose(batched, whole, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        training.generate(g, z, batch_size=0)


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["non_saturating", "wgan_clip"])
def test_train_runs_an_epoch_in_one_call_with_the_per_step_loops_losses(loss):
    # train() runs each epoch's steps in a loop inside one tf.function (issue 26); it must take
    # exactly the steps of the Python loop over the batches it replaced: the same losses and
    # weights, bitwise, here for a conditional pair, two D steps per G step and WGAN's clipping.
    points = np.random.default_rng(0).normal(1, 0.5, (96, 2)).astype(np.float32)
    labels = np.arange(96) % 3

    def pair():
        gan_course.setup(5, verbose=False)
        return models.toy_generator(2, 2, hidden=(8,), n_classes=3), models.toy_discriminator(2, (8,), n_classes=3)

    g, d = pair()
    history = training.train(g, d, points, 2, 32, labels=labels, loss=loss, d_steps=2, seed=5, verbose=False)

    g2, d2 = pair()  # the old body of train(): one compiled step per batch, four host syncs per step
    d_opt, g_opt = training.default_optimizer(), training.default_optimizer()
    training.build_optimizers(g2, d2, g_opt, d_opt)
    rng, gan_loss = tf.random.Generator.from_seed(5), losses.get_loss(loss)

    @tf.function
    def step(batch):
        real, y = batch
        y = tf.reshape(tf.cast(y, "int32"), (-1, 1))
        return training.gan_step(g2, d2, d_opt, g_opt, rng, 2, (real, y), gan_loss, 2)

    per_step = {key: [] for key in training.METRICS}
    dataset = data.make_dataset(points, 32, seed=5, labels=labels)
    for _ in range(2):
        for batch in dataset:
            for key, value in step(batch).items():
                per_step[key].append(float(value))
    assert len(per_step["d_loss"]) == 6
    for key in training.METRICS:
        np.testing.assert_array_equal(history[key], per_step[key])
    for a, b in zip(g.get_weights() + d.get_weights(), g2.get_weights() + d2.get_weights()):
        np.testing.assert_array_equal(a, b)
