"""Recipes of the models that learn images without labels: `gan`, `dcgan`, `wgan`, `wgan_gp`.

>>> from keras_gans import recipes
>>> recipe = recipes.get("wgan_gp")
>>> model, ds, _ = recipe.build(recipe.args(n_critic=2, batch_size=16))
>>> ds.element_spec.shape                  # one batch feeds all n_critic critic updates
TensorShape([32, 28, 28, 1])
"""
from keras_gans.recipes.base import (AUGMENT, EMA_DECAY, IMAGE_SIZE, LATENT_DIM, UPDATE, Flag, ImageModelRecipe,
                                     positive_int)
from keras_gans.recipes.registry import register

D_BATCH = Flag("d_batch", "separate", "D sees real and fake images in two batches (the book) or one (keras-io)",
               choices=("joint", "separate"))
N_CRITIC = Flag("n_critic", 5, "critic updates per generator update; batches hold n_critic × --batch-size images",
                type=positive_int)


@register
class GANRecipe(ImageModelRecipe):
    """The book's chapter 3 GAN: MLP generator and discriminator on an unlabelled image dataset."""

    name = "gan"
    summary = "the book's MLP GAN (ch. 3)"
    flags = (LATENT_DIM, IMAGE_SIZE, UPDATE, D_BATCH)
    model_options = ("update", "d_batch")

    def make_model(self, args, image_shape, ds):
        from keras_gans import models, networks

        return models.GAN(networks.mlp_generator(args.latent_dim, image_shape), networks.mlp_discriminator(image_shape),
                          seed=args.seed, **self.options(args, ds))


@register
class DCGANRecipe(ImageModelRecipe):
    """Deep convolutional GAN with the book's chapter 4 networks on an unlabelled image dataset."""

    name = "dcgan"
    summary = "deep convolutional GAN (ch. 4)"
    flags = (LATENT_DIM, IMAGE_SIZE, UPDATE, D_BATCH, EMA_DECAY, AUGMENT)
    model_options = ("update", "d_batch")
    trick_options = ("ema_decay", "augment")

    def make_model(self, args, image_shape, ds):
        """`DCGAN`, or `DCGANWithTricks` when --ema-decay or --augment asks for one of its tricks."""
        from keras_gans import models

        tricks = {name: getattr(args, name) for name in self.trick_options if getattr(args, name) is not None}
        cls = models.DCGANWithTricks if tricks else models.DCGAN
        return cls(image_shape=image_shape, latent_dim=args.latent_dim, seed=args.seed, **self.options(args, ds),
                   **tricks)


@register
class WGANRecipe(ImageModelRecipe):
    """Wasserstein GAN with weight clipping (Arjovsky et al. 2017; book ch. 5).

    Each batch holds n_critic × --batch-size images: the critic takes n_critic updates on its
    slices, then the generator one.
    """

    name = "wgan"
    summary = "Wasserstein GAN, weight clipping (ch. 5)"
    flags = (LATENT_DIM, IMAGE_SIZE, N_CRITIC, EMA_DECAY)
    model_class = "WGAN"
    model_options = ("n_critic", "ema_decay")

    def images_per_batch(self, args):
        return args.batch_size * args.n_critic


@register
class WGANGPRecipe(WGANRecipe):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. 2017; book ch. 5).

    Each batch holds n_critic × --batch-size images: the critic takes n_critic penalised updates
    on its slices, then the generator one.
    """

    name = "wgan_gp"
    summary = "Wasserstein GAN with gradient penalty (ch. 5)"
    model_class = "WGANGP"
