"""Seed DCGAN, lean DCGAN and lesson 06's recipe after the same CPU minutes: domain FID, spread over seeds.

Every model × seed is trained on Fashion-MNIST (batch 128; the recipe uses its own batch size, 64)
with Keras' compiled train step for the same wall-clock budget (default 10 minutes each). They
take turns in short slices (default 20 s; each keeps its weights, optimizer state and data
iterator between turns), so a change of the machine's speed during the run hits every model
alike. Then the FID of N = 10 000 generated images (from each model's sampler: the moving average
of G for the recipe) against 10 000 real training images is computed in the feature space of the
course's domain classifier. Prints each run's steps and FID, each model's mean ± std over seeds,
and the ratios to the lean DCGAN; writes a CSV and each model's samples from the same noise under
outputs/benchmarks/. With ``--score-at 5`` each run is also scored when its clock passes 5 minutes
(outside the clock; one row per budget), so one run gives the FID after 5 and after 10 minutes.
The result of the command below on the course's 2-core CPU ships with the package as
gan_course/results/time_to_quality.csv (``--out gan_course/results`` writes it there and updates that
folder's SHA256SUMS in the same step); lesson 06 shows it with ``stability.benchmark_results()``, which
reads your own CSV too.

Run: .venv/bin/python benchmarks/dcgan_time_to_quality.py [--minutes M] [--seeds 0 1] [--samples N] [--score-at M ...]
"""

import argparse
import time
from pathlib import Path

import numpy as np

import gan_course
from gan_course import benchmark, data, experiments, features, metrics, models, stability, viz
from gan_course.gan import build_gan


def build(name: str, seed: int):
    gan_course.setup(seed, verbose=False)
    if name == "recipe":
        return stability.RECIPE.build(seed=seed)
    build_g, build_d = models.DCGANS[name]
    return build_gan(build_g(100), build_d(), seed=seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training budget per model and seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--models", default="seed,lean,recipe", help="comma-separated: seed, lean, recipe")
    parser.add_argument("--samples", type=int, default=10_000, help="images per side for the FID")
    parser.add_argument("--slice", type=float, default=20.0, help="seconds per turn")
    parser.add_argument("--out", type=Path, default=Path("outputs/benchmarks"))
    parser.add_argument("--score-at", type=float, nargs="*", default=[], help="also score after these minutes")
    args = parser.parse_args()
    for minutes in args.score_at:
        if not 0 < minutes < args.minutes:
            parser.error(f"--score-at {minutes:g}: each must lie between 0 and --minutes ({args.minutes:g})")
    names = args.models.split(",")
    images = data.load_images("fashion_mnist", "train", verbose=False).images
    classifier = features.load_classifier("fashion_mnist")
    real_features = classifier.features(images[np.random.default_rng(1).permutation(len(images))[: args.samples]])
    z_grid = np.random.default_rng(0).normal(size=(36, 100)).astype("float32")
    z_fid = np.random.default_rng(2).normal(size=(args.samples, 100)).astype("float32")
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"recipe: {stability.RECIPE.describe()}", flush=True)

    gans = {(name, seed): build(name, seed) for name in names for seed in args.seeds}
    start = time.perf_counter()
    keyed = {f"{name}/{seed}": gan for (name, seed), gan in gans.items()}
    batches = {f"{name}/{seed}": stability.RECIPE.batch_size if name == "recipe" else 128 for name, seed in gans}
    rows = []

    def score(key, gan, state, minutes):
        name, seed = key.split("/")
        fake = gan.sampler.predict(z_fid, batch_size=500, verbose=0)
        fid = metrics.fid_from_features(real_features, classifier.features(fake))
        suffix = "" if minutes == args.minutes else f"_{minutes:g}min"
        path = viz.save_png(gan.sampler(z_grid, training=False).numpy(), args.out / f"{name}_seed{seed}{suffix}.png", 9)
        rows.append({"model": name, "seed": int(seed), "minutes": minutes, **state, "fid": fid})
        print(
            f"{key:<10} {state['steps']:>6} steps in {state['seconds'] / 60:.1f} min, "
            f"domain FID (N = {args.samples}) {fid:.2f}; samples {path}",
            flush=True,
        )

    due = {key: sorted(args.score_at) for key in keyed}

    def after_slice(key, gan, state):  # outside the clock: score each budget of --score-at once it is passed
        while due[key] and state["seconds"] >= due[key][0] * 60 - 1e-6:
            score(key, gan, state, due[key].pop(0))

    state = benchmark.race(
        keyed, images, args.minutes * 60, slice_seconds=args.slice, batch_size=batches, after_slice=after_slice
    )
    print(f"trained {len(gans)} runs in {(time.perf_counter() - start) / 60:.1f} min, taking turns", flush=True)
    for key, gan in keyed.items():
        score(key, gan, state[key], args.minutes)
    rows.sort(key=lambda r: (names.index(r["model"]), r["minutes"], r["seed"]))

    means = {}
    for minutes in sorted({r["minutes"] for r in rows}):
        for name in names:
            fids = np.array([r["fid"] for r in rows if r["model"] == name and r["minutes"] == minutes])
            steps = [r["steps"] for r in rows if r["model"] == name and r["minutes"] == minutes]
            means[name, minutes] = fids.mean()
            print(
                f"{minutes:>4g} min {name:<7} FID {fids.mean():.2f} ± {fids.std(ddof=1) if len(fids) > 1 else 0:.2f} "
                f"(min {fids.min():.2f}, max {fids.max():.2f}) over {len(fids)} seeds; steps {steps}"
            )
    if "lean" in names:
        for name in names:
            if name != "lean":
                print(
                    f"FID ratio {name} / lean after {args.minutes:g} min: "
                    f"{means[name, args.minutes] / means['lean', args.minutes]:.2f}"
                )
        for minutes in args.score_at:
            for name in names:  # the goal of issue 26: a model's FID after fewer minutes against lean's at the end
                if name != "lean":
                    after = [r["fid"] for r in rows if r["model"] == name and r["minutes"] == minutes]
                    target = [r["fid"] for r in rows if r["model"] == "lean" and r["minutes"] == args.minutes]
                    print(
                        f"{name} after {minutes:g} min vs lean after {args.minutes:g} min: "
                        f"{'at or below' if max(after) <= np.mean(target) else 'above'} lean's mean on every seed "
                        f"({', '.join(f'{f:.2f}' for f in after)} vs {np.mean(target):.2f})"
                    )
    print(f"wrote {experiments.write_results(args.out / 'time_to_quality.csv', rows)}")


if __name__ == "__main__":
    main()
