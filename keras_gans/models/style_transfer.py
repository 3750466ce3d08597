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

from keras_gans.models.common import deserialize_networks
from keras_gans.models.presets import PresetMixin
from keras_gans.losses.style import NORMALIZATIONS, content_loss, gram_matrix, style_loss, total_variation_loss
from keras_gans.networks.vgg import (
    CONTENT_LAYER,
    STYLE_LAYERS,
    deprocess,
    feature_extractor,
    load_vgg19,
    preprocess,
)
from keras_gans.training import precision
from keras_gans.utils.images import as_float32, load_image

INITS = ("content", "style", "noise")

#: Helpers that lived in this module before VGG19 and image reading got their own homes; still
#: importable from here (`from keras_gans.models.style_transfer import vgg19_weights_path`).
_MOVED = {
    **dict.fromkeys(("IMAGENET_BGR_MEAN", "VGG19_WEIGHTS_FILE", "VGG19_WEIGHTS_URL", "VGG19_WEIGHTS_MD5",
                     "VGG19_WEIGHTS_SIZE", "WeightsUnavailableError", "vgg19_weights_path"),
                    "keras_gans.networks.vgg"),
    **dict.fromkeys(("INTERPOLATIONS", "MIN_SIDE"), "keras_gans.utils.images"),
}


def __getattr__(name):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
class StyleTransfer(PresetMixin, keras.Model):
    """Neural style transfer (Gatys, Ecker & Bethge, 2015) optimised with `model.fit`.

    Args:
        content_image, style_image: paths, PIL images or arrays (see
            :func:`keras_gans.utils.images.load_image`: grey, RGBA, 16-bit and float images are
            converted). Both are resized to `height` x `width`.
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
        dtype_policy: `"float32"`, `"mixed_bfloat16"` or `"mixed_float16"` for VGG19 (default: the
            global policy); the image, the targets and the losses stay float32.

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
                 init="content", interpolation="nearest", seed=None, image_shape=None, dtype_policy=None, **kwargs):
        super().__init__(dtype=precision.model_policy(dtype_policy, kwargs), **kwargs)
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
        # VGG in the policy's compute dtype, its feature maps (deep in the network) cast where they are used
        precision.apply_model_policy(self, float32_outputs=False)

        # Targets: computed once, kept in non-trainable variables (saved with the model).
        content_x = preprocess(content)[None]
        style_x = preprocess(style)[None]
        content_feats = self.features(content_x)[content_layer]
        style_feats = self.features(style_x)
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
    def features(self, image):
        """VGG19's feature maps of a VGG-input image, `{layer name: float32 tensor}` under every dtype policy."""
        return {name: as_float32(value) for name, value in self.extractor(image).items()}

    def compute_losses(self, image):
        """`{"loss", "content_loss", "style_loss", "tv_loss"}` (weighted) for a VGG-input image `(1, H, W, 3)`."""
        feats = self.features(image)
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
        grads = precision.gradients(tape, losses["loss"], [self.image], self.optimizer)
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
            "dtype_policy": self.dtype_policy.name,
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
        return cls(**deserialize_networks(config, ("weights",)))


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
