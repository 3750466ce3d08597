"""What a recipe is: its flags (as data) and how it builds `(model, dataset, callbacks)`.

A :class:`Flag` is one command-line option with its default, help and value check; a
:class:`Recipe` lists the flags it reads and builds a compiled model and its dataset from
them. `keras-gans train NAME` offers exactly the flags of the recipe NAME, and
:meth:`Recipe.args` gives the same flags to Python code:

>>> from keras_gans import recipes
>>> recipe = recipes.get("dcgan")
>>> args = recipe.args(epochs=1, latent_dim=16)
>>> model, ds, callbacks = recipe.build(args)        # a compiled DCGAN and mnist-5k batches
>>> history = model.fit(ds, epochs=args.epochs, steps_per_epoch=2, callbacks=callbacks, verbose=0)

Nothing here imports TensorFlow: recipes import it inside `build`, so `keras-gans --help`
stays instant.
"""
import argparse
import dataclasses

from keras_gans.utils import checks


# ---------------------------------------------------------------------------- value checks (argparse `type=`)
# The checks of keras_gans.utils.checks on the flag's text: `argument --NAME: must be EXPECTED, not 'TEXT'`.

#: An integer ≥ 1.
positive_int = checks.flag(checks.positive_int)
#: An integer ≥ 2 (samples for statistics such as FID).
at_least_2 = checks.flag(checks.integer, low=2)
#: An integer ≥ 0 (seeds, counts that may be 0).
non_negative_int = checks.flag(checks.non_negative_int)
#: A number ≥ 0 (NaN refused).
non_negative_float = checks.flag(checks.non_negative, float)
#: A moving-average decay in (0, 1), e.g. 0.99.
decay = checks.flag(checks.number, float, low=0.0, high=1.0, low_open=True, high_open=True,
                    expected="a number in (0, 1) such as 0.99")


#: A number > 0 (learning rates).
positive_float = checks.flag(checks.number, float, low=0.0, low_open=True, expected="a number > 0 such as 2e-4")

#: A power of two ≥ 4 (4, 8, 16, 32, ...).
resolution = checks.flag(checks.power_of_two)


# ---------------------------------------------------------------------------- flags
@dataclasses.dataclass(frozen=True)
class Flag:
    """One option of a recipe: `--NAME` (underscores become dashes) with its default and help.

    Args:
        name: the attribute on the parsed arguments, e.g. `"lambda_cycle_b"` for `--lambda-cycle-b`.
        default: the value when the flag is not given (`None`: the recipe picks, as the help says).
        help: one sentence for `keras-gans train NAME --help`; "(default: ...)" is added unless the
            default is None, whose meaning the help states.
        type: converts and checks the text (an argparse `type=`), e.g. :func:`positive_int`.
        choices: the allowed values, if they are a fixed set.
    """

    name: str
    default: object = None
    help: str = ""
    type: object = None
    choices: tuple = None

    @property
    def option(self):
        return "--" + self.name.replace("_", "-")

    def add_to(self, parser, default=None):
        """Adds this flag to an argparse parser (or group), with `default` if the recipe overrides it."""
        shown = "" if default is None else f" (default: {default})"  # a None default is explained in the help
        kwargs = dict(default=default, help=self.help + shown)
        if self.type is not None:
            kwargs["type"] = self.type
        if self.choices is not None:
            kwargs["choices"] = self.choices
        parser.add_argument(self.option, **kwargs)

    def check(self, value):
        """`value` converted and checked as on the command line; `ValueError` naming the flag if it is refused."""
        if value is None:
            return None
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"{self.option} must be one of {', '.join(map(str, self.choices))}; got {value!r}.")
        if self.type is not None:
            try:
                return self.type(str(value))
            except argparse.ArgumentTypeError as e:
                raise ValueError(f"{self.option} {e}.") from None
        return value


#: The flags every recipe reads (the data and the length of the run). A recipe changes their
#: defaults through `Recipe.defaults` and leaves out those that do not apply through `Recipe.omit`.
DATASET = Flag("dataset", "mnist-5k", "dataset name or image folder")
EPOCHS = Flag("epochs", 20, "epochs to train", type=positive_int)
BATCH_SIZE = Flag("batch_size", 64, "images per batch", type=positive_int)
STEPS_PER_EPOCH = Flag("steps_per_epoch", None, "cap the steps per epoch (default: a whole pass over the data)",
                       type=positive_int)
