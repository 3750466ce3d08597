"""The truncation trick: trade variety for fidelity by keeping z near the centre of the prior.

Brock et al. (2019, BigGAN; GANs in Action ch. 12) resample large components; Karras et al.
(2019, StyleGAN) shrink z towards the mean by a factor ψ.

>>> from keras_gans.latent import truncate, truncated_latent
>>> z = truncated_latent(4, 100, threshold=0.5, seed=0)
>>> float(abs(truncate(z, psi=0.5)).max()) <= 0.25
True
"""
import numpy as np

from keras_gans.utils.random import truncated_normal


def truncated_latent(n, latent_dim, threshold=1.0, seed=None):
    """z ~ N(0, I) with every component resampled until `|z_i| <= threshold` (BigGAN's truncation trick).

    Smaller thresholds trade variety for fidelity (Brock et al., 2019; GANs in Action ch. 12).

    >>> z = truncated_latent(1000, 100, threshold=0.5, seed=0)
    >>> float(abs(z).max()) <= 0.5
    True
    """
    return truncated_normal(n, latent_dim, threshold, seed)  # the one implementation (BigGAN.generate uses it too)


def truncate(z, psi=0.7, mean=None):
    """Moves latent vectors towards the mean: `mean + psi (z - mean)` (the ψ-truncation of StyleGAN).

    Args:
        z: latent vectors `(n, latent_dim)`.
        psi: 1 leaves z unchanged, 0 maps every z to the mean (the "average" sample).
        mean: the centre; the prior's mean (zeros) by default.
    """
    z = np.asarray(z, "float32")
    centre = np.zeros(z.shape[-1], "float32") if mean is None else np.asarray(mean, "float32")
    return (centre + float(psi) * (z - centre)).astype("float32")
