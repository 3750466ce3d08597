"""Image grids and conversions shared by callbacks, the CLI and the zoo."""
import numpy as np

from keras_gans.utils.io import atomic_path


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps float images in `value_range` to uint8 [0, 255] (clipping outliers)."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    lo, hi = value_range
    scaled = (images.astype(np.float32) - lo) / (hi - lo)
    return np.clip(np.round(scaled * 255.0), 0, 255).astype(np.uint8)


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


def save_image(array, path):
    """Writes a uint8 array (H, W) or (H, W, 3|4) to `path` atomically (format from the suffix)."""
    from PIL import Image

    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    with atomic_path(path) as tmp:
        Image.fromarray(array).save(tmp, format=_format(path))
    return path


def _format(path):
    ext = str(path).rsplit(".", 1)[-1].lower()
    return {"jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "png": "PNG"}.get(ext, "PNG")
