"""Deep convolutional GAN (Radford, Metz & Chintala, ICLR 2016; GANs in Action, chapter 4), plain
and with the training tricks of chapter 5 (:class:`DCGANWithTricks`)."""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.gan import GAN
from keras_gans.networks import dcgan_nets
from keras_gans.training.tricks import TricksMixin, check_simultaneous
from keras_gans.utils import checks

ARCHITECTURES = ("book", "radford")


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford et al., 2016; GANs in Action, ch. 4).

    The training algorithm is the one of :class:`GAN` (`GAN.train_step`): per batch, sample z,
    update D on real and fresh fake images, then update G through D on new fakes, and report
    `d_loss`, `g_loss` and D's accuracy on real and fake images. What DCGAN adds are the
    convolutional networks:

    - `architecture="book"` (default for 28×28): the chapter 4 networks — a 7×7×256 projection,
      two transposed convolutions with batch norm and LeakyReLU(0.01), tanh output; a 3-conv
      discriminator (32/64/128 filters, stride 2), whose flatten size is computed, not hard-coded
      (the book's 3×3×128 is 4×4×128 in Keras).
    - `architecture="radford"` (default for 32/64/128 px): the paper's layout with 5×5 kernels,
      BN everywhere but G's output and D's input, ReLU in G and LeakyReLU(0.2) in D.
    - or any networks of your own: `DCGAN(generator=g, discriminator=d)` (keras-io compatible).

    Args:
        image_shape: (height, width, channels) of the images.
        latent_dim: size of z.
        generator, discriminator: optional networks replacing the built-in ones.
        architecture: `"book"` or `"radford"`; chosen from `image_shape` when omitted.
        discriminator_dropout: dropout after each book discriminator block (0 = the book).
        **kwargs: `seed`, `update` and Keras model arguments, as for :class:`GAN`.

    Default optimizers: Adam(2e-4, β1 = 0.5) for both networks (Radford et al.; the book's
    `Adam()` defaults train too, more erratically). Loss: non-saturating BCE on logits.

    Example:

    >>> import keras_gans as kg
    >>> gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=100)
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=1)
    >>> gan.generate(16, seed=0).shape
    (16, 28, 28, 1)
    """

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, generator=None, discriminator=None,
                 architecture=None, discriminator_dropout=0.0, **kwargs):
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        discriminator_dropout = checks.rate(discriminator_dropout, "discriminator_dropout")
        if architecture is None:
            architecture = "book" if image_shape[0] % 4 == 0 and image_shape[0] <= 28 else "radford"
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}; got {architecture!r}.")
        if generator is None:
            build = dcgan_nets.book_dcgan_generator if architecture == "book" else dcgan_nets.radford_generator
            generator = build(latent_dim=latent_dim, image_shape=image_shape)
        if discriminator is None:
            if architecture == "book":
                discriminator = dcgan_nets.book_dcgan_discriminator(image_shape, dropout=discriminator_dropout)
            else:
                discriminator = dcgan_nets.radford_discriminator(image_shape)
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        self.architecture = architecture
        self.discriminator_dropout = discriminator_dropout
        g_out = tuple(generator.output_shape[1:])
        d_in = tuple(discriminator.input_shape[1:])
        if g_out != d_in:
            raise ValueError(f"The generator makes images of shape {g_out} but the discriminator takes {d_in}.")
        if g_out != image_shape:
            image_shape = g_out  # user networks define the image shape
        self._image_shape = image_shape

    def default_optimizers(self):
        return (keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self._image_shape, architecture=self.architecture,
                      discriminator_dropout=self.discriminator_dropout)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGANWithTricks(TricksMixin, DCGAN):
    """:class:`DCGAN` with the training tricks of :mod:`keras_gans.tricks`.

    The algorithm is DCGAN's (GANs in Action ch. 4 and §5.5), with `d_steps` D updates per G
    update, D's targets and inputs passed through the label, instance-noise and DiffAugment
    tricks, and the EMA generator updated after each G step. `update="simultaneous"` (with
    `d_steps=1`) takes both updates on one batch of fakes, as :class:`GAN` does.

    >>> import keras_gans as kg
    >>> gan = kg.tricks.DCGANWithTricks(label_smoothing=0.1, d_steps=2)
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=128), epochs=1, verbose=0)   # 2 D steps of 64
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_simultaneous(self.update, self.d_steps)

    def train_step(self, data):
        real = self.unpack_images(data)
        if self.update == "simultaneous":
            return self.simultaneous_step(real)
        return self.alternating_step(real)  # d_steps D updates with the tricks, a G update, the EMA

    def simultaneous_step(self, real):
        """`update="simultaneous"`: one batch of fakes and one pass through D give both losses; both
        networks step on them, then the EMA generator follows."""
        m = ops.shape(real)[0]
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(self.sample_latent(m), training=True)
            real_logits = self.discriminator(self.d_input(real), training=True)
            fake_logits = self.discriminator(self.d_input(fake), training=True)
            d_loss = self.discriminator_loss(real_logits, fake_logits)
            g_loss = self.gan_loss.generator(fake_logits, real_logits)
        self.apply_update(self.d_optimizer, d_tape, d_loss, self.d_weights)
        self.apply_update(self.g_optimizer, g_tape, g_loss, self.g_weights)
        self.update_ema()
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)
