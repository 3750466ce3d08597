"""Neural style transfer (Gatys, Ecker & Bethge, 2015, arXiv:1508.06576) as a `keras.Model`.

The generated image is the model's only trainable variable; `train_step` is one gradient
step on a weighted sum of three losses computed on VGG19 features:

* **content**: squared difference between the image's and the content photo's features at one
  deep layer (`block5_conv2`), so the layout of the photo is kept;
* **style**: squared difference between Gram matrices (channel-by-channel inner products of
  feature maps) of the image and of the painting at several layers (`block1_conv1` ...
  `block5_conv1`), so textures and colours of the painting are copied;
* **total variation**: a smoothness penalty on neighbouring pixels.

The defaults are those of the Keras example that the lecture slides walk through (height 400,
weights 2.5e-8 / 1e-6 / 1e-6, total variation with exponent 1.25, plain SGD with
`ExponentialDecay(100, 100, 0.96)`, 4,000 steps, start from the content photo). Two things
differ from a naive copy of that example, on purpose:

* the style Gram matrices and the content features never change, so they are computed once in
  the constructor; each step only sends the generated image through VGG19 (about 3x cheaper
  than sending content, style and generated image together every step);
* `model.fit` drives the optimisation, so Keras callbacks work (progress bar, snapshots,
  `EarlyStopping`, `TerminateOnNaN`, `CSVLogger` ...). The dataset `fit` needs is an invisible
  dummy; call :meth:`StyleTransfer.run` or `fit(epochs=..., steps_per_epoch=...)`.

Style normalisation: the Keras example divides every layer's squared Gram difference by
`4 * 3**2 * (H * W)**2` with 3 and `H * W` the *image's* channels and pixels, whatever the
layer, and its weights are tuned for that; this is the default (`normalization="keras"`).
`normalization="gatys"` uses the paper's per-layer `4 * N_l**2 * M_l**2` (filters and positions
of layer l) and the paper's `1/2` on the content loss; choose the weights again then. The paper's
ratio content/style = 1e-3 with no smoothness term would be `content_weight=1.0, style_weight=1e3,
tv_weight=0.0`; its losses are many orders larger than the Keras example's, so use the
scale-free `compile("adam")` rather than the SGD schedule tuned for the default weights (not
checked here against ImageNet weights, which the build machines cannot download).
"""
import math
import os

import numpy as np
import keras
import tensorflow as tf
from keras import ops

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

NORMALIZATIONS = ("keras", "gatys")
INITS = ("content", "style", "noise")
INTERPOLATIONS = {"nearest": 0, "bilinear": 2, "bicubic": 3, "lanczos": 1}  # PIL.Image resampling codes
#: Smallest height/width accepted: block5 features need 4 poolings of 2x2 to leave at least 1 pixel.
MIN_SIDE = 16


