"""The R1 penalty on linear and quadratic discriminators, where ∇D is known, and the lazy-regularisation helpers."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def _linear_d(w, b=0.5):
    d = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    d.layers[-1].kernel.assign(np.asarray(w, "float32").reshape(4, 1))
    d.layers[-1].bias.assign([b])
    return d


def test_r1_on_a_linear_discriminator_is_half_gamma_times_squared_weight_norm():
    w = np.array([1.0, -2.0, 0.5, 3.0], "float32")
    d = _linear_d(w)
    real = np.random.default_rng(0).standard_normal((5, 2, 2, 1)).astype("float32")
    norm2 = float((w ** 2).sum())                                        # 14.25
    assert float(losses.r1_penalty(d, real, gamma=10.0)) == pytest.approx(5.0 * norm2, rel=1e-6)
    assert float(losses.r1_penalty(d, real, gamma=10.0, interval=16)) == pytest.approx(80.0 * norm2, rel=1e-6)
    # Inside D's tape (how a train_step uses it): d/dw of γ/2·‖w‖² is γ·w.
    with tf.GradientTape() as tape:
        penalty = losses.r1_penalty(d, real, gamma=2.0)
    grad = tape.gradient(penalty, d.layers[-1].kernel)
    np.testing.assert_allclose(grad.numpy().ravel(), 2.0 * w, rtol=1e-5)


def test_r1_is_a_per_example_mean_on_a_quadratic_discriminator():
    d = keras.Sequential([keras.Input((2, 2, 1)),
                          keras.layers.Lambda(lambda x: keras.ops.sum(x ** 2, axis=(1, 2, 3))[:, None])])
    real = np.random.default_rng(1).standard_normal((3, 2, 2, 1)).astype("float32")
    expected = 0.5 * 1.0 * np.mean(((2.0 * real) ** 2).sum(axis=(1, 2, 3)))   # ∇ = 2x per example
    assert float(losses.r1_penalty(d, real, gamma=1.0)) == pytest.approx(expected, rel=1e-5)
    images, labels = keras.Input((2, 2, 1)), keras.Input((), dtype="int32")
    embedded = keras.layers.Embedding(3, 4, embeddings_initializer="ones")(labels)       # all ones
    score = keras.layers.Dot(axes=1)([keras.layers.Flatten()(images), embedded])       # D = Σ x: ∇ = 1
    conditional = keras.Model([images, labels], score)
    assert float(losses.r1_penalty(conditional, real, gamma=1.0, labels=np.zeros(3, "int32"))) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="interval"):
        losses.r1_penalty(d, real, interval=0)


def test_lazy_adam_hyperparameters():
    settings = losses.lazy_adam_hyperparameters(0.002, 0.0, 0.99, interval=16)
    c = 16 / 17
    assert settings == pytest.approx({"learning_rate": 0.002 * c, "beta_1": 0.0, "beta_2": 0.99 ** c})
    assert losses.lazy_adam_hyperparameters(1e-3, 0.5, 0.9, 1)["beta_2"] == pytest.approx(0.9 ** 0.5)
