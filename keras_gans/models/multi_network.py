"""The base of models with several generators or discriminators: CycleGAN, pix2pix, CoGAN (and the
image-to-image models to come), with the plumbing they share.

:class:`MultiNetworkGAN` is a :class:`~keras_gans.models.GAN`: it reuses its optimizer pair,
`compile` (optimizers built on :attr:`g_weights` / :attr:`d_weights`), trackers, `apply_update`,
atomic saving and config. A subclass names its networks in :attr:`~MultiNetworkGAN.generator_names`
and :attr:`~MultiNetworkGAN.discriminator_names`; the base gives each shared variable to its
optimizer once, validates two-domain data, converts images in and out, and keeps preview inputs
for `generate()` and sample grids.

>>> import keras_gans as kg
>>> model = kg.models.CycleGAN(image_shape=(32, 32, 3), filters=8, num_residual_blocks=1,
...                            discriminator_filters=8, discriminator_downsampling=2)
>>> isinstance(model, kg.models.MultiNetworkGAN), model.latent_dim
(True, None)
"""
import numpy as np
import keras
import tensorflow as tf

from keras_gans.export import check_format, export_image_to_image
from keras_gans.models.common import run_network
from keras_gans.models.gan import GAN
from keras_gans.utils.images import check_output, format_output

__all__ = ["DIRECTIONS", "MultiNetworkGAN", "TwoWayTranslationGAN", "as_model_images", "check_links", "run_network",
           "unique_variables"]

#: The translation directions of a two-way model: A → B and B → A.
DIRECTIONS = ("a2b", "b2a")


class MultiNetworkGAN(GAN):
    """Base of models with more than one generator or discriminator (CycleGAN, pix2pix, CoGAN).

    :class:`GAN`'s constructor is given the model's principal generator and discriminator (they
    become `self.generator` / `self.discriminator`; `latent_dim` stays None when the generator takes
    images). Subclasses keep all their networks as attributes, named in :attr:`generator_names` and
    :attr:`discriminator_names`: `g_optimizer` updates the first ones' variables and `d_optimizer`
    the others', each variable once even when networks share layers. They set `shape_a` and
    `shape_b`, the image shapes of their two domains (input and output of a translation).
    """

    default_loss = "least_squares"
    #: Attributes holding the networks `g_optimizer` updates.
    generator_names = ("generator",)
    #: Attributes holding the networks `d_optimizer` updates.
    discriminator_names = ("discriminator",)

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.preview = None

    def default_optimizers(self):
        """Adam(2e-4, β1 = 0.5) for both sides (the CycleGAN and pix2pix papers, and the book)."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    @property
    def g_weights(self):
        return unique_variables(*(getattr(self, name) for name in self.generator_names))

    @property
    def d_weights(self):
        return unique_variables(*(getattr(self, name) for name in self.discriminator_names))

    @property
    def image_shape(self):
        """The shape of domain A's images (the inputs of a translation)."""
        return self.shape_a

    # ------------------------------------------------------------------ data
    @staticmethod
    def unpack_pair(data):
        """`(images_a, images_b)` from a batch `(a, b)` or `((a, b), labels)`."""
        if isinstance(data, (tuple, list)) and len(data) == 2 and isinstance(data[0], (tuple, list)):
            data = data[0]
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("This model trains on pairs of batches (images_a, images_b); see kg.data.load_pair.")
        return data[0], data[1]

    def check_pair_data(self, x, shape_a, shape_b):
        """Validates a two-domain dataset against the networks' input shapes; ValueError with the fix."""
        if x is None or not isinstance(x, tf.data.Dataset):
            return
        spec = x.element_spec
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], tuple):
            spec = spec[0]
        if not (isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(s, tf.TensorSpec) for s in spec)):
            raise ValueError(
                f"{type(self).__name__} trains on a dataset of (images_a, images_b) batches; got elements {spec}. "
                "Build one with kg.data.load_pair(...) or unpaired_pipeline / paired_pipeline."
            )
        for domain, s, expected in (("A", spec[0], shape_a), ("B", spec[1], shape_b)):
            got = tuple(s.shape[1:])
            if None not in got and got != tuple(expected):
                raise ValueError(
                    f"Domain {domain} images have shape {got} but the model expects {tuple(expected)}. Resize the data "
                    f"(load_pair(..., image_size={tuple(expected[:2])}, channels={expected[-1]})) or build the model for "
                    f"{got}."
                )
            if not s.dtype.is_floating:
                raise ValueError(f"Domain {domain} images are {s.dtype.name}; scale them to float32 in [-1, 1].")

    def check_data(self, x):
        """What :meth:`GAN.fit` checks first: a dataset of `(images_a, images_b)` batches of the domains' shapes."""
        self.check_pair_data(x, self.shape_a, self.shape_b)

    # ------------------------------------------------------------------ training
    def update_discriminators(self, real_a, fake_a, real_b, fake_b):
        """One `d_optimizer` update of `discriminator_a` and `discriminator_b` (two-domain models):
        each judges its domain's real images against that domain's fakes. Returns `(d_loss, d_a_loss, d_b_loss)`."""
        with tf.GradientTape() as tape:
            d_a_loss = self.gan_loss.discriminator(self.discriminator_a(real_a, training=True),
                                                   self.discriminator_a(fake_a, training=True))
            d_b_loss = self.gan_loss.discriminator(self.discriminator_b(real_b, training=True),
                                                   self.discriminator_b(fake_b, training=True))
            d_loss = d_a_loss + d_b_loss
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
        return d_loss, d_a_loss, d_b_loss

    # ------------------------------------------------------------------ inference
    def translate_with(self, network, images, expected, what="images", batch_size=64, output="float"):
        """`network` applied to uint8 or [-1, 1] float images of shape `expected` (one image or a batch).

        Returns float32 in [-1, 1] (`output="float"`) or uint8, one image for one image in.
        """
        batch, single = as_model_images(images, expected, what)
        check_output(output)
        out = format_output(run_network(network, batch, batch_size), output)
        return out[0] if single else out

    def generate(self, n=16, seed=None, output="float", **kwargs):
        """Translations of the first `n` preview inputs (see :meth:`set_preview`); `seed` is unused."""
        a, _ = self._preview(n)
        return self.translate(a, output=output)

    def set_preview(self, images_a, images_b=None):
        """Fixed images (float in [-1, 1] or uint8) that :meth:`generate` and sample grids translate."""
        self.preview = (np.asarray(images_a), None if images_b is None else np.asarray(images_b))
        return self

    def _preview(self, n):
        if self.preview is None:
            raise ValueError(
                f"{type(self).__name__} translates images rather than sampling noise: call translate(images), or "
                "set_preview(images_a, images_b) first so that generate() and sample grids have inputs."
            )
        return self.preview[0][:n], None if self.preview[1] is None else self.preview[1][:n]

    def latent(self, n, seed=None):
        if self.latent_dim is None:
            raise ValueError(f"{type(self).__name__} has no latent space; it maps images to images.")
        return super().latent(n, seed)

    def serving_inputs(self):
        """`z` (as :class:`GAN`) for models with a latent space, else `images` of domain A."""
        if self.latent_dim is not None:
            return super().serving_inputs()
        return [tf.TensorSpec((None,) + self.shape_a, tf.float32, name="images")]


