"""MNIST-M and other digit domains built offline from `mnist-5k` (for translation and CoGAN).

**MNIST-M** (Ganin et al. 2015, "Domain-Adversarial Training of Neural Networks"): every digit is
blended with a random crop of a colour photo as `|crop − digit|`, per channel, so the strokes invert
the colours of the background. The original uses BSDS500 photos; here the crops come from the six
colour photos that ship with scikit-learn (`china`, `flower`) and scikit-image (`astronaut`,
`coffee`, `chelsea`, `rocket`), so the set builds with no download. Differences from Ganin et al.,
documented: digits are zero-padded from 28×28 to **32×32** (no resampling) and turned into RGB;
only 5,000 digits (mnist-5k) are available.

Everything is deterministic: the photo, the crop position and the split are drawn from seeded
generators, so every machine builds the same images.

Splits of mnist-5k's fixed train split (4,500 digits, see ``MNIST5K.md``) for translation:

- ``"unpaired"``: a seeded permutation splits the train digits into two disjoint halves of 2,250;
  domain A is the plain digits of the first half, domain B the MNIST-M images of the second half
  — no B image is a rendering of any A image (CycleGAN, CoGAN).
- ``"paired"``: all 4,500 train digits with their own MNIST-M rendering (pix2pix).
- ``"test"``: mnist-5k's 500 held-out digits and their MNIST-M renderings, paired, with labels
  (for evaluating translations).

Registered names for :func:`keras_gans.data.load`: ``"mnist-m"`` (32×32×3 MNIST-M of all mnist-5k
digits, splits train / test / all), ``"mnist-32"`` (the plain digits, 32×32×3), ``"mnist-negative"``
and ``"mnist-edges"`` (28×28×1 digit variants of the CoGAN paper).
"""
import functools

import numpy as np

from keras_gans.data.core import load_arrays, register_dataset

MNISTM_SEED = 20150527  # Ganin et al.'s arXiv date; any fixed number would do
SPLIT_SEED = 4242
PHOTO_NAMES = ("china", "flower", "astronaut", "coffee", "chelsea", "rocket")


@functools.lru_cache(maxsize=1)
def background_photos():
    """The six colour photos (uint8 RGB arrays) that MNIST-M crops come from, in a fixed order."""
    from sklearn.datasets import load_sample_images
    import skimage.data

    sk = load_sample_images()
    photos = {name.rsplit("/", 1)[-1].split(".")[0]: img for name, img in zip(sk.filenames, sk.images)}
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        photos[name] = getattr(skimage.data, name)()
    return tuple(np.ascontiguousarray(photos[n][..., :3], dtype=np.uint8) for n in PHOTO_NAMES)


def pad_to_32(digits):
    """(N, 28, 28[, 1]) uint8 digits → (N, 32, 32, 1), zero-padded by 2 pixels on every side."""
    digits = np.asarray(digits)
    if digits.ndim == 3:
        digits = digits[..., None]
    if digits.shape[1:3] != (28, 28):
        raise ValueError(f"pad_to_32 expects 28×28 digits; got {digits.shape[1:3]}.")
    return np.pad(digits, ((0, 0), (2, 2), (2, 2), (0, 0)))


def blend_mnistm(digits, seed=MNISTM_SEED, photos=None, return_photo_ids=False):
    """MNIST-M renderings of `digits`: `|crop − digit|` per channel with a random photo crop each.

    Args:
        digits: uint8 (N, H, W) or (N, H, W, 1) grey digits (white strokes on black).
        seed: seed of the photo and crop choices (same seed and digits → same images).
        photos: sequence of uint8 RGB photos (default: :func:`background_photos`).
        return_photo_ids: also return, per image, the index of the photo its background is cut from.

    Returns:
        uint8 array (N, H, W, 3); with `return_photo_ids`, also an int32 array (N,).
    """
    digits = np.asarray(digits)
    if digits.ndim == 3:
        digits = digits[..., None]
    if digits.ndim != 4 or digits.shape[-1] != 1 or digits.dtype != np.uint8:
        raise ValueError(f"blend_mnistm expects uint8 grey digits (N, H, W[, 1]); got {digits.dtype} {digits.shape}.")
    photos = background_photos() if photos is None else photos
    n, h, w, _ = digits.shape
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(photos), n)
    out = np.empty((n, h, w, 3), np.uint8)
    for i in range(n):
        photo = photos[which[i]]
        y = rng.integers(0, photo.shape[0] - h + 1)
        x = rng.integers(0, photo.shape[1] - w + 1)
        crop = photo[y:y + h, x:x + w].astype(np.int16)
        out[i] = np.abs(crop - digits[i].astype(np.int16)).astype(np.uint8)
    return (out, which.astype("int32")) if return_photo_ids else out


