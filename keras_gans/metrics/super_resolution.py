"""Super-resolution scores: PSNR, and a model against the bicubic baseline on held-out images.

PSNR (peak signal-to-noise ratio) of an image x̂ against its reference x is
`10 · log10(MAX² / MSE(x, x̂))` dB, with MAX the range of the pixel values (2 for images in [-1, 1],
which gives the same number as [0, 1] images with MAX 1, or uint8 with MAX 255 up to rounding).
As in SR papers the score of a set is the mean of the per-image PSNRs. Unlike Ledig et al. we
score all RGB channels and do not crop a border (their numbers are on the luma channel, with a
4-pixel border removed): compare numbers with numbers from this protocol only.

>>> import numpy as np
>>> x = np.zeros((1, 4, 4, 3), "float32")
>>> round(psnr(x, x + 0.02), 2)              # MSE 4e-4, MAX 2: 10·log10(4 / 4e-4) = 40 dB
40.0
"""
import numpy as np
import tensorflow as tf

from keras_gans.utils.resize import as_float_images, bicubic_upscale

__all__ = ["psnr", "evaluate_super_resolution", "DIGIT_JUDGES"]

#: The shipped classifier that reads the digits of a dataset's upscaled images ("accuracy").
DIGIT_JUDGES = {"mnist-m": "mnistm", "mnist-32": "mnist", "mnist-5k": "mnist"}


def psnr(reference, images, max_val=None):
    """Mean PSNR in dB of `images` against `reference` (same shape (N, H, W, C) or (H, W, C)).

    Args:
        reference, images: uint8 pixels, or floats in [-1, 1].
        max_val: the range of the values (default: 255 for uint8 inputs, 2 for floats in [-1, 1]).

    Identical images give `inf`.
    """
    reference, images = np.asarray(reference), np.asarray(images)
    if reference.shape != images.shape:
        raise ValueError(f"psnr needs images of one shape; got {reference.shape} and {images.shape}.")
    if max_val is None:
        max_val = 255.0 if reference.dtype == np.uint8 and images.dtype == np.uint8 else 2.0
    ref, img = reference.astype("float64"), images.astype("float64")
    if ref.ndim == 3:
        ref, img = ref[None], img[None]
    if max_val == 2.0 and (min(ref.min(), img.min()) < -1.001 or max(ref.max(), img.max()) > 1.001):
        raise ValueError("Float images for psnr must lie in [-1, 1] (or pass max_val, or uint8 pixels).")
    mse = np.mean((ref - img) ** 2, axis=(1, 2, 3))
    with np.errstate(divide="ignore"):
        return float(np.mean(10.0 * np.log10(max_val ** 2 / mse)))


def evaluate_super_resolution(model, name="mnist-m", split="test", scale=None, judge="auto", batch_size=250):
    """A super-resolution model's PSNR (and, on digits, digit accuracy) against bicubic upscaling.

    The high-resolution images of `name`/`split` are downscaled (bicubic, antialiased: see
    :mod:`keras_gans.data.super_resolution`), upscaled back by the model and by bicubic interpolation,
    and both are compared with the originals.

    Args:
        model: an :class:`~keras_gans.models.SRGAN` (anything with `upscale(images)`), a `keras.Model`
            or a callable low-res → high-res on images in [-1, 1].
        name, split: the images (default: the 500 held-out MNIST-M test digits, 32×32 → 8×8 at ×4).
        scale: the factor (default: the model's `scale`).
        judge: the classifier that reads the digits (`"auto"`: the shipped MNIST-M classifier on
            `"mnist-m"`, the MNIST one on `"mnist-5k"` / `"mnist-32"`; None: no accuracy).

    Returns:
        `{"psnr", "psnr_bicubic", "psnr_gain"}` in dB, with `"accuracy"` and `"accuracy_bicubic"` (the
        judge's top-1 agreement with the labels on each upscaling) when there is a judge, and `"protocol"`.
    """
    from keras_gans.data.super_resolution import super_resolution_arrays
    from keras_gans.metrics.extractors import get_extractor

    scale = int(scale or getattr(model, "scale", 0) or 4)
    low, high, labels = super_resolution_arrays(name, scale=scale, split=split)
    if hasattr(model, "upscale"):
        fake = model.upscale(low, batch_size=batch_size)
    elif hasattr(model, "predict"):
        fake = model.predict(low, batch_size=batch_size, verbose=0)
    elif callable(model):
        fake = model(low)
    else:
        raise ValueError(f"Cannot upscale with {type(model).__name__}: pass a model with upscale(), a keras.Model or "
                         "a callable.")
    fake = as_float_images(tf.convert_to_tensor(fake).numpy() if tf.is_tensor(fake) else fake)
    if fake.shape != high.shape:
        raise ValueError(f"The model returned images of shape {fake.shape[1:]} for {high.shape[1:]} high-res images.")
    bicubic = bicubic_upscale(low, scale)
    out = {"psnr": psnr(high, fake), "psnr_bicubic": psnr(high, bicubic)}
    out["psnr_gain"] = out["psnr"] - out["psnr_bicubic"]
    protocol = {"images": f"{name} split={split!r} ({len(high)} images, {high.shape[1]}×{high.shape[2]})",
                "lowres": f"bicubic downscaling by {scale} with antialiasing (tf.image.resize), not re-quantised",
                "psnr": "mean per-image PSNR in dB, all channels, no border crop, images in [-1, 1] (MAX 2)"}
    judge = DIGIT_JUDGES.get(name) if judge == "auto" else judge
    if judge is not None and labels is not None:
        ext = get_extractor(judge)
        for key, images in (("accuracy", fake), ("accuracy_bicubic", bicubic)):
            probs = np.asarray(ext.probabilities(images, batch_size))
            out[key] = float((probs.argmax(-1) == np.asarray(labels)).mean())
        protocol["accuracy"] = f"top-1 agreement of the shipped {ext.name} classifier with the labels"
    out["protocol"] = protocol
    return out
