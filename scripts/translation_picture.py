"""Draws docs/images/metrics_pix2pix_mnistm.png: test digits 0–9, a translator's output, the real MNIST-M target.

    python scripts/translation_picture.py [--preset pix2pix_mnist_mnistm] [--out docs/images/metrics_pix2pix_mnistm.png]
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.utils import make_grid, save_image  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="pix2pix_mnist_mnistm")
    p.add_argument("--out", default=os.path.join("docs", "images", "metrics_pix2pix_mnistm.png"))
    args = p.parse_args()
    src, labels = kg.data.load_arrays("mnist-32", split="test")
    ref, _ = kg.data.load_arrays("mnist-m", split="test")
    first = [int(np.flatnonzero(labels == k)[0]) for k in range(10)]  # the first test digit of each class
    a = src[first].astype("float32") / 127.5 - 1.0
    b = ref[first].astype("float32") / 127.5 - 1.0
    fake = kg.zoo.load(args.preset).predict(a, verbose=0)
    grid = make_grid(np.concatenate([a, fake, b]), rows=3)
    save_image(grid, args.out)
    print(f"wrote {args.out}: rows = input, {args.preset}, real MNIST-M")


if __name__ == "__main__":
    main()
