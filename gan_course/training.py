"""The one GAN training step, the course's default optimizer, and a loop written with ``tf.GradientTape``.

``gan_step`` is shared by ``train`` (lesson 02), ``gan.GAN.train_step`` (lessons 03, 05) and
``collapse.train_toy`` (lesson 04): one step for every GAN, unconditional (G takes z, D takes x)
or conditional (G takes ``[z, y]``, D takes ``[x, y]``), with any ``losses.GANLoss``.
Lesson 02 writes the loop out by hand and shows that ``train`` gives the same losses on a fixed
seed (tests/test_training.py checks it too). Lesson 10 runs the same step under ``tf.distribute``
(``scale_for_replicas``, ``draw_noise``) and mixed precision.

Lessons 03 and 05 train with ``gan_step`` through ``gan.GAN``. Lesson 06 picks its optimizers by name
(``make_optimizer``, through ``gan.build_gan``).

Used in lessons 01, 02, 03, 04, 07, 08, 09 and 10.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gan_course._checks import array as _array
from gan_course._checks import integer, number
from gan_course._checks import model as _model
from gan_course.data import check_training_data, make_dataset
from gan_course.losses import GANLoss, get_loss

#: What every step reports: the losses and the mean of D's output on real and fake samples,
#: read as the loss says (``GANLoss.read``: a probability for BCE losses, a raw critic score otherwise).
METRICS = ("d_loss", "g_loss", "d_real", "d_fake")

#: The course's default optimizer settings for both networks: Adam, learning rate 2e-4, beta_1 0.5
#: (Radford et al. 2016, the DCGAN paper; beta_1 = 0.9 made their training oscillate).
DEFAULT_LR = 2e-4
_DEFAULT_BETA_1 = 0.5


#: The optimizers ``make_optimizer`` builds by name: Adam (the course's) and RMSprop (the original WGAN's).
_OPTIMIZERS = ("adam", "rmsprop")


def make_optimizer(name: str = "adam", lr=DEFAULT_LR, beta_1=None, beta_2=None, clipnorm=None):
    """A Keras optimizer by name, its settings checked: the one place the course chooses an optimizer.

    ``"adam"``: ``keras.optimizers.Adam(lr, beta_1, beta_2)`` with the course's default beta_1 = 0.5;
    ``"rmsprop"``: ``keras.optimizers.RMSprop(lr)`` (Adam's betas are refused: RMSprop would ignore
    them). ``lr`` is a positive number or a Keras learning-rate schedule; ``clipnorm`` clips each
    gradient's norm (Keras' own option). Introduced in lesson 06.
    """
    if name not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(map(repr, _OPTIMIZERS))}")
    if not isinstance(lr, keras.optimizers.schedules.LearningRateSchedule):
        lr = number(lr, "lr (the learning rate)", positive=True)
    extra = {}
    if clipnorm is not None:
        extra["clipnorm"] = number(clipnorm, "clipnorm (the largest gradient norm)", positive=True)
    if name == "rmsprop":
        for key, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if value is not None:
                raise ValueError(
                    f"{key} is Adam's setting, which RMSprop ignores (got {key}={value!r}): drop it, "
                    "or use optimizer='adam'"
                )
        return keras.optimizers.RMSprop(lr, **extra)
    for key, value, example in (("beta_1", beta_1, "0.5"), ("beta_2", beta_2, "0.999")):
        if value is not None:
            value = number(value, f"{key} (Adam's moment decay)", minimum=0.0)
            if value >= 1:
                raise ValueError(
                    f"{key} (Adam's moment decay) must be a number in [0, 1), e.g. {example}, got {value:g}"
                )
            extra[key] = value
    extra.setdefault("beta_1", _DEFAULT_BETA_1)
    return keras.optimizers.Adam(lr, **extra)


def default_optimizer(lr=DEFAULT_LR, beta_1: float = _DEFAULT_BETA_1, **kwargs) -> keras.optimizers.Adam:
    """The course's optimizer: ``keras.optimizers.Adam(lr, beta_1=beta_1)``, by default Adam(2e-4, 0.5).

    One place for the default, so every lesson and module means the same thing by it. ``lr`` may be a
    number or a Keras learning-rate schedule; ``beta_2`` and ``clipnorm`` may be given as keywords
    (``make_optimizer``). Introduced in lesson 02.
    """
    return make_optimizer("adam", lr, beta_1, **kwargs)


def build_optimizers(generator, discriminator, g_optimizer, d_optimizer) -> None:
    """Create both optimizers' state for their network's variables, outside any ``tf.function``.

    Keras optimizers create their slots on first use; inside a ``tf.function`` that would create
    variables while tracing, which TensorFlow refuses. Introduced in lesson 02.
    """
    for name, opt, net in (("g_optimizer", g_optimizer, generator), ("d_optimizer", d_optimizer, discriminator)):
        _model(net, "generator" if name == "g_optimizer" else "discriminator")
        if not isinstance(opt, keras.optimizers.Optimizer):
            raise ValueError(f"{name} must be a Keras optimizer such as training.default_optimizer(), got {opt!r}")
        if not opt.built:
            opt.build(net.trainable_variables)


# ------------------------------------------------------------------- a pair's inputs


@dataclass(frozen=True)
class PairSpec:
    """What ``check_gan_pair`` found: noise width, sample shape, and the label shape of a conditional pair.

    ``label_shape`` is ``None`` for an unconditional pair (G takes z, D takes x); for a conditional
    one it is the shape of one label as both networks take it, e.g. ``(1,)`` for an integer class
    index or ``(10,)`` for a one-hot vector. ``n_classes`` is how many class indices the networks can
    look up (the rows of the ``Embedding`` layers that read the label input; lesson 07), None when no
    embedding reads it. Introduced in lesson 03.
    """

    z_dim: int
    sample_shape: tuple
    label_shape: tuple | None = None
    label_dtype: str | None = None
    n_classes: int | None = None

    @property
    def conditional(self) -> bool:
        return self.label_shape is not None


def _inputs(model, role: str, first: str):
    inputs = list(model.inputs or [])
    if len(inputs) not in (1, 2):
        raise ValueError(
            f"the {role} must take {first} (one input) or [{first}, labels] (two inputs, a conditional GAN); "
            f"it takes {len(inputs)} inputs"
        )
    return inputs


def generator_inputs(generator) -> tuple[int, tuple | None]:
    """(z_dim, label_shape) of a generator: label_shape is None when it takes noise only. Introduced in lesson 03."""
    if not isinstance(generator, keras.Model) or not getattr(generator, "inputs", None):
        raise ValueError(
            f"the generator must be a built keras.Model with a keras.Input, got {type(generator).__name__}"
        )
    inputs = _inputs(generator, "generator", "noise z")
    z_shape = tuple(inputs[0].shape[1:])
    if len(z_shape) != 1 or z_shape[0] is None:
        raise ValueError(f"the generator's first input must be noise of shape (batch, z_dim), got (batch, *{z_shape})")
    return int(z_shape[0]), (tuple(inputs[1].shape[1:]) if len(inputs) == 2 else None)


def _label_rows(net) -> list[int]:
    """Rows of every ``Embedding`` layer that reads ``net``'s label input (its second input) directly."""
    label = net.inputs[1]
    return [
        layer.input_dim for layer in net.layers if isinstance(layer, keras.layers.Embedding) and layer.input is label
    ]


