"""What every model shares once: the EMA of weights, learning-rate schedules, the training tricks.

- :mod:`keras_gans.training.ema`: :func:`ema_copy`, :func:`ema_update` (one EMA for every model, with the
  warm-up of :func:`warmup_decay`), :func:`ema_counter` and :func:`ema_follow` (the model's own count of updates).
- :mod:`keras_gans.training.schedules`: :class:`LinearDecay`, :class:`HalfLinearDecay`.
- :mod:`keras_gans.training.tricks`: :class:`TricksMixin` and its pure functions (public through
  :mod:`keras_gans.tricks`).

Nothing here imports a model; the models import from here.
"""
from keras_gans.training.ema import (check_decay, ema_copy, ema_counter, ema_follow, ema_update, warmup_decay,
                                    warmup_steps)
from keras_gans.training.schedules import HalfLinearDecay, LinearDecay
from keras_gans.training.tricks import TricksMixin

__all__ = ["check_decay", "ema_copy", "ema_counter", "ema_follow", "ema_update", "warmup_decay", "warmup_steps",
           "HalfLinearDecay", "LinearDecay", "TricksMixin"]
