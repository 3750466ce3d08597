"""Style-transfer losses (keras_gans.losses.style) checked against hand computations."""
import numpy as np
import pytest

import keras
from keras_gans.losses.style import content_loss, gram_matrix, style_loss, total_variation_loss


F = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], np.float32).reshape(1, 2, 2, 2)  # 2x2 map, 2 channels


def test_gram_matrix_hand_computed():
    # G = F^T F with rows of F = positions: [[1+9+25+49, 2+12+30+56], [.., 4+16+36+64]]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gram_matrix(F)), [[84, 100], [100, 120]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gram_matrix(F[0])), [[84, 100], [100, 120]])


def test_style_loss_hand_computed():
    zero = np.zeros((2, 2), np.float32)
    sq = 84.0**2 + 100.0**2 + 100.0**2 + 120.0**2  # 41456
    # Keras example: 4 * 3^2 * (image pixels)^2, whatever the layer.
    got = float(style_loss(zero, F, normalization="keras", image_pixels=10))
    assert got == pytest.approx(sq / (4 * 9 * 100), rel=1e-6)
    # Gatys: 4 * N^2 * M^2 with N = 2 filters and M = 4 positions of this layer.
    assert float(style_loss(zero, F, normalization="gatys")) == pytest.approx(sq / (4 * 4 * 16), rel=1e-6)
    target = np.array([[84, 100], [100, 119]], np.float32)
    assert float(style_loss(target, F, image_pixels=1)) == pytest.approx(1.0 / 36, rel=1e-6)
    with pytest.raises(ValueError, match="image_pixels"):
        style_loss(zero, F, normalization="keras")
    with pytest.raises(ValueError, match="normalization must be one of"):
        style_loss(zero, F, normalization="bogus", image_pixels=1)


def test_content_loss_hand_computed():
    target = np.zeros_like(F)
    assert float(content_loss(target, F)) == pytest.approx(sum(v * v for v in range(1, 9)))  # 204
    assert float(content_loss(target, F, normalization="gatys")) == pytest.approx(102.0)
    assert float(content_loss(F, F)) == 0.0


def test_total_variation_hand_computed():
    x = np.array([[0, 1], [2, 4]], np.float32).reshape(1, 2, 2, 1)
    # Only pixel (0, 0) has both neighbours: (0-2)^2 + (0-1)^2 = 5.
    assert float(total_variation_loss(x, power=1.25)) == pytest.approx(5.0**1.25, rel=1e-6)
    assert float(total_variation_loss(x, power=1)) == pytest.approx(5.0)
    y = np.arange(18, dtype=np.float32).reshape(3, 3, 2)  # no batch axis; explicit loops
    expect = sum(((y[i, j, c] - y[i + 1, j, c]) ** 2 + (y[i, j, c] - y[i, j + 1, c]) ** 2) ** 1.25
                 for i in range(2) for j in range(2) for c in range(2))
    assert float(total_variation_loss(y)) == pytest.approx(expect, rel=1e-5)