class TwoWayTranslationGAN(MultiNetworkGAN):
    """Base of unpaired two-way translation (CycleGAN, DiscoGAN): what such models share, not their losses.

    Two generators, `generator_ab` (A → B) and `generator_ba` (B → A), and two discriminators,
    `discriminator_a` (real A vs `generator_ba`'s fakes) and `discriminator_b` (real B vs `generator_ab`'s).
    The base checks that the four networks fit together, translates both ways (:meth:`translate`),
    gives the sample-grid rows of both round trips (:meth:`preview_rows`) and exports both directions
    (:meth:`export`); the subclass's `train_step` holds its algorithm, its discriminator step usually
    :meth:`MultiNetworkGAN.update_discriminators`. `self.generator` / `self.discriminator` are the A → B side.
    """

    generator_names = ("generator_ab", "generator_ba")
    discriminator_names = ("discriminator_a", "discriminator_b")
    network_keys = generator_names + discriminator_names

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, seed=None, **kwargs):
        # There is no latent space (latent_dim None).
        super().__init__(generator_ab, discriminator_b, seed=seed, **kwargs)
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.shape_a = tuple(int(d) for d in self.generator_ab.input_shape[1:])
        self.shape_b = tuple(int(d) for d in self.generator_ba.input_shape[1:])
        check_links([
            ("generator_ab output", self.generator_ab.output_shape, "discriminator_b input", self.discriminator_b.input_shape),
            ("generator_ab output", self.generator_ab.output_shape, "generator_ba input", self.generator_ba.input_shape),
            ("generator_ba output", self.generator_ba.output_shape, "discriminator_a input", self.discriminator_a.input_shape),
            ("generator_ba output", self.generator_ba.output_shape, "generator_ab input", self.generator_ab.input_shape),
        ])

    def call(self, images, training=False):
        """A → B translation (`generator_ab`)."""
        return self.generator_ab(images, training=training)

    def translate(self, images, direction="a2b", batch_size=64, output="float"):
        """Translates images A → B (`direction="a2b"`) or B → A (`"b2a"`).

        Args:
            images: uint8 pixels or floats in [-1, 1], shape (n, H, W, C) or one image (H, W, C),
                at the size the model was built for.
            output: `"float"` (float32 in [-1, 1]) or `"uint8"`.

        Raises:
            ValueError: unknown direction, or images of the wrong size / channels.
        """
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}; got {direction!r}.")
        if direction == "a2b":
            return self.translate_with(self.generator_ab, images, self.shape_a, "A images", batch_size, output)
        return self.translate_with(self.generator_ba, images, self.shape_b, "B images", batch_size, output)

    def preview_rows(self, images_a, images_b):
        """Rows for a sample grid: A, G_AB(A), G_BA(G_AB(A)), B, G_BA(B), G_AB(G_BA(B))."""
        a, _ = as_model_images(images_a, self.shape_a)
        b, _ = as_model_images(images_b, self.shape_b)
        ab = run_network(self.generator_ab, a, 64)
        ba = run_network(self.generator_ba, b, 64)
        return [a, ab, run_network(self.generator_ba, ab, 64), b, ba, run_network(self.generator_ab, ba, 64)]

    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """Exports both generators as a SavedModel.

        Endpoints `serve` (= `serving_default`) and `a2b`: `images` float32 (batch, H, W, C) in
        [-1, 1] at the trained size → `{"images"}` in [-1, 1]; `b2a` the reverse direction.
        Map pixels with `x / 127.5 - 1` on the way in and `(y + 1) * 127.5` on the way out.
        """
        check_format(format)
        return export_image_to_image(self, {"a2b": self.generator_ab, "b2a": self.generator_ba}, filepath, verbose,
                                     overwrite=overwrite)


