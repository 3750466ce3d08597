"""keras_gans.export: each signature kind, loaded back with TensorFlow (the model tests load them in a fresh process)."""
import keras
import numpy as np
import tensorflow as tf

import keras_gans as kg
from keras_gans.export import export_classifier, export_generator, export_image_to_image


def _image_net(channels=3, name="net"):
    x = keras.Input((8, 8, 3))
    return keras.Model(x, keras.layers.Conv2D(channels, 1, activation="tanh")(x), name=name)


def test_image_to_image_endpoints_and_output_key(tmp_path):
    keras.utils.set_random_seed(0)
    a2b, b2a = _image_net(name="a2b"), _image_net(name="b2a")
    export_image_to_image(None, {"a2b": a2b, "b2a": b2a}, tmp_path / "both", verbose=False)
    loaded = tf.saved_model.load(str(tmp_path / "both"))
    assert set(loaded.signatures) == {"a2b", "b2a", "serve", "__call__", "serving_default"}
    x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(loaded.signatures["b2a"](images=x)["images"], b2a(x), atol=1e-6)
    np.testing.assert_allclose(loaded(x), a2b(x), atol=1e-6)        # __call__ = the first endpoint
    softmax = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(4, "softmax")])
    export_image_to_image(softmax, {"serve": softmax}, tmp_path / "probs", verbose=False, output_key="probabilities")
    out = tf.saved_model.load(str(tmp_path / "probs")).signatures["serving_default"](images=x)
    assert list(out) == ["probabilities"]


def test_classifier_serves_probabilities_and_classes(tmp_path):
    net = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
    export_classifier(net, net, tmp_path / "c", verbose=False)
    out = tf.saved_model.load(str(tmp_path / "c")).signatures["serving_default"](images=np.zeros((2, 8, 8, 3), "f"))
    assert sorted(out) == ["classes", "probabilities"] and out["classes"].dtype == tf.int32


def test_generator_with_a_dict_of_networks_serves_one_output_each(tmp_path):
    cogan = kg.models.CoGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    export_generator(cogan, tmp_path / "pair", network={"images_a": cogan.generator_a, "images_b": cogan.generator_b},
                     verbose=False)
    loaded = tf.saved_model.load(str(tmp_path / "pair"))
    assert set(loaded.signatures) == {"serve", "sample", "serving_default"}
    out = loaded.signatures["sample"](n=tf.constant(3), seed=tf.constant(1))
    assert sorted(out) == ["images_a", "images_b"] and out["images_a"].shape == (3, 8, 8, 1)
    z = tf.random.stateless_normal([3, 4], seed=[1, 0])
    np.testing.assert_allclose(out["images_b"], cogan.generator_b(z, training=False), atol=1e-5)
