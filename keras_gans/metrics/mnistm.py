"""The small MNIST-M classifier shipped with the package: an offline feature extractor for colour digits.

The MNIST-M counterpart of :mod:`keras_gans.metrics.mnist`, for scoring image-to-image models
whose outputs are MNIST-M-style digits (pix2pix and CycleGAN mnist → MNIST-M): "FID-MNIST-M",
"KID-MNIST-M" and "IS-MNIST-M". Its penultimate layer (128 ReLU units, named ``"features"``) plays
the role of Inception's pool3 features, its 10-way softmax that of Inception's class probabilities.

It was trained by ``scripts/train_mnistm_classifier.py`` on the 4,500 digits of the mnist-5k
*train* split only, rendered as MNIST-M (see :mod:`keras_gans.data.mnistm`); its accuracy on the
500 MNIST-M images of the held-out mnist-5k *test* split (``load_arrays("mnist-m", split="test")``,
never used for training) is in ``keras_gans/assets/MNISTM_CLASSIFIER.md``.
"""
import os

import keras

WEIGHTS_FILE = "mnistm_classifier.weights.h5"
FEATURES_LAYER = "features"
FEATURE_DIM = 128
NUM_CLASSES = 10
INPUT_SHAPE = (32, 32, 3)
NUM_BACKGROUNDS = 6  # len(keras_gans.data.mnistm.PHOTO_NAMES)


def build_mnistm_classifier(dropout=0.3, background_head=False):
    """The classifier's architecture (untrained): RGB images in [-1, 1], (32, 32, 3) → 10 softmax scores.

    A 3×3 convolution with 32 filters at full resolution, then two blocks of two 3×3 convolutions
    (48, 64 filters), each stage with batch norm, ReLU and 2×2 max pooling (32 → 16 → 8 → 4);
    global average pooling, a 128-unit ReLU layer called ``"features"`` and a 10-way softmax.
    About 110k parameters (a ~0.5 MB float32 weights file).

    With `background_head=True` (training only) the model has a second output, ``"backgrounds"``: a
    softmax over the six photos that MNIST-M backgrounds are cropped from. Training both heads makes
    the ``"features"`` layer describe the background as well as the digit, so that FID-MNIST-M tells
    MNIST-M images from plain digits (a digit-only classifier reads both alike and its features barely
    differ). The shipped file holds the digit model only (the layers shared by both).
    """
    inputs = keras.Input(INPUT_SHAPE, name="images")
    x = inputs
    for i, widths in enumerate(((32,), (48, 48), (64, 64))):
        for j, filters in enumerate(widths):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i + 1}_{j + 1}")(x)
            # momentum 0.9 (Keras default 0.99): the moving statistics used at inference catch up
            # within ~50 steps; with 0.99 a short CPU run predicted one class for every image.
            x = keras.layers.BatchNormalization(momentum=0.9, name=f"bn{i + 1}_{j + 1}")(x)
            x = keras.layers.ReLU(name=f"relu{i + 1}_{j + 1}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)  # 16, 8, 4
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    features = keras.layers.Dense(FEATURE_DIM, activation="relu", name=FEATURES_LAYER)(x)
    x = keras.layers.Dropout(dropout, name="dropout")(features)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    if background_head:
        backgrounds = keras.layers.Dense(NUM_BACKGROUNDS, activation="softmax", name="backgrounds")(x)
        return keras.Model(inputs, {"probabilities": outputs, "backgrounds": backgrounds}, name="mnistm_classifier")
    return keras.Model(inputs, outputs, name="mnistm_classifier")


def weights_path():
    """Path of the shipped weights file (inside the installed package)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", WEIGHTS_FILE)


_CACHE = {}


def mnistm_classifier(weights="shipped"):
    """The shipped MNIST-M digit classifier as a plain `keras.Model` (softmax over 10 digits).

    Inputs are RGB floats in [-1, 1] of shape (N, 32, 32, 3). For other sizes, grey images or
    uint8 pixels, use :class:`keras_gans.metrics.MNISTMExtractor` (or run
    :func:`keras_gans.metrics.prepare_images` with `size=(32, 32), channels=3` first).

    Args:
        weights: `"shipped"` (the package's weights), a path to a `.weights.h5` file, or
            None for an untrained network.

    Example — check that translations still show their digit:

    >>> import keras_gans as kg
    >>> clf = kg.metrics.mnistm_classifier()
    >>> images, labels = kg.data.load_arrays("mnist-m", split="test")
    >>> probs = clf.predict(images / 127.5 - 1.0, verbose=0)
    >>> float((probs.argmax(-1) == labels).mean()) >= 0.9
    True
    """
    from keras_gans.metrics.mnist import load_classifier

    return load_classifier(build_mnistm_classifier(), weights, weights_path(), "MNIST-M",
                           "scripts/train_mnistm_classifier.py")


def shared_mnistm_classifier():
    """One cached instance of the shipped classifier (loaded once per process)."""
    if "model" not in _CACHE:
        _CACHE["model"] = mnistm_classifier()
    return _CACHE["model"]
