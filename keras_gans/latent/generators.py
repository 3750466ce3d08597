"""Any generator as one callable: `as_generator(model)(z, labels)` → images.

The latent tools take a package GAN (`DCGAN`, `CGAN`, `CoGAN`, a `VAE` ...), a bare generator
`keras.Model` (`kg.zoo.load("dcgan_mnist")`) or any callable from z to images; this module
turns each into a :class:`LatentGenerator` that knows its latent size and whether it takes labels.

>>> import keras_gans as kg
>>> gen = kg.latent.as_generator(kg.models.DCGAN(latent_dim=32, seed=0))
>>> gen.latent_dim, gen.conditional
(32, False)
>>> gen.numpy(kg.latent.truncated_latent(2, 32, seed=0)).shape
(2, 28, 28, 1)
"""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.networks.inputs import latent_size


class LatentGenerator:
    """A uniform view of any generator: `gen(z, labels=None)` → image tensor.

    Built by :func:`as_generator`; you rarely make one yourself.

    Attributes:
        latent_dim: size of z.
        conditional: True when the generator also takes integer labels.
        num_classes: for conditional generators, the number of classes (when known).
    """

    def __init__(self, fn, latent_dim, conditional=False, num_classes=None):
        self.fn = fn
        self.latent_dim = int(latent_dim)
        self.conditional = bool(conditional)
        self.num_classes = num_classes

    def labels_for(self, labels, n):
        """Labels as an int32 tensor of length `n` (a scalar is repeated); None if unconditional."""
        if not self.conditional:
            if labels is not None:
                raise ValueError("This generator is unconditional: it takes no labels. Drop `labels=`.")
            return None
        if labels is None:
            raise ValueError("This generator is conditional: pass `labels=` (one int class, or one per latent vector).")
        arr = np.asarray(labels)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"labels must be integer class indices; got dtype {arr.dtype}.")
        arr = arr.reshape(-1)
        if arr.size == 1:
            arr = np.repeat(arr, n)
        if len(arr) != n:
            raise ValueError(f"Got {len(arr)} labels for {n} latent vectors; pass one label, or one per vector.")
        if self.num_classes is not None and (arr.min() < 0 or arr.max() >= self.num_classes):
            raise ValueError(f"labels must lie in [0, {self.num_classes}); got {arr.min()}..{arr.max()}.")
        return tf.constant(arr.astype("int32"))

    def __call__(self, z, labels=None):
        """Images G(z) (or G(z, labels)) as a tensor, generator in inference mode; differentiable in z."""
        if self.conditional:
            return self.fn(z, labels)
        return self.fn(z, None)

    def numpy(self, z, labels=None, batch_size=256):
        """Images for numpy `z` as a numpy array, in batches."""
        z = _as_2d(z, self.latent_dim)
        lab = self.labels_for(labels, len(z))
        out = []
        for i in range(0, len(z), batch_size):
            chunk_labels = None if lab is None else lab[i:i + batch_size]
            out.append(ops.convert_to_numpy(self(tf.constant(z[i:i + batch_size]), chunk_labels)))
        return np.concatenate(out, axis=0)


def as_generator(model, latent_dim=None, domain="a"):
    """Wraps a GAN model, a generator `keras.Model` or a callable as a :class:`LatentGenerator`.

    Args:
        model: a package GAN (uses its `.generator`; CoGAN uses `generator_a`/`generator_b`;
            a :class:`~keras_gans.models.VAE` its decoder),
            a `keras.Model` taking `z` or `[z, labels]`, a :class:`LatentGenerator`, or any
            callable `f(z) -> images`.
        latent_dim: size of z; inferred from the model when possible.
        domain: for CoGAN, `"a"` or `"b"`: which of the coupled generators to use.
    """
    if isinstance(model, LatentGenerator):
        return model
    num_classes = getattr(model, "num_classes", None)
    if hasattr(model, "generator_a") and hasattr(model, "generator_b"):  # CoGAN
        if domain not in ("a", "b"):
            raise ValueError(f"domain must be 'a' or 'b' for a coupled GAN; got {domain!r}.")
        net = model.generator_a if domain == "a" else model.generator_b
        return LatentGenerator(lambda z, y: net(z, training=False), latent_dim or model.latent_dim)
    if isinstance(model, keras.Model) and hasattr(model, "encoder") and hasattr(model, "decoder"):  # VAE
        decoder = model.decoder  # pixels in [0, 1]: mapped to the package's [-1, 1]
        return LatentGenerator(lambda z, y: decoder(z, training=False) * 2.0 - 1.0, latent_dim or model.latent_dim)
    if isinstance(model, keras.Model) and hasattr(model, "generator") and hasattr(model, "discriminator"):
        latent_dim = latent_dim or getattr(model, "latent_dim", None)
        net = model.generator
    else:
        net = model
    n_inputs = _num_inputs(net)
    if latent_dim is None:
        latent_dim = latent_size(net)
    if latent_dim is None:
        raise ValueError("Cannot infer the latent size of this generator; pass latent_dim=.")
    if n_inputs == 2:
        if num_classes is None:
            num_classes = _infer_num_classes(net)

        def fn(z, labels):
            return net([z, labels], training=False)

        return LatentGenerator(fn, latent_dim, conditional=True, num_classes=num_classes)
    if n_inputs not in (None, 1):
        raise ValueError(f"The generator takes {n_inputs} inputs; expected z, or [z, labels].")
    if isinstance(net, keras.Model):
        return LatentGenerator(lambda z, y: net(z, training=False), latent_dim)
    return LatentGenerator(lambda z, y: net(z), latent_dim)


def _num_inputs(net):
    inputs = getattr(net, "inputs", None)
    if isinstance(inputs, (list, tuple)):
        return len(inputs)
    return None


def _infer_num_classes(net):
    for layer in getattr(net, "layers", []):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


def _as_2d(z, latent_dim=None):
    z = np.asarray(z, dtype="float32")
    if z.ndim == 1:
        z = z[None]
    if z.ndim != 2 or (latent_dim is not None and z.shape[1] != latent_dim):
        want = f"(n, {latent_dim})" if latent_dim is not None else "(n, latent_dim)"
        raise ValueError(f"z must have shape {want}; got {z.shape}.")
    return z
