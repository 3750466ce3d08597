import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_GANS_OFFLINE", "1")

import pytest


def tiny_networks(latent_dim=8, image_shape=(28, 28, 1)):
    """A small conv generator/discriminator pair for fast tests (with batch norm, like the book's)."""
    import keras
    from keras import layers

    h, w, c = image_shape
    z = keras.Input((latent_dim,))
    x = layers.Dense((h // 4) * (w // 4) * 8)(z)
    x = layers.Reshape((h // 4, w // 4, 8))(x)
    x = layers.Conv2DTranspose(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(c, 3, strides=2, padding="same", activation="tanh")(x)
    g = keras.Model(z, x, name="tiny_g")
    i = keras.Input(image_shape)
    y = layers.Conv2D(8, 3, strides=2, padding="same")(i)
    y = layers.LeakyReLU(0.2)(y)
    y = layers.Conv2D(8, 3, strides=2, padding="same")(y)
    y = layers.BatchNormalization()(y)
    y = layers.LeakyReLU(0.2)(y)
    d = keras.Model(i, layers.Dense(1)(layers.Flatten()(y)), name="tiny_d")
    return g, d


@pytest.fixture
def tiny_gan():
    import keras

    import keras_gans as kg

    keras.utils.set_random_seed(1)
    g, d = tiny_networks()
    gan = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=8, seed=1)
    gan.compile()
    return gan


@pytest.fixture(scope="session")
def small_ds():
    """256 real mnist-5k digits in batches of 32 (8 steps per epoch)."""
    import keras_gans as kg

    x, y = kg.data.load_arrays("mnist-5k", "train")
    return kg.data.make_pipeline((x[:256], y[:256]), 32, seed=0)
