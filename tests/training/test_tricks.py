"""The training tricks (keras_gans.training.tricks): each one does what it says, checked against
hand-computed values. The mixin's methods are read through DCGANWithTricks; its training, export
and saving: tests/models/test_dcgan_with_tricks.py."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import tiny_dcgan_with_tricks
from keras_gans import losses, tricks

SHAPE = (8, 8, 1)


def np_(x):
    return keras.ops.convert_to_numpy(x)


# --------------------------------------------------------------------------- labels
def test_one_sided_label_smoothing_targets_and_loss():
    real = np_(tricks.discriminator_targets(5, True, label_smoothing=0.1))
    fake = np_(tricks.discriminator_targets(5, False, label_smoothing=0.1))
    np.testing.assert_allclose(real, 0.9)
    np.testing.assert_array_equal(fake, 0.0)        # negatives are never smoothed
    r = np.array([[2.0], [-1.0]], "float32")
    f = np.array([[0.5], [-2.0]], "float32")
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    by_hand = (-np.mean(0.9 * np.log(sig(r)) + 0.1 * np.log(1 - sig(r))) - np.mean(np.log(1 - sig(f))))
    loss = tricks.bce_with_logits(np.full((2, 1), 0.9), r) + tricks.bce_with_logits(np.zeros((2, 1)), f)
    assert float(np_(loss)) == pytest.approx(by_hand, rel=1e-5)
    assert float(np_(losses.minimax_discriminator_loss(r, f, real_label=0.9))) == pytest.approx(by_hand, rel=1e-5)


def test_noisy_labels_stay_in_their_band():
    seed = keras.random.SeedGenerator(0)
    real = np_(tricks.discriminator_targets(4000, True, label_noise=0.3, seed=seed))
    fake = np_(tricks.discriminator_targets(4000, False, label_noise=0.3, seed=seed))
    assert real.min() >= 0.7 and real.max() <= 1.0 and real.std() > 0.05
    assert fake.min() >= 0.0 and fake.max() <= 0.3 and fake.std() > 0.05
    assert real.mean() == pytest.approx(0.85, abs=0.01) and fake.mean() == pytest.approx(0.15, abs=0.01)


def test_label_flips_happen_at_the_given_rate():
    seed = keras.random.SeedGenerator(1)
    real = np_(tricks.discriminator_targets(20000, True, label_flip=0.2, seed=seed))
    fake = np_(tricks.discriminator_targets(20000, False, label_flip=0.2, seed=seed))
    assert set(np.unique(real)) == {0.0, 1.0} and set(np.unique(fake)) == {0.0, 1.0}
    assert (real == 0).mean() == pytest.approx(0.2, abs=0.015)
    assert (fake == 1).mean() == pytest.approx(0.2, abs=0.015)


def test_trick_options_are_validated():
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\)"):
        tricks.validate_tricks(label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"label_flip must be in \[0, 0.5\); got 0.6. It is the probability"):
        tricks.validate_tricks(label_flip=0.6)
    with pytest.raises(ValueError, match="instance_noise must be a number ≥ 0; got -0.1. It is a standard deviation"):
        tricks.validate_tricks(instance_noise=-0.1)
    with pytest.raises(ValueError, match="instance_noise_steps must be a positive"):
        tricks.validate_tricks(instance_noise=0.1, instance_noise_steps=0)
    with pytest.raises(TypeError, match=r"d_steps \(n_critic\) must be a positive integer; got 1.5"):
        tricks.validate_tricks(d_steps=1.5)
    with pytest.raises(ValueError, match=r"ema_decay must be in \(0, 1\)"):
        tricks.validate_tricks(ema_decay=1.0)


# --------------------------------------------------------------------------- instance noise
def test_instance_noise_decays_linearly_to_zero():
    sd = lambda step: float(np_(tricks.instance_noise_stddev(step, 0.2, decay_steps=100)))  # noqa: E731
    assert sd(0) == pytest.approx(0.2)
    assert sd(50) == pytest.approx(0.1)
    assert sd(100) == 0.0 and sd(1000) == 0.0
    assert float(np_(tricks.instance_noise_stddev(10_000, 0.2))) == pytest.approx(0.2)   # no decay


def test_instance_noise_on_the_discriminator_input_follows_the_schedule():
    gan = tiny_dcgan_with_tricks(instance_noise=0.5, instance_noise_steps=10)
    gan.compile()
    x = np.zeros((20000,) + SHAPE, "float32")
    assert np_(gan.d_input(x)).std() == pytest.approx(0.5, rel=0.02)
    gan.g_optimizer.iterations.assign(5)                 # halfway through the decay
    assert np_(gan.d_input(x)).std() == pytest.approx(0.25, rel=0.02)
    gan.g_optimizer.iterations.assign(10)
    np.testing.assert_array_equal(np_(gan.d_input(x)), 0.0)
    off = tiny_dcgan_with_tricks()
    assert off.d_input(x) is x                           # trick off: D sees the images unchanged


# --------------------------------------------------------------------------- D:G ratio and EMA
def test_critic_batches_split_the_batch_in_order():
    gan = tiny_dcgan_with_tricks(d_steps=3)
    x = np.arange(12, dtype="float32")
    y = -np.arange(12)
    chunks = gan.critic_batches(x, y)
    assert len(chunks) == 3
    for i, (cx, cy) in enumerate(chunks):
        np.testing.assert_array_equal(np_(cx), x[4 * i:4 * i + 4])
        np.testing.assert_array_equal(np_(cy), y[4 * i:4 * i + 4])


def test_ema_update_by_hand():
    avg = [tf.Variable([0.0, 10.0])]
    ema_vals = [tf.constant([1.0, 0.0])]
    tricks.ema_update(avg, ema_vals, 0.9)                    # no step: the plain rule, β = 0.9
    np.testing.assert_allclose(avg[0].numpy(), [0.1, 9.0], rtol=1e-6)
    avg = [tf.Variable([0.0, 10.0])]
    tricks.ema_update(avg, ema_vals, 0.9, step=0)            # the first update of the warm-up: β = 1/10
    np.testing.assert_allclose(avg[0].numpy(), [0.9, 1.0], rtol=1e-6)
    tricks.ema_update(avg, ema_vals, 0.9, step=1)            # then β = 2/11
    np.testing.assert_allclose(avg[0].numpy(), [2 / 11 * 0.9 + 9 / 11, 2 / 11 * 1.0], rtol=1e-6)
