"""Editing in latent space: concept vectors, vector arithmetic and classifier-guided edits.

- Vector arithmetic on concept means (Radford et al., 2016, DCGAN §6.3): :func:`concept_vector`,
  :func:`vector_arithmetic`, and :func:`collect_latents` to gather z whose samples a classifier
  assigns to a concept.
- Classifier-guided editing (lecture slides §8; Kang et al.'s preference maximisation):
  :func:`edit` takes gradient steps on z only (G and the classifier stay frozen) to raise a
  classifier's score.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(latent_dim=32, seed=0)
>>> z_eights, _ = kg.latent.collect_latents(gan, kg.metrics.mnist_classifier(), target=8, n=64, top_k=3, seed=0)
>>> ed = kg.latent.edit(gan, kg.metrics.mnist_classifier(), z_eights, target=3, steps=5)
>>> ed.z.shape
(3, 32)
"""
import dataclasses

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.latent.generators import _as_2d, as_generator


def concept_vector(z_with, z_without):
    """Direction from one concept to another: `mean(z_with) - mean(z_without)`.

    Averaging a few latent vectors per concept (the DCGAN paper used three) cancels what the
    samples do not share; adding the difference to another z adds the concept.
    """
    return (np.mean(np.asarray(z_with, "float32"), axis=0) -
            np.mean(np.asarray(z_without, "float32"), axis=0)).astype("float32")


def vector_arithmetic(a, b, c):
    """`mean(a) - mean(b) + mean(c)`: the DCGAN paper's "smiling woman − neutral woman + neutral man".

    Each argument is a set of latent vectors `(k, latent_dim)` (or one vector). Returns one vector.
    """
    means = [np.mean(np.atleast_2d(np.asarray(v, "float32")), axis=0) for v in (a, b, c)]
    return (means[0] - means[1] + means[2]).astype("float32")


def collect_latents(model, classifier, target, n=1000, top_k=None, labels=None, seed=None, batch_size=256,
                    preprocess=None, domain="a"):
    """Latent vectors whose samples a classifier assigns to class `target`, best first.

    Samples `n` z, scores `G(z)` with `classifier` (softmax probabilities or any per-class
    scores) and returns the z scoring highest for `target`, with their scores. Use the
    result as a concept set for :func:`concept_vector` / :func:`vector_arithmetic`.

    Returns:
        `(z, scores)`: float32 arrays of shape `(k, latent_dim)` and `(k,)`, k = `top_k` or
        the number of samples whose top class is `target`.
    """
    gen = as_generator(model, domain=domain)
    z = np.random.default_rng(seed).standard_normal((int(n), gen.latent_dim)).astype("float32")
    images = gen.numpy(z, labels, batch_size=batch_size)
    x = images if preprocess is None else ops.convert_to_numpy(preprocess(images))
    probs = np.asarray(classifier.predict(x, batch_size=batch_size, verbose=0), "float32")
    scores = probs[:, int(target)]
    order = np.argsort(-scores)
    if top_k is None:
        order = [i for i in order if probs[i].argmax() == int(target)]
    else:
        order = order[:int(top_k)]
    order = np.asarray(order, dtype="int64")
    return z[order], scores[order]


def _softmax_logits(classifier):
    """For a Keras model ending in `Dense(k, activation="softmax")`, a model returning its logits; else None."""
    if not isinstance(classifier, keras.Model):
        return None
    try:
        last = classifier.layers[-1]
        if not isinstance(last, keras.layers.Dense) or last.activation is not keras.activations.softmax:
            return None
        inner = keras.Model(classifier.inputs, last.input)
    except (AttributeError, ValueError, IndexError):
        return None

    def logits(images, training=False):
        return ops.matmul(inner(images, training=training), last.kernel) + (last.bias if last.use_bias else 0.0)

    return logits


@dataclasses.dataclass
class Edit:
    """Result of :func:`edit`.

    Attributes:
        z: the edited latent vectors `(n, latent_dim)`.
        images: G(z) for the edited z, numpy.
        scores: the classifier's mean score for the target at every step (the first entry is before editing).
        start_scores, end_scores: per-image scores before and after.
    """

    z: np.ndarray
    images: np.ndarray
    scores: list
    start_scores: np.ndarray
    end_scores: np.ndarray


