"""Builders of generators and discriminators, kept apart from the training algorithms."""
from keras_gans.networks.dcgan_nets import (
    book_dcgan_discriminator,
    book_dcgan_generator,
    mlp_discriminator,
    mlp_generator,
    radford_discriminator,
    radford_generator,
)

__all__ = [
    "book_dcgan_discriminator",
    "book_dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "radford_discriminator",
    "radford_generator",
]
