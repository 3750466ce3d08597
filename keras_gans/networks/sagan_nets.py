"""SAGAN's networks (Zhang, Goodfellow, Metaxas & Odena, ICML 2019), sized for 28×28 MNIST and 32×32 images.

Both networks work at three resolutions, H/4, H/2 and H (7, 14, 28 on MNIST; 8, 16, 32 on 32×32), put
SAGAN's self-attention block (:class:`~keras_gans.layers.SelfAttention2D`, γ starting at 0) at the middle
one, and wrap every Dense/Conv — the attention's 1×1 projections included — in Keras'
`keras.layers.SpectralNormalization` (SAGAN applies SN to G as well as D). The widths are small by
default so that they train on a CPU; the paper's 128×128 ImageNet networks are 16× wider.

>>> g = sagan_generator(latent_dim=16, image_shape=(16, 16, 1), width=8)
>>> d = sagan_discriminator((16, 16, 1), width=8)
>>> g.output_shape, d.output_shape
((None, 16, 16, 1), (None, 1))
"""
import keras
from keras import layers

from keras_gans.layers.attention import SelfAttention2D
from keras_gans.layers.spectral import maybe_spectral
from keras_gans.networks.inputs import latent_input
from keras_gans.utils import checks


def check_three_scales(image_shape, network):
    """`image_shape` as (H, W, C) with H and W multiples of 4 (the networks work at H/4, H/2, H)."""
    h, w, c = checks.image_shape(image_shape)
    if h % 4 or w % 4:
        raise ValueError(f"The {network} works at H/4, H/2 and H: height and width must be multiples of 4 "
                         f"(28 for MNIST, 32, 16, 8); got image_shape={tuple(image_shape)}. Resize the images "
                         "(kg.data.load(..., image_size=32)).")
    return h, w, c


def sagan_generator(latent_dim=128, image_shape=(28, 28, 1), width=32, attention=True, spectral_norm=True,
                    name="sagan_generator"):
    """z → image in [-1, 1]: SAGAN's generator, small.

    SN-Dense(H/4·W/4·4w) → Reshape → BN → ReLU → [Upsample ×2 → SN-Conv(2w, 3) → BN → ReLU] →
    **SelfAttention2D at H/2** → [Upsample ×2 → SN-Conv(w, 3) → BN → ReLU] → SN-Conv(C, 3) → tanh,
    with w = `width`. Nearest-neighbour upsampling then a 3×3 convolution (as the official SAGAN code's
    generator blocks) rather than transposed convolutions.

    Args:
        latent_dim: size of z.
        image_shape: (H, W, C), H and W multiples of 4.
        width: channels of the last block (the first has 4×, the middle 2×).
        attention: put the self-attention block at H/2 (False: an SNGAN-like ablation).
        spectral_norm: wrap the layers in spectral normalisation (SAGAN: True).
    """
    h, w, c = check_three_scales(image_shape, "SAGAN generator")
    width = checks.positive_int(width, "width", fix="e.g. 32 (channels of the last block).")
    z = latent_input(latent_dim)
    x = maybe_spectral(layers.Dense((h // 4) * (w // 4) * 4 * width, name="project"), spectral_norm)(z)
    x = layers.Reshape((h // 4, w // 4, 4 * width))(x)
    x = layers.ReLU()(layers.BatchNormalization(name="project_bn")(x))
    for i, filters in enumerate((2 * width, width), start=1):
        x = layers.UpSampling2D(2, name=f"up{i}")(x)
        x = maybe_spectral(layers.Conv2D(filters, 3, padding="same", name=f"conv{i}"), spectral_norm)(x)
        x = layers.ReLU()(layers.BatchNormalization(name=f"bn{i}")(x))
        if i == 1 and attention:
            x = SelfAttention2D(spectral_norm=spectral_norm, name="attention")(x)
    x = maybe_spectral(layers.Conv2D(c, 3, padding="same", name="to_image"), spectral_norm)(x)
    return keras.Model(z, layers.Activation("tanh", name="tanh")(x), name=name)


def sagan_discriminator(image_shape=(28, 28, 1), width=32, attention=True, spectral_norm=True,
                        name="sagan_discriminator"):
    """image → one logit: SAGAN's discriminator, small (no batch norm: SN alone keeps D Lipschitz).

    SN-Conv(w, 4, s2) → LeakyReLU(0.1) → **SelfAttention2D at H/2** → SN-Conv(2w, 4, s2) → LeakyReLU(0.1)
    → SN-Conv(4w, 3) → LeakyReLU(0.1) → Flatten → SN-Dense(1).

    Args: as :func:`sagan_generator` (`width`: channels of the first convolution).
    """
    image_shape = check_three_scales(image_shape, "SAGAN discriminator")
    width = checks.positive_int(width, "width", fix="e.g. 32 (channels of the first convolution).")
    images = keras.Input(image_shape, name="images")
    x = images
    for i, (filters, kernel, stride) in enumerate(((width, 4, 2), (2 * width, 4, 2), (4 * width, 3, 1)), start=1):
        x = maybe_spectral(layers.Conv2D(filters, kernel, strides=stride, padding="same", name=f"conv{i}"),
                           spectral_norm)(x)
        x = layers.LeakyReLU(negative_slope=0.1)(x)
        if i == 1 and attention:
            x = SelfAttention2D(spectral_norm=spectral_norm, name="attention")(x)
    x = layers.Flatten()(x)
    return keras.Model(images, maybe_spectral(layers.Dense(1, name="logit"), spectral_norm)(x), name=name)


def attention_gammas(*networks):
    """`{"<network>/<layer>": γ}` of every :class:`~keras_gans.layers.SelfAttention2D` in `networks` (floats)."""
    return {f"{network.name}/{layer.name}": float(keras.ops.convert_to_numpy(layer.gamma))
            for network in networks
            for layer in network._flatten_layers(include_self=False)  # noqa: SLF001
            if isinstance(layer, SelfAttention2D)}
