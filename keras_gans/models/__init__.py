"""GAN models: subclassed `keras.Model`s that train with `fit`.

`MODELS` maps the CLI names (`keras-gans train NAME`) to classes.
"""
from keras_gans.models.gan import GAN
from keras_gans.models.dcgan import DCGAN

MODELS = {
    "gan": GAN,
    "dcgan": DCGAN,
}

__all__ = ["GAN", "DCGAN", "MODELS"]
