"""Keras callbacks for GAN training: sample grids, GIFs and loss plots."""
from keras_gans.callbacks.fid import FIDCallback
from keras_gans.callbacks.sample_grid import SampleGrid, plot_history

__all__ = ["FIDCallback", "SampleGrid", "plot_history"]
