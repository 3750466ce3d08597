"""What the model classes share outside a class: batches in and out, configs, checks of training data.

>>> import keras, numpy as np
>>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
>>> run_network(net, np.zeros((5, 2), "float32"), batch_size=2).shape
(5, 3)
"""
import copy
import os

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.utils import checks
from keras_gans.utils.images import as_float32


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
    Models sample (`run_generator`) and translate through it. The result is allocated once, after the
    first batch, and filled batch by batch, so a large call peaks near the size of its result; a result
    larger than the memory available is refused first (:func:`check_memory`).
    """
    batch_size = checks.positive_int(batch_size, "batch_size", fix="Pass the images per forward pass, e.g. 256.")
    arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    n = len(arrays[0])
    result = None
    for start in range(0, n, batch_size):
        chunk = [a[start:start + batch_size] for a in arrays]
        out = network(chunk[0] if len(chunk) == 1 else chunk, training=False)
        out = ops.convert_to_numpy(as_float32(out))  # float32 images whatever the dtype policy
        if result is None:
            check_memory(n, out.shape[1:], f"Running {network.name} on {n} inputs", out.dtype.itemsize)
            result = np.empty((n,) + out.shape[1:], out.dtype)
        result[start:start + len(out)] = out
    if result is None:
        return np.zeros((0,) + tuple(network.output_shape[1:]), "float32")
    return result


def joint_call(network, batches, training=True):
    """`network` called once on `batches` concatenated along the batch axis; its outputs split back, one per batch.

    Each batch is what `network` takes: a tensor, or a list of them (`[images, labels]`), each input joined
    with its counterparts in the first batch's dtype. The outputs (one tensor or a list) come back as a
    tuple with one entry per batch, in order. A network with batch normalisation then normalises all the
    batches with the same statistics (`d_batch="joint"` of :class:`~keras_gans.models.GAN`).
    """
    first, rest = batches[0], batches[1:]
    joined = keras.tree.map_structure(
        lambda x, *others: ops.concatenate([x, *(ops.cast(o, x.dtype) for o in others)], axis=0), first, *rest)
    outputs = network(joined, training=training)
    parts, start = [], 0
    for batch in batches[:-1]:
        end = start + ops.shape(keras.tree.flatten(batch)[0])[0]
        parts.append(keras.tree.map_structure(lambda o, s=start, e=end: o[s:e], outputs))
        start = end
    parts.append(keras.tree.map_structure(lambda o, s=start: o[s:], outputs))
    return tuple(parts)


def check_fixed_option(kwargs, option, only, model, why):
    """A `ValueError` when `kwargs` give `option` (a constructor option of :class:`~keras_gans.models.GAN`) a value
    other than `only`, the one value that `model` takes, for the reason `why`.

    >>> check_fixed_option({"d_batch": "separate"}, "d_batch", "separate", "ACGAN", "its D has two heads")
    >>> check_fixed_option({"d_batch": "joint"}, "d_batch", "separate", "ACGAN", "its D has two heads")
    Traceback (most recent call last):
    ...
    ValueError: ACGAN takes d_batch='separate' only (its D has two heads); got 'joint'.
    """
    if kwargs.get(option, only) != only:
        raise ValueError(f"{model} takes {option}={only!r} only ({why}); got {kwargs[option]!r}.")


def available_memory():
    """Bytes of memory this process can still take (psutil, else /proc/meminfo and the cgroup limit), or None."""
    try:
        import psutil

        free = int(psutil.virtual_memory().available)
    except Exception:  # psutil is optional
        free = None
        try:
            with open("/proc/meminfo") as f:
                free = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
        except (OSError, ValueError, StopIteration):
            try:
                free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            except (ValueError, OSError, AttributeError):
                pass
    try:  # a container's limit (cgroup v2)
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current") as f:
            used = int(f.read().strip())
        if limit != "max":
            free = int(limit) - used if free is None else min(free, int(limit) - used)
    except (OSError, ValueError):
        pass
    return free


def _bytes(n):
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.3g} {unit}" if unit != "bytes" else f"{int(n)} bytes"
        n /= 1000
    return f"{n} bytes"  # pragma: no cover


def check_memory(n, item_shape, what, itemsize=4):
    """A `ValueError` with the estimate when `n` items of `item_shape` (`itemsize` bytes each value) would not fit
    in the memory available (:func:`available_memory`); nothing when they fit or the memory is unknown.

    `generate(n)` calls it with the image shape (n × H × W × C × 4 bytes) before it draws the latent vectors.
    """
    shape = tuple(int(d) for d in item_shape)
    per_item = int(itemsize) * int(np.prod(shape, dtype=np.int64))
    need = int(n) * per_item
    free = available_memory()
    if free is None or need <= free:
        return
    fits = max(free // max(per_item, 1), 0)
    dims = " × ".join(str(d) for d in shape)
    raise ValueError(
        f"{what} needs about {_bytes(need)} for its result ({int(n):,} × {dims} × {itemsize} bytes), more than the "
        f"{_bytes(max(free, 0))} of memory available. Ask for at most {fits:,} images per call, in a loop that writes "
        "each part to disk."
    )


def check_result_memory(network, n, what):
    """:func:`check_memory` for `n` outputs of `network` when its output shape is known (else nothing)."""
    shape = getattr(network, "output_shape", None)
    if isinstance(shape, tuple) and len(shape) > 1 and all(isinstance(d, int) for d in shape[1:]):
        check_memory(n, shape[1:], what)


def deserialize_network(value):
    """`value` turned back into a model when it is a serialised one (a dict), else `value` itself.

    Deserialises a deep copy: Keras' functional `from_config` pops the keys of the nested config it is given, which
    would empty the caller's config (a second `from_config` of it would fail).
    """
    return keras.saving.deserialize_keras_object(copy.deepcopy(value)) if isinstance(value, dict) else value


def deserialize_networks(config, keys):
    """A copy of `config` with the serialised networks under `keys` turned back into models (`config` unchanged)."""
    config = dict(config)
    for key in keys:
        if key in config:
            config[key] = deserialize_network(config[key])
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
