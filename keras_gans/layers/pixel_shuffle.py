"""Sub-pixel upsampling: `PixelShuffle` (Shi et al. 2016), the upsampling of SRResNet / SRGAN."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelShuffle(keras.layers.Layer):
    """Rearranges `(H, W, C·r²)` feature maps into `(r·H, r·W, C)` images ("pixel shuffle", depth to space).

    Output pixel `(r·i + a, r·j + b, c)` is input channel `(a·r + b)·C + c` at `(i, j)`
    (`keras.ops.depth_to_space`, TensorFlow's `depth_to_space` order). A convolution with `C·r²`
    filters followed by this layer is the "sub-pixel convolution" of Shi et al. (2016), which SRGAN
    (Ledig et al. 2017) uses twice (r = 2) for 4× upscaling: it learns the upsampling filters and
    avoids the checkerboard of transposed convolutions with kernel sizes not divisible by the stride.

    Args:
        scale: the factor r (an integer ≥ 2).

    >>> import numpy as np
    >>> PixelShuffle(2)(np.zeros((1, 3, 3, 8), "float32")).shape
    TensorShape([1, 6, 6, 2])
    """

    def __init__(self, scale=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(scale, bool) or not isinstance(scale, int) or scale < 2:
            raise ValueError(f"PixelShuffle's scale must be an integer >= 2; got {scale!r}.")
        self.scale = scale

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is not None and channels % (self.scale ** 2):
            raise ValueError(
                f"PixelShuffle(scale={self.scale}) needs channels divisible by scale² = {self.scale ** 2}; got "
                f"{channels}. Give the convolution before it out_channels·{self.scale ** 2} filters."
            )
        super().build(input_shape)

    def call(self, x):
        return ops.depth_to_space(x, self.scale)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        r = self.scale
        return (n, None if h is None else h * r, None if w is None else w * r, None if c is None else c // (r * r))

    def get_config(self):
        config = super().get_config()
        config.update(scale=self.scale)
        return config
