"""InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by Information Maximizing GANs")."""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import categorical_code_loss, continuous_code_loss
from keras_gans.models.common import check_result_memory
from keras_gans.models.gan import GAN
from keras_gans.networks import auxiliary_nets
from keras_gans.training.tricks import TRICK_DEFAULTS, TricksMixin, check_trick_options
from keras_gans.utils import checks
from keras_gans.utils.images import check_output, format_output
from keras_gans.utils.random import replica_random


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(TricksMixin, GAN):
    """InfoGAN: a GAN whose latent codes come to mean something, learned without labels.

    Chen et al. (2016). G's input is noise z and a structured code c: one categorical code of `categories`
    values and `continuous_codes` codes uniform in [−1, 1]. A Q head that shares D's body predicts c from
    G(z, c); maximising the variational lower bound L_I(G, Q) ≤ I(c; G(z, c)) makes each code control one
    factor of variation. On MNIST the categorical code comes to pick the digit and the continuous ones its
    width and slant. Per training step:

    1. D and Q: the real batch towards "real", fakes G(z, c) towards "fake", and Q reads back c from the
       fakes (D's optimizer updates D's body, its head and Q's head);
    2. G: new fakes, pushed towards "real" and towards codes that Q reads back.

    D sees the real and the fake images in one call (`d_batch="joint"`, the default) in both steps, so its
    batch norm gives both the same statistics; see :meth:`discriminate` for why two calls
    (`d_batch="separate"`) leave this D nearly blind.

    The information loss is λ_cat·CE(category) + λ_cont·½·‖c_cont − μ_Q(x)‖²/n (a Gaussian with σ = 1; see
    :func:`keras_gans.losses.mutual_information_loss`), added to D's loss (for Q) and to G's.

    Data: images alone (`kg.data.load("mnist-5k", batch_size=64)`); labels, if the batches carry them,
    are ignored.

    Training tricks (:mod:`keras_gans.tricks`): `ema_decay=β` keeps `ema_generator`, a moving average of G's
    weights (the generator only, not D or Q) updated after every G step, which `generate()`,
    :meth:`code_traversal`, `export()` and presets then use; the label tricks (`label_smoothing`, `label_noise`,
    `label_flip`) change the targets of D's real/fake head only. `instance_noise`, `augment` and `d_steps` are
    refused: Q reads the codes from the very images D sees, so noise or augmentation there would change what the
    codes must carry, and D and Q take one step per G step.

    Args:
        image_shape: data size (height and width divisible by 4).
        latent_dim: size of the noise z (62 in the paper's MNIST model).
        categories: values of the categorical code (10).
        continuous_codes: number of continuous codes (2).
        categorical_weight, continuous_weight: λ of the two parts of the information loss (1 and 0.1; the
            paper uses λ = 1 for discrete codes and smaller for continuous ones).
        filters, hidden_units: widths of the built-in networks
            (:func:`~keras_gans.networks.infogan_generator`, :func:`~keras_gans.networks.infogan_discriminator`;
            64 and 1024 as the paper).
        generator, discriminator: optional networks: `[z, category, continuous]` → images, and images →
            `[real/fake logit, category logits, continuous means]`.
        **kwargs: `seed`, `dtype_policy`, `d_batch` (`"joint"`, the default, or `"separate"`; see
            :meth:`discriminate`), the tricks above (`ema_decay`, `label_smoothing`, ...) and Keras model
            arguments.

    Defaults: Adam(2e-4, β1 = 0.5) for D and Q, Adam(1e-3, β1 = 0.5) for G (the paper's); non-saturating loss.

    Example:

    >>> import keras_gans as kg
    >>> gan = kg.models.InfoGAN()
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=64), epochs=1, verbose=0)
    >>> threes = gan.generate(8, seed=0, category=3)               # one value of the categorical code
    >>> grid = gan.code_traversal(code=0, steps=7)                 # (10 categories, 7 values, 28, 28, 1)
    >>> grid.shape
    (10, 7, 28, 28, 1)
    """

    metric_names = ("d_loss", "g_loss", "info_loss", "category_acc", "d_acc_real", "d_acc_fake")
    #: The tricks InfoGAN refuses (see above): left out of its config.
    fixed_options = ("d_steps", "instance_noise", "instance_noise_steps", "augment")

    def __init__(self, image_shape=(28, 28, 1), latent_dim=62, categories=10, continuous_codes=2,
                 categorical_weight=1.0, continuous_weight=0.1, filters=64, hidden_units=1024, generator=None,
                 discriminator=None, **kwargs):
        if kwargs.get("update", "alternating") != "alternating":
            raise ValueError(f"InfoGAN takes update='alternating' only (its D has a Q head); "
                             f"got {kwargs['update']!r}.")
        refused = {k: kwargs[k] for k in self.fixed_options if k in kwargs and kwargs[k] != TRICK_DEFAULTS[k]}
        if refused:
            raise ValueError(f"InfoGAN does not take {', '.join(f'{k}={v!r}' for k, v in refused.items())}: its Q "
                             "head reads the codes from the images D sees, so they must be G's images as drawn, "
                             "and D and Q take one step per G step. Of the training tricks it takes ema_decay "
                             "and label_smoothing / label_noise / label_flip.")
        check_trick_options(kwargs)
        kwargs.setdefault("d_batch", "joint")
        image_shape, latent_dim = checks.image_shape(image_shape), checks.latent_dim(latent_dim, example=62)
        categories = checks.integer(categories, "categories", low=2, fix="MNIST's digit code has 10.")
        continuous_codes = checks.positive_int(continuous_codes, "continuous_codes")
        categorical_weight = checks.non_negative(categorical_weight, "categorical_weight")
        continuous_weight = checks.non_negative(continuous_weight, "continuous_weight")
        filters = checks.positive_int(filters, "filters")
        hidden_units = checks.positive_int(hidden_units, "hidden_units")
        if generator is None:
            generator = auxiliary_nets.infogan_generator(latent_dim, categories, continuous_codes, image_shape,
                                                         filters, hidden_units)
        if discriminator is None:
            discriminator = auxiliary_nets.infogan_discriminator(image_shape, categories, continuous_codes, filters,
                                                                 hidden_units)
        outputs = [tuple(o.shape[1:]) for o in getattr(discriminator, "outputs", None) or []]
        if outputs[1:] != [(categories,), (continuous_codes,)] or len(outputs) != 3:
            raise ValueError(f"An InfoGAN discriminator returns [real/fake logit, {categories} category logits, "
                             f"{continuous_codes} continuous means]; got outputs of shapes {outputs}. Build one "
                             "with kg.networks.infogan_discriminator(image_shape, categories, continuous_codes).")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        self.categories, self.continuous_codes = int(categories), int(continuous_codes)
        self.categorical_weight, self.continuous_weight = float(categorical_weight), float(continuous_weight)
        self.filters, self.hidden_units = filters, hidden_units

    def default_optimizers(self):
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5)

    # ------------------------------------------------------------------ algorithm
    def sample_codes(self, batch_size):
        """The structured code c for a batch: a uniform category and continuous codes ~ U(−1, 1)."""
        category = replica_random(keras.random.randint, (batch_size,), seed=self.seed_generator, minval=0,
                                  maxval=self.categories, dtype="int32")
        continuous = replica_random(keras.random.uniform, (batch_size, self.continuous_codes),
                                    seed=self.seed_generator, minval=-1.0, maxval=1.0)
        return category, continuous

    def information_loss(self, category, continuous, category_logits, continuous_mean):
        """λ_cat·CE + λ_cont·Gaussian NLL of the codes under Q's prediction (the negative of L_I, up to H(c))."""
        return (self.categorical_weight * categorical_code_loss(category, category_logits)
                + self.continuous_weight * continuous_code_loss(continuous, continuous_mean))

    def train_step(self, data):
        """One InfoGAN iteration (Chen et al. 2016, eq. 5): min over G, Q and max over D of V(D, G) − λ·L_I(G, Q)."""
        real = self.unpack_images(data)
        n = ops.shape(real)[0]
        # 1. D and Q: real vs fake, and Q reads back the codes that made the fakes (G only runs forward).
        category, continuous = self.sample_codes(n)
        fake = self.generator([self.sample_latent(n), category, continuous], training=True)
        with tf.GradientTape() as tape:
            (real_logits, _, _), (fake_logits, category_logits, continuous_mean) = self.discriminate(real, fake)
            q_loss = self.information_loss(category, continuous, category_logits, continuous_mean)
            d_loss = self.discriminator_loss(real_logits, fake_logits) + q_loss
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)

        # 2. Generator: new fakes, to be called real and to carry codes that Q can read back. With
        #    d_batch="joint" D sees them beside the real batch again, as in step 1: its batch norm
        #    then normalises them with the statistics it learned to judge under. The EMA generator
        #    (ema_decay) then follows G.
        g_category, g_continuous = self.sample_codes(n)
        with tf.GradientTape() as tape:
            fake = self.generator([self.sample_latent(n), g_category, g_continuous], training=True)
            if self.d_batch == "separate":
                g_logits, g_category_logits, g_continuous_mean = self.discriminator(fake, training=True)
            else:
                _, (g_logits, g_category_logits, g_continuous_mean) = self.discriminate(real, fake)
            info_loss = self.information_loss(g_category, g_continuous, g_category_logits, g_continuous_mean)
            g_loss = self.gan_loss.generator(g_logits, ops.stop_gradient(real_logits)) + info_loss
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        self.update_ema()

        predicted = ops.cast(ops.argmax(ops.cast(g_category_logits, "float32"), axis=-1), "int32")
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, info_loss=info_loss,
                          category_acc=ops.mean(ops.cast(ops.equal(predicted, g_category), "float32")),
                          d_acc_real=acc_real, d_acc_fake=acc_fake)

    def discriminate(self, real, fake, training=True):
        """D's three outputs `[logit, category logits, continuous means]` on the real and on the fake batch.

        `d_batch="joint"` (InfoGAN's default): one call on the real and fake images together, so the batch
        norm of D's body (and of Q's head) normalises both with the same statistics. `"separate"`: one call
        each; then every batch is normalised by its own statistics, and the batch norm after D's 1024-unit
        layer, one linear layer below the logit, centres each feature within each batch: whatever every
        fake in a batch shares (gray noise at the start of training, a mark on every image) no longer
        reaches the logit. Measured on mnist-5k (batch 64, seed 0): after 140 steps "separate" still drew
        gray noise, which Q and G had already used to carry the code (info_loss 0.055), while "joint" drew
        strokes on black. The paper's code makes two calls; "joint" departs from it on purpose.
        """
        return super().discriminate(real, fake, training=training)

    def call(self, inputs, training=False):
        """The generator's images for `[z, category, continuous]`."""
        return self.generator(inputs, training=training)

    # ------------------------------------------------------------------ sampling
    def codes(self, n, seed=None):
        """`(category, continuous)` for `n` images as numpy, drawn from the prior; the same `seed` gives the same codes.

        Drawn from their own stream, so `generate(n, seed=s)` uses z = `latent(n, s)` and these codes.
        """
        n = checks.non_negative_int(n, "n (the number of images)")
        rng = np.random.default_rng(None if seed is None else [checks.seed(seed), 1])
        category = rng.integers(0, self.categories, n).astype("int32")
        continuous = rng.uniform(-1.0, 1.0, (n, self.continuous_codes)).astype("float32")
        return category, continuous

    def check_category(self, category, n):
        """`category` (one int, or one per image) as an int32 vector of `n`; `ValueError` naming the fix."""
        arr = np.asarray(category)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"category must be integers in [0, {self.categories}); got dtype {arr.dtype}.")
        arr = np.full((n,), int(arr)) if arr.ndim == 0 else arr
        if arr.shape != (n,):
            raise ValueError(f"category must be one int or one per image, shape ({n},); got shape {arr.shape}.")
        if arr.size and (arr.min() < 0 or arr.max() >= self.categories):
            bad = arr[(arr < 0) | (arr >= self.categories)][0]
            raise ValueError(f"Category {int(bad)} is out of range: this model has categories={self.categories}, "
                             f"so the categorical code must be in [0, {self.categories - 1}].")
        return arr.astype("int32")

    def check_continuous(self, continuous, n):
        """`continuous` (one code vector for all, or one per image) as float32 (n, continuous_codes)."""
        arr = np.asarray(continuous, "float32")
        k = self.continuous_codes
        arr = np.broadcast_to(arr, (n, k)) if arr.shape == (k,) else arr
        if arr.shape != (n, k):
            raise ValueError(f"continuous must have shape ({k},) (the same codes for all images) or ({n}, {k}); "
                             f"got {arr.shape}.")
        if not np.isfinite(arr).all():
            raise ValueError("continuous codes must be finite numbers (training draws them from [-1, 1]).")
        return np.ascontiguousarray(arr)

    def generate(self, n=None, seed=None, z=None, category=None, continuous=None, batch_size=256, output="float"):
        """Generates images, choosing the codes or drawing them from the prior.

        Args:
            n: number of images (default: from `z`, `category` or `continuous`, else 16).
            seed: integer for reproducible z and codes (same seed → same images).
            z: noise vectors instead of sampling, shape (n, latent_dim).
            category: the categorical code: one int for all images or one per image; None: drawn uniformly.
            continuous: the continuous codes: shape (continuous_codes,) for all images or
                (n, continuous_codes); None: drawn from U(−1, 1). Values outside [−1, 1] extrapolate.
            batch_size, output: as :meth:`GAN.generate`.
        """
        check_output(output)
        if n is None:
            for given in (z, category if np.ndim(category) else None,
                          continuous if np.ndim(continuous) == 2 else None):
                if given is not None:
                    n = len(given)
                    break
            else:
                n = 16
        n = checks.non_negative_int(n, "n (the number of images)")
        check_result_memory(self.sampling_generator, n, f"generate({n})")
        drawn_category, drawn_continuous = self.codes(n, seed)
        category = drawn_category if category is None else self.check_category(category, n)
        continuous = drawn_continuous if continuous is None else self.check_continuous(continuous, n)
        z = self.latent(n, seed) if z is None else np.asarray(z, "float32")
        if z.shape != (n, self.latent_dim):
            raise ValueError(f"z must have shape ({n}, {self.latent_dim}); got {z.shape}.")
        return format_output(self.run_generator(z, category, continuous, batch_size=batch_size), output)

    def code_traversal(self, code=0, steps=10, categories=None, low=-2.0, high=2.0, seed=0, output="float"):
        """The paper's picture: one continuous code varied along each row, the rest of the input fixed.

        Row r has categorical code `categories[r]` (default: every category, one row each); column j sets
        continuous code `code` to the j-th of `steps` values from `low` to `high` (the paper goes to ±2,
        past the [−1, 1] of training). z (from `seed`) and the other continuous codes (0) are the same in
        every image, so within a row only `code` changes: on MNIST, the width or the slant of the digit.

        Returns:
            a numpy array (rows, steps, H, W, C); `kg.utils.images.make_grid(grid.reshape(-1, H, W, C),
            rows=rows)` lays it out as one picture.
        """
        code = checks.integer(code, "code", low=0, high=self.continuous_codes - 1,
                              fix=f"This model has {self.continuous_codes} continuous codes.")
        steps = checks.integer(steps, "steps", low=2)
        low, high = checks.number(low, "low"), checks.number(high, "high")
        rows = np.arange(self.categories) if categories is None else np.asarray(categories).reshape(-1)
        rows = self.check_category(rows, len(rows))
        category = np.repeat(rows, steps)
        continuous = np.zeros((len(category), self.continuous_codes), "float32")
        continuous[:, code] = np.tile(np.linspace(low, high, steps, dtype="float32"), len(rows))
        z = np.repeat(self.latent(1, seed), len(category), axis=0)
        images = self.generate(z=z, category=category, continuous=continuous, output=output)
        return images.reshape((len(rows), steps) + images.shape[1:])

    # ------------------------------------------------------------------ export and config
    def serving_inputs(self):
        """Serving signature: `z` float32 (batch, latent_dim), `category` int32 (batch,), `continuous` float32
        (batch, continuous_codes). The export's `sample(n, seed, category, continuous)` draws z only."""
        return [tf.TensorSpec([None, self.latent_dim], tf.float32, name="z"),
                tf.TensorSpec([None], tf.int32, name="category"),
                tf.TensorSpec([None, self.continuous_codes], tf.float32, name="continuous")]

    def get_config(self):
        config = super().get_config()
        config.update(image_shape=self.image_shape, categories=self.categories,
                      continuous_codes=self.continuous_codes, categorical_weight=self.categorical_weight,
                      continuous_weight=self.continuous_weight, filters=self.filters,
                      hidden_units=self.hidden_units)
        return config
