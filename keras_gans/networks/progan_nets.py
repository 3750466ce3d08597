"""ProGAN's growing generator and discriminator (Karras et al., ICLR 2018, table 2; GANs in Action, ch. 6).

A network at resolution R is a chain of *blocks*, one per resolution 4, 8, …, R, plus an RGB
adapter at the end (generator: `toRGB`, a 1×1 convolution to the image channels; discriminator:
`fromRGB`, a 1×1 convolution from them). Growing to 2R adds one block and one adapter. During a
*transition* both the old and the new adapter are in the network, joined by a
:class:`~keras_gans.layers.FadeIn`:

    generator:      (1 − α) · upsample×2(toRGB_R(h))  +  α · toRGB_2R(block_2R(h))
    discriminator:  (1 − α) · fromRGB_R(avgpool×2(x)) +  α · block_2R(fromRGB_2R(x))

In the following *stable* phase the old adapter is dropped.

:func:`progan_generator` and :func:`progan_discriminator` build the network of any
(resolution, phase). Given `reuse` — the layers of the current network by name — they build the
next network around the *same* layer objects, so growing keeps every trained variable (no copy,
no `clear_session`). Every block is a small named `keras.Sequential` (`g_block_8`, `d_from_rgb_16`, …).

>>> import keras_gans as kg
>>> g4 = kg.networks.progan_generator(latent_dim=32, resolution=4, channels=1, filters={4: 16, 8: 16})
>>> g8 = kg.networks.progan_generator(32, 8, 1, {4: 16, 8: 16}, transition=True, reuse=kg.networks.layers_by_name(g4))
>>> g8.get_layer("g_block_4") is g4.get_layer("g_block_4")
True
"""
import math

import keras
from keras import layers

from keras_gans.layers.progan_layers import (
    EqualizedConv2D,
    EqualizedDense,
    FadeIn,
    MinibatchStdDev,
    PixelNormalization,
)
from keras_gans.networks.inputs import latent_input

LEAK = 0.2


def is_power_of_two(n):
    return isinstance(n, int) and n >= 1 and (n & (n - 1)) == 0


def resolutions(start, end):
    """[start, 2·start, …, end] for powers of two `start` ≤ `end`."""
    out, r = [], start
    while r <= end:
        out.append(r)
        r *= 2
    return out


