"""`FIDCallback`: FID (and optionally KID / IS) of the generator during `fit`, in the history."""
import inspect
import os
import time

import keras
import numpy as np

from keras_gans.utils import checks
from keras_gans.utils.io import check_parent_dir

LOG_NAMES = {"fid": "fid", "kid": "kid", "is": "inception_score"}
#: Arguments of `generate` that the callback sets itself (`n_samples`, `seed`), or that would bypass its latent vectors.
_OWN_GENERATE_ARGS = ("n", "seed", "z")


def _check_generate_kwargs(generate_kwargs):
    """`generate_kwargs` as a dict: a mapping of names to values, none of :data:`_OWN_GENERATE_ARGS`."""
    if generate_kwargs is None:
        return {}
    if not hasattr(generate_kwargs, "items") or not all(isinstance(k, str) for k in generate_kwargs):
        raise ValueError("generate_kwargs must be a dict of keyword arguments of the model's generate, e.g. "
                         f"{{'domain': 'a'}} for a CoGAN; got {generate_kwargs!r}.")
    own = sorted(set(generate_kwargs) & set(_OWN_GENERATE_ARGS))
    if own:
        raise ValueError(f"generate_kwargs may not set {', '.join(own)}: the callback draws n_samples images from "
                         "the latent vectors of `seed` itself.")
    return dict(generate_kwargs)


def _real_images(real_data, n_real):
    """Real images as a numpy array from an array, a dataset name, or a `tf.data.Dataset`."""
    if isinstance(real_data, str):
        from keras_gans.metrics import reference_images

        images = reference_images(real_data, "test")
    elif hasattr(real_data, "as_numpy_iterator"):  # tf.data.Dataset of images or (images, labels)
        parts, total = [], 0
        for batch in real_data.as_numpy_iterator():
            if isinstance(batch, (tuple, list)):
                batch = batch[0]
            if isinstance(batch, dict):
                batch = batch["images"]
            parts.append(np.asarray(batch))
            total += len(parts[-1])
            if n_real is not None and total >= n_real:
                break
        if not parts:
            raise ValueError("real_data is an empty dataset; pass real images to compare with.")
        images = np.concatenate(parts)
    else:
        images = np.asarray(real_data)
    if images.ndim not in (3, 4) or len(images) < 2:
        raise ValueError(f"real_data must hold at least 2 images (N, H, W[, C]); got shape {images.shape}.")
    return images[:n_real] if n_real is not None else images


