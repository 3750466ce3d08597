"""A pool of earlier generated images for the discriminator (Shrivastava et al. 2017; CycleGAN §4)."""
import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ImageHistoryPool(keras.layers.Layer):
    """A buffer of previously generated images for the discriminator (Shrivastava et al. 2017; CycleGAN §4).

    While the pool holds fewer than `pool_size` images, every incoming image is stored and returned
    unchanged. Once full, each incoming image is, with probability `swap_probability` (½ in the
    paper), exchanged for a random stored image — the stored one is returned and the new one takes
    its slot — and otherwise returned itself. The discriminator thus also sees older fakes, which
    damps oscillation. Within one batch every swap hits a different slot (for batches ≤ `pool_size`).

    `pool_size=0` switches the pool off (GANs in Action ch. 9 trains without one). The pool's
    contents are non-trainable weights, so `BackupAndRestore` resumes them too.

    >>> import numpy as np
    >>> pool = ImageHistoryPool(pool_size=50, seed=0)
    >>> fake_images = np.zeros((4, 8, 8, 3), "float32")
    >>> pool(fake_images).shape         # the same shape as fake_images
    TensorShape([4, 8, 8, 3])
    """

    def __init__(self, pool_size=50, swap_probability=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        if int(pool_size) < 0:
            raise ValueError(f"pool_size must be ≥ 0 (0 switches the pool off); got {pool_size}.")
        if not 0.0 <= float(swap_probability) <= 1.0:
            raise ValueError(f"swap_probability must lie in [0, 1]; got {swap_probability}.")
        self.pool_size = int(pool_size)
        self.swap_probability = float(swap_probability)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        shape = tuple(input_shape[1:])
        if None in shape:
            raise ValueError(f"ImageHistoryPool needs a fixed image shape; got {tuple(input_shape)}.")
        self.images = self.add_weight(shape=(max(self.pool_size, 1),) + shape, initializer="zeros",
                                      trainable=False, name="images")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        super().build(input_shape)

    def call(self, images):
        if self.pool_size == 0:
            return images
        images = ops.cast(images, self.images.dtype)
        n = ops.shape(images)[0]
        size = self.pool_size
        count = ops.convert_to_tensor(self.count)
        free = ops.minimum(n, size - count)            # images still stored unconditionally
        position = ops.arange(n, dtype="int32")
        fill = position < free
        coin = keras.random.uniform((n,), seed=self.seed_generator)
        swap = ops.logical_and(ops.logical_not(fill), coin < self.swap_probability)
        # Distinct random slots for the swaps (a random permutation of the pool).
        permutation = ops.cast(ops.argsort(keras.random.uniform((size,), seed=self.seed_generator)), "int32")
        slot = ops.where(fill, count + position, ops.take(permutation, ops.mod(position - free, size)))
        slot = ops.clip(slot, 0, size - 1)
        old = ops.take(self.images, slot, axis=0)
        mask_shape = (-1,) + (1,) * (len(images.shape) - 1)
        out = ops.where(ops.reshape(swap, mask_shape), old, images)
        write = ops.logical_or(fill, swap)
        self.images.assign(tf.tensor_scatter_nd_update(
            self.images, tf.boolean_mask(slot, write)[:, None], tf.boolean_mask(images, write)))
        self.count.assign(count + free)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "swap_probability": self.swap_probability,
                "seed": self.seed}
