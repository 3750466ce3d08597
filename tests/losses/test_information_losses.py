"""keras_gans.losses.information: AC-GAN's class loss and InfoGAN's mutual-information loss, by hand."""
import numpy as np
import pytest

from keras_gans import losses


def log_softmax(logits):
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


LOGITS = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0], [1.0, 1.0, 1.0], [-4.0, 0.0, 4.0]], "float32")
LABELS = np.array([0, 2, 1, 2])


def test_class_loss_is_the_mean_cross_entropy():
    expected = -np.mean(log_softmax(LOGITS.astype("float64"))[np.arange(4), LABELS])
    assert float(losses.class_loss(LABELS, LOGITS)) == pytest.approx(expected, rel=1e-6)
    assert float(losses.class_loss(LABELS.reshape(-1, 1), LOGITS)) == pytest.approx(expected, rel=1e-6)  # (n, 1) labels
    assert float(losses.class_loss([1], [[0.0, 0.0, 0.0, 0.0]])) == pytest.approx(np.log(4))
    assert losses.categorical_code_loss is losses.class_loss
    big = np.array([[1000.0, 0.0]], "float32")                       # stable for large logits
    assert float(losses.class_loss([0], big)) == pytest.approx(0.0, abs=1e-6)
    assert float(losses.class_loss([1], big)) == pytest.approx(1000.0, rel=1e-6)


def test_continuous_code_loss_is_a_gaussian_nll_without_its_constant():
    c = np.array([[0.5, -1.0], [0.25, 0.75]], "float32")
    mu = np.array([[0.0, -0.5], [1.0, 0.75]], "float32")
    # σ = 1: half the mean squared error
    assert float(losses.continuous_code_loss(c, mu)) == pytest.approx(0.5 * np.mean((c - mu) ** 2), rel=1e-6)
    log_std = np.array([[0.0, np.log(2.0)], [-0.5, 0.3]], "float32")
    by_hand = np.mean(0.5 * ((c - mu) / np.exp(log_std)) ** 2 + log_std)
    assert float(losses.continuous_code_loss(c, mu, log_std)) == pytest.approx(by_hand, rel=1e-5)
    # = −log N(c; μ, σ²) − ½·log 2π, the NLL of a factored Gaussian
    nll = -np.mean(-0.5 * np.log(2 * np.pi) - log_std - 0.5 * ((c - mu) / np.exp(log_std)) ** 2)
    assert float(losses.continuous_code_loss(c, mu, log_std)) == pytest.approx(nll - 0.5 * np.log(2 * np.pi), rel=1e-5)


def test_mutual_information_loss_weights_its_two_parts():
    category, logits = LABELS[:2], LOGITS[:2]
    c, mu = np.array([[0.5, -1.0], [0.0, 1.0]]), np.array([[0.0, 0.0], [0.5, 0.5]])
    ce = -np.mean(log_softmax(logits.astype("float64"))[[0, 1], category])
    half_mse = 0.5 * np.mean((c - mu) ** 2)
    got = losses.mutual_information_loss(category, logits, c, mu, categorical_weight=1.0, continuous_weight=0.1)
    assert float(got) == pytest.approx(ce + 0.1 * half_mse, rel=1e-6)
    got = losses.mutual_information_loss(category, logits, c, mu, categorical_weight=0.0, continuous_weight=2.0)
    assert float(got) == pytest.approx(2.0 * half_mse, rel=1e-6)
    half = losses.mutual_information_loss(category, logits.astype("float16"), c, mu)
    assert np.asarray(half).dtype == np.float32
