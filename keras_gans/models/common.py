"""What the model classes share outside a class: batches in and out, configs, checks of training data.

>>> import keras, numpy as np
>>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
>>> run_network(net, np.zeros((5, 2), "float32"), batch_size=2).shape
(5, 3)
"""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.utils import checks


def unpack_images(data):
    """The image tensor of a batch that may be `x`, `(x,)`, `(x, y)` or a dict with `"images"`."""
    if isinstance(data, (tuple, list)):
        data = data[0]
    if isinstance(data, dict):
        data = data["images"]
    return data


def run_network(network, inputs, batch_size=256):
    """`network(inputs, training=False)` on numpy inputs in batches of `batch_size`, as one numpy array.

    `inputs` is an array, or a list of arrays for a network with several inputs (CGAN's `[z, labels]`).
    Models sample (`run_generator`) and translate through it.
    """
    batch_size = checks.positive_int(batch_size, "batch_size", fix="Pass the images per forward pass, e.g. 256.")
    arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    outputs = []
    for start in range(0, len(arrays[0]), batch_size):
        chunk = [a[start:start + batch_size] for a in arrays]
        outputs.append(ops.convert_to_numpy(network(chunk[0] if len(chunk) == 1 else chunk, training=False)))
    if not outputs:
        return np.zeros((0,) + tuple(network.output_shape[1:]), "float32")
    return np.concatenate(outputs, axis=0)


def deserialize_networks(config, keys):
    """A copy of `config` with the serialised networks under `keys` turned back into models."""
    config = dict(config)
    for key in keys:
        if isinstance(config.get(key), dict):
            config[key] = keras.saving.deserialize_keras_object(config[key])
    return config


def check_images(x, expected):
    """Validates training images (a dataset, an array or a tensor) for a discriminator taking `expected`.

    Raises `ValueError` naming the fix for a wrong shape, an integer dtype, NaN/Inf, values outside
    [-1, 1] or no data at all. Does nothing when `x` or `expected` is None, or for datasets whose
    elements are not images (the models with other data check those themselves).
    """
    if x is None or expected is None:
        return
    if isinstance(x, tf.data.Dataset):
        spec = unpack_images(x.element_spec)
        if not isinstance(spec, tf.TensorSpec):
            return
        _check_shape(tuple(spec.shape[1:]), expected)
        _check_dtype(spec.dtype)
        sample = next(iter(x.take(1)))
        _check_range(unpack_images(sample))
    elif isinstance(x, np.ndarray) or tf.is_tensor(x):
        _check_shape(tuple(x.shape[1:]), expected)
        _check_dtype(tf.as_dtype(x.dtype))
        _check_range(x)


def _check_shape(got, expected):
    if tuple(got) != tuple(expected) and None not in got:
        raise ValueError(
            f"The data's images have shape {tuple(got)} but this model's discriminator expects {tuple(expected)}. "
            f"Resize the data (e.g. kg.data.load(..., image_size={expected[:2]})) or build the model with "
            f"image_shape={tuple(got)}."
        )


def _check_dtype(dtype):
    if not dtype.is_floating:
        raise ValueError(
            f"The data's images are {dtype.name}; GANs here train on floats in [-1, 1]. "
            "Scale them with `x.astype('float32') / 127.5 - 1` or load them with kg.data.load()."
        )


def _check_range(images):
    arr = np.asarray(images, dtype="float32")
    if arr.size == 0:
        raise ValueError(f"The data is empty (an array of shape {arr.shape}); pass at least one batch of images.")
    lo, hi = float(arr.min()), float(arr.max())
    if not np.isfinite(arr).all():
        raise ValueError("The data contains NaN or Inf pixels; clean it before training.")
    if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
        raise ValueError(
            f"The data's pixel values lie in [{lo:g}, {hi:g}], but the generator's tanh output is in [-1, 1]. "
            "Scale the images to [-1, 1] (e.g. `x / 127.5 - 1` for 0-255 pixels) or use kg.data.load()."
        )
