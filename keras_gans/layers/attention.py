"""Self-attention over the positions of a feature map (SAGAN: Zhang et al., ICML 2019)."""
import keras
from keras import ops

from keras_gans.layers.spectral import maybe_spectral


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention2D(keras.layers.Layer):
    """SAGAN's self-attention block for NHWC feature maps: y = γ·o + x, with γ a learned scalar starting at 0.

    Three 1×1 convolutions (no bias) project every position: f (keys) and g (queries) to
    `key_channels` (C/8 by default, at least 1) and h (values) to `value_channels` (C by default).
    With N = H·W positions, position j attends to position i with weight

        β_{j,i} = softmax_i( g(x_j) · f(x_i) )       (no 1/√d scaling, as in the paper)

    and receives o_j = Σ_i β_{j,i} h(x_i). When `value_channels` ≠ C a last 1×1 convolution v maps
    o back to C channels (the paper's W_v). Since γ starts at 0 the block is the identity at
    initialisation and the network first learns from local features, then leans on the
    non-local ones (§4). `spectral_norm=True` wraps each 1×1 convolution in
    `keras.layers.SpectralNormalization`, as SAGAN does in both G and D.

    Cost: the attention map is (batch, N, N), so use it at a middle resolution (SAGAN: 32×32 of 128).

    Args:
        key_channels: channels of f and g; None → max(1, C // 8).
        value_channels: channels of h; None → C (no output projection).
        spectral_norm: wrap the projections in spectral normalisation.

    >>> import numpy as np
    >>> x = np.random.rand(2, 8, 8, 16).astype("float32")
    >>> y = SelfAttention2D()(x)                 # γ = 0: the identity at initialisation
    >>> bool(np.array_equal(np.asarray(y), x))
    True
    """

    def __init__(self, key_channels=None, value_channels=None, spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("key_channels", key_channels), ("value_channels", value_channels)):
            if value is not None and int(value) < 1:
                raise ValueError(f"{name} must be a positive integer or None; got {value!r}.")
        self.key_channels = None if key_channels is None else int(key_channels)
        self.value_channels = None if value_channels is None else int(value_channels)
        self.spectral_norm = bool(spectral_norm)

    def _conv(self, filters, name):
        conv = keras.layers.Conv2D(filters, 1, use_bias=False, name=name, dtype=self.dtype_policy)
        return maybe_spectral(conv, self.spectral_norm)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"SelfAttention2D expects (batch, height, width, channels) inputs; got {input_shape}.")
        channels = int(input_shape[-1])
        keys = self.key_channels or max(1, channels // 8)
        values = self.value_channels or channels
        self.f = self._conv(keys, "f")
        self.g = self._conv(keys, "g")
        self.h = self._conv(values, "h")
        for conv in (self.f, self.g, self.h):
            conv.build(input_shape)
        self.v = None
        if values != channels:
            self.v = self._conv(channels, "v")
            self.v.build(tuple(input_shape[:-1]) + (values,))
        self.gamma = self.add_weight(name="gamma", shape=(), initializer="zeros")
        super().build(input_shape)

    def _project(self, conv, x, training):
        return conv(x, training=training) if self.spectral_norm else conv(x)

    def call(self, x, training=None):
        shape = ops.shape(x)
        n, h, w = shape[0], shape[1], shape[2]
        keys = ops.reshape(self._project(self.f, x, training), (n, h * w, -1))       # f(x_i)
        queries = ops.reshape(self._project(self.g, x, training), (n, h * w, -1))    # g(x_j)
        values = ops.reshape(self._project(self.h, x, training), (n, h * w, -1))     # h(x_i)
        logits = ops.matmul(ops.cast(queries, "float32"), ops.transpose(ops.cast(keys, "float32"), (0, 2, 1)))
        beta = ops.softmax(logits, axis=-1)                                          # (n, j, i)
        o = ops.matmul(beta, ops.cast(values, "float32"))
        o = ops.reshape(ops.cast(o, x.dtype), (n, h, w, -1))
        if self.v is not None:
            o = ops.cast(self._project(self.v, o, training), x.dtype)
        return ops.cast(self.gamma, x.dtype) * o + x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(key_channels=self.key_channels, value_channels=self.value_channels,
                      spectral_norm=self.spectral_norm)
        return config
