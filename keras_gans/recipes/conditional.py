"""Recipes of the models that use labels: `cgan` (conditional generation) and `sgan` (semi-supervised).

>>> from keras_gans import recipes
>>> recipe = recipes.get("sgan")
>>> model, ds, _ = recipe.build(recipe.args(num_labeled=50, epochs=3))
>>> model.num_labeled, model.lr_decay_steps == 3 * int(ds.cardinality())
(50, True)
"""
from keras_gans.recipes.base import (AUGMENT, EMA_DECAY, IMAGE_SIZE, LATENT_DIM, UPDATE, Flag, ImageModelRecipe,
                                     positive_int)
from keras_gans.recipes.registry import register

CONDITIONING = Flag("conditioning", "embedding", "how G and D see the label: an embedding (the book) or one-hot "
                    "(the lecture)", choices=("embedding", "one_hot"))
NUM_LABELED = Flag("num_labeled", 100, "labelled examples, balanced per class; the rest are unlabelled",
                   type=positive_int)


@register
class CGANRecipe(ImageModelRecipe):
    """Conditional GAN (Mirza & Osindero 2014; book ch. 8): images of a requested class, from labelled data."""

    name = "cgan"
    summary = "conditional GAN: a digit of the class you ask for (ch. 8)"
    flags = (LATENT_DIM, IMAGE_SIZE, CONDITIONING, UPDATE, EMA_DECAY, AUGMENT)
    model_class = "CGAN"
    model_options = ("conditioning", "update", "ema_decay", "augment")
    with_labels = True


@register
class SGANRecipe(ImageModelRecipe):
    """Semi-supervised GAN (Salimans et al. 2016; book ch. 7): a classifier from --num-labeled labels.

    The rest of the dataset is used without its labels. The learning rate decays to 0 over the
    second half of the run: --epochs × the steps per epoch (--steps-per-epoch if it caps them).
    """

    name = "sgan"
    summary = "semi-supervised GAN: a classifier from 100 labels (ch. 7)"
    flags = (LATENT_DIM, NUM_LABELED)
    model_class = "SGAN"
    omit = ("d_lr", "g_lr")  # its learning rates follow a decay schedule (below)
    draws_from_noise = False  # what it trains and publishes is the classifier: no --fid-every

    def dataset(self, args):
        from keras_gans.data import semi_supervised_dataset

        ds = semi_supervised_dataset(args.dataset, num_labeled=args.num_labeled, batch_size=args.batch_size,
                                     seed=args.seed)
        return ds, tuple(ds.element_spec["images"].shape[1:])

    def options(self, args, ds):
        # the learning rate decays to 0 at the end of the run: epochs × steps per epoch
        steps = int(ds.cardinality())
        if args.steps_per_epoch:
            steps = min(steps, int(args.steps_per_epoch)) if steps > 0 else int(args.steps_per_epoch)
        decay = args.epochs * steps if args.epochs and steps > 0 and args.epochs * steps >= 2 else None
        return {"num_labeled": args.num_labeled, "lr_decay_steps": decay}
