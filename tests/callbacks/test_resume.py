"""Exact resume: `keras-gans train` killed with SIGKILL in the middle of an epoch and rerun with the
same command ends with the weights of an uninterrupted run (deterministic ops on).

Three real processes: the uninterrupted run, the run that is killed (tests/scripts/train_until.py
pauses it after a given step so that the kill lands mid-epoch at a known point), and the rerun.
"""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # tests/
ENV = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
# digits at 8×8: 1,618 training images → 12 batches of 128 per epoch (drop_remainder)
STEPS_PER_EPOCH = 12
KILL_AFTER = 17          # step 5 of epoch 2
SAVE_FREQ = 5            # backups after steps 5, 10, 15: the last one is epoch 2, batch 3


def command(out):
    return ["train", "dcgan", "--dataset", "digits", "--image-size", "8", "--batch-size", "128", "--latent-dim", "8",
            "--epochs", "2", "--seed", "3", "--save-freq", str(SAVE_FREQ), "--deterministic", "--verbose", "0",
            "--every", "100", "--out", str(out)]


def cli(args):
    return [sys.executable, "-c", "import sys; from keras_gans.cli import main; sys.exit(main(sys.argv[1:]))", *args]


def _weights(path):
    import keras

    import keras_gans  # noqa: F401  (registers the classes)

    model = keras.saving.load_model(str(path))
    return [np.asarray(w) for w in model.weights]


