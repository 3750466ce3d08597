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


# ---------------------------------------------------------------------------- a killed schedule resumes exactly
class _Crash(Exception):
    pass


def _crash_after(step):
    class Crash(keras.callbacks.Callback):
        seen = 0

        def on_train_batch_end(self, batch, logs=None):
            Crash.seen += 1
            if Crash.seen == step:
                raise _Crash(f"simulated crash after step {step}")

    return Crash()


def _schedule_run(backup_dir=None, crash_after=None, delete_checkpoint=False, extra=()):
    """A fresh 'process' (same seeds, new model and data) through 4 → 8 with the backup `keras-gans train` adds
    (kept after the run, every 2 steps): stable 4, transition 8, stable 8 take 4, 6 and 4 steps of 8 images in
    2 epochs each (global steps 1-4, 5-10, 11-14). The 128 images make each phase's stream draw less than one
    pass over them, even with read-ahead: where a pass is short, the iterator GAN.fit checks one batch with can
    start the next pass (new reshuffling seeds) at any moment, and no two runs are alike."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, (128, 8, 8, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(128, seed=1, reshuffle_each_iteration=True).batch(8)
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile(run_eagerly=True)      # a few steps: cheaper than tracing
    callbacks = list(extra)
    if backup_dir is not None:
        callbacks.append(kg.callbacks.ExactBackupAndRestore(str(backup_dir), save_freq=2, dataset=ds,
                                                            delete_checkpoint=delete_checkpoint))
    if crash_after:
        callbacks.append(_crash_after(crash_after))
    schedule = ProGANSchedule(transition_images=48, stable_images=32, batch_sizes=8)
    try:
        gan.fit_schedule(ds, schedule, epochs_per_phase=2, callbacks=callbacks, verbose=0, shuffle_buffer=128)
    except _Crash:
        return None
    return gan


@pytest.fixture(scope="module")
def uninterrupted_schedule():
    gan = _schedule_run()
    return [np.asarray(w) for w in gan.weights]


@pytest.mark.parametrize("crash,backup", [
    # in the transition to 8×8 (grown at step 5), its 2nd epoch: the backup of step 8 (epoch 2, batch 1)
    (9, {"epoch": 1, "batch": 1, "step": 4, "stage": {"index": 1, "resolution": 8, "phase": "transition"}}),
    # just after the grow to stable 8×8 (step 11), before its first backup: the backup is the transition's end,
    # written at its step 6 (epoch 1, batch 3) and again as the end of its fit (epoch 2, batch 0)
    (11, {"epoch": 2, "batch": 0, "step": 6, "stage": {"index": 1, "resolution": 8, "phase": "transition"}}),
])
def test_a_schedule_killed_after_a_grow_resumes_like_an_uninterrupted_run(tmp_path, uninterrupted_schedule, crash,
                                                                          backup):
    import json

    assert _schedule_run(tmp_path, crash_after=crash) is None
    meta = json.loads((tmp_path / "training_metadata.json").read_text())
    assert {k: meta[k] for k in backup} == backup
    resumed = _schedule_run(tmp_path)                  # the same run again: grows to the backup's phase, restores it
    assert (resumed.resolution, resumed.phase) == (8, "stable") and resumed.schedule_done()
    weights = [np.asarray(w) for w in resumed.weights]
    assert len(weights) == len(uninterrupted_schedule)
    for a, b in zip(weights, uninterrupted_schedule):
        np.testing.assert_array_equal(a, b)
    meta = json.loads((tmp_path / "training_metadata.json").read_text())
    assert meta["stage"] == {"index": 2, "resolution": 8, "phase": "stable"}   # kept: the last phase's end


def test_a_schedule_backed_up_every_n_steps_keeps_a_backup_of_its_end(tmp_path):
    """save_freq=2 steps: the last phase (stable 8×8, 2 epochs of 2 steps) is backed up at its steps 2 and 4 (epoch 1,
    batch 2), then, as its fit ends at the phase's end (fit_schedule stops it there), at (epoch 2, batch 0): the form
    a finished run's backup has, which `keras-gans train` reads to continue the run with more --epochs."""
    import json

    gan = _schedule_run(tmp_path)
    meta = json.loads((tmp_path / "training_metadata.json").read_text())
    assert {k: meta[k] for k in ("epoch", "batch", "step", "stage")} == {
        "epoch": 2, "batch": 0, "step": 4, "stage": {"index": 2, "resolution": 8, "phase": "stable"}}
    restored = ProGAN(4, 8, seed=0, **TINY)
    restored.compile(run_eagerly=True)
    restored.grow()
    restored.grow()
    restored.load_weights(tmp_path / meta["weights"])
    assert restored.schedule_done(gan.schedule) and int(restored.g_optimizer.iterations) == 4
    for a, b in zip(restored.weights, gan.weights):                  # the state the run ended with
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_schedules_backup_spans_its_phases_and_is_deleted_at_the_end(tmp_path):
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append((self.model.resolution, self.model.phase, (tmp_path / "b").exists()))

    assert _schedule_run(tmp_path / "b", delete_checkpoint=True, extra=[Watch()]) is not None
    # each phase's fit keeps it (a run killed between two phases resumes); the schedule's end deletes it
    assert seen == [(4, "stable", False), (8, "transition", True), (8, "stable", True)]
    assert not (tmp_path / "b").exists()


def test_a_backup_of_another_phase_is_not_restored_into_these_networks(tmp_path):
    from keras_gans.callbacks import ExactBackupAndRestore

    data8 = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    gan = ProGAN(4, 8, seed=0, **TINY)
    gan.compile(run_eagerly=True)
    gan.grow()                                                        # transition to 8×8: stage 1
    gan.fit(data8, batch_size=8, epochs=1, verbose=0,
            callbacks=[ExactBackupAndRestore(str(tmp_path), delete_checkpoint=False)])

    early = ProGAN(4, 8, seed=0, **TINY)
    early.compile(run_eagerly=True)
    with pytest.raises(ValueError, match=r"written at stage 1 \(resolution 8, phase transition\), but the ProGAN "
                                         r"is at stage 0 \(resolution 4, phase stable\).*fit_schedule"):
        early.fit(data8[:, ::2, ::2], batch_size=8, epochs=1, verbose=0,
                  callbacks=[ExactBackupAndRestore(str(tmp_path), delete_checkpoint=False)])

    late = ProGAN(4, 8, seed=0, **TINY)
    late.compile(run_eagerly=True)
    late.grow()
    late.grow()                                                       # stable 8×8: past the backup, which it replaces
    late.fit(data8, batch_size=8, epochs=1, verbose=0,
             callbacks=[ExactBackupAndRestore(str(tmp_path), delete_checkpoint=False)])
    assert int(late.phase_images.numpy()) == 16 and int(late.d_optimizer.iterations.numpy()) == 2
    import json

    assert json.loads((tmp_path / "training_metadata.json").read_text())["stage"]["index"] == 2
