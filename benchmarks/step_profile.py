"""Where a training step's time goes: the lean DCGAN (batch 128) and lesson 06's recipe (batch 64), phase by phase.

Each phase of one ``GAN`` step is compiled as its own ``tf.function`` and timed on the same batch:
the input pipeline alone (``data.make_dataset``, and with the batch check ``GAN.fit`` adds), G's
forward pass that makes the D step's fakes, D's forward and backward pass on real and fake images,
D's optimizer update, G's forward and backward pass through D, G's optimizer update, the moving
average of G (the recipe's ``ema``), the four loss trackers, the whole ``train_step`` in a bare
``tf.function``, Keras' compiled step on an iterator (what ``benchmark.race`` calls, lessons 06, 07,
09 and 10), ``fit`` per step (lessons 03, 05 and 08) and, for the lean DCGAN, the FID that lesson 03's
``reference.Tracker`` scores after every epoch, spread over the epoch's 468 steps. A shared
machine's speed wanders, so the phases take turns in rounds and each is reported as a fraction of
Keras' step *in the same round*: the median over rounds, and the lowest and highest. Fractions of
the compute phases add up to about the bare step; the bare step's gap to Keras' step is the
per-step overhead of Keras and the iterator.

With ``--train`` it compares instead ``training.train`` (lessons 01 and 02), which runs an epoch's
steps in a loop inside one ``tf.function``, with the loop it replaced (one compiled step per batch
from Python, four host syncs per step): lesson 01's 1-D toy GAN (batch 256) and lesson 02's MLP GAN
on Fashion-MNIST (batch 128), in alternating rounds; it prints the median ratio of epoch times.

With ``--ops`` it traces 20 of Keras' steps with TensorFlow's profiler (``tf.profiler.experimental``,
offline) and prints each op type's share of the time spent in ops (TensorFlow's framework_op_stats,
read through a private TensorFlow module: if a TensorFlow release moves it, this option says so).

With ``--threads`` it times Keras' step of the lean DCGAN in fresh processes with TensorFlow's thread
pools set to (intra-op, inter-op) = default, (2, 1), (1, 1) and (1, 2) (they can only be set before
TensorFlow starts its runtime), the processes taking turns; it prints each setting's speed-up over
the default, median and range over rounds.

With ``--per-call K`` it compares Keras' step called once per batch with Keras'
``steps_per_execution=K`` (K steps per call from Python, an option of ``GAN.compile``), two copies
of each model taking turns for ``--calls`` steps each, and prints the median ratio of step times.

Run: .venv/bin/python benchmarks/step_profile.py [--rounds R] [--calls N] [--models lean,recipe]
     [--train | --ops | --threads | --per-call K]
"""

import argparse
import collections
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf

import gan_course
from gan_course import data, losses, models, stability, training
from gan_course.gan import GAN, build_gan
from gan_course.training import METRICS, draw_noise, generate

BATCH = {"lean": 128, "recipe": stability.RECIPE.batch_size}  # lesson 03's BATCH_SIZE; the recipe's own


def build(name: str, seed: int = 0):
    gan_course.setup(seed, verbose=False)
    if name == "recipe":
        return stability.RECIPE.build(seed=seed)
    build_g, build_d = models.DCGANS[name]
    return build_gan(build_g(100), build_d(), seed=seed)


