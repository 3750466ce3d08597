"""SGAN and the semi-supervised data: Z/(Z+1), num_labeled honoured, the classifier, saving, export."""
import argparse

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import semi_supervised_dataset, semi_supervised_split
from keras_gans.models import SGAN
from keras_gans.models.sgan import real_logit, supervised_baseline


# --------------------------------------------------------------------------- data
def test_split_is_balanced_seeded_and_disjoint():
    x, y = kg.data.load_arrays("mnist-5k")
    a = semi_supervised_split(x, y, num_labeled=100, seed=3)
    b = semi_supervised_split(x, y, num_labeled=100, seed=3)
    c = semi_supervised_split(x, y, num_labeled=100, seed=4)
    assert np.bincount(a.labeled_labels, minlength=10).tolist() == [10] * 10
    np.testing.assert_array_equal(a.labeled_indices, b.labeled_indices)
    assert not np.array_equal(a.labeled_indices, c.labeled_indices)
    np.testing.assert_array_equal(a.labeled_labels, y[a.labeled_indices])
    assert len(a.unlabeled_images) == len(y) - 100
    # mnist-5k is sorted by label: "the first 100" would be all zeros; ours are spread over the set
    assert a.labeled_indices.max() > len(y) // 2


def test_split_errors_name_the_fix():
    x, y = kg.data.load_arrays("mnist-5k")
    with pytest.raises(ValueError, match="multiple of num_classes=10.*e.g. use 100"):
        semi_supervised_split(x, y, num_labeled=99)
    with pytest.raises(ValueError, match="Class 1 has only 1 examples"):
        semi_supervised_split(np.zeros((4, 2)), np.array([0, 0, 1, 0]), num_labeled=4, num_classes=2)
    with pytest.raises(ValueError, match="must match one to one"):
        semi_supervised_split(x[:5], y[:4], num_labeled=10)


def test_pipeline_never_carries_any_label_but_the_chosen_ones():
    """num_labeled is honoured: the only labels in the pipeline are those of the num_labeled chosen images."""
    x, y = kg.data.load_arrays("mnist-5k")
    n = 20
    parts = semi_supervised_split(x, y, num_labeled=n, seed=7)
    ds = semi_supervised_dataset("mnist-5k", num_labeled=n, batch_size=64, labeled_batch_size=16, seed=7)
    spec = ds.element_spec
    assert set(spec) == {"images", "labeled_images", "labels"}       # unlabelled images come without labels
    chosen = {img.tobytes(): int(lab) for img, lab in zip(parts.labeled_images, parts.labeled_labels)}
    seen = set()
    steps = 0
    for batch in ds:                                                   # one full epoch
        steps += 1
        imgs = np.round((batch["labeled_images"].numpy() + 1.0) * 127.5).astype("uint8")
        for img, lab in zip(imgs, batch["labels"].numpy()):
            key = img.tobytes()
            assert key in chosen, "a labelled example outside the chosen subset reached the model"
            assert chosen[key] == lab
            seen.add(key)
    assert steps == (len(y) - n) // 64
    assert len(seen) == n                                              # all of them, and no other


