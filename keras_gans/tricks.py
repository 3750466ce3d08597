"""Training tricks as model options (GANs in Action §5.5; ganhacks; Salimans et al. 2016): the public facade.

The mixin and its functions live in :mod:`keras_gans.training.tricks`, the EMA update in
:mod:`keras_gans.training.ema`, and :class:`DCGANWithTricks` in :mod:`keras_gans.models.dcgan`;
this module gathers them under their historical names (see :mod:`keras_gans.training.tricks`
for the table of options).

>>> import keras_gans as kg
>>> gan = kg.tricks.DCGANWithTricks(label_smoothing=0.1, instance_noise=0.1, instance_noise_steps=2000,
...                                 ema_decay=0.999)
>>> gan.compile()
>>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=1, verbose=0)
>>> images = gan.generate(16, seed=0)          # from the EMA generator
"""
from keras_gans.models.dcgan import DCGANWithTricks
from keras_gans.training.ema import ema_update
from keras_gans.training.tricks import (
    BCE_LOSSES,
    TRICK_DEFAULTS,
    TricksMixin,
    bce_with_logits,
    discriminator_targets,
    instance_noise_stddev,
    validate_tricks,
)

__all__ = ["BCE_LOSSES", "TRICK_DEFAULTS", "TricksMixin", "DCGANWithTricks", "bce_with_logits",
           "discriminator_targets", "ema_update", "instance_noise_stddev", "validate_tricks"]
