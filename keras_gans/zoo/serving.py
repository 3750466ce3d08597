"""SavedModel export of presets, with a signature that fits each preset's task.

- `noise_to_image`: `serve(z[, labels...]) -> {"images"}`, `sample(n, seed) -> {"images"}`, and
  `__call__(z)` -> images (so `tensorflow_hub.load(dir)(z)` works), through
  :func:`keras_gans.export.export_generator`.
- `image_to_image`: `serve(images) -> {"images"}` and `__call__(images)`.
- `image_to_label`: `serve(images) -> {"probabilities"}` and `__call__(images)`.

Both image kinds go through :func:`keras_gans.export.export_image_to_image`; this module writes no
archive itself.

`serving_default` is `serve`. The folder loads with TensorFlow alone
(`tf.saved_model.load(dir).signatures["serving_default"]`).
"""
import os

from keras_gans.zoo import preset


class _GeneratorOnly:
    """What `export_generator` needs from a GAN, for presets that ship only the generator."""

    def __init__(self, generator, metadata):
        self.generator = generator
        self.latent_dim = int(metadata["latent_dim"])
        self._inputs = metadata["inputs"]

    def serving_inputs(self):
        import tensorflow as tf

        return [tf.TensorSpec(s["shape"], tf.as_dtype(s["dtype"]), name=s["name"]) for s in self._inputs]


def export_preset(name_or_path_or_url, directory, verbose=True, overwrite=False):
    """Exports a preset (name, folder or URL) to `directory` as a SavedModel; returns the path.

    A missing parent folder is created; a non-empty existing `directory` is refused
    (`FileExistsError`, before the preset is loaded) unless `overwrite=True`.

    >>> import keras_gans as kg
    >>> kg.zoo.export("dcgan_mnist", "/tmp/serving/dcgan_mnist")      # doctest: +SKIP
    >>> import tensorflow as tf
    >>> m = tf.saved_model.load("/tmp/serving/dcgan_mnist")            # doctest: +SKIP
    >>> m(tf.random.normal((4, 100))).shape                            # doctest: +SKIP
    TensorShape([4, 28, 28, 1])
    """
    from keras_gans.utils.io import check_target

    directory = check_target(directory, overwrite, "folder")
    folder = preset.resolve(name_or_path_or_url)
    metadata = preset.read_metadata(folder)
    task = metadata["task"]
    if metadata["contents"] == "gan":  # the model's own export (its endpoints fit its kind)
        preset.load(folder, part="gan").export(directory, verbose=False, overwrite=overwrite)
    elif task == "noise_to_image":
        from keras_gans.export import export_generator

        export_generator(_GeneratorOnly(preset.load(folder), metadata), directory, verbose=False, overwrite=overwrite)
    else:
        _export_image_model(preset.load(folder), directory, task, overwrite)
    if verbose:
        print(f"Exported {metadata['name']} ({task}) to {directory}.")
    return directory


def _export_image_model(model, directory, task, overwrite=False):
    """`serve(images) -> {"images" or "probabilities"}` and `__call__(images)`, through `keras_gans.export`."""
    from keras_gans.export import export_image_to_image

    key = "probabilities" if task == "image_to_label" else "images"
    return export_image_to_image(model, {"serve": model}, directory, verbose=False, output_key=key,
                                 overwrite=overwrite)
