"""Regularisers added to a discriminator's loss: the WGAN-GP gradient penalty, the R1 penalty (with
StyleGAN2's lazy regularisation)."""
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


def r1_penalty(discriminator, real, gamma=10.0, interval=1, labels=None, discriminator_kwargs=None):
    """R1 penalty (Mescheder et al. 2018): γ/2 · E_x[‖∇ₓ D(x)‖²] on **real** images, times `interval`.

    The gradient is of D's raw output (the logit) with respect to each real image; the squared norm
    is summed over the image's pixels and channels and averaged over the batch. Call it inside the
    discriminator's `GradientTape` and add it to D's loss (the tape then takes the second-order
    gradient). `labels`, when given, are passed as D's second input: `D([x, labels])`.

    **Lazy regularisation** (StyleGAN2, Karras et al. 2020, §3.1): compute the penalty only every
    `interval` discriminator steps (16 in the paper) and pass `interval` here. The penalty is then
    scaled by `interval` — γ·interval/2 · E‖∇D‖² — so its average strength over the steps equals
    γ/2 per step. (Adam's hyperparameters are adjusted to match: see :func:`lazy_adam_hyperparameters`.)
    The default `interval=1` is the plain penalty. γ: 10 for StyleGAN2 at 1024² and FFHQ-like data,
    much smaller (0.01–1) for small images.

    Args:
        discriminator: callable images → logits (called with `training=True`).
        real: a batch of real images.
        gamma: γ.
        interval: the lazy-regularisation interval k ≥ 1 (the penalty is multiplied by it).
        labels: D's second input for a conditional discriminator.

    >>> import keras
    >>> d = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                       keras.layers.Dense(1, kernel_initializer="ones")])
    >>> float(r1_penalty(d, keras.ops.zeros((3, 2, 2, 1)), gamma=2.0))     # ∇D = 1 at each of 4 pixels
    4.0
    """
    if int(interval) != interval or int(interval) < 1:
        raise ValueError(f"interval must be a positive integer (1: no lazy regularisation); got {interval!r}.")
    real = ops.cast(real, "float32")
    labels = None if labels is None else ops.convert_to_tensor(labels)
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = discriminator(real if labels is None else [real, labels], training=True,
                               **(discriminator_kwargs or {}))
        total = ops.sum(ops.cast(scores, "float32"))
    grads = tape.gradient(total, real)
    axes = list(range(1, len(real.shape)))
    return 0.5 * float(gamma) * float(interval) * _mean(ops.sum(ops.square(grads), axis=axes))


def lazy_adam_hyperparameters(learning_rate, beta_1, beta_2, interval):
    """Adam's settings for a network whose regulariser runs every `interval` steps (StyleGAN2, app. B).

    With c = k / (k + 1) for k = `interval`: learning rate · c, β₁ᶜ, β₂ᶜ — so the optimizer's
    effective averaging horizon is unchanged by the extra regularisation steps. Returns a dict for
    `keras.optimizers.Adam(**...)`.

    >>> lazy_adam_hyperparameters(0.002, 0.0, 0.99, interval=16)["learning_rate"]    # 0.002 · 16/17
    0.0018823529411764706
    """
    if int(interval) != interval or int(interval) < 1:
        raise ValueError(f"interval must be a positive integer; got {interval!r}.")
    c = float(interval) / (float(interval) + 1.0)
    return {"learning_rate": float(learning_rate) * c, "beta_1": float(beta_1) ** c, "beta_2": float(beta_2) ** c}
