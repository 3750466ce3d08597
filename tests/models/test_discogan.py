"""DiscoGAN: networks, the training step's terms (no identity loss), translation both ways, round trip, export of
both directions served by TensorFlow alone, bad inputs. Quality goal: the slow test at the end."""
import numpy as np
import pytest
import keras

import keras_gans as kg
from helpers import serve_in_tensorflow_only

SHAPE = (16, 16, 3)


def test_encoder_decoder_generator_and_discriminator():
    g = kg.networks.encoder_decoder_generator(SHAPE, filters=4, depth=2)
    assert g.output_shape == (None,) + SHAPE
    assert not any(isinstance(layer, (keras.layers.Add, keras.layers.Concatenate)) for layer in g.layers)  # no skips
    assert g.get_layer("down2_lrelu").output.shape == (None, 4, 4, 8)                                      # the code
    d = kg.networks.discogan_discriminator(SHAPE, filters=4, depth=2)
    assert d.output_shape == (None, 1)
    with pytest.raises(ValueError, match="multiples of 8"):
        kg.networks.encoder_decoder_generator((12, 12, 3), depth=3)


def tiny_discogan(**kwargs):
    keras.utils.set_random_seed(0)
    return kg.models.DiscoGAN(image_shape=SHAPE, filters=4, depth=2, seed=0, **kwargs)


@pytest.fixture(scope="module")
def tiny_data():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (8,) + SHAPE, dtype=np.uint8)
    b = rng.integers(0, 256, (8,) + SHAPE, dtype=np.uint8)
    return a, b, kg.data.unpaired_pipeline(a, b, batch_size=4, seed=0)


@pytest.fixture(scope="module")
def trained(tiny_data):
    gan = tiny_discogan()
    gan.compile(run_eagerly=True)
    return gan, gan.fit(tiny_data[2], epochs=1, steps_per_epoch=2, verbose=0)


def test_train_step_reports_gan_and_reconstruction_terms_and_no_identity(trained):
    gan, history = trained
    logs = {k: v[-1] for k, v in history.history.items()}
    for name in ("d_loss", "g_loss", "d_a_loss", "d_b_loss", "adv_ab_loss", "adv_ba_loss", "reconstruction_loss",
                 "reconstruction_a_loss", "reconstruction_b_loss"):
        assert np.isfinite(logs[name]), name
    assert not any("identity" in k for k in logs)
    assert logs["g_loss"] == pytest.approx(logs["adv_ab_loss"] + logs["adv_ba_loss"] + logs["reconstruction_loss"],
                                           rel=1e-5)
    assert logs["reconstruction_loss"] == pytest.approx(logs["reconstruction_a_loss"] + logs["reconstruction_b_loss"],
                                                        rel=1e-5)
    assert int(gan.g_optimizer.iterations.numpy()) == 2 and int(gan.d_optimizer.iterations.numpy()) == 2
    assert gan.gan_loss.name == "non_saturating" and len(gan.g_weights) == 2 * len(gan.generator_ab.trainable_weights)


def test_reconstruction_is_the_mse_or_l1_of_the_round_trip():
    real = np.array([[[[0.0], [1.0]], [[-1.0], [0.5]]]], "float32")
    rec = np.array([[[[0.5], [1.0]], [[0.0], [-0.5]]]], "float32")
    assert float(tiny_discogan().reconstruction_loss(real, rec)) == pytest.approx((0.25 + 0 + 1 + 1) / 4)   # MSE
    assert float(tiny_discogan(reconstruction="l1").reconstruction_loss(real, rec)) == pytest.approx(2.5 / 4)
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        tiny_discogan(reconstruction="cosine")
    with pytest.raises(ValueError, match="lambda_reconstruction"):
        tiny_discogan(lambda_reconstruction=-1)


def test_translate_both_ways_and_errors(trained, tiny_data):
    gan, _ = trained
    a, b = tiny_data[0], tiny_data[1]
    out = gan.translate(a[:3])
    assert out.shape == (3,) + SHAPE and out.dtype == np.float32 and np.abs(out).max() <= 1.0
    assert gan.translate(b[:2], "b2a", output="uint8").dtype == np.uint8
    with pytest.raises(ValueError, match="direction"):
        gan.translate(a[:1], direction="ab")
    with pytest.raises(ValueError, match=r"shape \(16, 16, 3\).*resize"):
        gan.translate(np.zeros((2, 8, 8, 3), np.uint8))
    assert len(gan.preview_rows(a[:2], b[:2])) == 6


