"""Random numbers shared by models and losses: replica-aware draws in training, seeded z outside it.

:func:`replica_random` lives here (not in :mod:`keras_gans.models.gan`) so that both the models and
the losses (:func:`keras_gans.losses.gradient_penalty`) use it without importing each other.
"""
import numpy as np
import tensorflow as tf

from keras_gans.utils import checks


def replica_random(sampler, shape, seed=None, **kwargs):
    """`sampler(shape, seed=seed, **kwargs)` (e.g. `keras.random.normal`), made replica-aware.

    A `SeedGenerator`'s state is mirrored, so under `tf.distribute` every replica would draw the
    *same* numbers. Here each replica draws the global batch (`shape[0]` × replicas) and keeps the
    rows of its replica id: replicas get distinct samples and, with equal per-replica batches, the
    union equals what one device draws for the whole batch.

    >>> import keras
    >>> replica_random(keras.random.uniform, (4, 1), seed=keras.random.SeedGenerator(0)).shape
    TensorShape([4, 1])
    """
    context = tf.distribute.get_replica_context()
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if context is None or replicas == 1:
        return sampler(shape, seed=seed, **kwargs)
    batch = shape[0]
    values = sampler((batch * replicas,) + tuple(shape[1:]), seed=seed, **kwargs)
    start = context.replica_id_in_sync_group * batch
    return values[start:start + batch]


def standard_normal(n, dim, seed=None):
    """`n` vectors z ~ N(0, I) of size `dim` as float32 numpy; the same `seed` gives the same z.

    The latent vectors of `generate(n, seed=...)` in every model (and of the zoo's samplers).

    >>> standard_normal(2, 3, seed=0).shape
    (2, 3)
    """
    n = checks.non_negative_int(n, "n (the number of images)")
    dim = checks.positive_int(dim, "latent_dim")
    seed = checks.seed(seed)
    return np.random.default_rng(seed).standard_normal((n, dim)).astype("float32")


def truncated_normal(n, dim, threshold, seed=None):
    """:func:`standard_normal` with every component resampled until `|z_i| <= threshold` (BigGAN's truncation trick).

    The first draw is `standard_normal(n, dim, seed)`'s, so the components already inside the threshold
    are the same z; only those outside it are redrawn. Used by `BigGAN.generate(truncation=...)` and
    :func:`keras_gans.latent.truncated_latent`.

    >>> float(abs(truncated_normal(1000, 100, 0.5, seed=0)).max()) <= 0.5
    True
    """
    threshold = checks.number(threshold, "truncation threshold", low=0.0, low_open=True,
                              fix="It bounds |z_i|: BigGAN samples with thresholds from about 0.04 to 2.")
    n = checks.non_negative_int(n, "n (the number of images)")
    dim = checks.positive_int(dim, "latent_dim")
    rng = np.random.default_rng(checks.seed(seed))
    z = rng.standard_normal((n, dim))
    bad = np.abs(z) > threshold
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > threshold
    return z.astype("float32")
