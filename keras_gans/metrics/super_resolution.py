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

__all__ = ["psnr", "evaluate_super_resolution", "upscaling_factor", "DIGIT_JUDGES"]

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


def evaluate_super_resolution(model, name="mnist-m", split="test", scale=None, judge="auto", batch_size=250,
                              crop_size=None, num_crops=None):
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
        crop_size, num_crops: for `"photos"`: the high-resolution crop size (default: the model's input size
            times `scale` when the model says it, else 96) and count (default: the 200 test crops).

    Raises:
        ValueError: the model takes low-resolution images of another shape than `name`'s downscalings
            (e.g. a model of 8×8×3 MNIST-M inputs given mnist-5k's 7×7×1), naming both and the fix.

    Returns:
        `{"psnr", "psnr_bicubic", "psnr_gain"}` in dB, with `"accuracy"` and `"accuracy_bicubic"` (the
        judge's top-1 agreement with the labels on each upscaling) when there is a judge, and `"protocol"`.
    """
    from keras_gans.data.super_resolution import super_resolution_arrays
    from keras_gans.metrics.extractors import get_extractor

    expected = _lowres_shape(model)
    scale = int(scale or getattr(model, "scale", 0) or upscaling_factor(model) or 4)
    if name == "photos" and crop_size is None and expected is not None and expected[0] is not None:
        crop_size = int(expected[0]) * scale
    low, high, labels = super_resolution_arrays(name, scale=scale, split=split, crop_size=crop_size,
                                                num_crops=num_crops)
    if expected is not None and any(e is not None and e != g for e, g in zip(expected, low.shape[1:])):
        want = "×".join("?" if d is None else str(d) for d in expected)
        raise ValueError(
            f"The model upscales low-resolution images of {want}, but {name!r} split={split!r} downscaled by "
            f"{scale} gives {'×'.join(str(d) for d in low.shape[1:])} ({'×'.join(str(d) for d in high.shape[1:])} "
            "images). Score it on a dataset of its training size and channels (e.g. 'mnist-m' for 8×8×3 inputs at "
            "×4) or pass the model's scale."
        )
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
    size = "×".join(str(d) for d in high.shape[1:])
    protocol = {"images": f"{name} split={split!r} ({len(high)} images, {size})", "n_images": int(len(high)),
                "lowres": f"{low.shape[1]}×{low.shape[2]} inputs: bicubic downscaling by {scale} with antialiasing "
                          "(tf.image.resize), not re-quantised",
                "bicubic": "baseline: bicubic upscaling of the same inputs (tf.image.resize, no antialiasing, clipped "
                           "to [-1, 1])",
                "psnr": "mean per-image PSNR in dB, all channels, no border crop, images in [-1, 1] (MAX 2)"}
    judge = DIGIT_JUDGES.get(name) if judge == "auto" else judge
    if judge is not None and labels is not None:
        ext = get_extractor(judge)
        for key, images in (("accuracy", fake), ("accuracy_bicubic", bicubic)):
            probs = np.asarray(ext.probabilities(images, batch_size))
            out[key] = float((probs.argmax(-1) == np.asarray(labels)).mean())
        sha = ext.protocol.get("weights_sha256")
        protocol.update(judge=ext.name, judge_weights_sha256=sha)
        protocol["accuracy"] = (f"top-1 agreement of the shipped {ext.name} classifier"
                                + (f" (weights_sha256={sha})" if sha else "") + " with the labels")
    out["protocol"] = protocol
    return out


def _lowres_shape(model):
    """(h, w, c) of the low-resolution images `model` takes (its generator's input), or None when it does not say."""
    network = getattr(model, "generator", model)
    shape = getattr(network, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) == 4:
        return tuple(None if d is None else int(d) for d in shape[1:])
    return None


def upscaling_factor(model):
    """The integer k ≥ 2 by which `model` (a `keras.Model`, or a GAN through its `generator`) enlarges images:
    its one input is (h, w, c) and its output (k·h, k·w, c'); None for anything else (a same-size translator,
    a noise-to-image generator, a classifier, a model of unknown sizes).

    >>> import keras
    >>> x = keras.Input((8, 8, 3))
    >>> upscaling_factor(keras.Model(x, keras.layers.UpSampling2D(4)(x)))
    4
    """
    network = getattr(model, "generator", model)
    try:
        in_shape, out_shape = network.input_shape, network.output_shape
    except (AttributeError, ValueError):
        return None
    if not (isinstance(in_shape, tuple) and isinstance(out_shape, tuple) and len(in_shape) == len(out_shape) == 4):
        return None
    (h, w), (big_h, big_w) = in_shape[1:3], out_shape[1:3]
    if None in (h, w, big_h, big_w) or big_h % h or big_w % w or big_h // h != big_w // w or big_h // h < 2:
        return None
    return int(big_h // h)
