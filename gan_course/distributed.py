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
import errno
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gan_course._checks import integer as _integer
from gan_course._checks import number as _number

#: Seconds a worker process may run before it stops itself (``run_workers`` stops it too).
_WORKER_TIMEOUT = 120


def split_cpu(devices: int = 2) -> list[str]:
    """Split the CPU into ``devices`` logical devices for ``MirroredStrategy``; return their names.

    Must run before TensorFlow starts (before any tensor, model or device query in this process):
    TensorFlow fixes its devices when it initialises. The logical devices share the machine's cores
    and memory, so a strategy over them shows what data parallelism does, not a speed-up.
    Calling it again with the same number of devices is harmless. Introduced in lesson 10.
    """
    devices = _integer(devices, "devices (logical CPU devices)", minimum=1)
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


def _free_ports(n: int = 2) -> list[int]:
    """``n`` TCP ports on 127.0.0.1 that are free now (the system picks them)."""
    n = _integer(n, "n", minimum=1)
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
    ports = _ports(ports)
    index = _integer(index, "index", minimum=0)
    if index >= len(ports):
        raise ValueError(f"index must be in [0, {len(ports)}) for {len(ports)} workers, got {index!r}")
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    return json.dumps({"cluster": cluster, "task": {"type": "worker", "index": int(index)}})


def _ports(ports) -> list[int]:
    """``ports`` as a list of distinct TCP port numbers, or a ValueError with the fix."""
    if isinstance(ports, (str, bytes)) or not hasattr(ports, "__iter__"):
        raise ValueError(f"ports must be a list of port numbers such as [20000, 20001], got {ports!r}")
    ports = [_integer(p, "each port", minimum=1) for p in ports]
    if not ports or max(ports) > 65535 or len(set(ports)) != len(ports):
        raise ValueError(
            f"ports must be distinct port numbers in [1, 65535], one per worker, got {ports}: "
            "choose free ones such as [20000, 20001] (run_workers picks free ports itself)"
        )
    return ports


def _check_command(args, env) -> dict | None:
    """``run_workers``' ``args`` and ``env`` checked; ``env`` as a dict (or None)."""
    if isinstance(args, (str, bytes, os.PathLike)) or not isinstance(args, (list, tuple)):
        raise ValueError(
            f"args must be a list of the arguments after `python`, such as ['-m', 'gan_course.distributed', "
            f"'out'], got {type(args).__name__} {args!r}: for one script pass [script]"
        )
    if not args:
        raise ValueError("args is empty: pass what follows `python`, such as ['-m', 'gan_course.distributed', 'out']")
    for arg in args:
        if isinstance(arg, bool) or not isinstance(arg, (str, os.PathLike, int, float, np.integer, np.floating)):
            raise ValueError(f"each of args must be a string, a path or a number, got {type(arg).__name__} {arg!r}")
    if env is None:
        return None
    if not isinstance(env, Mapping):
        raise ValueError(f"env must be a mapping of variable names to strings (like os.environ), got {env!r}")
    bad = {k: v for k, v in env.items() if not isinstance(k, str) or not isinstance(v, str)}
    if bad:
        raise ValueError(f"env must map strings to strings, got {bad!r}: pass the values as str(value)")
    return dict(env)


def run_workers(args, workers: int = 2, timeout: float = _WORKER_TIMEOUT, env=None) -> list[str]:
    """Run ``python args...`` as ``workers`` processes of one cluster on 127.0.0.1; return their outputs.

    Each process gets its own ``TF_CONFIG`` (``tf_config`` on fresh free ports), and the
    environment variable ``GAN_COURSE_WORKER_TIMEOUT`` so that it can stop itself. If any process
    is still running after ``timeout`` seconds, all are killed and ``TimeoutError`` says what each
    printed; a process that fails raises ``RuntimeError`` with its output (and stops the others, which
    would only wait for it). ``env`` replaces this process's environment for the workers (default:
    a copy of it). Every worker gets ``CUDA_VISIBLE_DEVICES=""`` (no GPU), so that the workers do not
    all grab the GPU the notebook already uses, unless ``env`` sets ``CUDA_VISIBLE_DEVICES`` itself.
    Introduced in lesson 10.
    """
    env = _check_command(args, env)
    workers = _integer(workers, "workers", minimum=1)
    timeout = _number(timeout, "timeout (seconds)", positive=True)
    ports = _free_ports(workers)
    logs = [tempfile.TemporaryFile(mode="w+") for _ in range(workers)]  # files, not pipes: a full pipe blocks
    procs = []
    for index in range(workers):
        worker_env = dict(os.environ if env is None else env)
        if env is None or "CUDA_VISIBLE_DEVICES" not in env:
            worker_env["CUDA_VISIBLE_DEVICES"] = ""  # workers on one machine would share the notebook's GPU
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
        raise TimeoutError(f"the workers did not finish within {timeout:g} s and were stopped:\n{tails}")
    if failed:
        tails = "\n".join(f"--- worker {i} (exit {procs[i].returncode}) ---\n{outputs[i][-3000:]}" for i in failed)
        busy = [line for i in failed for line in outputs[i].splitlines() if " is in use" in line]
        raise RuntimeError(f"worker(s) {failed} failed{': ' + busy[0] if busy else ''}:\n{tails}")
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
        if not isinstance(other, Run):
            raise ValueError(f"other must be a Run (reference_run's or load_run's), got {type(other).__name__}")
        shapes = [np.shape(w) for w in self.weights], [np.shape(w) for w in other.weights]
        if set(self.history) != set(other.history) or shapes[0] != shapes[1]:
            raise ValueError("the two runs trained different models or logged different metrics: compare like runs")
        losses = max(float(np.max(np.abs(np.subtract(self.history[k], other.history[k])))) for k in self.history)
        weights = max(float(np.max(np.abs(a - b))) for a, b in zip(self.weights, other.weights))
        return losses, weights