def check_gan_pair(generator, discriminator, data_shape=None) -> PairSpec:
    """Check that G and D fit together (and the data, if ``data_shape`` is given); return a ``PairSpec``.

    Unconditional: G maps z (batch, z_dim) to samples, D maps samples to one output per sample.
    Conditional: G takes ``[z, y]`` and D takes ``[x, y]``, with the same label shape in both.
    Each error names the input that is wrong and what to build instead. Introduced in lesson 02.
    """
    for role, net in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(net, keras.Model) or not getattr(net, "inputs", None):
            raise ValueError(f"the {role} must be a built keras.Model with a keras.Input, got {type(net).__name__}")
    g_inputs = _inputs(generator, "generator", "noise z")
    d_inputs = _inputs(discriminator, "discriminator", "samples x")
    if len(g_inputs) != len(d_inputs):
        which = "generator" if len(g_inputs) == 2 else "discriminator"
        raise ValueError(
            f"only the {which} takes labels ({len(g_inputs)} generator input(s), {len(d_inputs)} discriminator "
            "input(s)): a conditional GAN gives labels to both networks ([z, y] and [x, y]), an unconditional one "
            "to neither"
        )
    z_dim, _ = generator_inputs(generator)
    label_shape = label_dtype = n_classes = None
    if len(g_inputs) == 2:
        label_shape = tuple(g_inputs[1].shape[1:])
        d_label_shape = tuple(d_inputs[1].shape[1:])
        if label_shape != d_label_shape:
            raise ValueError(
                f"the generator's label input has shape {label_shape} but the discriminator's has {d_label_shape}: "
                "give both the same labels (e.g. keras.Input((1,), dtype='int32') for class indices)"
            )
        label_dtype = str(g_inputs[1].dtype)
        rows = _label_rows(generator) + _label_rows(discriminator)
        n_classes = min(rows) if rows else None
    out = tuple(generator.outputs[0].shape[1:])
    d_in = tuple(d_inputs[0].shape[1:])
    if out != d_in:
        raise ValueError(
            f"the generator makes samples of shape {out} but the discriminator's sample input has shape {d_in}: "
            "build both for the same sample shape"
        )
    if data_shape is not None and out != tuple(data_shape):
        raise ValueError(
            f"the generator makes samples of shape {out} but the data has shape {tuple(data_shape)}: "
            "build the generator for the data's shape (e.g. image_shape=data.shape[1:])"
        )
    d_out = tuple(discriminator.outputs[0].shape[1:])
    if d_out != (1,):
        raise ValueError(f"the discriminator must output one logit per sample, shape (batch, 1); got {d_out}")
    return PairSpec(z_dim, out, label_shape, label_dtype, n_classes)


