"""Nearest-neighbour memorisation check (GANs in Action §5.2; Arora & Zhang, 2017).

A generator that copies its training set has a low FID, so look at the closest training image
of each sample: if samples are near-duplicates of training images, the model memorised them.
:func:`nearest_neighbours` finds them (in pixel space or in the MNIST classifier's feature space),
:func:`memorization_report` compares the distances with those of held-out real images (a sample
that is much closer to the training set than real unseen images are is suspicious), and
:func:`plot_nearest_neighbours` draws sample | closest training images, one row per sample.

>>> import keras_gans as kg
>>> train = kg.metrics.reference_images("mnist-5k", "train")
>>> samples = gan.generate(8, seed=0)
>>> idx, dist = kg.memorization.nearest_neighbours(samples, train, k=3)
>>> kg.memorization.plot_nearest_neighbours(samples, train, "neighbours.png", k=3)
"""
import numpy as np

SPACES = ("pixel", "features")


def _to_float(images, name):
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype("float32") / 127.5 - 1.0
    images = images.astype("float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"{name} must be a batch of images (N, H, W, C); got shape {images.shape}.")
    return images


def _embed(images, space, batch_size=500):
    if space == "pixel":
        return images.reshape(len(images), -1).astype("float32")
    from keras import ops

    from keras_gans.metrics import get_extractor

    return np.asarray(ops.convert_to_numpy(get_extractor("mnist").features(images, batch_size)), "float32")


def nearest_neighbours(samples, training_images, k=1, space="pixel", batch_size=500):
    """The `k` training images closest to each sample, by Euclidean distance.

    Args:
        samples: generated images (N, H, W, C), floats in [-1, 1] or uint8.
        training_images: the training set (M, H, W, C), same size and channels (for `space="pixel"`).
        k: neighbours per sample.
        space: `"pixel"` (distance between pixel vectors in [-1, 1], as in the book) or `"features"`
            (between the shipped MNIST classifier's 128-d features: robust to small shifts).

    Returns:
        `(indices, distances)`, both (N, k), sorted from the closest; indices point into
        `training_images`.
    """
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}; got {space!r}.")
    samples = _to_float(samples, "samples")
    train = _to_float(training_images, "training_images")
    if space == "pixel" and samples.shape[1:] != train.shape[1:]:
        raise ValueError(f"Samples {samples.shape[1:]} and training images {train.shape[1:]} differ in shape; pixel "
                         "distances need the same size (resize them, or use space='features').")
    k = int(k)
    if not 1 <= k <= len(train):
        raise ValueError(f"k must be between 1 and the number of training images ({len(train)}); got {k}.")
    a, b = _embed(samples, space, batch_size).astype("float64"), _embed(train, space, batch_size).astype("float64")
    b_sq = (b * b).sum(axis=1)
    indices, distances = [], []
    for start in range(0, len(a), batch_size):
        chunk = a[start:start + batch_size]
        d2 = (chunk * chunk).sum(axis=1, keepdims=True) - 2.0 * chunk @ b.T + b_sq[None, :]
        d2 = np.maximum(d2, 0.0)
        part = np.argpartition(d2, k - 1, axis=1)[:, :k]
        part_d = np.take_along_axis(d2, part, axis=1)
        order = np.argsort(part_d, axis=1)
        indices.append(np.take_along_axis(part, order, axis=1))
        distances.append(np.sqrt(np.take_along_axis(part_d, order, axis=1)))
    return np.concatenate(indices).astype("int64"), np.concatenate(distances).astype("float32")


def memorization_report(samples, training_images, held_out_images, space="pixel", threshold=0.5):
    """Distances of samples to their nearest training image, next to those of held-out real images.

    Held-out real images were never trained on, so their nearest-training-image distances show
    what "a new image" looks like. Samples far closer than that are likely copies.

    Returns a dict: `sample_nn_median`, `held_out_nn_median`, `ratio` (sample / held-out median;
    ≈ 1 for a generator that makes new images, ≪ 1 for one that copies), `near_copies` (fraction
    of samples closer than `threshold` × the held-out 5th-percentile distance), and `space`.
    """
    _, d_samples = nearest_neighbours(samples, training_images, k=1, space=space)
    _, d_held = nearest_neighbours(held_out_images, training_images, k=1, space=space)
    d_samples, d_held = d_samples[:, 0], d_held[:, 0]
    held_median = float(np.median(d_held))
    low = float(np.percentile(d_held, 5))
    return {
        "space": space,
        "n_samples": int(len(d_samples)),
        "n_training": int(len(np.asarray(training_images))),
        "n_held_out": int(len(d_held)),
        "sample_nn_median": float(np.median(d_samples)),
        "held_out_nn_median": held_median,
        "ratio": float(np.median(d_samples) / held_median) if held_median > 0 else float("nan"),
        "near_copies": float((d_samples < threshold * low).mean()),
        "threshold": f"{threshold} x held-out 5th percentile ({threshold * low:.3f})",
    }


def plot_nearest_neighbours(samples, training_images, path, k=3, space="pixel", label_distances=True):
    """Writes a PNG: one row per sample — the sample, then its `k` nearest training images.

    With `label_distances`, each neighbour is annotated with its distance (matplotlib figure);
    otherwise a plain image grid is written. Returns `(path, indices, distances)`.
    """
    from keras_gans.utils.images import make_grid, save_image, to_uint8
    from keras_gans.utils.io import atomic_path, check_parent_dir

    check_parent_dir(path)
    samples = _to_float(samples, "samples")
    train = _to_float(training_images, "training_images")
    indices, distances = nearest_neighbours(samples, train, k=k, space=space)
    if not label_distances:
        rows = [np.concatenate([samples[i:i + 1], train[indices[i]]]) for i in range(len(samples))]
        save_image(make_grid(np.concatenate(rows), rows=len(samples)), path)
        return path, indices, distances
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    n = len(samples)
    fig, axes = plt.subplots(n, k + 1, figsize=(1.3 * (k + 1), 1.4 * n), dpi=100, squeeze=False)
    cmap = "gray" if samples.shape[-1] == 1 else None
    for i in range(n):
        row = [samples[i]] + [train[j] for j in indices[i]]
        for c, image in enumerate(row):
            ax = axes[i, c]
            img = to_uint8(image)
            ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap=cmap, vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_title("sample" if i == 0 else "", fontsize=7)
            else:
                ax.set_title(f"#{indices[i, c - 1]} d={distances[i, c - 1]:.2f}", fontsize=6)
    fig.suptitle(f"Nearest training images ({space} space)", fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path, indices, distances
