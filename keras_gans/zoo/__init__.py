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
from keras_gans.zoo.preset import ZooLoader, info, list_presets, load, resolve, upscaling, verify
from keras_gans.zoo.publish import fid_curve_from_history, model_card, publish
from keras_gans.zoo.registry import builtin_presets, register_remote, remote_presets, unregister_remote, zoo_dirs
from keras_gans.zoo.serving import export_preset


def sample(name_or_path_or_url, n=16, seed=0, labels=None, model=None, category=None, continuous=None):
    """`n` images from a noise-to-image preset (float32, in the preset's output range).

    z is `np.random.default_rng(seed).standard_normal((n, latent_dim))`, the same z that
    `GAN.generate(n, seed=seed)` uses, so a preset reproduces its trainer's samples. Conditional
    presets take `labels` (ints in [0, num_classes), one per image or one for all; default:
    0, 1, 2, ... cycling over the classes, as `CGAN.generate`).

    Nothing is truncated: z ~ N(0, I) as drawn, i.e. BigGAN's `generate(truncation=None)` and StyleGAN2's
    `generate(truncation_psi=1)` (a StyleGAN2 preset stores its EMA generator, the network `generate()` uses).

    InfoGAN presets (inputs `z`, `category`, `continuous`) draw their codes as `InfoGAN.generate(n, seed=seed)`
    does, from the prior they were trained on: the categorical code uniform in [0, categories) and the
    continuous codes uniform in [-1, 1], both from `InfoGAN.codes(n, seed)` (their own stream of `seed`), so
    `sample(preset, n, seed)` equals the trainer's `generate(n, seed=seed)` and the card's FID scores those
    images. `category` (one int for all images or one per image) and `continuous` (shape
    (continuous_codes,) or (n, continuous_codes)) replace the drawn codes, as in `InfoGAN.generate`; `labels`
    is refused (the code's values are not digit labels: see the card's `code_accuracy`).
    """
    if model is None:
        model = load(name_or_path_or_url)
    metadata = model._zoo_metadata  # noqa: SLF001
    if metadata["task"] != "noise_to_image":
        raise ValueError(_not_sampleable(metadata, "sample()"))
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}.")
    if metadata["contents"] == "gan":
        model = model.generator
    z = _np.random.default_rng(seed).standard_normal((n, metadata["latent_dim"])).astype("float32")
    codes = _structured_codes(metadata, n, seed, category, continuous)
    if codes is not None:
        if labels is not None:
            raise ValueError(f"The preset {metadata['name']!r} ({metadata['model']}) has a categorical code, not "
                             "labels: pass category= (and continuous=) instead of labels=.")
        out = model.predict([z, *codes], batch_size=256, verbose=0)
        return _np.asarray(out, "float32")
    if category is not None or continuous is not None:
        raise ValueError(f"category= and continuous= are the codes of InfoGAN presets; the preset "
                         f"{metadata['name']!r} ({metadata['model']}) has none.")
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


def _code_categories(metadata):
    """The values of the categorical code of an InfoGAN preset (inputs `z`, `category`, `continuous`), from its
    card's `model_config`; None for any other preset."""
    names = [spec["name"] for spec in metadata.get("inputs") or []]
    if names[1:] != ["category", "continuous"]:
        return None
    value = (metadata.get("model_config") or {}).get("categories")
    if not isinstance(value, int) or value < 2:
        raise ValueError(f"The preset {metadata.get('name')!r} takes a categorical code but its metadata.json records "
                         f"no model_config.categories (got {value!r}). Re-publish it with kg.zoo.publish.")
    return value


def _structured_codes(metadata, n, seed, category, continuous):
    """`[category, continuous]` for an InfoGAN preset (see :func:`sample`); None for other presets."""
    import types

    from keras_gans.models import InfoGAN

    k = _code_categories(metadata)
    if k is None:
        return None
    # InfoGAN's own prior and checks, on the preset's sizes: the one definition of generate()'s codes
    sizes = types.SimpleNamespace(categories=k, continuous_codes=int(metadata["inputs"][2]["shape"][-1]))
    drawn_category, drawn_continuous = InfoGAN.codes(sizes, n, seed)
    return [drawn_category if category is None else InfoGAN.check_category(sizes, category, n),
            drawn_continuous if continuous is None else InfoGAN.check_continuous(sizes, continuous, n)]


