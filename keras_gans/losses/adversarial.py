"""Adversarial losses as plain functions of discriminator logits / critic scores.

Every function takes raw discriminator outputs (logits, not probabilities; the sigmoid is
folded into the loss for numerical stability) and returns the mean over the batch.
A :class:`GANLoss` pairs a discriminator loss with a generator loss; `GAN.compile(loss=...)`
accepts a :class:`GANLoss`, one of the names in :data:`LOSSES`, or a `(d_fn, g_fn)` pair.

Notation: ``r`` = D's logits on real data, ``f`` = D's logits on generated data,
``σ`` = sigmoid, ``softplus(x) = log(1 + eˣ)``.
"""
import keras
from keras import ops


def _mean(x):
    """The mean of `x` in float32 (the reduction of every loss here)."""
    return ops.mean(ops.cast(x, "float32"))


# --- minimax (Goodfellow et al. 2014) -------------------------------------------------
def minimax_discriminator_loss(real_logits, fake_logits, real_label=1.0):
    """D maximises log σ(r) + log(1 − σ(f)): loss = BCE(real_label, r) + BCE(0, f).

    `real_label` < 1 gives one-sided label smoothing (Salimans et al. 2016; 0.9 is usual).
    """
    r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    # BCE(y, x) from logits = softplus(x) - y·x
    real_term = ops.softplus(r) - real_label * r
    return _mean(real_term) + _mean(ops.softplus(f))


def minimax_generator_loss(fake_logits, real_logits=None):
    """G minimises log(1 − σ(f)) = −softplus(f). Saturates when D rejects fakes confidently."""
    return -_mean(ops.softplus(ops.cast(fake_logits, "float32")))


# --- non-saturating (Goodfellow et al. 2014, §3) -------------------------------------
non_saturating_discriminator_loss = minimax_discriminator_loss


def non_saturating_generator_loss(fake_logits, real_logits=None):
    """G minimises −log σ(f) = softplus(−f) = BCE(1, f): strong gradients early in training."""
    return _mean(ops.softplus(-ops.cast(fake_logits, "float32")))


# --- Wasserstein (Arjovsky et al. 2017) ----------------------------------------------
def wasserstein_critic_loss(real_scores, fake_scores):
    """The critic maximises E[c(x)] − E[c(G(z))]: loss = E[f] − E[r]."""
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_generator_loss(fake_scores, real_scores=None):
    """G maximises the critic's score on fakes: loss = −E[f]."""
    return -_mean(fake_scores)


# --- hinge (Lim & Ye 2017; Miyato et al. 2018) -----------------------------------------
def hinge_discriminator_loss(real_logits, fake_logits):
    """E[max(0, 1 − r)] + E[max(0, 1 + f)]."""
    r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    return _mean(ops.relu(1.0 - r)) + _mean(ops.relu(1.0 + f))


def hinge_generator_loss(fake_logits, real_logits=None):
    """−E[f]."""
    return -_mean(fake_logits)


# --- least squares (Mao et al. 2017), used by CycleGAN ----------------------------------
def least_squares_discriminator_loss(real_logits, fake_logits):
    """½·E[(r − 1)²] + ½·E[f²] on raw outputs (a = 0, b = 1)."""
    r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    return 0.5 * _mean(ops.square(r - 1.0)) + 0.5 * _mean(ops.square(f))


def least_squares_generator_loss(fake_logits, real_logits=None):
    """½·E[(f − 1)²] (c = 1)."""
    return 0.5 * _mean(ops.square(ops.cast(fake_logits, "float32") - 1.0))


# --- relativistic standard GAN (Jolicoeur-Martineau 2018) -------------------------------
def relativistic_discriminator_loss(real_logits, fake_logits):
    """RSGAN: −E[log σ(r − f)] = E[softplus(f − r)] (pairs real and fake examples in order)."""
    r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    return _mean(ops.softplus(f - r))


def relativistic_generator_loss(fake_logits, real_logits):
    """RSGAN: −E[log σ(f − r)] = E[softplus(r − f)]. Needs D's logits on a real batch."""
    if real_logits is None:
        raise ValueError("The relativistic generator loss needs `real_logits` (D's output on real data).")
    r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
    return _mean(ops.softplus(r - f))


