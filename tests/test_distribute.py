"""The GAN under tf.distribute (2 logical CPU devices, 2 worker processes), mixed precision and XLA.

Tolerances. One device and two replicas (or two workers) sum the same gradients in another order,
so they agree to float32 round-off: over 24 Adam steps at lr 1e-3 the per-epoch losses and the
final weights differ by about 1e-7 here; the tests allow 1e-5. That is tight enough to catch what
goes wrong: without the loss scaling (Adam hides most of it) the weights differ by ~2e-4, with
TensorFlow's own per-replica noise streams by ~1e-2. mixed_bfloat16 against float32: per-epoch
losses within 0.01 (observed 4e-4). The 2-device checks need TensorFlow to start with a split CPU,
so they run in a child process (tests/mirrored_child.py).
"""

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import distributed, models, training
from gan_course.gan import GAN, build_gan
from gan_course.scaled import ScaledGAN

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-5  # losses and weights, one device vs two replicas or two workers (observed ~1e-7)
BF16_BAND = 0.01  # per-epoch losses, mixed_bfloat16 vs float32 (observed 4e-4)


@pytest.fixture(scope="module")
def mirrored():
    """What tests/mirrored_child.py measured on 2 logical CPU devices."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    proc = subprocess.run(
        [sys.executable, str(HERE / "mirrored_child.py")], capture_output=True, text=True, timeout=240, env=env
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.slow
def test_two_replicas_take_the_steps_of_one_device(mirrored):
    assert mirrored["replicas"] == mirrored["mirrored_replicas"] == 2
    losses, weights = mirrored["mirrored_vs_single"]
    assert losses < TOLERANCE and weights < TOLERANCE
    # the tolerance catches the two mistakes a custom step makes under a strategy
    assert mirrored["unscaled_vs_single"][1] > 10 * TOLERANCE  # no 1/R loss scaling
    assert min(mirrored["tf_streams_vs_single"]) > 100 * TOLERANCE  # TensorFlow's per-replica noise streams


@pytest.mark.slow
def test_noise_rows_are_the_one_device_draw_and_tensorflow_streams_are_not(mirrored):
    assert mirrored["draw_noise_vs_one_device"] == 0.0
    # TensorFlow's own per-replica streams: distinct per replica, but not the one-device stream
    assert mirrored["tf_streams_differ_between_replicas"] > 0.1
    assert mirrored["tf_streams_differ_from_one_device"] > 0.1


@pytest.mark.slow
def test_loss_scaling_is_keras_rule(mirrored):
    if "scale_ours_keras" not in mirrored:
        pytest.skip("this Keras has no keras.src.losses.loss.scale_loss_for_distribution to compare with")
    ours, keras_own = mirrored["scale_ours_keras"]
    assert ours == keras_own == 1.5  # 3.0 / 2 replicas


@pytest.mark.slow
def test_batchnorm_under_replicas_is_as_the_docstring_says(mirrored):
    local, synced = mirrored["bn_synchronized_False"], mirrored["bn_synchronized_True"]
    assert local["loss_difference"] > 100 * TOLERANCE and local["moving_stat_spread"] > 1e-3
    assert synced["loss_difference"] < TOLERANCE and synced["moving_stat_spread"] == 0.0


@pytest.mark.slow
def test_bad_input_under_a_strategy_is_refused_before_training(mirrored):
    expected = {
        "outside_scope": "generator was built outside any tf.distribute strategy, but the GAN inside",
        "gan_outside_scope": "generator was built inside a MirroredStrategy's scope, but the GAN outside",
        "compile_outside_scope": "compile is called outside any",
        "jit_under_strategy": "use jit_compile=False",
        "clipnorm_under_strategy": "clips each of the 2 replicas' gradients",
        "odd_dataset_batch": "global batch of 15 cannot be split evenly over the strategy's 2 replicas",
        "unknown_batch": "drop_remainder=True",
        "odd_array_batch": "global batch of 15 cannot be split evenly",
        "odd_last_batch": r"leave a last batch of 5.*x\[:112\]",
    }
    for key, pattern in expected.items():
        assert mirrored[key] is not None and mirrored[key].startswith("ValueError"), (key, mirrored[key])
        assert re.search(pattern, mirrored[key]), (key, mirrored[key])
    assert mirrored["even_last_batch"] is None


@pytest.mark.slow
def test_xla_is_kerass_jit_compile_and_keeps_the_data_checks(mirrored):
    assert mirrored["jit_True"] is True and mirrored["jit_False"] is False
    # XLA's CPU kernels round differently (fused tanh, exp); over 8 Adam steps the losses stay close
    assert mirrored["xla_loss_difference"] < 0.05
    assert "expected training images in [-1, 1]" in mirrored["xla_range_error"]


@pytest.mark.slow
def test_two_worker_processes_agree_with_each_other_and_with_one_process(tmp_path):
    outputs = distributed.run_workers(["-m", "gan_course.distributed", tmp_path / "run"], workers=2, timeout=150)
    assert all("wrote" in out for out in outputs), outputs
    first, second = (distributed.load_run(tmp_path / f"run.{i}.npz") for i in range(2))
    assert first.replicas == second.replicas == 2
    assert first.max_difference(second) == (0.0, 0.0)  # one model, mirrored on both workers
    losses, weights = first.max_difference(distributed.reference_run(None))
    assert losses < TOLERANCE and weights < TOLERANCE


@pytest.mark.slow
def test_a_worker_stops_by_itself_when_its_peer_never_comes(tmp_path):
    config = distributed.tf_config(distributed._free_ports(2), 0)  # worker 1 is never started
    env = {**os.environ, "TF_CONFIG": config, "GAN_COURSE_WORKER_TIMEOUT": "8", "PYTHONPATH": str(HERE.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "gan_course.distributed", str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode != 0 and not list(tmp_path.glob("run.*.npz"))
    assert "Timeout (0:00:08)" in proc.stderr  # faulthandler's own stop, with the traceback of the wait
    with pytest.raises(TimeoutError, match="did not finish within 1 s"):
        distributed.run_workers(["-c", "import time; time.sleep(30)"], workers=2, timeout=1)


def test_cluster_helpers():
    ports = distributed._free_ports(2)
    assert len(set(ports)) == 2 and all(p > 0 for p in ports)
    config = json.loads(distributed.tf_config(ports, 1))
    assert config == {
        "cluster": {"worker": [f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}"]},
        "task": {"type": "worker", "index": 1},
    }
    with pytest.raises(ValueError, match="index"):
        distributed.tf_config(ports, 2)
    tf.config.list_logical_devices("CPU")  # TensorFlow has started in this process
    with pytest.raises(RuntimeError, match="restart the kernel"):
        distributed.split_cpu(len(tf.config.list_logical_devices("CPU")) + 1)
    with pytest.raises(ValueError, match="devices"):
        distributed.split_cpu(0)


def test_outside_a_strategy_the_step_is_unchanged():
    assert training._replicas_in_sync() == 1
    loss = tf.constant(2.0)
    assert training.scale_for_replicas(loss) is loss
    a, b = tf.random.Generator.from_seed(3), tf.random.Generator.from_seed(3)
    np.testing.assert_array_equal(training.draw_noise(a, 5, 2), b.normal((5, 2)))


@pytest.fixture
def policy():
    """Set a Keras dtype policy for one test, and put float32 back afterwards."""
    yield keras.mixed_precision.set_dtype_policy
    keras.mixed_precision.set_dtype_policy("float32")


@pytest.mark.slow
def test_mixed_bfloat16_trains_with_float32_logits_and_losses(policy):
    float32 = distributed.reference_run(None, epochs=3)
    policy("mixed_bfloat16")
    mixed = distributed.reference_run(None, epochs=3)
    for key, values in mixed.history.items():
        assert np.all(np.isfinite(values)), key
        np.testing.assert_allclose(values, float32.history[key], atol=BF16_BAND, err_msg=key)
    gan_course.setup(0, verbose=False)
    g, d = models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16)
    assert g.compute_dtype == "bfloat16" and d.outputs[0].dtype == "float32"
    gan = build_gan(g, d)
    values = training.gan_step(
        g, d, gan.d_optimizer, gan.g_optimizer, gan.noise, 4, distributed._reference_images(8), gan.gan_loss
    )
    assert {k: v.dtype for k, v in values.items()} == dict.fromkeys(values, tf.float32)
    # a discriminator whose logit is bfloat16: warned, and the step still casts it before the loss
    own = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    with pytest.warns(UserWarning, match="dtype='float32'"):
        ScaledGAN(g, own)
    with pytest.raises(ValueError, match=r"compute in bfloat16 \(mixed precision\): use gan.build_gan"):
        GAN(g, d)  # lesson 03's class refuses what only ScaledGAN checks
    for build_d in (models.dcgan_seed_discriminator, models.dcgan_lean_discriminator):
        assert build_d((8, 8, 1)).outputs[0].dtype == "float32"
    assert models.dcgan_lean_discriminator((8, 8, 1), spectral_norm=True).outputs[0].dtype == "float32"


def test_float16_gets_loss_scaling_and_is_refused_on_a_cpu(policy):
    policy("mixed_float16")
    gan_course.setup(0, verbose=False)
    gan = build_gan(models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16))
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    if tf.config.list_logical_devices("GPU"):
        pytest.skip("a GPU is visible: float16 is allowed here")
    with pytest.raises(ValueError, match=r"train on a CPU.*set_dtype_policy\('mixed_bfloat16'\)"):
        gan.fit(distributed._reference_images(32), batch_size=16, epochs=1, verbose=0)


def test_xla_is_refused_where_it_cannot_compile_the_step():
    from gan_course.scaled import _xla_problem

    assert _xla_problem(1, ["/job:localhost/replica:0/task:0/device:CPU:0"]) is None
    assert "2 devices in one process" in _xla_problem(2, ["/device:GPU:0", "/device:GPU:1"])
    # two worker processes with one CPU each (seen failing at the first step in TensorFlow 2.21)
    assert "no all-reduce for CPU devices" in _xla_problem(2, ["/job:worker/replica:0/task:0/device:CPU:0"])
    assert _xla_problem(2, ["/job:worker/replica:0/task:0/device:GPU:0"]) is None


def test_jit_compile_is_refused_when_keras_would_silently_ignore_it():
    gan_course.setup(0, verbose=False)  # op determinism on (no GPU): Keras turns XLA off
    g, d = models.mlp_generator(4, (8, 8, 1), 16), models.mlp_discriminator((8, 8, 1), 16)
    if not tf.config.list_logical_devices("GPU"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Keras' own warning is replaced by the error
            with pytest.raises(ValueError, match=r"setup\(seed, deterministic=False\)"):
                build_gan(g, d, jit_compile=True)
    with pytest.raises(ValueError, match="jit_compile must be True, False or 'auto'"):
        build_gan(g, d, jit_compile="yes")
    assert build_gan(g, d, jit_compile=False).jit_compile is False


# ------------------------------------------------------------------ hostile arguments (issue 27)

_RUN = distributed.Run({"d_loss": [1.0]}, [np.zeros(2)], 1)

BAD_CALLS = [
    (lambda: distributed.run_workers("script.py"), "args must be a list", "str"),
    (lambda: distributed.run_workers(Path("script.py")), "args must be a list", "[script]"),
    (lambda: distributed.run_workers([]), "args is empty", "gan_course.distributed"),
    (lambda: distributed.run_workers(["-c", None]), "each of args", "NoneType"),
    (lambda: distributed.run_workers(["-c", "pass"], workers=0), "workers must be a positive integer", "0"),
    (lambda: distributed.run_workers(["-c", "pass"], workers=True), "workers", "True/False"),
    (lambda: distributed.run_workers(["-c", "pass"], workers=2.0), "workers", "int(workers)"),
    (lambda: distributed.run_workers(["-c", "pass"], timeout=0), "timeout", "positive"),
    (lambda: distributed.run_workers(["-c", "pass"], timeout=float("inf")), "timeout", "finite"),
    (lambda: distributed.run_workers(["-c", "pass"], timeout=float("nan")), "timeout", "finite"),
    (lambda: distributed.run_workers(["-c", "pass"], timeout="60"), "timeout", "not a string"),
    (lambda: distributed.run_workers(["-c", "pass"], env=["PATH"]), "env must be a mapping", "os.environ"),
    (lambda: distributed.run_workers(["-c", "pass"], env={"N": 1}), "env must map strings", "str(value)"),
    (lambda: distributed._free_ports(0), "n must be a positive integer", "0"),
    (lambda: distributed._free_ports("2"), "n must be", "not a string"),
    (lambda: distributed.tf_config("20000", 0), "ports must be a list", "20000"),
    (lambda: distributed.tf_config([20000, 20000], 0), "distinct", "run_workers picks free ports"),
    (lambda: distributed.tf_config([20000, 70000], 0), "[1, 65535]", "70000"),
    (lambda: distributed.tf_config([], 0), "ports must be", "[20000, 20001]"),
    (lambda: distributed.tf_config([20000], -1), "index", "-1"),
    (lambda: distributed.tf_config([20000], 1.5), "index", "1.5"),
    (lambda: distributed.split_cpu(True), "devices", "True/False"),
    (lambda: distributed._reference_images(0), "n must be a positive integer", "0"),
    (lambda: distributed._reference_images(4, shape=8), "shape", "(8, 8, 1)"),
    (lambda: distributed.reference_run(strategy="mirrored"), "strategy", "'mirrored'"),
    (lambda: distributed.reference_run(epochs=0), "epochs", "0"),
    (lambda: distributed.reference_run(batch_size=-1), "batch_size", "-1"),
    (lambda: distributed.reference_run(images=np.full((4, 8, 8, 1), np.nan, np.float32)), "images", "NaN"),
    (lambda: _RUN.max_difference("run"), "other must be a Run", "str"),
    (lambda: _RUN.max_difference(distributed.Run({"g_loss": [1.0]}, [np.zeros(2)], 1)), "different", "like runs"),
    (lambda: distributed.load_run(3), "path must be", "int"),
]


@pytest.mark.parametrize("call, what, fix", BAD_CALLS)
def test_bad_arguments_are_refused_with_the_fix(call, what, fix):
    with pytest.raises(ValueError) as info:
        call()
    for word in (what, fix):
        assert word in str(info.value), str(info.value)


def test_a_missing_or_foreign_run_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="did it finish"):
        distributed.load_run(tmp_path / "run.0.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match="not a run written by"):
        distributed.load_run(tmp_path / "other.npz")


def test_numpy_integers_are_welcome():
    ports = distributed._free_ports(np.int64(2))
    assert json.loads(distributed.tf_config(np.array(ports), np.int64(1)))["task"]["index"] == 1
    assert distributed._reference_images(np.int64(3), shape=np.array([2, 2, 1])).shape == (3, 2, 2, 1)


def test_workers_get_no_gpu_unless_the_caller_gives_them_one():
    show = ["-c", "import os; print(repr(os.environ['CUDA_VISIBLE_DEVICES']))"]
    assert distributed.run_workers(show, workers=np.int64(1), timeout=30) == ["''\n"]
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "0"}
    assert distributed.run_workers(show, workers=1, timeout=30, env=env) == ["'0'\n"]


def test_a_busy_port_is_named_instead_of_tensorflows_error(tmp_path, monkeypatch):
    import socket

    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        monkeypatch.setattr(distributed, "_free_ports", lambda n: [port])
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        with pytest.raises(RuntimeError) as info:
            distributed.run_workers(["-m", "gan_course.distributed", tmp_path / "run"], workers=1, timeout=60, env=env)
    finally:
        holder.close()
    first = str(info.value).splitlines()[0]
    assert f"port {port} on 127.0.0.1 is in use" in first and "run_workers" in first
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    "argv, environ, words",
    [
        (["out", "--epochs", "-1"], {}, "expected a positive integer, got -1"),
        (["out", "--batch-size", "many"], {}, "expected a positive integer, got 'many'"),
        (["out", "--epochs"], {}, "expected one argument"),
        ([], {}, "the following arguments are required: out"),
        (["out"], {"TF_CONFIG": None}, "TF_CONFIG is not set"),
        (["out"], {"TF_CONFIG": "{not json"}, "TF_CONFIG is not a worker's cluster configuration"),
        (["out"], {"TF_CONFIG": '{"task": {"index": 3}, "cluster": {"worker": []}}'}, "tf_config(ports, index)"),
        (["/no/such/folder/out"], {}, "does not exist"),
        (["out"], {"GAN_COURSE_WORKER_TIMEOUT": "soon"}, "GAN_COURSE_WORKER_TIMEOUT must be a positive number"),
        (["out"], {"GAN_COURSE_WORKER_TIMEOUT": "-5"}, "got '-5'"),
    ],
)
def test_the_worker_command_refuses_bad_arguments_without_a_traceback(argv, environ, words, monkeypatch, capsys):
    monkeypatch.setenv("TF_CONFIG", distributed.tf_config([20000], 0))
    for key, value in environ.items():
        if value is None:
            monkeypatch.delenv(key)
        else:
            monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as info:
        distributed.main(argv)
    assert info.value.code == 2
    assert words in capsys.readouterr().err
