"""The `progan` recipe: progressive growing from 4×4 to --target-resolution, and its tuned schedules.

>>> from keras_gans import recipes
>>> recipe = recipes.get("progan")
>>> model, ds, _ = recipe.build(recipe.args(target_resolution=32, epochs=22, batch_size=32, latent_dim=64))
>>> model.filters == MNIST_32_RECIPE["filters"]          # mnist-5k at 32 px: the tuned recipe below
True
"""
from keras_gans.recipes.base import IMAGE_SIZE, LATENT_DIM, Flag, Recipe, resolution
from keras_gans.recipes.registry import register

#: The 4 → 32 recipe for mnist-5k (28×28 digits resized to 32×32) that the slow test
#: (tests/models/test_progan.py) checks with the digit judge; the ``progan_mnist_32`` zoo preset trains its phases
#: with ``--epochs 44`` (the last phase 22 passes longer) in bfloat16. ``keras-gans train progan --dataset mnist-5k --target-resolution 32`` uses its filters, EMA
#: decay and phase lengths (see :class:`ProGANRecipe`); with ``--epochs 22 --batch-size 32
#: --latent-dim 64`` it is exactly this schedule (98,560 images = 22 passes over the 4,480 digits).
MNIST_32_RECIPE = {
    "filters": {4: 64, 8: 64, 16: 48, 32: 32},
    "ema_decay": 0.99,
    "latent_dim": 64,
    "batch_size": 32,
    "epochs": 22,
    "transition_images": {8: 6_000, 16: 6_000, 32: 6_000},
    "stable_images": {4: 4_000, 8: 6_000, 16: 8_000, 32: 62_560},
}

#: Tuned schedules by (dataset, target resolution), for one-channel data.
SCHEDULES = {("mnist-5k", 32): MNIST_32_RECIPE}

TARGET_RESOLUTION = Flag("target_resolution", None, "final resolution, a power of two; grows from 4 "
                         "(default: --image-size, else 32)", type=resolution)


@register
class ProGANRecipe(Recipe):
    """Progressive growing of GANs (Karras et al. 2018; book ch. 6): 4×4 → --target-resolution.

    The images are resized to the target resolution; --epochs is the number of passes over the data
    for the whole schedule; --batch-size is used at every resolution; the schedule sets the steps, so
    there is no --steps-per-epoch. By default the phases share the images equally and the networks have
    the default widths. For a (dataset, target) in SCHEDULES (mnist-5k at 32) the tuned filters and EMA
    decay are used, every phase but the last gets the tuned images, and the last (stable at the target)
    gets the rest of the --epochs passes: `--epochs 22 --batch-size 32 --latent-dim 64` reproduce
    MNIST_32_RECIPE exactly; the progan_mnist_32 preset is `--epochs 44` of it, in bfloat16.
    """

    name = "progan"
    summary = "progressive growing, 4x4 up to --target-resolution (ch. 6)"
    omit = ("steps_per_epoch",)
    draws_from_noise = True
    flags = (TARGET_RESOLUTION, IMAGE_SIZE, LATENT_DIM)

    def make(self, args):
        from keras_gans import data, models

        target = args.target_resolution or args.image_size or 32
        if target < 4 or target & (target - 1):  # --image-size may be any size; the target may not
            raise ValueError(f"The target resolution must be a power of two ≥ 4 (4, 8, 16, 32, …); got {target}. "
                             "Set --target-resolution.")
        ds = data.load(args.dataset, batch_size=args.batch_size, image_size=(target, target), seed=args.seed)
        channels = int(ds.element_spec.shape[-1])
        batches = int(ds.cardinality())
        n_images = batches * args.batch_size if batches > 0 else 10_000
        tuned = SCHEDULES.get((args.dataset, target)) if channels == 1 else None
        if tuned is None:
            model = models.ProGAN(start_resolution=4, target_resolution=target, latent_dim=args.latent_dim,
                                  channels=channels, seed=args.seed)
            n_phases = len(model.phases(models.ProGANSchedule(1, batch_sizes=1)))
            per_phase = max(args.batch_size, args.epochs * n_images // n_phases)
            model.schedule = models.ProGANSchedule(transition_images=per_phase, batch_sizes=args.batch_size)
        else:
            model = models.ProGAN(start_resolution=4, target_resolution=target, latent_dim=args.latent_dim,
                                  channels=channels, filters=tuned["filters"], ema_decay=tuned["ema_decay"],
                                  seed=args.seed)
            stable = dict(tuned["stable_images"])
            before_last = sum(tuned["transition_images"].values()) + sum(v for r, v in stable.items() if r != target)
            stable[target] = args.epochs * n_images - before_last
            if stable[target] < args.batch_size:
                raise ValueError(f"--epochs {args.epochs} is too short for the {args.dataset} recipe at "
                                 f"{target}×{target}: its phases before the last take {before_last:,} images "
                                 f"({before_last / n_images:.1f} passes). Use --epochs {tuned['epochs']} (the recipe).")
            model.schedule = models.ProGANSchedule(transition_images=tuned["transition_images"],
                                                   stable_images=stable, batch_sizes=args.batch_size)
        model.compile()
        return model, ds, []
