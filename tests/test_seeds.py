"""gan_course.seeds: the seed programs' failures as printed, their faithful networks and loops, and the fixes."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_course import clinic, models, seeds
from gan_course.gan import GAN
from gan_course.seeds import _programs, s1, s3


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")


def _errors(failures):
    return [f.error for f in failures]


# ------------------------------------------------------------------- as printed


def test_s0_fails_where_the_seed_does():
    failures = seeds.s0_failures()
    assert _errors(failures) == [
        "SyntaxError",
        "TypeError",
        "InvalidArgumentError",
        "ValueError",
        "ModuleNotFoundError",
    ]
    assert "cannot unpack non-iterable Sequential" in failures[1].message
    assert "[16,1] vs. [32,1]" in failures[2].message.replace(" ", "") or "[32,1]" in failures[2].message
    assert "Expected shape (None, 100)" in failures[3].message
    assert "fid_score" in failures[4].message
    assert all(f.ran and f.fix for f in failures)


def test_s1_fails_step_by_step_until_it_runs():
    failures = seeds.s1_failures()
    assert _errors(failures) == [
        "SyntaxError",  # the page lost the code's line breaks
        "NameError",  # noisedim
        "NameError",  # batch_size
        "NameError",  # noise_dim inside generator
        "ValueError",  # inputshape
        "NameError",  # X_train
        "TypeError",  # discriminator() got training=
        "TypeError",  # generator(noise, noise_dim) passes training twice
        "ValueError",  # 16×16 samples into a 28×28 D
        "InvalidArgumentError",  # outputs of batches of different sizes added
        "NameError",  # generator_optimizer
    ]
    assert "inputshape" in failures[4].message and "16, 16" in failures[8].message
    assert not any(f.fix.startswith("(this fix list") for f in failures)
    # each failure's fix is the shipped fix list's, in order, and with every fix applied the program runs
    fixes = _programs.fixes("s1")
    assert [f.fix for f in failures[1:]] == [fix.why for fix in fixes]
    namespace = {"IMAGES": np.zeros((8, 28, 28, 1), np.float32)}
    exec(compile(s1._source(len(fixes)), "<seed 001 §4>", "exec"), namespace)


def test_s3_fails_where_this_machine_can_show_it():
    failures = seeds.s3_failures()
    assert [f.ran for f in failures] == [False, True, True]
    assert _errors(failures)[1:] == ["ValueError", "FileNotFoundError"]
    assert "2304" in failures[1].message and "4096" in failures[1].message
    assert "'samples/sample_0000.png'" in failures[2].message.replace("\\", "/")
    assert "not run here" in str(failures) and "| # | section |" in failures._repr_markdown_()


# ------------------------------------------------------------------- the networks


def test_s0_networks_are_the_seeds():
    generator, discriminator, combined = seeds.s0_models()
    assert generator.count_params() == models.mlp_generator(100).count_params() == 100 * 128 + 128 + 128 * 784 + 784
    assert discriminator.count_params() == 784 * 128 + 128 + 129
    assert clinic.output_activation(discriminator) == "sigmoid"
    assert combined.layers == [generator, discriminator]
    for model in (discriminator, combined):
        assert model.optimizer.beta_1 == 0.9 and float(model.optimizer.learning_rate) == pytest.approx(1e-3)


def test_s1_networks():
    generator = seeds.s1_generator()
    assert generator.output_shape == (None, 16, 16, 1)  # the seed's bug
    dense = 100 * 4096 + 4096 + 4096 * 2048 + 2048 + 2048 * 1024 + 1024
    convs = (16 * 64 * 128 + 128) + (16 * 128 * 256 + 256) + (16 * 256 + 1) + 2 * (2 * 128 + 2 * 256)
    assert generator.count_params() == dense + convs
    assert clinic.output_activation(generator) == "tanh"
    d = seeds.s1_discriminator()
    assert d.input_shape == (None, 16, 16, 1) and clinic.output_activation(d) == "sigmoid"
    fixed = seeds.s1_fixed_generator()
    assert fixed.output_shape == (None, 28, 28, 1)
    assert fixed.count_params() - generator.count_params() == 2048 * (7 * 7 - 4 * 4) * 64 + (7 * 7 - 4 * 4) * 64
    assert clinic.output_activation(seeds.s1_fixed_discriminator()) == "linear"
    assert seeds.s1_fixed_generator(16, (32, 32, 3), channels=(8, 8)).output_shape == (None, 32, 32, 3)
    with pytest.raises(ValueError, match="divisible by 4"):
        seeds.s1_fixed_generator(image_shape=(30, 30, 1))


def test_s3_networks_follow_pytorch():
    generator = seeds.s3_generator()
    assert generator.count_params() == 100 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784
    d = seeds.s3_discriminator()
    features = [layer for layer in d.layers if isinstance(layer, keras.layers.Flatten)][0]
    assert features.output.shape[-1] == 256 * 4 * 4  # not the seed's 256 * 3 * 3
    convs = (9 * 64 + 64) + (64 * 9 * 128 + 128) + (128 * 9 * 256 + 256)
    assert d.count_params() == convs + 4096 + 1
    assert clinic.output_activation(d) == "sigmoid"
    assert clinic.output_activation(seeds.s3_discriminator(logits=True)) == "linear"
    # PyTorch's default initialisation: weights and biases within ±1/sqrt(fan_in)
    for layer, fan_in in zip(generator.layers[:3], (100, 256, 512)):
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(layer.kernel.numpy()).max() <= bound and np.abs(layer.bias.numpy()).max() <= bound
        assert np.abs(layer.kernel.numpy()).max() > 0.9 * bound and np.abs(layer.bias.numpy()).max() > 0
    with pytest.raises(ValueError, match="logits must be True or False"):
        seeds.s3_discriminator(logits="yes")


def test_torch_bce_known_answers():
    p = tf.constant([[0.8], [0.0], [1.0]])
    target = tf.constant([[1.0], [1.0], [1.0]])
    with tf.GradientTape() as tape:
        tape.watch(p)
        loss = s3._torch_bce(p, target)
    # -log 0.8, then log(0) clamped at -100 as PyTorch clamps it, then 0
    assert float(loss) == pytest.approx((-math.log(0.8) + 100.0 + 0.0) / 3, rel=1e-5)
    grad = tape.gradient(loss, p).numpy().ravel()
    assert np.all(np.isfinite(grad))
    assert grad[0] == pytest.approx(-1 / 0.8 / 3, rel=1e-4)  # (p - y) / (p (1 - p)) / N


# ------------------------------------------------------------------- the loops


def test_s0_train_moves_d_in_g_step_unless_frozen(images):
    data = seeds.s0_scale(images)
    assert data.min() >= 0 and data.max() <= 1
    g, d, combined = seeds.s0_models()
    history = seeds.s0_train(g, d, combined, data, steps=3, batch_size=32)
    assert len(history["d_loss"]) == 3 and history.steps_per_epoch == 2
    assert np.all(history["d_change_in_g_step"] > 0)
    g, d, combined = seeds.s0_models()
    before = [w.numpy().copy() for w in d.weights]
    history = seeds.s0_train(g, d, combined, data, steps=3, batch_size=32, freeze=True)
    assert np.all(history["d_change_in_g_step"] == 0)
    assert not all(np.array_equal(b, w.numpy()) for b, w in zip(before, d.weights))  # D still learns in its step
    assert d.trainable
    with pytest.raises(ValueError, match="do not split into batches of 32"):
        seeds.s0_train(g, d, combined, data[:40], steps=1)


def test_s1_train_teaches_d_to_score_everything_low(images):
    g, d = seeds.s1_generator(), seeds.s1_discriminator()
    small = seeds.resize_images(images[:16], 16)
    history = seeds.s1_train(g, d, small, steps=4, batch_size=8)
    assert history.loss.name == "seed001" and len(history["d_real"]) == 4
    assert history["d_real"][-1] < history["d_real"][0]  # the wrong sign: real samples scored down too
    with pytest.raises(ValueError, match="resize_images"):
        seeds.s1_train(g, d, images[:8], steps=1)


def test_s3_train_mixed_batch(images):
    g, d = seeds.s3_generator(), seeds.s3_discriminator()
    history = seeds.s3_train(g, d, images[:50], steps=3, batch_size=20)  # batches of 20, 20 and a short 10
    # PyTorch's start: D outputs about 1/2, so real + fake cross-entropy is about 2 log 2
    assert history["d_loss"][0] == pytest.approx(2 * math.log(2), abs=0.05)
    assert history.steps_per_epoch == 3 and np.all(np.isfinite(history["g_loss"]))
    logits = seeds.s3_train(seeds.s3_generator(), seeds.s3_discriminator(logits=True), images[:20], 2, 10, beta_1=0.5)
    assert logits["d_loss"][0] == pytest.approx(2 * math.log(2), abs=0.05)
    with pytest.raises(ValueError, match="beta_1"):
        seeds.s3_train(g, d, images[:20], 1, beta_1=1.0)


@pytest.mark.parametrize(
    "build",
    [lambda: seeds.s0_fixed(16), lambda: seeds.s1_fixed(16, channels=(8, 16)), lambda: seeds.s3_fixed()],
    ids=["S0", "S1", "S3"],
)
def test_fixed_versions_train_and_pass_diagnose(images, build):
    gan = build()
    assert isinstance(gan, GAN) and gan.gan_loss.name == "non_saturating"
    assert gan.d_optimizer.beta_1 == 0.5 and float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    gan.fit(images[:32], batch_size=16, epochs=1, verbose=0)
    report = clinic.diagnose(
        gan.generator, gan.discriminator, images, d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer
    )
    assert report.findings == [], str(report)


# ------------------------------------------------------------------- diagnose finds the bugs


def _faithful_setup(key, images):
    if key == "S0":
        g, d, combined = seeds.s0_models()
        return dict(
            generator=g, discriminator=d, data=seeds.s0_scale(images), loss="binary_crossentropy", combined=combined
        )
    if key == "S1":  # as printed: G makes 16×16, D and the data are 28×28
        return dict(
            generator=seeds.s1_generator(),
            discriminator=seeds.s1_discriminator((28, 28, 1)),
            data=images,
            loss=seeds.s1_loss(),
            d_optimizer=keras.optimizers.Adam(0.0002, 0.5),
            g_optimizer=keras.optimizers.Adam(0.0002, 0.5),
            mixed_batches=False,
        )
    return dict(
        generator=seeds.s3_generator(),
        discriminator=seeds.s3_discriminator(),
        data=images,
        loss="binary_crossentropy",
        d_optimizer=keras.optimizers.Adam(2e-4),
        g_optimizer=keras.optimizers.Adam(2e-4),
        mixed_batches=True,
    )


@pytest.mark.parametrize("key", ["S0", "S1", "S3"])
def test_diagnose_catches_every_bug_a_check_can(images, key):
    system = seeds.SEEDS[key]
    report = clinic.diagnose(**_faithful_setup(key, images))
    assert system.checks <= report.checks_found, str(report)
    serious = {f.check for f in report.findings if f.severity != "info"}
    assert serious <= system.checks, str(report)


def test_the_bug_table():
    assert set(seeds.SEEDS) == {"S0", "S1", "S3"}
    for system in seeds.SEEDS.values():
        assert system.bugs and all(b.check is None or b.check in clinic.CHECKS for b in system.bugs)
        assert all(b.section.startswith(system.seed) for b in system.bugs)
        assert f"**{system.key}**" in system._repr_markdown_()
        assert any(b.crash for b in system.bugs)
    assert seeds.SEEDS["S1"].checks == {"shapes", "loss_signs", "output_activation"}


# ------------------------------------------------------------------- helpers


def test_resize_and_scale(images):
    small = seeds.resize_images(images[:4], 16)
    assert small.shape == (4, 16, 16, 1) and small.min() >= -1 and small.max() <= 1
    assert seeds.resize_images(small, (28, 28)).shape == (4, 28, 28, 1)
    assert seeds.s0_scale(np.array([-1.0, 0.0, 1.0], np.float32).reshape(1, 3, 1, 1)).ravel().tolist() == [0, 0.5, 1]
    with pytest.raises(ValueError, match="expected images in \\[-1, 1\\]"):
        seeds.s0_scale(images * 255)
    with pytest.raises(ValueError, match="size must be"):
        seeds.resize_images(images, 0)
    with pytest.raises(ValueError, match="steps .* must be a positive integer"):
        seeds.s3_train(seeds.s3_generator(), seeds.s3_discriminator(), images, 0)


# ------------------------------------------------------------------- the shipped benchmark result


def test_the_shipped_benchmark_result_covers_every_program_in_time_order():
    rows = seeds.benchmark_results()
    programs = {r["program"] for r in rows}
    assert programs == {"S0 fixed = lesson 02 MLP", "S1 fixed", "S3 fixed", "lean DCGAN (lesson 03)"}
    for program in programs:
        mine = [r for r in rows if r["program"] == program]
        seconds = [r["seconds"] for r in mine]
        steps = [r["steps"] for r in mine]
        assert seconds == sorted(seconds) and steps == sorted(steps) and len(mine) >= 10
        assert seconds[-1] >= 590  # ten minutes each (the race stops a turn as soon as its time is up)
        assert all(0 < r["fid"] < 1000 for r in mine)


def test_benchmark_results_refuses_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="seed_programs.py --out"):
        seeds.benchmark_results(tmp_path / "none.csv")
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("model,fid\nlean,12.0\n")
    with pytest.raises(ValueError, match="lacks the column"):
        seeds.benchmark_results(foreign)
    empty = tmp_path / "empty.csv"
    empty.write_text("program,seed,seconds,steps,fid\n")
    with pytest.raises(ValueError, match="no rows"):
        seeds.benchmark_results(empty)
    one = tmp_path / "one.csv"
    one.write_text("program,seed,seconds,steps,fid\nS1 fixed,0,30.5,12,600.25\n")
    assert seeds.benchmark_results(one) == [
        {"program": "S1 fixed", "seed": 0, "seconds": 30.5, "steps": 12, "fid": 600.25}
    ]
