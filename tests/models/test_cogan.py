"""CoGAN: weight sharing between the coupled networks, training, pairs from one z, round trip, export."""
import numpy as np
import pytest
import keras
import tensorflow as tf

import keras_gans as kg

SHAPE = (12, 12, 1)


def test_shared_layers_are_the_same_variables():
    g_a, g_b = kg.networks.cogan_generators(latent_dim=8, image_shape=(28, 28, 1), filters=4, private_layers=2)
    assert g_a.output_shape == g_b.output_shape == (None, 28, 28, 1)
    for name in ("shared_dense", "shared_convT", "shared_bn1"):
        assert g_a.get_layer(name) is g_b.get_layer(name)
    assert g_a.get_layer("shared_dense").kernel is g_b.get_layer("shared_dense").kernel
    assert g_a.get_layer("a_out") is not g_b.get_layer("b_out")
    d_a, d_b = kg.networks.cogan_discriminators((28, 28, 1), filters=4)
    assert d_a.get_layer("shared_logit").kernel is d_b.get_layer("shared_logit").kernel
    assert d_a.get_layer("a_conv").kernel is not d_b.get_layer("b_conv").kernel
    assert d_a.output_shape == (None, 1)
    ids_a = {id(v) for v in g_a.trainable_variables}
    ids_b = {id(v) for v in g_b.trainable_variables}
    shared = ids_a & ids_b
    assert len(shared) == 6          # dense kernel, transposed-conv kernel, two batch norms × (γ, β)
    model = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=8, filters=4, generator_private_layers=2)
    assert len(model.g_weights) == len(ids_a | ids_b)   # each shared variable updated once


def test_default_generators_share_all_but_the_output_layer():
    g_a, g_b = kg.networks.cogan_generators(latent_dim=8, image_shape=(28, 28, 1), filters=4)
    assert g_a.get_layer("shared_convT2") is g_b.get_layer("shared_convT2")
    ids_a = {id(v) for v in g_a.trainable_variables}
    ids_b = {id(v) for v in g_b.trainable_variables}
    assert len(ids_a - ids_b) == 2 and len(ids_b - ids_a) == 2      # each domain's a_out / b_out kernel and bias
    assert len(ids_a & ids_b) == 9          # dense and two transposed-conv kernels, three batch norms × (γ, β)
    assert {layer.name for layer in g_a.layers if layer.name.startswith("a_")} == {"a_out"}
    model = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=8, filters=4)
    assert model.get_config()["generator_private_layers"] == 1
    old = model.get_config()
    del old["generator_private_layers"]                     # a model saved before the option: two private layers
    assert kg.models.CoGAN.from_config(old).generator_a.get_layer("a_convT") is not None
    with pytest.raises(ValueError, match="private_layers"):
        kg.networks.cogan_generators(latent_dim=8, private_layers=3)


def test_pair_generator_is_what_a_preset_stores():
    model = kg.models.CoGAN(image_shape=(12, 12, 1), latent_dim=8, filters=4, seed=0)
    pairs = model.sampling_generator
    assert pairs.output_shape == (None, 12, 24, 1)
    assert {id(v) for v in pairs.weights} == {id(v) for v in model.generator_a.weights + model.generator_b.weights}
    z = model.latent(3, seed=2)
    a, b = model.generate_pair(z=z)
    np.testing.assert_allclose(pairs(z, training=False).numpy(), np.concatenate([a, b], axis=2), atol=1e-6)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (16,) + SHAPE, dtype=np.uint8)
    return a, kg.data.unpaired_pipeline(a, 255 - a, batch_size=8, seed=0)


@pytest.fixture(scope="module")
def trained(data):
    keras.utils.set_random_seed(0)
    model = kg.models.CoGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=0)
    model.compile(run_eagerly=True)
    g_a, g_b = model.generator_a, model.generator_b
    before_shared = g_a.get_layer("shared_dense").kernel.numpy().copy()
    before_b = g_b.get_layer("b_out").kernel.numpy().copy()
    history = model.fit(data[1], epochs=1, verbose=0)
    return model, history, before_shared, before_b


def test_training_updates_shared_and_private_weights(trained):
    model, history, before_shared, before_b = trained
    assert set(history.history) >= {"d_loss", "g_loss", "d_a_loss", "d_b_loss", "g_a_loss", "g_b_loss"}
    assert np.isfinite(history.history["g_loss"][0])
    shared = model.generator_a.get_layer("shared_dense").kernel
    assert shared is model.generator_b.get_layer("shared_dense").kernel
    assert not np.allclose(shared.numpy(), before_shared)
    assert not np.allclose(model.generator_b.get_layer("b_out").kernel.numpy(), before_b)


