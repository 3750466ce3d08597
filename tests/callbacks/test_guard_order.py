"""DivergenceGuard works wherever it stands in the callback list: GAN.fit runs callbacks with
`runs_first = True` before the others, so a callback that writes on batch end never sees the NaN step."""
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.callbacks.guards import DivergenceError, DivergenceGuard
from keras_gans.models.resumable import callbacks_first


class _BatchWriter(keras.callbacks.Callback):
    """Writes one file per batch end with the step's logs, as a checkpointing callback would."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def on_train_batch_end(self, batch, logs=None):
        logs = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in (logs or {}).items()}
        (self.folder / f"batch{batch}.json").write_text(json.dumps(logs))


def _gan():
    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0)
    gan.compile()
    return gan


def _data(nan_batch=2, n_batches=5, batch=4):
    x = np.random.default_rng(0).uniform(-1, 1, (n_batches * batch, 8, 8, 1)).astype("float32")
    x[nan_batch * batch] = np.nan  # passes fit's first-batch data check, poisons step nan_batch + 1
    return tf.data.Dataset.from_tensor_slices(x).batch(batch)


def _written(folder):
    files = sorted(folder.glob("batch*.json"))
    return {f.stem: json.loads(f.read_text()) for f in files}


def test_guard_after_a_writer_stops_before_the_writer_sees_the_nan_batch(tmp_path):
    # Control: in the list's own order (keras.Model.fit), the writer records the NaN step first.
    control = tmp_path / "control"
    control.mkdir()
    with pytest.raises(DivergenceError):
        keras.Model.fit(_gan(), _data(), epochs=1, verbose=0, callbacks=[_BatchWriter(control), DivergenceGuard()])
    assert any(np.isnan(v) for logs in _written(control).values() for v in logs.values())

    # GAN.fit moves the guard first: it raises at step 3 before the writer sees batch 2.
    guarded = tmp_path / "guarded"
    guarded.mkdir()
    callbacks = [_BatchWriter(guarded), DivergenceGuard()]
    with pytest.raises(DivergenceError, match="epoch 1, step 3"):
        _gan().fit(_data(), epochs=1, verbose=0, callbacks=callbacks)
    written = _written(guarded)
    assert sorted(written) == ["batch0", "batch1"]
    assert all(np.isfinite(v) for logs in written.values() for v in logs.values())
    assert isinstance(callbacks[0], _BatchWriter)  # the caller's list is left as it was


def test_positional_callbacks_are_ordered_too(tmp_path):
    # keras.Model.fit(x, y, batch_size, epochs, verbose, callbacks)
    with pytest.raises(DivergenceError):
        _gan().fit(_data(), None, None, 1, 0, [_BatchWriter(tmp_path), DivergenceGuard()])
    assert sorted(_written(tmp_path)) == ["batch0", "batch1"]


def test_callbacks_first_keeps_each_group_in_order():
    writer_a, writer_b, guard_a, guard_b = (_BatchWriter(None), _BatchWriter(None), DivergenceGuard(),
                                            DivergenceGuard())
    assert DivergenceGuard.runs_first is True
    assert callbacks_first([writer_a, guard_a, writer_b, guard_b]) == [guard_a, guard_b, writer_a, writer_b]
    assert callbacks_first(None) is None
    assert callbacks_first((writer_a,)) == [writer_a]
