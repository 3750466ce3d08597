"""Latent-space tools: interpolation, truncation, vector arithmetic, inversion and editing.

Everything here works with any generator of the package: a trained GAN model
(`DCGAN`, `WGAN`, `CGAN`, `ProGAN`, `CoGAN`, ...), the bare generator `keras.Model`
(`kg.zoo.load("dcgan_mnist")`), or any callable mapping z to images (a TF Hub layer).
Conditional generators (CGAN) take `labels=`; CoGAN takes `domain=`.

- Interpolation (GANs in Action ch. 11 "latent neighbourhoods"; lecture slides §8):
  :func:`lerp`, :func:`slerp` (White, 2016, "Sampling generative networks": walk along great
  circles because Gaussian z concentrate on a sphere), :func:`interpolate`,
  :func:`interpolation_strip` (a PNG row), :func:`interpolation_gif` (an animated walk).
- Truncation trick (Brock et al., 2019, BigGAN; GANs in Action ch. 12): :func:`truncated_latent`
  resamples large components; :func:`truncate` shrinks z towards the mean (Karras et al., 2019, ψ).
- Vector arithmetic on concept means (Radford et al., 2016, DCGAN §6.3): :func:`concept_vector`,
  :func:`vector_arithmetic`, and :func:`collect_latents` to gather z whose samples a classifier
  assigns to a concept.
- GAN inversion (Zhu et al., 2016; Kang et al., 2017, GANs in Action ch. 11): :func:`invert`
  optimises z so that G(z) reconstructs given images.
- Classifier-guided editing (lecture slides §8; Kang et al.'s preference maximisation):
  :func:`edit` takes gradient steps on z only (G and the classifier stay frozen) to raise
  a classifier's score.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN()
>>> z = gan.latent(2, seed=0)
>>> path = kg.latent.interpolate(z[0], z[1], steps=8)          # (8, 100) on a great circle
>>> strip = kg.latent.interpolation_strip(gan, z[0], z[1], steps=8, path="walk.png")
>>> inv = kg.latent.invert(gan, real_images, steps=200)         # inv.z, inv.images, inv.losses
>>> ed = kg.latent.edit(gan, kg.metrics.mnist_classifier(), z, target=8, steps=50)
"""
import dataclasses

import numpy as np
import keras
import tensorflow as tf
from keras import ops

__all__ = [
    "LatentGenerator", "as_generator", "lerp", "slerp", "interpolate", "interpolation_strip",
    "interpolation_gif", "truncated_latent", "truncate", "concept_vector", "vector_arithmetic",
    "collect_latents", "invert", "Inversion", "edit", "Edit",
]

_EPS = 1e-7


# ---------------------------------------------------------------------------- generators
class LatentGenerator:
    """A uniform view of any generator: `gen(z, labels=None)` → image tensor.

    Built by :func:`as_generator`; you rarely make one yourself.

    Attributes:
        latent_dim: size of z.
        conditional: True when the generator also takes integer labels.
        num_classes: for conditional generators, the number of classes (when known).
    """

    def __init__(self, fn, latent_dim, conditional=False, num_classes=None):
        self.fn = fn
        self.latent_dim = int(latent_dim)
        self.conditional = bool(conditional)
        self.num_classes = num_classes

    def labels_for(self, labels, n):
        """Labels as an int32 tensor of length `n` (a scalar is repeated); None if unconditional."""
        if not self.conditional:
            if labels is not None:
                raise ValueError("This generator is unconditional: it takes no labels. Drop `labels=`.")
            return None
        if labels is None:
            raise ValueError("This generator is conditional: pass `labels=` (one int class, or one per latent vector).")
        arr = np.asarray(labels)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"labels must be integer class indices; got dtype {arr.dtype}.")
        arr = arr.reshape(-1)
        if arr.size == 1:
            arr = np.repeat(arr, n)
        if len(arr) != n:
            raise ValueError(f"Got {len(arr)} labels for {n} latent vectors; pass one label, or one per vector.")
        if self.num_classes is not None and (arr.min() < 0 or arr.max() >= self.num_classes):
            raise ValueError(f"labels must lie in [0, {self.num_classes}); got {arr.min()}..{arr.max()}.")
        return tf.constant(arr.astype("int32"))

    def __call__(self, z, labels=None):
        """Images G(z) (or G(z, labels)) as a tensor, generator in inference mode; differentiable in z."""
        if self.conditional:
            return self.fn(z, labels)
        return self.fn(z, None)

    def numpy(self, z, labels=None, batch_size=256):
        """Images for numpy `z` as a numpy array, in batches."""
        z = _as_2d(z, self.latent_dim)
        lab = self.labels_for(labels, len(z))
        out = []
        for i in range(0, len(z), batch_size):
            chunk_labels = None if lab is None else lab[i:i + batch_size]
            out.append(ops.convert_to_numpy(self(tf.constant(z[i:i + batch_size]), chunk_labels)))
        return np.concatenate(out, axis=0)


