"""ProGAN probe: the slow test's run (tests/models/test_progan.py, MNIST_32_RECIPE's earlier phases), but the
32-px stable phase runs STABLE32 images and the generator is scored with the test's digit judge at each
image count in CHECKS: the EMA 0.99 generator (what the test scores), the raw generator, and EMAs of
decay 0.995 / 0.999 started from the 0.99 EMA when the 32-px stable phase begins. One run shows how many
images that phase needs (docs/tutorials/progan.md).

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 STABLE32=53600 \
        CHECKS=26720,31200,35680,40160,44640,49120,53600 .venv/bin/python scripts/progan_probe.py
"""
import os, sys, time, json
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import numpy as np, keras, tensorflow as tf
import keras_gans as kg
from keras_gans.models.progan import ProGAN, ProGANSchedule
from keras_gans.recipes.progan import MNIST_32_RECIPE as R
from helpers import digit_quality, digit_classifier

STABLE32 = int(os.environ.get("STABLE32", 53600))
CHECKS = [int(x) for x in os.environ.get("CHECKS", "26720,31200,35680,40160,44640,49120,53600").split(",")]
digit_classifier()   # build the judge before seeding, so the run matches the test's

def score(gan):
    images = gan.generate(1000, seed=1)
    small = tf.image.resize(images, (28, 28), method="area").numpy()
    q = digit_quality(small)
    return round(q["mean_max_prob"], 4), q["n_classes"]

class Probe(keras.callbacks.Callback):
    def __init__(self, gan):
        super().__init__(); self.gan = gan; self.extra = None; self.results = []
    def active(self):
        return self.gan.resolution == 32 and self.gan.phase == "stable"
    def on_train_begin(self, logs=None):
        if self.active() and self.extra is None:
            w = [v.numpy() for v in self.gan.ema_generator.trainable_variables]
            self.extra = {d: [x.copy() for x in w] for d in (0.995, 0.999)}
    def on_train_batch_end(self, batch, logs=None):
        if not self.active():
            return
        raw = [v.numpy() for v in self.gan.generator.trainable_variables]
        for d, avg in self.extra.items():
            for a, r in zip(avg, raw):
                a *= d; a += (1 - d) * r
        n = int(self.gan.phase_images.numpy())
        if n in CHECKS:
            ema = self.gan.ema_generator
            saved = [v.numpy() for v in ema.trainable_variables]
            row = {"images": n, "cpu": round(time.process_time(), 1), "ema099": score(self.gan)}
            for d, avg in self.extra.items():
                for v, a in zip(ema.trainable_variables, avg): v.assign(a)
                row[f"ema{d}"] = score(self.gan)
            for v, a in zip(ema.trainable_variables, raw): v.assign(a)
            row["raw"] = score(self.gan)
            for v, a in zip(ema.trainable_variables, saved): v.assign(a)
            self.results.append(row)
            print("CHECK", json.dumps(row), flush=True)

keras.utils.set_random_seed(0)
gan = ProGAN(4, 32, latent_dim=R["latent_dim"], filters=R["filters"], ema_decay=R["ema_decay"], seed=0)
gan.compile()
data = kg.data.load("mnist-5k", batch_size=64, image_size=(32, 32), seed=0)
schedule = ProGANSchedule(transition_images=R["transition_images"],
                          stable_images={**R["stable_images"], 32: STABLE32}, batch_sizes=R["batch_size"])
probe = Probe(gan)
t0, c0 = time.perf_counter(), time.process_time()
z = gan.latent(10, seed=0)
for phase in gan.phases(schedule):
    gan.fit_schedule(data, schedule, stop_after=(phase.resolution, phase.kind), verbose=0, callbacks=[probe])
    if phase.kind == "stable":
        gan.generate(z=z)
    print("phase done", phase, gan.phase_times[-1], flush=True)
print(f"total {time.perf_counter()-t0:.1f} s wall {time.process_time()-c0:.1f} s CPU")
