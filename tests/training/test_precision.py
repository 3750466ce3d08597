"""keras_gans.training.precision: mixed precision in every model, float32 where it matters, fp16 loss scaling."""
import functools
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.data import semi_supervised_dataset
from keras_gans.training import precision


def _images(n=8, size=8, channels=1, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, channels)).astype("float32")


def _ds(*arrays, batch=4):
    return tf.data.Dataset.from_tensor_slices(arrays[0] if len(arrays) == 1 else arrays).batch(batch).repeat()


# One tiny instance of every model, its training data, and what it returns to users.
def _gan(policy):
    g, d = kg.networks.mlp_generator(4, (8, 8, 1), hidden_units=8), kg.networks.mlp_discriminator((8, 8, 1), 8)
    return kg.models.GAN(g, d, seed=0, dtype_policy=policy), _ds(_images()), lambda m: m.generate(2, seed=0)


def _dcgan(policy, update="alternating"):
    model = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0, update=update, dtype_policy=policy)
    return model, _ds(_images()), lambda m: m.generate(2, seed=0)


def _wgan(policy):
    model = kg.models.WGAN(image_shape=(8, 8, 1), latent_dim=4, n_critic=1, ema_decay=0.9, seed=0,
                           dtype_policy=policy)
    return model, _ds(_images()), lambda m: m.generate(2, seed=0)


def _wgan_gp(policy):
    model = kg.models.WGANGP(image_shape=(8, 8, 1), latent_dim=4, n_critic=1, seed=0, dtype_policy=policy)
    return model, _ds(_images()), lambda m: m.generate(2, seed=0)


def _cgan(policy, update="alternating"):
    model = kg.models.CGAN(image_shape=(8, 8, 1), latent_dim=4, num_classes=3, seed=0, update=update,
                           dtype_policy=policy)
    labels = np.arange(8, dtype="int32") % 3
    return model, _ds(_images(), labels), lambda m: m.generate(3, seed=0, labels=[0, 1, 2])


def _sgan(policy):
    model = kg.models.SGAN(latent_dim=4, num_labeled=10, seed=0, dtype_policy=policy)
    data = semi_supervised_dataset("mnist-5k", num_labeled=10, batch_size=4, seed=0)
    return model, data, lambda m: m.classifier(_images(2, 28), training=False)


def _cyclegan(policy):
    model = kg.models.CycleGAN(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1, discriminator_filters=4,
                               discriminator_downsampling=1, pool_size=2, seed=0, dtype_policy=policy)
    a = _images(size=16, channels=3)
    return model, _ds(a, -a), lambda m: m.translate(a[:2], "a2b")


def _pix2pix(policy):
    model = kg.models.Pix2Pix(image_shape=(16, 16, 3), filters=4, discriminator_filters=4,
                              discriminator_downsampling=1, ema_decay=0.9, seed=0, dtype_policy=policy)
    a = _images(size=16, channels=3)
    return model, _ds(a, -a), lambda m: m.translate(a[:2])


def _cogan(policy):
    model = kg.models.CoGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2, seed=0, dtype_policy=policy)
    a = _images()
    return model, _ds(a, -a), lambda m: np.concatenate(m.generate_pair(2, seed=0))


def _progan(policy):
    model = kg.models.ProGAN(start_resolution=4, target_resolution=8, latent_dim=4, max_filters=4, seed=0,
                             dtype_policy=policy)
    return model, _ds(_images(size=4)), lambda m: m.generate(2, seed=0)


def _vae(policy):
    model = kg.models.VAE(image_shape=(8, 8, 1), latent_dim=2, intermediate_dim=8, seed=0, dtype_policy=policy)
    return model, _ds(_images()), lambda m: m.generate(2, seed=0)


# the models of issue 24
def _labelled(n=8, classes=4):
    return _ds(_images(n, 16), (np.arange(n) % classes).astype("int32"))


def _sagan(policy, **tricks):
    model = kg.models.SAGAN(image_shape=(16, 16, 1), latent_dim=8, width=4, seed=0, dtype_policy=policy, **tricks)
    return model, _ds(_images(size=16)), lambda m: m.generate(2, seed=0)


