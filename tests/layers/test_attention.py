"""SelfAttention2D (SAGAN) against a numpy computation of the paper's formulas."""
import keras
import numpy as np
import pytest

from keras_gans.layers import SelfAttention2D


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _reference(x, wf, wg, wh, gamma, wv=None):
    n, h, w, c = x.shape
    flat = x.reshape(n, h * w, c).astype("float64")
    keys, queries, values = flat @ wf, flat @ wg, flat @ wh
    beta = _softmax(queries @ keys.transpose(0, 2, 1))          # β[j, i]: softmax over i
    o = beta @ values
    if wv is not None:
        o = o @ wv
    return gamma * o.reshape(n, h, w, -1) + x


def _round_trip(layer, x):
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == "keras_gans>SelfAttention2D"
    copy = keras.saving.deserialize_keras_object(config)
    copy(x)
    copy.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(copy(x)), np.asarray(layer(x)), atol=1e-6)
    return copy


def test_self_attention_is_identity_at_init_and_matches_numpy_with_gamma_set():
    x = np.random.default_rng(0).standard_normal((2, 4, 3, 16)).astype("float32")
    layer = SelfAttention2D()
    np.testing.assert_array_equal(np.asarray(layer(x)), x)            # γ = 0 exactly
    assert layer.f.kernel.shape == (1, 1, 16, 2) and layer.h.kernel.shape == (1, 1, 16, 16)
    layer.gamma.assign(0.7)
    wf, wg, wh = (conv.kernel.numpy()[0, 0] for conv in (layer.f, layer.g, layer.h))
    y = np.asarray(layer(x))
    np.testing.assert_allclose(y, _reference(x, wf, wg, wh, 0.7), atol=1e-5)
    assert np.abs(y - x).max() > 1e-2                                  # attention really adds something
    copy = _round_trip(layer, x)
    assert copy.get_config()["key_channels"] is None


def test_self_attention_with_value_projection_and_spectral_norm():
    x = np.random.default_rng(1).standard_normal((2, 3, 3, 8)).astype("float32")
    layer = SelfAttention2D(key_channels=2, value_channels=4)
    layer(x)
    layer.gamma.assign(-1.5)
    wf, wg, wh, wv = (conv.kernel.numpy()[0, 0] for conv in (layer.f, layer.g, layer.h, layer.v))
    np.testing.assert_allclose(np.asarray(layer(x)), _reference(x, wf, wg, wh, -1.5, wv), atol=1e-5)
    _round_trip(layer, x)

    sn = SelfAttention2D(spectral_norm=True)
    assert np.array_equal(np.asarray(sn(x, training=True)), x)        # still the identity at init
    assert type(sn.f).__name__ == "SpectralNormalization"
    _round_trip(sn, x)
    with pytest.raises(ValueError):
        SelfAttention2D(key_channels=0)
