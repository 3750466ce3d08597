"""`TranslationGrid`: rows of translations of fixed images after every epoch (CycleGAN, pix2pix, CoGAN)."""
import os

import keras
import numpy as np

from keras_gans.utils.images import make_grid, save_image


class TranslationGrid(keras.callbacks.Callback):
    """Saves a grid of translations of the same images every `every` epochs.

    The rows come from the model's `preview_rows(images_a, images_b)`:

    - :class:`~keras_gans.models.CycleGAN`: A, A→B, A→B→A, then B, B→A, B→A→B (one image per column),
      so the round trips can be compared with their starting images;
    - :class:`~keras_gans.models.Pix2Pix`: inputs, outputs, targets;
    - :class:`~keras_gans.models.CoGAN`: G_A(z) and G_B(z) for the same z (no images needed).

    Writes `epoch_0001.png`, … into `out_dir` (atomically).

    Args:
        out_dir: folder for the PNGs (created).
        images_a, images_b: the fixed images (uint8 or floats in [-1, 1]); `n` of each are used.
        every: write every `every` epochs.
        n: images per row.

    >>> ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=16)
    >>> a, b = next(iter(ds))
    >>> gan.fit(ds, epochs=10, callbacks=[kg.callbacks.TranslationGrid("runs/cyclegan", a, b)])
    """

    def __init__(self, out_dir, images_a=None, images_b=None, every=1, n=8):
        super().__init__()
        if every < 1 or n < 1:
            raise ValueError("`every` and `n` must be positive.")
        self.out_dir = os.fspath(out_dir)
        self.images_a = None if images_a is None else np.asarray(images_a)[:n]
        self.images_b = None if images_b is None else np.asarray(images_b)[:n]
        self.every, self.n = int(every), int(n)
        self.paths = []

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "preview_rows"):
            raise ValueError(
                f"TranslationGrid needs an image-to-image model (CycleGAN, Pix2Pix, CoGAN); got {type(self.model).__name__}. "
                "Use SampleGrid for noise-to-image GANs."
            )
        os.makedirs(self.out_dir, exist_ok=True)

    def grid(self):
        """The current grid as a uint8 array (one row per `preview_rows` entry)."""
        rows = self.model.preview_rows(self.images_a, self.images_b)
        return make_grid(np.concatenate([np.asarray(r, "float32") for r in rows]), rows=len(rows))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        path = os.path.join(self.out_dir, f"epoch_{epoch + 1:04d}.png")
        save_image(self.grid(), path)
        self.paths.append(path)
