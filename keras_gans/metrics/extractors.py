"""Feature extractors for FID / KID / IS: the shipped MNIST and MNIST-M classifiers, InceptionV3, your own.

An extractor turns a batch of images into feature vectors (`features`) and, if it is a
classifier, into class probabilities (`probabilities`, for the Inception Score). It also
records how it preprocesses images (`protocol`), so every number says how it was measured.

All extractors take images as this package writes them: floats in [-1, 1] (uint8 [0, 255]
is accepted and rescaled), shape (N, H, W, C) or (N, H, W).
"""
import hashlib
import os

import numpy as np
import keras
from keras import ops

from keras_gans.metrics import mnist, mnistm
from keras_gans.models.common import deserialize_network
from keras_gans.utils.online import can_reach

GREY_WEIGHTS = (0.299, 0.587, 0.114)  # ITU-R BT.601 luma (sums to 1: grey -> RGB -> grey is exact)


def prepare_images(images, size=None, channels=None, check_range=True):
    """Brings images to what an extractor expects: float32 in [-1, 1], `size`, `channels`.

    - uint8 images are mapped from [0, 255] to [-1, 1]; float images must already be in [-1, 1].
    - (N, H, W) becomes (N, H, W, 1).
    - channels: RGB → grey with the BT.601 weights (0.299, 0.587, 0.114); grey → RGB by
      repeating the channel; an alpha channel is dropped.
    - size: `(height, width)`; other sizes are resized with bilinear interpolation, antialiased
      when shrinking (`keras.ops.image.resize(..., antialias=True)`).

    Raises:
        ValueError: not a batch of images, or floats outside [-1, 1] (e.g. [0, 1] or [0, 255]).
    """
    if isinstance(images, np.ndarray) and images.dtype == np.uint8:
        images = images.astype("float32") / 127.5 - 1.0
    x = ops.convert_to_tensor(images)
    if x.dtype == "uint8":
        x = ops.cast(x, "float32") / 127.5 - 1.0
    x = ops.cast(x, "float32")
    if len(x.shape) == 3:
        if x.shape[-1] in (3, 4) and x.shape[1] > 4:
            raise ValueError(
                f"Got one array of shape {tuple(x.shape)}: that looks like a single (H, W, C) image, not a batch. "
                "Add a batch axis (images[None]); grey batches may be (N, H, W)."
            )
        x = x[..., None]
    if len(x.shape) != 4 or x.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"Expected a batch of images (N, H, W, C) with 1, 3 or 4 channels; got shape {tuple(x.shape)}. "
            "Add a batch axis for a single image (images[None])."
        )
    if check_range and int(x.shape[0]) > 0:
        lo, hi = float(ops.convert_to_numpy(ops.min(x))), float(ops.convert_to_numpy(ops.max(x)))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError("The images contain NaN or Inf pixels.")
        if lo < -1.001 or hi > 1.001:
            raise ValueError(
                f"Image values lie in [{lo:g}, {hi:g}]; expected floats in [-1, 1] (a tanh generator's range). "
                "Scale 0-255 images with `x / 127.5 - 1` (or pass uint8), and [0, 1] images with `2 * x - 1`."
            )
    if x.shape[-1] == 4:
        x = x[..., :3]
    if channels == 1 and x.shape[-1] == 3:
        w = ops.convert_to_tensor(np.asarray(GREY_WEIGHTS, "float32"))
        x = ops.sum(x * w, axis=-1, keepdims=True)
    elif channels == 3 and x.shape[-1] == 1:
        x = ops.repeat(x, 3, axis=-1)
    if size is not None and tuple(x.shape[1:3]) != tuple(size):
        shrink = x.shape[1] > size[0] or x.shape[2] > size[1]
        x = ops.image.resize(x, tuple(size), interpolation="bilinear", antialias=bool(shrink))
        x = ops.clip(x, -1.0, 1.0)
    return x


