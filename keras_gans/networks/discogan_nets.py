"""The networks of DiscoGAN (Kim, Cha, Kim, Lee & Kim, ICML 2017, §3 and fig. 3).

Generator: an encoder-decoder with no skip connections (unlike CycleGAN's ResNet or U-Net): 4×4
stride-2 convolutions with LeakyReLU(0.2) (batch norm after all but the first) down to a small
code, then 4×4 stride-2 transposed convolutions with batch norm and ReLU back up, and a last
transposed convolution to `tanh`. Everything that reaches the other domain passes the bottleneck.

Discriminator: the generator's encoder (4×4 stride-2 convolutions, LeakyReLU(0.2), batch norm
after the first) followed by one logit per image (the paper's sigmoid is in the loss).
"""
import keras
from keras import layers

from keras_gans.networks.unet import check_image_shape
from keras_gans.utils import checks


def _encoder(x, filters, depth, prefix):
    for i in range(depth):
        x = layers.Conv2D(filters * 2 ** i, 4, strides=2, padding="same", use_bias=i == 0,
                          name=f"{prefix}{i + 1}_conv")(x)
        if i:
            x = layers.BatchNormalization(momentum=0.9, name=f"{prefix}{i + 1}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"{prefix}{i + 1}_lrelu")(x)
    return x


def encoder_decoder_generator(image_shape=(64, 64, 3), filters=64, depth=4, output_channels=None,
                              name="discogan_generator"):
    """DiscoGAN's generator: images `(H, W, C)` in [-1, 1] → images of the other domain in [-1, 1].

    Args:
        image_shape: (height, width, channels); sizes divisible by 2^depth (64 px in the paper).
        filters: filters of the first convolution (64 in the paper), doubled at each step down.
        depth: stride-2 steps down (and up): 4 at 64 px (a 4×4 code); 2 at 32 px (8×8) kept digits, 3 did not.
        output_channels: channels of the output (default: the input's).

    >>> g = encoder_decoder_generator((16, 16, 3), filters=4, depth=2)
    >>> g.output_shape
    (None, 16, 16, 3)
    """
    depth = checks.positive_int(depth, "depth", fix="The paper uses 4 at 64 px.")
    h, w, c = check_image_shape(image_shape, 2 ** depth, 2 ** depth, "encoder_decoder_generator")
    filters = checks.positive_int(filters, "filters", fix="The paper uses 64.")
    out_c = int(output_channels or c)
    inputs = keras.Input((h, w, c), name="images")
    x = _encoder(inputs, filters, depth, "down")
    for i in reversed(range(depth - 1)):
        x = layers.Conv2DTranspose(filters * 2 ** i, 4, strides=2, padding="same", use_bias=False,
                                   name=f"up{depth - 1 - i}_convT")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"up{depth - 1 - i}_bn")(x)
        x = layers.ReLU(name=f"up{depth - 1 - i}_relu")(x)
    outputs = layers.Conv2DTranspose(out_c, 4, strides=2, padding="same", activation="tanh", name="out_convT")(x)
    return keras.Model(inputs, outputs, name=name)


def discogan_discriminator(image_shape=(64, 64, 3), filters=64, depth=4, name="discogan_discriminator"):
    """DiscoGAN's discriminator: images in [-1, 1] → one logit per image.

    >>> d = discogan_discriminator((16, 16, 3), filters=4, depth=2)
    >>> d.output_shape
    (None, 1)
    """
    depth = checks.positive_int(depth, "depth", fix="The paper uses 4 at 64 px.")
    h, w, c = check_image_shape(image_shape, 2 ** depth, 2 ** depth, "discogan_discriminator")
    filters = checks.positive_int(filters, "filters", fix="The paper uses 64.")
    inputs = keras.Input((h, w, c), name="images")
    x = _encoder(inputs, filters, depth, "down")
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, outputs, name=name)
