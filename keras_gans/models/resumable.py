"""What makes a GAN run safe to stop and exact to resume, kept apart from the algorithms.

:class:`ResumableMixin` is a base of :class:`keras_gans.models.GAN` (so of every model in the
package but the VAE and style transfer). It gives `keras.Model` four things:

- **Atomic saves.** `save` and `save_weights` write beside the file and rename, so a crash
  mid-save never leaves half a file; `load_weights` names a truncated or corrupt file.
- **Seed states in the weights.** Keras saves layer variables but not the states of
  `keras.random.SeedGenerator`s (latent z, gradient-penalty ε, dropout, image pools); the mixin
  saves and restores them, so a resumed run (`BackupAndRestore`, `load_weights`) draws the same
  random numbers as an uninterrupted one.
- **Exact mid-epoch resume.** :meth:`~ResumableMixin.skip_batches`, the hook of
  :class:`keras_gans.callbacks.ExactBackupAndRestore`.
- **Guards before checkpoints.** :meth:`~ResumableMixin.fit` moves callbacks whose `runs_first`
  attribute is True (:class:`keras_gans.callbacks.DivergenceGuard`) to the front of the list, so
  they see each step before a callback that saves it; and unless the list has a callback that
  stops on NaN/Inf already (`stops_on_non_finite = True`, as `DivergenceGuard`), it adds a
  :class:`FiniteLossGuard`, so a NaN/Inf loss (bad data in any batch) stops training with a
  :class:`DivergenceError` naming the epoch and step before anything saves the broken weights.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0)
>>> isinstance(gan, ResumableMixin), len(gan._seed_states()) > 0
(True, True)
"""
import math
import os

import keras

from keras_gans.training.ema import UNCOUNTED, is_ema_counter
from keras_gans.utils.io import atomic_path, check_target


class DivergenceError(ValueError):
    """Training produced NaN or Inf; raised by :class:`FiniteLossGuard` (and
    :class:`keras_gans.callbacks.DivergenceGuard`) before any callback saves the broken state."""


