"""BigGAN's orthogonal regulariser β‖WᵀW ⊙ (1 − I)‖²_F against hand computations."""
import keras
import numpy as np
import pytest

from keras_gans.layers import BigGANOrthogonalRegularizer


def test_dense_kernel_by_hand():
    # columns a = (1, 2, 0), b = (0, 1, 1), c = (1, 0, 0): a·b = 2, a·c = 1, b·c = 0
    w = np.array([[1, 0, 1], [2, 1, 0], [0, 1, 0]], "float32")
    # off-diagonal entries of WᵀW: 2, 1, 0 each twice → squares sum to 2·(4 + 1 + 0) = 10
    assert float(BigGANOrthogonalRegularizer(0.1)(w)) == pytest.approx(1.0)
    assert float(BigGANOrthogonalRegularizer(0.1)(np.eye(3, dtype="float32") * 5.0)) == 0.0   # norms are free


def test_conv_kernel_is_reshaped_to_fan_in_by_filters():
    kernel = np.zeros((2, 2, 1, 2), "float32")       # k = 2, in = 1, out = 2: W is (4, 2)
    kernel[..., 0, 0] = [[1, 1], [0, 0]]              # filter 0 = (1, 1, 0, 0)
    kernel[..., 0, 1] = [[1, 0], [1, 0]]              # filter 1 = (1, 0, 1, 0): dot product 1
    assert float(BigGANOrthogonalRegularizer(1.0)(kernel)) == pytest.approx(2.0)   # (1² + 1²)
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 3, 4, 5)).astype("float32")
    w = kernel.reshape(-1, 5)
    gram = w.T @ w
    expected = 1e-4 * ((gram * (1 - np.eye(5))) ** 2).sum()
    assert float(BigGANOrthogonalRegularizer()(kernel)) == pytest.approx(expected, rel=1e-5)


def test_on_a_layer_in_losses_with_gradient_and_config():
    regularizer = BigGANOrthogonalRegularizer(0.5)
    conv = keras.layers.Conv2D(3, 3, kernel_regularizer=regularizer)     # Keras' own refuses conv kernels
    conv(np.zeros((1, 5, 5, 2), "float32"))
    w = conv.kernel.numpy().reshape(-1, 3)
    gram = w.T @ w
    assert float(sum(conv.losses)) == pytest.approx(0.5 * ((gram * (1 - np.eye(3))) ** 2).sum(), rel=1e-5)
    copy = keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))
    assert isinstance(copy, BigGANOrthogonalRegularizer) and copy.strength == 0.5
    with pytest.raises(ValueError, match="strength must be a finite number ≥ 0"):
        BigGANOrthogonalRegularizer(-1.0)
    with pytest.raises(ValueError, match="rank ≥ 2"):
        regularizer(np.ones(3, "float32"))
