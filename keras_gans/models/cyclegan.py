"""CycleGAN (Zhu, Park, Isola & Efros, ICCV 2017; GANs in Action, chapter 9).

The shared image-to-image plumbing is in :mod:`keras_gans.models.multi_network`, the L1 losses in
:mod:`keras_gans.losses.image`, the history pool in :mod:`keras_gans.layers.history_pool` and the
paper's learning-rate schedule in :mod:`keras_gans.training.schedules` (all still importable here).
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.layers.history_pool import ImageHistoryPool
from keras_gans.losses.image import cycle_consistency_loss, identity_loss
from keras_gans.models.multi_network import TwoWayTranslationGAN
from keras_gans.training.schedules import LinearDecay
from keras_gans.utils import checks

__all__ = ["CycleGAN", "ImageHistoryPool", "LinearDecay", "cycle_consistency_loss", "identity_loss"]

GENERATORS = ("resnet", "unet")


# ---------------------------------------------------------------------------- CycleGAN
@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(TwoWayTranslationGAN):
    """Unpaired image-to-image translation with cycle consistency (Zhu et al. 2017; GANs in Action, ch. 9).

    Two generators, `generator_ab` (G: A → B) and `generator_ba` (F: B → A), and two
    discriminators, `discriminator_a` (real A vs F(b)) and `discriminator_b` (real B vs G(a)).
    The generators minimise

        L = L_adv(G, D_B) + L_adv(F, D_A) + λ_cyc · (‖F(G(a)) − a‖₁ + ‖G(F(b)) − b‖₁)
                                           + λ_id · (‖F(a) − a‖₁ + ‖G(b) − b‖₁)

    (‖·‖₁ as a mean over pixels); the discriminators see real images and fakes drawn from a
    history pool of 50 earlier fakes per domain.

    Defaults follow the paper: least-squares adversarial loss (`compile(loss=...)` changes it),
    Adam(2e-4, β1 = 0.5), λ_cyc = 10, λ_id = 0.5·λ_cyc = 5, a pool of 50. The book's choices:
    `generator="unet"`, `lambda_identity=9.0` (0.9·λ_cyc), `pool_size=0`, PatchGAN with
    `num_downsampling=4, stride1_block=False`. Note that :mod:`keras_gans.losses`' least-squares
    generator loss carries a factor ½, so the adversarial term weighs half of the paper's against
    the same λs.

    Args:
        generator_ab, generator_ba, discriminator_a, discriminator_b: networks (built from the
            arguments below when omitted). Generators map images to images in [-1, 1]; discriminators
            return raw scores (a PatchGAN grid or one per image).
        image_shape: (height, width, channels) of both domains, for the built-in networks.
        generator: `"resnet"` (paper: :func:`keras_gans.networks.resnet_generator`) or `"unet"`
            (book: :func:`keras_gans.networks.unet_generator`).
        filters: generator width (64 in the paper, 32 in the book); `num_residual_blocks`: 9 or 6 in
            the paper; `discriminator_filters`, `discriminator_downsampling`: PatchGAN width and depth.
        lambda_cycle: weight λ_cyc of the cycle-consistency loss (of both round trips, unless
            `lambda_cycle_b` is given).
        lambda_cycle_b: weight of the B → A → B round trip ‖G(F(b)) − b‖₁ alone (default: `lambda_cycle`;
            the official code's `lambda_A` / `lambda_B` split). When B carries detail that A cannot
            hold (a photo behind a digit), that round trip can only be kept by hiding the detail in
            F(b); a smaller weight lets F draw a clean A image, which then learns from F(G(a)) ≈ a.
        lambda_identity: weight λ_id of the identity loss (absolute, not a fraction of λ_cyc); 0 skips it.
        pool_size: history pool size; 0 disables the pool.
        cycle_noise: standard deviation of Gaussian noise added to each translation before it is
            translated back in the cycle-consistency terms (training only; 0, the paper's choice, adds
            none). CycleGAN can satisfy the cycle loss by hiding what it needs to reconstruct the
            input in low-amplitude patterns of the translation ("a master of steganography", Chu,
            Zhmoginov & Sandler 2017), e.g. keep the original digit hidden under a different visible
            one; noise well above such patterns but well below the visible contrast makes the round
            trip rely on what the translation visibly shows.
        seed: seed of the pools' and the cycle noise's random choices.

    Example (32×32 digits ↔ MNIST-M, offline):

    >>> import keras_gans as kg
    >>> ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=16)
    >>> gan = kg.models.CycleGAN(image_shape=(32, 32, 3), filters=16, num_residual_blocks=3,
    ...                          discriminator_filters=16, discriminator_downsampling=2)
    >>> gan.compile()
    >>> gan.fit(ds, epochs=1, steps_per_epoch=20)
    >>> digits, labels = kg.data.load_arrays("mnist-32", split="test")   # uint8 (500, 32, 32, 3)
    >>> mnistm_like = gan.translate(digits[:8], direction="a2b")        # (8, 32, 32, 3) in [-1, 1]
    """

    metric_names = ("d_loss", "g_loss", "d_a_loss", "d_b_loss", "adv_ab_loss", "adv_ba_loss", "cycle_loss",
                    "cycle_a_loss", "cycle_b_loss", "identity_loss")
    def __init__(self, generator_ab=None, generator_ba=None, discriminator_a=None, discriminator_b=None,
                 image_shape=(256, 256, 3), generator="resnet", filters=64, num_residual_blocks=9,
                 discriminator_filters=64, discriminator_downsampling=3, lambda_cycle=10.0, lambda_identity=5.0,
                 pool_size=50, cycle_noise=0.0, lambda_cycle_b=None, seed=None, **kwargs):
        from keras_gans import networks

        if generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}; got {generator!r}.")
        lambda_cycle = checks.non_negative(lambda_cycle, "lambda_cycle", fix="The paper uses 10.")
        lambda_cycle_b = checks.optional(checks.non_negative, lambda_cycle_b, "lambda_cycle_b",
                                         fix="Or None for lambda_cycle.")
        lambda_identity = checks.non_negative(lambda_identity, "lambda_identity", fix="The paper uses 5 (0 = off).")
        cycle_noise = checks.non_negative(cycle_noise, "cycle_noise", fix="It is a standard deviation; 0 adds none.")
        pool_size = checks.non_negative_int(pool_size, "pool_size", fix="The paper uses 50 (0 = no pool).")
        image_shape = checks.image_shape(image_shape)
        filters, discriminator_filters = (checks.positive_int(filters, "filters", fix="The paper uses 64."),
                                          checks.positive_int(discriminator_filters, "discriminator_filters"))
        num_residual_blocks = checks.non_negative_int(num_residual_blocks, "num_residual_blocks",
                                                      fix="The paper uses 9 at 256 px and 6 at 128 px.")
        discriminator_downsampling = checks.positive_int(discriminator_downsampling, "discriminator_downsampling")

        def build_generator(name):
            if generator == "resnet":
                return networks.resnet_generator(image_shape, filters=filters,
                                                 num_residual_blocks=num_residual_blocks, name=name)
            return networks.unet_generator(image_shape, filters=filters, name=name)

        def build_discriminator(name):
            return networks.patchgan_discriminator(image_shape, filters=discriminator_filters,
                                                   num_downsampling=discriminator_downsampling, name=name)

        generator_ab = generator_ab or build_generator("generator_ab")
        generator_ba = generator_ba or build_generator("generator_ba")
        discriminator_a = discriminator_a or build_discriminator("discriminator_a")
        discriminator_b = discriminator_b or build_discriminator("discriminator_b")
        super().__init__(generator_ab, generator_ba, discriminator_a, discriminator_b, seed=seed, **kwargs)
        self.image_shape_config = image_shape
        self.generator_kind = generator
        self.filters, self.num_residual_blocks = int(filters), int(num_residual_blocks)
        self.discriminator_filters, self.discriminator_downsampling = int(discriminator_filters), int(discriminator_downsampling)
        self.lambda_cycle = float(lambda_cycle)
        self.lambda_cycle_b = None if lambda_cycle_b is None else float(lambda_cycle_b)
        self.lambda_identity = float(lambda_identity)
        if lambda_identity and self.shape_a != self.shape_b:
            raise ValueError(
                f"The identity loss feeds B images to generator_ab and A images to generator_ba, so both domains need "
                f"one shape; got {self.shape_a} and {self.shape_b}. Pass lambda_identity=0."
            )
        self.pool_size = int(pool_size)
        self.pool_a = ImageHistoryPool(pool_size, seed=seed, name="pool_a")
        self.pool_b = ImageHistoryPool(pool_size, seed=None if seed is None else seed + 1, name="pool_b")
        self.pool_a.build((None,) + self.shape_a)
        self.pool_b.build((None,) + self.shape_b)
        self.cycle_noise = float(cycle_noise)
        # only with noise, so that models saved without it keep their list of seed states
        self.noise_seed_generator = keras.random.SeedGenerator(
            None if seed is None else seed + 2) if self.cycle_noise else None
        self.built = True

    # ------------------------------------------------------------------ the algorithm
    def train_step(self, data):
        """One CycleGAN iteration (Zhu et al. 2017, §3–4): generators first, then discriminators."""
        real_a, real_b = self.unpack_pair(data)

        # 1. Generators: fool both discriminators, survive the round trips, leave own-domain images alone.
        with tf.GradientTape() as tape:
            fake_b = self.generator_ab(real_a, training=True)
            fake_a = self.generator_ba(real_b, training=True)
            cycled_a = self.generator_ba(self.noisy(fake_b), training=True)
            cycled_b = self.generator_ab(self.noisy(fake_a), training=True)
            adv_ab = self.gan_loss.generator(self.discriminator_b(fake_b, training=True))
            adv_ba = self.gan_loss.generator(self.discriminator_a(fake_a, training=True))
            cycle_a = cycle_consistency_loss(real_a, cycled_a)
            cycle_b = cycle_consistency_loss(real_b, cycled_b)
            cycle = cycle_a + cycle_b
            if self.lambda_identity:
                same = identity_loss(real_a, self.generator_ba(real_a, training=True)) + \
                    identity_loss(real_b, self.generator_ab(real_b, training=True))
            else:
                same = ops.zeros(())
            lambda_b = self.lambda_cycle if self.lambda_cycle_b is None else self.lambda_cycle_b
            g_loss = (adv_ab + adv_ba + self.lambda_cycle * cycle_a + lambda_b * cycle_b
                      + self.lambda_identity * same)
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)

        # 2. Discriminators: real images towards "real", fakes from the history pools towards "fake".
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))
        d_loss, d_a_loss, d_b_loss = self.update_discriminators(real_a, pooled_a, real_b, pooled_b)

        return self.track(d_loss=d_loss, g_loss=g_loss, d_a_loss=d_a_loss, d_b_loss=d_b_loss, adv_ab_loss=adv_ab,
                          adv_ba_loss=adv_ba, cycle_loss=cycle, cycle_a_loss=cycle_a, cycle_b_loss=cycle_b,
                          identity_loss=same)

    def noisy(self, images):
        """`images` plus N(0, cycle_noise²) noise (unchanged when `cycle_noise` is 0): the input of the way back."""
        if not self.cycle_noise:
            return images
        return images + self.cycle_noise * keras.random.normal(ops.shape(images), seed=self.noise_seed_generator)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**self.network_config(), "image_shape": self.image_shape_config, "generator": self.generator_kind,
                **self.options_config("filters", "num_residual_blocks", "discriminator_filters",
                                      "discriminator_downsampling", "lambda_cycle", "lambda_identity", "pool_size",
                                      "cycle_noise", "lambda_cycle_b", "seed")}