def as_generator(model, latent_dim=None, domain="a"):
    """Wraps a GAN model, a generator `keras.Model` or a callable as a :class:`LatentGenerator`.

    Args:
        model: a package GAN (uses its `.generator`; CoGAN uses `generator_a`/`generator_b`;
            a :class:`~keras_gans.models.VAE` its decoder),
            a `keras.Model` taking `z` or `[z, labels]`, a :class:`LatentGenerator`, or any
            callable `f(z) -> images`.
        latent_dim: size of z; inferred from the model when possible.
        domain: for CoGAN, `"a"` or `"b"`: which of the coupled generators to use.
    """
    if isinstance(model, LatentGenerator):
        return model
    num_classes = getattr(model, "num_classes", None)
    if hasattr(model, "generator_a") and hasattr(model, "generator_b"):  # CoGAN
        if domain not in ("a", "b"):
            raise ValueError(f"domain must be 'a' or 'b' for a coupled GAN; got {domain!r}.")
        net = model.generator_a if domain == "a" else model.generator_b
        return LatentGenerator(lambda z, y: net(z, training=False), latent_dim or model.latent_dim)
    if isinstance(model, keras.Model) and hasattr(model, "encoder") and hasattr(model, "decoder"):  # VAE
        decoder = model.decoder  # pixels in [0, 1]: mapped to the package's [-1, 1]
        return LatentGenerator(lambda z, y: decoder(z, training=False) * 2.0 - 1.0, latent_dim or model.latent_dim)
    if isinstance(model, keras.Model) and hasattr(model, "generator") and hasattr(model, "discriminator"):
        latent_dim = latent_dim or getattr(model, "latent_dim", None)
        net = model.generator
    else:
        net = model
    n_inputs = _num_inputs(net)
    if latent_dim is None:
        latent_dim = _infer_latent_dim(net)
    if latent_dim is None:
        raise ValueError("Cannot infer the latent size of this generator; pass latent_dim=.")
    if n_inputs == 2:
        if num_classes is None:
            num_classes = _infer_num_classes(net)

        def fn(z, labels):
            return net([z, labels], training=False)

        return LatentGenerator(fn, latent_dim, conditional=True, num_classes=num_classes)
    if n_inputs not in (None, 1):
        raise ValueError(f"The generator takes {n_inputs} inputs; expected z, or [z, labels].")
    if isinstance(net, keras.Model):
        return LatentGenerator(lambda z, y: net(z, training=False), latent_dim)
    return LatentGenerator(lambda z, y: net(z), latent_dim)


def _num_inputs(net):
    inputs = getattr(net, "inputs", None)
    if isinstance(inputs, (list, tuple)):
        return len(inputs)
    return None


def _infer_latent_dim(net):
    try:
        shape = net.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list):
        shape = shape[0]
    return int(shape[-1]) if shape and shape[-1] is not None else None


def _infer_num_classes(net):
    for layer in getattr(net, "layers", []):
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
    return None


def _as_2d(z, latent_dim=None):
    z = np.asarray(z, dtype="float32")
    if z.ndim == 1:
        z = z[None]
    if z.ndim != 2 or (latent_dim is not None and z.shape[1] != latent_dim):
        want = f"(n, {latent_dim})" if latent_dim is not None else "(n, latent_dim)"
        raise ValueError(f"z must have shape {want}; got {z.shape}.")
    return z


# ---------------------------------------------------------------------------- interpolation
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


