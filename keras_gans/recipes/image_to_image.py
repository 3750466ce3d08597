"""Recipes of the two-domain models: `cyclegan`, `pix2pix` (translation) and `cogan` (coupled generation).

They train on the offline pairs of :func:`keras_gans.data.load_pair` by default (digits ↔ MNIST-M,
digits ↔ their negatives), with networks sized for the images: small (16 filters) up to 64 px.

>>> from keras_gans import recipes
>>> recipe = recipes.get("cyclegan")
>>> model, ds, _ = recipe.build(recipe.args(epochs=20, batch_size=8, filters=32, lambda_cycle_b=0.0,
...                                         d_downsampling=3))          # the cyclegan_mnist_mnistm preset
>>> model.image_shape
(32, 32, 3)
"""
from keras_gans.recipes.base import (
    EMA_DECAY,
    IMAGE_SIZE,
    LATENT_DIM,
    Flag,
    Recipe,
    image_size,
    non_negative_float,
    positive_int,
)
from keras_gans.recipes.registry import register

FILTERS = Flag("filters", None, "base filters of the generator and the discriminator (default: 16 for images of at "
               "most 64 px, 64 above)", type=positive_int)
D_DOWNSAMPLING = Flag("d_downsampling", None, "stride-2 blocks of the PatchGAN (default: 2 for images of at most "
                      "64 px, 3 above); 3 on 32 px digits judges the whole digit (see the tutorial)", type=positive_int)
LAMBDA_CYCLE_B = Flag("lambda_cycle_b", None, "weight of the B -> A -> B round trip alone (default: lambda_cycle, "
                      "10); 0 stops F from hiding B's detail in its A images (digits <-> MNIST-M: see the tutorial)",
                      type=non_negative_float)
LAMBDA_L1 = Flag("lambda_l1", None, "weight of the L1 distance to the target (default: 10 on mnist2mnistm-*, "
                 "whose backgrounds the digit cannot predict; the paper's 100 elsewhere)", type=non_negative_float)

#: The former default of every recipe's --dataset; image-to-image recipes read it as their own default.
_OLD_DEFAULT = "mnist-5k"


def _dataset_name(args, default):
    """The pair named by --dataset ("a,b" for two folders); "mnist-5k" (the former default) means `default`."""
    name = args.dataset
    if name in (None, _OLD_DEFAULT):
        name = default
    if isinstance(name, str) and "," in name:
        name = tuple(p.strip() for p in name.split(","))
    return name


def pair_dataset(args, default, paired=False):
    """`(dataset, image_shape)`: batches `(images_a, images_b)` of the pair --dataset names."""
    from keras_gans import data

    name = _dataset_name(args, default)
    if paired and (isinstance(name, tuple) or name not in data.PAIRS or not name.endswith(("-paired", "-test"))):
        raise ValueError(
            f"pix2pix needs aligned pairs; {args.dataset!r} is not a paired dataset. Use one of "
            f"{sorted(n for n in data.PAIRS if n.endswith('-paired'))}."
        )
    ds = data.load_pair(name, batch_size=args.batch_size, image_size=image_size(args), seed=args.seed)
    spec = ds.element_spec
    if isinstance(spec[0], tuple):
        spec = spec[0]
    return ds, tuple(int(d) for d in spec[0].shape[1:])


def preview_images(ds, n=64):
    """The first `n` images of each domain of `ds` (numpy), for the sample grids of a translation model."""
    import numpy as np

    batch = next(iter(ds.unbatch().batch(n).take(1)))
    if isinstance(batch, tuple) and isinstance(batch[0], tuple):
        batch = batch[0]
    return [np.asarray(b) for b in batch]


