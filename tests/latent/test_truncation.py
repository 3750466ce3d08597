"""keras_gans.latent truncation: truncated_latent (BigGAN) and truncate (StyleGAN psi)."""
import numpy as np
import pytest

from keras_gans import latent


def test_truncation():
    z = latent.truncated_latent(2000, 16, threshold=0.5, seed=0)
    assert z.shape == (2000, 16) and np.abs(z).max() <= 0.5
    assert z.std() > 0.2  # not collapsed
    np.testing.assert_array_equal(z, latent.truncated_latent(2000, 16, threshold=0.5, seed=0))
    zz = np.random.default_rng(0).standard_normal((10, 4)).astype("float32")
    np.testing.assert_allclose(latent.truncate(zz, psi=0.5), 0.5 * zz)
    np.testing.assert_allclose(latent.truncate(zz, psi=0.0, mean=np.ones(4)), np.ones((10, 4)))
    with pytest.raises(ValueError):
        latent.truncated_latent(2, 2, threshold=0)
