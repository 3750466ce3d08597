"""StyleGAN2's ModulatedConv2D (against a numpy per-example convolution) and NoiseInjection."""
import keras
import numpy as np

from keras_gans.layers import ModulatedConv2D, NoiseInjection


def _conv_same(x, kernel):
    """Cross-correlation with zero "same" padding of one image (H, W, Ci) with (k, k, Ci, Co)."""
    k = kernel.shape[0]
    p = k // 2
    padded = np.pad(x, ((p, p), (p, p), (0, 0)))
    h, w = x.shape[:2]
    out = np.zeros((h, w, kernel.shape[-1]))
    for a in range(k):
        for b in range(k):
            out += np.einsum("hwc,co->hwo", padded[a:a + h, b:b + w], kernel[a, b])
    return out


def _modulated_reference(layer, x, w, demodulate):
    styles = w @ (layer.affine_kernel.numpy() / np.sqrt(w.shape[1])) + layer.affine_bias.numpy()   # (n, Ci)
    base = layer.kernel.numpy().astype("float64") / np.sqrt(np.prod(layer.kernel.shape[:3]))
    out = []
    for n in range(len(x)):
        weights = base * styles[n][None, None, :, None]                   # modulate the input channels
        if demodulate:
            weights = weights / np.sqrt((weights ** 2).sum(axis=(0, 1, 2), keepdims=True) + 1e-8)
        out.append(_conv_same(x[n], weights) + layer.bias.numpy())
    return np.stack(out)


def test_modulated_conv_matches_per_example_convolution_with_modulated_weights():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 4, 3)).astype("float32")
    w = rng.standard_normal((2, 4)).astype("float32")
    layer = ModulatedConv2D(2, 3)
    layer([x, w])
    layer.affine_bias.assign(rng.uniform(0.5, 1.5, 3).astype("float32"))
    layer.bias.assign([0.1, -0.2])
    y = np.asarray(layer([x, w]))
    assert y.shape == (2, 5, 4, 2)
    np.testing.assert_allclose(y, _modulated_reference(layer, x, w, demodulate=True), rtol=1e-4, atol=1e-4)

    plain = ModulatedConv2D(2, 3, demodulate=False, name="to_rgb")
    plain([x, w])
    np.testing.assert_allclose(np.asarray(plain([x, w])), _modulated_reference(plain, x, w, demodulate=False),
                               rtol=1e-4, atol=1e-4)
    # Demodulation undoes any common scale of the styles: w ↦ style × 3 gives the same output.
    layer.affine_kernel.assign(np.zeros_like(layer.affine_kernel.numpy()))
    a = np.asarray(layer([x, w]))
    layer.affine_bias.assign(layer.affine_bias.numpy() * 3.0)
    np.testing.assert_allclose(np.asarray(layer([x, w])), a, rtol=1e-4, atol=1e-5)

    config = keras.saving.serialize_keras_object(plain)
    assert config["registered_name"] == "keras_gans>ModulatedConv2D"
    copy = keras.saving.deserialize_keras_object(config)
    copy([x, w])
    copy.set_weights(plain.get_weights())
    np.testing.assert_allclose(np.asarray(copy([x, w])), np.asarray(plain([x, w])), atol=1e-6)
    assert copy.get_config()["demodulate"] is False


def test_noise_injection_starts_at_zero_and_scales_noise_per_channel():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 3, 4)).astype("float32")
    noise = rng.standard_normal((2, 3, 3, 1)).astype("float32")
    layer = NoiseInjection(seed=3)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)               # strength 0: the identity
    np.testing.assert_array_equal(np.asarray(layer([x, noise])), x)
    strength = np.array([0.0, 1.0, -2.0, 0.5], "float32")
    layer.strength.assign(strength)
    np.testing.assert_allclose(np.asarray(layer([x, noise])), x + strength * noise, atol=1e-6)

    drawn = (np.asarray(layer(x)) - x)[..., 1:] / strength[1:]           # the drawn noise, per channel
    np.testing.assert_allclose(drawn, np.repeat(drawn[..., :1], 3, axis=-1), atol=1e-5)   # one map per pixel
    assert drawn.std() > 0.3
    assert not np.allclose(np.asarray(layer(x)), np.asarray(layer(x)))  # fresh noise at every call

    twin = NoiseInjection(seed=3)
    twin(x)
    twin.strength.assign(strength)
    fresh = NoiseInjection(seed=3)
    fresh(x)
    fresh.strength.assign(strength)
    np.testing.assert_allclose(np.asarray(twin(x)), np.asarray(fresh(x)), atol=1e-6)   # same seed, same noise
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert copy.get_config()["seed"] == 3
