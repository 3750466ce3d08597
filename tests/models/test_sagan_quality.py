"""Slow: SAGAN against the book DCGAN at the same CPU budget on mnist-5k (issue 24; run with `make test-slow`).

Goal: FID-MNIST(SAGAN) ≤ 0.9 × FID-MNIST(DCGAN), both trained with their defaults (batch 64, seed 0) for the
same CPU seconds of this process (`time.process_time()`, every thread counted; SAGAN_CPU_SECONDS, default
1,200 each), scored on 4,500 samples against the held-out mnist-5k test split (docs/metrics.md).
"""
import json
import os
import time

import keras
import pytest

import keras_gans as kg

CPU_SECONDS = float(os.environ.get("SAGAN_CPU_SECONDS", 1200))


class CPUBudget(keras.callbacks.Callback):
    """Stops `fit` once this process has used `seconds` of CPU time since training began."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        if time.process_time() - self.start >= self.seconds:
            self.model.stop_training = True


def _train_and_score(model):
    keras.utils.set_random_seed(0)
    model.compile()
    budget = CPUBudget(CPU_SECONDS)
    t0 = time.time()
    model.fit(kg.data.load("mnist-5k", batch_size=64, seed=0, repeat=True), epochs=1, steps_per_epoch=10**6,
              callbacks=[budget], verbose=0)
    scores = kg.metrics.evaluate_generator(model, metrics=("fid",), n_samples=4500, seed=0)
    return {"model": type(model).__name__, "steps": int(model.g_optimizer.iterations),
            "cpu_seconds": round(time.process_time() - budget.start, 1), "wall_seconds": round(time.time() - t0, 1),
            "fid_mnist": round(float(scores["fid"]), 2)}


@pytest.mark.slow
def test_sagan_beats_dcgan_at_the_same_cpu_budget():
    dcgan = _train_and_score(kg.models.DCGAN(seed=0))
    sagan = _train_and_score(kg.models.SAGAN(seed=0))
    print(json.dumps({"cpu_budget": CPU_SECONDS, "dcgan": dcgan, "sagan": sagan}))
    assert sagan["fid_mnist"] <= 0.9 * dcgan["fid_mnist"], (dcgan, sagan)
