"""keras-gans: GANs as first-class Keras 3 models on TensorFlow.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(image_shape=(28, 28, 1))
>>> gan.compile()
>>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=5,
...         callbacks=[kg.callbacks.SampleGrid("runs/dcgan")])
"""
import os as _os

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

from keras_gans import callbacks, data, losses, memorization, metrics, models, networks, zoo  # noqa: E402

__all__ = ["callbacks", "data", "losses", "memorization", "metrics", "models", "networks", "zoo", "__version__"]
