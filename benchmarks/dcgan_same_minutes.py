"""Seed DCGAN vs lean DCGAN after the same number of CPU minutes: sample grids side by side.

Trains each model with GAN.fit on Fashion-MNIST until its wall-clock budget is spent, then
draws the same 36 noise vectors through both generators and saves one PNG per model under
outputs/benchmarks/. Judge by eye; lesson 05's FID puts a number on it.
Run: .venv/bin/python benchmarks/dcgan_same_minutes.py [--minutes M]
"""

import argparse
import time
from pathlib import Path

import keras
import numpy as np

import gan_course
from gan_course import data, models, viz
from gan_course.gan import GAN


class Budget(keras.callbacks.Callback):
    """Stop training once ``seconds`` of wall-clock time have passed; count the steps."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds, self.steps = seconds, 0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per model")
    parser.add_argument("--out", type=Path, default=Path("outputs/benchmarks"))
    args = parser.parse_args()
    images = data.load_images("fashion_mnist", "train", verbose=False).images
    z = np.random.default_rng(0).normal(size=(36, 100)).astype("float32")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (build_g, build_d) in {
        "seed": (models.dcgan_seed_generator, models.dcgan_seed_discriminator),
        "lean": (models.dcgan_lean_generator, models.dcgan_lean_discriminator),
    }.items():
        gan_course.setup(42, verbose=False)
        gan = GAN(build_g(100), build_d(), seed=42)
        gan.compile()
        budget = Budget(args.minutes * 60)
        gan.fit(data.make_dataset(images, 128, seed=42), epochs=10_000, callbacks=[budget], verbose=0)
        path = viz.save_png(gan.generator(z, training=False).numpy(), args.out / f"{name}_{args.minutes:g}min.png", 9)
        print(f"{name} DCGAN: {budget.steps} steps, {budget.steps * 128 / len(images):.2f} epochs "
              f"in {args.minutes:g} min -> {path}")  # fmt: skip


if __name__ == "__main__":
    main()
