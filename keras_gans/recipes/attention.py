"""Recipes of the self-attention GANs of issue 24: `sagan` (unconditional) and `biggan` (class-conditional, small).

>>> from keras_gans import recipes
>>> recipe = recipes.get("biggan")
>>> model, ds, _ = recipe.build(recipe.args(width=8, batch_size=16))
>>> type(model).__name__, model.gan_loss.name, ds.element_spec[0].shape
('BigGAN', 'hinge', TensorShape([16, 28, 28, 1]))
"""
from keras_gans.recipes.base import EMA_DECAY, IMAGE_SIZE, Flag, ImageModelRecipe, non_negative_float, positive_int
from keras_gans.recipes.registry import register

WIDTH = Flag("width", 32, "channel width of the networks (small for CPUs; the papers' are 16× wider)",
             type=positive_int)
ATTENTION = Flag("attention", "on", "self-attention at the middle resolution of G and D (off: the ablation)",
                 choices=("on", "off"))
SAGAN_LATENT_DIM = Flag("latent_dim", 128, "size of z", type=positive_int)
BIGGAN_LATENT_DIM = Flag("latent_dim", 120, "size of z (split into 3 chunks: the input layer and 2 blocks)",
                         type=positive_int)
EMBEDDING_DIM = Flag("embedding_dim", 32, "size of the shared class embedding", type=positive_int)
ORTHOGONAL_REG = Flag("orthogonal_reg", 1e-4, "β of BigGAN's orthogonal regularisation of G (0: off)",
                      type=non_negative_float)


class AttentionRecipe(ImageModelRecipe):
    """`--attention on|off` becomes the model's `attention=True|False`."""

    def options(self, args, ds):
        options = super().options(args, ds)
        options["attention"] = args.attention == "on"
        return options


@register
class SAGANRecipe(AttentionRecipe):
    """Self-attention GAN (Zhang et al. 2019; book ch. 12): hinge loss, spectral norm in G and D, self-attention
    at the middle resolution, TTUR (D Adam 4e-4, G Adam 1e-4, β = 0, 0.9)."""

    name = "sagan"
    summary = "self-attention GAN: SN, hinge loss, TTUR (ch. 12)"
    flags = (SAGAN_LATENT_DIM, IMAGE_SIZE, WIDTH, ATTENTION, EMA_DECAY)
    model_class = "SAGAN"
    model_options = ("width", "ema_decay")


@register
class BigGANRecipe(AttentionRecipe):
    """BigGAN, small (Brock et al. 2019; book ch. 12): class-conditional BN from a shared embedding and hierarchical
    z, projection discriminator, SN, orthogonal regularisation, hinge loss; trains on (images, labels)."""

    name = "biggan"
    summary = "BigGAN, small: class-conditional, projection D (ch. 12)"
    flags = (BIGGAN_LATENT_DIM, IMAGE_SIZE, WIDTH, EMBEDDING_DIM, ORTHOGONAL_REG, ATTENTION, EMA_DECAY)
    model_class = "BigGAN"
    model_options = ("width", "embedding_dim", "orthogonal_reg", "ema_decay")
    with_labels = True