class WeightsUnavailableError(FileNotFoundError):
    """The ImageNet VGG19 weights are neither cached nor downloadable (e.g. offline)."""


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------
def load_image(image, height=None, width=None, interpolation="nearest", what="image"):
    """Reads an image into float32 RGB `(H, W, 3)` with values in [0, 255].

    Args:
        image: a file path, a PIL image, or an array / tensor `(H, W)`, `(H, W, C)` or
            `(1, H, W, C)` with C in {1 (grey), 2 (grey + alpha), 3 (RGB), 4 (RGBA)}.
            uint8 is taken as 0-255, uint16 (16-bit PNG) as 0-65535, floats as [0, 1] when their
            maximum is at most 1 and as [0, 255] otherwise. Grey is repeated to RGB; alpha is
            composited onto white; palette, CMYK, YCbCr ... files are converted to RGB.
        height: resize to this height (pixels); `width` defaults to the aspect-preserving
            `int(W * height / H)`, as in the Keras example. None keeps the size.
        width: resize to this width (with `height`).
        interpolation: "nearest" (what `keras.utils.load_img(target_size=...)` does, and so the
            lecture's setting), "bilinear", "bicubic" or "lanczos".
        what: how error messages name the image ("content image", ...).

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: an unreadable file, a batch of several images, an unsupported channel count
            or dtype, values out of range, or a result smaller than 16 pixels on a side.
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {sorted(INTERPOLATIONS)}; got {interpolation!r}.")
    from PIL import Image

    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The {what} {path!r} does not exist. Pass the path of an image file (PNG, JPEG ...).")
        try:
            with Image.open(path) as pil:
                pil.load()
                arr = _pil_to_array(pil, what)
        except (OSError, SyntaxError) as e:  # PIL.UnidentifiedImageError is an OSError
            raise ValueError(f"Could not read the {what} {path!r} as an image ({e}). Pass a PNG or JPEG file.") from e
    elif isinstance(image, Image.Image):
        arr = _pil_to_array(image, what)
    else:
        arr = _array_to_rgb(image, what)

    h, w = arr.shape[:2]
    if height is not None or width is not None:
        if height is None:
            height = max(1, int(h * width / w))
        if width is None:
            width = max(1, int(w * height / h))
        height, width = int(height), int(width)
        if (height, width) != (h, w):
            arr = _resize(arr, height, width, INTERPOLATIONS[interpolation])
    if min(arr.shape[:2]) < MIN_SIDE:
        raise ValueError(
            f"The {what} is {arr.shape[0]}x{arr.shape[1]} pixels; VGG19 needs at least {MIN_SIDE} on each side. "
            "Use a larger image or a larger height=."
        )
    return arr


def _pil_to_array(pil, what):
    mode = pil.mode
    if mode.startswith("I;16") or mode == "I":
        arr = np.asarray(pil).astype(np.float64)
        if mode.startswith("I;16"):
            arr = arr / 257.0
        elif arr.size and (arr.min() < 0 or arr.max() > 65535):
            raise ValueError(f"The {what} is a 32-bit integer image with values outside 0-65535; save it as 8- or 16-bit.")
        elif arr.size and arr.max() > 255:
            arr = arr / 257.0
        return _array_to_rgb(arr.astype(np.float32), what, scaled=True)
    if mode == "F":
        return _array_to_rgb(np.asarray(pil, dtype=np.float32), what)
    if mode == "P":
        pil = pil.convert("RGBA")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        pil = pil.convert("RGB")  # 1, CMYK, YCbCr, LAB, HSV, RGBX ...
    return _array_to_rgb(np.asarray(pil), what)


def _array_to_rgb(image, what, scaled=False):
    arr = np.asarray(image)
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(f"The {what} is a batch of {arr.shape[0]} images {arr.shape}; pass one image (H, W, C).")
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(
            f"The {what} has shape {arr.shape}; expected (H, W) or (H, W, C) with C = 1 (grey), 2 (grey + alpha), "
            "3 (RGB) or 4 (RGBA)."
        )
    if arr.size == 0:
        raise ValueError(f"The {what} is empty (shape {arr.shape}).")
    if scaled:
        x = arr.astype(np.float32)
    elif arr.dtype == np.uint8:
        x = arr.astype(np.float32)
    elif arr.dtype == np.uint16:
        x = arr.astype(np.float32) / 257.0
    elif arr.dtype == np.bool_:
        x = arr.astype(np.float32) * 255.0
    elif np.issubdtype(arr.dtype, np.integer):
        if arr.min() < 0 or arr.max() > 255:
            raise ValueError(
                f"The {what} is {arr.dtype} with values in [{arr.min()}, {arr.max()}]; expected 0-255. "
                "Convert it to uint8 (0-255) or uint16 (0-65535) first."
            )
        x = arr.astype(np.float32)
    elif np.issubdtype(arr.dtype, np.floating):
        x = arr.astype(np.float32)
        if not np.isfinite(x).all():
            raise ValueError(f"The {what} contains NaN or Inf values.")
        lo, hi = float(x.min()), float(x.max())
        if lo < 0 or hi > 255:
            raise ValueError(
                f"The {what} has float values in [{lo:g}, {hi:g}]; expected [0, 1] or [0, 255]. "
                "Rescale it (e.g. (x - x.min()) / (x.max() - x.min()))."
            )
        if hi <= 1.0:
            x = x * 255.0
    else:
        raise ValueError(f"The {what} has dtype {arr.dtype}; pass uint8, uint16 or float pixels.")
    channels = x.shape[-1]
    if channels in (2, 4):  # composite onto white
        alpha = x[..., -1:] / 255.0
        x = x[..., :-1] * alpha + 255.0 * (1.0 - alpha)
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    return np.ascontiguousarray(x, dtype=np.float32)


def _resize(arr, height, width, resample):
    from PIL import Image

    if height < 1 or width < 1:
        raise ValueError(f"Cannot resize to {height}x{width}.")
    channels = [np.asarray(Image.fromarray(arr[..., c], mode="F").resize((width, height), resample))
                for c in range(arr.shape[-1])]
    return np.clip(np.stack(channels, axis=-1), 0.0, 255.0).astype(np.float32)


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
# Losses (keras.ops; usable inside tf.function)
# ---------------------------------------------------------------------------------------------
def gram_matrix(features):
    """Gram matrix `G = F^T F` of feature maps `(H, W, C)` or `(1, H, W, C)`: shape `(C, C)`.

    `G[i, j]` is the inner product of the vectorised maps of filters i and j (unnormalised).
    """
    channels = ops.shape(features)[-1]
    f = ops.reshape(features, (-1, channels))
    return ops.matmul(ops.transpose(f), f)


def content_loss(target_features, features, normalization="keras"):
    """Sum of squared differences of two feature maps (`normalization="gatys"`: half of it)."""
    loss = ops.sum(ops.square(ops.convert_to_tensor(features) - target_features))
    return 0.5 * loss if normalization == "gatys" else loss


def style_loss(target_gram, features, normalization="keras", image_pixels=None):
    """Squared Gram difference between `features` and a precomputed style Gram, normalised.

    Args:
        target_gram: `(C, C)` Gram matrix of the style image at this layer.
        features: the generated image's features at this layer, `(1, H_l, W_l, C)`.
        normalization: `"keras"` divides by `4 * 3**2 * image_pixels**2` (the Keras example:
            3 channels and the image's pixel count, whatever the layer); `"gatys"` divides by
            `4 * N_l**2 * M_l**2` with N_l = C filters and M_l = H_l * W_l positions of the layer.
        image_pixels: H * W of the input image; required by `"keras"`.
    """
    diff = ops.sum(ops.square(gram_matrix(features) - target_gram))
    if normalization == "keras":
        if image_pixels is None:
            raise ValueError('normalization="keras" needs image_pixels (the input image\'s height * width).')
        return diff / (4.0 * 9.0 * float(image_pixels) ** 2)
    if normalization == "gatys":
        shape = ops.shape(features)
        n = ops.cast(shape[-1], "float32")
        m = ops.cast(shape[-2] * shape[-3], "float32")
        return diff / (4.0 * ops.square(n) * ops.square(m))
    raise ValueError(f"normalization must be one of {NORMALIZATIONS}; got {normalization!r}.")


def total_variation_loss(image, power=1.25):
    """Σ ((x[i, j] - x[i+1, j])² + (x[i, j] - x[i, j+1])²) ** power over the (H-1) x (W-1) grid.

    `image` is `(1, H, W, C)` or `(H, W, C)`. `power=1.25` is the Keras example's exponent; the
    lecture's formula is the plain sum of squares (`power=1`).
    """
    x = ops.convert_to_tensor(image)
    if len(x.shape) == 3:
        x = x[None]
    a = ops.square(x[:, :-1, :-1, :] - x[:, 1:, :-1, :])
    b = ops.square(x[:, :-1, :-1, :] - x[:, :-1, 1:, :])
    s = a + b
    return ops.sum(s if power == 1 else ops.power(s, power))


# ---------------------------------------------------------------------------------------------
# VGG19
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


def _can_reach(host="storage.googleapis.com", port=443, timeout=3.0):
    if os.environ.get("KERAS_GANS_OFFLINE"):
        return False
    import socket

    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


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
    if not os.path.isfile(path) and not _can_reach():
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


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------
def lecture_optimizer():
    """SGD with `ExponentialDecay(100, 100, 0.96)` (non-staircase), the Keras example's optimiser."""
    schedule = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=100.0, decay_steps=100,
                                                           decay_rate=0.96)
    return keras.optimizers.SGD(learning_rate=schedule)


