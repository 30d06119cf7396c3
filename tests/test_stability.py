"""The loss zoo and the stabilisers of lesson 06: each checked against a value computed by hand on
tiny inputs, and every bad setting refused before training."""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

import gan_course
from gan_course import benchmark, callbacks, collapse, experiments, losses, models, stability, toy, training
from gan_course.gan import GAN, build_gan

SHAPE = (8, 8, 1)


def _t(values):
    return tf.constant(values, tf.float32)


def _images(n=32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *SHAPE)).astype(np.float32)


def _pair(seed=0, spectral_norm=False, width=8):
    gan_course.setup(seed, verbose=False)
    return models.dcgan_lean_generator(4, SHAPE, width), models.dcgan_lean_discriminator(
        SHAPE, width, spectral_norm=spectral_norm
    )


# ------------------------------------------------------------------ losses at known outputs


def test_least_squares_losses_at_known_scores():
    loss = losses.get_loss("least_squares")
    # ½·mean((1-1)², (0-1)²) + ½·mean(0², 1²) = ½·½ + ½·½
    assert float(loss.discriminator(_t([1.0, 0.0]), _t([0.0, 1.0]))) == pytest.approx(0.5)
    assert float(loss.generator(_t([0.0, 1.0]))) == pytest.approx(0.25)  # ½·mean(1, 0)
    # a D that cannot tell outputs 1/2 everywhere: the reference drawn on the plots
    assert float(loss.discriminator(_t([0.5]), _t([0.5]))) == pytest.approx(loss.d_loss_reference)
    assert loss.output == "score" and loss.output_reference == 0.5


def test_hinge_losses_at_known_scores_and_the_margin():
    loss = losses.get_loss("hinge")
    # mean(relu(1-2), relu(1-0.5)) + mean(relu(1-2), relu(1+0)) = 0.25 + 0.5
    assert float(loss.discriminator(_t([2.0, 0.5]), _t([-2.0, 0.0]))) == pytest.approx(0.75)
    assert float(loss.generator(_t([-2.0, 0.0]))) == pytest.approx(1.0)
    # outside the margin D's loss is 0 and so is its gradient
    real, fake = tf.Variable([3.0]), tf.Variable([-5.0])
    with tf.GradientTape() as tape:
        value = loss.discriminator(real, fake)
    assert float(value) == 0.0
    assert all(float(tf.reduce_sum(tf.abs(g))) == 0.0 for g in tape.gradient(value, [real, fake]))
    # any score in [-1, 1] on both sides costs 2: the "cannot tell" reference
    for s in (-1.0, 0.0, 0.7):
        assert float(loss.discriminator(_t([s]), _t([s]))) == pytest.approx(loss.d_loss_reference)


def test_wasserstein_losses_and_every_registered_loss_is_usable():
    assert set(losses.LOSSES) == {"minimax", "non_saturating", "least_squares", "hinge", "wgan_clip", "wgan_gp"}
    clip = losses.get_loss("wgan_clip")
    assert float(clip.discriminator(_t([2.0, 4.0]), _t([1.0]))) == pytest.approx(1.0 - 3.0)
    assert float(clip.generator(_t([1.0, 2.0]))) == pytest.approx(-1.5)
    for name, loss in losses.LOSSES.items():
        assert loss.name == name and loss.healthy
        assert loss.d_loss_reference is not None


@pytest.mark.slow
def test_label_smoothing_is_cross_entropy_against_the_smoothed_target():
    smoothed = losses.with_label_smoothing("non_saturating", 0.1)
    real, fake = 2.0, -1.0
    sp = lambda v: np.log1p(np.exp(v))  # noqa: E731  softplus
    expected = 0.9 * sp(-real) + 0.1 * sp(real) + sp(fake)
    assert float(smoothed.discriminator(_t([real]), _t([fake]))) == pytest.approx(expected, rel=1e-6)
    # the generator's loss is untouched
    assert float(smoothed.generator(_t([fake]))) == pytest.approx(sp(-fake), rel=1e-6)
    # D's best output on real samples (seen alone) is now 0.9, not 1
    logit = tf.Variable(0.0)
    opt = keras.optimizers.SGD(1.0)
    for _ in range(500):
        with tf.GradientTape() as tape:
            value = smoothed.discriminator(tf.reshape(logit, (1,)), _t([-30.0]))
        opt.apply_gradients([(tape.gradient(value, logit), logit)])
    assert float(tf.sigmoid(logit)) == pytest.approx(0.9, abs=1e-3)


