"""Wasserstein GANs: weight clipping (Arjovsky et al. 2017) and gradient penalty (Gulrajani et al. 2017).

GANs in Action §5.4 (game setups); lecture slides §2.7.

**How n_critic works inside `fit`.** Each `train_step` receives one batch of `n_critic · m`
images, splits it into `n_critic` slices of `m`, and runs one critic update per slice before
the single generator update (on `m` fresh latent vectors). Every critic step therefore sees
new real data, as in Algorithm 1 of both papers, and one Keras "step" is one generator
iteration. Load the data with `batch_size = n_critic * m`::

    ds = kg.data.load("mnist-5k", batch_size=5 * 64)      # 5 critic batches of 64 per step

After `k` steps, `d_optimizer.iterations == n_critic * k` and `g_optimizer.iterations == k`.
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses.penalties import gradient_penalty
from keras_gans.models.gan import GAN
from keras_gans.networks import mnist_nets
from keras_gans.training.tricks import TricksMixin, check_trick_options
from keras_gans.utils import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(TricksMixin, GAN):
    """Wasserstein GAN with weight clipping (Arjovsky, Chintala & Bottou 2017; GANs in Action §5.4).

    The critic c maximises E[c(x)] − E[c(G(z))] (the Wasserstein-1 distance estimate, reported
    as `wasserstein_distance`) under a Lipschitz constraint enforced by clipping every critic
    weight to [−`clip_value`, `clip_value`] after each critic update; G minimises −E[c(G(z))].

    Args:
        image_shape: (height, width, channels), sides divisible by 4.
        latent_dim: size of z.
        generator, critic: optional networks (the critic outputs one unbounded score).
        n_critic: critic updates per generator update (5). Each step's batch is split into
            `n_critic` slices (see the module docstring).
        clip_value: c of the weight clipping (0.01).
        critic_normalization: normalisation in the built-in critic (`"batch"`, as the paper's
            DCGAN critic; None or `"layer"`).
        d_batch: how each critic step scores its real slice and its fakes: `"separate"` (default; two critic
            calls, as the paper's code) or `"joint"` (one call on their concatenation, so a batch-norm critic
            normalises them together); see :class:`~keras_gans.models.GAN`.
        **kwargs: `seed`, the tricks of :mod:`keras_gans.tricks` (`instance_noise`, `ema_decay`, ...)
            and Keras model arguments.

    Defaults (Algorithm 1 of the paper): RMSprop(5e-5) for both networks, the Wasserstein loss.

    Example:

    >>> import keras_gans as kg
    >>> wgan = kg.models.WGAN(image_shape=(28, 28, 1))
    >>> wgan.compile()
    >>> wgan.fit(kg.data.load("mnist-5k", batch_size=5 * 64), epochs=1, verbose=0)
    >>> wgan.generate(4, seed=0).shape
    (4, 28, 28, 1)
    """

    metric_names = ("d_loss", "g_loss", "wasserstein_distance")
    default_loss = "wasserstein"
    default_normalization = "batch"
    fixed_options = ("d_steps", "update")  # the D:G ratio is n_critic; the updates alternate

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, generator=None, critic=None, n_critic=5,
                 clip_value=0.01, critic_normalization="default", discriminator=None, **kwargs):
        if critic is not None and discriminator is not None:
            raise ValueError("Pass the critic once: critic= (or its alias discriminator=), not both.")
        critic = critic if critic is not None else discriminator
        if "d_steps" in kwargs:
            raise ValueError(f"{type(self).__name__} sets the D:G ratio with n_critic=, not d_steps=.")
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        n_critic = checks.positive_int(n_critic, "n_critic", fix="The paper uses 5 critic updates per generator update.")
        clip_value = checks.optional(checks.number, clip_value, "clip_value", low=0.0, low_open=True,
                                     expected="positive (0.01 in the paper) or None")
        check_trick_options(kwargs)
        if critic_normalization == "default":
            critic_normalization = self.default_normalization
        if generator is None:
            generator = mnist_nets.wgan_generator(latent_dim, image_shape)
        if critic is None:
            critic = mnist_nets.wgan_critic(image_shape, normalization=critic_normalization)
        super().__init__(generator, critic, latent_dim=latent_dim, d_steps=n_critic, **kwargs)
        self.n_critic = int(n_critic)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.critic_normalization = critic_normalization
        self._image_shape = tuple(int(d) for d in generator.output_shape[1:])

    @property
    def critic(self):
        """The critic network (stored as `discriminator`, the base class's name for it)."""
        return self.discriminator

    def default_optimizers(self):
        return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)

    def clip_critic_weights(self):
        """w ← clip(w, −c, c) for every trainable critic weight (the paper's Lipschitz constraint)."""
        for w in self.critic.trainable_variables:
            w.assign(ops.clip(w, -self.clip_value, self.clip_value))

    def train_step(self, data):
        """Algorithm 1 of Arjovsky et al.: n_critic clipped critic updates, then one generator update."""
        real = self.unpack_images(data)
        # 1. n_critic critic updates, each on its own slice of the real batch.
        for (real_slice,) in self.critic_batches(real):
            m = ops.shape(real_slice)[0]
            fake = self.generator(self.sample_latent(m), training=True)
            with tf.GradientTape() as tape:
                real_scores, fake_scores = self.discriminate(self.d_input(real_slice), self.d_input(fake))
                d_loss = self.gan_loss.discriminator(real_scores, fake_scores)  # E[c(G(z))] − E[c(x)]
            self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
            if self.clip_value is not None:
                self.clip_critic_weights()
        # 2. One generator update: raise the critic's score of fresh fakes, −E[c(G(z))].
        g_loss = self.update_generator(m, real_scores)
        self.update_ema()
        return self.track(d_loss=d_loss, g_loss=g_loss, wasserstein_distance=-d_loss)

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self._image_shape, n_critic=self.n_critic, clip_value=self.clip_value,
                      critic_normalization=self.critic_normalization)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(WGAN):
    """WGAN with gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"; GANs in Action §5.4).

    The critic minimises E[c(G(z))] − E[c(x)] + λ·E[(‖∇ₓ̂ c(x̂)‖₂ − 1)²] at random interpolates
    x̂ = ε·x + (1 − ε)·G(z), ε ~ U[0, 1] once per example (:func:`keras_gans.losses.gradient_penalty`);
    no weight clipping, and no batch norm in the critic (the penalty is per example).

    Args:
        gp_weight: λ (10).
        n_critic: critic updates per generator update (5; see the module docstring for batching).
        critic_normalization: None (default) or `"layer"`; `"batch"` is refused.
        d_batch: as :class:`WGAN`'s, for the real and fake scores of each critic step (two critic calls, or
            one on their concatenation); the gradient penalty's interpolates x̂ always get their own call, as
            the penalty is the gradient at x̂ alone. With a critic without batch norm (the built-in ones here)
            both give the same scores; `"joint"` is one critic call fewer per step.
        Other arguments as :class:`WGAN`.

    Defaults (Algorithm 1 of the paper): Adam(1e-4, β1 = 0, β2 = 0.9) for both networks.

    Example:

    >>> import keras_gans as kg
    >>> ds = kg.data.load("mnist-5k", batch_size=5 * 64)            # 5 critic batches of 64 per step
    >>> gp = kg.models.WGANGP(image_shape=(28, 28, 1), critic_normalization="layer")
    >>> gp.compile()
    >>> logs = gp.fit(ds, epochs=1, verbose=0).history
    >>> sorted(logs)          # the penalty is logged beside the distance estimate
    ['d_loss', 'g_loss', 'gradient_penalty', 'loss', 'wasserstein_distance']
    """

    metric_names = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty")
    default_normalization = None

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, generator=None, critic=None, n_critic=5,
                 gp_weight=10.0, critic_normalization=None, clip_value=None, **kwargs):
        if critic_normalization == "batch":
            raise ValueError("WGAN-GP penalises each example's gradient, which batch norm mixes across the batch: "
                             "use critic_normalization=None or 'layer'.")
        if clip_value is not None:
            raise ValueError("WGAN-GP replaces weight clipping by the gradient penalty; use WGAN for clip_value.")
        gp_weight = checks.non_negative(gp_weight, "gp_weight (λ)", fix="The paper uses 10.")
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, generator=generator, critic=critic,
                         n_critic=n_critic, clip_value=None, critic_normalization=critic_normalization, **kwargs)
        self.gp_weight = float(gp_weight)
        self.gp_seed_generator = keras.random.SeedGenerator(None if self.seed is None else self.seed + 1)

    def default_optimizers(self):
        return (keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def train_step(self, data):
        """Algorithm 1 of Gulrajani et al.: n_critic penalised critic updates, then one generator update."""
        real = self.unpack_images(data)
        # 1. n_critic critic updates, each on its own slice of the real batch.
        for (real_slice,) in self.critic_batches(real):
            m = ops.shape(real_slice)[0]
            fake = self.generator(self.sample_latent(m), training=True)
            real_in, fake_in = self.d_input(real_slice), self.d_input(fake)
            with tf.GradientTape() as tape:
                real_scores, fake_scores = self.discriminate(real_in, fake_in)   # one or two calls, as d_batch says
                w_loss = self.gan_loss.discriminator(real_scores, fake_scores)  # E[c(G(z))] − E[c(x)]
                gp = gradient_penalty(self.critic, real_in, fake_in, seed=self.gp_seed_generator)
                d_loss = w_loss + self.gp_weight * gp
            self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
        # 2. One generator update: raise the critic's score of fresh fakes, −E[c(G(z))].
        g_loss = self.update_generator(m, real_scores)
        self.update_ema()
        return self.track(d_loss=d_loss, g_loss=g_loss, wasserstein_distance=-w_loss, gradient_penalty=gp)

    def get_config(self):
        config = super().get_config()
        config.pop("clip_value", None)
        config["gp_weight"] = self.gp_weight
        return config
