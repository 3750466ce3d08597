"""The small MNIST classifier shipped with the package: an offline feature extractor.

Its penultimate layer (128 ReLU units, named ``"features"``) plays the role of Inception's
pool3 features for "FID-MNIST"/"KID-MNIST", and its softmax the role of Inception's class
probabilities for "IS-MNIST". It was trained by ``scripts/train_mnist_classifier.py`` on the
mnist-5k *train* split only (4,500 images); its accuracy on the fixed mnist-5k *test* split
(500 images, never used for training) is in ``keras_gans/assets/MNIST_CLASSIFIER.md``.
"""
import os

import keras

WEIGHTS_FILE = "mnist_classifier.weights.h5"
FEATURES_LAYER = "features"
FEATURE_DIM = 128
NUM_CLASSES = 10
INPUT_SHAPE = (28, 28, 1)


def build_mnist_classifier(dropout=0.3):
    """The classifier's architecture (untrained): images in [-1, 1], (28, 28, 1) → 10 softmax scores.

    Three blocks of two 3×3 convolutions (32, 48, 64 filters) with batch norm and 2×2 max
    pooling, global average pooling, a 128-unit ReLU layer called ``"features"`` and a 10-way
    softmax. About 119k parameters (a ~0.5 MB float32 weights file).
    """
    inputs = keras.Input(INPUT_SHAPE, name="images")
    x = inputs
    for i, filters in enumerate((32, 48, 64)):
        for j in range(2):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i + 1}_{j + 1}")(x)
            x = keras.layers.BatchNormalization(name=f"bn{i + 1}_{j + 1}")(x)
            x = keras.layers.ReLU(name=f"relu{i + 1}_{j + 1}")(x)
        x = keras.layers.MaxPooling2D(2, padding="same", name=f"pool{i + 1}")(x)  # 14, 7, 4
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    x = keras.layers.Dense(FEATURE_DIM, activation="relu", name=FEATURES_LAYER)(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_classifier")


def weights_path():
    """Path of the shipped weights file (inside the installed package)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", WEIGHTS_FILE)


_CACHE = {}


def mnist_classifier(weights="shipped"):
    """The shipped MNIST digit classifier as a plain `keras.Model` (softmax over 10 digits).

    Inputs are floats in [-1, 1] of shape (N, 28, 28, 1), the range of this package's
    generators and of `keras_gans.data.load`. For other sizes or RGB images, run
    :func:`keras_gans.metrics.prepare_images` first (bilinear resize to 28×28, RGB → grey).

    Args:
        weights: `"shipped"` (the package's weights), a path to a `.weights.h5` file, or
            None for an untrained network.

    Example — check that samples look like digits:

    >>> import keras_gans as kg
    >>> clf = kg.metrics.mnist_classifier()
    >>> images, labels = kg.data.load_arrays("mnist-5k", split="test")
    >>> probs = clf.predict(images / 127.5 - 1.0, verbose=0)
    >>> float((probs.argmax(-1) == labels).mean()) >= 0.98
    True
    """
    return load_classifier(build_mnist_classifier(), weights, weights_path(), "MNIST",
                           "scripts/train_mnist_classifier.py")


def load_classifier(model, weights, shipped_path, name, script):
    """`model` with `weights` loaded and frozen: `"shipped"` (`shipped_path`), a file, or None (untrained)."""
    if weights is None:
        return model
    path = shipped_path if weights == "shipped" else os.fspath(weights)
    if not os.path.exists(path):
        if weights == "shipped":
            raise FileNotFoundError(
                f"The shipped {name} classifier weights are missing ({path}). Reinstall keras-gans, or rebuild them "
                f"with `python {script}`."
            )
        raise FileNotFoundError(f"No weights file {path!r}. Pass 'shipped' or an existing .weights.h5 file.")
    model.load_weights(path)
    model.trainable = False
    return model


def shared_mnist_classifier():
    """One cached instance of the shipped classifier (loaded once per process)."""
    if "model" not in _CACHE:
        _CACHE["model"] = mnist_classifier()
    return _CACHE["model"]