def test_r1_of_a_linear_discriminator_is_half_gamma_times_its_weight_norm_squared():
    x = keras.Input((3,))
    d = keras.Model(x, layers.Dense(1)(x))
    d.layers[-1].set_weights([np.array([[1.0], [2.0], [3.0]], np.float32), np.array([5.0], np.float32)])
    real = _t(np.random.default_rng(0).normal(size=(16, 3)))
    assert float(losses.r1_penalty(d, real, None, gamma=2.0)) == pytest.approx(14.0, rel=1e-5)  # 2/2 · (1+4+9)
    # a conditional D: the gradient is taken with respect to x only
    xin, yin = keras.Input((3,)), keras.Input((1,))
    dc = keras.Model([xin, yin], layers.Dense(1)(layers.Concatenate()([xin, yin])))
    dc.layers[-1].set_weights([np.array([[1.0], [2.0], [3.0], [100.0]], np.float32), np.zeros(1, np.float32)])
    labels = tf.ones((16, 1))
    assert float(losses.r1_penalty(dc, [real, labels], None, gamma=2.0)) == pytest.approx(14.0, rel=1e-5)
    with_r1 = losses.with_r1("hinge", 2.0)
    assert with_r1.name == "hinge+r1"
    fake = tf.zeros((16, 3))
    expected = float(losses.get_loss("hinge").discriminator(d(real), d(fake))) + 14.0
    total = with_r1.discriminator(d(real), d(fake)) + with_r1.penalty(d, real, fake)
    assert float(total) == pytest.approx(expected, rel=1e-5)


def test_weight_clipping_bounds_every_discriminator_weight_after_each_step():
    g, d = _pair()
    for w in d.trainable_variables:  # start far outside the box, so the clipping has work to do
        w.assign(tf.ones_like(w) * 0.5)
    loss = losses._wgan_clip(0.01)
    d_opt, g_opt = keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)
    training.build_optimizers(g, d, g_opt, d_opt)
    rng = tf.random.Generator.from_seed(0)
    training.gan_step(g, d, d_opt, g_opt, rng, 4, tf.constant(_images(16)), loss, d_steps=2)
    for w in d.trainable_variables:
        assert np.max(np.abs(w.numpy())) <= 0.01 + 1e-7
    assert any(np.isclose(np.abs(w.numpy()), 0.01).any() for w in d.trainable_variables)  # clipped, not small


def test_spectral_normalisation_keeps_each_layers_largest_singular_value_at_one():
    _, d = _pair(spectral_norm=True)
    wrappers = [layer for layer in d.layers if isinstance(layer, layers.SpectralNormalization)]
    assert len(wrappers) == 3  # both convolutions and the dense output
    wrappers[0].layer.kernel.assign(wrappers[0].layer.kernel * 50.0)  # a steep layer before normalising
    x = tf.constant(_images(8))
    for _ in range(30):  # one power iteration per training call
        d(x, training=True)
    for wrapper in wrappers:
        kernel = wrapper.layer.kernel.numpy()
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert sigma == pytest.approx(1.0, abs=0.02)
    assert models.forward_macs(d) == models.forward_macs(models.dcgan_lean_discriminator(SHAPE, 8))


# ------------------------------------------------------------------ optimizer-side stabilisers


def test_clipnorm_reaches_both_optimizers_and_damps_a_gradient_spike():
    g, d = _pair()
    gan = build_gan(g, d, clipnorm=1.0, g_lr=1e-4, d_lr=4e-4)
    assert gan.g_optimizer.clipnorm == 1.0 and gan.d_optimizer.clipnorm == 1.0
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-4)

    def trajectory(clipnorm, gradients):
        v = tf.Variable([0.0, 0.0])
        opt = training.default_optimizer(1e-2, clipnorm=clipnorm)
        points = []
        for grad in gradients:
            opt.apply_gradients([(tf.constant(grad, tf.float32), v)])
            points.append(v.numpy().copy())
        return np.array(points)

    # a gradient of norm 5, then one of norm 0.5: with clipnorm=1 Adam must see (3, 4)/5 and then (0.3, 0.4)
    clipped = trajectory(1.0, [[3.0, 4.0], [0.3, 0.4]])
    np.testing.assert_allclose(clipped, trajectory(None, [[0.6, 0.8], [0.3, 0.4]]), rtol=1e-6)
    assert not np.allclose(clipped, trajectory(None, [[3.0, 4.0], [0.3, 0.4]]), rtol=1e-3)


