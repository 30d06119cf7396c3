"""Speed measurements: training throughput of a compiled ``GAN``, models trained in alternating slices, and
what this machine offers (its CPU's bfloat16 instructions, its GPUs, the mixed precision that suits them).

Lesson 06 introduces ``race``: the turns of its ten-minute benchmark, and ``stability.compare_on_images(seconds=...)``.

Used in lessons 03, 07, 09 and 10.
"""

from __future__ import annotations

import platform
import re
import time
from pathlib import Path

import keras
import numpy as np

from gan_course._checks import integer, path
from gan_course.arrays import check_images
from gan_course.data import make_dataset


def _compiled_gan(gan, name: str) -> None:
    from gan_course.gan import GAN

    if not isinstance(gan, GAN) or not hasattr(gan, "gan_loss"):
        raise TypeError(f"{name} must be a compiled gan_course GAN (gan.build_gan(G, D)), got {type(gan).__name__}")


def measure_throughput(gan, images, batch_size: int = 128, steps: int = 30) -> float:
    """Training images per second of a compiled ``GAN`` on ``images``, after a short warm-up.

    Trains ``gan`` (so use a throwaway model) for 3 untimed steps, which absorb tracing, then
    ``steps`` timed steps, and divides the images of the steps that actually ran by the time.
    Introduced in lesson 03.
    """
    batch_size, steps = integer(batch_size, "batch_size", 1), integer(steps, "steps", 1)
    _compiled_gan(gan, "gan")
    sample_shape = tuple(gan.spec.sample_shape)
    if np.ndim(images) != 1 + len(sample_shape):
        raise ValueError(f"images must be samples of shape (N, *{sample_shape}) for this GAN, got {np.shape(images)}")
    if len(sample_shape) == 3:
        images = check_images(images, "images", shape=sample_shape)
    need = batch_size * (steps + 3)
    if len(images) < need:
        raise ValueError(
            f"measure_throughput needs batch_size × (steps + 3) = {need} images for {steps} timed steps, "
            f"got {len(images)}: pass more images or fewer steps"
        )
    dataset = make_dataset(images[:need], batch_size, seed=0, shuffle=False)
    gan.fit(dataset.take(3), epochs=1, verbose=0)
    counter = _StepCounter()
    start = time.perf_counter()
    gan.fit(dataset.skip(3), epochs=1, verbose=0, callbacks=[counter])
    seconds = time.perf_counter() - start
    if counter.steps != steps:
        raise RuntimeError(f"expected {steps} timed steps, {counter.steps} ran")
    return batch_size * counter.steps / seconds


class _StepCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps = batch + 1  # Keras passes the last step of the call: several with steps_per_execution


