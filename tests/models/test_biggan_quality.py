"""Slow: BigGAN (small) trained on mnist-5k draws the digit it is asked for (issue 24; run with `make test-slow`).

Goal: 1,000 samples (100 per label) read as the requested label ≥ 95% of the time, every class ≥ 90%, by the
judge of tests/helpers.py (as the CGAN test; the shipped classifier's number is printed too); FID-MNIST
(4,500 samples, docs/metrics.md) at most the `cgan_mnist` preset's card value (read from the card: 0.76 since
the preset was retrained; 21.6 before).

It trains the `biggan_mnist` preset's recipe (`keras-gans train biggan --precision bfloat16 --ema-decay 0.99
--d-lr 4e-4 --g-lr 4e-4`, 20 epochs; `BIGGAN_EPOCHS` changes it). With the model's own defaults instead (the paper's
TTUR, G 1e-4 and D 4e-4, float32) 10 epochs gave label accuracy 27.8%; the preset's run of this recipe gave 0.996
(worst class 0.99) by the shipped classifier and FID-MNIST 1.71, above the CGAN preset's 0.76.
"""
import json
import os
import time

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans import recipes
from helpers import digit_quality, judge_accuracy, label_accuracy

EPOCHS = int(os.environ.get("BIGGAN_EPOCHS", 20))


@pytest.mark.slow
def test_biggan_samples_are_digits_of_the_requested_class():
    cgan_preset_fid = kg.zoo.sampler("cgan_mnist").metadata["metrics"]["fid_mnist"]["value"]
    keras.utils.set_random_seed(0)    # as `keras-gans train` does
    recipe = recipes.get("biggan")
    args = recipe.args(dataset="mnist-5k", epochs=EPOCHS, precision="bfloat16", ema_decay=0.99, d_lr=4e-4, g_lr=4e-4)
    gan, ds, _ = recipe.build(args)
    t0 = time.time()
    gan.fit(ds, epochs=EPOCHS, verbose=0)
    seconds = time.time() - t0
    labels = np.arange(1000) % 10
    images = gan.generate(1000, seed=1, labels=labels)
    quality = digit_quality(images)
    by_label = label_accuracy(images, labels)
    shipped = kg.metrics.evaluate_label_accuracy(gan, n_samples=1000, seed=1)
    fid = float(kg.metrics.evaluate_generator(gan, metrics=("fid",), n_samples=4500, seed=0)["fid"])
    report = {"model": "BigGAN", "epochs": EPOCHS, "steps": int(gan.g_optimizer.iterations),
              "train_seconds": round(seconds, 1), "mean_max_prob": round(quality["mean_max_prob"], 3),
              "label_accuracy": round(by_label["accuracy"], 3), "worst_class_accuracy": round(by_label["worst_class"], 3),
              "shipped_classifier_label_accuracy": round(shipped["label_accuracy"], 3),
              "fid_mnist": round(fid, 2), "cgan_preset_fid_mnist": round(cgan_preset_fid, 2),
              "judge_test_accuracy": round(judge_accuracy(), 3), "attention_gammas": gan.attention_gammas()}
    print(json.dumps(report))
    assert by_label["accuracy"] >= 0.95, report
    assert by_label["worst_class"] >= 0.90, report
    assert fid <= cgan_preset_fid, report
