"""Exponential moving average of a network's weights (stand-in until H3's module is merged)."""
from keras import ops


def ema_update(average_variables, variables, decay):
    """w̄ ← decay·w̄ + (1 − decay)·w for each pair (batch-norm statistics included)."""
    for avg, var in zip(average_variables, variables):
        avg.assign(decay * avg + (1.0 - decay) * ops.cast(var, avg.dtype))
