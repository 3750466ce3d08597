"""keras_gans.losses against hand-computed values, and the two known WGAN-GP bugs."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses

R = np.array([[2.0], [-1.0], [0.5]], "float32")   # D's logits on real data
F = np.array([[-3.0], [0.0], [1.5]], "float32")   # D's logits on fakes


def softplus(x):
    return np.log1p(np.exp(x))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def value(x):
    return float(keras.ops.convert_to_numpy(x))


def test_minimax_discriminator_is_bce_with_real_1_and_fake_0():
    expected = -np.mean(np.log(sigmoid(R))) - np.mean(np.log(1.0 - sigmoid(F)))
    assert value(losses.minimax_discriminator_loss(R, F)) == pytest.approx(expected, rel=1e-5)


def test_minimax_discriminator_one_sided_label_smoothing():
    t = 0.9
    expected = -np.mean(t * np.log(sigmoid(R)) + (1 - t) * np.log(1 - sigmoid(R))) - np.mean(np.log(1 - sigmoid(F)))
    assert value(losses.minimax_discriminator_loss(R, F, real_label=t)) == pytest.approx(expected, rel=1e-5)


def test_minimax_generator_is_log_one_minus_d():
    expected = np.mean(np.log(1.0 - sigmoid(F)))
    assert value(losses.minimax_generator_loss(F)) == pytest.approx(expected, rel=1e-5)


def test_non_saturating_generator_is_minus_log_d():
    expected = -np.mean(np.log(sigmoid(F)))
    assert value(losses.non_saturating_generator_loss(F)) == pytest.approx(expected, rel=1e-5)


def test_non_saturating_gradient_does_not_vanish_where_minimax_saturates():
    # D confidently rejects the fake (logit −10): minimax's gradient is σ(−10) ≈ 4.5e-5, NS's ≈ 1.
    f = tf.Variable([[-10.0]])
    with tf.GradientTape(persistent=True) as tape:
        mm = losses.minimax_generator_loss(f)
        ns = losses.non_saturating_generator_loss(f)
    g_mm = abs(float(tape.gradient(mm, f)[0, 0]))
    g_ns = abs(float(tape.gradient(ns, f)[0, 0]))
    assert g_mm == pytest.approx(sigmoid(-10.0), rel=1e-3)
    assert g_ns == pytest.approx(1.0 - sigmoid(-10.0), rel=1e-4)


def test_wasserstein_losses():
    assert value(losses.wasserstein_critic_loss(R, F)) == pytest.approx(F.mean() - R.mean(), rel=1e-6)
    assert value(losses.wasserstein_generator_loss(F)) == pytest.approx(-F.mean(), rel=1e-6)


def test_hinge_losses():
    expected = np.mean(np.maximum(0, 1 - R)) + np.mean(np.maximum(0, 1 + F))
    # by hand: real terms 0, 2, 0.5 → 2.5/3; fake terms 0, 1, 2.5 → 3.5/3
    assert expected == pytest.approx(6.0 / 3.0)
    assert value(losses.hinge_discriminator_loss(R, F)) == pytest.approx(2.0, rel=1e-6)
    assert value(losses.hinge_generator_loss(F)) == pytest.approx(-F.mean(), rel=1e-6)


def test_least_squares_losses():
    # ½·mean((r−1)²) = ½·(1 + 4 + 0.25)/3 = 0.875; ½·mean(f²) = ½·(9 + 0 + 2.25)/3 = 1.875
    assert value(losses.least_squares_discriminator_loss(R, F)) == pytest.approx(0.875 + 1.875, rel=1e-6)
    # ½·mean((f−1)²) = ½·(16 + 1 + 0.25)/3
    assert value(losses.least_squares_generator_loss(F)) == pytest.approx(17.25 / 6.0, rel=1e-6)


def test_relativistic_losses_pair_real_and_fake():
    assert value(losses.relativistic_discriminator_loss(R, F)) == pytest.approx(np.mean(softplus(F - R)), rel=1e-5)
    assert value(losses.relativistic_generator_loss(F, R)) == pytest.approx(np.mean(softplus(R - F)), rel=1e-5)
    with pytest.raises(ValueError, match="needs `real_logits`"):
        losses.relativistic_generator_loss(F, None)


def test_losses_are_stable_for_huge_logits():
    big = np.array([[1e4]], "float32")
    assert math.isfinite(value(losses.minimax_discriminator_loss(big, -big)))
    assert value(losses.non_saturating_generator_loss(-big)) == pytest.approx(1e4, rel=1e-6)


def test_ganloss_get_names_aliases_pairs_and_errors():
    assert losses.GANLoss.get("ns") is losses.LOSSES["non_saturating"]
    assert losses.GANLoss.get("WGAN") is losses.LOSSES["wasserstein"]
    assert losses.GANLoss.get("least-squares") is losses.LOSSES["least_squares"]
    custom = losses.GANLoss.get((losses.hinge_discriminator_loss, losses.hinge_generator_loss))
    assert value(custom.discriminator(R, F)) == pytest.approx(2.0, rel=1e-6)
    with pytest.raises(ValueError, match="Unknown GAN loss 'wasserstien'"):
        losses.GANLoss.get("wasserstien")
    with pytest.raises(ValueError, match="must be a name"):
        losses.GANLoss.get(3)


def test_ganloss_config_round_trip():
    for name, loss in losses.LOSSES.items():
        assert losses.GANLoss.from_config(loss.get_config()) is loss, name


# --------------------------------------------------------------------------- gradient penalty
def test_gradient_penalty_of_a_linear_critic_by_hand():
    # c(x) = Σ w·x  →  ∇ₓ c = w everywhere, so GP = (‖w‖₂ − 1)² for every interpolate.
    w = np.full((4, 4, 1), 0.5, "float32")          # ‖w‖ = sqrt(16 · 0.25) = 2
    critic = lambda x, training=False: keras.ops.sum(x * w, axis=(1, 2, 3))  # noqa: E731
    real = np.random.default_rng(0).normal(size=(8, 4, 4, 1)).astype("float32")
    fake = np.random.default_rng(1).normal(size=(8, 4, 4, 1)).astype("float32")
    gp = value(losses.gradient_penalty(critic, real, fake, seed=0))
    assert gp == pytest.approx((2.0 - 1.0) ** 2, rel=1e-4)


def test_gradient_penalty_interpolation_weight_is_uniform_and_per_example():
    """Known bug 1: ε drawn from a normal (keras-io#143) or per pixel (PyTorch-GAN#5)."""
    seen = []

    def critic(x, training=False):
        seen.append(keras.ops.convert_to_numpy(x))
        return keras.ops.sum(x, axis=(1, 2, 3))

    n = 4000
    real = np.ones((n, 3, 3, 2), "float32")
    fake = np.zeros((n, 3, 3, 2), "float32")
    losses.gradient_penalty(critic, real, fake, seed=123)
    x_hat = seen[0]                                   # = ε (since real = 1, fake = 0)
    eps = x_hat[:, 0, 0, 0]
    # one ε per example: every pixel and channel of an example has the same weight
    np.testing.assert_allclose(x_hat, np.broadcast_to(eps[:, None, None, None], x_hat.shape))
    # uniform on [0, 1]: never outside, mean 1/2, variance 1/12, flat histogram
    assert eps.min() >= 0.0 and eps.max() <= 1.0
    assert eps.mean() == pytest.approx(0.5, abs=0.02)
    assert eps.var() == pytest.approx(1.0 / 12.0, abs=0.01)
    counts, _ = np.histogram(eps, bins=10, range=(0, 1))
    assert counts.min() > 0.8 * n / 10 and counts.max() < 1.2 * n / 10
    # and different examples get different weights
    assert len(np.unique(np.round(eps, 6))) > 0.99 * n


def test_gradient_penalty_gradient_is_finite_where_the_critic_gradient_is_zero():
    """Known bug 2: sqrt(Σ g²) has an infinite derivative at g = 0 → NaN weights (keras-io#624)."""
    w = tf.Variable(tf.zeros((1, 4, 4, 1)))

    def critic(x, training=False):
        return tf.reduce_sum(x * w, axis=(1, 2, 3))   # ∇ₓ c = w = 0

    real = tf.random.normal((6, 4, 4, 1), seed=0)
    fake = tf.random.normal((6, 4, 4, 1), seed=1)
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(critic, real, fake, seed=0)
    grad = tape.gradient(gp, w)
    assert value(gp) == pytest.approx(1.0, abs=1e-5)          # (‖0‖ − 1)²
    assert np.all(np.isfinite(grad.numpy()))
    np.testing.assert_allclose(grad.numpy(), 0.0, atol=1e-6)  # d/dw (‖w‖−1)² = 2(‖w‖−1)·w/‖w‖ → 0 at w = 0

    # The naive norm (what the bug computes) really is NaN here, so the test above can fail.
    with tf.GradientTape() as tape:
        with tf.GradientTape() as inner:
            inner.watch(real)
            scores = critic(real)
        g = inner.gradient(scores, real)
        naive = tf.reduce_mean(tf.square(tf.sqrt(tf.reduce_sum(tf.square(g), axis=[1, 2, 3])) - 1.0))
    assert np.isnan(tape.gradient(naive, w).numpy()).any()


def test_a_single_keras_loss_is_a_labelled_gan_loss():
    import keras
    r = np.array([[2.0], [-1.0], [0.5]], "float32")
    f = np.array([[-3.0], [0.2], [1.0]], "float32")
    bce = losses.GANLoss.get(keras.losses.BinaryCrossentropy(from_logits=True))
    ns = losses.LOSSES["non_saturating"]
    np.testing.assert_allclose(float(bce.discriminator(r, f)), float(ns.discriminator(r, f)), rtol=1e-5)
    np.testing.assert_allclose(float(bce.generator(f)), float(ns.generator(f)), rtol=1e-5)
    mse = losses.GANLoss.get(keras.losses.MeanSquaredError())
    expected_d = np.mean((r - 1) ** 2) + np.mean(f ** 2)
    np.testing.assert_allclose(float(mse.discriminator(r, f)), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(mse.generator(f)), np.mean((f - 1) ** 2), rtol=1e-5)
    # a plain function works too, and the loss survives serialisation inside a compiled model
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(mse))
    np.testing.assert_allclose(float(clone.discriminator(r, f)), expected_d, rtol=1e-5)
    with pytest.raises(ValueError, match="one Keras loss"):
        losses.GANLoss.get(keras.losses.MeanSquaredError)  # the class, not an instance


def test_gan_compiles_and_trains_with_a_keras_loss(tiny_gan, small_ds):
    import keras
    tiny_gan.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
    hist = tiny_gan.fit(small_ds, epochs=1, verbose=0).history
    assert np.isfinite(hist["d_loss"][0]) and int(tiny_gan.g_optimizer.iterations) > 0
