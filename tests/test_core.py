"""Config, losses, models, theory and plots."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf
from scipy.stats import norm

from gan_course import config, losses, models, theory, training, viz


def test_smoke_mode_parsing(monkeypatch):
    for value, want in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv(config.SMOKE_ENV, value)
        assert config.smoke_mode() is want
    monkeypatch.setenv(config.SMOKE_ENV, "maybe")
    with pytest.raises(ValueError, match="set it to 1"):
        config.smoke_mode()


def test_setup_rejects_bad_seed():
    with pytest.raises(ValueError, match="non-negative integer"):
        config.setup(-1, verbose=False)


def test_discriminator_loss_is_log4_when_d_is_undecided():
    zeros = tf.zeros((8, 1))
    assert float(losses.discriminator_loss(zeros, zeros)) == pytest.approx(math.log(4), rel=1e-6)
    # confident and right -> near 0; confident and wrong -> large
    assert float(losses.discriminator_loss(tf.fill((4, 1), 20.0), tf.fill((4, 1), -20.0))) < 1e-6
    wrong = losses.discriminator_loss(tf.fill((4, 1), -20.0), tf.fill((4, 1), 20.0))
    assert float(wrong) == pytest.approx(40, rel=1e-3)


@pytest.mark.parametrize(("name", "want"), [("minimax", -0.01), ("non_saturating", 0.01 - 1)])
def test_generator_loss_gradients_near_d_zero(name, want):
    logit = tf.Variable([[math.log(0.01 / 0.99)]])  # D(G(z)) = 0.01
    with tf.GradientTape() as tape:
        loss = losses.get_loss(name).generator(logit)
    assert float(tape.gradient(loss, logit)[0, 0]) == pytest.approx(want, rel=1e-5)


def test_unknown_loss_name():
    with pytest.raises(ValueError, match="unknown GAN loss 'wasserstein'.*'minimax'"):
        losses.get_loss("wasserstein")


def test_mlp_shapes_and_parameter_count():
    g = models.mlp_generator(100)
    d = models.mlp_discriminator()
    assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    assert g.count_params() == 100 * 128 + 128 + 128 * 784 + 784
    out = g(tf.zeros((3, 100)))
    assert out.shape == (3, 28, 28, 1) and float(tf.reduce_max(tf.abs(out))) <= 1.0
    assert models.mlp_generator(16, image_shape=(32, 32, 3)).output_shape == (None, 32, 32, 3)


@pytest.mark.parametrize("z_dim", [0, -3, 2.5, True])
def test_bad_z_dim(z_dim):
    with pytest.raises(ValueError, match="z_dim must be a positive integer"):
        models.mlp_generator(z_dim)
    with pytest.raises(ValueError, match="z_dim must be a positive integer"):
        models.toy_generator(z_dim)


def test_optimal_discriminator_and_value_identity():
    x = np.linspace(-10, 12, 20001)
    p_data, p_g = norm.pdf(x, 0, 1), norm.pdf(x, 2, 1.5)
    d_star = theory.optimal_discriminator(p_data, p_g)
    np.testing.assert_allclose(d_star, p_data / (p_data + p_g))
    v = theory.value_function(d_star, p_data, p_g, x)
    jsd = theory.js_divergence(p_data, p_g, x)
    assert v == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-9)
    # any other discriminator does worse
    assert theory.value_function(np.clip(d_star + 0.05, 0, 0.999), p_data, p_g, x) < v
    assert theory.value_function(np.full_like(x, 0.5), p_data, p_g, x) == pytest.approx(-math.log(4), abs=1e-6)


def test_jsd_limits():
    x = np.linspace(-10, 30, 40001)
    p = norm.pdf(x, 0, 1)
    assert theory.js_divergence(p, p, x) == pytest.approx(0, abs=1e-12)
    assert theory.js_divergence(p, norm.pdf(x, 20, 1), x) == pytest.approx(math.log(2), abs=1e-6)
    assert theory.optimal_discriminator(np.zeros(3), np.zeros(3)).tolist() == [0.5] * 3
    with pytest.raises(ValueError, match="same shape"):
        theory.js_divergence(p, p[:-1], x)


def test_image_grid_layout_and_range():
    images = np.linspace(-1, 1, 5 * 4 * 4).reshape(5, 4, 4, 1).astype(np.float32)
    grid = viz._image_grid(images, ncols=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1, 1)
    assert grid.min() >= 0 and grid.max() <= 1
    np.testing.assert_allclose(grid[1:5, 1:5, 0], (images[0, ..., 0] + 1) / 2)


def test_plot_functions_reject_bad_images():
    with pytest.raises(ValueError, match=r"divide by 127.5"):
        viz.show_grid(np.full((4, 28, 28, 1), 200.0, np.float32))
    with pytest.raises(ValueError, match="expected .*in \\[-1, 1\\], got \\[0, 1.2\\]"):
        viz.show_grid(np.full((4, 28, 28, 1), 1.2, np.float32) * np.linspace(0, 1, 4)[:, None, None, None])
    with pytest.raises(ValueError, match="empty"):
        viz._image_grid(np.zeros((0, 28, 28, 1), np.float32))


def test_plot_losses_asks_the_loss_for_its_reference_lines():
    history = {k: np.random.default_rng(0).random(50) for k in ("d_loss", "g_loss", "d_real", "d_fake")}
    ax_loss, ax_d = viz.plot_losses(history, smooth=5, loss="non_saturating")
    assert len(ax_loss.lines) == 3 and len(ax_d.lines) == 3
    assert len(ax_loss.lines[0].get_ydata()) == 46
    assert list(ax_loss.lines[2].get_ydata()) == [np.log(4)] * 2 and list(ax_d.lines[2].get_ydata()) == [0.5] * 2
    assert ax_d.get_ylim() == (0, 1) and "probability" in ax_d.get_ylabel()
    plt.close("all")
    ax_loss, ax_d = viz.plot_losses(history, smooth=5, loss="wgan_gp")  # a critic: raw scores, no 1/2 line
    assert [list(line.get_ydata()) for line in ax_loss.lines[2:]] == [[0.0, 0.0]] and len(ax_d.lines) == 2
    assert ax_d.get_ylabel() == "mean critic score"
    plt.close("all")
    ax_loss, ax_d = viz.plot_losses(history, smooth=5)  # an unknown loss: no line is assumed
    assert len(ax_loss.lines) == 2 and len(ax_d.lines) == 2
    plt.close("all")


def test_plot_losses_reads_the_loss_a_history_carries():
    history = training.History(
        steps={k: list(np.linspace(0, 1, 10)) for k in training.METRICS},
        steps_per_epoch=5,
        loss=losses.get_loss("minimax"),
    )
    ax_loss, _ = viz.plot_losses(history, smooth=1)
    assert ax_loss.lines[2].get_ydata()[0] == pytest.approx(np.log(4))
    axes = viz.plot_losses({k: [1.0, 2.0, 3.0] for k in training.METRICS}, smooth=1, per="epoch", loss="minimax")
    assert list(axes[0].lines[0].get_xdata()) == [1, 2, 3] and axes[0].get_xlabel() == "epoch"
    plt.close("all")


def test_plot_losses_and_fid_puts_fid_on_the_epochs():
    logs = {"d_loss": [1.2, 1.3, 1.3], "g_loss": [0.9, 0.8, 0.85]}
    ax_loss, ax_fid = viz.plot_losses_and_fid(logs, [(1, 90.0), (2, 60.0), (3, 45.0)], loss="non_saturating")
    assert ax_loss.lines[2].get_ydata()[0] == pytest.approx(np.log(4))
    assert list(ax_loss.lines[0].get_xdata()) == [1, 2, 3] and list(ax_loss.lines[1].get_ydata()) == [0.9, 0.8, 0.85]
    assert list(ax_fid.lines[0].get_xdata()) == [1, 2, 3] and list(ax_fid.lines[0].get_ydata()) == [90.0, 60.0, 45.0]


def test_toy_points_stay_inside_their_panel():
    centers = np.array([[1.0, 0.0], [-1.0, 0.0]])
    far = np.random.default_rng(0).normal(loc=(0.0, 3.0), scale=0.1, size=(500, 2))  # a cloud off the ring
    ax = viz.plot_toy_points(far, centers)
    assert ax.get_ylim()[1] >= np.abs(far).max() and not ax.texts  # every point inside, nothing to report
    near = np.random.default_rng(0).normal(scale=0.1, size=(500, 2))
    assert viz.plot_toy_points(near, centers).get_xlim() == (-1.5, 1.5)  # the centres' margin when points fit
    # a far outlier and a nan do not shrink the picture to a dot: the panel stops at 4 margins, and says so
    wild = np.concatenate([near, [[100.0, 0.0], [np.nan, 0.0]]])
    ax = viz.plot_toy_points(wild, centers)
    assert ax.get_xlim() == (-6.0, 6.0) and [t.get_text() for t in ax.texts] == ["2 of 502 points outside"]
    plt.close("all")


def test_the_profile_follows_the_gpus_unless_the_environment_chooses(monkeypatch):
    monkeypatch.delenv("GAN_COURSE_PROFILE", raising=False)
    assert config.profile() == ("gpu" if tf.config.list_physical_devices("GPU") else "cpu")
    for value, expected in (("gpu", "gpu"), ("CPU", "cpu"), (" gpu\n", "gpu"), ("", config.profile())):
        monkeypatch.setenv("GAN_COURSE_PROFILE", value)
        assert config.profile() == expected
    for bad in ("tpu", "1", "yes"):
        monkeypatch.setenv("GAN_COURSE_PROFILE", bad)
        with pytest.raises(ValueError, match=f"GAN_COURSE_PROFILE='{bad}' is not understood: set it to cpu or gpu"):
            config.profile()
