"""kg.metrics.evaluate_super_resolution and upscaling_factor against hand computations: PSNR of bicubic upscaling,
digit accuracy of the shipped MNIST-M classifier, a model of the wrong input size refused with the fix."""
import numpy as np
import pytest
import keras
import tensorflow as tf

import keras_gans as kg


def _model(in_shape, layer):
    x = keras.Input(in_shape)
    return keras.Model(x, layer(x))


def test_upscaling_factor_of_networks_and_gans():
    assert kg.metrics.upscaling_factor(_model((8, 8, 3), keras.layers.UpSampling2D(4))) == 4
    assert kg.metrics.upscaling_factor(_model((8, 8, 3), keras.layers.UpSampling2D((2, 4)))) is None  # anisotropic
    assert kg.metrics.upscaling_factor(_model((32, 32, 3), keras.layers.Conv2D(3, 3, padding="same"))) is None
    assert kg.metrics.upscaling_factor(_model((16,), keras.layers.Dense(4))) is None              # noise-to-vector
    sr = kg.models.SRGAN(lowres_shape=(8, 8, 3), scale=4, filters=4, num_residual_blocks=1, discriminator_filters=4,
                         discriminator_downsampling=2, dense_units=8)
    assert kg.metrics.upscaling_factor(sr) == 4                                                   # through .generator
    assert kg.metrics.upscaling_factor(kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=8)) is None
    assert kg.metrics.upscaling_factor(lambda x: x) is None


@pytest.fixture(scope="module")
def mnistm_test():
    """The 500 MNIST-M test digits (32×32×3, [-1, 1]), their 8×8 bicubic downscalings and labels, made by hand."""
    images, labels = kg.data.load_arrays("mnist-m", split="test")
    high = images.astype("float32") / 127.5 - 1.0
    low = tf.clip_by_value(tf.image.resize(high, (8, 8), method="bicubic", antialias=True), -1, 1).numpy()
    return low, high, labels


def _hand_psnr(high, fake):
    mse = ((high.astype("float64") - fake.astype("float64")) ** 2).mean(axis=(1, 2, 3))
    return float(np.mean(10 * np.log10(4.0 / mse)))


def _hand_accuracy(images, labels):
    probs = kg.metrics.mnistm_classifier().predict(images, batch_size=250, verbose=0)
    return float((probs.argmax(-1) == labels).mean())


def test_a_bicubic_model_scores_as_bicubic_and_the_numbers_are_the_hand_computed_ones(mnistm_test):
    low, high, labels = mnistm_test
    bicubic = tf.clip_by_value(tf.image.resize(low, (32, 32), method="bicubic"), -1, 1).numpy()

    def as_bicubic(x):
        return tf.clip_by_value(tf.image.resize(x, (32, 32), method="bicubic"), -1, 1).numpy()

    scores = kg.metrics.evaluate_super_resolution(as_bicubic, "mnist-m", split="test", scale=4)
    assert scores["psnr_bicubic"] == pytest.approx(_hand_psnr(high, bicubic), abs=1e-4)
    assert scores["psnr"] == pytest.approx(scores["psnr_bicubic"], abs=1e-9) and abs(scores["psnr_gain"]) < 1e-9
    expected = _hand_accuracy(bicubic, labels)
    assert scores["accuracy"] == pytest.approx(expected, abs=1e-9)
    assert scores["accuracy_bicubic"] == pytest.approx(expected, abs=1e-9)
    p = scores["protocol"]
    assert p["n_images"] == 500 and p["judge"] == "mnistm" and p["judge_weights_sha256"]
    assert p["lowres"].startswith("8×8 inputs") and "32×32×3" in p["images"]


def test_an_oracle_model_reads_every_digit_the_classifier_reads_in_the_originals(mnistm_test):
    low, high, labels = mnistm_test
    lookup = {low[i].tobytes(): high[i] for i in range(len(low))}

    def oracle(x):  # returns the original of each downscaled input
        return np.stack([lookup[np.asarray(im, "float32").tobytes()] for im in x])

    scores = kg.metrics.evaluate_super_resolution(oracle, "mnist-m", split="test", scale=4)
    assert scores["psnr"] == float("inf") and scores["psnr_bicubic"] < 30
    assert scores["accuracy"] == pytest.approx(_hand_accuracy(high, labels), abs=1e-9)
    assert scores["accuracy"] > scores["accuracy_bicubic"] + 0.2        # the originals read far better than bicubic


def test_a_model_of_another_input_size_is_refused_with_the_fix():
    model = _model((8, 8, 3), keras.layers.UpSampling2D(4))
    with pytest.raises(ValueError, match=r"upscales low-resolution images of 8×8×3, but 'mnist-5k' split='test' "
                                         r"downscaled by 4 gives 7×7×1 \(28×28×1 images\).*'mnist-m'"):
        kg.metrics.evaluate_super_resolution(model, "mnist-5k")
    scores = kg.metrics.evaluate_super_resolution(model, "photos", split="test", judge=None)   # 32-px crops, ×4
    assert "32×32×3" in scores["protocol"]["images"] and "accuracy" not in scores
    assert scores["protocol"]["n_images"] == 200