@pytest.mark.slow
def test_the_moving_average_of_g_follows_its_formula_and_is_what_callbacks_sample():
    g, d = _pair()
    gan = GAN(g, d, ema=0.9)
    gan.compile()
    np.testing.assert_array_equal(gan.generator_ema.get_weights()[0], g.get_weights()[0])
    # tf.train.ExponentialMovingAverage's warm-up: decay min(0.9, (1 + t) / (10 + t)) at update t = 0, 1, ...
    for decay in (0.1, 2 / 11):
        before = [w.numpy().copy() for w in gan.generator_ema.weights]
        gan.train_step(tf.constant(_images(16)))
        for average, weight, old in zip(gan.generator_ema.weights, g.weights, before):
            expected = decay * old + (1 - decay) * weight.numpy() if weight.trainable else weight.numpy()
            np.testing.assert_allclose(average.numpy(), expected, rtol=1e-5, atol=1e-7)
    step, batch = tf.function(gan.train_step), tf.constant(_images(16))  # as fit runs it; eager steps take ~1 s here
    for _ in range(100):
        step(batch)
    assert int(gan.ema_updates) == 102
    before = [w.numpy().copy() for w in gan.generator_ema.weights]
    gan.train_step(tf.constant(_images(16)))  # t = 102: (1 + t) / (10 + t) > 0.9, so the decay is 0.9
    for average, weight, old in zip(gan.generator_ema.weights, g.weights, before):
        if weight.trainable:
            np.testing.assert_allclose(average.numpy(), 0.9 * old + 0.1 * weight.numpy(), rtol=1e-5, atol=1e-7)
    z = np.random.default_rng(0).normal(size=(4, 4)).astype(np.float32)
    grid = callbacks.SampleGrid(z, show=False)
    grid.set_model(gan)
    grid.on_epoch_end(0)
    np.testing.assert_allclose(grid.samples[0], gan.generator_ema(z, training=False).numpy(), atol=1e-6)
    assert not np.allclose(grid.samples[0], g(z, training=False).numpy(), atol=1e-6)
    np.testing.assert_allclose(gan(z).numpy(), grid.samples[0], atol=1e-6)


@pytest.mark.slow
def test_a_checkpoint_carries_the_moving_average_and_refuses_a_gan_without_one(tmp_path):
    g, d = _pair()
    gan = build_gan(g, d, ema=0.99)
    gan.fit(_images(), batch_size=16, epochs=1, verbose=0)
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    g2, d2 = _pair(seed=5)
    other = build_gan(g2, d2, ema=0.99)
    assert callbacks.load_checkpoint(other, tmp_path / "epoch-0001") == 1
    for a, b in zip(gan.generator_ema.get_weights(), other.generator_ema.get_weights()):
        np.testing.assert_array_equal(a, b)
    g3, d3 = _pair()
    with pytest.raises(ValueError, match="ema= setting"):
        callbacks.load_checkpoint(build_gan(g3, d3), tmp_path / "epoch-0001")


class _ScriptedFID(keras.callbacks.Callback):
    """Writes a scripted FID into the logs (as FIDTracker does) and remembers the weights at each epoch."""

    def __init__(self, values):
        super().__init__()
        self.values, self.weights = values, []

    def on_epoch_end(self, epoch, logs=None):
        logs["fid"] = self.values[epoch]
        self.weights.append([w.copy() for w in self.model.generator.get_weights()])


@pytest.mark.slow
def test_keras_early_stopping_on_fid_restores_the_best_epochs_weights():
    g, d = _pair()
    gan = build_gan(g, d, ema=0.9)
    scripted = _ScriptedFID([50.0, 30.0, 35.0, 40.0, 20.0])
    stop = keras.callbacks.EarlyStopping(monitor="fid", mode="min", patience=2, restore_best_weights=True)
    history = gan.fit(_images(), batch_size=16, epochs=5, verbose=0, callbacks=[scripted, stop])
    assert len(history.history["d_loss"]) == 4  # epochs 3 and 4 did not beat 30: stopped after epoch 4
    for restored, best in zip(g.get_weights(), scripted.weights[1]):
        np.testing.assert_array_equal(restored, best)


