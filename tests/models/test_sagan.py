"""SAGAN: networks (attention, spectral norm), defaults (hinge, TTUR), a few fit steps, round trip, export, bad input.

Tiny networks (16×16, width 4). The slow quality test is tests/models/test_sagan_quality.py.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import call_in_tensorflow_only
from keras_gans.layers import SelfAttention2D
from keras_gans.models import SAGAN

SHAPE = (16, 16, 1)


def images(n=16, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + SHAPE).astype("float32")


def tiny(**kwargs):
    return SAGAN(image_shape=SHAPE, latent_dim=8, width=4, seed=0, **kwargs)


@pytest.fixture(scope="module")
def trained():
    gan = tiny()
    gan.compile()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(images()).batch(8), epochs=1, verbose=0)
    return gan, history.history


def test_networks_have_attention_at_the_middle_resolution_and_spectral_norm_everywhere():
    g = kg.networks.sagan_generator(latent_dim=8, image_shape=(28, 28, 1), width=4)
    d = kg.networks.sagan_discriminator((32, 32, 3), width=4)
    assert g.get_layer("attention").output.shape[1:3] == (14, 14)          # 7 → 14 → 28
    assert d.get_layer("attention").output.shape[1:3] == (16, 16)          # 32 → 16 → 8
    for network in (g, d):
        weighted = [layer for layer in network.layers if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))]
        assert not weighted, [layer.name for layer in weighted]           # each one is inside SpectralNormalization
        assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in network.layers) >= 4
        assert network.get_layer("attention").spectral_norm
    plain = kg.networks.sagan_generator(latent_dim=8, image_shape=SHAPE, width=4, attention=False)
    assert not any(isinstance(layer, SelfAttention2D) for layer in plain.layers)


def test_defaults_are_hinge_and_ttur():
    gan = tiny()
    gan.compile()
    assert gan.gan_loss.name == "hinge"
    d, g = gan.d_optimizer, gan.g_optimizer
    assert float(d.learning_rate) == pytest.approx(4e-4) and float(g.learning_rate) == pytest.approx(1e-4)
    assert (d.beta_1, d.beta_2, g.beta_1, g.beta_2) == (0.0, 0.9, 0.0, 0.9)


def test_fit_steps_losses_shapes_and_gammas(trained):
    gan, history = trained
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 2
    assert all(np.isfinite(v[-1]) for v in history.values()), history
    assert gan.generate(3, seed=0).shape == (3,) + SHAPE
    gammas = gan.attention_gammas()
    assert sorted(gammas) == ["sagan_discriminator/attention", "sagan_generator/attention"]
    for name in ("generator", "discriminator"):
        layer = getattr(gan, name).get_layer("attention")
        assert any(v is layer.gamma for v in getattr(gan, f"{name[0]}_weights"))       # trained by its optimizer
    assert all(g != 0.0 for g in gammas.values())                                       # it left 0 in two steps


def test_round_trip_and_export_call_in_tensorflow_only(trained, tmp_path):
    gan, _ = trained
    gan.save(tmp_path / "sagan.keras")
    loaded = keras.saving.load_model(tmp_path / "sagan.keras")
    assert type(loaded) is SAGAN and (loaded.width, loaded.attention, loaded.image_shape) == (4, True, SHAPE)
    np.testing.assert_array_equal(loaded.generate(4, seed=3), gan.generate(4, seed=3))
    assert loaded.gan_loss.name == "hinge" and float(loaded.d_optimizer.learning_rate) == pytest.approx(4e-4)
    gan.export(str(tmp_path / "serving"), verbose=False)
    z = gan.latent(3, seed=5)
    served = call_in_tensorflow_only(tmp_path / "serving", {"z": z})
    np.testing.assert_allclose(served["images"], gan.generate(z=z), atol=1e-5)


def test_fits_in_mixed_bfloat16():
    gan = tiny(dtype_policy="mixed_bfloat16")
    gan.compile(run_eagerly=True)                  # two steps: cheaper than tracing the step again
    history = gan.fit(images(8), batch_size=4, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values()), history
    assert gan.generator.get_layer("attention").compute_dtype == "bfloat16"
    out = gan.generate(2, seed=0)
    assert out.dtype == np.float32 and np.abs(out).max() <= 1.0


def test_bad_input_is_refused(trained):
    with pytest.raises(ValueError, match=r"multiples of 4 \(28 for MNIST.*got image_shape=\(30, 30, 1\)"):
        SAGAN(image_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="width"):
        SAGAN(image_shape=SHAPE, width=0)
    g = kg.networks.sagan_generator(8, SHAPE, width=4)
    with pytest.raises(ValueError, match=r"makes images of shape \(16, 16, 1\) but the discriminator takes \(8, 8, 1\)"):
        SAGAN(generator=g, discriminator=kg.networks.sagan_discriminator((8, 8, 1), width=4))
    gan, _ = trained
    with pytest.raises(ValueError, match="shape"):
        gan.fit(np.zeros((4, 28, 28, 1), "float32"), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2                                          # nothing ran
