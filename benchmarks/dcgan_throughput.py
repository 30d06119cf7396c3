"""Seed DCGAN vs lean DCGAN: training images per second, side by side in one run.

Both train with the same loop (gan_course.gan.GAN, fit), the same data and batch size, for
the same number of steps after a warm-up epoch that absorbs tracing. Prints images/s for
each and the ratio. Run: .venv/bin/python benchmarks/dcgan_throughput.py [--steps N]
"""

import argparse
import time

import numpy as np

import gan_course
from gan_course import data, models
from gan_course.gan import GAN


def images_per_second(build_g, build_d, images, batch_size, steps, z_dim=100):
    gan_course.setup(0, verbose=False)
    gan = GAN(build_g(z_dim, images.shape[1:]), build_d(images.shape[1:]))
    gan.compile()
    dataset = data.make_dataset(images[: batch_size * steps], batch_size, seed=0)
    gan.fit(dataset.take(3), epochs=1, verbose=0)  # trace and warm up
    start = time.perf_counter()
    gan.fit(dataset, epochs=1, verbose=0)
    return batch_size * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="timed training steps per model")
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    images = data.load_images("fashion_mnist", "train", verbose=False).images
    seed = images_per_second(models.dcgan_seed_generator, models.dcgan_seed_discriminator,
                             images, args.batch_size, args.steps)  # fmt: skip
    lean = images_per_second(models.dcgan_lean_generator, models.dcgan_lean_discriminator,
                             images, args.batch_size, args.steps)  # fmt: skip
    print(f"batch {args.batch_size}, {args.steps} timed steps each, Fashion-MNIST 28x28x1")
    print(f"seed DCGAN: {seed:8.1f} images/s  ({len(images) / seed / 60:5.1f} min per 60k-image epoch)")
    print(f"lean DCGAN: {lean:8.1f} images/s  ({len(images) / lean / 60:5.1f} min per 60k-image epoch)")
    print(f"ratio lean / seed: {lean / seed:.2f}x")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
