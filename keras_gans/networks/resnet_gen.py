"""The ResNet generator of CycleGAN (Zhu et al. 2017, appendix 7.2; after Johnson et al. 2016).

c7s1-f → d2f → d4f → R4f × n → u2f → uf → c7s1-C: a 7×7 convolution on a reflection-padded
input, two stride-2 downsampling convolutions, `n` residual blocks (6 for 128 px, 9 for 256 px in
the paper), two stride-2 transposed convolutions, and a 7×7 convolution to `tanh`. Every
convolution but the last is followed by instance normalisation and ReLU; padding is by reflection.
"""
import keras
from keras import layers

from keras_gans.layers import ReflectionPadding2D
from keras_gans.networks.unet import check_image_shape, normalization


def residual_block(x, filters, norm="instance", name="res"):
    """[ReflectionPad(1) → Conv3×3 → norm → ReLU → ReflectionPad(1) → Conv3×3 → norm] + x."""
    y = ReflectionPadding2D(1, name=f"{name}_pad1")(x)
    y = layers.Conv2D(filters, 3, use_bias=norm == "none", name=f"{name}_conv1")(y)
    y = normalization(norm, name=f"{name}_norm1")(y)
    y = layers.ReLU(name=f"{name}_relu")(y)
    y = ReflectionPadding2D(1, name=f"{name}_pad2")(y)
    y = layers.Conv2D(filters, 3, use_bias=norm == "none", name=f"{name}_conv2")(y)
    y = normalization(norm, name=f"{name}_norm2")(y)
    return layers.Add(name=f"{name}_add")([x, y])


def resnet_generator(image_shape=(256, 256, 3), filters=64, num_residual_blocks=9, num_downsampling=2,
                     output_channels=None, norm="instance", name="resnet_generator"):
    """The CycleGAN paper's generator (the keras-io CycleGAN generator is this one).

    Args:
        image_shape: (height, width, channels); sizes divisible by 2^num_downsampling and
            larger than 3 (the 7×7 reflection padding needs it).
        filters: filters of the first convolution (64 in the paper; 8–16 is enough for 32 px on a CPU).
        num_residual_blocks: 9 (paper, 256 px) or 6 (paper, 128 px); fewer for small images.
        num_downsampling: stride-2 convolutions before the residual blocks (2 in the paper).
        output_channels: channels of the output (default: the input's).
        norm: "instance" (paper), "batch" or "none".

    >>> g = resnet_generator((32, 32, 3), filters=8, num_residual_blocks=2)
    >>> g.output_shape
    (None, 32, 32, 3)
    """
    h, w, c = check_image_shape(image_shape, max(4, 2 ** num_downsampling), 2 ** num_downsampling,
                                "resnet_generator")
    out_c = int(output_channels or c)
    inputs = keras.Input((h, w, c), name="images")
    x = ReflectionPadding2D(3, name="in_pad")(inputs)
    x = layers.Conv2D(filters, 7, use_bias=norm == "none", name="in_conv")(x)
    x = normalization(norm, name="in_norm")(x)
    x = layers.ReLU(name="in_relu")(x)
    f = filters
    for i in range(num_downsampling):
        f *= 2
        x = layers.Conv2D(f, 3, strides=2, padding="same", use_bias=norm == "none", name=f"down{i + 1}_conv")(x)
        x = normalization(norm, name=f"down{i + 1}_norm")(x)
        x = layers.ReLU(name=f"down{i + 1}_relu")(x)
    for i in range(num_residual_blocks):
        x = residual_block(x, f, norm=norm, name=f"res{i + 1}")
    for i in range(num_downsampling):
        f //= 2
        x = layers.Conv2DTranspose(f, 3, strides=2, padding="same", use_bias=norm == "none",
                                   name=f"up{i + 1}_convT")(x)
        x = normalization(norm, name=f"up{i + 1}_norm")(x)
        x = layers.ReLU(name=f"up{i + 1}_relu")(x)
    x = ReflectionPadding2D(3, name="out_pad")(x)
    outputs = layers.Conv2D(out_c, 7, activation="tanh", name="out_conv")(x)
    return keras.Model(inputs, outputs, name=name)
