"""Keras callbacks for GAN training: sample grids, checkpoints with resume, a NaN guard, FID.

Use them with ``gan_course.gan.GAN`` and ``fit``; they work for unconditional and conditional
generators.

Used in lessons 03, 05, 07 and 08.
"""

from __future__ import annotations

import errno
import json
import math
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
from gan_course._checks import finite, flag, integer, number
from gan_course._checks import path as _path
from gan_course._writer import claim as _claim
from gan_course._writer import pid_alive as _pid_alive
from gan_course._writer import release as _release
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

    TensorFlow's own format (``path.index`` and ``path.data-*``), restored by name. Written into a temporary
    folder unique to this process, synced, then renamed into place, the index last: a crash (or a full disk,
    an OSError naming the folder) leaves no new checkpoint or a complete one, the previous ones untouched.
    (``tf.train.CheckpointManager`` keeps one state file per folder, which a second writer overwrites, and
    prunes in its own save order.) Returns ``path``. Introduced in lesson 03.
    """
    path = Path(path)
    if not hasattr(gan, "g_optimizer"):
        raise RuntimeError("compile the GAN before saving a checkpoint (the optimizers' state is saved too)")
    meta = {"format": 2, "epoch": int(epoch), "signature": _weights_signature(gan)}
    meta.update({f"{n}_optimizer": _optimizer_info(getattr(gan, f"{n}_optimizer")) for n in "gd"})
    tmp = path.parent / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
    except (OSError, tf.errors.OpError) as err:
        if not (path.parent / f"{path.name}.index").exists():  # no index, no checkpoint: its data is litter
            for f in path.parent.glob(f"{path.name}.data-*"):
                f.unlink(missing_ok=True)
        raise OSError(
            getattr(err, "errno", None) or errno.EIO,
            f"could not write checkpoint {path.name} into {path.parent} ({getattr(err, 'strerror', None) or err}): "
            "free some space on that disk or make the folder writable, or give Checkpoint another folder",
        ) from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _read_meta(path: Path) -> dict:
    """The metadata of a checkpoint, after reading every tensor in it (which checks the CRCs and for NaN)."""
    bad, meta = [], None
    try:
        reader = tf.train.load_checkpoint(str(path))
        for key in reader.get_variable_to_shape_map():
            value = reader.get_tensor(key)
            if key == "meta/.ATTRIBUTES/VARIABLE_VALUE":
                meta = json.loads(value) if value else None
            elif np.issubdtype(np.asarray(value).dtype, np.floating) and not np.all(np.isfinite(value)):
                bad.append(key)
    except (tf.errors.OpError, OSError, ValueError, KeyError, IndexError, RuntimeError) as err:
        raise _CheckpointError(
            f"{path.name} in {path.parent} is damaged or incomplete ({type(err).__name__}): delete its files "
            f"({path.name}.index and {path.name}.data-*) to resume from the previous checkpoint"
        ) from err
    if not isinstance(meta, dict) or not {"signature", "g_optimizer", "d_optimizer"} <= meta.keys():
        problem = "it holds no gan_course metadata (callbacks.Checkpoint did not write it)"
    elif bad:  # resuming from it would train on NaN
        problem = f"its weights are not finite (NaN or inf in {len(bad)} tensors, e.g. {bad[0].split('/.ATTR')[0]})"
    else:
        return meta
    raise _CheckpointError(f"{path.name} in {path.parent}: {problem}; move its files out to use the previous one")


_ANOTHER_ARCHITECTURE = (
    "{0.name} in {0.parent} was written by a different architecture ({1}): build the same generator and "
    "discriminator (and the same ema= setting) as when it was saved, or start from an empty folder"
)


class _CheckpointError(ValueError):
    """A checkpoint that cannot be loaded: damaged, or written by another architecture."""


def load_checkpoint(gan, path) -> int:
    """Restore a checkpoint written by ``Checkpoint`` into a compiled ``GAN``; returns its epoch.

    Everything is restored by name. The optimizers the GAN was compiled with win: if the
    checkpoint's optimizer type differs (or one used a learning-rate schedule and the other not),
    its optimizer state is not loaded (the new optimizer starts fresh); the compiled learning rate
    is kept. Either case prints a line saying so.
    A damaged file, NaN or inf in it, or another architecture raise a ``ValueError`` naming the file, and
    leave the GAN as it was.
    Introduced in lesson 03.
    """
    path = Path(_path(path, "path"))
    if not isinstance(gan, keras.Model) or not hasattr(gan, "generator"):
        raise TypeError(f"gan must be the gan.GAN to load into, got {type(gan).__name__}")
    if not hasattr(gan, "g_optimizer"):
        raise RuntimeError("compile the GAN before loading a checkpoint (the optimizers' state is restored too)")
    meta = _read_meta(path)
    saved, ours = meta["signature"], _weights_signature(gan)
    diff = next((f"{a} vs {b}" for a, b in zip(saved, ours) if a != b), f"{len(saved)} vs {len(ours)} weights")
    if saved != ours:
        raise _CheckpointError(_ANOTHER_ARCHITECTURE.format(path, f"first difference: checkpoint {diff}"))
    compiled = {n: _optimizer_info(getattr(gan, f"{n}_optimizer")) for n in "gd"}
    # Keras keeps an optimizer's slots in a list whose layout depends on its type and on whether the
    # learning rate is a schedule, so state is only restored between optimizers that agree on both.
    same_type = [n for n in "gd" if _layout(meta[f"{n}_optimizer"]) == _layout(compiled[n])]
    epoch = tf.Variable(0, dtype=tf.int64)
    tracked = _tracked(gan, epoch, tf.Variable(""), optimizers=same_type)
    owners = [*_networks(gan).values(), *(getattr(gan, f"{n}_optimizer") for n in same_type)]
    variables = [v for o in owners for v in o.variables] + [gan.noise.state, getattr(gan, "ema_updates", epoch)]
    before = [v.numpy() for v in variables]
    try:
        tracked.read(str(path)).expect_partial()
    except (ValueError, tf.errors.OpError) as err:  # TensorFlow restores variable by variable: undo a partial read
        for v, value in zip(variables, before):
            v.assign(value)
        if "incompatible tensor with shape" not in str(err):
            raise
        raise _CheckpointError(_ANOTHER_ARCHITECTURE.format(path, str(err).splitlines()[0])) from None
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


# Healthy weights are O(1) (BatchNorm's moving variance O(100) at most); a finite weight of 1e6 or more means
# training diverged, and a checkpoint of it diverges again when resumed (one held 3e22 after a NaN stop).
_MAX_WEIGHT = 1e6

_CHECKPOINT_PATTERN = re.compile(r"^epoch-(\d{4,})\.index$")


def list_checkpoints(directory) -> list[tuple[int, Path]]:
    """Checkpoints in ``directory`` as (epoch, path prefix), oldest first ([] for a folder not made yet).

    Introduced in lesson 03.
    """
    directory = Path(_path(directory, "directory"))
    if not directory.is_dir():
        return []
    matches = (_CHECKPOINT_PATTERN.match(p.name) for p in directory.iterdir())
    return sorted((int(m.group(1)), directory / m.group(0)[: -len(".index")]) for m in matches if m)


class Checkpoint(keras.callbacks.Callback):
    """Save the GAN after every epoch to ``directory/epoch-NNNN``, keeping the last ``keep`` of this run.

    Skips an epoch whose losses or weights are not finite, so the last checkpoint is always
    a good one. Resume with ``initial_epoch = checkpoint.restore(gan)`` and
    ``gan.fit(..., initial_epoch=initial_epoch, epochs=EPOCHS)``. A run that would start below the
    folder's newest checkpoint (a re-run into an old folder, or a resume without ``initial_epoch``)
    stops before its first step and says so, rather than mixing two runs; so does a run into a folder
    that another live process writes into (``directory/.writer`` says which). An epoch whose weights
    exceed 1e6 in size (diverged), or that NaNGuard stopped, is not saved either. Introduced in lesson 03.
    """

    def __init__(self, directory, keep: int = 3, verbose: bool = False):
        super().__init__()
        self.directory, self.keep = Path(_path(directory, "directory")), integer(keep, "keep", 1)
        self.verbose = flag(verbose, "verbose")
        if self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"directory {self.directory} is a file: give a folder for the checkpoints")
        self.last_saved: Path | None = None
        self.damaged: set[int] = set()
        self._checked, self._halted = False, None  # _halted: the epoch NaNGuard stopped in

    def on_train_begin(self, logs=None):
        self._halted = None
        _claim(self.directory, _weights_signature(self.model))

    def restore(self, gan) -> int:
        """Load the newest intact checkpoint into ``gan`` and return its epoch (0 if there is none).

        A damaged newest checkpoint (or one holding NaN) is reported and the previous one used. Temporary
        folders left by a writer that was killed are removed; those of a live writer are left alone.
        """
        for stale in self.directory.glob(".tmp-*-*"):
            pid = stale.name.split("-")[1]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        for epoch, path in reversed(list_checkpoints(self.directory)):
            try:
                restored = load_checkpoint(gan, path)
            except tf.errors.OpError as err:
                # listed a moment ago, gone now (NotFoundError, or UNKNOWN from the reader): another process is
                # rewriting it (_save_checkpoint removes the old index first); the previous one is used. Its
                # files were all read a moment before (_read_meta), so NotFoundError means a rewrite, even if
                # the new index is already back in place
                vanished = isinstance(err, tf.errors.NotFoundError)
                if not vanished and path.with_name(path.name + ".index").exists():
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
            _release(self.directory)  # Keras calls no on_train_end after this
            raise ValueError(
                f"{self.directory} already holds checkpoints up to epoch {max(newer)}, but this run starts at epoch "
                f"{epoch}: to continue that run, initial_epoch = checkpoint.restore(gan) and fit(..., "
                "initial_epoch=initial_epoch); to start a new run, use a new folder (or delete the old one)"
            )

    def on_train_end(self, logs=None):
        self._checked = False
        _release(self.directory)

    def on_epoch_end(self, epoch, logs=None):
        logs, problem = logs or {}, None
        weights = [w for net in _networks(self.model).values() for w in net.get_weights()]
        if self._halted == epoch + 1:
            problem = "NaNGuard stopped training during it"
        elif not all(np.isfinite(v) for k, v in logs.items() if k in ("d_loss", "g_loss")):
            problem = "its losses are not finite"
        elif not all(np.all(np.abs(w) <= _MAX_WEIGHT) for w in weights):  # NaN fails this too
            problem = f"its weights are not finite or exceed {_MAX_WEIGHT:g} in size (training diverged)"
        if problem:
            last = self.last_saved.name if self.last_saved else "none"
            print(f"epoch {epoch + 1}: {problem}; checkpoint not written (the last good one is {last})")
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
    """Stop training as soon as a loss is NaN, infinite or above ``max_loss`` in size, and say what to do next.

    Give it the run's ``Checkpoint``: the epoch it stops in is then not saved, and the advice names the
    last good checkpoint to resume from. Introduced in lesson 03.
    """

    def __init__(self, checkpoint: Checkpoint | None = None, max_loss: float = 1e4):
        super().__init__()
        if checkpoint is not None and not isinstance(checkpoint, Checkpoint):
            raise ValueError(f"checkpoint must be a callbacks.Checkpoint (the run's own) or None, got {checkpoint!r}")
        self.checkpoint, self.max_loss = checkpoint, number(max_loss, "max_loss", positive=True)
        self.stopped_at: tuple[int, int] | None = None
        self.epoch = 0

    def on_train_begin(self, logs=None):
        self.stopped_at = None  # a new fit (a resume) is guarded again

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        losses = {k: float(v) for k, v in (logs or {}).items() if k in ("d_loss", "g_loss")}
        bad = {k: v for k, v in losses.items() if not math.isfinite(v) or abs(v) > self.max_loss}
        if not bad or self.stopped_at is not None:
            return
        self.stopped_at, self.model.stop_training = (self.epoch, batch + 1), True
        if self.checkpoint is not None:
            self.checkpoint._halted = self.epoch  # this epoch's weights are diverging: not saved
        last = self.checkpoint.last_saved if self.checkpoint else None
        above = f" (above max_loss = {self.max_loss:g})"
        what = ", ".join(f"{k} = {v:.4g}" + (above if math.isfinite(v) else "") for k, v in bad.items())
        where = f"the last good checkpoint is {last.name}" if last else "no checkpoint was written"
        then = "resume from it: initial_epoch = checkpoint.restore(gan)" if last else "train again"
        print(
            f"training stopped at epoch {self.epoch}, step {batch + 1}: {what}; {where}. "
            f"Lower the learning rate (compile again), then {then}."
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
