"""The shared base of every GAN in the package.

:class:`GAN` holds the plumbing that each algorithm needs and nobody wants to read twice:
the optimizer pair, metric trackers, latent sampling from a `keras.random.SeedGenerator`,
loss scaling for `tf.distribute`, input validation, sampling, config and export. What makes a
run safe to stop and exact to resume (atomic saves with the seed states, `skip_batches`, the
`runs_first` callback order) comes from :class:`~keras_gans.models.resumable.ResumableMixin`.
Subclasses keep their algorithm visible in their own `train_step`.

The base class itself trains the original GAN of Goodfellow et al. (2014) — the book's
chapter 3 MLP GAN when given :func:`keras_gans.networks.mlp_generator` and
:func:`keras_gans.networks.mlp_discriminator` — and is the DCGAN algorithm as well.
"""
import numpy as np
import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.export import check_format, export_generator
from keras_gans.models.common import (check_images, check_not_empty, check_result_memory, deserialize_networks,
                                      joint_call, run_network, unpack_images)
from keras_gans.models.presets import PresetMixin
from keras_gans.models.resumable import ResumableMixin
from keras_gans.networks.inputs import latent_size, single_input
from keras_gans.training import precision
from keras_gans.utils.images import check_output, format_output
from keras_gans.utils import checks
from keras_gans.utils.random import replica_random, standard_normal

# replica_random, run_network and unpack_images are importable from here as before.
__all__ = ["GAN", "replica_random", "run_network", "unpack_images"]

