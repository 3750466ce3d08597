"""Slow: InfoGAN trained on mnist-5k without labels learns the digit in its categorical code (issue 24's goal:
the best code → digit assignment reaches ≥ 90% accuracy on samples).

Protocol: 1,000 samples, categorical code 0–9 cycling (100 per value), z and continuous codes drawn with seed 1;
the digit judge of tests/helpers.py reads each sample; the confusion matrix of code value × judged digit is
matched one-to-one by the Hungarian algorithm (`kg.metrics.best_assignment_accuracy`, maximising the matches);
accuracy = matched samples / 1,000. The code traversal picture (each row a code value, each column continuous
code 0 or 1 from −2 to 2) is written to `INFOGAN_PICTURES` (default: the test's temp folder) for the other half
of the goal: the continuous codes change width and slant, judged by eye.

Run with `make test-slow` or `pytest -m slow tests/models/test_infogan_quality.py`; `INFOGAN_EPOCHS` changes the
length of the run. Written with the model; not yet run (no CPU budget in that session).
"""
import json
import os
import time

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.metrics import best_assignment_accuracy
from helpers import digit_quality, judge_accuracy

EPOCHS = int(os.environ.get("INFOGAN_EPOCHS", 20))


@pytest.mark.slow
def test_infogan_categorical_code_learns_the_digit(tmp_path):
    keras.utils.set_random_seed(0)
    gan = kg.models.InfoGAN(seed=0)         # the defaults: the paper's networks, λ_cat = 1, λ_cont = 0.1
    gan.compile()
    t0 = time.time()
    history = gan.fit(kg.data.load("mnist-5k", batch_size=64, seed=0), epochs=EPOCHS, verbose=0)
    seconds = time.time() - t0
    codes = np.arange(1000) % 10
    images = gan.generate(1000, seed=1, category=codes)
    quality = digit_quality(images)
    accuracy, mapping = best_assignment_accuracy(codes, quality["predictions"], 10, 10)

    pictures = os.environ.get("INFOGAN_PICTURES", str(tmp_path))
    os.makedirs(pictures, exist_ok=True)
    from keras_gans.utils.images import make_grid, save_image

    for code in range(gan.continuous_codes):
        grid = gan.code_traversal(code=code, steps=10, seed=2)
        save_image(make_grid(grid.reshape((-1,) + grid.shape[2:]), rows=grid.shape[0]),
                   os.path.join(pictures, f"infogan_continuous_{code}.png"))
    report = {"model": "InfoGAN", "epochs": EPOCHS, "steps": int(gan.g_optimizer.iterations),
              "train_seconds": round(seconds, 1), "assignment_accuracy": round(accuracy, 3), "code_to_digit": mapping,
              "mean_max_prob": round(quality["mean_max_prob"], 3), "n_classes": quality["n_classes"],
              "category_acc_last_epoch": round(float(history.history["category_acc"][-1]), 3),
              "judge_test_accuracy": round(judge_accuracy(), 3), "pictures": pictures}
    print(json.dumps(report))
    assert quality["mean_max_prob"] >= 0.8, report
    assert accuracy >= 0.9, report
