"""Progressive growing of GANs (Karras, Aila, Laine & Lehtinen, ICLR 2018; GANs in Action, chapter 6)."""
import math
import time

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.models.gan import GAN
from keras_gans.networks import progan_nets

PHASES = ("stable", "transition")

#: Batch size per resolution when a schedule gives none (the paper lowers it as images grow).
DEFAULT_BATCH_SIZES = {4: 64, 8: 64, 16: 64, 32: 32, 64: 16, 128: 16, 256: 8, 512: 4, 1024: 4}


def _check_resolution(value, what):
    if not progan_nets.is_power_of_two(value) or value < 4:
        raise ValueError(f"{what} must be a power of two ≥ 4 (4, 8, 16, 32, …); got {value!r}. "
                         "Pick the nearest power of two and resize the data to it.")
    return value


def _per_resolution(value, what):
    """An int, or a {resolution: int} dict (JSON keys may be strings), as {int: int} or int."""
    if isinstance(value, dict):
        out = {int(k): int(v) for k, v in value.items()}
        if any(v < 1 for v in out.values()):
            raise ValueError(f"{what} must be positive; got {value!r}.")
        return out
    if value is None or int(value) < 1:
        raise ValueError(f"{what} must be a positive integer or a {{resolution: integer}} dict; got {value!r}.")
    return int(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class ProGANSchedule:
    """How long each phase of progressive growing lasts, and the batch size at each resolution.

    The phases from `start` to `target` are: stable at `start`, then for every doubling a
    *transition* (the new layers fade in, α 0 → 1) and a *stable* phase (α = 1). The paper shows
    800k images per phase; small data sets and CPUs need far fewer.

    Args:
        transition_images: images per transition phase (an int, or {resolution: int}).
        stable_images: images per stable phase (an int, or {resolution: int}); defaults to
            `transition_images`.
        batch_sizes: batch size per resolution (an int, or {resolution: int});
            default :data:`DEFAULT_BATCH_SIZES`.

    >>> schedule = ProGANSchedule(transition_images=20_000, batch_sizes={4: 64, 8: 64, 16: 32, 32: 32})
    >>> [(p.resolution, p.kind) for p in schedule.phases(4, 8)]
    [(4, 'stable'), (8, 'transition'), (8, 'stable')]
    """

    def __init__(self, transition_images=60_000, stable_images=None, batch_sizes=None):
        self.transition_images = _per_resolution(transition_images, "transition_images")
        self.stable_images = _per_resolution(stable_images if stable_images is not None else transition_images,
                                             "stable_images")
        self.batch_sizes = _per_resolution(batch_sizes if batch_sizes is not None else DEFAULT_BATCH_SIZES,
                                           "batch_sizes")

    @staticmethod
    def _lookup(value, resolution, what):
        if isinstance(value, int):
            return value
        if resolution not in value:
            raise KeyError(f"The schedule's {what} has no entry for resolution {resolution} (it has "
                           f"{sorted(value)}). Add {resolution}: <number> to it, or pass one number for all "
                           "resolutions.")
        return value[resolution]

    def images(self, resolution, kind):
        """Images shown in the `kind` ("stable" or "transition") phase at `resolution`."""
        if kind not in PHASES:
            raise ValueError(f"kind must be one of {PHASES}; got {kind!r}.")
        table = self.transition_images if kind == "transition" else self.stable_images
        return self._lookup(table, resolution, f"{kind}_images")

    def batch_size(self, resolution):
        return self._lookup(self.batch_sizes, resolution, "batch_sizes")

    def phases(self, start, target):
        """The list of :class:`Phase` from `start` to `target` resolution."""
        out = [Phase(start, "stable", self.images(start, "stable"), self.batch_size(start))]
        for r in progan_nets.resolutions(start * 2, target):
            for kind in ("transition", "stable"):
                out.append(Phase(r, kind, self.images(r, kind), self.batch_size(r)))
        return out

    def get_config(self):
        def plain(v):
            return {str(k): x for k, x in v.items()} if isinstance(v, dict) else v

        return {"transition_images": plain(self.transition_images), "stable_images": plain(self.stable_images),
                "batch_sizes": plain(self.batch_sizes)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"ProGANSchedule({self.get_config()})"


class Phase(tuple):
    """One phase of the schedule: (resolution, kind, images, batch_size)."""

    def __new__(cls, resolution, kind, images, batch_size):
        return super().__new__(cls, (resolution, kind, images, batch_size))

    resolution = property(lambda self: self[0])
    kind = property(lambda self: self[1])
    images = property(lambda self: self[2])
    batch_size = property(lambda self: self[3])

    def __repr__(self):
        return f"Phase({self.resolution}, {self.kind!r}, images={self.images}, batch_size={self.batch_size})"


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
            want a shorter memory (e.g. 0.99).
        schedule: a :class:`ProGANSchedule` used by :meth:`fit_schedule` (default: `ProGANSchedule()`).
        seed: seed of the latent `SeedGenerator`.

    Example (a few thousand images per phase; see tests/test_progan.py for a full 4 → 32 run):

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
        if int(channels) < 1:
            raise ValueError(f"channels must be positive (1 grey, 3 RGB); got {channels!r}.")
        if ema_decay is not None and not 0.0 <= float(ema_decay) < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1) (0.999 in the paper) or None; got {ema_decay!r}.")
        if float(gp_weight) < 0 or float(drift_weight) < 0:
            raise ValueError("gp_weight and drift_weight must be ≥ 0 (10 and 0.001 in the paper).")
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
        #: Each phase run by `fit_schedule`: [(resolution, kind, wall seconds, images, process CPU seconds)].
        self.phase_times = []

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

    @property
    def sampling_generator(self):
        """The network `generate` and `export` use: the EMA generator if `ema_decay` is set."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def update_ema(self):
        """ema ← decay·ema + (1 − decay)·weights for every generator weight (Karras et al. 2018, app. A.1)."""
        if self.ema_generator is None:
            return
        for average, weight in zip(self.ema_generator.trainable_variables, self.generator.trainable_variables):
            average.assign(self.ema_decay * average + (1.0 - self.ema_decay) * weight)

    def run_generator(self, *inputs, batch_size=256):
        """Runs the sampling (EMA) generator on numpy inputs in batches; returns numpy."""
        n = len(inputs[0])
        outputs = [ops.convert_to_numpy(self.sampling_generator(inputs[0][i:i + batch_size], training=False))
                   for i in range(0, n, batch_size)]
        if not outputs:
            return np.zeros((0,) + tuple(self.generator.output_shape[1:]), "float32")
        return np.clip(np.concatenate(outputs, axis=0), -1.0, 1.0)   # the EMA network clips; a plain generator not

    def export(self, filepath, format="tf_saved_model", verbose=True, **kwargs):
        """Exports the sampling (EMA) generator at the current resolution; see :meth:`GAN.export`."""
        if format != "tf_saved_model":
            raise ValueError(f"Only format='tf_saved_model' is supported; got {format!r}.")
        import types

        from keras_gans.export import export_generator

        view = types.SimpleNamespace(generator=self.sampling_generator, latent_dim=self.latent_dim,
                                     serving_inputs=self.serving_inputs)
        return export_generator(view, filepath, verbose=verbose)

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
        if getattr(self, "compiled", False) and hasattr(self, "d_optimizer"):
            self.d_optimizer = _fresh(self.d_optimizer)
            self.g_optimizer = _fresh(self.g_optimizer)
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

        # 2. Generator step.
        with tf.GradientTape() as tape:
            fake_scores_g = self.discriminator(self.generator(self.sample_latent(batch_size), training=True),
                                               training=True)
            g_loss = self.gan_loss.generator(fake_scores_g, ops.stop_gradient(real_scores))
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
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

        `keras.callbacks.BackupAndRestore` works within a phase (each phase's `fit` deletes its
        backup when it ends); to resume a run interrupted mid-phase, first bring the model to that
        phase (e.g. reload the model saved after the previous phase, or `grow()`), then call again.

        Returns:
            {metric: [value per Keras epoch]} over all phases run, plus `"resolution"` and `"alpha"`
            (α at the end of each epoch). Wall and CPU time per phase are appended to `self.phase_times`.
        """
        from keras_gans.callbacks.progan import FadeInScheduler

        if schedule is not None:
            self.schedule = schedule
        schedule = self.schedule or ProGANSchedule()
        self.schedule = schedule
        if int(epochs_per_phase) < 1:
            raise ValueError(f"epochs_per_phase must be a positive integer; got {epochs_per_phase!r}.")
        if not getattr(self, "compiled", False):
            raise ValueError("Call compile() before fit_schedule() (e.g. gan.compile() for the paper's defaults).")
        phases = self.phases(schedule)
        if stop_after is not None:
            stop_after = (int(stop_after[0]), stop_after[1])
            if stop_after not in [(p.resolution, p.kind) for p in phases]:
                raise ValueError(f"stop_after={stop_after} is not a phase of this schedule: "
                                 f"{[(p.resolution, p.kind) for p in phases]}.")
        make_dataset = self._phase_data(data, shuffle_buffer)
        callbacks = list(callbacks or [])
        history = {}
        for index in range(self.phase_index, len(phases)):
            phase = phases[index]
            if index > self.phase_index:
                self.grow()
            remaining = phase.images - int(self.phase_images.numpy())
            steps = math.ceil(remaining / phase.batch_size) if remaining > 0 else 0
            if steps:
                phase_callbacks = list(callbacks)
                if phase.kind == "transition" and not any(isinstance(c, FadeInScheduler) for c in callbacks):
                    phase_callbacks.insert(0, FadeInScheduler(phase.images))
                epochs = min(int(epochs_per_phase), steps)
                # epochs × ceil(steps / epochs) can exceed the phase: stop at its last step
                phase_end = _PhaseEnd(phase.images)
                phase_callbacks.append(phase_end)
                dataset = make_dataset(phase.resolution, phase.batch_size)
                started, cpu_started = time.perf_counter(), time.process_time()
                result = GAN.fit(self, dataset, epochs=epochs, steps_per_epoch=math.ceil(steps / epochs),
                                 shuffle=False, callbacks=phase_callbacks, verbose=verbose)
                if phase_end.reached and not phase_end.stopped_by_others:
                    self.stop_training = False
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
                self.phase_times.append((phase.resolution, phase.kind, seconds, int(self.phase_images.numpy()), cpu))
                for key, values in result.history.items():
                    history.setdefault(key, []).extend(float(v) for v in values)
                n = len(next(iter(result.history.values()), []))
                history.setdefault("resolution", []).extend([phase.resolution] * n)
                history.setdefault("alpha", []).extend([self.alpha] * n)
                if self.stop_training:
                    break
            if stop_after == (phase.resolution, phase.kind):
                break
        return history

    def _phase_data(self, data, shuffle_buffer):
        """`make(resolution, batch_size) -> batched, repeated dataset` for `data` (see `fit_schedule`)."""
        if callable(data) and not isinstance(data, tf.data.Dataset):
            return data
        target, channels = self.target_resolution, self.channels
        if isinstance(data, tf.data.Dataset):
            spec = self.unpack_images(data.element_spec)
            if not isinstance(spec, tf.TensorSpec) or spec.shape.rank not in (3, 4):
                raise ValueError(f"The dataset must yield images (H, W, C) or batches (N, H, W, C); got {spec}.")
            shape = tuple(spec.shape[-3:])
            source = data.map(lambda *x: self.unpack_images(x if len(x) > 1 else x[0]))
            if spec.shape.rank == 4:
                source = source.unbatch()
            source = source.shuffle(shuffle_buffer, reshuffle_each_iteration=True)
        else:
            array = np.asarray(data)
            if array.ndim == 3:
                array = array[..., None]
            if array.ndim != 4:
                raise ValueError(f"The data must be images (N, H, W, C); got an array of shape {array.shape}.")
            if not np.issubdtype(array.dtype, np.floating):
                raise ValueError(f"The images are {array.dtype}; ProGAN trains on floats in [-1, 1]. "
                                 "Scale them with `x.astype('float32') / 127.5 - 1`.")
            shape = array.shape[1:]
            source = tf.data.Dataset.from_tensor_slices(array.astype("float32")).shuffle(
                len(array), reshuffle_each_iteration=True)
        if tuple(shape) != (target, target, channels):
            raise ValueError(
                f"The data's images are {tuple(shape)} but this ProGAN's schedule ends at {target}×{target} with "
                f"{channels} channel(s): give images of shape ({target}, {target}, {channels}) "
                f"(e.g. kg.data.load(name, image_size=({target}, {target}))) or build the ProGAN with "
                f"target_resolution/channels matching the data."
            )

        def make(resolution, batch_size):
            factor = target // resolution

            def shrink(x):
                return x if factor == 1 else tf.nn.avg_pool2d(x, factor, factor, "VALID")

            ds = source.repeat().batch(batch_size, drop_remainder=True)
            return ds.map(shrink, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

        return make

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
            return _History(self.fit_schedule(x, callbacks=kwargs.get("callbacks"),
                                              verbose=kwargs.get("verbose", "auto"),
                                              epochs_per_phase=kwargs.get("epochs", 1)))
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


class _PhaseEnd(keras.callbacks.Callback):
    """Stops `fit` at the step that completes the phase (`phase_images` ≥ `images`), mid-epoch if need be."""

    def __init__(self, images):
        super().__init__()
        self.images, self.reached, self.stopped_by_others = int(images), False, False

    def on_train_batch_end(self, batch, logs=None):
        if self.model.stop_training and not self.reached:
            self.stopped_by_others = True          # e.g. TerminateOnNaN: fit_schedule stops too
        if int(self.model.phase_images.numpy()) >= self.images:
            self.reached = True
            self.model.stop_training = True


class _History:
    """What `fit` returns when it runs the schedule: `.history` like a Keras `History`."""

    def __init__(self, history):
        self.history = history


def _fresh(optimizer):
    """A new optimizer with `optimizer`'s configuration and no state."""
    return optimizer.__class__.from_config(optimizer.get_config())
