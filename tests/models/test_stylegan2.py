"""StyleGAN2 with tiny networks (8×8 images): training with lazy R1, truncation, style mixing, saving, export,
bfloat16, bad inputs. Its networks' blocks: tests/layers/test_stylegan_layers.py; its quality: the slow test in
test_stylegan2_quality.py."""
import os
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import StyleGAN2
from keras_gans.networks.stylegan_nets import num_styles

TINY = dict(image_shape=(8, 8, 1), latent_dim=8, style_dim=8, mapping_layers=2, filters={4: 8, 8: 4}, group_size=2)


def _data(n=16):
    x = np.random.default_rng(0).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(x).batch(4)


@pytest.fixture(scope="module")
def trained():
    """A tiny StyleGAN2 with DiffAugment and R1 every 3rd D step, fitted 4 steps; the logs of each step."""
    keras.utils.set_random_seed(0)
    gan = StyleGAN2(r1_interval=3, augment="color,translation,cutout", seed=0, **TINY)
    gan.compile()
    logs = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs=None, out=logs: out.append(logs))
    gan.fit(_data(), epochs=1, verbose=0, callbacks=[record])
    return gan, [{k: float(v) for k, v in step.items()} for step in logs]


def test_fit_is_finite_and_r1_is_applied_every_r1_interval_steps(trained):
    gan, logs = trained
    assert len(logs) == 4 and int(gan.d_steps.numpy()) == 4
    assert all(np.isfinite(v) for step in logs for v in step.values())
    # r1_penalty is the mean over the regularisation steps only: steps 0 and 3 of 0..3 with r1_interval=3
    r1 = [step["r1_penalty"] for step in logs]
    assert r1[0] > 0 and r1[1] == r1[0] and r1[2] == r1[0] and r1[3] != r1[0]
    assert np.abs(gan.w_avg.numpy()).max() > 0                            # w̄ tracks the mapped w's
    ema, live = gan.ema_generator.trainable_variables, gan.generator.trainable_variables
    assert [v.shape for v in ema] == [v.shape for v in live]
    assert any(not np.allclose(a.numpy(), b.numpy()) for a, b in zip(ema, live))   # an average, not a copy


def test_the_ema_warms_up_from_its_own_update_count():
    gan = StyleGAN2(seed=0, ema_decay=0.99, **TINY)
    gan.compile()
    gan.ema_updates.assign(100)                                # 100 updates came before (not the optimizer's count:
    gan.g_optimizer.iterations.assign(7)                       # a second compile() would restart that one)
    ema, live = gan.ema_generator.trainable_variables, gan.generator.trainable_variables
    before = [v.numpy() for v in ema]
    for v in live:
        v.assign(v.numpy() + 1.0)
    gan.update_ema()
    beta = min(0.99, (1 + 100) / (10 + 100))                    # 0.918, not 0.99: still warming up
    for avg, w0, w in zip(ema, before, live):
        np.testing.assert_allclose(avg.numpy(), beta * w0 + (1 - beta) * w.numpy(), rtol=1e-5, atol=1e-6)
    assert int(gan.ema_updates) == 101


def test_truncation_and_deterministic_sampling(trained):
    gan, _ = trained
    at_average = gan.generate(5, seed=1, truncation_psi=0.0)
    assert at_average.shape == (5, 8, 8, 1) and at_average.dtype == np.float32
    np.testing.assert_allclose(at_average, np.repeat(at_average[:1], 5, axis=0), atol=1e-6)   # every z at w̄
    np.testing.assert_allclose(at_average[0], gan.synthesize(gan.w_avg.numpy()[None])[0], atol=1e-6)
    plain = gan.generate(5, seed=1)
    np.testing.assert_array_equal(plain, gan.generate(5, seed=1))            # fixed noise outside training
    assert np.abs(plain - at_average).max() > 1e-4 and np.abs(plain).max() <= 1.0
    z = gan.latent(5, seed=1)
    np.testing.assert_allclose(gan.synthesize(gan.mapped(z)), plain, atol=1e-5)   # mapping → synthesis = generate
    half = gan.generate(z=z, truncation_psi=0.5)
    np.testing.assert_allclose(half, gan.synthesize(0.5 * gan.w_avg.numpy() + 0.5 * gan.mapped(z)), atol=1e-5)
    assert gan.generate(3, seed=0, truncation_psi=0.7, output="uint8").dtype == np.uint8


