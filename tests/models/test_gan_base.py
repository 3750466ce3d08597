"""The GAN base class and DCGAN: networks, compile, training, sampling, input checks."""
import keras
import numpy as np
import pytest

import keras_gans as kg
from helpers import tiny_networks
from keras_gans import networks


def test_book_dcgan_networks_match_chapter_4():
    g = networks.book_dcgan_generator()
    d = networks.book_dcgan_discriminator()
    assert g.input_shape == (None, 100)
    assert g.output_shape == (None, 28, 28, 1)
    assert [l.output.shape[1:] for l in g.layers if isinstance(l, keras.layers.Conv2DTranspose)] == [
        (14, 14, 128), (14, 14, 64), (28, 28, 1)]
    convs = [l for l in d.layers if isinstance(l, keras.layers.Conv2D)]
    assert [tuple(c.output.shape[1:]) for c in convs] == [(14, 14, 32), (7, 7, 64), (4, 4, 128)]
    # Erratum: the book prints 3x3x128 = 1152; Keras 'same' padding gives 4x4x128 = 2048.
    flatten = [l for l in d.layers if isinstance(l, keras.layers.Flatten)][0]
    assert flatten.output.shape[-1] == 2048
    assert d.output_shape == (None, 1)
    # No batch norm on D's first block, none on G's output.
    assert isinstance(d.layers[2], keras.layers.LeakyReLU)


@pytest.mark.parametrize("size,channels", [(32, 3), (64, 3), (64, 1)])
def test_radford_dcgan_shapes(size, channels):
    gan = kg.models.DCGAN(image_shape=(size, size, channels), latent_dim=16)
    assert gan.architecture == "radford"
    assert gan.generator.output_shape == (None, size, size, channels)
    assert gan.discriminator.output_shape == (None, 1)
    assert gan.generate(2, seed=0).shape == (2, size, size, channels)


def test_mlp_gan_of_chapter_3():
    gan = kg.models.GAN(networks.mlp_generator(), networks.mlp_discriminator())
    assert gan.latent_dim == 100
    dense = [l for l in gan.generator.layers if isinstance(l, keras.layers.Dense)]
    assert [l.units for l in dense] == [128, 784]
    assert gan.generate(3, seed=0).shape == (3, 28, 28, 1)


@pytest.mark.parametrize("kwargs,match", [
    ({"image_shape": (30, 30, 1), "architecture": "radford"}, "power-of-two"),
    ({"image_shape": (28, 28, 1), "architecture": "vgg"}, "architecture must be"),
    ({"image_shape": (28, 28)}, "height, width, channels"),
    ({"update": "sometimes"}, "update"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kg.models.DCGAN(**kwargs)


def test_latent_dim_must_match_generator():
    with pytest.raises(ValueError, match="latent_dim=50 does not match"):
        kg.models.GAN(networks.mlp_generator(100), networks.mlp_discriminator(), latent_dim=50)


def test_compile_defaults_and_errors():
    gan = kg.models.DCGAN()
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.Adam)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.g_optimizer.beta_1) == pytest.approx(0.5)
    assert gan.gan_loss.name == "non_saturating"
    # The MLP GAN keeps the book's Adam() defaults.
    mlp = kg.models.GAN(networks.mlp_generator(), networks.mlp_discriminator())
    mlp.compile(loss="hinge")
    assert float(mlp.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert mlp.gan_loss.name == "hinge"
    with pytest.raises(ValueError, match="Unknown GAN loss"):
        gan.compile(loss="cross_entropyish")
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two different optimizer"):
        gan.compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(TypeError, match="two optimizers"):
        gan.compile(optimizer="adam")


def test_training_updates_both_networks_and_reports_metrics(tiny_gan, small_ds):
    g0 = [w.numpy().copy() for w in tiny_gan.generator.trainable_weights]
    d0 = [w.numpy().copy() for w in tiny_gan.discriminator.trainable_weights]
    hist = tiny_gan.fit(small_ds, epochs=2, verbose=0).history
    assert set(hist) == {"d_loss", "g_loss", "d_acc_real", "d_acc_fake", "loss"}
    np.testing.assert_allclose(hist["loss"], np.add(hist["d_loss"], hist["g_loss"]), rtol=1e-6)
    assert all(np.isfinite(v).all() for v in hist.values())
    assert int(tiny_gan.d_optimizer.iterations) == 16 and int(tiny_gan.g_optimizer.iterations) == 16
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(g0, tiny_gan.generator.trainable_weights))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(d0, tiny_gan.discriminator.trainable_weights))