def sampler(name_or_path_or_url, seed=0, domain="a", model=None):
    """A callable `n -> images in [-1, 1]` of a noise-to-image preset: what its FID/KID/IS-MNIST scores.

    The one definition of "a preset's samples" for the metrics, so that `keras-gans eval PRESET`,
    `benchmarks/zoo_metrics.py` and the card agree: :func:`sample` (z from `seed`; conditional presets
    cycle their labels 0, 1, 2, ..., or take `labels=` as a second argument; InfoGAN presets draw their codes from
    the prior as `InfoGAN.generate(n, seed=seed)`, or take the categorical code as the second argument) mapped from
    the preset's `output_range` to [-1, 1]; a preset that stores a whole GAN samples with its own
    `generate(n, seed=...)`. Nothing is truncated (BigGAN's `truncation=None`, StyleGAN2's `truncation_psi=1`).

    - A CoGAN preset stores pairs `[G_A(z) | G_B(z)]` side by side, (N, H, 2W, C): the sampler returns one
      domain's half, `domain="a"` (the left, default) or `"b"` (the right), as `CoGAN.generate(n, seed, domain)`.
    - Other image sizes are returned as they are: the extractors resize them to their input (e.g. the 32×32
      `progan_mnist_32` is resized, bilinear and antialiased, to 28×28 for FID-MNIST, and the protocol says so).

    The callable carries `metadata` (the preset's), `num_classes` (conditional presets; else None), `categories`
    (the values of an InfoGAN preset's categorical code, for :func:`keras_gans.metrics.evaluate_code_accuracy`;
    else None),
    `samples_description` (what the images are, for a protocol: e.g. "domain A half of each 28×56 pair (G_A(z),
    z seed 0)"; None for a plain preset; :func:`keras_gans.metrics.evaluate_generator` records it) and
    `pair_sampler` (pair presets: `n -> (A, B)` of the same z; else None).

    >>> import keras_gans as kg
    >>> draw = kg.zoo.sampler("cogan_mnist")          # domain A: the left 28×28 of each pair
    >>> draw(16).shape
    (16, 28, 28, 1)
    >>> kg.metrics.evaluate_generator(draw)["fid"]    # the card's fid_mnist_a, as `keras-gans eval cogan_mnist`
    """
    if domain not in ("a", "b"):
        raise ValueError(f"domain must be 'a' or 'b'; got {domain!r}.")
    if model is None:  # a preset of a whole GAN: the GAN, whose generate() its trainer and `keras-gans eval` use
        model = load(name_or_path_or_url, part="gan" if info(name_or_path_or_url)["contents"] == "gan" else None)
    metadata = model._zoo_metadata  # noqa: SLF001
    whole_gan = metadata["contents"] == "gan" and hasattr(model, "generate")
    if metadata["task"] != "noise_to_image":
        raise ValueError(_not_sampleable(metadata, "sampler()"))
    pairs = metadata.get("model") == "CoGAN"
    low, high = metadata.get("output_range") or (-1.0, 1.0)

    code_categories = _code_categories(metadata)
    which = "category" if code_categories else "labels"  # what the second argument of draw() sets

    def drawn(n, labels=None):  # the preset's images, in [-1, 1]
        given = {} if labels is None else {which: labels}
        if whole_gan:  # its own generate(), as `keras-gans eval` of it
            if pairs:
                return _np.concatenate(model.generate_pair(n, seed=seed), axis=2)
            return _np.asarray(model.generate(n, seed=seed, **given))
        images = sample(name_or_path_or_url, n, seed=seed, model=model, **given)
        return images if (low, high) == (-1.0, 1.0) else (images - low) / (high - low) * 2.0 - 1.0

    def pair_sampler(n):  # (G_A(z), G_B(z)), the same z as CoGAN.generate_pair(n, seed=seed)
        images = drawn(n)
        width = images.shape[2] // 2
        return images[:, :, :width], images[:, :, width:]

    def draw(n, labels=None):
        if pairs:
            return pair_sampler(n)[0 if domain == "a" else 1]
        return drawn(n, labels)

    draw.metadata = metadata
    draw.num_classes = metadata.get("num_classes")
    draw.categories = code_categories
    draw.pair_sampler = pair_sampler if pairs else None
    draw.samples_description = None
    if pairs:
        height, width = (metadata.get("resolution") or [None, None])[:2]
        size = f"{height}×{width} " if height and width else ""
        draw.samples_description = (f"domain {domain.upper()} half of each {size}pair (G_{domain.upper()}(z), "
                                    f"z seed {seed})")
    return draw

def _not_sampleable(metadata, what):
    """The error of `sample`/`sampler` for a preset that draws nothing from noise: what it maps, and how to run it."""
    name, task = metadata["name"], metadata["task"]
    head = f"The preset {name!r} is a {task} model; {what} needs a noise-to-image generator."
    if task == "image_to_label":
        return f"{head} Classify images with kg.zoo.load({name!r}).predict(images), images in [-1, 1]."
    small = tuple((metadata.get("inputs") or [{}])[0].get("shape") or [None])[1:]
    big = tuple(metadata.get("resolution") or ())
    if not (len(small) == 3 and len(big) == 3 and all(small)):
        return f"{head} Call the loaded model on images instead: kg.zoo.load({name!r}).predict(images)."
    shape = ", ".join(str(d) for d in small)
    scale = upscaling(metadata)
    if scale:  # super-resolution: "sample" means nothing here
        return (f"{head} It is a {scale}× super-resolution model ({small} -> {big}): upscale low-resolution images "
                f"with kg.zoo.load({name!r}).predict(images), images float32 in [-1, 1] of shape (N, {shape}) (e.g. "
                f"kg.data.super_resolution_arrays({metadata.get('dataset') or 'mnist-m'!r}, scale={scale})[0]).")
    both = (f"; the whole GAN, kg.zoo.load({name!r}, part='gan'), has translate(images, direction=...)"
            if metadata.get("contents") == "gan" else "")
    return (f"{head} It translates {small} images to {big}: call kg.zoo.load({name!r}).predict(images), images "
            f"float32 in [-1, 1] of shape (N, {shape}){both}.")


_register_preset_loader(ZooLoader)  # kg.models.<Model>.from_preset loads through the zoo

export = export_preset
list = list_presets  # noqa: A001  (kg.zoo.list(), as the issue and keras-hub spell it)

__all__ = [
    "HUB_MODULES", "HubGenerator", "ZooLoader", "handles", "HubModuleSpec", "builtin_presets", "cache_dir", "export", "export_preset",
    "fetch", "fid_curve_from_history", "info", "list", "list_presets", "load", "load_hub", "model_card", "publish", "register_remote",
    "remote_presets", "resolve", "sample", "sampler", "sha256_file", "unregister_remote", "upscaling", "verify",
    "zoo_dirs",
]
del _builtins
