"""Coupled GAN (Liu & Tuzel, "Coupled Generative Adversarial Networks", NeurIPS 2016)."""
import numpy as np
import keras
import tensorflow as tf

from keras_gans.export import check_format, export_generator
from keras_gans.models.common import check_result_memory, run_network
from keras_gans.models.multi_network import MultiNetworkGAN
from keras_gans.networks.cogan_nets import cogan_discriminators, cogan_generators
from keras_gans.utils import checks
from keras_gans.utils.images import format_output

DOMAINS = ("a", "b", "both")


@keras.saving.register_keras_serializable(package="keras_gans")
class CoGAN(MultiNetworkGAN):
    """Two GANs, one per domain, that share weights and so learn a *joint* distribution (lecture slides §6).

    Trained only on unpaired samples of each domain, the pair of generators maps one z to a
    corresponding pair of images — the same digit as a plain and a negative (or edge) digit —
    because their first (high-level) layers are shared; the discriminators share their last
    layers. Sharing is literal: the same variables, updated once per step (see
    :func:`keras_gans.networks.cogan_generators`).

    Per batch: sample z; update both discriminators on real A / real B vs G_A(z) / G_B(z); then
    update both generators on fresh z through the discriminators. Default loss: non-saturating
    BCE; Adam(2e-4, β1 = 0.5).

    Args:
        image_shape: (height, width, channels) of both domains (height and width divisible by 4).
        latent_dim: size of z.
        filters: width of the built-in networks.
        discriminator_dropout: dropout before the shared logit layer.
        generator_private_layers: layers each generator keeps for itself: 1 (default, as in the paper)
            only its output layer; 2 also its last up-sampling block (the layout before 2026-11-23, which
            models saved without this key get). See :func:`keras_gans.networks.cogan_generators`.
        seed: seed of z during training.

    Example (digits and their negatives, offline; "mnist2edges-unpaired" pairs them with edge maps):

    >>> import keras_gans as kg
    >>> ds = kg.data.load_pair("mnist2negative-unpaired", batch_size=64)
    >>> cogan = kg.models.CoGAN(image_shape=(28, 28, 1), latent_dim=64)
    >>> cogan.compile()
    >>> cogan.fit(ds, epochs=15)
    >>> digits, negatives = cogan.generate_pair(16, seed=0)     # same digit, two domains
    """

    metric_names = ("d_loss", "g_loss", "d_a_loss", "d_b_loss", "g_a_loss", "g_b_loss")
    default_loss = "non_saturating"
    generator_names = ("generator_a", "generator_b")
    discriminator_names = ("discriminator_a", "discriminator_b")
    network_keys = ()  # the networks are built from the config's sizes, not saved in it

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, filters=32, discriminator_dropout=0.0,
                 generator_private_layers=1, seed=None, **kwargs):
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        filters = checks.positive_int(filters, "filters", fix="The default is 32.")
        discriminator_dropout = checks.rate(discriminator_dropout, "discriminator_dropout")
        generator_a, generator_b = cogan_generators(latent_dim, image_shape, filters, generator_private_layers)
        discriminator_a, discriminator_b = cogan_discriminators(image_shape, filters, discriminator_dropout)
        # GAN's `generator` / `discriminator` are domain A's.
        super().__init__(generator_a, discriminator_a, latent_dim=latent_dim, seed=seed, **kwargs)
        self.generator_a, self.generator_b = generator_a, generator_b
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.shape_a = self.shape_b = image_shape
        self.filters = int(filters)
        self.discriminator_dropout = float(discriminator_dropout)
        self.generator_private_layers = int(generator_private_layers)
        self.built = True

    def train_step(self, data):
        """One CoGAN iteration (Liu & Tuzel 2016, Alg. 1) on an unpaired batch (real A, real B)."""
        real_a, real_b = self.unpack_pair(data)
        batch_size = keras.ops.shape(real_a)[0]

        # 1. Discriminators: both judge their domain's real batch against that domain's fakes of one z.
        z = self.sample_latent(batch_size)
        fake_a = self.generator_a(z, training=True)
        fake_b = self.generator_b(z, training=True)
        d_loss, d_a_loss, d_b_loss = self.update_discriminators(real_a, fake_a, real_b, fake_b)

        # 2. Generators: a fresh z, both outputs pushed towards "real"; shared layers get both gradients.
        z = self.sample_latent(batch_size)
        with tf.GradientTape() as tape:
            g_a_loss = self.gan_loss.generator(self.discriminator_a(self.generator_a(z, training=True), training=True))
            g_b_loss = self.gan_loss.generator(self.discriminator_b(self.generator_b(z, training=True), training=True))
            g_loss = g_a_loss + g_b_loss
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_a_loss=d_a_loss, d_b_loss=d_b_loss, g_a_loss=g_a_loss,
                          g_b_loss=g_b_loss)

    def call(self, z, training=False):
        """The corresponding pair `(G_A(z), G_B(z))`."""
        return self.generator_a(z, training=training), self.generator_b(z, training=training)

    # ------------------------------------------------------------------ sampling
    def generate_pair(self, n=16, seed=None, z=None, batch_size=256):
        """`(images_a, images_b)`: a corresponding pair for each of `n` latent vectors (float32 in [-1, 1])."""
        check_result_memory(self.generator_a, 2 * (n if z is None else len(z)), 
                            f"generate({n if z is None else len(z)}) (two domains)")
        z = self.latent(n, seed) if z is None else np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}); got {z.shape}.")
        return run_network(self.generator_a, z, batch_size), run_network(self.generator_b, z, batch_size)

    def generate(self, n=16, seed=None, z=None, batch_size=256, output="float", domain="both"):
        """`n` samples: `domain="a"` or `"b"` gives that domain; `"both"` (default, used by sample grids)
        puts each pair side by side, shape (n, H, 2W, C)."""
        if domain not in DOMAINS:
            raise ValueError(f"domain must be one of {DOMAINS}; got {domain!r}.")
        a, b = self.generate_pair(n, seed, z, batch_size)
        return format_output(a if domain == "a" else b if domain == "b" else np.concatenate([a, b], axis=2), output)

    def pair_generator(self):
        """A single `keras.Model` z → `[G_A(z) | G_B(z)]`, each pair side by side (N, H, 2W, C), as `generate()`.

        It reuses the two generators' layers (the shared ones once), so it has no weights of its own; zoo
        presets store it (`sampling_generator`), so `kg.zoo.load(...)` of a CoGAN preset returns pairs.
        """
        z = keras.Input((self.latent_dim,), name="z")
        branches = {}
        for domain, generator in (("a", self.generator_a), ("b", self.generator_b)):
            x = z
            for layer in generator.layers[1:]:          # a chain: shared layers, then the domain's own
                x = layer(x)
            branches[domain] = x
        pairs = keras.layers.Concatenate(axis=2, name="pair")([branches["a"], branches["b"]])
        return keras.Model(z, pairs, name="cogan_pair_generator")

    @property
    def sampling_generator(self):
        """The network zoo presets store: :meth:`pair_generator` (built on each access, not tracked)."""
        return self.pair_generator()

    def preview_rows(self, images_a=None, images_b=None, n=8, seed=0):
        """Rows for a sample grid: G_A(z) and G_B(z) for the same `n` latent vectors."""
        return list(self.generate_pair(n, seed))

    # ------------------------------------------------------------------ export and config
    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """SavedModel with `serve(z)` → `{"images_a", "images_b"}` (float32 in [-1, 1]) and
        `sample(n, seed)` → the same from z ~ N(0, I) (stateless, seeded)."""
        check_format(format)
        return export_generator(self, filepath, network={"images_a": self.generator_a, "images_b": self.generator_b},
                                verbose=verbose, overwrite=overwrite)

    def get_config(self):
        return {**self.network_config(), "image_shape": self.shape_a,
                **self.options_config("latent_dim", "filters", "discriminator_dropout", "generator_private_layers",
                                      "seed")}

    @classmethod
    def preset_config(cls, generator, metadata):
        """A generator-only preset stores the pair generator, whose images are the two domains side by side:
        each domain's image is half as wide as the preset's resolution."""
        config = super().preset_config(generator, metadata)
        if "image_shape" not in (metadata.get("model_config") or {}):
            h, w, c = metadata["resolution"]
            config["image_shape"] = (int(h), int(w) // 2, int(c))
        return config

    @classmethod
    def from_config(cls, config):
        return super().from_config({"generator_private_layers": 2, **config})  # 2: saved before the option existed
