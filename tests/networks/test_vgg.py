"""keras_gans.networks.vgg: VGG19 input format, weights (ImageNet offline, files, random), pooling.

ImageNet VGG19 weights cannot be downloaded here, so the network runs on seeded random weights.
"""
import os

import numpy as np
import pytest

import keras
from keras_gans.networks import vgg as vgg_net
from keras_gans.networks.vgg import deprocess, preprocess


@pytest.fixture(scope="module")
def vgg():
    """One random (seeded He-normal) VGG19 shared by the tests: building it costs seconds."""
    return vgg_net.load_vgg19(None, seed=0)


def test_preprocess_is_bgr_minus_means_and_deprocess_inverts_it():
    pixel = np.array([[[10, 20, 30]]], np.uint8)  # R, G, B
    np.testing.assert_allclose(preprocess(pixel)[0, 0], [30 - 103.939, 20 - 116.779, 10 - 123.68], rtol=1e-6)
    rgb = np.random.default_rng(0).integers(0, 256, (7, 5, 3)).astype(np.uint8)
    assert np.array_equal(deprocess(preprocess(rgb)), rgb)
    assert np.array_equal(deprocess(preprocess(rgb)[None]), rgb)  # a batch of one
    out = deprocess(np.full((1, 2, 2, 3), 500.0, np.float32))  # clipped, uint8
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3) and (out == 255).all()
    with pytest.raises(ValueError, match="one image"):
        deprocess(np.zeros((2, 4, 4, 3)))


def test_offline_imagenet_error_names_file_size_and_place(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    with pytest.raises(vgg_net.WeightsUnavailableError) as info:
        vgg_net.load_vgg19("imagenet")
    msg = str(info.value)
    assert "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5" in msg
    assert "80.1 MB" in msg and os.path.join(str(tmp_path), "models") in msg and "~/.keras/models/" in msg
    assert isinstance(info.value, FileNotFoundError)  # the CLI reports it as an error, not a traceback


def test_weights_path_errors_and_round_trip(tmp_path, vgg):
    with pytest.raises(FileNotFoundError, match="No VGG19 weights file"):
        vgg_net.load_vgg19(str(tmp_path / "missing.h5"))
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="Could not load VGG19 weights"):
        vgg_net.load_vgg19(str(junk))
    with pytest.raises(ValueError, match="weights must be"):
        vgg_net.load_vgg19(123)
    path = tmp_path / "vgg19.weights.h5"
    vgg.save_weights(str(path))
    loaded = vgg_net.load_vgg19(str(path))
    x = np.random.default_rng(0).normal(size=(1, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(vgg(x)), rtol=1e-5)


def test_average_pooling_keeps_weights(vgg):
    avg = vgg_net.load_vgg19(vgg, pooling="avg")
    assert isinstance(avg.get_layer("block1_pool"), keras.layers.AveragePooling2D)
    np.testing.assert_array_equal(avg.get_layer("block3_conv2").kernel.numpy(), vgg.get_layer("block3_conv2").kernel.numpy())
    x = np.random.default_rng(1).uniform(-100, 100, (1, 32, 32, 3)).astype(np.float32)
    first = keras.Model(avg.inputs[0], avg.get_layer("block1_conv2").output)(x)  # before any pooling: equal
    first_max = keras.Model(vgg.inputs[0], vgg.get_layer("block1_conv2").output)(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(first), keras.ops.convert_to_numpy(first_max), rtol=1e-5)
    with pytest.raises(ValueError, match="pooling must be"):
        vgg_net.load_vgg19(vgg, pooling="min")


def test_feature_extractor_names_missing_layers(vgg):
    features = vgg_net.feature_extractor(vgg, (vgg_net.CONTENT_LAYER,) + vgg_net.STYLE_LAYERS)
    out = features(np.zeros((1, 32, 32, 3), np.float32))
    assert sorted(out) == sorted((vgg_net.CONTENT_LAYER,) + vgg_net.STYLE_LAYERS)
    assert tuple(out["block1_conv1"].shape) == (1, 32, 32, 64)
    with pytest.raises(ValueError, match="no layer named \\['block9_conv1'\\]"):
        vgg_net.feature_extractor(vgg, ("block9_conv1",))
