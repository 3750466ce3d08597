"""Progressive growing of GANs (Karras, Aila, Laine & Lehtinen, ICLR 2018; GANs in Action, chapter 6).

The algorithm: the ProGAN model, its `train_step`, growing and fading in. The schedule of phases and the
loop that runs it live in :mod:`keras_gans.training.progressive` and :mod:`keras_gans.training.progressive_fit`.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.models.common import check_fixed_option
from keras_gans.models.gan import GAN
from keras_gans.networks import progan_nets
from keras_gans.training import progressive_fit
from keras_gans.training.ema import ema_update, warmup_steps
from keras_gans.training.progressive import PHASES, ProGANSchedule, fresh_optimizer
from keras_gans.utils import checks


class _StoreWith:
    """A Keras weights store with `extra` entries where it has none (the `in` and `[]` that loading uses)."""

    def __init__(self, store, extra):
        self.store, self.extra = store, extra

    def __contains__(self, key):
        return key in self.extra or key in self.store

    def __getitem__(self, key):
        return self.extra[key] if key in self.extra else self.store[key]


def _check_resolution(value, what):
    return checks.power_of_two(value, what, fix="Pick the nearest power of two and resize the data to it.")


@keras.saving.register_keras_serializable(package="keras_gans")
class ProGAN(GAN):
    """Progressive GAN: trains at 4×4, then grows both networks one resolution at a time (Karras et al.,
    ICLR 2018; GANs in Action, ch. 6).

    Growing happens between `fit` calls and keeps the *same* layer objects (so the same trained
    variables) — no `clear_session`, no copying of weights. Each doubling has two phases:

    - **transition**: the new block fades in, output = (1 − α)·upsample(old RGB) + α·new RGB in the
      generator and the mirrored blend in the critic; the real images are blended the same way
      (α·x + (1 − α)·upsample(downsample(x))), as in the paper. :class:`~keras_gans.callbacks.FadeInScheduler`
      moves α from 0 to 1 with the number of images shown.
    - **stable**: the new block alone (α = 1).

    The networks use the paper's equalised learning rate, pixelwise normalisation (generator) and
    minibatch standard deviation (critic); see :mod:`keras_gans.layers.progan_layers` and
    :mod:`keras_gans.networks.progan_nets`. The loss is WGAN-GP with the drift term:
    `d_loss = E[D(G(z))] − E[D(x)] + λ·GP + ε_drift·E[D(x)²]` (λ = 10, ε_drift = 0.001), one critic
    step per generator step, Adam(1e-3, β = (0, 0.99), ε = 1e-8) — all from the paper. The optimizers'
    state is reset whenever the networks grow (the official code does the same), since their
    variables change.

    Args:
        start_resolution: first resolution (a power of two ≥ 4; 4 in the paper).
        target_resolution: final resolution (a power of two ≥ `start_resolution`).
        latent_dim: size of z.
        channels: image channels (1 grey, 3 RGB).
        filters: feature maps per resolution ({resolution: n}); by default min(`max_filters`,
            `filter_base` / resolution).
        max_filters, filter_base: the default width rule (the paper uses 512 and 8192).
        resolution, phase: the network to build now (default: stable at `start_resolution`); a
            saved model stores them, so it reloads mid-schedule.
        gp_weight: λ of the gradient penalty. drift_weight: ε_drift.
        group_size: the critic's minibatch std-dev group.
        ema_decay: decay of the moving average of the generator's weights (`ema_generator`, the
            paper's Gs, 0.999), which `generate` and `export` use; None turns it off. Short runs
            want a shorter memory (e.g. 0.99). The decay warms up once, from the start of training
            (min(β, (1 + n) / (10 + n)) at the n-th update, n = :attr:`ema_updates`, which does not
            restart when the networks grow; :mod:`keras_gans.training.ema`).
        schedule: a :class:`ProGANSchedule` used by :meth:`fit_schedule` (default: `ProGANSchedule()`).
        seed: seed of the latent `SeedGenerator`.

    Example (a few thousand images per phase; see tests/models/test_progan.py for a full 4 → 32 run):

    >>> import keras_gans as kg
    >>> gan = kg.models.ProGAN(start_resolution=4, target_resolution=16, latent_dim=64, channels=1)
    >>> gan.compile()
    >>> data = kg.data.load("mnist-5k", batch_size=64, image_size=(16, 16))
    >>> schedule = kg.models.ProGANSchedule(transition_images=3_000, batch_sizes=32)
    >>> history = gan.fit_schedule(data, schedule)             # 4 → 8 → 16, five phases
    >>> gan.resolution, gan.phase, gan.generate(4, seed=0).shape
    (16, 'stable', (4, 16, 16, 1))

    Or step by step: `gan.fit(data_at_current_resolution, ...)`, then `gan.grow()`; save and reload at
    any point, then `fit_schedule` continues where the model stopped.
    """

    metric_names = ("d_loss", "g_loss", "wasserstein_distance", "gradient_penalty", "drift")
    default_loss = "wasserstein"

    def __init__(self, start_resolution=4, target_resolution=32, latent_dim=128, channels=1, filters=None,
                 max_filters=128, filter_base=2048, resolution=None, phase="stable", gp_weight=10.0,
                 drift_weight=1e-3, group_size=4, ema_decay=0.999, schedule=None, seed=None, **kwargs):
        start_resolution = _check_resolution(start_resolution, "start_resolution")
        target_resolution = _check_resolution(target_resolution, "target_resolution")
        if target_resolution < start_resolution:
            raise ValueError(f"target_resolution ({target_resolution}) is below start_resolution ({start_resolution}); "
                             "the networks only grow. Choose target_resolution ≥ start_resolution.")
        resolution = start_resolution if resolution is None else _check_resolution(resolution, "resolution")
        if not start_resolution <= resolution <= target_resolution:
            raise ValueError(f"resolution {resolution} lies outside [{start_resolution}, {target_resolution}].")
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}; got {phase!r}.")
        if phase == "transition" and resolution == start_resolution:
            raise ValueError(f"There is no transition into the start resolution {start_resolution}; "
                             "use phase='stable'.")
        latent_dim = checks.positive_int(latent_dim, "latent_dim")
        channels = checks.positive_int(channels, "channels", fix="Use 1 for grey images, 3 for RGB.")
        max_filters = checks.positive_int(max_filters, "max_filters")
        filter_base = checks.positive_int(filter_base, "filter_base")
        group_size = checks.positive_int(group_size, "group_size", fix="The paper uses 4 (minibatch stddev groups).")
        ema_decay = checks.optional(checks.number, ema_decay, "ema_decay", low=0.0, high=1.0, high_open=True,
                                    expected="in [0, 1) (0.999 in the paper) or None")
        gp_weight = checks.non_negative(gp_weight, "gp_weight", fix="The paper uses 10.")
        drift_weight = checks.non_negative(drift_weight, "drift_weight", fix="The paper uses 0.001.")
        check_fixed_option(kwargs, "update", "alternating", "ProGAN",
                           "its step is the paper's: a critic step, then a generator step on new latent vectors")
        kwargs.pop("update", None)  # ProGAN's own step; the base class' update rule does not apply
        all_res = progan_nets.resolutions(4, target_resolution)
        if filters is None:
            filters = {r: progan_nets.default_filters(r, max_filters, filter_base) for r in all_res}
        filters = {int(k): int(v) for k, v in filters.items()}
        missing = [r for r in all_res if r not in filters]
        if missing:
            raise ValueError(f"filters has no entry for resolutions {missing}; give one for each of {all_res}.")

        self.start_resolution, self.target_resolution = start_resolution, target_resolution
        self.channels, self.filters = int(channels), filters
        self.max_filters, self.filter_base = int(max_filters), int(filter_base)
        self.group_size = int(group_size)
        generator, discriminator = self._build_networks(int(latent_dim), resolution, phase == "transition", None)
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.resolution, self.phase = resolution, phase
        self.gp_weight, self.drift_weight = float(gp_weight), float(drift_weight)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        #: The moving average of the generator's weights (the paper's Gs), used for sampling and export.
        self.ema_generator = None
        if self.ema_decay is not None:
            self.ema_generator = self._build_ema(None)
            self.ema_generator.set_weights(generator.get_weights())
        if isinstance(schedule, dict):
            schedule = keras.saving.deserialize_keras_object(schedule)
        self.schedule = schedule
        #: Images trained on in the current phase (saved with the weights; drives α).
        self.phase_images = keras.Variable(0, dtype="int64", trainable=False, name="phase_images")
        #: EMA updates since the start of training (saved with the weights; the warm-up of the EMA's decay).
        #: Not the optimizers' `iterations`, which restart at every phase: the warm-up happens once.
        self.ema_updates = keras.Variable(0, dtype="int64", trainable=False, name="ema_updates",
                                          aggregation="only_first_replica")
        #: Each phase run by `fit_schedule`: [(resolution, kind, wall seconds, images, process CPU seconds)].
        self.phase_times = []
        self.apply_precision()  # the EMA generator, built after GAN.__init__

    # ------------------------------------------------------------------ networks and growing
    def _build_networks(self, latent_dim, resolution, transition, reuse):
        generator = progan_nets.progan_generator(latent_dim, resolution, self.channels, self.filters,
                                                 transition=transition, reuse=reuse)
        discriminator = progan_nets.progan_discriminator(resolution, self.channels, self.filters,
                                                         transition=transition, reuse=reuse,
                                                         group_size=self.group_size)
        return generator, discriminator

    def _build_ema(self, reuse):
        """The EMA generator: the generator's architecture, its output clipped to [-1, 1].

        The generator's output layer is linear (as in the paper), so images can overshoot [-1, 1]
        a little; the paper clips when it converts them to pixels. The clip sits in the sampling
        network itself, so `generate`, `export` and a zoo preset made from it give the same
        [-1, 1] images. Training never goes through it.
        """
        net = progan_nets.progan_generator(self.latent_dim, self.resolution, self.channels, self.filters,
                                           transition=self.phase == "transition", reuse=reuse,
                                           name="progan_generator_ema")
        clip = keras.layers.Activation("hard_tanh", name="g_output_clip")
        return keras.Model(net.inputs[0], clip(net.outputs[0]), name="progan_generator_ema")

    def update_ema(self):
        """ema ← β·ema + (1 − β)·weights for every generator weight (Karras et al. 2018, app. A.1).

        β is `ema_decay` warmed up by :attr:`ema_updates` (:func:`~keras_gans.training.ema.ema_update`), a count
        that goes on across phases (the optimizers' `iterations` restart at each).
        """
        if self.ema_generator is None:
            return
        ema_update(self.ema_generator.trainable_variables, self.generator.trainable_variables, self.ema_decay,
                   step=self.ema_updates)
        self.ema_updates.assign_add(1)

    def load_own_variables(self, store):
        # A file saved before `ema_updates` existed lacks it (its last own variable): that run's Gs averaged with
        # the plain decay, so it goes on past the warm-up rather than jumping back to G.
        own = self._trainable_variables + self._non_trainable_variables
        key = str(len(own) - 1)
        if own[-1] is self.ema_updates and key not in store:
            done = 0 if self.ema_decay is None else warmup_steps(self.ema_decay)
            store = _StoreWith(store, {key: np.array(done, "int64")})
        super().load_own_variables(store)

    def run_generator(self, *inputs, batch_size=256):
        """`GAN.run_generator` (the EMA generator when there is one), clipped to [-1, 1]: the EMA network
        clips in itself; the generator's output layer is linear, so without EMA it is clipped here."""
        images = super().run_generator(*inputs, batch_size=batch_size)
        return np.clip(images, -1.0, 1.0, out=images)  # in place: a large result is not copied

    @property
    def image_shape(self):
        return (self.resolution, self.resolution, self.channels)

    @property
    def alpha(self):
        """The current fade-in α (1.0 in a stable phase)."""
        if self.phase != "transition":
            return 1.0
        return float(self.generator.get_layer("g_fade_in").alpha.numpy())

    def set_alpha(self, value):
        """Sets α of both fade-in layers (generator and critic); no-op in a stable phase."""
        if self.phase == "transition":
            for net in (self.generator, self.discriminator, self.ema_generator):
                if net is not None:
                    net.get_layer("g_fade_in" if net is not self.discriminator else "d_fade_in").set_alpha(value)

    @property
    def next_phase(self):
        """(resolution, phase) that :meth:`grow` moves to, or None at the end (stable at the target)."""
        if self.phase == "transition":
            return self.resolution, "stable"
        if self.resolution < self.target_resolution:
            return self.resolution * 2, "transition"
        return None

    def grow(self):
        """Moves to the next phase: stable R → transition to 2R (adds a block to each network, α = 0),
        or transition at R → stable at R (drops the old RGB adapters).

        The new networks are built around the current layer objects, so every existing block keeps
        its variables (the same objects, with their trained values). The phase's image counter goes
        to 0, and if the model is compiled its optimizers restart (same configuration, fresh state),
        since their variable lists change.

        Raises:
            ValueError: the model is already stable at `target_resolution`.
        """
        step = self.next_phase
        if step is None:
            raise ValueError(f"The model is already stable at its target resolution {self.target_resolution}; "
                             "it cannot grow further. Build a ProGAN with a larger target_resolution to go on.")
        resolution, phase = step
        reuse = progan_nets.layers_by_name(self.generator, self.discriminator)
        generator, discriminator = self._build_networks(self.latent_dim, resolution, phase == "transition", reuse)
        for old in (self.generator, self.discriminator):
            self._tracker.untrack(old)
        self.generator, self.discriminator = generator, discriminator
        self.resolution, self.phase = resolution, phase
        if self.ema_generator is not None:
            old_ema = self.ema_generator
            ema = self._build_ema(progan_nets.layers_by_name(old_ema))
            for layer in ema.layers:   # new blocks start as copies of the trained generator's
                if layer.weights and layer.name not in [old.name for old in old_ema.layers]:
                    layer.set_weights(self.generator.get_layer(layer.name).get_weights())
            self._tracker.untrack(old_ema)
            self.ema_generator = ema
        self.phase_images.assign(0)
        self.set_alpha(0.0)
        self.apply_precision()  # the new blocks compute in the model's dtype policy
        if getattr(self, "compiled", False) and hasattr(self, "d_optimizer"):
            self.d_optimizer = fresh_optimizer(self.d_optimizer)
            self.g_optimizer = fresh_optimizer(self.g_optimizer)
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.g_optimizer.build(self.generator.trainable_variables)
        # The traced step functions hold the old networks: trace again on the next fit.
        self.train_function = self.test_function = self.predict_function = None
        return self

    # ------------------------------------------------------------------ algorithm
    def default_optimizers(self):
        """Adam(1e-3, β1 = 0, β2 = 0.99, ε = 1e-8) for both networks (Karras et al. 2018, appendix A.1)."""
        return (keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8),
                keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8))

    def fade_real(self, real):
        """In a transition, the real images blended like the generator's output:
        α·x + (1 − α)·upsample×2(avgpool×2(x)). Unchanged in a stable phase."""
        if self.phase != "transition":
            return real
        alpha = ops.cast(self.generator.get_layer("g_fade_in").alpha, real.dtype)
        coarse = ops.average_pool(real, 2, 2, padding="valid")
        coarse = ops.repeat(ops.repeat(coarse, 2, axis=1), 2, axis=2)
        return alpha * real + (1.0 - alpha) * coarse

    def train_step(self, data):
        """One WGAN-GP step with the drift term, at the current resolution and α.

        1. Critic: E[D(G(z))] − E[D(x)] + λ·GP(x, G(z)) + ε_drift·E[D(x)²].
        2. Generator: −E[D(G(z'))] on new latent vectors.
        """
        real = self.fade_real(ops.cast(self.unpack_images(data), "float32"))
        batch_size = ops.shape(real)[0]

        # 1. Critic step.
        fake = self.generator(self.sample_latent(batch_size), training=True)
        with tf.GradientTape() as tape:
            real_scores = self.discriminator(real, training=True)
            fake_scores = self.discriminator(fake, training=True)
            wasserstein = self.gan_loss.discriminator(real_scores, fake_scores)
            penalty = gan_losses.gradient_penalty(self.discriminator, real, fake, seed=self.seed_generator)
            drift = ops.mean(ops.square(real_scores))
            d_loss = wasserstein + self.gp_weight * penalty + self.drift_weight * drift
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)

        # 2. Generator step: −E[D(G(z'))] on new latent vectors.
        g_loss = self.update_generator(batch_size, real_scores)
        self.update_ema()

        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        self.phase_images.assign_add(ops.cast(batch_size, "int64") * replicas)
        return self.track(d_loss=d_loss, g_loss=g_loss, wasserstein_distance=-wasserstein,
                          gradient_penalty=penalty, drift=drift)

    # ------------------------------------------------------------------ the whole schedule
    def phases(self, schedule=None):
        """The schedule's phases from the start to the target resolution."""
        schedule = schedule or self.schedule or ProGANSchedule()
        return schedule.phases(self.start_resolution, self.target_resolution)

    @property
    def phase_index(self):
        """Index of the current (resolution, phase) in :meth:`phases`."""
        found = progan_nets.resolutions(self.start_resolution, self.resolution)
        return 2 * (len(found) - 1) - (1 if self.phase == "transition" else 0)

    @property
    def backup_stage(self):
        """The phase the networks are built for, as :class:`~keras_gans.callbacks.ExactBackupAndRestore` records it
        with a backup: `{"index": phase_index, "resolution": ..., "phase": ...}`. A backup of another phase does not
        fit these networks; :meth:`fit_schedule` grows the model to the phase of the backup it resumes."""
        return {"index": self.phase_index, "resolution": self.resolution, "phase": self.phase}

    def schedule_done(self, schedule=None):
        """True when the last phase (stable at the target) has seen all its images."""
        last = self.phases(schedule)[-1]
        return self.next_phase is None and int(self.phase_images.numpy()) >= last.images

    def fit_schedule(self, data, schedule=None, callbacks=None, verbose="auto", epochs_per_phase=1,
                     stop_after=None, shuffle_buffer=10_000):
        """Trains through the rest of the schedule: every remaining phase, growing in between.

        Each phase is one `fit` call (`epochs_per_phase` Keras epochs) on `data` brought to that
        phase's resolution and batch size; transitions get a :class:`FadeInScheduler` unless
        `callbacks` has one. The model continues from its current phase and image count: after
        a reload, or a `stop_after`, the next call picks up where the last one stopped.

        Args:
            data: images at `target_resolution` in [-1, 1]: a `tf.data.Dataset` (batched or not,
                e.g. `kg.data.load(name, image_size=(T, T))`), or a numpy array (N, T, T, C); lower
                resolutions are made by 2×2 average pooling. Or a callable
                `data(resolution, batch_size)` returning a batched `tf.data.Dataset` at that resolution.
            schedule: a :class:`ProGANSchedule` (default: the model's, else `ProGANSchedule()`); kept
                on the model and saved with it.
            callbacks: Keras callbacks passed to every phase's `fit`.
            verbose: passed to `fit`.
            epochs_per_phase: Keras epochs each phase is split into (callbacks' `on_epoch_end`).
            stop_after: stop after the phase `(resolution, "stable" | "transition")`.
            shuffle_buffer: shuffle buffer of a `tf.data.Dataset` source.

        An :class:`~keras_gans.callbacks.ExactBackupAndRestore` among `callbacks` (what `keras-gans
        train` adds) backs up the whole schedule: its backup records the phase (:attr:`backup_stage`)
        and is kept from one phase's `fit` to the next (deleted at the end with `delete_checkpoint`).
        A run killed in any phase, rerun the same way (a new model at the same start, the same data,
        schedule and callbacks), grows the model to the backup's phase, restores it there and draws
        the data as the killed run did, so it ends as an uninterrupted run would. Keras' own
        `keras.callbacks.BackupAndRestore` only works within a phase (with `delete_checkpoint=True`,
        each phase's `fit` deletes its backup when it ends).

        Returns:
            {metric: [value per Keras epoch]} over all phases run, plus `"resolution"` and `"alpha"`
            (α at the end of each epoch). Wall and CPU time per phase are appended to `self.phase_times`.
        """
        return progressive_fit.fit_schedule(self, data, schedule, fit_phase=super().fit, callbacks=callbacks,
                                            verbose=verbose, epochs_per_phase=epochs_per_phase,
                                            stop_after=stop_after, shuffle_buffer=shuffle_buffer)

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit` at the current resolution — or the rest of the schedule.

        - Data at `target_resolution` while the model is below it: :meth:`fit_schedule` with
          `epochs` Keras epochs per phase (this is what `keras-gans train progan` does).
        - Data at the current resolution: an ordinary `fit` of the current phase (add a
          :class:`FadeInScheduler` in a transition) — except when the current resolution is the
          target and the model has an unfinished `schedule` (set by `fit_schedule`, assigned, or set by
          the constructor): then the rest of that schedule.
        """
        if self._is_target_data(x) and not self.schedule_done():
            if args or y is not None or kwargs.get("steps_per_epoch"):
                raise ValueError("With data at the target resolution, fit() runs the whole schedule, whose "
                                 "ProGANSchedule sets the steps: drop steps_per_epoch (and y).")
            history = self.fit_schedule(x, callbacks=kwargs.get("callbacks"), verbose=kwargs.get("verbose", "auto"),
                                        epochs_per_phase=kwargs.get("epochs", 1))
            return progressive_fit.ScheduleHistory(history)
        return super().fit(x, y, *args, **kwargs)

    def _is_target_data(self, x):
        """Whether `fit(x)` should run the rest of the schedule (see :meth:`fit`)."""
        if self.resolution == self.target_resolution and self.schedule is None:
            return False
        target = (self.target_resolution, self.target_resolution)
        if isinstance(x, tf.data.Dataset):
            spec = self.unpack_images(x.element_spec)
            return isinstance(spec, tf.TensorSpec) and tuple(spec.shape[-3:-1]) == target
        if isinstance(x, np.ndarray):
            return x.ndim == 4 and tuple(x.shape[1:3]) == target
        return False

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "start_resolution": self.start_resolution,
            "target_resolution": self.target_resolution,
            "latent_dim": self.latent_dim,
            "channels": self.channels,
            "filters": {str(k): v for k, v in self.filters.items()},
            "max_filters": self.max_filters,
            "filter_base": self.filter_base,
            "resolution": self.resolution,
            "phase": self.phase,
            "gp_weight": self.gp_weight,
            "drift_weight": self.drift_weight,
            "group_size": self.group_size,
            "ema_decay": self.ema_decay,
            "schedule": None if self.schedule is None else keras.saving.serialize_keras_object(self.schedule),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @classmethod
    def preset_config(cls, generator, metadata):
        """A generator-only preset gives a ProGAN grown to the preset's resolution, stable phase, with the widths
        of the stored generator (read from its blocks when the preset records no `model_config`)."""
        config = super().preset_config(generator, metadata)
        size, channels = int(metadata["resolution"][0]), int(metadata["resolution"][-1])
        config = {"target_resolution": size, "channels": channels, "resolution": size, "phase": "stable", **config}
        if "filters" not in config:
            config["filters"] = {r: _block_width(generator, r) for r in progan_nets.resolutions(4, size)}
        return config


def _block_width(generator, resolution):
    """The feature maps of the generator block at `resolution` (its last convolution's filters)."""
    block = generator.get_layer(f"g_block_{resolution}")
    widths = [layer.get_config()["filters"] for layer in block.layers if "filters" in layer.get_config()]
    if not widths:
        raise ValueError(f"The generator block g_block_{resolution} has no convolution to read its width from.")
    return int(widths[-1])
