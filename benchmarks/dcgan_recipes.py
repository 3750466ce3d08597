"""Which DCGAN recipe reaches the lowest FID-MNIST per CPU second? (issue 25; results in docs/tutorials/dcgan.md)

    .venv/bin/python benchmarks/dcgan_recipes.py [--epochs 60] [--eval-every 5] [--update simultaneous]
        [--precision mixed_bfloat16] [--augment translation,cutout] [--batch 64] [--lr 2e-4] [--seed 0]

Trains the book DCGAN on mnist-5k with `fit` and, every `--eval-every` epochs, prints one JSON line:
epochs, training CPU seconds (process time, evaluation excluded), wall seconds, FID-MNIST (4,500
samples, z seed 0) of the raw generator and of three EMA copies (decays 0.99, 0.995, 0.999, each with
the warm-up min(decay, (1 + t) / (10 + t)) of tf.train.ExponentialMovingAverage, t = steps), and the
last losses. `--augment` puts DiffAugment in front of D (same policy on real and fake images).
"""
import argparse, os, time, json
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
import keras_gans as kg
from keras_gans.models import DCGAN
from keras_gans.training.ema import ema_copy, ema_update
from keras_gans.metrics import evaluate_generator

p = argparse.ArgumentParser()
p.add_argument("--update", default="simultaneous")
p.add_argument("--precision", default="mixed_bfloat16")
p.add_argument("--epochs", type=int, default=60)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=2e-4)
p.add_argument("--glr", type=float, default=None)
p.add_argument("--eval-every", type=int, default=5)
p.add_argument("--dropout", type=float, default=0.0)
p.add_argument("--d-batch", default="separate")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--arch", default="book")
p.add_argument("--augment", default="")
a = p.parse_args()

class EMADCGAN(DCGAN):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.decays = [0.99, 0.995, 0.999]
        self.emas = [ema_copy(self.generator) for _ in self.decays]
        self.t = keras.Variable(0.0, trainable=False)
    def train_step(self, data):
        logs = super().train_step(data)
        self.t.assign_add(1.0)
        for d, e in zip(self.decays, self.emas):   # the package's warm-up, counted from t = 1 as this benchmark always did
            ema_update(e.weights, self.generator.weights, d, step=self.t)
        return logs

keras.utils.set_random_seed(a.seed)
kw = {}
if a.augment:
    from keras_gans.networks import dcgan_nets
    from keras_gans.layers import DiffAugment
    d0 = dcgan_nets.book_dcgan_discriminator((28, 28, 1), dropout=a.dropout)
    inp = keras.Input((28, 28, 1))
    kw["discriminator"] = keras.Model(inp, d0(DiffAugment(a.augment, seed=a.seed)(inp)))
gan = EMADCGAN(image_shape=(28, 28, 1), latent_dim=100, seed=a.seed, **kw, update=a.update,
               dtype_policy=a.precision, discriminator_dropout=a.dropout, d_batch=a.d_batch, architecture=a.arch)
glr = a.glr or a.lr
gan.compile(d_optimizer=keras.optimizers.Adam(a.lr, beta_1=0.5), g_optimizer=keras.optimizers.Adam(glr, beta_1=0.5))
ds = kg.data.load("mnist-5k", batch_size=a.batch)
cpu0 = time.process_time(); w0 = time.time(); excl = 0.0
rows = []
class CB(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        global excl
        if (epoch + 1) % a.eval_every: return
        t = time.process_time()
        r = {"epoch": epoch + 1, "train_cpu": round(t - cpu0 - excl, 1), "wall": round(time.time() - w0, 1)}
        raw = evaluate_generator(lambda n: keras.ops.convert_to_numpy(gan.generator(gan.latent(n, seed=0), training=False)), metrics=("fid",), n_samples=4500)["fid"]
        r["fid_raw"] = round(raw, 3)
        for d, g in zip(gan.decays, gan.emas):
            e = evaluate_generator(lambda n: np.concatenate([keras.ops.convert_to_numpy(g(gan.latent(n, seed=0)[i:i+500], training=False)) for i in range(0, n, 500)]), metrics=("fid",), n_samples=4500)["fid"]
            r[f"ema{d}"] = round(e, 3)
        r["d_loss"] = round(float(logs["d_loss"]), 3); r["g_loss"] = round(float(logs["g_loss"]), 3)
        print(json.dumps(r), flush=True)
        rows.append(r)
        excl += time.process_time() - t
gan.fit(ds, epochs=a.epochs, verbose=0, callbacks=[CB()])
print("CONFIG", vars(a))
