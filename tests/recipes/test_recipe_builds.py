"""What each recipe builds: a compiled model, its data and extra callbacks, with the settings its flags ask for.

Only builds (no training here: tests/test_seeded_runs.py trains every `keras-gans train NAME` two steps
against recorded numbers).
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import cli, recipes
from keras_gans.recipes.progan import MNIST_32_RECIPE

#: Small settings per recipe, and what the model and the first element of the data must be.
TINY = {
    "gan": (dict(latent_dim=8, batch_size=4), "GAN", (4, 28, 28, 1)),
    "dcgan": (dict(latent_dim=8, batch_size=4, image_size=16), "DCGAN", (4, 16, 16, 1)),
    "wgan": (dict(latent_dim=8, batch_size=4, n_critic=2), "WGAN", (8, 28, 28, 1)),
    "wgan_gp": (dict(latent_dim=8, batch_size=4, n_critic=3), "WGANGP", (12, 28, 28, 1)),
    "cgan": (dict(latent_dim=8, batch_size=4), "CGAN", (4, 28, 28, 1)),
    "sgan": (dict(latent_dim=8, batch_size=4, num_labeled=20), "SGAN", (4, 28, 28, 1)),
    "progan": (dict(latent_dim=8, batch_size=4, target_resolution=8, dataset="digits"), "ProGAN", (4, 8, 8, 1)),
    "cyclegan": (dict(batch_size=2, filters=4, image_size=16), "CycleGAN", (2, 16, 16, 3)),
    "pix2pix": (dict(batch_size=2, filters=4, image_size=16), "Pix2Pix", (2, 16, 16, 3)),
    "cogan": (dict(latent_dim=8, batch_size=2), "CoGAN", (2, 28, 28, 1)),
    "srgan": (dict(batch_size=2, filters=4, residual_blocks=1), "SRGAN", (2, 8, 8, 3)),
    "discogan": (dict(batch_size=2, filters=4, image_size=16), "DiscoGAN", (2, 16, 16, 3)),
    "sagan": (dict(latent_dim=8, batch_size=4, width=4, image_size=16), "SAGAN", (4, 16, 16, 1)),
    "biggan": (dict(latent_dim=9, batch_size=4, width=4, embedding_dim=4), "BigGAN", (4, 28, 28, 1)),
    "stylegan2": (dict(latent_dim=8, style_dim=8, batch_size=4, image_size=8), "StyleGAN2", (4, 8, 8, 1)),
    "acgan": (dict(latent_dim=8, batch_size=4), "ACGAN", (4, 28, 28, 1)),
    "infogan": (dict(latent_dim=8, batch_size=4), "InfoGAN", (4, 28, 28, 1)),
}


def _first_images(ds):
    spec = ds.element_spec
    if isinstance(spec, dict):
        return spec["images"]
    while isinstance(spec, tuple):
        spec = spec[0]
    return spec


def build(name, **values):
    recipe = recipes.get(name)
    return recipe.build(recipe.args(**values))


def test_every_recipe_has_tiny_settings_here():
    assert sorted(TINY) == sorted(recipes.names())


@pytest.mark.parametrize("name", sorted(TINY))
def test_build_returns_a_compiled_model_its_data_and_callbacks(name):
    values, cls, shape = TINY[name]
    model, ds, callbacks = build(name, epochs=1, **values)
    assert type(model) is getattr(kg.models, cls)
    assert model.compiled and model.d_optimizer is not model.g_optimizer
    assert isinstance(ds, tf.data.Dataset) and tuple(_first_images(ds).shape) == shape
    assert isinstance(callbacks, list) and all(isinstance(c, keras.callbacks.Callback) for c in callbacks)


# ---------------------------------------------------------------------------- unconditional
def test_gan_and_dcgan_take_the_update_rule_and_the_d_batch():
    model, _, _ = build("dcgan", latent_dim=8, update="simultaneous", d_batch="joint")
    assert (model.update, model.d_batch, model.latent_dim) == ("simultaneous", "joint", 8)
    assert build("gan", latent_dim=8)[0].d_batch == "separate"       # the command line's default


def test_dcgan_ema_decay_and_augment_build_dcgan_with_tricks():
    model, _, _ = build("dcgan", latent_dim=8, update="simultaneous", ema_decay=0.99, augment="translation,cutout")
    assert type(model) is kg.models.DCGANWithTricks
    assert (model.update, model.ema_decay, model.augment) == ("simultaneous", 0.99, "translation,cutout")
    assert model.sampling_generator is model.ema_generator
    assert type(build("dcgan", latent_dim=8)[0]) is kg.models.DCGAN         # no trick asked: the plain model
    with pytest.raises(ValueError, match="Unknown DiffAugment operation"):
        build("dcgan", latent_dim=8, augment="rotate")


def test_wgan_batches_hold_n_critic_times_the_batch_size():
    model, ds, _ = build("wgan_gp", batch_size=16, latent_dim=32)
    assert type(model) is kg.models.WGANGP and model.n_critic == 5 and ds.element_spec.shape[0] == 5 * 16
    model, ds, _ = build("wgan", batch_size=16, latent_dim=32, n_critic=3)
    assert type(model) is kg.models.WGAN and model.n_critic == 3 and ds.element_spec.shape[0] == 3 * 16


def test_ema_decay_builds_an_ema_generator_only_when_asked():
    model, _, _ = build("wgan_gp", ema_decay=0.99, latent_dim=8)
    assert model.ema_decay == 0.99 and model.ema_generator is not None and model.ema_generator is not model.generator
    assert build("wgan_gp", latent_dim=8)[0].ema_generator is None
    assert build("cgan", ema_decay=0.9, latent_dim=8)[0].ema_decay == 0.9


# ---------------------------------------------------------------------------- conditional
def test_cgan_trains_on_labelled_data_with_the_asked_conditioning():
    model, ds, _ = build("cgan", batch_size=8, latent_dim=16, conditioning="one_hot")
    assert type(model) is kg.models.CGAN and model.conditioning == "one_hot"
    x, y = next(iter(ds))
    assert x.shape == (8, 28, 28, 1) and y.dtype == tf.int32
    assert model.update == "alternating"                                           # the command line's default


def test_cgan_takes_the_update_rule():
    model, _, _ = build("cgan", latent_dim=8, update="simultaneous", ema_decay=0.9)
    assert type(model) is kg.models.CGAN and (model.update, model.ema_decay) == ("simultaneous", 0.9)
    args = cli.build_parser().parse_args(["train", "cgan", "--update", "simultaneous", "--out", "x"])
    assert recipes.get("cgan").build(args)[0].update == "simultaneous"


def test_sgan_uses_num_labeled_and_decays_the_learning_rate_over_the_whole_run():
    model, ds, _ = build("sgan", batch_size=32, latent_dim=16, num_labeled=50, epochs=3)
    assert type(model) is kg.models.SGAN and model.num_labeled == 50
    labels = np.concatenate([b["labels"].numpy() for b in ds.take(10)])
    assert np.bincount(labels, minlength=10).min() > 0
    assert model.lr_decay_steps == 3 * ((4500 - 50) // 32) == 3 * int(ds.cardinality())
    assert build("sgan", batch_size=32, latent_dim=16, epochs=3, steps_per_epoch=10)[0].lr_decay_steps == 30


# ---------------------------------------------------------------------------- progan
def test_progan_grows_to_the_target_with_equal_phases():
    model, ds, _ = build("progan", dataset="mnist-5k", target_resolution=16, epochs=2, batch_size=32, latent_dim=16)
    assert isinstance(model, kg.models.ProGAN)
    assert (model.start_resolution, model.target_resolution, model.latent_dim, model.channels) == (4, 16, 16, 1)
    assert tuple(ds.element_spec.shape) == (32, 16, 16, 1)
    phases = model.phases()
    assert len(phases) == 5 and {p.batch_size for p in phases} == {32}
    assert sum(p.images for p in phases) == pytest.approx(2 * 4480, rel=0.01)   # --epochs passes in total
    assert model._is_target_data(ds)
    with pytest.raises(ValueError, match="power of two"):
        build("progan", dataset="mnist-5k", target_resolution=20)
    with pytest.raises(ValueError, match="power of two"):
        build("progan", dataset="mnist-5k", image_size=20)            # --image-size stands in for the target


def test_progan_uses_the_mnist_32_recipe():
    """`--dataset mnist-5k --target-resolution 32` builds the slow test's model and schedule."""
    recipe = MNIST_32_RECIPE
    settings = dict(dataset="mnist-5k", target_resolution=32, epochs=recipe["epochs"],
                    batch_size=recipe["batch_size"], latent_dim=recipe["latent_dim"])
    model, _, _ = build("progan", **settings)
    assert model.filters == recipe["filters"] and model.ema_decay == recipe["ema_decay"] and model.latent_dim == 64
    expected = kg.models.ProGANSchedule(recipe["transition_images"], recipe["stable_images"], recipe["batch_size"])
    assert model.phases() == expected.phases(4, 32)
    assert sum(p.images for p in model.phases()) == recipe["epochs"] * 4480     # --epochs passes in total
    longer = build("progan", **{**settings, "epochs": recipe["epochs"] + 2})[0].phases()  # extra passes: last phase
    assert longer[:-1] == model.phases()[:-1] and longer[-1].images == model.phases()[-1].images + 2 * 4480
    with pytest.raises(ValueError, match="too short"):
        build("progan", **{**settings, "epochs": 3})
    other = build("progan", **{**settings, "target_resolution": 16})[0]            # no tuned recipe: equal phases
    assert len({p.images for p in other.phases()}) == 1


