"""Two-domain data: MNIST-M built offline, unpaired / paired pipelines, TFDS CycleGAN sets, image folders."""
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import mnistm, translation


# ---------------------------------------------------------------------------- MNIST-M and digit domains
def test_blend_is_absolute_difference_with_a_crop():
    digits = np.zeros((3, 4, 4, 1), np.uint8)
    digits[:, 1:3, 1:3] = 200
    photo = np.full((6, 6, 3), (10, 120, 250), np.uint8)       # constant photo: every crop is the same
    out = mnistm.blend_mnistm(digits, seed=0, photos=[photo])
    assert out.shape == (3, 4, 4, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, 0, 0], [10, 120, 250])          # background: |c − 0|
    np.testing.assert_array_equal(out[0, 1, 1], [190, 80, 50])           # stroke: |c − 200|


def test_mnistm_is_deterministic_and_split_as_documented():
    blend1 = mnistm.blend_mnistm(np.full((4, 32, 32, 1), 7, np.uint8), seed=3)
    blend2 = mnistm.blend_mnistm(np.full((4, 32, 32, 1), 7, np.uint8), seed=3)
    np.testing.assert_array_equal(blend1, blend2)
    assert not np.array_equal(blend1, mnistm.blend_mnistm(np.full((4, 32, 32, 1), 7, np.uint8), seed=4))

    unpaired = mnistm.translation_arrays("mnist-m", "unpaired")
    paired = mnistm.translation_arrays("mnist-m", "paired")
    test = mnistm.translation_arrays("mnist-m", "test")
    assert unpaired["a"].shape == (2250, 32, 32, 3) and unpaired["b"].shape == (2250, 32, 32, 3)
    assert paired["a"].shape == (4500, 32, 32, 3) and test["b"].shape == (500, 32, 32, 3)
    # Domain A is the grey digit padded by 2 px and repeated to RGB.
    assert (paired["a"][:, :2] == 0).all() and (paired["a"][..., 0] == paired["a"][..., 2]).all()
    # Paired: B is the MNIST-M rendering of the same digit, so |B − crop| strokes line up with A's.
    strokes = paired["a"][0, ..., 0] > 128
    assert paired["labels_a"][0] == paired["labels_b"][0]
    assert not np.array_equal(paired["b"][0][strokes].mean(0), paired["b"][0][~strokes].mean(0))
    # Unpaired: the B half renders other digits than the A half (no A digit appears in B).
    a_set = {x.tobytes() for x in unpaired["a"][..., 0]}
    plain_b = [x.tobytes() for x in paired["a"][..., 0]]
    b_sources = {plain_b[i] for i in range(4500) if any(np.array_equal(paired["b"][i], b) for b in unpaired["b"][:3])}
    assert b_sources and not (b_sources & a_set)
    assert set(np.bincount(test["labels_a"], minlength=10)) == {50}


def test_negative_and_edge_digits():
    digit = np.zeros((1, 5, 5, 1), np.uint8)
    digit[0, 1:4, 1:4] = 255
    np.testing.assert_array_equal(mnistm.negative_digits(digit)[0, 2, 2], [0])
    edges = mnistm.edge_digits(digit)[0, ..., 0]
    assert edges[2, 2] == 0 and edges[1, 1] == 255 and edges[0, 0] == 255 and edges[2, 0] == 255
    d = mnistm.translation_arrays("edges", "unpaired")
    assert d["a"].shape == d["b"].shape == (2250, 28, 28, 1)


def test_registered_single_domain_names():
    ds = kg.data.load("mnist-m", batch_size=8)
    x = next(iter(ds))
    assert x.shape == (8, 32, 32, 3) and -1.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 1.0
    for name in ("mnist-32", "mnist-negative", "mnist-edges"):
        assert name in kg.data.available()


# ---------------------------------------------------------------------------- pipelines
def _indexed(n, size=4, channels=1):
    """uint8 images whose every pixel holds the image's index."""
    return np.repeat(np.arange(n, dtype=np.uint8), size * size * channels).reshape(n, size, size, channels)


def _index_of(batch):
    return np.round((np.asarray(batch)[:, 0, 0, 0] + 1.0) * 127.5).astype(int)


def test_unpaired_pipeline_shuffles_domains_independently_and_handles_lengths():
    a, b = _indexed(40), _indexed(40)
    ds = kg.data.unpaired_pipeline(a, b, batch_size=40, seed=0)
    xa, xb = next(iter(ds))
    ia, ib = _index_of(xa), _index_of(xb)
    assert sorted(ia) == sorted(ib) == list(range(40))
    assert (ia != ib).mean() > 0.8                       # not aligned: shuffled independently
    # Either domain may be shorter: "longest" covers the longer one, "shortest" stops early.
    longest = list(kg.data.unpaired_pipeline(_indexed(10), _indexed(4), batch_size=2, seed=0))
    shortest = list(kg.data.unpaired_pipeline(_indexed(10), _indexed(4), batch_size=2, seed=0, length="shortest"))
    assert len(longest) == 5 and len(shortest) == 2
    seen_a = np.concatenate([_index_of(x) for x, _ in longest])
    assert sorted(seen_a) == list(range(10))
    longest_b = list(kg.data.unpaired_pipeline(_indexed(3), _indexed(9), batch_size=3, seed=0))
    assert len(longest_b) == 3


