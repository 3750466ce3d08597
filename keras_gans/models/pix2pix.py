"""pix2pix (Isola, Zhu, Zhou & Efros, CVPR 2017): paired image-to-image translation with a conditional GAN."""
import keras
import tensorflow as tf

from keras_gans.export import check_format, export_image_to_image
from keras_gans.losses.image import l1_loss
from keras_gans.models.multi_network import MultiNetworkGAN, as_model_images, check_links, run_network
from keras_gans.training.ema import check_decay, ema_copy, ema_counter, ema_follow
from keras_gans.utils import checks

__all__ = ["Pix2Pix", "MNISTM_LAMBDA_L1", "l1_loss"]


#: λ for digits → MNIST-M (used by `keras-gans train pix2pix` on `mnist2mnistm-*`). An MNIST-M background
#: is a random photo crop, unpredictable from the digit, so the L1-optimal output is the *mean*
#: background — a muddy grey on which the (colour-inverted) strokes lose their contrast. With the paper's
#: λ = 100 the L1 term dominates and the generator stays there (800 steps of batch 32: the shipped
#: MNIST-M classifier reads 27 % of the translated test digits correctly, FID-MNIST-M 55); with λ = 10
#: the adversarial term makes it paint plausible textured backgrounds (63 %, FID-MNIST-M 35); λ = 1
#: gave 58 %, FID 45. Measured with ``kg.metrics.evaluate_translation``.
MNISTM_LAMBDA_L1 = 10.0


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(MultiNetworkGAN):
    """Conditional GAN for *paired* translation x → y (Isola et al. 2017; lecture slides §6).

    The generator is a U-Net that sees the input image x (dropout is its only noise source: no z);
    the discriminator is a PatchGAN that judges (x, y) pairs — the input with either the real
    target or the generator's output. The generator minimises

        L = L_adv(G, D) + λ · ‖y − G(x)‖₁        (λ = 100 in the paper)

    and the discriminator the usual cGAN loss on real pairs (x, y) and fake pairs (x, G(x)).
    Defaults (paper): non-saturating BCE, Adam(2e-4, β1 = 0.5), batch-norm U-Net with dropout 0.5 in
    its first three decoder blocks, 70×70-style PatchGAN.

    Args:
        generator, discriminator: networks (the discriminator takes `[input, output]`); built from
            the arguments below when omitted.
        image_shape: (height, width, channels) of the input images.
        output_channels: channels of the output (default: the input's).
        filters, discriminator_filters, discriminator_downsampling: widths and depth of the built-in networks.
        lambda_l1: weight λ of the L1 term.
        dropout: decoder dropout rate of the built-in U-Net.
        ema_decay: decay β of an exponential moving average of the generator's weights (batch-norm
            statistics included), updated after every generator step: w̄ ← β·w̄ + (1 − β)·w, β warmed up as
            min(β, (1 + n) / (10 + n)) at the n-th step (:mod:`keras_gans.training.ema`). When set,
            `translate`, `generate`, the preview rows, `export` and zoo presets use the averaged
            generator (`ema_generator`); None (default) keeps the plain generator.

    Example (digits → MNIST-M, paired, offline):

    >>> import keras_gans as kg
    >>> ds = kg.data.load_pair("mnist2mnistm-paired", batch_size=16)
    >>> p2p = kg.models.Pix2Pix(image_shape=(32, 32, 3), filters=16, discriminator_filters=16,
    ...                         discriminator_downsampling=2)
    >>> p2p.compile()
    >>> p2p.fit(ds, epochs=1, steps_per_epoch=20)
    >>> digits, labels = kg.data.load_arrays("mnist-32", split="test")
    >>> out = p2p.translate(digits[:8])                # (8, 32, 32, 3) in [-1, 1]
    """

    metric_names = ("d_loss", "g_loss", "adv_loss", "l1_loss")
    default_loss = "non_saturating"

    def __init__(self, generator=None, discriminator=None, image_shape=(256, 256, 3), output_channels=None,
                 filters=64, discriminator_filters=64, discriminator_downsampling=3, lambda_l1=100.0, dropout=0.5,
                 ema_decay=None, seed=None, **kwargs):
        from keras_gans import networks

        lambda_l1 = checks.non_negative(lambda_l1, "lambda_l1", fix="The paper uses 100.")
        check_decay(ema_decay, "ema_decay", 0.995)
        image_shape = checks.image_shape(image_shape)
        output_channels = checks.optional(checks.positive_int, output_channels, "output_channels",
                                          fix="Or None for the input's channels.")
        filters, discriminator_filters = (checks.positive_int(filters, "filters", fix="The paper uses 64."),
                                          checks.positive_int(discriminator_filters, "discriminator_filters"))
        discriminator_downsampling = checks.positive_int(discriminator_downsampling, "discriminator_downsampling")
        dropout = checks.rate(dropout, "dropout", fix="The paper uses 0.5 (G's only noise).")
        out_c = int(output_channels or image_shape[-1])
        generator = generator or networks.pix2pix_generator(image_shape, filters=filters, output_channels=out_c,
                                                                 dropout=dropout, name="generator")
        in_shape = tuple(int(d) for d in generator.input_shape[1:])
        out_shape = tuple(int(d) for d in generator.output_shape[1:])
        discriminator = discriminator or networks.patchgan_discriminator(
            out_shape, filters=discriminator_filters, num_downsampling=discriminator_downsampling, norm="batch",
            condition_channels=in_shape[-1], name="discriminator")
        d_inputs = discriminator.input_shape
        if not isinstance(d_inputs, list) or len(d_inputs) != 2:
            raise ValueError(
                "The pix2pix discriminator must take two inputs [input_image, output_image]; build it with "
                "keras_gans.networks.patchgan_discriminator(..., condition_channels=C)."
            )
        check_links([("generator input", (None,) + in_shape, "discriminator condition", d_inputs[0]),
                     ("generator output", (None,) + out_shape, "discriminator image", d_inputs[1])])
        super().__init__(generator, discriminator, seed=seed, **kwargs)  # no latent space: latent_dim None
        self.shape_a, self.shape_b = in_shape, out_shape
        self.image_shape_config = image_shape
        self.output_channels = output_channels
        self.filters, self.discriminator_filters = int(filters), int(discriminator_filters)
        self.discriminator_downsampling = int(discriminator_downsampling)
        self.lambda_l1 = float(lambda_l1)
        self.dropout = float(dropout)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        #: The moving average of the generator's weights (None without `ema_decay`); it is the
        #: :attr:`sampling_generator` that `translate`, `export` and zoo presets use.
        self.ema_generator = None if self.ema_decay is None else ema_copy(generator)
        #: EMA updates made so far (saved with the weights; the warm-up of the decay).
        self.ema_updates = None if self.ema_decay is None else ema_counter()
        self.built = True

    def train_step(self, data):
        """One pix2pix iteration: D and G updated from the same forward pass (as in the paper's code)."""
        source, target = self.unpack_pair(data)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(source, training=True)              # dropout = the noise
            real_logits = self.discriminator([source, target], training=True)
            fake_logits = self.discriminator([source, fake], training=True)
            # Discriminator: (x, y) is real, (x, G(x)) is fake.
            d_loss = self.gan_loss.discriminator(real_logits, fake_logits)
            # Generator: fool D on (x, G(x)) and stay close to y in L1.
            adv = self.gan_loss.generator(fake_logits, real_logits)
            l1 = l1_loss(target, fake)
            g_loss = adv + self.lambda_l1 * l1
        self.apply_update(self.d_optimizer, d_tape, d_loss, self.d_weights)
        self.apply_update(self.g_optimizer, g_tape, g_loss, self.g_weights)
        if self.ema_generator is not None:  # after G's step
            ema_follow(self.ema_generator.weights, self.generator.weights, self.ema_decay, self.ema_updates,
                       self.g_optimizer)
        return self.track(d_loss=d_loss, g_loss=g_loss, adv_loss=adv, l1_loss=l1)

    def call(self, images, training=False):
        return self.sampling_generator(images, training=training)

    def translate(self, images, batch_size=64, output="float"):
        """G(x) for uint8 or [-1, 1] float images x of the trained shape (one image or a batch)."""
        return self.translate_with(self.sampling_generator, images, self.shape_a, "input images", batch_size, output)

    def preview_rows(self, images_a, images_b):
        """Rows for a sample grid: inputs, outputs, targets."""
        a, _ = as_model_images(images_a, self.shape_a)
        b, _ = as_model_images(images_b, self.shape_b)
        return [a, run_network(self.sampling_generator, a, 64), b]

    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """SavedModel with `serve`: `images` float32 (batch, H, W, C) in [-1, 1] → `{"images"}` in [-1, 1]."""
        check_format(format)
        return export_image_to_image(self, {"serve": self.sampling_generator}, filepath, verbose, overwrite=overwrite)

    def get_config(self):
        return {**self.network_config(), "image_shape": self.image_shape_config,
                **self.options_config("output_channels", "filters", "discriminator_filters",
                                      "discriminator_downsampling", "lambda_l1", "dropout", "ema_decay", "seed")}
