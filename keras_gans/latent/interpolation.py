"""Walks through latent space: lerp, slerp, paths between two z and image strips along them.

GANs in Action ch. 11 ("latent neighbourhoods") and the lecture slides §8; slerp follows White
(2016), "Sampling generative networks": Gaussian z of high dimension concentrate on a sphere,
so walk along great circles rather than straight lines.

>>> import numpy as np
>>> from keras_gans.latent import interpolate
>>> a, b = np.random.default_rng(0).standard_normal((2, 100))
>>> interpolate(a, b, steps=8).shape                  # (8, 100) on a great circle
(8, 100)
"""
import numpy as np

from keras_gans.latent.generators import as_generator

_EPS = 1e-7


def lerp(z0, z1, t):
    """Linear interpolation `(1 - t) z0 + t z1`.

    Args:
        z0, z1: latent vectors of the same shape (numpy or lists).
        t: a scalar in [0, 1], or a 1-D array of them (then the result gains a leading axis).
    """
    z0, z1 = np.asarray(z0, "float32"), np.asarray(z1, "float32")
    t = np.asarray(t, "float32")
    if t.ndim == 0:
        return ((1.0 - t) * z0 + t * z1).astype("float32")
    t = t.reshape((-1,) + (1,) * z0.ndim)
    return ((1.0 - t) * z0[None] + t * z1[None]).astype("float32")


def slerp(z0, z1, t):
    """Spherical linear interpolation (Shoemake, 1985; White, 2016) between two latent vectors.

    The path follows the great circle between the directions of `z0` and `z1`, with the norm
    interpolated linearly; so when `|z0| = |z1|` every point on the path has that norm, as
    Gaussian z of high dimension almost all do (lerp's midpoints are shorter, about
    `|z| / sqrt(2)` for orthogonal vectors: samples the generator rarely saw).
    Nearly parallel vectors fall back to :func:`lerp`.

    Args:
        z0, z1: 1-D latent vectors (or batches `(n, d)`, interpolated row by row).
        t: scalar or 1-D array of positions in [0, 1].

    >>> import numpy as np
    >>> a, b = np.random.default_rng(0).standard_normal((2, 100))
    >>> b = b / np.linalg.norm(b) * np.linalg.norm(a)
    >>> path = slerp(a, b, np.linspace(0, 1, 5))
    >>> np.allclose(np.linalg.norm(path, axis=-1), np.linalg.norm(a), rtol=1e-4)
    True
    """
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same shape; got {z0.shape} and {z1.shape}.")
    t_arr = np.asarray(t, "float64")
    scalar = t_arr.ndim == 0
    t_arr = t_arr.reshape(-1)
    n0 = np.linalg.norm(z0, axis=-1, keepdims=True)
    n1 = np.linalg.norm(z1, axis=-1, keepdims=True)
    u0, u1 = z0 / np.maximum(n0, _EPS), z1 / np.maximum(n1, _EPS)
    cos = np.clip(np.sum(u0 * u1, axis=-1, keepdims=True), -1.0, 1.0)
    omega = np.arccos(cos)
    sin = np.sin(omega)
    out = []
    for ti in t_arr:
        norm = (1.0 - ti) * n0 + ti * n1
        safe = sin > 1e-6
        w0 = np.where(safe, np.sin((1.0 - ti) * omega) / np.where(safe, sin, 1.0), 1.0 - ti)
        w1 = np.where(safe, np.sin(ti * omega) / np.where(safe, sin, 1.0), ti)
        direction = w0 * u0 + w1 * u1
        direction = direction / np.maximum(np.linalg.norm(direction, axis=-1, keepdims=True), _EPS)
        out.append(direction * norm)
    out = np.stack(out).astype("float32")
    return out[0] if scalar else out


def interpolate(z0, z1, steps=8, method="slerp"):
    """`steps` latent vectors from `z0` to `z1` inclusive (the endpoints are the inputs).

    Args:
        z0, z1: latent vectors of shape (latent_dim,).
        steps: number of points (≥ 2).
        method: `"slerp"` (default, the great circle) or `"lerp"` (the straight line).

    Returns:
        float32 array `(steps, latent_dim)`.
    """
    if int(steps) < 2:
        raise ValueError(f"steps must be at least 2 (the two endpoints); got {steps}.")
    t = np.linspace(0.0, 1.0, int(steps))
    if method == "slerp":
        path = slerp(z0, z1, t)
    elif method == "lerp":
        path = lerp(z0, z1, t)
    else:
        raise ValueError(f"method must be 'slerp' or 'lerp'; got {method!r}.")
    path[0], path[-1] = np.asarray(z0, "float32"), np.asarray(z1, "float32")
    return path


def _keyframe_path(keyframes, steps, method):
    keyframes = np.asarray(keyframes, "float32")
    if keyframes.ndim != 2 or len(keyframes) < 2:
        raise ValueError(f"keyframes must be an array (k >= 2, latent_dim); got shape {keyframes.shape}.")
    segments = [interpolate(a, b, steps, method)[:-1] for a, b in zip(keyframes[:-1], keyframes[1:])]
    return np.concatenate(segments + [keyframes[-1:]], axis=0)


def interpolation_strip(model, z0, z1, steps=8, method="slerp", labels=None, path=None, domain="a"):
    """Images along the path from `z0` to `z1`: one row, saved as a PNG when `path` is given.

    Args:
        model: any generator (see :func:`as_generator`).
        z0, z1: endpoint latent vectors.
        steps: images in the strip.
        method: `"slerp"` or `"lerp"`.
        labels: class label(s) for conditional generators (one int for the whole strip,
            or one per step: e.g. `[3] * 4 + [8] * 4`).
        path: optional output file (`.png`); written atomically.

    Returns:
        the images, float32 `(steps, H, W, C)` in the generator's range ([-1, 1] here).
    """
    gen = as_generator(model, domain=domain)
    images = gen.numpy(interpolate(z0, z1, steps, method), labels)
    if path is not None:
        from keras_gans.utils.images import make_grid, save_image

        save_image(make_grid(images, rows=1), path)
    return images
