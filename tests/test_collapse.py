"""The mode-collapse lab of lesson 04: PacGAN packing, each remedy's losses, the toy trainer, the ring lab."""

import numpy as np
import pytest
import tensorflow as tf

from gan_course import collapse, experiments, features, models, toy


def test_pack_puts_consecutive_samples_side_by_side():
    x = tf.reshape(tf.range(12, dtype=tf.float32), (6, 2))
    out = models.Pack(3)(x).numpy()
    np.testing.assert_array_equal(out, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])


def test_pack_rejects_bad_sizes():
    with pytest.raises(ValueError, match="positive integer"):
        models.Pack(0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of the pack size 4"):
        models.Pack(4)(tf.zeros((6, 2)))


def test_pac_discriminator_gives_one_logit_per_pack():
    d = models.pac_discriminator(2, (8,), pack=4)
    assert d(tf.zeros((16, 2))).shape == (4, 1)


@pytest.mark.parametrize("remedy", collapse.REMEDIES)
def test_each_remedys_losses_are_finite_on_tiny_inputs(remedy):
    config = collapse._ToyConfig(remedy=remedy, hidden=(8,), z_dim=2)
    generator, discriminator, loss = collapse._build_toy_gan(config)
    real = tf.random.normal((8, 2))
    fake = generator(tf.random.normal((8, 2)))
    assert fake.shape == (8, 2)
    real_logits, fake_logits = discriminator(real, training=True), discriminator(fake, training=True)
    expected = 8 // config.pack if remedy == "pacgan" else 8
    assert real_logits.shape == fake_logits.shape == (expected, 1)
    d_loss = loss.discriminator(real_logits, fake_logits)
    if loss.penalty is not None:
        d_loss += loss.penalty(discriminator, real, fake)
    for value in (d_loss, loss.generator(fake_logits)):
        assert value.shape == () and np.isfinite(float(value))


@pytest.mark.parametrize("remedy", collapse.REMEDIES)
def test_train_toy_records_snapshots_and_coverage(remedy):
    ring = toy.ring(n=512)
    run = collapse.train_toy(ring, remedy=remedy, steps=6, every=3, batch_size=32, hidden=(8,), n_eval=50)
    assert run.steps == [0, 3, 6]
    assert [s.shape for s in run.snapshots] == [(50, 2)] * 3
    assert all(np.isfinite(s).all() for s in run.snapshots)
    assert run.final.n_modes == 8 and 0 <= run.final.high_quality_fraction <= 1
    assert run.curve("modes_covered").shape == (3,)


def test_train_toy_is_repeatable_with_a_seed():
    ring = toy.ring(n=512)
    a = collapse.train_toy(ring, steps=4, every=4, batch_size=32, hidden=(8,), n_eval=20, seed=3)
    b = collapse.train_toy(ring, steps=4, every=4, batch_size=32, hidden=(8,), n_eval=20, seed=3)
    np.testing.assert_allclose(a.snapshots[-1], b.snapshots[-1], rtol=1e-5, atol=1e-6)


def test_train_toy_rejects_bad_settings():
    ring = toy.ring(n=512)
    with pytest.raises(ValueError, match="unknown remedy 'unrolled'.*'pacgan'"):
        collapse.train_toy(ring, remedy="unrolled", steps=1)
    with pytest.raises(ValueError, match="divisible by pack"):
        collapse.train_toy(ring, remedy="pacgan", batch_size=30, pack=4, steps=1)
    with pytest.raises(ValueError, match="unknown settings.*'lr'"):
        collapse.train_toy(ring, lr=1e-3)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        collapse.train_toy(ring, steps=0)
    with pytest.raises(ValueError, match="toy.ring"):
        collapse.train_toy(np.zeros((10, 2)), steps=1)
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'.*'adam', 'rmsprop'"):
        collapse.train_toy(ring, optimizer="sgd", steps=1)
    for optimizer in ("adam", "rmsprop"):  # both check the rate as training.default_optimizer does
        with pytest.raises(ValueError, match="lr_d \\(D's learning rate\\) must be a positive number"):
            collapse.train_toy(ring, optimizer=optimizer, lr_d=-1e-3, decay=False, steps=1)


def test_rmsprop_and_adam_take_different_steps_from_the_same_start():
    ring = toy.ring(n=512)
    settings = dict(steps=3, every=3, batch_size=64, hidden=(8,), decay=False, seed=0)
    adam = collapse.train_toy(ring, optimizer="adam", **settings)
    again = collapse.train_toy(ring, optimizer="adam", **settings)
    rmsprop = collapse.train_toy(ring, optimizer="rmsprop", **settings)
    np.testing.assert_allclose(adam.snapshots[0], rmsprop.snapshots[0])  # the same weights and noise at step 0
    np.testing.assert_allclose(adam.snapshots[-1], again.snapshots[-1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(adam.snapshots[-1], rmsprop.snapshots[-1], atol=1e-6)


def test_toy_trial_rows_through_the_experiment_table():
    rows = experiments.run(
        collapse.toy_trial,
        {"vanilla": {"remedy": "vanilla"}},
        {"ring": toy.ring(n=256)},
        seeds=(0, 1),
        verbose=False,
        steps=2,
        batch_size=32,
        hidden=(8,),
    )
    assert [(r["method"], r["setting"], r["seed"]) for r in rows] == [("vanilla", "ring", 0), ("vanilla", "ring", 1)]
    assert all(r["total"] == 8 and r["points"].shape == (2500, 2) for r in rows)
    (summary,) = experiments.summarize(rows)
    assert summary["n"] == 2 and summary["total"] == 8
    assert summary["modes"] == pytest.approx(np.mean([r["modes"] for r in rows]))
    assert summary["all_modes_sum"] == sum(r["modes"] == 8 for r in rows)


@pytest.mark.slow
def test_ring_lab_button_trains_and_draws():
    pytest.importorskip("ipywidgets")
    import matplotlib.pyplot as plt

    from gan_course import widgets

    panel = widgets.ring_lab(steps=500)
    controls = {c.description: c for box in panel.children[:2] for c in box.children}
    controls["G steps"].value = 500
    controls["modes"].value = 4
    plt.close("all")
    panel.button.click()  # what a learner's click does: train, then draw the snapshots
    figure = plt.gcf()
    titles = [ax.get_title() for ax in figure.axes]
    assert len(titles) == 5 and titles[0].startswith("step 0\n") and titles[-1].startswith("step 500\n")
    assert all("/4 modes" in t for t in titles)
    assert figure._suptitle.get_text().startswith("vanilla: ")


def test_train_ring_uses_the_panels_settings():
    ring, run = collapse.train_ring("pacgan", modes=4, steps=4)
    assert ring.centers.shape == (4, 2) and run.final.n_modes == 4
    assert run.config.remedy == "pacgan" and run.config.beta_1 == 0.9 and run.steps == [0, 1, 2, 3, 4]


@pytest.mark.slow
def test_train_toy_learns_the_ring_and_the_remedy_matters():
    # The lesson's finding in miniature (deterministic on a CPU): with Adam's beta_1 = 0.5 the toy GAN
    # covers all 8 modes of the ring; with beta_1 = 0.9 the same run collapses onto a few.
    ring = toy.ring(n=20_000)
    settings = dict(steps=2000, every=2000, n_eval=1000, seed=0)
    good = collapse.train_toy(ring, beta_1=0.5, **settings).final
    bad = collapse.train_toy(ring, beta_1=0.9, **settings).final
    assert good.modes_covered == 8 and good.high_quality_fraction > 0.5, good
    assert bad.modes_covered < good.modes_covered, bad


@pytest.mark.slow
def test_a_conditional_toy_gan_puts_each_label_on_its_own_mode():
    # The toy trainer runs conditional pairs through the same gan_step: asked for mode k, the
    # generator learns to put its points at centre k.
    ring = toy.ring(n=20_000, modes=4)
    assert ring.labels.shape == (20_000,) and set(np.unique(ring.labels)) == {0, 1, 2, 3}
    assert np.abs(ring.samples - ring.centers[ring.labels]).max() < 6 * ring.std  # labels are the true components
    run = collapse.train_toy(ring, conditional=True, beta_1=0.5, steps=1500, every=1500, n_eval=400, seed=0)
    points = run.snapshots[-1]
    asked = np.arange(400) % 4  # the snapshots ask for every mode in turn
    nearest = np.linalg.norm(points[:, None] - ring.centers[None], axis=2).argmin(1)
    assert np.mean(nearest == asked) > 0.9, np.mean(nearest == asked)
    with pytest.raises(ValueError, match="PacGAN packs samples of different labels"):
        collapse.train_toy(ring, conditional=True, remedy="pacgan", steps=1)
    with pytest.raises(ValueError, match="needs mixture.labels"):
        collapse.train_toy(toy.Mixture(ring.samples, ring.centers, ring.std), conditional=True, steps=1)


# ------------------------------------------------------------------- collapse on images (lesson 04, section 5)


def _tiny_images(n=64):
    return np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


@pytest.mark.slow
def test_image_trial_continues_copies_of_one_first_epoch_and_reads_their_classes():
    classifier = features.load_classifier("fashion_mnist")
    second = {"same": (2e-4, 2e-4), "again": (2e-4, 2e-4), "other": (1e-5, 2e-3)}
    result = collapse.image_trial(_tiny_images(), classifier, seed=3, second_epoch=second, batch_size=32, n_samples=50)
    assert list(result) == ["first epoch", "same", "again", "other"]
    # both copies start from the same weights and see the same batches: the same rates give the same samples
    np.testing.assert_array_equal(result["same"]["samples"], result["again"]["samples"])
    assert not np.array_equal(result["same"]["samples"], result["other"]["samples"])
    assert not np.array_equal(result["same"]["samples"], result["first epoch"]["samples"])
    for row in result.values():
        dist = row["distribution"]
        assert row["samples"].shape == (50, 28, 28, 1) and dist.counts.sum() == 50
        # the row's numbers are the classifier's reading of these very samples
        np.testing.assert_array_equal(
            dist.counts, np.bincount(classifier.logits(row["samples"]).argmax(1), minlength=10)
        )
        assert row["classes_used"] == int((dist.counts >= 0.5).sum())  # 1 % of 50 samples is half a sample
        assert row["largest_share"] == dist.counts.max() / 50 and row["kl"] == dist.kl_to_uniform
    # the same seed repeats the run
    again = collapse.image_trial(_tiny_images(), classifier, seed=3, second_epoch={"same": (2e-4, 2e-4)},
                                 batch_size=32, n_samples=50)  # fmt: skip
    np.testing.assert_array_equal(again["same"]["samples"], result["same"]["samples"])


def test_image_trial_refuses_bad_settings_before_training():
    classifier = features.load_classifier("fashion_mnist")
    images = _tiny_images(8)
    with pytest.raises(ValueError, match=r"second_epoch\['fast'\] must be a pair \(lr_d, lr_g\)"):
        collapse.image_trial(images, classifier, second_epoch={"fast": 2e-3})
    with pytest.raises(ValueError, match=r"second_epoch\['zero'\] must be a pair"):
        collapse.image_trial(images, classifier, second_epoch={"zero": (0, 1e-3)})
    with pytest.raises(ValueError, match="non-empty dict"):
        collapse.image_trial(images, classifier, second_epoch={})
    with pytest.raises(ValueError, match="'first epoch' names the shared start"):
        collapse.image_trial(images, classifier, second_epoch={"first epoch": (1e-4, 1e-4)})
    with pytest.raises(ValueError, match=r"\(28, 28, 1\)"):
        collapse.image_trial(np.zeros((8, 32, 32, 1), "float32"), classifier)
    with pytest.raises(ValueError, match="classifier must be"):
        collapse.image_trial(images, "fashion_mnist")
    with pytest.raises(ValueError, match="n_samples"):
        collapse.image_trial(images, classifier, n_samples=1)
    with pytest.raises(ValueError, match=r"second_epoch\['nan'\] must be a pair.*got \(nan, 0.001\)"):
        collapse.image_trial(images, classifier, second_epoch={"nan": (float("nan"), 1e-3)})
    with pytest.raises(ValueError, match=r"second_epoch\['lr'\] must be a pair"):
        collapse.image_trial(images, classifier, lr=float("inf"))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        collapse.image_trial(images, classifier, batch_size=0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        collapse.image_trial(images, classifier, seed=-1)
    assert collapse._rate_pair("np", (np.float32(0.5), np.float64(0.25))) == (0.5, 0.25)  # NumPy rates welcome


def test_the_shipped_image_result_has_every_run_on_five_seeds():
    rows = collapse.image_results()
    assert {(r["run"], r["seed"]) for r in rows} == {
        (run, seed) for run in ("first epoch", "healthy", "collapsed") for seed in range(5)
    }
    for r in rows:
        assert 1 <= r["classes_used"] <= 10 and 0.1 <= r["largest_share"] <= 1 and 0 <= r["kl"] <= np.log(10) + 1e-6
        # KL to uniform is at least what the largest class alone forces: p log(10 p) + (1 - p) log(10 (1 - p) / 9)
        p = r["largest_share"]
        bound = p * np.log(10 * p) + ((1 - p) * np.log(10 * (1 - p) / 9) if p < 1 else 0)
        assert r["kl"] >= bound - 1e-3


def test_image_results_refuses_a_foreign_file(tmp_path):
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("model,seed,minutes,steps,seconds,slices,fid\nlean,1,0.5,40,30.25,2,300.5\n")
    with pytest.raises(ValueError, match="image_collapse.py"):
        collapse.image_results(foreign)


# ------------------------------------------------------------------ hostile arguments (issue 27)

_RING = toy.ring(n=64)
_TINY = dict(steps=1, batch_size=8, hidden=(4,), n_eval=10)


def _mixture(**changes):
    return toy.Mixture(**{**_RING.__dict__, **changes})


BAD_CALLS = [
    (lambda: collapse.train_toy(_RING, lr_d=float("nan")), "lr_d (D's learning rate) must be a finite number", "nan"),
    (lambda: collapse.train_toy(_RING, lr_g=float("inf")), "lr_g (G's learning rate) must be a finite", "inf"),
    (lambda: collapse.train_toy(_RING, lr_g=0), "lr_g (G's learning rate) must be a positive number", "0"),
    (lambda: collapse.train_toy(_RING, lr_d="1e-3"), "lr_d", "not a string"),
    (lambda: collapse.train_toy(_RING, beta_1=1.0), "beta_1 (Adam's moment decay)", "[0, 1)"),
    (lambda: collapse.train_toy(_RING, beta_2=float("nan")), "beta_2", "finite"),
    (lambda: collapse.train_toy(_RING, steps=2.5), "steps must be a positive integer", "2.5"),
    (lambda: collapse.train_toy(_RING, steps=True), "steps", "True/False"),
    (lambda: collapse.train_toy(_RING, batch_size=-8), "batch_size must be a positive integer", "-8"),
    (lambda: collapse.train_toy(_RING, batch_size=128, steps=1), "fewer than batch_size=128", "toy.ring(n=...)"),
    (lambda: collapse.train_toy(_RING, d_steps=0), "d_steps", "0"),
    (lambda: collapse.train_toy(_RING, pack=0), "pack", "0"),
    (lambda: collapse.train_toy(_RING, noise=-0.1), "noise", ">= 0"),
    (lambda: collapse.train_toy(_RING, gp_weight=float("nan")), "gp_weight", "finite"),
    (lambda: collapse.train_toy(_RING, r1=-1.0), "r1", ">= 0"),
    (lambda: collapse.train_toy(_RING, decay="yes"), "decay must be True or False", "'yes'"),
    (lambda: collapse.train_toy(_RING, hidden=128), "hidden must be a tuple", "(128, 128)"),
    (lambda: collapse.train_toy(_RING, hidden=(8, 0)), "each width in hidden", "0"),
    (lambda: collapse.train_toy(_RING, every=0, **_TINY), "every must be a positive integer", "0"),
    (lambda: collapse.train_toy(_RING, seed=-1, **_TINY), "seed must be a non-negative integer", "-1"),
    (lambda: collapse.train_toy(_RING, n_eval=0, steps=1, batch_size=8), "n_eval", "0"),
    (lambda: collapse.train_toy(_RING, config={"steps": 1}), "unknown settings ['config']", "remedy"),
    (lambda: collapse.train_toy(_mixture(std=float("nan")), **_TINY), "mixture.std", "finite"),
    (lambda: collapse.train_toy(_mixture(centers=np.zeros((8, 3))), **_TINY), "mixture.centers must be (k, 2)", "3"),
    (lambda: collapse.train_toy(_mixture(samples=_RING.samples * np.nan), **_TINY), "NaN", "sample the mixture"),
    (lambda: collapse.train_toy(_mixture(samples=np.zeros(64)), **_TINY), "points (n, d)", "(64,)"),
    (lambda: collapse.toy_trial(_RING, every=0, steps=1, batch_size=8), "every must be a positive integer", "0"),
    (lambda: collapse.train_ring(steps="2000"), "steps must be a positive integer", "not a string"),
    (lambda: collapse.train_ring(steps=2000.5), "steps", "2000.5"),
    (lambda: collapse.train_ring(lr_d=float("nan"), steps=4), "lr_d (D's learning rate)", "finite"),
    (lambda: collapse.train_ring(modes=0, steps=4), "modes must be a positive integer", "0"),
    (lambda: collapse._build_toy_gan("vanilla"), "config must be the settings of a toy run", "str"),
    (lambda: collapse._build_toy_gan(collapse._ToyConfig(), out_dim=0), "out_dim", "0"),
    (lambda: collapse._build_toy_gan(collapse._ToyConfig(), n_classes=1.5), "n_classes", "1.5"),
    (lambda: collapse.ToyRun(collapse._ToyConfig()).curve("modes"), "unknown field 'modes'", "modes_covered"),
]


@pytest.mark.parametrize("call, what, fix", BAD_CALLS)
def test_bad_settings_are_refused_before_training(call, what, fix):
    with pytest.raises(ValueError) as info:
        call()
    assert what in str(info.value) and fix in str(info.value), str(info.value)


def test_numpy_numbers_are_welcome():
    run = collapse.train_toy(
        _RING,
        steps=np.int64(2),
        every=np.int64(1),
        batch_size=np.int32(8),
        lr_d=np.float32(1e-3),
        hidden=(np.int64(4),),
        n_eval=np.int64(10),
        seed=np.int64(1),
    )
    assert run.steps == [0, 1, 2] and run.final.n_modes == 8


@pytest.mark.parametrize("what", ["losses", "points"])
def test_a_diverged_run_says_so_instead_of_reporting_collapse(what, monkeypatch):
    step = collapse.gan_step

    def poisoned(generator, *args):
        values = step(generator, *args)
        if what == "points":  # the generator's weights become NaN, as after an exploding step
            for w in generator.trainable_variables:
                w.assign(w * np.nan)
            return values
        return {k: v * np.nan for k, v in values.items()}

    monkeypatch.setattr(collapse, "gan_step", poisoned)
    with pytest.raises(FloatingPointError) as info:
        collapse.train_toy(_RING, steps=4, every=2, batch_size=8, hidden=(4,), n_eval=10, lr_d=2e-3)
    message = str(info.value)
    assert "diverged between steps 0 and 2" in message and "no mode count" in message and "lr_d=0.002" in message
    assert ("generated points" in message) == (what == "points")
    with pytest.raises(FloatingPointError, match="diverged"):
        collapse.toy_trial(_RING, steps=2, batch_size=8, hidden=(4,))
