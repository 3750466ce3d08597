"""Progressive growing's schedule, fade-in and driver (keras_gans.training.progressive, progressive_fit)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from helpers import alpha_recorder
from keras_gans.models import ProGAN, ProGANSchedule
from keras_gans.training import progressive, progressive_fit
from keras_gans.training.progressive import FadeInScheduler

TINY = dict(latent_dim=8, filters={4: 8, 8: 8, 16: 4})


def test_public_names_are_the_training_modules_classes():
    assert kg.models.ProGANSchedule is progressive.ProGANSchedule
    assert kg.callbacks.FadeInScheduler is FadeInScheduler


def test_data_that_does_not_match_the_schedule():
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile()
    schedule = ProGANSchedule(32, batch_sizes=16)
    with pytest.raises(ValueError, match=r"ends at 8×8"):
        gan.fit_schedule(np.zeros((64, 16, 16, 1), "float32"), schedule)
    with pytest.raises(ValueError, match=r"ends at 8×8 with 1 channel"):
        gan.fit_schedule(np.zeros((64, 8, 8, 3), "float32"), schedule)
    with pytest.raises(ValueError, match="ends at 8×8"):
        gan.fit_schedule(tf.data.Dataset.from_tensor_slices(np.zeros((64, 28, 28, 1), "float32")).batch(8), schedule)
    with pytest.raises(ValueError, match="127.5"):
        gan.fit_schedule(np.zeros((64, 8, 8, 1), "uint8"), schedule)
    with pytest.raises(ValueError, match="not a phase"):
        gan.fit_schedule(np.zeros((64, 8, 8, 1), "float32"), schedule, stop_after=(16, "stable"))
    with pytest.raises(KeyError, match="no entry for resolution 8"):
        gan.fit_schedule(np.zeros((64, 8, 8, 1), "float32"), ProGANSchedule({4: 32}, batch_sizes=16))
    # Plain fit at a resolution that is neither the current nor the target one.
    with pytest.raises(ValueError, match="expects"):
        gan.fit(np.zeros((64, 16, 16, 1), "float32"), epochs=1, verbose=0)
    assert int(gan.phase_images.numpy()) == 0 and gan.resolution == 4   # nothing trained


def test_schedule_phases_and_config():
    schedule = ProGANSchedule(transition_images={8: 100, 16: 200}, stable_images=50, batch_sizes={4: 8, 8: 8, 16: 4})
    phases = schedule.phases(4, 16)
    assert [(p.resolution, p.kind, p.images, p.batch_size) for p in phases] == [
        (4, "stable", 50, 8), (8, "transition", 100, 8), (8, "stable", 50, 8),
        (16, "transition", 200, 4), (16, "stable", 50, 4)]
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert clone.phases(4, 16) == phases
    with pytest.raises(ValueError, match="positive"):
        ProGANSchedule(0)


def test_fit_schedule_split_into_epochs_shows_each_phase_its_images():
    """epochs_per_phase that does not divide a phase's steps: the phase still ends on its own image count."""
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile(run_eagerly=True)      # a few steps: cheaper than tracing
    data = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    recorder = alpha_recorder()
    schedule = ProGANSchedule(transition_images=80, stable_images=48, batch_sizes=16)    # 3, 5, 3 steps
    gan.fit_schedule(data, schedule, epochs_per_phase=2, callbacks=[recorder], verbose=0)
    assert [t[3] for t in gan.phase_times] == [48, 80, 48]          # not 64, 96, 64 (2 epochs × ceil(steps / 2))
    assert [p for _, p, _ in recorder.seen] == ["stable"] * 3 + ["transition"] * 5 + ["stable"] * 3
    assert gan.schedule_done() and not gan.stop_training


def test_fade_in_scheduler_with_plain_fit():
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile(run_eagerly=True)      # a few steps: cheaper than tracing
    gan.grow()
    data = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    recorder = alpha_recorder()
    gan.fit(data, batch_size=16, epochs=2, callbacks=[FadeInScheduler(transition_images=96), recorder], verbose=0)
    assert [a for _, _, a in recorder.seen] == pytest.approx([0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0, 1.0])
    with pytest.raises(ValueError, match="transition_images"):
        FadeInScheduler(0)


def test_phase_data_pools_the_target_images_to_each_resolution():
    gan = ProGAN(4, 8, seed=0, **TINY)
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    make = progressive_fit.phase_data(gan, x, shuffle_buffer=16)
    small = next(iter(make(4, 16)))
    assert small.shape == (16, 4, 4, 1)
    expected = x.reshape(16, 4, 2, 4, 2, 1).mean(axis=(2, 4))
    order = np.argsort(expected[:, 0, 0, 0])            # shuffled: compare as sets of images
    np.testing.assert_allclose(np.sort(small.numpy()[:, 0, 0, 0]), expected[order, 0, 0, 0], atol=1e-6)
    assert next(iter(make(8, 4))).shape == (4, 8, 8, 1)
    own = lambda resolution, batch_size: None           # noqa: E731  a callable is the caller's own pipeline
    assert progressive_fit.phase_data(gan, own) is own
