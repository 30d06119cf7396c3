"""Keras callbacks for GAN training: sample grids, checkpoints with resume, a NaN guard, FID.

Use them with ``gan_course.gan.GAN`` and ``fit``; they work for unconditional and conditional
generators.

Used in lessons 03, 05, 07 and 08.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from gan_course import viz
from gan_course._checks import finite, flag, integer
from gan_course._checks import path as _path
from gan_course.training import generate


def _check_inputs(model, z_width, n, labels, what: str):
    """Check fixed noise of ``n`` vectors of width ``z_width`` (and labels) against the model's generator."""
    spec = getattr(model, "spec", None)
    if spec is None:
        raise ValueError(f"{what} works with a gan_course.gan.GAN (it needs model.generator and model.spec)")
    if z_width is not None and z_width != spec.z_dim:
        raise ValueError(f"{what}: z has {z_width} columns but the generator takes z_dim = {spec.z_dim}")
    if spec.conditional and labels is None:
        raise ValueError(
            f"{what}: this generator is conditional, so give labels= for the fixed noise, "
            "e.g. latent.class_rows(z_dim, n_classes, per_class) for one class per row"
        )
    if not spec.conditional and labels is not None:
        raise ValueError(f"{what}: labels= were given but the generator takes no labels")
    if labels is None:
        return None
    if len(labels) != n:
        raise ValueError(f"{what}: {n} noise vectors but {len(labels)} labels: give one label per vector")
    try:  # the same checks as GAN.fit's: class range, whole numbers, label shape (lesson 07)
        return model.check_labels(labels, n)
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None


def _labels(labels, n: int, what: str) -> np.ndarray:
    """Class indices given at construction: whole numbers >= 0, one per ``what`` (checked again at fit)."""
    arr = finite(labels, "labels")
    if len(arr) != n or arr.size == 0:
        raise ValueError(f"labels: give one label per {what} ({n}), got {len(arr)}")
    if np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError("labels must be class indices (whole numbers >= 0), e.g. latent.class_rows(...)[1]")
    return np.asarray(labels)


def _sampler(model):
    """The network a callback samples from: the GAN's moving average of G when it keeps one (lesson 06)."""
    return getattr(model, "sampler", None) or model.generator


class SampleGrid(keras.callbacks.Callback):
    """After every ``every`` epochs, draw the same noise (and labels) through the generator.

    Keeps the generated images (``samples``, one array per call, with ``epochs``) and each grid as a
    uint8 frame (``frames``, for a GIF), saves it as
    ``directory/epoch-NNNN.png`` if ``directory`` is set, shows it inline if ``show``, and
    writes it as an image summary for TensorBoard if ``log_dir`` is set. For a conditional
    generator give ``labels`` (one per noise vector): ``latent.class_rows`` makes one class per
    row with the same noise in every row. Introduced in lesson 03.
    """

    def __init__(self, z, every: int = 1, directory=None, show: bool = True, log_dir=None, ncols=None, labels=None):
        super().__init__()
        self.z = finite(z, "z").astype(np.float32)
        if self.z.ndim != 2 or len(self.z) == 0:
            raise ValueError(f"z must have shape (n, z_dim) with n >= 1, got {self.z.shape}")
        self.labels = None if labels is None else _labels(labels, len(self.z), "noise vectors")
        self.every, self.show = integer(every, "every", 1), flag(show, "show")
        self.ncols = integer(ncols, "ncols", 1, allow_none=True)
        self.directory = Path(_path(directory, "directory")) if directory else None
        if self.directory is not None and self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"directory {self.directory} is a file: give a folder for the sample grids")
        self.writer = tf.summary.create_file_writer(str(Path(log_dir) / "samples")) if log_dir else None
        self.frames: list[np.ndarray] = []
        self.samples: list[np.ndarray] = []
        self.epochs: list[int] = []

    def on_train_begin(self, logs=None):
        self.labels = _check_inputs(self.model, self.z.shape[1], len(self.z), self.labels, "SampleGrid")

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1  # Keras counts epochs from 0; people count from 1
        if done % self.every:
            return
        images = generate(_sampler(self.model), self.z, self.labels).numpy()
        grid = viz.grid_uint8(images, self.ncols)
        self.frames.append(grid[..., 0] if grid.shape[-1] == 1 else grid)
        self.samples.append(images)
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


def _networks(gan) -> dict:
    nets = {"generator": gan.generator, "discriminator": gan.discriminator}
    if getattr(gan, "generator_ema", None) is not None:
        nets["generator_ema"] = gan.generator_ema
    return nets


