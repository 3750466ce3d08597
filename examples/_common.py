"""Shared helpers of the example scripts: arguments, output folder, pictures, result records.

Every example has `main(argv=None)`, a `--quick` mode (a few seconds of compute: it checks the
script end to end, not the chapter's result) and a full mode that reproduces the chapter.
"""
import argparse
import json
import os
import time

import numpy as np


def parser(description, name):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny run (seconds) that checks the script end to end")
    p.add_argument("--out", default=os.path.join("runs", "examples", name), help="output folder")
    p.add_argument("--seed", type=int, default=0)
    return p


def setup(args):
    """Creates the output folder, seeds Keras, returns the start time."""
    import keras

    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    return time.time()


def save_grid(images, path, rows=None, scale=1):
    """Saves images in [-1, 1] as one PNG grid."""
    from keras_gans.utils.images import make_grid, save_image

    grid = make_grid(np.asarray(images), rows=rows)
    if scale > 1:
        grid = np.kron(grid, np.ones((scale, scale) + (1,) * (grid.ndim - 2), np.uint8))
    save_image(grid, path)
    print(f"wrote {path}")
    return path


def report(args, start, **results):
    """Prints the results and writes them, with the arguments and the wall time, to results.json."""
    results = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in results.items()}
    record = {"args": vars(args), "seconds": round(time.time() - start, 1), "results": results}
    path = os.path.join(args.out, "results.json")
    with open(path, "w") as f:
        json.dump(record, f, indent=2, default=str)
    for key, value in results.items():
        print(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}")
    print(f"({record['seconds']} s; results in {path})")
    return record


def fid_mnist(gan, n_samples, seed=0):
    """FID-MNIST / IS-MNIST against the held-out mnist-5k test split (see docs/metrics.md)."""
    import keras_gans as kg

    scores = kg.metrics.evaluate_generator(gan, metrics=("fid", "is"), n_samples=n_samples, seed=seed)
    return float(scores["fid"]), float(scores["is"])
