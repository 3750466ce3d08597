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


def check_not_empty(dataset):
    """A `ValueError` for a `tf.data.Dataset` that yields no batch (Keras' fit would end in a bare `StopIteration`).

    Names the batch size when the batches have a fixed one (`drop_remainder=True` drops the only, incomplete
    batch of data smaller than a batch) and the number of elements when the dataset knows it.
    """
    known = int(dataset.cardinality())  # a number, INFINITE (-1) or UNKNOWN (-2, e.g. after filter)
    if known > 0 or known == tf.data.INFINITE_CARDINALITY:
        return
    if known == tf.data.UNKNOWN_CARDINALITY and next(iter(dataset.take(1)), None) is not None:
        return
    spec = unpack_images(dataset.element_spec)
    batch = spec.shape[0] if isinstance(spec, tf.TensorSpec) and spec.shape.rank else None
    if batch is not None:
        unbatched = _source_size(dataset)
        have = f"{unbatched} images" if unbatched is not None else "fewer images than that"
        raise ValueError(
            f"The dataset yields no batch: its batches hold {batch} images (drop_remainder=True) but it has {have}. "
            f"Use a batch_size of at most the number of images, or drop_remainder=False."
        )
    raise ValueError("The dataset is empty (it yields no batch): pass a dataset with at least one batch of images.")


def _source_size(dataset):
    """The number of elements that the batching step under `dataset` reads, when tf.data knows it, else None."""
    d = dataset
    try:
        while d is not None:
            if type(d).__name__ in ("_BatchDataset", "_ParallelBatchDataset"):
                n = int(d._input_dataset.cardinality())
                return n if n >= 0 else None
            inputs = d._inputs()  # private tf.data API: the datasets a transformation reads
            d = inputs[0] if inputs else None
    except Exception:  # pragma: no cover - another tf.data version: say less
        return None
    return None


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