@register
class CycleGANRecipe(Recipe):
    """CycleGAN (Zhu et al. 2017; book ch. 9): unpaired translation, digits <-> MNIST-M by default.

    ResNet generators (3 residual blocks up to 64 px) and PatchGAN discriminators. The learning rate
    follows the paper's schedule over the run: 2e-4 for the first half of the steps (--epochs × steps
    per epoch), then linearly down to 0 (LinearDecay). The cyclegan_mnist_mnistm preset is
    `--batch-size 8 --filters 32 --lambda-cycle-b 0 --d-downsampling 3 --epochs 20`: 94.0 % of the test
    digits keep their label A->B and 91.6 % B->A (docs/tutorials/cyclegan.md).
    """

    name = "cyclegan"
    summary = "unpaired translation with cycle consistency (ch. 9)"
    defaults = {"dataset": "mnist2mnistm-unpaired"}
    flags = (IMAGE_SIZE, FILTERS, D_DOWNSAMPLING, LAMBDA_CYCLE_B)

    def make(self, args):
        import keras

        from keras_gans import models
        from keras_gans.training.schedules import LinearDecay

        ds, shape = pair_dataset(args, self.defaults["dataset"])
        small = shape[0] <= 64
        filters = args.filters or (16 if small else 64)
        model = models.CycleGAN(image_shape=shape, generator="resnet", filters=filters,
                                num_residual_blocks=3 if small else (6 if shape[0] <= 128 else 9),
                                discriminator_filters=filters,
                                discriminator_downsampling=args.d_downsampling or (2 if small else 3),
                                lambda_cycle_b=args.lambda_cycle_b, seed=args.seed)
        model.set_preview(*preview_images(ds))
        per_epoch = args.steps_per_epoch or int(ds.cardinality())
        if per_epoch > 0 and args.epochs:  # the run's length is known: decay over its second half
            total = int(args.epochs) * per_epoch
            schedule = LinearDecay(2e-4, total - total // 2, max(1, total // 2))
            model.compile(d_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5),
                          g_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5))
        else:
            model.compile()
        return model, ds, []


@register
class Pix2PixRecipe(Recipe):
    """pix2pix (Isola et al. 2017; book ch. 9 companion): paired translation, digits -> MNIST-M by default.

    U-Net generator and PatchGAN discriminator; no EMA generator unless --ema-decay is set. The
    pix2pix_mnist_mnistm preset is `--filters 32 --batch-size 16 --ema-decay 0.99 --epochs 16`:
    90.8 % of the translated test digits keep their label, against 81.6 % for the defaults
    (docs/tutorials/pix2pix.md).
    """

    name = "pix2pix"
    summary = "paired translation, a conditional GAN with L1 (ch. 9)"
    defaults = {"dataset": "mnist2mnistm-paired"}
    flags = (IMAGE_SIZE, FILTERS, D_DOWNSAMPLING, LAMBDA_L1, EMA_DECAY)

    def make(self, args):
        from keras_gans import models
        from keras_gans.models.pix2pix import MNISTM_LAMBDA_L1

        ds, shape = pair_dataset(args, self.defaults["dataset"], paired=True)
        small = shape[0] <= 64
        filters = args.filters or (16 if small else 64)
        lambda_l1 = args.lambda_l1
        if lambda_l1 is None:
            name = _dataset_name(args, self.defaults["dataset"])
            lambda_l1 = MNISTM_LAMBDA_L1 if str(name).startswith("mnist2mnistm") else 100.0
        model = models.Pix2Pix(image_shape=shape, filters=filters, discriminator_filters=filters,
                               discriminator_downsampling=args.d_downsampling or (2 if small else 3),
                               lambda_l1=lambda_l1, ema_decay=args.ema_decay, seed=args.seed)
        model.set_preview(*preview_images(ds))
        model.compile()
        return model, ds, []


COGAN_FILTERS = Flag("filters", 32, "width of the coupled networks: G's last block and D's first convolution have this "
                     "many filters, the layers before/after it 2x and 4x", type=positive_int)


