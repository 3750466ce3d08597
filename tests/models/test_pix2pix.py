"""pix2pix: U-Net generator, conditional PatchGAN, adversarial + λ·L1 step, round trip, export."""
import numpy as np
import pytest
import keras
import tensorflow as tf

import keras_gans as kg
from keras_gans.models.pix2pix import l1_loss
from keras_gans.networks.unet import InferenceDropout
from helpers import load_script

SHAPE = (16, 16, 3)


def test_pix2pix_networks_shapes():
    g = kg.networks.pix2pix_generator((32, 32, 3), filters=4, output_channels=1)
    assert g.output_shape == (None, 32, 32, 1)
    assert g.get_layer("down5_lrelu").output.shape == (None, 1, 1, 32)        # down to 1×1, as in the paper
    drops = [layer for layer in g.layers if isinstance(layer, keras.layers.Dropout)]
    assert len(drops) == 3 and all(layer.rate == 0.5 for layer in drops)
    d = kg.networks.patchgan_discriminator((32, 32, 1), filters=4, num_downsampling=2, condition_channels=3)
    assert [tuple(s) for s in d.input_shape] == [(None, 32, 32, 3), (None, 32, 32, 1)]
    assert d.output_shape == (None, 8, 8, 1)
    x = np.zeros((2, 32, 32, 3), "float32")
    assert d([tf.constant(x), g(x)]).shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="multiples of 32"):
        kg.networks.pix2pix_generator((24, 24, 3), depth=5)


def test_dropout_at_inference_is_the_noise_source():
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    noisy = kg.networks.pix2pix_generator(SHAPE, filters=4, dropout_at_inference=True)
    assert any(isinstance(layer, InferenceDropout) for layer in noisy.layers)
    assert not np.allclose(noisy(x, training=False), noisy(x, training=False))
    plain = kg.networks.pix2pix_generator(SHAPE, filters=4)
    np.testing.assert_array_equal(plain(x, training=False), plain(x, training=False))


def test_l1_loss_hand_computed():
    assert float(l1_loss(np.array([[1.0, -1.0]]), np.array([[0.5, 0.0]]))) == pytest.approx(0.75)


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(0)
    levels = rng.integers(0, 256, (12, 1, 1, 3))
    a = np.broadcast_to(levels, (12,) + SHAPE).astype(np.uint8)     # flat colours: an easy mapping to learn
    b = (255 - a).astype(np.uint8)
    return a, b, kg.data.paired_pipeline(a, b, batch_size=4, seed=0)


@pytest.fixture(scope="module")
def trained(pairs):
    keras.utils.set_random_seed(0)
    model = kg.models.Pix2Pix(image_shape=SHAPE, filters=4, discriminator_filters=4, discriminator_downsampling=1,
                              seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5), run_eagerly=True)
    history = model.fit(pairs[2], epochs=2, verbose=0)
    return model, history


def test_train_step_and_loss_composition(trained):
    model, history = trained
    logs = history.history
    assert len(logs["g_loss"]) == 2 and int(model.g_optimizer.iterations.numpy()) == 6
    for epoch in range(2):
        expected = logs["adv_loss"][epoch] + 100.0 * logs["l1_loss"][epoch]
        assert logs["g_loss"][epoch] == pytest.approx(expected, rel=1e-4)
    assert logs["l1_loss"][1] < logs["l1_loss"][0]            # λ = 100 pulls outputs to the targets fast


