"""Every registered model's `from_config` leaves its argument as it was: one config builds the same model twice.

(Keras' own `from_config` does not change the dict it is given; `load_model` and users may reuse a config.)
The tiny sizes are those of each model's own test file.
"""
import copy
import inspect

import keras
import numpy as np
import pytest

import keras_gans as kg
from helpers import tiny_dcgan_with_tricks, tiny_networks


def _extractor():
    """A two-convolution stand-in for VGG19 (its layer names), for StyleTransfer."""
    i = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(2, 3, padding="same", name="block1_conv1")(i)
    x = keras.layers.Conv2D(2, 3, padding="same", name="block2_conv1")(x)
    return keras.Model(i, x, name="tiny_extractor")


def _tiny_networks():
    return dict(zip(("generator", "discriminator"), tiny_networks()))


def _wgan(cls):
    shape = (8, 8, 1)
    return cls(image_shape=shape, latent_dim=8, generator=kg.networks.wgan_generator(8, shape, filters=8),
               critic=kg.networks.wgan_critic(shape, filters=4), seed=0)


def _style_transfer():
    image = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    return kg.models.StyleTransfer(image, image, weights=_extractor(), height=16, content_layer="block2_conv1",
                                   style_layers=("block1_conv1",), seed=0)


#: A tiny instance of each registered model class of keras_gans.models.
TINY = {
    "GAN": lambda: kg.models.GAN(**_tiny_networks(), latent_dim=8, seed=0),
    "DCGAN": lambda: kg.models.DCGAN(**_tiny_networks(), latent_dim=8, seed=0),
    "DCGANWithTricks": lambda: tiny_dcgan_with_tricks(ema_decay=0.9, augment="translation"),
    "WGAN": lambda: _wgan(kg.models.WGAN),
    "WGANGP": lambda: _wgan(kg.models.WGANGP),
    "CGAN": lambda: kg.models.CGAN(image_shape=(8, 8, 1), latent_dim=4, num_classes=3, seed=0),
    "SGAN": lambda: kg.models.SGAN(latent_dim=8, seed=0),
    "ProGAN": lambda: kg.models.ProGAN(4, 8, latent_dim=8, filters={4: 8, 8: 8, 16: 4}, seed=0),
    "StyleTransfer": _style_transfer,
    "CycleGAN": lambda: kg.models.CycleGAN(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1,
                                           discriminator_filters=4, discriminator_downsampling=1, seed=0),
    "Pix2Pix": lambda: kg.models.Pix2Pix(image_shape=(16, 16, 3), filters=4, discriminator_filters=4,
                                         discriminator_downsampling=1),
    "CoGAN": lambda: kg.models.CoGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2, seed=0),
    "VAE": lambda: kg.models.VAE(latent_dim=2, seed=0),
    "StyleGAN2": lambda: kg.models.StyleGAN2(image_shape=(8, 8, 1), latent_dim=8, style_dim=8, mapping_layers=2,
                                             filters={4: 8, 8: 4}, group_size=2, seed=0),
    "SRGAN": lambda: kg.models.SRGAN(lowres_shape=(8, 8, 3), scale=4, filters=4, num_residual_blocks=1,
                                     discriminator_filters=4, discriminator_downsampling=2, dense_units=8, seed=0),
    "DiscoGAN": lambda: kg.models.DiscoGAN(image_shape=(16, 16, 3), filters=4, depth=2, seed=0),
    "SAGAN": lambda: kg.models.SAGAN(image_shape=(16, 16, 1), latent_dim=8, width=4, seed=0),
    "BigGAN": lambda: kg.models.BigGAN(image_shape=(16, 16, 1), latent_dim=9, num_classes=4, width=4,
                                       embedding_dim=4, seed=0),
    "ACGAN": lambda: kg.models.ACGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=0),
    "InfoGAN": lambda: kg.models.InfoGAN(
        image_shape=(16, 16, 1), latent_dim=8, filters=4, hidden_units=16, seed=0,
        discriminator=kg.networks.infogan_discriminator((16, 16, 1), filters=4, hidden_units=16, q_units=8)),
}


def _registered_models():
    return sorted(name for name, obj in vars(kg.models).items()
                  if inspect.isclass(obj) and issubclass(obj, keras.Model) and hasattr(obj, "from_config")
                  and keras.saving.get_registered_object(keras.saving.get_registered_name(obj)) is obj)


def _same(a, b):
    """Equality of configs that may hold numpy arrays or numbers (nested in dicts, lists and tuples)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return type(a) is type(b) and a == b


def test_every_registered_model_class_has_a_tiny_instance_here():
    assert sorted(TINY) == _registered_models()


@pytest.mark.parametrize("name", sorted(TINY))
def test_from_config_leaves_the_config_unchanged_and_can_be_called_twice(name):
    keras.utils.set_random_seed(0)
    model = TINY[name]()
    cls = type(model)
    assert cls is getattr(kg.models, name)
    config = model.get_config()
    snapshot = copy.deepcopy(config)
    first = cls.from_config(config)
    assert _same(config, snapshot), f"{name}.from_config changed its argument"
    second = cls.from_config(config)
    assert _same(config, snapshot), f"{name}.from_config changed its argument"
    assert type(first) is type(second) is cls
    assert _same(first.get_config(), second.get_config())
    assert _same(model.get_config(), snapshot)      # nor the model's own state (a config may share its dicts)
