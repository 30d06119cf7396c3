"""``ScaledGAN``: lesson 03's ``GAN`` under a ``tf.distribute`` strategy, with mixed precision and with XLA.

The training step is ``GAN``'s (``training.gan_step`` already divides each replica's loss by the
number of replicas, draws each replica's rows of the global noise and casts D's outputs to
float32); this subclass adds what these set-ups need around it, and refuses every misuse that would
train wrongly, before the first step. ``gan.build_gan`` returns a ``ScaledGAN`` when it is built
inside a strategy's scope, from mixed-precision networks, or with ``jit_compile=True``.

No lesson imports it: lesson 10 gets a ``ScaledGAN`` from ``gan.build_gan``.
"""

from __future__ import annotations

import warnings

import keras
import tensorflow as tf

from gan_course.gan import GAN
from gan_course.training import default_optimizer


@keras.saving.register_keras_serializable(package="gan_course")
class ScaledGAN(GAN):
    """A ``GAN`` that trains under a ``tf.distribute`` strategy, with mixed precision and with XLA.

    **Under a strategy**: build the networks, the GAN and its optimizers inside
    ``with strategy.scope():`` (``gan.build_gan`` does the last two) and give ``fit`` the *global*
    batch; each of the R replicas trains on batch / R of it, so the global batch must divide by R.
    Keras runs ``train_step`` on every replica and its optimizers add the replicas' gradients;
    ``training.gan_step`` divides each replica's loss by R first (Keras' rule for its own losses)
    and gives every replica its own rows of the global batch's noise, so a run on R devices takes the
    steps that one device takes on the same global batches (to float round-off: the gradients are
    summed in another order). The reported losses are the means over the global batch. Keras takes
    one batch from a fresh pass over the data before training under a strategy (to build the model),
    so a pipeline that reshuffles on every pass (``data.make_dataset``) gives each epoch the order one
    device would see an epoch later. Gradient clipping (``clipnorm``) is refused under several
    replicas: Keras clips each replica's gradient before adding them up.

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
    it cannot run (several devices in one process). Introduced in lesson 10.
    """

    def __init__(self, generator, discriminator, seed: int = 0, d_steps: int = 1, ema=None, **kwargs):
        strategy = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        for role, net in (("generator", generator), ("discriminator", discriminator)):
            if isinstance(net, keras.Model):  # GAN.__init__ names what else it is
                _check_scope(net.weights, f"the {role}", strategy)
        super().__init__(generator, discriminator, seed=seed, d_steps=d_steps, ema=ema, **kwargs)
        #: The tf.distribute strategy whose scope the GAN was built in, None outside any.
        self.strategy = strategy
        _warn_low_precision_logits(discriminator)
        # several worker processes (MultiWorkerMirroredStrategy): replicas exist beyond this process's devices
        self._multi_worker = isinstance(self.strategy, tf.distribute.MultiWorkerMirroredStrategy) and (
            self.strategy.num_replicas_in_sync > len(self.strategy.extended.worker_devices)
        )

    @property
    def replicas(self) -> int:
        """How many replicas train the GAN: the strategy's ``num_replicas_in_sync``, 1 without one."""
        return 1 if self.strategy is None else self.strategy.num_replicas_in_sync

    def compile(self, d_optimizer=None, g_optimizer=None, loss="non_saturating", **kwargs):
        """``GAN.compile``, in the strategy's scope, with loss scaling for float16 and XLA's checks.

        ``jit_compile=True`` compiles the step with XLA (Keras' default ``"auto"`` uses XLA on a GPU
        without a strategy). A network that computes in float16 gets its optimizer wrapped in
        ``keras.optimizers.LossScaleOptimizer`` unless ``auto_scale_loss=False``, as in Keras.
        """
        current = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        if current is not self.strategy:
            raise ValueError(
                f"the GAN was built {_scope_name(self.strategy)} but compile is called {_scope_name(current)}: "
                "build the networks, the GAN and its optimizers and compile it inside the same "
                "`with strategy.scope():` block (gan.build_gan does all of it)"
            )
        d_optimizer = d_optimizer or default_optimizer()
        g_optimizer = g_optimizer or default_optimizer()
        if kwargs.get("auto_scale_loss", True) and d_optimizer is not g_optimizer:  # GAN.compile refuses one for both
            d_optimizer = self._loss_scaled(d_optimizer)
            g_optimizer = self._loss_scaled(g_optimizer)
        jit_compile = kwargs.get("jit_compile", "auto")
        problem = _xla_problem(self.replicas, self.strategy.extended.worker_devices if self.strategy else ())
        if jit_compile is True and problem:
            raise ValueError(
                f"jit_compile=True cannot train under this strategy {problem}: use jit_compile=False (or 'auto', "
                "which Keras turns off under a strategy), or XLA on one device"
            )
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
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
            super().compile(d_optimizer, g_optimizer, loss, **kwargs)
        for name, opt in (("d_optimizer", self.d_optimizer), ("g_optimizer", self.g_optimizer)):
            _check_scope(opt.variables, f"the {name}", self.strategy)
        if jit_compile is True and not self.jit_compile:
            raise ValueError(
                "Keras turned jit_compile=True off: it keeps XLA off while TensorFlow's op determinism is on "
                "(gan_course.setup turns it on when there is no GPU, so that runs repeat exactly) or when a layer "
                "cannot be compiled: for an XLA run call setup(seed, deterministic=False) before building the "
                "networks, or leave jit_compile at 'auto'"
            )

    def train_step(self, data):
        results = super().train_step(data)
        if self._multi_worker:
            # Keras 3 averages what train_step returns over the workers with strategy.reduce("MEAN", value,
            # axis=0), which fails on a scalar ("Invalid reduction dimension 0 for input with 0 dimensions",
            # tensorflow/tensorflow#72388; tests/test_distribute.py runs two workers). A value of shape (1,)
            # reduces to the same mean, as a scalar.
            results = {name: tf.reshape(value, (1,)) for name, value in results.items()}
        return results

    def fit(self, x=None, y=None, *args, **kwargs):
        """``GAN.fit``, after checking the strategy's scope, the precision and the global batch."""
        if not hasattr(self, "gan_loss"):
            raise RuntimeError("call gan.compile(...) before gan.fit(...)")
        outer = tf.distribute.get_strategy() if tf.distribute.has_strategy() else None
        if self.strategy is not None and outer is not None and outer is not self.strategy:
            raise ValueError(
                "fit is called inside another strategy's scope than the one the GAN was built in: "
                "call fit inside the GAN's own `with strategy.scope():` block, or outside any"
            )
        self._check_precision()
        if isinstance(x, tf.data.Dataset):
            self._check_global_batch(x.element_spec)
        elif x is not None:
            batch_size = kwargs.get("batch_size") or 32  # Keras' default
            if not isinstance(batch_size, bool) and isinstance(batch_size, int) and batch_size > 0:
                self._check_global_batch(None, batch_size, len(x))
        return super().fit(x, y, *args, **kwargs)

    def _check_global_batch(self, spec, batch_size=None, n=None):
        """Refuse global batches that the strategy's replicas cannot split evenly."""
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

    def _loss_scaled(self, optimizer):
        """``optimizer`` wrapped in Keras' ``LossScaleOptimizer`` when the networks compute in float16.

        float16 gradients underflow to 0 below about 6e-8; the wrapper multiplies the loss by a large
        dynamic factor before the gradient (``scale_loss``) and divides the gradients by it, skipping
        steps whose gradients overflow. Keras' own ``compile`` does the same for a mixed_float16 model.
        """
        if not isinstance(optimizer, keras.optimizers.Optimizer) or isinstance(
            optimizer, keras.optimizers.LossScaleOptimizer
        ):
            return optimizer  # refused by build_optimizers
        if "float16" in self.compute_dtypes:
            return keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    def _check_precision(self):
        """Refuse float16 networks that would train on a CPU."""
        if "float16" not in self.compute_dtypes:
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


def _scope_name(strategy) -> str:
    return "outside any tf.distribute strategy" if strategy is None else f"inside a {type(strategy).__name__}'s scope"


def _check_scope(variables, what: str, strategy) -> None:
    """Refuse ``variables`` made in another strategy's scope than ``strategy`` (None: no strategy)."""
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


def _warn_low_precision_logits(discriminator) -> None:
    dtype = str(discriminator.outputs[0].dtype)
    if dtype != "float32":
        warnings.warn(
            f"the discriminator's output (its logit) is computed in {dtype}: the step casts it to float32 before "
            "every loss, but it has already lost precision; give D's last layer dtype='float32' "
            "(Keras' mixed-precision advice; the course's discriminators do)",
            stacklevel=3,
        )
