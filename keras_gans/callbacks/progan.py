"""`FadeInScheduler`: moves ProGAN's fade-in α from 0 to 1 during a transition phase.

It lives with the progressive-growing schedule in :mod:`keras_gans.training.progressive`, whose
schedule driver adds one to every transition; it is exported here with the other callbacks.
"""
from keras_gans.training.progressive import FadeInScheduler

__all__ = ["FadeInScheduler"]
