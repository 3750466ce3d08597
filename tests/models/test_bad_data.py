"""Bad data anywhere: a NaN/Inf in a later batch stops `fit` naming the epoch and step (no DivergenceGuard
needed), nothing saves NaN/Inf weights, and an empty dataset or a batch larger than the data is a clear error
with both numbers instead of a bare StopIteration."""
import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import non_finite_h5_datasets
from keras_gans.models.resumable import DivergenceError, FiniteLossGuard


def _gan():
    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0)
    gan.compile()
    return gan


def _images(n=40, nan_at=None, value=np.nan):
    x = np.random.default_rng(0).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")
    if nan_at is not None:
        x[nan_at, 3, 3, 0] = value
    return x


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_bad_pixel_in_batch_5_of_a_dataset_stops_at_epoch_and_step(value):
    # image 17 is in the 5th batch of 4; the first batch is clean, so fit's data check passes
    ds = tf.data.Dataset.from_tensor_slices(_images(nan_at=17, value=value)).batch(4)
    gan = _gan()
    with pytest.raises(DivergenceError, match=r"Training diverged: d_loss = (nan|inf).* at epoch 1, step 5\. "
                                              r".*Check the data for NaN/Inf images") as err:
        gan.fit(ds, epochs=2, verbose=0)
    assert isinstance(err.value, ValueError)  # the CLI reports it as one line, exit 2


def test_a_nan_in_the_second_epoch_is_reported_there():
    x = _images(n=16)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4)
    poisoned = tf.data.Dataset.from_tensor_slices(_images(n=16, nan_at=9)).batch(4)
    gan = _gan()
    gan.fit(ds, epochs=1, verbose=0)
    with pytest.raises(DivergenceError, match=r"at epoch 2, step 3\."):
        gan.fit(poisoned, initial_epoch=1, epochs=2, verbose=0)


def test_a_nan_batch_stops_with_the_progress_bar_on(capsys):
    ds = tf.data.Dataset.from_tensor_slices(_images(nan_at=21)).batch(4)  # batch 6
    gan = _gan()
    with pytest.raises(DivergenceError, match=r"at epoch 1, step 6\."):
        gan.fit(ds, epochs=1, verbose=2)


def test_no_checkpoint_backup_or_save_ever_holds_non_finite_weights(tmp_path):
    backup, ckpt = tmp_path / "backup", tmp_path / "ckpt.weights.h5"
    callbacks = [keras.callbacks.BackupAndRestore(str(backup), save_freq=1, delete_checkpoint=False),
                 keras.callbacks.ModelCheckpoint(str(ckpt), save_weights_only=True, save_freq=1)]
    ds = tf.data.Dataset.from_tensor_slices(_images(nan_at=17)).batch(4)
    gan = _gan()
    with pytest.raises(DivergenceError, match=r"epoch 1, step 5"):
        gan.fit(ds, epochs=1, verbose=0, callbacks=callbacks)  # the default guard, placed last, runs first
    saved = [str(p) for p in backup.rglob("*.h5")] + [str(ckpt)]
    assert all(os.path.exists(p) for p in saved) and len(saved) >= 2  # steps 1-4 were saved
    for path in saved:
        assert non_finite_h5_datasets(path) == [], path
    # the model in memory is broken now: save, save_weights and the checkpoints refuse it, the old files stay
    assert not np.isfinite(gan.generator.get_weights()[0]).all() or not all(
        np.isfinite(w).all() for w in gan.discriminator.get_weights())
    before = open(ckpt, "rb").read()
    with pytest.raises(DivergenceError, match=r"Not saving .*ckpt\.weights\.h5.*NaN/Inf.*Reload the last good"):
        gan.save_weights(str(ckpt))
    with pytest.raises(DivergenceError, match=r"Not saving .*model\.keras"):
        gan.save(str(tmp_path / "model.keras"))
    assert open(ckpt, "rb").read() == before and not (tmp_path / "model.keras").exists()
    assert [p for p in os.listdir(tmp_path) if "tmp" in p] == []


