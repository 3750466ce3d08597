"""StyleGAN's networks: the mapping network z → w (Karras et al., CVPR 2019, §2), StyleGAN2's synthesis
network, generator and residual discriminator (Karras et al., CVPR 2020).

The blocks (:class:`~keras_gans.layers.ModulatedConv2D`, :class:`~keras_gans.layers.NoiseInjection`,
:class:`~keras_gans.layers.ConstantInput`) live in :mod:`keras_gans.layers`.

>>> import numpy as np
>>> g = stylegan2_generator(latent_dim=16, image_shape=(8, 8, 1), style_dim=16, mapping_layers=2, filters={4: 8, 8: 8})
>>> g(np.random.randn(2, 16).astype("float32")).shape, num_styles(8)
(TensorShape([2, 8, 8, 1]), 4)
"""
import math

import keras

from keras_gans.layers.progan_layers import EqualizedConv2D, EqualizedDense, MinibatchStdDev, PixelNormalization
from keras_gans.layers.stylegan_layers import ConstantInput, ModulatedConv2D, NoiseInjection, SelectStyle
from keras_gans.networks.inputs import latent_input
from keras_gans.utils import checks

LEAK = 0.2


def mapping_network(latent_dim, style_dim, layers=8, hidden_dim=None, lr_multiplier=0.01, name="mapping"):
    """The mapping network: w = MLP(pixel_norm(z)).

    z is first normalised to unit mean square (:class:`~keras_gans.layers.PixelNormalization`, so
    only its direction matters), then passes `layers` fully connected layers with the equalised
    learning rate (:class:`~keras_gans.layers.EqualizedDense`, gain √2), each followed by a leaky ReLU
    (slope 0.2) as in the paper, the last one included. Hidden layers have `hidden_dim` units
    (`style_dim` by default, as in the paper's 512-512-…); the output is w, (batch, style_dim).
    The paper's 8 layers suit 1024²; a small model takes 2–4.

    Every layer has the paper's learning-rate multiplier `lr_multiplier` (0.01, StyleGAN app. C;
    StyleGAN2 and StyleGAN2-ADA keep it, see :class:`~keras_gans.layers.EqualizedDense`): the mapping
    network learns 100× slower than the synthesis network. Without it (1.0) the mapping learns at the
    synthesis network's full rate and w loses its spread across z within a few hundred steps (the
    `stylegan2` recipe: std of w over z / mean |w| 0.93 at initialisation, 0.29 after 600 steps; 0.90
    with 0.01), so that every z maps to nearly the same w.

    >>> import numpy as np
    >>> mapping = mapping_network(latent_dim=16, style_dim=32, layers=2)
    >>> mapping(np.random.randn(4, 16).astype("float32")).shape
    TensorShape([4, 32])
    """
    style_dim = checks.positive_int(style_dim, "style_dim")
    layers = checks.positive_int(layers, "layers", fix="The mapping network needs at least one layer.")
    hidden_dim = style_dim if hidden_dim is None else checks.positive_int(hidden_dim, "hidden_dim")
    lr_multiplier = checks.number(lr_multiplier, "lr_multiplier", low=0.0, low_open=True,
                                  expected="a positive number (0.01 in StyleGAN)")
    z = latent_input(latent_dim)
    h = PixelNormalization(name="normalize_z")(z)
    for i in range(layers):
        units = style_dim if i == layers - 1 else hidden_dim
        h = EqualizedDense(units, gain=math.sqrt(2.0), lr_multiplier=lr_multiplier, name=f"dense_{i}")(h)
        h = keras.layers.LeakyReLU(LEAK, name=f"lrelu_{i}")(h)
    return keras.Model(z, h, name=name)


# ---------------------------------------------------------------------------- StyleGAN2
def resolutions(image_size):
    """[4, 8, …, image_size]."""
    return [2 ** k for k in range(2, int(math.log2(image_size)) + 1)]


def num_styles(image_size):
    """How many w's the synthesis network of `image_size` takes: 2·log2(size) − 2 (18 at 1024², 8 at 32²).

    One per modulated layer, the toRGB layer of a resolution sharing its w with the next resolution's
    first convolution, as in the official StyleGAN2 code: at 4×4 the convolution takes w₀ and toRGB w₁;
    the block at 2ʳ (r ≥ 3) takes w_{2r−5}, w_{2r−4} for its two convolutions and w_{2r−3} for toRGB.
    """
    return 2 * int(math.log2(image_size)) - 2


