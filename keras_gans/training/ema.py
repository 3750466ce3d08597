"""Exponential moving average (EMA) of a network's weights: one copy, one update rule.

Used for every averaged network in the package: the EMA generator of the training tricks
(`ema_decay=` of WGAN, CGAN, SGAN, BigGAN, SAGAN, ACGAN, InfoGAN, DCGANWithTricks), pix2pix's
`ema_generator`, SGAN's averaged classifier (`classifier_ema=`) and ProGAN's Gs. A model keeps the copy as an attribute (so it is
saved with the model's weights) and calls :func:`ema_update` after the step that changes the
original; :attr:`keras_gans.models.GAN.sampling_generator` then samples and exports from it.

>>> import keras
>>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> average = ema_copy(net)                        # same architecture, same weights
>>> ema_update(average.weights, net.weights, decay=0.999)
"""
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


def ema_update(average_variables, variables, decay):
    """w̄ ← decay·w̄ + (1 − decay)·w for each pair (batch-norm statistics included)."""
    for avg, var in zip(average_variables, variables):
        avg.assign(decay * avg + (1.0 - decay) * ops.cast(var, avg.dtype))


def check_decay(decay, name="ema_decay", example=0.999):
    """Raises `ValueError` unless `decay` is None or in (0, 1); `name` and `example` go into the message."""
    checks.optional(checks.number, decay, name, low=0.0, high=1.0, low_open=True, high_open=True,
                    expected=f"in (0, 1) (e.g. {example}) or None")
