"""`keras-gans train MODEL`: train with `fit`, Keras' progress bar, sample grids and resume."""
import json
import os


def add_arguments(p):
    p.add_argument("model", help="model to train: dcgan, gan (the book's MLP GAN), ...")
    p.add_argument("--dataset", default="mnist-5k", help="dataset name or image folder (default: mnist-5k)")
    p.add_argument("--epochs", type=int, default=20, help="epochs to train (default: 20)")
    p.add_argument("--batch-size", type=int, default=64, help="images per batch (default: 64)")
    p.add_argument("--latent-dim", type=int, default=100, help="size of z (default: 100)")
    p.add_argument("--image-size", type=int, default=None, help="resize images to this square size")
    p.add_argument("--target-resolution", type=int, default=None,
                   help="progan: final resolution, a power of two (default: 32); grows from 4")
    p.add_argument("--update", choices=["alternating", "simultaneous"], default="alternating",
                   help="D/G update rule (default: alternating)")
    p.add_argument("--d-batch", choices=["joint", "separate"], default="separate",
                   help="D sees real and fake images in two batches (default, the book) or one (keras-io)")
    p.add_argument("--n-critic", type=int, default=None,
                   help="wgan, wgan-gp: critic updates per generator update (default: 5); batches hold n_critic × --batch-size")
    p.add_argument("--num-labeled", type=int, default=None,
                   help="sgan: labelled examples, balanced per class (default: 100); the rest are unlabelled")
    p.add_argument("--conditioning", choices=["embedding", "one_hot"], default=None,
                   help="cgan: label embedding (the book, default) or one-hot (the lecture)")
    p.add_argument("--ema-decay", type=float, default=None,
                   help="keep an exponential moving average of the generator's weights with this decay (e.g. 0.99); "
                        "samples, the saved model's generate and presets use it (wgan, wgan-gp, cgan, pix2pix)")
    p.add_argument("--filters", type=int, default=None,
                   help="pix2pix, cyclegan: base filters of the generator and the discriminator "
                        "(default: 16 for images of at most 64 px, 64 above)")
    p.add_argument("--lambda-cycle-b", type=float, default=None,
                   help="cyclegan: weight of the B -> A -> B round trip alone (default: lambda_cycle, 10); "
                        "0 stops F from hiding B's detail in its A images (digits <-> MNIST-M: see the tutorial)")
    p.add_argument("--d-downsampling", type=int, default=None,
                   help="pix2pix, cyclegan: stride-2 blocks of the PatchGAN (default: 2 for images of at most 64 px, "
                        "3 above); 3 on 32 px digits judges the whole digit (digits <-> MNIST-M: see the tutorial)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", required=True, help="output folder: samples, losses, backups, model.keras")
    p.add_argument("--every", type=int, default=1, help="write a sample grid every N epochs (default: 1)")
    p.add_argument("--steps-per-epoch", type=int, default=None, help="cap the steps per epoch")
    p.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="Keras fit verbosity")
    p.add_argument("--save-freq", type=_save_freq, default="epoch",
                   help="back up the training state every N steps, or 'epoch' (default); rerunning resumes exactly")
    p.add_argument("--deterministic", action="store_true",
                   help="enable TensorFlow op determinism: a resumed run ends with the weights of an uninterrupted one")
    p.add_argument("--strategy", choices=["mirrored", "multiworker"], default=None,
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
        import argparse

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


def build_model(args):
    """(model, dataset) for the named model, through its class's `from_cli` hook."""
    from keras_gans import models

    name = args.model.lower().replace("-", "_")
    if name not in models.MODELS:
        raise KeyError(f"Unknown model {args.model!r}. Choose one of {sorted(models.MODELS)}.")
    model, ds = models.MODELS[name].from_cli(args)
    wanted = getattr(args, "ema_decay", None)
    if wanted is not None and getattr(model, "ema_decay", None) != wanted:
        raise ValueError(f"--ema-decay is not available for {args.model!r} from the command line; it works for "
                         "wgan, wgan-gp, cgan and pix2pix (progan keeps its own EMA, see its recipe).")
    filters = getattr(args, "filters", None)
    if filters is not None and (filters < 1 or getattr(model, "filters", None) != filters):
        raise ValueError(f"--filters {filters} is not available for {args.model!r}: it takes a positive "
                         "number and works for pix2pix and cyclegan.")
    wanted = getattr(args, "d_downsampling", None)
    if wanted is not None and (wanted < 1 or getattr(model, "discriminator_downsampling", None) != wanted):
        raise ValueError(f"--d-downsampling {wanted} is not available for {args.model!r}: it takes a positive "
                         "number and works for pix2pix and cyclegan.")
    wanted = getattr(args, "lambda_cycle_b", None)
    if wanted is not None and (wanted < 0 or getattr(model, "lambda_cycle_b", None) != wanted):
        raise ValueError(f"--lambda-cycle-b {wanted} is not available for {args.model!r}: it takes a number ≥ 0 "
                         "and works for cyclegan.")
    return model, ds


def run(args):
    parent = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"The folder {parent!r} (parent of --out) does not exist. Create it or choose another --out.")
    if args.epochs < 1 or args.batch_size < 1:
        raise ValueError("--epochs and --batch-size must be positive.")
    _check_out(args.out)
    import keras

    import keras_gans as kg

    keras.utils.set_random_seed(args.seed)
    if getattr(args, "deterministic", False):
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    scope, chief = _strategy(getattr(args, "strategy", None))
    if not chief:  # other workers of a multi-worker run write their (identical) files apart
        args.out = os.path.join(args.out, f"worker{json.loads(os.environ['TF_CONFIG'])['task']['index']}")
    with scope:
        gan, ds = build_model(args)
        gan.compile()
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
    ]
    history = gan.fit(ds, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch, callbacks=callbacks,
                      verbose=args.verbose)
    if any(v != v for v in history.history.get("g_loss", [])):  # NaN
        raise ValueError("Training diverged (NaN loss); nothing was saved. Lower the learning rate or change the seed.")
    model_path = os.path.join(args.out, "model.keras")
    gan.save(model_path)
    grid = os.path.join(args.out, "samples.png")
    from keras_gans.utils.images import make_grid, save_image

    save_image(make_grid(gan.generate(64, seed=args.seed)), grid)
    print(f"Saved {model_path}, {grid}, and per-epoch grids, samples.gif and losses.png in {args.out}/samples")
    return 0
