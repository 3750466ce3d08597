"""`SampleGrid`: the same latent vectors rendered after every epoch, plus a GIF and a loss plot."""
import os

import keras
import numpy as np

from keras_gans.callbacks.fid import LOG_NAMES
from keras_gans.utils.images import make_grid, save_image
from keras_gans.utils.io import atomic_path

#: The scores FIDCallback logs (fid, kid, inception_score): not losses, and not on every epoch.
SCORES = frozenset(LOG_NAMES.values())


def plot_history(history, path, title="Training losses"):
    """Plots every numeric series of `history` (a dict of lists, e.g. `fit(...).history`) to a PNG.

    Losses go on the left axis, accuracies (names containing "acc") on a right axis, and
    gradient norms (names ending in "grad_norm", logged by `DivergenceGuard`) in a panel of their
    own below, so their scale does not flatten the loss curves.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    series = {name: [float(v) for v in values] for name, values in history.items() if len(values)}
    norms = {name: v for name, v in series.items() if name.endswith("grad_norm")}
    if norms:
        fig, (ax, norm_ax) = plt.subplots(2, 1, figsize=(7, 6), dpi=100, sharex=True,
                                          gridspec_kw={"height_ratios": [2, 1]})
    else:
        fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    acc_ax = None
    for name, values in series.items():
        epochs = np.arange(1, len(values) + 1)
        marker = "o" if len(values) < 30 else None
        if name in norms:
            norm_ax.plot(epochs, values, marker=marker, label=name)
        elif "acc" in name:
            acc_ax = acc_ax or ax.twinx()
            acc_ax.plot(epochs, values, "--", label=name, alpha=0.7)
        else:
            ax.plot(epochs, values, marker=marker, label=name)
    ax.set_ylabel("loss")
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    if acc_ax is not None:
        acc_ax.set_ylabel("accuracy")
        acc_ax.set_ylim(-0.05, 1.05)
        h2, l2 = acc_ax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    if norms:
        norm_ax.set_ylabel("gradient norm")
        norm_ax.set_xlabel("epoch")
        norm_ax.legend(loc="best", fontsize=8)
        norm_ax.grid(alpha=0.3)
    else:
        ax.set_xlabel("epoch")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of samples from fixed latent vectors every `every` epochs.

    Writes `epoch_0001.png`, ... into `out_dir`; at the end of training also `samples.gif`
    (one frame per saved epoch) and `losses.png` (the loss curves of this run). With a
    `tensorboard_dir`, the grid is also logged as an image summary per epoch.

    The latent vectors come from `seed`, so frames are comparable across epochs and runs.
    Conditional models (those with `num_classes`) get labels cycling 0, 1, …, one class per
    column, so each row shows every class.

    >>> gan.fit(ds, epochs=20, callbacks=[kg.callbacks.SampleGrid("runs/dcgan", n=16)])
    """

    def __init__(self, out_dir, every=1, n=16, seed=0, rows=None, tensorboard_dir=None, gif=True, plot_losses=True):
        super().__init__()
        if every < 1 or n < 1:
            raise ValueError("`every` and `n` must be positive.")
        self.out_dir = os.fspath(out_dir)
        self.every, self.n, self.seed, self.rows = int(every), int(n), seed, rows
        self.tensorboard_dir = tensorboard_dir
        self.gif, self.plot_losses = gif, plot_losses
        self.frames = []
        self.history = {}
        self._writer = None

    def on_train_begin(self, logs=None):
        os.makedirs(self.out_dir, exist_ok=True)
        self.frames = []
        self.history = {}
        if self.tensorboard_dir:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(os.path.join(self.tensorboard_dir, "samples"))

    def grid(self):
        """The current sample grid as a uint8 array."""
        images = self.model.generate(self.n, seed=self.seed)
        rows = self.rows
        if rows is None and getattr(self.model, "num_classes", None):
            k = self.model.num_classes
            rows = max(1, self.n // k)
        return make_grid(images, rows=rows)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if key not in SCORES:  # losses.png plots the losses (FIDCallback's scores come on some epochs only)
                self.history.setdefault(key, []).append(float(value))
        if (epoch + 1) % self.every:
            return
        grid = self.grid()
        path = os.path.join(self.out_dir, f"epoch_{epoch + 1:04d}.png")
        save_image(grid, path)
        self.frames.append(path)
        if self._writer is not None:
            import tensorflow as tf

            image = grid if grid.ndim == 3 else grid[..., None]
            with self._writer.as_default():
                tf.summary.image("samples", image[None], step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self.gif and self.frames:
            from PIL import Image

            frames = [Image.open(p).convert("P") for p in self.frames]
            with atomic_path(os.path.join(self.out_dir, "samples.gif")) as tmp:
                frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=400, loop=0)
        if self.plot_losses and self.history:
            plot_history(self.history, os.path.join(self.out_dir, "losses.png"))
        if self._writer is not None:
            self._writer.close()
            self._writer = None