def _biggan(policy):
    model = kg.models.BigGAN(image_shape=(16, 16, 1), latent_dim=9, num_classes=4, width=4, embedding_dim=4, seed=0,
                             dtype_policy=policy)
    return model, _labelled(), lambda m: m.generate(4, seed=0, labels=[0, 1, 2, 3])


def _acgan(policy, **tricks):
    model = kg.models.ACGAN(image_shape=(16, 16, 1), latent_dim=8, num_classes=4, filters=4, seed=0,
                            dtype_policy=policy, **tricks)
    return model, _labelled(), lambda m: m.generate(4, seed=0, labels=[0, 1, 2, 3])


def _infogan(policy, **tricks):
    d = kg.networks.infogan_discriminator((16, 16, 1), filters=4, hidden_units=16, q_units=8)
    model = kg.models.InfoGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, hidden_units=16, discriminator=d,
                              seed=0, dtype_policy=policy, **tricks)
    return model, _ds(_images(size=16)), lambda m: m.generate(2, seed=0)


def _stylegan2(policy):
    model = kg.models.StyleGAN2(image_shape=(8, 8, 1), latent_dim=8, style_dim=8, mapping_layers=2,
                                filters={4: 8, 8: 4}, group_size=2, seed=0, dtype_policy=policy)
    return model, _ds(_images()), lambda m: m.generate(2, seed=0)


def _srgan(policy):
    model = kg.models.SRGAN(lowres_shape=(8, 8, 3), scale=4, filters=4, num_residual_blocks=1, discriminator_filters=4,
                            discriminator_downsampling=2, dense_units=8, seed=0, dtype_policy=policy)
    high = _images(size=32, channels=3)
    low = tf.image.resize(high, (8, 8), method="bicubic").numpy().clip(-1, 1)
    return model, _ds(low, high), lambda m: m.upscale(low[:2])


def _discogan(policy):
    model = kg.models.DiscoGAN(image_shape=(16, 16, 3), filters=4, depth=2, seed=0, dtype_policy=policy)
    a = _images(size=16, channels=3)
    return model, _ds(a, -a), lambda m: m.translate(a[:2], "a2b")


MODELS = {"gan": _gan, "dcgan": _dcgan, "wgan": _wgan, "wgan_gp": _wgan_gp, "cgan": _cgan, "sgan": _sgan,
          "cyclegan": _cyclegan, "pix2pix": _pix2pix, "cogan": _cogan, "progan": _progan, "vae": _vae,
          "sagan": _sagan, "biggan": _biggan, "acgan": _acgan, "infogan": _infogan, "stylegan2": _stylegan2,
          "srgan": _srgan, "discogan": _discogan}
# ... and the ones that sample from an EMA generator (ema_decay of the training tricks)
MODELS.update({f"{name}_ema": functools.partial(MODELS[name], ema_decay=0.9) for name in ("sagan", "acgan", "infogan")})


#: bfloat16 is emulated, and several times slower, on CPUs without AVX-512 BF16 or AMX, so the fast suite runs this
#: test for one model of each kind: noise -> image (dcgan), conditional (cgan), progressive (progan), translation with
#: an EMA generator (pix2pix), a pair (cogan). The models of issue 24 each fit two steps in bfloat16 in their own fast
#: test (tests/models/test_NAME.py). The other models run here under `slow`.
FAST_BFLOAT16 = {"dcgan", "cgan", "progan", "pix2pix", "cogan"}


@pytest.mark.parametrize("name", [name if name in FAST_BFLOAT16 else pytest.param(name, marks=pytest.mark.slow)
                                  for name in sorted(MODELS)])
