"""The `stylegan2` recipe: a small StyleGAN2 (Karras et al. 2020) on --dataset resized to --image-size (32).

>>> from keras_gans import recipes
>>> recipe = recipes.get("stylegan2")
>>> model, ds, _ = recipe.build(recipe.args(epochs=1, augment="translation,cutout"))
>>> model.image_shape, ds.element_spec.shape        # mnist-5k digits resized to 32×32
((32, 32, 1), TensorShape([32, 32, 32, 1]))
"""
from keras_gans.recipes.base import AUGMENT, Flag, ImageModelRecipe, decay, non_negative_float, positive_int, resolution
from keras_gans.recipes.registry import register

LATENT_DIM = Flag("latent_dim", 64, "size of z", type=positive_int)
IMAGE_SIZE = Flag("image_size", 32, "resize images to this square size, a power of two ≥ 8", type=resolution)
STYLE_DIM = Flag("style_dim", 64, "size of w, the mapping network's output", type=positive_int)
R1_GAMMA = Flag("r1_gamma", 10.0, "γ of the lazy R1 penalty on real images (the paper's; 0.01 and 1 collapse on "
                "mnist-5k)",
                type=non_negative_float)
MIXING_PROB = Flag("mixing_prob", 0.9, "probability of style mixing regularisation per batch",
                   type=non_negative_float)
EMA_DECAY = Flag("ema_decay", 0.999, "decay of the generator's weight average, which samples and presets use",
                 type=decay)


@register
class StyleGAN2Recipe(ImageModelRecipe):
    """StyleGAN2 (Karras et al. 2020), small: mapping network, modulated convolutions with noise inputs, style
    mixing, lazy R1, optional DiffAugment, EMA generator; images resized to --image-size (32 by default)."""

    name = "stylegan2"
    summary = "StyleGAN2, small: style mixing, lazy R1 (32 px)"
    defaults = {"batch_size": 32}
    omit = ("d_lr", "g_lr")  # D's Adam settings are adjusted for the lazy R1 interval inside the model
    flags = (LATENT_DIM, IMAGE_SIZE, STYLE_DIM, R1_GAMMA, MIXING_PROB, AUGMENT, EMA_DECAY)
    model_class = "StyleGAN2"
    model_options = ("style_dim", "r1_gamma", "mixing_prob", "augment", "ema_decay")
