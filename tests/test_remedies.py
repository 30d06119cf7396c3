"""Losses and layers against mode collapse, on tiny inputs with answers computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import losses, models, toy
from gan_course.gan import GAN


def test_gradient_penalty_of_a_linear_critic_by_hand():
    # D(x) = w·x + b has gradient w everywhere, so the penalty is weight · (|w| - 1)².
    import keras

    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    critic.layers[0].set_weights([np.array([[3.0], [4.0]]), np.array([0.5])])  # |w| = 5
    real = tf.random.normal((16, 2))
    fake = tf.random.normal((16, 2))
    assert float(losses.gradient_penalty(critic, real, fake, weight=10.0)) == pytest.approx(160.0, rel=1e-5)
    critic.layers[0].set_weights([np.array([[0.6], [0.8]]), np.array([0.0])])  # |w| = 1
    assert float(losses.gradient_penalty(critic, real, fake)) == pytest.approx(0.0, abs=1e-5)


def test_the_loss_zoo_by_name_gives_each_formula():
    # The zoo is reached by name: get_loss(name).discriminator / .generator, checked by hand on two samples.
    real, fake = tf.constant([[1.0], [3.0]]), tf.constant([[-1.0], [0.0]])
    wgan = losses.get_loss("wgan_gp")
    assert float(wgan.discriminator(real, fake)) == pytest.approx(-0.5 - 2.0)  # mean fake - mean real
    assert float(wgan.generator(fake)) == pytest.approx(0.5)  # -mean fake
    assert wgan.penalty is not None and losses.get_loss("wgan_clip").constraint is not None
    hinge = losses.get_loss("hinge")
    # mean relu(1 - real) + mean relu(1 + fake): (0 + 0) / 2 + (0 + 1) / 2
    assert float(hinge.discriminator(real, fake)) == pytest.approx(0.5)
    least_squares = losses.get_loss("least_squares")
    # (mean (real - 1)² + mean fake²) / 2 = ((0 + 4) / 2 + (1 + 0) / 2) / 2
    assert float(least_squares.discriminator(real, fake)) == pytest.approx(1.25)
    assert float(least_squares.generator(fake)) == pytest.approx(((4 + 1) / 2) / 2)  # mean (fake - 1)² / 2
    # the saturating minimax G loss is mean log(1 - D(G(z))) = -mean softplus(fake)
    minimax = losses.get_loss("minimax").generator(fake)
    assert float(minimax) == pytest.approx(-np.mean(np.log1p(np.exp([-1.0, 0.0]))), rel=1e-6)


def test_minibatch_stddev_by_hand():
    x = tf.constant([[0.0, 2.0], [2.0, 2.0]])  # per-feature std: 1 and 0 -> mean 0.5
    out = models.MinibatchStdDev()(x).numpy()
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[:, 2], [0.5, 0.5], atol=1e-3)
    np.testing.assert_allclose(out[:, :2], x.numpy())


def test_toy_discriminator_is_one_builder_with_keyword_only_remedies():
    plain = models.toy_discriminator()
    assert plain.input_shape == (None, 1) and plain.name == "toy_discriminator"  # lesson 01's default, as before
    both = models.toy_discriminator(2, (8,), minibatch_std=True, instance_noise=0.1)
    kinds = [type(layer).__name__ for layer in both.layers]
    assert kinds[:2] == ["GaussianNoise", "MinibatchStdDev"] and both.input_shape == (None, 2)
    conditional = models.toy_discriminator(2, (8,), n_classes=3)
    assert [tuple(i.shape) for i in conditional.inputs] == [(None, 2), (None, 1)]
    with pytest.raises(TypeError):
        models.toy_discriminator(2, (8,), True)
    with pytest.raises(ValueError, match="instance_noise must be a number >= 0"):
        models.toy_discriminator(2, instance_noise=-0.1)
    for positional_option in (
        lambda: models.dcgan_lean_discriminator((8, 8, 1), 8, True),
        lambda: models.pac_discriminator(2, (8,), 4),
        lambda: models.toy_generator(2, 2, (8,), 3),
    ):
        with pytest.raises(TypeError):
            positional_option()


def test_instance_noise_only_in_training():
    d = models.toy_discriminator(2, instance_noise=0.5, minibatch_std=True)
    x = tf.ones((4, 2))
    assert np.array_equal(d(x, training=False).numpy(), d(x, training=False).numpy())
    assert not np.array_equal(d(x, training=True).numpy(), d(x, training=True).numpy())


@pytest.mark.slow
@pytest.mark.parametrize(("loss", "d_steps"), [("wgan_gp", 2), ("non_saturating", 1)])
def test_a_discriminator_with_remedies_learns_the_ring_taking_d_steps_per_g_step(loss, d_steps):
    import keras

    from gan_course import training

    gan_course.setup(0, verbose=False)
    ring = toy.ring(n=512)
    d = models.toy_discriminator(2, minibatch_std=True, instance_noise=0.05)
    gan = GAN(models.toy_generator(2, 2), d, d_steps=d_steps)
    # G frozen, so D faces the same fakes throughout: its loss must fall epoch after epoch
    gan.compile(loss=loss, d_optimizer=training.default_optimizer(1e-3), g_optimizer=keras.optimizers.SGD(0.0))
    logs = gan.fit(ring.samples, batch_size=128, epochs=3, verbose=0).history
    assert int(gan.g_optimizer.iterations) == 3 * 4  # 512 points in batches of 128, 3 epochs
    assert int(gan.d_optimizer.iterations) == d_steps * 3 * 4
    assert np.all(np.diff(logs["d_loss"]) < 0), logs["d_loss"]
