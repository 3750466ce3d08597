"""Keras' own SpectralNormalization and OrthogonalRegularizer under the package's usage, and
`with_spectral_norm`, which wraps every kernel layer of a network."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def _tiny_d(**dense_kwargs):
    return keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(4, 3, strides=2),
                             keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2), keras.layers.Flatten(),
                             keras.layers.Dense(1, **dense_kwargs)])


def _train_step(model, x, y):
    """One update as a GAN's train_step does it: a tape, training=True, the model's losses, apply_gradients."""
    optimizer = keras.optimizers.Adam(1e-2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.softplus(-y * model(x, training=True))) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


def _top_singular_value(kernel):
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def test_with_spectral_norm_wraps_kernels_keeps_weights_and_normalises_in_training():
    keras.utils.set_random_seed(0)
    d = _tiny_d(kernel_initializer=keras.initializers.RandomNormal(stddev=3.0))
    x = np.random.default_rng(0).standard_normal((4, 6, 6, 1)).astype("float32")
    d(x)
    sn = kg.networks.with_spectral_norm(d)
    assert [type(layer).__name__ for layer in sn.layers] == [
        "SpectralNormalization", "BatchNormalization", "LeakyReLU", "Flatten", "SpectralNormalization"]
    np.testing.assert_allclose(np.asarray(sn(x, training=False)), np.asarray(d(x, training=False)), atol=1e-5)
    dense = sn.layers[-1].layer
    assert _top_singular_value(dense.kernel.numpy()) > 2.0
    for _ in range(3):                                   # each training call: kernel ← kernel / σ̂
        sn(x, training=True)
    assert _top_singular_value(dense.kernel.numpy()) == pytest.approx(1.0, abs=1e-3)
    assert _top_singular_value(sn.layers[0].layer.kernel.numpy()) == pytest.approx(1.0, abs=0.05)
    before = dense.kernel.numpy().copy()
    assert np.isfinite(_train_step(sn, x, np.ones((4, 1), "float32")))
    assert not np.allclose(dense.kernel.numpy(), before)
    # Nested blocks are wrapped too.
    nested = keras.Sequential([keras.Input((3,)), keras.Sequential([keras.layers.Dense(2)], name="block")])
    inner = kg.networks.with_spectral_norm(nested).get_layer("block")
    assert type(inner.layers[0]).__name__ == "SpectralNormalization"


def test_spectral_normalization_trains_one_step_and_round_trips(tmp_path):
    keras.utils.set_random_seed(1)
    d = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.SpectralNormalization(keras.layers.Conv2D(4, 3)),
                          keras.layers.Flatten(), keras.layers.SpectralNormalization(keras.layers.Dense(1))])
    x = np.random.default_rng(1).standard_normal((4, 6, 6, 1)).astype("float32")
    assert np.isfinite(_train_step(d, x, np.ones((4, 1), "float32")))
    assert all("vector_u" not in v.path for v in d.trainable_variables)   # u is not trained
    path = str(tmp_path / "d.keras")
    d.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(x, training=False)), np.asarray(d(x, training=False)), atol=1e-6)


def test_orthogonal_regularizer_adds_its_penalty_and_trains_one_step():
    keras.utils.set_random_seed(2)
    regularizer = keras.regularizers.OrthogonalRegularizer(factor=0.5, mode="columns")
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=regularizer),
                          keras.layers.Dense(1)])
    x = np.random.default_rng(2).standard_normal((4, 4)).astype("float32")
    d(x)
    kernel = d.layers[0].kernel.numpy()
    unit = kernel / np.linalg.norm(kernel, axis=0, keepdims=True)        # the columns (units), normalised
    gram = unit.T @ unit
    expected = 0.5 * 0.5 * np.abs(gram - np.diag(np.diag(gram))).sum() / (3 * 2 / 2)
    assert float(sum(d.losses)) == pytest.approx(expected, rel=1e-4)
    assert np.isfinite(_train_step(d, x, np.ones((4, 1), "float32")))
    # Keras' regulariser takes rank-2 weights only: a Conv2D kernel is refused (BigGAN regularises
    # its convolutions too: reshape the kernel to (k·k·in, out) in a subclass when a model needs it).
    conv = keras.layers.Conv2D(2, 3, kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.1))
    with pytest.raises(ValueError, match="rank 2"):
        conv(np.zeros((1, 4, 4, 1), "float32"))
        float(sum(conv.losses))
