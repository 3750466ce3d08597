"""PatchGAN discriminators (Isola et al. 2017; Zhu et al. 2017; GANs in Action ch. 9).

A fully convolutional discriminator that outputs a grid of logits, one per overlapping image
patch, instead of one per image: it judges local texture and style and works at any resolution.
The outputs are raw (no sigmoid) — the least-squares or BCE losses in :mod:`keras_gans.losses`
take them as they are, averaging over the grid.
"""
import keras
from keras import layers

from keras_gans.networks.unet import check_image_shape, normalization


def patchgan_discriminator(image_shape=(256, 256, 3), filters=64, num_downsampling=3, stride1_block=True,
                           norm="instance", condition_channels=None, max_filters_multiplier=8,
                           minibatch_std=0, name="patchgan_discriminator"):
    """A PatchGAN discriminator.

    Blocks of Conv2D(4) → norm → LeakyReLU(0.2) (no norm on the first), filters f, 2f, 4f, …:
    `num_downsampling` blocks of stride 2, then (if `stride1_block`) one stride-1 block, then a
    stride-1 Conv2D(1, 4) giving the patch logits.

    - Paper (CycleGAN and pix2pix "70×70 PatchGAN"): `num_downsampling=3, stride1_block=True`
      → 256 px gives 30×30 logits (here with "same" padding: 32×32).
    - Book (GANs in Action ch. 9, `df` = 64): `num_downsampling=4, stride1_block=False`
      → 128 px gives 8×8 logits.

    Args:
        image_shape: (height, width, channels) of the judged images.
        filters: filters of the first block (64 in the paper and the book).
        norm: "instance" (CycleGAN, book), "batch" (pix2pix) or "none".
        condition_channels: if given, the discriminator is conditional (pix2pix): it takes
            `[condition, image]` — the input image and a real or translated output — and judges
            their concatenation along channels.
        minibatch_std: group size of a :class:`keras_gans.layers.MinibatchStdDev` feature added before
            the logits (Karras et al. 2018), which lets the discriminator see how varied a batch is and
            so penalise a generator that drops modes; 0 (default, the papers' PatchGAN) adds none.

    >>> d = patchgan_discriminator((32, 32, 3), filters=8, num_downsampling=2)
    >>> d.output_shape
    (None, 8, 8, 1)
    """
    h, w, c = check_image_shape(image_shape, 2 ** num_downsampling, 2 ** num_downsampling, "patchgan_discriminator")
    image = keras.Input((h, w, c), name="images")
    if condition_channels:
        condition = keras.Input((h, w, int(condition_channels)), name="condition")
        inputs = [condition, image]
        x = layers.Concatenate(name="pair")([condition, image])
    else:
        inputs = image
        x = image
    f = filters
    for i in range(num_downsampling):
        f = filters * min(2 ** i, max_filters_multiplier)
        x = layers.Conv2D(f, 4, strides=2, padding="same", use_bias=i == 0 or norm == "none",
                          name=f"block{i + 1}_conv")(x)
        if i > 0:
            x = normalization(norm, name=f"block{i + 1}_norm")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"block{i + 1}_lrelu")(x)
    if stride1_block:
        f = filters * min(2 ** num_downsampling, max_filters_multiplier)
        x = layers.Conv2D(f, 4, padding="same", use_bias=norm == "none", name="stride1_conv")(x)
        x = normalization(norm, name="stride1_norm")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name="stride1_lrelu")(x)
    if minibatch_std:
        from keras_gans.layers import MinibatchStdDev

        x = MinibatchStdDev(group_size=int(minibatch_std), name="minibatch_std")(x)
    outputs = layers.Conv2D(1, 4, padding="same", name="patch_logits")(x)
    return keras.Model(inputs, outputs, name=name)
