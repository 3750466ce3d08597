"""pix2pix (Isola, Zhu, Zhou & Efros, CVPR 2017): paired image-to-image translation with a conditional GAN."""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.models.cyclegan import (
    MultiNetworkGAN,
    _check_links,
    as_model_images,
    export_image_to_image,
    run_network,
)
from keras_gans.tricks import ema_update


def l1_loss(target, output):
    """Mean absolute error between the target and the generated image (pix2pix's reconstruction term)."""
    return ops.mean(ops.abs(ops.cast(target, "float32") - ops.cast(output, "float32")))


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
            statistics included), updated after every generator step: w̄ ← β·w̄ + (1 − β)·w. When set,
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

        if lambda_l1 < 0:
            raise ValueError(f"lambda_l1 must be ≥ 0; got {lambda_l1}.")
        if ema_decay is not None and not 0.0 < float(ema_decay) < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1) (e.g. 0.995) or None; got {ema_decay!r}.")
        image_shape = tuple(int(d) for d in image_shape)
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
        _check_links([("generator input", (None,) + in_shape, "discriminator condition", d_inputs[0]),
                      ("generator output", (None,) + out_shape, "discriminator image", d_inputs[1])])
        super().__init__(generator, discriminator, latent_dim=in_shape[-1], seed=seed, **kwargs)
        self.shape_a, self.shape_b = in_shape, out_shape
        self.image_shape_config = image_shape
        self.output_channels = output_channels
        self.filters, self.discriminator_filters = int(filters), int(discriminator_filters)
        self.discriminator_downsampling = int(discriminator_downsampling)
        self.lambda_l1 = float(lambda_l1)
        self.dropout = float(dropout)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.ema_generator = None
        if self.ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.built = True

    @property
    def image_shape(self):
        return self.shape_a

    @property
    def sampling_generator(self):
        """The network `translate`, `export` and zoo presets use: the EMA generator when there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

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
        if self.ema_generator is not None:
            ema_update(self.ema_generator.weights, self.generator.weights, self.ema_decay)
        return self.track(d_loss=d_loss, g_loss=g_loss, adv_loss=adv, l1_loss=l1)

    def call(self, images, training=False):
        return self.sampling_generator(images, training=training)

    def fit(self, x=None, y=None, *args, **kwargs):
        self.check_pair_data(x, self.shape_a, self.shape_b)
        return keras.Model.fit(self, x, y, *args, **kwargs)

    def translate(self, images, batch_size=64, output="float"):
        """G(x) for uint8 or [-1, 1] float images x of the trained shape (one image or a batch)."""
        batch, single = as_model_images(images, self.shape_a, "input images")
        from keras_gans.utils.images import check_output, format_output

        check_output(output)
        out = format_output(run_network(self.sampling_generator, batch, batch_size), output)
        return out[0] if single else out

    def generate(self, n=16, seed=None, output="float", **kwargs):
        """Translations of the first `n` preview inputs (see :meth:`set_preview`); `seed` is unused."""
        a, _ = self._preview(n)
        return self.translate(a, output=output)

    def preview_rows(self, images_a, images_b):
        """Rows for a sample grid: inputs, outputs, targets."""
        a, _ = as_model_images(images_a, self.shape_a)
        b, _ = as_model_images(images_b, self.shape_b)
        return [a, run_network(self.sampling_generator, a), b]

    def serving_inputs(self):
        return [tf.TensorSpec((None,) + self.shape_a, tf.float32, name="images")]

    def export(self, filepath, format="tf_saved_model", verbose=True, **kwargs):
        """SavedModel with `serve`: `images` float32 (batch, H, W, C) in [-1, 1] → `{"images"}` in [-1, 1]."""
        if format != "tf_saved_model":
            raise ValueError(f"Only format='tf_saved_model' is supported; got {format!r}.")
        return export_image_to_image(self, {"serve": self.sampling_generator}, filepath, verbose)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "image_shape": self.image_shape_config,
            "output_channels": self.output_channels,
            "filters": self.filters,
            "discriminator_filters": self.discriminator_filters,
            "discriminator_downsampling": self.discriminator_downsampling,
            "lambda_l1": self.lambda_l1,
            "dropout": self.dropout,
            "ema_decay": self.ema_decay,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
