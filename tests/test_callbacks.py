"""Checkpoints (atomic, resumable, even after SIGKILL), the NaN guard, sample grids, GIFs, latent paths."""

import os
import re

import imageio.v3 as iio
import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import callbacks, latent, models, viz
from gan_course.gan import GAN
from gan_course.losses import GANLoss, generator_loss_non_saturating


def _images(n=64):
    return np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def _gan(seed=0, lean=True):
    gan_course.setup(seed, verbose=False)
    if lean:
        gan = GAN(models.dcgan_lean_generator(8, width=16), models.dcgan_lean_discriminator(width=16), seed=seed)
    else:
        gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16), seed=seed)
    gan.compile()
    return gan


def _weights(gan):
    return gan.generator.get_weights() + gan.discriminator.get_weights()


@pytest.mark.slow
def test_resume_continues_exactly_where_training_stopped(tmp_path):
    straight = _gan()
    straight.fit(_images(), batch_size=16, epochs=4, shuffle=False, verbose=0)

    first = _gan()
    checkpoint = callbacks.Checkpoint(tmp_path, keep=2)
    first.fit(_images(), batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint])
    resumed = _gan(seed=1)  # a fresh model, other initial weights
    start = callbacks.Checkpoint(tmp_path).restore(resumed)
    assert start == 2
    history = resumed.fit(_images(), batch_size=16, epochs=4, initial_epoch=start, shuffle=False, verbose=0)
    assert len(history.history["d_loss"]) == 2
    for a, b in zip(_weights(straight), _weights(resumed)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_checkpoint_keeps_last_n_and_rejects_other_architecture(tmp_path):
    gan = _gan()
    gan.fit(_images(), batch_size=16, epochs=4, verbose=0, callbacks=[callbacks.Checkpoint(tmp_path, keep=2)])
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [3, 4]
    # only the two checkpoints' files are left: no writer's temporary folder (.tmp-<pid>-<hex>), nothing else
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left and all(re.fullmatch(r"epoch-000[34]\.(index|data-\d{5}-of-\d{5})", name) for name in left), left
    other = _gan(lean=False)
    with pytest.raises(ValueError, match="different architecture.*start from an empty folder"):
        callbacks.Checkpoint(tmp_path).restore(other)
    assert callbacks.Checkpoint(tmp_path / "empty").restore(gan) == 0
    with pytest.raises(ValueError, match="keep"):
        callbacks.Checkpoint(tmp_path, keep=0)


def test_a_crash_while_writing_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    gan = _gan(lean=False)
    good = callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith(".index"):
            raise OSError("disk full")  # the data file is in place, the index never arrives
        real_replace(src, dst)

    monkeypatch.setattr(callbacks.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        callbacks._save_checkpoint(gan, tmp_path / "epoch-0002", 2)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("epoch-0001")} == before
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [1]  # no index, no checkpoint
    assert not list(tmp_path.glob(".tmp-*"))  # the writer's own temporary folder is gone
    assert callbacks.Checkpoint(tmp_path).restore(gan) == 1 and good.name == "epoch-0001"


@pytest.mark.slow
def test_nan_guard_stops_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    gan = _gan(lean=False)
    checkpoint = callbacks.Checkpoint(tmp_path)
    gan.fit(_images(), batch_size=16, epochs=1, verbose=0, callbacks=[checkpoint])
    good = callbacks.list_checkpoints(tmp_path)

    def exploding(real_logits, fake_logits):
        return tf.reduce_mean(real_logits) * np.nan

    gan.compile(loss=GANLoss("exploding", exploding, generator_loss_non_saturating))
    guard = callbacks.NaNGuard(checkpoint)
    history = gan.fit(_images(), batch_size=16, epochs=4, initial_epoch=1, verbose=0, callbacks=[guard, checkpoint])
    out = capsys.readouterr().out
    assert guard.stopped_at == (2, 1) and len(history.history["d_loss"]) == 1
    assert "d_loss = nan" in out and "epoch-0001" in out and "Lower the learning rate" in out
    assert callbacks.list_checkpoints(tmp_path) == good  # nothing non-finite was written


@pytest.mark.slow
def test_sample_grid_pngs_frames_tensorboard_and_gif(tmp_path):
    gan = _gan()
    grid = callbacks.SampleGrid(
        np.zeros((6, 8)), every=2, directory=tmp_path / "png", show=False, log_dir=tmp_path / "tb"
    )
    gan.fit(_images(), batch_size=16, epochs=4, verbose=0, callbacks=[grid])
    assert grid.epochs == [2, 4] and len(grid.frames) == 2
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == ["epoch-0002.png", "epoch-0004.png"]
    assert list((tmp_path / "tb" / "samples").glob("events.out.tfevents.*"))
    gif = viz.save_gif(grid.frames, tmp_path / "training.gif", fps=4)
    assert iio.imread(gif, index=None).shape[0] == 2
    assert [s.shape for s in grid.samples] == [(6, 28, 28, 1)] * 2
    labelled = iio.imread(viz.save_gif(grid.frames, tmp_path / "l.gif", labels=["epoch 2", "epoch 4"]), index=None)
    assert labelled.shape[1] == grid.frames[0].shape[0] + 14  # a band on top for the label
    assert labelled[0, :14].min() < 128  # with dark text in it
    with pytest.raises(ValueError, match="one per frame"):
        viz.save_gif(grid.frames, tmp_path / "x.gif", labels=["epoch 2"])
    with pytest.raises(ValueError, match="grid_uint8"):
        viz.save_gif(np.zeros((2, 5, 5), np.float32), tmp_path / "bad.gif")


def test_interpolation():
    rng = np.random.default_rng(0)
    z0, z1 = rng.normal(size=64), rng.normal(size=64)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    path = latent.interpolate(z0, z1, 5, "slerp")
    assert path.shape == (5, 64)
    np.testing.assert_allclose(path[0], z0, rtol=1e-5)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(z0), rtol=1e-5)
    middle = latent.interpolate(z0, z1, 3, "linear")[1]
    np.testing.assert_allclose(middle, (z0 + z1) / 2, rtol=1e-5)
    assert np.linalg.norm(middle) < np.linalg.norm(z0)  # the straight line cuts inside the sphere
    with pytest.raises(ValueError, match="same length"):
        latent.slerp(z0, z1[:3], 0.5)
    with pytest.raises(ValueError, match="'linear' or 'slerp'"):
        latent.interpolate(z0, z1, 3, "cubic")


