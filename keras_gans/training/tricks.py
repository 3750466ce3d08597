"""Training tricks as model options (GANs in Action §5.5; ganhacks; Salimans et al. 2016).

:class:`TricksMixin` adds these constructor options to a :class:`~keras_gans.models.GAN`
subclass (WGAN, WGAN-GP, CGAN, SGAN, BigGAN, SAGAN, ACGAN, InfoGAN here, and
:class:`~keras_gans.models.DCGANWithTricks`; a model refuses the options that do not fit its algorithm):

=======================  ================================================================
option                   what it does
=======================  ================================================================
`label_smoothing=α`      one-sided label smoothing: D's target for real data is 1 − α
                         (α = 0.1 → 0.9); fake targets stay 0 (Salimans et al. 2016).
`label_noise=a`          soft noisy labels: real targets − U[0, a], fake targets + U[0, a]
                         (ganhacks #6: real in [0.7, 1], fake in [0, 0.3] for a = 0.3).
`label_flip=p`           each D target is flipped (real ↔ fake) with probability p.
`instance_noise=σ₀`      Gaussian noise N(0, σₜ²) added to every image D sees, with
`instance_noise_steps=T` σₜ = σ₀·max(0, 1 − t/T), t = generator updates so far
                         (Sønderby et al. 2017; ganhacks #13). T = None: no decay.
`d_steps=k`              k discriminator (critic) updates per generator update. Each
                         `train_step` receives one batch of k·m images and gives m of them
                         to each D step, so every D step sees fresh real data
                         (load the data with `batch_size = k * m`).
`augment="policy"`       DiffAugment (Zhao et al. 2020): every image D sees, real and fake,
                         in D's and G's steps, goes through the same kinds of random
                         differentiable transforms (e.g. `"translation,cutout"`), so D
                         cannot memorise a small training set (:mod:`keras_gans.layers.augment`).
`ema_decay=β`            keeps `ema_generator`, an exponential moving average of G's
                         weights (w̄ ← β·w̄ + (1 − β)·w after every G step, β warmed up as
                         min(β, (1 + n) / (10 + n)) at the n-th, :mod:`~keras_gans.training.ema`),
                         and samples / exports from it (Yazıcı et al. 2019; Karras et al. 2018).
=======================  ================================================================

The label tricks change the binary cross-entropy targets, so they need a BCE loss
(`"minimax"` / `"non_saturating"`); instance noise, `d_steps` and the EMA generator work with
every loss.

The pure functions here (targets, BCE, the noise schedule, validation) are what the mixin uses;
:mod:`keras_gans.tricks` is the public facade that re-exports them with the models.

A model with the tricks is `class MyGAN(TricksMixin, GAN)` whose `train_step` calls the mixin's
methods (see :class:`keras_gans.models.DCGANWithTricks`). The functions work on their own:

>>> import numpy as np
>>> np.asarray(discriminator_targets(3, real=True, label_smoothing=0.1)).ravel()    # one-sided smoothing
array([0.9, 0.9, 0.9], dtype=float32)
>>> round(float(instance_noise_stddev(500, 0.1, decay_steps=1000)), 6)              # half-way: σ₀ / 2
0.05
"""
import keras
import tensorflow as tf
from keras import ops

from keras_gans.layers.augment import DiffAugment, parse_policy
from keras_gans.training.ema import check_decay, ema_copy, ema_counter, ema_follow
from keras_gans.utils import checks

BCE_LOSSES = ("minimax", "non_saturating")
TRICK_DEFAULTS = {
    "label_smoothing": 0.0,
    "label_noise": 0.0,
    "label_flip": 0.0,
    "instance_noise": 0.0,
    "instance_noise_steps": None,
    "d_steps": 1,
    "ema_decay": None,
    "augment": None,
}


# ----------------------------------------------------------------------------- functions
def bce_with_logits(targets, logits):
    """Mean binary cross-entropy BCE(t, x) = softplus(x) − t·x on logits x, for soft targets t ∈ [0, 1]."""
    logits = ops.cast(logits, "float32")
    targets = ops.cast(ops.broadcast_to(ops.reshape(targets, ops.shape(targets)), ops.shape(logits)), "float32")
    return ops.mean(ops.softplus(logits) - targets * logits)


def discriminator_targets(batch_size, real, label_smoothing=0.0, label_noise=0.0, label_flip=0.0, seed=None):
    """D's BCE targets, shape (batch_size, 1), for a batch of real (`real=True`) or fake images.

    Real: 1 − `label_smoothing` − U[0, `label_noise`]; fake: 0 + U[0, `label_noise`] (negatives are
    never smoothed). Then each target t becomes 1 − t with probability `label_flip`.
    """
    shape = (batch_size, 1)
    if real:
        targets = ops.full(shape, 1.0 - label_smoothing)
        if label_noise:
            targets = targets - keras.random.uniform(shape, 0.0, label_noise, seed=seed)
    else:
        targets = ops.zeros(shape)
        if label_noise:
            targets = targets + keras.random.uniform(shape, 0.0, label_noise, seed=seed)
    if label_flip:
        flip = ops.cast(keras.random.uniform(shape, 0.0, 1.0, seed=seed) < label_flip, "float32")
        targets = flip * (1.0 - targets) + (1.0 - flip) * targets
    return targets


