"""keras-gans: GANs as first-class Keras 3 models on TensorFlow.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(image_shape=(28, 28, 1))
>>> gan.compile()
>>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=5,
...         callbacks=[kg.callbacks.SampleGrid("runs/dcgan")])
"""
import os as _os
import sys as _sys


def _running_the_cli():
    """True in the `keras-gans` command: its console script, or `python -m keras_gans.cli` (while runpy
    imports this package on the way to `keras_gans.cli.__main__`, `sys.argv[0]` is `"-m"`)."""
    if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "keras-gans":
        return True
    orig = getattr(_sys, "orig_argv", [])  # the interpreter's own command line (Python 3.10+)
    if not (_sys.argv and _sys.argv[0] == "-m" and "-m" in orig):
        return False
    return orig[orig.index("-m") + 1:][:1] in (["keras_gans.cli"], ["keras_gans.cli.__main__"])


_CLI = _running_the_cli()
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
if not _CLI:  # the command sets TensorFlow's log level itself, before importing it (keras_gans.cli, --verbose)
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

#: Submodules available as attributes (`kg.models`, `kg.data`, ...). Add new ones here.
SUBMODULES = ('callbacks', 'data', 'latent', 'layers', 'losses', 'memorization', 'metrics', 'models', 'networks', 'recipes',
              'style', 'tricks', 'zoo')


def import_all():
    """Imports every submodule (registers all serialisable classes with Keras)."""
    import importlib

    for name in SUBMODULES:
        globals()[name] = importlib.import_module(f"keras_gans.{name}")


def __getattr__(name):  # PEP 562: submodules on first use when imported lazily
    if name in SUBMODULES:
        import importlib

        module = importlib.import_module(f"keras_gans.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")


# The `keras-gans` command imports TensorFlow only for the subcommands that need it
# (`--help` stays instant); everywhere else importing the package registers every class,
# so `keras.saving.load_model` finds them after a plain `import keras_gans`.
if not _CLI:
    import_all()

__all__ = ["callbacks", "data", "latent", "layers", "losses", "memorization", "metrics", "models", "networks", "recipes",
           "style", "tricks", "zoo", "__version__"]
