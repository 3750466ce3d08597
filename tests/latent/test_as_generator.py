"""keras_gans.latent.as_generator: GAN models, bare networks, conditional generators and callables."""
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import latent


@pytest.fixture(scope="module")
def dcgan():
    return kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, seed=0)


@pytest.fixture(scope="module")
def cgan():
    return kg.models.CGAN(image_shape=(28, 28, 1), latent_dim=16, num_classes=10, seed=0)


def test_as_generator_handles_models_networks_and_labels(dcgan, cgan):
    g = latent.as_generator(dcgan)
    assert g.latent_dim == 32 and not g.conditional
    net = latent.as_generator(dcgan.generator)
    z = dcgan.latent(3, seed=0)
    np.testing.assert_allclose(g.numpy(z), net.numpy(z), atol=1e-6)
    c = latent.as_generator(cgan)
    assert c.conditional and c.num_classes == 10
    with pytest.raises(ValueError, match="labels"):
        c.numpy(cgan.latent(2, seed=0))
    with pytest.raises(ValueError, match="unconditional"):
        g.numpy(z, labels=3)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        c.numpy(cgan.latent(2, seed=0), labels=[1, 12])
    np.testing.assert_allclose(c.numpy(cgan.latent(2, seed=0), labels=[1, 7]),
                               cgan.generate(2, z=cgan.latent(2, seed=0), labels=[1, 7]), atol=1e-5)
    # callables (e.g. a hub layer) need latent_dim
    with pytest.raises(ValueError, match="latent_dim"):
        latent.as_generator(lambda z: z)
    assert latent.as_generator(lambda z: z, latent_dim=5).numpy(np.ones((2, 5))).shape == (2, 5)


def test_package_offers_every_tool_from_its_module():
    expected = {"LatentGenerator", "as_generator", "lerp", "slerp", "interpolate", "interpolation_strip",
                "interpolation_gif", "truncated_latent", "truncate", "concept_vector", "vector_arithmetic",
                "collect_latents", "invert", "Inversion", "edit", "Edit"}
    assert set(latent.__all__) == expected
    for name in expected:
        assert getattr(latent, name).__module__.startswith("keras_gans.latent."), name
