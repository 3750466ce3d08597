"""One-call evaluation of a generator (or of image arrays) with FID, KID and IS plus their protocol."""
import time

import numpy as np

from keras_gans.metrics import stats
from keras_gans.metrics.extractors import get_extractor, resize_note
from keras_gans.utils import checks

METRICS = ("fid", "kid", "is")
#: Defaults of the FID-MNIST protocol: 4,500 generated images (the size of the mnist-5k train
#: split, so the real-vs-real baseline "train vs test" uses the same counts) against the 500
#: held-out mnist-5k test images.
DEFAULT_N_SAMPLES = 4500
KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000
IS_SPLITS = 10


def reference_images(reference="mnist-5k", split="test"):
    """Real images of a dataset split as float32 in [-1, 1] (e.g. the mnist-5k held-out split)."""
    from keras_gans.data import load_arrays

    images, _ = load_arrays(reference, split=split)
    return images.astype("float32") / 127.5 - 1.0


def _check_metrics(metrics):
    """The `metrics` argument of the evaluate_* functions as a tuple: one or more of :data:`METRICS`."""
    return checks.names(metrics, "metrics", METRICS, "metric")


def evaluate_images(real, fake, metrics=METRICS, extractor="mnist", reference=None, kid_subsets=KID_SUBSETS,
                    kid_subset_size=KID_SUBSET_SIZE, is_splits=IS_SPLITS, seed=0, batch_size=500):
    """FID, KID (mean ± std over subsets) and IS (mean ± std over splits) of `fake` against `real`.

    Args:
        real, fake: image arrays (N, H, W, C), floats in [-1, 1] or uint8; converted to what the
            extractor expects (see :func:`keras_gans.metrics.prepare_images`).
        metrics: any of `"fid"`, `"kid"`, `"is"` (IS looks at `fake` only).
        extractor: `"mnist"` (offline; FID-MNIST), `"inception_v3"`, or your own (see `get_extractor`).
        reference: a description of `real` for the protocol (e.g. "mnist-5k test").

    Returns:
        a dict: `fid`, `kid`, `kid_std`, `is`, `is_std` (those asked for) and `protocol`, a dict
        naming the extractor, input size/resize/channels, `n_real`, `n_fake`, the reference, the KID
        subsets and IS splits, and `resized` when images of another size were resized to the extractor's
        input (e.g. "32×32 samples resized (bilinear, antialiased) to 28×28"). Print the protocol next to
        the numbers.

    >>> import keras_gans as kg
    >>> real = kg.metrics.reference_images("mnist-5k", "test")
    >>> train = kg.metrics.reference_images("mnist-5k", "train")
    >>> kg.metrics.evaluate_images(real, train, reference="mnist-5k test")["fid"]   # real-vs-real floor
    """
    metrics = _check_metrics(metrics)
    ext = get_extractor(extractor)
    start = time.time()
    out = {}
    need_features = "fid" in metrics or "kid" in metrics
    fake_f, fake_p = ext.features_and_probabilities(fake, batch_size) if (need_features or "is" in metrics) else (None, None)
    if need_features:
        real_f = np.asarray(ext.features(real, batch_size), "float64")
        fake_f = np.asarray(fake_f, "float64")
        if "fid" in metrics:
            out["fid"] = stats.frechet_distance_from_features(real_f, fake_f)
        if "kid" in metrics:
            out["kid"], out["kid_std"] = stats.kernel_distance(real_f, fake_f, kid_subsets, kid_subset_size, seed)
    if "is" in metrics:
        if fake_p is None:
            raise ValueError(f"The {ext.name!r} extractor is not a classifier; IS needs one (use 'mnist').")
        out["is"], out["is_std"] = stats.inception_score(np.asarray(fake_p), splits=min(is_splits, len(fake)))
    protocol = dict(ext.protocol)
    protocol.update(
        n_real=int(len(real)) if need_features else None,
        n_fake=int(len(fake)),
        reference=reference,
        input_shape=tuple(int(d) for d in np.shape(fake)[1:]),
    )
    resized = [note for note in (resize_note(np.shape(fake), ext.image_size, "samples"),
                                 resize_note(np.shape(real), ext.image_size, "real images") if need_features else None)
               if note]
    if resized:  # e.g. ProGAN's 32×32 digits scored by the 28×28 MNIST classifier
        protocol["resized"] = " and ".join(resized)
    if "kid" in metrics:
        protocol.update(kid_subsets=int(kid_subsets),
                        kid_subset_size=int(min(kid_subset_size, len(real), len(fake))),
                        kid_kernel="(x.y/d + 1)^3, unbiased MMD^2")
    if "is" in metrics:
        protocol["is_splits"] = int(min(is_splits, len(fake)))
    protocol["seconds"] = round(time.time() - start, 1)
    out["protocol"] = protocol
    return out


