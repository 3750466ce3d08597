"""Exponential moving average (EMA) of a network's weights: one copy, one update rule.

Used for every averaged network in the package: the EMA generator of the training tricks
(`ema_decay=` of WGAN, CGAN, SGAN, BigGAN, SAGAN, ACGAN, InfoGAN, DCGANWithTricks), pix2pix's
`ema_generator`, CoGAN's `ema_generators` (both generators as one network, the shared layers once), SGAN's
averaged classifier (`classifier_ema=`), ProGAN's Gs and StyleGAN2's EMA generator.
A model keeps the copy as an attribute (so it is saved with the model's weights) and calls
:func:`ema_update` after the step that changes the original, with the number of updates made
before; :attr:`keras_gans.models.GAN.sampling_generator` then samples and exports from it.
The models keep that number themselves, in an :func:`ema_counter` updated by :func:`ema_follow`:
not in their optimizers' `iterations`, which restart at 0 when a second `compile()` (a new learning
rate, say) replaces the optimizers, and would restart the warm-up with them.

The update has the warm-up of `tf.train.ExponentialMovingAverage(num_updates=n)`: the update made
after n others (n = 0 at the first) uses the decay min(β, (1 + n) / (10 + n)) — 0.1, 0.18, 0.25, …,
0.92 at n = 100 — instead of β (:func:`warmup_decay`). Without it the copy starts at the random
initialisation and holds β^n of it after n updates (β = 0.999: still 50% after 700); with it, 10%
after the first update and 0.001% after ten. The ramp reaches β at n = (10β − 1) / (1 − β)
(:func:`warmup_steps`): β = 0.999 only after ~9,000 updates (8,990), β = 0.99 after ~890, β = 0.9
after 80; until then the copy averages about the last (10 + n) / 9 updates, a ninth of the run so far.

>>> import keras
>>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> average = ema_copy(net)                        # same architecture, same weights
>>> ema_update(average.weights, net.weights, decay=0.999, step=0)     # the first update: decay 0.1
>>> [round(float(warmup_decay(0.999, n)), 4) for n in (0, 1, 100, 100_000)]
[0.1, 0.1818, 0.9182, 0.999]
>>> warmup_steps(0.999)                             # β itself from n = 8,990 on
8990
"""
import math

import keras
from keras import ops

from keras_gans.utils import checks


def ema_copy(network, name=None):
    """A new network with `network`'s architecture and a copy of its current weights (the EMA's start).

    Args:
        network: a functional or sequential `keras.Model`.
        name: the copy's name (default: the original's, as `keras.models.clone_model` gives).
    """
    copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    if name is not None and name != copy.name:
        copy = keras.Model(copy.inputs, copy.outputs, name=name)
    return copy


def warmup_decay(decay, step):
    """The decay of the update made after `step` others: min(`decay`, (1 + n) / (10 + n)), n = max(`step`, 0).

    `step` is a Python or tensor integer; the result is a float32 tensor. A negative `step` counts
    as 0 (a mixed-precision step skipped for a non-finite gradient does not count in the optimizer's
    `iterations`, so "iterations − 1" can be −1 at the first update).
    """
    n = ops.maximum(ops.cast(step, "float32"), 0.0)
    return ops.minimum(ops.cast(decay, "float32"), (1.0 + n) / (10.0 + n))


def warmup_steps(decay):
    """The n from which the warm-up's decay is `decay` itself: ⌈(10·decay − 1) / (1 − decay)⌉, 0 if decay ≤ 0.1.

    >>> warmup_steps(0.999), warmup_steps(0.99), warmup_steps(0.9)
    (8990, 890, 80)
    """
    return max(0, math.ceil(round((10.0 * decay - 1.0) / (1.0 - decay), 6)))


def ema_update(average_variables, variables, decay, step=None):
    """w̄ ← β·w̄ + (1 − β)·w for each pair (batch-norm statistics too), β = :func:`warmup_decay` (decay, step).

    Args:
        average_variables: the copy's variables (assigned in place).
        variables: the original's, in the same order.
        decay: the EMA decay once warmed up, in (0, 1).
        step: the number of updates of this copy before this one (0 at the first; a Python or
            tensor integer, e.g. an :func:`ema_counter` saved with the model, so a resumed run goes on
            with the same decay: :func:`ema_follow`). None: no warm-up, β = `decay` from the first
            update (the plain rule).
    """
    if step is None:
        for avg, var in zip(average_variables, variables):
            avg.assign(decay * avg + (1.0 - decay) * ops.cast(var, avg.dtype))
        return
    beta = warmup_decay(decay, step)
    for avg, var in zip(average_variables, variables):
        b = ops.cast(beta, avg.dtype)
        avg.assign(b * avg + (1.0 - b) * ops.cast(var, avg.dtype))


#: What an :func:`ema_counter` holds after loading a weights file saved before the model kept one: the count is
#: then the optimizer's, as those files kept it (:func:`ema_follow`).
UNCOUNTED = -1


def ema_counter(name="ema_updates"):
    """A new count of the updates made to one EMA copy (0), for :func:`ema_follow`: an int64 variable that the
    model keeps as an attribute, so it is saved with the model's weights and a resumed run goes on with it.

    A weights file saved before the model kept its counter loads it as :data:`UNCOUNTED`
    (:meth:`~keras_gans.models.resumable.ResumableMixin.load_own_variables`, :func:`is_ema_counter`).
    """
    counter = keras.Variable(0, dtype="int64", trainable=False, name=name, aggregation="only_first_replica")
    counter.is_ema_counter = True
    return counter


def is_ema_counter(variable):
    """Whether `variable` is an :func:`ema_counter`."""
    return getattr(variable, "is_ema_counter", False)


def ema_follow(average_variables, variables, decay, counter, optimizer):
    """:func:`ema_update` after `optimizer`'s step on `variables`, warmed up by `counter`'s updates; then counter + 1.

    The count is the model's (`counter`, an :func:`ema_counter`), not `optimizer.iterations`: a second
    `compile()` brings new optimizers, whose `iterations` start at 0 again, while the average goes on. A
    counter left :data:`UNCOUNTED` by an older weights file counts as `optimizer.iterations` − 1, the
    count those files kept, and goes on from there.
    """
    count = counter.value
    step = ops.where(count < 0, ops.cast(optimizer.iterations, "int64") - 1, count)
    step = ops.maximum(step, 0)  # a skipped mixed-precision step: iterations − 1 may be −1 (see warmup_decay)
    ema_update(average_variables, variables, decay, step=step)
    counter.assign(step + 1)


def check_decay(decay, name="ema_decay", example=0.999):
    """Raises `ValueError` unless `decay` is None or in (0, 1); `name` and `example` go into the message."""
    checks.optional(checks.number, decay, name, low=0.0, high=1.0, low_open=True, high_open=True,
                    expected=f"in (0, 1) (e.g. {example}) or None")
