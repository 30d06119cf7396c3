"""``GAN``: a Keras model holding a generator and a discriminator, trained with ``fit``; ``build_gan``.

Its ``train_step`` is the loop of lesson 02 (``gan_course.training.gan_step``), so ``fit`` gives
the Keras progress bar, the ``History`` object and every Keras callback. Unconditional pairs
train on images, conditional pairs (G takes ``[z, y]``, D takes ``[x, y]``) on ``(images, labels)``.
With ``ema`` it also keeps a moving average of the generator's weights (``generator_ema``), which
``sampler`` returns for sampling and FID (lesson 06). Lesson 10's set-ups (a ``tf.distribute``
strategy, mixed precision, XLA) need more checks: ``scaled.ScaledGAN`` adds them, and ``build_gan``
picks it when they apply.

Used in lessons 03, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from gan_course._checks import array as _array
from gan_course._checks import fraction, integer, number
from gan_course.data import check_images, class_indices
from gan_course.losses import LOSSES, get_loss
from gan_course.training import (
    DEFAULT_LR,
    METRICS,
    build_optimizers,
    check_gan_pair,
    default_optimizer,
    gan_step,
    generate,
    make_optimizer,
    split_batch,
)


@keras.saving.register_keras_serializable(package="gan_course")
class GAN(keras.Model):
    """A generator and a discriminator trained together by ``fit``.

    ``generator`` maps noise (batch, z_dim) to samples, or ``[z, y]`` for a conditional GAN;
    ``discriminator`` maps samples (or ``[x, y]``) to one output. ``seed`` fixes the noise (a
    ``tf.random.Generator``), so a run after ``setup(seed)`` repeats exactly on a CPU. Reports
    ``d_loss``, ``g_loss``, ``d_real`` and ``d_fake`` (mean of D's output on real and generated
    samples, read as the loss says) per epoch. ``d_steps`` discriminator steps are taken per
    generator step.

    ``ema`` (a decay in (0, 1), e.g. 0.999) keeps ``generator_ema``, a copy of the generator whose
    weights follow ``d · average + (1 - d) · weights`` after every generator step (Yazıcı et al.
    2019; BatchNorm statistics are copied as they are). As in ``tf.train.ExponentialMovingAverage``
    with ``num_updates``, the decay warms up: ``d = min(ema, (1 + t) / (10 + t))`` at update t, so
    early on the average forgets the untrained start quickly. ``sampler`` is the network to sample
    from: the average when there is one, else the generator. Sample grids, FID and checkpoints use it.

    ``gan.save("gan.keras")`` and ``keras.models.load_model("gan.keras")`` keep both networks, the
    average, both optimizers' state and the loss (by name: a loss of your own needs
    ``load_model(..., compile=False)`` and ``compile(loss=...)``); the noise stream starts again from
    ``seed``. To pause and resume a run exactly, use ``callbacks.Checkpoint``.

    Under a ``tf.distribute`` strategy, with mixed precision or with XLA use ``scaled.ScaledGAN``
    (``build_gan`` picks it): this class refuses those set-ups rather than train them wrongly.
    Introduced in lesson 03.
    """

    def __init__(self, generator, discriminator, seed: int = 0, d_steps: int = 1, ema=None, **kwargs):
        super().__init__(**kwargs)
        self.d_steps = integer(d_steps, "d_steps (D steps per G step)", 1)
        seed = integer(seed, "seed", 0)
        self.spec = check_gan_pair(generator, discriminator)
        needs = _scaling_needed(generator, discriminator)
        if needs and type(self) is GAN:
            raise ValueError(
                f"the GAN is built {needs}: use gan.build_gan (it picks scaled.ScaledGAN) or scaled.ScaledGAN, "
                "which checks what these set-ups need (lesson 10)"
            )
        if ema is not None:
            ema = fraction(ema, "ema (the moving average's decay)", 0.0, 1.0, "()", ": e.g. 0.999, or None")
        self.ema = ema
        self.generator = generator
        self.discriminator = discriminator
        self.generator_ema = None
        if self.ema is not None:
            self.generator_ema = keras.models.clone_model(generator)
            self.generator_ema.set_weights(generator.get_weights())
            self.generator_ema.trainable = False
            # a Keras weight, so that .keras files keep the warm-up's position
            self.ema_updates = self.add_weight(
                shape=(), dtype="int64", initializer="zeros", trainable=False, name="ema_updates"
            )
        self.data_shape = self.spec.sample_shape
        self.z_dim = self.spec.z_dim
        self.seed, self.noise = seed, tf.random.Generator.from_seed(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRICS}
        self.built = True  # both networks are built; Keras would otherwise build the GAN by calling it on data

    # Keras' format (gan.save("x.keras"), keras.models.load_model): the two networks and the settings, and
    # the optimizers and the loss by name; Keras saves every weight, the average's warm-up count included.
    def get_config(self):
        nets = {"generator": self.generator, "discriminator": self.discriminator}
        settings = {"seed": self.seed, "d_steps": self.d_steps, "ema": self.ema}
        return {
            **super().get_config(),
            **{k: keras.saving.serialize_keras_object(v) for k, v in nets.items()},
            **settings,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        nets = {k: keras.saving.deserialize_keras_object(config.pop(k)) for k in ("generator", "discriminator")}
        return cls(**nets, **config)

    def get_compile_config(self):
        if not hasattr(self, "gan_loss"):
            return None
        optimizers = {k: keras.saving.serialize_keras_object(getattr(self, k)) for k in ("d_optimizer", "g_optimizer")}
        own = LOSSES.get(self.gan_loss.name) is not self.gan_loss  # not one of the zoo's: only its name is kept
        return {**optimizers, "loss": self.gan_loss.name, "own_loss": own}

    def compile_from_config(self, config):
        name = config["loss"]
        if config.get("own_loss"):
            raise ValueError(
                f"this GAN was compiled with a loss of your own, {name!r}, which a .keras file cannot hold: "
                "load it with keras.models.load_model(path, compile=False), then gan.compile(loss=your_loss)"
            )
        opts = {k: keras.saving.deserialize_keras_object(config[k]) for k in ("d_optimizer", "g_optimizer")}
        self.compile(**opts, loss=name)

    @property
    def conditional(self) -> bool:
        """True when both networks take labels."""
        return self.spec.conditional

    def compile(self, d_optimizer=None, g_optimizer=None, loss="non_saturating", **kwargs):
        """Set both optimizers (default ``training.default_optimizer()``, Adam(2e-4, 0.5)) and the loss.

        ``loss`` is a ``losses.GANLoss`` or its name. Other arguments go to Keras' ``compile``.
        """
        gan_loss = get_loss(loss)
        d_optimizer, g_optimizer = _optimizer(d_optimizer, "d_optimizer"), _optimizer(g_optimizer, "g_optimizer")
        if d_optimizer is g_optimizer:
            raise ValueError(
                "d_optimizer and g_optimizer are the same object: each network needs its own optimizer (its own "
                "moment estimates), e.g. compile(d_optimizer=training.default_optimizer(), "
                "g_optimizer=training.default_optimizer())"
            )
        jit_compile = kwargs.get("jit_compile", "auto")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"jit_compile must be True, False or 'auto', got {jit_compile!r}")
        if jit_compile is True and type(self) is GAN:
            raise ValueError("jit_compile=True (XLA) is lesson 10's: use gan.build_gan or scaled.ScaledGAN")
        build_optimizers(self.generator, self.discriminator, g_optimizer, d_optimizer)
        super().compile(**kwargs)
        # Keras' compile sets a default RMSprop as `optimizer` that this model never uses; TensorBoard
        # would log its learning rate as if it were the GAN's. The two optimizers above are the real ones.
        self.optimizer = None
        self.gan_loss, self.d_optimizer, self.g_optimizer = gan_loss, d_optimizer, g_optimizer

    @property
    def sampler(self):
        """The network to sample from: ``generator_ema`` when the GAN keeps one, else ``generator``."""
        return self.generator if self.generator_ema is None else self.generator_ema

    @property
    def compute_dtypes(self) -> set:
        """The dtypes the generator's and the discriminator's layers compute in, e.g. {"float32"}."""
        return _compute_dtypes(self.generator) | _compute_dtypes(self.discriminator)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        """Generate samples (from ``sampler``) from noise z (batch, z_dim), or from ``[z, y]`` for a conditional GAN."""
        if self.conditional:
            if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
                raise ValueError("this GAN is conditional: call it with [z, labels]")
            return generate(self.sampler, inputs[0], inputs[1], training=training)
        return generate(self.sampler, inputs, training=training)

    # ------------------------------------------------------------------ the step (lesson 03 opens it)

    def train_step(self, data):
        real, labels = split_batch(data)  # images, or (images, labels) for a conditional GAN
        if self.conditional:  # one label per image, in the shape and dtype the networks take
            labels = tf.reshape(tf.cast(labels, self.spec.label_dtype), (-1, *self.spec.label_shape))
        values = gan_step(  # d_steps D updates, then one G update: training.gan_step, as in lesson 02
            self.generator,
            self.discriminator,
            self.d_optimizer,
            self.g_optimizer,
            self.noise,
            self.z_dim,
            (real, labels),
            self.gan_loss,
            self.d_steps,
        )
        if self.generator_ema is not None:
            self.update_ema()
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def update_ema(self):
        """One update of ``generator_ema`` towards the generator's weights, with the warm-up above."""
        # tf.train.ExponentialMovingAverage's warm-up, written out: that class keeps its averages in
        # its own slot variables, outside the model that Checkpoint, SampleGrid and FID sample from.
        t = tf.cast(self.ema_updates, tf.float32)
        decay = tf.minimum(self.ema, (1.0 + t) / (10.0 + t))
        self.ema_updates.assign_add(1)
        for average, weight in zip(self.generator_ema.weights, self.generator.weights):
            if weight.trainable:
                average.assign(decay * average + (1.0 - decay) * weight)
            else:  # BatchNorm's moving statistics: copied
                average.assign(weight)

    # ------------------------------------------------------------------ checks before training

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras ``fit``, after checking that the data (and labels) match the networks and images lie in [-1, 1].

        Unconditional: ``fit(images)`` or a ``tf.data`` pipeline of images. Conditional:
        ``fit(images, labels)`` or a pipeline of ``(images, labels)``. Arrays are checked whole before
        training; a pipeline's element shapes before training, and each batch as it comes (images finite
        and in [-1, 1], class indices whole and in range), outside the compiled step: a bad batch stops
        ``fit`` with a ValueError before any weight changes on it.
        """
        if not hasattr(self, "gan_loss"):
            raise RuntimeError("call gan.compile(...) before gan.fit(...)")
        if kwargs.get("batch_size") is not None:
            kwargs["batch_size"] = integer(kwargs["batch_size"], "batch_size", 1)
        if "epochs" in kwargs:
            kwargs["epochs"] = integer(kwargs["epochs"], "epochs", 1)
        if x is None:
            raise ValueError("x (the training data) is missing: call fit(images) or fit(dataset)")
        if isinstance(x, tf.data.Dataset):
            if y is not None:
                raise ValueError("a tf.data pipeline carries its own labels: pass fit(dataset), not fit(dataset, y)")
            kwargs.setdefault("shuffle", False)  # a pipeline shuffles itself (data.make_dataset does)
            self._check_spec(x.element_spec)
            x = x.map(self._checked_batch)
        elif x is not None:
            x = _array(x, "x (the training data)")
            if x.ndim < 2:
                raise ValueError(f"x (the training data) must be samples (N, H, W, C) or (N, d), got shape {x.shape}")
            x = self.check_data(x)
            if (y is not None) != self.conditional:
                raise ValueError(self._label_mismatch(y is not None))
            if y is not None:
                y = self.check_labels(y, len(x))
        try:
            return super().fit(x, y, *args, **kwargs)
        except tf.errors.InvalidArgumentError as err:  # one of _checked_batch's checks: say it plainly
            text = str(err)
            starts = [text.find(m.split("{")[0]) for m in _BATCH_ERRORS if m.split("{")[0] in text]
            if not starts:
                raise
            message = text[starts[0] :].splitlines()[0].split("] [")[0]
            raise ValueError(f"{message} (in a batch of the data set; no weight was changed by it)") from None

    def _checked_batch(self, *batch):
        """A pipeline's element (images, or images and labels) after the checks ``fit`` promises."""
        real, labels = batch[0], batch[1] if len(batch) > 1 else None
        checks = []
        if len(self.data_shape) == 3:
            checks.append(tf.debugging.assert_all_finite(real, _BATCH_ERRORS[0]))
            checks.append(
                tf.debugging.assert_less_equal(
                    tf.reduce_max(tf.abs(real)), tf.constant(1.0 + 1e-3, real.dtype), message=_BATCH_ERRORS[1]
                )
            )
        if (
            labels is not None
            and self.spec.n_classes is not None
            and (labels.dtype.is_integer or labels.dtype.is_floating)
        ):
            n = self.spec.n_classes
            checks.append(tf.debugging.assert_non_negative(labels, message=_BATCH_ERRORS[2].format(n=n)))
            checks.append(
                tf.debugging.assert_less(labels, tf.cast(n, labels.dtype), message=_BATCH_ERRORS[2].format(n=n))
            )
            if labels.dtype.is_floating:
                checks.append(tf.debugging.assert_equal(labels, tf.round(labels), message=_BATCH_ERRORS[3]))
        with tf.control_dependencies(checks):
            real = tf.identity(real)
        return (real, *batch[1:]) if len(batch) > 1 else real

    def _check_spec(self, spec):
        has_labels = isinstance(spec, tuple) and len(spec) >= 2
        if has_labels != self.conditional:
            raise ValueError(self._label_mismatch(has_labels))
        if has_labels and hasattr(spec[1], "shape") and spec[1].shape.rank is not None:
            label = spec[1]
            per_label = int(np.prod(self.spec.label_shape))
            got = tuple(label.shape[1:])
            if None not in got and int(np.prod(got)) != per_label:
                fix = (
                    ": for one-hot labels map them with tf.argmax(y, axis=1)"
                    if per_label == 1 and len(got) == 1
                    else ""
                )
                raise ValueError(
                    f"the data set's labels have shape {got} per image, the networks take {self.spec.label_shape}{fix}"
                )
            if not (label.dtype.is_integer or label.dtype.is_floating) or label.dtype.is_bool:
                raise ValueError(f"the data set's labels are {label.dtype.name}: give class indices (integers)")
        sample = spec[0] if isinstance(spec, tuple) else spec
        if not hasattr(sample, "shape"):
            return
        if not sample.dtype.is_floating:
            raise ValueError(
                f"the data set yields {sample.dtype.name} samples: the networks need float images in [-1, 1]; "
                "map them first, e.g. dataset.map(lambda x: tf.cast(x, tf.float32) / 127.5 - 1)"
            )
        shape = tuple(sample.shape)
        if shape == self.data_shape:
            raise ValueError(
                f"the data set yields single samples of shape {shape}, not batches: add .batch(batch_size) "
                "(or use data.make_dataset, which batches and shuffles)"
            )
        if shape[1:] != self.data_shape:
            raise ValueError(
                f"the data set yields samples of shape {shape[1:]}, but the networks expect {self.data_shape}: "
                "build the generator and discriminator for the data's shape"
            )

    def _label_mismatch(self, has_labels: bool) -> str:
        if has_labels:
            return "the data carry labels but this GAN's networks take none: build a conditional pair or drop labels"
        return "this GAN's networks take labels ([z, y] and [x, y]): give fit (images, labels)"

    def check_labels(self, y, n: int) -> np.ndarray:
        """Labels for ``n`` training samples, checked before any step: (n, *label_shape) in the networks' dtype.

        One label per sample, of the networks' label shape; class indices must be whole numbers in
        ``[0, spec.n_classes)`` when an embedding reads them (a GPU's lookup returns zeros for a row
        that does not exist, and Keras wraps -1 round to the last class, so neither would fail).
        Each error names the fix. Introduced in lesson 07.
        """
        if not self.conditional:
            raise ValueError(self._label_mismatch(True))
        try:
            y = np.asarray(y)
        except (TypeError, ValueError) as err:
            raise ValueError(f"labels must be an array of class indices, got {type(y).__name__}: {err}") from None
        if y.ndim == 0 or len(y) != n:
            raise ValueError(f"got {n} images but {y.size if y.ndim == 0 else len(y)} labels: give one label per image")
        per_label = int(np.prod(self.spec.label_shape))
        if y[0].size != per_label:
            fix = ": for one-hot labels pass y.argmax(axis=1)" if per_label == 1 and y.ndim == 2 else ""
            raise ValueError(
                f"each label must have {per_label} value(s) (label shape {self.spec.label_shape}), "
                f"got labels of shape {y.shape}{fix}"
            )
        if y.dtype == bool or not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
            raise ValueError(f"labels must be numbers (class indices), got dtype {y.dtype}")
        if self.spec.n_classes is not None:  # an embedding reads the label: whole indices within its rows
            n_classes = self.spec.n_classes
            hint = f"the networks' label embeddings have {n_classes} rows: is n_classes right?"
            class_indices(y.reshape(-1), "labels", n_classes, hint=hint)
        return y.reshape(n, *self.spec.label_shape).astype(self.spec.label_dtype)

    def check_data(self, arr) -> np.ndarray:
        """Training data as the networks take it: images (N, H, W, C) in [-1, 1] of their shape, or points.

        Each error names the fix. Introduced in lesson 03.
        """
        if arr.ndim == 4:
            return check_images(arr, "training images", shape=self.data_shape)
        if tuple(arr.shape[1:]) != self.data_shape:
            raise ValueError(f"the data have sample shape {arr.shape[1:]}, the networks expect {self.data_shape}")
        return arr


