"""Regularisers added to a critic's loss: the WGAN-GP gradient penalty."""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses.adversarial import _mean
from keras_gans.utils.random import replica_random


def gradient_penalty(critic, real, fake, seed=None, target_norm=1.0, epsilon=1e-12, critic_kwargs=None):
    """WGAN-GP penalty (Gulrajani et al. 2017): E[(‖∇ₓ̂ c(x̂)‖₂ − 1)²] at random interpolates.

    x̂ = ε·x + (1 − ε)·G(z) with ε ~ U[0, 1] drawn **once per example** (shape (batch, 1, 1, 1)),
    not from a normal and not per pixel (both are known bugs of prior implementations). The norm
    is sqrt(Σ g² + `epsilon`), so its gradient is finite even where ∇ = 0. Call it inside the
    critic's `GradientTape`; multiply by λ (10 in the paper). Under `tf.distribute` each replica
    draws its own ε (:func:`keras_gans.utils.random.replica_random`).

    Args:
        critic: callable images → scores (called with `training=True` and `critic_kwargs`).
        real, fake: image batches of the same shape.
        seed: a `keras.random.SeedGenerator` (or int) for ε.

    >>> import keras
    >>> critic = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> float(gradient_penalty(critic, keras.ops.ones((2, 4, 4, 1)), keras.ops.zeros((2, 4, 4, 1)), seed=0)) >= 0
    True
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    shape = ops.shape(real)
    eps_shape = (shape[0],) + (1,) * (len(real.shape) - 1)
    eps = replica_random(keras.random.uniform, eps_shape, seed=seed, minval=0.0, maxval=1.0)
    interpolates = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(interpolates)
        scores = critic(interpolates, training=True, **(critic_kwargs or {}))
    grads = tape.gradient(scores, interpolates)
    axes = list(range(1, len(real.shape)))
    norm = ops.sqrt(ops.sum(ops.square(grads), axis=axes) + epsilon)
    return _mean(ops.square(norm - target_norm))
