"""`ema_decay` and the other training tricks on ACGAN, SAGAN and InfoGAN (TricksMixin, keras_gans.training.tricks).

The EMA generator follows G by w̄ ← β·w̄ + (1 − β)·w after each G step, β warmed up as min(`ema_decay`, (1 + n) / (10 + n))
at the n-th (checked by hand), is what `generate()` and
`export()` use, and survives the `.keras` round trip; InfoGAN's EMA holds its generator only (not D's body or the Q
head). The options that do not fit a model are refused before anything is built. Tiny networks (16×16).
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models import ACGAN, SAGAN, InfoGAN

SHAPE = (16, 16, 1)
NAMES = ("acgan", "sagan", "infogan")


def _images(n=8):
    return np.random.default_rng(0).uniform(-1, 1, (n,) + SHAPE).astype("float32")


def make(name, **kwargs):
    """`(model, dataset, inputs)`: a tiny model of `name`, 8 training images (with labels for ACGAN) in batches
    of 8, and numpy generator inputs for 3 images (z first)."""
    z = np.random.default_rng(1).standard_normal((3, 8)).astype("float32")
    if name == "acgan":
        model = ACGAN(image_shape=SHAPE, latent_dim=8, num_classes=4, filters=4, seed=0, **kwargs)
        data = (_images(), np.arange(8, dtype="int32") % 4)
        inputs = [z, np.array([0, 1, 3], "int32")]
    elif name == "sagan":
        model = SAGAN(image_shape=SHAPE, latent_dim=8, width=4, seed=0, **kwargs)
        data, inputs = _images(), [z]
    else:
        d = kg.networks.infogan_discriminator(SHAPE, filters=4, hidden_units=16, q_units=8)
        model = InfoGAN(image_shape=SHAPE, latent_dim=8, filters=4, hidden_units=16, discriminator=d, seed=0,
                        **kwargs)
        data = _images()
        inputs = [z, np.array([0, 5, 9], "int32"), np.array([[0.5, -1.0], [0.0, 0.0], [1.0, 0.25]], "float32")]
    return model, tf.data.Dataset.from_tensor_slices(data).batch(8).repeat(), inputs


def generate(model, inputs):
    """`model.generate` on the given inputs (z, and the labels or the codes)."""
    if isinstance(model, ACGAN):
        return model.generate(z=inputs[0], labels=inputs[1])
    if isinstance(model, InfoGAN):
        return model.generate(z=inputs[0], category=inputs[1], continuous=inputs[2])
    return model.generate(z=inputs[0])


def run(network, inputs):
    return keras.ops.convert_to_numpy(network(inputs if len(inputs) > 1 else inputs[0], training=False))


@pytest.mark.parametrize("name", NAMES)
def test_the_ema_generator_moves_towards_g_by_the_moving_average_after_one_step(name):
    keras.utils.set_random_seed(0)
    gan, data, _ = make(name, ema_decay=0.75)
    gan.compile()
    assert gan.sampling_generator is gan.ema_generator is not None
    # a copy of the generator only (InfoGAN: not D's body or its Q head), in variables of its own
    assert [w.shape for w in gan.ema_generator.weights] == [w.shape for w in gan.generator.weights]
    others = {id(v) for v in gan.generator.weights + gan.discriminator.weights}
    assert not others & {id(v) for v in gan.ema_generator.weights}
    before = gan.generator.get_weights()
    for ema, w in zip(gan.ema_generator.get_weights(), before):
        np.testing.assert_array_equal(ema, w)                              # it starts as G
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 1
    after = gan.generator.get_weights()
    assert any(not np.allclose(w0, w1) for w0, w1 in zip(before, after))   # G took a step
    beta = min(0.75, (1 + 0) / (10 + 0))                                   # the first update (n = 0): 0.1
    for ema, w0, w1 in zip(gan.ema_generator.get_weights(), before, after):
        np.testing.assert_allclose(ema, beta * w0 + (1 - beta) * w1, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_generate_export_and_the_keras_round_trip_use_and_keep_the_ema_generator(name, tmp_path):
    keras.utils.set_random_seed(0)
    gan, data, inputs = make(name, ema_decay=0.5)
    gan.compile()
    gan.fit(data, epochs=1, steps_per_epoch=2, verbose=0)
    images = generate(gan, inputs)
    np.testing.assert_allclose(images, run(gan.ema_generator, inputs), atol=1e-6)   # samples come from the EMA
    assert np.abs(images - run(gan.generator, inputs)).max() > 1e-4                # ... which is not G

    gan.save(tmp_path / f"{name}.keras")
    loaded = keras.saving.load_model(tmp_path / f"{name}.keras")
    assert type(loaded) is type(gan) and loaded.ema_decay == 0.5 and loaded.get_config()["ema_decay"] == 0.5
    for a, b in zip(loaded.ema_generator.get_weights(), gan.ema_generator.get_weights()):
        np.testing.assert_array_equal(a, b)                                          # the average, not a copy of G
    np.testing.assert_array_equal(generate(loaded, inputs), images)

    path = gan.export(str(tmp_path / "serving"), verbose=False)
    serve = tf.saved_model.load(path).signatures["serving_default"]
    names = sorted(serve.structured_input_signature[1])
    order = {"acgan": ["z", "labels"], "sagan": ["z"], "infogan": ["z", "category", "continuous"]}[name]
    assert names == sorted(order)
    served = serve(**{k: tf.constant(v) for k, v in zip(order, inputs)})["images"].numpy()
    np.testing.assert_allclose(served, images, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_without_ema_decay_there_is_no_ema_generator_and_the_config_says_so(name):
    gan, _, _ = make(name)
    assert gan.ema_generator is None and gan.sampling_generator is gan.generator
    assert gan.get_config()["ema_decay"] is None
    with pytest.raises(ValueError, match=r"ema_decay must be in \(0, 1\)"):
        make(name, ema_decay=1.0)


# ---------------------------------------------------------------------------- the other tricks
def _count_d_inputs(gan):
    """Wraps `gan.d_input` to count what D is shown through it; returns the list of batch sizes."""
    seen, d_input = [], gan.d_input

    def counting(images):
        seen.append(int(images.shape[0]))
        return d_input(images)

    gan.d_input = counting
    return seen


def test_acgan_shows_d_its_images_through_the_tricks_in_both_steps_and_refuses_d_steps():
    gan, data, _ = make("acgan", augment="translation,cutout", instance_noise=0.1, label_smoothing=0.1,
                        ema_decay=0.9)
    gan.compile(run_eagerly=True)
    seen = _count_d_inputs(gan)
    state = keras.ops.convert_to_numpy(gan.augmenter.seed_generator.state).copy()
    history = gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0).history
    assert seen == [8, 8, 8]                        # D step: real and fake; G step: fake
    assert not np.array_equal(keras.ops.convert_to_numpy(gan.augmenter.seed_generator.state), state)
    assert np.isfinite(history["d_loss"]).all()
    config = gan.get_config()
    assert (config["augment"], config["label_smoothing"], config["instance_noise"]) == ("translation,cutout", 0.1, 0.1)
    assert "d_steps" not in config
    with pytest.raises(ValueError, match="ACGAN takes one discriminator step per generator step"):
        make("acgan", d_steps=2)
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        make("acgan", label_smoothing=1.5)
    with pytest.raises(ValueError, match="need a BCE loss|change binary cross-entropy targets"):
        make("acgan", label_smoothing=0.1)[0].compile(loss="hinge")


def test_sagan_takes_d_steps_and_augment_and_simultaneous_updates_take_the_ema_only():
    gan, data, _ = make("sagan", d_steps=2, augment="translation", ema_decay=0.9)
    gan.compile(run_eagerly=True)
    seen = _count_d_inputs(gan)
    gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (2, 1)
    assert seen == [4, 4, 4, 4, 4]                  # 2 D steps of 4 real + 4 fake, then G's 4 fakes
    assert SAGAN.from_config(gan.get_config()).d_steps == 2

    simultaneous, data, _ = make("sagan", update="simultaneous", ema_decay=0.5)
    simultaneous.compile()
    before = simultaneous.ema_generator.get_weights()
    simultaneous.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    assert any(not np.allclose(a, b) for a, b in zip(simultaneous.ema_generator.get_weights(), before))
    with pytest.raises(ValueError, match="update='simultaneous' is GAN's step.*augment"):
        make("sagan", update="simultaneous", augment="translation")
    with pytest.raises(ValueError, match="label_smoothing / label_noise / label_flip change binary"):
        make("sagan", label_smoothing=0.1)[0].compile()           # the hinge loss, SAGAN's default
    make("sagan", label_smoothing=0.1)[0].compile(loss="non_saturating")


@pytest.mark.parametrize("option,value", [("augment", "translation"), ("instance_noise", 0.1),
                                          ("instance_noise_steps", 100), ("d_steps", 2)])
def test_infogan_refuses_the_tricks_that_would_change_what_q_reads(option, value):
    with pytest.raises(ValueError, match=f"InfoGAN does not take {option}=.*Q head reads the codes"):
        make("infogan", **{option: value})


def test_infogan_takes_the_label_tricks_on_its_real_fake_head_only():
    gan, data, _ = make("infogan", label_smoothing=0.2, ema_decay=0.9)
    gan.compile()
    history = gan.fit(data, epochs=1, steps_per_epoch=1, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()
    config = gan.get_config()
    assert config["label_smoothing"] == 0.2 and config["ema_decay"] == 0.9
    assert not {"augment", "instance_noise", "instance_noise_steps", "d_steps"} & set(config)
    assert InfoGAN.from_config(config).label_smoothing == 0.2
