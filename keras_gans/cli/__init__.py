"""The `keras-gans` command.

    keras-gans train dcgan --dataset mnist-5k --epochs 20 --out runs/dcgan
    keras-gans sample runs/dcgan/model.keras -n 64 -o grid.png
    keras-gans export runs/dcgan/model.keras serving/dcgan

TensorFlow is imported only once a command runs, so `--help` is instant, and quietly: its C++
start-up lines (oneDNN notice, CUDA probing, CPU features) are hidden unless the global `--verbose`
flag is given (`keras-gans --verbose eval ...`).
Subcommands live in `COMMANDS`: name → (module path, help); each module of this package has
`add_arguments(parser)` and `run(args)`. `keras-gans train NAME` takes the flags of the recipe
NAME (:mod:`keras_gans.recipes`) and nothing else. `python -m keras_gans.cli ...` runs the same.
"""
import argparse
import importlib
import sys

COMMANDS = {
    "train": ("keras_gans.cli.train", "train a GAN (progress bar, sample grids, resumable)"),
    "sample": ("keras_gans.cli.sample", "write a grid of samples from a saved model"),
    "export": ("keras_gans.cli.export", "export a saved model's generator as a SavedModel"),
    "zoo": ("keras_gans.cli.zoo", "pretrained presets: list, info, sample, export"),
    "eval": ("keras_gans.cli.eval", "score a saved model: FID / KID / IS (offline FID-MNIST by default)"),
    "style": ("keras_gans.cli.style", "neural style transfer: render a photo in a painting's style (VGG19)"),
    "translate": ("keras_gans.cli.translate", "translate an image with a CycleGAN or pix2pix model"),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train, sample and export GANs built on Keras 3.",
        epilog="Run `keras-gans COMMAND --help` for the options of a command.",
    )
    from keras_gans import __version__

    parser.add_argument("--version", action="version", version=f"keras-gans {__version__}")
    # dest: `train` and `style` have their own --verbose (Keras' fit verbosity, after the command name);
    # private like _module, so train's command.json does not record it
    parser.add_argument("--verbose", dest="_tensorflow_logs", action="store_true",
                        help="show TensorFlow's start-up and C++ log lines (CUDA, oneDNN, CPU features); "
                             "hidden by default")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")
        importlib.import_module(module).add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    if not args._tensorflow_logs:
        from keras_gans.cli.common import import_tensorflow_quietly

        import_tensorflow_quietly()
    try:
        return importlib.import_module(args._module).run(args) or 0
    except (ValueError, KeyError, OSError) as e:  # OSError: missing/unwritable paths, ConnectionError
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"keras-gans {args.command}: error: {msg}", file=sys.stderr)
        return 2
