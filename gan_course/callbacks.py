"""Keras callbacks for GAN training: sample grids, checkpoints with resume, a NaN guard, FID, a time budget.

Use them with ``gan_course.gan.GAN`` and ``fit``; they work for unconditional and conditional
generators. Used in lessons 03 and 05.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from gan_course import viz
from gan_course.training import generate

CHECKPOINT_PATTERN = re.compile(r"^epoch-(\d{4,})\.npz$")


def _every(every) -> int:
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every (epochs between two calls) must be an integer >= 1, got {every!r}")
    return int(every)


def _check_inputs(model, z, labels, what: str):
    """Check fixed noise (and labels) against the model's generator before training starts."""
    spec = getattr(model, "spec", None)
    if spec is None:
        raise ValueError(f"{what} works with a gan_course.gan.GAN (it needs model.generator and model.spec)")
    if z.shape[1] != spec.z_dim:
        raise ValueError(f"{what}: z has {z.shape[1]} columns but the generator takes z_dim = {spec.z_dim}")
    if spec.conditional and labels is None:
        raise ValueError(
            f"{what}: this generator is conditional, so give labels= for the fixed noise, "
            "e.g. latent.class_rows(z_dim, n_classes, per_class) for one class per row"
        )
    if not spec.conditional and labels is not None:
        raise ValueError(f"{what}: labels= were given but the generator takes no labels")
    if labels is not None and len(labels) != len(z):
        raise ValueError(f"{what}: {len(z)} noise vectors but {len(labels)} labels: give one label per vector")


class SampleGrid(keras.callbacks.Callback):
    """After every ``every`` epochs, draw the same noise (and labels) through the generator.

    Keeps each grid as a uint8 frame (``frames``, for a GIF), saves it as
    ``directory/epoch-NNNN.png`` if ``directory`` is set, shows it inline if ``show``, and
    writes it as an image summary for TensorBoard if ``log_dir`` is set. For a conditional
    generator give ``labels`` (one per noise vector): ``latent.class_rows`` makes one class per
    row with the same noise in every row. Introduced in lesson 03.
    """

    def __init__(self, z, every: int = 1, directory=None, show: bool = True, log_dir=None, ncols=None, labels=None):
        super().__init__()
        self.z = np.asarray(z, dtype=np.float32)
        if self.z.ndim != 2 or len(self.z) == 0:
            raise ValueError(f"z must have shape (n, z_dim) with n >= 1, got {self.z.shape}")
        self.labels = None if labels is None else np.asarray(labels)
        self.every, self.show, self.ncols = _every(every), show, ncols
        self.directory = Path(directory) if directory else None
        if self.directory is not None and self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"directory {self.directory} is a file: give a folder for the sample grids")
        self.writer = tf.summary.create_file_writer(str(Path(log_dir) / "samples")) if log_dir else None
        self.frames: list[np.ndarray] = []
        self.epochs: list[int] = []

    def on_train_begin(self, logs=None):
        _check_inputs(self.model, self.z, self.labels, "SampleGrid")

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1  # Keras counts epochs from 0; people count from 1
        if done % self.every:
            return
        images = generate(self.model.generator, self.z, self.labels).numpy()
        grid = viz.to_uint8(viz.image_grid(images, self.ncols) * 2 - 1)
        self.frames.append(grid[..., 0] if grid.shape[-1] == 1 else grid)
        self.epochs.append(done)
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            viz.save_png(images, self.directory / f"epoch-{done:04d}.png", self.ncols)
        if self.writer:
            with self.writer.as_default():
                tf.summary.image("samples", grid[None].astype(np.float32) / 255.0, step=done)
        if self.show:
            viz.show_grid(images, self.ncols, title=f"epoch {done}", size=3.0)
            plt.show()


# ------------------------------------------------------------------------ checkpoints


def _weights_signature(gan) -> list[str]:
    """Layer types and weight shapes of both networks (layer names vary between sessions)."""
    return [
        f"{role} {type(layer).__name__} {tuple(w.shape)}"
        for role, net in (("generator", gan.generator), ("discriminator", gan.discriminator))
        for layer in net.layers
        for w in layer.weights
    ]


