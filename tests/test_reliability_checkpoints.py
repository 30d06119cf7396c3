"""A learner's run is never lost or silently changed: restore by name, the compiled optimizer wins,
pruning keeps this run's newest, a damaged newest checkpoint falls back, writers never collide,
and misconfigured callbacks or data fail before the first step."""

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_course
from gan_course import callbacks, models
from gan_course.gan import GAN


def _images(n=64):
    return np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def _gan(seed=0, d_opt=None, g_opt=None):
    gan_course.setup(seed, verbose=False)
    gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16), seed=seed)
    gan.compile(d_optimizer=d_opt, g_optimizer=g_opt)
    return gan


def _train(gan, directory, epochs, initial_epoch=0, keep=3):
    checkpoint = callbacks.Checkpoint(directory, keep=keep)
    gan.fit(
        _images(),
        batch_size=16,
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=False,
        verbose=0,
        callbacks=[checkpoint],
    )
    return checkpoint


def _slots(opt):
    return [np.asarray(v) for v in opt.variables[2:]]  # after iterations and the learning rate


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A run of ``_gan()`` checkpointed after epochs 1 and 2, and its G weights and G optimizer after epoch 1.

    Built once (two traced fits) for the tests that only read it: each copies the files it needs into its
    own folder (``_copy_run``), so none of them sees another's changes.
    """
    folder = tmp_path_factory.mktemp("trained_run")
    gan = _gan()
    _train(gan, folder, 1)
    at_epoch_1 = {
        "generator": gan.generator.get_weights(),
        "g_slots": _slots(gan.g_optimizer),
        "g_iterations": int(gan.g_optimizer.iterations),
    }
    _train(gan, folder, 2, initial_epoch=1)
    assert [e for e, _ in callbacks.list_checkpoints(folder)] == [1, 2] and not list(folder.glob(".*"))
    return folder, at_epoch_1


def _copy_run(run, directory, last_epoch):
    """Copy the trained run's checkpoints up to ``last_epoch`` into ``directory``."""
    folder, _ = run
    for epoch, path in callbacks.list_checkpoints(folder):
        if epoch <= last_epoch:
            for f in folder.glob(f"{path.name}.*"):
                shutil.copy2(f, directory / f.name)
    assert [e for e, _ in callbacks.list_checkpoints(directory)] == list(range(1, last_epoch + 1))


