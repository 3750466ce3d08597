"""Losses on what a discriminator's extra heads predict: the class (AC-GAN) and the latent codes (InfoGAN).

- :func:`class_loss`: AC-GAN's L_C (Odena et al. 2017): the cross-entropy of a class head's logits
  against the labels, of real images and of fakes.
- :func:`categorical_code_loss`, :func:`continuous_code_loss`, :func:`mutual_information_loss`: InfoGAN's
  variational bound on the mutual information I(c; G(z, c)) (Chen et al. 2016, eq. 4), as a loss: the
  negative log-likelihood of the codes c that made a fake under the Q head's prediction from the fake.
  H(c) is a constant and left out.

Every function takes logits or means (not probabilities), computes in float32 and returns the mean over
the batch, like :mod:`keras_gans.losses.adversarial`.

>>> import numpy as np
>>> float(class_loss(np.array([0, 1]), np.zeros((2, 4))))       # uniform logits over 4 classes: log 4
1.386...
"""
from keras import ops


def _float32(x):
    return ops.cast(x, "float32")


def class_loss(labels, class_logits):
    """Mean sparse categorical cross-entropy −log softmax(logits)[label] (AC-GAN's L_C for one batch).

    Args:
        labels: int class indices, shape (batch,) or (batch, 1).
        class_logits: (batch, num_classes) logits.
    """
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    logits = _float32(class_logits)
    log_probs = logits - ops.logsumexp(logits, axis=-1, keepdims=True)
    picked = ops.take_along_axis(log_probs, ops.expand_dims(labels, -1), axis=-1)
    return -ops.mean(picked)


#: InfoGAN's categorical term is the same cross-entropy, of the categorical code that made each fake.
categorical_code_loss = class_loss


def continuous_code_loss(codes, mean, log_std=None):
    """Gaussian negative log-likelihood of continuous codes, without its constant ½·log 2π.

    Per code and image: ½·((c − μ)/σ)² + log σ, averaged over codes and images. With `log_std` None
    (σ = 1, the usual choice and this package's InfoGAN) it is half the mean squared error ½·(c − μ)².

    Args:
        codes: the continuous codes that made the fakes, (batch, n).
        mean: the Q head's predicted means μ, (batch, n).
        log_std: the Q head's predicted log σ, (batch, n), or None for σ = 1.
    """
    c, mu = _float32(codes), _float32(mean)
    if log_std is None:
        return ops.mean(0.5 * ops.square(c - mu))
    log_std = _float32(log_std)
    return ops.mean(0.5 * ops.square((c - mu) * ops.exp(-log_std)) + log_std)


def mutual_information_loss(categories, category_logits, codes, code_mean, code_log_std=None,
                            categorical_weight=1.0, continuous_weight=1.0):
    """InfoGAN's L_I as a loss: `categorical_weight`·CE(category) + `continuous_weight`·Gaussian NLL(codes).

    The two weights are the λ of Chen et al. (2016) for the discrete and the continuous codes (they use
    λ = 1 for discrete codes and a smaller λ for continuous ones). Minimising it maximises the lower
    bound on I(c; G(z, c)) up to the constant H(c).

    >>> import numpy as np
    >>> loss = mutual_information_loss(np.array([2]), np.zeros((1, 10)), np.array([[0.5, -1.0]]),
    ...                                np.zeros((1, 2)), continuous_weight=0.1)
    >>> round(float(loss), 4)      # log 10 + 0.1 · ½ · (0.25 + 1) / 2
    2.3338
    """
    return (categorical_weight * categorical_code_loss(categories, category_logits)
            + continuous_weight * continuous_code_loss(codes, code_mean, code_log_std))
