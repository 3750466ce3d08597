"""SavedModel export: the one module that writes networks for serving with TensorFlow alone.

Every model's `export()` (and the zoo's preset export) calls one of these; nothing else builds a
`keras.export.ExportArchive`. The signature kinds:

==========================================  ===========================  ========================================
kind                                        function                     endpoints (`serving_default` = the first)
==========================================  ===========================  ========================================
z → image, (z, labels) → image              :func:`export_generator`     `serve(z[, labels]) → {"images"}`,
                                                                         `__call__`, seeded `sample(n, seed[, labels])`
z → a pair of images (CoGAN)                :func:`export_generator`     `serve(z) → {"images_a", "images_b"}`,
                                            with a dict of networks      `sample(n, seed)`
image → image (one endpoint a direction)    :func:`export_image_to_image`  `a2b(images) → {"images"}`, ...,
                                                                         `serve`, `__call__`
image → class probabilities (SGAN)          :func:`export_classifier`    `serve(images) → {"probabilities", "classes"}`
image → probabilities (preset classifier)    :func:`export_image_to_image`  `serve(images) → {"probabilities"}`,
                                            ``output_key="probabilities"``  `__call__`
==========================================  ===========================  ========================================

The written directory loads with `tf.saved_model.load`, `tensorflow_hub.load`,
`keras.layers.TFSMLayer` and `saved_model_cli`. It is written beside its final place and renamed,
so a failed export leaves nothing behind; a missing parent folder is created, and a non-empty existing
folder is refused unless `overwrite=True` (`keras_gans.utils.io.check_target`).

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=16)
>>> export_generator(gan, "/tmp/serving/dcgan", network=gan.sampling_generator, verbose=False)
'/tmp/serving/dcgan'
"""
import os

import keras
import tensorflow as tf

from keras_gans.utils.io import atomic_path, check_target
from keras_gans.utils.images import as_float32


def export_generator(model, filepath, network=None, verbose=True, overwrite=False):
    """Writes a generator of `model` (z → images) as a SavedModel with `serve`, `__call__` and `sample`.

    Args:
        model: what knows the signature: `model.serving_inputs()` (the `tf.TensorSpec`s of z and any
            conditions, e.g. CGAN's `labels`) and `model.latent_dim`.
        filepath: the SavedModel directory to write.
        network: the network to serve (default `model.generator`; models pass their
            `sampling_generator`, the EMA copy when they keep one), or a dict `{output_name: network}`
            of networks that all take the same inputs (CoGAN's pair: `serve` and `sample` then return
            one output per network, and there is no `__call__`).
        verbose: print where it went.
        overwrite: replace a non-empty existing folder `filepath` (else `FileExistsError`, before any work).

    Endpoints: `serve` (also `serving_default`): the serving inputs → `{"images"}` float32 in [-1, 1];
    `__call__`: the same inputs → the images tensor (so `tensorflow_hub.load(path)(z)` works);
    `sample`: `n` int32, `seed` int32 (and the conditions) → `{"images"}` from
    z = `tf.random.stateless_normal([n, latent_dim], seed=[seed, 0])`.
    """
    check_target(filepath, overwrite, "folder")
    network = model.generator if network is None else network
    outputs = network if isinstance(network, dict) else {"images": network}
    specs = model.serving_inputs()
    latent_dim = model.latent_dim

    def generate(x):
        return {name: as_float32(net(x, training=False)) for name, net in outputs.items()}

    @tf.function(input_signature=specs)
    def serve(*inputs):
        return generate(inputs[0] if len(inputs) == 1 else list(inputs))

    @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="n"), tf.TensorSpec([], tf.int32, name="seed")]
                 + list(specs[1:]))
    def sample(n, seed, *conditions):
        z = tf.random.stateless_normal(tf.stack([n, latent_dim]), seed=tf.stack([seed, 0]))
        return generate(z if not conditions else [z] + list(conditions))

    endpoints = {"serve": serve}
    if not isinstance(network, dict):
        # `hub.load(dir)(z)` (the TF Hub calling pattern) returns the images tensor itself.
        @tf.function(input_signature=specs)
        def call(*inputs):
            return as_float32(network(inputs[0] if len(inputs) == 1 else list(inputs), training=False))

        endpoints["__call__"] = call
    endpoints["sample"] = sample
    _write(filepath, outputs.values(), endpoints)
    if verbose:
        names = ", ".join(s.name for s in specs)
        print(f"Saved the generator to {filepath} (endpoints: serve({names}), sample(n, seed) → "
              f"{', '.join(outputs)}).")
    return os.fspath(filepath)


