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


def test_wasserstein_losses():
    real, fake = tf.constant([[1.0], [3.0]]), tf.constant([[-1.0], [0.0]])
    assert float(losses.critic_loss_wasserstein(real, fake)) == pytest.approx(-0.5 - 2.0)
    assert float(losses.generator_loss_wasserstein(fake)) == pytest.approx(0.5)
    assert losses.get_loss("wgan_gp").penalty is not None


def test_minibatch_stddev_by_hand():
    x = tf.constant([[0.0, 2.0], [2.0, 2.0]])  # per-feature std: 1 and 0 -> mean 0.5
    out = models.MinibatchStdDev()(x).numpy()
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[:, 2], [0.5, 0.5], atol=1e-3)
    np.testing.assert_allclose(out[:, :2], x.numpy())


def test_instance_noise_only_in_training():
    d = models.toy_discriminator_variant(2, instance_noise=0.5, minibatch_std=True)
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
    d = models.toy_discriminator_variant(2, minibatch_std=True, instance_noise=0.05)
    gan = GAN(models.toy_generator(2, 2), d, d_steps=d_steps)
    # G frozen, so D faces the same fakes throughout: its loss must fall epoch after epoch
    gan.compile(loss=loss, d_optimizer=training.default_optimizer(1e-3), g_optimizer=keras.optimizers.SGD(0.0))
    logs = gan.fit(ring.samples, batch_size=128, epochs=3, verbose=0).history
    assert int(gan.g_optimizer.iterations) == 3 * 4  # 512 points in batches of 128, 3 epochs
    assert int(gan.d_optimizer.iterations) == d_steps * 3 * 4
    assert np.all(np.diff(logs["d_loss"]) < 0), logs["d_loss"]
