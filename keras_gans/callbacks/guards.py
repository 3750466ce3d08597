"""Divergence guards: stop on NaN/Inf before a checkpoint of the broken state, warn on failure signs.

:class:`DivergenceGuard` watches a GAN while it trains:

- **NaN or Inf** in any reported loss or metric, in a gradient norm, or in the weights after a
  step: training stops at once with a :class:`DivergenceError` naming the metric, the value, the
  epoch and the step. The guard reads each step's logs in `on_train_batch_end`, and Keras calls
  the callbacks in the order of the list; the guard declares `runs_first = True`, the hook by which
  :meth:`keras_gans.models.GAN.fit` moves it to the front of the list wherever it was put. So
  `BackupAndRestore`, `ModelCheckpoint` and the other callbacks (which save in
  `on_train_batch_end` / `on_epoch_end`) never write the broken state. (With a model that is not a
  :class:`~keras_gans.models.GAN`, put the guard first yourself.) The last backup written is the
  last healthy one: rerun the same command to resume from it (with a lower learning rate, or
  another seed).
- **Failure signs** (ganhacks, in the lecture notes §9; §2.8): a warning
  (:class:`DivergenceWarning`) with the numbers when
  * the discriminator loss stays below `d_loss_floor` for `d_loss_patience` steps (D wins; G's
    gradients vanish),
  * a gradient norm exceeds `grad_norm_limit` (100 in the notes),
  * the generator loss rises steadily: the mean over each of the last `g_rise_windows` windows of
    `g_loss_window` steps is higher than the one before, by `g_rise_min` (relative) overall.
  Warnings are also kept in `guard.alerts`. These signs are of adversarial training: while the model
  trains no discriminator (its `trains_discriminator` is False, e.g. SRGAN's SRResNet pre-training,
  which reports `d_loss` as 0) the guard skips the D-loss and G-loss signs; NaN/Inf and gradient
  norms are still checked. (ganhacks, as quoted in the notes, also names a steadily
  *falling* G loss — G fooling D with garbage; that pattern is normal early in training, so the guard
  watches the rising one, the discriminator pulling away.)

Gradient norms need the model's cooperation: a :class:`keras_gans.models.GAN` reports
`d_grad_norm` / `g_grad_norm` when `model.track_grad_norms` is True, which the guard switches on
when `grad_norm_limit` is set (with `make_train_function(force=True)`, so the step is traced again).
"""
import math
import warnings

import keras
import numpy as np

# One class for both guards: every GAN's light FiniteLossGuard (models layer) and this one raise it.
from keras_gans.models.resumable import DivergenceError



class DivergenceWarning(UserWarning):
    """A failure sign of GAN training (D loss → 0, exploding gradients, G loss rising)."""


def _scalar(value):
    try:
        arr = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return None
    return float(arr.reshape(-1)[0]) if arr.size else None


