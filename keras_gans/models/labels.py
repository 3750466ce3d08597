"""What every class-conditional GAN does with labels: check them, draw them, take them in `fit`,
`generate(labels=...)` and the `(z, labels)` serving signature.

:class:`ClassConditionalMixin` goes before :class:`~keras_gans.models.gan.GAN` in a model's bases; the
model sets `num_classes` and a generator taking `[z, labels]`. Its messages name the model's class.
(CGAN, BigGAN and ACGAN use it.)
"""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.common import check_result_memory
from keras_gans.utils.images import check_output, format_output
from keras_gans.utils.random import replica_random


class ClassConditionalMixin:
    """Labels for a GAN whose generator takes `[z, labels]` and whose data are `(images, labels)` pairs."""

    num_classes = None

    def sample_labels(self, batch_size):
        """Labels drawn uniformly from [0, num_classes) with the model's SeedGenerator (distinct per replica)."""
        return replica_random(keras.random.randint, (batch_size,), seed=self.seed_generator, minval=0,
                              maxval=self.num_classes, dtype="int32")

    @staticmethod
    def unpack_labelled(data):
        """`(images, labels)` of a batch, the labels as an int32 vector."""
        images, labels = data[0], data[1]
        return images, ops.reshape(ops.cast(labels, "int32"), (-1,))

    def call(self, inputs, training=False):
        """The generator's images for `[z, labels]`."""
        return self.generator(inputs, training=training)

    # ------------------------------------------------------------------ checks
    def check_labels(self, labels, n=None):
        """Validates labels; returns them as an int32 numpy vector. Raises `ValueError` with the fix."""
        arr = np.asarray(labels)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            hint = ""
            if np.issubdtype(arr.dtype, np.floating) and arr.size and np.all(np.mod(arr, 1) == 0):
                hint = " (they are whole numbers: convert them with np.asarray(labels, 'int32'))"
            raise ValueError(f"labels must be integers in [0, {self.num_classes}); got dtype {arr.dtype}{hint}.")
        arr = arr.reshape(-1) if arr.ndim == 2 and arr.shape[1] == 1 else arr
        if arr.ndim == 0:
            arr = np.full((1 if n is None else int(n),), int(arr))
        if arr.ndim != 1:
            raise ValueError(f"labels must be a vector of class indices (n,); got shape {arr.shape}. "
                             "One-hot labels? Pass labels.argmax(-1).")
        if n is not None and len(arr) != int(n):
            raise ValueError(f"Got {len(arr)} labels for n={n} images; pass one label per image (or omit n).")
        if arr.size and (arr.min() < 0 or arr.max() >= self.num_classes):
            bad = arr[(arr < 0) | (arr >= self.num_classes)][0]
            raise ValueError(f"Label {int(bad)} is out of range: this model has num_classes={self.num_classes}, "
                             f"so labels must be in [0, {self.num_classes - 1}].")
        return arr.astype("int32")

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit` on `(images, labels)`: a dataset of pairs, or arrays `x=images, y=labels`."""
        if y is not None:
            self.check_labels(y, n=len(y))
        elif x is not None and not isinstance(x, tf.data.Dataset):
            raise ValueError(f"{type(self).__name__} trains on images with labels: pass fit(images, labels) or a "
                             "dataset of (images, labels) pairs (kg.data.load(..., with_labels=True)).")
        return super().fit(x, y, *args, **kwargs)

    def check_data(self, x):
        """Checks that the data yields `(images, labels)` with valid int labels (and valid images)."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not (isinstance(spec, tuple) and len(spec) == 2):
                raise ValueError(f"{type(self).__name__} trains on (images, labels) pairs; the dataset yields "
                                 "images alone. Load the data with kg.data.load(..., with_labels=True).")
            if not spec[1].dtype.is_integer:
                raise ValueError(f"{type(self).__name__} labels must be integer class indices; the dataset's are "
                                 f"{spec[1].dtype.name}.")
            _, labels = next(iter(x.take(1)))
            self.check_labels(labels.numpy())
        super().check_data(x)

    # ------------------------------------------------------------------ sampling and serving
    def generate(self, n=None, seed=None, z=None, labels=None, batch_size=256, output="float"):
        """Generates images of the given classes.

        Args:
            n: number of images (default: `len(labels)`, or 16).
            seed: integer for reproducible z (same seed → same images).
            z: latent vectors instead of sampling, shape (n, latent_dim).
            labels: int class per image (a list, an array, or one int for all images). None:
                0, 1, …, K−1, 0, 1, … (so a grid with K columns shows one class per column).
            batch_size, output: as :meth:`GAN.generate`.

        Raises:
            ValueError: labels out of range, not integers, or not one per image.
        """
        check_output(output)
        if n is None:
            n = len(z) if z is not None else (np.size(labels) if labels is not None and np.ndim(labels) else 16)
        check_result_memory(self.sampling_generator, n, f"generate({n})")  # before the labels and z
        if labels is None:
            labels = np.arange(int(n)) % self.num_classes
        labels = self.check_labels(labels, n)
        z = self.latent(n, seed) if z is None else np.asarray(z, "float32")
        if z.shape != (int(n), self.latent_dim):
            raise ValueError(f"z must have shape ({n}, {self.latent_dim}); got {z.shape}.")
        return format_output(self.run_generator(z, labels, batch_size=batch_size), output)

    def serving_inputs(self):
        """Serving signature: `z` float32 (batch, latent_dim) and `labels` int32 (batch,)."""
        return [tf.TensorSpec([None, self.latent_dim], tf.float32, name="z"),
                tf.TensorSpec([None], tf.int32, name="labels")]
