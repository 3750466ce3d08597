"""Recipes of the GANs whose discriminator has an extra head: `acgan` (a class head) and `infogan` (a Q head).

>>> from keras_gans import recipes
>>> recipe = recipes.get("infogan")
>>> model, ds, _ = recipe.build(recipe.args(continuous_weight=0.5, epochs=1))
>>> model.latent_dim, model.continuous_weight
(62, 0.5)
"""
from keras_gans.recipes.base import (EMA_DECAY, IMAGE_SIZE, LATENT_DIM, Flag, ImageModelRecipe, non_negative_float,
                                     positive_int)
from keras_gans.recipes.conditional import CONDITIONING
from keras_gans.recipes.registry import register

#: InfoGAN's noise is 62 numbers in the paper's MNIST model (74 inputs with the 10 + 2 codes).
INFOGAN_LATENT_DIM = Flag("latent_dim", 62, "size of the noise z, besides the 10 + 2 codes", type=positive_int)
CONTINUOUS_WEIGHT = Flag("continuous_weight", 0.1, "λ of the continuous codes in the information loss (the "
                         "categorical code's is 1)", type=non_negative_float)


@register
class ACGANRecipe(ImageModelRecipe):
    """Auxiliary-classifier GAN (Odena et al. 2017): D also names the class; images of the class you ask for."""

    name = "acgan"
    summary = "auxiliary-classifier GAN: D also tells the class"
    flags = (LATENT_DIM, IMAGE_SIZE, CONDITIONING, EMA_DECAY)
    model_class = "ACGAN"
    model_options = ("conditioning", "ema_decay")
    with_labels = True


@register
class InfoGANRecipe(ImageModelRecipe):
    """InfoGAN (Chen et al. 2016): unlabelled digits; a 10-way code learns the digit, 2 continuous codes width and slant."""

    name = "infogan"
    summary = "InfoGAN: codes learn digit, width, slant unlabelled"
    flags = (INFOGAN_LATENT_DIM, IMAGE_SIZE, CONTINUOUS_WEIGHT, EMA_DECAY)
    model_class = "InfoGAN"
    model_options = ("continuous_weight", "ema_decay")
