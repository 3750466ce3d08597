"""The chapter 2 VAE baseline."""
import numpy as np
import pytest
import keras

import keras_gans as kg
from keras_gans.models.vae import VAE, Sampling


def test_sampling_uses_the_dynamic_batch_size():
    layer = Sampling(seed=0)
    for n in (3, 7):  # the book's listing fixed the batch size in epsilon's shape (erratum)
        z = layer([np.zeros((n, 2), "float32"), np.zeros((n, 2), "float32")])
        assert tuple(z.shape) == (n, 2)
    # z = mu + sigma * eps: with log var -inf-ish, z == mu
    mu = np.full((4, 2), 3.0, "float32")
    np.testing.assert_allclose(layer([mu, np.full((4, 2), -40.0, "float32")]), mu, atol=1e-6)


def test_vae_shapes_and_partial_batches():
    vae = VAE(latent_dim=2, seed=0)
    assert vae.encoder.output_shape[0] == (None, 2)
    x = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")
    mean, log_var = vae.encode(x)
    assert mean.shape == (5, 2) and log_var.shape == (5, 2)
    images = vae.generate(4, seed=0)
    assert images.shape == (4, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, vae.generate(4, seed=0))
    assert vae.generate(4, seed=0, output="uint8").dtype == np.uint8
    assert vae.latent_grid(5).shape == (25, 28, 28, 1)
    with pytest.raises(ValueError, match="latent_dim=2"):
        VAE(latent_dim=3).latent_grid()
    with pytest.raises(ValueError, match="shape"):
        vae.decode(np.zeros((2, 3)))


def test_vae_training_lowers_loss_and_roundtrips(tmp_path):
    ds = kg.data.load("mnist-5k", batch_size=100, seed=0).take(12)
    vae = VAE(latent_dim=2, seed=0)
    vae.compile()
    assert isinstance(vae.optimizer, keras.optimizers.RMSprop)
    x = next(iter(ds))
    x = x[0] if isinstance(x, tuple) else x
    before = float(vae.compute_losses(x)[0])
    history = vae.fit(ds, epochs=2, verbose=0)
    assert set(history.history) >= {"loss", "reconstruction_loss", "kl_loss"}
    after = float(vae.compute_losses(x)[0])
    assert after < 0.6 * before
    path = tmp_path / "vae.keras"
    vae.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, VAE) and loaded.latent_dim == 2
    assert isinstance(loaded.optimizer, keras.optimizers.RMSprop)
    assert int(loaded.optimizer.iterations) == int(vae.optimizer.iterations) > 0
    np.testing.assert_allclose(loaded.generate(3, seed=1), vae.generate(3, seed=1), atol=1e-6)
    np.testing.assert_allclose(loaded.encode(x[:4])[0], vae.encode(x[:4])[0], atol=1e-5)


def test_latent_tools_accept_a_vae():
    vae = VAE(latent_dim=2, seed=0)
    z = vae.latent(2, seed=0)
    strip = kg.latent.interpolation_strip(vae, z[0], z[1], steps=4)
    np.testing.assert_allclose(strip[[0, -1]], vae.generate(z=z), atol=1e-6)
