"""Test utilities shared across the test folders (import them with `from helpers import ...`).

`tiny_networks()` builds a small conv generator/discriminator pair for fast tests (the `tiny_gan`
fixture of conftest.py uses it).

`digit_quality(images)` judges whether generated images are MNIST digits with a small CNN
trained on the mnist-5k *train* split (cached in the temp folder, so it trains once per machine).
Criterion used by the slow tests: mean max-probability ≥ 0.8 and ≥ 8 of 10 classes in 1,000 samples.
"""
import os
import tempfile

import numpy as np


def tiny_networks(latent_dim=8, image_shape=(28, 28, 1)):
    """A small conv generator/discriminator pair for fast tests (with batch norm, like the book's)."""
    import keras
    from keras import layers

    h, w, c = image_shape
    z = keras.Input((latent_dim,))
    x = layers.Dense((h // 4) * (w // 4) * 8)(z)
    x = layers.Reshape((h // 4, w // 4, 8))(x)
    x = layers.Conv2DTranspose(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(c, 3, strides=2, padding="same", activation="tanh")(x)
    g = keras.Model(z, x, name="tiny_g")
    i = keras.Input(image_shape)
    y = layers.Conv2D(8, 3, strides=2, padding="same")(i)
    y = layers.LeakyReLU(0.2)(y)
    y = layers.Conv2D(8, 3, strides=2, padding="same")(y)
    y = layers.BatchNormalization()(y)
    y = layers.LeakyReLU(0.2)(y)
    d = keras.Model(i, layers.Dense(1)(layers.Flatten()(y)), name="tiny_d")
    return g, d


_MODEL = None


def _build():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dropout(0.3), layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def digit_classifier():
    """A CNN on 28×28×1 images in [-1, 1] (softmax over 10 digits), trained on mnist-5k train."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    import keras

    from keras_gans.data import load_arrays

    model = _build()
    path = os.path.join(tempfile.gettempdir(), "keras_gans_test_digit_judge_v1.weights.h5")
    if os.path.exists(path):
        model.load_weights(path)
    else:
        keras.utils.set_random_seed(0)
        x, y = load_arrays("mnist-5k", "train")
        x = x.astype("float32") / 127.5 - 1.0
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, epochs=8, batch_size=64, verbose=0)
        tmp = path + f".{os.getpid()}.weights.h5"
        model.save_weights(tmp)
        os.replace(tmp, path)
    _MODEL = model
    return model


def digit_quality(images):
    """{mean_max_prob, n_classes, predictions, accuracy_on_test} for images in [-1, 1] (N, 28, 28, 1)."""
    images = np.asarray(images, "float32")
    if images.shape[1:] != (28, 28, 1):
        raise ValueError(f"digit_quality expects (N, 28, 28, 1) images; got {images.shape}")
    probs = digit_classifier().predict(images, batch_size=256, verbose=0)
    pred = probs.argmax(1)
    return {
        "mean_max_prob": float(probs.max(1).mean()),
        "n_classes": int(len(np.unique(pred))),
        "predictions": pred,
    }


def judge_accuracy():
    """The judge's accuracy on the mnist-5k test split (to report next to quality numbers)."""
    from keras_gans.data import load_arrays

    x, y = load_arrays("mnist-5k", "test")
    probs = digit_classifier().predict(x.astype("float32") / 127.5 - 1.0, verbose=0)
    return float((probs.argmax(1) == y).mean())


def label_accuracy(images, labels):
    """How often the judge reads each image as the label it was generated for (conditional GANs).

    Returns {"accuracy": overall fraction, "per_class": {class: fraction}, "worst_class": min of those}.
    """
    labels = np.asarray(labels).reshape(-1)
    pred = digit_quality(images)["predictions"]
    if len(pred) != len(labels):
        raise ValueError(f"label_accuracy needs one label per image; got {len(labels)} labels for {len(pred)} images")
    per_class = {int(k): float((pred[labels == k] == k).mean()) for k in np.unique(labels)}
    return {"accuracy": float((pred == labels).mean()), "per_class": per_class, "worst_class": min(per_class.values())}


# ---------------------------------------------------------------------------- shared by several test folders
def serve(folder, handler=None):
    """A context manager: a loopback HTTP server on a free port for `folder`; yields its base URL.

    `handler` is a `SimpleHTTPRequestHandler` subclass (default: one that logs nothing).
    """
    import contextlib
    import functools
    import http.server
    import threading

    if handler is None:
        class handler(http.server.SimpleHTTPRequestHandler):  # noqa: N801
            def log_message(self, *args):
                pass

    @contextlib.contextmanager
    def running():
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    return running()


def non_finite_h5_datasets(path):
    """Names of the float datasets in an HDF5 file (a `.weights.h5`) that hold NaN or Inf."""
    import h5py

    bad = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and not np.isfinite(obj[()]).all():
            bad.append(name)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return bad


def tiny_dcgan_with_tricks(shape=(8, 8, 1), **kwargs):
    """A `DCGANWithTricks` on MLP networks of 8 units (latent_dim 4, seed 0) with the given tricks."""
    import keras_gans as kg

    g = kg.networks.mlp_generator(latent_dim=4, image_shape=shape, hidden_units=8)
    d = kg.networks.mlp_discriminator(shape, hidden_units=8)
    return kg.tricks.DCGANWithTricks(image_shape=shape, latent_dim=4, generator=g, discriminator=d, seed=0, **kwargs)


def alpha_recorder():
    """A Keras callback whose `seen` lists (resolution, phase, alpha) of a ProGAN after every batch."""
    import keras

    class AlphaRecorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append((self.model.resolution, self.model.phase, self.model.alpha))

    return AlphaRecorder()


def serve_in_tensorflow_only(calls, tmp_path):
    """Runs SavedModel endpoints in one fresh process that imports only TensorFlow (never keras_gans).

    `calls`: `{key: (saved_model_dir, endpoint, inputs)}` with `inputs` a float32 array; the signature
    `endpoint` is called as `images=inputs`. Returns `{key: its "images" output}` (numpy).
    """
    import os
    import subprocess
    import sys
    import textwrap

    import numpy as np

    spec = {}
    for key, (path, endpoint, inputs) in calls.items():
        np.save(os.path.join(tmp_path, f"in_{key}.npy"), np.asarray(inputs, "float32"))
        spec[key] = (str(path), endpoint)
    script = textwrap.dedent(f"""
        import os, sys, numpy as np, tensorflow as tf
        loaded = {{}}
        for key, (path, endpoint) in {spec!r}.items():
            if path not in loaded:
                loaded[path] = tf.saved_model.load(path)
            sig = loaded[path].signatures[endpoint]
            x = np.load(os.path.join({str(tmp_path)!r}, "in_" + key + ".npy"))
            np.save(os.path.join({str(tmp_path)!r}, "out_" + key + ".npy"), sig(images=tf.constant(x))["images"].numpy())
        assert "keras_gans" not in sys.modules
        print("OK")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-2000:]
    return {key: np.load(os.path.join(tmp_path, f"out_{key}.npy")) for key in calls}


def call_in_tensorflow_only(export_dir, inputs, endpoint="serving_default", timeout=300):
    """Calls a SavedModel's `endpoint` in a fresh Python that imports TensorFlow and never keras_gans.

    `inputs` is `{name: numpy array}`; returns the outputs as `{name: numpy array}`. One subprocess (about
    5 s of TensorFlow start-up): check everything a test needs from one call.
    """
    import subprocess
    import sys
    import tempfile
    import textwrap

    with tempfile.TemporaryDirectory() as tmp:
        np.savez(os.path.join(tmp, "in.npz"), **inputs)
        script = textwrap.dedent(f"""
            import sys, numpy as np, tensorflow as tf
            signature = tf.saved_model.load({str(export_dir)!r}).signatures[{endpoint!r}]
            args = {{k: tf.constant(v) for k, v in np.load({os.path.join(tmp, 'in.npz')!r}).items()}}
            outputs = signature(**args)
            assert "keras_gans" not in sys.modules, "the SavedModel needed keras_gans"
            np.savez({os.path.join(tmp, 'out.npz')!r}, **{{k: v.numpy() for k, v in outputs.items()}})
        """)
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                                timeout=timeout)
        assert result.returncode == 0, result.stderr[-3000:]
        with np.load(os.path.join(tmp, "out.npz")) as f:
            return {k: f[k] for k in f.files}


def discriminator_call_sizes(gan, data):
    """The batch size of every call of `gan.discriminator` in one eager `train_step(data)`, in order.

    Tells the D calls of `d_batch="separate"` (one per batch) from those of `"joint"` (one on the concatenation).
    """
    import tensorflow as tf

    sizes, call = [], gan.discriminator.call

    def counting_call(inputs, *args, **kwargs):
        images = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        sizes.append(int(images.shape[0]))
        return call(inputs, *args, **kwargs)

    gan.discriminator.call = counting_call
    try:
        gan.train_step(tuple(tf.constant(a) for a in data))
    finally:
        del gan.discriminator.call
    return sizes


REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_script(relative_path, name=None):
    """A script of the repository (e.g. `"benchmarks/quality.py"`) imported as a module by its path: it runs the
    script's top level only (its `main()` waits to be called). `name` defaults to the file's stem."""
    import importlib.util

    path = os.path.join(REPO, relative_path)
    spec = importlib.util.spec_from_file_location(name or os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
