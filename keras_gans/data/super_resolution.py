"""Super-resolution pairs: (low-resolution, high-resolution) images, the low-resolution one made from the
high-resolution one by bicubic downscaling with antialiasing (as the SRGAN paper's MATLAB `imresize`).

Sources, all offline:

- any in-memory dataset of :func:`keras_gans.data.load_arrays` (`"mnist-m"` — 32×32×3, so 8×8 inputs
  at ×4 —, `"mnist-32"`, `"mnist-5k"` (28×28, 7×7 at ×4), ...), with its labels and splits;
- `"photos"`: seeded random crops of the six colour photos that ship with scikit-learn and
  scikit-image (those MNIST-M's backgrounds come from); split `"train"` crops the first five,
  `"test"` the sixth (`rocket`), so no test pixel was seen in training.

The low-resolution images are computed per batch in the `tf.data` pipeline and stay floats (not
re-quantised to 8 bits). Both sizes are in [-1, 1].

>>> import keras_gans as kg
>>> ds = kg.data.super_resolution_dataset("mnist-m", scale=4, batch_size=8)
>>> [tuple(t.shape) for t in ds.element_spec]
[(8, 8, 8, 3), (8, 32, 32, 3)]
"""
import numpy as np
import tensorflow as tf

from keras_gans.data.core import DATASETS, load_arrays, scale_images
from keras_gans.utils import checks
from keras_gans.utils.resize import bicubic_resize, downscale

__all__ = ["PHOTO_CROPS", "photo_crops", "super_resolution_arrays", "super_resolution_dataset"]

#: Crops per split of `"photos"` (train, test) and their default size (the paper's 96-pixel crops).
PHOTO_CROPS = {"train": 2000, "test": 200}
PHOTO_CROP_SIZE = 96
PHOTO_SEED = 1609  # arXiv 1609.04802, the SRGAN paper


def photo_crops(split="train", crop_size=PHOTO_CROP_SIZE, num_crops=None, seed=PHOTO_SEED):
    """uint8 `(num_crops, crop_size, crop_size, 3)` random crops of the shipped photos (seeded).

    `"train"` crops the first five photos of :data:`keras_gans.data.mnistm.PHOTO_NAMES`, `"test"` the last.
    """
    from keras_gans.data.mnistm import background_photos

    if split not in PHOTO_CROPS:
        raise ValueError(f"split must be one of {tuple(PHOTO_CROPS)} for 'photos'; got {split!r}.")
    crop_size = checks.positive_int(crop_size, "crop_size", fix="The paper uses 96.")
    num_crops = PHOTO_CROPS[split] if num_crops is None else checks.positive_int(num_crops, "num_crops")
    photos = background_photos()
    photos = photos[:-1] if split == "train" else photos[-1:]
    small = min(min(p.shape[:2]) for p in photos)
    if crop_size > small:
        raise ValueError(f"crop_size={crop_size} is larger than the smallest photo ({small} px); use at most {small}.")
    rng = np.random.default_rng(seed + (split == "test"))
    which = rng.integers(0, len(photos), num_crops)
    out = np.empty((num_crops, crop_size, crop_size, 3), np.uint8)
    for i, k in enumerate(which):
        y = rng.integers(0, photos[k].shape[0] - crop_size + 1)
        x = rng.integers(0, photos[k].shape[1] - crop_size + 1)
        out[i] = photos[k][y:y + crop_size, x:x + crop_size]
    return out


def _high_res(name, split, crop_size, num_crops):
    if name == "photos":
        return photo_crops(split, crop_size=crop_size or PHOTO_CROP_SIZE, num_crops=num_crops), None
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r} for super-resolution. Use 'photos' or one of {sorted(DATASETS)}.")
    images, labels = load_arrays(name, split=split)
    if images.ndim == 3:
        images = images[..., None]
    return images, labels


def _check_scale(shape, scale):
    scale = checks.integer(scale, "scale", low=2, fix="SRGAN upscales by 4.")
    h, w = shape[1:3]
    if h % scale or w % scale:
        raise ValueError(
            f"The images are {h}×{w}, not multiples of scale={scale}, so no low-resolution image is exactly "
            f"{scale}× smaller. Use a scale that divides {h} and {w}, or crops ('photos', crop_size=...)."
        )
    return scale


def super_resolution_arrays(name="mnist-m", scale=4, split="test", crop_size=None, num_crops=None):
    """`(lowres, highres, labels)` numpy arrays: float32 in [-1, 1] (labels None for `"photos"`).

    For evaluation (PSNR, digit accuracy): the whole split at once, in its fixed order.
    """
    images, labels = _high_res(name, split, crop_size, num_crops)
    scale = _check_scale(images.shape, scale)
    high = images.astype("float32") / 127.5 - 1.0
    return downscale(high, scale), high, labels


def super_resolution_dataset(name="mnist-m", scale=4, batch_size=16, split="train", with_labels=False, shuffle=True,
                             seed=0, repeat=False, drop_remainder=True, crop_size=None, num_crops=None):
    """Batches `(lowres, highres)` (or `((lowres, highres), labels)`) in [-1, 1] for :class:`~keras_gans.models.SRGAN`.

    Args:
        name: an in-memory dataset name (`"mnist-m"`, `"mnist-32"`, `"mnist-5k"`, ...) or `"photos"`.
        scale: the downscaling factor; the images' height and width must be multiples of it.
        batch_size, shuffle, seed, repeat, drop_remainder: as :func:`keras_gans.data.load`.
        split: `"train"` or `"test"` (and `"all"` for named datasets).
        with_labels: also yield the dataset's labels (not for `"photos"`).
        crop_size, num_crops: for `"photos"`: the high-resolution crop size (default 96) and count.

    Raises:
        KeyError: unknown name. ValueError: sizes not divisible by `scale`, or bad arguments.
    """
    batch_size = checks.positive_int(batch_size, "batch_size", fix="E.g. 16 (the paper's).")
    images, labels = _high_res(name, split, crop_size, num_crops)
    scale = _check_scale(images.shape, scale)
    if with_labels and labels is None:
        raise ValueError(f"{name!r} has no labels; pass with_labels=False.")
    if batch_size > len(images) and drop_remainder and not repeat:
        raise ValueError(f"batch_size={batch_size} is larger than the dataset ({len(images)} images).")
    h, w = images.shape[1:3]
    ds = tf.data.Dataset.from_tensor_slices((images, np.zeros(len(images), "int32") if labels is None else labels))
    if shuffle:
        ds = ds.shuffle(len(images), seed=checks.seed(seed), reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)

    def pair(x, y):
        high = scale_images(x)
        low = bicubic_resize(high, (h // scale, w // scale))  # what downscale() does, on a batch tensor
        return ((low, high), y) if with_labels else (low, high)

    return ds.map(pair, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