#: Named optimisers accepted by `StyleTransfer.compile(optimizer=...)`.
OPTIMIZERS = {
    "sgd": lecture_optimizer,
    # Adam on raw pixel values (range ~ +-150): steps of a few pixel levels, whatever the loss
    # scale (useful with other weights or normalization="gatys"). With the default weights it did
    # NOT beat the SGD schedule on random VGG19 weights at 64 px (loss after 300 steps: SGD 256,
    # Adam(5) 755, Adam(10) 551; benchmarks/style_transfer_speed.py --compare-optimizers);
    # unchecked with ImageNet weights.
    "adam": lambda: keras.optimizers.Adam(learning_rate=5.0, beta_1=0.9, beta_2=0.999, epsilon=1e-1),
}


def _step_dataset():
    return tf.data.Dataset.from_tensors(tf.zeros((), tf.float32)).repeat()


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleTransfer(keras.Model):
    """Neural style transfer (Gatys, Ecker & Bethge, 2015) optimised with `model.fit`.

    Args:
        content_image, style_image: paths, PIL images or arrays (see :func:`load_image`: grey,
            RGBA, 16-bit and float images are converted). Both are resized to `height` x `width`.
        weights: VGG19 weights: `"imagenet"` (default; Keras' download and cache, a clear error
            when offline), a path to `vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`, `None`
            (seeded random weights, for tests), or a `keras.Model` feature extractor that takes
            VGG-preprocessed BGR images and has layers named as `content_layer`/`style_layers`.
        height: working height in pixels (default 400); `width` keeps the content's aspect ratio
            unless given. None keeps the content image's size.
        content_layer, style_layers: layer names of the feature extractor.
        content_weight, style_weight, tv_weight: loss weights (2.5e-8, 1e-6, 1e-6).
        tv_power: exponent of the total-variation term (1.25 as in the Keras example).
        style_layer_weights: per-layer weights of the style term, multiplied by `style_weight`;
            default `1 / len(style_layers)` each.
        normalization: `"keras"` (default, the example's, see the module docs) or `"gatys"`.
        pooling: `"max"` or `"avg"` (Gatys et al.'s choice).
        init: start image: `"content"` (default), `"style"`, `"noise"` (uniform pixel noise,
            Gatys et al.'s white noise, from `seed`), or an image.
        interpolation: resize filter, "nearest" (as `keras.utils.load_img`) by default.
        seed: seed of the random VGG19 weights (`weights=None`) and of `init="noise"`.

    Example (random weights run offline; with `weights="imagenet"` it is a real transfer):

    >>> import keras_gans as kg
    >>> from sklearn.datasets import load_sample_images
    >>> china, flower = load_sample_images().images
    >>> st = kg.models.StyleTransfer(china, flower, weights=None, height=64, seed=0)
    >>> st.compile()                  # the lecture's SGD + ExponentialDecay(100, 100, 0.96)
    >>> history = st.run(steps=20, log_every=10, verbose=0)
    >>> image = st.generated_image()  # uint8 (64, 95, 3)
    """

    def __init__(self, content_image=None, style_image=None, weights="imagenet", height=400, width=None,
                 content_layer=CONTENT_LAYER, style_layers=STYLE_LAYERS, content_weight=2.5e-8, style_weight=1e-6,
                 tv_weight=1e-6, tv_power=1.25, style_layer_weights=None, normalization="keras", pooling="max",
                 init="content", interpolation="nearest", seed=None, image_shape=None, **kwargs):
        super().__init__(**kwargs)
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}; got {normalization!r}.")
        if isinstance(init, str) and init not in INITS:
            raise ValueError(f"init must be one of {INITS} or an image; got {init!r}.")
        style_layers = (style_layers,) if isinstance(style_layers, str) else tuple(style_layers)
        if not style_layers:
            raise ValueError("style_layers is empty; name at least one layer (e.g. 'block1_conv1').")
        if style_layer_weights is None:
            style_layer_weights = [1.0 / len(style_layers)] * len(style_layers)
        style_layer_weights = [float(w) for w in style_layer_weights]
        if len(style_layer_weights) != len(style_layers):
            raise ValueError(f"style_layer_weights has {len(style_layer_weights)} values for "
                             f"{len(style_layers)} style layers; give one per layer.")
        for name, value in (("content_weight", content_weight), ("style_weight", style_weight),
                            ("tv_weight", tv_weight)):
            if not (float(value) >= 0 and math.isfinite(float(value))):
                raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")

        if content_image is None or style_image is None:
            if image_shape is None:
                raise ValueError("Pass content_image and style_image (paths, PIL images or arrays).")
            # Rebuilt from a config: placeholders; load_weights / load_model restores image and targets.
            height, width = int(image_shape[0]), int(image_shape[1])
            content = np.full((height, width, 3), 127.0, np.float32)
            style = content
        else:
            content = load_image(content_image, height=height, width=width, interpolation=interpolation,
                                 what="content image")
            height, width = content.shape[:2]
            style = load_image(style_image, height=height, width=width, interpolation=interpolation,
                               what="style image")

        # A user's model is kept as its config only: storing it as an attribute would track its
        # variables a second time (they are also the extractor's).
        self._weights_spec = (keras.saving.serialize_keras_object(weights) if isinstance(weights, keras.Model)
                              else os.fspath(weights) if isinstance(weights, os.PathLike) else weights)
        self.image_height, self.image_width = int(height), int(width)
        self.content_layer = content_layer
        self.style_layers = style_layers
        self.content_weight = float(content_weight)
        self.style_weight = float(style_weight)
        self.tv_weight = float(tv_weight)
        self.tv_power = float(tv_power)
        self.style_layer_weights = style_layer_weights
        self.normalization = normalization
        self.pooling = pooling
        self.init = init if isinstance(init, str) else "image"
        self.interpolation = interpolation
        self.seed = seed

        vgg = load_vgg19(weights, pooling=pooling, seed=seed)
        _check_input_size(vgg, self.image_height, self.image_width)
        self.extractor = feature_extractor(vgg, (content_layer,) + style_layers)
        self.extractor.trainable = False

        # Targets: computed once, kept in non-trainable variables (saved with the model).
        content_x = preprocess(content)[None]
        style_x = preprocess(style)[None]
        content_feats = self.extractor(content_x)[content_layer]
        style_feats = self.extractor(style_x)
        self.content_target = self.add_weight(shape=tuple(content_feats.shape), initializer="zeros",
                                              trainable=False, name="content_target")
        self.content_target.assign(content_feats)
        self.style_targets = []
        for i, name in enumerate(style_layers):
            gram = gram_matrix(style_feats[name])
            var = self.add_weight(shape=tuple(gram.shape), initializer="zeros", trainable=False,
                                  name=f"style_gram_{i}")
            var.assign(gram)
            self.style_targets.append(var)

        self.image = self.add_weight(shape=(1, self.image_height, self.image_width, 3), initializer="zeros",
                                     trainable=True, name="generated_image")
        self.image.assign(self.initial_image(init, content_x, style_x))
        self.built = True

    # ------------------------------------------------------------------ set-up
    def initial_image(self, init, content_x, style_x):
        """The starting point in VGG-input space `(1, H, W, 3)`."""
        if isinstance(init, str):
            if init == "content":
                return content_x
            if init == "style":
                return style_x
            rng = np.random.default_rng(self.seed)
            noise = rng.uniform(0.0, 255.0, size=(self.image_height, self.image_width, 3)).astype("float32")
            return preprocess(noise)[None]
        return preprocess(load_image(init, height=self.image_height, width=self.image_width,
                                     interpolation=self.interpolation, what="init image"))[None]

    def compile(self, optimizer="sgd", **kwargs):
        """Chooses the optimiser of the image.

        Args:
            optimizer: `"sgd"` (default: the lecture's SGD with ExponentialDecay(100, 100, 0.96)),
                `"adam"` (Adam(5.0), see :data:`OPTIMIZERS`), or any `keras.optimizers.Optimizer`.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`, `steps_per_execution` ...).
                `jit_compile` stays off by default: XLA was slower for this model on CPU.
        """
        kwargs.pop("loss", None)
        kwargs.pop("metrics", None)
        if isinstance(optimizer, str):
            if optimizer.lower() not in OPTIMIZERS:
                raise ValueError(f"Unknown optimizer {optimizer!r}; use one of {sorted(OPTIMIZERS)} "
                                 "or pass a keras.optimizers.Optimizer.")
            optimizer = OPTIMIZERS[optimizer.lower()]()
        elif isinstance(optimizer, dict):
            optimizer = keras.optimizers.deserialize(optimizer)
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build([self.image])

    def get_compile_config(self):
        if not getattr(self, "compiled", False) or getattr(self, "optimizer", None) is None:
            return None
        return {"optimizer": keras.saving.serialize_keras_object(self.optimizer),
                "steps_per_execution": self.steps_per_execution}

    def compile_from_config(self, config):
        self.compile(optimizer=keras.saving.deserialize_keras_object(config["optimizer"]),
                     steps_per_execution=config.get("steps_per_execution", 1))

    @property
    def metrics(self):
        # The step reports the current losses (not running means), so the progress bar and
        # History show the loss at that step, as the Keras example prints it.
        return []

    # ------------------------------------------------------------------ algorithm
    def compute_losses(self, image):
        """`{"loss", "content_loss", "style_loss", "tv_loss"}` (weighted) for a VGG-input image `(1, H, W, 3)`."""
        feats = self.extractor(image)
        content = self.content_weight * content_loss(self.content_target, feats[self.content_layer],
                                                     self.normalization)
        pixels = self.image_height * self.image_width
        style = 0.0
        for name, target, w in zip(self.style_layers, self.style_targets, self.style_layer_weights):
            style = style + (self.style_weight * w) * style_loss(target, feats[name], self.normalization, pixels)
        tv = self.tv_weight * total_variation_loss(image, self.tv_power)
        return {"loss": content + style + tv, "content_loss": content, "style_loss": style, "tv_loss": tv}

    def train_step(self, data):
        """One gradient step on the image: content + style + total variation (Gatys et al., 2015).

        The style Grams and content features are the fixed targets computed in `__init__`;
        only the generated image goes through VGG19. The reported losses are those of the image
        before this step's update (as the Keras example prints them).
        """
        del data  # a dummy: the image is the model's state
        with tf.GradientTape() as tape:
            losses = self.compute_losses(self.image)
        grads = tape.gradient(losses["loss"], [self.image])
        self.optimizer.apply(grads, [self.image])
        return losses

    def call(self, inputs=None, training=False):
        """The current generated image in VGG-input space `(1, H, W, 3)` (BGR, means subtracted)."""
        return ops.convert_to_tensor(self.image)

    # ------------------------------------------------------------------ driving fit
    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit` without data: each "batch" is one optimisation step of the image.

        `fit(epochs=40, steps_per_epoch=100)` runs 4,000 steps and logs the losses every 100.
        `steps_per_epoch` defaults to 100 when no data is given. Compiles with the defaults first
        if `compile()` was not called.
        """
        if x is None:
            x = _step_dataset()
            kwargs.setdefault("steps_per_epoch", 100)
            kwargs.setdefault("shuffle", False)
        if not self.compiled:
            self.compile()
        return super().fit(x, y, *args, **kwargs)

    def run(self, steps=4000, callbacks=None, log_every=100, verbose="auto"):
        """Runs `steps` optimisation steps through `fit`; returns its `History`.

        History (and the progress bar) record the losses every `log_every` steps: one Keras
        "epoch" is `log_every` steps (or the greatest common divisor of `steps` and `log_every`,
        so that exactly `steps` are run). Calling `run` again continues from the current image
        and learning-rate schedule.
        """
        steps, log_every = int(steps), int(log_every)
        if steps < 1 or log_every < 1:
            raise ValueError(f"steps and log_every must be positive; got steps={steps}, log_every={log_every}.")
        every = math.gcd(steps, log_every)
        return self.fit(epochs=steps // every, steps_per_epoch=every, callbacks=callbacks, verbose=verbose)

    @property
    def steps_done(self):
        """Optimisation steps taken so far (the optimiser's iteration count)."""
        return int(self.optimizer.iterations.numpy()) if self.compiled else 0

    def generated_image(self):
        """The current image as uint8 RGB `(H, W, 3)` (deprocessed: means added, BGR → RGB, clipped)."""
        return deprocess(self.image.numpy())

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "weights": self._weights_spec,
            "image_shape": (self.image_height, self.image_width),
            "content_layer": self.content_layer,
            "style_layers": list(self.style_layers),
            "content_weight": self.content_weight,
            "style_weight": self.style_weight,
            "tv_weight": self.tv_weight,
            "tv_power": self.tv_power,
            "style_layer_weights": list(self.style_layer_weights),
            "normalization": self.normalization,
            "pooling": self.pooling,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        """Rebuilds the model with placeholder images; `load_model` then restores image and targets."""
        config = dict(config)
        if isinstance(config.get("weights"), dict):
            config["weights"] = keras.saving.deserialize_keras_object(config["weights"])
        return cls(**config)


def _check_input_size(model, height, width):
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return
    if isinstance(shape, list):
        raise ValueError("The feature extractor must take one input (a batch of BGR images).")
    if len(shape) != 4 or shape[-1] not in (3, None):
        raise ValueError(f"The feature extractor takes inputs of shape {shape}; it must take (batch, H, W, 3) images.")
    fixed = shape[1:3]
    if None not in fixed and tuple(fixed) != (height, width):
        raise ValueError(
            f"The feature extractor takes {fixed[0]}x{fixed[1]} images but the working size is {height}x{width}. "
            f"Pass height={fixed[0]}, width={fixed[1]} or build the extractor with input shape (None, None, 3)."
        )