#: What a pipeline's batch check says, in the order _checked_batch uses them.
_BATCH_ERRORS = (
    "a training batch contains NaN or Inf values: clean the data (or find the step that made them)",
    "expected training images in [-1, 1]: scale uint8 pixels with x / 127.5 - 1",
    "labels must be class indices in [0, {n}): the networks' label embeddings have {n} rows (is n_classes right?)",
    "labels must be whole class indices, not fractions: a cast would truncate them",
)


def _compute_dtypes(net) -> set:
    """The compute dtypes of a network and its layers (nested models included)."""
    dtypes = {net.compute_dtype}
    for layer in getattr(net, "layers", []):
        dtypes |= _compute_dtypes(layer)
    return dtypes


def _scaling_needed(generator, discriminator, jit_compile=False) -> str:
    """Why a GAN of these networks needs ``scaled.ScaledGAN`` ("" if it does not).

    It does under a ``tf.distribute`` strategy (or with networks built in one), with a
    mixed-precision network, or with ``jit_compile=True`` (XLA).
    """
    nets = (generator, discriminator)
    if tf.distribute.has_strategy():
        return f"inside a {type(tf.distribute.get_strategy()).__name__}'s scope"
    if any(isinstance(getattr(v, "value", v), tf.distribute.DistributedValues) for n in nets for v in n.weights):
        return "from networks made in a tf.distribute strategy's scope"
    mixed = (_compute_dtypes(generator) | _compute_dtypes(discriminator)) - {"float32"}
    if mixed:
        return f"from networks that compute in {', '.join(sorted(mixed))} (mixed precision)"
    if jit_compile is True:
        return "with jit_compile=True (XLA)"
    return ""


