"""VGG19 as a frozen feature extractor: ImageNet weights, input format and named feature maps.

The convolutional base of `keras.applications.VGG19` (Simonyan & Zisserman, 2015) is what
neural style transfer (Gatys et al., 2015; :class:`keras_gans.models.StyleTransfer`) measures
content and style with. This module gets its weights (Keras' download and cache, a local file,
seeded random He-normal weights for offline tests, or any `keras.Model`), converts images to and
from its input format (BGR, ImageNet means subtracted) and cuts it at named layers.

>>> import numpy as np
>>> from keras_gans.networks import vgg
>>> net = vgg.load_vgg19(weights=None, seed=0)            # random weights: runs offline
>>> features = vgg.feature_extractor(net, (vgg.CONTENT_LAYER,) + vgg.STYLE_LAYERS)
>>> x = vgg.preprocess(np.full((32, 32, 3), 128.0))[None]   # RGB [0, 255] -> VGG input
>>> tuple(features(x)["block5_conv2"].shape)
(1, 2, 2, 512)
"""
import math
import os

import numpy as np
import keras
from keras import ops

from keras_gans.utils.online import can_reach

#: Content layer and style layers of the Keras example (and of Gatys et al.'s style sets).
CONTENT_LAYER = "block5_conv2"
STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
#: Per-channel ImageNet means in BGR order, as subtracted by `keras.applications.vgg19.preprocess_input`.
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)

#: The file Keras downloads for `VGG19(include_top=False, weights="imagenet")`.
VGG19_WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
VGG19_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + VGG19_WEIGHTS_FILE
VGG19_WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"
VGG19_WEIGHTS_SIZE = "80.1 MB"


class WeightsUnavailableError(FileNotFoundError):
    """The ImageNet VGG19 weights are neither cached nor downloadable (e.g. offline)."""


# ---------------------------------------------------------------------------------------------
# Input format
# ---------------------------------------------------------------------------------------------
def preprocess(image):
    """RGB in [0, 255] → VGG input: channels reversed to BGR, ImageNet means subtracted, no scaling.

    Same as `keras.applications.vgg19.preprocess_input`; works on `(H, W, 3)` or `(N, H, W, 3)`.
    """
    x = np.asarray(image, dtype=np.float32)
    return x[..., ::-1] - np.asarray(IMAGENET_BGR_MEAN, np.float32)


