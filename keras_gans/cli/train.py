"""`keras-gans train MODEL`: train with `fit`, Keras' progress bar, sample grids and resume.

MODEL names a recipe (:mod:`keras_gans.recipes`): its flags are the only ones `keras-gans train
MODEL` takes, and it builds the model and the data. This module adds the flags of the run itself
(--out, --every, --verbose, --save-freq, --deterministic, --strategy) and the callbacks every run
gets: DivergenceGuard, ExactBackupAndRestore, TerminateOnNaN, CSVLogger and SampleGrid.
"""
import argparse
import inspect
import json
import os

from keras_gans.recipes.base import positive_int


class _Recipes(argparse._SubParsersAction):
    """One sub-parser per recipe; the name is case-insensitive and takes - or _ (wgan-gp = wgan_gp).

    An unknown name gets the error "Unknown model ..., choose one of ..." (argparse's own check is
    bypassed: it would neither normalise the name nor say what a name is here).
    """

    class _AnyName:
        """The `choices` argparse checks a name against: every name passes; :meth:`__call__` checks."""

        def __init__(self, names):
            self.names = names

        def __contains__(self, name):
            return True

        def __iter__(self):
            return iter(self.names)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = self._AnyName(self._name_parser_map)

    def __call__(self, parser, namespace, values, option_string=None):
        from keras_gans.recipes import canonical

        name = canonical(values[0])
        if name not in self._name_parser_map:
            raise argparse.ArgumentError(self, f"Unknown model {values[0]!r}. Choose one of "
                                               f"{', '.join(self._name_parser_map)}.")
        super().__call__(parser, namespace, [name, *values[1:]], option_string)


class _RecipeParser(argparse.ArgumentParser):
    """The parser of `keras-gans train NAME`: a flag NAME does not take is an error that says so."""

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)} (`{self.prog} --help` lists the flags it takes)")
        return namespace, extras


def add_arguments(p):
    from keras_gans import recipes

    p.epilog = "Run `keras-gans train MODEL --help` for the flags of a model."
    models = p.add_subparsers(dest="model", metavar="MODEL", required=True, action=_Recipes,
                              parser_class=_RecipeParser, title="models",
                              description="names are case-insensitive; - and _ are the same (wgan-gp = wgan_gp)")
    for name, recipe in recipes.RECIPES.items():
        r = models.add_parser(name, help=recipe.summary, description=inspect.cleandoc(recipe.__doc__ or ""),
                              allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter)
        recipe.add_arguments(r)
        _add_run_arguments(r)


def _add_run_arguments(p):
    """The flags of the run itself (output, progress, backups, devices), the same for every model."""
    g = p.add_argument_group("output and devices")
    g.add_argument("--out", required=True, help="output folder: samples, losses, backups, model.keras")
    g.add_argument("--every", type=positive_int, default=1, help="write a sample grid every N epochs (default: 1)")
    g.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="Keras fit verbosity (default: 1)")
    g.add_argument("--save-freq", type=_save_freq, default="epoch",
                   help="back up the training state every N steps, or 'epoch' (default); rerunning resumes exactly")
    g.add_argument("--deterministic", action="store_true",
                   help="enable TensorFlow op determinism: a resumed run ends with the weights of an uninterrupted one")
    g.add_argument("--strategy", choices=["mirrored", "multiworker"], default=None,
                   help="tf.distribute: all local devices (mirrored) or the hosts in TF_CONFIG (multiworker); "
                        "--batch-size is the global batch")


def _check_out(out):
    """Fails before any work if --out cannot hold the run's files (a file, or an unwritable folder)."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise FileExistsError(f"--out {out!r} is a file, not a folder. Choose another --out.")
    probe = os.path.join(out, f".write-test-{os.getpid()}")
    created = not os.path.exists(out)
    try:
        os.makedirs(out, exist_ok=True)
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as e:
        if created and os.path.isdir(out):
            os.rmdir(out)
        raise PermissionError(f"Cannot write in --out {out!r} ({e.strerror}). Choose a writable folder.") from e
    if created:
        os.rmdir(out)  # created again once the model is built; a failed start leaves nothing behind


def _save_freq(text):
    if text == "epoch":
        return text
    try:
        steps = int(text)
    except ValueError:
        steps = 0
    if steps < 1:
        raise argparse.ArgumentTypeError(f"must be 'epoch' or a positive number of steps, not {text!r}")
    return steps


def _strategy(name):
    """The tf.distribute strategy named on the command line, and whether this process is the chief."""
    import contextlib

    import tensorflow as tf

    if name is None:
        return contextlib.nullcontext(), True
    if name == "mirrored":
        return tf.distribute.MirroredStrategy().scope(), True
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    return strategy.scope(), task.get("type", "worker") in ("chief", "worker") and int(task.get("index", 0)) == 0


def run(args):
    parent = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"The folder {parent!r} (parent of --out) does not exist. Create it or choose another --out.")
    _check_out(args.out)
    import keras

    import keras_gans as kg
    from keras_gans import recipes

    keras.utils.set_random_seed(args.seed)
    if getattr(args, "deterministic", False):
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    scope, chief = _strategy(getattr(args, "strategy", None))
    if not chief:  # other workers of a multi-worker run write their (identical) files apart
        args.out = os.path.join(args.out, f"worker{json.loads(os.environ['TF_CONFIG'])['task']['index']}")
    with scope:
        gan, ds, extra_callbacks = recipes.get(args.model).build(args)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "command.json"), "w") as f:
        json.dump({k: v for k, v in vars(args).items() if not k.startswith("_")}, f, indent=1)
    callbacks = [
        kg.callbacks.DivergenceGuard(),
        kg.callbacks.ExactBackupAndRestore(os.path.join(args.out, "backup"), save_freq=getattr(args, "save_freq", "epoch"),
                                           dataset=ds),
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.CSVLogger(os.path.join(args.out, "history.csv"), append=True),
        kg.callbacks.SampleGrid(os.path.join(args.out, "samples"), every=args.every, seed=args.seed),
        *extra_callbacks,
    ]
    history = gan.fit(ds, epochs=args.epochs, steps_per_epoch=getattr(args, "steps_per_epoch", None),
                      callbacks=callbacks, verbose=args.verbose)
    if any(v != v for v in history.history.get("g_loss", [])):  # NaN
        raise ValueError("Training diverged (NaN loss); nothing was saved. Lower the learning rate or change the seed.")
    model_path = os.path.join(args.out, "model.keras")
    gan.save(model_path)
    grid = os.path.join(args.out, "samples.png")
    from keras_gans.utils.images import make_grid, save_image

    save_image(make_grid(gan.generate(64, seed=args.seed)), grid)
    print(f"Saved {model_path}, {grid}, and per-epoch grids, samples.gif and losses.png in {args.out}/samples")
    return 0
