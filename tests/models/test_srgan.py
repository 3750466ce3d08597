"""SRGAN and SRResNet: pixel shuffle, networks, PSNR, super-resolution pairs, both training phases, content losses,
upscale, round trip, export served by TensorFlow alone, bad inputs. Quality goals: the slow tests at the end."""
import numpy as np
import pytest
import keras
import tensorflow as tf

import keras_gans as kg
from helpers import serve_in_tensorflow_only
from keras_gans.layers import PixelShuffle
from keras_gans.networks.srgan_nets import upsampling_factors

LOW, HIGH = (8, 8, 3), (32, 32, 3)


# ---------------------------------------------------------------------------- blocks
def test_pixel_shuffle_matches_a_numpy_hand_computation():
    r, c = 2, 3
    x = np.arange(2 * 3 * 4 * c * r * r, dtype="float32").reshape(2, 3, 4, c * r * r)
    expected = np.empty((2, 6, 8, c), "float32")
    for i in range(3):
        for j in range(4):
            for a in range(r):
                for b in range(r):
                    expected[:, r * i + a, r * j + b, :] = x[:, i, j, (a * r + b) * c:(a * r + b + 1) * c]
    np.testing.assert_array_equal(PixelShuffle(r)(x).numpy(), expected)
    assert PixelShuffle.from_config(PixelShuffle(3).get_config()).scale == 3
    with pytest.raises(ValueError, match="divisible by scale² = 4"):
        PixelShuffle(2)(np.zeros((1, 2, 2, 6), "float32"))
    with pytest.raises(ValueError, match="integer >= 2"):
        PixelShuffle(1)


def test_srresnet_and_discriminator_follow_the_paper():
    g = kg.networks.srresnet_generator(LOW, scale=4, filters=4, num_residual_blocks=2)
    assert g.output_shape == (None,) + HIGH
    assert [type(layer).__name__ for layer in g.layers].count("PixelShuffle") == 2        # ×4 = two ×2 blocks
    assert sum(isinstance(layer, keras.layers.PReLU) for layer in g.layers) == 1 + 2 + 2  # in, per block, per up
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers) == 2 * 2 + 1
    assert kg.networks.srresnet_generator(LOW, scale=3, filters=4, num_residual_blocks=0).output_shape == (None, 24, 24, 3)
    d = kg.networks.srgan_discriminator(HIGH, filters=4, num_downsampling=4, dense_units=8)
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.strides[0] for c in convs] == [1, 2] * 4 and [c.filters for c in convs] == [4, 4, 8, 8, 16, 16, 32, 32]
    assert d.output_shape == (None, 1)
    assert upsampling_factors(8) == [2, 2, 2]
    with pytest.raises(ValueError, match="power of two"):
        upsampling_factors(6)


def test_psnr_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    ref = rng.uniform(-1, 1, (3, 4, 4, 3)).astype("float32")
    out = np.clip(ref + rng.normal(0, 0.1, ref.shape), -1, 1).astype("float32")
    per_image = [10 * np.log10(4.0 / np.mean((ref[i].astype("float64") - out[i]) ** 2)) for i in range(3)]
    assert kg.metrics.psnr(ref, out) == pytest.approx(np.mean(per_image), rel=1e-9)
    # tf.image.psnr on the [0, 1] images agrees
    tf_psnr = tf.image.psnr((ref + 1) / 2, (out + 1) / 2, max_val=1.0).numpy()
    assert kg.metrics.psnr(ref, out) == pytest.approx(float(tf_psnr.mean()), abs=1e-3)
    u8 = np.array([[[[0], [10]]]], np.uint8)
    assert kg.metrics.psnr(u8, u8 + np.uint8(1)) == pytest.approx(10 * np.log10(255.0 ** 2))   # MSE 1, MAX 255
    assert kg.metrics.psnr(ref, ref) == float("inf")
    with pytest.raises(ValueError, match="one shape"):
        kg.metrics.psnr(ref, ref[:2])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        kg.metrics.psnr(ref * 5, ref)


