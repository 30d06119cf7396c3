"""Seed DCGAN vs lean DCGAN after the same number of CPU minutes: domain FID and sample grids.

Trains each model with GAN.fit on Fashion-MNIST until its wall-clock budget is spent (default
10 minutes each), then computes the FID of N = 10 000 generated images against 10 000 real
training images in the feature space of the course's domain classifier, prints both and the
ratio lean / seed, and saves each model's samples from the same noise under outputs/benchmarks/.
Run: .venv/bin/python benchmarks/dcgan_time_to_quality.py [--minutes M] [--samples N]
"""

import argparse
from pathlib import Path

import numpy as np

import gan_course
from gan_course import callbacks, data, features, metrics, models, viz
from gan_course.gan import GAN


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per model")
    parser.add_argument("--samples", type=int, default=10_000, help="images per side for the FID")
    parser.add_argument("--out", type=Path, default=Path("outputs/benchmarks"))
    args = parser.parse_args()
    images = data.load_images("fashion_mnist", "train", verbose=False).images
    classifier = features.load_classifier("fashion_mnist")
    real_features = classifier.features(images[np.random.default_rng(1).permutation(len(images))[: args.samples]])
    z_grid = np.random.default_rng(0).normal(size=(36, 100)).astype("float32")
    z_fid = np.random.default_rng(2).normal(size=(args.samples, 100)).astype("float32")
    args.out.mkdir(parents=True, exist_ok=True)
    fids = {}
    for name, (build_g, build_d) in models.DCGANS.items():
        gan_course.setup(42, verbose=False)
        gan = GAN(build_g(100), build_d(), seed=42)
        gan.compile()
        budget = callbacks.TimeBudget(args.minutes * 60)
        gan.fit(data.make_dataset(images, 128, seed=42), epochs=10_000, callbacks=[budget], verbose=0)
        fake = gan.generator.predict(z_fid, batch_size=500, verbose=0)
        fids[name] = metrics.fid_from_features(real_features, classifier.features(fake))
        grid = gan.generator(z_grid, training=False).numpy()
        path = viz.save_png(grid, args.out / f"{name}_{args.minutes:g}min.png", 9)
        epochs = budget.steps * 128 / len(images)
        print(
            f"{name} DCGAN: {budget.steps} steps, {epochs:.2f} epochs in {args.minutes:g} min; "
            f"domain FID (N = {args.samples}) {fids[name]:.2f}; samples {path}",
            flush=True,
        )
    print(f"FID ratio lean / seed: {fids['lean'] / fids['seed']:.2f}")


if __name__ == "__main__":
    main()
