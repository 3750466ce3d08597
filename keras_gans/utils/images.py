"""Images in and out: grids and conversions shared by callbacks, the CLI and the zoo, and
:func:`load_image`, which reads any image (file, PIL image or array) as float RGB.

>>> import numpy as np
>>> from keras_gans.utils.images import load_image, make_grid
>>> load_image(np.zeros((20, 30), "uint8"), height=40).shape        # grey -> RGB, resized
(40, 60, 3)
>>> make_grid(np.zeros((4, 8, 8, 1)), padding=1).shape
(19, 19)
"""
import os

import numpy as np

from keras_gans.utils.io import atomic_path


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps float images in `value_range` to uint8 [0, 255] (clipping outliers)."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    lo, hi = value_range
    if images.ndim and len(images) > 1024:  # a large batch: 1024 images at a time, no full-size float temporaries
        out = np.empty(images.shape, np.uint8)
        for start in range(0, len(images), 1024):
            out[start:start + 1024] = to_uint8(images[start:start + 1024], value_range)
        return out
    scaled = (images.astype(np.float32) - lo) / (hi - lo)
    return np.clip(np.round(scaled * 255.0), 0, 255).astype(np.uint8)


def as_float32(x):
    """A network's output (images, logits, probabilities) as float32 when a mixed-precision policy made it
    bfloat16 or float16; other tensors as they are. Used wherever the package hands results to users."""
    from keras import backend, ops

    return ops.cast(x, "float32") if backend.standardize_dtype(x.dtype) in ("float16", "bfloat16") else x


def format_output(images, output):
    """Returns float images in [-1, 1] as they are (`output="float"`) or as uint8 (`output="uint8"`)."""
    check_output(output)
    return to_uint8(images) if output == "uint8" else images


def check_output(output):
    """Raises a ValueError unless `output` is "float" or "uint8"."""
    if output not in ("float", "uint8"):
        raise ValueError(f"output must be 'float' or 'uint8'; got {output!r}.")


def make_grid(images, rows=None, padding=2, value_range=(-1.0, 1.0)):
    """Tiles a batch (N, H, W, C) into one uint8 image with `rows` rows (square by default)."""
    images = to_uint8(images, value_range)
    if images.ndim == 3:
        images = images[..., None]
    n, h, w, c = images.shape
    rows = rows or int(np.ceil(np.sqrt(n)))
    cols = int(np.ceil(n / rows))
    grid = np.full((rows * (h + padding) + padding, cols * (w + padding) + padding, c), 255, np.uint8)
    for i in range(n):
        r, q = divmod(i, cols)
        y, x = padding + r * (h + padding), padding + q * (w + padding)
        grid[y:y + h, x:x + w] = images[i]
    return grid[..., 0] if c == 1 else grid


#: Image file suffixes `save_image` writes, and their formats.
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}


def check_image_path(path):
    """Refuses an output name whose suffix is not an image format `save_image` writes (ValueError).

    >>> check_image_path("grid.png")
    'grid.png'
    """
    ext = str(path).rsplit(".", 1)[-1].lower() if "." in os.path.basename(str(path)) else ""
    if ext not in IMAGE_FORMATS:
        raise ValueError(f"{str(path)!r} is not an image file name: end it in "
                         f"{', '.join('.' + e for e in IMAGE_FORMATS)} (e.g. grid.png).")
    return path


def save_image(array, path):
    """Writes a uint8 array (H, W) or (H, W, 3|4) to `path` atomically (format from the suffix)."""
    from PIL import Image

    check_image_path(path)
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    with atomic_path(path) as tmp:
        Image.fromarray(array).save(tmp, format=_format(path))
    return path


def _format(path):
    return IMAGE_FORMATS[str(path).rsplit(".", 1)[-1].lower()]


# ---------------------------------------------------------------------------------------------
# Reading images
# ---------------------------------------------------------------------------------------------
#: Resize filters of :func:`load_image` → PIL.Image resampling codes.
INTERPOLATIONS = {"nearest": 0, "bilinear": 2, "bicubic": 3, "lanczos": 1}
#: Smallest height/width :func:`load_image` accepts: VGG19's block5 features need 4 poolings
#: of 2x2 to leave at least 1 pixel.
MIN_SIDE = 16


