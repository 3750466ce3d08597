"""DivergenceGuard: stops on NaN/Inf before BackupAndRestore / ModelCheckpoint (after it in the callback
list) save the broken state, and warns on the failure signs with the numbers."""
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import non_finite_h5_datasets
from keras_gans.callbacks.guards import DivergenceError, DivergenceGuard, DivergenceWarning


def _tiny_gan(cls=None):
    keras.utils.set_random_seed(0)
    cls = cls or kg.models.DCGAN
    gan = cls(image_shape=(8, 8, 1), latent_dim=4, seed=0)
    gan.compile()
    return gan


def _data(nan_batch=None, n_batches=5, batch=4):
    x = np.random.default_rng(0).uniform(-1, 1, (n_batches * batch, 8, 8, 1)).astype("float32")
    if nan_batch is not None:  # passes fit's first-batch data check, poisons a later step
        x[nan_batch * batch] = np.nan
    return tf.data.Dataset.from_tensor_slices(x).batch(batch)


def _checkpointing(tmp_path, tag):
    backup = tmp_path / f"backup_{tag}"
    ckpt = tmp_path / f"ckpt_{tag}.weights.h5"
    return backup, ckpt, [
        keras.callbacks.BackupAndRestore(str(backup), save_freq=1, delete_checkpoint=False),
        keras.callbacks.ModelCheckpoint(str(ckpt), save_weights_only=True, save_freq=1),
    ]


def _saved_files(backup, ckpt):
    files = sorted(str(p) for p in backup.rglob("*.h5")) + ([str(ckpt)] if ckpt.exists() else [])
    assert files, "the checkpoint callbacks wrote nothing"
    return files


def test_nan_stops_before_any_checkpoint_of_the_broken_state(tmp_path):
    # Control: a file written by plain Keras from NaN weights is caught by the check below (so it can fail).
    # (A GAN never writes one: every fit has a guard, FiniteLossGuard by default, and `save_weights` refuses.)
    gan = _tiny_gan()
    gan.generator.trainable_variables[0].assign(tf.fill(gan.generator.trainable_variables[0].shape, float("nan")))
    keras.Model.save_weights(gan, str(tmp_path / "nan.weights.h5"))
    assert non_finite_h5_datasets(str(tmp_path / "nan.weights.h5"))

    # With the guard first in the list: training stops at step 3, and every saved file is finite.
    backup, ckpt, callbacks = _checkpointing(tmp_path, "guarded")
    gan = _tiny_gan()
    with pytest.raises(DivergenceError) as err:
        gan.fit(_data(nan_batch=2), epochs=2, verbose=0, callbacks=[DivergenceGuard()] + callbacks)
    message = str(err.value)
    assert "d_loss = nan" in message and "epoch 1, step 3" in message and "resume" in message
    for f in _saved_files(backup, ckpt):
        assert non_finite_h5_datasets(f) == [], f
    assert isinstance(err.value, ValueError)  # the CLI reports ValueErrors as clean errors


class _WeightBreakingGAN(kg.models.DCGAN):
    """Its third update writes NaN into a weight while that step's losses are still finite."""

    def train_step(self, data):
        logs = super().train_step(data)
        w = self.generator.trainable_variables[0]
        broken = tf.fill(tf.shape(w), float("nan"))
        w.assign(tf.where(tf.equal(self.d_optimizer.iterations, 3), broken, w.value))
        return logs


def test_nan_weights_with_finite_losses_are_caught_before_saving(tmp_path):
    backup, ckpt, callbacks = _checkpointing(tmp_path, "weights")
    gan = _tiny_gan(_WeightBreakingGAN)
    with pytest.raises(DivergenceError, match=r"non-finite weights \(.*kernel.*\) .* epoch 1, step 3"):
        gan.fit(_data(), epochs=1, verbose=0, callbacks=[DivergenceGuard()] + callbacks)
    for f in _saved_files(backup, ckpt):
        assert non_finite_h5_datasets(f) == [], f


def test_gradient_norm_warning_reports_the_norm_and_leaves_the_train_function_alone():
    gan = _tiny_gan()
    gan.fit(_data(), epochs=1, verbose=0)   # traced without the norms: the guard has them traced again
    own = gan.train_function
    guard = DivergenceGuard(grad_norm_limit=1e-6, d_loss_floor=None, g_loss_window=None)
    with pytest.warns(DivergenceWarning, match=r"Exploding gradients: d_grad_norm = [0-9.e+-]+, g_grad_norm"):
        history = gan.fit(_data(), epochs=2, verbose=0, callbacks=[guard])
    # the norms are real metrics now, and the warning carries them
    assert history.history["d_grad_norm"][-1] > 0 and history.history["g_grad_norm"][-1] > 0
    assert len(guard.alerts) == 2  # one per epoch, not one per step
    number = float(re.search(r"d_grad_norm = ([0-9.e+-]+)", guard.alerts[0]).group(1))
    assert number > 1e-6
    assert "epoch 2, step 1 (6 step(s) over the limit so far)" in guard.alerts[1]
    # the train function is one the model made (traced again with the norms), not a wrapper of the guard
    assert gan.train_function is not own and gan.train_function is gan.make_train_function()
    assert "d_grad_norm" in gan.fit(_data(), epochs=1, verbose=0).history


class _FakeModel:
    def __init__(self, loss_name="non_saturating"):
        self.gan_loss = type("L", (), {"name": loss_name})()
        self.train_function = None
        self.stop_training = False


