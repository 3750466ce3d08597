"""Two-domain data for image-to-image translation: unpaired (CycleGAN, CoGAN) and paired (pix2pix).

Every pipeline yields batches `(images_a, images_b)` of float32 images in [-1, 1].

>>> import keras_gans as kg
>>> ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=16)    # offline, 32×32×3
>>> ds = kg.data.load_pair("mnist2mnistm-paired", batch_size=16)      # aligned pairs, for pix2pix
>>> ds = kg.data.load_pair("cycle_gan/horse2zebra", batch_size=1)     # TFDS (needs internet once)
>>> ds = kg.data.load_pair(("photos/", "paintings/"), image_size=(128, 128))   # two image folders

Names (see :data:`PAIRS` and :func:`available_pairs`):

- ``"mnist2mnistm-unpaired"`` / ``"mnist2mnistm-paired"`` / ``"mnist2mnistm-test"``: mnist-5k digits
  (32×32 RGB) ↔ MNIST-M (see :mod:`keras_gans.data.mnistm` for how it is built and split).
- ``"mnist2negative-unpaired"``, ``"mnist2edges-unpaired"`` (and ``-paired`` / ``-test``): 28×28×1 digits ↔
  negative / edge digits, the CoGAN paper's MNIST pairs.
- ``"cycle_gan/<name>"`` (``horse2zebra``, ``apple2orange``, ``monet2photo``, …): TensorFlow Datasets'
  CycleGAN sets, splits `trainA`/`trainB` (``split="train"``) or `testA`/`testB` (``split="test"``).
- a tuple `(folder_a, folder_b)` of image folders.

Augmentation as in Zhu et al. (2017): for training, images are resized to `load_size` (286 for
256-px models), randomly cropped to `image_size` and randomly flipped left-right; for testing they
are resized to `image_size`. Paired data gets the *same* crop and flip on both images.
"""
import os

import numpy as np
import tensorflow as tf

from keras_gans.data.core import _image_folder, _tfds_prepared
from keras_gans.utils import checks
from keras_gans.utils.online import can_reach

#: Offline pair names → (target domain of :func:`keras_gans.data.mnistm.translation_arrays`, split).
PAIRS = {}
for _target, _prefix in (("mnist-m", "mnist2mnistm"), ("negative", "mnist2negative"), ("edges", "mnist2edges")):
    for _split in ("unpaired", "paired", "test"):
        PAIRS[f"{_prefix}-{_split}"] = (_target, _split)


#: Target domain of :data:`PAIRS` → the in-memory datasets (:func:`keras_gans.data.load_arrays`) of its domains
#: A and B, whose "test" split holds the held-out images of that domain (those of the ``-test`` pair).
DOMAIN_DATASETS = {"mnist-m": ("mnist-32", "mnist-m"), "negative": ("mnist-5k", "mnist-negative"),
                   "edges": ("mnist-5k", "mnist-edges")}


def available_pairs():
    """The offline two-domain names, plus the TFDS prefix and the folder form."""
    return sorted(PAIRS) + ["cycle_gan/<name> (TFDS)", "(folder_a, folder_b)"]


def domain_dataset(name, domain="a"):
    """The in-memory dataset that holds domain `domain` (`"a"` or `"b"`) of the two-domain dataset `name`, or None.

    For an offline pair (:data:`PAIRS`) it is a name of :func:`keras_gans.data.load_arrays` whose `"test"` split
    is the pair's held-out images of that domain, e.g. `"mnist-5k"` for domain A of ``"mnist2negative-unpaired"``
    (the reference of a CoGAN's FID) and `"mnist-32"` for domain A of ``"mnist2mnistm-*"``. TFDS sets
    (``"cycle_gan/<name>"``) and `(folder_a, folder_b)` tuples have none in memory: None.

    Raises:
        ValueError: `domain` is not "a" or "b". KeyError: `name` is no two-domain dataset (as :func:`load_pair`).
    """
    if domain not in ("a", "b"):
        raise ValueError(f"domain must be 'a' or 'b'; got {domain!r}.")
    if isinstance(name, (tuple, list)):
        return None
    name = os.fspath(name)
    if name in PAIRS:
        return DOMAIN_DATASETS[PAIRS[name][0]][domain == "b"]
    if _tfds_pair_name(name) is not None:
        return None
    raise KeyError(_unknown_pair(name))


def _tfds_pair_name(name):
    """`"cycle_gan/<name>"` for a TFDS two-domain name (with or without "tfds:"), else None."""
    if "/" in name and not os.path.exists(name) and name.split("/")[0] in ("cycle_gan", "tfds:cycle_gan"):
        return name[5:] if name.startswith("tfds:") else name
    return None