def unique_variables(*models):
    """The trainable variables of several models, each shared variable once (in first-seen order)."""
    seen, out = set(), []
    for model in models:
        for v in model.trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def as_model_images(images, expected, what="images"):
    """Numpy float32 batch in [-1, 1] from uint8 or float images; ValueError on a shape mismatch.

    Returns `(batch, was_single)`; a single image (H, W, C) becomes a batch of one.

    >>> import numpy as np
    >>> batch, single = as_model_images(np.zeros((8, 8, 3), np.uint8), (8, 8, 3))
    >>> batch.shape, single, float(batch.min())
    ((1, 8, 8, 3), True, -1.0)
    """
    if tf.is_tensor(images):
        images = images.numpy()
    arr = np.asarray(images)
    single = arr.ndim == 3
    if single:
        arr = arr[None]
    if arr.ndim != 4 or tuple(arr.shape[1:]) != tuple(expected):
        got = tuple(arr.shape[1:]) if arr.ndim == 4 else arr.shape
        fix = "resize them (e.g. tf.image.resize)" if arr.ndim == 4 and arr.shape[1:3] != tuple(expected[:2]) else \
            "convert their channels (grey ↔ RGB)"
        raise ValueError(
            f"This model takes {what} of shape {tuple(expected)} (height, width, channels), got {got}; {fix} "
            "to match the size the model was trained at."
        )
    if arr.dtype == np.uint8:
        arr = arr.astype("float32") / 127.5 - 1.0
    else:
        arr = arr.astype("float32")
        lo, hi = float(arr.min()), float(arr.max())
        if lo < -1.001 or hi > 1.001:
            raise ValueError(
                f"Float {what} must lie in [-1, 1]; got values in [{lo:g}, {hi:g}]. Pass uint8 pixels or scale "
                "with x / 127.5 - 1."
            )
    return arr, single


def check_links(links):
    """Raises `ValueError` unless each network output fits the input it feeds.

    Args:
        links: `(output_name, output_shape, input_name, input_shape)` tuples (Keras shapes with the
            batch axis); a list-valued `input_shape` (a multi-input network) is skipped.

    >>> check_links([("generator output", (None, 8, 8, 3), "discriminator input", (None, 8, 8, 3))])
    """
    for out_name, out_shape, in_name, in_shape in links:
        if isinstance(in_shape, list):
            continue
        if tuple(out_shape[1:]) != tuple(in_shape[1:]):
            raise ValueError(
                f"The {out_name} has shape {tuple(out_shape[1:])} but the {in_name} expects {tuple(in_shape[1:])}. "
                "Build the networks for the same image size and channels."
            )