def test_super_resolution_pairs_are_bicubic_downscalings():
    ds = kg.data.super_resolution_dataset("mnist-m", scale=4, batch_size=4, shuffle=False, with_labels=True)
    (low, high), labels = next(iter(ds))
    assert low.shape == (4,) + LOW and high.shape == (4,) + HIGH and labels.shape == (4,)
    expected = tf.image.resize(high, (8, 8), method="bicubic", antialias=True).numpy().clip(-1, 1)
    np.testing.assert_allclose(low.numpy(), expected, atol=1e-6)
    arr_low, arr_high, arr_labels = kg.data.super_resolution_arrays("mnist-m", scale=4, split="train")
    np.testing.assert_allclose(arr_high[:4], high.numpy(), atol=1e-6)
    np.testing.assert_allclose(arr_low[:4], low.numpy(), atol=1e-5)
    crops = kg.data.super_resolution_dataset("photos", scale=4, batch_size=2, split="test", crop_size=16, num_crops=4)
    assert [tuple(s.shape) for s in crops.element_spec] == [(2, 4, 4, 3), (2, 16, 16, 3)]
    with pytest.raises(ValueError, match="not multiples of scale=3"):
        kg.data.super_resolution_dataset("mnist-m", scale=3)
    with pytest.raises(KeyError, match="Unknown dataset"):
        kg.data.super_resolution_dataset("nope")
    with pytest.raises(ValueError, match="no labels"):
        kg.data.super_resolution_dataset("photos", with_labels=True, num_crops=4, crop_size=16)


# ---------------------------------------------------------------------------- the model
def tiny_srgan(**kwargs):
    keras.utils.set_random_seed(0)
    options = dict(lowres_shape=LOW, scale=4, filters=4, num_residual_blocks=1, discriminator_filters=4,
                   discriminator_downsampling=2, dense_units=8, seed=0)
    options.update(kwargs)
    return kg.models.SRGAN(**options)


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(0)
    high = rng.uniform(-1, 1, (8,) + HIGH).astype("float32")
    from keras_gans.utils.resize import downscale

    low = downscale(high, 4)
    return low, high, tf.data.Dataset.from_tensor_slices((low, high)).batch(4, drop_remainder=True).repeat()


@pytest.fixture(scope="module")
def trained(pairs):
    """SRResNet pre-training for 2 steps, then 2 GAN steps (one model, both phases)."""
    sr = tiny_srgan(pretrain=True)
    sr.compile(run_eagerly=True)
    d_before = [w.numpy().copy() for w in sr.discriminator.weights]
    pre = sr.fit(pairs[2], epochs=1, steps_per_epoch=2, verbose=0).history
    d_after_pretraining = [w.numpy() for w in sr.discriminator.weights]
    sr.pretrain = False
    gan = sr.fit(pairs[2], epochs=1, steps_per_epoch=2, verbose=0).history
    return sr, pre, gan, d_before, d_after_pretraining


def test_pretraining_updates_the_generator_alone_on_the_pixel_mse(trained):
    sr, pre, _, d_before, d_after = trained
    for before, after in zip(d_before, d_after):
        np.testing.assert_array_equal(before, after)
    assert np.isfinite(pre["mse"][-1]) and pre["g_loss"][-1] == pytest.approx(pre["mse"][-1])


def test_gan_phase_minimises_content_plus_a_thousandth_of_the_adversarial_loss(trained):
    sr, _, gan, _, _ = trained
    logs = {k: v[-1] for k, v in gan.items()}
    for name in ("d_loss", "g_loss", "content_loss", "adv_loss", "mse"):
        assert np.isfinite(logs[name]), name
    assert logs["g_loss"] == pytest.approx(logs["content_loss"] + 1e-3 * logs["adv_loss"], rel=1e-5)
    assert logs["content_loss"] == pytest.approx(logs["mse"], rel=1e-5)          # content="pixels"
    assert int(sr.d_optimizer.iterations.numpy()) == 2 and int(sr.g_optimizer.iterations.numpy()) == 4
    assert sr.content_description.startswith("pixel MSE")


def test_upscale_shapes_inputs_and_errors(trained, pairs):
    sr = trained[0]
    low = pairs[0]
    out = sr.upscale(low[:3])
    assert out.shape == (3,) + HIGH and out.dtype == np.float32 and np.abs(out).max() <= 1.0
    np.testing.assert_allclose(sr.upscale(low[0]), out[0], atol=1e-5)
    u8 = np.round((low[:2] + 1) * 127.5).astype(np.uint8)
    assert sr.upscale(u8, output="uint8").dtype == np.uint8 and sr.translate(u8).shape == (2,) + HIGH
    with pytest.raises(ValueError, match=r"low-resolution images of shape \(8, 8, 3\)"):
        sr.upscale(np.zeros((2, 32, 32, 3), np.uint8))
    rows = sr.preview_rows(low[:4], pairs[1][:4])
    assert len(rows) == 3 and all(r.shape == (4,) + HIGH for r in rows)


