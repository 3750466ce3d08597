"""StyleGAN2 (Karras, Laine, Aittala, Hellsten, Lehtinen & Aila, "Analyzing and Improving the Image Quality
of StyleGAN", CVPR 2020), small: 32×32 by default, widths for a CPU.

The algorithm: the model, its `train_step` (non-saturating logistic loss, lazy R1, style mixing
regularisation, optional DiffAugment, EMA generator) and its sampling tools (truncation trick, style
mixing grid). The networks are in :mod:`keras_gans.networks.stylegan_nets`, their blocks in
:mod:`keras_gans.layers.stylegan_layers`.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.layers.augment import DiffAugment, parse_policy
from keras_gans.models.common import check_fixed_option, run_network
from keras_gans.models.gan import GAN
from keras_gans.networks import stylegan_nets
from keras_gans.training.ema import ema_copy, ema_counter, ema_follow
from keras_gans.utils import checks
from keras_gans.utils.images import check_output, format_output


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2(GAN):
    """StyleGAN2 (Karras et al., CVPR 2020): a mapping network z → w, a synthesis network of modulated
    convolutions with noise inputs, a residual discriminator; trained with `fit`.

    One training step is the paper's loop (its appendix B, without path-length regularisation):

    1. **Discriminator**: the non-saturating logistic loss softplus(D(G(w))) + softplus(−D(x)) on the
       real batch and on fakes with **style mixing** (with probability `mixing_prob` two z's, their
       w's switched at a random layer), plus — every `r1_interval` D steps only (**lazy
       regularisation**, §3.1) — the R1 penalty γ·k/2·E‖∇D(x)‖² on the reals, scaled by the interval k
       (:func:`keras_gans.losses.r1_penalty`; its optimizer's Adam settings are adjusted by
       :func:`keras_gans.losses.lazy_adam_hyperparameters`). Regularisation steps are chosen by a step
       counter in the graph (`ops.cond`), not by Python.
    2. **Generator**: softplus(−D(G(w))) on new mixed-style fakes; the tracked average w̄ (`w_avg`,
       for the truncation trick) moves towards the batch's mean w.
    3. The moving average of the generator's weights (`ema_generator`, decay `ema_decay`, warmed up as
       min(`ema_decay`, (1 + n) / (10 + n)) at the n-th update, :mod:`keras_gans.training.ema`) follows;
       `generate`, `style_mix`, `export` and presets sample from it.

    With `augment` (e.g. `"color,translation,cutout"`) every image D sees — real and fake, in both
    steps — goes through :class:`~keras_gans.layers.DiffAugment` (Zhao et al. 2020), the R1 penalty
    is taken on the augmented reals.

    Args:
        image_shape: (size, size, channels), size a power of two ≥ 8.
        latent_dim: size of z. style_dim: size of w. mapping_layers: depth of the mapping network
            (the paper's 8 suit 1024²; 2–4 here).
        filters: {resolution: feature maps} of both networks (4, 8, …, size); by default
            min(`max_filters`, `filter_base` / resolution): 64, 64, 32, 16 at 32×32.
        r1_gamma: γ of R1 (10, the paper's). On mnist-5k at 32×32, StyleGAN2-ADA's CIFAR-10 setting 0.01 and
            γ = 1 let D overfit and G hop between one or two digits (quick FID 103–114 after 840 steps, half to
            two thirds of the samples one digit); γ = 10 drew every digit by 1,400 steps (quick FID 43.8).
        r1_interval: k, the lazy-regularisation interval (16 in the paper; 1 = every step).
        mixing_prob: probability of style mixing per batch (0.9 in the paper; 0 turns it off).
        augment: a DiffAugment policy, or None (default) for none.
        ema_decay: decay of the generator's weight average in (0, 1). The paper's half-life of 10k
            images is about 0.998 at batch 32; short runs want less (e.g. 0.99).
        w_avg_decay: decay of the tracked average w̄ (0.995 in the official code).
        group_size: the discriminator's minibatch std-dev group.
        mapping_lr_multiplier: the learning-rate multiplier of the mapping network's layers (0.01, as in
            the paper: it learns 100× slower than the rest; see :func:`keras_gans.networks.mapping_network`).
            Models saved before it existed load with 1.0, the setting their weights were trained with.
        seed: seed of the model's `SeedGenerator` (z, style mixing, R1 steps are counted, not drawn).
        d_batch: `"separate"` only (the default; `"joint"` of :class:`~keras_gans.models.GAN` is refused): D
            judges the real and the fake batch in two calls, as the paper's code, because its minibatch
            standard deviation (a statistic over groups of the batch) would otherwise mix reals and fakes in
            every group.
        update: `"alternating"` only (the default; `"simultaneous"` of :class:`~keras_gans.models.GAN` is
            refused): the step is the paper's loop above, its lazy R1 counted in D steps and w̄ moved by G's step.

    Images are floats in [-1, 1]; the synthesis output is linear, as in the paper, and samples are
    clipped to [-1, 1].

    >>> import keras_gans as kg
    >>> gan = kg.models.StyleGAN2(image_shape=(32, 32, 1), augment="translation,cutout", seed=0)
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=32, image_size=(32, 32)), epochs=1)
    >>> images = gan.generate(16, seed=0, truncation_psi=0.7)
    >>> grid = gan.style_mix(n_rows=3, n_cols=5, seed=0)      # (4, 6, 32, 32, 1): sources and mixes
    """

    metric_names = ("d_loss", "g_loss", "r1_penalty", "d_acc_real", "d_acc_fake")
    default_loss = "non_saturating"

    def __init__(self, image_shape=(32, 32, 1), latent_dim=64, style_dim=64, mapping_layers=4, filters=None,
                 max_filters=64, filter_base=512, r1_gamma=10.0, r1_interval=16, mixing_prob=0.9, augment=None,
                 ema_decay=0.999, w_avg_decay=0.995, group_size=4, mapping_lr_multiplier=0.01, seed=None, **kwargs):
        image_shape = stylegan_nets.check_image_shape(image_shape)
        latent_dim = checks.positive_int(latent_dim, "latent_dim")
        style_dim = checks.positive_int(style_dim, "style_dim")
        mapping_layers = checks.positive_int(mapping_layers, "mapping_layers")
        self.r1_gamma = checks.non_negative(r1_gamma, "r1_gamma", fix="The paper uses 10.")
        self.r1_interval = checks.positive_int(r1_interval, "r1_interval", fix="The paper uses 16 (1: every step).")
        self.mixing_prob = checks.number(mixing_prob, "mixing_prob", low=0.0, high=1.0,
                                         expected="a probability in [0, 1] (0.9 in the paper)")
        self.ema_decay = checks.number(ema_decay, "ema_decay", low=0.0, high=1.0, low_open=True, high_open=True,
                                       expected="in (0, 1), e.g. 0.999")
        self.w_avg_decay = checks.number(w_avg_decay, "w_avg_decay", low=0.0, high=1.0, high_open=True,
                                         expected="in [0, 1), e.g. 0.995")
        self.mapping_lr_multiplier = checks.number(mapping_lr_multiplier, "mapping_lr_multiplier", low=0.0,
                                                   low_open=True, expected="a positive number (0.01 in the paper)")
        if augment is not None:
            parse_policy(augment)      # refused before anything is built
        check_fixed_option(kwargs, "update", "alternating", "StyleGAN2", "its step is the paper's alternating "
                           "loop: a D step with the lazy R1 penalty every r1_interval D steps, then a G step on new "
                           "style-mixed fakes that also moves w_avg, then the EMA generator; it has no simultaneous "
                           "step")
        check_fixed_option(kwargs, "d_batch", "separate", "StyleGAN2", "its D's minibatch standard deviation "
                           "would mix real and fake images in each group's statistic; the paper judges them apart")
        net = dict(filters=stylegan_nets._filters(image_shape[0], filters, max_filters, filter_base))
        generator = stylegan_nets.stylegan2_generator(latent_dim, image_shape, style_dim, mapping_layers,
                                                      mapping_lr_multiplier=self.mapping_lr_multiplier, **net)
        discriminator = stylegan_nets.stylegan2_discriminator(image_shape, group_size=group_size, **net)
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.style_dim, self.mapping_layers, self.group_size = style_dim, mapping_layers, int(group_size)
        self.filters, self.max_filters, self.filter_base = net["filters"], int(max_filters), int(filter_base)
        self.num_styles = stylegan_nets.num_styles(image_shape[0])
        # created after keras.Model.__init__, so that it is tracked (its SeedGenerator state is saved and restored)
        self.augmenter = None if augment is None else DiffAugment(augment, seed=seed, name="diff_augment")
        self.augment = None if augment is None else self.augmenter.policy
        #: The moving average of the generator's weights, its output clipped to [-1, 1]: what sampling uses.
        average = ema_copy(generator)
        # built on z itself, not on the list [z]: a model built on a list expects a list, and Keras warns
        # ("The structure of `inputs` doesn't match the expected structure") at every call with one tensor
        self.ema_generator = keras.Model(average.inputs[0], keras.layers.Activation("hard_tanh", name="clip")(
            average.outputs[0]), name="stylegan2_generator_ema")
        #: The tracked average of w (the centre of the truncation trick).
        self.w_avg = keras.Variable(np.zeros(style_dim, "float32"), trainable=False, name="w_avg",
                                    aggregation="mean")
        #: Discriminator steps taken (R1 is applied when it is a multiple of `r1_interval`).
        self.d_steps = keras.Variable(0, dtype="int64", trainable=False, name="d_steps",
                                      aggregation="only_first_replica")
        #: EMA updates made so far (the warm-up of the decay); created last: files saved before it lack it.
        self.ema_updates = ema_counter()
        self.apply_precision()

    # ------------------------------------------------------------------ networks
    @property
    def mapping(self):
        """The generator's mapping network z → w."""
        return self.generator.get_layer("mapping")

    @property
    def synthesis(self):
        """The generator's synthesis network (batch, num_styles, style_dim) → images."""
        return self.generator.get_layer("synthesis")

    def default_optimizers(self):
        """Adam(0.002, β = (0, 0.99), ε = 1e-8) for G; for D the same adjusted for lazy R1 (StyleGAN2, app. B)."""
        lazy = gan_losses.lazy_adam_hyperparameters(0.002, 0.0, 0.99, self.r1_interval)
        return keras.optimizers.Adam(epsilon=1e-8, **lazy), keras.optimizers.Adam(0.002, 0.0, 0.99, epsilon=1e-8)

    def d_input(self, images):
        """What D sees: the images through DiffAugment when `augment` is set, else themselves."""
        return images if self.augmenter is None else self.augmenter(images)

    def mixed_styles(self, batch_size, track_w_avg=False):
        """One w per synthesis layer, (batch, num_styles, style_dim), with style mixing regularisation.

        Two z's are mapped; with probability `mixing_prob` the layers from a crossover drawn uniformly
        in [1, num_styles) on take the second w (one draw per batch, as in the official code).
        """
        w1, w2 = self.mapping(self.sample_latent(batch_size), training=True), \
            self.mapping(self.sample_latent(batch_size), training=True)
        if track_w_avg:
            self.w_avg.assign(self.w_avg_decay * self.w_avg + (1.0 - self.w_avg_decay) * ops.mean(
                ops.cast(w1, "float32"), axis=0))
        # one draw for the whole (global) batch: every replica takes the same crossover
        mix = keras.random.uniform((), seed=self.seed_generator) < self.mixing_prob
        drawn = keras.random.randint((), 1, max(2, self.num_styles), seed=self.seed_generator, dtype="int32")
        crossover = ops.where(mix, drawn, self.num_styles)
        first = ops.arange(self.num_styles, dtype="int32") < crossover
        return ops.where(first[None, :, None], w1[:, None, :], w2[:, None, :])

    def r1(self, real):
        """The lazy R1 term γ·k/2·E‖∇D(x)‖² on (augmented) reals."""
        return gan_losses.r1_penalty(self.discriminator, real, self.r1_gamma, self.r1_interval)

    def update_ema(self):
        """ema ← β·ema + (1 − β)·weights for every trainable weight of the generator, β = `ema_decay` warmed up
        by the updates counted in :attr:`ema_updates` (:func:`~keras_gans.training.ema.ema_follow`); after G's step."""
        ema_follow(self.ema_generator.trainable_variables, self.generator.trainable_variables, self.ema_decay,
                   self.ema_updates, self.g_optimizer)

    # ------------------------------------------------------------------ algorithm
    def train_step(self, data):
        """One StyleGAN2 iteration: a D step (logistic loss + lazy R1), a G step, the EMA update."""
        real = self.d_input(ops.cast(self.unpack_images(data), "float32"))
        batch_size = ops.shape(real)[0]

        # 1. Discriminator: reals towards "real", style-mixed fakes towards "fake"; R1 every r1_interval steps.
        fake = self.synthesis(self.mixed_styles(batch_size), training=True)
        regularize = ops.equal(ops.mod(self.d_steps, self.r1_interval), 0)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(self.d_input(fake), training=True)
            d_loss = self.gan_loss.discriminator(real_logits, fake_logits)
            r1 = ops.cond(regularize, lambda: self.r1(real), lambda: ops.zeros((), "float32"))
            total = d_loss + r1
        self.apply_update(self.d_optimizer, tape, total, self.d_weights)
        self.d_steps.assign_add(1)

        # 2. Generator: new style-mixed fakes pushed towards "real"; w̄ tracks the mapped w's.
        with tf.GradientTape() as tape:
            fake = self.synthesis(self.mixed_styles(batch_size, track_w_avg=True), training=True)
            g_loss = self.gan_loss.generator(self.discriminator(self.d_input(fake), training=True),
                                             ops.stop_gradient(real_logits))
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)

        # 3. The sampling generator follows the generator's weights.
        self.update_ema()

        self.trackers["r1_penalty"].update_state(r1, sample_weight=ops.cast(regularize, "float32"))  # R1 steps only
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)

    # ------------------------------------------------------------------ sampling
    @property
    def sampling_mapping(self):
        """The EMA generator's mapping network."""
        return self.ema_generator.get_layer("mapping")

    @property
    def sampling_synthesis(self):
        """The EMA generator's synthesis network (its output not yet clipped)."""
        return self.ema_generator.get_layer("synthesis")

    def mapped(self, z, truncation_psi=1.0, batch_size=256):
        """w = mapping(z) of the EMA generator, truncated: w̄ + ψ·(w − w̄) (numpy, (n, style_dim))."""
        psi = checks.number(truncation_psi, "truncation_psi", expected="a finite number (1: no truncation, "
                                                                       "0: every image at the average w)")
        self.apply_precision()
        w = run_network(self.sampling_mapping, np.asarray(z, "float32"), batch_size).astype("float32")
        w_avg = self.w_avg.numpy()
        return w_avg + psi * (w - w_avg)

    def synthesize(self, ws, batch_size=256, output="float"):
        """Images from w's: (n, style_dim) (the same w for every layer) or (n, num_styles, style_dim)."""
        check_output(output)
        ws = np.asarray(ws, "float32")
        if ws.ndim == 2:
            ws = np.repeat(ws[:, None, :], self.num_styles, axis=1)
        if ws.ndim != 3 or ws.shape[1:] != (self.num_styles, self.style_dim):
            raise ValueError(f"ws must have shape (n, {self.style_dim}) or (n, {self.num_styles}, {self.style_dim}); "
                             f"got {ws.shape}.")
        self.apply_precision()
        images = run_network(self.sampling_synthesis, ws, batch_size)
        return format_output(np.clip(images, -1.0, 1.0, out=images), output)

    def generate(self, n=16, seed=None, z=None, batch_size=256, output="float", truncation_psi=1.0):
        """`GAN.generate` from the EMA generator, with the truncation trick: w = w̄ + ψ·(mapping(z) − w̄).

        `truncation_psi` 1 (default) is plain sampling; below 1 trades variety for typical images;
        0 gives the image of the average w for every z. The noise inputs are fixed outside training,
        so the same `seed` (or `z`) gives the same images.
        """
        if truncation_psi == 1.0:
            return super().generate(n, seed=seed, z=z, batch_size=batch_size, output=output)
        check_output(output)
        z = self.latent(checks.non_negative_int(n, "n (the number of images)"), seed) if z is None \
            else np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}); got {z.shape}.")
        return self.synthesize(self.mapped(z, truncation_psi, batch_size), batch_size, output)

    @property
    def coarse_styles(self):
        """The w's of the 4² and 8² layers (StyleGAN's "coarse styles"): the default crossover of `style_mix`."""
        return stylegan_nets.num_styles(8)

    def style_mix(self, n_rows=3, n_cols=5, seed=None, crossover=None, truncation_psi=1.0, output="float"):
        """The style-mixing figure (StyleGAN, fig. 3): images made of the coarse styles of one source and
        the fine styles of another.

        `n_cols` sources A and `n_rows` sources B are drawn (from `seed`). The result is an array
        (n_rows + 1, n_cols + 1, H, W, C): row 0 holds the sources A (from column 1), column 0 the
        sources B (from row 1), the corner is blank (−1), and cell (i, j) takes its first `crossover`
        w's — the coarse layers — from source B of row i and the rest from source A of column j. So each
        row shares its coarse source (pose, overall shape), each column its fine one. `crossover`: a
        layer index in [0, num_styles]; default :attr:`coarse_styles` (the 4² and 8² layers).
        `grid.reshape(-1, H, W, C)` with `rows=n_rows + 1` is a picture (:func:`keras_gans.utils.images.make_grid`).
        """
        n_rows, n_cols = (checks.positive_int(v, name) for v, name in ((n_rows, "n_rows"), (n_cols, "n_cols")))
        crossover = self.coarse_styles if crossover is None else checks.integer(
            crossover, "crossover", low=0, high=self.num_styles,
            expected=f"a layer index in [0, {self.num_styles}] (the w's before it come from the row's source)")
        w = self.mapped(self.latent(n_cols + n_rows, seed), truncation_psi)
        w_a, w_b = w[:n_cols], w[n_cols:]
        first = (np.arange(self.num_styles) < crossover)[None, None, :, None]
        mixed = np.where(first, w_b[:, None, None, :], w_a[None, :, None, :])     # (rows, cols, styles, dim)
        images = self.synthesize(np.concatenate([mixed.reshape(-1, self.num_styles, self.style_dim),
                                                 np.repeat(w_a[:, None], self.num_styles, 1),
                                                 np.repeat(w_b[:, None], self.num_styles, 1)]))
        size = n_rows * n_cols
        grid = np.full((n_rows + 1, n_cols + 1) + images.shape[1:], -1.0, "float32")
        grid[1:, 1:] = images[:size].reshape((n_rows, n_cols) + images.shape[1:])
        grid[0, 1:], grid[1:, 0] = images[size:size + n_cols], images[size + n_cols:]
        return format_output(grid, output)

    # ------------------------------------------------------------------ presets
    def preset_state(self):
        """What a preset keeps beside the EMA generator it stores: w̄ (`w_avg`), the centre of the truncation
        trick, which is a variable of the model, not of the network. `kg.zoo.publish` records it in
        `metadata.json` (`model_state`); :meth:`from_preset_generator` sets it back."""
        return {"w_avg": [float(v) for v in np.asarray(self.w_avg.numpy(), "float32")]}

    @classmethod
    def from_preset_generator(cls, generator, metadata, dtype_policy=None):
        """The preset's model with its EMA generator and, when the preset records it, its w̄, so that
        `generate(truncation_psi=...)` truncates towards the trained average w (not towards 0)."""
        model = super().from_preset_generator(generator, metadata, dtype_policy=dtype_policy)
        w_avg = (metadata.get("model_state") or {}).get("w_avg")
        if w_avg is not None:
            model.w_avg.assign(np.asarray(w_avg, "float32").reshape(model.w_avg.shape))
        return model

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name, "trainable": self.trainable, "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self.image_shape), "latent_dim": self.latent_dim, "style_dim": self.style_dim,
            "mapping_layers": self.mapping_layers, "filters": {str(k): v for k, v in self.filters.items()},
            "max_filters": self.max_filters, "filter_base": self.filter_base, "r1_gamma": self.r1_gamma,
            "r1_interval": self.r1_interval, "mixing_prob": self.mixing_prob, "augment": self.augment,
            "ema_decay": self.ema_decay, "w_avg_decay": self.w_avg_decay, "group_size": self.group_size,
            "mapping_lr_multiplier": self.mapping_lr_multiplier, "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        # Models saved before the mapping network had its learning-rate multiplier were trained (and their
        # stored weights are meaningful) without it: they load with 1.0, which computes what they computed.
        config = dict(config)
        config.setdefault("mapping_lr_multiplier", 1.0)
        return cls(**config)
