"""SRGAN (Ledig et al., "Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial
Network", CVPR 2017) and its MSE-trained generator, SRResNet.

The networks are in :mod:`keras_gans.networks.srgan_nets`, the sub-pixel layer in
:mod:`keras_gans.layers.pixel_shuffle`, VGG19 in :mod:`keras_gans.networks.vgg`. The model trains on
batches of (low-res, high-res) pairs (`kg.data.super_resolution_dataset` makes them from mnist-5k,
MNIST-M or the shipped photos) and is scored against the bicubic baseline by
`kg.metrics.evaluate_super_resolution`.
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.export import check_format, export_image_to_image
from keras_gans.losses.image import mse_loss
from keras_gans.models.common import deserialize_networks
from keras_gans.models.multi_network import MultiNetworkGAN, as_model_images, check_links, run_network
from keras_gans.networks import vgg
from keras_gans.utils import checks
from keras_gans.utils.resize import bicubic_upscale

__all__ = ["SRGAN", "CONTENT_KINDS", "VGG_LAYER", "VGG_SCALE"]

#: The named content losses; a `keras.Model` feature extractor is the third kind.
CONTENT_KINDS = ("pixels", "vgg")
#: SRGAN-VGG54: the feature map of the 4th convolution before the 5th max pooling of VGG19.
VGG_LAYER = "block5_conv4"
#: The paper rescales VGG features by 1/12.75 "to obtain VGG losses of a scale comparable to the MSE loss".
VGG_SCALE = 1.0 / 12.75


@keras.saving.register_keras_serializable(package="keras_gans")
class SRGAN(MultiNetworkGAN):
    """Super-resolution GAN (Ledig et al. 2017): low-resolution images → `scale`× larger ones.

    The generator (SRResNet: residual blocks with batch norm and PReLU, sub-pixel upsampling) minimises
    the *perceptual loss*

        l_SR = l_content(G(x_LR), x_HR) + 10⁻³ · l_adv(D(G(x_LR)))

    and the discriminator (strided convolutions → one logit) tells real high-resolution images from
    G's. The content loss is, by `content`:

    - `"pixels"` (default; runs offline): the pixel MSE — the paper's SRGAN-MSE;
    - `"vgg"`: the MSE of VGG19 `block5_conv4` feature maps scaled by 1/12.75 — the paper's SRGAN-VGG54,
      which needs the ImageNet VGG19 weights (Keras downloads them once; offline, a clear
      :class:`~keras_gans.networks.vgg.WeightsUnavailableError`);
    - a `keras.Model`: the MSE of its outputs on images in [-1, 1] at the high-resolution size (frozen;
      e.g. a truncated classifier — `keras-gans train srgan --content mnistm` uses the shipped MNIST-M
      classifier's convolutions). :attr:`content_description` says in words which one a model uses.

    **Pre-training** (SRResNet): with `pretrain=True` each step updates the generator alone on the pixel
    MSE, as the paper's SRResNet, which also initialises its SRGAN. Set `model.pretrain = False` and
    `fit` again to continue as a GAN (the next `fit` traces the GAN step).

    Defaults follow the paper: Adam(1e-4, β1 = 0.9) for both networks, the non-saturating GAN loss
    (−log D(G(x)) for G), adversarial weight 10⁻³, ×4 with 16 residual blocks of 64 filters, a
    discriminator of 8 convolutions (64 → 512 filters) and Dense(1024). Images in [-1, 1] at both sizes
    (the paper feeds low-resolution images in [0, 1]).

    Args:
        generator, discriminator: networks (built from the arguments below when omitted): the generator
            maps `lowres_shape` to `scale`× larger images, the discriminator those to one logit.
        lowres_shape: (height, width, channels) of the low-resolution inputs.
        scale: the upscaling factor (4 in the paper; 2, 3, 8 also build).
        filters, num_residual_blocks: the generator's width and depth (64 and 16 in the paper).
        discriminator_filters, discriminator_downsampling, dense_units: the discriminator's first width,
            its (stride 1, stride 2) convolution pairs and its dense layer (64, 4, 1024 in the paper).
        content: `"pixels"`, `"vgg"` or a `keras.Model` feature extractor (see above).
        adversarial_weight: weight of the adversarial term (10⁻³ in the paper).
        pretrain: train the generator alone on the pixel MSE (SRResNet).

    Example (8×8 MNIST-M digits → 32×32, offline):

    >>> import keras_gans as kg
    >>> ds = kg.data.super_resolution_dataset("mnist-m", scale=4, batch_size=16)   # (8×8, 32×32) pairs
    >>> sr = kg.models.SRGAN(lowres_shape=(8, 8, 3), filters=32, num_residual_blocks=4,
    ...                      discriminator_filters=32, discriminator_downsampling=3, dense_units=256, pretrain=True)
    >>> sr.compile()
    >>> sr.fit(ds, epochs=1, steps_per_epoch=20)          # SRResNet: MSE only
    >>> sr.pretrain = False
    >>> sr.fit(ds, epochs=1, steps_per_epoch=20)          # SRGAN
    >>> lowres, highres = next(iter(ds))
    >>> sr.upscale(lowres).shape                          # float32 in [-1, 1]
    (16, 32, 32, 3)
    """

    metric_names = ("d_loss", "g_loss", "content_loss", "adv_loss", "mse")
    default_loss = "non_saturating"

    def __init__(self, generator=None, discriminator=None, lowres_shape=(24, 24, 3), scale=4, filters=64,
                 num_residual_blocks=16, discriminator_filters=64, discriminator_downsampling=4, dense_units=1024,
                 content="pixels", adversarial_weight=1e-3, pretrain=False, seed=None, **kwargs):
        from keras_gans import networks

        lowres_shape = checks.image_shape(lowres_shape, "lowres_shape")
        scale = checks.integer(scale, "scale", low=2, fix="The paper upscales by 4.")
        adversarial_weight = checks.non_negative(adversarial_weight, "adversarial_weight", fix="The paper uses 1e-3.")
        generator = generator or networks.srresnet_generator(lowres_shape, scale=scale, filters=filters,
                                                             num_residual_blocks=num_residual_blocks, name="generator")
        in_shape = tuple(int(d) for d in generator.input_shape[1:])
        out_shape = tuple(int(d) for d in generator.output_shape[1:])
        if out_shape[:2] != (in_shape[0] * scale, in_shape[1] * scale):
            raise ValueError(
                f"The generator maps {in_shape} to {out_shape}, not to {scale}× the size "
                f"({(in_shape[0] * scale, in_shape[1] * scale)}). Pass scale={out_shape[0] // max(in_shape[0], 1)} "
                "or a generator that upscales by `scale`."
            )
        discriminator = discriminator or networks.srgan_discriminator(
            out_shape, filters=discriminator_filters, num_downsampling=discriminator_downsampling,
            dense_units=dense_units, name="discriminator")
        check_links([("generator output", (None,) + out_shape, "discriminator input", discriminator.input_shape)])
        super().__init__(generator, discriminator, seed=seed, **kwargs)  # no latent space: latent_dim None
        self.shape_a, self.shape_b = in_shape, out_shape
        self.lowres_shape, self.scale = lowres_shape, scale
        self.filters, self.num_residual_blocks = int(filters), int(num_residual_blocks)
        self.discriminator_filters, self.discriminator_downsampling = (int(discriminator_filters),
                                                                       int(discriminator_downsampling))
        self.dense_units = int(dense_units)
        self.adversarial_weight = float(adversarial_weight)
        self.content, self.content_network = self._content(content, out_shape)
        self._pretrain = bool(pretrain)
        self.built = True

    def _content(self, content, highres_shape):
        """`(kind, feature network or None)` for the `content` argument; ValueError naming the choices."""
        if isinstance(content, keras.Model):
            expected = tuple(content.input_shape[1:]) if not isinstance(content.input_shape, list) else None
            if expected is None or any(e is not None and e != g for e, g in zip(expected, highres_shape)) \
                    or len(expected) != len(highres_shape):
                raise ValueError(
                    f"The content network takes inputs of shape {content.input_shape}, but it is given the generator's "
                    f"high-resolution images of shape {(None,) + highres_shape}. Pass a feature extractor with one "
                    "image input of that size (e.g. a classifier cut at a convolution)."
                )
            content.trainable = False
            return "network", content
        if content == "vgg":
            if highres_shape[-1] != 3:
                raise ValueError(f"content='vgg' needs RGB images; these have {highres_shape[-1]} channel(s). "
                                 "Use content='pixels'.")
            net = vgg.feature_extractor(vgg.load_vgg19("imagenet"), (VGG_LAYER,))
            return "vgg", net
        if content == "pixels":
            return "pixels", None
        raise ValueError(f"content must be one of {CONTENT_KINDS} or a keras.Model feature extractor; got {content!r}.")

    @property
    def content_description(self):
        """Which content loss this model uses, in words."""
        if self.content == "pixels":
            return "pixel MSE (the paper's SRGAN-MSE; no feature network)"
        if self.content == "vgg":
            return f"MSE of ImageNet VGG19 {VGG_LAYER} features / 12.75 (the paper's SRGAN-VGG54)"
        return f"MSE of the features of {self.content_network.name!r} (a user-given network, frozen)"

    @property
    def pretrain(self):
        """True: each step trains the generator alone on the pixel MSE (SRResNet pre-training)."""
        return self._pretrain

    @pretrain.setter
    def pretrain(self, value):
        self._pretrain = bool(value)
        self.train_function = None  # the next fit traces the step of the new phase

    @property
    def trains_discriminator(self):
        """False during SRResNet pre-training (the generator alone; `d_loss` is then reported as 0)."""
        return not self.pretrain

    # ------------------------------------------------------------------ the algorithm
    def content_loss(self, highres, fake):
        """l_content: pixel MSE, or the MSE of the content network's features (VGG: on its input format, /12.75)."""
        if self.content == "pixels":
            return mse_loss(highres, fake)
        if self.content == "vgg":
            real_f = self.content_network(vgg_input(highres), training=False)[VGG_LAYER]
            fake_f = self.content_network(vgg_input(fake), training=False)[VGG_LAYER]
            return mse_loss(VGG_SCALE * ops.cast(real_f, "float32"), VGG_SCALE * ops.cast(fake_f, "float32"))
        return mse_loss(self.content_network(highres, training=False), self.content_network(fake, training=False))

    def train_step(self, data):
        """One SRGAN iteration (Ledig et al. 2017, §2.2): D and G from one forward pass of G; or an SRResNet step."""
        lowres, highres = self.unpack_pair(data)
        if self.pretrain:  # SRResNet: the generator alone, pixel MSE
            with tf.GradientTape() as tape:
                mse = mse_loss(highres, self.generator(lowres, training=True))
            self.apply_update(self.g_optimizer, tape, mse, self.g_weights)
            return self.track(g_loss=mse, content_loss=mse, mse=mse)

        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(lowres, training=True)
            real_logits = self.discriminator(highres, training=True)
            fake_logits = self.discriminator(fake, training=True)
            # 1. Discriminator: real high-resolution images towards "real", G's towards "fake".
            d_loss = self.gan_loss.discriminator(real_logits, fake_logits)
            # 2. Generator: the perceptual loss, content + 10⁻³ · adversarial.
            content = self.content_loss(highres, fake)
            adv = self.gan_loss.generator(fake_logits, real_logits)
            g_loss = content + self.adversarial_weight * adv
            mse = mse_loss(highres, fake)
        self.apply_update(self.d_optimizer, d_tape, d_loss, self.d_weights)
        self.apply_update(self.g_optimizer, g_tape, g_loss, self.g_weights)
        return self.track(d_loss=d_loss, g_loss=g_loss, content_loss=content, adv_loss=adv, mse=mse)

    def default_optimizers(self):
        """Adam(1e-4, β1 = 0.9) for both networks (the paper)."""
        return keras.optimizers.Adam(1e-4, beta_1=0.9), keras.optimizers.Adam(1e-4, beta_1=0.9)

    def call(self, images, training=False):
        return self.generator(images, training=training)

    # ------------------------------------------------------------------ data
    def check_data(self, x):
        """(low-res, high-res) batches whose sizes differ by `scale` and fit the networks; ValueError with the fix."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], tuple):
                spec = spec[0]
            if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(s, tf.TensorSpec) for s in spec):
                low, high = (tuple(s.shape[1:3]) for s in spec)
                if None not in low + high and (low[0] * self.scale, low[1] * self.scale) != high:
                    raise ValueError(
                        f"Low-resolution images of {low[0]}×{low[1]} times scale {self.scale} make "
                        f"{low[0] * self.scale}×{low[1] * self.scale}, but the high-resolution images are "
                        f"{high[0]}×{high[1]}. Make the pairs with kg.data.super_resolution_dataset(name, "
                        f"scale={self.scale}) or build the model with the data's scale."
                    )
        self.check_pair_data(x, self.shape_a, self.shape_b)

    # ------------------------------------------------------------------ inference
    def upscale(self, images, batch_size=64, output="float"):
        """G(x): low-resolution images (uint8 or floats in [-1, 1], one or a batch) → `scale`× larger images.

        Returns float32 in [-1, 1] (`output="float"`) or uint8. ValueError for images that are not of the
        trained low-resolution shape.
        """
        return self.translate_with(self.generator, images, self.shape_a, "low-resolution images", batch_size, output)

    def translate(self, images, batch_size=64, output="float"):
        """The same as :meth:`upscale` (the name the image-to-image tools call, e.g. `keras-gans translate`)."""
        return self.upscale(images, batch_size=batch_size, output=output)

    def preview_rows(self, images_a, images_b):
        """Rows for a sample grid: bicubic upscaling of the low-resolution inputs, G's, the real high-res images."""
        low, _ = as_model_images(images_a, self.shape_a)
        high, _ = as_model_images(images_b, self.shape_b)
        return [bicubic_upscale(low, self.scale), run_network(self.generator, low, 64), high]

    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """SavedModel with `serve` (= `serving_default`) and `upscale`: `images` float32 (batch, h, w, C) in
        [-1, 1] at the trained low resolution → `{"images"}` (batch, scale·h, scale·w, C) in [-1, 1]."""
        check_format(format)
        return export_image_to_image(self, {"upscale": self.generator}, filepath, verbose, overwrite=overwrite)

    # ------------------------------------------------------------------ config
    def get_config(self):
        content = (keras.saving.serialize_keras_object(self.content_network) if self.content == "network"
                   else self.content)
        return {**self.network_config(), "lowres_shape": self.lowres_shape, "content": content,
                "pretrain": self.pretrain,
                **self.options_config("scale", "filters", "num_residual_blocks", "discriminator_filters",
                                      "discriminator_downsampling", "dense_units", "adversarial_weight", "seed")}

    @classmethod
    def preset_config(cls, generator, metadata):
        """The constructor options of a generator-only preset (see `from_preset`). A content network (e.g. the MNIST-M
        classifier's features of `keras-gans train srgan --content mnistm`) is not in such a preset, only its
        untrained architecture: the model comes back with the pixel content loss, and a warning says so (pass
        `content=` to `SRGAN(generator=...)` to fine-tune with a network of your own)."""
        config = super().preset_config(generator, metadata)
        content = config.get("content")
        if isinstance(content, dict):
            import warnings

            name = (content.get("config") or {}).get("name", "a feature network")
            warnings.warn(f"The preset {metadata.get('name')!r} was trained with the content loss of {name!r}, whose "
                          "weights a generator-only preset does not hold: from_preset uses the pixel MSE instead. For "
                          "that content loss, build kg.models.SRGAN(generator=kg.zoo.load(...), content=network).",
                          stacklevel=3)
            config["content"] = "pixels"
        return config

    @classmethod
    def from_config(cls, config):
        return super().from_config(deserialize_networks(config, ("content",)))


def vgg_input(images):
    """Images in [-1, 1] (RGB) → VGG19's input: [0, 255], BGR, ImageNet means subtracted (as vgg.preprocess)."""
    x = (ops.cast(images, "float32") + 1.0) * 127.5
    return x[..., ::-1] - ops.convert_to_tensor(vgg.IMAGENET_BGR_MEAN, "float32")