def test_style_mix_grid(trained):
    gan, _ = trained
    assert gan.num_styles == num_styles(8) == 4 and num_styles(32) == 8
    grid = gan.style_mix(n_rows=2, n_cols=3, seed=5, crossover=2)
    assert grid.shape == (3, 4, 8, 8, 1)
    assert (grid[0, 0] == -1).all()                                      # blank corner
    w = gan.mapped(gan.latent(5, seed=5))
    w_a, w_b = w[:3], w[3:]
    np.testing.assert_allclose(grid[0, 1:], gan.synthesize(w_a), atol=1e-5)         # sources A across the top
    np.testing.assert_allclose(grid[1:, 0], gan.synthesize(w_b), atol=1e-5)         # sources B down the side
    for i in range(2):                     # row i: the coarse styles (layers 0, 1) of B_i, the fine ones of A_j
        ws = np.stack([np.stack([w_b[i], w_b[i], w_a[j], w_a[j]]) for j in range(3)])
        np.testing.assert_allclose(grid[i + 1, 1:], gan.synthesize(ws), atol=1e-5)
    everything_coarse = gan.style_mix(2, 3, seed=5, crossover=gan.num_styles)       # all styles from B
    np.testing.assert_allclose(everything_coarse[1:, 1:], np.repeat(grid[1:, :1], 3, axis=1), atol=1e-5)
    nothing_coarse = gan.style_mix(2, 3, seed=5, crossover=0)                       # all styles from A
    np.testing.assert_allclose(nothing_coarse[1:, 1:], np.repeat(grid[:1, 1:], 2, axis=0), atol=1e-5)


def test_keras_round_trip_and_config(trained, tmp_path):
    gan, _ = trained
    config = gan.get_config()
    assert StyleGAN2.from_config(config).get_config() == config
    path = str(tmp_path / "stylegan2.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is StyleGAN2 and loaded.get_config() == config and loaded.augment == gan.augment
    assert int(loaded.d_steps.numpy()) == 4 and loaded.d_optimizer.learning_rate == gan.d_optimizer.learning_rate
    np.testing.assert_array_equal(loaded.w_avg.numpy(), gan.w_avg.numpy())
    np.testing.assert_array_equal(loaded.generate(4, seed=2), gan.generate(4, seed=2))
    np.testing.assert_array_equal(loaded.generate(4, seed=2, truncation_psi=0.5),
                                  gan.generate(4, seed=2, truncation_psi=0.5))


def test_export_serves_z_to_images_with_tensorflow_alone(trained, tmp_path):
    gan, _ = trained
    out = str(tmp_path / "serving")
    gan.export(out, verbose=False)
    z = gan.latent(3, seed=4)
    np.save(tmp_path / "z.npy", z)
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        sig = tf.saved_model.load({out!r}).signatures["serving_default"]
        assert sig.structured_input_signature[1]["z"].dtype == tf.float32
        np.save({str(tmp_path / 'served.npy')!r}, sig(z=tf.constant(np.load({str(tmp_path / 'z.npy')!r})))["images"])
        assert "keras_gans" not in sys.modules
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-2000:]
    served = np.load(tmp_path / "served.npy")
    assert served.dtype == np.float32
    np.testing.assert_allclose(served, gan.generate(z=z), atol=1e-5)


def test_fits_two_steps_in_mixed_bfloat16():
    keras.utils.set_random_seed(1)
    gan = StyleGAN2(dtype_policy="mixed_bfloat16", r1_interval=1, seed=1, **TINY)
    gan.compile()
    assert gan.synthesis.get_layer("conv0_8").compute_dtype == "bfloat16"
    history = gan.fit(_data(), epochs=1, steps_per_epoch=2, verbose=0)
    assert all(np.isfinite(v[-1]) and v[-1] != 0 for k, v in history.history.items() if k != "d_acc_fake")
    images = gan.generate(2, seed=0, truncation_psi=0.5)
    assert images.dtype == np.float32 and np.isfinite(images).all()


