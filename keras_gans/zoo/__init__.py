"""The model zoo: pretrained presets, publishing, hash-checked downloads and TF Hub loaders.

>>> import keras_gans as kg
>>> kg.zoo.list()                        # name, model, dataset, resolution, parameters, metric
>>> g = kg.zoo.load("dcgan_mnist")       # the generator, a keras.Model: z (N, 100) -> (N, 28, 28, 1)
>>> kg.zoo.info("dcgan_mnist")["metrics"]
>>> images = kg.zoo.sample("dcgan_mnist", 16, seed=0)
>>> kg.zoo.publish(my_gan, "zoo/my_preset", dataset="mnist-5k",
...                training_command="keras-gans train dcgan ...",
...                metrics={"fid_mnist": {"value": 12.3, "protocol": "..."}})
>>> progan = kg.zoo.load_hub("google/progan-128/1")     # a Keras 3 layer (needs the internet)

Where presets come from (see :mod:`keras_gans.zoo.registry`): `$KERAS_GANS_ZOO`, the built-in
presets shipped inside the package (`keras_gans/presets/`, in every install), and remote entries
downloaded into `$KERAS_GANS_CACHE` (default `~/.keras/keras_gans`), sha256-checked.
"""
import builtins as _builtins

import numpy as _np

from keras_gans.models.presets import register_preset_loader as _register_preset_loader
from keras_gans.zoo import handles
from keras_gans.zoo.download import cache_dir, fetch, sha256_file
from keras_gans.zoo.hub import HUB_MODULES, HubGenerator, HubModuleSpec, load_hub
from keras_gans.zoo.preset import ZooLoader, info, list_presets, load, resolve, verify
from keras_gans.zoo.publish import fid_curve_from_history, model_card, publish
from keras_gans.zoo.registry import builtin_presets, register_remote, remote_presets, unregister_remote, zoo_dirs
from keras_gans.zoo.serving import export_preset


def sample(name_or_path_or_url, n=16, seed=0, labels=None, model=None):
    """`n` images from a noise-to-image preset (float32, in the preset's output range).

    z is `np.random.default_rng(seed).standard_normal((n, latent_dim))`, the same z that
    `GAN.generate(n, seed=seed)` uses, so a preset reproduces its trainer's samples. Conditional
    presets take `labels` (ints in [0, num_classes), one per image or one for all; default:
    0, 1, 2, ... cycling over the classes, as `CGAN.generate`).
    """
    if model is None:
        model = load(name_or_path_or_url)
    metadata = model._zoo_metadata  # noqa: SLF001
    if metadata["task"] != "noise_to_image":
        raise ValueError(f"The preset {metadata['name']!r} is a {metadata['task']} model; sample() needs a "
                         "noise-to-image generator. Call the loaded model on inputs instead.")
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}.")
    if metadata["contents"] == "gan":
        model = model.generator
    z = _np.random.default_rng(seed).standard_normal((n, metadata["latent_dim"])).astype("float32")
    inputs = [z]
    for spec in metadata["inputs"][1:]:
        classes = metadata.get("num_classes") or spec["shape"][-1] or 10
        y = _np.arange(n) % classes if labels is None else _np.asarray(labels)
        if y.ndim == 0:  # one class for every image
            y = _np.full((n,), y)
        if y.ndim != 1 or not _np.issubdtype(y.dtype, _np.integer):
            raise ValueError(f"labels must be int class indices, one per image (shape ({n},)); got {y.dtype} "
                             f"{y.shape}. One-hot labels? Pass labels.argmax(-1).")
        if len(y) != n:
            raise ValueError(f"labels must have {n} entries; got {len(y)}.")
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise ValueError(f"Label {int(y[(y < 0) | (y >= classes)][0])} is out of range: the preset "
                             f"{metadata['name']!r} has {classes} classes, so labels must be in [0, {classes - 1}].")
        if spec["dtype"].startswith("int"):
            inputs.append(y.reshape([n] + [1] * (len(spec["shape"]) - 1)).astype(spec["dtype"]))
        else:
            inputs.append(_np.eye(classes, dtype="float32")[y])
    out = model.predict(inputs[0] if len(inputs) == 1 else inputs, batch_size=256, verbose=0)
    return _np.asarray(out, "float32")


_register_preset_loader(ZooLoader)  # kg.models.<Model>.from_preset loads through the zoo

export = export_preset
list = list_presets  # noqa: A001  (kg.zoo.list(), as the issue and keras-hub spell it)

__all__ = [
    "HUB_MODULES", "HubGenerator", "ZooLoader", "handles", "HubModuleSpec", "builtin_presets", "cache_dir", "export", "export_preset",
    "fetch", "fid_curve_from_history", "info", "list", "list_presets", "load", "load_hub", "model_card", "publish", "register_remote",
    "remote_presets", "resolve", "sample", "sha256_file", "unregister_remote", "verify", "zoo_dirs",
]
del _builtins
