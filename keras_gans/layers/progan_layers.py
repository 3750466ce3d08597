"""The building blocks of ProGAN (Karras et al., ICLR 2018; GANs in Action, chapter 6).

- :class:`EqualizedConv2D`, :class:`EqualizedDense`: the *equalised learning rate*. Weights are
  stored as N(0, 1) draws and multiplied at run time by the He constant gain/√fan_in, so Adam's
  per-parameter step size moves every layer at the same relative speed.
- :class:`PixelNormalization`: each pixel's feature vector scaled to unit average magnitude
  (generator only), ε = 1e-8.
- :class:`MinibatchStdDev`: one extra feature map holding the average standard deviation of
  the features across a group of images (discriminator only); variety becomes visible to D.
- :class:`FadeIn`: the smooth blend (1 − α)·old + α·new that fades a new resolution in, with
  α a non-trainable variable (driven by :class:`keras_gans.callbacks.FadeInScheduler`).

These are written from the paper's algorithm, not from the book's listings, which have bugs
(GANs in Action errata: an undefined name in the merge of listing 6.1, `square(x + 1e8)` for
`sqrt(x + 1e-8)` and mixed-up axes in the minibatch-std listing, `K.get_value` misuse in the
equalised-LR listing).

>>> import numpy as np, keras_gans as kg
>>> conv = kg.layers.EqualizedConv2D(16, 3)
>>> y = conv(np.zeros((2, 8, 8, 4), "float32"))      # kernel ~ N(0, 1), scale √2/√(3·3·4)
>>> float(conv.scale) == float(np.sqrt(2) / np.sqrt(36))
True
"""
import math

import keras
from keras import ops

_PACKAGE = "keras_gans"