def export_image_to_image(model, endpoints, filepath, verbose=True, output_key="images", overwrite=False):
    """Writes a SavedModel whose endpoints map images to images (one endpoint per direction).

    Args:
        model: the model exported (named in the message).
        endpoints: `{endpoint_name: network}`; the first one is also `serve` / `serving_default`,
            and the loaded object's `__call__` (images in, images out, no dict).
            Each takes `images` float32 (any batch, the network's trained size, values in [-1, 1])
            and returns `{output_key: ...}`.
        output_key: the name of the output (`"images"`; the zoo's classifier presets use
            `"probabilities"`).
        overwrite: replace a non-empty existing folder `filepath` (else `FileExistsError`, before any work).
    """
    check_target(filepath, overwrite, "folder")
    functions = {}
    for name, network in endpoints.items():
        spec = tf.TensorSpec((None,) + tuple(network.input_shape[1:]), tf.float32, name="images")
        functions[name] = tf.function(_named_output(network, output_key), input_signature=[spec])
    first_network, first = next(iter(endpoints.values())), next(iter(functions.values()))
    if "serve" not in functions:
        functions["serve"] = first

    @tf.function(input_signature=first.input_signature)
    def call(images):
        return as_float32(first_network(images, training=False))

    functions["__call__"] = call
    _write(filepath, endpoints.values(), functions)
    if verbose:
        names = ", ".join(sorted(set(endpoints) | {"serve"}))
        print(f"Saved {type(model).__name__} to {filepath} (endpoints: {names}; images float32 in [-1, 1]).")
    return os.fspath(filepath)


def export_classifier(model, network, filepath, verbose=True, overwrite=False):
    """Writes a classifier (images → class probabilities) as a SavedModel.

    Endpoint `serve` (also `serving_default`): `images` float32 (batch, H, W, C) in [-1, 1] →
    `{"probabilities": (batch, classes), "classes": int32 (batch,)}`. A non-empty existing folder
    `filepath` is refused unless `overwrite=True`.
    """
    check_target(filepath, overwrite, "folder")
    spec = tf.TensorSpec((None,) + tuple(int(d) for d in network.input_shape[1:]), tf.float32, name="images")

    @tf.function(input_signature=[spec])
    def serve(images):
        probabilities = as_float32(network(images, training=False))
        return {"probabilities": probabilities, "classes": tf.argmax(probabilities, axis=-1, output_type=tf.int32)}

    _write(filepath, [network], {"serve": serve})
    if verbose:
        print(f"Saved the {type(model).__name__} classifier to {filepath} "
              "(endpoint: serve(images) -> probabilities, classes).")
    return os.fspath(filepath)


def check_format(format):
    """Raises `ValueError` unless `format` is `"tf_saved_model"`, the one format `export()` writes."""
    if format != "tf_saved_model":
        raise ValueError(f"Only format='tf_saved_model' is supported; got {format!r}.")


def _named_output(network, key):
    def run(images):
        return {key: as_float32(network(images, training=False))}

    return run


def _write(filepath, networks, endpoints):
    """Tracks `networks` (each once), adds `endpoints` in order and writes the archive atomically."""
    archive = keras.export.ExportArchive()
    for network in {id(n): n for n in networks}.values():
        archive.track(network)
    for name, function in endpoints.items():
        archive.add_endpoint(name, function)
    with atomic_path(os.fspath(filepath)) as tmp:
        archive.write_out(tmp, verbose=False)