def evaluate_generator(gan, metrics=METRICS, reference="mnist-5k", split="test", n_samples=DEFAULT_N_SAMPLES,
                       extractor="mnist", seed=0, real=None, **kwargs):
    """Scores a generator against the held-out split of a dataset (default: FID/KID/IS-MNIST).

    Args:
        gan: a keras_gans GAN (anything with `generate(n, seed=...)` returning images in [-1, 1]),
            or a callable `n -> images` (e.g. :func:`keras_gans.zoo.sampler` of a preset). Any image size:
            the extractor resizes them (the protocol's `resized` says so). A callable's
            `samples_description` (what its images are, e.g. one domain of a CoGAN's pairs) becomes the
            protocol's `fake`.
        metrics: any of "fid", "kid", "is".
        reference, split: the real images (default: the fixed 500-image mnist-5k test split,
            never seen by the MNIST classifier nor by `load("mnist-5k")`'s default train split).
        n_samples: number of generated images (default 4,500; keep it fixed when comparing FIDs).
        extractor: "mnist" (offline) or "inception_v3", or your own.
        seed: seed of the generated samples (and of the KID subsets).
        real: real images to use instead of `reference`/`split`.
        **kwargs: passed to :func:`evaluate_images` (`kid_subsets`, `is_splits`, `batch_size`).

    Returns:
        the dict of :func:`evaluate_images`; `protocol` also names the sample seed.

    >>> import keras_gans as kg
    >>> scores = kg.metrics.evaluate_generator(gan)      # FID-MNIST, KID-MNIST, IS-MNIST vs mnist-5k test
    >>> print(scores["fid"], scores["protocol"])
    """
    metrics = _check_metrics(metrics)  # before any image is generated
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer ≥ 2; got {n_samples!r}.")
    if real is None:
        real = reference_images(reference, split)
        ref_name = f"{reference} split={split!r} ({len(real)} images)"
    else:
        ref_name = kwargs.pop("reference_name", f"given real images ({len(real)})")
    if hasattr(gan, "generate"):
        fake = gan.generate(int(n_samples), seed=seed)
    elif callable(gan):
        fake = np.asarray(gan(int(n_samples)))
    else:
        raise ValueError(f"Cannot sample from {type(gan).__name__}: pass a keras_gans GAN or a callable n -> images.")
    out = evaluate_images(real, fake, metrics=metrics, extractor=extractor, reference=ref_name, seed=seed, **kwargs)
    out["protocol"]["sample_seed"] = seed
    if getattr(gan, "samples_description", None):
        out["protocol"]["fake"] = str(gan.samples_description)
    return out


def evaluate_label_accuracy(gan, num_classes=None, n_samples=1000, seed=0, extractor="mnist", batch_size=250):
    """How often a classifier reads the requested label in a conditional generator's samples.

    Draws `n_samples` images with labels 0, 1, …, num_classes − 1 cycling (`n_samples / num_classes`
    per label) and z from `seed`, and classifies them with `extractor` (default: the shipped MNIST
    classifier). This is the `cgan_mnist` preset's "label accuracy" (1,000 samples, seed 0).

    Args:
        gan: a conditional keras_gans GAN (`generate(n, seed=..., labels=...)`, e.g. :class:`CGAN`) or a
            callable `(n, labels) -> images in [-1, 1]`.
        num_classes: the generator's classes (default: `gan.num_classes`).

    Returns:
        `{"label_accuracy", "per_class" (list), "worst_class", "protocol"}`.

    >>> import keras_gans as kg
    >>> gan = kg.models.CGAN()                              # untrained: about chance, 0.1
    >>> kg.metrics.evaluate_label_accuracy(gan, n_samples=100)["label_accuracy"]
    """
    num_classes = num_classes or getattr(gan, "num_classes", None)
    if not num_classes or int(num_classes) < 2:
        raise ValueError("evaluate_label_accuracy needs a conditional generator (num_classes ≥ 2); pass num_classes= "
                         f"or a CGAN; got num_classes={num_classes!r}.")
    num_classes = int(num_classes)
    if not isinstance(n_samples, (int, np.integer)) or n_samples < num_classes:
        raise ValueError(f"n_samples must be an integer ≥ num_classes ({num_classes}); got {n_samples!r}.")
    labels = np.arange(int(n_samples)) % num_classes
    if hasattr(gan, "generate"):
        fake = gan.generate(int(n_samples), seed=seed, labels=labels)
    elif callable(gan):
        fake = gan(int(n_samples), labels)
    else:
        raise ValueError(f"Cannot sample from {type(gan).__name__}: pass a conditional keras_gans GAN or a callable "
                         "(n, labels) -> images.")
    ext = get_extractor(extractor)
    if ext.num_classes != num_classes:
        raise ValueError(f"The {ext.name} classifier has {ext.num_classes} classes but the generator {num_classes}.")
    predicted = np.asarray(ext.probabilities(np.asarray(fake, "float32"), batch_size)).argmax(-1)
    per_class = [float((predicted[labels == k] == k).mean()) for k in range(num_classes)]
    return {
        "label_accuracy": float((predicted == labels).mean()),
        "per_class": per_class,
        "worst_class": min(per_class),
        "protocol": dict(ext.protocol, n_samples=int(n_samples), sample_seed=seed,
                         labels=f"0..{num_classes - 1} cycling ({int(n_samples) // num_classes} per label)",
                         label_accuracy=f"fraction of the samples that the {ext.name} classifier reads as the "
                                        "requested label"),
    }