def _optimizer(value, name: str):
    """An optimizer for compile: None gives ``default_optimizer()``, a name a fresh ``make_optimizer(name)``."""
    if value is None:
        return default_optimizer()
    if isinstance(value, str):
        try:
            return make_optimizer(value)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
    if not isinstance(value, keras.optimizers.Optimizer):
        raise TypeError(
            f"{name} must be a Keras optimizer or a name such as 'adam', got {value!r}: "
            "e.g. training.default_optimizer()"
        )
    return value


def build_gan(
    generator,
    discriminator,
    loss="non_saturating",
    lr=None,
    beta_1: float | None = None,
    d_lr=None,
    g_lr=None,
    d_steps: int = 1,
    seed: int = 0,
    beta_2: float | None = None,
    clipnorm: float | None = None,
    ema: float | None = None,
    optimizer: str = "adam",
    jit_compile="auto",
) -> GAN:
    """A compiled ``GAN``: both networks with ``training.default_optimizer`` and the given loss.

    ``lr`` (default 2e-4) and ``beta_1`` (default 0.5) apply to both networks; ``d_lr`` / ``g_lr``
    set one network's rate (two time-scales, TTUR). Lesson 06 adds ``beta_2`` (Adam's second
    moment, default 0.999), ``clipnorm`` (each gradient's norm clipped to this, Keras' own
    option), ``ema`` (a moving average of G for sampling, see ``GAN``) and ``optimizer="rmsprop"``
    (the original WGAN's). Replaces the build-and-compile block of lessons 03 and 05. Lesson 10
    adds ``jit_compile`` (Keras' own: True compiles the training step with XLA, ``"auto"`` lets
    Keras choose) and calls ``build_gan`` inside ``strategy.scope()`` to train on several devices;
    there, and with mixed-precision networks, it returns a ``scaled.ScaledGAN``.
    Introduced in lesson 03.
    """
    for name, rate in (("lr", lr), ("d_lr", d_lr), ("g_lr", g_lr)):
        if rate is not None and not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            number(rate, f"{name} (a learning rate)", positive=True)
    settings = {"beta_1": beta_1, "beta_2": beta_2, "clipnorm": clipnorm}
    make_optimizer(optimizer, 1.0, **settings)  # every setting checked before anything is built
    cls = GAN
    if jit_compile not in (True, False, "auto"):
        raise ValueError(f"jit_compile must be True, False or 'auto', got {jit_compile!r}")
    if _scaling_needed(generator, discriminator, jit_compile):
        from gan_course.scaled import ScaledGAN as cls
    gan = cls(generator, discriminator, seed=seed, d_steps=d_steps, ema=ema)
    lr = DEFAULT_LR if lr is None else lr
    gan.compile(
        d_optimizer=make_optimizer(optimizer, lr if d_lr is None else d_lr, **settings),
        g_optimizer=make_optimizer(optimizer, lr if g_lr is None else g_lr, **settings),
        loss=loss,
        jit_compile=jit_compile,
    )
    return gan