def resize_note(shape, size, what="samples"):
    """What :func:`prepare_images` does to images of `shape` (N, H, W[, C]) for an extractor input of `size`
    (H', W'), in words for a protocol: e.g. "32×32 samples resized (bilinear, antialiased) to 28×28"; None when
    it keeps their size (same size, or an extractor that takes any size)."""
    if size is None or len(shape) < 3 or tuple(int(d) for d in shape[1:3]) == tuple(int(d) for d in size):
        return None
    height, width = int(shape[1]), int(shape[2])
    shrink = height > size[0] or width > size[1]
    return (f"{height}×{width} {what} resized (bilinear{', antialiased' if shrink else ''}) "
            f"to {int(size[0])}×{int(size[1])}")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class FeatureExtractor:
    """Base class: a feature network, an optional classifier head, and the preprocessing protocol.

    Subclasses set `name`, `feature_dim`, `num_classes` (None if not a classifier), `image_size`
    and `channels`, and implement `_outputs(images) -> (features, probabilities)` on prepared
    images.
    """

    name = "extractor"
    feature_dim = None
    num_classes = None
    image_size = None
    channels = None

    def prepare(self, images):
        return prepare_images(images, self.image_size, self.channels)

    def features(self, images, batch_size=500):
        """(N, feature_dim) float32 tensor of features of `images` (any size/channels; see `prepare_images`)."""
        return self._batched(images, batch_size)[0]

    def probabilities(self, images, batch_size=500):
        """(N, num_classes) float32 tensor of class probabilities (for the Inception Score)."""
        if not self.num_classes:
            raise ValueError(f"The {self.name!r} extractor is not a classifier; the Inception Score needs one "
                             "(use 'mnist', 'mnistm' or 'inception_v3').")
        return self._batched(images, batch_size)[1]

    def features_and_probabilities(self, images, batch_size=500):
        return self._batched(images, batch_size)

    #: True when `_outputs` is a Keras model call that TensorFlow can compile: the images then pass through
    #: the extractor in one compiled call (:meth:`_graph_pass`) instead of one eager call per batch.
    graph_pass = True

    def _batched(self, images, batch_size):
        n = int(images.shape[0])
        if n and self.graph_pass and keras.backend.backend() == "tensorflow":
            return self._graph_pass(images, batch_size)
        return self._eager_batches(images, batch_size)

    def _graph_pass(self, images, batch_size):
        """Features (and probabilities) of all `images` from one call of a `tf.function` that loops over the
        batches inside the graph: the input is checked once (shape, range) up front, and each batch is
        resized/converted and run through the network with no Python in between. Same numbers as
        :meth:`_eager_batches` (same batches, same preprocessing), to float32 round-off."""
        import tensorflow as tf

        x = prepare_images(images)  # float32 in [-1, 1], checked once; channels and size are done per batch
        passes = self.__dict__.setdefault("_compiled_passes", {})
        shape = tuple(int(d) for d in x.shape[1:])
        if shape not in passes:  # one function per image shape, any number of images and any batch size
            size, channels = self.image_size, self.channels

            @tf.function(input_signature=[tf.TensorSpec((None,) + shape, tf.float32), tf.TensorSpec((), tf.int32)])
            def compiled_pass(x, batch_size):
                n = tf.shape(x)[0]
                steps = (n + batch_size - 1) // batch_size
                feats = tf.TensorArray(tf.float32, size=steps, infer_shape=False)
                probs = tf.TensorArray(tf.float32, size=steps, infer_shape=False)
                for i in tf.range(steps):
                    batch = x[i * batch_size:(i + 1) * batch_size]
                    f, p = self._outputs(prepare_images(batch, size, channels, check_range=False))
                    feats = feats.write(i, tf.cast(f, tf.float32))
                    probs = probs.write(i, tf.cast(f if p is None else p, tf.float32))
                return feats.concat(), probs.concat()

            passes[shape] = compiled_pass
        f, p = passes[shape](x, tf.constant(int(batch_size), tf.int32))
        return f, (p if self.num_classes or getattr(self, "is_classifier", False) else None)

    def _eager_batches(self, images, batch_size):
        """The per-batch Python loop (any backend, any callable): prepare and run one batch at a time."""
        n = int(images.shape[0])
        feats, probs = [], []
        for start in range(0, n, batch_size):
            f, p = self._outputs(self.prepare(images[start:start + batch_size]))
            feats.append(ops.cast(f, "float32"))
            if p is not None:
                probs.append(ops.cast(p, "float32"))
        if not feats:
            raise ValueError("No images given: pass at least one image.")
        f = ops.concatenate(feats, axis=0) if len(feats) > 1 else feats[0]
        p = (ops.concatenate(probs, axis=0) if len(probs) > 1 else probs[0]) if probs else None
        return f, p

    def _outputs(self, images):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def protocol(self):
        """What a reported number depends on: extractor, feature layer, input size, resize, channels."""
        return {"extractor": self.name, "feature_dim": self.feature_dim, "input_size": self.image_size,
                "channels": self.channels, "resize": "bilinear (antialiased when shrinking) to input_size",
                "input_range": "[-1, 1]"}

    def get_config(self):
        return self.name