def _unknown_pair(name):
    return (f"Unknown two-domain dataset {name!r}. Use one of {sorted(PAIRS)}, 'cycle_gan/<name>' (TensorFlow "
            "Datasets), or a (folder_a, folder_b) tuple.")


# ---------------------------------------------------------------------------- per-image preprocessing
def _to_float(image):
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def _convert_channels(image, channels):
    have = image.shape[-1]
    if channels is None or have == channels:
        return image
    if have == 1 and channels == 3:
        return tf.image.grayscale_to_rgb(image)
    if have == 3 and channels == 1:
        return tf.image.rgb_to_grayscale(image)
    if have == 4 and channels == 3:
        return image[..., :3]
    raise ValueError(f"Cannot convert {have}-channel images to {channels} channels.")


def _resize(image, size):
    if size is None or tuple(image.shape[-3:-1]) == tuple(size):
        return image
    return tf.image.resize(image, size, method="bilinear", antialias=True)


def augment_fn(image_size=None, load_size=None, flip=False, channels=None):
    """A per-example function (uint8 or float image) → float32 in [-1, 1]: resize, random crop, flip.

    With `load_size` the image is resized to `load_size` and randomly cropped to `image_size`
    (Zhu et al.: 286 → 256); otherwise it is resized straight to `image_size` (or kept).
    Works on one image (H, W, C) or on several stacked along channels (paired jitter).
    """
    if load_size is not None and image_size is None:
        raise ValueError("load_size (resize before a random crop) needs image_size (the crop size).")
    if load_size is not None and (load_size[0] < image_size[0] or load_size[1] < image_size[1]):
        raise ValueError(f"load_size {tuple(load_size)} must be at least image_size {tuple(image_size)}.")

    def prepare(image):
        image = _to_float(_convert_channels(image, channels))
        if load_size is not None:
            image = _resize(image, load_size)
            c = image.shape[-1]
            image = tf.image.random_crop(image, (image_size[0], image_size[1], c))
        else:
            image = _resize(image, image_size)
        if flip:
            image = tf.image.random_flip_left_right(image)
        return tf.clip_by_value(image, -1.0, 1.0)

    return prepare


# ---------------------------------------------------------------------------- pipelines
def _as_image_dataset(source, name):
    """Arrays, (images, labels) or a dataset of images / (image, label) → a dataset of images; and its length."""
    if isinstance(source, tf.data.Dataset):
        spec = source.element_spec
        if isinstance(spec, (tuple, list)):
            source = source.map(lambda *e: e[0])
        elif isinstance(spec, dict):
            source = source.map(lambda e: e["image"])
        n = int(source.cardinality())
        return source, (n if n >= 0 else None), tuple(source.element_spec.shape)
    if isinstance(source, tuple) and len(source) == 2 and np.ndim(source[1]) == 1:
        source = source[0]
    images = np.asarray(source)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"Domain {name} must be images (N, H, W, C); got an array of shape {images.shape}.")
    if len(images) == 0:
        raise ValueError(f"Domain {name} is empty.")
    return tf.data.Dataset.from_tensor_slices(images), len(images), tuple(images.shape[1:])


def _check_domains(shape_a, shape_b, image_size, channels):
    size_a, size_b = shape_a[:2], shape_b[:2]
    if image_size is None and None not in size_a + size_b and size_a != size_b:
        raise ValueError(
            f"The two domains have different image sizes: {size_a} (A) and {size_b} (B). Pass image_size=(h, w) "
            "to resize both to one size."
        )
    if channels is None and shape_a[-1] != shape_b[-1]:
        raise ValueError(
            f"The two domains have different channel counts: {shape_a[-1]} (A) and {shape_b[-1]} (B). Pass "
            "channels=3 (or 1) to convert both."
        )