def test_unpaired_pipeline_rejects_mismatched_domains():
    with pytest.raises(ValueError, match="different image sizes.*image_size"):
        kg.data.unpaired_pipeline(_indexed(4, size=4), _indexed(4, size=6), batch_size=2)
    with pytest.raises(ValueError, match="different channel counts.*channels=3"):
        kg.data.unpaired_pipeline(_indexed(4, channels=1), _indexed(4, channels=3), batch_size=2)
    ds = kg.data.unpaired_pipeline(_indexed(4, size=4), _indexed(4, size=6, channels=3), batch_size=2,
                                   image_size=(8, 8), channels=3)
    xa, xb = next(iter(ds))
    assert xa.shape == xb.shape == (2, 8, 8, 3)
    with pytest.raises(ValueError, match="length"):
        kg.data.unpaired_pipeline(_indexed(4), _indexed(4), length="max")


def test_paired_pipeline_keeps_pairs_aligned_under_shuffle_crop_and_flip():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (12, 10, 10, 3), dtype=np.uint8)
    ds = kg.data.paired_pipeline(a, a.copy(), batch_size=12, image_size=(8, 8), load_size=(10, 10), flip=True, seed=1)
    xa, xb = next(iter(ds))
    assert xa.shape == (12, 8, 8, 3)
    np.testing.assert_array_equal(xa.numpy(), xb.numpy())          # same crop and flip on both halves
    labels = np.arange(12)
    ds = kg.data.paired_pipeline(_indexed(12), _indexed(12, channels=3), batch_size=12, labels=labels, seed=2)
    (xa, xb), y = next(iter(ds))
    np.testing.assert_array_equal(_index_of(xa), y.numpy())
    np.testing.assert_array_equal(_index_of(xb), y.numpy())
    with pytest.raises(ValueError, match="as many A images as B"):
        kg.data.paired_pipeline(_indexed(3), _indexed(4))
    with pytest.raises(ValueError, match="same height and width"):
        kg.data.paired_pipeline(_indexed(3, size=4), _indexed(3, size=5))


def test_load_pair_offline_names_and_errors():
    xa, xb = next(iter(kg.data.load_pair("mnist2mnistm-unpaired", batch_size=4)))
    assert xa.shape == xb.shape == (4, 32, 32, 3)
    xa, xb = next(iter(kg.data.load_pair("mnist2edges-paired", batch_size=4)))
    assert xa.shape == (4, 28, 28, 1)
    with pytest.raises(KeyError, match="Unknown two-domain dataset"):
        kg.data.load_pair("horse2zebra")


def test_domain_dataset_names_the_in_memory_data_of_each_domain_of_a_pair():
    for kind in ("unpaired", "paired", "test"):
        assert kg.data.domain_dataset(f"mnist2negative-{kind}") == "mnist-5k"
        assert kg.data.domain_dataset(f"mnist2edges-{kind}", "b") == "mnist-edges"
        assert kg.data.domain_dataset(f"mnist2mnistm-{kind}", "a") == "mnist-32"
    # their test splits are the -test pair's images of that domain
    test = kg.data.mnistm.translation_arrays("negative", "test")
    np.testing.assert_array_equal(kg.data.load_arrays("mnist-5k", "test")[0], test["a"])
    np.testing.assert_array_equal(kg.data.load_arrays("mnist-negative", "test")[0], test["b"])
    np.testing.assert_array_equal(kg.data.load_arrays("mnist-32", "test")[0],
                                  kg.data.mnistm.translation_arrays("mnist-m", "test")["a"])
    assert kg.data.domain_dataset(("photos/", "paintings/")) is None      # folders and TFDS sets: none in memory
    assert kg.data.domain_dataset("cycle_gan/horse2zebra") is None
    with pytest.raises(KeyError, match="Unknown two-domain dataset"):
        kg.data.domain_dataset("horse2zebra")
    with pytest.raises(ValueError, match="domain must be 'a' or 'b'"):
        kg.data.domain_dataset("mnist2negative-unpaired", "c")


def test_tfds_cycle_gan_path_with_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=6):
        ds = kg.data.load_pair("cycle_gan/horse2zebra", batch_size=2, image_size=(16, 16), download=False)
        batches = list(ds)
        test = list(kg.data.load_pair("cycle_gan/horse2zebra", split="test", batch_size=3, image_size=(8, 8),
                                      download=False))
    assert len(batches) == 3
    for xa, xb in batches:
        assert xa.shape == xb.shape == (2, 16, 16, 3)
        assert xa.dtype == tf.float32 and -1.0 <= float(tf.reduce_min(xa)) and float(tf.reduce_max(xb)) <= 1.0
    assert test[0][0].shape == (3, 8, 8, 3)


def test_tfds_offline_fails_fast_with_alternative(tmp_path):
    with pytest.raises(ConnectionError, match="mnist2mnistm-unpaired"):
        kg.data.load_pair("cycle_gan/horse2zebra", data_dir=str(tmp_path))


def test_two_image_folders(tmp_path):
    from PIL import Image

    for folder, size, n in (("a", (20, 12), 3), ("b", (9, 9), 5)):
        os.makedirs(tmp_path / folder)
        for i in range(n):
            Image.fromarray(np.full((size[1], size[0], 3), 40 * i, np.uint8)).save(tmp_path / folder / f"{i}.png")
    ds = kg.data.load_pair((str(tmp_path / "a"), str(tmp_path / "b")), batch_size=1, image_size=(8, 8))
    batches = list(ds)
    assert len(batches) == 5 and batches[0][0].shape == (1, 8, 8, 3)
    with pytest.raises(FileNotFoundError, match="No folder"):
        list(kg.data.load_pair((str(tmp_path / "a"), str(tmp_path / "missing")), image_size=(8, 8)))
    with pytest.raises(ValueError, match="image_size"):
        kg.data.load_pair((str(tmp_path / "a"), str(tmp_path / "b")))