def split_batch(batch):
    """A batch as ``(x, y)``: ``x`` or ``(x,)`` gives ``(x, None)``, ``(x, y)`` gives ``(x, y)``.

    Keras ``fit`` hands ``train_step`` a tensor or a tuple; a conditional batch carries its labels
    second. Introduced in lesson 03.
    """
    if batch is None or isinstance(batch, (str, bytes)):
        raise TypeError(f"batch must be samples x, (x,) or (x, y), got {type(batch).__name__}")
    if isinstance(batch, (tuple, list)):
        if len(batch) == 1 or (len(batch) >= 2 and batch[1] is None):
            return batch[0], None
        if len(batch) >= 2:
            return batch[0], batch[1]
    return batch, None


def _with_labels(inputs, labels):
    return inputs if labels is None else [inputs, labels]


def generate(generator, z, labels=None, training: bool = False, batch_size: int | None = None):
    """Samples G(z), or G([z, y]) for a conditional generator; the one place that calls G with labels.

    Without ``batch_size`` it returns G's output tensor (what a training step needs). With
    ``batch_size`` (e.g. 500) G runs on that many rows of ``z`` (and ``labels``) at a time and the
    samples come back as one NumPy array: the way to draw the thousands of images a FID needs
    without holding every activation at once. Introduced in lesson 03.
    """
    if not tf.is_tensor(z) or tf.executing_eagerly():  # arguments checked once, never inside a traced step
        z, labels = _generate_args(generator, z, labels, training)
    if batch_size is None:
        return generator(_with_labels(z, labels), training=training)
    batch_size = integer(batch_size, "batch_size", 1)
    parts = []
    for start in range(0, len(z), batch_size):
        part = slice(start, start + batch_size)
        y = None if labels is None else labels[part]
        parts.append(np.asarray(generator(_with_labels(z[part], y), training=training)))
    return np.concatenate(parts)