def test_every_model_trains_in_bfloat16_returns_float32_and_keeps_its_policy_when_saved(name, tmp_path):
    keras.utils.set_random_seed(0)
    model, data, output = MODELS[name]("mixed_bfloat16")
    model.compile()
    # the networks compute in bfloat16 ...
    weighted = [layer for layer in model._flatten_layers(recursive=True)
                if layer.weights and not isinstance(layer, keras.Model)]
    assert any(layer.compute_dtype == "bfloat16" for layer in weighted)
    assert all(layer.variable_dtype == "float32" for layer in weighted)  # ... and keep float32 weights
    if getattr(model, "ema_generator", None) is not None:                # the EMA copy samples in bfloat16 too
        assert any(layer.compute_dtype == "bfloat16" for layer in model.ema_generator.layers if layer.weights)
    logs = model.fit(data, epochs=1, steps_per_epoch=2, verbose=0).history
    assert logs and all(np.isfinite(v[-1]) for v in logs.values()), logs
    before = np.asarray(output(model))
    assert before.dtype == np.float32 and np.isfinite(before).all()

    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.dtype_policy.name == "mixed_bfloat16"
    assert any(layer.compute_dtype == "bfloat16" for layer in loaded._flatten_layers(recursive=True)
               if layer.weights and not isinstance(layer, keras.Model))
    np.testing.assert_allclose(np.asarray(output(loaded)), before, atol=1e-6)


def test_cgan_trains_in_bfloat16_with_simultaneous_updates():
    keras.utils.set_random_seed(0)
    model, data, output = _cgan("mixed_bfloat16", update="simultaneous")
    model.compile()
    assert model.generator.get_layer("cgan_generator_body").compute_dtype == "bfloat16"
    logs = model.fit(data, epochs=1, steps_per_epoch=2, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in logs.values()), logs
    assert int(model.d_optimizer.iterations) == int(model.g_optimizer.iterations) == 2
    images = np.asarray(output(model))
    assert images.dtype == np.float32 and np.isfinite(images).all()


def test_style_transfer_runs_vgg_in_bfloat16_with_float32_losses():
    rng = np.random.default_rng(0)
    content, style = (rng.integers(0, 256, (32, 32, 3), dtype=np.uint8) for _ in range(2))
    st = kg.models.StyleTransfer(content, style, weights=None, height=32, seed=0, dtype_policy="mixed_bfloat16")
    assert st.extractor.get_layer("block1_conv2").compute_dtype == "bfloat16"
    assert st.image.dtype == "float32" and st.content_target.dtype == "float32"
    st.compile()
    history = st.run(steps=2, log_every=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert st.get_config()["dtype_policy"] == "mixed_bfloat16"


def test_output_layers_compute_in_float32_and_weights_carry_over():
    g = kg.networks.book_dcgan_generator()
    before = [w.copy() for w in g.get_weights()]
    z = np.random.default_rng(0).standard_normal((2, 100)).astype("float32")
    reference = g(z, training=False).numpy()
    precision.apply_policy(g, "mixed_bfloat16")
    assert g.output.dtype == "float32" and g.layers[-1].dtype_policy.name == "float32"
    assert g.layers[1].dtype_policy.name == "mixed_bfloat16" and g.layers[0].dtype_policy.name == "float32"
    out = g(z, training=False).numpy()
    assert out.dtype == np.float32
    assert 0 < np.abs(out - reference).max() < 0.1  # bfloat16 arithmetic: close, not equal
    precision.apply_policy(g, "float32")  # back: the weights never changed, so the float32 output returns
    np.testing.assert_array_equal(g(z, training=False).numpy(), reference)
    for a, b in zip(before, g.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_global_policy_is_followed_and_outputs_stay_float32():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        g, d = kg.networks.book_dcgan_generator(), kg.networks.book_dcgan_discriminator()
        assert g.output.dtype == "bfloat16"  # what Keras alone gives under the global policy
        gan = kg.models.DCGAN(generator=g, discriminator=d)
        assert gan.dtype_policy.name == "mixed_bfloat16"
        z = np.zeros((2, 100), "float32")
        assert g(z).dtype == "float32" and d(g(z)).dtype == "float32"  # computed: the output layers now float32
        assert g.layers[1].dtype_policy.name == "mixed_bfloat16"
        assert gan.generate(2, seed=0).dtype == np.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_pure_low_precision_and_unknown_policies_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="use 'mixed_bfloat16'"):
        kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, dtype_policy="bfloat16")
    with pytest.raises(ValueError, match="dtype_policy must be one of"):
        kg.models.VAE(dtype_policy="int8")
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.precision_policy("half")
    assert precision.precision_policy("bfloat16") == "mixed_bfloat16"


