"""Preset folders: publish a trained model, load it back, read its card.

A preset is a folder in the keras-hub layout:

    config.json         the Keras config of what is stored (a whole GAN, or a generator/classifier)
    model.weights.h5    its weights (float32, or float16 to halve the size)
    metadata.json       versions, parameter count, seed, steps, training command and time, metrics with
                        their evaluation protocol, input/output contract, sha256 of every other file
    README.md           the model card, written from metadata.json
    samples.png         a grid of samples (seed 0) for generators

`load` checks the sha256 of `config.json` and `model.weights.h5` against `metadata.json`
before building anything. This module holds the format and reads presets; writing one
(:func:`~keras_gans.zoo.publish.publish`) and its model card live in :mod:`keras_gans.zoo.publish`.
"""
import json
import os

FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
README_FILE = "README.md"
SAMPLES_FILE = "samples.png"
CONTENTS = ("gan", "generator", "model")
TASKS = ("noise_to_image", "image_to_image", "image_to_label")


# ---------------------------------------------------------------------------------------- load
def resolve(name_or_path_or_url, sha256=None):
    """The local preset folder for a name, a folder, or a URL of a preset archive (downloaded)."""
    from keras_gans.zoo import download, registry

    ref = os.fspath(name_or_path_or_url)
    if download.is_url(ref):
        archive = download.fetch(ref, sha256=sha256)
        return download.extract(archive, sha256=sha256)
    if os.path.isdir(ref):
        if not os.path.isfile(os.path.join(ref, METADATA_FILE)):
            raise FileNotFoundError(f"{ref!r} is a folder but not a preset (no {METADATA_FILE}). "
                                    "Pass a folder written by keras_gans.zoo.publish().")
        return os.path.abspath(ref)
    if os.path.isfile(ref) and ref.endswith((".tar.gz", ".tgz", ".tar", ".zip")):
        return download.extract(ref, sha256=sha256)
    builtins = registry.builtin_presets()
    if ref in builtins:
        return builtins[ref]
    remote = registry.remote_presets()
    if ref in remote:
        entry = remote[ref]
        archive = download.fetch(entry["url"], sha256=entry["sha256"], fname=f"{ref}.tar.gz"
                                 if entry["url"].endswith((".tar.gz", ".tgz")) else None)
        return download.extract(archive, sha256=entry["sha256"])
    if os.sep in ref or ref.startswith("."):
        raise FileNotFoundError(f"No preset folder {ref!r}.")
    names = sorted(set(builtins) | set(remote))
    raise KeyError(f"Unknown preset {ref!r}. Available: {names}. Or pass a preset folder, archive or URL "
                   f"(see keras_gans.zoo.list()).")


def read_metadata(folder):
    with open(os.path.join(folder, METADATA_FILE)) as f:
        return json.load(f)


def verify(folder, metadata=None):
    """Checks every file listed in `metadata.json` against its sha256; raises `ValueError` on a mismatch."""
    from keras_gans.zoo.download import sha256_file

    metadata = metadata or read_metadata(folder)
    for fname, expected in metadata.get("files", {}).items():
        path = os.path.join(folder, fname)
        if not os.path.exists(path):
            raise FileNotFoundError(f"The preset {folder!r} is missing {fname}. Re-download or re-publish it.")
        got = sha256_file(path)
        if got != expected:
            raise ValueError(f"{path} has sha256 {got}, but metadata.json says {expected}: the preset is corrupted "
                             "or was edited. Re-download or re-publish it.")
    return metadata


