"""Dataset registry and the shared `tf.data` pipeline."""
import os

import numpy as np
import tensorflow as tf

from keras_gans.utils import checks
from keras_gans.utils.online import can_reach

#: name → loader(split, **kwargs) returning (uint8 images NHWC, int labels) numpy arrays,
#: or a `tf.data.Dataset` of (uint8 image, label) pairs.
DATASETS = {}
MNIST5K_SPLIT_SEED = 20261123
MNIST5K_TEST_PER_CLASS = 50


def register_dataset(name, description=""):
    """Decorator that registers a loader under `name` for :func:`load`."""

    def wrap(fn):
        fn.description = description
        DATASETS[name] = fn
        return fn

    return wrap


def available():
    """{name: description} of the built-in dataset names."""
    return {name: fn.description for name, fn in sorted(DATASETS.items())}


def scale_images(images):
    """uint8 [0, 255] → float32 [-1, 1] (works on numpy arrays and tensors)."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def _split_arg(split):
    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be 'train', 'test' or 'all'; got {split!r}.")
    return split


@register_dataset("mnist-5k", "5,000 real MNIST digits shipped with the package (offline); train 4,500 / test 500")
def _mnist5k(split="train", **_):
    from importlib import resources

    with resources.files("keras_gans.data").joinpath("mnist5k.npz").open("rb") as f:
        data = np.load(f)
        images, labels = data["images"][..., None], data["labels"].astype("int32")
    split = _split_arg(split)
    if split == "all":
        return images, labels
    test = mnist5k_test_indices(labels)
    mask = np.zeros(len(labels), bool)
    mask[test] = True
    keep = mask if split == "test" else ~mask
    return images[keep], labels[keep]


def mnist5k_test_indices(labels):
    """The fixed stratified held-out indices of mnist-5k (50 per class, seeded)."""
    rng = np.random.default_rng(MNIST5K_SPLIT_SEED)
    picks = [rng.choice(np.flatnonzero(labels == c), MNIST5K_TEST_PER_CLASS, replace=False) for c in range(10)]
    return np.sort(np.concatenate(picks))


@register_dataset("digits", "scikit-learn's 1,797 8×8 digits, resized to 28×28 (offline)")
def _digits(split="train", **_):
    from sklearn.datasets import load_digits

    d = load_digits()
    images = (d.images / 16.0 * 255.0).astype("float32")[..., None]
    images = tf.image.resize(images, (28, 28), method="bilinear").numpy()
    images = np.clip(np.round(images), 0, 255).astype("uint8")
    labels = d.target.astype("int32")
    split = _split_arg(split)
    if split == "all":
        return images, labels
    rng = np.random.default_rng(MNIST5K_SPLIT_SEED)
    order = rng.permutation(len(labels))
    n_test = len(labels) // 10
    idx = order[:n_test] if split == "test" else order[n_test:]
    return images[np.sort(idx)], labels[np.sort(idx)]


@register_dataset("mnist", "full MNIST (60,000 train / 10,000 test) through TensorFlow Datasets; needs internet once")
def _mnist(split="train", data_dir=None, download=True, **_):
    if split == "all":
        split = "train+test"
    return tfds_dataset("mnist", split=split, data_dir=data_dir, download=download, offline_hint="mnist-5k")


def tfds_dataset(name, split, data_dir=None, download=True, offline_hint=None, image_key="image", label_key="label"):
    """Loads `name` from TensorFlow Datasets as a dataset of (uint8 image, label).

    If the data is not prepared locally and the download server cannot be reached, fails at once
    (instead of retrying DNS for minutes) with a message naming an offline alternative.
    """
    import tensorflow_datasets as tfds

    builder = tfds.builder(name, data_dir=data_dir)
    if download and not _tfds_prepared(builder):
        if not can_reach():
            hint = f" Use the offline dataset {offline_hint!r} instead," if offline_hint else ""
            raise ConnectionError(
                f"TensorFlow Datasets has no local copy of {name!r} (looked in {builder.data_dir}) and the "
                f"download server cannot be reached.{hint} or prepare {name!r} on a machine with internet "
                "and copy ~/tensorflow_datasets here (or pass data_dir=)."
            )
        builder.download_and_prepare()
    ds = builder.as_dataset(split=split, shuffle_files=False)
    features = builder.info.features

    def pick(example):
        label = example[label_key] if label_key in example else tf.constant(-1, tf.int64)
        return example[image_key], tf.cast(label, tf.int32)

    del features
    return ds.map(pick, num_parallel_calls=tf.data.AUTOTUNE)


def _tfds_prepared(builder):
    try:
        return tf.io.gfile.exists(os.path.join(builder.data_dir, "dataset_info.json"))
    except Exception:  # pragma: no cover - defensive
        return False


def _image_folder(path, image_size, channels, seed):
    if not os.path.isdir(path):
        raise FileNotFoundError(f"No folder {path!r}. Pass an existing folder of images or a dataset name: {sorted(DATASETS)}.")
    exts = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
    found = any(f.lower().endswith(exts) for _, _, files in os.walk(path) for f in files)
    if not found:
        raise ValueError(f"The folder {path!r} contains no images ({', '.join(exts)}). Put images in it or choose another folder.")
    if image_size is None:
        raise ValueError("Loading an image folder needs image_size=(height, width).")
    _check_image_files(path, exts)
    import keras

    ds = keras.utils.image_dataset_from_directory(
        path, labels=None, image_size=tuple(image_size), batch_size=None, shuffle=False,
        color_mode={1: "grayscale", 3: "rgb", 4: "rgba"}[channels], seed=seed, verbose=False,
    )
    return ds.map(lambda x: (tf.cast(tf.clip_by_value(tf.round(x), 0, 255), tf.uint8), tf.constant(-1, tf.int32)))


_MAGIC = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".bmp": (b"BM",),
          ".gif": (b"GIF87a", b"GIF89a")}


def _check_image_files(path, exts):
    """ValueError naming the first empty or non-image file (by its header), before tf.data meets it."""
    for root, _, files in os.walk(path):
        for f in sorted(files):
            ext = os.path.splitext(f)[1].lower()
            if ext not in exts:
                continue
            full = os.path.join(root, f)
            with open(full, "rb") as fh:
                head = fh.read(8)
            if not head:
                raise ValueError(f"The image file {full!r} is empty (0 bytes). Delete or replace it.")
            if not any(head.startswith(m) for magics in _MAGIC.values() for m in magics):
                raise ValueError(f"The file {full!r} is not a PNG, JPEG, BMP or GIF image (corrupt or mislabelled). "
                                 "Delete or replace it.")


def load_arrays(name, split="train"):
    """(uint8 images NHWC, int32 labels) numpy arrays of an in-memory dataset such as `"mnist-5k"`."""
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r}. Known: {sorted(DATASETS)}.")
    out = DATASETS[name](split=split)
    if isinstance(out, tf.data.Dataset):
        raise ValueError(f"{name!r} is a streamed dataset; use load() for it.")
    return out


def load(name, batch_size=64, split="train", with_labels=False, image_size=None, channels=None,
         shuffle=True, seed=0, drop_remainder=True, repeat=False, data_dir=None, download=True):
    """A batched, prefetched `tf.data.Dataset` of images in [-1, 1] (and labels if asked).

    Args:
        name: a registered name (`"mnist-5k"`, `"digits"`, `"mnist"`, ...; see :func:`available`),
            `"tfds:NAME"` for any image dataset of TensorFlow Datasets, or a folder of images.
        batch_size: images per batch.
        split: `"train"`, `"test"` or `"all"` (fixed, documented splits; see the data cards).
        with_labels: yield `(images, labels)` instead of `images`.
        image_size: `(height, width)` to resize to (needed for image folders).
        channels: 1 or 3 to convert grey ↔ RGB (default: the data's own).
        shuffle: reshuffle every epoch (seeded by `seed`).
        drop_remainder: drop the last incomplete batch (keeps every step the same shape).
        repeat: repeat forever (then pass `steps_per_epoch` to `fit`).
        data_dir, download: TFDS options.

    Raises:
        KeyError: unknown name. FileNotFoundError / ValueError: missing or empty folder, bad arguments.
        ConnectionError: a TFDS dataset that is not on disk while offline.
    """
    batch_size = checks.positive_int(batch_size, "batch_size", fix="E.g. 64.")
    image_size = checks.optional(checks.image_shape, image_size, "image_size", channels=False,
                                 fix="E.g. image_size=(28, 28), or None for the dataset's own size.")
    seed = checks.seed(seed)
    if channels not in (None, 1, 3):
        raise ValueError(f"channels must be 1 or 3; got {channels!r}.")
    name = os.fspath(name)
    if name in DATASETS:
        source = DATASETS[name](split=split, data_dir=data_dir, download=download)
    elif name.startswith("tfds:"):
        source = tfds_dataset(name[5:], split=split if split != "all" else "train+test",
                              data_dir=data_dir, download=download)
    elif os.sep in name or os.path.exists(name):
        source = _image_folder(name, image_size, channels or 3, seed)
    else:
        raise KeyError(
            f"Unknown dataset {name!r}. Use one of {sorted(DATASETS)}, 'tfds:<name>' for TensorFlow Datasets, "
            "or the path of a folder of images."
        )
    return make_pipeline(source, batch_size, with_labels=with_labels, image_size=image_size, channels=channels,
                         shuffle=shuffle, seed=seed, drop_remainder=drop_remainder, repeat=repeat)


def make_pipeline(source, batch_size, with_labels=False, image_size=None, channels=None, shuffle=True, seed=0,
                  drop_remainder=True, repeat=False, shuffle_buffer=10_000):
    """Turns (uint8 images, labels) arrays or a dataset of pairs into batches in [-1, 1], prefetched.

    Per-image work is vectorised per batch (scaling, resizing) and runs in the tf.data threads,
    never as Python per step.
    """
    if isinstance(source, tf.data.Dataset):
        ds = source
        n = int(source.cardinality())  # a folder's or TFDS split's size when tf.data knows it, else < 0
    else:
        images, labels = source
        n = len(images)
        ds = tf.data.Dataset.from_tensor_slices((images, labels))
        # Small in-memory data: shuffle the whole set every epoch.
        shuffle_buffer = max(n, 1)
    if n == 0:
        raise ValueError("The dataset is empty (0 images): pass a dataset name, split or folder that has images.")
    if n > 0 and batch_size > n and drop_remainder and not repeat:
        raise ValueError(
            f"batch_size={batch_size} is larger than the dataset ({n} images), so no full batch remains "
            f"(drop_remainder=True). Use batch_size <= {n}, drop_remainder=False, or repeat=True."
        )
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder, num_parallel_calls=tf.data.AUTOTUNE)

    def prepare(x, y):
        x = scale_images(x)
        if channels == 3 and x.shape[-1] == 1:
            x = tf.image.grayscale_to_rgb(x)
        elif channels == 1 and x.shape[-1] == 3:
            x = tf.image.rgb_to_grayscale(x)
        if image_size is not None and tuple(x.shape[1:3]) != tuple(image_size):
            x = tf.clip_by_value(tf.image.resize(x, image_size, method="bilinear", antialias=True), -1.0, 1.0)
        return (x, y) if with_labels else x

    ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
