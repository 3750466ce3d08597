"""Semi-supervised data: a few labelled examples plus unlabelled ones (GANs in Action ch. 7).

>>> import keras_gans as kg
>>> ds = kg.data.semi_supervised_dataset("mnist-5k", num_labeled=100, batch_size=32)
>>> batch = next(iter(ds))
>>> sorted(batch)                    # the unlabelled "images" carry no labels at all
['images', 'labeled_images', 'labels']

The labelled subset is balanced (num_labeled / num_classes per class) and chosen by a seeded
permutation, never "the first N" (mnist-5k is sorted by label). The unlabelled stream holds the
other images **without their labels**: only the `num_labeled` chosen labels ever enter the
pipeline, so a model trained on it cannot see any other label.
"""
from collections import namedtuple

import numpy as np
import tensorflow as tf

from keras_gans.utils import checks

SemiSupervisedSplit = namedtuple("SemiSupervisedSplit",
                                 ["labeled_images", "labeled_labels", "unlabeled_images", "labeled_indices"])


def semi_supervised_split(images, labels, num_labeled, num_classes=None, seed=0):
    """Splits `(images, labels)` into a balanced labelled subset and unlabelled images.

    Args:
        images: array (N, ...).
        labels: int array (N,) of classes 0..num_classes−1.
        num_labeled: labelled examples to keep; must be a multiple of `num_classes`
            (`num_labeled // num_classes` per class).
        num_classes: number of classes (default: max(labels) + 1).
        seed: seed of the per-class random choice (same seed → same subset).

    Returns:
        :class:`SemiSupervisedSplit` `(labeled_images, labeled_labels, unlabeled_images,
        labeled_indices)`; the unlabelled images are all the others, in their original order,
        and no labels are returned for them.

    Raises:
        ValueError: `num_labeled` not a positive multiple of `num_classes`, or a class with fewer
            examples than its share.
    """
    images = np.asarray(images)
    labels = np.asarray(labels).reshape(-1)
    if len(images) != len(labels):
        raise ValueError(f"Got {len(images)} images but {len(labels)} labels; they must match one to one.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integer class indices; got dtype {labels.dtype}.")
    if len(labels) == 0:
        raise ValueError("The labelled data is empty (0 images); pass at least one image per class.")
    num_classes = int(labels.max()) + 1 if num_classes is None else checks.integer(num_classes, "num_classes", low=2)
    num_labeled = checks.positive_int(num_labeled, "num_labeled", fix="The book uses 100 (10 per MNIST class).")
    seed = checks.seed(seed)
    members = [np.flatnonzero(labels == c) for c in range(num_classes)]
    fewest = min(range(num_classes), key=lambda c: len(members[c]))
    checks.integer(num_labeled, "num_labeled", high=len(members[fewest]) * num_classes,
                   fix=f"The labels are balanced per class and class {fewest} has only {len(members[fewest])} "
                       f"examples; lower num_labeled.")
    if num_labeled < num_classes or num_labeled % num_classes:
        checks.refuse("num_labeled", num_labeled, f"a positive multiple of num_classes={num_classes} so every class "
                      "gets the same number of labels", f"Use e.g. {max(1, round(num_labeled / num_classes)) * num_classes}.")
    per_class = num_labeled // num_classes
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(members[c], per_class, replace=False) for c in range(num_classes)]
    labeled_indices = np.sort(np.concatenate(chosen))
    mask = np.zeros(len(labels), bool)
    mask[labeled_indices] = True
    return SemiSupervisedSplit(images[mask], labels[mask].astype("int32"), images[~mask], labeled_indices)


def semi_supervised_dataset(name="mnist-5k", num_labeled=100, batch_size=32, labeled_batch_size=None,
                            split="train", num_classes=None, seed=0):
    """A `tf.data.Dataset` of dicts for :class:`~keras_gans.models.SGAN`.

    Each element is `{"images": (batch_size, H, W, C), "labeled_images": (labeled_batch_size, H, W, C),
    "labels": (labeled_batch_size,)}`, images in [-1, 1]. One epoch is one pass over the unlabelled
    images; the labelled subset is repeated as often as needed, in a new seeded order each pass
    (every iterator of the dataset yields the same batches: runs repeat and resume exactly).

    Args:
        name: an in-memory dataset name (`"mnist-5k"`, `"digits"`) or an `(images uint8, labels)` pair.
        num_labeled: labelled examples (balanced per class; see :func:`semi_supervised_split`).
        batch_size: unlabelled images per step. labeled_batch_size: labelled ones (default: the same).
        split: the dataset split to draw from (`"train"`; never the test split you evaluate on).
        seed: seed of the labelled subset and of the shuffling.
    """
    from keras_gans.data.core import load_arrays, scale_images

    batch_size = checks.positive_int(batch_size, "batch_size")
    labeled_batch_size = checks.optional(checks.positive_int, labeled_batch_size, "labeled_batch_size",
                                         fix="Or None for batch_size.")
    if isinstance(name, str):
        images, labels = load_arrays(name, split=split)
    else:
        images, labels = name
    parts = semi_supervised_split(images, labels, num_labeled, num_classes=num_classes, seed=seed)
    labeled_batch_size = batch_size if labeled_batch_size is None else labeled_batch_size
    if len(parts.unlabeled_images) < batch_size:
        raise ValueError(f"Only {len(parts.unlabeled_images)} unlabelled images for batch_size={batch_size}; "
                         "lower batch_size.")
    unlabeled = (tf.data.Dataset.from_tensor_slices(parts.unlabeled_images)
                 .shuffle(len(parts.unlabeled_images), seed=seed, reshuffle_each_iteration=True)
                 .batch(batch_size, drop_remainder=True))
    # The labelled subset is walked in a fresh permutation per pass, drawn statelessly from (seed, pass).
    # Not `.shuffle(reshuffle_each_iteration=True).repeat()`: that draws each pass's order from a counter
    # shared by every iterator of the dataset, which an abandoned iterator's prefetching (a peek at the
    # first batch) advances by a varying amount, so two identical runs trained on different batches.
    labeled_images = tf.constant(parts.labeled_images)
    labeled_labels = tf.constant(parts.labeled_labels)
    count = len(parts.labeled_labels)
    order = (tf.data.Dataset.counter()
             .map(lambda n: tf.random.experimental.stateless_shuffle(
                 tf.range(count), seed=tf.stack([tf.cast(seed + 1, tf.int64), n])))
             .unbatch())
    labeled = (order.map(lambda i: (tf.gather(labeled_images, i), tf.gather(labeled_labels, i)))
               .batch(labeled_batch_size, drop_remainder=True))

    def combine(x_unlabeled, labeled_pair):
        x_labeled, y_labeled = labeled_pair
        return {"images": scale_images(x_unlabeled), "labeled_images": scale_images(x_labeled),
                "labels": tf.cast(y_labeled, tf.int32)}

    ds = tf.data.Dataset.zip((unlabeled, labeled)).map(combine, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
