"""Differentiable augmentation for data-efficient GAN training (DiffAugment: Zhao et al., NeurIPS 2020).

The same kind of random augmentation T is applied to every image the discriminator sees, real
and generated, in the discriminator's step (D(T(x)), D(T(G(z)))) *and* in the generator's step
(D(T(G(z)))). Because every operation is differentiable in the pixels, the generator's gradient
flows back through T. Each image gets its own random draw; real and fake batches get independent
draws of the same kinds.

The operations, for images in [−1, 1] (NHWC):

==============  ======================================================================
`brightness`    x + δ, δ ~ U[−0.5, 0.5] per image
`saturation`    (x − m_c) · a + m_c, m_c the mean over channels at each pixel, a ~ U[0, 2]
`contrast`      (x − m) · a + m, m the image's mean over all pixels and channels, a ~ U[0.5, 1.5]
`translation`   shift by (dy, dx) integers in [−r·H, r·H] × [−r·W, r·W] (r = 1/8), zeros fill in
`cutout`        a square (r·H × r·W, r = 1/2) of zeros at a random place (may be clipped by the border)
==============  ======================================================================

`policy` names them as a comma-separated string; `color` stands for brightness, saturation and
contrast (in that order). The deterministic operations (:func:`translate`, :func:`cutout`,
:func:`adjust_brightness`, ...) take the random numbers as arguments and are usable on their own.
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.utils.random import replica_random

POLICIES = ("color", "brightness", "saturation", "contrast", "translation", "cutout")


def parse_policy(policy):
    """"color,translation,cutout" → ("brightness", "saturation", "contrast", "translation", "cutout")."""
    if isinstance(policy, str):
        names = [p.strip() for p in policy.split(",") if p.strip()]
    else:
        names = [str(p) for p in policy]
    unknown = [p for p in names if p not in POLICIES]
    if unknown:
        raise ValueError(f"Unknown DiffAugment operation(s) {unknown}; choose from {', '.join(POLICIES)}.")
    ops_ = []
    for name in names:
        ops_.extend(("brightness", "saturation", "contrast") if name == "color" else (name,))
    return tuple(ops_)


def _per_image(values, images):
    return ops.reshape(ops.cast(values, images.dtype), (-1, 1, 1, 1))


def adjust_brightness(images, delta):
    """x + δ, one δ per image (shape (batch,))."""
    return images + _per_image(delta, images)


def adjust_saturation(images, factor):
    """(x − m_c)·a + m_c with m_c the mean over channels at each pixel, one a per image."""
    mean = ops.mean(images, axis=-1, keepdims=True)
    return (images - mean) * _per_image(factor, images) + mean


def adjust_contrast(images, factor):
    """(x − m)·a + m with m the mean of each image over height, width and channels, one a per image."""
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _per_image(factor, images) + mean


def _shift_axis(images, shift, axis):
    """out[..., i, ...] = images[..., i − shift, ...] along `axis` (1 or 2), zeros where i − shift is outside."""
    size = ops.shape(images)[axis]
    source = ops.arange(size, dtype="int32")[None, :] - ops.cast(shift, "int32")[:, None]     # (n, size)
    inside = ops.logical_and(source >= 0, source < size)
    gathered = tf.gather(images, ops.clip(source, 0, size - 1), axis=axis, batch_dims=1)
    mask_shape = (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1)
    return gathered * ops.reshape(ops.cast(inside, images.dtype), mask_shape)


def translate(images, shift):
    """Moves each image's content by `shift` (batch, 2) = (dy, dx) integer pixels, filling with zeros.

    out[n, i, j] = images[n, i − dy, j − dx] (positive dy moves the content down, positive dx right).
    """
    shift = ops.convert_to_tensor(shift)
    return _shift_axis(_shift_axis(images, shift[:, 0], 1), shift[:, 1], 2)


def cutout(images, corner, size):
    """Zeroes a `size` = (h, w) rectangle whose top-left pixel is `corner` (batch, 2) = (row, column).

    The corner may lie outside the image (a negative row, say); the rectangle is then clipped.
    """
    corner = ops.cast(ops.convert_to_tensor(corner), "int32")
    shape = ops.shape(images)
    rows = ops.arange(shape[1], dtype="int32")[None, :] - corner[:, :1]     # (n, H): row − top
    cols = ops.arange(shape[2], dtype="int32")[None, :] - corner[:, 1:]     # (n, W)
    in_rows = ops.logical_and(rows >= 0, rows < int(size[0]))
    in_cols = ops.logical_and(cols >= 0, cols < int(size[1]))
    box = ops.logical_and(in_rows[:, :, None], in_cols[:, None, :])         # (n, H, W)
    return images * ops.cast(ops.logical_not(box), images.dtype)[..., None]


def _rounded(fraction, size):
    return int(size * fraction + 0.5)


def diff_augment(images, policy="color,translation,cutout", seed=None, translation_ratio=0.125, cutout_ratio=0.5):
    """Applies the DiffAugment `policy` to a batch of NHWC images with random draws per image.

    `seed`: a `keras.random.SeedGenerator` (advanced by every call), an int, or None. Image height
    and width must be known (static).

    >>> import numpy as np, keras
    >>> x = np.zeros((2, 8, 8, 3), "float32")
    >>> diff_augment(x, "translation,cutout", seed=keras.random.SeedGenerator(0)).shape
    TensorShape([2, 8, 8, 3])
    """
    images = ops.convert_to_tensor(images)
    if len(images.shape) != 4 or images.shape[1] is None or images.shape[2] is None:
        raise ValueError(f"DiffAugment expects (batch, height, width, channels) images of known size; "
                         f"got {tuple(images.shape)}.")
    height, width = int(images.shape[1]), int(images.shape[2])
    n = ops.shape(images)[0]

    def uniform():
        return replica_random(keras.random.uniform, (n,), seed=seed)

    def randint(low, high):   # integers in [low, high)
        return replica_random(keras.random.randint, (n,), seed=seed, minval=low, maxval=high, dtype="int32")

    x = images
    for op in parse_policy(policy):
        if op == "brightness":
            x = adjust_brightness(x, uniform() - 0.5)
        elif op == "saturation":
            x = adjust_saturation(x, uniform() * 2.0)
        elif op == "contrast":
            x = adjust_contrast(x, uniform() + 0.5)
        elif op == "translation":
            sy, sx = _rounded(translation_ratio, height), _rounded(translation_ratio, width)
            x = translate(x, ops.stack([randint(-sy, sy + 1), randint(-sx, sx + 1)], axis=1))
        elif op == "cutout":
            h, w = _rounded(cutout_ratio, height), _rounded(cutout_ratio, width)
            # Zhao et al.: the centre in [0, size + (1 − cut % 2)), the box from centre − cut // 2.
            top = randint(0, height + (1 - h % 2)) - h // 2
            left = randint(0, width + (1 - w % 2)) - w // 2
            x = cutout(x, ops.stack([top, left], axis=1), (h, w))
    return x


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(keras.layers.Layer):
    """DiffAugment as a layer: `DiffAugment("color,translation,cutout", seed=0)(images)`.

    Applies :func:`diff_augment` at **every** call (in training and inference alike): a GAN's
    `train_step` calls it on the real and on the generated batch where the paper does, so it is not
    switched by the `training` flag. The layer owns a `SeedGenerator`, so a seeded model draws the
    same augmentations on every run; it has no weights.

    Args:
        policy: comma-separated operations (`color`, `brightness`, `saturation`, `contrast`,
            `translation`, `cutout`).
        translation_ratio: the largest shift as a fraction of the side (1/8 in the paper).
        cutout_ratio: the side of the cut-out square as a fraction of the image side (1/2).
        seed: an int or None.

    >>> import numpy as np
    >>> augment = DiffAugment("color,translation,cutout", seed=0)
    >>> augment(np.random.uniform(-1, 1, (4, 16, 16, 3)).astype("float32")).shape
    TensorShape([4, 16, 16, 3])
    """

    def __init__(self, policy="color,translation,cutout", translation_ratio=0.125, cutout_ratio=0.5, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.operations = parse_policy(policy)
        self.policy = policy if isinstance(policy, str) else ",".join(policy)
        if not 0.0 <= float(translation_ratio) <= 1.0 or not 0.0 <= float(cutout_ratio) <= 1.0:
            raise ValueError(f"translation_ratio and cutout_ratio lie in [0, 1]; got {translation_ratio}, "
                             f"{cutout_ratio}.")
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images):
        return diff_augment(images, self.operations, seed=self.seed_generator,
                            translation_ratio=self.translation_ratio, cutout_ratio=self.cutout_ratio)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(policy=self.policy, translation_ratio=self.translation_ratio, cutout_ratio=self.cutout_ratio,
                      seed=self.seed)
        return config