# ------------------------------------------------------------------ recipes, settings, bad input


def test_paper_settings_give_each_loss_its_authors_optimizer():
    wgan = stability.paper_settings("wgan_clip")
    assert (wgan.optimizer, wgan.d_lr, wgan.d_steps) == ("rmsprop", 5e-5, 5)
    gp = stability.paper_settings("wgan_gp")
    assert (gp.d_lr, gp.beta_1, gp.beta_2, gp.d_steps) == (1e-4, 0.5, 0.9, 5)
    assert stability.paper_settings("hinge").spectral_norm
    assert stability.paper_settings("hinge", ema=0.999).describe() == "hinge, SN, ema 0.999"
    gan = stability.paper_settings("wgan_clip").build(SHAPE, z_dim=4, width=8)
    assert isinstance(gan.d_optimizer, keras.optimizers.RMSprop) and gan.d_steps == 5
    assert gan.gan_loss.constraint is not None
    assert stability.recipe(r1=1.0, label_smoothing=0.1).gan_loss().name == "non_saturating+r1+ls0.1"
    assert stability.RECIPE.describe() == "non_saturating, g_lr 0.0008, d_lr 0.0008, ema 0.999, batch_size 64"


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"loss": "wgan"}, "choose one of 'minimax'"),
        ({"spectral": True}, "a recipe has loss, spectral_norm"),
        ({"ema": 1.0}, "ema must be in"),
        ({"ema": 0}, "ema must be in"),
        ({"r1": -1.0}, "R1 weight gamma must be a number >= 0"),
        ({"loss": "wgan_gp", "r1": 1.0}, "already restrains D with a gradient penalty"),
        ({"loss": "wgan_clip", "r1": 1.0}, "already restrains D with weight clipping"),
        ({"loss": "hinge", "label_smoothing": 0.1}, "use it with 'non_saturating'"),
        ({"label_smoothing": 0.9}, r"label smoothing must be a number in \(0, 0.5\)"),
        ({"clipnorm": -1.0}, "clipnorm must be in"),
        ({"d_lr": 0.0}, "d_lr must be in"),
        ({"d_steps": 0}, "d_steps"),
        ({"batch_size": 0}, "batch_size"),
        ({"beta_2": 1.0}, r"beta_2 \(Adam's moment decay\) must be a number in \[0, 1\)"),
        ({"optimizer": "sgd"}, "unknown optimizer 'sgd': choose one of 'adam', 'rmsprop'"),
        ({"optimizer": "rmsprop", "beta_2": 0.9}, r"beta_2 is Adam's setting.*\(got beta_2=0.9\): drop it"),
        ({"spectral_norm": 1}, "spectral_norm must be True or False"),
    ],
)
def test_a_bad_recipe_is_refused_before_anything_is_built(settings, message):
    with pytest.raises(ValueError, match=message):
        stability.recipe(**settings)


