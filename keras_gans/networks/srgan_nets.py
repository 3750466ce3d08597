"""The networks of SRGAN (Ledig et al., CVPR 2017, fig. 4): the SRResNet generator and the discriminator.

Generator (SRResNet): a 9×9 convolution with PReLU; `B` residual blocks (3×3 conv → BN → PReLU →
3×3 conv → BN, plus the block's input; B = 16 in the paper); a 3×3 conv → BN added to the first
convolution's output (a long skip); log₂(scale) sub-pixel upsampling blocks (3×3 conv to 4·filters
channels → :class:`~keras_gans.layers.PixelShuffle` (2) → PReLU); a 9×9 convolution to `tanh`.

Discriminator: eight 3×3 convolutions with LeakyReLU(0.2) — filters 64, 64, 128, 128, 256, 256, 512,
512, strides alternating 1 and 2, batch norm on all but the first — then Dense(1024), LeakyReLU and
Dense(1): one logit per image (the paper's sigmoid is in the loss).
"""
import math

import keras
from keras import layers

from keras_gans.layers.pixel_shuffle import PixelShuffle
from keras_gans.networks.unet import check_image_shape
from keras_gans.utils import checks


def upsampling_factors(scale):
    """The pixel-shuffle factors of a scale: 2 for each factor 2 (the paper's ×4 = 2·2), else 3 for ×3.

    >>> upsampling_factors(4), upsampling_factors(3), upsampling_factors(8)
    ([2, 2], [3], [2, 2, 2])
    """
    scale = checks.integer(scale, "scale", low=2, fix="SRGAN upscales by 4; 2, 3 and 8 work too.")
    if scale == 3:
        return [3]
    if scale & (scale - 1):
        raise ValueError(f"scale must be 3 or a power of two (2, 4, 8, ...); got {scale}. The paper uses 4.")
    return [2] * int(math.log2(scale))


def _prelu(name):
    return layers.PReLU(shared_axes=[1, 2], name=name)  # one slope per channel, as the paper's PReLU


def srresnet_generator(lowres_shape=(24, 24, 3), scale=4, filters=64, num_residual_blocks=16,
                       output_channels=None, name="srresnet_generator"):
    """SRResNet: low-resolution images `(h, w, C)` in [-1, 1] → `(scale·h, scale·w, C)` in [-1, 1].

    Args:
        lowres_shape: (height, width, channels) of the low-resolution input (the paper trains on
            24×24 crops of 96×96 images at ×4).
        scale: the upscaling factor (4 in the paper): one pixel-shuffle block per factor 2, or one
            block of 3 for ×3.
        filters: width of the residual trunk (64 in the paper).
        num_residual_blocks: B (16 in the paper).
        output_channels: channels of the output (default: the input's).

    >>> g = srresnet_generator((8, 8, 3), scale=4, filters=8, num_residual_blocks=1)
    >>> g.output_shape
    (None, 32, 32, 3)
    """
    h, w, c = check_image_shape(lowres_shape, 1, 1, "srresnet_generator")
    factors = upsampling_factors(scale)
    filters = checks.positive_int(filters, "filters", fix="The paper uses 64.")
    num_residual_blocks = checks.non_negative_int(num_residual_blocks, "num_residual_blocks",
                                                  fix="The paper uses 16.")
    out_c = int(output_channels or c)
    inputs = keras.Input((h, w, c), name="images")
    x = layers.Conv2D(filters, 9, padding="same", name="in_conv")(inputs)
    trunk = x = _prelu("in_prelu")(x)
    for i in range(num_residual_blocks):
        y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"res{i + 1}_conv1")(x)
        y = layers.BatchNormalization(momentum=0.9, name=f"res{i + 1}_bn1")(y)
        y = _prelu(f"res{i + 1}_prelu")(y)
        y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"res{i + 1}_conv2")(y)
        y = layers.BatchNormalization(momentum=0.9, name=f"res{i + 1}_bn2")(y)
        x = layers.Add(name=f"res{i + 1}_add")([x, y])
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name="trunk_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, name="trunk_bn")(x)
    x = layers.Add(name="trunk_add")([trunk, x])
    for i, r in enumerate(factors):
        x = layers.Conv2D(filters * r * r, 3, padding="same", name=f"up{i + 1}_conv")(x)
        x = PixelShuffle(r, name=f"up{i + 1}_shuffle")(x)
        x = _prelu(f"up{i + 1}_prelu")(x)
    outputs = layers.Conv2D(out_c, 9, padding="same", activation="tanh", name="out_conv")(x)
    return keras.Model(inputs, outputs, name=name)


def srgan_discriminator(image_shape=(96, 96, 3), filters=64, num_downsampling=4, dense_units=1024,
                        name="srgan_discriminator"):
    """The SRGAN discriminator: high-resolution images in [-1, 1] → one logit per image.

    Args:
        image_shape: (height, width, channels) of the high-resolution images; sizes divisible by
            2^num_downsampling.
        filters: filters of the first pair of convolutions (64 in the paper), doubled at each pair.
        num_downsampling: pairs of (stride-1, stride-2) convolutions (4 in the paper: 8 convolutions).
        dense_units: width of the dense layer before the logit (1024 in the paper).

    >>> d = srgan_discriminator((32, 32, 3), filters=8, num_downsampling=2, dense_units=16)
    >>> d.output_shape
    (None, 1)
    """
    num_downsampling = checks.positive_int(num_downsampling, "num_downsampling", fix="The paper uses 4.")
    h, w, c = check_image_shape(image_shape, 2 ** num_downsampling, 2 ** num_downsampling, "srgan_discriminator")
    filters = checks.positive_int(filters, "filters", fix="The paper uses 64.")
    dense_units = checks.positive_int(dense_units, "dense_units", fix="The paper uses 1024.")
    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    for i in range(num_downsampling):
        f = filters * 2 ** i
        for j, stride in enumerate((1, 2)):
            first = i == 0 and j == 0
            x = layers.Conv2D(f, 3, strides=stride, padding="same", use_bias=first, name=f"conv{i + 1}_{j + 1}")(x)
            if not first:
                x = layers.BatchNormalization(momentum=0.9, name=f"bn{i + 1}_{j + 1}")(x)
            x = layers.LeakyReLU(0.2, name=f"lrelu{i + 1}_{j + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, name="dense")(x)
    x = layers.LeakyReLU(0.2, name="dense_lrelu")(x)
    outputs = layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, outputs, name=name)