def best_assignment_accuracy(codes, predicted, num_codes=None, num_classes=None):
    """The accuracy of the best one-to-one map from code values to classes, and that map.

    The confusion matrix of code value × predicted class is matched one-to-one by the Hungarian algorithm
    (`scipy.optimize.linear_sum_assignment`, maximising the matched samples); the accuracy is the matched
    samples over all samples. This is how an unsupervised categorical code (InfoGAN's) is scored against
    digit classes: the code is free to pick any order, so code 3 drawing 7s counts as right when no other
    code draws 7s more often.

    Args:
        codes: the code value of each sample, ints in [0, num_codes).
        predicted: the class read in each sample, ints in [0, num_classes).
        num_codes, num_classes: the sizes of the matrix (default: the largest value seen + 1). With more
            codes than classes (or fewer), only min(num_codes, num_classes) pairs are matched; the
            others map to None and their samples count as wrong.

    Returns:
        `(accuracy, mapping)`: a float in [0, 1] and `{code: class}` (a class or None for every code).

    >>> best_assignment_accuracy([0, 0, 1, 1], [7, 7, 3, 7], num_codes=2, num_classes=10)
    (0.75, {0: 7, 1: 3})
    """
    from scipy.optimize import linear_sum_assignment

    codes, predicted = np.asarray(codes).reshape(-1), np.asarray(predicted).reshape(-1)
    if len(codes) != len(predicted) or len(codes) == 0:
        raise ValueError(f"codes and predicted must be two non-empty vectors of the same length; got {len(codes)} "
                         f"and {len(predicted)}.")
    for name, values in (("codes", codes), ("predicted", predicted)):
        if not np.issubdtype(values.dtype, np.integer) or values.min() < 0:
            raise ValueError(f"{name} must be non-negative ints; got {values.dtype} values from {values.min()}.")
    num_codes = int(num_codes or codes.max() + 1)
    num_classes = int(num_classes or predicted.max() + 1)
    if codes.max() >= num_codes or predicted.max() >= num_classes:
        raise ValueError(f"codes must lie in [0, {num_codes}) and predicted in [0, {num_classes}); got maxima "
                         f"{codes.max()} and {predicted.max()}.")
    confusion = np.zeros((num_codes, num_classes), "int64")
    np.add.at(confusion, (codes, predicted), 1)
    rows, cols = linear_sum_assignment(confusion, maximize=True)
    mapping = {code: None for code in range(num_codes)}
    mapping.update(zip(rows.tolist(), cols.tolist()))
    return float(confusion[rows, cols].sum() / len(codes)), mapping