def race(
    gans: dict,
    data,
    seconds: float,
    slice_seconds: float = 20.0,
    batch_size: int = 128,
    seed: int = 0,
    labels=None,
    after_slice=None,
):
    """Train several compiled ``GAN``s for ``seconds`` each, in alternating slices of ``slice_seconds``.

    This machine's speed can change two- or threefold from one ten-minute block to the next, so a
    model trained after another may see another machine. Taking turns in short slices makes a change
    of speed hit every model alike. Each model keeps its weights, optimizer state and data iterator
    between its turns: a turn calls Keras' own compiled step (``make_train_function``, what ``fit``
    calls once per batch) on the model's iterator until the slice's time is up, so no turn pays for a
    new ``fit`` or a refilled shuffle buffer. Each model's first step, which traces its step
    function, runs before the clock starts; a GAN compiled with Keras' ``steps_per_execution`` takes
    that many steps per call, and ``steps`` counts them all. ``data`` is the images (N, H, W, C) in [-1, 1], or a dict
    with one array per model; ``batch_size`` an integer, or a dict with one per model.

    Conditional GANs (lesson 07) need ``labels``: one array, the labels of ``data`` (one class index
    per image), used by every conditional GAN in the race while unconditional ones train on the
    images alone; or a dict with one array per conditional model. Every model's data and labels are
    checked (``GAN.check_labels``) before any model takes a step; a conditional GAN without labels,
    or a dict entry for an unconditional one, is an error. ``after_slice(name, gan, state)`` is
    called after each of a model's turns, outside the clock, e.g. to score the model (FID, class
    fidelity) as it trains; ``state`` is a copy of that model's entry of the result so far. Returns
    ``{name: {"steps": ..., "seconds": ..., "slices": ...}}``; the GANs are trained in place.
    Introduced in lesson 06.
    """
    if not isinstance(gans, dict) or not gans:
        raise ValueError(f"gans must be a non-empty dict name -> compiled GAN, got {gans!r}")
    for name, value in (("seconds", seconds), ("slice_seconds", slice_seconds)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    if after_slice is not None and not callable(after_slice):
        raise ValueError(f"after_slice must be a function (name, gan, state), got {after_slice!r}")
    takes_labels = any(getattr(gan, "conditional", False) for gan in gans.values())
    if labels is not None and not isinstance(labels, dict) and not takes_labels:
        raise ValueError("labels= were given but none of the GANs takes labels: drop labels, or add a conditional GAN")
    datasets, iterators, steps = {}, {}, {}
    for name, gan in gans.items():  # every check before any model trains
        if not hasattr(gan, "gan_loss"):
            raise ValueError(f"GAN {name!r} is not compiled: use gan.build_gan(...) or gan.compile(...) first")
        batch = integer(batch_size[name] if isinstance(batch_size, dict) else batch_size, f"batch_size of {name!r}", 1)
        images = gan.check_data(np.asarray(data[name] if isinstance(data, dict) else data))
        datasets[name] = make_dataset(images, batch, seed=seed, labels=_labels_of(name, gan, labels, len(images)))
    for name, gan in gans.items():
        iterators[name] = iter(datasets[name].repeat())
        gan.make_train_function()
        steps[name] = gan.train_function
        steps[name](iterators[name])  # the first call traces the step: one call outside the clock, for every model
    # A call takes gan.steps_per_execution steps (1 unless compiled with Keras' steps_per_execution).
    state = {name: {"steps": gan.steps_per_execution, "seconds": 0.0, "slices": 0} for name, gan in gans.items()}
    while any(s["seconds"] < seconds for s in state.values()):
        for name, gan in gans.items():
            s = state[name]
            if s["seconds"] >= seconds:
                continue
            budget = min(slice_seconds, seconds - s["seconds"])
            start = time.perf_counter()
            while time.perf_counter() - start < budget:
                steps[name](iterators[name])
                s["steps"] += gan.steps_per_execution
            s["seconds"] += time.perf_counter() - start
            s["slices"] += 1
            if after_slice is not None:  # outside the clock
                after_slice(name, gan, dict(s))
    return state


#: CPU feature flags (Linux /proc/cpuinfo) of bfloat16 dot-product instructions: x86's AVX512-BF16 and AMX-BF16,
#: Arm's BF16.
_BF16_FLAGS = {"avx512_bf16", "amx_bf16", "bf16"}


def machine(cpuinfo: str | Path = "/proc/cpuinfo") -> dict:
    """This computer, as far as a step's speed goes: ``{"cpu": name, "bfloat16": ..., "gpus": [names]}``.

    ``"bfloat16"`` says whether the CPU has bfloat16 dot-product instructions (AVX512-BF16 or AMX-BF16 on
    x86, BF16 on Arm), read from ``cpuinfo`` (Linux); None where the system does not say. Without them a
    CPU converts bfloat16 to float32 for every product, and ``mixed_bfloat16`` can be slower than float32.
    ``"gpus"`` names the GPUs TensorFlow sees, with their compute capability. Introduced in lesson 10.
    """
    import tensorflow as tf

    cpu, bf16 = platform.processor() or platform.machine() or "unknown", None
    info = Path(path(cpuinfo, "cpuinfo"))
    if info.is_file():
        text = info.read_text(errors="replace")
        names = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
        cpu = names[0].strip() if names else cpu
        flags = set(" ".join(re.findall(r"^(?:flags|Features)\s*:\s*(.+)$", text, re.M)).split())
        bf16 = bool(flags & _BF16_FLAGS) if flags else None
    gpus = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capability = details.get("compute_capability")
        name = details.get("device_name", gpu.name)
        gpus.append(f"{name} (compute capability {capability[0]}.{capability[1]})" if capability else name)
    return {"cpu": cpu, "bfloat16": bf16, "gpus": gpus}


def mixed_policy() -> str:
    """The Keras mixed-precision policy for this machine's first device: ``"mixed_float16"`` on an NVIDIA GPU
    older than compute capability 8.0 (T4, V100: float16 arithmetic, no bfloat16; Keras' ``compile`` adds loss
    scaling), ``"mixed_bfloat16"`` on Ampere and newer GPUs (A100, L4, H100: bfloat16 has float32's range, so
    no loss scaling) and on a CPU (the only 16-bit float a CPU computes in; fast only with the instructions
    ``machine`` reports). Introduced in lesson 10.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "mixed_bfloat16"
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    return "mixed_bfloat16" if capability and capability >= (8, 0) else "mixed_float16"


def _labels_of(name, gan, labels, n):
    """The labels ``race`` feeds to GAN ``name`` (None for an unconditional one), checked before training."""
    own = labels.get(name) if isinstance(labels, dict) else labels
    if not gan.conditional:
        if isinstance(labels, dict) and own is not None:
            raise ValueError(f"labels[{name!r}] was given but GAN {name!r} takes no labels: drop that entry")
        return None
    if own is None:
        raise ValueError(
            f"GAN {name!r} is conditional (its networks take [z, y] and [x, y]): give race(..., labels=...), "
            "the class index of every image"
        )
    return gan.check_labels(own, n)