# ---------------------------------------------------------------------------- truncation
def truncated_latent(n, latent_dim, threshold=1.0, seed=None):
    """z ~ N(0, I) with every component resampled until `|z_i| <= threshold` (BigGAN's truncation trick).

    Smaller thresholds trade variety for fidelity (Brock et al., 2019; GANs in Action ch. 12).

    >>> z = truncated_latent(1000, 100, threshold=0.5, seed=0)
    >>> float(abs(z).max()) <= 0.5
    True
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be positive; got {threshold}.")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((int(n), int(latent_dim)))
    bad = np.abs(z) > threshold
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > threshold
    return z.astype("float32")


def truncate(z, psi=0.7, mean=None):
    """Moves latent vectors towards the mean: `mean + psi (z - mean)` (the ψ-truncation of StyleGAN).

    Args:
        z: latent vectors `(n, latent_dim)`.
        psi: 1 leaves z unchanged, 0 maps every z to the mean (the "average" sample).
        mean: the centre; the prior's mean (zeros) by default.
    """
    z = np.asarray(z, "float32")
    centre = np.zeros(z.shape[-1], "float32") if mean is None else np.asarray(mean, "float32")
    return (centre + float(psi) * (z - centre)).astype("float32")


# ---------------------------------------------------------------------------- vector arithmetic
def concept_vector(z_with, z_without):
    """Direction from one concept to another: `mean(z_with) - mean(z_without)`.

    Averaging a few latent vectors per concept (the DCGAN paper used three) cancels what the
    samples do not share; adding the difference to another z adds the concept.
    """
    return (np.mean(np.asarray(z_with, "float32"), axis=0) -
            np.mean(np.asarray(z_without, "float32"), axis=0)).astype("float32")


def vector_arithmetic(a, b, c):
    """`mean(a) - mean(b) + mean(c)`: the DCGAN paper's "smiling woman − neutral woman + neutral man".

    Each argument is a set of latent vectors `(k, latent_dim)` (or one vector). Returns one vector.
    """
    means = [np.mean(np.atleast_2d(np.asarray(v, "float32")), axis=0) for v in (a, b, c)]
    return (means[0] - means[1] + means[2]).astype("float32")


def collect_latents(model, classifier, target, n=1000, top_k=None, labels=None, seed=None, batch_size=256,
                    preprocess=None, domain="a"):
    """Latent vectors whose samples a classifier assigns to class `target`, best first.

    Samples `n` z, scores `G(z)` with `classifier` (softmax probabilities or any per-class
    scores) and returns the z scoring highest for `target`, with their scores. Use the
    result as a concept set for :func:`concept_vector` / :func:`vector_arithmetic`.

    Returns:
        `(z, scores)`: float32 arrays of shape `(k, latent_dim)` and `(k,)`, k = `top_k` or
        the number of samples whose top class is `target`.
    """
    gen = as_generator(model, domain=domain)
    z = np.random.default_rng(seed).standard_normal((int(n), gen.latent_dim)).astype("float32")
    images = gen.numpy(z, labels, batch_size=batch_size)
    x = images if preprocess is None else ops.convert_to_numpy(preprocess(images))
    probs = np.asarray(classifier.predict(x, batch_size=batch_size, verbose=0), "float32")
    scores = probs[:, int(target)]
    order = np.argsort(-scores)
    if top_k is None:
        order = [i for i in order if probs[i].argmax() == int(target)]
    else:
        order = order[:int(top_k)]
    order = np.asarray(order, dtype="int64")
    return z[order], scores[order]


# ---------------------------------------------------------------------------- inversion
@dataclasses.dataclass
class Inversion:
    """Result of :func:`invert`.

    Attributes:
        z: the latent vectors found, `(n, latent_dim)`.
        images: their generated images G(z), numpy.
        losses: mean reconstruction loss at every step (the first entry is before any step).
        errors: final per-image reconstruction error (mean squared pixel error).
    """

    z: np.ndarray
    images: np.ndarray
    losses: list
    errors: np.ndarray


def invert(model, images, labels=None, steps=200, learning_rate=0.05, candidates=16, latent_weight=1e-3,
           loss="mse", seed=0, domain="a", verbose=False):
    """GAN inversion: finds z so that G(z) reconstructs each of `images` (G stays frozen).

    Zhu et al. (2016), "Generative Visual Manipulation on the Natural Image Manifold";
    GANs in Action ch. 11 (Kang et al. 2017 edit real items by first inverting them).
    For each image, `candidates` random z are tried and the closest starts an Adam descent on
    `reconstruction(G(z), x) + latent_weight · mean(z²)` (the second term keeps z where the
    prior has mass, so the result still looks like a sample).

    Args:
        model: any generator (see :func:`as_generator`).
        images: target images `(n, H, W, C)` in the generator's range ([-1, 1]).
        labels: class labels for conditional generators.
        steps: optimisation steps.
        learning_rate: Adam's learning rate on z.
        candidates: random starts per image; the best (lowest loss) is optimised.
        latent_weight: weight of the Gaussian prior penalty.
        loss: `"mse"` or `"mae"` (per pixel).
        seed: seed of the random starts.

    Returns:
        an :class:`Inversion` (`z`, `images`, `losses`, `errors`).

    >>> import keras_gans as kg
    >>> gan = kg.models.DCGAN()
    >>> target = gan.generate(4, seed=1)
    >>> inv = kg.latent.invert(gan, target, steps=50)
    >>> inv.losses[-1] < inv.losses[0]
    True
    """
    if loss not in ("mse", "mae"):
        raise ValueError(f"loss must be 'mse' or 'mae'; got {loss!r}.")
    gen = as_generator(model, domain=domain)
    target = np.asarray(images, "float32")
    n = len(target)
    lab = gen.labels_for(labels, n)
    rng = np.random.default_rng(seed)
    # Best of `candidates` random starts, chosen per image.
    k = max(1, int(candidates))
    starts = rng.standard_normal((k, n, gen.latent_dim)).astype("float32")
    errs = []
    for c in range(k):
        out = ops.convert_to_numpy(gen(tf.constant(starts[c]), lab))
        errs.append(_pixel_error(out, target, loss))
    best = np.argmin(np.stack(errs), axis=0)
    z = tf.Variable(starts[best, np.arange(n)])
    target_t = tf.constant(target)
    optimizer = keras.optimizers.Adam(learning_rate)
    optimizer.build([z])

    def objective():
        fake = gen(z, lab)
        diff = fake - target_t
        per_pixel = ops.square(diff) if loss == "mse" else ops.abs(diff)
        rec = ops.mean(per_pixel)
        return rec, rec + latent_weight * ops.mean(ops.square(z))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            rec, total = objective()
        optimizer.apply([tape.gradient(total, z)], [z])
        return rec

    losses = [float(objective()[0])]
    for i in range(int(steps)):
        rec = float(step())
        losses.append(rec)
        if verbose and (i + 1) % max(1, int(steps) // 10) == 0:
            print(f"invert step {i + 1}/{steps}: reconstruction {rec:.4f}")
    final = ops.convert_to_numpy(gen(z, lab))
    losses[-1] = float(np.mean(_pixel_error(final, target, loss)))
    return Inversion(z=z.numpy(), images=final, losses=losses, errors=_pixel_error(final, target, "mse"))


def _softmax_logits(classifier):
    """For a Keras model ending in `Dense(k, activation="softmax")`, a model returning its logits; else None."""
    if not isinstance(classifier, keras.Model):
        return None
    try:
        last = classifier.layers[-1]
        if not isinstance(last, keras.layers.Dense) or last.activation is not keras.activations.softmax:
            return None
        inner = keras.Model(classifier.inputs, last.input)
    except (AttributeError, ValueError, IndexError):
        return None

    def logits(images, training=False):
        return ops.matmul(inner(images, training=training), last.kernel) + (last.bias if last.use_bias else 0.0)

    return logits


def _pixel_error(a, b, loss):
    diff = np.asarray(a, "float32") - np.asarray(b, "float32")
    per = diff ** 2 if loss == "mse" else np.abs(diff)
    return per.reshape(len(per), -1).mean(axis=1)


# ---------------------------------------------------------------------------- editing
@dataclasses.dataclass
class Edit:
    """Result of :func:`edit`.

    Attributes:
        z: the edited latent vectors `(n, latent_dim)`.
        images: G(z) for the edited z, numpy.
        scores: the classifier's mean score for the target at every step (the first entry is before editing).
        start_scores, end_scores: per-image scores before and after.
    """

    z: np.ndarray
    images: np.ndarray
    scores: list
    start_scores: np.ndarray
    end_scores: np.ndarray


def edit(model, classifier, z, target, steps=50, step_size=0.05, labels=None, preprocess=None, from_logits=False,
         latent_weight=0.0, max_distance=None, domain="a", verbose=False):
    """Classifier-guided editing: gradient ascent on z (only z) to raise a classifier's score.

    Lecture slides §8 (controllable generation with classifier gradients); GANs in Action ch. 11
    (Kang et al. 2017 raise a recommender's score by gradient ascent on z). The generator and
    the classifier stay frozen; z moves along the gradient of `log p(target | G(z))`, with
    Adam steps of size `step_size`.

    Args:
        model: any generator (see :func:`as_generator`).
        classifier: a `keras.Model` (or callable) from images to per-class scores: softmax
            probabilities (default) or logits (`from_logits=True`). E.g.
            `kg.metrics.mnist_classifier()` for digits.
        z: starting latent vectors `(n, latent_dim)`, e.g. from `gan.latent(n, seed)` or :func:`invert`.
        target: the class index whose score to raise (an int, or a callable `scores -> (n,)`
            objective to maximise, for attributes that are not one class).
        steps, step_size: number and size (Adam learning rate) of the steps.
        labels: class labels for conditional generators (kept fixed while z moves).
        preprocess: optional function applied to G(z) before the classifier (e.g. resize).
        latent_weight: weight of a `mean(z²)` penalty that keeps z near the prior.
        max_distance: optional bound on `|z - z_start|` per vector (projected after each step).

    Returns:
        an :class:`Edit` (`z`, `images`, `scores`, `start_scores`, `end_scores`).
    """
    gen = as_generator(model, domain=domain)
    z0 = _as_2d(z, gen.latent_dim)
    lab = gen.labels_for(labels, len(z0))
    if not from_logits and not callable(target):
        # A softmax output saturates (p ~ 1e-17 has no usable gradient): differentiate its logits.
        logits_model = _softmax_logits(classifier)
        if logits_model is not None:
            classifier, from_logits = logits_model, True
    z_var = tf.Variable(z0)
    start = tf.constant(z0)
    optimizer = keras.optimizers.Adam(step_size)
    optimizer.build([z_var])

    def scores_of(latent):
        images = gen(latent, lab)
        if preprocess is not None:
            images = preprocess(images)
        out = classifier(images, training=False) if isinstance(classifier, keras.Model) else classifier(images)
        if callable(target):
            score = target(out)
            return score, score
        probs = ops.softmax(out, axis=-1) if from_logits else out
        p = probs[:, int(target)]
        logp = ops.log_softmax(out, axis=-1)[:, int(target)] if from_logits else ops.log(p + 1e-12)
        return p, logp

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            p, logp = scores_of(z_var)
            objective = -ops.mean(logp) + latent_weight * ops.mean(ops.square(z_var))
        optimizer.apply([tape.gradient(objective, z_var)], [z_var])
        if max_distance is not None:
            delta = z_var - start
            norm = ops.sqrt(ops.sum(ops.square(delta), axis=-1, keepdims=True))
            z_var.assign(start + delta * ops.minimum(1.0, float(max_distance) / ops.maximum(norm, 1e-12)))
        return ops.mean(p)

    start_scores = ops.convert_to_numpy(scores_of(start)[0])
    history = [float(np.mean(start_scores))]
    for i in range(int(steps)):
        history.append(float(step()))
        if verbose and (i + 1) % max(1, int(steps) // 10) == 0:
            print(f"edit step {i + 1}/{steps}: score {history[-1]:.4f}")
    end_scores = ops.convert_to_numpy(scores_of(z_var)[0])
    history[-1] = float(np.mean(end_scores))
    images = ops.convert_to_numpy(gen(z_var, lab))
    return Edit(z=z_var.numpy(), images=images, scores=history, start_scores=start_scores, end_scores=end_scores)
