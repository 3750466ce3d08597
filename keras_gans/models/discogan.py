"""DiscoGAN (Kim, Cha, Kim, Lee & Kim, "Learning to Discover Cross-Domain Relations with Generative
Adversarial Networks", ICML 2017).

What it shares with CycleGAN (two generators, two discriminators, translation both ways, export of
both directions) is in :class:`~keras_gans.models.multi_network.TwoWayTranslationGAN`; its networks
are in :mod:`keras_gans.networks.discogan_nets`.
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses.image import l1_loss, mse_loss
from keras_gans.models.multi_network import TwoWayTranslationGAN
from keras_gans.utils import checks

__all__ = ["DiscoGAN", "RECONSTRUCTION_LOSSES"]

#: The reconstruction distances: the paper's mean squared error, or the mean absolute error.
RECONSTRUCTION_LOSSES = {"mse": mse_loss, "l1": l1_loss}


@keras.saving.register_keras_serializable(package="keras_gans")
class DiscoGAN(TwoWayTranslationGAN):
    """Unpaired translation that discovers cross-domain relations (Kim et al. 2017).

    Two generators, `generator_ab` (G_AB: A → B) and `generator_ba` (G_BA: B → A), and two
    discriminators, `discriminator_a` and `discriminator_b`. The generators minimise (paper, eq. 5)

        L_G = L_GAN_B + L_GAN_A + λ · (d(G_BA(G_AB(a)), a) + d(G_AB(G_BA(b)), b))

    with d the mean squared error (`reconstruction="mse"`, the paper's; `"l1"` is offered) and
    λ = 1 (the paper weighs the terms equally); each discriminator tells its domain's real images
    from the other generator's.

    How it differs from :class:`~keras_gans.models.CycleGAN` (Zhu et al. 2017, published the same
    weeks): the reconstruction distance is the MSE rather than L1 with weight 10; there is **no
    identity loss** and no history pool of fakes; the generators are plain **encoder-decoders** (4×4
    stride-2 convolutions down to a small code and back, no residual blocks, no skips) and the
    discriminators judge whole images (one logit each, not PatchGAN grids); the adversarial loss is
    the original GAN's cross-entropy (CycleGAN: least squares). Adam(2e-4, β1 = 0.5) as both papers.

    Args:
        generator_ab, generator_ba, discriminator_a, discriminator_b: networks (built from the
            arguments below when omitted); generators map images to images in [-1, 1] and
            discriminators return one logit per image.
        image_shape: (height, width, channels) of both domains, for the built-in networks (64 px in the paper).
        filters, depth: width and stride-2 steps of the built-in generators (64 and 4 in the paper; at 32 px,
            2 (an 8×8 code) kept the digits where 3 lost them: docs/tutorials/discogan.md).
        discriminator_filters, discriminator_depth: the same for the discriminators (default: the generators').
        lambda_reconstruction: weight λ of both reconstruction terms.
        reconstruction: `"mse"` (paper) or `"l1"`.

    Example (32×32 digits ↔ MNIST-M, offline):

    >>> import keras_gans as kg
    >>> ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=16)
    >>> gan = kg.models.DiscoGAN(image_shape=(32, 32, 3), filters=16, depth=2)
    >>> gan.compile()
    >>> gan.fit(ds, epochs=1, steps_per_epoch=20)
    >>> digits, labels = kg.data.load_arrays("mnist-32", split="test")
    >>> mnistm_like = gan.translate(digits[:8], direction="a2b")        # (8, 32, 32, 3) in [-1, 1]
    """

    metric_names = ("d_loss", "g_loss", "d_a_loss", "d_b_loss", "adv_ab_loss", "adv_ba_loss", "reconstruction_loss",
                    "reconstruction_a_loss", "reconstruction_b_loss")
    default_loss = "non_saturating"

    def __init__(self, generator_ab=None, generator_ba=None, discriminator_a=None, discriminator_b=None,
                 image_shape=(64, 64, 3), filters=64, depth=4, discriminator_filters=None, discriminator_depth=None,
                 lambda_reconstruction=1.0, reconstruction="mse", seed=None, **kwargs):
        from keras_gans import networks

        if reconstruction not in RECONSTRUCTION_LOSSES:
            raise ValueError(f"reconstruction must be one of {tuple(RECONSTRUCTION_LOSSES)}; got {reconstruction!r}.")
        lambda_reconstruction = checks.non_negative(lambda_reconstruction, "lambda_reconstruction",
                                                    fix="The paper weighs it 1.")
        image_shape = checks.image_shape(image_shape)
        filters = checks.positive_int(filters, "filters", fix="The paper uses 64.")
        depth = checks.positive_int(depth, "depth", fix="The paper uses 4 at 64 px.")
        discriminator_filters = checks.optional(checks.positive_int, discriminator_filters, "discriminator_filters")
        discriminator_depth = checks.optional(checks.positive_int, discriminator_depth, "discriminator_depth")
        d_filters, d_depth = discriminator_filters or filters, discriminator_depth or depth

        def build_generator(name):
            return networks.encoder_decoder_generator(image_shape, filters=filters, depth=depth, name=name)

        def build_discriminator(name):
            return networks.discogan_discriminator(image_shape, filters=d_filters, depth=d_depth, name=name)

        super().__init__(generator_ab or build_generator("generator_ab"),
                         generator_ba or build_generator("generator_ba"),
                         discriminator_a or build_discriminator("discriminator_a"),
                         discriminator_b or build_discriminator("discriminator_b"), seed=seed, **kwargs)
        self.image_shape_config = image_shape
        self.filters, self.depth = filters, depth
        self.discriminator_filters, self.discriminator_depth = discriminator_filters, discriminator_depth
        self.lambda_reconstruction = float(lambda_reconstruction)
        self.reconstruction = reconstruction
        self.reconstruction_loss = RECONSTRUCTION_LOSSES[reconstruction]
        self.built = True

    def train_step(self, data):
        """One DiscoGAN iteration (Kim et al. 2017, §3.2, fig. 2c): generators first, then discriminators."""
        real_a, real_b = self.unpack_pair(data)

        # 1. Generators: fool the other domain's discriminator, and come back to the input (A → B → A, B → A → B).
        with tf.GradientTape() as tape:
            fake_b = self.generator_ab(real_a, training=True)
            fake_a = self.generator_ba(real_b, training=True)
            adv_ab = self.gan_loss.generator(self.discriminator_b(fake_b, training=True))
            adv_ba = self.gan_loss.generator(self.discriminator_a(fake_a, training=True))
            rec_a = self.reconstruction_loss(real_a, self.generator_ba(fake_b, training=True))
            rec_b = self.reconstruction_loss(real_b, self.generator_ab(fake_a, training=True))
            g_loss = adv_ab + adv_ba + self.lambda_reconstruction * (rec_a + rec_b)
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)

        # 2. Discriminators: each domain's real images towards "real", the other generator's fakes towards "fake".
        d_loss, d_a_loss, d_b_loss = self.update_discriminators(real_a, ops.stop_gradient(fake_a),
                                                                real_b, ops.stop_gradient(fake_b))
        return self.track(d_loss=d_loss, g_loss=g_loss, d_a_loss=d_a_loss, d_b_loss=d_b_loss, adv_ab_loss=adv_ab,
                          adv_ba_loss=adv_ba, reconstruction_loss=rec_a + rec_b, reconstruction_a_loss=rec_a,
                          reconstruction_b_loss=rec_b)

    def get_config(self):
        return {**self.network_config(), "image_shape": self.image_shape_config,
                **self.options_config("filters", "depth", "discriminator_filters", "discriminator_depth",
                                      "lambda_reconstruction", "reconstruction", "seed")}