def gan_state(gan, epoch: int) -> dict[str, np.ndarray]:
    """Everything needed to continue training: weights of both networks, both optimizers'
    state, the noise generator's state, the epoch, and a signature of the architecture. Introduced in lesson 03."""
    state = {"epoch": np.array(epoch), "signature": np.array(_weights_signature(gan))}
    for name, net in (("g", gan.generator), ("d", gan.discriminator)):
        for i, w in enumerate(net.get_weights()):
            state[f"{name}_weight_{i}"] = w
    for name, opt in (("g", gan.g_optimizer), ("d", gan.d_optimizer)):
        for i, v in enumerate(opt.variables):
            state[f"{name}_opt_{i}"] = np.asarray(v)
    state["noise_state"] = gan.noise.state.numpy()
    return state


def save_checkpoint(gan, path, epoch: int) -> Path:
    """Write ``gan_state`` to ``path`` atomically: a temporary file, fsync, then rename.

    A crash at any moment leaves either the old file or the complete new one, never a
    half-written checkpoint. Introduced in lesson 03.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **gan_state(gan, epoch))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def load_checkpoint(gan, path) -> int:
    """Restore a checkpoint written by ``save_checkpoint`` into a compiled ``GAN``; returns its epoch.

    Introduced in lesson 03.
    """
    path = Path(path)
    if not hasattr(gan, "g_optimizer"):
        raise RuntimeError("compile the GAN before loading a checkpoint (the optimizers' state is restored too)")
    try:
        with np.load(path, allow_pickle=False) as f:
            state = {k: f[k] for k in f.files}
    except (OSError, ValueError) as err:
        raise ValueError(f"{path} is not a readable checkpoint ({err}); delete it to use the previous one") from err
    saved, ours = [str(s) for s in state["signature"]], _weights_signature(gan)
    if saved != ours:
        diff = next((f"{a} vs {b}" for a, b in zip(saved, ours) if a != b), f"{len(saved)} vs {len(ours)} weights")
        raise ValueError(
            f"{path} was written by a different architecture (first difference: checkpoint {diff}): "
            "build the same generator and discriminator as when it was saved, or start from an empty folder"
        )
    for name, net in (("g", gan.generator), ("d", gan.discriminator)):
        net.set_weights([state[f"{name}_weight_{i}"] for i in range(len(net.weights))])
    for name, opt in (("g", gan.g_optimizer), ("d", gan.d_optimizer)):
        for i, v in enumerate(opt.variables):
            v.assign(state[f"{name}_opt_{i}"])
    gan.noise.state.assign(state["noise_state"])
    return int(state["epoch"])


def list_checkpoints(directory) -> list[tuple[int, Path]]:
    """Complete checkpoints in ``directory`` as (epoch, path), oldest first. Introduced in lesson 03."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := CHECKPOINT_PATTERN.match(p.name))]
    return sorted(found)


class Checkpoint(keras.callbacks.Callback):
    """Save the GAN after every epoch to ``directory/epoch-NNNN.npz``, keeping the last ``keep``.

    Skips an epoch whose losses or weights are not finite, so the last checkpoint is always
    a good one. Resume with ``initial_epoch = checkpoint.restore(gan)`` and
    ``gan.fit(..., initial_epoch=initial_epoch, epochs=EPOCHS)``. Introduced in lesson 03.
    """

    def __init__(self, directory, keep: int = 3, verbose: bool = False):
        super().__init__()
        if isinstance(keep, bool) or not isinstance(keep, (int, np.integer)) or keep < 1:
            raise ValueError(f"keep must be an integer >= 1, got {keep!r}")
        self.directory, self.keep, self.verbose = Path(directory), keep, verbose
        self.last_saved: Path | None = None

    def restore(self, gan) -> int:
        """Load the newest checkpoint into ``gan`` and return its epoch (0 if there is none).

        Also removes temporary files left by a process killed while writing (never loaded).
        """
        for stale in self.directory.glob(".epoch-*.npz.tmp"):
            stale.unlink()
        found = list_checkpoints(self.directory)
        if not found:
            return 0
        epoch = load_checkpoint(gan, found[-1][1])
        self.last_saved = found[-1][1]
        print(f"resumed from {found[-1][1]} (epoch {epoch})")
        return epoch

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        finite_logs = all(np.isfinite(v) for k, v in logs.items() if k in ("d_loss", "g_loss"))
        nets = (self.model.generator, self.model.discriminator)
        finite_weights = all(np.all(np.isfinite(w)) for net in nets for w in net.get_weights())
        if not (finite_logs and finite_weights):
            print(
                f"epoch {epoch + 1}: losses or weights are not finite; checkpoint not written "
                f"(the last good one is {self.last_saved})"
            )
            return
        self.last_saved = save_checkpoint(self.model, self.directory / f"epoch-{epoch + 1:04d}.npz", epoch + 1)
        for _, old in list_checkpoints(self.directory)[: -self.keep]:
            old.unlink()
        if self.verbose:
            print(f"saved {self.last_saved}")