def unpaired_pipeline(source_a, source_b, batch_size=1, image_size=None, load_size=None, flip=False,
                      channels=None, shuffle=True, seed=0, length="longest", drop_remainder=True, repeat=False,
                      shuffle_buffer=1000):
    """Batches `(images_a, images_b)` from two *independent* domains (CycleGAN, CoGAN).

    The domains are shuffled independently (seeds `seed` and `seed + 1`) and zipped, so the i-th A
    image has nothing to do with the i-th B image. When one domain is shorter:
    `length="longest"` (default) repeats the shorter one so an epoch covers every image of the
    longer (the CycleGAN reference code does the same); `"shortest"` stops with the shorter.

    Args:
        source_a, source_b: uint8 image arrays (N, H, W, C), `(images, labels)` tuples, or
            `tf.data.Dataset`s of uint8 images (or of `(image, label)` / TFDS dicts).
        batch_size: pairs per batch.
        image_size, load_size, flip: see :func:`augment_fn`.
        channels: convert both domains to 1 or 3 channels.
        shuffle, seed: shuffling of each domain (every epoch).
        length: `"longest"` or `"shortest"`.
        drop_remainder, repeat: as in :func:`keras_gans.data.make_pipeline`.

    Raises:
        ValueError: the domains differ in image size (pass `image_size`) or channels (pass `channels`).
    """
    if length not in ("longest", "shortest"):
        raise ValueError(f"length must be 'longest' or 'shortest'; got {length!r}.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}.")
    ds_a, n_a, shape_a = _as_image_dataset(source_a, "A")
    ds_b, n_b, shape_b = _as_image_dataset(source_b, "B")
    _check_domains(shape_a, shape_b, image_size, channels)
    if shuffle:
        ds_a = ds_a.shuffle(min(n_a or shuffle_buffer, 20_000), seed=seed, reshuffle_each_iteration=True)
        ds_b = ds_b.shuffle(min(n_b or shuffle_buffer, 20_000), seed=seed + 1, reshuffle_each_iteration=True)
    if length == "longest" and n_a is not None and n_b is not None and n_a != n_b:
        if n_a < n_b:
            ds_a = ds_a.repeat()
        else:
            ds_b = ds_b.repeat()
    prep = augment_fn(image_size, load_size, flip, channels)
    ds_a = ds_a.map(prep, num_parallel_calls=tf.data.AUTOTUNE)
    ds_b = ds_b.map(prep, num_parallel_calls=tf.data.AUTOTUNE)
    ds = tf.data.Dataset.zip((ds_a, ds_b))
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def paired_pipeline(images_a, images_b, batch_size=1, image_size=None, load_size=None, flip=False, channels=None,
                    shuffle=True, seed=0, drop_remainder=True, repeat=False, labels=None):
    """Batches `(images_a, images_b)` of *aligned* pairs (pix2pix); the i-th A image belongs to the i-th B image.

    Pairs are shuffled together and jittered together: the same random crop and flip hit both images.

    Args:
        images_a, images_b: uint8 arrays (N, H, W, C) of equal length and equal height/width.
        labels: optional (N,) labels; then batches are `((images_a, images_b), labels)`.
        Others: as in :func:`unpaired_pipeline`.
    """
    a, b = np.asarray(images_a), np.asarray(images_b)
    a = a[..., None] if a.ndim == 3 else a
    b = b[..., None] if b.ndim == 3 else b
    if len(a) != len(b):
        raise ValueError(f"Paired data needs as many A images as B images; got {len(a)} and {len(b)}.")
    if len(a) == 0:
        raise ValueError("The paired dataset is empty.")
    if a.shape[1:3] != b.shape[1:3]:
        raise ValueError(
            f"Paired images must have the same height and width; got {a.shape[1:3]} (A) and {b.shape[1:3]} (B). "
            "Resize them first."
        )
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}.")
    ca = channels or a.shape[-1]
    cb = channels or b.shape[-1]
    prep = augment_fn(image_size, load_size, flip, None)

    def joint(x, y):
        x = _convert_channels(x, channels)
        y = _convert_channels(y, channels)
        both = prep(tf.concat([tf.cast(x, tf.uint8), tf.cast(y, tf.uint8)], axis=-1))
        return both[..., :ca], both[..., ca:ca + cb]

    items = (a, b) if labels is None else (a, b, np.asarray(labels))
    ds = tf.data.Dataset.from_tensor_slices(items)
    if shuffle:
        ds = ds.shuffle(len(a), seed=seed, reshuffle_each_iteration=True)
    if labels is None:
        ds = ds.map(joint, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(lambda x, y, l: (joint(x, y), l), num_parallel_calls=tf.data.AUTOTUNE)
    if repeat:
        ds = ds.repeat()
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------------- TFDS and folders
def tfds_domains(name, split="train", data_dir=None, download=True):
    """The two domains of a TFDS CycleGAN set as datasets of uint8 images: `(ds_a, ds_b)`.

    `name` is `"cycle_gan/horse2zebra"` (or any builder with `trainA/trainB/testA/testB` splits).
    Offline and not prepared: `ConnectionError` at once, naming the offline alternative.
    """
    import tensorflow_datasets as tfds

    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test' for {name!r}; got {split!r}.")
    builder = tfds.builder(name, data_dir=data_dir)
    if download and not _tfds_prepared(builder):
        if not can_reach():
            raise ConnectionError(
                f"TensorFlow Datasets has no local copy of {name!r} (looked in {builder.data_dir}) and the download "
                "server cannot be reached. Use the offline pair 'mnist2mnistm-unpaired' instead, or prepare "
                f"{name!r} on a machine with internet and copy ~/tensorflow_datasets here (or pass data_dir=)."
            )
        builder.download_and_prepare()
    out = []
    for domain in ("A", "B"):
        ds = builder.as_dataset(split=f"{split}{domain}", shuffle_files=split == "train")
        out.append(ds.map(lambda e: e["image"], num_parallel_calls=tf.data.AUTOTUNE))
    return tuple(out)


def _folder_images(path, image_size, channels):
    ds = _image_folder(os.fspath(path), image_size, channels or 3, seed=0)
    return ds.map(lambda x, y: x)


# ---------------------------------------------------------------------------- the one-call loader
def load_pair(name, batch_size=1, split="train", image_size=None, load_size=None, flip=None, channels=None,
              shuffle=True, seed=0, drop_remainder=True, repeat=False, data_dir=None, download=True):
    """Two-domain batches `(images_a, images_b)` in [-1, 1] by name; see the module docstring.

    Args:
        name: an offline pair (``"mnist2mnistm-unpaired"``, ``-paired``, ``-test``; ``"mnist2negative-…"``,
            ``"mnist2edges-…"``), ``"cycle_gan/<name>"`` (TFDS), or a `(folder_a, folder_b)` tuple.
        batch_size: pairs per batch (1 in the CycleGAN paper).
        split: `"train"` or `"test"` for TFDS sets and folders (the offline names carry their split).
        image_size: (h, w) to train at; folders need it; TFDS sets default to 256×256.
        load_size: resize before a random crop to `image_size` (TFDS training default: 286/256 ·
            image_size, the paper's jitter).
        flip: random left-right flips (default: on for TFDS/folder training, off otherwise).
        channels: convert both domains to 1 or 3 channels.
        shuffle, seed, drop_remainder, repeat: as in :func:`keras_gans.data.load`.

    Raises:
        KeyError: unknown name. ValueError: domains of mismatched size or channels (pass
        `image_size` / `channels`). ConnectionError: TFDS data absent while offline.
    """
    batch_size = checks.positive_int(batch_size, "batch_size", fix="The CycleGAN paper uses 1.")
    image_size = checks.optional(checks.image_shape, image_size, "image_size", channels=False,
                                 fix="E.g. image_size=(128, 128).")
    load_size = checks.optional(checks.image_shape, load_size, "load_size", channels=False,
                                fix="E.g. load_size=(143, 143) for image_size=(128, 128), or None.")
    seed = checks.seed(seed)
    common = dict(batch_size=batch_size, channels=channels, shuffle=shuffle, seed=seed,
                  drop_remainder=drop_remainder, repeat=repeat)
    if isinstance(name, (tuple, list)):
        if len(name) != 2:
            raise ValueError(f"Pass two image folders (folder_a, folder_b); got {len(name)} items.")
        if image_size is None:
            raise ValueError("Loading two image folders needs image_size=(height, width).")
        imgs = [_folder_images(p, load_size or image_size, channels) for p in name]
        return unpaired_pipeline(imgs[0], imgs[1], image_size=image_size if load_size else None,
                                 load_size=load_size, flip=bool(flip), **common)
    name = os.fspath(name)
    if name in PAIRS:
        from keras_gans.data.mnistm import translation_arrays

        target, kind = PAIRS[name]
        arrays = translation_arrays(target, kind)
        if kind == "unpaired":
            return unpaired_pipeline(arrays["a"], arrays["b"], image_size=image_size, load_size=load_size,
                                     flip=bool(flip), **common)
        return paired_pipeline(arrays["a"], arrays["b"], image_size=image_size, load_size=load_size,
                               flip=bool(flip), **common)
    if _tfds_pair_name(name) is not None:
        name = _tfds_pair_name(name)
        size = tuple(image_size or (256, 256))
        train = split == "train"
        if load_size is None and train:
            load_size = (round(size[0] * 286 / 256), round(size[1] * 286 / 256))
        ds_a, ds_b = tfds_domains(name, split=split, data_dir=data_dir, download=download)
        return unpaired_pipeline(ds_a, ds_b, image_size=size, load_size=load_size if train else None,
                                 flip=train if flip is None else flip, **common)
    raise KeyError(_unknown_pair(name))
