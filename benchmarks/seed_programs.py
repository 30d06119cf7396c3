"""The seed programs of lesson 09, fixed, trained for the same CPU minutes: domain FID over training time.

Lesson 09 races the fixed seed programs for 40 seconds each; a convolutional one takes only tens to
hundreds of steps in that time, so the lesson cannot say where, or whether, it overtakes lesson
02's MLP GAN. This benchmark trains the fixed S0 (= lesson 02's MLP GAN), S1 and S3, and lesson
03's lean DCGAN as a reference, for a longer budget (default 10 minutes each), in alternating
slices (``benchmark.race``: a change of the machine's speed hits every model alike), and scores
each model after every slice by FID on the same noise, against real test images, in the features
of the course's classifier (as lesson 09 does, with N_EVAL = 2 000). Writes one CSV row per model,
seed and slice (seconds of training, steps, FID) to gan_course/results/seed_programs.csv, the result
that ships with the course and that lesson 09 shows (``seeds.benchmark_results``); --out writes
elsewhere.

Run: .venv/bin/python benchmarks/seed_programs.py [--minutes M] [--seeds 0] [--slice S] [--out PATH]
"""

import argparse
import time

import numpy as np

import gan_course
from gan_course import benchmark, data, experiments, features, metrics, models, seeds
from gan_course.gan import build_gan
from gan_course.training import generate

Z_DIM = 100
N_EVAL = 2000
PROGRAMS = {  # name: (builder(seed), batch size), as in lesson 09's section 6
    "S0 fixed = lesson 02 MLP": (lambda seed: seeds.s0_fixed(Z_DIM, seed=seed), 128),
    "S1 fixed": (lambda seed: seeds.s1_fixed(Z_DIM, seed=seed), 128),
    "S3 fixed": (lambda seed: seeds.s3_fixed(seed=seed), 100),
    "lean DCGAN (lesson 03)": (
        lambda seed: build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), seed=seed),
        128,
    ),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per program and seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--slice", type=float, default=30.0, help="seconds per turn; FID is scored after each")
    parser.add_argument("--out", default=seeds._BENCHMARK_CSV, help="the CSV to write (default: lesson 09's)")
    args = parser.parse_args()
    if not args.minutes > 0 or not args.slice > 0:
        parser.error("--minutes and --slice must be positive")

    gan_course.setup(0)
    train = data.load_images("fashion_mnist", "train")
    test = data.load_images("fashion_mnist", "test")
    classifier = features.load_classifier("fashion_mnist")
    real = classifier.features(test.images[np.random.default_rng(1).permutation(len(test.images))[:N_EVAL]])
    eval_z = np.random.default_rng(2).normal(size=(N_EVAL, Z_DIM)).astype("float32")

    gans, batch, runs = {}, {}, {}
    for name, (build, batch_size) in PROGRAMS.items():
        for seed in args.seeds:
            gan_course.setup(seed, verbose=False)
            key = f"{name}, seed {seed}"
            gans[key], batch[key], runs[key] = build(seed), batch_size, (name, seed)

    rows = []

    def score(key, gan, state):
        fid = metrics.fid_from_features(real, classifier.features(generate(gan.generator, eval_z).numpy()))
        name, seed = runs[key]
        rows.append(
            {
                "program": name,
                "seed": seed,
                "seconds": round(state["seconds"], 1),
                "steps": state["steps"],
                "fid": round(float(fid), 2),
            }
        )
        print(f"{key:<36} {state['seconds']:6.0f} s {state['steps']:>7} steps  FID {fid:6.1f}", flush=True)

    start = time.perf_counter()
    benchmark.race(gans, train.images, args.minutes * 60, slice_seconds=args.slice, batch_size=batch, after_slice=score)
    print(f"{len(gans)} runs of {args.minutes:g} min in {(time.perf_counter() - start) / 60:.0f} min of wall time")
    print(f"wrote {experiments.write_results(args.out, rows)}")


if __name__ == "__main__":
    main()
