"""Speed measurements shared by lesson 03 and benchmarks/: training throughput of a compiled ``GAN``.

Used in lesson 03 (and benchmarks/dcgan_throughput.py).
"""

from __future__ import annotations

import time

import keras

from gan_course.data import make_dataset
from gan_course.training import _int


def measure_throughput(gan, images, batch_size: int = 128, steps: int = 30) -> float:
    """Training images per second of a compiled ``GAN`` on ``images``, after a short warm-up.

    Trains ``gan`` (so use a throwaway model) for 3 untimed steps, which absorb tracing, then
    ``steps`` timed steps, and divides the images of the steps that actually ran by the time.
    Introduced in lesson 03.
    """
    batch_size, steps = _int(batch_size, "batch_size"), _int(steps, "steps")
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
        self.steps += 1
