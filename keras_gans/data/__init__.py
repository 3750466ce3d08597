"""Datasets as `tf.data` pipelines of images scaled to [-1, 1].

>>> import keras_gans as kg
>>> ds = kg.data.load("mnist-5k", batch_size=64)          # embedded, offline
>>> ds = kg.data.load("mnist", batch_size=64)             # full MNIST through TFDS (needs internet once)
>>> ds = kg.data.load("path/to/images", image_size=(64, 64))

Names: see :func:`available`. Any other TFDS name works as `"tfds:NAME"`.
"""
from keras_gans.data.core import (
    DATASETS,
    available,
    load,
    load_arrays,
    make_pipeline,
    register_dataset,
    scale_images,
)
from keras_gans.data.semi_supervised import semi_supervised_dataset, semi_supervised_split  # noqa: E402

from keras_gans.data import mnistm  # noqa: E402  (registers "mnist-m", "mnist-32", "mnist-negative", "mnist-edges")
from keras_gans.data.translation import (  # noqa: E402
    DOMAIN_DATASETS,
    PAIRS,
    available_pairs,
    domain_dataset,
    load_pair,
    paired_pipeline,
    unpaired_pipeline,
)

__all__ = ["DOMAIN_DATASETS", "PAIRS", "available_pairs", "domain_dataset", "load_pair", "paired_pipeline",
           "unpaired_pipeline", "mnistm",
           "DATASETS", "available", "load", "load_arrays", "make_pipeline", "register_dataset", "scale_images",
           "semi_supervised_dataset", "semi_supervised_split"]
from keras_gans.data.super_resolution import super_resolution_arrays, super_resolution_dataset  # noqa: E402

__all__ += ["super_resolution_arrays", "super_resolution_dataset"]