def test_pairs_from_one_z_and_generate(trained):
    model, *_ = trained
    a, b = model.generate_pair(5, seed=3)
    assert a.shape == b.shape == (5,) + SHAPE
    a2, b2 = model.generate_pair(5, seed=3)
    np.testing.assert_array_equal(a, a2)
    z = model.latent(5, seed=3)
    np.testing.assert_allclose(model.generator_b(z, training=False).numpy(), b, atol=1e-6)
    assert model.generate(4, seed=0).shape == (4, 12, 24, 1)                 # pairs side by side
    assert model.generate(4, seed=0, domain="b", output="uint8").dtype == np.uint8
    with pytest.raises(ValueError, match="domain"):
        model.generate(2, domain="c")
    with pytest.raises(ValueError, match=r"z must have shape \(n, 8\)"):
        model.generate_pair(z=np.zeros((2, 3)))


def test_round_trip_keeps_sharing_and_outputs(trained, tmp_path):
    model, *_ = trained
    path = str(tmp_path / "cogan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.generator_a.get_layer("shared_dense").kernel is loaded.generator_b.get_layer("shared_dense").kernel
    for x, y in zip(model.generate_pair(4, seed=1), loaded.generate_pair(4, seed=1)):
        np.testing.assert_array_equal(x, y)
    assert int(loaded.d_optimizer.iterations.numpy()) == int(model.d_optimizer.iterations.numpy())
    loaded.export(str(tmp_path / "serving"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "serving"))
    z = model.latent(3, seed=1)
    out = served.serve(z)
    np.testing.assert_allclose(out["images_a"].numpy(), model.generate_pair(z=z)[0], atol=1e-5)
    assert served.sample(tf.constant(2), tf.constant(0))["images_b"].shape == (2,) + SHAPE


def test_mismatched_domains_error(data):
    model = kg.models.CoGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4)
    model.compile()
    with pytest.raises(ValueError, match=r"Domain A images have shape \(12, 12, 1\)"):
        model.fit(data[1], epochs=1)


# ---------------------------------------------------------------------------- ema_decay: an average of both generators
@pytest.fixture(scope="module")
def averaged(data):
    """A CoGAN with ema_decay=0.9 before and after one step, then after a second step."""
    keras.utils.set_random_seed(0)
    model = kg.models.CoGAN(image_shape=SHAPE, latent_dim=8, filters=4, ema_decay=0.9, seed=0)
    model.compile(run_eagerly=True)
    before = [v.numpy().copy() for v in model.ema_variables()[0]]
    model.fit(data[1], epochs=1, steps_per_epoch=1, verbose=0)
    one_step = ([v.numpy().copy() for v in model.ema_variables()[0]],
                [v.numpy().copy() for v in model.ema_variables()[1]])
    model.fit(data[1], epochs=1, steps_per_epoch=2, verbose=0)
    return model, before, one_step


def test_ema_starts_as_the_generators_and_follows_the_warmed_up_rule(averaged):
    model, before, (after_avg, after_raw) = averaged
    assert model.get_config()["ema_decay"] == 0.9
    averages, originals = model.ema_variables()
    assert len(averages) == len(originals) == len({id(v) for v in model.generator_a.weights + model.generator_b.weights})
    assert {id(v) for v in originals} == {id(v) for v in model.generator_a.weights + model.generator_b.weights}
    assert not {id(v) for v in averages} & {id(v) for v in originals}
    # the first update uses the warm-up decay min(0.9, 1/10) = 0.1: w̄ = 0.1·w̄₀ + 0.9·w
    for avg0, avg1, raw1 in zip(before, after_avg, after_raw):
        np.testing.assert_allclose(avg1, 0.1 * avg0 + 0.9 * raw1, rtol=1e-5, atol=1e-6)
    assert int(model.ema_updates.numpy()) == 3 == int(model.g_optimizer.iterations.numpy())
    differ = [not np.allclose(a.numpy(), o.numpy()) for a, o in zip(averages, originals) if a.trainable]
    assert all(differ)                                              # three steps: the averages lag the generators


def test_averaged_pair_shares_its_first_layers_and_is_what_the_model_samples(averaged):
    model, *_ = averaged
    g_a, g_b = model.sampling_generators
    assert g_a is not model.generator_a and g_b is not model.generator_b
    for name in ("shared_dense", "shared_bn1", "shared_convT2"):
        assert g_a.get_layer(name) is g_b.get_layer(name)        # one averaged copy of the shared layers
        assert g_a.get_layer(name).weights[0] is not model.generator_a.get_layer(name).weights[0]
    assert g_a.get_layer("a_out") is not g_b.get_layer("b_out")
    z = model.latent(3, seed=4)
    a, b = model.generate_pair(z=z)
    np.testing.assert_allclose(a, g_a(z, training=False).numpy(), atol=1e-6)
    np.testing.assert_allclose(b, g_b(z, training=False).numpy(), atol=1e-6)
    assert not np.allclose(a, model.generator_a(z, training=False).numpy(), atol=1e-4)  # not the raw generator
    np.testing.assert_allclose(model.generate(3, z=z, domain="b"), b, atol=1e-6)
    pairs = model.sampling_generator                                # what `zoo publish --part generator` stores
    assert {id(v) for v in pairs.weights} == {id(v) for v in model.ema_generators.weights}
    np.testing.assert_allclose(pairs(z, training=False).numpy(), np.concatenate([a, b], axis=2), atol=1e-6)


