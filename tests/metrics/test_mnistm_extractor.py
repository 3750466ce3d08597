"""The shipped MNIST-M classifier as a feature extractor ("FID-MNIST-M"), evaluate_translation, `keras-gans eval` on pix2pix."""
import hashlib
import json
import os
import re

import numpy as np
import pytest

import keras
import keras_gans as kg
from keras_gans import metrics as M
from keras_gans.data.mnistm import blend_mnistm, pad_to_32

ASSETS = os.path.dirname(M.mnistm.weights_path())


@pytest.fixture(scope="module")
def mnistm_test():
    x, y = kg.data.load_arrays("mnist-m", split="test")
    return x.astype("float32") / 127.5 - 1.0, y


def test_shipped_weights_are_small_and_match_the_recorded_sha256():
    path = M.mnistm.weights_path()
    assert os.path.getsize(path) < 1_000_000
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    record = json.load(open(os.path.join(ASSETS, "mnistm_classifier.json")))
    assert record["weights_sha256"] == digest
    card = open(os.path.join(ASSETS, "MNISTM_CLASSIFIER.md")).read()
    assert digest in card
    assert f"{100 * record['test_accuracy']:.1f}%" in card          # the card reports the recorded accuracy
    assert M.get_extractor("mnistm").protocol["weights_sha256"] == digest[:16]


def test_held_out_mnistm_images_are_classified_correctly(mnistm_test):
    x, y = mnistm_test
    probs = np.asarray(M.get_extractor("mnistm").probabilities(x))
    assert probs.shape == (500, 10)
    assert np.allclose(probs.sum(1), 1.0, atol=1e-4)
    accuracy = (probs.argmax(-1) == y).mean()
    assert accuracy >= 0.95, accuracy
    assert min((probs.argmax(-1) == y)[y == c].mean() for c in range(10)) >= 0.8   # no digit left behind
    record = json.load(open(os.path.join(ASSETS, "mnistm_classifier.json")))
    assert accuracy == pytest.approx(record["test_accuracy"], abs=1e-9)  # the recorded number is reproducible
    # The same through the plain keras.Model, as documented.
    clf = M.mnistm_classifier()
    assert (clf.predict(x[::10], verbose=0).argmax(-1) == y[::10]).mean() >= 0.9


def test_features_shape_determinism_and_input_conversions(mnistm_test):
    x, _ = mnistm_test
    ext = M.get_extractor("mnistm")
    assert isinstance(ext, M.MNISTMExtractor) and M.get_extractor("mnist-m") is ext
    f1 = np.asarray(ext.features(x[:16]))
    assert f1.shape == (16, 128) and f1.dtype == np.float32 and np.isfinite(f1).all()
    np.testing.assert_array_equal(np.asarray(ext.features(x[:16])), f1)
    fresh = M.MNISTMExtractor(weights=M.mnistm.weights_path())           # a second, separately loaded copy
    np.testing.assert_allclose(np.asarray(fresh.features(x[:16])), f1, atol=1e-5)
    np.testing.assert_allclose(np.asarray(ext.features(x[:16], batch_size=5)), f1, atol=1e-5)
    uint8 = np.round((x[:16] + 1) * 127.5).astype("uint8")
    np.testing.assert_allclose(np.asarray(ext.features(uint8)), f1, atol=1e-2)
    grey = kg.data.load_arrays("mnist-5k", split="test")[0][:4]          # (4, 28, 28, 1) → 32×32 RGB
    assert tuple(ext.features(grey).shape) == (4, 128)
    p = ext.protocol
    assert p["input_size"] == (32, 32) and "mnistm_classifier" in p["extractor"] and p["channels"].startswith("RGB")
    assert M.build_mnistm_classifier().count_params() == M.mnistm_classifier().count_params()


def test_wrong_input_shapes_give_clear_errors(mnistm_test):
    x, _ = mnistm_test
    ext = M.get_extractor("mnistm")
    with pytest.raises(ValueError, match=r"single \(H, W, C\) image.*images\[None\]"):
        ext.features(x[0])
    with pytest.raises(ValueError, match="batch of images"):
        ext.features(np.zeros((2, 32, 32, 3, 1), "float32"))
    with pytest.raises(ValueError, match="batch of images"):
        ext.features(np.zeros((2, 32, 32, 5), "float32"))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        ext.features(x[:4] * 127.5 + 127.5)
    with pytest.raises(FileNotFoundError, match="No weights file"):
        M.mnistm_classifier("/nonexistent/mnistm.weights.h5")


