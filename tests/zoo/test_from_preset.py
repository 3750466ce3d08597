"""`Model.from_preset` (one implementation in keras_gans.models.presets, reached through the loader keras_gans.zoo
registers) and `kg.zoo.list(model=, dataset=)`."""
import json
import os

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import zoo
from keras_gans.models import presets as model_presets
from keras_gans.zoo import registry

BUILTIN = registry.builtin_presets()


def _meta(name):
    return zoo.info(name)


GENERATOR_PRESETS = sorted(n for n in BUILTIN if _meta(n)["contents"] in ("generator", "gan"))


def test_dcgan_from_preset_samples_like_the_preset_and_is_compiled():
    gan = kg.models.DCGAN.from_preset("dcgan_mnist")
    # the preset's own class, a DCGAN subclass, so its EMA generator and update rule come with it
    assert type(gan) is kg.models.DCGANWithTricks and isinstance(gan, kg.models.DCGAN) and gan.compiled
    assert (gan.update, gan.ema_decay) == ("simultaneous", 0.999) and gan.sampling_generator is gan.ema_generator
    np.testing.assert_allclose(gan.generate(4, seed=3), zoo.sample("dcgan_mnist", 4, seed=3), atol=1e-6)
    assert gan.discriminator.input_shape == (None, 28, 28, 1) and gan.discriminator.output_shape == (None, 1)
    # the base class returns the preset's own class
    assert type(kg.models.GAN.from_preset("dcgan_mnist")) is kg.models.DCGANWithTricks


@pytest.mark.parametrize("name", GENERATOR_PRESETS)
def test_every_generator_preset_builds_its_model_class(name):
    meta = _meta(name)
    cls = getattr(kg.models, meta["model"])
    model = cls.from_preset(name, compile=False)
    assert type(model) is cls and not model.compiled
    stored = zoo.load(name)  # the stored generator: the model samples with the same weights
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((2, *s["shape"][1:])).astype("float32") if s["dtype"] == "float32"
              else np.zeros((2, *s["shape"][1:]), s["dtype"]) for s in meta["inputs"]]
    inputs = inputs[0] if len(inputs) == 1 else inputs
    ours = model.sampling_generator(inputs, training=False)
    theirs = stored(inputs, training=False)
    for a, b in zip(keras.tree.flatten(ours), keras.tree.flatten(theirs)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)


def test_a_class_refuses_another_models_preset():
    with pytest.raises(ValueError, match="'dcgan_mnist' holds a DCGANWithTricks, not a WGANGP.*kg.models.DCGANWithTricks.from_preset"):
        kg.models.WGANGP.from_preset("dcgan_mnist")
    with pytest.raises(ValueError, match="holds a WGANGP, not a DCGAN"):
        kg.models.DCGAN.from_preset("wgan_gp_mnist")
    assert isinstance(kg.models.WGAN.from_preset("wgan_gp_mnist", compile=False), kg.models.WGANGP)  # a subclass
    with pytest.raises(ValueError, match="holds a MNISTClassifier.*kg.zoo.load"):
        kg.models.GAN.from_preset("mnist_classifier")
    with pytest.raises(ValueError, match="stores only a network of a SGAN.*kg.zoo.load"):
        kg.models.SGAN.from_preset("sgan_mnist_100labels")


def test_generator_preset_fine_tunes_with_a_fresh_discriminator(tmp_path):
    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=5, update="simultaneous")
    folder = zoo.publish(gan, tmp_path / "tiny", samples=False, training_command="(untrained)")
    meta = json.load(open(os.path.join(folder, "metadata.json")))
    assert meta["model_config"]["update"] == "simultaneous" and "generator" not in meta["model_config"]
    tuned = kg.models.DCGAN.from_preset(folder)
    assert tuned.update == "simultaneous" and tuned.seed == 5  # the recorded options, not the class defaults
    np.testing.assert_array_equal(tuned.generate(3, seed=1), gan.generate(3, seed=1))
    assert tuned.discriminator is not gan.discriminator
    before = [w.numpy().copy() for w in tuned.generator.trainable_weights]
    tuned.fit(np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32"), batch_size=8, epochs=1,
              verbose=0)
    assert any(not np.array_equal(b, w.numpy()) for b, w in zip(before, tuned.generator.trainable_weights))


def test_whole_gan_preset_keeps_its_trained_discriminator(tmp_path):
    keras.utils.set_random_seed(1)
    gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4)
    folder = zoo.publish(gan, tmp_path / "whole", contents="gan", samples=False, training_command="x")
    loaded = kg.models.GAN.from_preset(folder)
    x = gan.generate(2, seed=0)
    np.testing.assert_array_equal(loaded.discriminator(x).numpy(), gan.discriminator(x).numpy())
    assert loaded.compiled


def test_without_a_registered_loader_the_error_says_what_to_import(monkeypatch):
    monkeypatch.setattr(model_presets, "_LOADER", None)
    with pytest.raises(RuntimeError, match="none is registered.*import keras_gans"):
        kg.models.DCGAN.from_preset("dcgan_mnist")
    with pytest.raises(TypeError, match="callable info"):
        model_presets.register_preset_loader(object())


def test_every_exported_model_class_has_from_preset():
    for name in kg.models.__all__:
        cls = getattr(kg.models, name)
        if isinstance(cls, type) and issubclass(cls, keras.Model):
            assert cls.from_preset.__func__ is model_presets.PresetMixin.from_preset.__func__, name


def test_list_filters_by_model_and_dataset(capsys):
    assert [r["name"] for r in zoo.list(model="dcgan")] == ["dcgan_mnist"]
    cgans = zoo.list(model=kg.models.CGAN)   # CGAN's presets and its subclasses' (a BigGAN is a CGAN)
    assert "cgan_mnist" in [r["name"] for r in cgans]
    assert all(issubclass(getattr(kg.models, r["model"]), kg.models.CGAN) for r in cgans)
    mnist = {r["name"] for r in zoo.list(dataset="mnist")}
    assert "dcgan_mnist" in mnist and "cyclegan_mnist_mnistm" not in mnist   # mnist-5k, not mnist2mnistm-*
    assert {r["dataset"] for r in zoo.list(dataset="mnist")} == {"mnist-5k"}   # MNIST-M (mnist-m) is not MNIST
    assert [r["name"] for r in zoo.list(dataset="mnist-m")] == ["srgan_mnistm"]
    assert zoo.list(model="DCGAN", dataset="mnist2mnistm-paired") == []
    from keras_gans.cli import main

    assert main(["zoo", "list", "--model", "wgangp"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].split()[0] == "wgan_gp_mnist"
    assert main(["zoo", "list", "--dataset", "celeba"]) == 0
    assert "No preset matches" in capsys.readouterr().out
