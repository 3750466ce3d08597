"""Bicubic resizing of image batches in [-1, 1]: the downscaling that makes super-resolution pairs and the
bicubic upscaling they are compared with (SRGAN's baseline).

>>> import numpy as np
>>> small = downscale(np.zeros((2, 32, 32, 3), "float32"), 4)
>>> small.shape, bicubic_upscale(small, 4).shape
((2, 8, 8, 3), (2, 32, 32, 3))
"""
import numpy as np
import tensorflow as tf

__all__ = ["as_float_images", "bicubic_resize", "bicubic_upscale", "downscale"]


def bicubic_resize(images, size, antialias=True):
    """Bicubic resize of float images `(N, H, W, C)` (or a tensor) to `size` = (height, width), clipped to [-1, 1].

    With `antialias=True` (default) a downscale filters first, as MATLAB's `imresize` that made the
    SRGAN paper's low-resolution images; numpy in, numpy out (tensor in, tensor out).
    """
    was_numpy = not tf.is_tensor(images)
    out = tf.clip_by_value(tf.image.resize(tf.cast(images, tf.float32), size, method="bicubic", antialias=antialias),
                           -1.0, 1.0)
    return out.numpy() if was_numpy else out


def _check_scale(images, scale):
    scale = int(scale)
    if scale < 1:
        raise ValueError(f"scale must be a positive integer; got {scale}.")
    return scale


def downscale(images, scale):
    """High-resolution images `(N, H, W, C)` in [-1, 1] → `(N, H/scale, W/scale, C)`: bicubic with antialiasing.

    Raises `ValueError` unless H and W are multiples of `scale`.
    """
    scale = _check_scale(images, scale)
    h, w = int(images.shape[1]), int(images.shape[2])
    if h % scale or w % scale:
        raise ValueError(f"Images of {h}×{w} cannot be downscaled by {scale}: height and width must be multiples of "
                         f"the scale. Crop or resize them to {h - h % scale}×{w - w % scale} first.")
    return bicubic_resize(images, (h // scale, w // scale))


def bicubic_upscale(images, scale):
    """Low-resolution images `(N, h, w, C)` in [-1, 1] → `(N, scale·h, scale·w, C)` by bicubic interpolation."""
    scale = _check_scale(images, scale)
    h, w = int(images.shape[1]), int(images.shape[2])
    return bicubic_resize(images, (h * scale, w * scale), antialias=False)


def as_float_images(images):
    """uint8 pixels → float32 in [-1, 1]; floats → float32 as they are."""
    images = np.asarray(images)
    return images.astype("float32") / 127.5 - 1.0 if images.dtype == np.uint8 else images.astype("float32")