def test_build_gan_and_gan_refuse_bad_stabilisers():
    g, d = _pair()
    with pytest.raises(ValueError, match="ema"):
        GAN(g, d, ema=1.5)
    with pytest.raises(ValueError, match="clipnorm"):
        build_gan(g, d, clipnorm=0)
    with pytest.raises(ValueError, match="beta_2 is Adam's setting"):
        build_gan(g, d, optimizer="rmsprop", beta_2=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'"):
        build_gan(g, d, optimizer="sgd")
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        models.dcgan_lean_discriminator(SHAPE, 8, spectral_norm="yes")
    with pytest.raises(ValueError, match="clip must be a number > 0"):
        losses._wgan_clip(0)


def test_toy_runs_take_any_loss_r1_and_rmsprop():
    g, d, loss = collapse._build_toy_gan(collapse._ToyConfig(loss="hinge", r1=0.5), 2)
    assert loss.name == "hinge+r1"
    with pytest.raises(ValueError, match="brings its own loss"):
        collapse._build_toy_gan(collapse._ToyConfig(remedy="wgan_gp", loss="hinge"), 2)
    run = collapse.train_toy(toy.ring(n=2000), steps=20, every=20, loss="wgan_clip", optimizer="rmsprop", d_steps=2)
    assert np.all(np.isfinite(run.snapshots[-1]))
    with pytest.raises(ValueError, match="unknown optimizer 'sgd': choose one of 'adam', 'rmsprop'"):
        collapse.train_toy(toy.ring(n=2000), steps=20, optimizer="sgd")


@pytest.mark.slow
def test_race_gives_every_model_its_seconds_in_alternating_slices():
    gans = {}
    for name in ("a", "b"):
        g, d = _pair()
        gans[name] = build_gan(g, d)
    result = benchmark.race(gans, _images(64), seconds=1.0, slice_seconds=0.25, batch_size=16)
    for state in result.values():
        assert state["seconds"] >= 1.0 and state["slices"] >= 2 and state["steps"] > 0
    with pytest.raises(ValueError, match="slice_seconds must be a positive"):
        benchmark.race(gans, _images(64), seconds=1, slice_seconds=0)
    with pytest.raises(ValueError, match="non-empty dict"):
        benchmark.race({}, _images(64), seconds=1)


@pytest.mark.slow
def test_compare_on_images_gives_every_run_the_same_generator_steps():
    extractor = lambda x: np.asarray(x).reshape(len(x), -1)  # noqa: E731 - pixels as features
    real, images = extractor(_images(16, seed=1)), _images(64)
    recipes = {"base": {"batch_size": 16}, "batch 8, EMA": {"batch_size": 8, "ema": 0.9}}
    rows = stability.compare_on_images(
        recipes, images, extractor, real, seeds=(0, 1), steps=3, n_eval=16, width=4, verbose=False
    )
    assert [(r["method"], r["seed"], r["steps"]) for r in rows] == [
        ("base", 0, 3),
        ("base", 1, 3),
        ("batch 8, EMA", 0, 3),
        ("batch 8, EMA", 1, 3),
    ]
    assert all(np.isfinite(r["fid"]) and r["seconds"] > 0 and r["samples"].shape == (16, *SHAPE) for r in rows)
    again = stability.compare_on_images(
        {"base": {"batch_size": 16}}, images, extractor, real, seeds=(0,), steps=3, n_eval=16, width=4, verbose=False
    )
    # a step budget repeats: the same images up to the float noise of threaded reductions (Adam's first steps
    # magnify it to a few 1e-4; the FID of 16 samples in 784 pixel dimensions moved by 1.3e-5 of itself on CI),
    # far closer than another seed's images
    repeat_gap = np.abs(again[0]["samples"] - rows[0]["samples"]).max()
    seed_gap = np.abs(rows[1]["samples"] - rows[0]["samples"]).max()
    assert repeat_gap < 2e-3 < 20 * 2e-3 < seed_gap, (repeat_gap, seed_gap)
    assert again[0]["fid"] == pytest.approx(rows[0]["fid"], rel=1e-3)
    for budget in ({"steps": 3, "seconds": 1.0}, {}):
        with pytest.raises(ValueError, match="give one budget: steps=N"):
            stability.compare_on_images({"base": {}}, images, extractor, real, n_eval=16, width=4, **budget)
    with pytest.raises(ValueError, match="steps"):
        stability.compare_on_images({"base": {}}, images, extractor, real, steps=0, n_eval=16, width=4)


# ------------------------------------------------------------------- the shipped ten-minute benchmark


def test_the_shipped_benchmark_result_has_every_model_and_seed_at_ten_minutes():
    rows = stability.benchmark_results()
    assert {(r["method"], r["seed"]) for r in rows} == {(m, s) for m in ("seed", "lean", "recipe") for s in (0, 1)}
    for r in rows:
        assert r["setting"] == "10 min" and 600 <= r["seconds"] < 660 and r["steps"] > 0 and 0 < r["fid"] < 1000
    # one row per (model, seed), so the summary has mean and spread over the two seeds
    summary = {r["method"]: r for r in experiments.summarize(rows)}
    assert all(s["n"] == 2 and s["fid_std"] > 0 for s in summary.values())
    # the recipe takes about twice the lean DCGAN's steps per second (batch 64 instead of 128)
    assert 1.5 < summary["recipe"]["steps"] / summary["lean"]["steps"] < 2.5


def test_benchmark_results_converts_types_and_names_its_benchmark(tmp_path):
    # read_results' refusals are tested in test_experiments.py; here, what this wrapper adds
    one = tmp_path / "one.csv"
    one.write_text("model,seed,minutes,steps,seconds,slices,fid\nlean,1,0.5,40,30.25,2,300.5\n")
    assert stability.benchmark_results(one) == [
        {"method": "lean", "setting": "0.5 min", "seed": 1, "steps": 40, "seconds": 30.25, "fid": 300.5}
    ]
    with pytest.raises(FileNotFoundError, match="dcgan_time_to_quality.py"):
        stability.benchmark_results(tmp_path / "none.csv")


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("lean,1,0.5,40,nan,2,300.5", "line 3, column 'seconds': 'nan' is not a finite number"),
        ("lean,1,inf,40,30.0,2,300.5", "line 3, column 'minutes': 'inf' is not a finite number"),
        ("lean,1,0.5,4x,30.0,2,300.5", "line 3, column 'steps': '4x' is not a whole number"),
        ("lean,1,0.5,40,30.0", "line 3 has 5 fields but the header has 7"),
    ],
)
def test_benchmark_results_names_the_file_line_and_column_of_a_bad_value(tmp_path, row, says):
    path = tmp_path / "t.csv"
    path.write_text(f"model,seed,minutes,steps,seconds,slices,fid\nlean,0,0.5,40,30.25,2,300.5\n{row}\n")
    with pytest.raises(ValueError, match=r"t\.csv " + re.escape(says) + ".*dcgan_time_to_quality.py"):
        stability.benchmark_results(path)


