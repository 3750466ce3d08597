"""Networks of the MNIST family: WGAN critics, conditional G/D (CGAN) and the SGAN discriminator.

- :func:`wgan_generator`, :func:`wgan_critic`: small convolutional nets for WGAN / WGAN-GP on
  28×28 (any size divisible by 4). The critic outputs an unbounded score; WGAN-GP's critic has
  no batch norm (the penalty is per example), `normalization="layer"` is the paper's alternative.
- :func:`cgan_generator`, :func:`cgan_discriminator`: GANs in Action ch. 8 conditioning
  (label embedding × z for G; label embedding reshaped to an extra image channel for D) or the
  lecture's one-hot conditioning (one-hot concatenated to z; one one-hot plane per class for D).
- :func:`sgan_discriminator`: GANs in Action ch. 7's discriminator with N class logits;
  :func:`sgan_generator`: the SGAN's default (small) generator.
"""
import keras
from keras import layers, ops

from keras_gans.networks import dcgan_nets
from keras_gans.networks.inputs import latent_input

CONDITIONINGS = ("embedding", "one_hot")
NORMALIZATIONS = (None, "batch", "layer")


@keras.saving.register_keras_serializable(package="keras_gans")
class OneHot(layers.Layer):
    """Integer labels (batch,) or (batch, 1) → float one-hot vectors (batch, num_classes)."""

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)

    def call(self, labels):
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        return ops.one_hot(labels, self.num_classes)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config


def _check_image_shape(image_shape, multiple=4):
    image_shape = dcgan_nets._check_image_shape(image_shape)
    if image_shape[0] % multiple or image_shape[1] % multiple:
        raise ValueError(f"These networks down/upsample by {multiple}: height and width must be multiples of "
                         f"{multiple}; got {image_shape}. Resize the data (e.g. image_size=(28, 28)).")
    return image_shape


def _normalize(x, normalization):
    if normalization == "batch":
        return layers.BatchNormalization()(x)
    if normalization == "layer":
        return layers.LayerNormalization()(x)
    return x


