"""Padding layers: `ReflectionPadding2D` (used by the CycleGAN ResNet generator)."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its border (no repeated edge pixel).

    Zhu et al. (2017) pad with reflections before every convolution of their ResNet generator
    so that the image border does not darken; `keras.layers.ZeroPadding2D` would add black frames.

    Args:
        padding: an int (same on all four sides) or `((top, bottom), (left, right))`.
            Each side must be smaller than the image size on that axis.

    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> ReflectionPadding2D(1)(x).shape
    TensorShape([1, 5, 5, 1])
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        padding = tuple(tuple(int(p) for p in pair) for pair in padding)
        if len(padding) != 2 or any(len(p) != 2 or min(p) < 0 for p in padding):
            raise ValueError(f"padding must be an int or ((top, bottom), (left, right)) of non-negative ints; got {padding}.")
        self.padding = padding

    def build(self, input_shape):
        h, w = input_shape[1], input_shape[2]
        (top, bottom), (left, right) = self.padding
        for size, pads, axis in ((h, (top, bottom), "height"), (w, (left, right), "width")):
            if size is not None and max(pads) >= size:
                raise ValueError(
                    f"ReflectionPadding2D cannot pad {max(pads)} pixels on an image of {axis} {size}: reflection "
                    "needs padding < size. Use larger images or a smaller padding."
                )
        super().build(input_shape)

    def call(self, x):
        (top, bottom), (left, right) = self.padding
        return ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        (top, bottom), (left, right) = self.padding
        h, w = input_shape[1], input_shape[2]
        return (input_shape[0], None if h is None else h + top + bottom, None if w is None else w + left + right,
                input_shape[3])

    def get_config(self):
        config = super().get_config()
        config.update(padding=self.padding)
        return config
