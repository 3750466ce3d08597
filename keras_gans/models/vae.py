"""Variational autoencoder (Kingma & Welling, 2014; GANs in Action, chapter 2): the book's baseline."""
import statistics

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.presets import PresetMixin
from keras_gans.models.common import check_result_memory, deserialize_networks, run_network, unpack_images
from keras_gans.training import precision
from keras_gans.utils import checks
from keras_gans.utils.images import check_output, format_output
from keras_gans.utils.random import standard_normal


@keras.saving.register_keras_serializable(package="keras_gans")
class Sampling(keras.layers.Layer):
    """The reparameterisation trick: `z = μ + exp(log σ² / 2) · ε`, ε ~ N(0, I).

    ε takes its batch size from `z_mean` at run time (the book's listing hard-codes
    `batch_size` in ε's shape, which fails on the last, partial batch: erratum §14.9).
    Draws come from a `keras.random.SeedGenerator`, so a seeded model is reproducible.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def vae_encoder(image_shape=(28, 28, 1), latent_dim=2, intermediate_dim=256, seed=None):
    """The book's encoder: Flatten → Dense(256, ReLU) → (z_mean, z_log_var) → sampled z."""
    inputs = keras.Input(image_shape, name="images")
    x = keras.layers.Flatten()(inputs)
    h = keras.layers.Dense(intermediate_dim, activation="relu", name="hidden")(x)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    return keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")


def vae_decoder(image_shape=(28, 28, 1), latent_dim=2, intermediate_dim=256):
    """The book's decoder: Dense(256, ReLU) → Dense(H·W·C, sigmoid) → image in [0, 1]."""
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(intermediate_dim, activation="relu", name="hidden")(z)
    x = keras.layers.Dense(int(np.prod(image_shape)), activation="sigmoid", name="pixels")(h)
    return keras.Model(z, keras.layers.Reshape(image_shape)(x), name="decoder")