def grey_to_rgb(images):
    """(N, H, W, 1) → (N, H, W, 3) by repeating the channel."""
    return np.repeat(np.asarray(images), 3, axis=-1)


def negative_digits(digits):
    """255 − digit: black strokes on white (one of CoGAN's MNIST domain pairs)."""
    return (255 - np.asarray(digits, np.uint8)).astype(np.uint8)


def edge_digits(digits):
    """The outline of each digit: morphological gradient (3×3 dilation − 3×3 erosion), as CoGAN's edge domain."""
    from scipy import ndimage

    digits = np.asarray(digits, np.uint8)
    size = (1, 3, 3) + (1,) * (digits.ndim - 3)
    grad = ndimage.grey_dilation(digits, size=size).astype(np.int16) - ndimage.grey_erosion(digits, size=size)
    return np.clip(grad, 0, 255).astype(np.uint8)


@functools.lru_cache(maxsize=4)
def _mnistm_all():
    digits, labels = load_arrays("mnist-5k", split="all")
    padded = pad_to_32(digits)
    return grey_to_rgb(padded), blend_mnistm(padded, seed=MNISTM_SEED), labels


def _by_split(split):
    from keras_gans.data.core import mnist5k_test_indices

    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be 'train', 'test' or 'all'; got {split!r}.")
    plain, mnistm, labels = _mnistm_all()
    if split == "all":
        idx = np.arange(len(labels))
    else:
        test = mnist5k_test_indices(labels)
        mask = np.zeros(len(labels), bool)
        mask[test] = True
        idx = np.flatnonzero(mask if split == "test" else ~mask)
    return plain[idx], mnistm[idx], labels[idx]


@register_dataset("mnist-m", "MNIST-M (Ganin et al. 2015) built offline from mnist-5k and shipped photos; 32×32×3")
def _mnistm(split="train", **_):
    _, images, labels = _by_split(split)
    return images, labels


@register_dataset("mnist-32", "mnist-5k digits zero-padded to 32×32 and repeated to RGB (the MNIST-M source domain)")
def _mnist32(split="train", **_):
    images, _, labels = _by_split(split)
    return images, labels


@register_dataset("mnist-negative", "mnist-5k digits inverted (255 − x): CoGAN's second domain; 28×28×1")
def _mnist_negative(split="train", **_):
    images, labels = load_arrays("mnist-5k", split=split)
    return negative_digits(images), labels


@register_dataset("mnist-edges", "outlines of mnist-5k digits (morphological gradient): CoGAN's edge domain; 28×28×1")
def _mnist_edges(split="train", **_):
    images, labels = load_arrays("mnist-5k", split=split)
    return edge_digits(images), labels


def _halves(n):
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2:])


def translation_arrays(target="mnist-m", split="unpaired"):
    """Numpy arrays of an offline two-domain digit pair.

    Args:
        target: domain B: `"mnist-m"` (32×32×3; domain A is then `"mnist-32"`, the plain digits as
            32×32 RGB), `"negative"` or `"edges"` (28×28×1; domain A is plain mnist-5k).
        split: `"unpaired"` (disjoint halves of the train digits), `"paired"` (every train digit and
            its B version) or `"test"` (held-out digits, paired).

    Returns:
        `{"a": uint8 images, "b": uint8 images, "labels_a": int32, "labels_b": int32}`.
    """
    if split not in ("unpaired", "paired", "test"):
        raise ValueError(f"split must be 'unpaired', 'paired' or 'test'; got {split!r}.")
    if target in ("mnist-m", "mnistm"):
        a, b, labels = _by_split("test" if split == "test" else "train")
    elif target in ("negative", "edges"):
        a, labels = load_arrays("mnist-5k", split="test" if split == "test" else "train")
        b = negative_digits(a) if target == "negative" else edge_digits(a)
    else:
        raise KeyError(f"Unknown target domain {target!r}; choose 'mnist-m', 'negative' or 'edges'.")
    if split == "unpaired":
        first, second = _halves(len(labels))
        return {"a": a[first], "b": b[second], "labels_a": labels[first], "labels_b": labels[second]}
    return {"a": a, "b": b, "labels_a": labels, "labels_b": labels}