def test_discriminator_learns_real_from_fake(small_ds):
    """Freeze G (lr 0): the D loss must fall from log(4) and D must separate real from fake."""
    g, d = tiny_networks()
    keras.utils.set_random_seed(3)
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, seed=3)
    gan.compile(g_optimizer=keras.optimizers.Adam(0.0), d_optimizer=keras.optimizers.Adam(1e-3))
    hist = gan.fit(small_ds, epochs=4, verbose=0).history
    assert hist["d_loss"][-1] < hist["d_loss"][0]
    assert hist["d_loss"][-1] < 0.5
    assert min(hist["d_acc_real"][-1], hist["d_acc_fake"][-1]) > 0.9


def test_simultaneous_update_trains(small_ds):
    g, d = tiny_networks()
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, seed=1, update="simultaneous")
    gan.compile()
    calls = {"g": 0}
    original = gan.generator.call

    def counting_call(*a, **k):
        calls["g"] += 1
        return original(*a, **k)

    gan.generator.call = counting_call
    gan.train_step(next(iter(small_ds)))  # eager: counts real calls
    assert calls["g"] == 1  # one generator pass feeds both updates (alternating makes two)
    gan.generator.call = original
    hist = gan.fit(small_ds, epochs=1, verbose=0).history
    assert np.isfinite(hist["g_loss"][0]) and int(gan.g_optimizer.iterations) == 9


def test_alternating_update_uses_fresh_fakes(tiny_gan, small_ds):
    calls = {"g": 0}
    original = tiny_gan.generator.call
    tiny_gan.generator.call = lambda *a, **k: (calls.__setitem__("g", calls["g"] + 1), original(*a, **k))[1]
    tiny_gan.train_step(next(iter(small_ds)))
    assert calls["g"] == 2


def test_loss_as_callable_pair(small_ds):
    g, d = tiny_networks()
    seen = []

    def d_fn(real, fake):
        seen.append("d")
        return keras.ops.mean(keras.ops.softplus(-real)) + keras.ops.mean(keras.ops.softplus(fake))

    def g_fn(fake, real=None):
        seen.append("g")
        return keras.ops.mean(keras.ops.softplus(-fake))

    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8)
    gan.compile(loss=(d_fn, g_fn))
    gan.fit(small_ds.take(2), epochs=1, verbose=0)
    assert "d" in seen and "g" in seen


def test_generate_is_seeded_and_documented_ranges(tiny_gan):
    a = tiny_gan.generate(5, seed=7)
    b = tiny_gan.generate(5, seed=7)
    c = tiny_gan.generate(5, seed=8)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert a.min() >= -1 and a.max() <= 1
    u = tiny_gan.generate(5, seed=7, output="uint8")
    assert u.dtype == np.uint8
    np.testing.assert_array_equal(u, np.round((a + 1) * 127.5).clip(0, 255).astype(np.uint8))
    np.testing.assert_allclose(tiny_gan(tiny_gan.latent(5, 7)).numpy(), a, atol=1e-6)
    # Batching does not change the result.
    np.testing.assert_allclose(tiny_gan.generate(5, seed=7, batch_size=2), a, atol=1e-6)
    with pytest.raises(ValueError, match="z must have shape"):
        tiny_gan.generate(z=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="output must be"):
        tiny_gan.generate(2, output="png")


