"""ConditionalBatchNormalization (BigGAN) against numpy, in training and in inference."""
import keras
import numpy as np
import pytest

from keras_gans.layers import ConditionalBatchNormalization


def test_conditional_batch_norm_matches_numpy_and_updates_moving_statistics():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, (4, 3, 3, 5)).astype("float32")
    cond = rng.standard_normal((4, 6)).astype("float32")
    layer = ConditionalBatchNormalization(momentum=0.9, epsilon=1e-5)
    y = np.asarray(layer([x, cond], training=True))
    wg, wb = layer.gain.kernel.numpy(), layer.bias.kernel.numpy()
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))          # biased variance, as BN in training
    gain = (1.0 + cond @ wg)[:, None, None, :]
    bias = (cond @ wb)[:, None, None, :]
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5) * gain + bias, rtol=1e-4, atol=1e-4)
    assert np.abs(gain - 1.0).max() > 0.1                               # the condition really changes the gain

    moving_mean = layer.normalize.moving_mean.numpy()
    moving_var = layer.normalize.moving_variance.numpy()
    np.testing.assert_allclose(moving_mean, 0.1 * mean, rtol=1e-4)      # 0.9 · 0 + 0.1 · μ
    inference = np.asarray(layer([x, cond], training=False))
    np.testing.assert_allclose(inference, (x - moving_mean) / np.sqrt(moving_var + 1e-5) * gain + bias,
                               rtol=1e-4, atol=1e-4)

    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == "keras_gans>ConditionalBatchNormalization"
    copy = keras.saving.deserialize_keras_object(config)
    copy([x, cond])
    copy.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(copy([x, cond], training=False)), inference, atol=1e-6)
    assert copy.get_config()["momentum"] == 0.9 and copy.get_config()["epsilon"] == 1e-5


def test_conditional_batch_norm_rejects_a_single_input():
    with pytest.raises(ValueError, match=r"\[x, cond\]"):
        ConditionalBatchNormalization()(np.zeros((2, 2, 2, 3), "float32"))
