"""keras_gans.training.ema: one EMA copy and update for every model; GAN.sampling_generator uses the copy."""
import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.training.ema import check_decay, ema_copy, ema_update


def _net(name="net"):
    keras.utils.set_random_seed(0)
    x = keras.Input((3,))
    y = keras.layers.BatchNormalization()(keras.layers.Dense(2)(x))
    return keras.Model(x, y, name=name)


def test_ema_copy_has_the_same_weights_in_new_variables():
    net = _net()
    copy = ema_copy(net)
    assert copy.name == net.name and copy is not net
    for a, b in zip(copy.weights, net.weights):
        assert a is not b
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ema_copy(net, name="net_ema").name == "net_ema"


def test_ema_update_is_the_moving_average_of_every_weight():
    net = _net()
    copy = ema_copy(net)
    before = [w.numpy() for w in copy.weights]
    for w in net.weights:
        w.assign(w.numpy() + 1.0)
    ema_update(copy.weights, net.weights, 0.9)
    for avg, old, new in zip(copy.weights, before, net.weights):
        np.testing.assert_allclose(avg.numpy(), 0.9 * old + 0.1 * new.numpy(), rtol=1e-6)  # BN statistics too


def test_check_decay_names_the_option():
    check_decay(None)
    check_decay(0.5)
    with pytest.raises(ValueError, match=r"classifier_ema must be in \(0, 1\) \(e.g. 0.99\)"):
        check_decay(1.0, "classifier_ema", 0.99)


def test_sampling_generator_is_the_ema_copy_when_there_is_one():
    plain = kg.models.DCGAN(latent_dim=8, seed=0)
    assert plain.sampling_generator is plain.generator
    tricks = kg.models.DCGANWithTricks(latent_dim=8, seed=0, ema_decay=0.9)
    assert tricks.sampling_generator is tricks.ema_generator is not None
    for w in tricks.ema_generator.trainable_weights:   # generate() and run_generator() go through the copy
        w.assign(np.zeros(w.shape, "float32"))
    np.testing.assert_allclose(tricks.generate(2, seed=0), 0.0, atol=1e-6)
    assert not np.allclose(tricks.generator.predict(tricks.latent(2, 0), verbose=0), 0.0)
