"""Seed DCGAN vs lean DCGAN: training images per second, side by side in one run.

Both train with the same loop (gan_course.gan.GAN, fit), the same data and batch size.
Timings on a shared machine wander, so the two models are timed in alternating rounds and
the medians are compared. Prints images/s for each and the ratio.
Run: .venv/bin/python benchmarks/dcgan_throughput.py [--steps N] [--rounds R]
"""

import argparse
import statistics

import gan_course
from gan_course import data, models
from gan_course.benchmark import measure_throughput
from gan_course.gan import GAN


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed training steps per model and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (seed, lean, seed, ...)")
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    images = data.load_images("fashion_mnist", "train", verbose=False).images
    gans = {}
    for name, (build_g, build_d) in models.DCGANS.items():
        gan_course.setup(0, verbose=False)
        gans[name] = GAN(build_g(100, images.shape[1:]), build_d(images.shape[1:]))
        gans[name].compile()
    rates = {name: [] for name in models.DCGANS}
    for _ in range(args.rounds):
        for name, gan in gans.items():
            rates[name].append(measure_throughput(gan, images, args.batch_size, args.steps))
    print(f"batch {args.batch_size}, {args.rounds} rounds of {args.steps} timed steps, Fashion-MNIST 28x28x1")
    for name, values in rates.items():
        med = statistics.median(values)
        print(
            f"{name} DCGAN: median {med:7.1f} images/s ({60000 / med / 60:4.1f} min per epoch); "
            f"rounds: {', '.join(f'{v:.0f}' for v in values)}"
        )
    print(f"ratio lean / seed (medians): {statistics.median(rates['lean']) / statistics.median(rates['seed']):.2f}x")


if __name__ == "__main__":
    main()
