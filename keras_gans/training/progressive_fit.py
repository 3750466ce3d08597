"""Runs a progressive-growing schedule: one `fit` per phase, growing the networks in between.

:meth:`keras_gans.models.ProGAN.fit_schedule` (and `ProGAN.fit` on data at the target resolution)
call :func:`fit_schedule` here; the model supplies the algorithm (its `train_step`, `grow`,
`set_alpha`) and this module the loop around it: the data brought to each phase's resolution
and batch size, a :class:`~keras_gans.training.progressive.FadeInScheduler` in transitions,
a stop at the step that completes each phase, the history of all phases, and resuming a killed
run in its phase from the backup of an :class:`~keras_gans.callbacks.ExactBackupAndRestore` (the
callback `keras-gans train` adds), which spans the phases' fits.

>>> import numpy as np, keras_gans as kg
>>> gan = kg.models.ProGAN(start_resolution=4, target_resolution=8, latent_dim=16, channels=1, max_filters=16)
>>> gan.compile()
>>> images = np.zeros((64, 8, 8, 1), "float32")
>>> history = gan.fit_schedule(images, kg.models.ProGANSchedule(32, batch_sizes=16), verbose=0)
>>> history["resolution"]
[4, 8, 8]
"""
import contextlib
import math
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans.training.progressive import FadeInScheduler, ProGANSchedule


def fit_schedule(model, data, schedule=None, *, fit_phase, callbacks=None, verbose="auto", epochs_per_phase=1,
                 stop_after=None, shuffle_buffer=10_000):
    """Trains `model` through the rest of `schedule`; see :meth:`keras_gans.models.ProGAN.fit_schedule`.

    Args:
        model: a :class:`keras_gans.models.ProGAN` (compiled).
        fit_phase: trains the current phase, called like `keras.Model.fit`; ProGAN passes its base
            class' `fit` (its own `fit` would start the schedule again on the last phase's data).
        data, schedule, callbacks, verbose, epochs_per_phase, stop_after, shuffle_buffer: as in
            `ProGAN.fit_schedule`.

    Returns:
        {metric: [value per Keras epoch]} over the phases run, plus "resolution" and "alpha".
    """
    if schedule is not None:
        model.schedule = schedule
    schedule = model.schedule or ProGANSchedule()
    model.schedule = schedule
    if int(epochs_per_phase) < 1:
        raise ValueError(f"epochs_per_phase must be a positive integer; got {epochs_per_phase!r}.")
    if not getattr(model, "compiled", False):
        raise ValueError("Call compile() before fit_schedule() (e.g. gan.compile() for the paper's defaults).")
    phases = model.phases(schedule)
    keys = [(p.resolution, p.kind) for p in phases]
    if stop_after is not None:
        stop_after = (int(stop_after[0]), stop_after[1])
        if stop_after not in keys:
            raise ValueError(f"stop_after={stop_after} is not a phase of this schedule: {keys}.")
    make_dataset = phase_data(model, data, shuffle_buffer)
    callbacks = list(callbacks or [])
    # backups that span the phases' fits (ExactBackupAndRestore): a run killed in any phase resumes in it
    backups = _backups(callbacks)
    resume = _resume_point(model, backups, phases)
    if resume is not None and stop_after is not None and keys.index(stop_after) < resume["index"]:
        raise ValueError(f"stop_after={stop_after} comes before the phase of the backup to resume, "
                         f"{keys[resume['index']]}: that run is past it.")
    history = {}
    with contextlib.ExitStack() as stack:
        for backup in backups:
            stack.enter_context(backup.spanning_fits())
        for index in range(model.phase_index, len(phases)):
            phase = phases[index]
            if index > model.phase_index:
                model.grow()
            position = None
            if resume is not None and index >= resume["index"]:
                position, resume = resume, None
            remaining = phase.images - int(model.phase_images.numpy())
            steps = math.ceil(remaining / phase.batch_size) if remaining > 0 else 0
            if steps:
                epochs = min(int(epochs_per_phase), steps)
                per_epoch = math.ceil(steps / epochs)  # epochs × per_epoch can exceed the phase: _PhaseEnd stops it
                dataset = make_dataset(phase.resolution, phase.batch_size)
                if resume is not None:  # trained before the backup was written: only its data is drawn again
                    model.check_data(dataset)  # as GAN.fit does (one batch)
                    _draw(dataset, steps)
                    continue
                # a backup of the phase's end: its fit restores it and trains no epoch; its batches are drawn here
                ended = position is not None and position["epoch"] * per_epoch + position["batch"] >= steps
                stopped = _fit_phase(model, phase, dataset, position["epoch"] if ended else epochs, per_epoch,
                                     fit_phase, callbacks, verbose, history)
                if ended:
                    _draw(dataset, steps)
                if stopped:
                    break
            if stop_after == (phase.resolution, phase.kind):
                break
    return history


