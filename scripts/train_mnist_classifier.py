"""Trains the MNIST classifier shipped as keras_gans/assets/mnist_classifier.weights.h5.

    .venv/bin/python scripts/train_mnist_classifier.py [--epochs 40] [--seed 0] [--out keras_gans/assets]

Data: the mnist-5k *train* split only (4,500 images). The fixed mnist-5k *test* split (500 images,
50 per digit) is touched once, after training, to measure held-out accuracy; nothing is selected
on it (fixed epoch count, last weights). Augmentation (random shifts up to ±2 px, rotations up to
±10°, zoom ±10%) stands in for the 55,000 images full MNIST would have. Writes the weights file
atomically and a JSON record of the run (`mnist_classifier.json`) next to it.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans.data import load_arrays  # noqa: E402
from keras_gans.metrics.mnist import WEIGHTS_FILE, build_mnist_classifier  # noqa: E402
from keras_gans.utils.io import atomic_path  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "keras_gans", "assets"))
    args = p.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    x_train, y_train = load_arrays("mnist-5k", split="train")
    x_test, y_test = load_arrays("mnist-5k", split="test")
    x_train = x_train.astype("float32") / 127.5 - 1.0
    x_test = x_test.astype("float32") / 127.5 - 1.0
    print(f"train {x_train.shape}, test {x_test.shape}", flush=True)

    augment = keras.Sequential([
        keras.layers.RandomRotation(10 / 360, fill_mode="constant", fill_value=-1.0, seed=args.seed),
        keras.layers.RandomZoom(0.1, fill_mode="constant", fill_value=-1.0, seed=args.seed + 1),
        keras.layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", fill_value=-1.0, seed=args.seed + 2),
    ])
    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
             .shuffle(len(x_train), seed=args.seed, reshuffle_each_iteration=True)
             .batch(args.batch_size)
             .map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
             .prefetch(tf.data.AUTOTUNE))

    model = build_mnist_classifier()
    steps = args.epochs * int(np.ceil(len(x_train) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.lr, decay_steps=steps, alpha=0.01)
    model.compile(keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.time()
    model.fit(train, epochs=args.epochs, verbose=2)
    seconds = time.time() - start
    probs = model.predict(x_test, verbose=0)
    accuracy = float((probs.argmax(-1) == y_test).mean())
    train_acc = float((model.predict(x_train, verbose=0).argmax(-1) == y_train).mean())
    print(f"held-out accuracy (mnist-5k test, 500 images): {accuracy:.4f}; train accuracy {train_acc:.4f}; "
          f"{seconds:.0f} s", flush=True)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, WEIGHTS_FILE)
    # Save from an uncompiled copy: no optimizer state in the shipped file (~0.5 MB instead of 1.5 MB).
    clean = build_mnist_classifier()
    clean.set_weights(model.get_weights())
    with atomic_path(path) as tmp:
        clean.save_weights(tmp)
    record = {
        "weights": WEIGHTS_FILE,
        "command": "python scripts/train_mnist_classifier.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
        "train_data": "mnist-5k split='train' (4,500 images)",
        "test_data": "mnist-5k split='test' (500 images, 50 per digit)",
        "test_accuracy": accuracy, "train_accuracy": train_acc,
        "test_errors": int((probs.argmax(-1) != y_test).sum()),
        "parameters": int(model.count_params()),
        "train_seconds": round(seconds, 1),
        "versions": {"keras": keras.__version__, "tensorflow": tf.__version__},
    }
    with atomic_path(os.path.join(args.out, "mnist_classifier.json")) as tmp:
        with open(tmp, "w") as f:
            json.dump(record, f, indent=2)
    print(json.dumps(record, indent=2))
    return 0 if accuracy >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