def phases(gan, images, batch_size: int, tracker=None) -> dict:
    """name -> a function of no arguments that runs one phase once (compiled, on one fixed batch)."""
    g, d, loss = gan.generator, gan.discriminator, gan.gan_loss
    real = tf.constant(images[:batch_size])
    rng, z_dim = gan.noise, gan.z_dim
    fake = generate(g, draw_noise(rng, batch_size, z_dim), training=True)

    @tf.function
    def g_forward():
        return generate(g, draw_noise(rng, batch_size, z_dim), training=True)

    @tf.function
    def d_grads():
        with tf.GradientTape() as tape:
            d_loss = loss.discriminator(d(real, training=True), d(fake, training=True))
            if loss.penalty is not None:
                d_loss += loss.penalty(d, real, fake)
        return tape.gradient(d_loss, d.trainable_variables)

    @tf.function
    def g_grads():
        with tf.GradientTape() as tape:
            g_loss = loss.generator(d(generate(g, draw_noise(rng, batch_size, z_dim), training=True), training=True))
        return tape.gradient(g_loss, g.trainable_variables)

    d_fixed, g_fixed = d_grads(), g_grads()

    @tf.function
    def d_apply():
        gan.d_optimizer.apply_gradients(zip(d_fixed, d.trainable_variables))

    @tf.function
    def g_apply():
        gan.g_optimizer.apply_gradients(zip(g_fixed, g.trainable_variables))

    values = {name: tf.constant(0.5) for name in gan.trackers}

    @tf.function
    def trackers():
        for name, value in values.items():
            gan.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in gan.trackers.items()}

    bare = tf.function(gan.train_step)
    dataset = data.make_dataset(images, batch_size, seed=0)
    plain = iter(dataset.repeat())
    checked = iter(dataset.map(gan._checked_batch).repeat())  # the batch check GAN.fit adds to a pipeline
    gan.make_train_function()
    keras_iterator = iter(dataset.repeat())
    fit_data = dataset.repeat()

    def fit_step():  # one fit call of FIT_STEPS steps, reported per step
        gan.fit(fit_data.take(FIT_STEPS), epochs=1, verbose=0)

    out = {
        "input pipeline (make_dataset)": lambda: next(plain),
        "input pipeline + fit's batch check": lambda: next(checked),
        "G forward (D step's fakes)": g_forward,
        "D forward + backward": d_grads,
        "D optimizer update": d_apply,
        "G forward + backward (through D)": g_grads,
        "G optimizer update": g_apply,
    }
    if gan.generator_ema is not None:
        out["moving average of G (ema)"] = tf.function(gan.update_ema)
    out["loss trackers (4 means)"] = trackers
    out["whole train_step, bare tf.function"] = lambda: bare(real)
    out[KERAS] = lambda: gan.train_function(keras_iterator)
    out[FIT] = fit_step
    if tracker is not None:  # lesson 03 scores FID after every epoch of 60 000 // 128 steps
        out[FID] = lambda: tracker.measure(gan.sampler)
    return out


KERAS = "Keras' compiled step on an iterator (race)"
FIT = "fit, per step (calls of 20 steps)"
FIT_STEPS = 20
FID = "FID scoring (lesson 03's reference.Tracker), per step of its epoch"
EPOCH_STEPS = 60_000 // 128


def per_call(fn, calls: int) -> float:
    """Seconds per call of ``fn`` (per step for fit), after its result is on the host."""
    start = time.perf_counter()
    for _ in range(calls):
        result = fn()
    tf.nest.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, result)
    return time.perf_counter() - start