def test_a_diverged_runs_nan_fid_is_kept_and_the_summary_says_so(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "model,seed,minutes,steps,seconds,slices,fid\nlean,0,0.5,40,30.25,2,300.5\nlean,1,0.5,40,30.0,2,nan\n"
    )
    rows = stability.benchmark_results(path)
    assert math.isnan(rows[1]["fid"])
    with pytest.warns(UserWarning, match=r"fid of method 'lean', setting '0.5 min' is nan for seed\(s\) \[1\]"):
        (summary,) = experiments.summarize(rows)
    assert (summary["fid"], summary["fid_n"], summary["n"]) == (300.5, 1, 2)


CPUINFO = """processor\t: 0
model name\t: {name}
flags\t\t: fpu sse2 avx2 fma {extra}

processor\t: 1
model name\t: {name}
flags\t\t: fpu sse2 avx2 fma {extra}
"""


@pytest.mark.parametrize(
    "extra, bf16",
    [("", False), ("avx512f avx512_bf16", True), ("amx_tile amx_bf16", True), ("avx512f avx512_vnni", False)],
)
def test_machine_reads_the_cpu_and_its_bfloat16_instructions(tmp_path, extra, bf16):
    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO.format(name="Example CPU 9000", extra=extra))
    found = benchmark.machine(info)
    assert found["cpu"] == "Example CPU 9000" and found["bfloat16"] is bf16
    assert len(found["gpus"]) == len(tf.config.list_physical_devices("GPU"))


def test_machine_says_unknown_where_the_system_does_not_say(tmp_path):
    found = benchmark.machine(tmp_path / "no-such-file")
    assert found["bfloat16"] is None and found["cpu"]  # platform's answer, or "unknown"
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\n")  # no flags line (some virtual machines)
    assert benchmark.machine(info)["bfloat16"] is None


def test_mixed_policy_follows_the_gpu_generation(monkeypatch):
    if not tf.config.list_physical_devices("GPU"):
        assert benchmark.mixed_policy() == "mixed_bfloat16"  # a CPU computes in no other 16-bit float
    fake = tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [fake] if kind == "GPU" else [])
    for capability, policy in (((7, 5), "mixed_float16"), ((8, 0), "mixed_bfloat16"), ((9, 0), "mixed_bfloat16")):
        details = {"compute_capability": capability}
        monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d, c=details: c)
        assert benchmark.mixed_policy() == policy, capability
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d: {})  # capability not reported
    assert benchmark.mixed_policy() == "mixed_float16"