SEED = Flag("seed", 0, "random seed", type=non_negative_int)
PRECISION = Flag("precision", "float32", "arithmetic of the networks: float32; bfloat16 (native on GPUs, TPUs and "
                 "CPUs with AVX-512 BF16 or AMX; emulated elsewhere: about 7x slower than float32 on an AVX2 CPU); "
                 "float16 (GPUs; loss scaling is added); or auto (bfloat16 where it is native, else float32; "
                 "command.json records the choice). Weights, losses and images stay float32",
                 choices=("float32", "bfloat16", "float16", "auto"))  # keras_gans.training.precision.PRECISION_CHOICES
COMMON_FLAGS = (DATASET, EPOCHS, BATCH_SIZE, STEPS_PER_EPOCH, SEED, PRECISION)

#: Generated images per --fid-every evaluation: the quick FID. The zoo cards' FID (`keras-gans zoo publish --eval`)
#: uses 4,500; FID is biased upwards at fewer samples, so the quick numbers are higher than the cards'.
FID_SAMPLES = 1000
#: The common flag of the recipes whose model draws images from noise (:attr:`Recipe.draws_from_noise`).
FID_EVERY = Flag("fid_every", None, "every N epochs, log the quick FID-MNIST (1,000 samples against --dataset's "
                 "held-out test split, cogan: domain A's samples against its digits; higher than the cards' "
                 "4,500-sample FID) as the 'fid' column of "
                 "history.csv (default: none)", type=positive_int)
#: The common flags of those recipes, after :data:`COMMON_FLAGS`.
GENERATOR_FLAGS = (FID_EVERY,)

#: Flags that several recipes share (each recipe lists the ones it reads).
LATENT_DIM = Flag("latent_dim", 100, "size of z", type=positive_int)
IMAGE_SIZE = Flag("image_size", None, "resize images to this square size (default: the dataset's own size)",
                  type=positive_int)
UPDATE = Flag("update", "alternating", "D/G update rule", choices=("alternating", "simultaneous"))
AUGMENT = Flag("augment", None, "DiffAugment policy for every image D sees, real and fake, e.g. translation,cutout "
               "(default: none)")
EMA_DECAY = Flag("ema_decay", None, "keep an exponential moving average of the generator's weights with this "
                 "decay (e.g. 0.99); samples, the saved model's generate and presets use it (default: none)",
                 type=decay)
#: The learning rates of the model's default optimizers (the recipes whose `takes_learning_rates` is True:
#: :class:`ImageModelRecipe`, `cogan`; every other setting of the optimizer, e.g. Adam's β, stays the model's;
#: :func:`rated_optimizers`).
D_LR = Flag("d_lr", None, "learning rate of the discriminator's optimizer (default: the model's, e.g. DCGAN's "
            "Adam 2e-4; its other settings are kept)", type=positive_float)
G_LR = Flag("g_lr", None, "learning rate of the generator's optimizer (default: the model's)", type=positive_float)