def edit(model, classifier, z, target, steps=50, step_size=0.05, labels=None, preprocess=None, from_logits=False,
         latent_weight=0.0, max_distance=None, domain="a", verbose=False):
    """Classifier-guided editing: gradient ascent on z (only z) to raise a classifier's score.

    Lecture slides §8 (controllable generation with classifier gradients); GANs in Action ch. 11
    (Kang et al. 2017 raise a recommender's score by gradient ascent on z). The generator and
    the classifier stay frozen; z moves along the gradient of `log p(target | G(z))`, with
    Adam steps of size `step_size`.

    Args:
        model: any generator (see :func:`as_generator`).
        classifier: a `keras.Model` (or callable) from images to per-class scores: softmax
            probabilities (default) or logits (`from_logits=True`). E.g.
            `kg.metrics.mnist_classifier()` for digits.
        z: starting latent vectors `(n, latent_dim)`, e.g. from `gan.latent(n, seed)` or :func:`invert`.
        target: the class index whose score to raise (an int, or a callable `scores -> (n,)`
            objective to maximise, for attributes that are not one class).
        steps, step_size: number and size (Adam learning rate) of the steps.
        labels: class labels for conditional generators (kept fixed while z moves).
        preprocess: optional function applied to G(z) before the classifier (e.g. resize).
        latent_weight: weight of a `mean(z²)` penalty that keeps z near the prior.
        max_distance: optional bound on `|z - z_start|` per vector (projected after each step).

    Returns:
        an :class:`Edit` (`z`, `images`, `scores`, `start_scores`, `end_scores`).
    """
    gen = as_generator(model, domain=domain)
    z0 = _as_2d(z, gen.latent_dim)
    lab = gen.labels_for(labels, len(z0))
    if not from_logits and not callable(target):
        # A softmax output saturates (p ~ 1e-17 has no usable gradient): differentiate its logits.
        logits_model = _softmax_logits(classifier)
        if logits_model is not None:
            classifier, from_logits = logits_model, True
    z_var = tf.Variable(z0)
    start = tf.constant(z0)
    optimizer = keras.optimizers.Adam(step_size)
    optimizer.build([z_var])

    def scores_of(latent):
        images = gen(latent, lab)
        if preprocess is not None:
            images = preprocess(images)
        out = classifier(images, training=False) if isinstance(classifier, keras.Model) else classifier(images)
        if callable(target):
            score = target(out)
            return score, score
        probs = ops.softmax(out, axis=-1) if from_logits else out
        p = probs[:, int(target)]
        logp = ops.log_softmax(out, axis=-1)[:, int(target)] if from_logits else ops.log(p + 1e-12)
        return p, logp

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            p, logp = scores_of(z_var)
            objective = -ops.mean(logp) + latent_weight * ops.mean(ops.square(z_var))
        optimizer.apply([tape.gradient(objective, z_var)], [z_var])
        if max_distance is not None:
            delta = z_var - start
            norm = ops.sqrt(ops.sum(ops.square(delta), axis=-1, keepdims=True))
            z_var.assign(start + delta * ops.minimum(1.0, float(max_distance) / ops.maximum(norm, 1e-12)))
        return ops.mean(p)

    start_scores = ops.convert_to_numpy(scores_of(start)[0])
    history = [float(np.mean(start_scores))]
    for i in range(int(steps)):
        history.append(float(step()))
        if verbose and (i + 1) % max(1, int(steps) // 10) == 0:
            print(f"edit step {i + 1}/{steps}: score {history[-1]:.4f}")
    end_scores = ops.convert_to_numpy(scores_of(z_var)[0])
    history[-1] = float(np.mean(end_scores))
    images = ops.convert_to_numpy(gen(z_var, lab))
    return Edit(z=z_var.numpy(), images=images, scores=history, start_scores=start_scores, end_scores=end_scores)
