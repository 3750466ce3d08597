"""`keras-gans train MODEL`: train with `fit`, Keras' progress bar, sample grids and resume.

MODEL names a recipe (:mod:`keras_gans.recipes`): its flags are the only ones `keras-gans train
MODEL` takes, and it builds the model and the data. This module adds the flags of the run itself
(--out, --every, --verbose, --save-freq, --deterministic, --strategy) and the callbacks every run
gets: DivergenceGuard, ExactBackupAndRestore, TerminateOnNaN, a CSV logger (history.csv) and SampleGrid;
with --fid-every N (recipes that draw images from noise), the quick FID of every N-th epoch is the
`fid` column of history.csv (`keras-gans zoo publish` plots it on the card).

--out is the run's folder, and rerunning the same command with the same --out is safe:

- a killed run resumes exactly from its backup (`--out/backup`);
- a finished run (model.keras written, backup at the last epoch) is refused with exit 2: more
  --epochs continues from its last state (the backup is kept after a finished run for that), and
  --overwrite starts over, deleting only the files a run writes (:data:`RUN_FILES`);
- a non-empty folder that holds no run, or a run of another model, is refused unless --overwrite;
- a run that fails before its first backup removes the --out folder it created.

Recipes whose schedule depends on --epochs (learning-rate decay to 0 at the end, ProGAN's phases)
continue an extended run with the schedule of the new --epochs.

--precision auto is resolved before anything is recorded (:func:`_resolve_precision`): command.json holds
float32 or bfloat16, never auto, and a run continued with auto keeps the precision it recorded.
"""
import argparse
import inspect
import json
import os
import sys

from keras_gans.recipes.base import positive_int

#: What a run writes in --out: all that --overwrite deletes (nothing else in the folder is touched).
RUN_FILES = ("model.keras", "samples.png", "samples", "backup", "history.csv", "command.json")


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
    g.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2],
                   help="Keras fit verbosity; 0 also leaves out the line that says what --precision auto picked "
                        "(default: 1)")
    g.add_argument("--save-freq", type=_save_freq, default="epoch",
                   help="back up the training state every N steps, or 'epoch' (default); rerunning resumes exactly")
    g.add_argument("--deterministic", action="store_true",
                   help="enable TensorFlow op determinism: a resumed run ends with the weights of an uninterrupted one")
    g.add_argument("--strategy", choices=["mirrored", "multiworker"], default=None,
                   help="tf.distribute: all local devices (mirrored) or the hosts in TF_CONFIG (multiworker); "
                        "--batch-size is the global batch")
    g.add_argument("--overwrite", action="store_true",
                   help="start over in an --out that holds a run (deletes only the run's own files: "
                        + ", ".join(RUN_FILES) + ")")


