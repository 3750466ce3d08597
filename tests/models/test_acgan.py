"""ACGAN: D's two heads on one body, a few training steps, labels, bad inputs, round trip, bfloat16.

The export (loaded in a process with TensorFlow alone) is in tests/export/test_export_acgan_infogan.py; the
slow quality test (label accuracy ≥ 95%) in tests/models/test_acgan_quality.py.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models import ACGAN

SHAPE = (16, 16, 1)


def small_data(n=24, seed=0):
    """n mnist-5k digits resized to 16×16, in [-1, 1], with their labels."""
    x, y = kg.data.load_arrays("mnist-5k")
    idx = np.random.default_rng(seed).choice(len(y), n, replace=False)
    x = tf.image.resize(x[idx].astype("float32") / 127.5 - 1.0, SHAPE[:2]).numpy().clip(-1, 1)
    return x, y[idx].astype("int32")


def options(model):
    """The model's config without its serialised networks."""
    return {k: v for k, v in model.get_config().items() if k not in ("generator", "discriminator")}


def tiny(**kwargs):
    return ACGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=0, **kwargs)


@pytest.fixture(scope="module")
def trained():
    """A tiny ACGAN after 3 steps of batch 8, with its training history."""
    gan = tiny()
    gan.compile()
    x, y = small_data()
    gan.history_ = gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0).history
    return gan


def test_discriminator_has_a_source_and_a_class_head_on_one_body():
    d = kg.networks.acgan_discriminator(SHAPE, num_classes=7, filters=4)
    assert [tuple(o.shape) for o in d.outputs] == [(None, 1), (None, 7)]
    features = d.get_layer("features").output
    for head in ("real_fake", "class_logits"):
        assert d.get_layer(head).input is features          # both heads read the same body
    g = kg.networks.acgan_generator(latent_dim=5, num_classes=7, image_shape=SHAPE, filters=4)
    assert [tuple(i.shape) for i in g.inputs] == [(None, 5), (None,)] and tuple(g.output.shape) == (None,) + SHAPE


def test_a_few_steps_train_both_heads_with_finite_losses(trained):
    gan, history = trained, trained.history_
    assert int(gan.d_optimizer.iterations) == 3 and int(gan.g_optimizer.iterations) == 3
    for name in ("d_loss", "g_loss", "d_class_loss", "g_class_loss", "class_acc_real", "class_acc_fake",
                 "d_acc_real", "d_acc_fake", "loss"):
        assert np.isfinite(history[name]).all(), name
    # D's loss holds the source loss and the class loss of real and fake images (2 cross-entropies ≈ 2·log 10)
    assert history["d_loss"][-1] > history["d_class_loss"][-1] > 0
    assert history["g_loss"][-1] > history["g_class_loss"][-1] > 0
    probabilities = gan.classify(small_data(5)[0])
    assert probabilities.shape == (5, 10) and np.allclose(probabilities.sum(-1), 1, atol=1e-5)


def test_generate_by_label(trained):
    a = trained.generate(4, seed=0, labels=[1, 1, 1, 1])
    assert a.shape == (4,) + SHAPE and a.dtype == np.float32 and np.abs(a).max() <= 1
    np.testing.assert_array_equal(a, trained.generate(4, seed=0, labels=np.array([1, 1, 1, 1])))
    assert np.abs(a - trained.generate(4, seed=0, labels=[7] * 4)).max() > 1e-4   # the label changes the image
    assert trained.generate(labels=[0, 1, 2]).shape == (3,) + SHAPE                # n from the labels
    assert trained.generate(5, seed=0, labels=3).shape == (5,) + SHAPE             # one label for all
    np.testing.assert_allclose(trained.generate(12, seed=0), trained.generate(12, seed=0, labels=np.arange(12) % 10),
                               atol=1e-6)                                         # default: 0..9 cycling
    assert trained.generate(2, seed=0, output="uint8").dtype == np.uint8


@pytest.mark.parametrize("labels, message", [
    ([0, 10], r"Label 10 is out of range: .*num_classes=10.*\[0, 9\]"),
    ([-1, 2], r"Label -1 is out of range"),
    ([1.0, 2.0], r"whole numbers: convert them"),
    (np.eye(10, dtype="int32")[:2], r"One-hot labels\? Pass labels.argmax"),
])
def test_bad_labels_are_refused(trained, labels, message):
    with pytest.raises(ValueError, match=message):
        trained.generate(2, seed=0, labels=labels)


def test_training_data_must_be_labelled_and_in_range(trained):
    x, y = small_data(8)
    with pytest.raises(ValueError, match=r"ACGAN trains on \(images, labels\) pairs.*with_labels=True"):
        trained.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Label 1[0-9] is out of range"):
        trained.fit(tf.data.Dataset.from_tensor_slices((x, y + 10)).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="ACGAN labels must be integer class indices"):
        trained.fit(tf.data.Dataset.from_tensor_slices((x, y.astype("float32"))).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"pass fit\(images, labels\)"):
        trained.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="images have shape .*expects"):
        trained.fit(tf.data.Dataset.from_tensor_slices((np.zeros((8, 28, 28, 1), "float32"), y)).batch(8), verbose=0)
    assert int(trained.g_optimizer.iterations) == 3                               # nothing ran


def test_bad_networks_and_options_are_refused():
    with pytest.raises(ValueError, match=r"returns \[real/fake logit, 10 class logits\]"):
        ACGAN(image_shape=SHAPE, latent_dim=8, discriminator=kg.networks.book_dcgan_discriminator(SHAPE))
    with pytest.raises(ValueError, match=r"returns \[real/fake logit, 10 class logits\]"):
        ACGAN(image_shape=SHAPE, latent_dim=8, filters=4,
              discriminator=kg.networks.acgan_discriminator(SHAPE, num_classes=5, filters=4))
    with pytest.raises(ValueError, match="update='alternating' only"):
        tiny(update="simultaneous")
    with pytest.raises(ValueError, match="conditioning must be one of"):
        tiny(conditioning="concat")
    with pytest.raises(ValueError, match="num_classes"):
        tiny(num_classes=1)


def test_keras_round_trip_gives_identical_samples(trained, tmp_path):
    path = str(tmp_path / "acgan.keras")
    trained.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is ACGAN and options(loaded) == options(trained)
    assert (loaded.num_classes, loaded.filters, loaded.conditioning) == (10, 4, "embedding")
    np.testing.assert_array_equal(loaded.generate(3, seed=2, labels=[0, 3, 9]),
                                  trained.generate(3, seed=2, labels=[0, 3, 9]))
    assert loaded.compiled and int(loaded.d_optimizer.iterations) == 3
    assert options(ACGAN.from_config(trained.get_config())) == options(trained)


def test_one_hot_conditioning_and_bfloat16_fit_two_steps():
    gan = tiny(conditioning="one_hot", dtype_policy="mixed_bfloat16")
    gan.compile()
    x, y = small_data(16)
    history = gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0).history
    assert int(gan.g_optimizer.iterations) == 2 and all(np.isfinite(v).all() for v in history.values())
    assert gan.discriminator.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert gan.discriminator.get_layer("class_logits").dtype_policy.name == "float32"   # logits stay float32
    assert gan.generate(2, seed=0, labels=[4, 5]).dtype == np.float32
