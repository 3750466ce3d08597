"""Slow: bfloat16 does not cost quality. The book DCGAN trained for the same steps in float32 and in
mixed bfloat16; FID-MNIST of bfloat16 within 10% of float32's (or better). Run with `make test-slow`."""
import json
import os
import time

import keras
import pytest

import keras_gans as kg

EPOCHS = 14  # as tests/models/test_dcgan_quality.py: ~1,100 steps of batch 64 on mnist-5k


def _train(policy, seed):
    keras.utils.set_random_seed(seed)
    gan = kg.models.DCGAN(seed=seed, dtype_policy=policy)
    gan.compile()
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(kg.data.load("mnist-5k", batch_size=64, seed=seed), epochs=EPOCHS, verbose=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    fid = float(kg.metrics.evaluate_generator(gan, metrics=("fid",))["fid"])
    print(json.dumps({"policy": policy, "seed": seed, "epochs": EPOCHS, "fid_mnist": round(fid, 2),
                      "train_wall_s": round(wall, 1), "train_cpu_s": round(cpu, 1),
                      "load": [round(x, 2) for x in os.getloadavg()]}), flush=True)
    return fid


@pytest.mark.slow
def test_bfloat16_book_dcgan_reaches_float32_fid():
    fid32 = _train("float32", seed=0)
    fid16 = _train("mixed_bfloat16", seed=0)
    assert fid16 <= 1.10 * fid32, (fid16, fid32)