def test_mixed_float16_wraps_both_optimizers_in_loss_scaling_once(tmp_path):
    gan, data, _ = _dcgan("mixed_float16")
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    gan.fit(data, epochs=1, steps_per_epoch=2, verbose=0)
    gan.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")  # compile_from_config: not wrapped twice
    assert isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert not isinstance(loaded.d_optimizer.inner_optimizer, keras.optimizers.LossScaleOptimizer)
    vae, _, _ = _vae("mixed_float16")
    vae.compile()
    assert isinstance(vae.optimizer, keras.optimizers.LossScaleOptimizer)
    bf16, _, _ = _dcgan("mixed_bfloat16")
    bf16.compile()
    assert not isinstance(bf16.d_optimizer, keras.optimizers.LossScaleOptimizer)


def test_float16_overflow_skips_the_step_and_lowers_the_scale():
    keras.utils.set_random_seed(0)
    gan, data, _ = _dcgan("mixed_float16", update="simultaneous")
    scale = 2.0 ** 60  # scaled gradients overflow float16 (max 65504) in the first backward pass
    gan.compile(d_optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(1e-3), initial_scale=scale),
                g_optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(1e-3), initial_scale=scale))
    before = [w.copy() for w in gan.generator.get_weights() + gan.discriminator.get_weights()]
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert float(optimizer.dynamic_scale) == scale / 2  # overflow seen: the scale halves ...
        assert int(optimizer.inner_optimizer.iterations) == 0  # ... and the update is skipped
    after = gan.generator.get_weights() + gan.discriminator.get_weights()
    trainable = {id(v) for v in gan.generator.trainable_variables + gan.discriminator.trainable_variables}
    weights = gan.generator.weights + gan.discriminator.weights
    for w, a, b in zip(weights, before, after):
        assert np.isfinite(b).all()
        if id(w) in trainable:
            np.testing.assert_array_equal(a, b)
    # the scale keeps halving until the gradients fit, then training proceeds with finite weights
    gan.fit(data, epochs=1, steps_per_epoch=50, verbose=0)
    assert float(gan.d_optimizer.dynamic_scale) < 2.0 ** 20
    assert int(gan.d_optimizer.inner_optimizer.iterations) > 0
    assert all(np.isfinite(w).all() for w in gan.generator.get_weights())


def test_export_signature_stays_float32_under_bfloat16(tmp_path):
    gan, data, _ = _dcgan("mixed_bfloat16")
    gan.compile()
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    path = gan.export(tmp_path / "sm", verbose=False)
    serve = tf.saved_model.load(path).signatures["serving_default"]
    assert serve.structured_input_signature[1]["z"].dtype == tf.float32
    out = serve(z=tf.constant(gan.latent(2, seed=0)))["images"]
    assert out.dtype == tf.float32
    # graph and eager kernels round bfloat16 differently: close, within bfloat16's precision
    np.testing.assert_allclose(out.numpy(), gan.generate(2, seed=0), atol=1e-2)


def _trained_in_bfloat16_and_its_float32_twin(tmp_path):
    """A tiny DCGAN trained one step in bf16, and a float32 DCGAN holding the same weights."""
    gan, data, _ = _dcgan("mixed_bfloat16")
    gan.compile()
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    gan.save_weights(tmp_path / "w.weights.h5")
    f32 = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0, dtype_policy="float32")
    f32.compile()
    f32.load_weights(tmp_path / "w.weights.h5")
    return gan, f32


def test_a_bfloat16_model_samples_in_float32_and_back(tmp_path):
    gan, f32 = _trained_in_bfloat16_and_its_float32_twin(tmp_path)
    a, b = gan.generate(4, seed=1), f32.generate(4, seed=1)
    assert a.dtype == b.dtype == np.float32
    assert np.abs(a - b).max() < 0.1  # the same weights, computed in two precisions


def test_model_in_policy_scores_a_bfloat16_model_as_its_float32_preset_samples_then_switches_back(tmp_path):
    gan, f32 = _trained_in_bfloat16_and_its_float32_twin(tmp_path)
    bf16 = gan.generate(4, seed=1)
    with precision.model_in_policy(gan, "float32"):
        assert gan.dtype_policy.name == "float32"
        np.testing.assert_array_equal(gan.generate(4, seed=1), f32.generate(4, seed=1))   # what the preset gives
    assert gan.dtype_policy.name == "mixed_bfloat16"
    assert any(layer.dtype_policy.name == "mixed_bfloat16" for layer in gan.generator.layers)
    np.testing.assert_array_equal(gan.generate(4, seed=1), bf16)