def _generate_args(generator, z, labels, training):
    """``generate``'s checks: a generator, noise (n, z_dim) of finite numbers, labels exactly when it takes them."""
    z_dim, label_shape = generator_inputs(_model(generator, "generator"))
    if not isinstance(training, (bool, np.bool_)) and not tf.is_tensor(training):
        raise ValueError(f"training must be True or False, got {training!r}")
    arr = _array(z, "z")
    if arr.dtype.kind not in "iuf" or arr.ndim != 2 or arr.shape[1] != z_dim:
        raise ValueError(
            f"z must be noise of shape (n, {z_dim}) (the generator's z_dim) as numbers, got {arr.shape} {arr.dtype}: "
            "e.g. np.random.default_rng(0).normal(size=(n, z_dim))"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("z contains NaN or Inf: draw finite noise, e.g. rng.normal(size=(n, z_dim))")
    if (labels is None) != (label_shape is None):
        raise ValueError(
            "labels: this generator is conditional, so give labels= (one class index per row of z)"
            if labels is None
            else "labels= were given but this generator takes no labels: leave labels out"
        )
    if labels is not None and (not tf.is_tensor(labels) or tf.executing_eagerly()):
        y = _array(labels, "labels")
        if len(y) != len(arr):
            raise ValueError(f"labels: give one per row of z ({len(arr)}), got {len(y)}")
        rows = _label_rows(generator)
        if y.dtype.kind in "iuf" and rows and (np.any(y < 0) or np.any(y >= min(rows))):
            raise ValueError(f"labels must be class indices in [0, {min(rows)}), got values in [{y.min()}, {y.max()}]")
    return (z if tf.is_tensor(z) else arr.astype(np.float32)), labels


def _labels_for(spec: PairSpec, labels, n):
    """Labels reshaped to (n, *label_shape) for a conditional pair; None for an unconditional one."""
    if spec.label_shape is None:
        return None
    labels = tf.convert_to_tensor(labels)
    if labels.dtype != tf.as_dtype(spec.label_dtype):
        labels = tf.cast(labels, spec.label_dtype)
    return tf.reshape(labels, (n, *spec.label_shape))


def gan_step(generator, discriminator, d_optimizer, g_optimizer, rng, z_dim, batch, loss, d_steps=1):
    """One GAN step on a batch: ``d_steps`` D steps, then a G step.

    ``batch`` is the real samples ``x``, ``(x,)``, or ``(x, y)`` for a conditional pair, whose
    generator takes ``[z, y]`` and discriminator ``[x, y]``; fakes are made for the same labels y,
    so D sees real and fake samples of the same classes.

    D learns to score real samples high and fakes low; then G learns to make D score fresh fakes
    high. Each tape differentiates only its own network's variables, so the G step never changes
    D (the bug of the combined-model recipe, lesson 02). ``loss`` is a ``losses.GANLoss``: it
    gives both losses, an optional penalty on D, and how D's output is read for the reported
    ``d_real`` / ``d_fake`` (a probability for BCE losses, a raw score for a Wasserstein critic),
    and an optional constraint applied to D after each of its updates (WGAN's weight clipping).
    Each D step draws fresh fakes against the same real batch. Returns d_loss, g_loss, d_real and
    d_fake of the last D step.

    Under a ``tf.distribute`` strategy (lesson 10) the step runs once per replica on its share of
    the global batch: the noise is that share's rows of the global batch's draw (``draw_noise``),
    each loss is divided by the number of replicas before its gradient (``scale_for_replicas``,
    Keras' rule for its own losses), and the values returned are the replica's own, unscaled. With
    mixed precision, D's outputs are cast to float32 before any loss, and each loss passes through
    its optimizer's ``scale_loss`` (a ``keras.optimizers.LossScaleOptimizer``'s dynamic scale for
    float16; the plain optimizers leave it as it is), as Keras' own ``train_step`` does.
    Introduced in lesson 02.
    """
    if not isinstance(loss, GANLoss):  # Python checks: they run once, when the step is traced
        raise TypeError(f"loss must be a losses.GANLoss, got {loss!r}: use losses.get_loss(name)")
    d_steps = integer(d_steps, "d_steps (D steps per G step)", 1)
    if generator_inputs(generator)[0] != z_dim:
        raise ValueError(f"z_dim must be the generator's noise width {generator_inputs(generator)[0]}, got {z_dim!r}")
    real, labels = split_batch(batch)
    n = tf.shape(real)[0]
    for _ in range(d_steps):
        fake = generate(generator, draw_noise(rng, n, z_dim), labels, training=True)
        with tf.GradientTape() as tape:
            real_out = _float32(discriminator(_with_labels(real, labels), training=True))
            fake_out = _float32(discriminator(_with_labels(fake, labels), training=True))
            d_loss = loss.discriminator(real_out, fake_out)
            if loss.penalty is not None:
                d_loss += _float32(loss.penalty(discriminator, _with_labels(real, labels), _with_labels(fake, labels)))
            scaled = d_optimizer.scale_loss(scale_for_replicas(d_loss))
        grads = tape.gradient(scaled, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        if loss.constraint is not None:  # e.g. WGAN's weight clipping, after every D update
            loss.constraint(discriminator)

    with tf.GradientTape() as tape:
        fake = generate(generator, draw_noise(rng, n, z_dim), labels, training=True)
        g_loss = loss.generator(_float32(discriminator(_with_labels(fake, labels), training=True)))
        scaled = g_optimizer.scale_loss(scale_for_replicas(g_loss))
    grads = tape.gradient(scaled, generator.trainable_variables)
    g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return {
        "d_loss": d_loss,
        "g_loss": g_loss,
        "d_real": tf.reduce_mean(loss.read(real_out)),
        "d_fake": tf.reduce_mean(loss.read(fake_out)),
    }


# ------------------------------------------------------------------- replicas and precision (lesson 10)


def _float32(x):
    """``x`` as float32: D's outputs and the losses stay float32 under a mixed-precision policy."""
    dtype = getattr(x, "dtype", None)  # a penalty may return a Python number
    return x if dtype is None or dtype == tf.float32 else tf.cast(x, tf.float32)


def _replicas_in_sync() -> int:
    """How many replicas take part in the running step: 1 outside a ``tf.distribute`` strategy.

    Inside ``strategy.run`` (where Keras' ``fit`` calls ``train_step``) it is the replica context's
    count, across all worker processes of a ``MultiWorkerMirroredStrategy``. Introduced in lesson 10.
    """
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context: inside strategy.scope() but outside strategy.run
        return tf.distribute.get_strategy().num_replicas_in_sync
    return context.num_replicas_in_sync


def scale_for_replicas(loss):
    """A replica's loss divided by the number of replicas, so that summed gradients are the global batch's.

    Under a strategy each replica computes its loss as a mean over its own share of the global batch,
    and the Keras optimizer adds the replicas' gradients together (an all-reduce SUM) before it
    updates the mirrored weights. Dividing each replica's loss by the number of replicas R turns that
    sum into the mean of the replicas' gradients: the gradient of the loss over the whole global
    batch, as one device would compute it. Keras 3 does exactly this to its built-in losses
    (``scale_loss_for_distribution`` in ``keras/src/losses/loss.py``, which is not in Keras' public
    API) and reports the unscaled values, as ``gan_step`` does. Without it the summed gradient is R
    times too large: with SGD that is an R times larger learning rate; Adam and RMSprop divide by
    the gradients' own size, so they would hardly notice (only through their epsilon), which is why
    a test needs tight tolerances to see it. Outside a strategy (R = 1) the loss is returned as it
    is. Introduced in lesson 10.
    """
    if not tf.is_tensor(loss):
        number(loss, "loss")
    replicas = _replicas_in_sync()
    if replicas == 1:
        return loss
    return loss * tf.cast(1.0 / replicas, loss.dtype)


def draw_noise(rng, n, z_dim):
    """Noise z (n, z_dim) from ``rng`` (a ``tf.random.Generator``) for the running step's n samples.

    Outside a strategy this is ``rng.normal((n, z_dim))``. Inside ``strategy.run`` with R replicas,
    n is the replica's share of the global batch: the R·n rows of the global batch are drawn once,
    as one device would draw them, and replica i takes rows i·n to (i + 1)·n. So replicas never
    share a z, and a run on R devices draws exactly the noise of a run on one device with the same
    global batch (lesson 10 checks that the two give the same losses and weights).

    TensorFlow's own way would be to call ``rng`` in each replica: a generator created in
    ``strategy.scope()`` then folds the replica's id into its key, which gives every replica an
    independent stream but none of them the one-device stream, so a run on two devices could only
    be compared with one device statistically (tests/test_distribute.py shows the streams differ).
    Here the global draw is made once per worker in cross-replica context
    (``ReplicaContext.merge_call``, where the generator folds nothing in) and sliced.
    Introduced in lesson 10.
    """
    if not isinstance(rng, tf.random.Generator):
        raise TypeError(f"rng must be a tf.random.Generator, e.g. tf.random.Generator.from_seed(0), got {rng!r}")
    if not tf.is_tensor(n):
        n = integer(n, "n", 1)
    z_dim = integer(z_dim, "z_dim", 1)
    context = tf.distribute.get_replica_context()
    if not tf.distribute.has_strategy() or context is None:
        return rng.normal((n, z_dim))
    n = tf.cast(n, tf.int32)
    everyone = context.merge_call(lambda _: rng.normal((n * context.num_replicas_in_sync, z_dim)))
    start = tf.cast(context.replica_id_in_sync_group, tf.int32) * n
    return everyone[start : start + n]


@dataclass
class History:
    """Per-step training metrics (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``) and the loss they come from.

    ``loss`` (a ``losses.GANLoss``) tells the plots how to read the numbers. Introduced in lesson 02.
    """

    steps: dict = field(default_factory=lambda: {k: [] for k in METRICS})
    steps_per_epoch: int = 0
    seconds: float = 0.0
    loss: GANLoss | None = None

    def __getitem__(self, key):
        return np.asarray(self.steps[key], dtype=np.float64)

    def epoch_means(self, key) -> np.ndarray:
        """The metric averaged over each epoch."""
        values = self[key]
        n = self.steps_per_epoch
        return values[: len(values) // n * n].reshape(-1, n).mean(axis=1)

    @property
    def epochs(self) -> int:
        return len(self.steps["d_loss"]) // max(self.steps_per_epoch, 1)


def train(
    generator,
    discriminator,
    data,
    epochs: int,
    batch_size: int,
    lr: float = DEFAULT_LR,
    beta_1: float = _DEFAULT_BETA_1,
    loss="non_saturating",
    d_steps: int = 1,
    labels=None,
    seed: int = 0,
    d_optimizer=None,
    g_optimizer=None,
    callbacks=(),
    verbose: bool = True,
) -> History:
    """Train a GAN with the loop of lesson 02 and return its per-step ``History``.

    ``data`` is images (N, H, W, C) in [-1, 1] or points (N, d); ``labels`` (N,) or (N, *label_shape)
    for a conditional pair. ``loss`` is a ``losses.GANLoss`` or its name; ``d_steps`` D steps are
    taken per G step. Both networks use ``default_optimizer(lr, beta_1)`` unless optimizers are
    given. Noise comes from ``tf.random.Generator.from_seed(seed)`` and the data are shuffled with
    ``seed``, so a run is repeatable after ``setup(seed)``. Each callback is called as
    ``callback(epoch, history)`` after every epoch (epochs count from 1). Introduced in lesson 02.
    """
    epochs = integer(epochs, "epochs", 1)
    d_steps = integer(d_steps, "d_steps (D steps per G step)", 1)
    seed = integer(seed, "seed", 0)
    gan_loss = get_loss(loss)
    if d_optimizer is None or g_optimizer is None:
        default_optimizer(lr, beta_1)  # checks lr and beta_1 before anything is built
    if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, (list, tuple)):
        raise ValueError(f"callbacks must be a list of functions (epoch, history), got {callbacks!r}")
    for cb in callbacks:
        if not callable(cb):
            raise ValueError(f"each of callbacks must be a function (epoch, history), got {cb!r}")
    data = check_training_data(data, "data")
    spec = check_gan_pair(generator, discriminator, data.shape[1:])
    if spec.conditional != (labels is not None):
        raise ValueError(
            "the networks take labels but no labels= were given"
            if spec.conditional
            else "labels= were given but the networks take no labels: build a conditional pair or drop labels"
        )
    dataset = make_dataset(data, batch_size, shuffle=True, seed=seed, labels=labels)
    d_optimizer = d_optimizer or default_optimizer(lr, beta_1)
    g_optimizer = g_optimizer or default_optimizer(lr, beta_1)
    if d_optimizer is g_optimizer:
        raise ValueError(
            "d_optimizer and g_optimizer are the same object: give each network its own optimizer "
            "(its own moment estimates), e.g. training.default_optimizer() twice"
        )
    build_optimizers(generator, discriminator, g_optimizer, d_optimizer)
    rng = tf.random.Generator.from_seed(seed)

    @tf.function
    def step(batch):
        real, y = split_batch(batch)
        y = _labels_for(spec, y, tf.shape(real)[0]) if y is not None else None
        return gan_step(
            generator, discriminator, d_optimizer, g_optimizer, rng, spec.z_dim, (real, y), gan_loss, d_steps
        )

    # A whole epoch runs in one call, its steps in a loop inside the graph: one host sync per epoch
    # instead of four per step (plus Python's per-batch work). The same steps in the same order, so
    # the same losses and weights as a Python loop over the batches (tests/test_training.py);
    # benchmarks/step_profile.py --train measures what it buys.
    @tf.function
    def run_epoch(iterator, steps):
        arrays = {key: tf.TensorArray(tf.float32, size=steps) for key in METRICS}
        for i in tf.range(steps):
            values = step(next(iterator))
            arrays = {key: arrays[key].write(i, tf.cast(values[key], tf.float32)) for key in METRICS}
        return {key: array.stack() for key, array in arrays.items()}

    history = History(steps_per_epoch=len(data) // batch_size, loss=gan_loss)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        values = run_epoch(iter(dataset), tf.constant(int(history.steps_per_epoch), tf.int32))
        for key in METRICS:
            history.steps[key].extend(values[key].numpy().tolist())
        history.seconds = time.perf_counter() - start
        if verbose:
            n = history.steps_per_epoch
            means = {k: np.mean(history.steps[k][-n:]) for k in METRICS}
            print(
                f"epoch {epoch:>3}/{epochs}  d_loss {means['d_loss']:.3f}  g_loss {means['g_loss']:.3f}  "
                f"D(x) {means['d_real']:.2f}  D(G(z)) {means['d_fake']:.2f}  "
                f"({time.perf_counter() - epoch_start:.1f} s)"
            )
        for callback in callbacks:
            callback(epoch, history)
    return history