# ---------------------------------------------------------------------------- recipes
class Recipe:
    """A name of `keras-gans train`: the flags it reads and how it builds a model and its data.

    Subclasses set `name`, `summary` (one line for `keras-gans train --help`), `flags` (their
    own :class:`Flag` s, besides :data:`COMMON_FLAGS`), optionally `defaults` (their own defaults
    of common flags), `omit` (common flags that do not apply), `draws_from_noise` (True when the
    model draws images from noise, `generate(n, seed=)`: the recipe then also takes :data:`GENERATOR_FLAGS`,
    --fid-every) and `takes_learning_rates` (True when the recipe compiles with :meth:`optimizers`: it then
    also takes --d-lr and --g-lr), and implement :meth:`make` (which :meth:`build` runs).
    The class docstring is the description of `keras-gans train NAME --help`.
    """

    name = None
    summary = ""
    flags = ()
    defaults = {}
    omit = ()
    draws_from_noise = False
    takes_learning_rates = False

    def common_flags(self):
        """The common flags this recipe reads: :data:`COMMON_FLAGS`, then :data:`GENERATOR_FLAGS` if
        `draws_from_noise`, then --d-lr and --g-lr if `takes_learning_rates`, less `omit`."""
        common = (COMMON_FLAGS + (GENERATOR_FLAGS if self.draws_from_noise else ())
                  + ((D_LR, G_LR) if self.takes_learning_rates else ()))
        return [f for f in common if f.name not in self.omit]

    def optimizers(self, args, model):
        """`compile`'s keyword arguments for `model` from --d-lr / --g-lr (:func:`rated_optimizers`)."""
        return rated_optimizers(model, getattr(args, "d_lr", None), getattr(args, "g_lr", None))

    def all_flags(self):
        """`(flag, default)` for every flag this recipe reads: the common ones first, then its own."""
        common = [(f, self.defaults.get(f.name, f.default)) for f in self.common_flags()]
        return common + [(f, f.default) for f in self.flags]

    def flag_names(self):
        return [flag.name for flag, _ in self.all_flags()]

    def add_arguments(self, parser):
        """Adds the recipe's flags to an argparse parser: the data and run length, then the model's own."""
        run = parser.add_argument_group("data and run length")
        own = parser.add_argument_group(f"{self.name} options") if self.flags else None
        common = self.common_flags()
        for flag, default in self.all_flags():
            flag.add_to(run if flag in common else own, default)

    def args(self, **values):
        """An `argparse.Namespace` of every flag at its default, with `values` (checked as on the command line).

        `TypeError` for a flag the recipe does not read, `ValueError` for a refused value.
        """
        flags = dict((flag.name, (flag, default)) for flag, default in self.all_flags())
        unknown = sorted(set(values) - set(flags))
        if unknown:
            raise TypeError(f"The {self.name} recipe has no flag {', '.join(unknown)}; "
                            f"its flags are {', '.join(flags)}.")
        namespace = {name: default for name, (_, default) in flags.items()}
        namespace.update({name: flags[name][0].check(value) for name, value in values.items()})
        return argparse.Namespace(model=self.name, **namespace)

    def build(self, args):
        """`(model, dataset, callbacks)`: a compiled model, its training data and the callbacks this
        recipe needs besides the generic ones of `keras-gans train` (often none).

        Runs :meth:`make` in the precision of `--precision`: every model and network it makes takes
        that `keras.mixed_precision` policy (see :mod:`keras_gans.training.precision`). `--precision auto`
        is resolved first (bfloat16 where it is native here, else float32) and `args.precision` set to the
        result, so that what records `args` afterwards records the arithmetic that ran.

        With --fid-every N (recipes that draw images from noise), the callbacks end with the
        :class:`~keras_gans.callbacks.FIDCallback` of :meth:`fid_callback`.
        """
        from keras_gans.training import precision

        fid = self.fid_callback(args) if getattr(args, "fid_every", None) else None  # a bad --dataset fails first
        chosen = getattr(args, "precision", "float32")
        if chosen == "auto":
            chosen = args.precision = precision.resolve_precision(chosen)[0]
        with precision.global_policy(precision.precision_policy(chosen)):
            model, ds, callbacks = self.make(args)
        return model, ds, list(callbacks) + ([fid] if fid is not None else [])

    def fid_callback(self, args):
        """The :class:`~keras_gans.callbacks.FIDCallback` of `--fid-every N`: the quick FID-MNIST every N
        epochs, :data:`FID_SAMPLES` generated images (seed 0, `generate(..., **fid_generate_kwargs(args))`)
        against the held-out test split of :meth:`fid_reference` (--dataset), logged as `"fid"` (in `fit`'s
        history and `keras-gans train`'s history.csv).

        `ValueError` if that dataset has no held-out test split in memory (a folder, `tfds:...`, full `mnist`).
        """
        from keras_gans.callbacks import FIDCallback
        from keras_gans.metrics import reference_images

        reference = self.fid_reference(args)
        try:
            reference_images(reference, "test")
        except (KeyError, ValueError) as e:
            raise ValueError(f"--fid-every scores the samples against the held-out test split of --dataset, and "
                             f"{reference!r} has none in memory ({e.args[0] if e.args else e}). Use a built-in "
                             "dataset such as mnist-5k, or leave out --fid-every (in Python, give "
                             "keras_gans.callbacks.FIDCallback real images of your own).") from None
        return FIDCallback(reference, every=args.fid_every, n_samples=FID_SAMPLES, extractor="mnist", seed=0,
                           verbose=0, generate_kwargs=self.fid_generate_kwargs(args))  # the progress bar shows it

    def fid_reference(self, args):
        """The in-memory dataset whose held-out `"test"` split --fid-every scores the samples against: --dataset.

        Recipes whose --dataset is not itself that dataset (`cogan`: a pair of domains) override it, raising a
        `ValueError` that says why when there is none.
        """
        return args.dataset

    def fid_generate_kwargs(self, args):
        """More keyword arguments of the model's `generate` for --fid-every's samples (FIDCallback's
        `generate_kwargs`): none; `cogan` scores domain A, `{"domain": "a"}`."""
        return {}

    def fid_description(self, args):
        """What --fid-every's samples are scored against, in words that follow "1,000 generated images (seed 0)"
        in the FID protocol of zoo cards: "against the held-out test split of DATASET". `args` may be a
        run's command.json; raises what :meth:`fid_reference` raises."""
        return f"against the held-out test split of {self.fid_reference(args)}"

    def make(self, args):
        """What :meth:`build` returns, made from `args`; each recipe implements it."""
        raise NotImplementedError

    def __repr__(self):
        return f"<Recipe {self.name}: {self.summary}>"