UPDATE_RULES = ("alternating", "simultaneous")
D_BATCHES = ("joint", "separate")


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(PresetMixin, ResumableMixin, keras.Model):
    """A generator and a discriminator trained against each other with `model.fit`.

    Args:
        generator: a `keras.Model` mapping latent vectors `(batch, latent_dim)` to images.
        discriminator: a `keras.Model` mapping images to one logit (or critic score) per image.
        latent_dim: size of z; read from `generator`'s input when omitted. None for generators
            that take images (image-to-image models), which have no latent space.
        seed: seed of the `SeedGenerator` used for z during training (reproducible runs).
        update: `"alternating"` (default; Goodfellow et al. 2014, Alg. 1 with k = 1: a D step on
            fresh fakes, then a G step on new fakes) or `"simultaneous"` (one generator forward
            pass whose D output feeds both updates, as in the TensorFlow DCGAN tutorial:
            about a third less work per step).
        d_batch: how the discriminator sees a step's real and fake images: `"separate"` (default;
            two calls, as the book's `train_on_batch(real)` / `train_on_batch(fake)` and the
            "separate real and fake mini-batches" advice of ganhacks) or `"joint"` (one call on
            their concatenation, as keras-io's DCGAN). The two differ only for discriminators
            with batch normalisation, whose batch statistics then mix real and fake images or
            do not. Measured on the book DCGAN (mnist-5k, 14 epochs, seed 0): "joint" collapsed
            to 2 digit classes, "separate" drew all 10. Both cost the same CPU time.
        dtype_policy: `"float32"`, `"mixed_bfloat16"` (fast on CPUs with AVX-512 BF16 and on
            TPUs/recent GPUs) or `"mixed_float16"` (GPUs; `compile` adds loss scaling); default:
            the global `keras.mixed_precision` policy. Every network of the model is switched to it
            (output layers stay float32: losses, logits and images are float32). See
            :mod:`keras_gans.training.precision`.

    Images are floats in [-1, 1] (a `tanh` generator output); see `kg.data`.

    Hooks for callbacks, which never replace `train_function` (the first two from `ResumableMixin`):
    `runs_first`: :meth:`fit` moves every callback whose `runs_first` attribute is True (e.g.
    :class:`~keras_gans.callbacks.DivergenceGuard`) to the front of `callbacks`, in their order, so
    it reads each step's logs before any callback saves the step; :meth:`skip_batches` (exact
    mid-epoch resume); `track_grad_norms`: when True at tracing, steps report `d/g_grad_norm`;
    :attr:`trains_discriminator`: False while a step updates no discriminator (e.g. SRGAN's SRResNet
    pre-training), so the guards skip the adversarial failure signs then.

    Example (the book's chapter 3 MLP GAN):

    >>> import keras_gans as kg
    >>> gan = kg.models.GAN(kg.networks.mlp_generator(), kg.networks.mlp_discriminator())
    >>> gan.compile()
    >>> gan.fit(kg.data.load("mnist-5k", batch_size=128), epochs=1)
    >>> images = gan.generate(16, seed=0)      # float32 numpy array in [-1, 1]
    """

    #: Metric names this model reports; trackers are created for each in `__init__`.
    metric_names = ("d_loss", "g_loss", "d_acc_real", "d_acc_fake")
    #: The loss `compile()` uses when none is given.
    default_loss = "non_saturating"
    #: The networks `get_config` serialises and `from_config` deserialises (by attribute / config key).
    network_keys = ("generator", "discriminator")
    #: Whether each training step updates a discriminator (adversarial training). A model with a phase that
    #: trains the generator alone (SRGAN's `pretrain`) makes it a property that is False then;
    #: :class:`~keras_gans.callbacks.DivergenceGuard` reads it and skips the adversarial failure signs.
    trains_discriminator = True

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, update="alternating",
                 d_batch="separate", dtype_policy=None, **kwargs):
        policy = precision.model_policy(dtype_policy, kwargs)
        latent_dim, seed = checks.latent_dim(latent_dim), checks.seed(seed)
        super().__init__(dtype=policy, **kwargs)
        if update not in UPDATE_RULES:
            raise ValueError(f"`update` must be one of {UPDATE_RULES}; got {update!r}.")
        if d_batch not in D_BATCHES:
            raise ValueError(f"`d_batch` must be one of {D_BATCHES}; got {d_batch!r}.")
        self.d_batch = d_batch
        self.generator = generator
        self.discriminator = discriminator
        inferred = latent_size(generator)
        if latent_dim is None:
            latent_dim = inferred
        elif inferred is not None and int(latent_dim) != inferred:
            raise ValueError(
                f"latent_dim={latent_dim} does not match the generator's input size {inferred}. "
                "Pass latent_dim equal to the generator's input size (or omit it)."
            )
        self.latent_dim = latent_dim
        self.seed = seed
        self.update = update
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        # The networks are functional models and so already built; marking the GAN built
        # lets save_weights / load_weights / BackupAndRestore work before any call.
        self.built = True
        #: When True, `apply_update` reports each step's gradient norms (d_grad_norm, g_grad_norm).
        self.track_grad_norms = False
        self._grad_norms = {}
        self.apply_precision()

    # ------------------------------------------------------------------ compile
    def default_optimizers(self):
        """The (d_optimizer, g_optimizer) pair used when `compile()` is given none.

        The base GAN follows the book (chapters 3 and 4): `Adam()` at Keras' defaults.
        """
        return keras.optimizers.Adam(), keras.optimizers.Adam()

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """Configures the two optimizers and the adversarial loss.

        Args:
            d_optimizer, g_optimizer: optimizers of the discriminator and generator;
                the model's `default_optimizers()` when omitted.
            loss: a name from :data:`keras_gans.losses.LOSSES` (default: the model's
                `default_loss`), a :class:`keras_gans.losses.GANLoss`, or a
                `(discriminator_fn, generator_fn)` pair of callables on logits.
            **kwargs: passed to `keras.Model.compile` (`steps_per_execution`, `jit_compile`, ...).
        """
        if "optimizer" in kwargs or "loss_fn" in kwargs:
            raise TypeError("A GAN has two optimizers: use d_optimizer= and g_optimizer= (and loss= for the loss).")
        default_d, default_g = self.default_optimizers()
        # everything is validated before the model changes: a failed compile leaves it as it was
        d_opt = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        g_opt = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        if d_opt is g_opt or (getattr(d_opt, "inner_optimizer", d_opt) is getattr(g_opt, "inner_optimizer", g_opt)):
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer objects.")
        gan_loss = gan_losses.GANLoss.get(loss if loss is not None else self.default_loss)
        self.apply_precision()  # networks a subclass added or grew since __init__ follow the policy too
        # mixed_float16: Keras' LossScaleOptimizer around each (apply_update scales the gradients)
        d_opt, g_opt = (precision.loss_scaled(opt, self.dtype_policy) for opt in (d_opt, g_opt))
        self.d_optimizer, self.g_optimizer, self.gan_loss = d_opt, g_opt, gan_loss
        # optimizer=None: Keras must not create (and save) an unused default optimizer.
        super().compile(optimizer=None, **kwargs)
        # Built here (on the variables they update) so that load_weights / BackupAndRestore restore their state.
        self.d_optimizer.build(self.d_weights)
        self.g_optimizer.build(self.g_weights)

    def get_compile_config(self):
        if not getattr(self, "compiled", False) or not hasattr(self, "d_optimizer"):
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss": keras.saving.serialize_keras_object(self.gan_loss),
            "steps_per_execution": self.steps_per_execution,
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
            loss=keras.saving.deserialize_keras_object(config["loss"]),
            steps_per_execution=config.get("steps_per_execution", 1),
        )

    # ------------------------------------------------------------------ plumbing
    def apply_precision(self):
        """Switches every network the model holds (EMA copies included) to the model's `dtype_policy`.

        Called by `__init__`, `compile`, `fit` and sampling, so networks that a subclass builds after
        `GAN.__init__` (EMA copies, ProGAN's grown networks) follow the policy too.
        """
        precision.apply_model_policy(self)

    @property
    def metrics(self):
        return list(self.trackers.values())

    @property
    def d_weights(self):
        """The variables `d_optimizer` updates (every discriminator's, each once)."""
        return self.discriminator.trainable_variables

    @property
    def g_weights(self):
        """The variables `g_optimizer` updates (every generator's, each once)."""
        return self.generator.trainable_variables

    @property
    def sampling_generator(self):
        """The network that `generate()`, `export()` and zoo presets use.

        The model's `ema_generator` (an exponential moving average of the generator's weights, see
        :mod:`keras_gans.training.ema`) when it keeps one, else `generator`. Subclasses may override it.
        """
        ema = getattr(self, "ema_generator", None)
        return ema if ema is not None else self.generator

    def sample_latent(self, batch_size):
        """z ~ N(0, I) of shape (batch_size, latent_dim), drawn from the model's SeedGenerator.

        Under a `tf.distribute` strategy each replica takes its own slice of one global draw
        (see :func:`replica_random`), so replicas never share latent vectors and the run matches
        one device with the same global batch.
        """
        return replica_random(keras.random.normal, (batch_size, self.latent_dim), seed=self.seed_generator)

    def apply_update(self, optimizer, tape, loss, variables):
        """Takes the gradient of `loss` and applies it with `optimizer`.

        Under a `tf.distribute` strategy each replica's gradient is divided by the number of
        replicas; the optimizer sums them, so the update equals one of the global batch.
        """
        grads = precision.gradients(tape, loss, variables, optimizer)  # of the scaled loss under mixed_float16
        if getattr(self, "track_grad_norms", False):
            # reported by `track` as d_grad_norm / g_grad_norm (the last update of the step);
            # switched on by keras_gans.callbacks.DivergenceGuard
            prefix = "d" if optimizer is self.d_optimizer else "g" if optimizer is self.g_optimizer else optimizer.name
            norm = tf.linalg.global_norm([g for g in grads if g is not None])
            self._grad_norms[f"{prefix}_grad_norm"] = precision.unscaled(norm, optimizer)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            grads = [None if g is None else g / replicas for g in grads]
        optimizer.apply(grads, variables)

    def track(self, **values):
        """Updates the trackers named by the keywords and returns all metric results.

        Also reports `loss` = `d_loss` + `g_loss` (when both exist): Keras callbacks such as
        `TerminateOnNaN` read only `logs["loss"]`, so without it they would never see a NaN.
        """
        for name, value in values.items():
            self.trackers[name].update_state(value)
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if "loss" not in results and "d_loss" in results and "g_loss" in results:
            results["loss"] = results["d_loss"] + results["g_loss"]
        results.update(self._grad_norms)
        self._grad_norms = {}
        if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            # Keras' fit reduces step outputs across workers with `axis=0`, which fails on scalars
            # (tensorflow/tensorflow#72388). The trackers' variables are summed across replicas, so
            # each replica holds the global mean already: shape (1,) makes that reduction exact.
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    @staticmethod
    def unpack_images(data):
        """The image tensor of a batch that may be `x`, `(x,)`, `(x, y)` or a dict with `"images"`."""
        return unpack_images(data)

    def discriminate(self, *batches, training=True):
        """D's outputs on each of `batches` (the real one, the fake one, ...), as a tuple: one call each
        (`d_batch="separate"`) or one call on their concatenation (`"joint"`, :func:`joint_call`).

        A batch is whatever D takes: an image tensor, or a list such as `[images, labels]` for a conditional
        D (CGAN, BigGAN); D's output may be one tensor or a list (InfoGAN's three heads).
        """
        if self.d_batch == "separate":
            return tuple(self.discriminator(batch, training=training) for batch in batches)
        return joint_call(self.discriminator, batches, training=training)

    def d_input(self, images):
        """What D sees of a batch of images: the images themselves (the hook of the tricks' instance noise)."""
        return images

    def update_generator(self, batch_size, real_logits):
        """Algorithm 1's generator update; returns `g_loss`.

        New latent vectors z; G(z) is pushed towards what D calls "real" (D is only differentiated
        through; `real_logits` of the last D step reach the relativistic losses, without gradient).
        GAN, DCGANWithTricks, WGAN, WGAN-GP and ProGAN take this step as it is.
        """
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.d_input(self.generator(self.sample_latent(batch_size), training=True)),
                                             training=True)
            g_loss = self.gan_loss.generator(fake_logits, ops.stop_gradient(real_logits))
        self.apply_update(self.g_optimizer, tape, g_loss, self.g_weights)
        return g_loss

    @staticmethod
    def accuracy(real_logits, fake_logits):
        """D's accuracy on real data (logit > 0) and on fakes (logit < 0)."""
        acc_real = ops.mean(ops.cast(ops.greater(real_logits, 0.0), "float32"))
        acc_fake = ops.mean(ops.cast(ops.less(fake_logits, 0.0), "float32"))
        return acc_real, acc_fake

    # ------------------------------------------------------------------ algorithm
    def train_step(self, data):
        """One iteration of Goodfellow et al.'s Algorithm 1 (GANs in Action ch. 3, 4).

        1. Discriminator: fresh fakes G(z) towards "fake", the real batch towards "real".
        2. Generator: new fakes, pushed towards what D calls "real".
        With `update="simultaneous"`, one batch of fakes serves both updates.
        """
        real = self.unpack_images(data)
        batch_size = ops.shape(real)[0]
        if self.update == "simultaneous":
            return self._simultaneous_step(real, batch_size)

        # 1. Discriminator step (the generator is only run forward).
        fake = self.generator(self.sample_latent(batch_size), training=True)
        with tf.GradientTape() as tape:
            real_logits, fake_logits = self.discriminate(real, fake)
            d_loss = self.gan_loss.discriminator(real_logits, fake_logits)
        self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)

        # 2. Generator step on new latent vectors (the discriminator is only differentiated through).
        g_loss = self.update_generator(batch_size, real_logits)

        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)

    def _simultaneous_step(self, real, batch_size):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(self.sample_latent(batch_size), training=True)
            real_logits, fake_logits = self.discriminate(real, fake)
            d_loss = self.gan_loss.discriminator(real_logits, fake_logits)
            g_loss = self.gan_loss.generator(fake_logits, real_logits)
        self.apply_update(self.d_optimizer, d_tape, d_loss, self.d_weights)
        self.apply_update(self.g_optimizer, g_tape, g_loss, self.g_weights)
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)

    def call(self, z, training=False):
        """The generator's output for latent vectors `z`."""
        return self.generator(z, training=training)

    # ------------------------------------------------------------------ fit with checks
    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that the data fits the discriminator.

        Images of the wrong shape, dtype or range, and a dataset that yields no batch, raise a
        `ValueError` naming the fix before any training (and before any callback writes a file). Callbacks with
        `runs_first = True` are then moved to the front of `callbacks` (see the class docstring).
        """
        if isinstance(x, tf.data.Dataset):
            check_not_empty(x)  # an empty dataset (or batches larger than the data): both numbers, no StopIteration
        self.check_data(x)
        self.apply_precision()
        return super().fit(x, y, *args, **kwargs)  # ResumableMixin.fit: runs_first callbacks to the front

    @property
    def image_shape(self):
        return tuple(int(d) for d in self.discriminator.input_shape[1:]) if single_input(self.discriminator) else None

    def check_data(self, x):
        """Validates a dataset / array of training images; raises `ValueError` with the fix."""
        check_images(x, self.image_shape)

    # ------------------------------------------------------------------ sampling
    def latent(self, n, seed=None):
        """`n` latent vectors z ~ N(0, I) as float32 numpy; the same `seed` gives the same z."""
        return standard_normal(n, self.latent_dim, seed)

    def generate(self, n=16, seed=None, z=None, batch_size=256, output="float"):
        """Generates `n` images (or one per row of `z`) with the generator in inference mode.

        Args:
            n: number of images.
            seed: integer for reproducible samples (same seed → same images); None = random.
            z: latent vectors to use instead of sampling (shape (n, latent_dim)).
            batch_size: images generated per forward pass.
            output: `"float"` → float32 in [-1, 1]; `"uint8"` → uint8 in [0, 255].

        Returns:
            a numpy array `(n, H, W, C)`.
        """
        check_output(output)
        if z is None:
            n = checks.non_negative_int(n, "n (the number of images)")
        check_result_memory(self.sampling_generator, n if z is None else len(z),
                            f"generate({n})" if z is None else f"generate(z=<{len(z)} vectors>)")  # before z
        z = self.latent(n, seed) if z is None else np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}); got {z.shape}.")
        return format_output(self.run_generator(z, batch_size=batch_size), output)

    def run_generator(self, *inputs, batch_size=256):
        """Runs :attr:`sampling_generator` on numpy inputs (z, and labels for CGAN) in batches; returns numpy."""
        self.apply_precision()
        return run_network(self.sampling_generator, inputs[0] if len(inputs) == 1 else list(inputs), batch_size)

    # ------------------------------------------------------------------ export
    def serving_inputs(self):
        """`tf.TensorSpec`s of the generator's serving inputs (subclasses add labels)."""
        return [tf.TensorSpec([None, self.latent_dim], tf.float32, name="z")]

    def export(self, filepath, format="tf_saved_model", verbose=True, overwrite=False, **kwargs):
        """Exports the generator as a SavedModel for serving (TF Serving, `tf.saved_model.load`).

        Endpoints:
            `serve` (also `serving_default`): `z` float32 (batch, latent_dim) → `{"images"}`
                float32 (batch, H, W, C) in [-1, 1] (map with `(x + 1) * 127.5` for pixels).
            `sample`: `n` int32, `seed` int32 → `{"images"}` from z ~ N(0, I) (stateless, seeded).
            `__call__`: `z` → images, so `tensorflow_hub.load(path)(z)` works as in the book's chapter 6.

        The result loads without keras_gans or Keras:
        `tf.saved_model.load(path).signatures["serving_default"](z=z)["images"]`, and in Keras with
        `keras.layers.TFSMLayer(path, call_endpoint="serve")`.

        A missing parent folder is created; a non-empty existing folder is refused
        (`FileExistsError`) unless `overwrite=True`.
        """
        check_format(format)
        self.apply_precision()
        return export_generator(self, filepath, network=self.sampling_generator, verbose=verbose, overwrite=overwrite)

    # ------------------------------------------------------------------ config
    def network_config(self):
        """`name`, `trainable`, `dtype_policy` and each network of :attr:`network_keys`, serialised: a config's
        first keys."""
        config = {"name": self.name, "trainable": self.trainable, "dtype_policy": self.dtype_policy.name}
        config.update({key: keras.saving.serialize_keras_object(getattr(self, key)) for key in self.network_keys})
        return config

    def options_config(self, *names):
        """`{name: self.<name>}` for constructor options that the model keeps under their own names."""
        return {name: getattr(self, name) for name in names}

    def get_config(self):
        return {**self.network_config(), **self.options_config("latent_dim", "seed", "update", "d_batch")}

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config, cls.network_keys))