@pytest.mark.slow
def test_the_compiled_learning_rate_wins_and_the_line_says_so(tmp_path, capsys):
    trained = _gan(d_opt=keras.optimizers.Adam(1e-3), g_opt=keras.optimizers.Adam(1e-3))
    _train(trained, tmp_path, 2)
    lower = _gan(seed=1, d_opt=keras.optimizers.Adam(1e-4), g_opt=keras.optimizers.Adam(1e-3))
    assert callbacks.Checkpoint(tmp_path).restore(lower) == 2
    out = capsys.readouterr().out
    assert float(lower.d_optimizer.learning_rate) == pytest.approx(1e-4)  # NaNGuard's advice is kept
    assert float(lower.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert "d_optimizer: learning rate 0.0001 as compiled (the checkpoint had 0.001)" in out
    assert "g_optimizer: learning rate" not in out
    for a, b in zip(_slots(trained.d_optimizer), _slots(lower.d_optimizer)):  # moments restored by name
        np.testing.assert_array_equal(a, b)
    assert int(lower.d_optimizer.iterations) == int(trained.d_optimizer.iterations) == 8


@pytest.mark.slow
@pytest.mark.parametrize(
    "other", [lambda: keras.optimizers.SGD(1e-2), lambda: keras.optimizers.SGD(1e-2, momentum=0.9)]
)
def test_another_optimizer_type_starts_fresh_and_the_weights_load(tmp_path, capsys, other, trained_run):
    _copy_run(trained_run, tmp_path, 1)
    sgd = _gan(seed=1, d_opt=other(), g_opt=other())
    assert callbacks.Checkpoint(tmp_path).restore(sgd) == 1
    assert (
        "the checkpoint used Adam, this GAN is compiled with SGD; SGD starts with fresh state"
        in capsys.readouterr().out
    )
    assert int(sgd.g_optimizer.iterations) == 0 and float(sgd.g_optimizer.learning_rate) == pytest.approx(1e-2)
    for a, b in zip(trained_run[1]["generator"], sgd.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    sgd.fit(_images(), batch_size=16, epochs=2, initial_epoch=1, verbose=0)  # and it trains on


@pytest.mark.slow
def test_a_rerun_into_an_old_folder_stops_before_the_first_step(tmp_path):
    _train(_gan(), tmp_path, 3)
    fresh = _gan(seed=1)
    with pytest.raises(ValueError, match="holds checkpoints up to epoch 3, but this run starts at epoch 0.*new folder"):
        _train(fresh, tmp_path, 2)
    assert int(fresh.g_optimizer.iterations) == 0  # nothing trained, nothing written
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [1, 2, 3]


@pytest.mark.slow
def test_pruning_keeps_this_runs_newest_and_never_a_newer_epoch(tmp_path):
    gan = _gan()
    checkpoint = _train(gan, tmp_path, 4, keep=2)
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [3, 4]
    assert checkpoint.last_saved.name == "epoch-0004" and checkpoint.last_saved.with_suffix(".index").exists()
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0009", 9)  # another writer's newer checkpoint
    resumed = _gan(seed=1)
    checkpoint = callbacks.Checkpoint(tmp_path, keep=2)
    with pytest.raises(ValueError, match="up to epoch 9"):
        resumed.fit(_images(), batch_size=16, epochs=5, initial_epoch=4, verbose=0, callbacks=[checkpoint])
    checkpoint.set_model(resumed)
    checkpoint.on_epoch_end(4, {"d_loss": 1.0, "g_loss": 1.0})  # this run's epoch 5, beside the other's 9
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [4, 5, 9]  # 3 pruned, 9 untouched


def _damage(prefix, how):
    data = next(prefix.parent.glob(f"{prefix.name}.data-*"))
    if how == "flip":
        raw = bytearray(data.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        data.write_bytes(bytes(raw))
    elif how == "truncate":
        data.write_bytes(data.read_bytes()[:100])
    elif how == "index":
        prefix.with_suffix(".index").write_bytes(b"not an index")
    elif how == "no data":
        data.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["flip", "truncate", "index", "no data"])
def test_a_damaged_newest_checkpoint_falls_back_to_the_previous_one(tmp_path, capsys, how, trained_run):
    _copy_run(trained_run, tmp_path, 2)
    at_epoch_1 = trained_run[1]["generator"]
    _damage(tmp_path / "epoch-0002", how)
    with pytest.raises(ValueError, match="epoch-0002 .*damaged or incomplete.*delete its files"):
        callbacks.load_checkpoint(_gan(), tmp_path / "epoch-0002")
    resumed = _gan(seed=1)
    checkpoint = callbacks.Checkpoint(tmp_path)
    assert checkpoint.restore(resumed) == 1
    assert "skipping epoch-0002" in capsys.readouterr().out
    for a, b in zip(at_epoch_1, resumed.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    resumed.fit(_images(), batch_size=16, epochs=2, initial_epoch=1, verbose=0, callbacks=[checkpoint])
    callbacks.load_checkpoint(_gan(), tmp_path / "epoch-0002")  # rewritten, intact again


@pytest.mark.slow
def test_restore_leaves_a_live_writers_temporary_folder_alone(tmp_path, trained_run):
    _copy_run(trained_run, tmp_path, 1)
    live = tmp_path / f".tmp-{os.getpid()}-abcd1234"
    live.mkdir()
    dead_pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    dead = tmp_path / f".tmp-{dead_pid}-abcd1234"
    dead.mkdir()
    callbacks.Checkpoint(tmp_path).restore(_gan())
    assert live.exists() and not dead.exists()


WRITER = textwrap.dedent(
    """
    import sys
    import gan_course
    from gan_course import callbacks, models
    from gan_course.gan import GAN

    gan_course.setup(int(sys.argv[2]), verbose=False)
    gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16))
    gan.compile()
    for epoch in range(1, 16):
        callbacks._save_checkpoint(gan, f"{sys.argv[1]}/epoch-{epoch:04d}", epoch)
        callbacks.Checkpoint(sys.argv[1]).restore(gan)  # also sweeps dead writers' temporary folders
    print("WROTE", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["NotFoundError", "OpError"])  # TensorFlow reports the vanished index both ways
def test_restore_skips_a_checkpoint_that_vanishes_while_being_rewritten(tmp_path, monkeypatch, capsys, kind):
    import tensorflow as tf

    gan = _gan()
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0002", 2)
    real_load = callbacks.load_checkpoint

    def load(gan, path):  # epoch 2's index vanishes between the listing and TensorFlow's read, as in the race
        if path.name == "epoch-0002":
            (tmp_path / "epoch-0002.index").unlink()
            message = f"{path}.index; No such file or directory"
            if kind == "NotFoundError":
                raise tf.errors.NotFoundError(None, None, message)
            raise tf.errors.OpError(None, None, message, tf.errors.UNKNOWN)
        return real_load(gan, path)

    monkeypatch.setattr(callbacks, "load_checkpoint", load)
    checkpoint = callbacks.Checkpoint(tmp_path)
    assert checkpoint.restore(_gan()) == 1
    assert "epoch-0002: another process is rewriting it" in capsys.readouterr().out
    assert checkpoint.damaged == set()  # not damaged: rewritten


def test_restore_raises_a_tensorflow_error_on_a_checkpoint_that_is_still_there(tmp_path, monkeypatch):
    import tensorflow as tf

    callbacks._save_checkpoint(_gan(), tmp_path / "epoch-0001", 1)

    def load(gan, path):  # the index exists: this error is not the rewrite race, so it must not be hidden
        raise tf.errors.OpError(None, None, "disk on fire", tf.errors.UNKNOWN)

    monkeypatch.setattr(callbacks, "load_checkpoint", load)
    with pytest.raises(tf.errors.OpError, match="disk on fire"):
        callbacks.Checkpoint(tmp_path).restore(_gan())


@pytest.mark.slow
def test_two_writers_on_one_folder_never_break_each_other(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    folder = tmp_path / "ckpt"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(folder), str(s)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for s in (0, 1)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0 and "WROTE" in out, err[-2000:]
    assert [e for e, _ in callbacks.list_checkpoints(folder)] == list(range(1, 16))
    for epoch, path in callbacks.list_checkpoints(folder):  # each one complete and loadable
        assert callbacks.load_checkpoint(_gan(), path) == epoch
    assert not list(folder.glob(".tmp-*"))


def test_misconfigured_callbacks_fail_at_construction(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="is a file: give a folder for the checkpoints"):
        callbacks.Checkpoint(a_file)
    with pytest.raises(ValueError, match="is a file: give a folder for the sample grids"):
        callbacks.SampleGrid(np.zeros((4, 8)), directory=a_file)
    assert callbacks.Checkpoint(tmp_path, keep=np.int64(2)).keep == 2
    features = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        callbacks.FIDTracker(features, lambda x: x, batch_size=0)
    with pytest.raises(ValueError, match="every .* got 0"):
        callbacks.FIDTracker(features, lambda x: x, every=0)
    with pytest.raises(ValueError, match="extractor must map images to features"):
        callbacks.FIDTracker(features, None)


def test_a_wrong_width_z_fails_before_the_first_step():
    gan = _gan()
    grid = callbacks.SampleGrid(np.zeros((4, 5)), show=False)
    with pytest.raises(ValueError, match="z has 5 columns but the generator takes z_dim = 8"):
        gan.fit(_images(), batch_size=16, epochs=1, verbose=0, callbacks=[grid])
    assert int(gan.g_optimizer.iterations) == 0


@pytest.mark.slow
def test_tf_data_faults_are_named():
    gan = _gan()
    images = _images(32)
    nan = images.copy()
    nan[3, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="a training batch contains NaN or Inf values.*no weight was changed by it"):
        gan.fit(tf.data.Dataset.from_tensor_slices(nan).batch(16), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="NaN or Inf"):  # in a later batch
        gan.fit(tf.data.Dataset.from_tensor_slices(np.concatenate([images, nan])).batch(16), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"uint8 samples.*tf.float32\) / 127.5 - 1"):
        gan.fit(tf.data.Dataset.from_tensor_slices((images * 127 + 128).astype(np.uint8)).batch(16), verbose=0)
    with pytest.raises(ValueError, match=r"single samples of shape \(28, 28, 1\).*\.batch\(batch_size\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(images), epochs=1, verbose=0)
    pairs = tf.data.Dataset.from_tensor_slices((np.zeros((32, 32, 32, 3), np.float32), np.zeros(32))).batch(16)
    with pytest.raises(ValueError, match="take none|shape"):
        gan.fit(pairs, epochs=1, verbose=0)


KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    import gan_course
    from gan_course import callbacks, models
    from gan_course.gan import GAN

    directory, epochs, point, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    calls = {"n": 0}

    def dying(real):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == count:
                os.kill(os.getpid(), signal.SIGKILL)  # power cut at exactly this point of a checkpoint write
            return real(*args, **kwargs)
        return wrapper

    if point == "replace":
        callbacks.os.replace = dying(os.replace)
    elif point == "fsync":
        callbacks._fsync = dying(callbacks._fsync)
    gan_course.setup(0, verbose=False)
    gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16))
    gan.compile()
    checkpoint = callbacks.Checkpoint(directory, keep=2)
    start = checkpoint.restore(gan)
    images = np.random.default_rng(0).uniform(-1, 1, (128, 28, 28, 1)).astype(np.float32)
    gan.fit(images, batch_size=32, epochs=epochs, initial_epoch=start, verbose=0, callbacks=[checkpoint])
    print(f"START {start}", flush=True)
    """
)


# os.replace is called twice per checkpoint (data, then index), _fsync three times (data, index, folder)
@pytest.mark.slow
@pytest.mark.parametrize(("point", "count"), [("fsync", 1), ("fsync", 5), ("replace", 3), ("replace", 4)])
def test_sigkill_at_each_point_of_a_checkpoint_write_then_resume(tmp_path, point, count):
    script = tmp_path / "killed.py"
    script.write_text(KILLED_WRITER)
    folder = tmp_path / "ckpt"
    killed = subprocess.run(
        [sys.executable, str(script), str(folder), "6", point, str(count)], capture_output=True, text=True, timeout=300
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    saved = callbacks.list_checkpoints(folder)
    for epoch, path in saved:  # whatever is visible after the kill is complete
        assert callbacks.load_checkpoint(_gan(), path) == epoch
    # the resume, as the script's own: a fresh GAN restores and trains on (a new process resumes in the next test)
    resumed = _gan()
    checkpoint = callbacks.Checkpoint(folder, keep=2)
    start = checkpoint.restore(resumed)
    assert start == (saved[-1][0] if saved else 0)
    resumed.fit(_images(128), batch_size=32, epochs=4, initial_epoch=start, verbose=0, callbacks=[checkpoint])
    assert callbacks.list_checkpoints(folder)[-1][0] == 4
    assert not (folder / ".writer").exists()  # the killed writer's claim was taken over, then released
    assert not list(folder.glob(".tmp-*"))


@pytest.mark.slow
def test_sigkill_then_resume_in_a_new_process(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(KILLED_WRITER)
    directory = tmp_path / "ckpt"
    child = subprocess.Popen(
        [sys.executable, str(script), str(directory), "10000", "none", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not callbacks.list_checkpoints(directory) and time.time() < deadline and child.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)  # let it write several more checkpoints, then kill it mid-stride
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    saved = callbacks.list_checkpoints(directory)
    assert saved, "no checkpoint was written before the kill"
    for epoch, path in saved:  # every visible checkpoint is complete: every tensor reads, CRCs check
        reader = tf.train.load_checkpoint(str(path))
        assert int(reader.get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE")) == epoch
        assert all(reader.get_tensor(key) is not None for key in reader.get_variable_to_shape_map())
    last = saved[-1][0]
    target = last + 2
    done = subprocess.run(
        [sys.executable, str(script), str(directory), str(target), "none", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"START {last}" in done.stdout
    assert callbacks.list_checkpoints(directory)[-1][0] == target
    assert not [p for p in os.listdir(directory) if p.startswith(".tmp-")]  # restore() cleared the dead writer's


@pytest.mark.slow
def test_only_the_optimizer_whose_type_changed_starts_fresh(tmp_path, capsys, trained_run):
    _copy_run(trained_run, tmp_path, 1)
    trained = trained_run[1]
    mixed = _gan(seed=1, d_opt=keras.optimizers.SGD(1e-2), g_opt=keras.optimizers.Adam(2e-4))
    assert callbacks.Checkpoint(tmp_path).restore(mixed) == 1
    out = capsys.readouterr().out
    assert "d_optimizer: the checkpoint used Adam, this GAN is compiled with SGD" in out
    assert "g_optimizer" not in out  # same type, same rate: restored silently
    assert int(mixed.g_optimizer.iterations) == trained["g_iterations"] == 4 and int(mixed.d_optimizer.iterations) == 0
    for a, b in zip(trained["g_slots"], _slots(mixed.g_optimizer)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_a_checkpoint_written_with_a_schedule_resumes_with_a_fixed_rate(tmp_path, capsys):
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, 100)
    _train(_gan(d_opt=keras.optimizers.Adam(schedule), g_opt=keras.optimizers.Adam(schedule)), tmp_path, 1)
    fixed = _gan(seed=1, d_opt=keras.optimizers.Adam(1e-4), g_opt=keras.optimizers.Adam(1e-4))
    assert callbacks.Checkpoint(tmp_path).restore(fixed) == 1
    out = capsys.readouterr().out
    assert "the checkpoint used Adam with a learning-rate schedule, this GAN is compiled with Adam; Adam starts" in out
    assert float(fixed.d_optimizer.learning_rate) == pytest.approx(1e-4) and int(fixed.d_optimizer.iterations) == 0
    fixed.fit(_images(), batch_size=16, epochs=2, initial_epoch=1, verbose=0)  # and it trains on


# ------------------------------------------------------------------ issue 27: one run per folder, finite weights


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from gan_course import callbacks

    callbacks._claim(Path(sys.argv[1]), ["another run's signature"])
    print("CLAIMED", flush=True)
    time.sleep(300)
    """
)


@pytest.mark.slow
def test_a_second_live_writer_is_refused_and_a_killed_ones_claim_is_taken_over(tmp_path, capsys):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    folder = tmp_path / "ckpt"
    holder = subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "CLAIMED"
        gan = _gan()
        message = (
            rf"{re.escape(str(folder))} is in use by another run \(process {holder.pid} on {socket.gethostname()}, "
            r"started .*, another architecture\).*Wait for that run to finish .*, or give this one another folder"
        )
        with pytest.raises(ValueError, match=message):
            _train(gan, folder, 2)
        assert int(gan.g_optimizer.iterations) == 0 and callbacks.list_checkpoints(folder) == []
    finally:
        holder.kill()
        holder.wait()
    capsys.readouterr()
    _train(gan, folder, 1)  # its claim died with it
    assert f"{folder}: taking over from process {holder.pid} on {socket.gethostname()}" in capsys.readouterr().out
    assert [e for e, _ in callbacks.list_checkpoints(folder)] == [1]
    assert not (folder / ".writer").exists()  # released at the end of fit


def test_a_claim_file_left_by_a_dead_process_is_taken_over(tmp_path, capsys):
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    (tmp_path / ".writer").write_text(json.dumps({"pid": dead, "host": "here", "started": "then", "signature": []}))
    callbacks._claim(tmp_path, ["ours"])
    assert capsys.readouterr().out == f"{tmp_path}: taking over from process {dead} on here, which has stopped\n"
    assert json.loads((tmp_path / ".writer").read_text())["pid"] == os.getpid()
    callbacks._claim(tmp_path, ["ours"])  # this process again: allowed, silently
    assert capsys.readouterr().out == ""
    callbacks._release(tmp_path)
    assert not (tmp_path / ".writer").exists()


@pytest.mark.slow
def test_the_same_process_resumes_into_its_folder_after_a_fit_that_raised(tmp_path):
    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("the kernel was interrupted")

    gan = _gan()
    checkpoint = callbacks.Checkpoint(tmp_path)
    with pytest.raises(RuntimeError, match="interrupted"):  # Keras calls no on_train_end after this
        gan.fit(_images(), batch_size=16, epochs=3, verbose=0, callbacks=[checkpoint, Crash()])
    assert json.loads((tmp_path / ".writer").read_text())["pid"] == os.getpid()
    resumed = _gan(seed=1)
    again = callbacks.Checkpoint(tmp_path)  # a new Checkpoint on its own folder, in the same process
    start = again.restore(resumed)
    assert start == 1
    resumed.fit(_images(), batch_size=16, epochs=3, initial_epoch=start, verbose=0, callbacks=[again])
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [1, 2, 3] and not (tmp_path / ".writer").exists()
    with pytest.raises(ValueError, match="holds checkpoints up to epoch 3"):  # refused before its first step...
        _train(_gan(), tmp_path, 2)
    assert not (tmp_path / ".writer").exists()  # ...and the folder is not left claimed


def _poison(gan, where):
    if where == "optimizer":
        variable = gan.g_optimizer.variables[2]  # Adam's first moment of G's first kernel
    else:
        variable = getattr(gan, where).weights[0]
    value = variable.numpy()
    value.flat[0] = np.nan
    variable.assign(value)


@pytest.mark.parametrize("where", ["generator", "discriminator", "generator_ema", "optimizer"])
def test_a_checkpoint_with_non_finite_weights_is_skipped_and_never_loaded(tmp_path, capsys, where):
    def ema_gan(seed):
        gan_course.setup(seed, verbose=False)
        gan = GAN(models.mlp_generator(8, hidden=16), models.mlp_discriminator(hidden=16), seed=seed, ema=0.9)
        gan.compile()
        return gan

    gan = ema_gan(0)
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    good = [w.numpy() for net in (gan.generator, gan.discriminator, gan.generator_ema) for w in net.weights]
    _poison(gan, where)
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0002", 2)  # bypasses Checkpoint's own refusal
    with pytest.raises(ValueError, match=rf"epoch-0002 in {re.escape(str(tmp_path))}: its weights are not finite"):
        callbacks.load_checkpoint(ema_gan(1), tmp_path / "epoch-0002")
    resumed = ema_gan(1)
    checkpoint = callbacks.Checkpoint(tmp_path)
    assert checkpoint.restore(resumed) == 1
    assert "skipping epoch-0002: epoch-0002 in" in capsys.readouterr().out
    assert checkpoint.damaged == {2}  # so the resumed run may write its own epoch 2 over it
    restored = [
        w.numpy() for net in (resumed.generator, resumed.discriminator, resumed.generator_ema) for w in net.weights
    ]
    for a, b in zip(good, restored):
        np.testing.assert_array_equal(a, b)
    assert all(np.all(np.isfinite(v.numpy())) for v in resumed.g_optimizer.variables)


def test_checkpoint_refuses_exploded_weights_as_it_refuses_non_finite_ones(tmp_path, capsys):
    gan = _gan()
    checkpoint = callbacks.Checkpoint(tmp_path)
    checkpoint.set_model(gan)
    finite = {"d_loss": 0.7, "g_loss": 0.7}
    checkpoint.on_epoch_end(0, finite)
    kernel = gan.discriminator.weights[0]
    for value, written in [(3e22, False), (np.inf, False), (-2e6, False), (1e5, True)]:
        w = kernel.numpy()
        w[0, 0] = value
        kernel.assign(w)
        checkpoint.on_epoch_end(1, finite)
        assert (tmp_path / "epoch-0002.index").exists() == written, value
    out = capsys.readouterr().out
    assert (
        out.count(
            "epoch 2: its weights are not finite or exceed 1e+06 in size (training diverged); checkpoint not written "
            "(the last good one is epoch-0001)"
        )
        == 3
    )
    checkpoint.on_epoch_end(2, {"d_loss": np.nan, "g_loss": 0.7})
    assert "epoch 3: its losses are not finite; checkpoint not written (the last good one is epoch-0002)" in (
        capsys.readouterr().out
    )


def test_nan_guard_stops_on_an_exploding_loss_and_its_advice_names_a_usable_checkpoint(tmp_path, capsys):
    gan = _gan()
    checkpoint = callbacks.Checkpoint(tmp_path)
    checkpoint.set_model(gan)
    for epoch in range(2):
        checkpoint.on_epoch_end(epoch, {"d_loss": 0.7, "g_loss": 0.7})
    guard = callbacks.NaNGuard(checkpoint, max_loss=1e4)
    guard.set_model(gan)
    guard.on_train_begin()
    guard.on_epoch_begin(2)
    guard.on_train_batch_end(0, {"d_loss": 9999.0, "g_loss": -9999.0})  # large, but not above max_loss
    assert guard.stopped_at is None and not gan.stop_training
    guard.on_train_batch_end(1, {"d_loss": 0.5, "g_loss": -2e4})
    assert guard.stopped_at == (3, 2) and gan.stop_training
    assert capsys.readouterr().out == (
        "training stopped at epoch 3, step 2: g_loss = -2e+04 (above max_loss = 10000); the last good checkpoint is "
        "epoch-0002. Lower the learning rate (compile again), then resume from it: "
        "initial_epoch = checkpoint.restore(gan).\n"
    )
    checkpoint.on_epoch_end(2, {"d_loss": 0.7, "g_loss": 0.7})  # the epoch it stopped in has finite means
    assert "epoch 3: NaNGuard stopped training during it; checkpoint not written" in capsys.readouterr().out
    assert callbacks.Checkpoint(tmp_path).restore(_gan(seed=1)) == 2  # the advice holds: epoch-0002 is used
    guard.on_train_begin()  # the resumed fit is guarded again
    assert guard.stopped_at is None
    alone = callbacks.NaNGuard()
    alone.set_model(gan)
    alone.on_train_batch_end(0, {"d_loss": np.inf, "g_loss": 1.0})
    assert "d_loss = inf; no checkpoint was written. Lower the learning rate (compile again), then train again." in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_loss": 0}, "max_loss must be a positive number, got 0"),
        ({"max_loss": -1.0}, "max_loss must be a positive number"),
        ({"max_loss": float("nan")}, "max_loss must be a finite number, got nan"),
        ({"max_loss": "1e4"}, "max_loss must be a positive number, got '1e4'.*not a string"),
        ({"checkpoint": "outputs/checkpoints"}, "checkpoint must be a callbacks.Checkpoint"),
    ],
)
def test_nan_guard_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        callbacks.NaNGuard(**kwargs)


def test_a_checkpoint_of_another_width_is_refused_by_name_and_changes_nothing(tmp_path, monkeypatch):
    narrow = _gan()
    callbacks._save_checkpoint(narrow, tmp_path / "epoch-0001", 1)
    gan_course.setup(1, verbose=False)
    wider = GAN(models.mlp_generator(8, hidden=32), models.mlp_discriminator(hidden=16), seed=1)
    wider.compile()
    folder = re.escape(str(tmp_path))
    with pytest.raises(ValueError, match=rf"epoch-0001 in {folder} was written by a different architecture \(first"):
        callbacks.Checkpoint(tmp_path).restore(wider)
    # the shapes differ although the metadata agrees: TensorFlow's error, named, and nothing half-restored
    before = [v.numpy() for v in wider.variables + wider.g_optimizer.variables + wider.d_optimizer.variables]
    saved = callbacks._weights_signature(narrow)
    monkeypatch.setattr(callbacks, "_weights_signature", lambda gan: saved)
    with pytest.raises(ValueError, match=rf"epoch-0001 in {folder} was written by a different architecture \(Rece"):
        callbacks.load_checkpoint(wider, tmp_path / "epoch-0001")
    after = [v.numpy() for v in wider.variables + wider.g_optimizer.variables + wider.d_optimizer.variables]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def test_a_checkpoint_without_metadata_is_named_and_skipped(tmp_path, capsys):
    gan = _gan()
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    tf.train.Checkpoint(generator=gan.generator).write(str(tmp_path / "epoch-0002"))  # written by other code
    with pytest.raises(ValueError, match="epoch-0002 in .*: it holds no gan_course metadata"):
        callbacks.load_checkpoint(gan, tmp_path / "epoch-0002")
    assert callbacks.Checkpoint(tmp_path).restore(_gan(seed=1)) == 1
    assert "skipping epoch-0002" in capsys.readouterr().out


@pytest.mark.parametrize("step", ["tensorflow write", "index rename"])
def test_a_full_disk_names_the_folder_and_leaves_no_half_checkpoint(tmp_path, monkeypatch, step):
    gan = _gan()
    callbacks._save_checkpoint(gan, tmp_path / "epoch-0001", 1)
    full = OSError(errno.ENOSPC, "No space left on device")
    if step == "tensorflow write":

        def write(self, prefix):
            Path(prefix + ".data-00000-of-00001").write_bytes(b"half")
            raise full

        monkeypatch.setattr(tf.train.Checkpoint, "write", write)
    else:
        real_replace = os.replace

        def replace(src, dst):
            if str(dst).endswith(".index"):
                raise full
            real_replace(src, dst)

        monkeypatch.setattr(callbacks.os, "replace", replace)
    message = (
        rf"could not write checkpoint epoch-0002 into {re.escape(str(tmp_path))} \(No space left on device\): "
        "free some space on that disk or make the folder writable, or give Checkpoint another folder"
    )
    with pytest.raises(OSError, match=message) as caught:
        callbacks._save_checkpoint(gan, tmp_path / "epoch-0002", 2)
    assert caught.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("epoch-0001")) == []
    assert [e for e, _ in callbacks.list_checkpoints(tmp_path)] == [1]


def test_an_unwritable_folder_fails_before_the_first_step(tmp_path, monkeypatch):
    gan = _gan()
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".writer"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(callbacks.os, "open", read_only)
    message = rf"cannot write into {re.escape(str(tmp_path))} \(Permission denied\): give Checkpoint a folder you can"
    with pytest.raises(OSError, match=message):
        _train(gan, tmp_path, 1)
    assert int(gan.g_optimizer.iterations) == 0