def _fit_phase(model, phase, dataset, epochs, per_epoch, fit_phase, callbacks, verbose, history):
    """One phase's `fit`; adds its epochs to `history`. True when a callback stopped training."""
    phase_callbacks = list(callbacks)
    if phase.kind == "transition" and not any(isinstance(c, FadeInScheduler) for c in callbacks):
        phase_callbacks.insert(0, FadeInScheduler(phase.images))
    phase_end = _PhaseEnd(phase.images)  # stops at the phase's last step, mid-epoch if need be
    phase_callbacks.append(phase_end)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = fit_phase(dataset, epochs=epochs, steps_per_epoch=per_epoch, shuffle=False, callbacks=phase_callbacks,
                       verbose=verbose)
    if hasattr(model, "skip_batches"):
        model.skip_batches(0)  # a restored backup of the phase's end leaves batches to skip that were never drawn
    if phase_end.reached and not phase_end.stopped_by_others:
        model.stop_training = False
        for backup in _backups(callbacks):  # the planned end, not an early stop: backed up as a fit's end is
            backup.save_end()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    model.phase_times.append((phase.resolution, phase.kind, seconds, int(model.phase_images.numpy()), cpu))
    for key, values in result.history.items():
        history.setdefault(key, []).extend(float(v) for v in values)
    n = len(next(iter(result.history.values()), []))
    history.setdefault("resolution", []).extend([phase.resolution] * n)
    history.setdefault("alpha", []).extend([model.alpha] * n)
    return bool(model.stop_training)


def _backups(callbacks):
    """The backups among `callbacks` that span the phases' fits (an ExactBackupAndRestore's `spanning_fits`)."""
    return [c for c in callbacks if callable(getattr(c, "spanning_fits", None))]


def _resume_point(model, backups, phases):
    """Where the run that wrote the backup of one of `backups` stood, or None (no backup, or one the model is past).

    The backup names the phase (its `"stage"`, :attr:`ProGAN.backup_stage <keras_gans.models.ProGAN.backup_stage>`)
    and the epoch and batch of that phase's `fit`. `fit_schedule` grows the model to that phase, whose `fit`
    restores the backup (weights, optimizers, image count, α, seeds) and takes the batches trained before it from
    the phase's stream again (the callback does, see `ExactBackupAndRestore.spanning_fits`). The phases before it
    are not trained, but their data is drawn as their `fit` drew it: every phase's stream comes from one source
    whose reshuffling seeds move on with each pass over it (each iterator), so the phase resumed, and those
    after it, then see the batches of the run that wrote the backup.

    Returns:
        {"index": phase index, "epoch": epoch of the phase's fit, "batch": batches of that epoch trained}.
    """
    for backup in backups:
        meta = backup.saved_position()
        stage = (meta or {}).get("stage")
        if stage is None:
            continue
        index = int(stage["index"])
        if index < model.phase_index:
            continue  # the model is past it: the callback does not restore it, the next backup replaces it
        if index >= len(phases) or ((phases[index].resolution, phases[index].kind)
                                    != (stage.get("resolution"), stage.get("phase"))):
            raise ValueError(
                f"The backup in {backup.backup_dir!r} was written at {stage}, which is not phase {index} of this "
                f"schedule {[(p.resolution, p.kind) for p in phases]}: resume it with the model and schedule that "
                "wrote it, or delete the folder to start over.")
        return {"index": index, "epoch": int(meta["epoch"]), "batch": int(meta["batch"])}
    return None