def test_content_network_option_and_its_errors(pairs):
    x = keras.Input(HIGH)
    features = keras.Model(x, keras.layers.Conv2D(2, 3, strides=2, name="f")(x), name="tiny_features")
    sr = tiny_srgan(content=features)
    assert sr.content == "network" and not sr.content_network.trainable and "tiny_features" in sr.content_description
    low, high = tf.constant(pairs[0][:2]), tf.constant(pairs[1][:2])
    fake = sr.generator(low)
    expected = np.mean((features(high).numpy() - features(fake).numpy()) ** 2)
    assert float(sr.content_loss(high, fake)) == pytest.approx(expected, rel=1e-5)
    sr.compile(run_eagerly=True)
    assert np.isfinite(sr.fit(pairs[2], epochs=1, steps_per_epoch=1, verbose=0).history["content_loss"][-1])
    assert sr.g_weights == sr.generator.trainable_variables            # the content network is never trained
    grey = keras.Input((28, 28, 1))
    wrong = keras.Model(grey, keras.layers.Conv2D(2, 3)(grey))
    with pytest.raises(ValueError, match="content network takes inputs of shape"):
        tiny_srgan(content=wrong)
    with pytest.raises(ValueError, match="content must be one of"):
        tiny_srgan(content="perceptual")
    with pytest.raises(kg.networks.vgg.WeightsUnavailableError, match="VGG19 weights are not available"):
        tiny_srgan(content="vgg")                                         # offline here: said plainly


def test_bad_data_and_networks_are_rejected_with_the_fix(pairs):
    sr = tiny_srgan()
    sr.compile()
    high = pairs[1]
    wrong_scale = tf.data.Dataset.from_tensor_slices((high[:, :16, :16], high)).batch(4)   # 16×16 is not 32/4
    with pytest.raises(ValueError, match=r"16×16 times scale 4 make 64×64.*super_resolution_dataset"):
        sr.fit(wrong_scale, epochs=1)
    with pytest.raises(ValueError, match="generator maps"):
        kg.models.SRGAN(generator=kg.networks.srresnet_generator(LOW, scale=2, filters=4, num_residual_blocks=0),
                        scale=4)
    with pytest.raises(ValueError, match="adversarial_weight"):
        tiny_srgan(adversarial_weight=-1)


def test_bfloat16_fit_two_steps(pairs):
    sr = tiny_srgan(dtype_policy="mixed_bfloat16")
    sr.compile(run_eagerly=True)       # the tiny step runs faster eagerly
    logs = sr.fit(pairs[2], epochs=1, steps_per_epoch=2, verbose=0).history
    assert all(np.isfinite(logs[k][-1]) for k in ("d_loss", "g_loss", "content_loss"))
    assert sr.generator.layers[1].compute_dtype == "bfloat16" and sr.upscale(pairs[0][:1]).dtype == np.float32


def test_round_trip_and_export_served_by_tensorflow_alone(trained, pairs, tmp_path):
    sr = trained[0]
    path = str(tmp_path / "srgan.keras")
    sr.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.models.SRGAN) and loaded.pretrain is False and loaded.scale == 4
    np.testing.assert_array_equal(loaded.upscale(pairs[0]), sr.upscale(pairs[0]))
    assert int(loaded.g_optimizer.iterations.numpy()) == 4 and loaded.gan_loss.name == "non_saturating"
    config = sr.get_config()
    assert kg.models.SRGAN.from_config(config).get_config()["content"] == "pixels"
    sr.export(str(tmp_path / "serving"), verbose=False)
    served = serve_in_tensorflow_only({"default": (tmp_path / "serving", "serving_default", pairs[0][:3]),
                                       "upscale": (tmp_path / "serving", "upscale", pairs[0][:3])}, tmp_path)
    np.testing.assert_allclose(served["default"], sr.upscale(pairs[0][:3]), atol=1e-5)
    np.testing.assert_allclose(served["upscale"], served["default"], atol=0)


