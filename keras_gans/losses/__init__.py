"""Losses as pure functions: adversarial losses, penalties, pixel (L1) losses, style-transfer losses.

- :mod:`keras_gans.losses.adversarial`: losses of discriminator logits / critic scores, paired in
  :class:`GANLoss` and named in :data:`LOSSES` (what `GAN.compile(loss=...)` takes).
- :mod:`keras_gans.losses.penalties`: :func:`gradient_penalty` (WGAN-GP), :func:`r1_penalty` (R1, with
  StyleGAN2's lazy regularisation) and :func:`lazy_adam_hyperparameters`.
- :mod:`keras_gans.losses.image`: :func:`l1_loss`, :func:`cycle_consistency_loss`, :func:`identity_loss`,
  :func:`mse_loss`.
- :mod:`keras_gans.losses.style`: :func:`content_loss`, :func:`style_loss`, :func:`gram_matrix`,
  :func:`total_variation_loss` (neural style transfer).

No module here imports a model.

>>> import keras_gans as kg
>>> loss = kg.losses.get("non_saturating")
>>> import keras
>>> float(loss.discriminator(keras.ops.zeros((4, 1)), keras.ops.zeros((4, 1))))   # 2·log 2
1.386...
"""
from keras_gans.losses.adversarial import (
    LOSSES,
    GANLoss,
    LabelledLoss,
    get,
    hinge_discriminator_loss,
    hinge_generator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_discriminator_loss,
    non_saturating_generator_loss,
    relativistic_discriminator_loss,
    relativistic_generator_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)
from keras_gans.losses.image import cycle_consistency_loss, identity_loss, l1_loss
from keras_gans.losses.image import mse_loss
from keras_gans.losses.penalties import gradient_penalty, lazy_adam_hyperparameters, r1_penalty
from keras_gans.losses.style import content_loss, gram_matrix, style_loss, total_variation_loss

__all__ = [
    "LOSSES",
    "GANLoss",
    "LabelledLoss",
    "get",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "relativistic_discriminator_loss",
    "relativistic_generator_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "gradient_penalty",
    "r1_penalty",
    "lazy_adam_hyperparameters",
    "l1_loss",
    "cycle_consistency_loss",
    "identity_loss",
    "content_loss",
    "gram_matrix",
    "style_loss",
    "total_variation_loss",
    "mse_loss",
]
# AC-GAN's class loss and InfoGAN's mutual-information loss (issue 24).
from keras_gans.losses.information import (  # noqa: E402
    categorical_code_loss,
    class_loss,
    continuous_code_loss,
    mutual_information_loss,
)

__all__ += ["class_loss", "categorical_code_loss", "continuous_code_loss", "mutual_information_loss"]