class ResumableMixin:
    """Atomic saves with the seed states, `skip_batches`, and `runs_first` callbacks; mix in before `keras.Model`."""

    # ------------------------------------------------------------------ fit: runs_first callbacks to the front
    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, with the callbacks whose `runs_first` is True moved to the front (in order),
        and a :class:`FiniteLossGuard` among them unless a callback already stops on NaN/Inf."""
        if len(args) > 3:  # positional, as in keras.Model.fit(x, y, batch_size, epochs, verbose, callbacks, ...)
            args = args[:3] + (callbacks_first(with_finite_guard(args[3])),) + args[4:]
        else:
            kwargs["callbacks"] = callbacks_first(with_finite_guard(kwargs.get("callbacks")))
        return super().fit(x, y, *args, **kwargs)

    # ------------------------------------------------------------------ resuming mid-epoch: skip_batches
    def skip_batches(self, n, uncounted=0):
        """Makes `fit`'s next `n` steps take their batch from the data without training on it.

        The hook of :class:`keras_gans.callbacks.ExactBackupAndRestore`: after restoring a backup
        written in the middle of an epoch it passes over the batches trained before the backup, so
        every later step sees the batch it would have seen. Skipped steps report empty logs.
        `uncounted` more batches are taken from the data at the first step, before anything else and
        not as steps: those of the epochs before the backup's when `fit`'s data is one stream over all
        its epochs (an infinite dataset with `steps_per_epoch`, as in ProGAN's phases).
        """
        self._batches_to_skip, self._batches_to_drop = int(n), int(uncounted)

    def make_train_function(self, force=False):
        super().make_train_function(force=force)
        step = self.train_function
        if getattr(step, "skips_batches", False):
            return step

        def train_function(iterator):  # what `fit` calls once per `steps_per_execution` steps
            if getattr(self, "_batches_to_drop", 0) > 0:
                for _ in range(self._batches_to_drop):
                    next(iterator)
                self._batches_to_drop = 0
            if getattr(self, "_batches_to_skip", 0) > 0:
                n = min(self._batches_to_skip, int(self.steps_per_execution or 1))
                for _ in range(n):
                    next(iterator)
                self._batches_to_skip -= n
                return {}
            return step(iterator)

        train_function.skips_batches = True
        self.train_function = train_function
        return train_function

    # ------------------------------------------------------------------ saving: atomic, with the seed states
    def save(self, filepath, overwrite=True, **kwargs):
        """`keras.Model.save`, written to a temporary file and renamed (atomic).

        `overwrite` keeps Keras' meaning: `True` (the default) replaces an existing file; with `False`
        an existing file is only replaced if the user answers "y" at Keras' prompt, and, when no one can
        answer (stdin is not a terminal), a `FileExistsError` is raised instead of waiting. A missing
        parent folder is created; a kill at any moment leaves the old file whole and no temporary file
        after the next write (`keras_gans.utils.io`). NaN/Inf weights are refused.
        """
        self._write_checked(filepath, overwrite, ".keras", "a GAN is saved as a .keras file (the legacy .h5 format "
                            "cannot hold its networks, optimizers and seeds): use e.g. 'model.keras', or "
                            "save_weights('model.weights.h5')", super().save, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """`keras.Model.save_weights`, written to a temporary file and renamed (atomic); `overwrite` as in
        :meth:`save`."""
        self._write_checked(filepath, overwrite, ".weights.h5", "Keras weights files end in .weights.h5: use e.g. "
                            "'model.weights.h5' (or save('model.keras') for the whole model)", super().save_weights,
                            **kwargs)

    def _write_checked(self, filepath, overwrite, extension, fix, write, **kwargs):
        """The checks of `save`/`save_weights` (no folder in the way, the suffix, finite weights, Keras'
        `overwrite`), then `write` into a temporary file renamed into place."""
        _refuse_folder(filepath)
        check_extension(filepath, extension, fix)
        check_finite_weights(self, filepath)
        if _may_write(filepath, overwrite):
            with atomic_path(filepath) as tmp:
                write(tmp, overwrite=True, **kwargs)

    def _seed_states(self):
        """The state variables of every `SeedGenerator` in the model (latent z, ε, dropout, pools)."""
        states, seen = [], set()
        for layer in self._flatten_layers(include_self=True, recursive=True):
            for generator in getattr(layer, "_seed_generators", []):
                if id(generator.state) not in seen:
                    seen.add(id(generator.state))
                    states.append(generator.state)
        return states

    def save_own_variables(self, store):
        # Keras saves layer variables but not SeedGenerator states: without them a resumed run
        # (BackupAndRestore, load_weights) redraws the latent vectors of the first steps again.
        super().save_own_variables(store)
        for i, state in enumerate(self._seed_states()):
            store[f"seed_generator_{i}"] = state

    def load_own_variables(self, store):
        own = self._trainable_variables + self._non_trainable_variables
        for i, variable in enumerate(own):
            if f"{i}" not in store and is_ema_counter(variable):  # a file from before the model counted its EMA
                variable.assign(UNCOUNTED)
                continue
            variable.assign(store[f"{i}"])
        states = self._seed_states()
        if all(f"seed_generator_{i}" in store for i in range(len(states))):  # files from before: fresh seeds
            for i, state in enumerate(states):
                state.assign(store[f"seed_generator_{i}"])

    def load_weights(self, filepath, *args, **kwargs):
        """`keras.Model.load_weights`; a truncated or corrupt file gives a `ValueError` naming it."""
        try:
            return super().load_weights(filepath, *args, **kwargs)
        except OSError as e:
            if not os.path.exists(filepath):
                raise
            raise ValueError(f"Cannot read the weights file {str(filepath)!r} ({e}): it is truncated or corrupt. "
                             "Save or download it again.") from e


def callbacks_first(callbacks):
    """A list of `callbacks` with those whose `runs_first` attribute is True moved to the front.

    Both groups keep their order. :meth:`ResumableMixin.fit` (so every :class:`keras_gans.models.GAN`)
    applies it, so that a callback that must see each step before the others
    (:class:`keras_gans.callbacks.DivergenceGuard`) works wherever it stands in the list. None and
    `keras.callbacks.CallbackList` pass unchanged.

    >>> class Guard: runs_first = True
    >>> class Saver: pass
    >>> [type(c).__name__ for c in callbacks_first([Saver(), Guard()])]
    ['Guard', 'Saver']
    """
    if not isinstance(callbacks, (list, tuple)):
        return callbacks
    first = [c for c in callbacks if getattr(c, "runs_first", False) is True]
    return first + [c for c in callbacks if getattr(c, "runs_first", False) is not True]


def _refuse_folder(filepath):
    """A folder is never replaced by a file: IsADirectoryError naming it (before any other check)."""
    if os.path.isdir(os.fspath(filepath)):
        check_target(os.fspath(filepath), overwrite=True)


def _may_write(filepath, overwrite):
    """Keras' `overwrite=` rule for `save`/`save_weights`: whether to write `filepath`."""
    import sys

    path = os.fspath(filepath)
    _refuse_folder(path)
    if overwrite or not os.path.exists(path):
        return True
    try:
        interactive = bool(sys.stdin) and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        interactive = False
    if not interactive:
        check_target(path, overwrite=False)  # raises FileExistsError with the fix
    from keras.src.utils import io_utils

    return io_utils.ask_to_proceed_with_overwrite(path)


class FiniteLossGuard(keras.callbacks.Callback):
    """Stops `fit` on the first NaN/Inf in the step's logs (losses, metrics) with a :class:`DivergenceError`.

    The light guard every :class:`keras_gans.models.GAN` trains with (:meth:`ResumableMixin.fit` adds it
    unless a callback with `stops_on_non_finite = True`, such as
    :class:`keras_gans.callbacks.DivergenceGuard`, is there). The trackers report running means, so one
    NaN/Inf batch anywhere in an epoch (a corrupt image in batch 5) makes the logs non-finite at that step.
    `runs_first`: it reads the step before a checkpoint callback can save it. `async_safe`: without a
    callback that reads every step, Keras checks the logs in a background thread and the run never waits
    for the device; the error then surfaces a few steps later at most, and at the latest at the epoch's end,
    before any `on_epoch_end` callback (Keras flushes the pending checks first).

    >>> import numpy as np, keras_gans as kg
    >>> gan = kg.models.DCGAN(image_shape=(8, 8, 1), latent_dim=4, seed=0); gan.compile()
    >>> x = np.zeros((16, 8, 8, 1), "float32"); x[9] = np.nan     # a NaN image in the 5th batch of 2
    >>> gan.fit(x, batch_size=2, shuffle=False, verbose=0)
    Traceback (most recent call last):
    DivergenceError: Training diverged: d_loss = nan ... at epoch 1, step 5 ...
    """

    runs_first = True
    stops_on_non_finite = True
    async_safe = True

    def __init__(self):
        super().__init__()
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {}
        for name, value in (logs or {}).items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                bad[name] = value
        if bad:
            self.model.stop_training = True
            shown = ", ".join(f"{k} = {v}" for k, v in sorted(bad.items()))
            raise DivergenceError(
                f"Training diverged: {shown} at epoch {self._epoch + 1}, step {batch + 1}. Stopped before any "
                "callback could save this state. Check the data for NaN/Inf images (in any batch, not only the "
                "first), or lower the learning rate."
            )


def check_extension(filepath, extension, fix):
    """A `ValueError` naming `filepath` and `fix` unless it ends in `extension` (before Keras sees a temporary name)."""
    if not os.fspath(filepath).endswith(extension):
        raise ValueError(f"Cannot save {os.fspath(filepath)!r}: {fix}.")


def check_finite_weights(model, filepath):
    """A `DivergenceError` naming the weights that are NaN/Inf, so that no save, checkpoint or backup
    (`BackupAndRestore` and `ModelCheckpoint` call `save` / `save_weights`) ever writes a diverged model."""
    import numpy as np

    bad = [w.path for w in model.weights
           if str(w.dtype).startswith("float") and not np.isfinite(keras.ops.convert_to_numpy(w)).all()]
    if bad:
        shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise DivergenceError(
            f"Not saving {os.fspath(filepath)!r}: the weights {shown} are NaN/Inf (training diverged). Reload the "
            "last good checkpoint, check the data for NaN/Inf images, or lower the learning rate."
        )


def with_finite_guard(callbacks):
    """`callbacks` (None, a list or a tuple) with a :class:`FiniteLossGuard` added, unless one of them stops on
    NaN/Inf already (`stops_on_non_finite = True`, or Keras' `TerminateOnNaN`, which stops quietly).
    A `keras.callbacks.CallbackList` passes unchanged."""
    if callbacks is None:
        callbacks = []
    if not isinstance(callbacks, (list, tuple)):
        return callbacks
    if any(getattr(c, "stops_on_non_finite", False) is True or isinstance(c, keras.callbacks.TerminateOnNaN)
           for c in callbacks):
        return callbacks
    return list(callbacks) + [FiniteLossGuard()]
