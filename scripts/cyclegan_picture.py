"""Draws docs/images/cyclegan_mnist_mnistm.png: both round trips of a CycleGAN on the first test digit of each class.

    python scripts/cyclegan_picture.py [--model cyclegan_mnist_mnistm] [--out docs/images/cyclegan_mnist_mnistm.png]

Rows: A (test digits 0–9), G(A) (→ MNIST-M), F(G(A)) (back), B (the same digits' real MNIST-M
renderings), F(B) (→ digits), G(F(B)) (back). `--model` is a preset name or a `.keras` file.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.utils import make_grid, save_image  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="cyclegan_mnist_mnistm")
    p.add_argument("--out", default=os.path.join("docs", "images", "cyclegan_mnist_mnistm.png"))
    args = p.parse_args()
    from keras_gans.cli.common import load_gan

    model = load_gan(args.model)
    src, labels = kg.data.load_arrays("mnist-32", split="test")
    ref, _ = kg.data.load_arrays("mnist-m", split="test")
    first = [int(np.flatnonzero(labels == k)[0]) for k in range(10)]  # the first test digit of each class
    rows = model.preview_rows(src[first], ref[first])
    save_image(make_grid(np.concatenate(rows), rows=len(rows)), args.out)
    print(f"wrote {args.out}: rows = A, G(A), F(G(A)), B, F(B), G(F(B))")


if __name__ == "__main__":
    main()