def profile(name: str, images, rounds: int, calls: int) -> dict:
    from gan_course import reference

    gan = build(name)
    batch_size = BATCH[name]
    funcs = phases(gan, images, batch_size, reference.Tracker("03") if name == "lean" else None)
    for fn in funcs.values():  # trace every function before any clock
        fn()
    fractions = {phase: [] for phase in funcs}
    for _ in range(rounds):
        times = {}
        for phase, fn in funcs.items():
            if phase == FID:  # one scoring, spread over the steps of the epoch it follows
                times[phase] = per_call(fn, 1) / EPOCH_STEPS
                continue
            n = max(1, calls // FIT_STEPS) if phase == FIT else calls
            times[phase] = per_call(fn, n) / (n * FIT_STEPS if phase == FIT else n)
        for phase in funcs:
            fractions[phase].append(times[phase] / times[KERAS])
    return fractions


def per_step_loop(generator, discriminator, points, epochs: int, batch_size: int, seed: int = 0) -> list:
    """The body of ``training.train`` before issue 26: a compiled step per batch, called from Python.

    Returns the seconds of each epoch."""
    d_opt, g_opt = training.default_optimizer(), training.default_optimizer()
    training.build_optimizers(generator, discriminator, g_opt, d_opt)
    rng, loss, z_dim = (
        tf.random.Generator.from_seed(seed),
        losses.get_loss("non_saturating"),
        generator.inputs[0].shape[1],
    )
    dataset = data.make_dataset(points, batch_size, shuffle=True, seed=seed)
    steps = {key: [] for key in METRICS}

    @tf.function
    def step(batch):
        return training.gan_step(generator, discriminator, d_opt, g_opt, rng, z_dim, batch, loss)

    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for batch in dataset:
            for key, value in step(batch).items():
                steps[key].append(float(value))
        seconds.append(time.perf_counter() - start)
    return seconds


def compare_train(rounds: int, epochs: int = 4) -> None:
    """``training.train`` against ``per_step_loop``: ratio of epoch times (the first, tracing epoch left out)."""
    toy = np.random.default_rng(1).normal(4, 1.25, (8192, 1)).astype("float32")
    images = data.load_images("fashion_mnist", "train", verbose=False).images[:12_800]
    cases = {
        "lesson 01: 1-D toy GAN, batch 256": (
            toy,
            256,
            lambda: (models.toy_generator(1, 1), models.toy_discriminator(1)),
        ),
        "lesson 02: MLP GAN, Fashion-MNIST, batch 128": (
            images,
            128,
            lambda: (models.mlp_generator(100), models.mlp_discriminator()),
        ),
    }
    for label, (points, batch_size, pair) in cases.items():
        ratios = []
        for i in range(rounds):
            times = {}
            for which in ("old", "new") if i % 2 == 0 else ("new", "old"):  # A, B, then B, A
                gan_course.setup(0, verbose=False)
                if which == "old":
                    times[which] = per_step_loop(*pair(), points, epochs + 1, batch_size)[1:]
                    continue
                ends = []
                training.train(
                    *pair(),
                    points,
                    epochs + 1,
                    batch_size,
                    verbose=False,
                    callbacks=[lambda e, h, ends=ends: ends.append(h.seconds)],
                )
                times[which] = np.diff(ends)
            ratios.append(float(np.median(times["old"]) / np.median(times["new"])))
        print(
            f"{label}: epoch in one tf.function vs a step per batch from Python, speed-up "
            f"{statistics.median(ratios):.2f} (lowest {min(ratios):.2f}, highest {max(ratios):.2f}; {rounds} rounds, "
            f"{epochs} epochs each)"
        )


def op_types(name: str, images, steps: int = 20) -> dict:
    """Each op type's share of the op time of ``steps`` of Keras' compiled steps, from TensorFlow's profiler."""
    from tensorflow.python.profiler.internal import _pywrap_profiler_plugin as plugin

    gan = build(name)
    iterator = iter(data.make_dataset(images, BATCH[name], seed=0).repeat())
    gan.make_train_function()
    for _ in range(3):
        gan.train_function(iterator)
    logdir = tempfile.mkdtemp()
    tf.profiler.experimental.start(logdir)
    for _ in range(steps):
        logs = gan.train_function(iterator)
    float(logs["d_loss"])
    tf.profiler.experimental.stop()
    files = glob.glob(f"{logdir}/**/*.xplane.pb", recursive=True)
    table = json.loads(plugin.xspace_to_tools_data(files, "framework_op_stats", {})[0])[0]
    columns = [c["id"] for c in table["cols"]]
    times = collections.Counter()
    for row in table["rows"]:
        cells = dict(zip(columns, [c.get("v") for c in row["c"]]))
        times[cells["type"]] += cells["total_self_time"]
    idle = times.pop("IDLE", 0.0)
    busy = sum(times.values())
    shares = {op: t / busy for op, t in times.most_common()}
    shares["(IDLE: no op running, share of all traced time)"] = idle / (idle + busy)
    return shares


def compare_per_call(name: str, k: int, rounds: int, steps: int) -> None:
    """Keras' step with steps_per_execution 1 and ``k``: the median ratio of seconds per step."""
    images = data.load_images("fashion_mnist", "train", verbose=False).images[:10_000]
    runs = []
    for each in (1, k):
        built = build(name)  # the same networks, optimizers and loss, recompiled with steps_per_execution
        gan = GAN(built.generator, built.discriminator, seed=0, ema=built.ema)
        gan.compile(
            d_optimizer=built.d_optimizer,
            g_optimizer=built.g_optimizer,
            loss=built.gan_loss,
            steps_per_execution=each,
        )
        iterator = iter(data.make_dataset(images, BATCH[name], seed=0).repeat())
        gan.make_train_function()
        gan.train_function(iterator)
        runs.append(lambda gan=gan, iterator=iterator: gan.train_function(iterator))
    ratios = []
    for i in range(rounds):
        seconds = {}
        for j in (0, 1) if i % 2 == 0 else (1, 0):
            calls = steps // (1 if j == 0 else k)
            seconds[j] = per_call(runs[j], calls) / (calls * (1 if j == 0 else k))
        ratios.append(seconds[0] / seconds[1])
    print(
        f"{name}: steps_per_execution={k} vs 1, speed-up {statistics.median(ratios):.2f} "
        f"(lowest {min(ratios):.2f}, highest {max(ratios):.2f}; {rounds} rounds of {steps} steps)"
    )


THREADS = ((0, 0), (2, 1), (1, 1), (1, 2))  # (intra-op, inter-op); 0 is TensorFlow's default


def threads_child(intra: int, inter: int, steps: int) -> None:
    """In a fresh process: set the thread pools, then print the seconds per Keras step of the lean DCGAN."""
    tf.config.threading.set_intra_op_parallelism_threads(intra)
    tf.config.threading.set_inter_op_parallelism_threads(inter)
    gan = build("lean")
    images = data.load_images("fashion_mnist", "train", verbose=False).images[:10_000]
    iterator = iter(data.make_dataset(images, BATCH["lean"], seed=0).repeat())
    gan.make_train_function()
    for _ in range(3):
        gan.train_function(iterator)
    print(f"SECONDS {per_call(lambda: gan.train_function(iterator), steps) / steps}")


def compare_threads(rounds: int, steps: int) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    seconds = {setting: [] for setting in THREADS}
    for i in range(rounds):
        for intra, inter in THREADS if i % 2 == 0 else THREADS[::-1]:
            command = [sys.executable, __file__, "--threads-child", str(intra), str(inter), "--calls", str(steps)]
            out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
            seconds[intra, inter].append(float(out.split("SECONDS")[-1]))
    print(f"lean DCGAN, Keras' step, {rounds} rounds of {steps} steps in fresh processes; speed-up over the default:")
    for setting in THREADS[1:]:
        ratios = [a / b for a, b in zip(seconds[THREADS[0]], seconds[setting])]
        print(
            f"  intra-op {setting[0]}, inter-op {setting[1]}: {statistics.median(ratios):.2f} "
            f"(lowest {min(ratios):.2f}, highest {max(ratios):.2f})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds in which every phase takes a turn")
    parser.add_argument("--calls", type=int, default=40, help="calls of each phase per round")
    parser.add_argument("--models", default="lean,recipe", help="comma-separated: lean, recipe")
    parser.add_argument("--train", action="store_true", help="compare training.train's loop with the old one")
    parser.add_argument("--ops", action="store_true", help="op types' shares from TensorFlow's profiler")
    parser.add_argument("--threads", action="store_true", help="thread-pool settings, in fresh processes")
    parser.add_argument("--threads-child", type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--per-call", type=int, help="compare Keras' steps_per_execution=K with 1")
    args = parser.parse_args()
    if args.per_call:
        for name in args.models.split(","):
            compare_per_call(name, args.per_call, args.rounds, args.calls)
        return
    if args.threads_child:
        threads_child(*args.threads_child, args.calls)
        return
    if args.threads:
        compare_threads(args.rounds, args.calls)
        return
    if args.ops:
        images = data.load_images("fashion_mnist", "train", verbose=False).images[:10_000]
        for name in args.models.split(","):
            try:
                shares = op_types(name, images)
            except (ImportError, AttributeError, KeyError, IndexError, ValueError) as err:
                print(f"TensorFlow's profiler tables could not be read here ({type(err).__name__}: {err})")
                return
            print(f"{name}: share of op time by op type (20 steps), largest first")
            for op, share in list(shares.items())[:12] + [list(shares.items())[-1]]:
                print(f"  {op:<48} {share:5.3f}")
        return
    if args.train:
        compare_train(args.rounds)
        return
    images = data.load_images("fashion_mnist", "train", verbose=False).images[:10_000]
    names = args.models.split(",")
    results = {name: profile(name, images, args.rounds, args.calls) for name in names}
    print(
        f"fractions of Keras' compiled step (median over {args.rounds} rounds of {args.calls} calls; lowest-highest); "
        f"lean DCGAN batch {BATCH['lean']}, recipe ({stability.RECIPE.describe()}) batch {BATCH['recipe']}"
    )
    width = max(len(p) for r in results.values() for p in r)
    print(f"| {'phase':<{width}} | " + " | ".join(f"{n:^17}" for n in names) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 19 for _ in names) + "|")
    every = {p for n in names for p in results[n]}
    for phase in sorted(every, key=lambda p: (max(list(r).index(p) for r in results.values() if p in r), p == FID)):
        cells = []
        for n in names:
            v = results[n].get(phase)
            cells.append(f"{statistics.median(v):5.2f} ({min(v):.2f}-{max(v):.2f})" if v else f"{'-':^17}")
        print(f"| {phase:<{width}} | " + " | ".join(f"{c:^17}" for c in cells) + " |")
    for n in names:
        compute = [p for p in results[n] if p.startswith(("G ", "D ", "moving", "loss"))]
        total = np.median([sum(results[n][p][i] for p in compute) for i in range(args.rounds)])
        print(f"{n}: the compute phases add up to {total:.2f} of Keras' step")


if __name__ == "__main__":
    main()
