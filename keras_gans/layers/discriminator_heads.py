"""Layers for the top of a discriminator: the projection head (Miyato & Koyama, ICLR 2018) and
minibatch discrimination (Salimans et al. 2016; GANs in Action ch. 5)."""
import keras
from keras import ops

from keras_gans.layers.spectral import maybe_spectral


@keras.saving.register_keras_serializable(package="keras_gans")
class ProjectionHead(keras.layers.Layer):
    """The projection discriminator's output: D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩.

    Called on `[features, labels]`: `features` = φ(x), the discriminator body's pooled features
    (batch, d) (SNGAN/BigGAN: ReLU then a global *sum* pool); `labels` are integer classes, shape
    (batch,) or (batch, 1). ψ is a linear map d → 1 (with bias) and `embed` an `Embedding(num_classes, d)`;
    the inner product with the class embedding is how the label enters, instead of concatenating
    it to the input. The output is one logit per example, (batch, 1).

    Args:
        num_classes: number of classes.
        use_bias: give ψ a bias.
        spectral_norm: wrap ψ and the embedding in `keras.layers.SpectralNormalization` (the paper does).

    >>> import numpy as np
    >>> head = ProjectionHead(num_classes=10)
    >>> head([np.random.rand(4, 32).astype("float32"), np.array([0, 3, 3, 9])]).shape
    TensorShape([4, 1])
    """

    def __init__(self, num_classes, use_bias=True, spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        if int(num_classes) < 1:
            raise ValueError(f"num_classes must be a positive integer; got {num_classes!r}.")
        self.num_classes = int(num_classes)
        self.use_bias = bool(use_bias)
        self.spectral_norm = bool(spectral_norm)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(f"ProjectionHead is called on [features, labels]; got input shape {input_shape}.")
        features_shape = tuple(input_shape[0])
        if len(features_shape) != 2 or features_shape[-1] is None:
            raise ValueError(f"ProjectionHead needs pooled features (batch, d); got {features_shape}. "
                             "Pool the feature maps first (e.g. a global sum over height and width).")
        dim = int(features_shape[-1])
        self.linear = maybe_spectral(keras.layers.Dense(1, use_bias=self.use_bias, name="linear",
                                                        dtype=self.dtype_policy), self.spectral_norm)
        self.embedding = maybe_spectral(keras.layers.Embedding(self.num_classes, dim, name="embedding",
                                                               dtype=self.dtype_policy), self.spectral_norm)
        self.linear.build(features_shape)
        self.embedding.build((features_shape[0],))
        super().build(input_shape)

    def _apply(self, layer, x, training):
        return layer(x, training=training) if self.spectral_norm else layer(x)

    def call(self, inputs, training=None):
        features, labels = inputs
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        if self.spectral_norm:
            # Keras' SpectralNormalization casts its output to its input's dtype: integer labels would
            # truncate the embedding to integers. Embedding casts float labels back to int itself.
            labels = ops.cast(labels, "float32")
        embedded = ops.cast(self._apply(self.embedding, labels, training), features.dtype)
        projection = ops.sum(embedded * features, axis=-1, keepdims=True)
        # the sublayers may compute in another precision than the head (a float32 head in a mixed network)
        return ops.cast(self._apply(self.linear, features, training), features.dtype) + projection

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes, use_bias=self.use_bias, spectral_norm=self.spectral_norm)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, §3.2): lets D compare each example with the batch.

    For features f(x_i) ∈ R^A (batch, A), a learned tensor T ∈ R^{A×B×C} gives matrices
    M_i = f(x_i)·T ∈ R^{B×C}. For each of the B kernels b,

        c_b(x_i, x_j) = exp(−‖M_{i,b} − M_{j,b}‖_L1),     o(x_i)_b = Σ_j c_b(x_i, x_j)

    summed over the whole batch j = 1…n, the example itself included (as in the paper's formula,
    so every o ≥ 1). The output is [f(x_i), o(x_i)], (batch, A + B). A collapsed generator makes
    its samples close in M, their o large, and D sees it.

    Args:
        num_kernels: B, the number of features added.
        kernel_dim: C, the size of each kernel's rows.

    >>> import numpy as np
    >>> MinibatchDiscrimination(num_kernels=5, kernel_dim=3)(np.random.rand(4, 16).astype("float32")).shape
    TensorShape([4, 21])
    """

    def __init__(self, num_kernels=50, kernel_dim=5, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if int(num_kernels) < 1 or int(kernel_dim) < 1:
            raise ValueError(f"num_kernels and kernel_dim must be positive; got {num_kernels!r}, {kernel_dim!r}.")
        self.num_kernels = int(num_kernels)
        self.kernel_dim = int(kernel_dim)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination expects flat features (batch, features); got {input_shape}. "
                             "Flatten the feature maps first.")
        self.T = self.add_weight(name="T", shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
                                 initializer=self.kernel_initializer)
        super().build(input_shape)

    def call(self, x):
        m = ops.reshape(ops.matmul(ops.cast(x, "float32"), ops.cast(self.T, "float32")),
                        (-1, self.num_kernels, self.kernel_dim))                          # (n, B, C)
        l1 = ops.sum(ops.abs(m[:, None, :, :] - m[None, :, :, :]), axis=-1)                # (n, n, B)
        o = ops.sum(ops.exp(-l1), axis=1)                                                  # (n, B)
        return ops.concatenate([x, ops.cast(o, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        features = None if input_shape[-1] is None else input_shape[-1] + self.num_kernels
        return (input_shape[0], features)

    def get_config(self):
        config = super().get_config()
        config.update(num_kernels=self.num_kernels, kernel_dim=self.kernel_dim,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer))
        return config