def _draw(dataset, batches):
    """Draws `batches` batches of `dataset` and drops them, as a phase's `fit` does."""
    for _ in dataset.take(batches):
        pass


def phase_data(model, data, shuffle_buffer=10_000):
    """`make(resolution, batch_size) -> batched, repeated dataset` for `data` (see `fit_schedule`).

    `data` holds images at the model's `target_resolution` (a `tf.data.Dataset`, batched or not, or
    a float array (N, T, T, C)); lower resolutions are made by average pooling. A callable `data`
    is already such a `make` and is returned as it is.
    """
    if callable(data) and not isinstance(data, tf.data.Dataset):
        return data
    target, channels = model.target_resolution, model.channels
    if isinstance(data, tf.data.Dataset):
        spec = model.unpack_images(data.element_spec)
        if not isinstance(spec, tf.TensorSpec) or spec.shape.rank not in (3, 4):
            raise ValueError(f"The dataset must yield images (H, W, C) or batches (N, H, W, C); got {spec}.")
        shape = tuple(spec.shape[-3:])
        source = data.map(lambda *x: model.unpack_images(x if len(x) > 1 else x[0]))
        if spec.shape.rank == 4:
            source = source.unbatch()
        source = source.shuffle(shuffle_buffer, reshuffle_each_iteration=True)
    else:
        array = np.asarray(data)
        if array.ndim == 3:
            array = array[..., None]
        if array.ndim != 4:
            raise ValueError(f"The data must be images (N, H, W, C); got an array of shape {array.shape}.")
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"The images are {array.dtype}; ProGAN trains on floats in [-1, 1]. "
                             "Scale them with `x.astype('float32') / 127.5 - 1`.")
        shape = array.shape[1:]
        source = tf.data.Dataset.from_tensor_slices(array.astype("float32")).shuffle(
            len(array), reshuffle_each_iteration=True)
    if tuple(shape) != (target, target, channels):
        raise ValueError(
            f"The data's images are {tuple(shape)} but this ProGAN's schedule ends at {target}×{target} with "
            f"{channels} channel(s): give images of shape ({target}, {target}, {channels}) "
            f"(e.g. kg.data.load(name, image_size=({target}, {target}))) or build the ProGAN with "
            f"target_resolution/channels matching the data."
        )

    def make(resolution, batch_size):
        factor = target // resolution

        def shrink(x):
            return x if factor == 1 else tf.nn.avg_pool2d(x, factor, factor, "VALID")

        ds = source.repeat().batch(batch_size, drop_remainder=True)
        return ds.map(shrink, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    return make


class _PhaseEnd(keras.callbacks.Callback):
    """Stops `fit` at the step that completes the phase (`phase_images` ≥ `images`), mid-epoch if need be."""

    def __init__(self, images):
        super().__init__()
        self.images, self.reached, self.stopped_by_others = int(images), False, False

    def on_train_batch_end(self, batch, logs=None):
        if self.model.stop_training and not self.reached:
            self.stopped_by_others = True          # e.g. TerminateOnNaN: fit_schedule stops too
        if int(self.model.phase_images.numpy()) >= self.images:
            self.reached = True
            self.model.stop_training = True


class ScheduleHistory:
    """What `ProGAN.fit` returns when it runs the schedule: `.history` like a Keras `History`."""

    def __init__(self, history):
        self.history = history