def test_translate_round_trip_and_export(trained, pairs, tmp_path):
    model, _ = trained
    a = pairs[0][:3]
    out = model.translate(a)
    assert out.shape == (3,) + SHAPE
    with pytest.raises(ValueError, match="resize"):
        model.translate(np.zeros((1, 8, 8, 3), np.uint8))
    path = str(tmp_path / "p2p.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kg.models.Pix2Pix) and loaded.lambda_l1 == 100.0
    np.testing.assert_array_equal(loaded.translate(a), out)
    assert int(loaded.g_optimizer.iterations.numpy()) == 6
    loaded.export(str(tmp_path / "serving"), verbose=False)
    served = tf.saved_model.load(str(tmp_path / "serving")).signatures["serving_default"]
    np.testing.assert_allclose(served(images=tf.constant(a.astype("float32") / 127.5 - 1))["images"].numpy(), out,
                               atol=1e-5)
    rows = model.preview_rows(a, pairs[1][:3])
    assert len(rows) == 3


def test_ema_generator_averages_and_is_used(pairs, tmp_path):
    """With ema_decay, each G step moves the EMA copy: w̄ ← β·w̄ + (1 − β)·w, β = min(ema_decay, (1 + n) / (10 + n))
    at the n-th; translate/export/presets use it."""
    keras.utils.set_random_seed(0)
    model = kg.models.Pix2Pix(image_shape=SHAPE, filters=4, discriminator_filters=4, discriminator_downsampling=1,
                              ema_decay=0.75, seed=0)
    model.compile(run_eagerly=True)
    assert model.sampling_generator is model.ema_generator
    assert len(model.g_weights) == len(model.generator.trainable_variables)     # the average is not trained
    kernel = model.generator.get_layer("down1_conv").kernel
    avg = model.ema_generator.get_layer("down1_conv").kernel
    w0 = kernel.numpy().copy()
    np.testing.assert_array_equal(avg.numpy(), w0)
    model.fit(pairs[2].take(1), epochs=1, verbose=0)
    w1 = kernel.numpy()
    assert not np.allclose(w1, w0)
    beta = min(0.75, (1 + 0) / (10 + 0))           # the first update (n = 0) of the warm-up: 0.1
    np.testing.assert_allclose(avg.numpy(), beta * w0 + (1 - beta) * w1, atol=1e-6)
    a = pairs[0][:3]
    np.testing.assert_allclose(model.translate(a), model.ema_generator(a.astype("float32") / 127.5 - 1, training=False),
                               atol=1e-6)
    assert not np.allclose(model.translate(a), model.generator(a.astype("float32") / 127.5 - 1, training=False))
    path = str(tmp_path / "ema.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.ema_decay == 0.75
    np.testing.assert_array_equal(loaded.translate(a), model.translate(a))
    with pytest.raises(ValueError, match="ema_decay"):
        kg.models.Pix2Pix(image_shape=SHAPE, filters=4, ema_decay=1.0)


def test_pix2pix_errors():
    g = kg.networks.pix2pix_generator(SHAPE, filters=4)
    with pytest.raises(ValueError, match="two inputs"):
        kg.models.Pix2Pix(generator=g, discriminator=kg.networks.patchgan_discriminator(SHAPE, filters=4))
    model = kg.models.Pix2Pix(generator=g, discriminator=kg.networks.patchgan_discriminator(
        SHAPE, filters=4, num_downsampling=1, condition_channels=3))
    model.compile()
    a = np.zeros((4, 8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match=r"Domain A images have shape \(8, 8, 3\)"):
        model.fit(kg.data.paired_pipeline(a, a, batch_size=2), epochs=1)


@pytest.mark.slow
def test_pix2pix_mnist_to_mnistm_keeps_labels(tmp_path):
    """Bounded run of benchmarks/translation_quality.py: pix2pix only, λ = 10, EMA generator (β = 0.99) scored,
    2,000 steps of batch 32 — the settings of `keras-gans train pix2pix` on mnist2mnistm-paired.

    Judged by the shipped MNIST-M classifier (96.8 % on real MNIST-M test images). It also reads 98.6 % of the
    *untranslated* digits, so accuracy alone would pass the identity map: FID-MNIST-M checks that the outputs
    are in the MNIST-M domain (the muddy λ = 100 outputs: 55 at 800 steps).
    Measured through pytest (2026-11-23, shared 2-core CPU, 476 s wall / 203 CPU s; training 441 s): label kept
    86.6 %, FID-MNIST-M 18.3, test L1 0.59; the average per epoch rises steadily over epochs 9–15 (74.4, 78.6,
    78.8, 81.8, 82.8, 85.2, 86.6 %). The same run's plain generator: 81.0 %, FID-MNIST-M 25.2 (72–88 % over
    epochs 7–15), hence the bars. The benchmark's goal (≥ 95 %) is not reached.
    """
    bench = load_script("benchmarks/translation_quality.py")
    results = bench.main(["--model", "pix2pix", "--pix2pix-minutes", "120", "--max-steps", "2000",
                          "--lambda-l1", "10", "--ema-decay", "0.99", "--out", str(tmp_path)])
    print(results["judges"], results["pix2pix"]["final"], [e["a2b_acc"] for e in results["pix2pix"]["per_epoch"]])
    assert results["judges"]["mnistm_judge_on_mnistm_test"] > 0.95      # the shipped judge, not a weak local one
    assert results["pix2pix"]["config"]["ema_decay"] == 0.99
    final = results["pix2pix"]["final"]
    assert final["a2b_acc"] >= 0.82                # plain generator 81.0 %; λ = 100 reached 27 % at 800 steps
    assert final["fid_mnistm"] < 25.0              # plain generator 25.2


@pytest.mark.slow
def test_pix2pix_reaches_the_95_percent_goal_with_64_filters(tmp_path):
    """The benchmark's pix2pix goal, label kept ≥ 95 %: 64 filters in G and D, batch 16, λ = 10, EMA 0.99,
    4,500 steps (16 epochs; about 20 minutes on one core).

    Measured with `benchmarks/translation_quality.py --model pix2pix --filters 64 --batch-size 16
    --max-steps 4500` (2026-11-23, one TF thread, one other job on the 2 cores): 96.6 %, FID-MNIST-M 3.21,
    test L1 0.569, 1,229 s of training; per epoch 94.4 % after 8, then 95.8–97.4 % over epochs 9–16. The
    32-filter recipe of the example and the zoo preset stops at 91.8 % after 2,250 steps (docs/tutorials/pix2pix.md).
    """
    bench = load_script("benchmarks/translation_quality.py")
    results = bench.main(["--model", "pix2pix", "--filters", "64", "--batch-size", "16", "--max-steps", "4500",
                          "--pix2pix-minutes", "120", "--out", str(tmp_path)])
    run = results["pix2pix"]
    print(run["final"], run["training_seconds"], "s", [e["a2b_acc"] for e in run["per_epoch"]])
    assert run["steps"] == 4500 and run["config"]["filters"] == 64
    assert run["final"]["a2b_acc"] >= 0.95
    assert run["final"]["fid_mnistm"] < 6.0
