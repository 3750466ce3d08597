"""ProjectionHead (Miyato & Koyama 2018) and MinibatchDiscrimination (Salimans et al. 2016) against numpy."""
import keras
import numpy as np

from keras_gans.layers import MinibatchDiscrimination, ProjectionHead


def _copy(layer, inputs):
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == f"keras_gans>{type(layer).__name__}"
    copy = keras.saving.deserialize_keras_object(config)
    copy(inputs)
    copy.set_weights(layer.get_weights())
    return copy


def test_projection_head_is_linear_plus_inner_product_with_class_embedding():
    rng = np.random.default_rng(0)
    features = rng.standard_normal((5, 6)).astype("float32")
    labels = np.array([0, 2, 2, 1, 0], "int32")
    head = ProjectionHead(num_classes=3)
    head([features, labels])
    head.linear.bias.assign([0.25])
    w, b = head.linear.kernel.numpy(), head.linear.bias.numpy()
    embeddings = rng.standard_normal((3, 6)).astype("float32")
    head.embedding.embeddings.assign(embeddings)
    expected = features @ w + b + np.sum(embeddings[labels] * features, axis=1, keepdims=True)
    y = np.asarray(head([features, labels]))
    assert y.shape == (5, 1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    # (batch, 1) labels give the same; the copy from the config gives the same.
    np.testing.assert_allclose(np.asarray(head([features, labels[:, None]])), y, atol=1e-6)
    np.testing.assert_allclose(np.asarray(_copy(head, [features, labels])([features, labels])), y, atol=1e-6)


def test_projection_head_with_spectral_norm_keeps_float_embeddings():
    features = np.ones((2, 4), "float32")
    head = ProjectionHead(num_classes=2, spectral_norm=True, use_bias=False)
    head([features, np.array([0, 1])])
    head.linear.layer.kernel.assign(np.zeros((4, 1), "float32"))
    head.embedding.layer.embeddings.assign(np.array([[0.3, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], "float32"))
    # Inference: the stored weights; the 0.3 must not be truncated to an integer on the way.
    np.testing.assert_allclose(np.asarray(head([features, np.array([0, 1])], training=False)), [[0.3], [0.0]],
                               atol=1e-6)
    y = np.asarray(head([features, np.array([0, 1])], training=True))   # embedding / σ = [1, 0, 0, 0]
    np.testing.assert_allclose(y, [[1.0], [0.0]], atol=1e-5)
    _copy(head, [features, np.array([0, 1])])


def _minibatch_reference(x, t, kernels, dim):
    m = (x.astype("float64") @ t).reshape(len(x), kernels, dim)
    o = np.zeros((len(x), kernels))
    for i in range(len(x)):
        for j in range(len(x)):
            o[i] += np.exp(-np.abs(m[i] - m[j]).sum(axis=-1))
    return np.concatenate([x, o], axis=1)


def test_minibatch_discrimination_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 7)).astype("float32")
    layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2)
    layer(x)
    t = rng.normal(0.0, 0.3, (7, 6)).astype("float32")
    layer.T.assign(t)
    y = np.asarray(layer(x))
    assert y.shape == (4, 10)
    np.testing.assert_allclose(y, _minibatch_reference(x, t, 3, 2), rtol=1e-5)
    assert y[:, 7:].min() >= 1.0                                        # the example itself counts 1
    same = np.repeat(x[:1], 4, axis=0)                                  # a collapsed batch: o = n
    np.testing.assert_allclose(np.asarray(layer(same))[:, 7:], 4.0, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(_copy(layer, x)(x)), y, atol=1e-6)
