"""keras_gans.data: the embedded MNIST subset, digits, TFDS MNIST, image folders."""
import hashlib
import os
from importlib import resources

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

MNIST5K_SHA256 = "246e0c30eeea57c8d0037d3f38c8e00651ec204cc61b8022563e9aeeb9d756f4"


def test_shipped_mnist5k_file_is_the_documented_one():
    data = resources.files("keras_gans.data").joinpath("mnist5k.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == MNIST5K_SHA256
    assert resources.files("keras_gans.data").joinpath("MNIST5K.md").is_file()


def test_mnist5k_splits_are_fixed_stratified_and_disjoint():
    x_all, y_all = kg.data.load_arrays("mnist-5k", "all")
    x_tr, y_tr = kg.data.load_arrays("mnist-5k", "train")
    x_te, y_te = kg.data.load_arrays("mnist-5k", "test")
    assert x_all.shape == (5000, 28, 28, 1) and x_all.dtype == np.uint8
    assert len(x_tr) == 4500 and len(x_te) == 500
    assert np.bincount(y_te).tolist() == [50] * 10
    assert np.bincount(y_tr).tolist() == [450] * 10
    # The source is sorted by label: the test split must not be "the first/last N".
    assert not np.array_equal(x_te, x_all[:500]) and not np.array_equal(x_te, x_all[-500:])
    train_keys = {x.tobytes() for x in x_tr}
    assert not any(x.tobytes() in train_keys for x in x_te)
    # Same split every call.
    np.testing.assert_array_equal(kg.data.load_arrays("mnist-5k", "test")[0], x_te)


def test_load_returns_batched_scaled_prefetched_dataset():
    ds = kg.data.load("mnist-5k", batch_size=64)
    assert ds.element_spec.shape.as_list() == [64, 28, 28, 1]
    assert ds.element_spec.dtype == tf.float32
    assert int(ds.cardinality()) == 4500 // 64
    batch = next(iter(ds)).numpy()
    assert batch.min() >= -1.0 and batch.max() <= 1.0 and batch.min() < -0.99 and batch.max() > 0.99
    assert "Prefetch" in type(ds).__name__
    x, y = next(iter(kg.data.load("mnist-5k", batch_size=8, with_labels=True, split="test")))
    assert x.shape == (8, 28, 28, 1) and y.dtype == tf.int32


def test_epochs_are_reshuffled_but_seeded():
    ds = kg.data.load("mnist-5k", batch_size=16, seed=3)
    first, second = next(iter(ds)).numpy(), next(iter(ds)).numpy()
    assert not np.array_equal(first, second)
    again = next(iter(kg.data.load("mnist-5k", batch_size=16, seed=3))).numpy()
    np.testing.assert_array_equal(first, again)


def test_digits_resized_and_rgb_conversion():
    ds = kg.data.load("digits", batch_size=10, channels=3, image_size=(32, 32))
    assert ds.element_spec.shape.as_list() == [10, 32, 32, 3]
    x = next(iter(ds)).numpy()
    assert -1 <= x.min() and x.max() <= 1
    np.testing.assert_allclose(x[..., 0], x[..., 2])


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"name": "mnist-50k"}, KeyError, "Unknown dataset 'mnist-50k'"),
    ({"name": "mnist-5k", "batch_size": 0}, ValueError, "batch_size"),
    ({"name": "mnist-5k", "split": "validation"}, ValueError, "split must be"),
    ({"name": "mnist-5k", "channels": 2}, ValueError, "channels"),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        kg.data.load(**kwargs)


def test_image_folder(tmp_path):
    from PIL import Image

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="contains no images"):
        kg.data.load(str(empty), image_size=(16, 16))
    with pytest.raises(FileNotFoundError, match="No folder"):
        kg.data.load(str(tmp_path / "nope"), image_size=(16, 16))
    folder = tmp_path / "imgs"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    ds = kg.data.load(str(folder), batch_size=3, image_size=(16, 16))
    batches = list(ds)
    assert len(batches) == 2 and batches[0].shape == (3, 16, 16, 3)
    assert all(-1 <= float(b.numpy().min()) and float(b.numpy().max()) <= 1 for b in batches)


def test_full_mnist_offline_names_the_embedded_alternative(tmp_path):
    with pytest.raises(ConnectionError, match="mnist-5k"):
        kg.data.load("mnist", data_dir=str(tmp_path))


def test_full_mnist_through_tfds_with_mock_data(tmp_path):
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=40):
        ds = kg.data.load("mnist", batch_size=8, with_labels=True, data_dir=str(tmp_path), download=False)
        x, y = next(iter(ds))
    assert x.shape == (8, 28, 28, 1) and x.dtype == tf.float32
    assert -1.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 1.0
    assert y.dtype == tf.int32 and 0 <= int(tf.reduce_min(y)) and int(tf.reduce_max(y)) <= 9