def _reference_images(n: int = 128, shape=(8, 8, 1), seed: int = 0) -> np.ndarray:
    """``n`` fixed random "images" in [-1, 1] for ``reference_run``, where only the arithmetic matters."""
    n, seed = _integer(n, "n", minimum=1), _integer(seed, "seed", minimum=0)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise ValueError(f"shape must be an image shape such as (8, 8, 1), got {shape!r}")
    shape = tuple(_integer(s, "each size in shape", minimum=1) for s in shape)
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
    from gan_course.arrays import check_images
    from gan_course.data import make_dataset
    from gan_course.gan import build_gan

    if strategy is not None and not (hasattr(strategy, "scope") and hasattr(strategy, "num_replicas_in_sync")):
        raise ValueError(f"strategy must be a tf.distribute strategy or None (one device), got {strategy!r}")
    epochs, batch_size = _integer(epochs, "epochs", minimum=1), _integer(batch_size, "batch_size", minimum=1)
    seed, hidden = _integer(seed, "seed", minimum=0), _integer(hidden, "hidden", minimum=1)
    images = _reference_images(seed=seed) if images is None else check_images(images, "images")
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
    parser.add_argument("--epochs", type=_positive, default=3)
    parser.add_argument("--batch-size", type=_positive, default=16)
    args = parser.parse_args(argv)
    if "TF_CONFIG" not in os.environ:
        parser.error("TF_CONFIG is not set: start workers with gan_course.distributed.run_workers")
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        parser.error(f"the folder of OUT, {folder}, does not exist: create it or give another path")
    try:
        config = json.loads(os.environ["TF_CONFIG"])
        index = _integer(config["task"]["index"], "index", minimum=0)
        host, port = config["cluster"]["worker"][index].rsplit(":", 1)
        port = int(port)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        parser.error(f"TF_CONFIG is not a worker's cluster configuration ({err}): make it with tf_config(ports, index)")
    given = os.environ.get("GAN_COURSE_WORKER_TIMEOUT", str(_WORKER_TIMEOUT))
    try:
        timeout = float(given)
    except ValueError:
        timeout = math.nan
    if not (math.isfinite(timeout) and timeout > 0):
        parser.error(f"GAN_COURSE_WORKER_TIMEOUT must be a positive number of seconds, got {given!r}")
    _port_free(host, port, index)
    import faulthandler

    faulthandler.dump_traceback_later(timeout, exit=True)  # stop, with a traceback, if a peer never comes
    import tensorflow as tf

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


def _positive(text: str) -> int:
    """argparse's type for a positive integer (its error message is shown without a traceback)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _port_free(host: str, port: int, index: int) -> None:
    """Exit with a message naming ``port`` if another program holds it (TensorFlow's own error does not say)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((host, port))
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        sys.exit(
            f"gan_course.distributed worker {index}: port {port} on {host} is in use (another program holds it): "
            "free it, or start the workers again with run_workers, which picks free ports"
        )
    finally:
        probe.close()


def load_run(path) -> Run:
    """The ``Run`` a worker wrote with ``main`` (an ``.npz`` file). Introduced in lesson 10."""
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be the path of a worker's .npz file, got {type(path).__name__} {path!r}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} does not exist: the worker writes OUT.<index>.npz (did it finish?)")
    with np.load(path) as f:
        if "replicas" not in f.files:
            raise ValueError(f"{path} is not a run written by python -m gan_course.distributed (no 'replicas')")
        history = {k[2:]: f[k].tolist() for k in f.files if k.startswith("h_")}
        weights = [f[f"w_{i}"] for i in range(sum(k.startswith("w_") for k in f.files))]
        return Run(history, weights, int(f["replicas"]))


if __name__ == "__main__":
    main()