# ---------------------------------------------------------------------------- slow: the quality goals of issue 24
@pytest.fixture(scope="module")
def srresnet_30_epochs(tmp_path_factory):
    """The srgan_mnistm preset's first phase: `keras-gans train srgan --phase srresnet --epochs 30` (pixel MSE
    only, 8x8 -> 32x32 MNIST-M, batch 16, seed 0), saved; about 8,400 steps, 6-8 minutes on 2 cores."""
    recipe = kg.recipes.get("srgan")
    model, ds, _ = recipe.build(recipe.args(phase="srresnet", epochs=30, seed=0))
    model.fit(ds, epochs=30, verbose=0)
    path = tmp_path_factory.mktemp("srresnet") / "srresnet.keras"
    model.save(str(path))
    return model, path


@pytest.mark.slow
def test_srresnet_mse_beats_bicubic_by_one_db(srresnet_30_epochs):
    """SRResNet (pixel MSE only), 8×8 → 32×32 MNIST-M: PSNR on the 500 held-out test digits ≥ bicubic + 1 dB.
    Measured: 10 epochs gave +0.89 dB, 30 epochs (the preset's) +2.11 dB."""
    scores = kg.metrics.evaluate_super_resolution(srresnet_30_epochs[0], "mnist-m", split="test")
    print(scores)
    assert scores["psnr"] >= scores["psnr_bicubic"] + 1.0


@pytest.mark.slow
def test_srgan_digits_read_20_points_better_than_bicubic(srresnet_30_epochs):
    """SRGAN (the 30-epoch SRResNet, then 10 GAN epochs with the pixel content loss: the srgan_mnistm preset's
    recipe), 4× upscaled 8×8 MNIST-M test digits: the shipped MNIST-M classifier's accuracy ≥ bicubic's + 20
    points. The content loss is the pixels, not `--content mnistm`, whose features come from the judge itself.
    Measured by the preset's CLI run: 0.786 against bicubic's 0.100."""
    recipe = kg.recipes.get("srgan")
    gan, ds, _ = recipe.build(recipe.args(init=str(srresnet_30_epochs[1]), epochs=10, seed=0))
    gan.fit(ds, epochs=10, verbose=0)
    scores = kg.metrics.evaluate_super_resolution(gan, "mnist-m", split="test")
    print(scores)
    assert scores["accuracy"] >= scores["accuracy_bicubic"] + 0.20


def test_recipe_content_mnistm_and_init_from_a_pretrained_run(trained, tmp_path):
    recipe = kg.recipes.get("srgan")
    model, ds, _ = recipe.build(recipe.args(batch_size=2, filters=4, residual_blocks=1, content="mnistm",
                                            phase="srresnet"))
    assert model.pretrain and model.content == "network" and model.content_network.output_shape == (None, 8, 8, 64)
    start = tmp_path / "start.keras"
    model.save(str(start))
    again, _, _ = recipe.build(recipe.args(batch_size=2, filters=4, residual_blocks=1, init=str(start)))
    assert not again.pretrain and again.content == "pixels"
    for mine, theirs in zip(model.generator.weights, again.generator.weights):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    with pytest.raises(ValueError, match="not a saved SRGAN"):
        trained[0].generator.save(str(tmp_path / "g.keras"))
        recipe.build(recipe.args(batch_size=2, filters=4, residual_blocks=1, init=str(tmp_path / "g.keras")))


def test_from_preset_of_a_generator_only_preset_trained_with_a_content_network(pairs, tmp_path):
    """Such a preset holds the generator, not the content network's weights: from_preset says so and uses pixels
    (it used to fail: 'content must be one of ...' on the network's config dict)."""
    x = keras.Input(HIGH)
    features = keras.Model(x, keras.layers.Conv2D(2, 3, strides=2)(x), name="tiny_features")
    sr = tiny_srgan(content=features)
    path = kg.zoo.publish(sr, str(tmp_path / "sr_features"), dataset="mnist-m", samples=False)
    with pytest.warns(UserWarning, match="content loss of 'tiny_features'.*pixel MSE instead"):
        again = kg.models.SRGAN.from_preset(path)
    assert again.content == "pixels" and again.scale == 4
    np.testing.assert_allclose(again.upscale(pairs[0][:2]), sr.upscale(pairs[0][:2]), atol=1e-6)