def deprocess(x):
    """VGG input → uint8 RGB `(H, W, 3)`: means added back, BGR → RGB, rounded, clipped to [0, 255].

    Accepts `(H, W, 3)` or a batch of one `(1, H, W, 3)` (numpy, tensor or variable).
    """
    x = np.asarray(ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x, dtype=np.float32)
    if x.ndim == 4:
        if x.shape[0] != 1:
            raise ValueError(f"deprocess takes one image; got a batch of shape {x.shape}.")
        x = x[0]
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"deprocess expects (H, W, 3) BGR values; got shape {x.shape}.")
    x = (x + np.asarray(IMAGENET_BGR_MEAN, np.float32))[..., ::-1]
    return np.clip(np.round(x), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# Weights and feature maps
# ---------------------------------------------------------------------------------------------
def vgg19_weights_path():
    """Where Keras caches the VGG19 no-top weights: `$KERAS_HOME/models/` (default `~/.keras/models/`)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "models", VGG19_WEIGHTS_FILE)


def _offline_message(path, cause=None):
    msg = (
        f"The ImageNet VGG19 weights are not available: {VGG19_WEIGHTS_FILE} ({VGG19_WEIGHTS_SIZE}) is not in "
        f"the Keras cache and could not be downloaded{f' ({cause})' if cause else ''}. "
        f"On a machine with internet, download {VGG19_WEIGHTS_URL} and put it at {path} "
        "(Keras' cache folder, ~/.keras/models/ unless KERAS_HOME is set), or pass weights='/path/to/"
        f"{VGG19_WEIGHTS_FILE}'. For a smoke test without them, use weights=None (random VGG19: "
        "the losses fall but the picture is not a style transfer)."
    )
    return msg


def load_vgg19(weights="imagenet", pooling="max", seed=None):
    """The VGG19 convolutional base (no top, input `(None, None, 3)`), frozen.

    Args:
        weights: `"imagenet"` (through Keras' download and cache; a clear
            :class:`WeightsUnavailableError` offline), a path to the no-top `.h5` file (or a
            `.weights.h5` saved from a VGG19), `None` for seeded random He-normal weights (tests,
            benchmarks), or a `keras.Model` to use as is.
        pooling: `"max"` (VGG19 as trained) or `"avg"` (max pooling replaced by average pooling,
            as Gatys et al. did for smoother images).
        seed: seed of the random weights when `weights=None`.
    """
    if pooling not in ("max", "avg"):
        raise ValueError(f"pooling must be 'max' or 'avg'; got {pooling!r}.")
    if isinstance(weights, keras.Model):
        model = weights
    elif weights is None:
        model = keras.applications.VGG19(include_top=False, weights=None)
        _he_normal(model, seed)
    elif isinstance(weights, str) and weights == "imagenet":
        model = _imagenet_vgg19()
    elif isinstance(weights, (str, os.PathLike)):
        path = os.fspath(weights)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"No VGG19 weights file {path!r}. Pass the path of {VGG19_WEIGHTS_FILE} ({VGG19_WEIGHTS_SIZE}), "
                "weights='imagenet' to use Keras' cache, or a keras.Model feature extractor."
            )
        model = keras.applications.VGG19(include_top=False, weights=None)
        try:
            model.load_weights(path)
        except Exception as e:
            raise ValueError(
                f"Could not load VGG19 weights from {path!r} ({type(e).__name__}: {e}). Pass {VGG19_WEIGHTS_FILE} "
                "(the no-top VGG19 weights) or a .weights.h5 saved from keras.applications.VGG19(include_top=False)."
            ) from e
    else:
        raise ValueError(
            f"weights must be 'imagenet', a path to a weights file, None, or a keras.Model; got {weights!r}."
        )
    if pooling == "avg":
        model = _with_average_pooling(model)
    model.trainable = False
    return model


def _imagenet_vgg19():
    path = vgg19_weights_path()
    if not os.path.isfile(path) and not can_reach():
        raise WeightsUnavailableError(_offline_message(path, "no network"))
    try:
        return keras.applications.VGG19(include_top=False, weights="imagenet")
    except Exception as e:  # get_file raises a bare Exception on URL errors; hash mismatches too
        if os.path.isfile(path):
            raise WeightsUnavailableError(
                f"The cached {path} could not be used ({type(e).__name__}: {e}); it may be incomplete or corrupt "
                f"(expected md5 {VGG19_WEIGHTS_MD5}, {VGG19_WEIGHTS_SIZE}). Delete it and try again, or replace it "
                f"with a fresh copy of {VGG19_WEIGHTS_URL}."
            ) from e
        raise WeightsUnavailableError(_offline_message(path, f"{type(e).__name__}: {e}")) from e


def _he_normal(model, seed):
    """Seeded He-normal kernels and zero biases: deterministic features that neither vanish nor explode."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kh, kw, cin, cout = layer.kernel.shape
            std = math.sqrt(2.0 / (kh * kw * cin))
            layer.kernel.assign(rng.normal(0.0, std, size=(kh, kw, cin, cout)).astype("float32"))
            if layer.bias is not None:
                layer.bias.assign(np.zeros(layer.bias.shape, "float32"))


def _with_average_pooling(model):
    def clone(layer):
        if isinstance(layer, keras.layers.MaxPooling2D):
            return keras.layers.AveragePooling2D(pool_size=layer.pool_size, strides=layer.strides,
                                                 padding=layer.padding, name=layer.name)
        return layer.__class__.from_config(layer.get_config())

    new = keras.models.clone_model(model, clone_function=clone)
    new.set_weights(model.get_weights())
    return new


def feature_extractor(model, layer_names):
    """A `keras.Model` from `model`'s input to a dict `{layer name: output}` of `layer_names`.

    Only the layers up to the deepest one asked for are evaluated.
    """
    names = {layer.name for layer in model.layers}
    missing = [n for n in layer_names if n not in names]
    if missing:
        convs = [layer.name for layer in model.layers if "conv" in layer.name] or sorted(names)
        raise ValueError(f"The feature extractor has no layer named {missing}. Its layers include: {convs}.")
    outputs = {n: model.get_layer(n).output for n in dict.fromkeys(layer_names)}
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs, outputs, name="style_features")