@pytest.mark.parametrize("make,match", [
    (lambda x: x[:, :14, :14], r"shape \(14, 14, 1\).*expects \(28, 28, 1\)"),
    (lambda x: ((x + 1) * 127.5).astype("uint8"), "uint8.*Scale"),
    (lambda x: (x + 1) * 127.5, r"\[0, 255\].*\[-1, 1\]"),
    (lambda x: np.where(x > 0.9, np.nan, x), "NaN"),
])
def test_bad_training_data_is_refused_before_training(tiny_gan, make, match, tmp_path):
    x, _ = kg.data.load_arrays("mnist-5k", "test")
    x = x[:64].astype("float32") / 127.5 - 1
    bad = make(x)
    grid = kg.callbacks.SampleGrid(tmp_path / "s")
    with pytest.raises(ValueError, match=match):
        tiny_gan.fit(bad, epochs=1, batch_size=32, verbose=0, callbacks=[grid])
    import tensorflow as tf

    with pytest.raises(ValueError, match=match):
        tiny_gan.fit(tf.data.Dataset.from_tensor_slices(bad).batch(32), epochs=1, verbose=0)
    assert int(tiny_gan.d_optimizer.iterations) == 0
    assert not (tmp_path / "s").exists()


def test_config_round_trip_keeps_architecture():
    gan = kg.models.DCGAN(image_shape=(32, 32, 3), latent_dim=12, seed=5, update="simultaneous")
    clone = kg.models.DCGAN.from_config(gan.get_config())
    assert clone.latent_dim == 12 and clone.seed == 5 and clone.update == "simultaneous"
    assert clone.architecture == "radford"
    assert clone.generator.count_params() == gan.generator.count_params()
    assert [l.__class__ for l in clone.discriminator.layers] == [l.__class__ for l in gan.discriminator.layers]


def _mlp_discriminator(batch_norm):
    i = keras.Input((28, 28, 1))
    y = keras.layers.Flatten()(i)
    y = keras.layers.Dense(16)(y)
    if batch_norm:
        y = keras.layers.BatchNormalization()(y)
    return keras.Model(i, keras.layers.Dense(1)(keras.layers.LeakyReLU(0.2)(y)))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_d_batch_joint_matches_separate_only_without_batch_norm(batch_norm):
    g, _ = tiny_networks()
    d = _mlp_discriminator(batch_norm)
    real = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    fake = np.random.default_rng(1).uniform(-1, 1, (6, 28, 28, 1)).astype("float32") * 0.1
    out = {}
    for mode in ("joint", "separate"):
        gan = kg.models.GAN(g, d, d_batch=mode)
        r, f = gan.discriminate(real, fake)
        assert r.shape == (6, 1) and f.shape == (6, 1)
        out[mode] = np.concatenate([np.asarray(r), np.asarray(f)])
    if batch_norm:  # batch statistics over real+fake differ from per-batch statistics
        assert not np.allclose(out["joint"], out["separate"], atol=1e-4)
    else:
        np.testing.assert_allclose(out["joint"], out["separate"], atol=1e-5)


def test_d_batch_is_validated_and_serialised():
    g, d = tiny_networks()
    with pytest.raises(ValueError, match="d_batch"):
        kg.models.GAN(g, d, d_batch="mixed")
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, d_batch="joint")
    assert kg.models.DCGAN.from_config(gan.get_config()).d_batch == "joint"
    assert kg.models.GAN(g, d).d_batch == "separate"


def test_loss_plot_puts_gradient_norms_in_their_own_panel(tmp_path):
    import matplotlib.image

    from keras_gans.callbacks import plot_history

    history = {"d_loss": [0.7, 0.6, 0.5], "g_loss": [0.8, 0.9, 1.0], "d_acc_real": [0.5, 0.7, 0.9]}
    plain = plot_history(history, str(tmp_path / "plain.png"))
    with_norms = plot_history(dict(history, d_grad_norm=[3.0, 60.0, 40.0]), str(tmp_path / "norms.png"))
    h_plain = matplotlib.image.imread(plain).shape[0]
    h_norms = matplotlib.image.imread(with_norms).shape[0]
    assert h_norms > h_plain  # a second panel below the losses (6 in tall instead of 4)
