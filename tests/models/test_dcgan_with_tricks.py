"""DCGANWithTricks: n critic steps per generator step and an EMA generator inside fit; samples, the
SavedModel and the .keras file come from the EMA generator. The tricks alone: tests/training/test_tricks.py."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import tiny_dcgan_with_tricks
from keras_gans.tricks import DCGANWithTricks

SHAPE = (8, 8, 1)


def np_(x):
    return keras.ops.convert_to_numpy(x)


def test_d_steps_and_ema_inside_fit(tmp_path):
    gan = tiny_dcgan_with_tricks(d_steps=2, ema_decay=0.5, label_smoothing=0.1, label_flip=0.05)
    gan.compile()
    before = [w.copy() for w in gan.generator.get_weights()]
    np.testing.assert_array_equal(np.concatenate([w.ravel() for w in gan.ema_generator.get_weights()]),
                                  np.concatenate([w.ravel() for w in before]))
    x = np.random.default_rng(0).uniform(-1, 1, (8,) + SHAPE).astype("float32")
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)   # 1 step = 2 D steps of 4
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 1
    after = gan.generator.get_weights()
    beta = min(0.5, (1 + 0) / (10 + 0))              # the EMA's warm-up: its first update (n = 0) uses 0.1
    for ema, w0, w1 in zip(gan.ema_generator.get_weights(), before, after):
        np.testing.assert_allclose(ema, beta * w0 + (1 - beta) * w1, rtol=1e-5, atol=1e-7)
    assert any(np.abs(w1 - w0).max() > 0 for w0, w1 in zip(before, after))
    # samples and exports come from the EMA generator
    z = gan.latent(3, seed=0)
    np.testing.assert_allclose(gan.generate(z=z), np_(gan.ema_generator(z)), atol=1e-6)
    assert np.abs(gan.generate(z=z) - np_(gan.generator(z))).max() > 1e-6
    gan.export(str(tmp_path / "ema"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "ema")).signatures["serving_default"](z=tf.constant(z))["images"]
    np.testing.assert_allclose(served.numpy(), gan.generate(z=z), atol=1e-5)
    # the options and the EMA weights survive a .keras round trip
    path = str(tmp_path / "tricks.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is DCGANWithTricks
    assert (loaded.d_steps, loaded.ema_decay, loaded.label_smoothing, loaded.label_flip) == (2, 0.5, 0.1, 0.05)
    np.testing.assert_allclose(loaded.generate(z=z), gan.generate(z=z), atol=1e-6)


def test_d_steps_needs_batches_of_d_steps_times_m():
    gan = tiny_dcgan_with_tricks(d_steps=4)
    gan.compile()
    with pytest.raises(ValueError, match=r"d_steps=4 .* batch_size = 4 × \(images per D step\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(np.zeros((6,) + SHAPE, "float32")).batch(3, drop_remainder=True),
                epochs=1, verbose=0)


def test_simultaneous_update_with_diffaugment_and_ema():
    gan = tiny_dcgan_with_tricks(update="simultaneous", augment="translation,cutout", ema_decay=0.5)
    gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (8,) + SHAPE).astype("float32")
    before = [w.copy() for w in gan.generator.get_weights()]
    history = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), epochs=1, verbose=0)
    # one D and one G step per batch, on the same fakes; the EMA generator follows each step
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 2
    assert np.isfinite(history.history["d_loss"][-1]) and np.isfinite(history.history["g_loss"][-1])
    ema = gan.ema_generator.get_weights()
    moved = [not np.allclose(e, b) for e, b in zip(ema, before)]
    assert any(moved) and any(np.abs(e - w).max() > 0 for e, w in zip(ema, gan.generator.get_weights()))
    # D sees augmented images: the same real batch gives other logits through d_input
    real = tf.constant(x[:4])
    assert np.abs(np_(gan.d_input(real)) - x[:4]).max() > 0
    with pytest.raises(ValueError, match="update='simultaneous' takes one D step per G step; got d_steps=2"):
        tiny_dcgan_with_tricks(update="simultaneous", d_steps=2)
    with pytest.raises(ValueError, match="Unknown DiffAugment operation"):
        tiny_dcgan_with_tricks(augment="flip")


def test_augment_survives_a_keras_round_trip(tmp_path):
    gan = tiny_dcgan_with_tricks(augment="translation")
    gan.compile()
    path = str(tmp_path / "aug.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.augment == "translation" and loaded.get_config()["augment"] == "translation"
    assert gan.get_config()["augment"] == "translation"