def test_sgan_built_by_its_recipe_under_bfloat16_trains_with_float32_augmentation():
    # Recipe.build makes the model under the global bf16 policy, so SGAN's RandomTranslation is created in bf16;
    # its op has no bf16 gradient (the generator step failed with "Invalid dtype bfloat16") unless set back to float32
    from keras_gans import recipes

    recipe = recipes.get("sgan")
    model, data, _ = recipe.build(recipe.args(batch_size=8, latent_dim=4, num_labeled=10, precision="bfloat16"))
    kept = [layer for layer in model.discriminator._flatten_layers() if precision._keeps_float32(layer)]
    assert kept and all(layer.dtype_policy.name == "float32" for layer in kept)
    history = model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])


def test_training_under_another_backend_says_it_needs_tensorflow_and_presets_still_sample():
    # jax is a dev extra (setup.cfg); the package itself never imports it
    script = (
        "import keras_gans as kg\n"
        "try:\n"
        "    kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4)\n"
        "except RuntimeError as e:\n"
        "    print('MESSAGE', e)\n"
        "images = kg.zoo.sample('dcgan_mnist', 2, seed=0)\n"
        "print('SAMPLED', images.shape, images.dtype)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_GANS_OFFLINE": "1",
           "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "MESSAGE Training needs the TensorFlow backend" in out.stdout and "'jax'" in out.stdout
    assert "SAMPLED (2, 28, 28, 1) float32" in out.stdout


def test_a_preset_trained_in_bfloat16_loads_in_float32_by_default_or_in_the_precision_asked(tmp_path):
    gan, data, _ = _dcgan("mixed_bfloat16")
    gan.compile()
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    folder = kg.zoo.publish(gan, tmp_path / "bf16", samples=False, training_command="(test)")
    assert kg.zoo.info(folder)["training_precision"] == "mixed_bfloat16"
    assert "| Trained in | mixed_bfloat16" in open(os.path.join(folder, "README.md")).read()
    g = kg.zoo.load(folder)
    assert {layer.compute_dtype for layer in g.layers if layer.weights} == {"float32"}
    bf16 = kg.zoo.load(folder, dtype_policy="mixed_bfloat16")
    assert "bfloat16" in {layer.compute_dtype for layer in bf16.layers if layer.weights}
    z = gan.latent(4, seed=0)
    a, b = kg.zoo.sample(folder, 4, seed=0, model=g), kg.zoo.sample(folder, 4, seed=0, model=bf16)
    assert a.dtype == b.dtype == np.float32 and np.abs(a - b).max() < 0.1
    np.testing.assert_allclose(bf16(z, training=False).numpy(), gan.generate(z=z), atol=1e-6)
    model = kg.models.DCGAN.from_preset(folder)
    assert model.dtype_policy.name == "float32" and model.generate(2, seed=0).dtype == np.float32
    assert kg.models.DCGAN.from_preset(folder, dtype_policy="mixed_bfloat16").dtype_policy.name == "mixed_bfloat16"


# --------------------------------------------------------------- native bfloat16 and --precision auto
def _cpuinfo(tmp_path, flags):
    """A fake /proc/cpuinfo of two processors with `flags` (None: no flags line, as on ARM's "Features")."""
    lines = "".join(f"processor\t: {i}\nvendor_id\t: Fake\nmodel name\t: Fake CPU\n"
                    + (f"flags\t\t: {flags}\n" if flags is not None else "Features\t: fp asimd bf16\n")
                    + "vmx flags\t: vnmi amx_bf16 avx512_bf16\n\n" for i in range(2))  # another key that ends in flags
    path = tmp_path / "cpuinfo"
    path.write_text(lines)
    return str(path)


@pytest.fixture
def no_accelerator(monkeypatch):
    """No GPU or TPU (one would decide before the CPU's flags), and no answer cached from another file."""
    monkeypatch.setattr(precision, "_accelerator", lambda: None)
    precision.bfloat16_support.cache_clear()
    yield
    precision.bfloat16_support.cache_clear()


@pytest.mark.parametrize("flags, native, why", [
    ("fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_bf16 avx512_vnni", True, "AVX-512 BF16"),
    ("fpu sse4_2 avx avx2 fma avx512f amx_bf16 amx_tile amx_int8", True, "AMX"),
    ("fpu sse4_2 avx avx2 fma", False, "no AVX-512 BF16 or AMX"),   # the AMD EPYC (Zen 3) of 2026-12-06
    (None, False, "cannot be read"),                               # no flags line (ARM, other kernels)
])
def test_native_bfloat16_reads_the_cpus_flags(flags, native, why, tmp_path, no_accelerator):
    cpuinfo = _cpuinfo(tmp_path, flags)
    assert precision.native_bfloat16(cpuinfo) is native
    assert why in precision.bfloat16_support(cpuinfo)[1]
    assert precision.resolve_precision("auto", cpuinfo)[0] == ("bfloat16" if native else "float32")


def test_native_bfloat16_is_false_where_the_flags_cannot_be_read_and_true_with_a_gpu(tmp_path, no_accelerator,
                                                                                        monkeypatch):
    missing = str(tmp_path / "no-such-cpuinfo")                      # not Linux: no /proc/cpuinfo
    assert precision.cpu_flags(missing) is None and precision.native_bfloat16(missing) is False
    assert precision.resolve_precision("auto", missing) == (
        "float32", f"no GPU is visible and this CPU's flags cannot be read from {missing}; bfloat16 would be emulated")
    assert precision.emulation_warning("bfloat16", missing).startswith("bfloat16 is probably emulated here (")
    assert precision.cpu_flags(_cpuinfo(tmp_path, "fpu avx2")) == {"fpu", "avx2"}
    monkeypatch.setattr(precision, "_accelerator", lambda: "GPU")
    precision.bfloat16_support.cache_clear()
    avx2 = _cpuinfo(tmp_path, "fpu avx avx2")
    assert precision.bfloat16_support(avx2) == (True, "a GPU is visible")
    assert precision.resolve_precision("auto", avx2) == ("bfloat16", "a GPU is visible")


def test_native_bfloat16_is_cached():
    precision.native_bfloat16()
    hits = precision.bfloat16_support.cache_info().hits
    assert precision.native_bfloat16() in (True, False)
    assert precision.bfloat16_support.cache_info().hits == hits + 1


@pytest.mark.parametrize("native", [True, False])
def test_auto_resolves_to_bfloat16_where_it_is_native_else_float32(native, monkeypatch):
    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: native)
    chosen, why = precision.resolve_precision("auto")
    assert chosen == ("bfloat16" if native else "float32") and why
    assert precision.precision_policy("auto") == ("mixed_bfloat16" if native else "float32")
    for name in ("float32", "bfloat16", "float16"):                 # an explicit name is kept as it is
        assert precision.resolve_precision(name) == (name, None)
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.resolve_precision("mixed_bfloat16")
    from keras_gans import recipes                                  # Recipe.build resolves it into args too

    recipe = recipes.get("dcgan")
    args = recipe.args(precision="auto", latent_dim=4, batch_size=8)
    model, _, _ = recipe.build(args)
    assert args.precision == chosen and model.dtype_policy.name == precision.PRECISIONS[chosen]


def test_the_flag_offers_auto_and_the_emulation_warning_names_the_measurement(monkeypatch):
    from keras_gans.recipes.base import PRECISION

    assert PRECISION.choices == precision.PRECISION_CHOICES and PRECISION.default == "float32"
    assert "auto" in PRECISION.help and "7x" in PRECISION.help
    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: False)
    warning = precision.emulation_warning("bfloat16")
    assert "emulated" in warning and "7x slower than float32" in warning and "2026-12-06" in warning
    assert "--precision auto" in warning and "--precision float32" in warning and "\n" not in warning
    assert precision.emulation_warning("float32") is None and precision.emulation_warning("float16") is None
    monkeypatch.setattr(precision, "native_bfloat16", lambda cpuinfo=precision.CPUINFO: True)
    assert precision.emulation_warning("bfloat16") is None
