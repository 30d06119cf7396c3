"""The course's reference curves: lessons 02, 03 and 06-08's full runs, with three seeds, scored at every point.

For each lesson and seed, ``reference.record`` trains the lesson's model at its full settings
(``reference.RUNS``) and scores it where the lesson does: after every epoch (02, 03) or every 100,
500 and 150 generator steps (06, 07, 08), with FID measured as ``reference.score`` measures it for
that lesson (and class fidelity for 07) and the losses from the training history. Rows are written
after every run, so a stopped benchmark keeps what it finished; rows of lessons and seeds not
recorded this time are kept from the file (checked as ``reference`` checks it: a damaged shipped file is refused,
and writing updates ``gan_course/results/SHA256SUMS`` with it). Default output: the curves that ship with the course
(``gan_course/results/reference_curves.csv``), which ``reference.plot`` and ``reference.compare`` read. Times on a
2-core CPU: printed per run.

Run: .venv/bin/python benchmarks/reference_curves.py [--lessons 02 03 06 07 08] [--seeds 100 101 102] [--out FILE]
"""

import argparse
import os
import time

import gan_course
from gan_course import data, experiments, features, reference


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="+", default=sorted(reference.RUNS), choices=sorted(reference.RUNS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(reference.SEEDS))
    parser.add_argument(
        "--out", default=str(reference._REFERENCE_CSV), help="the CSV to write (default: the shipped one)"
    )
    args = parser.parse_args()
    gan_course.setup(0, verbose=False)
    train = data.load_images(reference.DATASET, "train", verbose=False)
    classifier = features.load_classifier(reference.DATASET)
    kept = []
    if os.path.exists(args.out):  # read as read_results reads it: a shipped file's SHA-256 first, bad rows named
        columns = {"lesson": str, "seed": int, "point": int, "epoch": str, "steps": str}
        columns.update({m: str for m in ("fid", "fidelity", "d_loss", "g_loss")})
        kept = experiments.read_results(args.out, columns, "python benchmarks/reference_curves.py")
    done = {(lesson, seed) for lesson in args.lessons for seed in args.seeds}
    rows = [r for r in kept if (r["lesson"].zfill(2), int(r["seed"])) not in done]
    for lesson in args.lessons:
        for seed in args.seeds:
            start = time.perf_counter()
            new = reference.record(lesson, seed, classifier, train.images, train.labels)
            rows = [r for r in rows if (r["lesson"].zfill(2), int(r["seed"])) != (lesson, seed)] + new
            rows.sort(key=lambda r: (str(r["lesson"]).zfill(2), int(r["seed"]), int(r["point"])))
            experiments.write_results(args.out, rows)
            last = new[-1]
            scores = ", ".join(f"{m} {last[m]:.3g}" for m in reference.RUNS[lesson].metrics)
            print(f"lesson {lesson} seed {seed}: {len(new)} points, last ({reference.RUNS[lesson].x} "
                  f"{last['steps' if reference.RUNS[lesson].x == 'steps' else 'epoch']:g}): {scores}; "
                  f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
