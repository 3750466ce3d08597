"""Pixel losses of the image-to-image models: L1 reconstruction, cycle consistency, identity, MSE.

The first three are the same mean absolute error, named for the term they are in a model's objective
(pix2pix's λ·‖y − G(x)‖₁, CycleGAN's λ_cyc·‖F(G(x)) − x‖₁ and λ_id·‖G(y) − y‖₁); :func:`mse_loss` is
the mean squared error of DiscoGAN's reconstruction term and of SRResNet / SRGAN's pixel content loss.

>>> import numpy as np
>>> float(l1_loss(np.array([[1.0, -1.0]]), np.array([[0.5, 0.0]])))
0.75
"""
from keras import ops


def l1_loss(target, output):
    """Mean absolute error ‖target − output‖₁ / (elements), in float32 (pix2pix's reconstruction term)."""
    return ops.mean(ops.abs(ops.cast(target, "float32") - ops.cast(output, "float32")))


def cycle_consistency_loss(real, reconstructed):
    """Mean absolute error ‖F(G(x)) − x‖₁ / (pixels): how far a round trip A → B → A lands from the start."""
    return l1_loss(real, reconstructed)


def identity_loss(real, same):
    """Mean absolute error ‖G(y) − y‖₁ / (pixels): a generator fed an image of its *target* domain should not change it."""
    return l1_loss(real, same)


def mse_loss(target, output):
    """Mean squared error ‖target − output‖₂² / (elements), in float32 (DiscoGAN's reconstruction, SRResNet's loss).

    >>> import numpy as np
    >>> float(mse_loss(np.array([[1.0, -1.0]]), np.array([[0.5, 0.0]])))
    0.625
    """
    return ops.mean(ops.square(ops.cast(target, "float32") - ops.cast(output, "float32")))