# --------------------------------------------------------------------------- model
def test_real_probability_is_z_over_z_plus_one():
    logits = np.array([[0.0, 0.0, 0.0], [2.0, -1.0, 0.5], [-30.0, -30.0, -30.0], [80.0, 0.0, 0.0]], "float32")
    z = np.exp(logits.astype("float64")).sum(-1)
    expected = z / (z + 1.0)
    got = keras.ops.convert_to_numpy(keras.ops.sigmoid(real_logit(logits)))[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert np.isfinite(keras.ops.convert_to_numpy(real_logit(logits))).all()   # no overflow at logit 80
    assert got[0] == pytest.approx(0.75)                                        # Z = 3 → 3/4


@pytest.fixture(scope="module")
def trained():
    sgan = SGAN(latent_dim=16, num_labeled=20, seed=0, label_smoothing=0.1)
    sgan.compile()
    ds = semi_supervised_dataset("mnist-5k", num_labeled=20, batch_size=16, seed=0).take(4)
    history = sgan.fit(ds, epochs=1, verbose=0)
    return sgan, history


def test_training_reports_supervised_and_unsupervised_losses(trained):
    sgan, history = trained
    logs = history.history
    assert set(logs) >= {"supervised_loss", "unsupervised_loss", "labeled_acc", "d_loss", "g_loss"}
    assert int(sgan.d_optimizer.iterations) == 4 and int(sgan.g_optimizer.iterations) == 4
    assert all(np.isfinite(v[-1]) for v in logs.values())


def test_classifier_evaluates_and_is_the_discriminator(trained):
    sgan, _ = trained
    x, y = kg.data.load_arrays("mnist-5k", split="test")
    x = x[:64].astype("float32") / 127.5 - 1.0
    probs = sgan.classifier.predict(x, verbose=0)
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probs, keras.ops.softmax(sgan.discriminator(x, training=False)), atol=1e-6)
    loss, accuracy = sgan.classifier.evaluate(x, y[:64], verbose=0)
    assert accuracy == pytest.approx(float((probs.argmax(-1) == y[:64]).mean()))
    assert sgan.classifier is sgan.classifier                                     # one object
    assert not hasattr(sgan, "num_classes")  # so SampleGrid shows the unconditional G as a plain grid


def test_round_trip_and_classifier_export(trained, tmp_path):
    sgan, _ = trained
    path = str(tmp_path / "sgan.keras")
    sgan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is SGAN and loaded.num_labeled == 20 and loaded.n_classes == 10
    x, _ = kg.data.load_arrays("mnist-5k", split="test")
    x = x[:8].astype("float32") / 127.5 - 1.0
    np.testing.assert_allclose(loaded.classifier.predict(x, verbose=0), sgan.classifier.predict(x, verbose=0),
                               atol=1e-6)
    np.testing.assert_allclose(loaded.generate(2, seed=0), sgan.generate(2, seed=0), atol=1e-6)

    export_dir = str(tmp_path / "classifier")
    sgan.export(export_dir, verbose=False)
    out = tf.saved_model.load(export_dir).signatures["serving_default"](images=tf.constant(x))
    np.testing.assert_allclose(out["probabilities"].numpy(), sgan.classifier.predict(x, verbose=0), atol=1e-5)
    np.testing.assert_array_equal(out["classes"].numpy(), out["probabilities"].numpy().argmax(-1))


def test_feature_matching_generator_objective():
    sgan = SGAN(latent_dim=8, generator_objective="feature_matching", seed=1)
    sgan.compile()
    sgan.fit(semi_supervised_dataset("mnist-5k", num_labeled=10, batch_size=8, seed=0).take(2), epochs=1, verbose=0)
    assert int(sgan.g_optimizer.iterations) == 2
    assert sgan.feature_extractor.output_shape == (None, 4 * 4 * 128)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="generator_objective must be one of"):
        SGAN(generator_objective="wasserstein")
    with pytest.raises(ValueError, match="one per class"):
        SGAN(num_classes=5, discriminator=kg.networks.sgan_discriminator(num_classes=10))
    sgan = SGAN(latent_dim=8)
    sgan.compile()
    with pytest.raises(ValueError, match="semi_supervised_dataset"):
        sgan.fit(kg.data.load("mnist-5k", batch_size=8, with_labels=True), epochs=1, verbose=0)


def test_supervised_baseline_is_the_same_network():
    base = supervised_baseline()
    sgan = SGAN()
    assert base.count_params() == sgan.classifier.count_params()
    assert [type(layer).__name__ for layer in base.layers] == [type(layer).__name__ for layer in sgan.classifier.layers]


def test_cli_uses_num_labeled():
    from keras_gans.cli_commands.train import build_model

    args = argparse.Namespace(model="sgan", dataset="mnist-5k", batch_size=32, image_size=None, latent_dim=16,
                              seed=0, update="alternating", num_labeled=50)
    model, ds = build_model(args)
    assert type(model) is SGAN and model.num_labeled == 50
    labels = np.concatenate([b["labels"].numpy() for b in ds.take(10)])
    assert np.bincount(labels, minlength=10).min() > 0
