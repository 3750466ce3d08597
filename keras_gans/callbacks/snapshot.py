"""`ImageSnapshot`: saves the image being optimised (style transfer) every N steps."""
import os

import keras

from keras_gans.utils.images import save_image


class ImageSnapshot(keras.callbacks.Callback):
    """Writes the model's current image to `out_dir/{prefix}_at_step_{step:05d}.png` every `every` steps.

    Works with any model that has a `generated_image()` method returning uint8 `(H, W, 3)`, such as
    :class:`keras_gans.models.StyleTransfer`. Steps are counted by the optimiser, so a second
    `run()` continues the numbering. Files are written atomically; `paths` lists them.
    With `final=True` the last image is also written as `{prefix}_final.png` when training ends.

    >>> st.run(4000, callbacks=[kg.callbacks.ImageSnapshot("runs/paris", every=100)])
    """

    def __init__(self, out_dir, every=100, prefix="generated", final=False):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"`every` must be a positive number of steps; got {every!r}.")
        self.out_dir = os.fspath(out_dir)
        self.every = int(every)
        self.prefix = prefix
        self.final = final
        self.paths = []

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "generated_image"):
            raise ValueError(
                f"ImageSnapshot needs a model with a generated_image() method (e.g. StyleTransfer); "
                f"got {type(self.model).__name__}."
            )
        os.makedirs(self.out_dir, exist_ok=True)

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        if step % self.every == 0:
            self._save(f"{self.prefix}_at_step_{step:05d}.png")

    def on_train_end(self, logs=None):
        if self.final:
            self._save(f"{self.prefix}_final.png")

    def _save(self, name):
        path = os.path.join(self.out_dir, name)
        save_image(self.model.generated_image(), path)
        self.paths.append(path)