# ----------------------------------------------------------------------------- WGAN
def wgan_generator(latent_dim=100, image_shape=(28, 28, 1), filters=128, name="wgan_generator"):
    """z → Dense(H/4·W/4·`filters`) → BN → ReLU → ConvT(`filters`/2, 4, s2) → BN → ReLU → ConvT(C, 4, s2) → tanh.

    About 4× cheaper than the book's chapter 4 generator, which matters with 5 critic steps per G step.
    """
    h, w, c = _check_image_shape(image_shape)
    z = latent_input(latent_dim)
    x = layers.Dense((h // 4) * (w // 4) * filters, use_bias=False)(z)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((h // 4, w // 4, filters))(x)
    x = layers.Conv2DTranspose(filters // 2, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(c, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(z, x, name=name)


def wgan_critic(image_shape=(28, 28, 1), filters=64, normalization=None, name="wgan_critic"):
    """Conv(`filters`, 4, s2) → LeakyReLU(0.2) → Conv(2·`filters`, 4, s2) → [norm] → LeakyReLU(0.2) → Flatten → Dense(1).

    The output is an unbounded critic score (no sigmoid). `normalization`: None (WGAN-GP, as
    Gulrajani et al.), `"layer"` (their suggested replacement) or `"batch"` (WGAN with clipping,
    as Arjovsky et al.'s DCGAN critic). Batch norm breaks the per-example gradient penalty.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}; got {normalization!r}.")
    image_shape = _check_image_shape(image_shape)
    x_in = keras.Input(image_shape, name="images")
    x = layers.Conv2D(filters, 4, strides=2, padding="same")(x_in)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Conv2D(filters * 2, 4, strides=2, padding="same")(x)
    x = _normalize(x, normalization)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Flatten()(x)
    return keras.Model(x_in, layers.Dense(1)(x), name=name)


# ----------------------------------------------------------------------------- CGAN
def _label_input(name="labels"):
    return keras.Input((), dtype="int32", name=name)


def cgan_generator(latent_dim=100, num_classes=10, image_shape=(28, 28, 1), conditioning="embedding",
                   name="cgan_generator"):
    """[z, label] → image. The body is the book's chapter 4 DCGAN generator.

    `conditioning="embedding"` (GANs in Action ch. 8): Embedding(num_classes, latent_dim)(label) ⊙ z.
    `conditioning="one_hot"` (lecture; keras-io): concat(z, one_hot(label)).

    The embedding starts at N(0, 1), so z ⊙ e(y) has unit variance like z. Keras' default
    U(−0.05, 0.05) (the book's code) shrinks it ~35×; the variance reaching the body's first batch
    norm is then far below its ε = 10⁻³, G's output barely depends on z and y, and training
    collapses to one image (measured on mnist-5k; see :class:`~keras_gans.models.CGAN`).
    """
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}.")
    z = latent_input(latent_dim)
    label = _label_input()
    if conditioning == "embedding":
        embedded = layers.Embedding(num_classes, latent_dim, name="label_embedding",
                                    embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(label)
        h = layers.Multiply(name="z_times_label")([z, embedded])
        body_dim = latent_dim
    else:
        h = layers.Concatenate(name="z_and_one_hot")([z, OneHot(num_classes, name="one_hot")(label)])
        body_dim = latent_dim + num_classes
    body = dcgan_nets.book_dcgan_generator(latent_dim=body_dim, image_shape=image_shape, name="cgan_generator_body")
    return keras.Model([z, label], body(h), name=name)


def cgan_discriminator(image_shape=(28, 28, 1), num_classes=10, conditioning="embedding", dropout=0.0,
                       name="cgan_discriminator"):
    """[image, label] → one logit for "real and matching".

    `conditioning="embedding"` (GANs in Action ch. 8): Embedding(num_classes, H·W) reshaped to an
    H×W plane, concatenated to the image as an extra channel. `"one_hot"` (lecture): K extra
    planes, all ones for the label's class and zeros elsewhere. Body: Conv(64, 3, s2) →
    LeakyReLU(0.01) → Conv(64, 3, s2) → BN → LeakyReLU → Conv(128, 3, s2) → BN → LeakyReLU →
    Flatten → Dense(1) (the book raises the first layer from 32 to 64 filters). `dropout` > 0 adds
    Dropout after each block (not in the book; it keeps D from overpowering G on small data).
    The label plane's embedding starts at N(0, 1), on the scale of the image channel in [−1, 1]
    (Keras' default U(−0.05, 0.05) makes the label ~20× fainter than the image, and D slower to use it).
    """
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}.")
    h, w, c = dcgan_nets._check_image_shape(image_shape)
    image = keras.Input((h, w, c), name="images")
    label = _label_input()
    if conditioning == "embedding":
        plane = layers.Embedding(num_classes, h * w, name="label_embedding",
                                 embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(label)
        plane = layers.Reshape((h, w, 1))(plane)
    else:
        plane = layers.Reshape((1, 1, num_classes))(OneHot(num_classes, name="one_hot")(label))
        plane = layers.UpSampling2D(size=(h, w), name="label_planes")(plane)
    x = layers.Concatenate(axis=-1, name="image_and_label")([image, plane])
    x = dcgan_nets.book_conv_blocks(x, (64, 64, 128), dropout)
    return keras.Model([image, label], layers.Dense(1)(x), name=name)


# ----------------------------------------------------------------------------- SGAN
SGAN_NORMALIZATIONS = ("batch", None, "layer")


def sgan_generator(latent_dim=100, image_shape=(28, 28, 1), filters=64, name="sgan_generator"):
    """z → Dense(H/4·W/4·`filters`) → BN → ReLU → ConvT(`filters`/2, 4, s2) → BN → ReLU → ConvT(C, 4, s2) → tanh.

    The SGAN's default generator: about 10× fewer multiply-adds than the book's chapter 4 DCGAN
    generator. In a semi-supervised GAN the generator only has to give D informative fakes (with
    feature matching its samples are not even meant to look good, Salimans et al. 2016 §5), so
    the CPU time goes to more discriminator/classifier updates instead. The layout is
    :func:`wgan_generator`'s, at 64 filters.
    """
    return wgan_generator(latent_dim, image_shape, filters=filters, name=name)


def sgan_discriminator(image_shape=(28, 28, 1), num_classes=10, dropout=0.5, input_noise=0.0, hidden_noise=0.0,
                       normalization="batch", translate=0.0, name="sgan_discriminator"):
    """GANs in Action ch. 7's discriminator: images → `num_classes` logits.

    Conv(32, 3, s2) → LeakyReLU(0.01) → Conv(64, 3, s2) → [norm] → LeakyReLU → Conv(128, 3, s2) → [norm] →
    LeakyReLU → Dropout(`dropout`) → Flatten (layer "features") → Dense(num_classes) logits.
    Softmax of the logits is the classifier; Z/(Z + 1) with Z = Σ exp(logits) is P(real).

    The defaults are the book's. Salimans et al. (2016, §5) regularise the semi-supervised D with
    Gaussian noise instead, which these options add (active in training only):

    - `input_noise=σ`: GaussianNoise(σ) on the input images (they use 0.3 on MNIST);
    - `hidden_noise=σ`: GaussianNoise(σ) after each hidden LeakyReLU (they use 0.5);
    - `normalization`: `"batch"` (the book), `"layer"` or None. SGAN runs D on labelled, unlabelled
      and generated batches separately, so batch statistics differ between them (and from the
      moving averages used at test time); per-example (`"layer"`) or no normalization avoids that.

    Not from the paper: `translate=f` shifts every input by up to `f` of its height/width
    (RandomTranslation, filled with -1 = background), a differentiable augmentation applied alike
    to labelled, unlabelled and generated images, as in DiffAugment (Zhao et al. 2020).
    """
    if normalization not in SGAN_NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {SGAN_NORMALIZATIONS}; got {normalization!r}.")
    image_shape = dcgan_nets._check_image_shape(image_shape)
    x_in = keras.Input(image_shape, name="images")
    x = x_in
    if translate:
        x = layers.RandomTranslation(translate, translate, fill_mode="constant", fill_value=-1.0, name="translate")(x)
    if input_noise:
        x = layers.GaussianNoise(input_noise, name="input_noise")(x)
    for i, filters in enumerate((32, 64, 128)):
        x = layers.Conv2D(filters, 3, strides=2, padding="same")(x)
        if i > 0:
            x = _normalize(x, normalization)
        x = layers.LeakyReLU(negative_slope=0.01)(x)
        if hidden_noise:
            x = layers.GaussianNoise(hidden_noise)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten(name="features")(x)
    return keras.Model(x_in, layers.Dense(num_classes, name="class_logits")(x), name=name)
