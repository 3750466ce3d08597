"""StyleGAN's mapping network z → w (Karras et al., CVPR 2019, §2; StyleGAN2 keeps it).

The synthesis blocks (:class:`~keras_gans.layers.ModulatedConv2D`, :class:`~keras_gans.layers.NoiseInjection`)
live in :mod:`keras_gans.layers`.
"""
import math

import keras

from keras_gans.layers.progan_layers import EqualizedDense, PixelNormalization
from keras_gans.networks.inputs import latent_input
from keras_gans.utils import checks

LEAK = 0.2


def mapping_network(latent_dim, style_dim, layers=8, hidden_dim=None, name="mapping"):
    """The mapping network: w = MLP(pixel_norm(z)).

    z is first normalised to unit mean square (:class:`~keras_gans.layers.PixelNormalization`, so
    only its direction matters), then passes `layers` fully connected layers with the equalised
    learning rate (:class:`~keras_gans.layers.EqualizedDense`, gain √2), each followed by a leaky ReLU
    (slope 0.2) as in the paper, the last one included. Hidden layers have `hidden_dim` units
    (`style_dim` by default, as in the paper's 512-512-…); the output is w, (batch, style_dim).
    The paper's 8 layers and 0.01 learning-rate multiplier suit 1024²; a small model takes 2–4
    layers (the multiplier is not implemented here: lower the optimizer's rate for these
    weights if needed).

    >>> import numpy as np
    >>> mapping = mapping_network(latent_dim=16, style_dim=32, layers=2)
    >>> mapping(np.random.randn(4, 16).astype("float32")).shape
    TensorShape([4, 32])
    """
    style_dim = checks.positive_int(style_dim, "style_dim")
    layers = checks.positive_int(layers, "layers", fix="The mapping network needs at least one layer.")
    hidden_dim = style_dim if hidden_dim is None else checks.positive_int(hidden_dim, "hidden_dim")
    z = latent_input(latent_dim)
    h = PixelNormalization(name="normalize_z")(z)
    for i in range(layers):
        units = style_dim if i == layers - 1 else hidden_dim
        h = EqualizedDense(units, gain=math.sqrt(2.0), name=f"dense_{i}")(h)
        h = keras.layers.LeakyReLU(LEAK, name=f"lrelu_{i}")(h)
    return keras.Model(z, h, name=name)