def test_bad_networks_and_data_are_rejected(tiny_data):
    g8 = kg.networks.encoder_decoder_generator((8, 8, 3), filters=4, depth=2)
    d16 = kg.networks.discogan_discriminator(SHAPE, filters=4, depth=2)
    with pytest.raises(ValueError, match="generator_ab output has shape"):
        kg.models.DiscoGAN(g8, g8, d16, d16)
    gan = tiny_discogan()
    gan.compile()
    grey = kg.data.unpaired_pipeline(tiny_data[0][..., :1], tiny_data[1][..., :1], batch_size=4)
    with pytest.raises(ValueError, match=r"Domain A images have shape \(16, 16, 1\)"):
        gan.fit(grey, epochs=1)


def test_bfloat16_fit_two_steps(tiny_data):
    gan = tiny_discogan(dtype_policy="mixed_bfloat16")
    gan.compile()
    logs = gan.fit(tiny_data[2], epochs=1, steps_per_epoch=2, verbose=0).history
    assert all(np.isfinite(logs[k][-1]) for k in ("d_loss", "g_loss", "reconstruction_loss"))
    assert gan.translate(tiny_data[0][:1]).dtype == np.float32


def test_round_trip_and_both_directions_served_by_tensorflow_alone(trained, tiny_data, tmp_path):
    gan, _ = trained
    path = str(tmp_path / "discogan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.models.DiscoGAN) and loaded.reconstruction == "mse" and loaded.depth == 2
    a, b = tiny_data[0][:4], tiny_data[1][:4]
    np.testing.assert_array_equal(loaded.translate(a), gan.translate(a))
    np.testing.assert_array_equal(loaded.translate(b, "b2a"), gan.translate(b, "b2a"))
    assert int(loaded.d_optimizer.iterations.numpy()) == 2
    gan.export(str(tmp_path / "serving"), verbose=False)
    x = a.astype("float32") / 127.5 - 1
    served = serve_in_tensorflow_only({"a2b": (tmp_path / "serving", "a2b", x),
                                       "b2a": (tmp_path / "serving", "b2a", x)}, tmp_path)
    np.testing.assert_allclose(served["a2b"], gan.translate(x), atol=1e-5)
    np.testing.assert_allclose(served["b2a"], gan.translate(x, "b2a"), atol=1e-5)


# ---------------------------------------------------------------------------- slow: the quality goal of issue 24
@pytest.mark.slow
def test_discogan_mnist_to_mnistm_keeps_labels_both_ways():
    """`keras-gans train discogan` (digits ↔ MNIST-M, unpaired) with the recipe's defaults (16 filters, depth 2, L1
    reconstruction weighted 10, batch 8) for 20 epochs, seed 0 — the settings of the preset discogan_mnist_mnistm —
    then label preservation on the 500 held-out test digits, measured as CycleGAN's (the shipped MNIST-M classifier
    reads G_AB(a), the shipped MNIST classifier reads G_BA(b)): ≥ 85 % both ways, issue 24's bar. These settings
    measured 0.756 A → B and 0.808 B → A through the CLI (the preset's card), so this test currently fails; the runs
    tried are in docs/tutorials/discogan.md. The bar stays at 0.85. Run without the CLI's global seed, the same
    settings gave 0.496 / 0.836 (2026-12-05): A → B swings from run to run; the seed below makes it the CLI's run."""
    keras.utils.set_random_seed(0)  # as `keras-gans train` does before building (keras_gans/cli/train.py)
    recipe = kg.recipes.get("discogan")
    model, ds, callbacks = recipe.build(recipe.args(epochs=20, seed=0))
    model.fit(ds, epochs=20, callbacks=callbacks, verbose=0)
    a2b = kg.metrics.evaluate_translation(model, direction="a2b", metrics=("fid",))
    b2a = kg.metrics.evaluate_translation(model, source="mnist-m", reference="mnist-32", extractor="mnist",
                                          direction="b2a", metrics=("fid",))
    print(a2b, b2a)
    assert a2b["accuracy"] >= 0.85
    assert b2a["accuracy"] >= 0.85
