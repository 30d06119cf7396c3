"""Mode collapse on images, over seeds: lesson 04's second epoch with lesson 03's learning rates or a slowed D.

For every seed, lesson 03's lean DCGAN trains one epoch on Fashion-MNIST (Adam 2e-4, beta_1 0.5),
then two copies of it train one more epoch: "healthy" with the same learning rates, "collapsed"
with D's learning rate 1e-5 and G's 2e-3 (``collapse._IMAGE_SECOND_EPOCH``). The course's domain
classifier reads 5 000 samples of each; a run counts as collapsed when at most 4 of the 10
classes get 1 % of its samples or more (real images: all 10, 8-12 % each). Prints one line per
run and the count over seeds; writes a CSV (default: the result lesson 04 shows, read with
``collapse.image_results()``). About 2 minutes per seed on a 2-core CPU.

Run: .venv/bin/python benchmarks/image_collapse.py [--seeds 0 1 2 3 4] [--out FILE]
"""

import argparse

import gan_course
from gan_course import collapse, data, experiments, features

COLLAPSED_AT = 4  # at most this many classes with >= 1 % of the samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--out", default=collapse._IMAGE_RESULTS_CSV, help="the CSV to write (default: lesson 04's)")
    args = parser.parse_args()
    gan_course.setup(0, verbose=False)
    train = data.load_images("fashion_mnist", verbose=False)
    classifier = features.load_classifier("fashion_mnist")
    rows = []
    for seed in args.seeds:
        gan_course.setup(seed, verbose=False)
        for name, r in collapse.image_trial(train.images, classifier, seed=seed).items():
            largest = train.class_names[int(r["distribution"].shares.argmax())]
            rows.append({"run": name, "seed": seed, "classes_used": r["classes_used"], "largest_class": largest,
                         "largest_share": round(r["largest_share"], 4), "kl": round(r["kl"], 4),
                         "seconds": round(r["seconds"], 1)})  # fmt: skip
            print(f"seed {seed} {name:<12} classes used {r['classes_used']:>2}/10, largest {largest} "
                  f"{r['largest_share']:.0%}, KL {r['kl']:.2f}, {r['seconds']:.0f} s", flush=True)  # fmt: skip
    for name in dict.fromkeys(r["run"] for r in rows):
        mine = [r for r in rows if r["run"] == name]
        n = sum(r["classes_used"] <= COLLAPSED_AT for r in mine)
        print(f"{name:<12} collapsed (<= {COLLAPSED_AT} classes at >= 1 %) on {n} of {len(mine)} seeds")
    print(f"wrote {experiments.write_results(args.out, rows)}")


if __name__ == "__main__":
    main()
