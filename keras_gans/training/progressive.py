"""Progressive growing (Karras et al., ICLR 2018): the schedule of phases and the fade-in of new layers.

A run grows from a start resolution to a target one. :class:`ProGANSchedule` says how many images each
phase shows and at what batch size; :class:`FadeInScheduler` moves the fade-in α of a transition from 0
to 1 with those images. :func:`keras_gans.training.progressive_fit.fit_schedule` runs the phases; the
model (:class:`keras_gans.models.ProGAN`) knows how to grow.

>>> schedule = ProGANSchedule(transition_images=20_000, batch_sizes={4: 64, 8: 64, 16: 32})
>>> [(p.resolution, p.kind, p.batch_size) for p in schedule.phases(4, 16)]
[(4, 'stable', 64), (8, 'transition', 64), (8, 'stable', 64), (16, 'transition', 32), (16, 'stable', 32)]
"""
import keras

#: The two kinds of phase: a *stable* phase trains the current networks; a *transition* fades in new blocks.
PHASES = ("stable", "transition")

#: Batch size per resolution when a schedule gives none (the paper lowers it as images grow).
DEFAULT_BATCH_SIZES = {4: 64, 8: 64, 16: 64, 32: 32, 64: 16, 128: 16, 256: 8, 512: 4, 1024: 4}


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
        """The list of :class:`Phase` from `start` to `target` resolution (powers of two)."""
        out = [Phase(start, "stable", self.images(start, "stable"), self.batch_size(start))]
        resolution = start * 2
        while resolution <= target:
            for kind in ("transition", "stable"):
                out.append(Phase(resolution, kind, self.images(resolution, kind), self.batch_size(resolution)))
            resolution *= 2
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


class FadeInScheduler(keras.callbacks.Callback):
    """Sets a :class:`keras_gans.models.ProGAN`'s α before every training batch of a transition.

    α = (images trained in this phase so far) / `transition_images`, clipped to [0, 1]: it starts
    at 0, grows linearly and monotonically with the images shown (the model counts them in its
    `phase_images` variable, which is saved with it, so a resumed run continues where it
    stopped) and reaches 1 when the transition is over. In a stable phase the network has no
    fade-in layer and α is 1. (Karras et al. 2018, §3: "we fade in the new layers smoothly".)

    :meth:`ProGAN.fit_schedule <keras_gans.models.ProGAN.fit_schedule>` adds one automatically;
    add it yourself when you drive a transition with plain `fit` on data at the current resolution
    (it is also `keras_gans.callbacks.FadeInScheduler`):

    >>> gan.grow()                                   # stable 4×4 → transition to 8×8
    >>> gan.fit(data_8x8, epochs=1, steps_per_epoch=100,
    ...         callbacks=[kg.callbacks.FadeInScheduler(transition_images=6_400)])

    Args:
        transition_images: images over which α goes from 0 to 1; by default the model's
            schedule's images for the current transition.
    """

    def __init__(self, transition_images=None):
        super().__init__()
        if transition_images is not None and int(transition_images) < 1:
            raise ValueError(f"transition_images must be a positive number of images; got {transition_images!r}.")
        self.transition_images = None if transition_images is None else int(transition_images)

    def _length(self):
        if self.transition_images is not None:
            return self.transition_images
        schedule = getattr(self.model, "schedule", None)
        if schedule is None:
            raise ValueError("FadeInScheduler needs transition_images= (the model has no schedule to read it from).")
        return schedule.images(self.model.resolution, "transition")

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "set_alpha"):
            raise ValueError("FadeInScheduler drives a ProGAN (a model with set_alpha and phase_images).")
        self.on_train_batch_begin(0)

    def on_train_batch_begin(self, batch, logs=None):
        if self.model.phase != "transition":
            return
        seen = int(self.model.phase_images.numpy())
        self.model.set_alpha(seen / self._length())


def fresh_optimizer(optimizer):
    """A new optimizer with `optimizer`'s configuration and no state (the networks grew: new variables)."""
    return optimizer.__class__.from_config(optimizer.get_config())
