"""clinic.diagnose: each check against a buggy and a fixed setup, and no false alarm on the course's own models."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from gan_course import clinic, conditional, losses, models, seeds, training


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")


def _mlp_pair():
    return models.mlp_generator(16, hidden=32), models.mlp_discriminator(hidden=32)


def _dense_d(activation=None, image_shape=(28, 28, 1), bias=0.0, name="d"):
    return keras.Sequential(
        [
            keras.Input(image_shape),
            layers.Flatten(),
            layers.Dense(1, activation=activation, bias_initializer=keras.initializers.Constant(bias)),
        ],
        name=name,
    )


def _dense_g(activation="tanh", z_dim=16, image_shape=(28, 28, 1)):
    return keras.Sequential(
        [
            keras.Input((z_dim,)),
            layers.Dense(math.prod(image_shape), activation=activation),
            layers.Reshape(image_shape),
        ]
    )


def _found(report, check):
    return [f for f in report.findings if f.check == check]


# ------------------------------------------------------------------- no false alarms


def _course_setups():
    rng = np.random.default_rng(1)
    imgs = rng.uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    ring = rng.normal(size=(64, 2)).astype("float32")
    labels = rng.integers(0, 10, 16)
    return {
        "mlp (lesson 02)": lambda: (*_mlp_pair(), imgs, {}),
        "dcgan lean (lesson 03)": lambda: (
            models.dcgan_lean_generator(16, width=16),
            models.dcgan_lean_discriminator(width=16),
            imgs,
            {},
        ),
        "dcgan seed (lesson 03)": lambda: (
            models.dcgan_seed_generator(16),
            models.dcgan_seed_discriminator(),
            imgs,
            {},
        ),
        "dcgan lean, spectral norm (lesson 06)": lambda: (
            models.dcgan_lean_generator(16, width=16),
            models.dcgan_lean_discriminator(width=16, spectral_norm=True),
            imgs,
            {},
        ),
        "toy (lessons 01, 04)": lambda: (models.toy_generator(2, 2), models.toy_discriminator(2), ring, {}),
        "conditional toy (lesson 04)": lambda: (
            models.toy_generator(2, 2, n_classes=4),
            models.toy_discriminator(2, n_classes=4),
            ring,
            {"labels": rng.integers(0, 4, 64)},
        ),
        "conditional lean, projection (lesson 07)": lambda: (
            conditional.conditional_lean_generator(16, width=16),
            conditional.conditional_lean_discriminator(width=16),
            imgs,
            {"labels": labels},
        ),
        "conditional lean, concat (lesson 07)": lambda: (
            conditional.conditional_lean_generator(16, width=16),
            conditional.conditional_lean_discriminator(width=16, mode="concat"),
            imgs,
            {},  # no labels given: drawn from the embeddings' rows
        ),
    }


@pytest.mark.parametrize("name", list(_course_setups()))
def test_no_finding_on_the_course_models(name):
    generator, discriminator, data, extra = _course_setups()[name]()
    report = clinic.diagnose(
        generator,
        discriminator,
        data,
        d_optimizer=training.default_optimizer(),
        g_optimizer=training.default_optimizer(),
        mixed_batches=False,
        **extra,
    )
    assert report.findings == [], str(report)
    assert report.ok
    assert report.status["combined_model"].startswith("skipped")
    assert all(report.status[c] == "ok" for c in clinic.CHECKS if c != "combined_model"), report.status


@pytest.mark.parametrize(
    "loss", [pytest.param(n, marks=pytest.mark.slow) if n == "minimax" else n for n in sorted(losses.LOSSES)]
)  # minimax: D is trained 40 steps to see whether it saturates
def test_no_finding_for_any_course_loss(images, loss):
    report = clinic.diagnose(*_mlp_pair(), images, loss=loss)
    assert report.findings == [], str(report)


@pytest.mark.slow
def test_no_finding_on_a_built_gan_and_its_optimizers(images):
    from gan_course.gan import build_gan

    gan = build_gan(*_mlp_pair())
    gan.fit(images, batch_size=16, epochs=1, verbose=0)
    report = clinic.diagnose(
        gan.generator, gan.discriminator, images, d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer
    )
    assert report.findings == [], str(report)


def test_a_tf_data_pipeline_and_image_data_are_read(images):
    from gan_course.data import ImageData, make_dataset

    report = clinic.diagnose(*_mlp_pair(), make_dataset(images, 8))
    assert report.findings == [] and report.measurements["data_range"][0] < -0.9
    wrapped = ImageData(images, np.zeros(len(images), int), "fashion_mnist", "train", "test", "here")
    assert clinic.diagnose(*_mlp_pair(), wrapped).findings == []


def test_diagnose_leaves_every_weight_as_it_was(images):
    generator, discriminator = models.dcgan_seed_generator(16), models.dcgan_seed_discriminator()
    before = [w.numpy().copy() for w in generator.weights + discriminator.weights]
    clinic.diagnose(generator, discriminator, images)
    after = [w.numpy() for w in generator.weights + discriminator.weights]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


# ------------------------------------------------------------------- data_range


def test_data_range_unit_interval_against_tanh(images):
    report = clinic.diagnose(*_mlp_pair(), (images + 1) / 2)
    (finding,) = _found(report, "data_range")
    assert finding.severity == "error" and "50%" in finding.found and "x * 2 - 1" in finding.fix
    assert clinic.diagnose(*_mlp_pair(), images).status["data_range"] == "ok"


def test_data_range_pixels_against_tanh(images):
    pixels = ((images + 1) * 127.5).astype("uint8")
    (finding,) = _found(clinic.diagnose(*_mlp_pair(), pixels), "data_range")
    assert finding.severity == "error" and "127.5" in finding.fix and "[-1, 1]" in finding.found


def test_data_range_sigmoid_generator(images):
    g = _dense_g("sigmoid")
    (finding,) = _found(clinic.diagnose(g, models.mlp_discriminator(hidden=8), images), "data_range")
    assert "sigmoid" in finding.found and "[0, 1]" in finding.found
    assert clinic.diagnose(g, models.mlp_discriminator(hidden=8), (images + 1) / 2).status["data_range"] == "ok"


def test_data_range_linear_generator_with_pixels(images):
    pixels = (images + 1) * 127.5
    (finding,) = _found(clinic.diagnose(_dense_g(None), models.mlp_discriminator(hidden=8), pixels), "data_range")
    assert finding.severity == "warning" and "/ 127.5 - 1" in finding.fix


def test_data_with_nan(images):
    bad = images.copy()
    bad[0, 0, 0, 0] = np.nan
    report = clinic.diagnose(*_mlp_pair(), bad)
    assert "NaN" in _found(report, "data_range")[0].found
    assert report.status["saturation"].startswith("skipped")


# ------------------------------------------------------------------- output_activation


@pytest.mark.parametrize(
    ("activation", "loss", "severity"),
    [
        ("sigmoid", "non_saturating", "error"),  # a double sigmoid
        ("sigmoid", "minimax", "error"),
        ("sigmoid", "hinge", "error"),  # seed 001: a score loss on probabilities
        ("sigmoid", keras.losses.BinaryCrossentropy(from_logits=True), "info"),  # Keras 3 finds the logit
        ("relu", "non_saturating", "error"),  # logits never below 0: D(x) >= 1/2
        ("softplus", keras.losses.BinaryCrossentropy(from_logits=True), "error"),
        (None, "binary_crossentropy", "error"),  # logits into a loss on probabilities
        (None, keras.losses.BinaryCrossentropy(), "error"),
        ("softmax", "non_saturating", "error"),
        ("sigmoid", "binary_crossentropy", "info"),  # seeds 000 and 003: works, fragile
        (None, "non_saturating", None),
        (None, keras.losses.BinaryCrossentropy(from_logits=True), None),
        (None, "wgan_gp", None),
    ],
)
def test_output_activation_against_the_loss(images, activation, loss, severity):
    report = clinic.diagnose(_dense_g(), _dense_d(activation), images, loss=loss)
    found = _found(report, "output_activation")
    assert [f.severity for f in found] == ([severity] if severity else []), str(report)


def test_double_sigmoid_says_where_d_is_stuck(images):
    (finding,) = _found(clinic.diagnose(_dense_g(), _dense_d("sigmoid"), images), "output_activation")
    assert "between 0.5 and 0.731" in finding.found and "Dense(1)" in finding.fix
    (finding,) = _found(clinic.diagnose(_dense_g(), _dense_d("relu"), images), "output_activation")
    assert "between 0.5 and 1" in finding.found and "never call a sample fake" in finding.found


def test_keras_finds_the_logit_behind_a_sigmoid_as_the_finding_says():
    # The info finding says Keras 3's binary cross-entropy computes the loss from the logit behind D's sigmoid
    # layer, and that any operation in between loses it. Known answers: D's logit is -30 for every input.
    d = _dense_d("sigmoid", bias=-30.0)
    x = np.zeros((2, 28, 28, 1), "float32")
    ones = np.ones((2, 1), "float32")
    out = d(x)
    assert float(out[0, 0]) < 1e-12  # the probability rounds to 0 in float32
    assert float(keras.losses.BinaryCrossentropy()(ones, out)) == pytest.approx(30.0, rel=1e-4)  # -log D from the logit
    assert float(keras.losses.BinaryCrossentropy(from_logits=True)(ones, out)) == pytest.approx(30.0, rel=1e-4)
    clipped = float(keras.losses.BinaryCrossentropy()(ones, tf.concat([out[:1], out[1:]], 0)))
    assert clipped == pytest.approx(-math.log(1e-7), rel=1e-3)  # through a concat: clipped at 1e-7
    report = clinic.diagnose(_dense_g(), d, np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)), "bce")
    (finding,) = _found(report, "output_activation")
    assert finding.severity == "info" and "works, but only because Keras 3" in finding.found


def test_output_activation_reader():
    g = _dense_g("tanh")
    assert clinic.output_activation(g) == "tanh"  # through Reshape
    nested = keras.Sequential([g, _dense_d("sigmoid")])
    assert clinic.output_activation(nested) == "sigmoid"  # into the nested discriminator
    assert clinic.output_activation(models.dcgan_lean_discriminator(width=8, spectral_norm=True)) == "linear"
    assert clinic.output_activation(conditional.conditional_lean_discriminator(width=8)) == "linear"  # Add
    lam = keras.Sequential([keras.Input((3,)), layers.Lambda(lambda x: x * 2)])
    assert clinic.output_activation(lam) is None
    act = keras.Sequential([keras.Input((3,)), layers.Dense(1), layers.Activation("sigmoid")])
    assert clinic.output_activation(act) == "sigmoid"


# ------------------------------------------------------------------- shapes


def test_shapes_seed_001_generator_against_mnist(images):
    report = clinic.diagnose(seeds.s1_generator(), seeds.s1_discriminator((28, 28, 1)), images)
    (finding,) = _found(report, "shapes")
    assert "(16, 16, 1)" in finding.found and "(28, 28, 1)" in finding.found
    assert "from 4×4 to 16×16" in finding.fix and "start from 7×7" in finding.fix
    assert report.status["saturation"].startswith("skipped: the shapes")


def test_shapes_discriminator_and_output(images):
    g = _dense_g()
    report = clinic.diagnose(g, _dense_d(image_shape=(32, 32, 1)), images)
    assert "D takes samples of shape (32, 32, 1)" in _found(report, "shapes")[0].found
    wide = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])
    assert "(10,)" in _found(clinic.diagnose(g, wide, images), "shapes")[0].found


def test_shapes_only_one_network_takes_labels(images):
    g = conditional.conditional_lean_generator(16, width=8)
    report = clinic.diagnose(g, models.dcgan_lean_discriminator(width=8), images, labels=np.zeros(32, int))
    assert "only one of them takes labels" in _found(report, "shapes")[0].found


# ------------------------------------------------------------------- loss_signs


def test_loss_signs_seed_001(images):
    report = clinic.diagnose(*_mlp_pair(), images, loss=seeds.s1_loss())
    (finding,) = _found(report, "loss_signs")
    assert "real samples" in finding.found and finding.severity == "error"


def test_loss_signs_generator_rewarded_for_losing(images):
    flipped = losses.GANLoss("flipped", losses.discriminator_loss, lambda fake: -tf.reduce_mean(tf.nn.softplus(-fake)))
    (finding,) = _found(clinic.diagnose(*_mlp_pair(), images, loss=flipped), "loss_signs")
    assert finding.found.startswith("G's loss")


def test_loss_signs_pass_for_smoothing_and_r1(images):
    for loss in (losses.with_label_smoothing("non_saturating"), losses.with_r1("hinge")):
        assert _found(clinic.diagnose(*_mlp_pair(), images, loss=loss), "loss_signs") == []


# ------------------------------------------------------------------- combined_model


def _combined_recipe(freeze: str):
    g, d = models.mlp_generator(16, hidden=8), _dense_d("sigmoid")
    d.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    if freeze == "after_first_d_step":
        d.train_on_batch(np.zeros((2, 28, 28, 1)), np.ones((2, 1)))
    if freeze != "never":
        d.trainable = False
    combined = keras.Sequential([g, d])
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return g, d, combined


def test_combined_model_not_frozen(images):
    g, d, combined = _combined_recipe("never")
    (finding,) = _found(clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined), "combined_model")
    assert finding.severity == "error" and "2 of D's variables" in finding.found


def test_combined_model_frozen_after_ds_first_step(images):
    g, d, combined = _combined_recipe("after_first_d_step")
    report = clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined)
    assert report.status["combined_model"] == "ok", str(report)


def test_combined_model_keras3_freezes_d_for_good(images):
    # Keras 2's recipe: freeze before D's first train_on_batch. Keras 3 then never trains D: check it does not.
    g, d, combined = _combined_recipe("before_first_d_step")
    before = [w.numpy().copy() for w in d.weights]
    d.train_on_batch(np.zeros((2, 28, 28, 1)), np.ones((2, 1)))
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before, d.weights))
    g, d, combined = _combined_recipe("before_first_d_step")
    (finding,) = _found(clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined), "combined_model")
    assert "never change it" in finding.found


def _d_moves_in_a_combined_step(d, combined) -> bool:
    before = [w.numpy().copy() for w in d.weights]
    combined.train_on_batch(np.zeros((2, 16)), np.ones((2, 1)))
    return not all(np.array_equal(b, w.numpy()) for b, w in zip(before, d.weights))


def _traced_finding(report):
    (finding,) = _found(report, "combined_model")
    assert finding.severity == "warning" and "next compile()" in finding.found and "compile(" in finding.fix
    return finding


def test_combined_model_traced_before_d_was_frozen(images):
    # Keras 3 keeps the step it traced: freezing D afterwards changes the flags, not the step (a false negative
    # if diagnose read the flags). Known answer: the next combined step still moves D; after compile() it does not.
    g, d, combined = _combined_recipe("after_first_d_step")
    d.trainable = True
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    combined.train_on_batch(np.zeros((2, 16)), np.ones((2, 1)))
    d.trainable = False
    assert _d_moves_in_a_combined_step(d, combined)
    report = clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined)
    assert "trainable is False now" in _traced_finding(report).found
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    assert clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined).status["combined_model"] == "ok"
    assert not _d_moves_in_a_combined_step(d, combined)


def test_combined_model_traced_while_d_was_frozen(images):
    # the other way round: unfreezing D after the step was traced does not make the step train D (a false
    # positive if diagnose read the flags). Known answer: the next combined step leaves D as it was.
    g, d, combined = _combined_recipe("after_first_d_step")
    combined.train_on_batch(np.zeros((2, 16)), np.ones((2, 1)))
    d.trainable = True
    assert not _d_moves_in_a_combined_step(d, combined)
    report = clinic.diagnose(g, d, images, "binary_crossentropy", combined=combined)
    assert "trainable is True now" in _traced_finding(report).found and not report.errors


def test_combined_model_that_does_not_hold_d(images):
    g, d, _ = _combined_recipe("never")
    other = keras.Sequential([g, _dense_d("sigmoid", name="other")])
    (finding,) = _found(clinic.diagnose(g, d, images, "binary_crossentropy", combined=other), "combined_model")
    assert finding.severity == "warning"


# ------------------------------------------------------------------- batchnorm_mixed


@pytest.mark.slow
def test_batchnorm_in_d_with_mixed_batches(images):
    g, d = seeds.s1_fixed_generator(16, channels=(8, 8)), seeds.s1_fixed_discriminator()
    (finding,) = _found(clinic.diagnose(g, d, images, mixed_batches=True), "batchnorm_mixed")
    assert finding.severity == "warning" and "separately" in finding.fix
    assert clinic.diagnose(g, d, images, mixed_batches=False).status["batchnorm_mixed"] == "ok"
    assert clinic.diagnose(g, d, images).status["batchnorm_mixed"].startswith("skipped: D has BatchNorm")


def test_mixed_batches_without_batchnorm_is_fine(images):
    report = clinic.diagnose(*_mlp_pair(), images, mixed_batches=True)
    assert report.findings == []


# ------------------------------------------------------------------- optimizer


def test_optimizer_keras_defaults_on_images(images):
    report = clinic.diagnose(
        *_mlp_pair(), images, d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam()
    )
    (finding,) = _found(report, "optimizer")  # lr 1e-3 is inside the range; beta_1 0.9 is not
    assert "D's and G's Adam have beta_1 = 0.9" in finding.found


def test_optimizer_learning_rate_and_beta_2(images):
    report = clinic.diagnose(
        *_mlp_pair(),
        images,
        d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.5),
    )
    found = sorted(f.found for f in _found(report, "optimizer"))
    assert len(found) == 2
    assert found[0].startswith("D's Adam has learning rate 0.01, above") and "beta_2 = 0.5" in found[1]


def test_optimizer_toy_data_keeps_beta_1_09():
    ring = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    report = clinic.diagnose(
        models.toy_generator(2, 2),
        models.toy_discriminator(2),
        ring,
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    assert report.status["optimizer"] == "ok"


def test_optimizer_shared_and_compiled(images):
    shared = training.default_optimizer()
    report = clinic.diagnose(*_mlp_pair(), images, d_optimizer=shared, g_optimizer=shared)
    assert "share one optimizer" in _found(report, "optimizer")[0].found
    g, d, combined = seeds.s0_models()  # Adam() compiled into both: read from the models
    report = clinic.diagnose(g, d, (images + 1) / 2, "binary_crossentropy", combined=combined)
    assert "beta_1 = 0.9" in _found(report, "optimizer")[0].found


# ------------------------------------------------------------------- saturation


def test_saturation_minimax_against_a_sure_discriminator(images):
    g, d = _dense_g(), _dense_d(bias=-10.0)  # D(x) ≈ sigmoid(-10) ≈ 4.5e-5 for every input
    report = clinic.diagnose(g, d, images, loss="minimax")
    (finding,) = _found(report, "saturation")
    assert "non_saturating" in finding.fix
    # the minimax loss log(1 - D) has slope -D with respect to the logit: known answer
    assert report.measurements["g_signal"] == pytest.approx(report.measurements["d_fake"], rel=0.05)
    assert report.measurements["d_fake"] < 1e-3
    fixed = clinic.diagnose(g, d, images, loss="non_saturating")
    assert fixed.status["saturation"] == "ok" and fixed.measurements["g_signal"] > 0.9


@pytest.mark.slow
def test_saturation_once_d_learns_to_reject_the_fakes(images):
    # a fresh D gives G's samples about 1/2; a few steps of a quick D reject them, and the minimax loss goes flat
    g, d = _dense_g(), models.mlp_discriminator()
    report = clinic.diagnose(g, d, images, loss="minimax", d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    m = report.measurements
    assert 0.3 < m["d_fake"] < 0.7 and m["g_signal"] > 0.3  # not saturated at the start
    (finding,) = _found(report, "saturation")
    assert "as soon as D learns" in finding.found and "non_saturating" in finding.fix
    assert m["d_fake_after_d_steps"] < clinic.SATURATION  # the minimax slope is D(G(z)) itself: known answer
    assert m["g_signal_after_d_steps"] == pytest.approx(m["d_fake_after_d_steps"], rel=0.05)
    # the same quick D with the non-saturating loss: steep wherever D puts the fakes, so D is not even trained
    fine = clinic.diagnose(g, d, images, loss="non_saturating", d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    assert fine.status["saturation"] == "ok" and "d_fake_after_d_steps" not in fine.measurements
    # the minimax loss with a slow D: D does not reject the fakes within the steps, so nothing is found
    slow = clinic.diagnose(g, d, images, loss="minimax", d_optimizer=keras.optimizers.Adam(1e-5, beta_1=0.5))
    assert slow.status["saturation"] == "ok" and slow.measurements["d_fake_after_d_steps"] > 0.3


def test_no_saturation_when_g_already_fools_d(images):
    report = clinic.diagnose(_dense_g(), _dense_d(bias=10.0), images, loss="non_saturating")
    assert report.status["saturation"] == "ok"


def test_measurements_at_the_start(images):
    report = clinic.diagnose(_dense_g(), _dense_d(bias=0.0), images)
    m = report.measurements
    assert {"d_real", "d_fake", "d_loss", "g_loss", "d_grad_norm", "g_grad_norm", "g_signal"} <= set(m)
    assert m["g_grad_norm"] > 0 and m["d_grad_norm"] > 0 and 0 < m["d_fake"] < 1


# ------------------------------------------------------------------- the report and bad arguments


def test_report_reads_as_text_and_markdown(images):
    report = clinic.diagnose(*_mlp_pair(), (images + 1) / 2, d_optimizer=keras.optimizers.Adam())
    text = str(report)
    assert text.startswith("diagnose: 1 error, 1 warning") and "fix:" in text
    assert "data_range" in report and "shapes" not in report and not report.ok
    markdown = report._repr_markdown_()
    assert "| check | severity | found | fix |" in markdown and "| data_range | error |" in markdown
    assert list(report.status) == [c for c in clinic.CHECKS if c in report.status]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"generator": "g"}, "generator must be a keras.Model"),
        ({"generator": keras.Sequential([layers.Dense(3)])}, "not built"),
        ({"n": 1}, "n \\(the sample size\\)"),
        ({"seed": -1}, "seed must be"),
        ({"mixed_batches": "yes"}, "mixed_batches must be"),
        ({"loss": "mse"}, "unknown GAN loss 'mse'.*binary_crossentropy"),
        ({"loss": keras.losses.MeanSquaredError()}, "MeanSquaredError"),
        ({"d_optimizer": "adam"}, "d_optimizer must be a Keras optimizer"),
        ({"combined": 3}, "combined must be a keras.Model"),
        ({"data": np.zeros(5)}, "batch of samples"),
        ({"data": np.array(["a", "b"])[:, None]}, "must be numbers"),
        ({"labels": np.zeros(3)}, "one label per sample"),
    ],
)
def test_bad_arguments_are_refused_at_the_door(images, kwargs, match):
    g, d = _mlp_pair()
    args = {"generator": g, "discriminator": d, "data": images, **kwargs}
    with pytest.raises(ValueError, match=match):
        clinic.diagnose(**args)


def test_conditional_networks_without_labels_or_embeddings():
    ring = np.zeros((8, 2), "float32")
    g, d = models.toy_generator(2, 2, n_classes=3), models.toy_discriminator(2, n_classes=3)
    with pytest.raises(ValueError, match="pass labels="):
        clinic.diagnose(g, d, ring)
