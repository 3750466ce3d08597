"""Slow: the book DCGAN trained on mnist-5k makes digits (run with `make test-slow`)."""
import json
import time

import keras
import pytest

import keras_gans as kg
from helpers import digit_quality, judge_accuracy

EPOCHS = 14


def _train(update):
    keras.utils.set_random_seed(0)
    gan = kg.models.DCGAN(seed=0, update=update)
    gan.compile()
    t0 = time.time()
    gan.fit(kg.data.load("mnist-5k", batch_size=64, seed=0), epochs=EPOCHS, verbose=0)
    seconds = time.time() - t0
    quality = digit_quality(gan.generate(1000, seed=123))
    report = {"update": update, "epochs": EPOCHS, "train_seconds": round(seconds, 1),
              "mean_max_prob": round(quality["mean_max_prob"], 3), "n_classes": quality["n_classes"],
              "judge_test_accuracy": round(judge_accuracy(), 3)}
    print(json.dumps(report))
    return quality


@pytest.mark.slow
@pytest.mark.parametrize("update", ["alternating", "simultaneous"])
def test_book_dcgan_makes_recognisable_digits(update):
    quality = _train(update)
    assert quality["mean_max_prob"] >= 0.8, quality["mean_max_prob"]
    assert quality["n_classes"] >= 8, quality["n_classes"]