@pytest.mark.slow
def test_sigkill_mid_epoch_then_same_command_ends_with_uninterrupted_weights(tmp_path):
    straight, resumed, marker = tmp_path / "straight", tmp_path / "resumed", tmp_path / "paused"
    reference = subprocess.Popen(cli(command(straight)), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
    victim = subprocess.Popen([sys.executable, os.path.join(HERE, "scripts", "train_until.py"), str(KILL_AFTER),
                               str(marker), *command(resumed)], env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 900
        while not marker.exists():
            assert victim.poll() is None, victim.communicate()[0][-3000:]
            assert time.time() < deadline, "the run never reached the kill point"
            time.sleep(0.2)
        os.kill(victim.pid, signal.SIGKILL)
        victim.communicate(timeout=60)
        assert victim.returncode == -signal.SIGKILL
    finally:
        if victim.poll() is None:
            victim.kill()

    # What the kill left: a mid-epoch backup of step 15, and no finished model.
    meta = json.loads((resumed / "backup" / "training_metadata.json").read_text())
    assert (meta["epoch"], meta["batch"], meta["step"]) == (1, 3, 15)
    assert (resumed / "backup" / meta["weights"]).exists()
    assert not (resumed / "model.keras").exists()

    again = subprocess.run(cli(command(resumed)), env=ENV, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-3000:]
    out = reference.communicate(timeout=900)[0]
    assert reference.returncode == 0, out[-3000:]
    # `keras-gans train` keeps the finished run's backup (at its last step), so more --epochs can continue
    meta = json.loads((resumed / "backup" / "training_metadata.json").read_text())
    assert (resumed / "backup" / meta["weights"]).exists()

    a, b = _weights(straight / "model.keras"), _weights(resumed / "model.keras")
    assert len(a) == len(b) > 0
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# ---------------------------------------------------------------------------- in-process (fast)
class _Interrupt(Exception):
    pass


def _interrupt_after(step):
    import keras

    class Interrupt(keras.callbacks.Callback):
        seen = 0

        def on_train_batch_end(self, batch, logs=None):
            Interrupt.seen += 1
            if Interrupt.seen == step:
                raise _Interrupt(f"simulated crash after step {step}")

    return Interrupt()


def _run(backup_cls, backup_dir, with_dataset, interrupt_at=None, dtype_policy="float32"):
    """A fresh 'process': same seeds, new model and dataset objects; 3 epochs of 5 steps."""
    import keras
    import tensorflow as tf

    import keras_gans as kg

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(40, seed=1, reshuffle_each_iteration=True).batch(8)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=2, dtype_policy=dtype_policy)
    gan.compile()
    callbacks = []
    if backup_cls is not None:
        kwargs = {"dataset": ds} if with_dataset else {}
        callbacks.append(backup_cls(str(backup_dir), save_freq=3, **kwargs))
    if interrupt_at:
        callbacks.append(_interrupt_after(interrupt_at))
    try:
        gan.fit(ds, epochs=3, verbose=0, callbacks=callbacks)
    except _Interrupt:
        return None
    return [np.asarray(w) for w in gan.weights]


def _max_diff(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


def test_exact_backup_resumes_mid_epoch_like_an_uninterrupted_run(tmp_path):
    import keras

    from keras_gans.callbacks import ExactBackupAndRestore

    reference = _run(None, None, False)
    # crash after step 8 (epoch 2, batch 3); the last backup is step 6 (epoch 2, batch 1)
    assert _run(ExactBackupAndRestore, tmp_path / "exact", True, interrupt_at=8) is None
    meta = json.loads((tmp_path / "exact" / "training_metadata.json").read_text())
    assert (meta["epoch"], meta["batch"], meta["step"]) == (1, 1, 6)
    resumed = _run(ExactBackupAndRestore, tmp_path / "exact", True)
    assert _max_diff(resumed, reference) == 0.0

    # Keras' own callback restarts epoch 2 from its first batch: not the same run (the check can fail)
    assert _run(keras.callbacks.BackupAndRestore, tmp_path / "keras", False, interrupt_at=8) is None
    keras_resumed = _run(keras.callbacks.BackupAndRestore, tmp_path / "keras", False)
    assert _max_diff(keras_resumed, reference) > 1e-4


@pytest.mark.slow   # 10 s alone, 40 s in the parallel suite where bfloat16 is emulated (AVX2 CPUs); float32 above
def test_exact_backup_resumes_a_bfloat16_run_exactly(tmp_path):
    from keras_gans.callbacks import ExactBackupAndRestore

    reference = _run(None, None, False, dtype_policy="mixed_bfloat16")
    assert _run(ExactBackupAndRestore, tmp_path / "bf16", True, interrupt_at=8, dtype_policy="mixed_bfloat16") is None
    resumed = _run(ExactBackupAndRestore, tmp_path / "bf16", True, dtype_policy="mixed_bfloat16")
    assert _max_diff(resumed, reference) == 0.0


def test_latent_seed_state_is_saved_with_the_weights(tmp_path):
    import keras

    import keras_gans as kg

    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=5)
    gan.compile()
    for _ in range(3):
        gan.seed_generator.next()
    gan.save_weights(str(tmp_path / "w.weights.h5"))
    fresh = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=5)
    fresh.compile()
    assert not np.array_equal(np.asarray(fresh.seed_generator.state), np.asarray(gan.seed_generator.state))
    fresh.load_weights(str(tmp_path / "w.weights.h5"))
    np.testing.assert_array_equal(np.asarray(fresh.seed_generator.state), np.asarray(gan.seed_generator.state))
    gan.save(str(tmp_path / "m.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "m.keras"))
    np.testing.assert_array_equal(np.asarray(loaded.seed_generator.state), np.asarray(gan.seed_generator.state))


def test_skip_batches_passes_over_batches_without_training_on_them():
    """The GAN hook behind the exact resume: skipped steps take their batch and change nothing."""
    import keras
    import tensorflow as tf

    import keras_gans as kg

    x = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")

    def trained(data, skip=0):
        keras.utils.set_random_seed(0)
        gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=2)
        gan.compile()
        gan.skip_batches(skip)
        history = gan.fit(tf.data.Dataset.from_tensor_slices(data).batch(8), epochs=1, verbose=0)
        return gan, history

    skipped, history = trained(x, skip=2)
    assert int(skipped.d_optimizer.iterations) == 3 and np.isfinite(history.history["d_loss"][0])
    last_three, _ = trained(x[16:])
    assert _max_diff([np.asarray(w) for w in skipped.weights], [np.asarray(w) for w in last_three.weights]) == 0.0
    skipped.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    assert int(skipped.d_optimizer.iterations) == 3 + 5   # the hook is spent: the next fit trains on every batch


def test_a_model_without_the_hook_restarts_the_epoch_with_a_warning(tmp_path):
    import keras

    from keras_gans.callbacks import ExactBackupAndRestore

    x = np.random.default_rng(0).uniform(-1, 1, (40, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    backup = ExactBackupAndRestore(str(tmp_path / "b"), save_freq=3)
    with pytest.raises(_Interrupt):
        model.fit(x, x[:, :1], batch_size=8, epochs=2, shuffle=False, verbose=0,
                  callbacks=[backup, _interrupt_after(7)])
    with pytest.warns(UserWarning, match=r"no skip_batches\(\) hook .* epoch 2 restarts from its first batch"):
        model.fit(x, x[:, :1], batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[backup])