def test_bad_inputs_are_refused_with_the_fix():
    for shape, match in (((8, 16, 1), "square"), ((12, 12, 1), "power of two"), ((4, 4, 1), "power of two ≥ 8")):
        with pytest.raises(ValueError, match=match):
            StyleGAN2(**{**TINY, "image_shape": shape})
    for bad, match in ((dict(r1_interval=0), "r1_interval"), (dict(mixing_prob=1.5), "mixing_prob"),
                       (dict(augment="blur"), "Unknown DiffAugment"), (dict(ema_decay=1.0), "ema_decay"),
                       (dict(r1_gamma=-1.0), "r1_gamma"), (dict(filters={4: 8}), "no entry for resolutions")):
        with pytest.raises(ValueError, match=match):
            StyleGAN2(**{**TINY, **bad})
    gan = StyleGAN2(seed=0, **TINY)
    with pytest.raises(ValueError, match="truncation_psi"):
        gan.generate(2, truncation_psi=float("nan"))
    with pytest.raises(ValueError, match="crossover"):
        gan.style_mix(2, 2, crossover=5)
    with pytest.raises(ValueError, match=r"ws must have shape \(n, 8\) or \(n, 4, 8\)"):
        gan.synthesize(np.zeros((2, 3, 8), "float32"))
    with pytest.raises(ValueError, match="z must have shape"):
        gan.generate(z=np.zeros((2, 5), "float32"), truncation_psi=0.5)
    gan.compile()
    with pytest.raises(ValueError, match="16, 16|8, 8"):
        gan.fit(np.zeros((4, 16, 16, 1), "float32"), epochs=1, verbose=0)


def test_d_batch_joint_is_refused_because_the_minibatch_stddev_would_mix_reals_and_fakes():
    with pytest.raises(ValueError, match=r"StyleGAN2 takes d_batch='separate' only \(its D's minibatch standard "
                                         r"deviation would mix real and fake images .*\); got 'joint'\."):
        StyleGAN2(d_batch="joint", **TINY)
    gan = StyleGAN2(d_batch="separate", seed=0, **TINY)
    assert gan.d_batch == "separate" and StyleGAN2.from_config(gan.get_config()).d_batch == "separate"
    with pytest.raises(ValueError, match="StyleGAN2 takes d_batch='separate' only"):
        StyleGAN2.from_config({**gan.get_config(), "d_batch": "joint"})
    # the reason: in one call on [reals, fakes], D's score of a real image depends on the fakes beside it
    rng = np.random.default_rng(1)
    real, fake_a, fake_b = (rng.uniform(-1, 1, (4, 8, 8, 1)).astype("float32") for _ in range(3))
    d = gan.discriminator
    with_a = d(np.concatenate([real, fake_a]), training=True)[:4]
    with_b = d(np.concatenate([real, fake_b]), training=True)[:4]
    assert not np.allclose(with_a, with_b)
    np.testing.assert_allclose(d(real, training=True), d(real, training=True))      # alone: its own statistic


def test_update_simultaneous_is_refused_and_alternating_fits_a_step():
    """StyleGAN2's step is the paper's alternating loop (lazy R1 counted in D steps, then G's step moving w̄):
    "simultaneous" is refused at construction (and from a config), not silently ignored."""
    with pytest.raises(ValueError, match=r"StyleGAN2 takes update='alternating' only \(its step is the paper's "
                                         r"alternating loop: .*lazy R1.*w_avg.*\); got 'simultaneous'\."):
        StyleGAN2(update="simultaneous", **TINY)
    gan = StyleGAN2(update="alternating", seed=0, **TINY)
    assert gan.update == "alternating"
    with pytest.raises(ValueError, match="StyleGAN2 takes update='alternating' only"):
        StyleGAN2.from_config({**gan.get_config(), "update": "simultaneous"})
    gan.compile()
    gan.fit(_data(4), epochs=1, verbose=0)
    assert int(gan.d_steps.numpy()) == 1 and int(gan.g_optimizer.iterations) == 1


def test_the_augmentation_layer_is_tracked_and_saved(trained):
    gan, _ = trained
    assert gan.augmenter in gan._flatten_layers(include_self=False, recursive=False)
    assert any(v is gan.augmenter.seed_generator.state for v in gan.variables)


