"""``GAN``: a Keras model holding a generator and a discriminator, trained with ``fit``; ``build_gan``.

Its ``train_step`` is the loop of lesson 02 (``gan_course.training.gan_step``), so ``fit`` gives
the Keras progress bar, the ``History`` object and every Keras callback. Unconditional pairs
train on images, conditional pairs (G takes ``[z, y]``, D takes ``[x, y]``) on ``(images, labels)``.

With ``ema`` it also keeps an exponential moving average of the generator's weights
(``generator_ema``), which ``sampler`` returns for sampling and FID (lesson 06).

Lesson 10 trains the same model under a ``tf.distribute`` strategy (built and compiled in
``strategy.scope()``, ``fit`` on the global batch), with mixed precision and with XLA
(``jit_compile``); every misuse that would train wrongly is refused before the first step.

Used in lessons 03, 05, 06, 07, 08, 09 (the fixed seed programs) and 10.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import tensorflow as tf

from gan_course.data import check_images, class_indices
from gan_course.losses import get_loss
from gan_course.training import (
    METRICS,
    _int,
    _labels_for,
    build_optimizers,
    check_gan_pair,
    default_optimizer,
    gan_step,
    generate,
    split_batch,
)


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

    **Under a** ``tf.distribute`` **strategy** (lesson 10): build the networks, the GAN and its
    optimizers inside ``with strategy.scope():`` (``build_gan`` does the last two) and give ``fit``
    the *global* batch; each of the R replicas trains on batch / R of it, so the global batch must
    divide by R. Keras runs ``train_step`` on every replica and its optimizers add the replicas'
    gradients; ``training.gan_step`` divides each replica's loss by R first (Keras' rule for its own
    losses) and gives every replica its own rows of the global batch's noise, so a run on R devices
    takes the steps that one device takes on the same global batches (to float round-off: the
    gradients are summed in another order). The reported losses are the means over the global batch.
    Keras takes one batch from a fresh pass over the data before training under a strategy (to build
    the model), so a pipeline that reshuffles on every pass (``data.make_dataset``) gives each epoch
    the order one device would see an epoch later. Gradient clipping (``clipnorm``) is refused
    under several replicas: Keras clips each replica's gradient before adding them up.

    BatchNorm (in the DCGAN generators) normalises each replica's own batch / R samples, not the
    global batch, so its statistics are noisier than on one device; its moving statistics are one
    copy per replica, each following its own replica's batches, and inference, ``get_weights`` and
    checkpoints read replica 0's copy. ``keras.layers.BatchNormalization(synchronized=True)``
    normalises over the global batch (one all-reduce per layer and step) and restores the
    one-device result. Dropout (the seed DCGAN's D) draws its masks from Keras' seed generator,
    whose state is the same on every replica: the replicas drop the same units for their different
    samples.

    **Mixed precision**: call ``keras.mixed_precision.set_dtype_policy("mixed_bfloat16")`` (CPUs,
    TPUs, recent GPUs) or ``"mixed_float16"`` (GPUs) *before* building the networks. The step casts
    D's outputs to float32 before any loss, so every loss is float32 (the course's discriminators
    compute their last layer in float32 too; another D whose logit is not float32 is warned about).
    For float16, ``compile`` wraps each optimizer in ``keras.optimizers.LossScaleOptimizer``, as
    Keras' own ``compile`` does; ``fit`` refuses float16 on a CPU. **XLA**: ``compile(jit_compile=True)``
    (or ``build_gan(..., jit_compile=True)``), refused where Keras would silently ignore it or where
    it cannot run (several devices in one process). Introduced in lesson 03.
    """

    def __init__(self, generator, discriminator, seed: int = 0, d_steps: int = 1, ema=None, **kwargs):
        super().__init__(**kwargs)
        self.d_steps = _int(d_steps, "d_steps (D steps per G step)")
        seed = _int(seed, "seed", minimum=0)
        self.spec = check_gan_pair(generator, discriminator)
        #: The tf.distribute strategy whose scope the GAN was built in, None outside any (lesson 10).
        self.strategy = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        for role, net in (("generator", generator), ("discriminator", discriminator)):
            _check_scope(net.weights, f"the {role}", self.strategy)
        _warn_low_precision_logits(discriminator)
        # several worker processes (MultiWorkerMirroredStrategy): replicas exist beyond this process's devices
        self._multi_worker = isinstance(self.strategy, tf.distribute.MultiWorkerMirroredStrategy) and (
            self.strategy.num_replicas_in_sync > len(self.strategy.extended.worker_devices)
        )
        if ema is not None and (isinstance(ema, bool) or not isinstance(ema, (int, float)) or not 0 < ema < 1):
            raise ValueError(
                f"ema (the moving average's decay) must be a number in (0, 1) such as 0.999, or None; got {ema!r}"
            )
        self.ema = None if ema is None else float(ema)
        self.generator = generator
        self.discriminator = discriminator
        self.generator_ema = None
        if self.ema is not None:
            self.generator_ema = keras.models.clone_model(generator)
            self.generator_ema.set_weights(generator.get_weights())
            self.generator_ema.trainable = False
            self.ema_updates = tf.Variable(0, dtype=tf.int64, trainable=False, name="ema_updates")
        self.data_shape = self.spec.sample_shape
        self.z_dim = self.spec.z_dim
        self.noise = tf.random.Generator.from_seed(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRICS}
        # Both networks are built; a Keras model under a strategy would otherwise build itself
        # symbolically from a data batch, calling the GAN (G) on images.
        self.built = True

    @property
    def conditional(self) -> bool:
        """True when both networks take labels."""
        return self.spec.conditional

    def compile(self, d_optimizer=None, g_optimizer=None, loss="non_saturating", **kwargs):
        """Set both optimizers (default ``training.default_optimizer()``, Adam(2e-4, 0.5)) and the loss.

        ``loss`` is a ``losses.GANLoss`` or its name. Other arguments go to Keras' ``compile``, e.g.
        ``jit_compile=True`` to compile the step with XLA (lesson 10; Keras' default ``"auto"``
        uses XLA on a GPU without a strategy). Under a strategy, compile inside the scope the GAN
        was built in. A network that computes in float16 gets its optimizer wrapped in
        ``keras.optimizers.LossScaleOptimizer`` unless ``auto_scale_loss=False``, as in Keras.
        """
        gan_loss = get_loss(loss)
        current = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        if current is not self.strategy:
            raise ValueError(
                f"the GAN was built {_scope_name(self.strategy)} but compile is called {_scope_name(current)}: "
                "build the networks, the GAN and its optimizers and compile it inside the same "
                "`with strategy.scope():` block (gan.build_gan does all of it)"
            )
        d_optimizer = d_optimizer or default_optimizer()
        g_optimizer = g_optimizer or default_optimizer()
        if d_optimizer is g_optimizer:
            raise ValueError("give each network its own optimizer: one optimizer object cannot serve both")
        if kwargs.get("auto_scale_loss", True):
            d_optimizer = _loss_scaled(d_optimizer, self.discriminator)
            g_optimizer = _loss_scaled(g_optimizer, self.generator)
        jit_compile = kwargs.get("jit_compile", "auto")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"jit_compile must be True, False or 'auto', got {jit_compile!r}")
        problem = _xla_problem(self.replicas, self.strategy.extended.worker_devices if self.strategy else ())
        if jit_compile is True and problem:
            raise ValueError(
                f"jit_compile=True cannot train under this strategy {problem}: use jit_compile=False (or 'auto', "
                "which Keras turns off under a strategy), or XLA on one device"
            )
        build_optimizers(self.generator, self.discriminator, g_optimizer, d_optimizer)
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            _check_scope(opt.variables, f"the {name}", self.strategy)
            inner = getattr(opt, "inner_optimizer", opt)
            clipping = [k for k in ("clipnorm", "global_clipnorm", "clipvalue") if getattr(inner, k, None)]
            if clipping and self.replicas > 1:
                raise ValueError(
                    f"the {name} clips gradients ({clipping[0]}={getattr(inner, clipping[0])}), but under a strategy "
                    f"Keras clips each of the {self.replicas} replicas' gradients before adding them up "
                    "(keras/src/optimizers/base_optimizer.py: _clip_gradients, then the all-reduce), which is not "
                    "the clipping one device does: drop the clipping under a strategy, or train on one device"
                )
        with warnings.catch_warnings():
            if jit_compile is True:  # Keras' warning is replaced by the error below, which says why and what to do
                warnings.filterwarnings("ignore", message="Model doesn't support `jit_compile=True`")
            super().compile(**kwargs)
        if jit_compile is True and not self.jit_compile:
            raise ValueError(
                "Keras turned jit_compile=True off: it keeps XLA off while TensorFlow's op determinism is on "
                "(gan_course.setup turns it on when there is no GPU, so that runs repeat exactly) or when a layer "
                "cannot be compiled: for an XLA run call setup(seed, deterministic=False) before building the "
                "networks, or leave jit_compile at 'auto'"
            )
        # Keras' compile sets a default RMSprop as `optimizer` that this model never uses; TensorBoard
        # would log its learning rate as if it were the GAN's. The two optimizers above are the real ones.
        self.optimizer = None
        self.gan_loss, self.d_optimizer, self.g_optimizer = gan_loss, d_optimizer, g_optimizer

    @property
    def sampler(self):
        """The network to sample from: ``generator_ema`` when the GAN keeps one, else ``generator``."""
        return self.generator if self.generator_ema is None else self.generator_ema

    def _update_ema(self):
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

    def _assert_batch(self, real):
        """The checks of one batch of images: finite, in [-1, 1]; returns the batch."""
        real = tf.debugging.assert_all_finite(real, "a training batch contains NaN or Inf values")
        in_range = tf.debugging.assert_less_equal(
            tf.reduce_max(tf.abs(real)),
            tf.constant(1.0 + 1e-3, real.dtype),
            message="expected training images in [-1, 1]: scale uint8 pixels with x / 127.5 - 1",
        )
        with tf.control_dependencies([in_range]):
            return tf.identity(real)

    def _checked_batch(self, *batch):
        """A pipeline's element (images, or images and labels) after ``_assert_batch`` of its images."""
        return (self._assert_batch(batch[0]), *batch[1:]) if len(batch) > 1 else self._assert_batch(batch[0])

    def train_step(self, data):
        real, labels = split_batch(data)
        if len(self.data_shape) == 3 and not self.jit_compile:  # images: a tf.data pipeline is checked here
            self._assert_batch(real)
        if self.conditional:
            labels = _labels_for(self.spec, labels, tf.shape(real)[0])
        values = gan_step(
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
            self._update_ema()
        for name, value in values.items():
            self.trackers[name].update_state(value)
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if self._multi_worker:
            # Keras 3 averages what train_step returns over the workers with strategy.reduce("MEAN", value,
            # axis=0), which fails on a scalar ("Invalid reduction dimension 0 for input with 0 dimensions",
            # tensorflow/tensorflow#72388; tests/test_distribute.py runs two workers). A value of shape (1,)
            # reduces to the same mean, as a scalar.
            results = {name: tf.reshape(value, (1,)) for name, value in results.items()}
        return results

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras ``fit``, after checking that the data (and labels) match the networks and images lie in [-1, 1].

        Unconditional: ``fit(images)`` or a ``tf.data`` pipeline of images. Conditional:
        ``fit(images, labels)`` or a pipeline of ``(images, labels)``.
        """
        if not hasattr(self, "gan_loss"):
            raise RuntimeError("call gan.compile(...) before gan.fit(...)")
        outer = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        if self.strategy is not None and outer is not None and outer is not self.strategy:
            raise ValueError(
                "fit is called inside another strategy's scope than the one the GAN was built in: "
                "call fit inside the GAN's own `with strategy.scope():` block, or outside any"
            )
        self._check_precision()
        if kwargs.get("batch_size") is not None:
            kwargs["batch_size"] = _int(kwargs["batch_size"], "batch_size")
        if isinstance(x, tf.data.Dataset):
            if y is not None:
                raise ValueError("a tf.data pipeline carries its own labels: pass fit(dataset), not fit(dataset, y)")
            kwargs.setdefault("shuffle", False)  # a pipeline shuffles itself (data.make_dataset does)
            self._check_spec(x.element_spec)
            self._check_global_batch(x.element_spec)
            if self.jit_compile and len(self.data_shape) == 3:
                # XLA drops tf.debugging's assertions from the compiled step, so the batches are checked in
                # the input pipeline instead (which XLA does not compile)
                x = x.map(self._checked_batch)
        elif x is not None:
            x = self._check(np.asarray(x))
            if (y is not None) != self.conditional:
                raise ValueError(self._label_mismatch(y is not None))
            if y is not None:
                y = self.check_labels(y, len(x))
            self._check_global_batch(None, kwargs.get("batch_size") or 32, len(x))  # 32: Keras' default
        return super().fit(x, y, *args, **kwargs)

    @property
    def replicas(self) -> int:
        """How many replicas train the GAN: the strategy's ``num_replicas_in_sync``, 1 without one."""
        return 1 if self.strategy is None else self.strategy.num_replicas_in_sync

    def _check_global_batch(self, spec, batch_size=None, n=None):
        """Refuse global batches that the strategy's replicas cannot split evenly (lesson 10)."""
        replicas = self.replicas
        if replicas == 1:
            return
        if spec is not None:
            sample = spec[0] if isinstance(spec, tuple) else spec
            batch_size = tuple(sample.shape)[0] if hasattr(sample, "shape") else None
            if batch_size is None:
                raise ValueError(
                    f"the data set's batch size is unknown (batched without drop_remainder=True), so a last, smaller "
                    f"batch may not split evenly over the strategy's {replicas} replicas: batch it with "
                    f"drop_remainder=True and a global batch size divisible by {replicas} "
                    "(data.make_dataset does drop the remainder)"
                )
        fix = f"use a global batch size divisible by {replicas}, e.g. {max(1, batch_size // replicas) * replicas}"
        if batch_size % replicas:
            raise ValueError(
                f"the global batch of {batch_size} cannot be split evenly over the strategy's {replicas} replicas "
                f"(each replica trains on global batch / replicas samples and their losses are averaged): {fix}"
            )
        if n is not None and n % batch_size % replicas:
            raise ValueError(
                f"{n} samples in batches of {batch_size} leave a last batch of {n % batch_size}, which cannot be "
                f"split evenly over the strategy's {replicas} replicas: drop the last samples "
                f"(x[:{n // batch_size * batch_size}]) or train on data.make_dataset(x, {batch_size})"
            )

    def _check_precision(self):
        """Refuse float16 networks that would train on a CPU (lesson 10)."""
        if "float16" not in _compute_dtypes(self.generator) | _compute_dtypes(self.discriminator):
            return
        if self.strategy is not None:
            devices = list(self.strategy.extended.worker_devices)
        else:
            devices = [d.name for d in tf.config.list_logical_devices("GPU")] or ["CPU"]
        cpus = [d for d in devices if "CPU" in d.upper()]
        if cpus:
            raise ValueError(
                f"the networks compute in float16 (dtype policies {self.generator.dtype_policy.name!r} and "
                f"{self.discriminator.dtype_policy.name!r}), "
                f"but they would train on a CPU ({', '.join(cpus)}): float16 is for GPUs, and CPUs have no fast "
                "float16 arithmetic. On a CPU set keras.mixed_precision.set_dtype_policy('mixed_bfloat16') before "
                "building the networks (or 'float32'); keep 'mixed_float16' for a GPU"
            )

    def _check_spec(self, spec):
        has_labels = isinstance(spec, tuple) and len(spec) >= 2
        if has_labels != self.conditional:
            raise ValueError(self._label_mismatch(has_labels))
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

    def _check(self, arr):
        if arr.ndim == 4:
            return check_images(arr, "training images", shape=self.data_shape)
        if tuple(arr.shape[1:]) != self.data_shape:
            raise ValueError(f"the data have sample shape {arr.shape[1:]}, the networks expect {self.data_shape}")
        return arr


def _scope_name(strategy) -> str:
    return "outside any tf.distribute strategy" if strategy is None else f"inside a {type(strategy).__name__}'s scope"


def _check_scope(variables, what: str, strategy) -> None:
    """Refuse ``variables`` made in another strategy's scope than ``strategy`` (None: no strategy) (lesson 10)."""
    current = strategy or tf.distribute.get_strategy()
    for variable in variables:
        variable = getattr(variable, "value", variable)  # a Keras variable holds its tf.Variable
        if current.extended.variable_created_in_scope(variable):
            continue
        owner = getattr(variable, "_distribute_strategy", None)
        raise ValueError(
            f"{what} was built {_scope_name(owner)}, but the GAN {_scope_name(strategy)}: under a strategy every "
            "variable must be made inside its scope, so that each device holds a copy. Build the generator, "
            "the discriminator and the GAN, and compile it, inside one `with strategy.scope():` block "
            "(gan.build_gan does the last two); without a strategy, build everything outside any scope"
        )


def _xla_problem(replicas: int, local_devices) -> str | None:
    """Why XLA cannot compile a step of ``replicas`` replicas with ``local_devices`` in this process; None if it can."""
    local = list(local_devices)
    if replicas <= 1:
        return None
    if len(local) > 1:
        return (
            f"with {len(local)} devices in one process: XLA compiles the step for one device, but each device holds "
            "its own copy of every variable (TensorFlow's XLA known issue 'tf.Variable on a different device'; "
            "Keras' own models fail the same way)"
        )
    if any("CPU" in device.upper() for device in local):
        return (
            "on a CPU: XLA has no all-reduce for CPU devices (TensorFlow: 'Collectives are not yet implemented "
            "for CPU devices when compiling with XLA')"
        )
    return None  # one GPU per worker process: XLA's collectives run there


def _compute_dtypes(net) -> set:
    """The compute dtypes of a network and its layers (nested models included)."""
    dtypes = {net.compute_dtype}
    for layer in getattr(net, "layers", []):
        dtypes |= _compute_dtypes(layer)
    return dtypes


def _loss_scaled(optimizer, net):
    """``optimizer`` wrapped in Keras' ``LossScaleOptimizer`` when ``net`` computes in float16 (lesson 10).

    float16 gradients underflow to 0 below about 6e-8; the wrapper multiplies the loss by a large
    dynamic factor before the gradient (``scale_loss``) and divides the gradients by it, skipping
    steps whose gradients overflow. Keras' own ``compile`` does the same for a mixed_float16 model.
    """
    if not isinstance(optimizer, keras.optimizers.Optimizer) or isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        return optimizer  # build_optimizers refuses what is not an optimizer
    if "float16" in _compute_dtypes(net):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _warn_low_precision_logits(discriminator) -> None:
    dtype = str(discriminator.outputs[0].dtype)
    if dtype != "float32":
        warnings.warn(
            f"the discriminator's output (its logit) is computed in {dtype}: the step casts it to float32 before "
            "every loss, but it has already lost precision; give D's last layer dtype='float32' "
            "(Keras' mixed-precision advice; the course's discriminators do)",
            stacklevel=3,
        )


OPTIMIZERS = ("adam", "rmsprop")


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
    Keras choose) and calls ``build_gan`` inside ``strategy.scope()`` to train on several devices.
    Introduced in lesson 03.
    """
    from gan_course.training import DEFAULT_BETA_1, DEFAULT_LR

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}: choose one of {', '.join(map(repr, OPTIMIZERS))}")
    extra = {}
    if clipnorm is not None:
        if isinstance(clipnorm, bool) or not isinstance(clipnorm, (int, float)) or not clipnorm > 0:
            raise ValueError(f"clipnorm (the largest gradient norm) must be a number > 0 such as 1.0, got {clipnorm!r}")
        extra["clipnorm"] = float(clipnorm)
    if beta_2 is not None:
        if optimizer != "adam":
            raise ValueError("beta_2 is Adam's setting: drop it, or use optimizer='adam'")
        if isinstance(beta_2, bool) or not isinstance(beta_2, (int, float)) or not 0 <= beta_2 < 1:
            raise ValueError(
                f"beta_2 (Adam's second-moment decay) must be a number in [0, 1), e.g. 0.999, got {beta_2!r}"
            )
        extra["beta_2"] = float(beta_2)
    if beta_1 is not None and optimizer != "adam":
        raise ValueError("beta_1 is Adam's setting: drop it, or use optimizer='adam'")
    lr = DEFAULT_LR if lr is None else lr
    beta_1 = DEFAULT_BETA_1 if beta_1 is None else beta_1

    def make(rate):
        if optimizer == "rmsprop":
            default_optimizer(rate)  # the same check of the rate
            return keras.optimizers.RMSprop(rate, **extra)
        return default_optimizer(rate, beta_1, **extra)

    gan = GAN(generator, discriminator, seed=seed, d_steps=d_steps, ema=ema)
    gan.compile(
        d_optimizer=make(lr if d_lr is None else d_lr),
        g_optimizer=make(lr if g_lr is None else g_lr),
        loss=loss,
        jit_compile=jit_compile,
    )
    return gan