def default_filters(image_size, max_filters=64, filter_base=512):
    """{resolution: min(max_filters, filter_base / resolution)} (StyleGAN2: 512 and 16384 at 1024²)."""
    return {r: max(1, min(int(max_filters), int(filter_base) // r)) for r in resolutions(image_size)}


def check_image_shape(image_shape):
    """`image_shape` as (size, size, channels) with size a power of two ≥ 8; `ValueError` naming the fix."""
    shape = checks.image_shape(image_shape)
    if shape[0] != shape[1]:
        raise ValueError(f"StyleGAN2 makes square images; got image_shape={shape}. Resize the data to a square "
                         "power of two such as (32, 32, 1).")
    checks.power_of_two(shape[0], "the image size", low=8, fix="Resize the data, e.g. to 32×32.")
    return shape


def _filters(image_size, filters, max_filters, filter_base):
    if filters is None:
        return default_filters(image_size, max_filters, filter_base)
    filters = {int(k): int(v) for k, v in dict(filters).items()}
    missing = [r for r in resolutions(image_size) if r not in filters]
    if missing:
        raise ValueError(f"filters has no entry for resolutions {missing}; give one for each of "
                         f"{resolutions(image_size)}.")
    return filters


def synthesis_network(image_shape=(32, 32, 1), style_dim=64, filters=None, max_filters=64, filter_base=512,
                      inference_noise="const", name="synthesis"):
    """StyleGAN2's synthesis network: one w per modulated layer → an image (the "skip" generator, fig. 7).

    The input `ws` is (batch, :func:`num_styles`, style_dim), one w per layer (the same w repeated for
    plain sampling; different ones for style mixing). A learned 4×4 constant
    (:class:`~keras_gans.layers.ConstantInput`) goes through one block per resolution: at 4×4 one
    modulated 3×3 convolution, above it a ×2 bilinear upsampling and two; each convolution is a
    :class:`~keras_gans.layers.ModulatedConv2D` (demodulated), then :class:`~keras_gans.layers.NoiseInjection`,
    then a leaky ReLU (0.2). Every resolution has a toRGB layer (a modulated 1×1 convolution without
    demodulation), and the RGB outputs are summed across resolutions, each upsampled (bilinear) to the
    next: rgb_{2r} = up(rgb_r) + toRGB_{2r}(x). The output is linear, as in the paper (images in about
    [-1, 1]; the model clips its samples).

    Simplifications of this small version: bilinear upsampling in place of the transposed convolution
    with a FIR low-pass filter, and no √2 gain after the leaky ReLU. Demodulation normalises the
    *weights* for unit-variance inputs, not the activations, so without the gain the activations shrink
    by about 0.65× per layer at initialisation (RMS 0.57 after the 4² layer, 0.03 after the last 32²
    one) and the finer toRGB outputs start small beside the 4² one.

    Args:
        image_shape: (size, size, channels), size a power of two ≥ 8.
        style_dim: size of w.
        filters: {resolution: feature maps} for 4, 8, …, size; by default
            :func:`default_filters` (`max_filters`, `filter_base`).
        inference_noise: the noise outside training (see :class:`~keras_gans.layers.NoiseInjection`):
            `"const"` (default: sampling is deterministic), `"random"` or `"none"`.
    """
    size, _, channels = check_image_shape(image_shape)
    style_dim = checks.positive_int(style_dim, "style_dim")
    filters = _filters(size, filters, max_filters, filter_base)
    ws = keras.Input((num_styles(size), style_dim), name="ws")

    selected = {}

    def w(i):   # each w once (toRGB shares its w with the next resolution's first convolution)
        if i not in selected:
            selected[i] = SelectStyle(i, name=f"w_{i}")(ws)
        return selected[i]

    def layer(x, r, i, conv):
        x = ModulatedConv2D(filters[r], 3, name=f"conv{conv}_{r}")([x, w(i)])
        x = NoiseInjection(inference_noise=inference_noise, name=f"noise{conv}_{r}")(x)
        return keras.layers.LeakyReLU(LEAK, name=f"lrelu{conv}_{r}")(x)

    x = layer(ConstantInput((4, 4, filters[4]), name="const")(ws), 4, 0, 0)
    rgb = ModulatedConv2D(channels, 1, demodulate=False, name="to_rgb_4")([x, w(1)])
    for r in resolutions(size)[1:]:
        i = 2 * int(math.log2(r)) - 5
        x = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"upsample_{r}")(x)
        x = layer(layer(x, r, i, 0), r, i + 1, 1)
        up = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"upsample_rgb_{r}")(rgb)
        rgb = keras.layers.Add(name=f"rgb_{r}")([up, ModulatedConv2D(channels, 1, demodulate=False,
                                                                      name=f"to_rgb_{r}")([x, w(i + 2)])])
    return keras.Model(ws, rgb, name=name)


def stylegan2_generator(latent_dim=64, image_shape=(32, 32, 1), style_dim=64, mapping_layers=4, filters=None,
                        max_filters=64, filter_base=512, inference_noise="const", mapping_lr_multiplier=0.01,
                        name="stylegan2_generator"):
    """z → images: :func:`mapping_network` (z → w), the same w for every layer, :func:`synthesis_network`.

    The two networks are its layers `"mapping"` and `"synthesis"` (`generator.get_layer("mapping")`), so
    a model can map z's and mix or truncate w's between them (style mixing, the truncation trick) with
    the same weights. Arguments as for the two builders (`mapping_lr_multiplier` is the mapping
    network's `lr_multiplier`).
    """
    size = check_image_shape(image_shape)[0]
    mapping = mapping_network(latent_dim, style_dim, layers=mapping_layers, lr_multiplier=mapping_lr_multiplier,
                              name="mapping")
    synthesis = synthesis_network(image_shape, style_dim, filters, max_filters, filter_base,
                                  inference_noise=inference_noise, name="synthesis")
    z = latent_input(latent_dim)
    ws = keras.layers.RepeatVector(num_styles(size), name="broadcast_w")(mapping(z))
    return keras.Model(z, synthesis(ws), name=name)


def stylegan2_discriminator(image_shape=(32, 32, 1), filters=None, max_filters=64, filter_base=512, group_size=4,
                            name="stylegan2_discriminator"):
    """StyleGAN2's residual discriminator (fig. 7c): one logit per image.

    fromRGB (1×1 conv, leaky ReLU) at full resolution, then one residual block per resolution down
    to 8×8 — two 3×3 convolutions (leaky ReLU 0.2) and a 2×2 average pooling, added to a skip path of
    pooling and a linear 1×1 convolution, each path scaled by 1/√2 (folded into the equalised-learning-rate
    gains) — and the 4×4 head: minibatch standard deviation (`group_size`), a 3×3 convolution, a dense
    layer and the linear logit. All layers use the equalised learning rate
    (:class:`~keras_gans.layers.EqualizedConv2D`, :class:`~keras_gans.layers.EqualizedDense`).
    """
    size, _, channels = check_image_shape(image_shape)
    filters = _filters(size, filters, max_filters, filter_base)
    group_size = checks.positive_int(group_size, "group_size", fix="The paper uses 4 (minibatch stddev groups).")
    images = keras.Input((size, size, channels), name="images")
    x = keras.layers.LeakyReLU(LEAK, name=f"from_rgb_lrelu_{size}")(EqualizedConv2D(filters[size], 1,
                                                                                  name=f"from_rgb_{size}")(images))
    for r in reversed(resolutions(size)[1:]):
        out = filters[r // 2]
        y = keras.layers.LeakyReLU(LEAK, name=f"d_lrelu0_{r}")(EqualizedConv2D(filters[r], 3, name=f"d_conv0_{r}")(x))
        y = EqualizedConv2D(out, 3, gain=1.0, name=f"d_conv1_{r}")(y)        # √2 gain × 1/√2 of the residual sum
        y = keras.layers.AveragePooling2D(2, name=f"d_pool_{r}")(keras.layers.LeakyReLU(LEAK, name=f"d_lrelu1_{r}")(y))
        skip = EqualizedConv2D(out, 1, gain=math.sqrt(0.5), use_bias=False, name=f"d_skip_{r}")(
            keras.layers.AveragePooling2D(2, name=f"d_skip_pool_{r}")(x))
        x = keras.layers.Add(name=f"d_residual_{r}")([y, skip])
    x = MinibatchStdDev(group_size, name="minibatch_stddev")(x)
    x = keras.layers.LeakyReLU(LEAK, name="d_lrelu_4")(EqualizedConv2D(filters[4], 3, name="d_conv_4")(x))
    x = keras.layers.LeakyReLU(LEAK, name="d_dense_lrelu")(EqualizedDense(filters[4], name="d_dense")(
        keras.layers.Flatten(name="d_flatten")(x)))
    return keras.Model(images, EqualizedDense(1, gain=1.0, name="d_logit")(x), name=name)
