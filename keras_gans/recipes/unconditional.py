"""Recipes of the models that learn images without labels: `gan`, `dcgan`, `wgan`, `wgan_gp`.

>>> from keras_gans import recipes
>>> recipe = recipes.get("wgan_gp")
>>> model, ds, _ = recipe.build(recipe.args(n_critic=2, batch_size=16))
>>> ds.element_spec.shape                  # one batch feeds all n_critic critic updates
TensorShape([32, 28, 28, 1])
"""
from keras_gans.recipes.base import EMA_DECAY, IMAGE_SIZE, LATENT_DIM, Flag, Recipe, image_size, positive_int
from keras_gans.recipes.registry import register

UPDATE = Flag("update", "alternating", "D/G update rule", choices=("alternating", "simultaneous"))
D_BATCH = Flag("d_batch", "separate", "D sees real and fake images in two batches (the book) or one (keras-io)",
               choices=("joint", "separate"))
N_CRITIC = Flag("n_critic", 5, "critic updates per generator update; batches hold n_critic × --batch-size images",
                type=positive_int)


def _images(args, batch_size=None):
    """Unlabelled image batches of `--dataset` and their image shape."""
    from keras_gans import data

    ds = data.load(args.dataset, batch_size=batch_size or args.batch_size, image_size=image_size(args),
                   seed=args.seed)
    return ds, tuple(ds.element_spec.shape[1:])


@register
class GANRecipe(Recipe):
    """The book's chapter 3 GAN: MLP generator and discriminator on an unlabelled image dataset."""

    name = "gan"
    summary = "the book's MLP GAN (ch. 3)"
    flags = (LATENT_DIM, IMAGE_SIZE, UPDATE, D_BATCH)

    def build(self, args):
        from keras_gans import models, networks

        ds, image_shape = _images(args)
        model = models.GAN(networks.mlp_generator(args.latent_dim, image_shape),
                           networks.mlp_discriminator(image_shape), seed=args.seed, update=args.update,
                           d_batch=args.d_batch)
        model.compile()
        return model, ds, []


@register
class DCGANRecipe(Recipe):
    """Deep convolutional GAN with the book's chapter 4 networks on an unlabelled image dataset."""

    name = "dcgan"
    summary = "deep convolutional GAN (ch. 4)"
    flags = (LATENT_DIM, IMAGE_SIZE, UPDATE, D_BATCH)

    def build(self, args):
        from keras_gans import models

        ds, image_shape = _images(args)
        model = models.DCGAN(image_shape=image_shape, latent_dim=args.latent_dim, seed=args.seed, update=args.update,
                             d_batch=args.d_batch)
        model.compile()
        return model, ds, []


@register
class WGANRecipe(Recipe):
    """Wasserstein GAN with weight clipping (Arjovsky et al. 2017; book ch. 5).

    Each batch holds n_critic × --batch-size images: the critic takes n_critic updates on its
    slices, then the generator one.
    """

    name = "wgan"
    summary = "Wasserstein GAN, weight clipping (ch. 5)"
    flags = (LATENT_DIM, IMAGE_SIZE, N_CRITIC, EMA_DECAY)
    model_class = "WGAN"

    def build(self, args):
        from keras_gans import models

        ds, image_shape = _images(args, batch_size=args.batch_size * args.n_critic)
        model = getattr(models, self.model_class)(image_shape=image_shape, latent_dim=args.latent_dim,
                                                  n_critic=args.n_critic, seed=args.seed, ema_decay=args.ema_decay)
        model.compile()
        return model, ds, []


@register
class WGANGPRecipe(WGANRecipe):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. 2017; book ch. 5).

    Each batch holds n_critic × --batch-size images: the critic takes n_critic penalised updates
    on its slices, then the generator one.
    """

    name = "wgan_gp"
    summary = "Wasserstein GAN with gradient penalty (ch. 5)"
    model_class = "WGANGP"
