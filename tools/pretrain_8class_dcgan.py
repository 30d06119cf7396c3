"""Train the 8-class DCGAN that ships with the course (``transfer.load_pretrained()``, lesson 08) again.

    .venv/bin/python tools/pretrain_8class_dcgan.py [--steps 12000] [--seed 0] [--n-eval 5000]

The lean DCGAN of lesson 03 on the eight Fashion-MNIST classes other than ``transfer.HELD_OUT``, with
the settings of ``transfer._PRETRAIN_SETTINGS``, seeded, with TensorFlow's op determinism on a CPU
(``gan_course.setup``), as in the lessons. Saves both networks' weights (the generator's are its moving
average) and a JSON (settings, steps, seconds, FID of ``--n-eval`` samples against as many test images
of the same classes, in the course classifier's features) into ``gan_course/weights``, and updates that
folder's SHA256SUMS. A maintainer's tool: the package only loads the result.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import gan_course
from gan_course import _shipped, data, features, metrics, transfer
from gan_course.gan import build_gan
from gan_course.training import generate


def pretrain(steps: int, seed: int = 0, n_eval: int = 5000, verbose: bool = True) -> dict:
    """Train, save and record the shipped weights; return the JSON written beside them, as a dict."""
    classes, settings = transfer._PRETRAIN_CLASSES, transfer._PRETRAIN_SETTINGS
    gan_course.setup(seed, verbose=False)
    train = data.load_images("fashion_mnist", "train", verbose=verbose)
    test = data.load_images("fashion_mnist", "test", verbose=verbose)
    images = transfer.class_subset(train.images, train.labels, classes)
    gan = build_gan(*transfer._networks(), lr=settings["lr"], beta_1=settings["beta_1"], ema=settings["ema"], seed=seed)
    dataset = data.make_dataset(images, settings["batch_size"], seed=seed).repeat()
    start = time.perf_counter()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=2 if verbose else 0)
    seconds = time.perf_counter() - start
    classifier = features.load_classifier("fashion_mnist")
    real = transfer.class_subset(test.images, test.labels, classes)[:n_eval]
    z = np.random.default_rng(seed + 1).normal(size=(len(real), 100)).astype("float32")
    fakes = generate(gan.sampler, z, batch_size=1000)
    fid = metrics.fid_from_features(classifier.features(real), classifier.features(fakes))
    shares = np.bincount(classifier.logits(fakes).argmax(1), minlength=10) / len(fakes)
    g_path, d_path, info_path = transfer._paths()
    g_path.parent.mkdir(exist_ok=True)
    gan.sampler.save_weights(g_path)
    gan.discriminator.save_weights(d_path)
    info = {
        "data_set": "fashion_mnist",
        "classes": list(classes),
        "held_out": list(transfer.HELD_OUT),
        "images": int(len(images)),
        "networks": "models.dcgan_lean_generator(100), models.dcgan_lean_discriminator()",
        "settings": {**settings, "loss": "non_saturating"},
        "steps": steps,
        "seed": seed,
        "seconds": round(seconds, 1),
        "generator_weights": f"moving average of G (decay {settings['ema']})",
        "fid": round(float(fid), 2),
        "fid_samples": int(len(real)),
        "fid_reference": "test images of the eight classes, course classifier features",
        "class_shares": {str(k): round(float(shares[k]), 3) for k in range(10)},
    }
    info_path.write_text(json.dumps(info, indent=1) + "\n")
    for path in (g_path, d_path, info_path):
        _shipped.record(path)  # the manifest changes with the files
    if verbose:
        print(f"saved to {g_path.parent}: {steps} steps in {seconds:.0f} s, FID {fid:.1f} ({len(real)} samples)")
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=transfer._PRETRAIN_STEPS, help="generator steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-eval", type=int, default=5000, help="samples (and test images) for the FID")
    args = parser.parse_args()
    for name in ("steps", "n_eval"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    pretrain(args.steps, args.seed, args.n_eval)


if __name__ == "__main__":
    main()