def test_ema_round_trip_export_and_preset(averaged, tmp_path):
    model, *_ = averaged
    path = str(tmp_path / "cogan_ema.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.ema_decay == 0.9 and int(loaded.ema_updates.numpy()) == int(model.ema_updates.numpy())
    for x, y in zip(model.ema_generators.get_weights(), loaded.ema_generators.get_weights()):
        np.testing.assert_array_equal(x, y)
    g_a, g_b = loaded.sampling_generators
    assert g_a.get_layer("shared_dense") is g_b.get_layer("shared_dense")
    for x, y in zip(model.generate_pair(4, seed=1), loaded.generate_pair(4, seed=1)):
        np.testing.assert_array_equal(x, y)
    loaded.export(str(tmp_path / "serving"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "serving"))
    z = model.latent(3, seed=1)
    a, b = model.generate_pair(z=z)
    out = served.serve(z)
    np.testing.assert_allclose(out["images_a"].numpy(), a, atol=1e-5)
    np.testing.assert_allclose(out["images_b"].numpy(), b, atol=1e-5)
    # a generator-only preset (the averaged pair) into a new model: sampling pair and trained pair both get it
    metadata = {"task": "noise_to_image", "resolution": [12, 24, 1], "latent_dim": 8, "name": "cogan_test",
                "model_config": model.get_config()}
    preset = kg.models.CoGAN.from_preset_generator(model.sampling_generator, metadata)
    assert preset.ema_decay == 0.9
    for x, y in zip(model.generate_pair(4, seed=2), preset.generate_pair(4, seed=2)):
        np.testing.assert_allclose(x, y, atol=1e-6)
    np.testing.assert_array_equal(preset.generator_b.get_layer("b_out").kernel.numpy(),
                                  model.sampling_generators[1].get_layer("b_out").kernel.numpy())


def test_without_ema_decay_nothing_is_averaged():
    model = kg.models.CoGAN(image_shape=SHAPE, latent_dim=8, filters=4)
    assert model.ema_decay is None and model.ema_generators is None and model.ema_updates is None
    assert model.sampling_generators == (model.generator_a, model.generator_b)
    assert len(model.weights) == len(unique(model.generator_a.weights + model.generator_b.weights
                                            + model.discriminator_a.weights + model.discriminator_b.weights))
    for bad in (0.0, 1.0, -0.5):
        with pytest.raises(ValueError, match="ema_decay"):
            kg.models.CoGAN(image_shape=SHAPE, latent_dim=8, filters=4, ema_decay=bad)


def unique(variables):
    return list({id(v): v for v in variables}.values())


@pytest.mark.slow
def test_cogan_pairs_correspond_on_digits_and_negatives():
    """After training on *unpaired* digits and negative digits, G_A(z) and 255 − G_B(z) show the same digit.

    Two checks: the classifier reads the same digit in both images (agreement; chance 10 %), and the pair
    is pixel-for-pixel the same picture — mean |G_A(z) − (−G_B(z))| far below that of mismatched pairs.
    Disagreements are ambiguous samples, not different digits: in the seed-0 run every pair whose two
    images the classifier reads with probability > 0.9 agreed, and the disagreeing pairs are the same
    malformed shape twice (mean max-probability 0.62 against 0.85 on agreeing pairs).

    Measured (15 epochs of batch 64, shared 2-core CPU, ≈ 230 CPU s): generators sharing all but the output
    layer (the default): seed 0 agreement 84.4 % (mean confidence 0.816, pixel L1 0.052 vs 0.339 for
    mismatched pairs), seed 1 (the cogan_mnist preset's run) 84.6 % (0.801, 0.059 vs 0.378). The earlier
    layout with two private generator layers: 76.2 % (seed 0; twice, the run is deterministic), which
    is why the bar had been lowered to 0.7.
    """
    from helpers import digit_classifier

    keras.utils.set_random_seed(0)
    ds = kg.data.load_pair("mnist2negative-unpaired", batch_size=64)
    model = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=64, seed=0)
    model.compile()
    model.fit(ds, epochs=15, verbose=0)
    a, b = model.generate_pair(500, seed=0)
    judge = digit_classifier()
    pa = judge.predict(a, verbose=0)
    pb = judge.predict(-b, verbose=0)                     # undo the negative: 255 − x is −x in [-1, 1]
    agree = float(np.mean(pa.argmax(1) == pb.argmax(1)))
    confident = float(np.mean(pa.max(1)))
    pixel_l1 = float(np.mean(np.abs(a + b)))              # |G_A(z) − (−G_B(z))|
    mismatched_l1 = float(np.mean(np.abs(a + np.roll(b, 1, axis=0))))
    print(f"CoGAN pair agreement {agree:.3f}, mean confidence {confident:.3f}, digits read in A "
          f"{len(set(pa.argmax(1).tolist()))}, pixel L1 {pixel_l1:.3f} (mismatched pairs {mismatched_l1:.3f})")
    assert len(set(pa.argmax(1).tolist())) >= 8          # varied digits: a collapsed pair agrees trivially
    assert pixel_l1 < 0.5 * mismatched_l1
    assert agree >= 0.8 and confident >= 0.6