def _he_scale(gain, fan_in):
    return float(gain) / math.sqrt(float(fan_in))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class EqualizedConv2D(keras.layers.Layer):
    """A 2-D convolution with an equalised learning rate (Karras et al. 2018, §4.1).

    The kernel is initialised from N(0, 1) and used as `kernel · scale` with
    `scale = gain / √(kernel_size² · in_channels)` (He's constant), recomputed at every call; the
    bias starts at 0. Padding is "same", stride 1 (ProGAN resamples with separate layers).

    Args:
        filters: output channels.
        kernel_size: side of the square kernel.
        gain: √2 for layers followed by a (leaky) ReLU, 1 for linear outputs (toRGB, the critic's score).
        use_bias: add a bias.
    """

    def __init__(self, filters, kernel_size=3, gain=math.sqrt(2.0), use_bias=True, **kwargs):
        super().__init__(**kwargs)
        if int(filters) < 1 or int(kernel_size) < 1:
            raise ValueError(f"filters and kernel_size must be positive; got {filters!r}, {kernel_size!r}.")
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.gain = float(gain)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        in_channels = int(input_shape[-1])
        k = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel", shape=(k, k, in_channels, self.filters),
            initializer=keras.initializers.RandomNormal(0.0, 1.0),
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros") if self.use_bias else None
        self.scale = _he_scale(self.gain, k * k * in_channels)

    @property
    def effective_kernel(self):
        """The kernel the convolution actually uses: `kernel · gain/√fan_in`."""
        return self.kernel * self.scale

    def call(self, inputs):
        x = ops.conv(inputs, self.effective_kernel, strides=1, padding="same")
        if self.bias is not None:
            x = x + self.bias
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, gain=self.gain, use_bias=self.use_bias)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class EqualizedDense(keras.layers.Layer):
    """A dense layer with an equalised learning rate: N(0, 1) weights times gain/√in_features at run time.

    With a learning-rate multiplier λ (`lr_multiplier`; StyleGAN's mapping network uses 0.01, Karras
    et al. 2019, app. C) the stored weights are drawn from N(0, 1/λ²) and used as
    `kernel · λ·gain/√in_features`, the bias as `bias · λ`. The function at initialisation is the
    same as with λ = 1 (the effective weights are N(0, gain²/in_features)), but every stored parameter
    is 1/λ times larger and its gradient λ times smaller: an Adam step, whose size in the stored
    parameters is about the learning rate whatever the gradient's scale, moves the effective
    weights λ times as far. So the layer learns as if its learning rate were λ times the optimizer's.
    This is the official StyleGAN/StyleGAN2 formulation (`lrmul` / `lr_multiplier`).

    Args:
        units: output features.
        gain: √2 before a (leaky) ReLU; 1 for a linear score; the paper's generator uses √2/4 for its
            first layer (the latent → 4×4 projection).
        use_bias: add a bias (initialised to 0).
        lr_multiplier: λ > 0 (default 1: the plain equalised learning rate).
    """

    def __init__(self, units, gain=math.sqrt(2.0), use_bias=True, lr_multiplier=1.0, **kwargs):
        super().__init__(**kwargs)
        if int(units) < 1:
            raise ValueError(f"units must be positive; got {units!r}.")
        lr_multiplier = float(lr_multiplier)
        if not math.isfinite(lr_multiplier) or lr_multiplier <= 0:
            raise ValueError(f"lr_multiplier must be a positive number (StyleGAN's mapping network uses 0.01); "
                             f"got {lr_multiplier!r}.")
        self.units = int(units)
        self.gain = float(gain)
        self.use_bias = bool(use_bias)
        self.lr_multiplier = lr_multiplier

    def build(self, input_shape):
        in_features = int(input_shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(in_features, self.units),
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lr_multiplier))
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros") if self.use_bias else None
        self.scale = _he_scale(self.gain, in_features) * self.lr_multiplier

    @property
    def effective_kernel(self):
        """The weights the layer actually uses: `kernel · lr_multiplier·gain/√fan_in`."""
        return self.kernel * self.scale

    @property
    def effective_bias(self):
        """The bias the layer actually adds: `bias · lr_multiplier` (None without a bias)."""
        if self.bias is None:
            return None
        return self.bias if self.lr_multiplier == 1.0 else self.bias * self.lr_multiplier

    def call(self, inputs):
        x = ops.matmul(inputs, self.effective_kernel)
        if self.bias is not None:
            x = x + self.effective_bias
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, gain=self.gain, use_bias=self.use_bias, lr_multiplier=self.lr_multiplier)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class PixelNormalization(keras.layers.Layer):
    """Pixelwise feature normalisation (Karras et al. 2018, §4.2):
    b = a / √(mean over channels of a² + ε), at every pixel independently.

    Args:
        epsilon: ε, 1e-8 in the paper.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, inputs):
        return inputs * ops.rsqrt(ops.mean(ops.square(inputs), axis=-1, keepdims=True) + self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018, §3): appends one feature map to NHWC input.

    The batch is split into groups of `group_size` images (image i goes to group i mod (N/G)); for
    each group the standard deviation of every feature over the group's images is taken
    (√(var + ε)), averaged over height, width and channels into one number, and that number is
    broadcast as an extra channel of each image of the group.

    When the batch is not a multiple of `group_size` (e.g. the last, smaller batch of an epoch, or
    a batch of 6 with groups of 4), the largest group size ≤ `group_size` that divides the batch is
    used, down to 1 — where the statistic is √ε for every image, as for identical images.

    Args:
        group_size: images per group (4 in the paper; the whole batch if larger).
        epsilon: added to the variance before the square root.
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        if int(group_size) < 1:
            raise ValueError(f"group_size must be a positive integer; got {group_size!r}.")
        self.group_size = int(group_size)
        self.epsilon = float(epsilon)

    def _group(self, batch):
        """The largest g ≤ group_size dividing `batch` (works on a symbolic batch size)."""
        if isinstance(batch, int):
            return max(g for g in range(1, min(self.group_size, batch) + 1) if batch % g == 0)
        candidates = ops.arange(1, self.group_size + 1, dtype="int32")
        batch = ops.cast(batch, "int32")
        divides = ops.logical_and(ops.equal(ops.mod(batch, candidates), 0), candidates <= batch)
        return ops.max(ops.where(divides, candidates, ops.ones_like(candidates)))

    def call(self, inputs):
        shape = ops.shape(inputs)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        g = self._group(n)
        x = ops.cast(inputs, "float32")
        # (G, N/G, H, W, C): image i sits at [i // (N/G), i % (N/G)], so each column is one group.
        grouped = ops.reshape(x, (g, -1, h, w, c))
        variance = ops.mean(ops.square(grouped - ops.mean(grouped, axis=0, keepdims=True)), axis=0)
        std = ops.sqrt(variance + self.epsilon)                                   # (N/G, H, W, C)
        stat = ops.mean(std, axis=(1, 2, 3), keepdims=True)                       # (N/G, 1, 1, 1)
        stat = ops.tile(stat, (g, h, w, 1))                                       # (N, H, W, 1)
        return ops.concatenate([inputs, ops.cast(stat, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        channels = None if input_shape[-1] is None else input_shape[-1] + 1
        return tuple(input_shape[:-1]) + (channels,)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class FadeIn(keras.layers.Layer):
    """The smooth fade-in of a new resolution: `(1 − α) · old + α · new` (Karras et al. 2018, §3; GANs in
    Action, listing 6.1).

    Called on `[old, new]`, two tensors of the same shape. In the generator, `old` is the previous
    resolution's RGB output upsampled ×2 (nearest neighbour) and `new` the new block's RGB output; in
    the discriminator, `old` is the previous fromRGB applied to the input downsampled ×2 (average
    pooling) and `new` the new block's output. α is a non-trainable variable (saved with the
    weights) that :class:`keras_gans.callbacks.FadeInScheduler` moves from 0 to 1.

    Args:
        alpha: the initial α.
    """

    def __init__(self, alpha=0.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_alpha = float(alpha)
        self.alpha = self.add_weight(name="alpha", shape=(), trainable=False,
                                     initializer=keras.initializers.Constant(self.initial_alpha))

    def set_alpha(self, value):
        """Assigns α (clipped to [0, 1])."""
        self.alpha.assign(min(1.0, max(0.0, float(value))))

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("FadeIn is called on a list [old, new] of two tensors of the same shape.")
        old, new = inputs
        alpha = ops.cast(self.alpha, new.dtype)
        return (1.0 - alpha) * old + alpha * new

    def compute_output_shape(self, input_shape):
        old, new = input_shape
        if tuple(old[1:]) != tuple(new[1:]):
            raise ValueError(f"FadeIn needs [old, new] of the same shape; got {tuple(old)} and {tuple(new)}.")
        return new

    def get_config(self):
        config = super().get_config()
        config.update(alpha=self.initial_alpha)
        return config