def _pairwise_distances(x):
    x = np.asarray(x, "float64").reshape(len(x), -1)
    d = np.sqrt(np.maximum(((x[:, None] - x[None]) ** 2).sum(-1), 0.0))
    return d[np.triu_indices(len(x), 1)]


def test_different_z_give_different_w_and_images_at_init_and_after_training(trained):
    """G must not ignore z: every pair of 8 z's gives distinct w's and distinct images, at initialisation
    and after 4 training steps, from the trained generator and from its moving average."""
    keras.utils.set_random_seed(1)
    fresh = StyleGAN2(seed=1, **TINY)
    z = fresh.latent(8, seed=3)
    for gan in (fresh, trained[0]):
        for mapping, net in ((gan.mapping, gan.generator), (gan.sampling_mapping, gan.ema_generator)):
            w = np.asarray(mapping(z, training=False))
            assert _pairwise_distances(w).min() > 0.1 * np.abs(w).mean() * np.sqrt(w.shape[1])
            images = np.asarray(net(z, training=False))
            scale = np.sqrt((images.reshape(8, -1) ** 2).sum(1)).mean()
            assert _pairwise_distances(images).min() > 0.05 * scale, (_pairwise_distances(images).min(), scale)


def test_mixed_styles_give_each_example_its_own_w_with_one_crossover_per_batch():
    keras.utils.set_random_seed(2)
    gan = StyleGAN2(mixing_prob=1.0, seed=2, **TINY)
    for _ in range(3):
        ws = np.asarray(gan.mixed_styles(6))
        assert ws.shape == (6, gan.num_styles, gan.style_dim)
        first, last = ws[:, 0], ws[:, -1]
        assert _pairwise_distances(first).min() > 1e-3 and _pairwise_distances(last).min() > 1e-3  # per example
        # with mixing_prob 1 every example switches from w1 to w2 at the same layer c in [1, num_styles)
        switched = [not np.allclose(ws[:, i], first) for i in range(gan.num_styles)]
        c = switched.index(True)
        assert 1 <= c < gan.num_styles and all(switched[c:])
        np.testing.assert_array_equal(ws[:, :c], np.repeat(first[:, None], c, axis=1))
        np.testing.assert_array_equal(ws[:, c:], np.repeat(last[:, None], gan.num_styles - c, axis=1))
    unmixed = np.asarray(StyleGAN2(mixing_prob=0.0, seed=2, **TINY).mixed_styles(6))
    np.testing.assert_array_equal(unmixed, np.repeat(unmixed[:, :1], gan.num_styles, axis=1))


def test_the_mapping_network_has_the_papers_learning_rate_multiplier_and_old_configs_keep_theirs():
    gan = StyleGAN2(seed=0, **TINY)
    assert gan.mapping_lr_multiplier == 0.01 and gan.get_config()["mapping_lr_multiplier"] == 0.01
    for mapping in (gan.mapping, gan.sampling_mapping):
        dense = [layer for layer in mapping.layers if layer.name.startswith("dense_")]
        assert len(dense) == TINY["mapping_layers"] and all(d.lr_multiplier == 0.01 for d in dense)
    old = gan.get_config()
    del old["mapping_lr_multiplier"]        # a model saved before the multiplier: its weights were trained without
    legacy = StyleGAN2.from_config(old)
    assert legacy.mapping_lr_multiplier == 1.0 and legacy.mapping.get_layer("dense_0").lr_multiplier == 1.0
    assert StyleGAN2(mapping_lr_multiplier=1.0, seed=0, **TINY).get_config()["mapping_lr_multiplier"] == 1.0
    with pytest.raises(ValueError, match="mapping_lr_multiplier"):
        StyleGAN2(mapping_lr_multiplier=0.0, **TINY)


def test_sampling_passes_z_the_way_the_networks_expect(trained):
    """No Keras "structure of `inputs` doesn't match" warning from the EMA generator (it was built on [z])."""
    gan, _ = trained
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gan.generate(4, seed=0)
        gan.generate(4, seed=0, truncation_psi=0.5)
        gan.ema_generator(gan.latent(2, seed=0), training=False)
    assert not [str(w.message) for w in caught if "structure" in str(w.message)]
