"""Spectral normalisation helpers around Keras' own `keras.layers.SpectralNormalization` (Miyato et al. 2018).

Keras' wrapper is used as it is. Note how it works: in a `training=True` call it runs
`power_iterations` steps of the power method and **assigns** W/σ̂ to the wrapped layer's kernel
(the variable itself holds the normalised weights; the gradient does not flow through σ̂), and in
inference it uses the kernel as stored. It wraps any layer with a `kernel` (Dense, Conv*) or
`embeddings` (Embedding).
"""
import keras

#: The layers :func:`keras_gans.networks.with_spectral_norm` wraps: those whose weight is one `kernel`.
KERNEL_LAYERS = (
    keras.layers.Dense,
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
    keras.layers.Embedding,
)


def maybe_spectral(layer, spectral_norm, power_iterations=1):
    """`keras.layers.SpectralNormalization(layer)` when `spectral_norm` is true, else `layer` itself.

    >>> import keras
    >>> type(maybe_spectral(keras.layers.Dense(4), True)).__name__
    'SpectralNormalization'
    """
    if not spectral_norm:
        return layer
    # the wrapper computes in the wrapped layer's dtype policy (not the global one), so a float32 layer
    # inside a mixed-precision network (a discriminator's logit) stays float32
    return keras.layers.SpectralNormalization(layer, power_iterations=power_iterations, name=f"sn_{layer.name}",
                                              dtype=layer.dtype_policy)