class FIDCallback(keras.callbacks.Callback):
    """Computes FID between generated samples and real images every `every` epochs during `fit`.

    The value goes into the epoch's `logs` as `"fid"`, so it appears in `fit(...).history` and can be
    monitored by `keras.callbacks.EarlyStopping(monitor="fid", mode="min")` and
    `ModelCheckpoint(..., monitor="fid", mode="min", save_best_only=True)` — list `FIDCallback`
    *before* those callbacks. It is also written to TensorBoard (`tensorboard_dir`, scalar
    `"fid"` per epoch; a `keras.callbacks.TensorBoard` listed after it logs `epoch_fid` too).
    On epochs that are not evaluated the key is absent (EarlyStopping then skips that epoch).

    The real features are computed once at the start of training; every evaluation generates
    `n_samples` images from the same latent vectors (`seed`), so changes come from the model,
    not from sampling noise. FID is biased by the sample count: compare runs with equal counts.

    Args:
        real_data: real images (array in [-1, 1] or uint8), a `tf.data.Dataset` of them, or a
            dataset name whose held-out `"test"` split is used (e.g. `"mnist-5k"`).
        every: evaluate every `every` epochs (and never in between).
        n_samples: generated images per evaluation.
        n_real: cap on the real images used (None = all).
        extractor: `"mnist"` (offline FID-MNIST), `"inception_v3"`, or your own (see
            :func:`keras_gans.metrics.get_extractor`).
        metrics: which of `"fid"`, `"kid"`, `"is"` to log (`"kid"` and `"inception_score"` keys).
        seed: seed of the evaluation latent vectors.
        generate_kwargs: more keyword arguments of the model's `generate(n_samples, seed=seed, ...)`, e.g.
            `{"domain": "a"}` to score one domain of a :class:`~keras_gans.models.CoGAN` (whose default draws
            each pair side by side); not `n`, `seed` or `z`. Names the model's `generate` does not take are
            refused when training begins (or at :meth:`evaluate`).
        tensorboard_dir: folder for TensorBoard scalars (None = none).
        verbose: 1 prints the values after each evaluation.

    >>> import keras, keras_gans as kg
    >>> gan = kg.models.DCGAN(); gan.compile()
    >>> history = gan.fit(kg.data.load("mnist-5k"), epochs=10, callbacks=[
    ...     kg.callbacks.FIDCallback("mnist-5k", every=2, n_samples=1000),
    ...     keras.callbacks.ModelCheckpoint("best.weights.h5", monitor="fid", mode="min",
    ...                                     save_best_only=True, save_weights_only=True)])
    >>> history.history["fid"]
    """

    def __init__(self, real_data="mnist-5k", every=1, n_samples=1000, n_real=None, extractor="mnist",
                 metrics=("fid",), seed=0, batch_size=250, tensorboard_dir=None, verbose=1, generate_kwargs=None):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"`every` must be a positive number of epochs; got {every!r}.")
        if int(n_samples) < 2:
            raise ValueError(f"`n_samples` must be at least 2; got {n_samples!r}.")
        metrics = checks.names(metrics, "metrics", LOG_NAMES, "metric")
        self.generate_kwargs = _check_generate_kwargs(generate_kwargs)
        if tensorboard_dir is not None:
            check_parent_dir(os.fspath(tensorboard_dir))
        self.real_data = real_data
        self.every, self.n_samples, self.n_real = int(every), int(n_samples), n_real
        self.extractor, self.metrics_to_log, self.seed = extractor, metrics, seed
        self.batch_size = int(batch_size)
        self.tensorboard_dir = tensorboard_dir
        self.verbose = verbose
        self.evaluations = []  # [(epoch, {name: value})]
        self._metrics = None
        self._writer = None
        self._n_real = None

    # ---------------------------------------------------------------- setup
    def _build(self):
        from keras_gans import metrics as M

        real = _real_images(self.real_data, self.n_real)
        self._n_real = len(real)
        objs = {}
        if "fid" in self.metrics_to_log:
            objs["fid"] = M.FrechetInceptionDistance(extractor=self.extractor)
        if "kid" in self.metrics_to_log:
            objs["kid"] = M.KernelInceptionDistance(extractor=self.extractor)
        if "is" in self.metrics_to_log:
            objs["is"] = M.InceptionScore(extractor=self.extractor)
        for name in ("fid", "kid"):
            if name in objs:
                for start in range(0, len(real), self.batch_size):
                    objs[name].update_state(real=real[start:start + self.batch_size])
        self._metrics = objs

    def _check_model(self):
        """ValueError unless the model has a `generate` that takes the names of :attr:`generate_kwargs`."""
        generate = getattr(self.model, "generate", None)
        if generate is None:
            raise ValueError("FIDCallback needs a keras_gans GAN (a model with generate(n, seed=...)).")
        try:
            parameters = inspect.signature(generate).parameters
        except (TypeError, ValueError):  # no signature to read: generate itself will say
            return
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return
        unknown = sorted(set(self.generate_kwargs) - set(parameters))
        if unknown:
            raise ValueError(f"FIDCallback's generate_kwargs {unknown} are not arguments of "
                             f"{type(self.model).__name__}.generate (it takes {', '.join(parameters)}).")

    def on_train_begin(self, logs=None):
        self._check_model()
        if self._metrics is None:
            self._build()
        if self.tensorboard_dir:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(os.path.join(os.fspath(self.tensorboard_dir), "metrics"))

    # ---------------------------------------------------------------- evaluation
    def evaluate(self):
        """Scores the current generator now; returns {log name: value}."""
        self._check_model()
        if self._metrics is None:
            self._build()
        fake = self.model.generate(self.n_samples, seed=self.seed, **self.generate_kwargs)
        values = {}
        for name, metric in self._metrics.items():
            if name == "is":
                metric.reset_state()
            else:
                metric.reset_fake()
            for start in range(0, len(fake), self.batch_size):
                metric.update_state(fake=fake[start:start + self.batch_size])
            values[LOG_NAMES[name]] = float(metric.result())
        return values

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        start = time.time()
        values = self.evaluate()
        self.evaluations.append((epoch + 1, values))
        if logs is not None:
            logs.update(values)
        if self._writer is not None:
            import tensorflow as tf

            with self._writer.as_default():
                for name, value in values.items():
                    tf.summary.scalar(name, value, step=epoch + 1)
            self._writer.flush()
        if self.verbose:
            text = ", ".join(f"{k} {v:.4g}" for k, v in values.items())
            print(f"\nFIDCallback epoch {epoch + 1}: {text} ({time.time() - start:.1f} s; "
                  f"{self.n_samples} generated vs {self._n_real} real, extractor {self.extractor!r})", flush=True)

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    @property
    def protocol(self):
        """How the logged numbers were measured (extractor, counts, seed, and `generate_kwargs` if any)."""
        from keras_gans.metrics import get_extractor

        out = dict(get_extractor(self.extractor).protocol)
        out.update(n_fake=self.n_samples, n_real=self._n_real, sample_seed=self.seed,
                   reference=self.real_data if isinstance(self.real_data, str) else "given real images")
        if self.generate_kwargs:
            out["generate_kwargs"] = dict(self.generate_kwargs)
        return out

    def best(self, name="fid"):
        """(epoch, value) of the best evaluation so far (lowest FID/KID, highest IS)."""
        scored = [(e, v[name]) for e, v in self.evaluations if name in v]
        if not scored:
            raise ValueError(f"No {name!r} evaluations yet.")
        pick = max if name == "inception_score" else min
        return pick(scored, key=lambda item: item[1])