def test_the_default_guard_is_added_once_and_yields_to_divergence_guard():
    from keras_gans.models.resumable import with_finite_guard

    assert [type(c) for c in with_finite_guard(None)] == [FiniteLossGuard]
    mine = keras.callbacks.History()
    assert [type(c) for c in with_finite_guard([mine])] == [keras.callbacks.History, FiniteLossGuard]
    guard = kg.callbacks.DivergenceGuard()
    assert with_finite_guard([guard]) == [guard]
    quiet = keras.callbacks.TerminateOnNaN()
    assert with_finite_guard((quiet,)) == (quiet,)
    assert kg.callbacks.DivergenceError is DivergenceError


def test_a_clean_run_is_unchanged_by_the_guard():
    """The guard reads logs only: the same data and seed give the same weights with and without it."""
    ds = tf.data.Dataset.from_tensor_slices(_images()).batch(4)
    guarded = _gan()
    guarded.fit(ds, epochs=1, verbose=0)
    quiet = _gan()
    quiet.fit(ds, epochs=1, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])  # no FiniteLossGuard
    for a, b in zip(guarded.get_weights(), quiet.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_cli_train_reports_epoch_and_step_of_a_nan_in_batch_5(tmp_path, monkeypatch, capsys):
    from keras_gans import cli, data

    def poisoned(name, batch_size=64, **kwargs):  # what the recipe loads, with a NaN image in batch 5
        x = np.random.default_rng(0).uniform(-1, 1, (8 * batch_size, 28, 28, 1)).astype("float32")
        x[4 * batch_size + 1, 5, 5, 0] = np.nan
        return tf.data.Dataset.from_tensor_slices(x).batch(batch_size, drop_remainder=True)

    monkeypatch.setattr(data, "load", poisoned)
    out = tmp_path / "run"
    code = cli.main(["train", "dcgan", "--batch-size", "4", "--epochs", "1", "--verbose", "0", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert re.search(r"^keras-gans train: error: Training diverged: .*nan.* at epoch 1, step 5\.", err), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (out / "model.keras").exists()
    for path in out.rglob("*.h5"):
        assert non_finite_h5_datasets(str(path)) == [], path


# ---------------------------------------------------------------------------- empty data, batch > data
def test_an_empty_dataset_is_a_clear_error():
    gan = _gan()
    empty = tf.data.Dataset.from_tensor_slices(_images(n=0)).batch(4)
    with pytest.raises(ValueError, match=r"The dataset is empty \(it yields no batch\)"):
        gan.fit(empty, verbose=0)
    filtered = tf.data.Dataset.from_tensor_slices(_images(n=8)).filter(lambda x: False).batch(4)  # size unknown
    with pytest.raises(ValueError, match=r"The dataset is empty"):
        gan.fit(filtered, verbose=0)


def test_a_batch_larger_than_the_data_names_both_numbers():
    gan = _gan()
    ds = tf.data.Dataset.from_tensor_slices(_images(n=10)).shuffle(10).batch(64, drop_remainder=True).prefetch(1)
    with pytest.raises(ValueError, match=r"batches hold 64 images \(drop_remainder=True\) but it has 10 images"):
        gan.fit(ds, verbose=0)


def test_load_with_a_batch_larger_than_the_data_names_both_numbers():
    with pytest.raises(ValueError, match=r"batch_size=501 is larger than the dataset \(500 images\).*"
                                         r"batch_size <= 500, drop_remainder=False, or repeat=True"):
        kg.data.load("mnist-5k", split="test", batch_size=501)
    # what the message offers works
    assert next(iter(kg.data.load("mnist-5k", split="test", batch_size=501, drop_remainder=False))).shape[0] == 500
    assert next(iter(kg.data.load("mnist-5k", split="test", batch_size=501, repeat=True))).shape[0] == 501


def test_load_of_an_image_folder_smaller_than_a_batch(tmp_path):
    from PIL import Image

    for i in range(3):
        Image.fromarray(np.full((8, 8), 40 * i, np.uint8)).save(tmp_path / f"{i}.png")
    with pytest.raises(ValueError, match=r"batch_size=4 is larger than the dataset \(3 images\)"):
        kg.data.load(str(tmp_path), batch_size=4, image_size=(8, 8))
    assert next(iter(kg.data.load(str(tmp_path), batch_size=3, image_size=(8, 8)))).shape == (3, 8, 8, 3)
