"""TF Hub loading in Keras 3: our exports load with `hub.load` and `kg.zoo.load_hub` (from a folder and
as a compressed module over loopback HTTP) and give the Keras model's images; known handles resolve."""
import os
import tarfile
import time

import keras
import numpy as np
import pytest

import keras_gans as kg
from helpers import serve
from keras_gans.zoo import hub as zhub


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(gan, SavedModel folder) for a small untrained DCGAN exported with `gan.export`."""
    keras.utils.set_random_seed(2)
    gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=12)
    folder = tmp_path_factory.mktemp("hub") / "dcgan_module"
    gan.export(str(folder), verbose=False)
    return gan, str(folder)


def test_hub_load_dir_call_matches_keras(exported):
    import tensorflow as tf
    import tensorflow_hub as hub

    gan, folder = exported
    z = gan.latent(5, seed=0)
    expected = gan.generator(z, training=False).numpy()
    module = hub.load(folder)
    np.testing.assert_allclose(module(tf.constant(z)).numpy(), expected, atol=1e-6)  # the book's module(z)
    out = module.signatures["serving_default"](z=tf.constant(z))
    assert list(out) == ["images"]
    np.testing.assert_allclose(out["images"].numpy(), expected, atol=1e-6)
    sampled = module.sample(n=tf.constant(3), seed=tf.constant(7))["images"].numpy()
    assert sampled.shape == (3, 28, 28, 1)
    assert np.array_equal(sampled, module.sample(n=tf.constant(3), seed=tf.constant(7))["images"].numpy())


def test_load_hub_folder_equals_keras_model(exported):
    gan, folder = exported
    layer = kg.zoo.load_hub(folder)
    assert isinstance(layer, keras.layers.Layer)
    assert layer.input_names == ["z"] and layer.output_key == "images"
    assert layer.native_range == (-1.0, 1.0) and layer.latent_dim == 12
    z = gan.latent(6, seed=1)
    expected = gan.generator(z, training=False).numpy()
    np.testing.assert_allclose(layer(z).numpy(), expected, atol=1e-6)
    # Inside Keras 3 functional and Sequential models (where hub.KerasLayer is refused).
    inp = keras.Input((12,))
    model = keras.Model(inp, layer(inp))
    assert model.output_shape == (None, 28, 28, 1)
    np.testing.assert_allclose(model.predict(z, verbose=0), expected, atol=1e-6)
    seq = keras.Sequential([keras.Input((12,)), layer, keras.layers.Flatten()])
    assert seq.predict(z, verbose=0).shape == (6, 784)
    # Rescaled to [0, 1], as ProGAN's images are.
    unit = kg.zoo.load_hub(folder, output_range=(0, 1))
    np.testing.assert_allclose(unit(z).numpy(), (expected + 1) / 2, atol=1e-6)


def test_load_hub_layer_config_round_trip(exported):
    _, folder = exported
    layer = kg.zoo.load_hub(folder, output_range=(0, 1), name="g")
    clone = zhub.HubGenerator.from_config(layer.get_config())
    z = np.random.default_rng(0).standard_normal((2, 12)).astype("float32")
    assert np.array_equal(clone(z).numpy(), layer(z).numpy())


def test_compressed_module_over_loopback_http(exported, tmp_path, monkeypatch):
    gan, folder = exported
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "tfhub_cache"))
    site = tmp_path / "site"
    site.mkdir()
    with tarfile.open(site / "dcgan_module.tar.gz", "w:gz") as t:  # the SavedModel's files at the archive root
        for entry in os.listdir(folder):
            t.add(os.path.join(folder, entry), arcname=entry)
    z = gan.latent(4, seed=2)
    with serve(site) as base:
        layer = kg.zoo.load_hub(f"{base}/dcgan_module.tar.gz")
    np.testing.assert_allclose(layer(z).numpy(), gan.generator(z, training=False).numpy(), atol=1e-6)
    assert os.listdir(tmp_path / "tfhub_cache")  # fetched into the hub cache
    with serve(site) as base, pytest.raises((FileNotFoundError, ConnectionError)):
        kg.zoo.load_hub(f"{base}/missing_module.tar.gz")


def test_preset_export_is_hub_loadable(tmp_path):
    out = tmp_path / "serving"
    kg.zoo.export("dcgan_mnist", str(out), verbose=False)
    g = kg.zoo.load("dcgan_mnist")
    z = np.random.default_rng(3).standard_normal((3, g.input_shape[-1])).astype("float32")
    np.testing.assert_allclose(kg.zoo.load_hub(str(out))(z).numpy(), g(z, training=False).numpy(), atol=1e-5)


def test_known_modules_and_handles():
    progan = zhub.spec_for("google/progan-128/1")
    assert (progan.latent_dim, progan.resolution, progan.output_range) == (512, (128, 128, 3), (0.0, 1.0))
    assert zhub.spec_for("https://tfhub.dev/google/progan-128/1") is progan
    assert zhub.spec_for("https://www.kaggle.com/models/google/progan-128/TensorFlow1/progan-128/1") is progan
    assert zhub.resolve_handle("google/progan-128/1") == "https://tfhub.dev/google/progan-128/1"
    assert zhub.resolve_handle(
        "https://www.kaggle.com/models/google/progan-128/TensorFlow1/progan-128/1") == progan.handle
    biggan = zhub.spec_for("https://tfhub.dev/deepmind/biggan-deep-256/1")
    assert biggan.inputs == ("z", "y", "truncation") and biggan.num_classes == 1000
    assert biggan.output_range == (-1.0, 1.0) and biggan.resolution == (256, 256, 3)
    assert zhub.spec_for("deepmind/biggan-512/2").latent == "truncated_normal"
    cg = zhub.spec_for("https://tfhub.dev/google/compare_gan/model_13_cifar10_resnet_cifar/1")
    assert cg.fixed_batch == 64 and cg.latent == "uniform[-1,1]" and cg.signature == "generator"
    assert zhub.spec_for("/some/folder") is None
    z = zhub.sample_latent(cg, 10, seed=0)
    assert z.shape == (64, 128) and z.min() >= -1 and z.max() <= 1
    z, y, t = zhub.sample_latent(biggan, 4, seed=0, truncation=0.5)
    assert z.shape == (4, 128) and np.abs(z).max() <= 1.0 and y.shape == (4, 1000) and (y.sum(1) == 1).all()
    assert zhub.sample_latent(progan, 2, seed=0).shape == (2, 512)


def test_remote_handles_fail_fast_offline(monkeypatch):
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    for handle in ("google/progan-128/1", "https://tfhub.dev/deepmind/biggan-deep-128/1",
                   "https://www.kaggle.com/models/google/progan-128/TensorFlow1/progan-128/1"):
        start = time.time()
        with pytest.raises(ConnectionError, match="KERAS_GANS_OFFLINE"):
            kg.zoo.load_hub(handle)
        assert time.time() - start < 5
    with pytest.raises(FileNotFoundError, match="neither a folder nor a hub handle"):
        kg.zoo.load_hub("not-a-handle")


def test_never_uses_hub_keraslayer(exported, monkeypatch):
    import tensorflow_hub as hub

    def refuse(*args, **kwargs):
        raise AssertionError("hub.KerasLayer was used")

    monkeypatch.setattr(hub, "KerasLayer", refuse)
    gan, folder = exported
    z = gan.latent(2, seed=0)
    layer = kg.zoo.load_hub(folder)
    np.testing.assert_allclose(layer(z).numpy(), gan.generator(z).numpy(), atol=1e-6)
    # A Keras 3 layer (tensorflow_hub's KerasLayer is a tf_keras one, which Keras 3 refuses).
    assert isinstance(layer, keras.layers.Layer) and type(layer).__module__.startswith("keras_gans")
    assert "keras_gans" in type(layer).__module__ and not type(layer).__module__.startswith("tf_keras")
