"""Networks whose discriminator has extra heads on one body: AC-GAN (a class head) and InfoGAN (a Q head).

- :func:`acgan_generator`: [z, label] → image, the label as a learned embedding multiplying z (as the
  book's CGAN generator) or one-hot concatenated to z; a small DCGAN body.
- :func:`acgan_discriminator`: image → [real/fake logit, class logits], both heads on one conv body.
- :func:`infogan_generator`: [z, category, continuous codes] → image (Chen et al. 2016, table 1, MNIST).
- :func:`infogan_discriminator`: image → [real/fake logit, category logits, continuous-code means]; the Q head
  shares D's body and adds one hidden layer (Chen et al. 2016, table 1).

All take images of any height and width divisible by 4 (28×28 MNIST, 8×8 or 16×16 in tests) and end the
generator in `tanh`. `filters` (and `hidden_units`) set the widths, so tests can build tiny ones.

>>> d = acgan_discriminator((28, 28, 1), num_classes=10)
>>> [tuple(o.shape) for o in d.outputs]
[(None, 1), (None, 10)]
"""
import keras
from keras import layers

from keras_gans.networks.inputs import latent_input
from keras_gans.networks.mnist_nets import CONDITIONINGS, OneHot, _check_image_shape
from keras_gans.utils import checks


def _label_input(name="labels"):
    return keras.Input((), dtype="int32", name=name)


