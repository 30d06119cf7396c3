"""Training on several devices and processes with ``tf.distribute``: logical CPU devices, worker processes.

``split_cpu`` turns one CPU into several logical devices, so that ``tf.distribute.MirroredStrategy``
can be tried on a laptop (the devices share the same cores: nothing gets faster, but every replica
really runs). ``run_workers`` starts ``MultiWorkerMirroredStrategy`` worker processes on this
machine (``TF_CONFIG`` per worker, free ports on 127.0.0.1, a time limit after which every worker
stops); ``python -m gan_course.distributed`` is such a worker. ``reference_run`` is the small,
fixed training that lesson 10 and tests/test_distribute.py run on one device, on two logical
devices and in two worker processes, to check that all three take the same steps.

Used in lesson 10.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

#: Seconds a worker process may run before it stops itself (``run_workers`` stops it too).
_WORKER_TIMEOUT = 120


def split_cpu(devices: int = 2) -> list[str]:
    """Split the CPU into ``devices`` logical devices for ``MirroredStrategy``; return their names.

    Must run before TensorFlow starts (before any tensor, model or device query in this process):
    TensorFlow fixes its devices when it initialises. The logical devices share the machine's cores
    and memory, so a strategy over them shows what data parallelism does, not a speed-up.
    Calling it again with the same number of devices is harmless. Introduced in lesson 10.
    """
    if isinstance(devices, bool) or not isinstance(devices, (int, np.integer)) or devices < 1:
        raise ValueError(f"devices must be an integer >= 1 (logical CPU devices), got {devices!r}")
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration()] * int(devices)
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        current = tf.config.list_logical_devices("CPU")
        if len(current) != devices:
            raise RuntimeError(
                f"TensorFlow has already started with {len(current)} CPU device(s), so it cannot be split into "
                f"{devices} any more: restart the kernel (or the Python process) and call split_cpu({devices}) "
                "first, before anything else uses TensorFlow"
            ) from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def free_ports(n: int = 2) -> list[int]:
    """``n`` TCP ports on 127.0.0.1 that are free now (the system picks them). Introduced in lesson 10."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports, index: int) -> str:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of workers on 127.0.0.1 at ``ports``, as JSON.

    Every worker gets the same cluster and its own index; worker 0 is the chief (it writes
    checkpoints and logs in a real job). On a real cluster the addresses are the machines' names.
    Introduced in lesson 10.
    """
    ports = [int(p) for p in ports]
    if not 0 <= index < len(ports):
        raise ValueError(f"index must be in [0, {len(ports)}) for {len(ports)} workers, got {index!r}")
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    return json.dumps({"cluster": cluster, "task": {"type": "worker", "index": int(index)}})


def run_workers(args, workers: int = 2, timeout: float = _WORKER_TIMEOUT, env=None) -> list[str]:
    """Run ``python args...`` as ``workers`` processes of one cluster on 127.0.0.1; return their outputs.

    Each process gets its own ``TF_CONFIG`` (``tf_config`` on fresh ``free_ports``), and the
    environment variable ``GAN_COURSE_WORKER_TIMEOUT`` so that it can stop itself. If any process
    is still running after ``timeout`` seconds, all are killed and ``TimeoutError`` says what each
    printed; a process that fails raises ``RuntimeError`` with its output (and stops the others, which
    would only wait for it). Introduced in lesson 10.
    """
    ports = free_ports(workers)
    logs = [tempfile.TemporaryFile(mode="w+") for _ in range(workers)]  # files, not pipes: a full pipe blocks
    procs = []
    for index in range(workers):
        worker_env = dict(os.environ if env is None else env)
        worker_env.update(TF_CONFIG=tf_config(ports, index), GAN_COURSE_WORKER_TIMEOUT=str(timeout))
        procs.append(
            subprocess.Popen(
                [sys.executable, *map(str, args)], env=worker_env, stdout=logs[index], stderr=subprocess.STDOUT
            )
        )
    deadline = time.monotonic() + timeout
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        if any(p.returncode not in (None, 0) for p in procs):
            break  # one worker failed: its peers would only wait for it
        time.sleep(0.2)
    timed_out = any(p.poll() is None for p in procs)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    failed = [i for i, proc in enumerate(procs) if proc.returncode != 0]
    if timed_out and not any(procs[i].returncode > 0 for i in failed):
        tails = "\n".join(f"--- worker {i} ---\n{out[-1500:]}" for i, out in enumerate(outputs))
        raise TimeoutError(f"the workers did not finish within {timeout:.0f} s and were stopped:\n{tails}")
    if failed:
        tails = "\n".join(f"--- worker {i} (exit {procs[i].returncode}) ---\n{outputs[i][-3000:]}" for i in failed)
        raise RuntimeError(f"worker(s) {failed} failed:\n{tails}")
    return outputs


@dataclass
class Run:
    """What ``reference_run`` returns: per-epoch metrics (as ``fit``'s ``History``), final weights, replicas.

    ``weights`` are the generator's then the discriminator's, as ``get_weights`` gives them.
    Introduced in lesson 10.
    """

    history: dict
    weights: list
    replicas: int

    def max_difference(self, other: Run) -> tuple[float, float]:
        """(largest difference of any per-epoch metric, largest difference of any weight) to ``other``."""
        losses = max(float(np.max(np.abs(np.subtract(self.history[k], other.history[k])))) for k in self.history)
        weights = max(float(np.max(np.abs(a - b))) for a, b in zip(self.weights, other.weights))
        return losses, weights


def reference_images(n: int = 128, shape=(8, 8, 1), seed: int = 0) -> np.ndarray:
    """``n`` fixed random "images" in [-1, 1] for ``reference_run``, where only the arithmetic matters.

    Introduced in lesson 10.
    """
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype(np.float32)


def reference_run(
    strategy=None, epochs: int = 3, batch_size: int = 16, seed: int = 0, images=None, hidden: int = 16
) -> Run:
    """Train the small MLP GAN of lesson 10 on ``images`` with the global ``batch_size``; return a ``Run``.

    Built with ``gan.build_gan`` (inside ``strategy.scope()`` when a strategy is given) after
    ``setup(seed)``; the batches come in a fixed order (no shuffling), so runs on any number of
    replicas see the same global batches. Learning rate 1e-3, so that round-off differences would
    grow if the replicas did not take the same steps. Introduced in lesson 10.
    """
    import contextlib

    from gan_course import models, setup
    from gan_course.data import make_dataset
    from gan_course.gan import build_gan

    images = reference_images(seed=seed) if images is None else np.asarray(images, np.float32)
    scope = contextlib.nullcontext() if strategy is None else strategy.scope()
    with scope:
        setup(seed, verbose=False)
        generator = models.mlp_generator(4, images.shape[1:], hidden=hidden)
        discriminator = models.mlp_discriminator(images.shape[1:], hidden=hidden)
        gan = build_gan(generator, discriminator, lr=1e-3, seed=seed)
    dataset = make_dataset(images, batch_size, shuffle=False)
    history = gan.fit(dataset, epochs=epochs, verbose=0).history
    replicas = 1 if strategy is None else strategy.num_replicas_in_sync
    return Run(history, generator.get_weights() + discriminator.get_weights(), replicas)


def main(argv=None) -> None:
    """A ``MultiWorkerMirroredStrategy`` worker: ``reference_run`` under the cluster in ``TF_CONFIG``.

    ``python -m gan_course.distributed OUT [--epochs E] [--batch-size B]`` writes the run to
    ``OUT`` with the worker's index appended (``OUT.0.npz``, ``OUT.1.npz``, ...). It stops itself
    after ``GAN_COURSE_WORKER_TIMEOUT`` seconds (default 120), even when a peer never
    comes. Introduced in lesson 10.
    """
    parser = argparse.ArgumentParser(prog="python -m gan_course.distributed", description=main.__doc__.splitlines()[0])
    parser.add_argument("out", help="path prefix of the result file")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args(argv)
    if "TF_CONFIG" not in os.environ:
        parser.error("TF_CONFIG is not set: start workers with gan_course.distributed.run_workers")
    import faulthandler

    timeout = float(os.environ.get("GAN_COURSE_WORKER_TIMEOUT", _WORKER_TIMEOUT))
    faulthandler.dump_traceback_later(timeout, exit=True)  # stop, with a traceback, if a peer never comes
    import tensorflow as tf

    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout)
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    run = reference_run(strategy, epochs=args.epochs, batch_size=args.batch_size)
    path = f"{args.out}.{index}.npz"
    np.savez(
        path,
        replicas=run.replicas,
        **{f"h_{k}": v for k, v in run.history.items()},
        **{f"w_{i}": w for i, w in enumerate(run.weights)},
    )
    print(f"worker {index} of {run.replicas} replicas wrote {path}", flush=True)
    sys.stdout.flush()
    os._exit(0)  # gRPC threads of the cluster can keep a finished worker alive; it has nothing left to do


def load_run(path) -> Run:
    """The ``Run`` a worker wrote with ``main`` (an ``.npz`` file). Introduced in lesson 10."""
    with np.load(path) as f:
        history = {k[2:]: f[k].tolist() for k in f.files if k.startswith("h_")}
        weights = [f[f"w_{i}"] for i in range(sum(k.startswith("w_") for k in f.files))]
        return Run(history, weights, int(f["replicas"]))


if __name__ == "__main__":
    main()