class NaNGuard(keras.callbacks.Callback):
    """Stop training as soon as a loss becomes NaN or infinite, and say what to do next. Introduced in lesson 03."""

    def __init__(self, checkpoint: Checkpoint | None = None):
        super().__init__()
        self.checkpoint = checkpoint
        self.stopped_at: tuple[int, int] | None = None
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: v for k, v in (logs or {}).items() if k in ("d_loss", "g_loss") and not np.isfinite(v)}
        if bad and self.stopped_at is None:
            self.stopped_at = (self.epoch, batch + 1)
            self.model.stop_training = True
            last = self.checkpoint.last_saved if self.checkpoint else None
            where = f"the last good checkpoint is {last}" if last else "no checkpoint was written"
            print(
                f"training stopped at epoch {self.epoch}, step {batch + 1}: "
                + ", ".join(f"{k} = {v}" for k, v in bad.items())
                + f"; {where}. Lower the learning rate (or check the data for NaN) and resume."
            )


class FIDTracker(keras.callbacks.Callback):
    """Every ``every`` epochs, the FID of ``n_samples`` generated images against fixed real features.

    ``real_features`` are (N, d) features of real images from the same ``extractor``
    (compute them once). The noise is fixed, so the curve shows the generator changing,
    not the sample. For a conditional generator give ``labels`` (``n_samples`` of them, e.g.
    the real data's class mix). Values go to ``history`` as (epoch, fid) and to the epoch's
    logs as ``fid``. Introduced in lesson 05.
    """

    def __init__(
        self,
        real_features,
        extractor,
        n_samples: int = 2000,
        every: int = 1,
        seed: int = 0,
        batch_size: int = 500,
        labels=None,
    ):
        super().__init__()
        from gan_course import metrics

        if not callable(extractor):
            raise ValueError(
                f"extractor must map images to features, e.g. features.load_classifier(); got {extractor!r}"
            )
        for name, value, least in (("n_samples", n_samples, 2), ("batch_size", batch_size, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
                raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")
        self.real_stats = metrics.feature_statistics(metrics.check_features(real_features, "real features"))
        self.labels = None if labels is None else np.asarray(labels)
        if self.labels is not None and len(self.labels) != n_samples:
            raise ValueError(f"labels: give one label per generated sample ({n_samples}), got {len(self.labels)}")
        self.extractor, self.every, self.n_samples = extractor, _every(every), int(n_samples)
        self.seed, self.batch_size = seed, int(batch_size)
        self.history: list[tuple[int, float]] = []

    def on_train_begin(self, logs=None):
        z = np.zeros((self.n_samples, getattr(getattr(self.model, "spec", None), "z_dim", 0)), np.float32)
        _check_inputs(self.model, z, self.labels, "FIDTracker")

    def on_epoch_end(self, epoch, logs=None):
        from gan_course import metrics

        if (epoch + 1) % self.every:
            return
        z = np.random.default_rng(self.seed).normal(size=(self.n_samples, self.model.z_dim)).astype(np.float32)
        stats = metrics.FeatureStats()
        for start in range(0, self.n_samples, self.batch_size):
            part = slice(start, start + self.batch_size)
            labels = None if self.labels is None else self.labels[part]
            images = generate(self.model.generator, z[part], labels).numpy()
            stats.update(np.asarray(self.extractor(images)))
        value = metrics.frechet_distance(*self.real_stats, stats.mean, stats.covariance)
        self.history.append((epoch + 1, value))
        if logs is not None:
            logs["fid"] = value


class TimeBudget(keras.callbacks.Callback):
    """Stop training once ``seconds`` of wall-clock time have passed, and count the steps.

    For comparing models "after the same number of minutes" (lesson 03, benchmarks). Introduced in lesson 03.
    """

    def __init__(self, seconds: float):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds}")
        self.seconds, self.steps = seconds, 0

    def on_train_begin(self, logs=None):
        import time

        self._clock = time.perf_counter
        self.start = self._clock()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self._clock() - self.start > self.seconds:
            self.model.stop_training = True
