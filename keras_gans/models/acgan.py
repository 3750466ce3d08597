"""Auxiliary-classifier GAN (Odena, Olah & Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs")."""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import class_loss
from keras_gans.models.common import check_fixed_option
from keras_gans.models.gan import GAN
from keras_gans.models.labels import ClassConditionalMixin
from keras_gans.networks import auxiliary_nets
from keras_gans.networks.mnist_nets import CONDITIONINGS
from keras_gans.training.tricks import TricksMixin, check_trick_options
from keras_gans.utils import checks


def class_accuracy(labels, class_logits):
    """The fraction of images whose class head's argmax is their label."""
    predicted = ops.argmax(ops.cast(class_logits, "float32"), axis=-1)
    return ops.mean(ops.cast(ops.equal(ops.cast(predicted, "int32"), labels), "float32"))


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(ClassConditionalMixin, TricksMixin, GAN):
    """AC-GAN: G(z, c) draws an image of class c; D says "real or fake" *and* "which class" from one body.

    Odena et al. (2017), ganhacks #12 ("if you have labels, train D to also classify"). Unlike a CGAN's,
    D never sees the label: it predicts it. Its two heads give the log-likelihoods of the right source,
    L_S = E[log P(S = real | x_real)] + E[log P(S = fake | x_fake)], and of the right class,
    L_C = E[log P(C = c | x_real)] + E[log P(C = c | x_fake)]. D maximises L_S + L_C; G maximises
    L_C − L_S (here: the non-saturating form of −L_S, the default `loss` of `compile`). Per training step:

    1. D: the real batch towards "real" and its labels, fakes G(z, c) of uniformly random classes c towards
       "fake" and c;
    2. G: new z and classes, pushed towards D calling G(z, c) real and of class c.

    `class_weight` scales L_C in both losses (1 in the paper).

    Training tricks (:mod:`keras_gans.tricks`): `ema_decay=β` keeps `ema_generator`, a moving average of G's
    weights updated after every G step, which `generate()`, `export()` and presets then use; the label tricks
    (`label_smoothing`, `label_noise`, `label_flip`) change the targets of the source head L_S only; with
    `instance_noise` and `augment` (DiffAugment) both heads see the noisy / augmented images, in D's and G's
    steps. `d_steps` is refused: one D step per G step, as in the paper.

    Data: a dataset of `(images, labels)` with int labels in [0, num_classes), e.g.
    `kg.data.load("mnist-5k", batch_size=64, with_labels=True)`.

    Args:
        image_shape, latent_dim, num_classes: data and latent sizes (height and width divisible by 4).
        filters: width of the built-in networks (:func:`~keras_gans.networks.acgan_generator`,
            :func:`~keras_gans.networks.acgan_discriminator`).
        dropout: dropout after each block of the built-in discriminator.
        conditioning: how the built-in G takes the label: `"embedding"` (z ⊙ e(c)) or `"one_hot"`.
        class_weight: weight of the classification terms in D's and G's losses.
        generator, discriminator: optional networks: `[z, labels]` → images, and images →
            `[real/fake logit, class logits]`.
        **kwargs: `seed`, `dtype_policy`, the tricks above (`ema_decay`, `label_smoothing`, ...) and Keras
            model arguments.

    Defaults: Adam(2e-4, β1 = 0.5) for both networks (the paper's); non-saturating loss.

    Example:

    >>> import keras_gans as kg
    >>> acgan = kg.models.ACGAN(num_classes=10)
    >>> acgan.compile()
    >>> acgan.fit(kg.data.load("mnist-5k", batch_size=64, with_labels=True), epochs=1, verbose=0)
    >>> sevens = acgan.generate(8, seed=0, labels=[7] * 8)       # eight 7s
    >>> sevens.shape
    (8, 28, 28, 1)
    """

    metric_names = ("d_loss", "g_loss", "d_class_loss", "g_class_loss", "class_acc_real", "class_acc_fake",
                    "d_acc_real", "d_acc_fake")
    #: One D step per G step (the paper's); `update` and `d_batch` are fixed too, and refused in `__init__`.
    fixed_options = ("d_steps",)

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, num_classes=10, filters=64, dropout=0.3,
                 conditioning="embedding", class_weight=1.0, generator=None, discriminator=None, **kwargs):
        if conditioning not in CONDITIONINGS:
            raise ValueError(f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}.")
        for option, only in (("update", "alternating"), ("d_batch", "separate")):
            check_fixed_option(kwargs, option, only, "ACGAN", "its D has two heads")
        if kwargs.get("d_steps", 1) != 1:
            raise ValueError(f"ACGAN takes one discriminator step per generator step (as the paper); d_steps must "
                             f"be 1; got {kwargs['d_steps']!r}.")
        check_trick_options(kwargs)
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
        filters = checks.positive_int(filters, "filters")
        dropout = checks.rate(dropout, "dropout")
        class_weight = checks.non_negative(class_weight, "class_weight")
        if generator is None:
            generator = auxiliary_nets.acgan_generator(latent_dim, num_classes, image_shape, filters, conditioning)
        if discriminator is None:
            discriminator = auxiliary_nets.acgan_discriminator(image_shape, num_classes, filters, dropout)
        outputs = getattr(discriminator, "outputs", None) or []
        if len(outputs) != 2 or tuple(outputs[1].shape[1:]) != (num_classes,):
            raise ValueError(f"An ACGAN discriminator returns [real/fake logit, {num_classes} class logits]; got "
                             f"outputs of shapes {[tuple(o.shape) for o in outputs]}. Build one with "
                             "kg.networks.acgan_discriminator(image_shape, num_classes).")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        self.num_classes, self.filters, self.dropout = int(num_classes), filters, dropout
        self.conditioning, self.class_weight = conditioning, float(class_weight)

    def default_optimizers(self):
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def train_step(self, data):
        """One AC-GAN iteration (Odena et al. 2017, §3): D maximises L_S + L_C, then G maximises L_C − L_S."""
        real, labels = self.unpack_labelled(data)
        n = ops.shape(real)[0]
        # 1. Discriminator: real images are real and of their class; fakes of random classes are fake and of
        #    the class they were drawn for (the generator only runs forward).
        fake_labels = self.sample_labels(n)
        fake = self.generator([self.sample_latent(n), fake_labels], training=True)
        with tf.GradientTape() as tape:
            real_logits, real_classes = self.discriminator(self.d_input(real), training=True)
            fake_logits, fake_classes = self.discriminator(self.d_input(fake), training=True)
            source_loss = self.discriminator_loss(real_logits, fake_logits)                     # −L_S
            d_class_loss = class_loss(labels, real_classes) + class_loss(fake_labels, fake_classes)  # −L_C
            d_loss = source_loss + self.class_weight * d_class_loss
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)

        # 2. Generator: new fakes of new random classes, to be called real and of their class; the EMA
        #    generator (ema_decay) then follows G.
        g_labels = self.sample_labels(n)
        with tf.GradientTape() as tape:
            fake = self.generator([self.sample_latent(n), g_labels], training=True)
            g_logits, g_classes = self.discriminator(self.d_input(fake), training=True)
            g_class_loss = class_loss(g_labels, g_classes)
            g_loss = self.gan_loss.generator(g_logits, ops.stop_gradient(real_logits)) + self.class_weight * g_class_loss
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        self.update_ema()

        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_class_loss=d_class_loss, g_class_loss=g_class_loss,
                          class_acc_real=class_accuracy(labels, real_classes),
                          class_acc_fake=class_accuracy(fake_labels, fake_classes),
                          d_acc_real=acc_real, d_acc_fake=acc_fake)

    def classify(self, images, batch_size=256):
        """D's class probabilities for images in [-1, 1], (n, H, W, C) → (n, num_classes) numpy."""
        images = np.asarray(images, "float32")
        if images.ndim != 4 or tuple(images.shape[1:]) != tuple(self.image_shape):
            raise ValueError(f"classify expects images of shape (n, {', '.join(map(str, self.image_shape))}); "
                             f"got {images.shape}.")
        self.apply_precision()
        logits = [ops.convert_to_numpy(ops.cast(self.discriminator(images[i:i + batch_size], training=False)[1],
                                                "float32")) for i in range(0, len(images), batch_size)]
        logits = np.concatenate(logits) if logits else np.zeros((0, self.num_classes), "float32")
        logits = logits - logits.max(-1, keepdims=True)
        return np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self.image_shape, num_classes=self.num_classes, filters=self.filters,
                      dropout=self.dropout, conditioning=self.conditioning, class_weight=self.class_weight)
        return config
