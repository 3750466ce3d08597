"""Normalisation layers: `InstanceNormalization` (Ulyanov et al. 2016), used by CycleGAN and pix2pix."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class InstanceNormalization(keras.layers.Layer):
    """Normalises every feature map of every image on its own: (x − mean_hw) / sqrt(var_hw + ε) · γ + β.

    Unlike batch norm, the statistics never mix images, so it behaves the same in training and
    inference and with batch size 1 (the CycleGAN paper's setting). GANs in Action ch. 9 takes it from
    `keras_contrib`; here it is a plain Keras 3 layer. It equals
    `keras.layers.GroupNormalization(groups=-1)` and is kept as its own class for readable configs.

    Args:
        epsilon: added to the variance.
        center, scale: learn a per-channel offset β and scale γ (the affine of Ulyanov et al.).

    >>> import numpy as np
    >>> y = InstanceNormalization()(np.random.rand(2, 8, 8, 3).astype("float32"))
    >>> bool(abs(float(y.numpy()[0, ..., 0].mean())) < 1e-5)
    True
    """

    def __init__(self, epsilon=1e-5, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"InstanceNormalization expects (batch, height, width, channels) inputs; got {input_shape}.")
        channels = input_shape[-1]
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta") if self.center else None
        super().build(input_shape)

    def call(self, x):
        mean, variance = ops.moments(x, axes=[1, 2], keepdims=True)
        y = (x - mean) * ops.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            y = y * self.gamma
        if self.beta is not None:
            y = y + self.beta
        return y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(epsilon=self.epsilon, center=self.center, scale=self.scale)
        return config
