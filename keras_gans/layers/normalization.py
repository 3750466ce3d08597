"""Normalisation layers: `InstanceNormalization` (Ulyanov et al. 2016), used by CycleGAN and pix2pix;
`ConditionalBatchNormalization` (de Vries et al. 2017; BigGAN: Brock et al. 2019)."""
import keras
from keras import ops

from keras_gans.layers.spectral import maybe_spectral


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


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch norm whose gain and bias come from a conditioning vector (BigGAN's class-conditional BN).

    Called on `[x, cond]`: `x` is (batch, ..., channels), `cond` is (batch, cond_dim). In BigGAN
    `cond` is the shared class embedding concatenated with this block's chunk of z (hierarchical
    z); the caller does the concatenation. The output is

        y = x̂ · (1 + cond·W_γ) + cond·W_β,     x̂ = (x − μ) / √(σ² + ε)

    where x̂ is a `keras.layers.BatchNormalization` without its own affine (`center=False,
    scale=False`): batch statistics over every axis but the last in training, moving averages in
    inference. W_γ and W_β are linear maps without bias (the "1 +" keeps the gain near 1 at
    initialisation). `momentum=0.9` is PyTorch's 0.1, what BigGAN used.

    Args:
        momentum, epsilon: of the moving statistics and the variance (as in `BatchNormalization`).
        kernel_initializer: of W_γ and W_β (BigGAN: orthogonal).
        spectral_norm: wrap the two linear maps in `keras.layers.SpectralNormalization` (BigGAN's G).

    >>> import numpy as np
    >>> cbn = ConditionalBatchNormalization()
    >>> x, cond = np.random.rand(4, 8, 8, 16).astype("float32"), np.random.rand(4, 20).astype("float32")
    >>> cbn([x, cond], training=True).shape
    TensorShape([4, 8, 8, 16])
    """

    def __init__(self, momentum=0.9, epsilon=1e-5, kernel_initializer="orthogonal", spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.spectral_norm = bool(spectral_norm)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError("ConditionalBatchNormalization is called on [x, cond] (features and a conditioning "
                             f"vector per example); got input shape {input_shape}.")
        x_shape, cond_shape = (tuple(s) for s in input_shape)
        if x_shape[-1] is None or len(cond_shape) != 2 or cond_shape[-1] is None:
            raise ValueError(f"ConditionalBatchNormalization needs x (batch, ..., channels) and cond (batch, dim) with "
                             f"known last axes; got {x_shape} and {cond_shape}.")
        channels = int(x_shape[-1])
        self.normalize = keras.layers.BatchNormalization(momentum=self.momentum, epsilon=self.epsilon, center=False,
                                                         scale=False, name="batch_norm", dtype=self.dtype_policy)
        self.normalize.build(x_shape)
        self.gain = maybe_spectral(keras.layers.Dense(channels, use_bias=False, name="gain", dtype=self.dtype_policy,
                                                      kernel_initializer=self.kernel_initializer), self.spectral_norm)
        self.bias = maybe_spectral(keras.layers.Dense(channels, use_bias=False, name="bias", dtype=self.dtype_policy,
                                                      kernel_initializer=self.kernel_initializer), self.spectral_norm)
        self.gain.build(cond_shape)
        self.bias.build(cond_shape)
        super().build(input_shape)

    def _linear(self, layer, cond, training):
        return layer(cond, training=training) if self.spectral_norm else layer(cond)

    def call(self, inputs, training=None):
        x, cond = inputs
        normalized = self.normalize(x, training=training)
        gain = 1.0 + self._linear(self.gain, cond, training)
        bias = self._linear(self.bias, cond, training)
        broadcast = (-1,) + (1,) * (len(x.shape) - 2) + (gain.shape[-1],)
        gain = ops.cast(ops.reshape(gain, broadcast), normalized.dtype)
        bias = ops.cast(ops.reshape(bias, broadcast), normalized.dtype)
        return normalized * gain + bias

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, epsilon=self.epsilon,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
                      spectral_norm=self.spectral_norm)
        return config
