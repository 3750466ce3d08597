"""ProGAN's layers: equalised learning rate, pixelwise normalisation, minibatch std-dev, fade-in."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import EqualizedConv2D, EqualizedDense, FadeIn, MinibatchStdDev, PixelNormalization


def test_equalized_layers_store_unit_normal_weights_and_scale_by_he_constant():
    keras.utils.set_random_seed(1)
    conv = EqualizedConv2D(64, 3)
    x = np.random.default_rng(0).standard_normal((4, 8, 8, 32)).astype("float32")
    y = conv(x)
    fan_in = 3 * 3 * 32
    kernel = conv.kernel.numpy()
    assert abs(kernel.std() - 1.0) < 0.03 and abs(kernel.mean()) < 0.03       # stored N(0, 1)
    assert conv.scale == pytest.approx(math.sqrt(2.0) / math.sqrt(fan_in))
    effective = keras.ops.convert_to_numpy(conv.effective_kernel)
    np.testing.assert_allclose(effective, kernel * conv.scale, rtol=1e-6)
    assert effective.std() == pytest.approx(math.sqrt(2.0 / fan_in), rel=0.03)  # He's std
    # The convolution really uses the scaled kernel.
    expected = tf.nn.conv2d(x, effective, 1, "SAME") + conv.bias.numpy()
    np.testing.assert_allclose(y, expected, atol=1e-4)

    dense = EqualizedDense(256, gain=1.0)
    inputs = np.random.default_rng(1).standard_normal((512, 400)).astype("float32")
    out = keras.ops.convert_to_numpy(dense(inputs))
    assert dense.scale == pytest.approx(1.0 / math.sqrt(400))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dense.effective_kernel), dense.kernel.numpy() / 20.0,
                               rtol=1e-6)
    assert out.var() == pytest.approx(1.0, rel=0.1)   # gain 1 keeps unit variance


def test_pixel_normalization_gives_unit_mean_square_per_pixel():
    x = np.random.default_rng(0).normal(0, 5, (2, 4, 4, 16)).astype("float32")
    y = keras.ops.convert_to_numpy(PixelNormalization()(x))
    np.testing.assert_allclose((y ** 2).mean(axis=-1), 1.0, rtol=1e-4)
    zeros = keras.ops.convert_to_numpy(PixelNormalization()(np.zeros((1, 2, 2, 3), "float32")))
    assert np.all(zeros == 0)  # ε keeps it finite


def _minibatch_std_reference(x, group):
    n = len(x)
    m = n // group
    stats = np.empty(n, "float64")
    for j in range(m):
        members = x[j::m]                             # image i belongs to group i mod (N/G)
        stats[j::m] = np.sqrt(members.var(axis=0) + 1e-8).mean()
    return stats


def test_minibatch_stddev_identical_images_give_zero_and_matches_reference():
    layer = MinibatchStdDev(group_size=4)
    same = np.repeat(np.random.default_rng(0).standard_normal((1, 4, 4, 3)), 8, axis=0).astype("float32")
    out = keras.ops.convert_to_numpy(layer(same))
    assert out.shape == (8, 4, 4, 4)
    np.testing.assert_array_equal(out[..., :3], same)
    np.testing.assert_allclose(out[..., 3], 0.0, atol=2e-4)    # √ε = 1e-4

    x = np.random.default_rng(1).standard_normal((8, 4, 4, 3)).astype("float32")
    stat = keras.ops.convert_to_numpy(layer(x))[..., 3]
    np.testing.assert_allclose(stat[:, 0, 0], _minibatch_std_reference(x, 4), rtol=1e-5)
    assert np.all(stat == stat[:, :1, :1])                     # one constant map per image
    assert len(np.unique(stat[:, 0, 0])) == 2 and stat.min() > 0.5   # 2 groups, real spread


@pytest.mark.parametrize("batch,group", [(6, 3), (7, 1), (2, 2), (12, 4)])
def test_minibatch_stddev_batches_not_multiple_of_group(batch, group):
    layer = MinibatchStdDev(group_size=4)
    x = np.random.default_rng(batch).standard_normal((batch, 2, 2, 5)).astype("float32")
    eager = keras.ops.convert_to_numpy(layer(x))[:, 0, 0, 5]
    np.testing.assert_allclose(eager, _minibatch_std_reference(x, group), rtol=1e-5)
    # Same with an unknown batch size inside a traced function (the last batch of an epoch).
    traced = tf.function(lambda t: layer(t), input_signature=[tf.TensorSpec([None, 2, 2, 5])])
    np.testing.assert_allclose(traced(x).numpy()[:, 0, 0, 5], eager, rtol=1e-6)


def test_layers_serialise(tmp_path):
    layers = [EqualizedConv2D(4, 3, gain=1.0), EqualizedDense(3, use_bias=False), PixelNormalization(1e-6),
              MinibatchStdDev(2), FadeIn(0.25)]
    for layer in layers:
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
    x = keras.Input((4, 4, 2))
    y = MinibatchStdDev(2)(PixelNormalization()(EqualizedConv2D(4, 3)(x)))
    y = FadeIn(name="fade")([y, EqualizedConv2D(5, 1)(y)])
    y = EqualizedDense(3)(keras.layers.Flatten()(y))
    model = keras.Model(x, y)
    model.get_layer("fade").set_alpha(0.7)
    model.save(tmp_path / "layers.keras")
    loaded = keras.saving.load_model(tmp_path / "layers.keras")
    data = np.random.default_rng(0).standard_normal((4, 4, 4, 2)).astype("float32")
    np.testing.assert_allclose(loaded(data), model(data), atol=1e-5)
    assert float(loaded.get_layer("fade").alpha.numpy()) == pytest.approx(0.7)


def test_fade_in_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same shape"):
        FadeIn()([keras.Input((4, 4, 1)), keras.Input((8, 8, 1))])


def test_equalized_dense_lr_multiplier_by_hand():
    """λ = 0.01 (StyleGAN's mapping network): stored weights N(0, 1/λ²), used as kernel·λ·gain/√fan_in, bias·λ."""
    keras.utils.set_random_seed(3)
    big = EqualizedDense(256, lr_multiplier=0.01)
    big(np.zeros((1, 400), "float32"))
    assert big.kernel.numpy().std() == pytest.approx(100.0, rel=0.03)              # N(0, 1/λ²)
    assert big.scale == pytest.approx(0.01 * math.sqrt(2.0) / 20.0)
    assert keras.ops.convert_to_numpy(big.effective_kernel).std() == pytest.approx(math.sqrt(2.0 / 400), rel=0.03)

    dense = EqualizedDense(3, gain=2.0, lr_multiplier=0.01)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    dense(x)
    dense.bias.assign(np.array([10.0, -20.0, 30.0], "float32"))
    kernel = dense.kernel.numpy()
    expected = x @ (kernel * 0.01 * 2.0 / math.sqrt(4.0)) + np.array([0.1, -0.2, 0.3])   # bias × λ
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dense(x)), expected, rtol=1e-5, atol=1e-5)