@keras.saving.register_keras_serializable(package="keras_gans")
class GANLoss:
    """A discriminator loss and a generator loss that belong together.

    >>> loss = GANLoss.get("non_saturating")
    >>> d_loss = loss.discriminator(real_logits, fake_logits)
    >>> g_loss = loss.generator(fake_logits)

    Attributes:
        needs_real_for_generator: whether `generator()` needs D's logits on real data
            (relativistic losses); models then pass them.
    """

    def __init__(self, discriminator, generator, name=None, needs_real_for_generator=False):
        self.discriminator = discriminator
        self.generator = generator
        self.name = name
        self.needs_real_for_generator = needs_real_for_generator

    @classmethod
    def get(cls, identifier):
        """A :class:`GANLoss` from a name in :data:`LOSSES`, a `GANLoss`, a `(d_fn, g_fn)` pair,
        or one Keras-style loss `fn(y_true, y_pred)` (see :class:`LabelledLoss`)."""
        if isinstance(identifier, GANLoss):
            return identifier
        if isinstance(identifier, str):
            key = identifier.lower().replace("-", "_")
            key = _ALIASES.get(key, key)
            if key not in LOSSES:
                raise ValueError(
                    f"Unknown GAN loss {identifier!r}. Choose one of {sorted(LOSSES)}, "
                    "or pass a GANLoss / a (discriminator_fn, generator_fn) pair."
                )
            return LOSSES[key]
        if isinstance(identifier, (tuple, list)) and len(identifier) == 2 and all(map(callable, identifier)):
            return GANLoss(identifier[0], identifier[1], name=None)
        if callable(identifier) and not isinstance(identifier, type):
            return LabelledLoss(identifier)
        raise ValueError(
            f"`loss` must be a name in {sorted(LOSSES)}, a GANLoss, a (discriminator_fn, generator_fn) "
            f"pair of callables, or one Keras loss fn(y_true, y_pred); got {identifier!r}."
        )

    def get_config(self):
        if self.name is None:
            return {
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "generator": keras.saving.serialize_keras_object(self.generator),
                "name": None,
                "needs_real_for_generator": self.needs_real_for_generator,
            }
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        if config.get("name"):
            return cls.get(config["name"])
        return cls(
            keras.saving.deserialize_keras_object(config["discriminator"]),
            keras.saving.deserialize_keras_object(config["generator"]),
            name=None,
            needs_real_for_generator=config.get("needs_real_for_generator", False),
        )

    def __repr__(self):
        return f"GANLoss({self.name or 'custom'})"


@keras.saving.register_keras_serializable(package="keras_gans")
class LabelledLoss(GANLoss):
    """A GAN loss made of one Keras-style loss `fn(y_true, y_pred)` and 1/0 targets (the keras-io way).

    D's loss is `fn(1, r) + fn(0, f)` (real → 1, fake → 0) and G's loss is `fn(1, f)` (fakes
    called real: the non-saturating objective). With `keras.losses.BinaryCrossentropy(from_logits=True)`
    this equals the built-in `"non_saturating"` loss; with `keras.losses.MeanSquaredError()` it is
    LSGAN with a = 0, b = c = 1 (twice the `"least_squares"` loss). The discriminator outputs
    logits, so probability losses need `from_logits=True`.

    >>> import keras
    >>> gan_loss = GANLoss.get(keras.losses.BinaryCrossentropy(from_logits=True))
    >>> float(gan_loss.discriminator(keras.ops.zeros((4, 1)), keras.ops.zeros((4, 1))))  # 2·log 2
    1.386...
    """

    def __init__(self, loss_fn, name=None):
        self.loss_fn = loss_fn
        super().__init__(self._discriminator_loss, self._generator_loss, name=None)

    def _discriminator_loss(self, real_logits, fake_logits):
        r, f = ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32")
        return ops.cast(self.loss_fn(ops.ones_like(r), r), "float32") + ops.cast(
            self.loss_fn(ops.zeros_like(f), f), "float32")

    def _generator_loss(self, fake_logits, real_logits=None):
        f = ops.cast(fake_logits, "float32")
        return ops.cast(self.loss_fn(ops.ones_like(f), f), "float32")

    def get_config(self):
        return {"loss_fn": keras.saving.serialize_keras_object(self.loss_fn)}

    @classmethod
    def from_config(cls, config):
        return cls(keras.saving.deserialize_keras_object(config["loss_fn"]))

    def __repr__(self):
        return f"LabelledLoss({self.loss_fn!r})"


LOSSES = {
    "minimax": GANLoss(minimax_discriminator_loss, minimax_generator_loss, "minimax"),
    "non_saturating": GANLoss(non_saturating_discriminator_loss, non_saturating_generator_loss, "non_saturating"),
    "wasserstein": GANLoss(wasserstein_critic_loss, wasserstein_generator_loss, "wasserstein"),
    "hinge": GANLoss(hinge_discriminator_loss, hinge_generator_loss, "hinge"),
    "least_squares": GANLoss(least_squares_discriminator_loss, least_squares_generator_loss, "least_squares"),
    "relativistic": GANLoss(
        relativistic_discriminator_loss, relativistic_generator_loss, "relativistic", needs_real_for_generator=True
    ),
}
_ALIASES = {"ns": "non_saturating", "bce": "non_saturating", "lsgan": "least_squares", "wgan": "wasserstein",
            "rsgan": "relativistic", "gan": "minimax"}


def get(identifier):
    """Shortcut for :meth:`GANLoss.get`."""
    return GANLoss.get(identifier)

