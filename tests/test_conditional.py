"""One step for every GAN: a conditional pair (labels into G and D) trains through the same step,
``GAN.fit``, ``train``, ``SampleGrid``, ``FIDTracker`` and ``Checkpoint``; the loss decides how D's
output is read; bad pairs are named."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

import gan_course
from gan_course import callbacks, data, latent, losses, models, training, viz
from gan_course.gan import GAN, build_gan

N_CLASSES, Z_DIM, SHAPE = 3, 4, (8, 8, 1)


def _conditional_pair(seed=0, d_labels=True):
    """A tiny conditional GAN: each network embeds the class index and concatenates it to its input."""
    gan_course.setup(seed, verbose=False)
    z, y = keras.Input((Z_DIM,)), keras.Input((1,), dtype="int32")
    h = layers.Concatenate()([z, layers.Flatten()(layers.Embedding(N_CLASSES, 2)(y))])
    h = layers.Dense(int(np.prod(SHAPE)), activation="tanh")(layers.Dense(16, activation="relu")(h))
    generator = keras.Model([z, y], layers.Reshape(SHAPE)(h), name="cond_g")
    x, y = keras.Input(SHAPE), keras.Input((1,), dtype="int32")
    inputs = [x, y] if d_labels else [x]
    h = layers.Flatten()(x)
    if d_labels:
        h = layers.Concatenate()([h, layers.Flatten()(layers.Embedding(N_CLASSES, 2)(y))])
    discriminator = keras.Model(inputs, layers.Dense(1)(layers.Dense(16, activation="relu")(h)), name="cond_d")
    return generator, discriminator


def _data(n=48):
    rng = np.random.default_rng(0)
    labels = np.arange(n) % N_CLASSES
    images = np.clip(rng.normal(labels[:, None, None, None] / 2 - 0.5, 0.2, (n, *SHAPE)), -1, 1).astype(np.float32)
    return images, labels.astype(np.int32)


def _embedding_rows(net):
    return next(layer for layer in net.layers if isinstance(layer, layers.Embedding)).embeddings.numpy().copy()


def test_labels_reach_both_networks_and_only_the_batchs_classes_learn():
    g, d = _conditional_pair()
    images, _ = _data(16)
    labels = np.ones(16, np.int32)  # every sample of class 1
    g_before, d_before = _embedding_rows(g), _embedding_rows(d)
    d_opt, g_opt = training.default_optimizer(), training.default_optimizer()
    training.build_optimizers(g, d, g_opt, d_opt)
    rng = tf.random.Generator.from_seed(0)
    batch = (tf.constant(images), tf.constant(labels[:, None]))
    training.gan_step(g, d, d_opt, g_opt, rng, Z_DIM, batch, losses.get_loss("non_saturating"))
    for before, after in ((g_before, _embedding_rows(g)), (d_before, _embedding_rows(d))):
        assert not np.allclose(before[1], after[1])  # class 1 was fed to both networks ...
        np.testing.assert_array_equal(before[[0, 2]], after[[0, 2]])  # ... and no other class was


@pytest.mark.slow
def test_a_conditional_gan_trains_with_fit_and_every_callback(tmp_path):
    images, labels = _data()
    g, d = _conditional_pair()
    gan = build_gan(g, d, seed=0)
    z, grid_labels = latent.class_rows(Z_DIM, N_CLASSES, per_class=4)
    grid = callbacks.SampleGrid(z, labels=grid_labels, ncols=4, show=False)
    extractor = lambda x: x.reshape(len(x), -1)[:, ::8]  # 8 pixels as features
    real_features = extractor(images)
    tracker = callbacks.FIDTracker(real_features, extractor, n_samples=30, labels=np.arange(30) % N_CLASSES)
    checkpoint = callbacks.Checkpoint(tmp_path, keep=2)
    dataset = data.make_dataset(images, 16, seed=0, labels=labels)
    logs = gan.fit(dataset, epochs=2, verbose=0, callbacks=[grid, tracker, checkpoint]).history
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake", "fid"} and all(np.isfinite(logs["fid"]))
    assert [e for e, _ in tracker.history] == [1, 2]
    assert grid.frames[0].shape == (3 * 9 + 1, 4 * 9 + 1)  # 3 class rows of 4 shared-z images, 1-px gaps
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [1, 2]
    # arrays work too: fit(images, labels)
    assert len(gan.fit(images, labels, batch_size=16, epochs=1, verbose=0).history["d_loss"]) == 1
    samples = gan([z[:3], np.array([0, 1, 2])])
    assert samples.shape == (3, *SHAPE)


def test_class_rows_share_noise_across_classes():
    z, labels = latent.class_rows(5, 3, per_class=2, seed=1)
    assert z.shape == (6, 5) and list(labels) == [0, 0, 1, 1, 2, 2]
    np.testing.assert_array_equal(z[0:2], z[2:4])
    np.testing.assert_array_equal(z[0:2], z[4:6])


@pytest.mark.slow
def test_a_conditional_resume_is_bit_identical(tmp_path):
    images, labels = _data()

    def run(epochs, initial_epoch=0, seed=0, restore=False, save=False):
        gan = build_gan(*_conditional_pair(seed), seed=0)
        start = callbacks.Checkpoint(tmp_path).restore(gan) if restore else 0
        assert start == initial_epoch
        cbs = [callbacks.Checkpoint(tmp_path)] if save else []
        gan.fit(
            images, labels, batch_size=16, epochs=epochs, initial_epoch=start, shuffle=False, verbose=0, callbacks=cbs
        )
        return gan.generator.get_weights() + gan.discriminator.get_weights()

    straight = run(4)
    run(2, save=True)
    resumed = run(4, initial_epoch=2, seed=5, restore=True)
    for a, b in zip(straight, resumed):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_train_takes_labels_loss_and_d_steps():
    images, labels = _data()
    g, d = _conditional_pair()
    history = training.train(
        g, d, images, epochs=2, batch_size=16, labels=labels, loss="minimax", d_steps=2, verbose=False
    )
    assert history.epochs == 2 and history.loss.name == "minimax"
    assert np.all(history["g_loss"] < 0)  # the minimax G loss is log(1 - D) < 0
    with pytest.raises(ValueError, match="take labels but no labels= were given"):
        training.train(g, d, images, 1, 16, verbose=False)
    g2, d2 = models.mlp_generator(4, SHAPE, 8), models.mlp_discriminator(SHAPE, 8)
    with pytest.raises(ValueError, match="take no labels"):
        training.train(g2, d2, images, 1, 16, labels=labels, verbose=False)


def test_unconditional_and_conditional_mismatches_are_named():
    images, labels = _data()
    g, d = _conditional_pair(d_labels=False)
    with pytest.raises(ValueError, match="only the generator takes labels"):
        GAN(g, d)
    gan = build_gan(*_conditional_pair())
    with pytest.raises(ValueError, match=r"give fit \(images, labels\)"):
        gan.fit(images, batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="got 48 images but 47 labels"):
        gan.fit(images, labels[:47], batch_size=16, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="networks take labels"):
        gan.fit(data.make_dataset(images, 16), epochs=1, verbose=0)
    plain = build_gan(models.mlp_generator(4, SHAPE, 8), models.mlp_discriminator(SHAPE, 8))
    with pytest.raises(ValueError, match="carry labels but this GAN's networks take none"):
        plain.fit(data.make_dataset(images, 16, labels=labels), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        plain.fit(images, batch_size=0, epochs=1, verbose=0)


def test_a_conditional_sample_grid_without_labels_fails_before_any_step():
    images, labels = _data()
    gan = build_gan(*_conditional_pair())
    z, _ = latent.class_rows(Z_DIM, N_CLASSES, 2)
    with pytest.raises(ValueError, match="this generator is conditional, so give labels="):
        gan.fit(images, labels, batch_size=16, epochs=1, verbose=0, callbacks=[callbacks.SampleGrid(z, show=False)])
    assert int(gan.g_optimizer.iterations) == 0
    with pytest.raises(ValueError, match="z has 7 columns but the generator takes z_dim = 4"):
        gan.fit(
            images,
            labels,
            batch_size=16,
            epochs=1,
            verbose=0,
            callbacks=[callbacks.SampleGrid(np.zeros((6, 7)), labels=np.zeros(6), show=False)],
        )
    with pytest.raises(ValueError, match="every.* must be a positive integer, got 0"):
        callbacks.SampleGrid(z, every=0)


def test_check_gan_pair_names_the_wrong_input():
    g, d = _conditional_pair()
    spec = training.check_gan_pair(g, d)
    assert (spec.z_dim, spec.sample_shape, spec.label_shape, spec.conditional) == (Z_DIM, SHAPE, (1,), True)
    x, y = keras.Input(SHAPE), keras.Input((2,))
    other = keras.Model([x, y], layers.Dense(1)(layers.Concatenate()([layers.Flatten()(x), y])))
    with pytest.raises(ValueError, match=r"label input has shape \(1,\) but the discriminator's has \(2,\)"):
        training.check_gan_pair(g, other)
    ins = [keras.Input((4,)), keras.Input((1,)), keras.Input((1,))]
    three = keras.Model(ins, layers.Reshape(SHAPE)(layers.Dense(64)(layers.Concatenate()(ins))))
    with pytest.raises(ValueError, match="takes 3 inputs"):
        training.check_gan_pair(three, d)


def _constant_critic(value, shape=(2,)):
    x = keras.Input(shape)
    out = layers.Dense(1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(value))(x)
    return keras.Model(x, out)


@pytest.mark.parametrize(("loss", "want"), [("wgan_gp", 3.0), ("non_saturating", 1 / (1 + np.exp(-3.0)))])
def test_the_loss_decides_how_d_output_is_read(loss, want):
    g, d = models.toy_generator(2, 2), _constant_critic(3.0)
    d_opt, g_opt = keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0)  # nothing moves: D says 3 throughout
    training.build_optimizers(g, d, g_opt, d_opt)
    out = training.gan_step(
        g, d, d_opt, g_opt, tf.random.Generator.from_seed(0), 2, tf.zeros((8, 2)), losses.get_loss(loss)
    )
    assert float(out["d_real"]) == pytest.approx(want, rel=1e-6) and float(out["d_fake"]) == pytest.approx(want)


def test_a_constant_penalty_of_5_shifts_d_loss_by_exactly_5_and_changes_nothing_else():
    base = losses.get_loss("non_saturating")
    shifted = losses.GANLoss("plus_5", base.discriminator, base.generator, lambda d, real, fake: 5.0)

    def step(loss):
        gan_course.setup(0, verbose=False)
        g, d = models.toy_generator(2, 2), models.toy_discriminator(2)
        d_opt, g_opt = training.default_optimizer(), training.default_optimizer()
        training.build_optimizers(g, d, g_opt, d_opt)
        out = training.gan_step(
            g, d, d_opt, g_opt, tf.random.Generator.from_seed(0), 2, tf.random.stateless_normal((16, 2), (1, 2)), loss
        )
        return float(out["d_loss"]), g.get_weights() + d.get_weights()

    (plain, w_plain), (plus, w_plus) = step(base), step(shifted)
    assert plus - plain == pytest.approx(5.0, abs=1e-6)
    for a, b in zip(w_plain, w_plus):
        np.testing.assert_array_equal(a, b)  # a constant has no gradient


def test_gradient_penalty_of_a_conditional_critic_is_taken_on_the_samples():
    # D([x, y]) = w·x + v·y: the gradient with respect to x is w, whatever the labels.
    x, y = keras.Input((2,)), keras.Input((1,))
    dense = layers.Dense(1)
    critic = keras.Model([x, y], dense(layers.Concatenate()([x, y])))
    dense.set_weights([np.array([[0.6], [0.8], [7.0]]), np.zeros(1)])  # |w| = 1 for x, a large weight for y
    real, fake, labels = tf.random.normal((8, 2)), tf.random.normal((8, 2)), tf.ones((8, 1))
    assert float(losses.gradient_penalty(critic, [real, labels], [fake, labels])) == pytest.approx(0.0, abs=1e-5)
    dense.set_weights([np.array([[3.0], [4.0], [7.0]]), np.zeros(1)])  # |w| = 5: 10 · (5 - 1)² = 160
    assert float(losses.gradient_penalty(critic, [real, labels], [fake, labels])) == pytest.approx(160.0, rel=1e-5)


def test_one_default_optimizer():
    opt = training.default_optimizer()
    assert isinstance(opt, keras.optimizers.Adam)
    assert float(opt.learning_rate) == pytest.approx(2e-4) and float(opt.beta_1) == pytest.approx(0.5)
    gan = build_gan(models.toy_generator(2, 2), models.toy_discriminator(2), g_lr=1e-3)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert gan.optimizer is None  # no unused Keras default whose learning rate TensorBoard would log
    for bad in (0, -1e-3, "fast", True):
        with pytest.raises(ValueError, match="lr .*must be a positive number"):
            training.default_optimizer(bad)
    with pytest.raises(ValueError, match="beta_1"):
        training.default_optimizer(1e-3, beta_1=1.0)


def test_a_conditional_latent_path():
    pytest.importorskip("ipywidgets")
    from gan_course import widgets

    g, _ = _conditional_pair()
    images = widgets._latent_path_images(g, 0, 1, steps=5, label=2)
    assert images.shape == (5, *SHAPE)
    with pytest.raises(ValueError, match="conditional: give label="):
        widgets._latent_path_images(g, 0, 1)
    assert len(widgets.latent_explorer(g, n_classes=N_CLASSES).children) == 4
    assert viz.grid_uint8(images).dtype == np.uint8


@pytest.mark.parametrize(
    "bad, message",
    [
        (-1, r"labels must be class indices in \[0, 3\).*no weight was changed by it"),  # Keras wraps -1 round
        (3, r"labels must be class indices in \[0, 3\).*no weight was changed by it"),  # a row the embedding lacks
    ],
)
def test_tf_data_labels_are_checked_before_any_step(bad, message):
    images, labels = _data()
    labels = labels.copy()
    labels[1] = bad
    gan = build_gan(*_conditional_pair())
    before = [w.copy() for w in gan.generator.get_weights() + gan.discriminator.get_weights()]
    with pytest.raises(ValueError, match=message):
        gan.fit(data.make_dataset(images, 16, labels=labels, shuffle=False), epochs=1, verbose=0)
    after = gan.generator.get_weights() + gan.discriminator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))  # refused before any update


def test_tf_data_one_hot_labels_get_the_fix():
    images, labels = _data()
    one_hot = np.eye(N_CLASSES, dtype=np.float32)[labels]
    pipeline = tf.data.Dataset.from_tensor_slices((images, one_hot)).batch(16)
    gan = build_gan(*_conditional_pair())
    with pytest.raises(ValueError, match=r"labels have shape \(3,\) per image.*tf.argmax\(y, axis=1\)"):
        gan.fit(pipeline, epochs=1, verbose=0)
