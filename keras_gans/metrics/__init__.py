"""Evaluation of generators: FID, KID and Inception Score, feature extractors, one-call helpers.

- Metrics (`keras.metrics.Metric`, streamed with `update_state(real, fake)`):
  :class:`FrechetInceptionDistance` (Heusel et al., 2017), :class:`KernelInceptionDistance`
  (Bińkowski et al., 2018), :class:`InceptionScore` (Salimans et al., 2016).
- Extractors: `"mnist"` — the small MNIST classifier shipped with the package (offline;
  "FID-MNIST", "IS-MNIST"), also usable as a plain digit classifier via :func:`mnist_classifier`;
  `"mnistm"` — the MNIST-M classifier shipped with the package (offline; "FID-MNIST-M", for
  image-to-image models that output MNIST-M-style colour digits), see :func:`mnistm_classifier`;
  `"inception_v3"` — Keras' ImageNet InceptionV3 (downloads its weights); or your own model.
- Helpers: :func:`evaluate_generator` (a GAN against the held-out mnist-5k split by default),
  :func:`evaluate_label_accuracy` (how often a conditional generator draws the requested digit),
  :func:`evaluate_code_accuracy` (how well an InfoGAN's categorical code picks the digit, through
  :func:`best_assignment_accuracy`),
  :func:`evaluate_translation` (an image-to-image model: digits → MNIST-M by default, FID-MNIST-M,
  L1, digit accuracy), :func:`evaluate_images`, :func:`real_baseline`; each result carries a
  `protocol` dict.

>>> import keras_gans as kg
>>> gan = kg.models.DCGAN()
>>> scores = kg.metrics.evaluate_generator(gan, n_samples=1000)
>>> sorted(scores)
['fid', 'is', 'is_std', 'kid', 'kid_std', 'protocol']
"""
from keras_gans.metrics.evaluate import (
    best_assignment_accuracy,
    evaluate_code_accuracy,
    evaluate_generator,
    evaluate_images,
    evaluate_label_accuracy,
    evaluate_translation,
    format_protocol,
    real_baseline,
    reference_images,
)
from keras_gans.metrics.extractors import (
    CallableExtractor,
    FeatureExtractor,
    InceptionV3Extractor,
    MNISTExtractor,
    MNISTMExtractor,
    get_extractor,
    prepare_images,
)
from keras_gans.metrics.mnist import build_mnist_classifier, mnist_classifier
from keras_gans.metrics.mnistm import build_mnistm_classifier, mnistm_classifier
from keras_gans.metrics.stats import (
    frechet_distance,
    frechet_distance_from_features,
    inception_score,
    kernel_distance,
    mmd2_unbiased,
)
from keras_gans.metrics.streaming import FrechetInceptionDistance, InceptionScore, KernelInceptionDistance

FID = FrechetInceptionDistance
KID = KernelInceptionDistance
IS = InceptionScore

__all__ = [
    "FrechetInceptionDistance", "KernelInceptionDistance", "InceptionScore", "FID", "KID", "IS",
    "FeatureExtractor", "MNISTExtractor", "MNISTMExtractor", "InceptionV3Extractor", "CallableExtractor",
    "get_extractor", "prepare_images", "mnist_classifier", "build_mnist_classifier", "mnistm_classifier",
    "build_mnistm_classifier",
    "frechet_distance", "frechet_distance_from_features", "kernel_distance", "mmd2_unbiased", "inception_score",
    "evaluate_generator", "evaluate_images", "evaluate_label_accuracy",
    "evaluate_code_accuracy", "best_assignment_accuracy", "evaluate_translation", "real_baseline",
    "reference_images", "format_protocol",
]
from keras_gans.metrics.super_resolution import evaluate_super_resolution, psnr, upscaling_factor  # noqa: E402

__all__ += ["evaluate_super_resolution", "psnr", "upscaling_factor"]
