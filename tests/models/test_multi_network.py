"""keras_gans.models.multi_network: the base of CycleGAN, pix2pix and CoGAN."""
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.models.multi_network import MultiNetworkGAN, as_model_images, check_links, unique_variables


@pytest.fixture(scope="module")
def cyclegan():
    return kg.models.CycleGAN(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1, discriminator_filters=4,
                              discriminator_downsampling=1, seed=0)


def test_image_to_image_models_have_no_latent_space(cyclegan):
    pix2pix = kg.models.Pix2Pix(image_shape=(16, 16, 3), filters=4, discriminator_filters=4,
                                discriminator_downsampling=1)
    for model in (cyclegan, pix2pix):
        assert isinstance(model, MultiNetworkGAN) and model.latent_dim is None
        with pytest.raises(ValueError, match="no latent space"):
            model.latent(2)
        assert [s.name for s in model.serving_inputs()] == ["images"]
        assert "latent_dim" not in model.get_config()
    cogan = kg.models.CoGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    assert cogan.latent_dim == 4 and cogan.latent(2, seed=0).shape == (2, 4)
    assert [s.name for s in cogan.serving_inputs()] == ["z"]


def test_compile_builds_both_optimizers_on_each_shared_variable_once(cyclegan):
    cogan = kg.models.CoGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    for model in (cyclegan, cogan):
        model.compile()
        a, b = (getattr(model, name) for name in model.generator_names)
        shared = len(a.trainable_variables) + len(b.trainable_variables) - len(model.g_weights)
        assert shared == (0 if model is cyclegan else len(model.g_weights) - 2 * 2)  # CoGAN: all but the outputs
        assert len(model.g_optimizer._trainable_variables) == len(model.g_weights)
        assert len(model.d_optimizer._trainable_variables) == len(model.d_weights)
    assert unique_variables(cogan.generator_a, cogan.generator_a) == list(cogan.generator_a.trainable_variables)


def test_translate_with_converts_in_and_out(cyclegan):
    pixels = np.full((2, 16, 16, 3), 255, np.uint8)
    out = cyclegan.translate(pixels, output="uint8")
    assert out.shape == (2, 16, 16, 3) and out.dtype == np.uint8
    assert cyclegan.translate(pixels[0]).shape == (16, 16, 3)
    with pytest.raises(ValueError, match="output must be"):
        cyclegan.translate(pixels, output="png")
    with pytest.raises(ValueError, match="set_preview"):
        kg.models.CycleGAN(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1, discriminator_filters=4,
                           discriminator_downsampling=1).generate(2)


def test_helpers_check_shapes_and_ranges():
    check_links([("g output", (None, 8, 8, 3), "d input", (None, 8, 8, 3))])
    with pytest.raises(ValueError, match="The g output has shape"):
        check_links([("g output", (None, 8, 8, 3), "d input", (None, 8, 8, 1))])
    with pytest.raises(ValueError, match=r"must lie in \[-1, 1\]"):
        as_model_images(np.full((1, 4, 4, 1), 3.0, "float32"), (4, 4, 1))
