"""CycleGAN (Zhu, Park, Isola & Efros, ICCV 2017; GANs in Action, chapter 9).

Also home of the plumbing that the image-to-image models share (:class:`MultiNetworkGAN`,
:class:`ImageHistoryPool`, the L1 losses, image-to-image export).
"""
import os

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.models.gan import GAN
from keras_gans.networks.cogan_nets import unique_variables
from keras_gans.utils.io import atomic_path

GENERATORS = ("resnet", "unet")
DIRECTIONS = ("a2b", "b2a")


# ---------------------------------------------------------------------------- losses
def cycle_consistency_loss(real, reconstructed):
    """Mean absolute error ‖F(G(x)) − x‖₁ / (pixels): how far a round trip A → B → A lands from the start."""
    return ops.mean(ops.abs(ops.cast(real, "float32") - ops.cast(reconstructed, "float32")))


def identity_loss(real, same):
    """Mean absolute error ‖G(y) − y‖₁ / (pixels): a generator fed an image of its *target* domain should not change it."""
    return ops.mean(ops.abs(ops.cast(real, "float32") - ops.cast(same, "float32")))


# ---------------------------------------------------------------------------- learning-rate schedule
@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """The CycleGAN paper's schedule (Zhu et al. 2017, §4): `learning_rate` for `constant_steps`
    optimizer steps, then linearly down to 0 over the next `decay_steps` (0 from then on).

    The paper counts epochs (100 constant + 100 decaying at batch 1); give the equivalent steps.

    >>> schedule = LinearDecay(2e-4, constant_steps=500, decay_steps=500)
    >>> round(float(schedule(750)), 8)       # half-way through the decay
    0.0001
    """

    def __init__(self, learning_rate, constant_steps, decay_steps):
        if float(learning_rate) <= 0 or int(constant_steps) < 0 or int(decay_steps) < 1:
            raise ValueError(f"LinearDecay needs learning_rate > 0, constant_steps ≥ 0 and decay_steps ≥ 1; got "
                             f"{learning_rate}, {constant_steps}, {decay_steps}.")
        self.learning_rate = float(learning_rate)
        self.constant_steps = int(constant_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        done = ops.clip((step - self.constant_steps) / float(self.decay_steps), 0.0, 1.0)
        return self.learning_rate * (1.0 - done)

    def get_config(self):
        return {"learning_rate": self.learning_rate, "constant_steps": self.constant_steps,
                "decay_steps": self.decay_steps}


# ---------------------------------------------------------------------------- history pool
@keras.saving.register_keras_serializable(package="keras_gans")
class ImageHistoryPool(keras.layers.Layer):
    """A buffer of previously generated images for the discriminator (Shrivastava et al. 2017; CycleGAN §4).

    While the pool holds fewer than `pool_size` images, every incoming image is stored and returned
    unchanged. Once full, each incoming image is, with probability `swap_probability` (½ in the
    paper), exchanged for a random stored image — the stored one is returned and the new one takes
    its slot — and otherwise returned itself. The discriminator thus also sees older fakes, which
    damps oscillation. Within one batch every swap hits a different slot (for batches ≤ `pool_size`).

    `pool_size=0` switches the pool off (GANs in Action ch. 9 trains without one). The pool's
    contents are non-trainable weights, so `BackupAndRestore` resumes them too.

    >>> pool = ImageHistoryPool(pool_size=50, seed=0)
    >>> mixed = pool(fake_images)       # same shape as fake_images
    """

    def __init__(self, pool_size=50, swap_probability=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        if int(pool_size) < 0:
            raise ValueError(f"pool_size must be ≥ 0 (0 switches the pool off); got {pool_size}.")
        if not 0.0 <= float(swap_probability) <= 1.0:
            raise ValueError(f"swap_probability must lie in [0, 1]; got {swap_probability}.")
        self.pool_size = int(pool_size)
        self.swap_probability = float(swap_probability)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        shape = tuple(input_shape[1:])
        if None in shape:
            raise ValueError(f"ImageHistoryPool needs a fixed image shape; got {tuple(input_shape)}.")
        self.images = self.add_weight(shape=(max(self.pool_size, 1),) + shape, initializer="zeros",
                                      trainable=False, name="images")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        super().build(input_shape)

    def call(self, images):
        if self.pool_size == 0:
            return images
        images = ops.cast(images, self.images.dtype)
        n = ops.shape(images)[0]
        size = self.pool_size
        count = ops.convert_to_tensor(self.count)
        free = ops.minimum(n, size - count)            # images still stored unconditionally
        position = ops.arange(n, dtype="int32")
        fill = position < free
        coin = keras.random.uniform((n,), seed=self.seed_generator)
        swap = ops.logical_and(ops.logical_not(fill), coin < self.swap_probability)
        # Distinct random slots for the swaps (a random permutation of the pool).
        permutation = ops.cast(ops.argsort(keras.random.uniform((size,), seed=self.seed_generator)), "int32")
        slot = ops.where(fill, count + position, ops.take(permutation, ops.mod(position - free, size)))
        slot = ops.clip(slot, 0, size - 1)
        old = ops.take(self.images, slot, axis=0)
        mask_shape = (-1,) + (1,) * (len(images.shape) - 1)
        out = ops.where(ops.reshape(swap, mask_shape), old, images)
        write = ops.logical_or(fill, swap)
        self.images.assign(tf.tensor_scatter_nd_update(
            self.images, tf.boolean_mask(slot, write)[:, None], tf.boolean_mask(images, write)))
        self.count.assign(count + free)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, swap_probability=self.swap_probability, seed=self.seed)
        return config


# ---------------------------------------------------------------------------- shared plumbing
def as_model_images(images, expected, what="images"):
    """Numpy float32 batch in [-1, 1] from uint8 or float images; ValueError on a shape mismatch.

    Returns `(batch, was_single)`; a single image (H, W, C) becomes a batch of one.
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


def run_network(network, images, batch_size=64):
    """`network(images, training=False)` in batches, as numpy."""
    outs = [ops.convert_to_numpy(network(images[i:i + batch_size], training=False))
            for i in range(0, len(images), batch_size)]
    return np.concatenate(outs) if outs else np.zeros((0,) + tuple(network.output_shape[1:]), "float32")


def _endpoint(network):
    def translate(images):
        return {"images": network(images, training=False)}

    return translate


def export_image_to_image(model, endpoints, filepath, verbose=True):
    """Writes a SavedModel whose endpoints map images to images.

    Args:
        endpoints: `{endpoint_name: network}`; the first one is also `serve` / `serving_default`,
            and the loaded object's `__call__` (images in, images out, no dict).
            Each takes `images` float32 (any batch, the network's trained size, values in [-1, 1])
            and returns `{"images": ...}` in [-1, 1].
    """
    archive = keras.export.ExportArchive()
    for network in {id(n): n for n in endpoints.values()}.values():
        archive.track(network)
    first = None
    for name, network in endpoints.items():
        spec = tf.TensorSpec((None,) + tuple(network.input_shape[1:]), tf.float32, name="images")

        fn = tf.function(_endpoint(network), input_signature=[spec])
        archive.add_endpoint(name, fn)
        if first is None:
            first, first_network, first_spec = fn, network, spec
    if "serve" not in endpoints:
        archive.add_endpoint("serve", first)

    @tf.function(input_signature=[first_spec])
    def call(images):
        return first_network(images, training=False)

    archive.add_endpoint("__call__", call)
    filepath = os.fspath(filepath)
    with atomic_path(filepath) as tmp:
        archive.write_out(tmp, verbose=False)
    if verbose:
        names = ", ".join(sorted(set(endpoints) | {"serve"}))
        print(f"Saved {type(model).__name__} to {filepath} (endpoints: {names}; images float32 in [-1, 1]).")
    return filepath


class MultiNetworkGAN(GAN):
    """Base of models with more than one generator or discriminator (CycleGAN, pix2pix, CoGAN).

    Reuses :class:`GAN`'s plumbing (trackers, `apply_update`, atomic `save`, compile config).
    :class:`GAN`'s constructor is given the model's principal generator and discriminator (they
    become `self.generator` / `self.discriminator`); subclasses keep all their networks as
    attributes and define `g_weights` and `d_weights`, the variables that `g_optimizer` and
    `d_optimizer` update (each variable once, even when networks share layers).
    """

    default_loss = "least_squares"

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.preview = None

    def default_optimizers(self):
        """Adam(2e-4, β1 = 0.5) for both sides (the CycleGAN and pix2pix papers, and the book)."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """As :meth:`GAN.compile`; `d_optimizer` updates every discriminator, `g_optimizer` every generator."""
        if "optimizer" in kwargs or "loss_fn" in kwargs:
            raise TypeError("This model has two optimizers: use d_optimizer= and g_optimizer= (and loss= for the loss).")
        default_d, default_g = self.default_optimizers()
        self.d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        self.g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        if self.d_optimizer is self.g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer objects.")
        self.gan_loss = gan_losses.GANLoss.get(loss if loss is not None else self.default_loss)
        super(GAN, self).compile(optimizer=None, **kwargs)
        self.d_optimizer.build(self.d_weights)
        self.g_optimizer.build(self.g_weights)

    @staticmethod
    def unpack_pair(data):
        """`(images_a, images_b)` from a batch `(a, b)` or `((a, b), labels)`."""
        if isinstance(data, (tuple, list)) and len(data) == 2 and isinstance(data[0], (tuple, list)):
            data = data[0]
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("This model trains on pairs of batches (images_a, images_b); see keras_gans.data.load_pair.")
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
                "Build one with keras_gans.data.load_pair(...) or unpaired_pipeline / paired_pipeline."
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
        raise ValueError(f"{type(self).__name__} has no latent space; it maps images to images.")

    @staticmethod
    def _preview_from_dataset(ds, n=64):
        batch = next(iter(ds.unbatch().batch(n).take(1)))
        if isinstance(batch, tuple) and isinstance(batch[0], tuple):
            batch = batch[0]
        return [np.asarray(b) for b in batch]


# ---------------------------------------------------------------------------- CycleGAN
@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(MultiNetworkGAN):
    """Unpaired image-to-image translation with cycle consistency (Zhu et al. 2017; GANs in Action, ch. 9).

    Two generators, `generator_ab` (G: A → B) and `generator_ba` (F: B → A), and two
    discriminators, `discriminator_a` (real A vs F(b)) and `discriminator_b` (real B vs G(a)).
    The generators minimise

        L = L_adv(G, D_B) + L_adv(F, D_A) + λ_cyc · (‖F(G(a)) − a‖₁ + ‖G(F(b)) − b‖₁)
                                           + λ_id · (‖F(a) − a‖₁ + ‖G(b) − b‖₁)

    (‖·‖₁ as a mean over pixels); the discriminators see real images and fakes drawn from a
    history pool of 50 earlier fakes per domain.

    Defaults follow the paper: least-squares adversarial loss (`compile(loss=...)` changes it),
    Adam(2e-4, β1 = 0.5), λ_cyc = 10, λ_id = 0.5·λ_cyc = 5, a pool of 50. The book's choices:
    `generator="unet"`, `lambda_identity=9.0` (0.9·λ_cyc), `pool_size=0`, PatchGAN with
    `num_downsampling=4, stride1_block=False`. Note that :mod:`keras_gans.losses`' least-squares
    generator loss carries a factor ½, so the adversarial term weighs half of the paper's against
    the same λs.

    Args:
        generator_ab, generator_ba, discriminator_a, discriminator_b: networks (built from the
            arguments below when omitted). Generators map images to images in [-1, 1]; discriminators
            return raw scores (a PatchGAN grid or one per image).
        image_shape: (height, width, channels) of both domains, for the built-in networks.
        generator: `"resnet"` (paper: :func:`keras_gans.networks.resnet_generator`) or `"unet"`
            (book: :func:`keras_gans.networks.unet_generator`).
        filters: generator width (64 in the paper, 32 in the book); `num_residual_blocks`: 9 or 6 in
            the paper; `discriminator_filters`, `discriminator_downsampling`: PatchGAN width and depth.
        lambda_cycle: weight λ_cyc of the cycle-consistency loss (of both round trips, unless
            `lambda_cycle_b` is given).
        lambda_cycle_b: weight of the B → A → B round trip ‖G(F(b)) − b‖₁ alone (default: `lambda_cycle`;
            the official code's `lambda_A` / `lambda_B` split). When B carries detail that A cannot
            hold (a photo behind a digit), that round trip can only be kept by hiding the detail in
            F(b); a smaller weight lets F draw a clean A image, which then learns from F(G(a)) ≈ a.
        lambda_identity: weight λ_id of the identity loss (absolute, not a fraction of λ_cyc); 0 skips it.
        pool_size: history pool size; 0 disables the pool.
        cycle_noise: standard deviation of Gaussian noise added to each translation before it is
            translated back in the cycle-consistency terms (training only; 0, the paper's choice, adds
            none). CycleGAN can satisfy the cycle loss by hiding what it needs to reconstruct the
            input in low-amplitude patterns of the translation ("a master of steganography", Chu,
            Zhmoginov & Sandler 2017), e.g. keep the original digit hidden under a different visible
            one; noise well above such patterns but well below the visible contrast makes the round
            trip rely on what the translation visibly shows.
        seed: seed of the pools' and the cycle noise's random choices.

    Example (32×32 digits ↔ MNIST-M, offline):

    >>> import keras_gans as kg
    >>> ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=16)
    >>> gan = kg.models.CycleGAN(image_shape=(32, 32, 3), filters=16, num_residual_blocks=3,
    ...                          discriminator_filters=16, discriminator_downsampling=2)
    >>> gan.compile()
    >>> gan.fit(ds, epochs=1, steps_per_epoch=20)
    >>> digits, labels = kg.data.load_arrays("mnist-32", split="test")   # uint8 (500, 32, 32, 3)
    >>> mnistm_like = gan.translate(digits[:8], direction="a2b")        # (8, 32, 32, 3) in [-1, 1]
    """

    metric_names = ("d_loss", "g_loss", "d_a_loss", "d_b_loss", "adv_ab_loss", "adv_ba_loss", "cycle_loss",
                    "cycle_a_loss", "cycle_b_loss", "identity_loss")

    def __init__(self, generator_ab=None, generator_ba=None, discriminator_a=None, discriminator_b=None,
                 image_shape=(256, 256, 3), generator="resnet", filters=64, num_residual_blocks=9,
                 discriminator_filters=64, discriminator_downsampling=3, lambda_cycle=10.0, lambda_identity=5.0,
                 pool_size=50, cycle_noise=0.0, lambda_cycle_b=None, seed=None, **kwargs):
        from keras_gans import networks

        if generator not in GENERATORS:
            raise ValueError(f"generator must be one of {GENERATORS}; got {generator!r}.")
        if lambda_cycle < 0 or lambda_identity < 0 or (lambda_cycle_b is not None and lambda_cycle_b < 0):
            raise ValueError(f"lambda_cycle, lambda_cycle_b and lambda_identity must be ≥ 0; got {lambda_cycle}, "
                             f"{lambda_cycle_b}, {lambda_identity}.")
        if float(cycle_noise) < 0:
            raise ValueError(f"cycle_noise is a standard deviation (≥ 0; 0 adds none); got {cycle_noise}.")
        image_shape = tuple(int(d) for d in image_shape)

        def build_generator(name):
            if generator == "resnet":
                return networks.resnet_generator(image_shape, filters=filters,
                                                 num_residual_blocks=num_residual_blocks, name=name)
            return networks.unet_generator(image_shape, filters=filters, name=name)

        def build_discriminator(name):
            return networks.patchgan_discriminator(image_shape, filters=discriminator_filters,
                                                   num_downsampling=discriminator_downsampling, name=name)

        generator_ab = generator_ab or build_generator("generator_ab")
        generator_ba = generator_ba or build_generator("generator_ba")
        discriminator_a = discriminator_a or build_discriminator("discriminator_a")
        discriminator_b = discriminator_b or build_discriminator("discriminator_b")
        # GAN's `generator` / `discriminator` are the A → B side; `latent_dim` has no meaning here.
        super().__init__(generator_ab, discriminator_b, latent_dim=int(generator_ab.input_shape[-1]), seed=seed,
                         **kwargs)
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.shape_a = tuple(int(d) for d in self.generator_ab.input_shape[1:])
        self.shape_b = tuple(int(d) for d in self.generator_ba.input_shape[1:])
        _check_links([
            ("generator_ab output", self.generator_ab.output_shape, "discriminator_b input", self.discriminator_b.input_shape),
            ("generator_ab output", self.generator_ab.output_shape, "generator_ba input", self.generator_ba.input_shape),
            ("generator_ba output", self.generator_ba.output_shape, "discriminator_a input", self.discriminator_a.input_shape),
            ("generator_ba output", self.generator_ba.output_shape, "generator_ab input", self.generator_ab.input_shape),
        ])
        self.image_shape_config = image_shape
        self.generator_kind = generator
        self.filters, self.num_residual_blocks = int(filters), int(num_residual_blocks)
        self.discriminator_filters, self.discriminator_downsampling = int(discriminator_filters), int(discriminator_downsampling)
        self.lambda_cycle = float(lambda_cycle)
        self.lambda_cycle_b = None if lambda_cycle_b is None else float(lambda_cycle_b)
        self.lambda_identity = float(lambda_identity)
        if lambda_identity and self.shape_a != self.shape_b:
            raise ValueError(
                f"The identity loss feeds B images to generator_ab and A images to generator_ba, so both domains need "
                f"one shape; got {self.shape_a} and {self.shape_b}. Pass lambda_identity=0."
            )
        self.pool_size = int(pool_size)
        self.pool_a = ImageHistoryPool(pool_size, seed=seed, name="pool_a")
        self.pool_b = ImageHistoryPool(pool_size, seed=None if seed is None else seed + 1, name="pool_b")
        self.pool_a.build((None,) + self.shape_a)
        self.pool_b.build((None,) + self.shape_b)
        self.cycle_noise = float(cycle_noise)
        # only with noise, so that models saved without it keep their list of seed states
        self.noise_seed_generator = keras.random.SeedGenerator(
            None if seed is None else seed + 2) if self.cycle_noise else None
        self.built = True

    @property
    def g_weights(self):
        return unique_variables(self.generator_ab, self.generator_ba)

    @property
    def d_weights(self):
        return unique_variables(self.discriminator_a, self.discriminator_b)

    @property
    def image_shape(self):
        return self.shape_a

    # ------------------------------------------------------------------ the algorithm
    def train_step(self, data):
        """One CycleGAN iteration (Zhu et al. 2017, §3–4): generators first, then discriminators."""
        real_a, real_b = self.unpack_pair(data)

        # 1. Generators: fool both discriminators, survive the round trips, leave own-domain images alone.
        with tf.GradientTape() as tape:
            fake_b = self.generator_ab(real_a, training=True)
            fake_a = self.generator_ba(real_b, training=True)
            cycled_a = self.generator_ba(self.noisy(fake_b), training=True)
            cycled_b = self.generator_ab(self.noisy(fake_a), training=True)
            adv_ab = self.gan_loss.generator(self.discriminator_b(fake_b, training=True))
            adv_ba = self.gan_loss.generator(self.discriminator_a(fake_a, training=True))
            cycle_a = cycle_consistency_loss(real_a, cycled_a)
            cycle_b = cycle_consistency_loss(real_b, cycled_b)
            cycle = cycle_a + cycle_b
            if self.lambda_identity:
                same = identity_loss(real_a, self.generator_ba(real_a, training=True)) + \
                    identity_loss(real_b, self.generator_ab(real_b, training=True))
            else:
                same = ops.zeros(())
            lambda_b = self.lambda_cycle if self.lambda_cycle_b is None else self.lambda_cycle_b
            g_loss = (adv_ab + adv_ba + self.lambda_cycle * cycle_a + lambda_b * cycle_b
                      + self.lambda_identity * same)
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)

        # 2. Discriminators: real images towards "real", fakes from the history pools towards "fake".
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))
        with tf.GradientTape() as tape:
            d_a_loss = self.gan_loss.discriminator(self.discriminator_a(real_a, training=True),
                                                   self.discriminator_a(pooled_a, training=True))
            d_b_loss = self.gan_loss.discriminator(self.discriminator_b(real_b, training=True),
                                                   self.discriminator_b(pooled_b, training=True))
            d_loss = d_a_loss + d_b_loss
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)

        return self.track(d_loss=d_loss, g_loss=g_loss, d_a_loss=d_a_loss, d_b_loss=d_b_loss, adv_ab_loss=adv_ab,
                          adv_ba_loss=adv_ba, cycle_loss=cycle, cycle_a_loss=cycle_a, cycle_b_loss=cycle_b,
                          identity_loss=same)

    def noisy(self, images):
        """`images` plus N(0, cycle_noise²) noise (unchanged when `cycle_noise` is 0): the input of the way back."""
        if not self.cycle_noise:
            return images
        return images + self.cycle_noise * keras.random.normal(ops.shape(images), seed=self.noise_seed_generator)

    def call(self, images, training=False):
        """A → B translation (`generator_ab`)."""
        return self.generator_ab(images, training=training)

    def fit(self, x=None, y=None, *args, **kwargs):
        self.check_pair_data(x, self.shape_a, self.shape_b)
        return keras.Model.fit(self, x, y, *args, **kwargs)

    # ------------------------------------------------------------------ inference
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
        network = self.generator_ab if direction == "a2b" else self.generator_ba
        batch, single = as_model_images(images, self.shape_a if direction == "a2b" else self.shape_b,
                                        f"{direction[0].upper()} images")
        from keras_gans.utils.images import check_output, format_output

        check_output(output)
        out = format_output(run_network(network, batch, batch_size), output)
        return out[0] if single else out

    def generate(self, n=16, seed=None, output="float", **kwargs):
        """A → B translations of the first `n` preview images (see :meth:`set_preview`); `seed` is unused."""
        a, _ = self._preview(n)
        return self.translate(a, "a2b", output=output)

    def preview_rows(self, images_a, images_b):
        """Rows for a sample grid: A, G(A), F(G(A)), B, F(B), G(F(B))."""
        a, _ = as_model_images(images_a, self.shape_a)
        b, _ = as_model_images(images_b, self.shape_b)
        ab = run_network(self.generator_ab, a)
        ba = run_network(self.generator_ba, b)
        return [a, ab, run_network(self.generator_ba, ab), b, ba, run_network(self.generator_ab, ba)]

    def serving_inputs(self):
        return [tf.TensorSpec((None,) + self.shape_a, tf.float32, name="images")]

    def export(self, filepath, format="tf_saved_model", verbose=True, **kwargs):
        """Exports both generators as a SavedModel.

        Endpoints `serve` (= `serving_default`) and `a2b`: `images` float32 (batch, H, W, C) in
        [-1, 1] at the trained size → `{"images"}` in [-1, 1]; `b2a` the reverse direction.
        Map pixels with `x / 127.5 - 1` on the way in and `(y + 1) * 127.5` on the way out.
        """
        if format != "tf_saved_model":
            raise ValueError(f"Only format='tf_saved_model' is supported; got {format!r}.")
        return export_image_to_image(self, {"a2b": self.generator_ab, "b2a": self.generator_ba}, filepath, verbose)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator_ab": keras.saving.serialize_keras_object(self.generator_ab),
            "generator_ba": keras.saving.serialize_keras_object(self.generator_ba),
            "discriminator_a": keras.saving.serialize_keras_object(self.discriminator_a),
            "discriminator_b": keras.saving.serialize_keras_object(self.discriminator_b),
            "image_shape": self.image_shape_config,
            "generator": self.generator_kind,
            "filters": self.filters,
            "num_residual_blocks": self.num_residual_blocks,
            "discriminator_filters": self.discriminator_filters,
            "discriminator_downsampling": self.discriminator_downsampling,
            "lambda_cycle": self.lambda_cycle,
            "lambda_identity": self.lambda_identity,
            "pool_size": self.pool_size,
            "cycle_noise": self.cycle_noise,
            "lambda_cycle_b": self.lambda_cycle_b,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _check_links(links):
    for out_name, out_shape, in_name, in_shape in links:
        if isinstance(in_shape, list):
            continue
        if tuple(out_shape[1:]) != tuple(in_shape[1:]):
            raise ValueError(
                f"The {out_name} has shape {tuple(out_shape[1:])} but the {in_name} expects {tuple(in_shape[1:])}. "
                "Build the networks for the same image size and channels."
            )