# ---------------------------------------------------------------------------- image to image
def test_cyclegan_builds_from_the_offline_pair_with_the_papers_learning_rate_decay():
    model, ds, _ = build("cyclegan", batch_size=8, epochs=4, filters=4)
    assert model.shape_a == model.shape_b == (32, 32, 3) and ds.element_spec[0].shape == (8, 32, 32, 3)
    assert model.generate(4).shape == (4, 32, 32, 3)          # the preview images come from the data
    total = 4 * int(ds.cardinality())
    assert model.g_optimizer._learning_rate.get_config() == {"learning_rate": 2e-4,
                                                             "constant_steps": total - total // 2,
                                                             "decay_steps": total // 2}
    assert model.d_optimizer._learning_rate.get_config() == model.g_optimizer._learning_rate.get_config()
    assert model.g_optimizer.beta_1 == model.d_optimizer.beta_1 == 0.5
    # the class on its own keeps a constant 2e-4
    plain = kg.models.CycleGAN(image_shape=(16, 16, 3), filters=4, num_residual_blocks=1, discriminator_filters=4)
    plain.compile()
    assert float(plain.g_optimizer.learning_rate) == pytest.approx(2e-4)
    # "mnist-5k" (the former default of every model) still means the default pair
    assert build("cyclegan", dataset="mnist-5k", batch_size=8, filters=4)[1].element_spec[0].shape == (8, 32, 32, 3)


def test_filters_d_downsampling_and_lambda_cycle_b_reach_the_translation_models():
    default = build("pix2pix", steps_per_epoch=1)[0]
    wide = build("pix2pix", filters=32, steps_per_epoch=1)[0]
    assert (default.filters, default.discriminator_filters) == (16, 16)
    assert (wide.filters, wide.discriminator_filters) == (32, 32)
    assert wide.generator.count_params() > 3 * default.generator.count_params()
    assert build("cyclegan", filters=8, epochs=1, steps_per_epoch=1)[0].filters == 8
    tiny = dict(epochs=1, steps_per_epoch=1, filters=4)
    assert build("cyclegan", **tiny)[0].lambda_cycle_b is None
    assert build("cyclegan", lambda_cycle_b=0, **tiny)[0].lambda_cycle_b == 0.0
    for name in ("cyclegan", "pix2pix"):
        default = build(name, **tiny)[0]
        assert default.discriminator_downsampling == 2                     # 32 px images
        deeper = build(name, d_downsampling=3, **tiny)[0]
        assert deeper.discriminator_downsampling == 3
        assert deeper.discriminator.output_shape[1:3] == (4, 4)            # 32 / 2^3
        assert default.discriminator.output_shape[1:3] == (8, 8)


def test_pix2pix_needs_aligned_pairs_and_picks_lambda_l1_from_the_dataset():
    """MNIST-M backgrounds are unpredictable from the digit: λ = 10 there, the paper's 100 elsewhere."""
    from keras_gans.models.pix2pix import MNISTM_LAMBDA_L1

    with pytest.raises(ValueError, match="aligned pairs"):
        build("pix2pix", dataset="mnist2mnistm-unpaired", batch_size=8)

    def lambda_l1(dataset, **extra):
        return build("pix2pix", dataset=dataset, batch_size=8, filters=4, **extra)[0].lambda_l1

    assert MNISTM_LAMBDA_L1 == 10.0
    assert lambda_l1("mnist2mnistm-paired") == 10.0
    assert lambda_l1("mnist-5k") == 10.0                 # the former default: the default pair
    assert lambda_l1("mnist2negative-paired", image_size=32) == 100.0
    assert lambda_l1("mnist2mnistm-paired", lambda_l1=3.0) == 3.0


def test_pix2pix_ema_generator_is_opt_in():
    assert build("pix2pix", batch_size=8, filters=4)[0].ema_generator is None
    model = build("pix2pix", batch_size=8, filters=4, ema_decay=0.99)[0]
    assert model.ema_decay == 0.99 and model.sampling_generator is model.ema_generator is not None


def test_cogan_trains_on_digits_and_their_negatives_by_default():
    _, ds, _ = build("cogan", batch_size=32)
    a, b = next(iter(ds))
    assert a.shape == b.shape == (32, 28, 28, 1)
    assert float(np.mean(a)) < -0.5 < 0.5 < float(np.mean(b))


def test_cogan_takes_ema_decay_and_learning_rates():
    default = build("cogan", latent_dim=8, batch_size=2, epochs=1, steps_per_epoch=1)[0]
    assert default.ema_decay is None and default.ema_generators is None
    assert float(default.d_optimizer.learning_rate) == pytest.approx(2e-4)
    model = build("cogan", latent_dim=8, batch_size=2, ema_decay=0.99, d_lr=4e-4, g_lr=3e-4, epochs=1,
                  steps_per_epoch=1)[0]
    assert model.ema_decay == 0.99 and model.ema_generators is not None
    d, g = model.d_optimizer, model.g_optimizer
    assert float(d.learning_rate) == pytest.approx(4e-4) and float(g.learning_rate) == pytest.approx(3e-4)
    assert (d.beta_1, g.beta_1) == (0.5, 0.5)                       # CoGAN's Adam settings kept
    assert float(build("cogan", latent_dim=8, batch_size=2, g_lr=1e-3)[0].d_optimizer.learning_rate) == \
        pytest.approx(2e-4)
    with pytest.raises(ValueError, match="--ema-decay"):
        recipes.get("cogan").args(ema_decay=1.0)


def test_cogan_filters_widen_both_networks():
    narrow = build("cogan", latent_dim=8, batch_size=2)[0]
    wide = build("cogan", latent_dim=8, batch_size=2, filters=8)[0]
    assert (narrow.filters, wide.filters) == (32, 8)
    assert wide.generator_a.get_layer("shared_convT2").filters == 8
    assert wide.discriminator_b.get_layer("shared_conv").filters == 16
    with pytest.raises(ValueError, match="--filters"):
        recipes.get("cogan").args(filters=0)


def test_precision_flag_builds_the_model_in_that_policy_and_leaves_the_global_policy_alone():
    import keras

    recipe = recipes.get("dcgan")
    model, _, _ = recipe.build(recipe.args(precision="bfloat16", latent_dim=8, batch_size=8))
    assert model.dtype_policy.name == "mixed_bfloat16"
    assert model.generator.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == "float32"
    assert model.generate(2, seed=0).dtype == "float32"
    with pytest.raises(ValueError, match="--precision must be one of float32, bfloat16, float16"):
        recipe.args(precision="half")


def test_learning_rate_flags_change_only_the_rate_of_the_models_default_optimizers():
    model, _, _ = build("sagan", latent_dim=8, width=4, image_size=16, d_lr=1e-3)
    d, g = model.d_optimizer, model.g_optimizer
    assert float(d.learning_rate) == pytest.approx(1e-3) and float(g.learning_rate) == pytest.approx(1e-4)
    assert (d.beta_1, d.beta_2, g.beta_1, g.beta_2) == (0.0, 0.9, 0.0, 0.9)   # SAGAN's Adam settings kept
    cgan, _, _ = build("cgan", latent_dim=8, batch_size=4, d_lr=4e-4, g_lr=3e-4)
    assert float(cgan.d_optimizer.learning_rate) == pytest.approx(4e-4) and cgan.g_optimizer.beta_1 == 0.5
    assert float(cgan.g_optimizer.learning_rate) == pytest.approx(3e-4)
    default, _, _ = build("cgan", latent_dim=8, batch_size=4)
    assert float(default.d_optimizer.learning_rate) == pytest.approx(2e-4)
    for bad in ("0", "-1e-4", "nan", "fast"):
        with pytest.raises(ValueError, match="--g-lr must be a number > 0 such as 2e-4"):
            recipes.get("cgan").args(g_lr=bad)
    with pytest.raises(TypeError, match="d_lr"):
        recipes.get("sgan").args(d_lr=1e-3)      # SGAN's rates follow its decay schedule


# ---------------------------------------------------------------------------- self-attention GANs
def test_sagan_and_biggan_take_their_flags():
    sagan, _, _ = build("sagan", latent_dim=8, width=4, image_size=16, attention="off")
    assert (sagan.width, sagan.attention, sagan.image_shape, sagan.gan_loss.name) == (4, False, (16, 16, 1), "hinge")
    biggan, ds, _ = build("biggan", latent_dim=9, width=4, embedding_dim=4, orthogonal_reg=0.0, ema_decay=0.9)
    assert (biggan.width, biggan.embedding_dim, biggan.orthogonal_reg, biggan.ema_decay) == (4, 4, 0.0, 0.9)
    assert biggan.num_classes == 10 and ds.element_spec[1].dtype.is_integer


# ---------------------------------------------------------------------------- auxiliary heads (issue 24)
@pytest.mark.parametrize("name", ["acgan", "sagan", "infogan"])
def test_ema_decay_flag_builds_the_ema_generator_of_acgan_sagan_and_infogan(name):
    settings = dict(TINY[name][0])
    model, _, _ = build(name, ema_decay=0.9, **settings)
    assert model.ema_decay == 0.9 and model.get_config()["ema_decay"] == 0.9
    assert model.sampling_generator is model.ema_generator and model.ema_generator is not model.generator
    assert build(name, **settings)[0].ema_generator is None
    with pytest.raises(ValueError, match="--ema-decay must be a number in \\(0, 1\\)"):
        recipes.get(name).args(ema_decay=1.0)


def test_acgan_and_infogan_recipes_pass_their_flags():
    model, ds, _ = build("acgan", latent_dim=8, batch_size=4, conditioning="one_hot")
    assert model.conditioning == "one_hot" and model.num_classes == 10
    assert ds.element_spec[1].dtype.is_integer                       # (images, labels) batches
    model, ds, _ = build("infogan", batch_size=4, continuous_weight=0.5)
    assert (model.latent_dim, model.categories, model.continuous_codes) == (62, 10, 2)
    assert model.continuous_weight == 0.5 and not isinstance(ds.element_spec, tuple)   # images alone