def instance_noise_stddev(step, initial, decay_steps=None):
    """σₜ = `initial`·max(0, 1 − step/`decay_steps`) (constant `initial` when decay_steps is None)."""
    step = ops.cast(step, "float32")
    if decay_steps is None:
        return ops.cast(initial, "float32") + 0.0 * step
    return initial * ops.maximum(0.0, 1.0 - step / float(decay_steps))


def validate_tricks(label_smoothing=0.0, label_noise=0.0, label_flip=0.0, instance_noise=0.0,
                    instance_noise_steps=None, d_steps=1, ema_decay=None, augment=None):
    """Checks the trick options; raises `ValueError` naming the bad one and its valid range."""
    for name, value in (("label_smoothing", label_smoothing), ("label_noise", label_noise)):
        checks.number(value, name, low=0.0, high=1.0, high_open=True, expected="in [0, 1)",
                      fix="(0.1 gives the usual real target 0.9.)")
    checks.number(label_flip, "label_flip", low=0.0, high=0.5, high_open=True,
                  expected="in [0, 0.5)",
                  fix="It is the probability of a wrong label, e.g. 0.05.")
    checks.non_negative(instance_noise, "instance_noise", fix="It is a standard deviation; 0 adds no noise.")
    checks.optional(checks.positive_int, instance_noise_steps, "instance_noise_steps", fix="Or None for no decay.")
    checks.positive_int(d_steps, "d_steps (n_critic)")
    check_decay(ema_decay, "ema_decay", 0.999)
    if augment is not None:
        if not parse_policy(augment):
            raise ValueError(f"augment names no DiffAugment operation: {augment!r}. Use e.g. 'translation,cutout', "
                             "or None for no augmentation.")


def check_trick_options(options):
    """:func:`validate_tricks` on the trick keywords among `options` (a model's `**kwargs`), before it builds."""
    validate_tricks(**{name: options[name] for name in TRICK_DEFAULTS if name in options})


def check_simultaneous(update, d_steps):
    """`ValueError` with the fix when `update="simultaneous"` meets `d_steps` > 1: a simultaneous step updates D
    and G once each, on one batch of fakes."""
    if update == "simultaneous" and int(d_steps) > 1:
        raise ValueError(f"update='simultaneous' takes one D step per G step; got d_steps={d_steps}. "
                         "Use update='alternating' for several D steps.")