def test_equalized_dense_lr_multiplier_scales_gradients_and_adam_steps():
    """Same function, gradients λ times smaller, and an Adam step moves the effective weights λ times as far."""
    lam = 0.01
    x = np.random.default_rng(0).standard_normal((8, 6)).astype("float32")
    target = np.random.default_rng(1).standard_normal((8, 5)).astype("float32")
    plain, slow = EqualizedDense(5, lr_multiplier=1.0), EqualizedDense(5, lr_multiplier=lam)
    plain(x), slow(x)
    kernel = np.random.default_rng(2).standard_normal((6, 5)).astype("float32")
    bias = np.random.default_rng(3).standard_normal(5).astype("float32")
    plain.kernel.assign(kernel), plain.bias.assign(bias)
    slow.kernel.assign(kernel / lam), slow.bias.assign(bias / lam)                 # the same effective weights
    np.testing.assert_allclose(keras.ops.convert_to_numpy(slow(x)), keras.ops.convert_to_numpy(plain(x)),
                               rtol=1e-4, atol=1e-4)

    def grads(layer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x) - target))
        return [g.numpy() for g in tape.gradient(loss, [layer.kernel, layer.bias])]

    (gk_plain, gb_plain), (gk_slow, gb_slow) = grads(plain), grads(slow)
    np.testing.assert_allclose(gk_slow, lam * gk_plain, rtol=1e-3, atol=1e-7)
    np.testing.assert_allclose(gb_slow, lam * gb_plain, rtol=1e-3, atol=1e-7)
    # the hand formula: ∂L/∂kernel = λ·gain/√fan_in · xᵀ ∂L/∂y
    dy = 2.0 * (keras.ops.convert_to_numpy(slow(x)) - target) / target.size
    np.testing.assert_allclose(gk_slow, lam * math.sqrt(2.0) / math.sqrt(6.0) * x.T @ dy, rtol=1e-3, atol=1e-7)

    moved = []
    for layer in (plain, slow):
        before = keras.ops.convert_to_numpy(layer.effective_kernel).copy()
        optimizer = keras.optimizers.Adam(0.01, epsilon=1e-12)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(layer(x) - target))
        optimizer.apply_gradients(zip(tape.gradient(loss, layer.trainable_variables), layer.trainable_variables))
        moved.append(np.abs(keras.ops.convert_to_numpy(layer.effective_kernel) - before).mean())
    assert moved[1] == pytest.approx(lam * moved[0], rel=0.02)


def test_equalized_dense_lr_multiplier_config_and_old_configs():
    layer = EqualizedDense(3, lr_multiplier=0.01)
    config = layer.get_config()
    assert config["lr_multiplier"] == 0.01
    assert EqualizedDense.from_config(config).get_config() == config
    old = dict(config)
    del old["lr_multiplier"]                    # saved before the argument existed: the plain equalised layer
    assert EqualizedDense.from_config(old).lr_multiplier == 1.0
    for bad in (0.0, -0.01, float("nan")):
        with pytest.raises(ValueError, match="lr_multiplier"):
            EqualizedDense(3, lr_multiplier=bad)
