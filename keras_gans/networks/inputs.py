"""What a network takes: the size of its latent input, and whether it takes one tensor or several.

The models read these to infer `latent_dim` and the discriminator's image shape; the latent tools
(:func:`keras_gans.latent.as_generator`) to wrap a bare generator.

>>> import keras
>>> g = keras.Sequential([keras.Input((16,)), keras.layers.Dense(4)])
>>> latent_size(g), single_input(g)
(16, True)
"""
from keras_gans.utils import checks


def latent_input(latent_dim, name="z"):
    """`keras.Input((latent_dim,))`, the first layer of every generator here, after checking `latent_dim` ≥ 1."""
    import keras

    return keras.Input((checks.positive_int(latent_dim, "latent_dim", fix="Pass the size of z, e.g. 100."),),
                       name=name)


def latent_size(generator):
    """The size of z that `generator` takes (its first input); None when it takes images or is not built.

    >>> import keras
    >>> latent_size(keras.Sequential([keras.Input((16,)), keras.layers.Dense(4)]))
    16
    >>> latent_size(keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(3, 1)])) is None
    True
    """
    try:
        shape = generator.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list):
        shape = shape[0]
    if not shape or len(shape) == 4:  # images in: an image-to-image model, no latent space
        return None
    return int(shape[-1]) if shape[-1] is not None else None


def single_input(model):
    """Whether `model` takes one input tensor (False for `[images, labels]` and for unbuilt models)."""
    try:
        return not isinstance(model.input_shape, list)
    except (AttributeError, ValueError):
        return False
