"""Training images per second for {1 device, all devices} x {float32, mixed precision} x {XLA off, on}.

One GAN (gan_course.gan.GAN, fit) per setting, all built in one process and timed in alternating
rounds (the order rotates each round), so a change of machine speed hits every setting alike; the
table shows the medians and each setting's speed-up over 1 device, float32, XLA off (the median of
the per-round ratios).

"All devices" is a MirroredStrategy over every GPU, or, without a GPU, over the CPU split into
logical devices (gan_course.distributed.split_cpu): those share the same cores, so on a CPU the
row shows what splitting each batch costs, not a speed-up. Mixed precision is mixed_float16 (with
Keras' LossScaleOptimizer) on a GPU and mixed_bfloat16 on a CPU. XLA is Keras' jit_compile=True; it
cannot compile a step across several devices in one process, so that cell says so. The data are
random images of the chosen shape: only the arithmetic is timed. Op determinism stays off (XLA
needs that), so the runs are not bit-repeatable.

Run: .venv/bin/python benchmarks/scaling.py [--model seed|lean] [--batch-size B] [--steps N] [--rounds R]
"""

import argparse
import contextlib
import os
import statistics
import sys

from gan_course import distributed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("seed", "lean"), default="seed", help="the DCGAN of lesson 03")
    parser.add_argument("--batch-size", type=int, default=128, help="the global batch, for every setting")
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per setting and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--cpu-devices", type=int, default=2, help="logical CPU devices when there is no GPU")
    parser.add_argument("--image-size", type=int, default=28, help="height and width (divisible by 4)")
    args = parser.parse_args()

    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        distributed.split_cpu(args.cpu_devices)  # before TensorFlow starts
    import keras
    import numpy as np

    import gan_course
    from gan_course import models
    from gan_course.benchmark import measure_throughput
    from gan_course.gan import build_gan

    gan_course.setup(0, verbose=False, deterministic=False)
    kind = "GPU" if gpus else "CPU"
    devices = [d.name for d in tf.config.list_logical_devices(kind)]
    mixed = "mixed_float16" if gpus else "mixed_bfloat16"
    shape = (args.image_size, args.image_size, 1)
    build_g, build_d = models.DCGANS[args.model]
    images = np.random.default_rng(0).uniform(-1, 1, (args.batch_size * (args.steps + 3), *shape)).astype("float32")

    if gpus:
        names = ", ".join(tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus)
        print(f"hardware: {len(gpus)} GPU(s): {names}")
    else:
        print(
            f"hardware: CPU with {os.cpu_count()} cores, split into {len(devices)} logical devices that share "
            "the same cores and memory: 'all devices' shows what splitting each batch costs, not a speed-up"
        )
    print(
        f"model: {args.model} DCGAN, {shape[0]}x{shape[1]}x1, global batch {args.batch_size}, "
        f"{args.rounds} alternating rounds of {args.steps} timed steps; mixed = {mixed}; "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
    )

    placements = {"1 device": None}
    if len(devices) > 1:
        placements[f"{len(devices)} devices"] = tf.distribute.MirroredStrategy(devices)
    settings, skipped = {}, {}
    for placement, strategy in placements.items():
        for precision in ("float32", mixed):
            for xla in (False, True):
                key = (placement, precision, xla)
                if xla and strategy is not None:
                    skipped[key] = "n/a: XLA compiles one device"
                    continue
                if strategy is not None and args.batch_size % strategy.num_replicas_in_sync:
                    skipped[key] = f"n/a: batch not divisible by {strategy.num_replicas_in_sync}"
                    continue
                keras.mixed_precision.set_dtype_policy(precision)
                try:
                    with strategy.scope() if strategy else contextlib.nullcontext():
                        gan_course.setup(0, verbose=False, deterministic=False)
                        settings[key] = build_gan(build_g(100, shape), build_d(shape), jit_compile=xla)
                finally:
                    keras.mixed_precision.set_dtype_policy("float32")

    rates = {key: [] for key in settings}
    keys = list(settings)
    for round_ in range(args.rounds):
        order = keys[round_ % len(keys) :] + keys[: round_ % len(keys)]
        for key in order:
            rates[key].append(measure_throughput(settings[key], images, args.batch_size, args.steps))
            print(f"  round {round_ + 1}: {_label(key)}: {rates[key][-1]:.0f} images/s", file=sys.stderr, flush=True)

    base = rates[("1 device", "float32", False)]
    columns = [(p, x) for p in ("float32", mixed) for x in (False, True)]
    header = ["devices"] + [f"{p}, XLA {'on' if x else 'off'}" for p, x in columns]
    rows = []
    for placement in placements:
        row = [placement]
        for precision, xla in columns:
            key = (placement, precision, xla)
            if key in skipped:
                row.append(skipped[key])
            else:
                median = statistics.median(rates[key])
                speedup = statistics.median(r / b for r, b in zip(rates[key], base))
                row.append(f"{median:.0f} ({speedup:.2f}x)")
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(
        "\nimages/s, median of the rounds (speed-up: median over rounds of the ratio to 1 device, float32, XLA off "
        "in the same round, which a machine's drifting speed disturbs less):"
    )
    for r in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths)) + " |")
    print("\nrounds:", "; ".join(f"{_label(k)}: {', '.join(f'{v:.0f}' for v in vs)}" for k, vs in rates.items()))


def _label(key) -> str:
    placement, precision, xla = key
    return f"{placement}, {precision}, XLA {'on' if xla else 'off'}"


if __name__ == "__main__":
    main()