def test_fid_mnistm_real_vs_real_is_zero_grows_with_noise_and_sees_the_domain_gap(mnistm_test):
    x, _ = mnistm_test
    rng = np.random.default_rng(0)
    fid = M.FrechetInceptionDistance(extractor="mnistm")
    fid.update_state(real=x)
    values = []
    for sigma in (0.0, 0.2, 0.4, 0.8):
        fid.reset_fake()
        fid.update_state(fake=np.clip(x + sigma * rng.normal(size=x.shape), -1, 1).astype("float32"))
        values.append(float(fid.result()))
    assert values[0] == pytest.approx(0.0, abs=1e-3)
    assert all(b > a for a, b in zip(values, values[1:])), values
    # Same 500 digits on new photo crops (what a perfect paired translator could output) vs the plain digits.
    digits = pad_to_32(kg.data.load_arrays("mnist-5k", split="test")[0])
    rerendered = blend_mnistm(digits, seed=1).astype("float32") / 127.5 - 1.0
    plain = kg.data.load_arrays("mnist-32", split="test")[0].astype("float32") / 127.5 - 1.0
    near = M.evaluate_images(x, rerendered, metrics=("fid",), extractor="mnistm")["fid"]
    far = M.evaluate_images(x, plain, metrics=("fid",), extractor="mnistm")["fid"]
    assert near < 0.25 * far, (near, far)


def test_metrics_accept_mnistm_by_name_and_round_trip():
    score = M.InceptionScore(extractor="mnistm")
    assert score.num_classes == 10
    fid = M.FrechetInceptionDistance(extractor="mnist-m", name="fid_mnistm")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(fid))
    assert restored.get_config() == fid.get_config()
    with pytest.raises(ValueError, match="'mnistm'"):
        M.get_extractor("mnist_m2")


def test_evaluate_translation_perfect_and_identity_translators(mnistm_test):
    x, y = mnistm_test
    perfect = M.evaluate_translation(lambda src: x, metrics=("fid", "kid", "is"), kid_subsets=10)
    assert perfect["fid"] == pytest.approx(0.0, abs=1e-3) and perfect["l1"] == 0.0
    assert abs(perfect["kid"]) < 0.05 and perfect["is"] > 8
    assert perfect["accuracy"] >= 0.95
    p = perfect["protocol"]
    assert p["n_real"] == 500 and p["n_fake"] == 500 and p["kid_subset_size"] == 250 and "mnist-32" in p["fake"]
    identity = M.evaluate_translation(lambda src: src, kid_subsets=10)   # untranslated digits
    assert identity["fid"] > 10 * max(perfect["fid"], 1.0)
    assert identity["kid"] > perfect["kid"]
    assert identity["l1"] == pytest.approx(0.757, abs=0.01)             # the zoo card's "untranslated" baseline
    assert "fid=" not in M.format_protocol(p) and "mnist-m" in M.format_protocol(p)
    with pytest.raises(ValueError, match="returned 3 images for 500"):
        M.evaluate_translation(lambda src: src[:3])


def test_cli_eval_scores_an_image_to_image_model(tmp_path, capsys):
    from keras_gans.cli import main

    keras.utils.set_random_seed(0)
    model = kg.models.Pix2Pix(image_shape=(32, 32, 3), filters=4, discriminator_filters=4,
                              discriminator_downsampling=1, seed=0)
    model.compile()
    path = str(tmp_path / "p2p.keras")
    model.save(path)
    out = str(tmp_path / "scores.json")
    assert main(["eval", path, "--json", out]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"FID-MNIST-M: \d", printed) and "KID-MNIST-M" in printed and "IS-MNIST-M" not in printed
    assert "L1" in printed and "digit accuracy of the mnistm classifier" in printed
    record = json.load(open(out))
    assert record["fid"] > 0 and record["protocol"]["n_fake"] == 500 and "mnist-m" in record["protocol"]["reference"]