@keras.saving.register_keras_serializable(package="keras_gans")
class DivergenceGuard(keras.callbacks.Callback):
    """Stops GAN training on NaN/Inf before it is checkpointed; warns on the classic failure signs.

    Args:
        check_weights: also stop when a weight becomes NaN/Inf while the step's losses are still
            finite (an update can break the weights one step before the losses show it).
            One fused reduction over the weights per step.
        d_loss_floor, d_loss_patience: warn when the per-step discriminator loss stays below
            `d_loss_floor` for `d_loss_patience` consecutive steps. Skipped for Wasserstein
            critics, whose loss has no floor. None disables.
        grad_norm_limit: warn when `d_grad_norm` or `g_grad_norm` exceeds it (None disables;
            then the model's gradient norms are not switched on).
        g_loss_window, g_rise_windows, g_rise_min: warn when the mean generator loss of each of
            the last `g_rise_windows` windows of `g_loss_window` steps is above the previous one,
            and the last is at least `g_rise_min` (relative) above the first. None disables.
        monitor: metric names to check for NaN/Inf; None = every numeric entry of the logs.

    Order: the class sets `runs_first = True`, so :meth:`keras_gans.models.GAN.fit` runs the guard
    before every other callback, wherever it stands in `callbacks`: it raises on a NaN step before
    a callback after it can save that step. Other models' `fit` keep the list's order: put it first.

    Example:

    >>> import keras, keras_gans as kg
    >>> gan = kg.models.DCGAN(image_shape=(28, 28, 1)); gan.compile()
    >>> ds = kg.data.load("mnist-5k", batch_size=64)
    >>> gan.fit(ds, epochs=1, steps_per_epoch=5, callbacks=[
    ...     keras.callbacks.BackupAndRestore("runs/dcgan/backup", save_freq=100),
    ...     kg.callbacks.DivergenceGuard()])           # runs first all the same: it stops before the backup
    >>> # on NaN: DivergenceError("Training diverged: d_loss = nan at epoch 3, step 17 ...")
    """

    #: Read by :meth:`keras_gans.models.GAN.fit`, which moves this callback to the front of the list.
    runs_first = True
    #: Read by :meth:`keras_gans.models.GAN.fit`, which then adds no FiniteLossGuard of its own.
    stops_on_non_finite = True

    def __init__(self, check_weights=True, d_loss_floor=0.05, d_loss_patience=200, grad_norm_limit=100.0,
                 g_loss_window=100, g_rise_windows=4, g_rise_min=0.1, monitor=None):
        super().__init__()
        if d_loss_patience is not None and int(d_loss_patience) < 1:
            raise ValueError(f"d_loss_patience must be a positive number of steps; got {d_loss_patience!r}.")
        if g_loss_window is not None and (int(g_loss_window) < 1 or int(g_rise_windows) < 2):
            raise ValueError("g_loss_window must be ≥ 1 step and g_rise_windows ≥ 2 windows; "
                             f"got {g_loss_window!r} and {g_rise_windows!r}.")
        if grad_norm_limit is not None and not float(grad_norm_limit) > 0:
            raise ValueError(f"grad_norm_limit must be positive or None; got {grad_norm_limit!r}.")
        self.check_weights = bool(check_weights)
        self.d_loss_floor = None if d_loss_floor is None else float(d_loss_floor)
        self.d_loss_patience = None if d_loss_patience is None else int(d_loss_patience)
        self.grad_norm_limit = None if grad_norm_limit is None else float(grad_norm_limit)
        self.g_loss_window = None if g_loss_window is None else int(g_loss_window)
        self.g_rise_windows = int(g_rise_windows)
        self.g_rise_min = float(g_rise_min)
        self.monitor = None if monitor is None else list(monitor)
        #: the warnings issued so far (strings), newest last
        self.alerts = []
        self._reset_run()

    def get_config(self):
        return {"check_weights": self.check_weights, "d_loss_floor": self.d_loss_floor,
                "d_loss_patience": self.d_loss_patience, "grad_norm_limit": self.grad_norm_limit,
                "g_loss_window": self.g_loss_window, "g_rise_windows": self.g_rise_windows,
                "g_rise_min": self.g_rise_min, "monitor": self.monitor}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    # ------------------------------------------------------------------ state
    def _reset_run(self):
        self._epoch = 0
        self._batch = -1
        self._prev_means = {}          # metric -> (steps seen this epoch, running mean)
        self._d_low_steps = 0
        self._d_low_values = []
        self._d_warned = False
        self._g_window = []
        self._g_window_means = []
        self._grad_warned_epoch = None
        self._grad_exceed_count = 0

    # ------------------------------------------------------------------ hooks
    def set_model(self, model):
        super().set_model(model)
        if self.grad_norm_limit is not None and getattr(model, "track_grad_norms", None) is False:
            model.track_grad_norms = True  # read when the step is traced: trace a fitted model's again
            if getattr(model, "train_function", None) is not None:
                model.make_train_function(force=True)

    def on_train_begin(self, logs=None):
        self._reset_run()
        self._weights_finite = None
        if self.check_weights:
            import tensorflow as tf

            weights = [w for w in self.model.weights if str(w.dtype).startswith("float")]

            @tf.function
            def weights_finite():  # one fused reduction, one boolean back to the host
                return tf.reduce_all([tf.reduce_all(tf.math.is_finite(w.value)) for w in weights])

            self._weights_finite = weights_finite

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._batch = -1
        self._prev_means = {}

    def on_train_batch_begin(self, batch, logs=None):
        self._batch = batch

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        self._check_finite(logs)  # raises before the callbacks after this one see the step
        steps = self._step_values(batch, logs)
        # no D trained this step (SRResNet pre-training): its d_loss is a 0 and its g_loss no adversarial loss
        adversarial = getattr(self.model, "trains_discriminator", True)
        if adversarial:
            self._watch_d_loss(steps.get("d_loss"))
        self._watch_grad_norms(logs)
        if adversarial:
            self._watch_g_loss(steps.get("g_loss"))

    # ------------------------------------------------------------------ NaN / Inf
    def _where(self):
        return f"epoch {self._epoch + 1}, step {self._batch + 1}"

    def _check_finite(self, logs):
        names = self.monitor if self.monitor is not None else list(logs or {})
        bad = {}
        for name in names:
            if name not in (logs or {}):
                continue
            value = _scalar(logs[name])
            if value is not None and not math.isfinite(value):
                bad[name] = value
        if bad:
            self._stop(", ".join(f"{k} = {v}" for k, v in bad.items()))
        if self._weights_finite is not None and not bool(self._weights_finite()):
            names = [w.path for w in self.model.weights
                     if str(w.dtype).startswith("float") and not np.isfinite(keras.ops.convert_to_numpy(w)).all()]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self._stop(f"non-finite weights ({shown}) while the losses were still finite")

    def _stop(self, what):
        self.model.stop_training = True
        raise DivergenceError(
            f"Training diverged: {what} at {self._where()}. Stopped before any callback could save this state, "
            "so the last checkpoint/backup is from before it: rerun the same command to resume from there, "
            "ideally with a lower learning rate or another seed. Check the data for NaN/Inf images as well."
        )

    # ------------------------------------------------------------------ failure signs
    def _warn(self, message):
        self.alerts.append(message)
        warnings.warn(message, DivergenceWarning, stacklevel=2)

    def _step_values(self, batch, logs):
        """Per-step values of running-mean metrics (Keras logs hold the epoch's mean so far)."""
        values = {}
        for name in ("d_loss", "g_loss"):
            mean = _scalar(logs.get(name)) if name in logs else None
            if mean is None or not math.isfinite(mean):
                continue
            prev_steps, prev_mean = self._prev_means.get(name, (0, 0.0))
            steps = batch + 1
            if steps > prev_steps:
                values[name] = (steps * mean - prev_steps * prev_mean) / (steps - prev_steps)
            self._prev_means[name] = (steps, mean)
        return values

    def _watch_d_loss(self, d_loss):
        if self.d_loss_floor is None or self.d_loss_patience is None or d_loss is None:
            return
        loss = getattr(self.model, "gan_loss", None)
        if loss is not None and getattr(loss, "name", None) == "wasserstein":
            return  # a critic's loss has no floor: "→ 0" is not a sign there
        if d_loss < self.d_loss_floor:
            self._d_low_steps += 1
            self._d_low_values.append(d_loss)
        else:
            self._d_low_steps, self._d_low_values, self._d_warned = 0, [], False
        if self._d_low_steps >= self.d_loss_patience and not self._d_warned:
            self._d_warned = True
            self._warn(
                f"Discriminator winning: d_loss has stayed below {self.d_loss_floor:g} for {self._d_low_steps} steps "
                f"(mean {np.mean(self._d_low_values):.3g}, last {d_loss:.3g}, at {self._where()}); the generator's "
                "gradients vanish. Try label smoothing or noise, dropout in D, a lower D learning rate."
            )

    def _watch_grad_norms(self, logs):
        if self.grad_norm_limit is None:
            return
        over = {}
        for name in ("d_grad_norm", "g_grad_norm"):
            value = _scalar(logs.get(name)) if name in logs else None
            if value is not None and value > self.grad_norm_limit:
                over[name] = value
        if not over:
            return
        self._grad_exceed_count += 1
        if self._grad_warned_epoch == self._epoch:
            return  # one warning per epoch; the count keeps going
        self._grad_warned_epoch = self._epoch
        shown = ", ".join(f"{k} = {v:.4g}" for k, v in over.items())
        self._warn(
            f"Exploding gradients: {shown} > {self.grad_norm_limit:g} at {self._where()} "
            f"({self._grad_exceed_count} step(s) over the limit so far). Lower the learning rate, "
            "clip gradients (optimizer clipnorm=), or add a gradient penalty / spectral norm."
        )

    def _watch_g_loss(self, g_loss):
        if self.g_loss_window is None or g_loss is None:
            return
        self._g_window.append(g_loss)
        if len(self._g_window) < self.g_loss_window:
            return
        self._g_window_means.append(float(np.mean(self._g_window)))
        self._g_window = []
        means = self._g_window_means[-self.g_rise_windows:]
        if len(means) < self.g_rise_windows:
            return
        rising = all(b > a for a, b in zip(means, means[1:]))
        rise = (means[-1] - means[0]) / max(abs(means[0]), 1e-8)
        if rising and rise >= self.g_rise_min:
            self._g_window_means = []  # the next warning needs a fresh run of rising windows
            trail = " → ".join(f"{m:.3g}" for m in means)
            self._warn(
                f"Generator loss rising steadily: mean g_loss per {self.g_loss_window} steps {trail} "
                f"(+{100 * rise:.0f}%, at {self._where()}); the discriminator is pulling away. "
                "Consider a lower D learning rate, more G steps, or label smoothing."
            )
