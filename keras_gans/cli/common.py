"""Helpers shared by CLI subcommands."""
import importlib
import os
import re
import sys
import tempfile

# What TensorFlow's C++ libraries print while they load: absl's notice, then absl-format lines
# ("I0000 00:00:1796463285.888110   10269 port.cc:153] oneDNN custom operations are on ...").
_TF_STARTUP_LINE = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
                              r"STDERR|[IWE]\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w.+-]+:\d+\] ")


def import_tensorflow_quietly():
    """Imports TensorFlow without its C++ start-up lines on stderr (the command's default; `--verbose` skips this).

    `TF_CPP_MIN_LOG_LEVEL=3` (unless already set) hides what TensorFlow logs once running ("failed call to
    cuInit", "cpu_feature_guard"). The lines printed while its libraries load (oneDNN notice, "cudart_stub ...
    Could not find cuda drivers") come before TensorFlow reads that setting, so the import runs with file
    descriptor 2 captured, and everything else written meanwhile (Python warnings, errors) is written back.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to protect
        importlib.import_module("tensorflow")
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            importlib.import_module("tensorflow")
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not _TF_STARTUP_LINE.match(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def load_gan(path):
    """Loads a `.keras` file written by keras_gans, or a zoo preset (a name or a preset folder) that stores the whole
    GAN; clear errors for anything else."""
    import keras

    import keras_gans

    keras_gans.import_all()  # registers every class with Keras
    from keras_gans.models import GAN

    path = os.fspath(path)
    is_folder = os.path.isdir(path) and os.path.isfile(os.path.join(path, "metadata.json"))  # a preset folder
    if is_folder or (not os.path.exists(path) and os.sep not in path and not path.endswith(".keras")):
        from keras_gans import zoo

        if is_folder or path in [p["name"] if isinstance(p, dict) else p for p in zoo.list()]:
            try:
                model = zoo.load(path, part="gan")  # a preset of the zoo that stores the whole GAN
            except (KeyError, ValueError) as e:
                raise ValueError(f"{e} For generator-only presets use `keras-gans zoo sample {path}` "
                                 f"or `keras-gans zoo export {path} DIR`.") from e
            if not isinstance(model, GAN):
                raise ValueError(f"The preset {path!r} stores a {type(model).__name__}, not a GAN.")
            return model
    if not os.path.exists(path):
        raise FileNotFoundError(f"No model file {path!r}. Train one with `keras-gans train`, pass a .keras file, "
                                "or a preset name from `keras-gans zoo list`.")
    if not path.endswith(".keras"):
        raise ValueError(f"{path!r} is not a .keras model file. Pass the model.keras written by `keras-gans train` or `gan.save()`.")
    import zipfile

    if not zipfile.is_zipfile(path):
        raise ValueError(f"Could not load {path!r}: it is not a valid .keras file, not a zip archive (truncated or "
                         f"corrupt, {os.path.getsize(path)} bytes). Save the model again or use another copy.")
    try:
        model = keras.saving.load_model(path)
    except Exception as e:  # zip errors, missing classes, truncated files
        raise ValueError(f"Could not load {path!r} as a Keras model ({type(e).__name__}: {e}).") from e
    if not isinstance(model, GAN):
        raise ValueError(
            f"{path!r} holds a {type(model).__name__}, not a keras_gans GAN. Pass a model saved by keras_gans."
        )
    return model