def evaluate_code_accuracy(gan, categories=None, n_samples=1000, seed=0, extractor="mnist", batch_size=250):
    """How well an InfoGAN's categorical code picks the digit: the accuracy of the best code → digit assignment.

    Draws `n_samples` images with the categorical code 0, 1, …, categories − 1 cycling
    (`n_samples / categories` per value), z and the continuous codes from `seed` (as
    `InfoGAN.generate(n, seed=seed, category=...)` draws them: from the prior, U(−1, 1)), reads each with
    `extractor` (default: the shipped MNIST classifier) and scores the confusion matrix code × digit with
    :func:`best_assignment_accuracy`. This is the `code_accuracy` of an InfoGAN preset's card (1,000
    samples, seed 0) and what `keras-gans eval` prints for one; chance is about 0.1 for ten codes.

    Args:
        gan: an InfoGAN (`generate(n, seed=..., category=...)`) or a callable `(n, category) -> images in
            [-1, 1]` whose other inputs are drawn from the seed already (e.g. :func:`keras_gans.zoo.sampler`
            of an InfoGAN preset).
        categories: values of the categorical code (default: `gan.categories`).

    Returns:
        `{"code_accuracy", "code_to_digit" (the digit of each code value, None when unmatched), "per_code"
        (the fraction of each code's samples read as its digit), "worst_code", "protocol"}`.

    >>> import keras_gans as kg
    >>> gan = kg.models.InfoGAN()                              # untrained: about chance
    >>> kg.metrics.evaluate_code_accuracy(gan, n_samples=100)["code_accuracy"]
    """
    categories = categories or getattr(gan, "categories", None)
    if not categories or int(categories) < 2:
        raise ValueError("evaluate_code_accuracy needs a generator with a categorical code (categories ≥ 2); pass "
                         f"categories= or an InfoGAN; got categories={categories!r}.")
    categories = int(categories)
    if not isinstance(n_samples, (int, np.integer)) or n_samples < categories:
        raise ValueError(f"n_samples must be an integer ≥ categories ({categories}); got {n_samples!r}.")
    codes = np.arange(int(n_samples)) % categories
    if hasattr(gan, "generate"):
        fake = gan.generate(int(n_samples), seed=seed, category=codes)
    elif callable(gan):
        fake = gan(int(n_samples), codes)
    else:
        raise ValueError(f"Cannot sample from {type(gan).__name__}: pass an InfoGAN or a callable "
                         "(n, category) -> images.")
    ext = get_extractor(extractor)
    if not ext.num_classes:
        raise ValueError(f"The {ext.name!r} extractor is not a classifier; code accuracy needs one (use 'mnist').")
    predicted = np.asarray(ext.probabilities(np.asarray(fake, "float32"), batch_size)).argmax(-1)
    accuracy, mapping = best_assignment_accuracy(codes, predicted, categories, ext.num_classes)
    per_code = [float((predicted[codes == k] == mapping[k]).mean()) if mapping[k] is not None else 0.0
                for k in range(categories)]
    return {
        "code_accuracy": accuracy,
        "code_to_digit": [mapping[k] for k in range(categories)],
        "per_code": per_code,
        "worst_code": min(per_code),
        "protocol": dict(ext.protocol, n_samples=int(n_samples), sample_seed=seed,
                         codes=f"categorical code 0..{categories - 1} cycling ({int(n_samples) // categories} per "
                               "value); z and continuous codes drawn from the seed (the prior, U(-1, 1))",
                         code_accuracy=f"best one-to-one assignment of code values to the {ext.name} classifier's "
                                       "classes (Hungarian algorithm on the code x class confusion matrix): "
                                       "matched samples / all samples"),
    }


#: KID subsets for translations: 500 translated vs 500 real test images, so subsets of half of them
#: (with subsets of all 500 every subset would be the same and the spread meaningless).
TRANSLATION_KID_SUBSET_SIZE = 250