class MNISTExtractor(FeatureExtractor):
    """The shipped MNIST classifier (offline): 128-d penultimate features, softmax over 10 digits.

    Gives "FID-MNIST", "KID-MNIST" and "IS-MNIST". Images are converted to 28×28 grey
    (RGB → grey with BT.601 weights, bilinear resize) before the classifier. Numbers are only
    comparable with numbers from the same weights (the protocol records their sha256).

    >>> ext = MNISTExtractor()
    >>> images, _ = keras_gans.data.load_arrays("mnist-5k", split="test")
    >>> ext.features(images).shape
    TensorShape([500, 128])
    """

    name = "mnist"
    feature_dim = mnist.FEATURE_DIM
    num_classes = mnist.NUM_CLASSES
    image_size = (28, 28)
    channels = 1

    def __init__(self, weights="shipped"):
        self.weights = weights
        classifier = mnist.shared_mnist_classifier() if weights == "shipped" else mnist.mnist_classifier(weights)
        self.classifier = classifier
        self.model = keras.Model(classifier.inputs,
                                 [classifier.get_layer(mnist.FEATURES_LAYER).output, classifier.outputs[0]],
                                 name="mnist_features")

    def _outputs(self, images):
        f, p = self.model(images, training=False)
        return f, p

    @property
    def protocol(self):
        path = mnist.weights_path() if self.weights == "shipped" else os.fspath(self.weights)
        out = super().protocol
        out.update(extractor="mnist_classifier (keras_gans; penultimate 128-d ReLU features, 10-way softmax)",
                   weights_sha256=_sha256(path)[:16] if os.path.exists(path) else None,
                   channels="grey (RGB -> BT.601 luma)")
        return out


class MNISTMExtractor(FeatureExtractor):
    """The shipped MNIST-M classifier (offline): 128-d penultimate features, softmax over 10 digits.

    Gives "FID-MNIST-M", "KID-MNIST-M" and "IS-MNIST-M", for image-to-image models whose outputs
    are MNIST-M-style colour digits (pix2pix and CycleGAN on `mnist2mnistm-*`). Images are
    brought to 32×32 RGB (grey channels repeated, bilinear resize, uint8 rescaled to [-1, 1])
    before the classifier. Compare against real MNIST-M images, e.g. the 500 held-out
    `load_arrays("mnist-m", split="test")` images (never used to train the classifier).
    Numbers are only comparable with numbers from the same weights (the protocol records their sha256).

    >>> ext = MNISTMExtractor()                               # or get_extractor("mnistm")
    >>> images, _ = keras_gans.data.load_arrays("mnist-m", split="test")
    >>> ext.features(images).shape
    TensorShape([500, 128])
    """

    name = "mnistm"
    feature_dim = mnistm.FEATURE_DIM
    num_classes = mnistm.NUM_CLASSES
    image_size = (32, 32)
    channels = 3

    def __init__(self, weights="shipped"):
        self.weights = weights
        classifier = (mnistm.shared_mnistm_classifier() if weights == "shipped"
                      else mnistm.mnistm_classifier(weights))
        self.classifier = classifier
        self.model = keras.Model(classifier.inputs,
                                 [classifier.get_layer(mnistm.FEATURES_LAYER).output, classifier.outputs[0]],
                                 name="mnistm_features")

    def _outputs(self, images):
        f, p = self.model(images, training=False)
        return f, p

    @property
    def protocol(self):
        path = mnistm.weights_path() if self.weights == "shipped" else os.fspath(self.weights)
        out = super().protocol
        out.update(extractor="mnistm_classifier (keras_gans; penultimate 128-d ReLU features, 10-way softmax)",
                   weights_sha256=_sha256(path)[:16] if os.path.exists(path) else None,
                   channels="RGB (grey repeated)")
        return out


INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"


class InceptionV3Extractor(FeatureExtractor):
    """`keras.applications.InceptionV3` with ImageNet weights: the usual FID / KID / IS backbone.

    Protocol: images in [-1, 1] (which is exactly InceptionV3's `preprocess_input` range) are
    converted to RGB (grey channels repeated), resized to 299×299 with bilinear interpolation
    (antialiased when shrinking), and passed through the network with its classifier top.
    Features are the 2048-d global-average-pooled output of the last Inception block
    (layer `avg_pool`, the "pool3" features of Heusel et al. 2017); probabilities are the
    1000-way ImageNet softmax (Salimans et al. 2016 used a 1008-way TF graph).

    These are Keras' ImageNet weights, not the 2015 TF graph used by the reference FID code (and
    resizing differs too, see clean-fid), so absolute numbers differ from published ones; compare
    numbers measured with the same protocol only.

    The weights (~92 MB) are downloaded by Keras on first use into `~/.keras/models`. Without
    internet and without a cached copy, construction fails with a `ConnectionError` naming the
    file; pass `weights=` a local `.h5` path, or use the offline `MNISTExtractor`.

    >>> ext = InceptionV3Extractor()            # needs the ImageNet weights (download or cache)
    >>> ext.features(images).shape              # doctest: +SKIP
    TensorShape([16, 2048])
    """

    name = "inception_v3"
    feature_dim = 2048
    num_classes = 1000
    image_size = (299, 299)
    channels = 3

    def __init__(self, weights="imagenet"):
        self.weights = weights
        if weights == "imagenet":
            cached = os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")), "models",
                                  INCEPTION_WEIGHTS_FILE)
            if not os.path.exists(cached) and not can_reach():
                raise ConnectionError(
                    f"InceptionV3's ImageNet weights are not cached ({cached}) and the download server cannot be "
                    "reached. Copy that file there from a machine with internet, pass "
                    "InceptionV3Extractor(weights='/path/to/" + INCEPTION_WEIGHTS_FILE + "'), or use the offline "
                    "extractor 'mnist' (FID-MNIST)."
                )
        elif weights is not None and not os.path.exists(os.fspath(weights)):
            raise FileNotFoundError(f"No InceptionV3 weights file {weights!r}. Pass 'imagenet', None or an existing .h5 file.")
        try:
            net = keras.applications.InceptionV3(include_top=True, weights=weights)
        except Exception as e:  # a failed download surfaces as a generic Exception in keras.utils.get_file
            if weights == "imagenet":
                raise ConnectionError(
                    f"Could not download InceptionV3's ImageNet weights ({type(e).__name__}: {e}). Check the "
                    "internet connection, or pass weights='/path/to/" + INCEPTION_WEIGHTS_FILE + "', or use 'mnist'."
                ) from e
            raise
        self.model = keras.Model(net.inputs, [net.get_layer("avg_pool").output, net.outputs[0]], name="inception_features")

    def _outputs(self, images):
        return self.model(images, training=False)

    @property
    def protocol(self):
        out = super().protocol
        out.update(extractor=f"keras.applications.InceptionV3 (weights={self.weights}; avg_pool 2048-d, 1000-way softmax)",
                   channels="RGB (grey repeated)")
        return out


