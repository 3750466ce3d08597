"""keras_gans.losses.image: the L1 losses of the image-to-image models, and the losses package's names."""
import numpy as np
import pytest

from keras_gans import losses


def test_l1_cycle_and_identity_are_one_mean_absolute_error():
    a, b = np.array([[1.0, -1.0]]), np.array([[0.5, 0.0]])
    for fn in (losses.l1_loss, losses.cycle_consistency_loss, losses.identity_loss):
        assert float(fn(a, b)) == pytest.approx(0.75)


def test_every_historical_name_is_still_in_keras_gans_losses():
    for name in ("GANLoss", "LabelledLoss", "LOSSES", "get", "gradient_penalty", "minimax_discriminator_loss",
                 "non_saturating_generator_loss", "wasserstein_critic_loss", "hinge_generator_loss",
                 "least_squares_discriminator_loss", "relativistic_generator_loss", "content_loss", "style_loss",
                 "gram_matrix", "total_variation_loss"):
        assert hasattr(losses, name), name
