"""Runs a progressive-growing schedule: one `fit` per phase, growing the networks in between.

:meth:`keras_gans.models.ProGAN.fit_schedule` (and `ProGAN.fit` on data at the target resolution)
call :func:`fit_schedule` here; the model supplies the algorithm (its `train_step`, `grow`,
`set_alpha`) and this module the loop around it: the data brought to each phase's resolution
and batch size, a :class:`~keras_gans.training.progressive.FadeInScheduler` in transitions,
a stop at the step that completes each phase, and the history of all phases.

>>> import numpy as np, keras_gans as kg
>>> gan = kg.models.ProGAN(start_resolution=4, target_resolution=8, latent_dim=16, channels=1, max_filters=16)
>>> gan.compile()
>>> images = np.zeros((64, 8, 8, 1), "float32")
>>> history = gan.fit_schedule(images, kg.models.ProGANSchedule(32, batch_sizes=16), verbose=0)
>>> history["resolution"]
[4, 8, 8]
"""
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
    if stop_after is not None:
        stop_after = (int(stop_after[0]), stop_after[1])
        if stop_after not in [(p.resolution, p.kind) for p in phases]:
            raise ValueError(f"stop_after={stop_after} is not a phase of this schedule: "
                             f"{[(p.resolution, p.kind) for p in phases]}.")
    make_dataset = phase_data(model, data, shuffle_buffer)
    callbacks = list(callbacks or [])
    history = {}
    for index in range(model.phase_index, len(phases)):
        phase = phases[index]
        if index > model.phase_index:
            model.grow()
        remaining = phase.images - int(model.phase_images.numpy())
        steps = math.ceil(remaining / phase.batch_size) if remaining > 0 else 0
        if steps:
            phase_callbacks = list(callbacks)
            if phase.kind == "transition" and not any(isinstance(c, FadeInScheduler) for c in callbacks):
                phase_callbacks.insert(0, FadeInScheduler(phase.images))
            epochs = min(int(epochs_per_phase), steps)
            # epochs × ceil(steps / epochs) can exceed the phase: stop at its last step
            phase_end = _PhaseEnd(phase.images)
            phase_callbacks.append(phase_end)
            dataset = make_dataset(phase.resolution, phase.batch_size)
            started, cpu_started = time.perf_counter(), time.process_time()
            result = fit_phase(dataset, epochs=epochs, steps_per_epoch=math.ceil(steps / epochs),
                               shuffle=False, callbacks=phase_callbacks, verbose=verbose)
            if phase_end.reached and not phase_end.stopped_by_others:
                model.stop_training = False
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            model.phase_times.append((phase.resolution, phase.kind, seconds, int(model.phase_images.numpy()), cpu))
            for key, values in result.history.items():
                history.setdefault(key, []).extend(float(v) for v in values)
            n = len(next(iter(result.history.values()), []))
            history.setdefault("resolution", []).extend([phase.resolution] * n)
            history.setdefault("alpha", []).extend([model.alpha] * n)
            if model.stop_training:
                break
        if stop_after == (phase.resolution, phase.kind):
            break
    return history


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
