"""BigGAN (small): hierarchical z + shared embedding, projection D, orthogonal regularisation, truncation, a few fit
steps, round trip, export with labels, bad input. Tiny networks (16×16, width 4, 4 classes).

The slow quality test is tests/models/test_biggan_quality.py.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import call_in_tensorflow_only
from keras_gans.layers import BigGANOrthogonalRegularizer, ConditionalBatchNormalization, ProjectionHead
from keras_gans.models import BigGAN
from keras_gans.networks.biggan_nets import latent_chunks

SHAPE = (16, 16, 1)


def data(n=16, seed=0):
    x = np.random.default_rng(seed).uniform(-1, 1, (n,) + SHAPE).astype("float32")
    return x, (np.arange(n) % 4).astype("int32")


def tiny(**kwargs):
    return BigGAN(image_shape=SHAPE, latent_dim=9, num_classes=4, width=4, embedding_dim=4, seed=0, **kwargs)


@pytest.fixture(scope="module")
def trained():
    gan = tiny(orthogonal_reg=0.1)
    gan.compile()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(data()).batch(8), epochs=1, verbose=0)
    return gan, history.history


def test_generator_conditions_each_block_on_the_shared_embedding_and_its_own_chunk_of_z():
    assert latent_chunks(120) == [40, 40, 40] and latent_chunks(10) == [4, 3, 3]
    g = tiny().generator
    embedding = g.get_layer("shared_embedding")
    for i in (1, 2):
        cond = g.get_layer(f"cond{i}")
        assert cond.input[0] is embedding.output                  # one embedding shared by both blocks
        assert cond.output.shape[-1] == 4 + 3                       # embedding + this block's chunk of z
        cbns = [layer for layer in g.layers if isinstance(layer, ConditionalBatchNormalization)
                and layer.name.startswith(f"block{i}")]
        assert len(cbns) == 2 and all(layer.input[1] is cond.output for layer in cbns)
    # each chunk reaches only its own place: changing z₂ (the last 3 entries) leaves block 1's output alone
    upto_block1 = keras.Model(g.inputs, g.get_layer("block1").output)
    z = np.random.default_rng(1).standard_normal((2, 9)).astype("float32")
    z2 = z.copy()
    z2[:, 6:] += 1.0
    labels = np.array([0, 3], "int32")
    np.testing.assert_allclose(upto_block1([z, labels]), upto_block1([z2, labels]), atol=1e-6)
    assert np.abs(g([z, labels]) - g([z2, labels])).max() > 1e-4


@pytest.mark.parametrize("init_seed", [0, 1, 2])
def test_the_label_moves_the_generator_about_as_much_as_z_from_the_start(init_seed):
    # The shared embedding enters each CBN next to a chunk of z ~ N(0, 1), through spectrally normalised maps
    # that cannot amplify it. At Keras' default U(−0.05, 0.05) init the label moved G's images 3–6% as much as
    # z did (tiny and default networks, three seeds), and the embedding hardly trains from there (G's Adam at
    # 1e-4: its std was still 0.030 after 70 steps on mnist-5k).
    keras.utils.set_random_seed(init_seed)
    g = tiny().generator
    z = np.random.default_rng(init_seed).standard_normal((16, 9)).astype("float32")
    images = np.stack([g([z, np.full(16, label, "int32")], training=False) for label in range(4)])  # (label, z, …)
    spread_over_labels, spread_over_z = images.std(axis=0).mean(), images.std(axis=1).mean()
    assert spread_over_labels >= 0.25 * spread_over_z, (spread_over_labels, spread_over_z)
    assert np.std(g.get_layer("shared_embedding").embeddings) > 0.5      # unit scale, like z


def test_discriminator_is_a_projection_discriminator_with_spectral_norm():
    d = tiny().discriminator
    assert isinstance(d.layers[-1], ProjectionHead) and d.layers[-1].spectral_norm
    assert d.get_layer("attention").output.shape[1:3] == (8, 8)
    assert not [layer for layer in d.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]


def test_fit_steps_losses_shapes_and_gammas(trained):
    gan, history = trained
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 2
    assert all(np.isfinite(v[-1]) for v in history.values()), history
    assert gan.generate(labels=[0, 1, 2, 3, 0]).shape == (5,) + SHAPE
    assert gan.gan_loss.name == "hinge"
    gammas = gan.attention_gammas()
    assert sorted(gammas) == ["biggan_discriminator/attention", "biggan_generator/attention"]
    assert any(v is gan.generator.get_layer("attention").gamma for v in gan.g_weights) and all(gammas.values())


def test_orthogonal_penalty_is_the_sum_over_g_kernels_by_hand(trained):
    gan, _ = trained
    expected, regularised = 0.0, 0
    for layer in gan.generator._flatten_layers(include_self=False):  # noqa: SLF001
        if isinstance(getattr(layer, "kernel_regularizer", None), BigGANOrthogonalRegularizer):
            w = layer.kernel.numpy().reshape(-1, layer.kernel.shape[-1])
            gram = w.T @ w
            expected += 0.1 * ((gram * (1 - np.eye(len(gram)))) ** 2).sum()
            regularised += 1
    assert regularised == 1 + 2 * 3 + 1          # input layer, 3 convs per block, the output conv
    assert float(gan.orthogonal_penalty()) == pytest.approx(expected, rel=1e-4) and expected > 0
    assert gan.generator.get_layer("shared_embedding").embeddings.regularizer is None
    assert float(tiny(orthogonal_reg=0).orthogonal_penalty()) == 0.0


def test_truncation_resamples_z_and_reduces_sample_variance(trained):
    gan, _ = trained
    labels = np.full(64, 2)
    z = kg.utils.random.truncated_normal(64, 9, 0.3, seed=4)
    assert np.abs(z).max() <= 0.3
    truncated = gan.generate(64, seed=4, labels=labels, truncation=0.3)
    np.testing.assert_array_equal(truncated, gan.generate(z=z, labels=labels))
    full = gan.generate(64, seed=4, labels=labels)
    assert truncated.std(axis=0).mean() < 0.7 * full.std(axis=0).mean()


def test_round_trip_and_export_with_labels_in_tensorflow_only(trained, tmp_path):
    gan, _ = trained
    config = gan.get_config()
    assert not {"conditioning", "matching_aware", "discriminator_dropout"} & set(config)
    assert config["update"] == "alternating"
    assert (config["orthogonal_reg"], config["width"], config["embedding_dim"]) == (0.1, 4, 4)
    gan.save(tmp_path / "biggan.keras")
    loaded = keras.saving.load_model(tmp_path / "biggan.keras")
    assert type(loaded) is BigGAN and loaded.num_classes == 4
    labels = [0, 1, 3]
    np.testing.assert_array_equal(loaded.generate(3, seed=2, labels=labels, truncation=0.5),
                                  gan.generate(3, seed=2, labels=labels, truncation=0.5))
    assert float(loaded.orthogonal_penalty()) == pytest.approx(float(gan.orthogonal_penalty()), rel=1e-6)
    gan.export(str(tmp_path / "serving"), verbose=False)
    z = gan.latent(3, seed=5)
    served = call_in_tensorflow_only(tmp_path / "serving", {"z": z, "labels": np.array(labels, "int32")})
    np.testing.assert_allclose(served["images"], gan.generate(z=z, labels=labels), atol=1e-5)


def test_fits_in_mixed_bfloat16_with_an_ema_generator():
    gan = tiny(dtype_policy="mixed_bfloat16", ema_decay=0.5)
    gan.compile(run_eagerly=True)                  # two steps: cheaper than tracing the step again
    history = gan.fit(*data(8), batch_size=4, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values()), history
    assert gan.generator.get_layer("block1_cbn1").compute_dtype == "bfloat16"
    assert gan.sampling_generator is gan.ema_generator
    out = gan.generate(2, seed=0, labels=[1, 2], truncation=1.0)
    assert out.dtype == np.float32 and np.isfinite(out).all()


def test_simultaneous_update_steps_both_networks_on_one_pass_with_the_orthogonal_penalty(tmp_path):
    gan = tiny(update="simultaneous", orthogonal_reg=0.1)
    # eagerly: two steps cost less than tracing them (the traced steps: the `trained` fixture's alternating ones,
    # and CGAN.simultaneous_step's in tests/models/test_cgan.py)
    gan.compile(run_eagerly=True)
    history = gan.fit(*data(8), batch_size=4, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values()), history
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 2
    gan.save(tmp_path / "biggan.keras")
    assert keras.saving.load_model(tmp_path / "biggan.keras").update == "simultaneous"
    # one generator pass per step, and G's loss carries the orthogonal penalty (made large here to see it)
    draws, sample_latent = [], gan.sample_latent
    gan.sample_latent = lambda m: draws.append(int(m)) or sample_latent(m)
    gan.orthogonal_penalty = lambda: tf.constant(1000.0)
    for tracker in gan.metrics:
        tracker.reset_state()
    logs = gan.train_step(tuple(tf.constant(a) for a in data(4)))
    assert draws == [4] and 900 < float(logs["g_loss"]) < 1100
    with pytest.raises(ValueError, match="update='simultaneous' takes one D step per G step; got d_steps=2"):
        tiny(update="simultaneous", d_steps=2)


def test_bad_input_is_refused(trained):
    gan, _ = trained
    with pytest.raises(ValueError, match=r"Label 4 is out of range: this model has num_classes=4"):
        gan.generate(2, labels=[0, 4])
    with pytest.raises(ValueError, match="truncation threshold"):
        gan.generate(2, labels=[0, 1], truncation=0.0)
    with pytest.raises(ValueError, match="Pass either z or truncation="):
        gan.generate(z=gan.latent(2), labels=[0, 1], truncation=0.5)
    with pytest.raises(ValueError, match="latent_dim must be at least 3"):
        BigGAN(latent_dim=2)
    with pytest.raises(ValueError, match="multiples of 4"):
        BigGAN(image_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="orthogonal_reg"):
        BigGAN(image_shape=SHAPE, orthogonal_reg=-1)
    x, y = data(8)
    with pytest.raises(ValueError, match=r"pass fit\(images, labels\)"):
        gan.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="out of range"):
        gan.fit(tf.data.Dataset.from_tensor_slices((x, y + 4)).batch(4), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2                                          # nothing ran


@pytest.mark.parametrize("d_batch, update", [("separate", "alternating"), ("joint", "alternating"),
                                             ("separate", "simultaneous"), ("joint", "simultaneous")])
def test_d_batch_joint_judges_real_and_fake_pairs_in_one_discriminator_call(d_batch, update):
    """D's step: (real, y) and (fake, y) in two calls ("separate") or one ("joint", one power iteration of the
    spectral norms per D step instead of two); G's step then calls D on its own fakes (alternating rule)."""
    from helpers import discriminator_call_sizes

    gan = tiny(d_batch=d_batch, update=update)
    gan.compile()
    d_step = [4, 4] if d_batch == "separate" else [8]
    g_step = [4] if update == "alternating" else []
    assert discriminator_call_sizes(gan, data(4)) == d_step + g_step
    assert BigGAN.from_config(gan.get_config()).d_batch == d_batch