def evaluate_translation(model, source="mnist-32", reference="mnist-m", split="test", metrics=("fid", "kid"),
                         extractor="mnistm", direction=None, kid_subset_size=TRANSLATION_KID_SUBSET_SIZE,
                         batch_size=500, **kwargs):
    """Scores an image-to-image model: its translations of `source` images against real `reference` images.

    The default is the offline digits → MNIST-M protocol: the 500 held-out mnist-5k test digits as
    32×32 RGB (`"mnist-32"`, split `"test"`) are translated and compared, in the feature space of the
    shipped MNIST-M classifier ("FID-MNIST-M"), with the MNIST-M renderings of the same 500 digits
    (`"mnist-m"`, split `"test"`); neither the classifier nor `mnist2mnistm-*` training data saw them.

    Args:
        model: a keras_gans image-to-image model (anything with `translate(images)`, e.g. Pix2Pix,
            CycleGAN), a `keras.Model` mapping images in [-1, 1] to images (a zoo generator), or a
            callable `images -> images`.
        source, reference, split: dataset names and split for `keras_gans.data.load_arrays`.
        metrics: any of "fid", "kid", "is" (computed as in :func:`evaluate_images`).
        extractor: "mnistm" (default), "mnist", "inception_v3" or your own.
        direction: passed to `model.translate(images, direction)` (CycleGAN: "a2b" or "b2a").
        kid_subset_size: 250 by default (half of the 500 test images).
        **kwargs: passed to :func:`evaluate_images` (`kid_subsets`, `is_splits`, `seed`).

    Returns:
        the dict of :func:`evaluate_images`, plus, when source and reference are aligned (same
        labels in the same order, e.g. the paired test split): `l1`, the mean |G(a) − b| per pixel
        in [-1, 1] units; and when the extractor is a classifier and the source has labels:
        `accuracy`, how often the classifier reads the source digit's label in its translation
        (the FCN-score idea of Zhu et al. 2017).

    >>> import keras_gans as kg
    >>> scores = kg.metrics.evaluate_translation(kg.zoo.load("pix2pix_mnist_mnistm"))
    >>> sorted(scores)
    ['accuracy', 'fid', 'kid', 'kid_std', 'l1', 'protocol']
    """
    from keras_gans.data import load_arrays

    wanted = _check_metrics(metrics)  # before any image is loaded or translated
    src, src_labels = load_arrays(source, split=split)
    ref, ref_labels = load_arrays(reference, split=split)
    src = src.astype("float32") / 127.5 - 1.0 if src.dtype == np.uint8 else np.asarray(src, "float32")
    ref = ref.astype("float32") / 127.5 - 1.0 if ref.dtype == np.uint8 else np.asarray(ref, "float32")
    if hasattr(model, "translate"):
        fake = model.translate(src) if direction is None else model.translate(src, direction)
    elif hasattr(model, "predict"):
        fake = model.predict(src, batch_size=batch_size, verbose=0)
    elif callable(model):
        fake = model(src)
    else:
        raise ValueError(f"Cannot translate with {type(model).__name__}: pass a model with translate(), a "
                         "keras.Model or a callable images -> images.")
    fake = np.asarray(fake, "float32")
    if fake.shape[0] != src.shape[0]:
        raise ValueError(f"The model returned {fake.shape[0]} images for {src.shape[0]} inputs.")
    out = evaluate_images(ref, fake, metrics=wanted, extractor=extractor, kid_subset_size=kid_subset_size,
                          reference=f"{reference} split={split!r} ({len(ref)} images)", batch_size=batch_size,
                          **kwargs)
    protocol = out.pop("protocol")
    paired = (ref_labels is not None and src_labels is not None and len(ref_labels) == len(src_labels)
              and np.array_equal(ref_labels, src_labels) and fake.shape == ref.shape)
    if paired:
        out["l1"] = float(np.mean(np.abs(fake - ref)))
        protocol["l1"] = "mean |G(a) - b| per pixel, images in [-1, 1], aligned pairs"
    ext = get_extractor(extractor)
    if ext.num_classes and src_labels is not None:
        probs = np.asarray(ext.probabilities(fake, batch_size))
        out["accuracy"] = float((probs.argmax(-1) == np.asarray(src_labels)).mean())
        protocol["accuracy"] = f"top-1 agreement of the {ext.name} classifier on the translations with the source labels"
    protocol.update(fake=f"translations of {source} split={split!r} ({len(src)} images)"
                    + (f", direction={direction}" if direction else ""))
    out["protocol"] = protocol
    return out


def real_baseline(reference="mnist-5k", train_split="train", test_split="test", metrics=METRICS, extractor="mnist",
                  **kwargs):
    """The real-vs-real floor: the train split scored as if it were generated, against the test split.

    A generator cannot be expected to beat this with the same sample counts.
    """
    metrics = _check_metrics(metrics)
    real = reference_images(reference, test_split)
    fake = reference_images(reference, train_split)
    out = evaluate_images(real, fake, metrics=metrics, extractor=extractor,
                          reference=f"{reference} split={test_split!r} ({len(real)} images)", **kwargs)
    out["protocol"]["fake"] = f"real images: {reference} split={train_split!r}"
    return out


def format_protocol(protocol):
    """A one-line description of a protocol dict, for model cards and benchmark tables."""
    keys = ("extractor", "weights_sha256", "input_size", "channels", "resize", "resized", "n_real", "n_fake",
            "reference", "fake", "kid_subsets", "kid_subset_size", "is_splits", "sample_seed")
    return "; ".join(f"{k}={protocol[k]}" for k in keys if protocol.get(k) is not None)
