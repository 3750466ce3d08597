"""GAN inversion: the latent vectors whose generated images reconstruct given images.

Zhu et al. (2016), "Generative Visual Manipulation on the Natural Image Manifold"; GANs in
Action ch. 11 (Kang et al. 2017 edit real items by first inverting them). The generator stays
frozen; only z moves.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(latent_dim=32, seed=0)
>>> inv = kg.latent.invert(gan, gan.generate(2, seed=1), steps=20)
>>> inv.z.shape, inv.losses[-1] < inv.losses[0]
((2, 32), True)
"""
import dataclasses

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.latent.generators import as_generator


@dataclasses.dataclass
class Inversion:
    """Result of :func:`invert`.

    Attributes:
        z: the latent vectors found, `(n, latent_dim)`.
        images: their generated images G(z), numpy.
        losses: mean reconstruction loss at every step (the first entry is before any step).
        errors: final per-image reconstruction error (mean squared pixel error).
    """

    z: np.ndarray
    images: np.ndarray
    losses: list
    errors: np.ndarray


def invert(model, images, labels=None, steps=200, learning_rate=0.05, candidates=16, latent_weight=1e-3,
           loss="mse", seed=0, domain="a", verbose=False):
    """GAN inversion: finds z so that G(z) reconstructs each of `images` (G stays frozen).

    Zhu et al. (2016), "Generative Visual Manipulation on the Natural Image Manifold";
    GANs in Action ch. 11 (Kang et al. 2017 edit real items by first inverting them).
    For each image, `candidates` random z are tried and the closest starts an Adam descent on
    `reconstruction(G(z), x) + latent_weight · mean(z²)` (the second term keeps z where the
    prior has mass, so the result still looks like a sample).

    Args:
        model: any generator (see :func:`as_generator`).
        images: target images `(n, H, W, C)` in the generator's range ([-1, 1]).
        labels: class labels for conditional generators.
        steps: optimisation steps.
        learning_rate: Adam's learning rate on z.
        candidates: random starts per image; the best (lowest loss) is optimised.
        latent_weight: weight of the Gaussian prior penalty.
        loss: `"mse"` or `"mae"` (per pixel).
        seed: seed of the random starts.

    Returns:
        an :class:`Inversion` (`z`, `images`, `losses`, `errors`).

    >>> import keras_gans as kg
    >>> gan = kg.models.DCGAN()
    >>> target = gan.generate(4, seed=1)
    >>> inv = kg.latent.invert(gan, target, steps=50)
    >>> inv.losses[-1] < inv.losses[0]
    True
    """
    if loss not in ("mse", "mae"):
        raise ValueError(f"loss must be 'mse' or 'mae'; got {loss!r}.")
    gen = as_generator(model, domain=domain)
    target = np.asarray(images, "float32")
    n = len(target)
    lab = gen.labels_for(labels, n)
    rng = np.random.default_rng(seed)
    # Best of `candidates` random starts, chosen per image.
    k = max(1, int(candidates))
    starts = rng.standard_normal((k, n, gen.latent_dim)).astype("float32")
    errs = []
    for c in range(k):
        out = ops.convert_to_numpy(gen(tf.constant(starts[c]), lab))
        errs.append(_pixel_error(out, target, loss))
    best = np.argmin(np.stack(errs), axis=0)
    z = tf.Variable(starts[best, np.arange(n)])
    target_t = tf.constant(target)
    optimizer = keras.optimizers.Adam(learning_rate)
    optimizer.build([z])

    def objective():
        fake = gen(z, lab)
        diff = fake - target_t
        per_pixel = ops.square(diff) if loss == "mse" else ops.abs(diff)
        rec = ops.mean(per_pixel)
        return rec, rec + latent_weight * ops.mean(ops.square(z))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            rec, total = objective()
        optimizer.apply([tape.gradient(total, z)], [z])
        return rec

    losses = [float(objective()[0])]
    for i in range(int(steps)):
        rec = float(step())
        losses.append(rec)
        if verbose and (i + 1) % max(1, int(steps) // 10) == 0:
            print(f"invert step {i + 1}/{steps}: reconstruction {rec:.4f}")
    final = ops.convert_to_numpy(gen(z, lab))
    losses[-1] = float(np.mean(_pixel_error(final, target, loss)))
    return Inversion(z=z.numpy(), images=final, losses=losses, errors=_pixel_error(final, target, "mse"))


def _pixel_error(a, b, loss):
    diff = np.asarray(a, "float32") - np.asarray(b, "float32")
    per = diff ** 2 if loss == "mse" else np.abs(diff)
    return per.reshape(len(per), -1).mean(axis=1)
