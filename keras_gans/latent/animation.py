"""Animated walks through latent space, written as GIFs.

>>> import os, tempfile
>>> import keras_gans as kg
>>> gan = kg.models.DCGAN(latent_dim=32, seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "walk.gif")
>>> frames = kg.latent.interpolation_gif(gan, gan.latent(3, seed=0), path, steps=4)
>>> frames.shape                  # 3 segments (the last back to the start) of 3 frames
(9, 28, 28, 1)
"""
import numpy as np

from keras_gans.latent.generators import as_generator
from keras_gans.latent.interpolation import _keyframe_path


def interpolation_gif(model, keyframes, path, steps=16, method="slerp", labels=None, duration=80, loop=True,
                      scale=1, domain="a"):
    """Writes an animated GIF walking through latent space from keyframe to keyframe.

    Args:
        model: any generator (see :func:`as_generator`).
        keyframes: latent vectors `(k, latent_dim)`, k ≥ 2, visited in order.
        path: output `.gif` file.
        steps: frames per segment (between two keyframes).
        method: `"slerp"` or `"lerp"`.
        labels: class label(s) for conditional generators (one int, or one per frame).
        duration: milliseconds per frame.
        loop: when True the walk returns to the first keyframe and the GIF loops forever.
        scale: integer upscaling of each frame (nearest neighbour), e.g. 4 for 28×28 digits.

    Returns:
        the frames, uint8 `(frames, H, W, C)`.
    """
    from PIL import Image

    from keras_gans.utils.images import to_uint8
    from keras_gans.utils.io import atomic_path

    keyframes = np.asarray(keyframes, "float32")
    if loop:
        keyframes = np.concatenate([keyframes, keyframes[:1]], axis=0)
    z = _keyframe_path(keyframes, steps, method)
    if loop:
        z = z[:-1]
    gen = as_generator(model, domain=domain)
    frames = to_uint8(gen.numpy(z, labels))
    pil = []
    for frame in frames:
        img = frame[..., 0] if frame.shape[-1] == 1 else frame
        img = Image.fromarray(img)
        if scale > 1:
            img = img.resize((img.width * int(scale), img.height * int(scale)), Image.NEAREST)
        pil.append(img)
    with atomic_path(path) as tmp:
        pil[0].save(tmp, format="GIF", save_all=True, append_images=pil[1:], duration=int(duration),
                    loop=0 if loop else 1)
    return frames