def rated_optimizers(model, d_lr=None, g_lr=None):
    """`compile`'s keyword arguments: `{}` (the model's default optimizers) when both rates are None, else
    `model.default_optimizers()` (d first, g second) with each given learning rate, the optimizer rebuilt from
    its config (β, ε, ... kept)."""
    if (d_lr, g_lr) == (None, None):
        return {}
    chosen = []
    for optimizer, rate in zip(model.default_optimizers(), (d_lr, g_lr)):
        if rate is not None:
            optimizer = type(optimizer).from_config({**optimizer.get_config(), "learning_rate": rate})
        chosen.append(optimizer)
    return {"d_optimizer": chosen[0], "g_optimizer": chosen[1]}


def image_size(args):
    """`--image-size` as the `(height, width)` the data loaders take, or None."""
    size = getattr(args, "image_size", None)
    return (size, size) if size else None


class ImageModelRecipe(Recipe):
    """A recipe that trains `models.<model_class>(image_shape=..., latent_dim=..., seed=..., **options)`
    on the batches of `--dataset`, compiled with the model's defaults.

    Subclasses set `model_class` (a name in `keras_gans.models`) and `model_options` (their flags that
    the model takes as keyword arguments of the same name), `with_labels` for `(images, labels)`
    batches; they override :meth:`images_per_batch`, :meth:`dataset`, :meth:`options` or
    :meth:`make_model` where their model needs more.
    """

    model_class = None
    model_options = ()
    with_labels = False
    draws_from_noise = True
    takes_learning_rates = True

    def images_per_batch(self, args):
        """Images a batch holds (`--batch-size`; WGAN's n_critic slices take more)."""
        return args.batch_size

    def dataset(self, args):
        """`(dataset, image_shape)`: the batches of `--dataset` at `--image-size`."""
        from keras_gans import data

        ds = data.load(args.dataset, batch_size=self.images_per_batch(args), image_size=image_size(args),
                       seed=args.seed, with_labels=self.with_labels)
        images = ds.element_spec[0] if self.with_labels else ds.element_spec
        return ds, tuple(images.shape[1:])

    def options(self, args, ds):
        """The model's keyword arguments besides image_shape, latent_dim and seed."""
        return {name: getattr(args, name) for name in self.model_options}

    def make_model(self, args, image_shape, ds):
        from keras_gans import models

        return getattr(models, self.model_class)(image_shape=image_shape, latent_dim=args.latent_dim, seed=args.seed,
                                                 **self.options(args, ds))

    def make(self, args):
        ds, image_shape = self.dataset(args)
        model = self.make_model(args, image_shape, ds)
        model.compile(**self.optimizers(args, model))
        return model, ds, []