def _weights_signature(gan) -> list[str]:
    """Layer types and weight shapes of both networks (layer names vary between sessions)."""
    return [
        f"{role} {type(layer).__name__} {tuple(w.shape)}"
        for role, net in _networks(gan).items()
        for layer in net.layers
        for w in layer.weights
    ]


def _optimizer_info(opt) -> dict:
    """Type and learning rate of an optimizer (``None`` for a schedule), as stored with a checkpoint."""
    rate = opt.get_config().get("learning_rate")
    return {"type": type(opt).__name__, "learning_rate": float(rate) if isinstance(rate, (int, float)) else None}


def _layout(info: dict) -> tuple:
    return info["type"], info["learning_rate"] is None


def _describe(info: dict) -> str:
    return f"{info['type']} with a learning-rate schedule" if info["learning_rate"] is None else info["type"]


def _tracked(gan, epoch, meta=None, optimizers=("g", "d")) -> tf.train.Checkpoint:
    objects = {**_networks(gan), "noise": gan.noise}
    if getattr(gan, "generator_ema", None) is not None:
        objects["ema_updates"] = gan.ema_updates
    objects.update({f"{n}_optimizer": getattr(gan, f"{n}_optimizer") for n in optimizers})
    return tf.train.Checkpoint(epoch=epoch, meta=meta if meta is not None else tf.Variable(""), **objects)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save_checkpoint(gan, path, epoch: int) -> Path:
    """Write both networks (and G's moving average if kept), both optimizers, the noise state and the epoch.

    The files are TensorFlow's own checkpoint format (``tf.train.Checkpoint``: ``path.index`` and
    ``path.data-*``), so they are restored by name, not by position. They are written into a
    temporary folder unique to this process, synced, and then renamed into place, the index last:
    a crash at any moment leaves either no new checkpoint or a complete one, and the previous
    ones untouched. Two processes writing into one folder never share a temporary name.
    (``tf.train.CheckpointManager`` is not used: it keeps one shared state file per folder, which
    a second writer overwrites, and it prunes in its own save order.) Returns ``path``.
    Introduced in lesson 03.
    """
    path = Path(path)
    if not hasattr(gan, "g_optimizer"):
        raise RuntimeError("compile the GAN before saving a checkpoint (the optimizers' state is saved too)")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": 2,
        "epoch": int(epoch),
        "signature": _weights_signature(gan),
        "g_optimizer": _optimizer_info(gan.g_optimizer),
        "d_optimizer": _optimizer_info(gan.d_optimizer),
    }
    tmp = path.parent / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir()
        tracked = _tracked(gan, tf.Variable(int(epoch), dtype=tf.int64), tf.Variable(json.dumps(meta)))
        tracked.write(str(tmp / path.name))
        files = sorted(tmp.iterdir(), key=lambda p: p.suffix == ".index")  # data first, index last
        for f in files:
            _fsync(f)
        (path.parent / f"{path.name}.index").unlink(missing_ok=True)  # never an old index beside new data
        for f in files:
            os.replace(f, path.parent / f.name)
        _fsync(path.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _read_meta(path: Path) -> dict:
    """The metadata of a checkpoint, after reading every tensor in it (which checks the files' CRCs)."""
    try:
        reader = tf.train.load_checkpoint(str(path))
        for key in reader.get_variable_to_shape_map():
            reader.get_tensor(key)
        return json.loads(reader.get_tensor("meta/.ATTRIBUTES/VARIABLE_VALUE"))
    except (tf.errors.OpError, OSError, ValueError, KeyError, IndexError, RuntimeError) as err:
        raise _CheckpointError(
            f"{path.name} in {path.parent} is damaged or incomplete ({type(err).__name__}): delete its files "
            f"({path.name}.index and {path.name}.data-*) to resume from the previous checkpoint"
        ) from err


class _CheckpointError(ValueError):
    """A checkpoint that cannot be loaded: damaged, or written by another architecture."""


def load_checkpoint(gan, path) -> int:
    """Restore a checkpoint written by ``Checkpoint`` into a compiled ``GAN``; returns its epoch.

    Everything is restored by name. The optimizers the GAN was compiled with win: if the
    checkpoint's optimizer type differs (or one used a learning-rate schedule and the other not),
    its optimizer state is not loaded (the new optimizer starts fresh); the compiled learning rate
    is kept. Either case prints a line saying so.
    A damaged file or another architecture raises a ``ValueError`` before anything changes.
    Introduced in lesson 03.
    """
    path = Path(path)
    if not hasattr(gan, "g_optimizer"):
        raise RuntimeError("compile the GAN before loading a checkpoint (the optimizers' state is restored too)")
    meta = _read_meta(path)
    saved, ours = meta["signature"], _weights_signature(gan)
    if saved != ours:
        diff = next((f"{a} vs {b}" for a, b in zip(saved, ours) if a != b), f"{len(saved)} vs {len(ours)} weights")
        raise _CheckpointError(
            f"{path.name} was written by a different architecture (first difference: checkpoint {diff}): "
            "build the same generator and discriminator (and the same ema= setting) as when it was saved, "
            "or start from an empty folder"
        )
    compiled = {n: _optimizer_info(getattr(gan, f"{n}_optimizer")) for n in "gd"}
    # Keras keeps an optimizer's slots in a list whose layout depends on its type and on whether the
    # learning rate is a schedule, so state is only restored between optimizers that agree on both.
    same_type = [n for n in "gd" if _layout(meta[f"{n}_optimizer"]) == _layout(compiled[n])]
    epoch = tf.Variable(0, dtype=tf.int64)
    status = _tracked(gan, epoch, tf.Variable(""), optimizers=same_type).read(str(path))
    status.expect_partial()
    for n in "gd":
        name, old, new = f"{n}_optimizer", meta[f"{n}_optimizer"], compiled[n]
        if n not in same_type:
            print(
                f"{name}: the checkpoint used {_describe(old)}, this GAN is compiled with {_describe(new)}; "
                f"{new['type']} starts with fresh state (the networks' weights were restored)"
            )
        elif new["learning_rate"] is not None:
            getattr(gan, name).learning_rate.assign(new["learning_rate"])  # what the learner compiled with wins
            if old["learning_rate"] != new["learning_rate"]:
                print(
                    f"{name}: learning rate {new['learning_rate']:g} as compiled (the checkpoint had "
                    f"{old['learning_rate']:g})"
                )
    return int(epoch.numpy())


_CHECKPOINT_PATTERN = re.compile(r"^epoch-(\d{4,})\.index$")


def list_checkpoints(directory) -> list[tuple[int, Path]]:
    """Checkpoints in ``directory`` as (epoch, path prefix), oldest first. Introduced in lesson 03."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [
        (int(m.group(1)), p.with_suffix("")) for p in directory.iterdir() if (m := _CHECKPOINT_PATTERN.match(p.name))
    ]
    return sorted(found)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Checkpoint(keras.callbacks.Callback):
    """Save the GAN after every epoch to ``directory/epoch-NNNN``, keeping the last ``keep`` of this run.

    Skips an epoch whose losses or weights are not finite, so the last checkpoint is always
    a good one. Resume with ``initial_epoch = checkpoint.restore(gan)`` and
    ``gan.fit(..., initial_epoch=initial_epoch, epochs=EPOCHS)``. A run that would start below the
    folder's newest checkpoint (a re-run into an old folder, or a resume without ``initial_epoch``)
    stops before its first step and says so, rather than mixing two runs. Introduced in lesson 03.
    """

    def __init__(self, directory, keep: int = 3, verbose: bool = False):
        super().__init__()
        self.directory, self.keep, self.verbose = Path(directory), integer(keep, "keep", 1), verbose
        if self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"directory {self.directory} is a file: give a folder for the checkpoints")
        self.last_saved: Path | None = None
        self.damaged: set[int] = set()
        self._checked = False

    def restore(self, gan) -> int:
        """Load the newest intact checkpoint into ``gan`` and return its epoch (0 if there is none).

        A damaged newest checkpoint is reported and the previous one is used. Temporary folders
        left by a writer that was killed are removed; those of a live writer are left alone.
        """
        for stale in self.directory.glob(".tmp-*-*"):
            pid = stale.name.split("-")[1]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        for epoch, path in reversed(list_checkpoints(self.directory)):
            try:
                restored = load_checkpoint(gan, path)
            except tf.errors.OpError:
                # listed a moment ago, gone now: another process is rewriting it (_save_checkpoint removes the
                # old index first), so it is neither damaged nor ours to wait for; the previous one is used.
                # TensorFlow reports the vanished index as NotFoundError or, from its checkpoint reader, as an
                # UNKNOWN OpError ("...index; No such file or directory"); any other error is raised
                if path.with_name(path.name + ".index").exists():
                    raise
                print(f"skipping {path.name}: another process is rewriting it")
                continue
            except _CheckpointError as err:
                if "different architecture" in str(err):
                    raise
                print(f"skipping {path.name}: {err}")
                self.damaged.add(epoch)
                continue
            self.last_saved = path
            print(f"resumed from {self.directory.name}/{path.name} (epoch {restored})")
            return restored
        return 0

    def on_epoch_begin(self, epoch, logs=None):
        if self._checked:
            return
        self._checked = True
        newer = [e for e, _ in list_checkpoints(self.directory) if e > epoch and e not in self.damaged]
        if newer:
            raise ValueError(
                f"{self.directory} already holds checkpoints up to epoch {max(newer)}, but this run starts at epoch "
                f"{epoch}: to continue that run, initial_epoch = checkpoint.restore(gan) and fit(..., "
                "initial_epoch=initial_epoch); to start a new run, use a new folder (or delete the old one)"
            )

    def on_train_end(self, logs=None):
        self._checked = False

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        finite_logs = all(np.isfinite(v) for k, v in logs.items() if k in ("d_loss", "g_loss"))
        nets = _networks(self.model).values()
        finite_weights = all(np.all(np.isfinite(w)) for net in nets for w in net.get_weights())
        if not (finite_logs and finite_weights):
            last = self.last_saved.name if self.last_saved else "none"
            print(
                f"epoch {epoch + 1}: losses or weights are not finite; checkpoint not written "
                f"(the last good one is {last})"
            )
            return
        self.last_saved = _save_checkpoint(self.model, self.directory / f"epoch-{epoch + 1:04d}", epoch + 1)
        self.damaged.discard(epoch + 1)
        # prune older checkpoints of this run only: never this one, never a newer epoch (another writer's)
        older = [p for e, p in list_checkpoints(self.directory) if e <= epoch + 1]
        for old in older[: -self.keep]:
            for f in old.parent.glob(f"{old.name}.*"):
                f.unlink(missing_ok=True)
        if self.verbose:
            print(f"saved {self.last_saved.name}")


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
            where = f"the last good checkpoint is {last.name}" if last else "no checkpoint was written"
            print(
                f"training stopped at epoch {self.epoch}, step {batch + 1}: "
                + ", ".join(f"{k} = {v}" for k, v in bad.items())
                + f"; {where}. Lower the learning rate (or check the data for NaN) and resume."
            )


class FIDTracker(keras.callbacks.Callback):
    """Every ``every`` epochs, the FID of ``n_samples`` generated images against fixed real features.

    ``real_features`` are (N, d) features of real images from the same ``extractor``
    (compute them once). The noise is fixed (``numpy.random.default_rng(seed)``), so the curve shows
    the generator changing, not the sample. For a conditional generator give ``labels``
    (``n_samples`` of them, e.g. the real data's class mix). Values go to ``history`` as (epoch, fid)
    and to the epoch's logs as ``fid``, so Keras' own ``EarlyStopping(monitor="fid", mode="min",
    restore_best_weights=True)`` keeps the weights of the best-FID epoch (lesson 06; compute FID every
    epoch then, ``every=1``). With a moving average of G (``GAN(ema=...)``) the average is measured.
    ``measure(generator)`` gives the same number for any generator, outside ``fit``; ``reference.Tracker``
    is this callback set up as the course's reference runs measure. Introduced in lesson 05.
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
        self.n_samples = integer(n_samples, "n_samples", 2)
        self.batch_size = integer(batch_size, "batch_size", 1)
        self.real_stats = metrics.feature_statistics(metrics.check_features(real_features, "real_features"))
        self.labels = None if labels is None else _labels(labels, self.n_samples, "generated sample")
        self.extractor, self.every, self.seed = extractor, integer(every, "every", 1), integer(seed, "seed", 0)
        self.history: list[tuple[int, float]] = []

    def on_train_begin(self, logs=None):
        # its noise is drawn to fit, so only the labels are checked
        self.labels = _check_inputs(self.model, None, self.n_samples, self.labels, "FIDTracker")

    def sample(self, generator) -> np.ndarray:
        """``n_samples`` images (N, H, W, C) from ``generator`` (a Keras generator) on the fixed noise and labels."""
        z_dim = int(generator.inputs[0].shape[-1])
        z = np.random.default_rng(self.seed).normal(size=(self.n_samples, z_dim)).astype(np.float32)
        return generate(generator, z, self.labels, batch_size=self.batch_size)

    def fid(self, images) -> float:
        """The FID of ``images`` against the real features: the extractor's features ``batch_size`` at a time."""
        from gan_course import metrics

        size = self.batch_size
        batches = (np.asarray(self.extractor(images[i : i + size])) for i in range(0, len(images), size))
        return metrics.frechet_distance(*self.real_stats, *metrics.feature_statistics(batches))

    def measure(self, generator) -> dict:
        """{"fid": ...} of ``generator`` (a Keras generator): ``fid(sample(generator))``, what an epoch logs."""
        return {"fid": self.fid(self.sample(generator))}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        scores = self.measure(_sampler(self.model))
        self.history.append((epoch + 1, scores["fid"]))
        if logs is not None:
            logs.update(scores)
