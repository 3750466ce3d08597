"""Saving and resuming a two-optimizer GAN: each trap of DESIGN.md's "Facts measured" has a test."""
import csv
import os

import keras
import numpy as np
import pytest

import keras_gans as kg
from helpers import tiny_networks


def _train(gan, ds, epochs=1, **kw):
    return gan.fit(ds, epochs=epochs, verbose=0, **kw)


def _optimizer_state(opt):
    return [v.numpy().copy() for v in opt.variables]


def test_keras_file_round_trip_generates_identically(tiny_gan, small_ds, tmp_path):
    _train(tiny_gan, small_ds)
    path = tmp_path / "gan.keras"
    tiny_gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is kg.models.DCGAN
    np.testing.assert_array_equal(loaded.generate(8, seed=3), tiny_gan.generate(8, seed=3))
    # The custom compile() is restored (optimizers, their state, the loss), not an unused default optimizer.
    assert loaded.compiled
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert int(loaded.d_optimizer.iterations) == int(tiny_gan.d_optimizer.iterations) == 8
    for a, b in zip(_optimizer_state(tiny_gan.g_optimizer), _optimizer_state(loaded.g_optimizer)):
        np.testing.assert_array_equal(a, b)
    assert loaded.gan_loss.name == "non_saturating"
    assert getattr(loaded, "optimizer", None) is None
    # ... and it keeps training.
    _train(loaded, small_ds.take(2))
    assert int(loaded.d_optimizer.iterations) == 10


def test_weights_round_trip_on_a_never_called_model(tiny_gan, small_ds, tmp_path):
    _train(tiny_gan, small_ds)
    path = tmp_path / "gan.weights.h5"
    tiny_gan.save_weights(path)  # would raise "has not yet been built" without self.built
    g, d = tiny_networks()
    fresh = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8)
    fresh.compile()
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.generate(4, seed=0), tiny_gan.generate(4, seed=0))
    assert int(fresh.g_optimizer.iterations) == 8  # optimizer state is not skipped


def test_backup_and_restore_resumes_optimizer_state_exactly(small_ds, tmp_path):
    backup = str(tmp_path / "backup")

    def make():
        keras.utils.set_random_seed(0)
        g, d = tiny_networks()
        gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, seed=0)
        gan.compile()
        return gan

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    first = make()
    with pytest.raises(KeyboardInterrupt):
        first.fit(small_ds, epochs=4, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt()])
    saved_state = _optimizer_state(first.d_optimizer)
    saved_iterations = int(first.d_optimizer.iterations)
    assert saved_iterations == 16

    seen = {}

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["iterations"] = int(self.model.d_optimizer.iterations)
            seen["state"] = _optimizer_state(self.model.d_optimizer)

        def on_epoch_begin(self, epoch, logs=None):
            seen.setdefault("epochs", []).append(epoch)

    second = make()
    second.fit(small_ds, epochs=4, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup), Record()])
    assert seen["iterations"] == saved_iterations
    for a, b in zip(saved_state, seen["state"]):
        np.testing.assert_array_equal(a, b)
    assert seen["epochs"] == [2, 3]
    assert int(second.d_optimizer.iterations) == 32


def test_standard_callbacks_work_with_a_gan(tiny_gan, small_ds, tmp_path):
    ckpt = tmp_path / "ckpt-{epoch:02d}.weights.h5"
    log = tmp_path / "log.csv"
    tb = tmp_path / "tb"
    hist = tiny_gan.fit(small_ds, epochs=3, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(str(ckpt), save_weights_only=True, monitor="g_loss", mode="min"),
        keras.callbacks.CSVLogger(str(log)),
        keras.callbacks.TensorBoard(str(tb)),
        keras.callbacks.EarlyStopping(monitor="d_loss", mode="min", patience=5),
        keras.callbacks.TerminateOnNaN(),
    ])
    assert len(hist.history["g_loss"]) == 3
    assert sorted(os.listdir(tmp_path / ".")) >= ["ckpt-01.weights.h5"]
    assert (tmp_path / "ckpt-03.weights.h5").exists()
    rows = list(csv.DictReader(open(log)))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"] and "d_acc_fake" in rows[0]
    events = [f for _, _, fs in os.walk(tb) for f in fs if "tfevents" in f]
    assert events, "TensorBoard wrote no event file (is the tensorboard package installed?)"


def test_terminate_on_nan_stops_a_diverging_gan(small_ds):
    g, d = tiny_networks()
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8)
    gan.compile(loss=(lambda r, f: keras.ops.log(keras.ops.mean(r) * 0.0 - 1.0), lambda f, r=None: keras.ops.mean(f)))
    hist = gan.fit(small_ds, epochs=3, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(hist.history["d_loss"]) == 1 and np.isnan(hist.history["d_loss"][0])


def test_save_is_atomic(tiny_gan, tmp_path, monkeypatch):
    path = tmp_path / "gan.keras"
    tiny_gan.save(path)
    before = path.read_bytes()

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(keras.Model, "save", broken)
    with pytest.raises(RuntimeError):
        tiny_gan.save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["gan.keras"]  # no temp file left behind
    monkeypatch.undo()
    with pytest.raises(RuntimeError):  # a failed save into a new folder removes the folder it created
        with monkeypatch.context() as m:
            m.setattr(keras.Model, "save", broken)
            tiny_gan.save(tmp_path / "missing" / "gan.keras")
    assert sorted(os.listdir(tmp_path)) == ["gan.keras"]