def load(name_or_path_or_url, part=None, sha256=None, check=True):
    """Loads a preset and returns a ready Keras model.

    Args:
        name_or_path_or_url: a preset name (`keras_gans.zoo.list()`), a preset folder, a preset
            archive (`.tar.gz`/`.zip`), or an `http(s)://`/`file://` URL of one.
        part: what to return. `"generator"` (default for GAN presets): the generator network,
            a `keras.Model` from z (and labels for conditional models) to images;
            `"gan"`: the whole GAN (presets that store it), with `generate()` and `fit()`;
            any other network attribute of the GAN (`"discriminator"`, `"classifier"`, ...);
            `"model"`/`"classifier"` for presets that store a plain model.
        sha256: the expected sha256 of a downloaded archive (URLs only).
        check: verify the files against the sha256s in `metadata.json` (default).

    Example:

    >>> import numpy as np, keras_gans as kg
    >>> g = kg.zoo.load("dcgan_mnist")
    >>> images = g.predict(np.random.default_rng(0).standard_normal((16, 100)).astype("float32"))
    >>> images.shape
    (16, 28, 28, 1)
    """
    import keras

    import keras_gans

    keras_gans.import_all()  # registers the package's classes (the `keras-gans` command imports them lazily)
    folder = resolve(name_or_path_or_url, sha256=sha256)
    metadata = read_metadata(folder)
    if check:
        verify(folder, metadata)
    contents = metadata["contents"]
    available = _parts(metadata)
    part = part or available[0]
    if contents != "gan" and part not in available:
        raise KeyError(f"The preset {metadata['name']!r} stores only a {contents} ({metadata['model']}), so it has no "
                       f"part {part!r}. Choose one of {available}.")
    with open(os.path.join(folder, CONFIG_FILE)) as f:
        config = json.load(f)
    try:
        model = keras.saving.deserialize_keras_object(config)
    except Exception as e:
        raise ValueError(f"Could not rebuild the preset {metadata['name']!r} from its config ({type(e).__name__}: "
                         f"{e}). It may need a newer keras_gans (saved with {metadata['keras_gans_version']}).") from e
    model.load_weights(os.path.join(folder, WEIGHTS_FILE))
    if contents == "gan" and part != "gan":
        network = getattr(model, part, None)
        if not isinstance(network, keras.Model):
            raise KeyError(f"The preset {metadata['name']!r} ({metadata['model']}) has no network {part!r}. "
                           f"Choose one of {available} or another network attribute of {metadata['model']}.")
        model = network
    object.__setattr__(model, "_zoo_metadata", metadata)  # bypass Keras tracking; read by sample/export
    return model


def _parts(metadata):
    contents = metadata["contents"]
    if contents == "generator":
        return ["generator"]
    if contents == "gan":
        return ["generator", "gan", "discriminator"]
    if metadata["task"] == "image_to_label":
        return ["classifier", "model"]
    return ["model", "generator"] if metadata["task"] == "image_to_image" else ["model"]


def info(name_or_path_or_url):
    """The card of a preset: its `metadata.json` as a dict (plus `path`), without building the model."""
    folder = resolve(name_or_path_or_url)
    metadata = read_metadata(folder)
    metadata["path"] = folder
    return metadata


def list_presets():
    """One row per preset (built-in, then remote): name, model, dataset, resolution, parameters, metric.

    Returns a list of dicts; `metric` is the headline metric as `"name=value"` (or None).

    >>> import keras_gans as kg
    >>> [row["name"] for row in kg.zoo.list()]          # doctest: +SKIP
    ['dcgan_mnist', ...]
    """
    from keras_gans.zoo import registry

    rows = []
    for name, folder in registry.builtin_presets().items():
        m = read_metadata(folder)
        head = m.get("headline_metric")
        metric = f"{head}={m['metrics'][head]['value']:.4g}" if head else None
        rows.append({"name": name, "model": m["model"], "dataset": m.get("dataset"),
                     "resolution": "×".join(str(d) for d in m["resolution"]),
                     "parameters": m["parameter_count"], "metric": metric, "source": "built-in",
                     "description": m.get("description", "")})
    for name, entry in registry.remote_presets().items():
        if any(r["name"] == name for r in rows):
            continue
        rows.append({"name": name, "model": entry.get("model"), "dataset": entry.get("dataset"),
                     "resolution": entry.get("resolution"), "parameters": entry.get("parameters"),
                     "metric": entry.get("metric"), "source": entry["url"],
                     "description": entry.get("description", "")})
    return rows
