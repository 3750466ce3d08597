"""WGAN (weight clipping) and WGAN-GP: n_critic, clipping, defaults, saving, export."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.models import WGAN, WGANGP

SHAPE = (8, 8, 1)


def tiny(cls, **kwargs):
    """A WGAN / WGAN-GP on 8×8 images with small networks (fast)."""
    g = kg.networks.wgan_generator(latent_dim=8, image_shape=SHAPE, filters=8)
    c = kg.networks.wgan_critic(SHAPE, filters=4, normalization=kwargs.pop("critic_normalization", None))
    return cls(image_shape=SHAPE, latent_dim=8, generator=g, critic=c, seed=0, **kwargs)


def blobs(n, seed=0):
    """n 8×8 images: a bright square on a dark background, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    x = np.full((n,) + SHAPE, -1.0, "float32")
    x[:, 2:6, 2:6] = 1.0
    return np.clip(x + 0.05 * rng.normal(size=x.shape), -1, 1).astype("float32")


def test_wgan_gp_runs_n_critic_critic_updates_per_generator_update():
    gan = tiny(WGANGP, n_critic=3)
    gan.compile()
    ds = tf.data.Dataset.from_tensor_slices(blobs(3 * 4 * 12)).batch(3 * 4)   # 12 steps of 3 critic batches of 4
    history = gan.fit(ds, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 12
    assert int(gan.d_optimizer.iterations) == 3 * 12
    logs = history.history
    assert set(logs) >= {"d_loss", "g_loss", "wasserstein_distance", "gradient_penalty"}
    assert all(np.isfinite(v[-1]) for v in logs.values())
    # d_loss = (E[c(G(z))] − E[c(x)]) + λ·GP with λ = 10, step by step and so in the epoch means.
    expected = -logs["wasserstein_distance"][-1] + 10.0 * logs["gradient_penalty"][-1]
    assert logs["d_loss"][-1] == pytest.approx(expected, rel=1e-4, abs=1e-5)
    assert logs["gradient_penalty"][-1] > 0


def test_wgan_clips_every_critic_weight_and_counts_updates():
    gan = tiny(WGAN, n_critic=2, clip_value=0.01)
    for w in gan.critic.trainable_variables:          # start far outside the box
        w.assign(tf.fill(w.shape, 0.5))
    gan.compile()
    gan.fit(blobs(2 * 4 * 3), batch_size=2 * 4, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 6 and int(gan.g_optimizer.iterations) == 3
    for w in gan.critic.trainable_variables:
        assert float(tf.reduce_max(tf.abs(w))) <= 0.01 + 1e-7, w.path


def test_paper_defaults():
    gan = WGAN()
    gan.compile()
    assert (gan.n_critic, gan.clip_value) == (5, 0.01)
    assert isinstance(gan.d_optimizer, keras.optimizers.RMSprop)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    assert gan.gan_loss.name == "wasserstein"

    gp = WGANGP()
    gp.compile()
    assert (gp.n_critic, gp.gp_weight) == (5, 10.0)
    for opt in (gp.d_optimizer, gp.g_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert float(opt.learning_rate) == pytest.approx(1e-4)
        assert (float(opt.beta_1), float(opt.beta_2)) == (0.0, pytest.approx(0.9))
    kinds = {type(layer).__name__ for layer in gp.critic.layers}
    assert "BatchNormalization" not in kinds
    assert "BatchNormalization" in {type(layer).__name__ for layer in gan.critic.layers}  # the paper's WGAN critic


def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="batch norm"):
        WGANGP(critic_normalization="batch")
    with pytest.raises(ValueError, match="gradient penalty"):
        WGANGP(clip_value=0.01)
    with pytest.raises(ValueError, match="n_critic="):
        WGAN(d_steps=3)
    with pytest.raises(ValueError, match="positive integer"):
        WGAN(n_critic=0)
    with pytest.raises(ValueError, match="clip_value must be positive"):
        WGAN(clip_value=-1)
    with pytest.raises(ValueError, match="label_smoothing .* Use loss='non_saturating'"):
        WGANGP(label_smoothing=0.1).compile()
    gan = tiny(WGANGP, n_critic=5)
    gan.compile()
    with pytest.raises(ValueError, match=r"batch_size = 5 × \(images per D step\)"):
        gan.fit(tf.data.Dataset.from_tensor_slices(blobs(8)).batch(4), epochs=1, verbose=0)


def test_keras_round_trip_and_export(tmp_path):
    gan = tiny(WGANGP, n_critic=2, gp_weight=5.0)
    gan.compile()
    gan.fit(tf.data.Dataset.from_tensor_slices(blobs(16)).batch(8), epochs=1, verbose=0)
    path = str(tmp_path / "wgan_gp.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is WGANGP
    assert (loaded.n_critic, loaded.gp_weight) == (2, 5.0)
    np.testing.assert_allclose(loaded.generate(4, seed=3), gan.generate(4, seed=3), atol=1e-6)
    x = blobs(4)
    np.testing.assert_allclose(loaded.critic(x), gan.critic(x), atol=1e-6)
    assert int(loaded.d_optimizer.iterations) == 4 and int(loaded.g_optimizer.iterations) == 2

    export_dir = str(tmp_path / "serving")
    gan.export(export_dir, verbose=False)
    served = tf.saved_model.load(export_dir).signatures["serving_default"]
    z = gan.latent(3, seed=1)
    np.testing.assert_allclose(served(z=tf.constant(z))["images"].numpy(), gan.generate(z=z), atol=1e-5)


# ---------------------------------------------------------------------------- d_batch
@pytest.mark.parametrize("cls, normalization", [(WGAN, "batch"), (WGANGP, None)])
@pytest.mark.parametrize("d_batch", ["separate", "joint"])
def test_d_batch_joint_scores_each_critic_steps_real_and_fake_slices_in_one_critic_call(cls, normalization, d_batch):
    """Each of the n_critic = 2 critic steps scores its real slice (4) and its fakes (4) in two critic calls
    ("separate") or one on their concatenation ("joint"); WGAN-GP's penalty scores its interpolates in a call of
    their own either way; the generator step then scores its own fakes."""
    from helpers import discriminator_call_sizes

    gan = tiny(cls, n_critic=2, d_batch=d_batch, critic_normalization=normalization)
    gan.compile()
    scores = [4, 4] if d_batch == "separate" else [8]
    penalty = [4] if cls is WGANGP else []
    assert discriminator_call_sizes(gan, (blobs(8),)) == (scores + penalty) * 2 + [4]
    logs = gan.fit(blobs(16), batch_size=8, epochs=1, verbose=0).history           # 2 more steps
    assert all(np.isfinite(v[-1]) for v in logs.values())
    assert int(gan.d_optimizer.iterations) == 2 * 3 and int(gan.g_optimizer.iterations) == 3
    assert cls.from_config(gan.get_config()).d_batch == d_batch


def test_wgan_gp_joint_gives_the_separate_numbers_with_a_critic_without_batch_norm():
    """The docstring's claim: WGAN-GP's critics here have no batch norm, so one call on the concatenation scores
    each image as its own call does, and a seeded step logs the same numbers either way."""
    logs = {}
    for d_batch in ("separate", "joint"):
        keras.utils.set_random_seed(3)
        gan = tiny(WGANGP, n_critic=2, d_batch=d_batch, critic_normalization="layer")
        gan.compile()
        logs[d_batch] = {k: float(v) for k, v in gan.train_step((tf.constant(blobs(8)),)).items()}
    assert logs["joint"] == pytest.approx(logs["separate"], rel=1e-5, abs=1e-6)


@pytest.mark.slow
def test_wgan_gp_samples_are_recognisable_digits():
    from helpers import digit_quality

    keras.utils.set_random_seed(0)
    gan = WGANGP(seed=0, ema_decay=0.99)  # samples from the EMA generator (the usual practice)
    gan.compile()
    ds = kg.data.load("mnist-5k", batch_size=5 * 64, seed=0)
    gan.fit(ds, epochs=int(os.environ.get("WGAN_GP_EPOCHS", 80)), verbose=0)
    quality = digit_quality(gan.generate(1000, seed=1))
    print("WGAN-GP digit quality:", quality["mean_max_prob"], quality["n_classes"])
    assert quality["mean_max_prob"] >= 0.8
    assert quality["n_classes"] >= 8