class CallableExtractor(FeatureExtractor):
    """Wraps your own feature network: any `keras.Model` or callable `images -> features`.

    Args:
        fn: maps prepared images (float32 in [-1, 1], `image_size`, `channels`) to (N, d) features,
            or to softmax probabilities if you want the Inception Score from it.
        feature_dim: d (read from a `keras.Model`'s output shape when omitted).
        image_size, channels: what `fn` expects; images are converted to them first (None = as given).
        is_classifier: True if `fn` returns probabilities (then IS can use it).
        name: recorded in the protocol.

    >>> net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    >>> fid = FrechetInceptionDistance(extractor=net)       # pixel-space "FID"
    """

    def __init__(self, fn, feature_dim=None, image_size=None, channels=None, is_classifier=False, name=None):
        if not callable(fn):
            raise ValueError(f"A feature extractor must be callable (a keras.Model or a function); got {type(fn).__name__}.")
        self.fn = fn
        if feature_dim is None and isinstance(fn, keras.Model):
            shape = fn.output_shape
            if isinstance(shape, tuple) and len(shape) == 2:
                feature_dim = shape[-1]
        if image_size is None and isinstance(fn, keras.Model):
            shape = fn.input_shape
            if isinstance(shape, tuple) and len(shape) == 4 and shape[1] and shape[2]:
                image_size = (int(shape[1]), int(shape[2]))
                channels = channels or shape[3]
        self.feature_dim = None if feature_dim is None else int(feature_dim)
        self.image_size = None if image_size is None else tuple(image_size)
        self.channels = channels
        self.is_classifier = bool(is_classifier)
        self.num_classes = self.feature_dim if is_classifier else None
        # a plain Python callable may use numpy or eager-only code: it keeps the per-batch loop
        self.graph_pass = isinstance(fn, keras.Model)
        self.name = name or getattr(fn, "name", None) or getattr(fn, "__name__", "custom")

    def _outputs(self, images):
        out = self.fn(images)
        if len(out.shape) != 2:
            out = ops.reshape(out, (out.shape[0], -1))
        return out, (out if self.is_classifier else None)

    def get_config(self):
        if isinstance(self.fn, keras.Model):
            return {"model": keras.saving.serialize_keras_object(self.fn), "feature_dim": self.feature_dim,
                    "image_size": self.image_size, "channels": self.channels,
                    "is_classifier": self.is_classifier, "name": self.name}
        raise ValueError("A metric with a plain-function extractor cannot be serialised; wrap the function in a "
                         "keras.Model or use 'mnist' / 'inception_v3'.")


EXTRACTORS = {"mnist": MNISTExtractor, "mnistm": MNISTMExtractor, "inception_v3": InceptionV3Extractor}
#: Other spellings accepted by :func:`get_extractor` (the dataset is registered as "mnist-m").
ALIASES = {"mnist-m": "mnistm", "mnist_m": "mnistm"}
_INSTANCES = {}


def get_extractor(extractor="mnist"):
    """An extractor from a name (`"mnist"`, `"mnistm"`, `"inception_v3"`), an extractor, a keras.Model or a callable.

    Named extractors are built once per process and shared. `"mnist-m"` is accepted for `"mnistm"`.
    """
    if isinstance(extractor, FeatureExtractor):
        return extractor
    if isinstance(extractor, str):
        extractor = ALIASES.get(extractor, extractor)
        if extractor not in EXTRACTORS:
            raise ValueError(f"Unknown feature extractor {extractor!r}. Use one of {sorted(EXTRACTORS)}, "
                             "a keras.Model or a callable.")
        if extractor not in _INSTANCES:
            _INSTANCES[extractor] = EXTRACTORS[extractor]()
        return _INSTANCES[extractor]
    if isinstance(extractor, dict) and "model" in extractor:
        config = dict(extractor)
        model = deserialize_network(config.pop("model"))  # a copy: Keras empties the nested config it rebuilds
        return CallableExtractor(model, **config)
    if callable(extractor):
        return CallableExtractor(extractor)
    raise ValueError(f"Cannot use {extractor!r} as a feature extractor. Use 'mnist', 'mnistm', 'inception_v3', "
                     "a keras.Model or a callable.")
