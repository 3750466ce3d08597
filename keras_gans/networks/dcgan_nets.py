"""Generators and discriminators of GANs in Action chapters 3 and 4, and of Radford et al. (2016).

All discriminators return one raw logit per image (no sigmoid): the losses in
:mod:`keras_gans.losses` apply it in a numerically stable way. All generators end in `tanh`.
"""
import math

import keras
from keras import layers

from keras_gans.networks.inputs import latent_input
from keras_gans.utils import checks


def _check_image_shape(image_shape):
    return checks.image_shape(image_shape)


def mlp_generator(latent_dim=100, image_shape=(28, 28, 1), hidden_units=128, name="mlp_generator"):
    """The book's chapter 3 generator: Dense(128) → LeakyReLU(0.01) → Dense(H·W·C, tanh) → Reshape.

    >>> g = mlp_generator()            # z (100,) → (28, 28, 1) in [-1, 1]
    """
    image_shape = _check_image_shape(image_shape)
    z = latent_input(latent_dim)
    x = layers.Dense(hidden_units)(z)
    x = layers.LeakyReLU(negative_slope=0.01)(x)
    x = layers.Dense(math.prod(image_shape), activation="tanh")(x)
    return keras.Model(z, layers.Reshape(image_shape)(x), name=name)


def mlp_discriminator(image_shape=(28, 28, 1), hidden_units=128, name="mlp_discriminator"):
    """The book's chapter 3 discriminator: Flatten → Dense(128) → LeakyReLU(0.01) → Dense(1) logit."""
    image_shape = _check_image_shape(image_shape)
    x_in = keras.Input(image_shape, name="images")
    x = layers.Flatten()(x_in)
    x = layers.Dense(hidden_units)(x)
    x = layers.LeakyReLU(negative_slope=0.01)(x)
    return keras.Model(x_in, layers.Dense(1)(x), name=name)


def book_dcgan_generator(latent_dim=100, image_shape=(28, 28, 1), name="dcgan_generator"):
    """The book's chapter 4 DCGAN generator (28×28×1 by default; any size divisible by 4).

    Dense(H/4·W/4·256) → Reshape → ConvT(128, 3, s2) → BN → LeakyReLU(0.01) → ConvT(64, 3, s1) → BN →
    LeakyReLU(0.01) → ConvT(C, 3, s2) → tanh.
    """
    h, w, c = _check_image_shape(image_shape)
    if h % 4 or w % 4:
        raise ValueError(f"The book DCGAN generator upsamples by 4: height and width must be multiples of 4; got {image_shape}.")
    z = latent_input(latent_dim)
    x = layers.Dense((h // 4) * (w // 4) * 256)(z)
    x = layers.Reshape((h // 4, w // 4, 256))(x)
    for filters, stride in ((128, 2), (64, 1)):
        x = layers.Conv2DTranspose(filters, 3, strides=stride, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(negative_slope=0.01)(x)
    x = layers.Conv2DTranspose(c, 3, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(z, x, name=name)


def book_dcgan_discriminator(image_shape=(28, 28, 1), dropout=0.0, name="dcgan_discriminator"):
    """The book's chapter 4 DCGAN discriminator.

    Conv(32, 3, s2) → LeakyReLU(0.01) → Conv(64, 3, s2) → BN → LeakyReLU → Conv(128, 3, s2) → BN →
    LeakyReLU → Flatten → Dense(1) logit. On 28×28 the last conv gives 4×4×128 = 2048 features
    (the book prints 3×3×128, an erratum); the flatten size is never hard-coded.
    `dropout` > 0 adds Dropout after each block (a common stabiliser; off in the book).
    """
    image_shape = _check_image_shape(image_shape)
    x_in = keras.Input(image_shape, name="images")
    x = book_conv_blocks(x_in, (32, 64, 128), dropout)
    return keras.Model(x_in, layers.Dense(1)(x), name=name)


def book_conv_blocks(x, filters, dropout=0.0):
    """The book's discriminator body on tensor `x`, flattened: per width in `filters`,
    Conv(width, 3, s2) → BN (all but the first) → LeakyReLU(0.01) → Dropout(`dropout`, if > 0)."""
    for i, width in enumerate(filters):
        x = layers.Conv2D(width, 3, strides=2, padding="same")(x)
        if i > 0:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(negative_slope=0.01)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return layers.Flatten()(x)


def _num_doublings(size):
    steps = math.log2(size / 4)
    if size < 8 or steps != int(steps):
        raise ValueError(f"The Radford DCGAN layout needs square power-of-two images of at least 8 px; got {size}.")
    return int(steps)


def radford_generator(latent_dim=100, image_shape=(64, 64, 3), filters=64, name="dcgan_generator"):
    """Radford et al. (2016) generator: project to 4×4, then ConvT(5, s2) + BN + ReLU per doubling, tanh out.

    Channel widths halve from `filters · 2^(n−1)` down to `filters`; 64×64 uses 512→256→128→64.
    """
    h, w, c = _check_image_shape(image_shape)
    if h != w:
        raise ValueError(f"The Radford DCGAN layout needs square images; got {image_shape}.")
    n = _num_doublings(h)
    z = latent_input(latent_dim)
    width = filters * 2 ** (n - 1)
    x = layers.Dense(4 * 4 * width, use_bias=False)(z)
    x = layers.Reshape((4, 4, width))(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for i in range(n - 1):
        width //= 2
        x = layers.Conv2DTranspose(width, 5, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(c, 5, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(z, x, name=name)


def radford_discriminator(image_shape=(64, 64, 3), filters=64, name="dcgan_discriminator"):
    """Radford et al. (2016) discriminator: Conv(5, s2) + LeakyReLU(0.2) per halving (BN after the first), down to 4×4, logit."""
    h, w, c = _check_image_shape(image_shape)
    if h != w:
        raise ValueError(f"The Radford DCGAN layout needs square images; got {image_shape}.")
    n = _num_doublings(h)
    x_in = keras.Input(image_shape, name="images")
    x = x_in
    width = filters
    for i in range(n):
        x = layers.Conv2D(width, 5, strides=2, padding="same", use_bias=i == 0)(x)
        if i > 0:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        width *= 2
    x = layers.Flatten()(x)
    return keras.Model(x_in, layers.Dense(1)(x), name=name)