def test_latent_explorer_draws_the_path_its_controls_ask_for(monkeypatch):
    import ipywidgets

    from gan_course import widgets

    gan_course.setup(0, verbose=False)
    generator = models.dcgan_lean_generator(8, width=16)
    images = widgets._latent_path_images(generator, 3, 4, steps=5, method="linear")
    assert images.shape == (5, 28, 28, 1)
    z3, z4 = (np.random.default_rng(s).normal(size=8).astype(np.float32) for s in (3, 4))
    ends = generator(np.stack([z3, (z3 + z4) / 2, z4]), training=False).numpy()
    np.testing.assert_allclose(images[[0, 2, 4]], ends, atol=1e-5)  # sample A, the midpoint, sample B
    slerp = widgets._latent_path_images(generator, 3, 4, steps=5, method="slerp")
    np.testing.assert_allclose(slerp[[0, 4]], ends[[0, 2]], atol=1e-5)  # same ends, another way between
    assert np.abs(slerp[2] - images[2]).max() > 1e-4

    shown = []
    monkeypatch.setattr(widgets.viz, "show_strip", lambda images, title=None, **kw: shown.append((images, title)))
    panel = widgets.latent_explorer(generator, steps=6)
    assert isinstance(panel, ipywidgets.VBox)
    sliders = [c for box in panel.children[:2] for c in box.children]
    assert [s.description for s in sliders] == ["sample A", "sample B", "path", "steps"]
    assert [s.value for s in sliders] == [0, 1, "slerp", 6]
    shown.clear()
    sliders[1].value = 7  # moving a control redraws the strip for the new setting
    sliders[2].value = "linear"
    assert [title for _, title in shown] == [
        "slerp path from sample 0 to sample 7",
        "linear path from sample 0 to sample 7",
    ]
    np.testing.assert_allclose(shown[-1][0], widgets._latent_path_images(generator, 0, 7, steps=6, method="linear"))