@keras.saving.register_keras_serializable(package="keras_gans")
class VAE(PresetMixin, keras.Model):
    """Variational autoencoder, the generative baseline of GANs in Action chapter 2.

    Kingma & Welling (2014), "Auto-Encoding Variational Bayes". The encoder maps an image to
    the mean and log-variance of a Gaussian over z; z is sampled with the reparameterisation
    trick (:class:`Sampling`); the decoder maps z back to pixels. One loss, minimised with
    `fit`: `H·W·C · BCE(x, x̂) + KL(q(z|x) ‖ N(0, I))`, the book's objective, with the book's
    RMSprop by default.

    Data follows the package convention: images in [-1, 1] (as from `kg.data.load`), with or
    without labels; they are mapped to [0, 1] for the Bernoulli likelihood. :meth:`generate`
    returns images in [-1, 1] like every GAN here, so sample grids, metrics and
    :mod:`keras_gans.latent` work unchanged.

    Args:
        image_shape: image shape, (28, 28, 1) for MNIST.
        latent_dim: size of z (2 in the book, so the latent space can be plotted).
        intermediate_dim: hidden units of encoder and decoder (256 in the book).
        encoder, decoder: optional networks (encoder → `[z_mean, z_log_var, z]`, decoder z → [0, 1] pixels).
        seed: seed of the sampling layer's `SeedGenerator`.
        dtype_policy: `"float32"`, `"mixed_bfloat16"` or `"mixed_float16"` (default: the global
            policy); see :mod:`keras_gans.training.precision`.

    Example (the book's run: 5 epochs, batch 100):

    >>> import keras_gans as kg
    >>> vae = kg.models.VAE(latent_dim=2)
    >>> vae.compile()
    >>> vae.fit(kg.data.load("mnist-5k", batch_size=100), epochs=5, verbose=0)
    >>> vae.generate(16, seed=0).shape                  # decoded z ~ N(0, I), in [-1, 1]
    (16, 28, 28, 1)
    >>> z_mean, z_log_var = vae.encode(images)          # the chapter's 2-D latent scatter
    >>> grid = vae.latent_grid(15)                      # the chapter's decoded manifold
    """

    metric_names = ("loss", "reconstruction_loss", "kl_loss")

    def __init__(self, image_shape=(28, 28, 1), latent_dim=2, intermediate_dim=256, encoder=None, decoder=None,
                 seed=None, dtype_policy=None, **kwargs):
        policy = precision.model_policy(dtype_policy, kwargs)
        image_shape, latent_dim = checks.image_shape(image_shape), checks.positive_int(latent_dim, "latent_dim", fix="The book uses 2.")
        intermediate_dim = checks.positive_int(intermediate_dim, "intermediate_dim", fix="The book uses 256.")
        seed = checks.seed(seed)
        super().__init__(dtype=policy, **kwargs)  # Keras' compile adds loss scaling under mixed_float16
        self._image_shape = image_shape
        self.latent_dim = latent_dim
        self.intermediate_dim = intermediate_dim
        self.seed = seed
        self.encoder = encoder if encoder is not None else vae_encoder(self._image_shape, latent_dim,
                                                                       intermediate_dim, seed)
        self.decoder = decoder if decoder is not None else vae_decoder(self._image_shape, latent_dim,
                                                                       intermediate_dim)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        self.built = True
        precision.apply_model_policy(self)

    @property
    def image_shape(self):
        return self._image_shape

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, optimizer=None, **kwargs):
        """Configures the optimizer (default: the book's `RMSprop()`)."""
        if "loss" in kwargs:
            raise TypeError("The VAE's loss is fixed (reconstruction + KL); compile takes no loss=.")
        super().compile(optimizer=optimizer if optimizer is not None else keras.optimizers.RMSprop(), **kwargs)
        self.optimizer.build(self.trainable_variables)

    def get_compile_config(self):
        if not getattr(self, "compiled", False) or getattr(self, "optimizer", None) is None:
            return None
        return {"optimizer": keras.saving.serialize_keras_object(self.optimizer)}

    def compile_from_config(self, config):
        self.compile(optimizer=keras.saving.deserialize_keras_object(config["optimizer"]))

    # ------------------------------------------------------------------ training
    def call(self, images, training=False):
        """The reconstruction x̂ of `images` (in [0, 1])."""
        _, _, z = self.encoder(images, training=training)
        return self.decoder(z, training=training)

    def compute_losses(self, images, training=False):
        """`(total, reconstruction, kl)` for a batch of images in [-1, 1] (means over the batch)."""
        target = (ops.cast(images, "float32") + 1.0) / 2.0
        z_mean, z_log_var, z = self.encoder(images, training=training)
        recon = self.decoder(z, training=training)
        pixels = float(np.prod(self._image_shape))
        bce = keras.losses.binary_crossentropy(ops.reshape(target, (ops.shape(target)[0], -1)),
                                               ops.reshape(recon, (ops.shape(recon)[0], -1)))
        reconstruction = pixels * ops.mean(bce)
        kl = ops.mean(-0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1))
        return reconstruction + kl, reconstruction, kl

    def train_step(self, data):
        """One gradient step on the negative ELBO (GANs in Action listing 2.x, as a `train_step`)."""
        images = unpack_images(data)
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.compute_losses(images, training=True)
        grads = precision.gradients(tape, total, self.trainable_variables, self.optimizer)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            grads = [None if g is None else g / replicas for g in grads]
        self.optimizer.apply(grads, self.trainable_variables)
        return self._track(total, reconstruction, kl)

    def test_step(self, data):
        total, reconstruction, kl = self.compute_losses(unpack_images(data), training=False)
        return self._track(total, reconstruction, kl)

    def _track(self, total, reconstruction, kl):
        for name, value in (("loss", total), ("reconstruction_loss", reconstruction), ("kl_loss", kl)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ using it
    def latent(self, n, seed=None):
        """`n` latent vectors z ~ N(0, I) as float32 numpy; the same `seed` gives the same z."""
        return standard_normal(n, self.latent_dim, seed)

    def encode(self, images, batch_size=256):
        """`(z_mean, z_log_var)` of images in [-1, 1], as numpy."""
        images = np.asarray(images, "float32")
        means, log_vars = [], []
        for i in range(0, len(images), batch_size):
            m, lv, _ = self.encoder(images[i:i + batch_size], training=False)
            means.append(ops.convert_to_numpy(m))
            log_vars.append(ops.convert_to_numpy(lv))
        return np.concatenate(means), np.concatenate(log_vars)

    def decode(self, z, batch_size=256):
        """Images for latent vectors `z`, float32 in [-1, 1]."""
        z = np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}); got {z.shape}.")
        return run_network(self.decoder, z, batch_size) * 2.0 - 1.0

    def generate(self, n=16, seed=None, z=None, batch_size=256, output="float"):
        """Decodes `n` draws z ~ N(0, I) (or the given `z`): float32 in [-1, 1] or uint8 (`output="uint8"`)."""
        check_output(output)
        check_result_memory(self.decoder, n if z is None else len(z),
                            f"generate({n})" if z is None else f"generate(z=<{len(z)} vectors>)")  # before z
        return format_output(self.decode(self.latent(n, seed) if z is None else z, batch_size), output)

    def latent_grid(self, n=15, low=0.05, high=0.95):
        """The decoded 2-D manifold (book figure 2.7): an `n × n` grid of z at Gaussian quantiles.

        Quantiles `low … high` of each axis go through the inverse normal CDF. Needs latent_dim = 2.
        Returns images `(n * n, H, W, C)` in [-1, 1], row by row (z₂ decreasing down the rows).
        """
        if self.latent_dim != 2:
            raise ValueError(f"latent_grid needs latent_dim=2; this VAE has latent_dim={self.latent_dim}.")
        values = [statistics.NormalDist().inv_cdf(q) for q in np.linspace(low, high, int(n))]
        z = np.array([[x, y] for y in values[::-1] for x in values], "float32")
        return self.decode(z)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self._image_shape),
            "latent_dim": self.latent_dim,
            "intermediate_dim": self.intermediate_dim,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config, ("encoder", "decoder")))