def load_image(image, height=None, width=None, interpolation="nearest", what="image"):
    """Reads an image into float32 RGB `(H, W, 3)` with values in [0, 255].

    Args:
        image: a file path, a PIL image, or an array / tensor `(H, W)`, `(H, W, C)` or
            `(1, H, W, C)` with C in {1 (grey), 2 (grey + alpha), 3 (RGB), 4 (RGBA)}.
            uint8 is taken as 0-255, uint16 (16-bit PNG) as 0-65535, floats as [0, 1] when their
            maximum is at most 1 and as [0, 255] otherwise. Grey is repeated to RGB; alpha is
            composited onto white; palette, CMYK, YCbCr ... files are converted to RGB.
        height: resize to this height (pixels); `width` defaults to the aspect-preserving
            `int(W * height / H)`, as in the Keras example. None keeps the size.
        width: resize to this width (with `height`).
        interpolation: "nearest" (what `keras.utils.load_img(target_size=...)` does, and so the
            lecture's setting), "bilinear", "bicubic" or "lanczos".
        what: how error messages name the image ("content image", ...).

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: an unreadable file, a batch of several images, an unsupported channel count
            or dtype, values out of range, or a result smaller than 16 pixels on a side.
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {sorted(INTERPOLATIONS)}; got {interpolation!r}.")
    from PIL import Image

    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The {what} {path!r} does not exist. Pass the path of an image file (PNG, JPEG ...).")
        try:
            with Image.open(path) as pil:
                pil.load()
                arr = _pil_to_array(pil, what)
        except (OSError, SyntaxError) as e:  # PIL.UnidentifiedImageError is an OSError
            raise ValueError(f"Could not read the {what} {path!r} as an image ({e}). Pass a PNG or JPEG file.") from e
    elif isinstance(image, Image.Image):
        arr = _pil_to_array(image, what)
    else:
        arr = _array_to_rgb(image, what)

    h, w = arr.shape[:2]
    if height is not None or width is not None:
        if height is None:
            height = max(1, int(h * width / w))
        if width is None:
            width = max(1, int(w * height / h))
        height, width = int(height), int(width)
        if (height, width) != (h, w):
            arr = _resize(arr, height, width, INTERPOLATIONS[interpolation])
    if min(arr.shape[:2]) < MIN_SIDE:
        raise ValueError(
            f"The {what} is {arr.shape[0]}x{arr.shape[1]} pixels; VGG19 needs at least {MIN_SIDE} on each side. "
            "Use a larger image or a larger height=."
        )
    return arr


def _pil_to_array(pil, what):
    mode = pil.mode
    if mode.startswith("I;16") or mode == "I":
        arr = np.asarray(pil).astype(np.float64)
        if mode.startswith("I;16"):
            arr = arr / 257.0
        elif arr.size and (arr.min() < 0 or arr.max() > 65535):
            raise ValueError(f"The {what} is a 32-bit integer image with values outside 0-65535; save it as 8- or 16-bit.")
        elif arr.size and arr.max() > 255:
            arr = arr / 257.0
        return _array_to_rgb(arr.astype(np.float32), what, scaled=True)
    if mode == "F":
        return _array_to_rgb(np.asarray(pil, dtype=np.float32), what)
    if mode == "P":
        pil = pil.convert("RGBA")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        pil = pil.convert("RGB")  # 1, CMYK, YCbCr, LAB, HSV, RGBX ...
    return _array_to_rgb(np.asarray(pil), what)


def _array_to_rgb(image, what, scaled=False):
    arr = np.asarray(image)
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(f"The {what} is a batch of {arr.shape[0]} images {arr.shape}; pass one image (H, W, C).")
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(
            f"The {what} has shape {arr.shape}; expected (H, W) or (H, W, C) with C = 1 (grey), 2 (grey + alpha), "
            "3 (RGB) or 4 (RGBA)."
        )
    if arr.size == 0:
        raise ValueError(f"The {what} is empty (shape {arr.shape}).")
    if scaled:
        x = arr.astype(np.float32)
    elif arr.dtype == np.uint8:
        x = arr.astype(np.float32)
    elif arr.dtype == np.uint16:
        x = arr.astype(np.float32) / 257.0
    elif arr.dtype == np.bool_:
        x = arr.astype(np.float32) * 255.0
    elif np.issubdtype(arr.dtype, np.integer):
        if arr.min() < 0 or arr.max() > 255:
            raise ValueError(
                f"The {what} is {arr.dtype} with values in [{arr.min()}, {arr.max()}]; expected 0-255. "
                "Convert it to uint8 (0-255) or uint16 (0-65535) first."
            )
        x = arr.astype(np.float32)
    elif np.issubdtype(arr.dtype, np.floating):
        x = arr.astype(np.float32)
        if not np.isfinite(x).all():
            raise ValueError(f"The {what} contains NaN or Inf values.")
        lo, hi = float(x.min()), float(x.max())
        if lo < 0 or hi > 255:
            raise ValueError(
                f"The {what} has float values in [{lo:g}, {hi:g}]; expected [0, 1] or [0, 255]. "
                "Rescale it (e.g. (x - x.min()) / (x.max() - x.min()))."
            )
        if hi <= 1.0:
            x = x * 255.0
    else:
        raise ValueError(f"The {what} has dtype {arr.dtype}; pass uint8, uint16 or float pixels.")
    channels = x.shape[-1]
    if channels in (2, 4):  # composite onto white
        alpha = x[..., -1:] / 255.0
        x = x[..., :-1] * alpha + 255.0 * (1.0 - alpha)
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    return np.ascontiguousarray(x, dtype=np.float32)


def _resize(arr, height, width, resample):
    from PIL import Image

    if height < 1 or width < 1:
        raise ValueError(f"Cannot resize to {height}x{width}.")
    channels = [np.asarray(Image.fromarray(arr[..., c], mode="F").resize((width, height), resample))
                for c in range(arr.shape[-1])]
    return np.clip(np.stack(channels, axis=-1), 0.0, 255.0).astype(np.float32)