def _upsampling_body(x, image_shape, filters):
    """Dense(H/4·W/4·2f) → BN → ReLU → ConvT(f, 4, s2) → BN → ReLU → ConvT(C, 4, s2) → tanh, on tensor `x`."""
    height, width, channels = image_shape
    x = layers.Dense((height // 4) * (width // 4) * 2 * filters, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((height // 4, width // 4, 2 * filters))(x)
    x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    return layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh", name="image")(x)


def _conv_body(image, filters, dropout=0.0, normalization=False, slope=0.2):
    """Conv(f, 4, s2) → LeakyReLU → [Dropout] → Conv(2f, 4, s2) → [BN] → LeakyReLU → [Dropout] → Flatten."""
    x = layers.Conv2D(filters, 4, strides=2, padding="same")(image)
    x = layers.LeakyReLU(negative_slope=slope)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    x = layers.Conv2D(2 * filters, 4, strides=2, padding="same", use_bias=not normalization)(x)
    if normalization:
        x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(negative_slope=slope)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return layers.Flatten(name="features")(x)


# ----------------------------------------------------------------------------- AC-GAN
def acgan_generator(latent_dim=100, num_classes=10, image_shape=(28, 28, 1), filters=64, conditioning="embedding",
                    name="acgan_generator"):
    """[z, label] → image of that class.

    `conditioning="embedding"`: z ⊙ Embedding(num_classes, latent_dim)(label), the embedding starting at
    N(0, 1) so the product has unit variance like z (see :func:`~keras_gans.networks.cgan_generator` for why
    Keras' default scale collapses training); `"one_hot"`: concat(z, one_hot(label)) (Odena et al. feed a
    one-hot class with the noise). Body: Dense(H/4·W/4·2f) → BN → ReLU → ConvT(f, 4, s2) → BN → ReLU →
    ConvT(C, 4, s2) → tanh, with f = `filters` (64: 128 channels at 7×7 for MNIST).
    """
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}.")
    image_shape = _check_image_shape(image_shape)
    num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
    filters = checks.positive_int(filters, "filters")
    z = latent_input(latent_dim)
    label = _label_input()
    if conditioning == "embedding":
        embedded = layers.Embedding(num_classes, latent_dim, name="label_embedding",
                                    embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(label)
        h = layers.Multiply(name="z_times_label")([z, embedded])
    else:
        h = layers.Concatenate(name="z_and_one_hot")([z, OneHot(num_classes, name="one_hot")(label)])
    return keras.Model([z, label], _upsampling_body(h, image_shape, filters), name=name)


def acgan_discriminator(image_shape=(28, 28, 1), num_classes=10, filters=64, dropout=0.3, name="acgan_discriminator"):
    """image → [real/fake logit (batch, 1), class logits (batch, num_classes)] from one body.

    Body: Conv(f, 4, s2) → LeakyReLU(0.2) → Dropout → Conv(2f, 4, s2) → LeakyReLU(0.2) → Dropout → Flatten
    (layer "features"); heads: Dense(1) ("real_fake") and Dense(num_classes) ("class_logits"). No batch norm:
    D sees real and fake batches in separate calls, and dropout (Odena et al. use 0.5) regularises it instead.
    """
    image_shape = _check_image_shape(image_shape)
    num_classes = checks.integer(num_classes, "num_classes", low=2, fix="MNIST has 10.")
    filters = checks.positive_int(filters, "filters")
    dropout = checks.rate(dropout, "dropout")
    image = keras.Input(image_shape, name="images")
    features = _conv_body(image, filters, dropout)
    real_fake = layers.Dense(1, name="real_fake")(features)
    classes = layers.Dense(num_classes, name="class_logits")(features)
    return keras.Model(image, [real_fake, classes], name=name)


# ----------------------------------------------------------------------------- InfoGAN
def infogan_generator(latent_dim=62, categories=10, continuous_codes=2, image_shape=(28, 28, 1), filters=64,
                      hidden_units=1024, name="infogan_generator"):
    """[z, category, continuous codes] → image (Chen et al. 2016, table 1: MNIST).

    concat(z, one_hot(category), continuous) → Dense(`hidden_units`) → BN → ReLU → Dense(H/4·W/4·2f) → BN →
    ReLU → ConvT(f, 4, s2) → BN → ReLU → ConvT(C, 4, s2) → tanh. The paper's sizes: z of 62, 10 categories,
    2 continuous codes (74 inputs), 1024 hidden units, f = 64.
    """
    image_shape = _check_image_shape(image_shape)
    categories = checks.integer(categories, "categories", low=2, fix="MNIST's digit code has 10.")
    continuous_codes = checks.positive_int(continuous_codes, "continuous_codes")
    filters = checks.positive_int(filters, "filters")
    hidden_units = checks.positive_int(hidden_units, "hidden_units")
    z = latent_input(latent_dim)
    category = _label_input("category")
    continuous = keras.Input((continuous_codes,), name="continuous")
    x = layers.Concatenate(name="z_and_codes")([z, OneHot(categories, name="one_hot")(category), continuous])
    x = layers.Dense(hidden_units, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    return keras.Model([z, category, continuous], _upsampling_body(x, image_shape, filters), name=name)


def infogan_discriminator(image_shape=(28, 28, 1), categories=10, continuous_codes=2, filters=64, hidden_units=1024,
                          q_units=128, name="infogan_discriminator"):
    """image → [real/fake logit, category logits, continuous-code means]: D and Q on one body.

    Body (Chen et al. 2016, table 1): Conv(f, 4, s2) → LeakyReLU(0.1) → Conv(2f, 4, s2) → BN → LeakyReLU →
    Flatten → Dense(`hidden_units`) → BN → LeakyReLU (layer "features"). D's head: Dense(1) ("real_fake").
    Q's head: Dense(`q_units`) → BN → LeakyReLU → Dense(categories) ("category_logits") and
    Dense(continuous_codes) ("continuous_mean"; a Gaussian with σ = 1, so its loss is ½·MSE).
    """
    image_shape = _check_image_shape(image_shape)
    categories = checks.integer(categories, "categories", low=2, fix="MNIST's digit code has 10.")
    continuous_codes = checks.positive_int(continuous_codes, "continuous_codes")
    filters = checks.positive_int(filters, "filters")
    hidden_units = checks.positive_int(hidden_units, "hidden_units")
    q_units = checks.positive_int(q_units, "q_units")
    image = keras.Input(image_shape, name="images")
    x = _conv_body(image, filters, normalization=True, slope=0.1)
    x = layers.Dense(hidden_units, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    features = layers.LeakyReLU(negative_slope=0.1, name="body_features")(x)
    real_fake = layers.Dense(1, name="real_fake")(features)
    q = layers.Dense(q_units, use_bias=False)(features)
    q = layers.BatchNormalization()(q)
    q = layers.LeakyReLU(negative_slope=0.1)(q)
    category_logits = layers.Dense(categories, name="category_logits")(q)
    continuous_mean = layers.Dense(continuous_codes, name="continuous_mean")(q)
    return keras.Model(image, [real_fake, category_logits, continuous_mean], name=name)
