"""The building blocks of StyleGAN2's synthesis network (Karras et al., CVPR 2020).

- :class:`ModulatedConv2D`: a convolution whose weights are scaled per example by a style
  (modulation) and renormalised to unit output variance (demodulation), replacing AdaIN.
- :class:`NoiseInjection`: per-pixel Gaussian noise added to a feature map, scaled by a learned
  per-channel strength that starts at 0.
- :class:`ConstantInput`: the learned 4×4 tensor the synthesis network starts from, repeated over the batch.
- :class:`SelectStyle`: one layer's w from the per-layer styles (style mixing feeds layers different w's).

The mapping network z → w is :func:`keras_gans.networks.mapping_network`.
"""
import math

import keras
from keras import ops

from keras_gans.utils.random import replica_random

_PACKAGE = "keras_gans"
#: What :class:`NoiseInjection` adds outside training.
INFERENCE_NOISE = ("random", "const", "none")


@keras.saving.register_keras_serializable(package=_PACKAGE)
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated (and demodulated) convolution, called on `[x, w]`.

    `x` is an NHWC feature map with C_in channels, `w` the intermediate latent (batch, style_dim).
    A learned affine map A (bias initialised to 1) turns w into per-input-channel styles
    s = A(w) (batch, C_in). For each example the weights are

        w'_{i,j,k} = s_i · w_{i,j,k}                                  (modulation)
        w''_{i,j,k} = w'_{i,j,k} / √(Σ_{i,k} w'_{i,j,k}² + ε)         (demodulation, if `demodulate`)

    (i input channel, j output channel, k kernel position) and the convolution is stride 1, "same"
    padding. It is computed in the fused-per-sample form that needs no grouped convolution
    (StyleGAN2's `fused_modconv=False`): the input is scaled by s, convolved with the shared kernel, and
    the output scaled by the demodulation coefficients 1/√(Σ_i s_i² Σ_k w_{i,j,k}² + ε) — the same
    numbers. Kernel and A use the equalised learning rate (N(0, 1) weights times 1/√fan_in at
    run time); the bias (per output channel) starts at 0. Up/down-sampling is left to separate layers.

    Args:
        filters: output channels.
        kernel_size: side of the square kernel (odd, for "same" padding to be centred).
        demodulate: apply the demodulation (False for toRGB layers).
        use_bias: add a bias after the convolution.
        epsilon: ε in the demodulation.

    >>> import numpy as np
    >>> conv = ModulatedConv2D(8, 3)
    >>> conv([np.random.rand(2, 4, 4, 16).astype("float32"), np.random.rand(2, 32).astype("float32")]).shape
    TensorShape([2, 4, 4, 8])
    """

    def __init__(self, filters, kernel_size=3, demodulate=True, use_bias=True, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        if int(filters) < 1 or int(kernel_size) < 1:
            raise ValueError(f"filters and kernel_size must be positive; got {filters!r}, {kernel_size!r}.")
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.demodulate = bool(demodulate)
        self.use_bias = bool(use_bias)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(f"ModulatedConv2D is called on [x, w] (feature maps and styles); got {input_shape}.")
        x_shape, w_shape = (tuple(s) for s in input_shape)
        if len(x_shape) != 4 or x_shape[-1] is None or len(w_shape) != 2 or w_shape[-1] is None:
            raise ValueError(f"ModulatedConv2D needs x (batch, height, width, channels) and w (batch, style_dim); "
                             f"got {x_shape} and {w_shape}.")
        in_channels, style_dim, k = int(x_shape[-1]), int(w_shape[-1]), self.kernel_size
        normal = keras.initializers.RandomNormal(0.0, 1.0)
        self.kernel = self.add_weight(name="kernel", shape=(k, k, in_channels, self.filters), initializer=normal)
        self.affine_kernel = self.add_weight(name="affine_kernel", shape=(style_dim, in_channels), initializer=normal)
        self.affine_bias = self.add_weight(name="affine_bias", shape=(in_channels,), initializer="ones")
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros") if self.use_bias else None
        self.kernel_scale = 1.0 / math.sqrt(k * k * in_channels)
        self.affine_scale = 1.0 / math.sqrt(style_dim)
        super().build(input_shape)

    @property
    def effective_kernel(self):
        """The shared kernel the convolution uses (before modulation): `kernel / √fan_in`."""
        return self.kernel * self.kernel_scale

    def styles(self, w):
        """s = A(w): the per-example, per-input-channel scales (batch, C_in)."""
        # every operand float32 (under a mixed policy Keras hands the variables over in the compute dtype)
        kernel = ops.cast(self.affine_kernel, "float32") * self.affine_scale
        return ops.matmul(ops.cast(w, "float32"), kernel) + ops.cast(self.affine_bias, "float32")

    def call(self, inputs):
        x, w = inputs
        s = self.styles(w)                                                   # (n, C_in), float32
        kernel = ops.cast(self.kernel, "float32") * self.kernel_scale
        y = ops.conv(ops.cast(x, "float32") * s[:, None, None, :], kernel, strides=1, padding="same")
        if self.demodulate:
            energy = ops.matmul(ops.square(s), ops.sum(ops.square(kernel), axis=(0, 1)))   # (n, C_out)
            y = y * ops.rsqrt(energy + self.epsilon)[:, None, None, :]
        if self.bias is not None:
            y = y + ops.cast(self.bias, "float32")
        return ops.cast(y, x.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, demodulate=self.demodulate,
                      use_bias=self.use_bias, epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class NoiseInjection(keras.layers.Layer):
    """Adds per-pixel noise to a feature map: y = x + strength ⊙ noise (StyleGAN §2, StyleGAN2 fig. 2).

    `noise` is one N(0, 1) value per pixel, (batch, H, W, 1), shared by all channels and scaled by a
    learned per-channel `strength` (C,) that starts at 0, so the layer is the identity at
    initialisation. Call it on `x` to draw fresh noise from the layer's `SeedGenerator` (in training
    and inference alike, as StyleGAN does), or on `[x, noise]` to pass the noise in (fixed noise for
    reproducible pictures, or zeros to switch it off).

    Outside training (`training` not True) the noise follows `inference_noise`: `"random"` (the
    default: fresh noise, as in training), `"const"` (one fixed N(0, 1) map per layer, drawn when the
    layer is built and saved with its weights — StyleGAN2-ADA's `noise_mode="const"`, so sampling and
    an exported generator are deterministic) or `"none"` (no noise). Noise passed in as `[x, noise]`
    is always used as given.

    Args:
        seed: seed of the noise (an int or None).
        inference_noise: `"random"`, `"const"` or `"none"` (see above).

    >>> import numpy as np
    >>> x = np.random.rand(2, 4, 4, 8).astype("float32")
    >>> bool(np.array_equal(np.asarray(NoiseInjection(seed=0)(x)), x))   # strength 0 at initialisation
    True
    """

    def __init__(self, seed=None, inference_noise="random", **kwargs):
        super().__init__(**kwargs)
        if inference_noise not in INFERENCE_NOISE:
            raise ValueError(f"inference_noise must be one of {INFERENCE_NOISE}; got {inference_noise!r}.")
        self.seed = seed
        self.inference_noise = inference_noise
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        x_shape = tuple(input_shape[0]) if isinstance(input_shape, (list, tuple)) and isinstance(
            input_shape[0], (list, tuple)) else tuple(input_shape)
        if len(x_shape) != 4 or x_shape[-1] is None:
            raise ValueError(f"NoiseInjection expects (batch, height, width, channels) inputs; got {x_shape}.")
        self.strength = self.add_weight(name="strength", shape=(int(x_shape[-1]),), initializer="zeros")
        self.const_noise = None
        if self.inference_noise == "const":
            if x_shape[1] is None or x_shape[2] is None:
                raise ValueError(f"NoiseInjection(inference_noise='const') needs a known height and width; got {x_shape}.")
            self.const_noise = self.add_weight(name="const_noise", shape=(1, int(x_shape[1]), int(x_shape[2]), 1),
                                               initializer=keras.initializers.RandomNormal(0.0, 1.0, seed=self.seed),
                                               trainable=False)
        super().build(input_shape)

    def call(self, inputs, training=None):
        if isinstance(inputs, (list, tuple)):
            x, noise = inputs
        elif not training and self.inference_noise == "none":
            return inputs
        elif not training and self.inference_noise == "const":
            x, noise = inputs, self.const_noise
        else:
            x = inputs
            shape = ops.shape(x)
            noise = replica_random(keras.random.normal, (shape[0], shape[1], shape[2], 1), seed=self.seed_generator)
        return x + ops.cast(self.strength, x.dtype) * ops.cast(noise, x.dtype)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and isinstance(input_shape[0], (list, tuple)):
            return tuple(input_shape[0])
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(seed=self.seed, inference_noise=self.inference_noise)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class ConstantInput(keras.layers.Layer):
    """The learned constant a StyleGAN synthesis network starts from (Karras et al. 2019, §2).

    Holds one trainable tensor of `shape` (4×4×C in StyleGAN), initialised from N(0, 1), and returns
    it repeated over the batch of its input — any tensor whose first axis is the batch (the styles w),
    whose values are not used.

    Args:
        shape: the constant's shape without the batch axis, e.g. `(4, 4, 64)`.

    >>> import numpy as np
    >>> ConstantInput((4, 4, 8))(np.zeros((3, 5, 16), "float32")).shape
    TensorShape([3, 4, 4, 8])
    """

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        shape = tuple(int(d) for d in shape)
        if not shape or min(shape) < 1:
            raise ValueError(f"ConstantInput needs a shape of positive sizes such as (4, 4, 64); got {shape}.")
        self.shape = shape

    def build(self, input_shape):
        self.constant = self.add_weight(name="constant", shape=(1,) + self.shape,
                                        initializer=keras.initializers.RandomNormal(0.0, 1.0))
        super().build(input_shape)

    def call(self, inputs):
        batch = ops.shape(inputs)[0]
        return ops.tile(ops.cast(self.constant, self.compute_dtype), (batch,) + (1,) * len(self.shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.shape

    def get_config(self):
        config = super().get_config()
        config.update(shape=list(self.shape))
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class SelectStyle(keras.layers.Layer):
    """`ws[:, index]`: the w of one layer, from the (batch, num_styles, style_dim) input of a synthesis network.

    >>> import numpy as np
    >>> SelectStyle(2)(np.arange(12, dtype="float32").reshape(1, 4, 3)).numpy().tolist()
    [[6.0, 7.0, 8.0]]
    """

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = int(index)

    def call(self, ws):
        return ws[:, self.index]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update(index=self.index)
        return config
