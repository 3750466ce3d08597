"""StyleGAN's mapping network against a numpy forward pass."""
import keras
import numpy as np
import pytest

import keras_gans as kg


def test_mapping_network_is_pixel_norm_then_equalized_mlp_with_leaky_relu():
    keras.utils.set_random_seed(0)
    mapping = kg.networks.mapping_network(latent_dim=6, style_dim=5, layers=3, hidden_dim=7)
    dense = [mapping.get_layer(f"dense_{i}") for i in range(3)]
    assert [d.units for d in dense] == [7, 7, 5] and mapping.output_shape == (None, 5)
    # StyleGAN's learning-rate multiplier 0.01 on every layer: stored weights N(0, 100²), used × 0.01·√2/√fan_in
    assert [d.lr_multiplier for d in dense] == [0.01] * 3
    pooled = np.concatenate([d.kernel.numpy().ravel() for d in dense])            # 126 draws
    assert 75.0 < pooled.std() < 125.0
    rng = np.random.default_rng(0)
    for d in dense:
        d.bias.assign(rng.normal(0, 10.0, d.units).astype("float32"))
    z = rng.standard_normal((3, 6)).astype("float32")
    h = z / np.sqrt((z ** 2).mean(axis=1, keepdims=True) + 1e-8)
    for d in dense:
        h = h @ (d.kernel.numpy() * 0.01 * np.sqrt(2.0) / np.sqrt(d.kernel.shape[0])) + 0.01 * d.bias.numpy()
        h = np.where(h > 0, h, 0.2 * h)
    w = np.asarray(mapping(z))
    np.testing.assert_allclose(w, h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(mapping(4.0 * z)), w, rtol=1e-4, atol=1e-5)   # only z's direction counts
    copy = keras.Model.from_config(mapping.get_config())
    copy.set_weights(mapping.get_weights())
    np.testing.assert_allclose(np.asarray(copy(z)), w, atol=1e-6)
    with pytest.raises(ValueError):
        kg.networks.mapping_network(8, 8, layers=0)


def test_mapping_network_lr_multiplier_can_be_set_and_is_checked():
    mapping = kg.networks.mapping_network(latent_dim=4, style_dim=4, layers=2, lr_multiplier=1.0)
    assert [mapping.get_layer(f"dense_{i}").lr_multiplier for i in range(2)] == [1.0, 1.0]
    with pytest.raises(ValueError, match="lr_multiplier"):
        kg.networks.mapping_network(4, 4, layers=2, lr_multiplier=0.0)
