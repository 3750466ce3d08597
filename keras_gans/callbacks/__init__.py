"""Keras callbacks for GAN training: sample grids, GIFs and loss plots, FID during training, backups."""
from keras_gans.callbacks.backup import ExactBackupAndRestore
from keras_gans.callbacks.csv_logger import StableCSVLogger
from keras_gans.callbacks.fid import FIDCallback
from keras_gans.callbacks.guards import DivergenceError, DivergenceGuard, DivergenceWarning
from keras_gans.callbacks.progan import FadeInScheduler
from keras_gans.callbacks.sample_grid import SampleGrid, plot_history
from keras_gans.callbacks.snapshot import ImageSnapshot
from keras_gans.callbacks.translation import TranslationGrid

__all__ = ["DivergenceError", "DivergenceGuard", "DivergenceWarning", "ExactBackupAndRestore", "FIDCallback", "FadeInScheduler", "ImageSnapshot", "SampleGrid", "StableCSVLogger", "TranslationGrid", "plot_history"]
