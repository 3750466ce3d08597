"""Spectral normalisation of a whole network: every Dense/Conv/Embedding wrapped in Keras' own
`keras.layers.SpectralNormalization` (Miyato et al., ICLR 2018; SNGAN, SAGAN, BigGAN)."""
import keras

from keras_gans.layers.spectral import KERNEL_LAYERS


def with_spectral_norm(network, power_iterations=1, copy_weights=True):
    """A copy of `network` in which every Dense, Conv*/Conv*Transpose and Embedding layer is wrapped
    in `keras.layers.SpectralNormalization(layer, power_iterations)`.

    Nested Sequential/functional blocks are copied recursively. Other layers (batch norm,
    activations, the package's own layers) are copied unwrapped; layers with projections inside them
    take their own `spectral_norm=True` (:class:`~keras_gans.layers.SelfAttention2D`,
    :class:`~keras_gans.layers.ProjectionHead`, :class:`~keras_gans.layers.ConditionalBatchNormalization`).
    With `copy_weights` the copy starts from `network`'s weights (the wrapper's power-iteration vector u
    is new); its inference outputs then equal the original's until the first `training=True` call, which
    replaces each kernel by W/σ̂ (that is how Keras' wrapper works).

    >>> import keras
    >>> d = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(),
    ...                       keras.layers.Dense(1)])
    >>> [type(layer).__name__ for layer in with_spectral_norm(d).layers]
    ['SpectralNormalization', 'Flatten', 'SpectralNormalization']
    """
    if int(power_iterations) < 1:
        raise ValueError(f"power_iterations must be a positive integer; got {power_iterations!r}.")
    pairs = []

    def clone(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        pairs.append((layer, fresh))
        if isinstance(layer, KERNEL_LAYERS):
            return keras.layers.SpectralNormalization(fresh, power_iterations=int(power_iterations),
                                                      name=f"sn_{layer.name}")
        return fresh

    copy = keras.models.clone_model(network, clone_function=clone, recursive=True)
    if copy_weights:
        for old, new in pairs:
            if old.weights:
                new.set_weights(old.get_weights())
    return copy
