"""`FadeInScheduler`: moves ProGAN's fade-in α from 0 to 1 during a transition phase."""
import keras


class FadeInScheduler(keras.callbacks.Callback):
    """Sets a :class:`keras_gans.models.ProGAN`'s α before every training batch of a transition.

    α = (images trained in this phase so far) / `transition_images`, clipped to [0, 1]: it starts
    at 0, grows linearly and monotonically with the images shown (the model counts them in its
    `phase_images` variable, which is saved with it, so a resumed run continues where it
    stopped) and reaches 1 when the transition is over. In a stable phase the network has no
    fade-in layer and α is 1. (Karras et al. 2018, §3: "we fade in the new layers smoothly".)

    :meth:`ProGAN.fit_schedule <keras_gans.models.ProGAN.fit_schedule>` adds one automatically;
    add it yourself when you drive a transition with plain `fit` on data at the current resolution:

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