@register
class CoGANRecipe(Recipe):
    """Coupled GAN (Liu & Tuzel 2016; book ch. 9): one z to the same digit in two domains, from unpaired data.

    Digits and their negatives by default. Negatives, not edge maps: on edges G_B drew filled blobs
    and only 20.3 % of the pairs read as the same digit after 30 epochs, against 75.6 % on
    negatives after 15 (docs/tutorials/cogan.md). --ema-decay keeps a moving average of both generators
    (their shared layers averaged once), which pairs, samples and presets then use; --d-lr / --g-lr set the
    rates of the default Adam(2e-4, beta1 = 0.5). --fid-every N scores domain A's samples G_A(z) (the digits,
    not the pairs side by side) against the held-out test split of domain A's digits (mnist-5k's for
    mnist2negative-* and mnist2edges-*, mnist-32's for mnist2mnistm-*); a pair of folders has none.
    """

    name = "cogan"
    summary = "coupled GAN: one z, the same digit in two domains (ch. 9)"
    defaults = {"dataset": "mnist2negative-unpaired"}
    flags = (LATENT_DIM, IMAGE_SIZE, COGAN_FILTERS, EMA_DECAY)
    draws_from_noise = True
    takes_learning_rates = True

    def fid_reference(self, args):
        """The in-memory dataset of domain A of --dataset (:func:`keras_gans.data.domain_dataset`), whose test
        split holds the pair's held-out digits; `ValueError` for a pair without one (folders, TFDS sets)."""
        from keras_gans import data

        name = _dataset_name(args, self.defaults["dataset"])
        reference = data.domain_dataset(name, "a")
        if reference is None:
            raise ValueError(f"--fid-every scores domain A's samples against the held-out test split of domain A, "
                             f"and --dataset {args.dataset!r} has none in memory (only the offline pairs do: "
                             f"{', '.join(sorted(data.PAIRS))}). Leave out --fid-every (in Python, give "
                             "keras_gans.callbacks.FIDCallback real images of domain A and "
                             "generate_kwargs={'domain': 'a'}).")
        return reference

    def fid_generate_kwargs(self, args):
        return {"domain": "a"}  # G_A(z): generate's default puts each pair side by side

    def fid_description(self, args):
        name = _dataset_name(args, self.defaults["dataset"])
        return (f"of domain A (G_A(z), CoGAN.generate(..., domain='a'), not the pairs) against the held-out test "
                f"split of {self.fid_reference(args)} (domain A of {name})")

    def make(self, args):
        from keras_gans import models

        ds, shape = pair_dataset(args, self.defaults["dataset"])
        model = models.CoGAN(image_shape=shape, latent_dim=args.latent_dim, filters=args.filters,
                             ema_decay=args.ema_decay, seed=args.seed)
        model.compile(**self.optimizers(args, model))
        return model, ds, []


LAMBDA_RECONSTRUCTION = Flag("lambda_reconstruction", 10.0, "weight of both reconstruction terms, A -> B -> A and "
                             "B -> A -> B (the paper weighs them 1; on 32-px digits <-> MNIST-M 10 kept more labels "
                             "A -> B: 0.72 against 0.50, docs/tutorials/discogan.md)", type=non_negative_float)
RECONSTRUCTION = Flag("reconstruction", "l1", "distance of the reconstruction terms: mse (the paper) or l1 (kept "
                      "more labels here with weight 10: 0.72/0.76 against mse's 0.24/0.77)", choices=("mse", "l1"))
DEPTH = Flag("depth", None, "stride-2 steps of the encoder-decoder generators and the discriminators (default: 2 for "
             "images of at most 32 px, an 8x8 code that keeps a digit's shape; 4 above, as the paper at 64 px)",
             type=positive_int)


@register
class DiscoGANRecipe(Recipe):
    """DiscoGAN (Kim et al. 2017): unpaired translation, digits <-> MNIST-M by default (as cyclegan).

    Encoder-decoder generators and whole-image discriminators (16 filters up to 64 px), the GAN's
    cross-entropy loss, reconstruction both ways and no identity loss; Adam(2e-4, beta1 = 0.5). Three
    defaults differ from the paper's, measured on digits <-> MNIST-M (docs/tutorials/discogan.md): an 8x8
    code at 32 px (depth 2; the paper's 4x4 lost the digit), L1 reconstruction weighted 10, batch 8.
    """

    name = "discogan"
    summary = "unpaired translation, reconstruction losses, no identity"
    defaults = {"dataset": "mnist2mnistm-unpaired", "batch_size": 8}
    flags = (IMAGE_SIZE, FILTERS, DEPTH, LAMBDA_RECONSTRUCTION, RECONSTRUCTION)

    def make(self, args):
        from keras_gans import models

        ds, shape = pair_dataset(args, self.defaults["dataset"])
        small = shape[0] <= 64
        model = models.DiscoGAN(image_shape=shape, filters=args.filters or (16 if small else 64),
                                depth=args.depth or (2 if shape[0] <= 32 else 4),
                                lambda_reconstruction=args.lambda_reconstruction, reconstruction=args.reconstruction,
                                seed=args.seed)
        model.set_preview(*preview_images(ds))
        model.compile()
        return model, ds, []