def _check_out(out, args=None):
    """Fails before any work if --out cannot hold the run's files (a file, or an unwritable folder), or
    holds something this run must not write over (see the module's docstring)."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise FileExistsError(f"--out {out!r} is a file, not a folder. Choose another --out.")
    if args is not None and os.path.isdir(out) and os.listdir(out) and not getattr(args, "overwrite", False):
        _check_existing_run(out, args)
    from keras_gans.utils.io import check_parent_dir

    check_parent_dir(out)  # the nearest existing folder above it is a folder, and writable
    probe = os.path.join(out, f".write-test-{os.getpid()}")
    top = _top_missing(out)
    try:
        os.makedirs(out, exist_ok=True)
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as e:
        if top is not None and os.path.isdir(top):
            import shutil

            shutil.rmtree(top, ignore_errors=True)
        raise PermissionError(f"Cannot write in --out {out!r} ({e.strerror}). Choose a writable folder.") from e
    if top is not None:
        import shutil

        shutil.rmtree(top)  # created again once the model is built; a failed start leaves nothing behind


def _top_missing(path):
    """The outermost folder of `path` that does not exist yet (what `makedirs` would create), or None."""
    path = os.path.abspath(path)
    if os.path.exists(path):
        return None
    while not os.path.exists(os.path.dirname(path)):
        path = os.path.dirname(path)
    return path


def _check_existing_run(out, args):
    """Refuses to rerun into a non-empty --out unless it is an unfinished run of the same model."""
    command = os.path.join(out, "command.json")
    if not os.path.exists(command):
        raise FileExistsError(
            f"--out {out!r} is not empty and holds no keras-gans run (no command.json). Choose a new or empty "
            "folder, or add --overwrite to write the run into it (replacing only " + ", ".join(RUN_FILES) + ").")
    try:
        with open(command) as f:
            previous = json.load(f).get("model")
    except (OSError, ValueError, AttributeError):
        previous = None
    if previous is not None and previous != args.model:
        raise FileExistsError(f"--out {out!r} holds a run of {previous}, not {args.model}. Choose another --out, "
                              "or add --overwrite to start over there.")
    if not os.path.exists(os.path.join(out, "model.keras")):
        return  # an unfinished run: its backup resumes it
    epoch = _backup_epoch(os.path.join(out, "backup"))
    if epoch is None:
        raise FileExistsError(
            f"--out {out!r} holds a finished run (model.keras) without a backup to continue from. Add --overwrite "
            "to start over, or choose another --out.")
    if epoch >= args.epochs:
        raise FileExistsError(
            f"--out {out!r} holds a finished run ({epoch} epochs, model.keras). To train it further, rerun with "
            f"more --epochs (e.g. --epochs {2 * epoch}): it continues from the last state; to start over, add "
            "--overwrite.")


def _backup_epoch(backup_dir):
    """The epoch a complete backup in `backup_dir` reached (None if there is none, or it is mid-epoch)."""
    try:
        with open(os.path.join(backup_dir, "training_metadata.json")) as f:
            meta = json.load(f)
        return int(meta["epoch"]) if not int(meta.get("batch", 0)) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remove_run_files(out):
    """--overwrite: deletes what a run writes in `out` (:data:`RUN_FILES`), nothing else."""
    import shutil

    for name in RUN_FILES:
        path = os.path.join(out, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)


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


def _resolve_precision(args):
    """Resolves --precision auto in `args` (bfloat16 where it is native here, else float32), once, before the run
    records its arguments: command.json names the arithmetic that ran, so continuing or reproducing the run on
    another machine uses the same. A run this command continues (its --out holds the run's command.json, and no
    --overwrite) keeps the precision it recorded. Says what auto picked on stdout (not with --verbose 0); warns on
    stderr when --precision bfloat16 is asked for where bfloat16 is emulated (it still runs)."""
    from keras_gans.training import precision

    asked = getattr(args, "precision", None)
    if asked == "auto":
        recorded = None if getattr(args, "overwrite", False) else _recorded_precision(args.out)
        if recorded is not None:
            args.precision = recorded
            why = f"as {os.path.join(args.out, 'command.json')} records for the run this continues"
            if recorded == "bfloat16" and not precision.native_bfloat16():
                why += "; emulated here, several times slower than float32"
        else:
            args.precision, why = precision.resolve_precision(asked)
        if getattr(args, "verbose", 1):
            print(f"--precision auto: {args.precision} ({why})", flush=True)
    elif asked == "bfloat16":
        warning = precision.emulation_warning(asked)
        if warning is not None:
            print(f"keras-gans train: warning: {warning}", file=sys.stderr, flush=True)


def _recorded_precision(out):
    """The precision (not auto) that the command.json of a run in `out` records, or None."""
    from keras_gans.training.precision import PRECISIONS

    try:
        with open(os.path.join(out, "command.json")) as f:
            recorded = json.load(f).get("precision")
    except (OSError, ValueError, AttributeError):
        return None
    return recorded if recorded in PRECISIONS else None


def run(args):
    _check_out(args.out, args)  # missing parent folders are created (and removed if the run fails)
    _resolve_precision(args)  # before command.json records it
    import keras

    import keras_gans as kg
    from keras_gans import recipes
    from keras_gans.callbacks.backup import ExactBackupAndRestore

    keras.utils.set_random_seed(args.seed)
    if getattr(args, "deterministic", False):
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    scope, chief = _strategy(getattr(args, "strategy", None))
    if not chief:  # other workers of a multi-worker run write their (identical) files apart
        args.out = os.path.join(args.out, f"worker{json.loads(os.environ['TF_CONFIG'])['task']['index']}")
    with scope:
        gan, ds, extra_callbacks = recipes.get(args.model).build(args)
    created = _top_missing(args.out)
    try:
        return _train(args, gan, ds, extra_callbacks, kg, keras)
    except BaseException:
        # a run that failed before its first backup leaves no folder it created (a backup is kept: rerunning resumes)
        if created is not None and os.path.isdir(created) and not os.path.exists(
                os.path.join(args.out, "backup", ExactBackupAndRestore.METADATA)):
            import shutil

            shutil.rmtree(created, ignore_errors=True)
        raise


def _train(args, gan, ds, extra_callbacks, kg, keras):
    from keras_gans.utils.io import atomic_path

    if getattr(args, "overwrite", False):
        _remove_run_files(args.out)
    os.makedirs(args.out, exist_ok=True)
    with atomic_path(os.path.join(args.out, "command.json")) as tmp, open(tmp, "w") as f:
        json.dump({k: v for k, v in vars(args).items() if not k.startswith("_")}, f, indent=1)
    # --fid-every: the FIDCallback puts "fid" into the epoch's logs, so it comes before the CSV logger (and before
    # the backup: a run killed while it scores redoes that epoch rather than lose its row of history.csv)
    scores = [c for c in extra_callbacks if isinstance(c, kg.callbacks.FIDCallback)]
    callbacks = [
        kg.callbacks.DivergenceGuard(),
        *scores,
        # kept after the run (delete_checkpoint=False): more --epochs later continues from the last state
        kg.callbacks.ExactBackupAndRestore(os.path.join(args.out, "backup"), save_freq=getattr(args, "save_freq", "epoch"),
                                           dataset=ds, delete_checkpoint=False),
        keras.callbacks.TerminateOnNaN(),
        # a "fid" column from the first row even when --fid-every skips epoch 1 (NA where it did not score)
        kg.callbacks.StableCSVLogger(os.path.join(args.out, "history.csv"), append=True,
                                     columns=["fid"] if scores else []),
        kg.callbacks.SampleGrid(os.path.join(args.out, "samples"), every=args.every, seed=args.seed),
        *[c for c in extra_callbacks if c not in scores],
    ]
    # shuffle=False: the recipes' datasets shuffle themselves (Keras would warn that it ignores shuffle=True)
    history = gan.fit(ds, epochs=args.epochs, steps_per_epoch=getattr(args, "steps_per_epoch", None),
                      callbacks=callbacks, verbose=args.verbose, shuffle=False)
    if any(v != v for v in history.history.get("g_loss", [])):  # NaN
        raise ValueError("Training diverged (NaN loss); nothing was saved. Lower the learning rate or change the seed.")
    model_path = os.path.join(args.out, "model.keras")
    gan.save(model_path)
    grid = os.path.join(args.out, "samples.png")
    from keras_gans.utils.images import make_grid, save_image

    save_image(make_grid(gan.generate(64, seed=args.seed)), grid)
    print(f"Saved {model_path}, {grid}, and per-epoch grids, samples.gif and losses.png in {args.out}/samples")
    return 0
