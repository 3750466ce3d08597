"""SavedModel export of generators, for serving with TensorFlow alone.

Used by :meth:`keras_gans.models.GAN.export`; the written directory loads with
`tf.saved_model.load`, `tensorflow_hub.load`, `keras.layers.TFSMLayer` and `saved_model_cli`.
"""
import os

import keras
import tensorflow as tf

from keras_gans.utils.io import atomic_path


def export_generator(gan, filepath, verbose=True):
    """Writes `gan`'s generator to `filepath` as a SavedModel with `serve` and `sample` endpoints.

    The directory is written beside its final place and renamed, so a failed export leaves
    nothing behind.
    """
    generator = gan.generator
    specs = gan.serving_inputs()
    archive = keras.export.ExportArchive()
    archive.track(generator)

    names = [s.name for s in specs]

    @tf.function(input_signature=specs)
    def serve(*inputs):
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        return {"images": generator(x, training=False)}

    archive.add_endpoint("serve", serve)

    # `hub.load(dir)(z)` (the TF Hub calling pattern) returns the images tensor itself.
    @tf.function(input_signature=specs)
    def call(*inputs):
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        return generator(x, training=False)

    archive.add_endpoint("__call__", call)

    latent_dim = gan.latent_dim
    extra = specs[1:]

    @tf.function(input_signature=[tf.TensorSpec([], tf.int32, name="n"), tf.TensorSpec([], tf.int32, name="seed")]
                 + list(extra))
    def sample(n, seed, *conditions):
        z = tf.random.stateless_normal(tf.stack([n, latent_dim]), seed=tf.stack([seed, 0]))
        x = z if not conditions else [z] + list(conditions)
        return {"images": generator(x, training=False)}

    archive.add_endpoint("sample", sample)
    filepath = os.fspath(filepath)
    with atomic_path(filepath) as tmp:
        archive.write_out(tmp, verbose=False)
    if verbose:
        print(f"Saved the generator to {filepath} (endpoints: serve({', '.join(names)}), sample(n, seed)).")
    return filepath
