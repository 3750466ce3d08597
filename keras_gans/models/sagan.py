"""Self-attention GAN (Zhang, Goodfellow, Metaxas & Odena, ICML 2019; GANs in Action, chapter 12)."""
import keras
from keras import ops

from keras_gans.models.gan import GAN
from keras_gans.networks import sagan_nets
from keras_gans.training.tricks import TRICK_DEFAULTS, TricksMixin, check_trick_options
from keras_gans.utils import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class SAGAN(TricksMixin, GAN):
    """Self-attention GAN: a DCGAN-like pair with self-attention, spectral norm, the hinge loss and TTUR.

    Zhang et al. (2019), the book's chapter 12. What SAGAN changes are the networks and the defaults;
    its training step is :class:`GAN`'s (Goodfellow et al.'s Algorithm 1 with k = 1) with the training
    tricks' hooks:

    1. D: hinge loss E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))] on a real batch and fresh fakes;
    2. G: new z, loss −E[D(G(z))]; then the EMA generator, if any, follows G.

    - **Self-attention** (:class:`~keras_gans.layers.SelfAttention2D`) at the middle resolution (H/2)
      of both networks; its γ starts at 0, so each network starts local and learns how much non-local
      evidence to use (`attention_gammas()` reads them).
    - **Spectral normalisation** of every layer with weights in G *and* D (Keras'
      `keras.layers.SpectralNormalization`).
    - **Hinge loss** (`compile()` default; `compile(loss=...)` takes any other).
    - **TTUR** (Heusel et al. 2017): D learns 4× faster than G, Adam(4e-4) vs Adam(1e-4), both with
      β1 = 0, β2 = 0.9 — the default optimizers. One D step per G step.

    Training tricks (:mod:`keras_gans.tricks`), all off by default: `ema_decay=β` keeps `ema_generator`, a
    moving average of G's weights (Yazıcı et al. 2019 found it helps SAGAN/BigGAN-like models), which
    `generate()`, `export()` and presets then use; `augment` (DiffAugment) and `instance_noise` on every image
    D sees; `d_steps=k` D steps per G step, each on 1/k of the batch; the label tricks need a BCE loss
    (`compile(loss="non_saturating")`), not the hinge. `update="simultaneous"` takes only `ema_decay`.

    The networks are :func:`~keras_gans.networks.sagan_generator` and
    :func:`~keras_gans.networks.sagan_discriminator`, sized for 28×28 and 32×32 images with small widths
    for CPU training (`width=32`); pass `generator=`/`discriminator=` to use your own.

    Args:
        image_shape: (H, W, C), H and W multiples of 4.
        latent_dim: size of z (SAGAN: 128).
        width: channel width of the built-in networks.
        attention: False removes the attention blocks (the SNGAN-like ablation of the paper's Table 1).
        generator, discriminator: networks replacing the built-in ones.
        **kwargs: `seed`, `dtype_policy`, `update`, `d_batch` and Keras model arguments, as for :class:`GAN`;
            the tricks above (`ema_decay`, `augment`, `d_steps`, ...).

    Example:

    >>> import keras_gans as kg
    >>> gan = kg.models.SAGAN(image_shape=(28, 28, 1))
    >>> gan.compile()                                   # hinge loss, Adam 4e-4 (D) / 1e-4 (G), β = (0, 0.9)
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=1, verbose=0)
    >>> gan.generate(16, seed=0).shape
    (16, 28, 28, 1)
    """

    default_loss = "hinge"

    def __init__(self, image_shape=(28, 28, 1), latent_dim=128, width=32, attention=True, generator=None,
                 discriminator=None, **kwargs):
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim, example=128)
        width = checks.positive_int(width, "width", fix="e.g. 32.")
        check_trick_options(kwargs)
        d_tricks = [k for k, default in TRICK_DEFAULTS.items() if k != "ema_decay" and kwargs.get(k, default) != default]
        if kwargs.get("update") == "simultaneous" and d_tricks:
            raise ValueError(f"update='simultaneous' is GAN's step, which takes ema_decay only of the training tricks; "
                             f"got {', '.join(d_tricks)}. Use update='alternating' (the default) for them.")
        if generator is None:
            generator = sagan_nets.sagan_generator(latent_dim, image_shape, width=width, attention=attention)
        if discriminator is None:
            discriminator = sagan_nets.sagan_discriminator(image_shape, width=width, attention=attention)
        g_out, d_in = tuple(generator.output_shape[1:]), tuple(discriminator.input_shape[1:])
        if g_out != d_in:
            raise ValueError(f"The generator makes images of shape {g_out} but the discriminator takes {d_in}.")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        self.width = width
        self.attention = bool(attention)
        self._image_shape = g_out

    @property
    def image_shape(self):
        return self._image_shape

    def default_optimizers(self):
        """TTUR: D Adam(4e-4), G Adam(1e-4), β1 = 0, β2 = 0.9 (Zhang et al. 2019, §5)."""
        return (keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def train_step(self, data):
        """One SAGAN iteration: hinge D update(s) on real images and fresh fakes, one G update, then the EMA."""
        real = self.unpack_images(data)
        if self.update == "simultaneous":             # GAN's: one batch of fakes serves both updates
            logs = self._simultaneous_step(real, ops.shape(real)[0])
            self.update_ema()
            return logs
        # d_steps hinge D updates on real images and fresh fakes (one D call on both with d_batch="joint"),
        # one G update on new z, then the EMA generator follows G.
        return self.alternating_step(real)

    def attention_gammas(self):
        """`{"sagan_generator/attention": γ, ...}`: the learned weights of the attention blocks (0 at first)."""
        return sagan_nets.attention_gammas(self.generator, self.discriminator)

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self._image_shape, width=self.width, attention=self.attention)
        return config
