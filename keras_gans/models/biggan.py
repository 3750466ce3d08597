"""BigGAN, small (Brock, Donahue & Simonyan, ICLR 2019; GANs in Action, chapter 12)."""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.cgan import CGAN
from keras_gans.networks import biggan_nets, sagan_nets
from keras_gans.utils import checks
from keras_gans.utils.random import truncated_normal


@keras.saving.register_keras_serializable(package="keras_gans")
class BigGAN(CGAN):
    """BigGAN (small): a class-conditional SAGAN with a shared embedding, hierarchical z and a projection D.

    Brock et al. (2019), the book's chapter 12, at MNIST scale. Per training step (hinge loss):

    1. D on real pairs (x, y) and fakes (G(z, y), y) with the same labels:
       E[max(0, 1 − D(x, y))] + E[max(0, 1 + D(G(z, y), y))];
    2. G on new z and uniformly random labels y': −E[D(G(z, y'), y')] + β Σ_W ‖WᵀW ⊙ (1 − I)‖²_F,
       the orthogonal regularisation of G's weights.

    With `update="simultaneous"` (and `d_steps=1`), :meth:`CGAN.simultaneous_step`: one G(z, y) with the real
    batch's labels and one pass of D give the hinge D loss and the regularised G loss, and both networks step.

    The pieces (in :mod:`keras_gans.networks.biggan_nets` and :mod:`keras_gans.layers`):

    - **shared class embedding + hierarchical z**: z is split into 3 chunks; the first feeds G's
      input layer, each of the 2 residual blocks gets [embedding(y), its chunk] as the conditioning
      vector of its :class:`~keras_gans.layers.ConditionalBatchNormalization` layers;
    - **projection discriminator** (:class:`~keras_gans.layers.ProjectionHead`): D(x, y) = ψ(φ(x)) +
      ⟨embed(y), φ(x)⟩ on residual down blocks with a global sum pool;
    - **spectral normalisation** in G and D, **self-attention** at H/2 in both (SAGAN's);
    - **orthogonal regularisation** (:class:`~keras_gans.layers.BigGANOrthogonalRegularizer`, β =
      `orthogonal_reg`) on G's input layer and convolutions, added to G's loss as G's regularisation
      losses (`generator.losses`). Keras' spectral normalisation stores W/σ̂ in the kernel, so the
      penalty applies to the normalised kernels;
    - **truncation trick** in :meth:`generate` (`truncation=`): components of z with |z_i| above the
      threshold are *resampled* (not clipped), as in the paper;
    - default optimizers: SAGAN's TTUR, Adam(4e-4) for D and Adam(1e-4) for G, β1 = 0, β2 = 0.9, for one D
      step per G step (the paper's ImageNet runs took D 2e-4, G 5e-5, β2 = 0.999 with two D steps).

    Not taken from the paper at this scale: two D steps per G step (pass `d_steps=2` and twice the batch)
    and the EMA of G's weights (pass `ema_decay=0.999`: samples and exports then use it); both come from
    the training tricks (:mod:`keras_gans.tricks`), which BigGAN accepts as CGAN does. The label
    handling (validation, `generate(labels=...)`, the `(z, labels)` export) is :class:`CGAN`'s.

    Data: `(images, labels)` batches with int labels in [0, num_classes), e.g.
    `kg.data.load("mnist-5k", batch_size=64, with_labels=True)`.

    Args:
        image_shape: (H, W, C), H and W multiples of 4.
        latent_dim: size of z (split into 3 chunks; 120 by default, 40 per chunk).
        num_classes: number of classes.
        width, embedding_dim, attention: of the built-in networks (see
            :func:`~keras_gans.networks.biggan_generator`).
        orthogonal_reg: β of the orthogonal regulariser (BigGAN: 1e-4; 0 turns it off).
        generator, discriminator: networks replacing the built-in ones, taking `[z, labels]` and
            `[images, labels]`. G's own `losses` (weight regularisers) are added to G's loss.
        **kwargs: `seed`, `dtype_policy`, `update`, `d_batch` (`"separate"`, the default, or `"joint"`: D's step
            judges the real and the fake pairs in one call, so its spectral norms take one power iteration per
            D step instead of two), the tricks (`ema_decay`, `d_steps`, ...) and Keras model arguments.

    Example:

    >>> import numpy as np
    >>> import keras_gans as kg
    >>> gan = kg.models.BigGAN(num_classes=10)
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=64, with_labels=True), epochs=1, verbose=0)
    >>> sevens = gan.generate(8, seed=0, labels=7, truncation=0.5)     # eight 7s, z resampled into [-0.5, 0.5]
    >>> sevens.shape
    (8, 28, 28, 1)
    """

    default_loss = "hinge"
    #: CGAN options BigGAN does not take (its conditioning is its own; its D is not matching-aware).
    fixed_options = ("conditioning", "discriminator_dropout", "matching_aware")

    def __init__(self, image_shape=(28, 28, 1), latent_dim=120, num_classes=10, width=32, embedding_dim=32,
                 attention=True, orthogonal_reg=1e-4, generator=None, discriminator=None, **kwargs):
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim, example=120)
        num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
        width = checks.positive_int(width, "width", fix="e.g. 32.")
        embedding_dim = checks.positive_int(embedding_dim, "embedding_dim", fix="e.g. 32.")
        orthogonal_reg = checks.non_negative(orthogonal_reg, "orthogonal_reg", fix="BigGAN uses 1e-4; 0 turns it off.")
        if generator is None:
            generator = biggan_nets.biggan_generator(latent_dim, num_classes, image_shape, width=width,
                                                     embedding_dim=embedding_dim, attention=attention,
                                                     orthogonal_reg=orthogonal_reg)
        if discriminator is None:
            discriminator = biggan_nets.biggan_discriminator(image_shape, num_classes, width=width, attention=attention)
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, num_classes=num_classes, generator=generator,
                         discriminator=discriminator, matching_aware=False, **kwargs)
        self.width, self.embedding_dim = width, embedding_dim
        self.attention, self.orthogonal_reg = bool(attention), float(orthogonal_reg)

    def default_optimizers(self):
        """SAGAN's TTUR, which BigGAN builds on: D Adam(4e-4), G Adam(1e-4), β1 = 0, β2 = 0.9."""
        return (keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def orthogonal_penalty(self):
        """G's weight-regularisation losses: β Σ_W ‖WᵀW ⊙ (1 − I)‖²_F on the built-in generator."""
        return sum((ops.cast(loss, "float32") for loss in self.generator.losses), ops.zeros((), "float32"))

    def generator_loss(self, fake_logits, real_logits):
        """The adversarial loss plus :meth:`orthogonal_penalty` (in both update rules)."""
        return self.gan_loss.generator(fake_logits, real_logits) + self.orthogonal_penalty()

    def train_step(self, data):
        """One BigGAN iteration: hinge D step(s) on matching real and fake pairs, then the regularised G step.

        With `update="simultaneous"`, CGAN's :meth:`~CGAN.simultaneous_step` (with :meth:`generator_loss`)."""
        real, labels = data
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        if self.update == "simultaneous":
            return self.simultaneous_step(real, labels)
        # 1. Discriminator (d_steps updates, 1 by default, each on its slice of the batch).
        for real_slice, label_slice in self.critic_batches(real, labels):
            m = ops.shape(real_slice)[0]
            fake = self.generator([self.sample_latent(m), label_slice], training=True)
            with tf.GradientTape() as tape:   # one D call on both pairs with d_batch="joint"
                real_logits, fake_logits = self.discriminate([self.d_input(real_slice), label_slice],
                                                             [self.d_input(fake), label_slice])
                d_loss = self.discriminator_loss(real_logits, fake_logits)
            self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
        # 2. Generator on new z and random classes, plus the orthogonal regularisation of its weights.
        g_labels = self.sample_labels(m)
        with tf.GradientTape() as tape:
            fake = self.generator([self.sample_latent(m), g_labels], training=True)
            g_loss = self.generator_loss(self.discriminator([self.d_input(fake), g_labels], training=True),
                                         ops.stop_gradient(real_logits))  # adversarial + orthogonal penalty
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        self.update_ema()
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)

    # ------------------------------------------------------------------ sampling
    def generate(self, n=None, seed=None, z=None, labels=None, truncation=None, batch_size=256, output="float"):
        """Generates images of the given classes, optionally with the truncation trick.

        Args:
            n, seed, z, labels, batch_size, output: as :meth:`CGAN.generate`.
            truncation: None (z ~ N(0, I)) or a threshold t > 0: every component of z with |z_i| > t is
                resampled until it lies in [−t, t] (Brock et al.'s truncation trick; smaller t trades
                variety for fidelity). With the same seed, the components already inside are the same.

        Raises:
            ValueError: as :meth:`CGAN.generate`; a threshold that is not a positive number; `z` and
                `truncation` together.
        """
        if truncation is not None:
            if z is not None:
                raise ValueError("Pass either z or truncation=: truncation draws z itself. To truncate your own z, "
                                 "resample or clip it before passing it (kg.latent.truncated_latent draws one).")
            if n is None:
                n = np.size(labels) if labels is not None and np.ndim(labels) else 16
            z = truncated_normal(n, self.latent_dim, truncation, seed)
        return super().generate(n, seed=seed, z=z, labels=labels, batch_size=batch_size, output=output)

    def attention_gammas(self):
        """`{"biggan_generator/attention": γ, ...}`: the learned weights of the attention blocks (0 at first)."""
        return sagan_nets.attention_gammas(self.generator, self.discriminator)

    def get_config(self):
        config = super().get_config()
        for key in self.fixed_options:              # CGAN's get_config adds its conditioning options back
            config.pop(key, None)
        config.update(width=self.width, embedding_dim=self.embedding_dim, attention=self.attention,
                      orthogonal_reg=self.orthogonal_reg)
        return config