# ----------------------------------------------------------------------------- the mixin
class TricksMixin:
    """Adds the training-trick options to a :class:`~keras_gans.models.GAN` subclass.

    Put it first in the bases (`class MyGAN(TricksMixin, GAN)`); the trick keywords are taken
    from the constructor's keywords, saved by `get_config`, and used in `train_step` through
    :meth:`discriminator_loss`, :meth:`d_input`, :meth:`critic_batches` and :meth:`update_ema`.
    With `ema_decay` set, `ema_generator` (:func:`keras_gans.training.ema.ema_copy`) is what
    :attr:`GAN.sampling_generator` returns, so `generate()`, `export()` and zoo presets use it.
    """

    #: Constructor options of the base class that the model fixes: left out of `get_config` and
    #: dropped from configs saved before (e.g. WGAN's `d_steps`, which it takes as `n_critic`).
    fixed_options = ()

    def __init__(self, *args, label_smoothing=0.0, label_noise=0.0, label_flip=0.0, instance_noise=0.0,
                 instance_noise_steps=None, d_steps=1, ema_decay=None, augment=None, **kwargs):
        validate_tricks(label_smoothing, label_noise, label_flip, instance_noise, instance_noise_steps,
                        d_steps, ema_decay, augment)
        super().__init__(*args, **kwargs)
        self.label_smoothing = float(label_smoothing)
        self.label_noise = float(label_noise)
        self.label_flip = float(label_flip)
        self.instance_noise = float(instance_noise)
        self.instance_noise_steps = None if instance_noise_steps is None else int(instance_noise_steps)
        self.d_steps = int(d_steps)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.trick_seed_generator = keras.random.SeedGenerator(None if self.seed is None else self.seed + 7919)
        self.ema_generator = self.ema_updates = None
        if self.ema_decay is not None:
            self.ema_generator = ema_copy(self.generator)
            #: The EMA updates made so far (saved with the weights; the warm-up of the decay).
            self.ema_updates = ema_counter()
        # An attribute of the model, so its SeedGenerator state is saved and restored with it.
        self.augmenter = None if augment is None else DiffAugment(
            augment, seed=None if self.seed is None else self.seed + 104729, name="diff_augment")
        self.augment = None if augment is None else self.augmenter.policy

    @property
    def uses_label_tricks(self):
        return bool(self.label_smoothing or self.label_noise or self.label_flip)

    def tricks_config(self):
        return {name: getattr(self, name) for name in TRICK_DEFAULTS}

    def compile(self, *args, **kwargs):
        super().compile(*args, **kwargs)
        if self.uses_label_tricks and self.gan_loss.name not in BCE_LOSSES:
            raise ValueError(
                f"label_smoothing / label_noise / label_flip change binary cross-entropy targets, but the loss is "
                f"{self.gan_loss!r}. Use loss='non_saturating' or 'minimax', or turn the label tricks off."
            )

    # --- used by train_step --------------------------------------------------------
    def discriminator_loss(self, real_logits, fake_logits):
        """D's loss: the compiled GAN loss, or BCE against smoothed / noisy / flipped targets."""
        if not self.uses_label_tricks:
            return self.gan_loss.discriminator(real_logits, fake_logits)
        options = dict(label_smoothing=self.label_smoothing, label_noise=self.label_noise,
                       label_flip=self.label_flip, seed=self.trick_seed_generator)
        real_t = discriminator_targets(ops.shape(real_logits)[0], True, **options)
        fake_t = discriminator_targets(ops.shape(fake_logits)[0], False, **options)
        return bce_with_logits(real_t, real_logits) + bce_with_logits(fake_t, fake_logits)

    def instance_noise_stddev(self):
        """The current σₜ of the instance noise (0 when the trick is off)."""
        return instance_noise_stddev(self.g_optimizer.iterations, self.instance_noise, self.instance_noise_steps)

    def d_input(self, images):
        """What D sees of `images`: through DiffAugment (`augment`), plus the decaying instance noise."""
        if self.augmenter is not None:
            images = self.augmenter(images)
        if not self.instance_noise:
            return images
        noise = keras.random.normal(ops.shape(images), seed=self.trick_seed_generator)
        return images + self.instance_noise_stddev() * noise

    def critic_batches(self, *tensors):
        """Splits a batch of k·m examples into `d_steps` = k chunks of m, one per D step."""
        k = self.d_steps
        if k == 1:
            return [tensors]
        m = ops.shape(tensors[0])[0] // k
        return [tuple(t[i * m:(i + 1) * m] for t in tensors) for i in range(k)]

    def alternating_step(self, real):
        """Algorithm 1 with the tricks: `d_steps` D updates (each on its slice of `real`, inputs through
        :meth:`d_input`, targets through :meth:`discriminator_loss`, one or two D calls as `d_batch` says),
        one G update on new z, then the EMA generator follows. Returns the step's logs."""
        for (real_slice,) in self.critic_batches(real):
            m = ops.shape(real_slice)[0]
            fake = self.generator(self.sample_latent(m), training=True)
            with tf.GradientTape() as tape:
                real_logits, fake_logits = self.discriminate(self.d_input(real_slice), self.d_input(fake))
                d_loss = self.discriminator_loss(real_logits, fake_logits)
            self.apply_update(self.d_optimizer, tape, d_loss, self.d_weights)
        g_loss = self.update_generator(m, real_logits)  # no label tricks on G's targets
        self.update_ema()
        acc_real, acc_fake = self.accuracy(real_logits, fake_logits)
        return self.track(d_loss=d_loss, g_loss=g_loss, d_acc_real=acc_real, d_acc_fake=acc_fake)

    def update_ema(self):
        """Moves the EMA generator towards the generator (no-op when `ema_decay` is None); after G's step.

        The warm-up of :func:`~keras_gans.training.ema.ema_follow` counts the updates in :attr:`ema_updates`,
        saved with the weights: it goes on in a resumed run and through a second `compile()`.
        """
        if self.ema_generator is not None:
            ema_follow(self.ema_generator.weights, self.generator.weights, self.ema_decay, self.ema_updates,
                       self.g_optimizer)

    def check_data(self, x):
        super().check_data(x)
        if self.d_steps > 1 and isinstance(x, tf.data.Dataset):
            spec = self.unpack_images(x.element_spec)
            size = spec.shape[0] if isinstance(spec, tf.TensorSpec) else None
            if size is None:  # unknown static batch size: look at the first batch
                size = int(ops.shape(self.unpack_images(next(iter(x.take(1)))))[0])
            if size < self.d_steps:
                raise ValueError(
                    f"d_steps={self.d_steps} splits each batch into {self.d_steps} D batches, but the batches hold "
                    f"{size} images. Load the data with batch_size = {self.d_steps} × (images per D step)."
                )

    def get_config(self):
        config = super().get_config()
        config.update(self.tricks_config())
        for key in self.fixed_options:
            config.pop(key, None)
        return config

    @classmethod
    def from_config(cls, config):
        return super().from_config({k: v for k, v in config.items() if k not in cls.fixed_options})

