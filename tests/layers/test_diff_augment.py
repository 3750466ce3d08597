"""DiffAugment (Zhao et al. 2020): shapes, finiteness, gradients, and hand examples of each operation."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import DiffAugment, diff_augment
from keras_gans.layers.augment import adjust_contrast, adjust_saturation, cutout, parse_policy, translate


def test_translate_moves_content_by_a_known_shift_and_fills_zeros():
    x = np.arange(1, 17, dtype="float32").reshape(1, 4, 4, 1)
    y = np.asarray(translate(x, [[1, -2]]))[0, ..., 0]                  # down 1, left 2
    expected = np.zeros((4, 4), "float32")
    expected[1:, :2] = x[0, :3, 2:, 0]
    np.testing.assert_array_equal(y, expected)
    two = np.concatenate([x, x])
    out = np.asarray(translate(two, [[0, 0], [-1, 1]]))[..., 0]
    np.testing.assert_array_equal(out[0], x[0, ..., 0])                 # each image its own shift
    np.testing.assert_array_equal(out[1, :3, 1:], x[0, 1:, :3, 0])
    assert out[1, 3].sum() == 0 and out[1, :, 0].sum() == 0


def test_cutout_zeroes_a_square_of_the_given_size_clipped_at_the_border():
    x = np.ones((2, 6, 6, 2), "float32")
    y = np.asarray(cutout(x, [[1, 2], [-1, 4]], (3, 3)))
    assert np.all(y[0, 1:4, 2:5] == 0) and (y[0] == 0).sum() == 3 * 3 * 2
    assert np.all(y[1, 0:2, 4:6] == 0) and (y[1] == 0).sum() == 2 * 2 * 2


def test_colour_operations_by_hand():
    x = np.array([[[[0.2, 0.4, 0.9]]]], "float32")                     # one pixel
    np.testing.assert_allclose(np.asarray(adjust_saturation(x, [0.0])), 0.5, atol=1e-6)   # grey: channel mean
    np.testing.assert_allclose(np.asarray(adjust_saturation(x, [2.0])), [[[[-0.1, 0.3, 1.3]]]], atol=1e-6)
    img = np.array([0.0, 1.0, 2.0, 5.0], "float32").reshape(1, 2, 2, 1)  # mean 2
    np.testing.assert_allclose(np.asarray(adjust_contrast(img, [0.5]))[0, ..., 0], [[1.0, 1.5], [2.0, 3.5]], atol=1e-6)


def test_diff_augment_layer_shapes_finite_gradients_and_seeds():
    x = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    layer = DiffAugment("color,translation,cutout", seed=1)
    assert layer.operations == ("brightness", "saturation", "contrast", "translation", "cutout")
    variable = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = layer(variable)
        loss = tf.reduce_sum(y ** 2)
    grad = tape.gradient(loss, variable)
    assert y.shape == x.shape and np.isfinite(y.numpy()).all()
    assert grad is not None and np.isfinite(grad.numpy()).all() and np.abs(grad.numpy()).sum() > 0
    assert not np.allclose(layer(x), layer(x))                          # a new draw at every call
    again = DiffAugment("color,translation,cutout", seed=1)
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(DiffAugment(**layer.get_config())(x)), atol=1e-6)

    # cutout alone on a white image: an axis-aligned box of zeros, at most 4×4 (ratio ½ of 8), 4×4 when inside.
    boxes = np.asarray(diff_augment(np.ones((32, 8, 8, 1), "float32"), "cutout",
                                    seed=keras.random.SeedGenerator(2)))[..., 0]
    sides = []
    for img in boxes:
        rows, cols = np.nonzero(img == 0)
        assert len(rows) > 0
        h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert len(rows) == h * w and h <= 4 and w <= 4                   # a full rectangle
        sides.append((h, w))
    assert (4, 4) in sides
    # translation alone keeps each image's pixels, shifted by at most 1 (⌊8/8 + ½⌋) pixel per axis.
    moved = np.asarray(diff_augment(x, "translation", seed=keras.random.SeedGenerator(3)))
    for original, shifted in zip(x, moved):
        assert any(np.array_equal(shifted, np.asarray(translate(original[None], [[dy, dx]]))[0])
                   for dy in (-1, 0, 1) for dx in (-1, 0, 1))

    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == "keras_gans>DiffAugment"
    assert keras.saving.deserialize_keras_object(config).operations == layer.operations
    with pytest.raises(ValueError, match="Unknown DiffAugment"):
        parse_policy("color,flip")
