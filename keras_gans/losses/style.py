"""Losses of neural style transfer (Gatys, Ecker & Bethge, 2015), on feature maps of a CNN.

Pure `keras.ops` functions, usable inside `tf.function`: the content loss compares feature
maps, the style loss compares their Gram matrices, and the total variation loss smooths the
image. :class:`keras_gans.models.StyleTransfer` weighs and sums them on VGG19 features.

>>> import numpy as np
>>> from keras_gans.losses.style import gram_matrix, style_loss, total_variation_loss
>>> features = np.ones((1, 4, 4, 2), "float32")
>>> tuple(gram_matrix(features).shape)
(2, 2)
>>> float(style_loss(gram_matrix(features), features, image_pixels=16 * 16))
0.0
>>> float(total_variation_loss(np.zeros((8, 8, 3), "float32")))
0.0
"""
from keras import ops

__all__ = ["gram_matrix", "content_loss", "style_loss", "total_variation_loss"]

#: The normalisations of :func:`style_loss` (see :mod:`keras_gans.models.style_transfer`).
NORMALIZATIONS = ("keras", "gatys")


def gram_matrix(features):
    """Gram matrix `G = F^T F` of feature maps `(H, W, C)` or `(1, H, W, C)`: shape `(C, C)`.

    `G[i, j]` is the inner product of the vectorised maps of filters i and j (unnormalised).
    """
    channels = ops.shape(features)[-1]
    f = ops.reshape(features, (-1, channels))
    return ops.matmul(ops.transpose(f), f)


def content_loss(target_features, features, normalization="keras"):
    """Sum of squared differences of two feature maps (`normalization="gatys"`: half of it)."""
    loss = ops.sum(ops.square(ops.convert_to_tensor(features) - target_features))
    return 0.5 * loss if normalization == "gatys" else loss


def style_loss(target_gram, features, normalization="keras", image_pixels=None):
    """Squared Gram difference between `features` and a precomputed style Gram, normalised.

    Args:
        target_gram: `(C, C)` Gram matrix of the style image at this layer.
        features: the generated image's features at this layer, `(1, H_l, W_l, C)`.
        normalization: `"keras"` divides by `4 * 3**2 * image_pixels**2` (the Keras example:
            3 channels and the image's pixel count, whatever the layer); `"gatys"` divides by
            `4 * N_l**2 * M_l**2` with N_l = C filters and M_l = H_l * W_l positions of the layer.
        image_pixels: H * W of the input image; required by `"keras"`.
    """
    diff = ops.sum(ops.square(gram_matrix(features) - target_gram))
    if normalization == "keras":
        if image_pixels is None:
            raise ValueError('normalization="keras" needs image_pixels (the input image\'s height * width).')
        return diff / (4.0 * 9.0 * float(image_pixels) ** 2)
    if normalization == "gatys":
        shape = ops.shape(features)
        n = ops.cast(shape[-1], "float32")
        m = ops.cast(shape[-2] * shape[-3], "float32")
        return diff / (4.0 * ops.square(n) * ops.square(m))
    raise ValueError(f"normalization must be one of {NORMALIZATIONS}; got {normalization!r}.")


def total_variation_loss(image, power=1.25):
    """Σ ((x[i, j] - x[i+1, j])² + (x[i, j] - x[i, j+1])²) ** power over the (H-1) x (W-1) grid.

    `image` is `(1, H, W, C)` or `(H, W, C)`. `power=1.25` is the Keras example's exponent; the
    lecture's formula is the plain sum of squares (`power=1`).
    """
    x = ops.convert_to_tensor(image)
    if len(x.shape) == 3:
        x = x[None]
    a = ops.square(x[:, :-1, :-1, :] - x[:, 1:, :-1, :])
    b = ops.square(x[:, :-1, :-1, :] - x[:, :-1, 1:, :])
    s = a + b
    return ops.sum(s if power == 1 else ops.power(s, power))
