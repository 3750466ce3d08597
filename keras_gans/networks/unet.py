"""U-Net generators for image-to-image translation.

- :func:`unet_generator`: the GANs in Action ch. 9 CycleGAN generator (four stride-2 convolutions
  with LeakyReLU + instance norm, nearest-neighbour upsampling + convolution, skip connections).
- :func:`pix2pix_generator`: the U-Net of Isola et al. (2017), "Image-to-Image Translation with
  Conditional Adversarial Networks": encoder C64-C128-C256-C512-…, decoder of transposed
  convolutions with 50 % dropout in its first three blocks (the generator's only noise source).

Both map images in [-1, 1] to images in [-1, 1] (`tanh`) of the same height and width.
"""
import math

import keras
from keras import layers

from keras_gans.layers import InstanceNormalization
from keras_gans.utils import checks

NORMS = ("instance", "batch", "none")


@keras.saving.register_keras_serializable(package="keras_gans")
class InferenceDropout(layers.Dropout):
    """Dropout that stays on at inference: pix2pix's noise source (Isola et al. 2017, §3.1; ganhacks #17)."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


def check_image_shape(image_shape, min_size=1, multiple=1, what="This network"):
    """(h, w, c) as ints; ValueError naming the fix when the sizes do not suit the network."""
    h, w, c = checks.image_shape(image_shape)
    if h < min_size or w < min_size or h % multiple or w % multiple:
        raise ValueError(
            f"{what} needs height and width that are multiples of {multiple} and at least {min_size}; got "
            f"{(h, w)}. Resize the images (e.g. image_size=({max(min_size, multiple * math.ceil(h / multiple))}, "
            f"{max(min_size, multiple * math.ceil(w / multiple))})) or change the depth."
        )
    return h, w, c


def normalization(kind, name=None):
    """A normalisation layer by name: "instance", "batch" or "none" (identity)."""
    if kind == "instance":
        return InstanceNormalization(name=name)
    if kind == "batch":
        return layers.BatchNormalization(name=name)
    if kind == "none":
        return layers.Identity(name=name)
    raise ValueError(f"norm must be one of {NORMS}; got {kind!r}.")


def unet_generator(image_shape=(128, 128, 3), filters=32, depth=4, output_channels=None, dropout=0.0,
                   norm="instance", name="unet_generator"):
    """The GANs in Action ch. 9 CycleGAN U-Net generator.

    Encoder: `depth` blocks of Conv2D(f·2^i, 4, stride 2) → LeakyReLU(0.2) → norm.
    Decoder: per level, UpSampling2D(2) → Conv2D(4, ReLU) → Dropout(`dropout`) → norm → concatenate
    with the encoder feature of the same size; then UpSampling2D(2) → Conv2D(C, 4, tanh).
    With the book's settings (128×128×3, filters 32, depth 4) the bottleneck is 8×8×256.

    Args:
        image_shape: (height, width, channels) of the input; height and width divisible by 2^depth.
        filters: filters of the first encoder block (the book's `gf` = 32).
        depth: number of stride-2 encoder blocks.
        output_channels: channels of the output (default: the input's).
        dropout: dropout rate in the decoder (0 in the book).
        norm: "instance" (book), "batch" or "none".

    >>> g = unet_generator((32, 32, 3), filters=8, depth=3)
    >>> g.output_shape
    (None, 32, 32, 3)
    """
    h, w, c = check_image_shape(image_shape, 2 ** depth, 2 ** depth, "unet_generator")
    if depth < 1:
        raise ValueError(f"depth must be at least 1; got {depth}.")
    out_c = int(output_channels or c)
    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    skips = []
    for i in range(depth):
        x = layers.Conv2D(filters * 2 ** i, 4, strides=2, padding="same", name=f"down{i + 1}_conv")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"down{i + 1}_lrelu")(x)
        x = normalization(norm, name=f"down{i + 1}_norm")(x)
        skips.append(x)
    for i in reversed(range(depth - 1)):
        level = depth - 1 - i
        x = layers.UpSampling2D(2, name=f"up{level}_upsample")(x)
        x = layers.Conv2D(filters * 2 ** i, 4, padding="same", activation="relu", name=f"up{level}_conv")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"up{level}_dropout")(x)
        x = normalization(norm, name=f"up{level}_norm")(x)
        x = layers.Concatenate(name=f"up{level}_skip")([x, skips[i]])
    x = layers.UpSampling2D(2, name="out_upsample")(x)
    outputs = layers.Conv2D(out_c, 4, padding="same", activation="tanh", name="out_conv")(x)
    return keras.Model(inputs, outputs, name=name)


def pix2pix_generator(image_shape=(256, 256, 3), filters=64, depth=None, output_channels=None, dropout=0.5,
                      dropout_blocks=3, dropout_at_inference=False, norm="batch", max_filters_multiplier=8,
                      name="pix2pix_generator"):
    """The U-Net generator of pix2pix (Isola et al. 2017, appendix 6.1.1).

    Encoder: Conv2D(4, stride 2) → norm → LeakyReLU(0.2) per block (no norm on the first), filters
    f, 2f, 4f, 8f, 8f, … down to 1×1 for 256 px (8 blocks). Decoder: Conv2DTranspose(4, stride 2) →
    norm → Dropout(0.5 in the first `dropout_blocks` blocks) → ReLU, each concatenated with the mirrored
    encoder feature, then Conv2DTranspose(C, 4, stride 2, tanh).

    Args:
        image_shape: input (height, width, channels); sizes divisible by 2^depth.
        filters: filters of the first encoder block (64 in the paper; use 8–16 on a CPU).
        depth: encoder blocks; default log2(min(height, width)) (down to 1×1, as in the paper).
        output_channels: channels of the output (default: the input's).
        dropout, dropout_blocks: the noise source; the paper keeps it on at test time, which
            `dropout_at_inference=True` does (off by default so `translate` is deterministic).
        norm: "batch" (paper), "instance" or "none".

    >>> g = pix2pix_generator((32, 32, 3), filters=8)
    >>> g.output_shape
    (None, 32, 32, 3)
    """
    if image_shape is None or len(image_shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels); got {image_shape}.")
    if depth is None:
        depth = int(math.log2(min(int(image_shape[0]), int(image_shape[1]))))
    if depth < 1:
        raise ValueError(f"depth must be at least 1; got {depth}.")
    h, w, c = check_image_shape(image_shape, 2 ** depth, 2 ** depth, "pix2pix_generator")
    out_c = int(output_channels or c)
    drop_layer = InferenceDropout if dropout_at_inference else layers.Dropout

    def width(i):
        return filters * min(2 ** i, max_filters_multiplier)

    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    skips = []
    for i in range(depth):
        x = layers.Conv2D(width(i), 4, strides=2, padding="same", use_bias=i == 0 or norm == "none",
                          name=f"down{i + 1}_conv")(x)
        if i > 0:
            # Instance norm of a 1×1 map is always 0: the bottleneck then gets no normalisation.
            single_pixel = x.shape[1] * x.shape[2] == 1
            x = normalization("none" if norm == "instance" and single_pixel else norm, name=f"down{i + 1}_norm")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"down{i + 1}_lrelu")(x)
        skips.append(x)
    for j, i in enumerate(reversed(range(depth - 1))):
        x = layers.Conv2DTranspose(width(i), 4, strides=2, padding="same", use_bias=norm == "none",
                                   name=f"up{j + 1}_convT")(x)
        x = normalization(norm, name=f"up{j + 1}_norm")(x)
        if dropout and j < dropout_blocks:
            x = drop_layer(dropout, name=f"up{j + 1}_dropout")(x)
        x = layers.ReLU(name=f"up{j + 1}_relu")(x)
        x = layers.Concatenate(name=f"up{j + 1}_skip")([x, skips[i]])
    outputs = layers.Conv2DTranspose(out_c, 4, strides=2, padding="same", activation="tanh", name="out_convT")(x)
    return keras.Model(inputs, outputs, name=name)
