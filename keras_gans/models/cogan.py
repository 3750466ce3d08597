"""Coupled GAN (Liu & Tuzel, "Coupled Generative Adversarial Networks", NeurIPS 2016)."""
import numpy as np
import keras
import tensorflow as tf

from keras_gans.export import check_format, export_generator
from keras_gans.models.common import check_result_memory, run_network
from keras_gans.models.multi_network import MultiNetworkGAN
from keras_gans.networks.cogan_nets import cogan_discriminators, cogan_generators
from keras_gans.training.ema import check_decay, ema_copy, ema_counter, ema_follow
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
        ema_decay: decay β of an exponential moving average of both generators' weights (batch-norm
            statistics included), updated after every generator step: w̄ ← β·w̄ + (1 − β)·w, β warmed up as
            min(β, (1 + n) / (10 + n)) at the n-th step (:mod:`keras_gans.training.ema`). The averaged pair
            (`ema_generators`, one network z → [Ḡ_A(z), Ḡ_B(z)]) shares its first layers as the generators do, so
            the shared layers are averaged once and stay one copy. When set, `generate_pair`, `generate`, the
            preview rows, `export`, :attr:`sampling_generator` and zoo presets use the averages
            (:attr:`sampling_generators`); training, `call` and `generator_a` / `generator_b` stay the raw
            generators. None (default): no average.
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
                 generator_private_layers=1, ema_decay=None, seed=None, **kwargs):
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim)
        check_decay(ema_decay, "ema_decay", 0.99)
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
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        #: The moving average of both generators (None without `ema_decay`): a copy of the pair z → [G_A(z), G_B(z)]
        #: whose shared layers are one copy, as the generators'; :attr:`sampling_generators` are its two halves.
        self.ema_generators = None if self.ema_decay is None else ema_copy(
            coupled_pair(generator_a, generator_b, latent_dim, name="ema_generators"))
        #: EMA updates made so far (saved with the weights; the warm-up of the decay).
        self.ema_updates = None if self.ema_decay is None else ema_counter()
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
        if self.ema_generators is not None:  # after the generators' step
            ema_follow(*self.ema_variables(), self.ema_decay, self.ema_updates, self.g_optimizer)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_a_loss=d_a_loss, d_b_loss=d_b_loss, g_a_loss=g_a_loss,
                          g_b_loss=g_b_loss)

    def call(self, z, training=False):
        """The corresponding pair `(G_A(z), G_B(z))` of the trained (not averaged) generators."""
        return self.generator_a(z, training=training), self.generator_b(z, training=training)

    def ema_variables(self):
        """`(averages, originals)`: the variables of `ema_generators` and those of the generators they follow, in
        the same order, each shared variable once (layers matched by name: the copy keeps the layers' names)."""
        layers = {layer.name: layer for generator in (self.generator_a, self.generator_b) for layer in generator.layers}
        averages, originals = [], []
        for layer in self.ema_generators.layers:
            averages += layer.weights
            originals += layers[layer.name].weights
        return averages, originals

    # ------------------------------------------------------------------ sampling
    @property
    def sampling_generators(self):
        """`(G_A, G_B)` that pairs, samples, exports and presets use: with `ema_decay` the two halves of
        `ema_generators` (built on each access on its layers, so they share the averaged first layers), else
        `generator_a` and `generator_b`."""
        if self.ema_generators is None:
            return self.generator_a, self.generator_b
        pair = self.ema_generators
        return tuple(keras.Model(pair.inputs[0], output, name=f"ema_generator_{domain}")
                     for domain, output in zip("ab", pair.outputs))

    def generate_pair(self, n=16, seed=None, z=None, batch_size=256):
        """`(images_a, images_b)`: a corresponding pair for each of `n` latent vectors (float32 in [-1, 1])."""
        check_result_memory(self.generator_a, 2 * (n if z is None else len(z)),
                            f"generate({n if z is None else len(z)}) (two domains)")
        z = self.latent(n, seed) if z is None else np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}); got {z.shape}.")
        generator_a, generator_b = self.sampling_generators
        return run_network(generator_a, z, batch_size), run_network(generator_b, z, batch_size)

    def generate(self, n=16, seed=None, z=None, batch_size=256, output="float", domain="both"):
        """`n` samples: `domain="a"` or `"b"` gives that domain; `"both"` (default, used by sample grids)
        puts each pair side by side, shape (n, H, 2W, C)."""
        if domain not in DOMAINS:
            raise ValueError(f"domain must be one of {DOMAINS}; got {domain!r}.")
        a, b = self.generate_pair(n, seed, z, batch_size)
        return format_output(a if domain == "a" else b if domain == "b" else np.concatenate([a, b], axis=2), output)

    def pair_generator(self, averaged=True):
        """A single `keras.Model` z → `[G_A(z) | G_B(z)]`, each pair side by side (N, H, 2W, C), as `generate()`.

        It reuses the layers of :attr:`sampling_generators` (the averaged ones with `ema_decay`, unless
        `averaged=False`; the shared ones once), so it has no weights of its own; zoo presets store it
        (`sampling_generator`), so `kg.zoo.load(...)` of a CoGAN preset returns pairs.
        """
        generators = self.sampling_generators if averaged else (self.generator_a, self.generator_b)
        pair = coupled_pair(*generators, self.latent_dim)
        pairs = keras.layers.Concatenate(axis=2, name="pair")(list(pair.outputs))
        return keras.Model(pair.inputs[0], pairs, name="cogan_pair_generator")

    @property
    def sampling_generator(self):
        """The network zoo presets store: :meth:`pair_generator` (built on each access, not tracked; the
        averaged pair with `ema_decay`)."""
        return self.pair_generator()

    def preview_rows(self, images_a=None, images_b=None, n=8, seed=0):
        """Rows for a sample grid: G_A(z) and G_B(z) for the same `n` latent vectors."""
        return list(self.generate_pair(n, seed))

    # ------------------------------------------------------------------ export and config
    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """SavedModel with `serve(z)` → `{"images_a", "images_b"}` (float32 in [-1, 1]) and
        `sample(n, seed)` → the same from z ~ N(0, I) (stateless, seeded)."""
        check_format(format)
        generator_a, generator_b = self.sampling_generators  # the averages with ema_decay
        return export_generator(self, filepath, network={"images_a": generator_a, "images_b": generator_b},
                                verbose=verbose, overwrite=overwrite)

    def get_config(self):
        return {**self.network_config(), "image_shape": self.shape_a,
                **self.options_config("latent_dim", "filters", "discriminator_dropout", "generator_private_layers",
                                      "ema_decay", "seed")}

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
    def from_preset_generator(cls, generator, metadata, dtype_policy=None):
        """:meth:`~keras_gans.models.presets.PresetMixin.from_preset_generator`: the preset's pair into the
        sampling pair; with `ema_decay` into the trained generators too (so `fit` goes on from it)."""
        model = super().from_preset_generator(generator, metadata, dtype_policy)
        if model.ema_generators is not None:
            for target, value in zip(model.pair_generator(averaged=False).weights, generator.weights):
                target.assign(value)
        return model

    @classmethod
    def from_config(cls, config):
        return super().from_config({"generator_private_layers": 2, **config})  # 2: saved before the option existed


def coupled_pair(generator_a, generator_b, latent_dim, name="cogan_generators"):
    """A `keras.Model` z → `[G_A(z), G_B(z)]` made of the two generators' own layers (the shared ones once, so it
    has no weights of its own): the chain of each generator's layers after its input, from one z."""
    z = keras.Input((latent_dim,), name="z")
    outputs = []
    for generator in (generator_a, generator_b):
        x = z
        for layer in generator.layers[1:]:          # a chain: shared layers, then the domain's own
            x = layer(x)
        outputs.append(x)
    return keras.Model(z, outputs, name=name)
