"""Neural style transfer in one call (Gatys, Ecker & Bethge, 2015).

>>> import keras_gans as kg
>>> image = kg.style.transfer("paris.jpg", "starry_night.jpg", steps=1000, output="paris_starry.png")

The model behind it is :class:`keras_gans.models.StyleTransfer`; the same thing from a shell is
`keras-gans style paris.jpg starry_night.jpg -o paris_starry.png --steps 1000`.
"""
# Re-exported helpers, from their homes.
from keras_gans.losses.style import content_loss, gram_matrix, style_loss, total_variation_loss  # noqa: F401
from keras_gans.models.style_transfer import StyleTransfer
from keras_gans.networks.vgg import (  # noqa: F401
    CONTENT_LAYER,
    IMAGENET_BGR_MEAN,
    STYLE_LAYERS,
    VGG19_WEIGHTS_FILE,
    WeightsUnavailableError,
    deprocess,
    load_vgg19,
    preprocess,
    vgg19_weights_path,
)
from keras_gans.utils.images import load_image, save_image  # noqa: F401
from keras_gans.utils.io import check_target

#: Steps of `transfer()` and of `keras-gans style` when none are given. The lecture runs 4,000
#: (about 45 min at 400 px on a quiet 2-core CPU); its log shows the loss still moving fast at
#: step 200 (11024 → 8519 from step 100) but only 0.13% over its last 100 steps (5199.8 → 5193.1).
#: 1,000 steps take about 11 min; the loss at 1,000 with ImageNet weights is unmeasured here.
DEFAULT_STEPS = 1000


def transfer(content, style, steps=DEFAULT_STEPS, output=None, optimizer="sgd", snapshot_dir=None,
             snapshot_every=100, log_every=100, verbose="auto", callbacks=None, overwrite=False, **kwargs):
    """Renders `content` in the style of `style`; returns the result as uint8 RGB `(H, W, 3)`.

    Args:
        content, style: image paths, PIL images or arrays (grey, RGBA and 16-bit are converted).
        steps: optimisation steps (the lecture uses 4,000; default :data:`DEFAULT_STEPS`).
        output: if given, the result is also written there (PNG/JPEG by suffix, atomically; a
            missing folder is created). An existing file is refused before any work unless `overwrite=True`.
        optimizer: `"sgd"` (the lecture's schedule), `"adam"`, or a `keras.optimizers.Optimizer`.
        snapshot_dir: if given, the image is saved there every `snapshot_every` steps.
        log_every: steps per line of the progress log (one Keras epoch).
        verbose: Keras `fit` verbosity.
        callbacks: more Keras callbacks.
        **kwargs: :class:`~keras_gans.models.StyleTransfer` options (`weights`, `height`,
            `content_weight`, `style_weight`, `tv_weight`, `init`, `seed`, `normalization`, ...).

    Raises:
        WeightsUnavailableError: `weights="imagenet"` offline with no cached file (the message
            says which file to put where).
    """
    if output is not None:
        check_target(output, overwrite)
    if int(steps) < 1:
        raise ValueError(f"steps must be at least 1; got {steps}.")
    model = StyleTransfer(content, style, **kwargs)
    model.compile(optimizer=optimizer)
    callbacks = list(callbacks or [])
    if snapshot_dir is not None:
        from keras_gans.callbacks.snapshot import ImageSnapshot

        callbacks.append(ImageSnapshot(snapshot_dir, every=snapshot_every))
    model.run(steps, callbacks=callbacks, log_every=log_every, verbose=verbose)
    image = model.generated_image()
    if output is not None:
        save_image(image, output)
    return image