def default_filters(resolution, max_filters=128, filter_base=2048):
    """Feature maps at `resolution`: min(max_filters, filter_base / resolution) (the paper: 512, 8192)."""
    return max(1, min(int(max_filters), int(filter_base) // int(resolution)))


def layers_by_name(*models):
    """{layer name: layer} of the top-level layers of `models` (the `reuse` argument of the builders)."""
    found = {}
    for model in models:
        if model is not None:
            found.update({layer.name: layer for layer in model.layers})
    return found


def _reuse(reuse, name, build):
    layer = (reuse or {}).get(name)
    return layer if layer is not None else build()


# ---------------------------------------------------------------------------- generator
def generator_block(resolution, filters, latent_dim=None, name=None):
    """The generator block producing `resolution`×`resolution` features.

    At 4×4 (`latent_dim` given): pixel-norm z → dense to 4×4×f (gain √2/4, as in the paper) →
    LReLU → pixel norm → 3×3 conv → LReLU → pixel norm. Above: nearest-neighbour upsample ×2 →
    two (3×3 conv → LReLU(0.2) → pixel norm).
    """
    f = filters[resolution]
    name = name or f"g_block_{resolution}"
    if latent_dim is not None:
        stack = [
            keras.Input((latent_dim,)),
            PixelNormalization(),
            EqualizedDense(4 * 4 * f, gain=math.sqrt(2.0) / 4.0),
            layers.Reshape((4, 4, f)),
            layers.LeakyReLU(LEAK),
            PixelNormalization(),
            EqualizedConv2D(f, 3),
            layers.LeakyReLU(LEAK),
            PixelNormalization(),
        ]
    else:
        prev = resolution // 2
        stack = [keras.Input((prev, prev, filters[prev])), layers.UpSampling2D(2, interpolation="nearest")]
        for _ in range(2):
            stack += [EqualizedConv2D(f, 3), layers.LeakyReLU(LEAK), PixelNormalization()]
    return keras.Sequential(stack, name=name)


def to_rgb(resolution, filters, channels):
    """toRGB at `resolution`: a linear 1×1 equalised convolution to the image channels (gain 1)."""
    return keras.Sequential(
        [keras.Input((resolution, resolution, filters[resolution])), EqualizedConv2D(channels, 1, gain=1.0)],
        name=f"g_to_rgb_{resolution}",
    )


def progan_generator(latent_dim, resolution, channels, filters, transition=False, reuse=None,
                     name="progan_generator"):
    """The ProGAN generator at `resolution` (stable phase, or fading in from `resolution // 2`).

    Args:
        latent_dim: size of z.
        resolution: output side (a power of two ≥ 4).
        channels: image channels (1 grey, 3 RGB).
        filters: {resolution: feature maps} for every resolution up to `resolution`.
        transition: build the fade-in network (`resolution // 2` → `resolution`, α in a `FadeIn`
            layer named `g_fade_in`) instead of the stable one.
        reuse: {name: layer} of existing blocks (see :func:`layers_by_name`); missing ones are created.

    The output is linear (no tanh, as in the paper); images are in about [-1, 1].
    """
    z = latent_input(latent_dim)
    x = _reuse(reuse, "g_block_4", lambda: generator_block(4, filters, latent_dim=latent_dim))(z)
    last = resolution // 2 if transition else resolution
    for r in resolutions(8, last):
        x = _reuse(reuse, f"g_block_{r}", lambda r=r: generator_block(r, filters))(x)
    if not transition:
        images = _reuse(reuse, f"g_to_rgb_{resolution}", lambda: to_rgb(resolution, filters, channels))(x)
    else:
        prev = resolution // 2
        old = _reuse(reuse, f"g_to_rgb_{prev}", lambda: to_rgb(prev, filters, channels))(x)
        old = layers.UpSampling2D(2, interpolation="nearest", name="g_fade_upsample")(old)
        new = _reuse(reuse, f"g_block_{resolution}", lambda: generator_block(resolution, filters))(x)
        new = _reuse(reuse, f"g_to_rgb_{resolution}", lambda: to_rgb(resolution, filters, channels))(new)
        images = FadeIn(name="g_fade_in")([old, new])
    return keras.Model(z, images, name=name)


# ---------------------------------------------------------------------------- discriminator
def discriminator_block(resolution, filters, group_size=4, name=None):
    """The discriminator block taking `resolution`×`resolution` features.

    At 4×4: minibatch std-dev → 3×3 conv → LReLU → flatten → dense(f) → LReLU → dense(1, gain 1),
    the critic's score. Above: two (3×3 conv → LReLU), the second to the next block's width,
    then 2×2 average pooling.
    """
    f = filters[resolution]
    name = name or f"d_block_{resolution}"
    if resolution == 4:
        stack = [
            keras.Input((4, 4, f)),
            MinibatchStdDev(group_size),
            EqualizedConv2D(f, 3), layers.LeakyReLU(LEAK),
            layers.Flatten(),
            EqualizedDense(f), layers.LeakyReLU(LEAK),
            EqualizedDense(1, gain=1.0),
        ]
    else:
        stack = [
            keras.Input((resolution, resolution, f)),
            EqualizedConv2D(f, 3), layers.LeakyReLU(LEAK),
            EqualizedConv2D(filters[resolution // 2], 3), layers.LeakyReLU(LEAK),
            layers.AveragePooling2D(2),
        ]
    return keras.Sequential(stack, name=name)


def from_rgb(resolution, filters, channels):
    """fromRGB at `resolution`: a 1×1 equalised convolution from the image channels, then LReLU."""
    return keras.Sequential(
        [keras.Input((resolution, resolution, channels)), EqualizedConv2D(filters[resolution], 1),
         layers.LeakyReLU(LEAK)],
        name=f"d_from_rgb_{resolution}",
    )


def progan_discriminator(resolution, channels, filters, transition=False, reuse=None, group_size=4,
                         name="progan_discriminator"):
    """The ProGAN critic at `resolution` (stable, or fading in from `resolution // 2`); one score per image.

    Args mirror :func:`progan_generator`; the fade-in layer is named `d_fade_in`; `group_size` is
    the minibatch std-dev group.
    """
    images = keras.Input((resolution, resolution, channels), name="images")
    x = _reuse(reuse, f"d_from_rgb_{resolution}", lambda: from_rgb(resolution, filters, channels))(images)
    if transition:
        prev = resolution // 2
        new = _reuse(reuse, f"d_block_{resolution}", lambda: discriminator_block(resolution, filters))(x)
        old = layers.AveragePooling2D(2, name="d_fade_downsample")(images)
        old = _reuse(reuse, f"d_from_rgb_{prev}", lambda: from_rgb(prev, filters, channels))(old)
        x = FadeIn(name="d_fade_in")([old, new])
        top = prev
    else:
        top = resolution
    for r in reversed(resolutions(4, top)):
        x = _reuse(reuse, f"d_block_{r}",
                   lambda r=r: discriminator_block(r, filters, group_size=group_size))(x)
    return keras.Model(images, x, name=name)