def _feed(guard, per_step, name, epoch_steps=None):
    """Feeds per-step values to the guard as Keras does: running means within each epoch."""
    epoch_steps = epoch_steps or len(per_step)
    for start in range(0, len(per_step), epoch_steps):
        guard.on_epoch_begin(start // epoch_steps)
        chunk = per_step[start:start + epoch_steps]
        for b in range(len(chunk)):
            guard.on_train_batch_begin(b)
            guard.on_train_batch_end(b, {name: float(np.mean(chunk[:b + 1]))})


def _guard(model, **kwargs):
    guard = DivergenceGuard(check_weights=False, grad_norm_limit=None, **kwargs)
    guard.set_model(model)
    guard.on_train_begin()
    return guard


def test_discriminator_loss_near_zero_for_long_warns_once_with_numbers():
    guard = _guard(_FakeModel(), d_loss_floor=0.05, d_loss_patience=30, g_loss_window=None)
    healthy = [1.3] * 20
    with pytest.warns(DivergenceWarning, match=r"d_loss has stayed below 0.05 for 30 steps \(mean 0.01.*epoch 2"):
        _feed(guard, healthy + [0.01] * 40, "d_loss", epoch_steps=25)
    assert len(guard.alerts) == 1


def test_short_dips_and_wasserstein_critics_do_not_warn():
    guard = _guard(_FakeModel(), d_loss_floor=0.05, d_loss_patience=30, g_loss_window=None)
    _feed(guard, ([0.01] * 29 + [1.0]) * 3, "d_loss", epoch_steps=17)  # never 30 in a row
    critic = _guard(_FakeModel("wasserstein"), d_loss_floor=0.05, d_loss_patience=30, g_loss_window=None)
    _feed(critic, [-3.0] * 100, "d_loss")
    assert guard.alerts == [] and critic.alerts == []


def test_generator_loss_rising_steadily_warns_with_the_window_means():
    guard = _guard(_FakeModel(), d_loss_floor=None, g_loss_window=10, g_rise_windows=4, g_rise_min=0.1)
    rng = np.random.default_rng(0)
    rising = list(np.repeat([1.0, 1.2, 1.4, 1.6], 10))
    with pytest.warns(DivergenceWarning, match=r"g_loss per 10 steps 1 → 1.2 → 1.4 → 1.6 \(\+60%"):
        _feed(guard, rising, "g_loss", epoch_steps=15)

    calm = _guard(_FakeModel(), d_loss_floor=None, g_loss_window=10, g_rise_windows=4, g_rise_min=0.1)
    _feed(calm, list(1.0 + rng.normal(0, 0.05, 200)), "g_loss", epoch_steps=30)   # noise, no trend
    _feed(calm, list(np.repeat([1.0, 1.01, 1.02, 1.03], 10)), "g_loss")               # rising, but only 3%
    assert calm.alerts == []


def test_guard_arguments_are_checked_and_config_round_trips():
    with pytest.raises(ValueError, match="d_loss_patience"):
        DivergenceGuard(d_loss_patience=0)
    with pytest.raises(ValueError, match="g_rise_windows"):
        DivergenceGuard(g_rise_windows=1)
    guard = DivergenceGuard(grad_norm_limit=50, monitor=["g_loss"])
    again = DivergenceGuard.from_config(guard.get_config())
    assert again.get_config() == guard.get_config() and again.grad_norm_limit == 50.0


def test_srresnet_pretraining_trains_no_discriminator_so_no_discriminator_warning():
    # SRResNet pre-training updates G alone and reports d_loss = 0: "Discriminator winning" would be false there.
    # The same model in its GAN phase (a floor no real d_loss passes) still warns: the guard is not just off.
    from keras_gans.utils.resize import downscale

    keras.utils.set_random_seed(0)
    high = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 3)).astype("float32")
    pairs = tf.data.Dataset.from_tensor_slices((downscale(high, 4), high)).batch(4, drop_remainder=True).repeat()
    sr = kg.models.SRGAN(lowres_shape=(4, 4, 3), scale=4, filters=4, num_residual_blocks=1, discriminator_filters=4,
                         discriminator_downsampling=1, dense_units=8, pretrain=True, seed=0)
    sr.compile()
    guard = DivergenceGuard(check_weights=False, grad_norm_limit=None, d_loss_floor=0.05, d_loss_patience=3,
                            g_loss_window=1, g_rise_windows=2, g_rise_min=-1.0)   # any G step would warn
    history = sr.fit(pairs, epochs=1, steps_per_epoch=4, verbose=0, shuffle=False, callbacks=[guard]).history
    assert history["d_loss"][-1] == 0.0
    assert guard.alerts == []

    sr.pretrain = False
    real = DivergenceGuard(check_weights=False, grad_norm_limit=None, d_loss_floor=1e9, d_loss_patience=3,
                           g_loss_window=None)
    with pytest.warns(DivergenceWarning, match="Discriminator winning: d_loss has stayed below 1e.09 for 3 steps"):
        sr.fit(pairs, epochs=1, steps_per_epoch=4, verbose=0, shuffle=False, callbacks=[real])
    assert len(real.alerts) == 1
    # the signal the guard reads: the model says whether its step trains a discriminator
    assert sr.trains_discriminator is True and kg.models.DCGAN.trains_discriminator is True
    sr.pretrain = True
    assert sr.trains_discriminator is False
