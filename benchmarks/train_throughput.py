"""Training throughput of the book DCGAN (GANs in Action ch. 4) on mnist-5k: ours vs a keras-io-style loop.

The reference is written here, in the style of keras-io's "DCGAN overriding train_step": one
`keras.Model` whose `train_step` runs the discriminator on `concat([fake, real])` with 0/1 labels
and BCE, then the generator through D. Both use the same networks, optimizers (Adam 2e-4, β1 0.5),
batch and data pipeline, and both are driven by `fit`. Runs are interleaved (reference, ours,
reference, ...) so that machine load affects both alike; the first epoch of each run (tracing) is
not timed. Prints images/second for each configuration and its ratio to the reference.

    python benchmarks/train_throughput.py                 # default comparison + options
    python benchmarks/train_throughput.py --quick         # fewer steps
"""
import argparse
import json
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans import networks  # noqa: E402


class KerasIOStyleGAN(keras.Model):
    """The keras-io DCGAN pattern (fchollet), with the book's networks; logits + BCE(from_logits)."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        generated = self.generator(z, training=True)
        combined = ops.concatenate([generated, real_images], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        misleading = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(misleading, self.discriminator(self.generator(z, training=True), training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


def make(kind, **compile_kwargs):
    keras.utils.set_random_seed(0)
    g, d = networks.book_dcgan_generator(), networks.book_dcgan_discriminator()
    adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)  # noqa: E731
    if kind == "reference":
        m = KerasIOStyleGAN(d, g, 100)
        m.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
        return m
    m = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=100, seed=0, update=kind)
    m.compile(d_optimizer=adam(), g_optimizer=adam(), **compile_kwargs)
    return m


def images_per_second(model, ds, steps, epochs, batch_size):
    times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t)

    model.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=0, callbacks=[Clock()])
    timed = times[1:]  # epoch 1 includes tracing
    return steps * batch_size * len(timed) / sum(timed)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=40, help="steps per timed epoch")
    p.add_argument("--epochs", type=int, default=4, help="epochs per run (the first is not timed)")
    p.add_argument("--repeats", type=int, default=2, help="interleaved repetitions of every configuration")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--configs", default="alternating,simultaneous,spe8,xla",
                   help="comma list from: alternating, simultaneous, spe8 (steps_per_execution=8), xla (jit_compile)")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--threads", default=None, metavar="INTRA,INTER",
                   help="TensorFlow intra-op and inter-op thread counts for the whole run (default: TF's own)")
    args = p.parse_args()
    if args.threads:
        intra, inter = (int(v) for v in args.threads.split(","))
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    if args.quick:
        args.steps, args.epochs, args.repeats = 15, 3, 1
    ds = kg.data.load("mnist-5k", batch_size=args.batch_size, repeat=True)
    configs = {
        "alternating": ("alternating", {}),
        "simultaneous": ("simultaneous", {}),
        "spe8": ("alternating", {"steps_per_execution": 8}),
        "xla": ("alternating", {"jit_compile": True}),
    }
    chosen = ["reference"] + [c for c in args.configs.split(",") if c]
    results = {c: [] for c in chosen}
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, intra-op threads "
          f"{tf.config.threading.get_intra_op_parallelism_threads() or 'default'}, inter-op "
          f"{tf.config.threading.get_inter_op_parallelism_threads() or 'default'}; batch {args.batch_size}, "
          f"{args.steps} steps x {args.epochs - 1} timed epochs x {args.repeats} repeats")
    for r in range(args.repeats):
        for c in chosen:
            if c == "reference":
                model = make("reference")
            else:
                kind, kw = configs[c]
                model = make(kind, **kw)
            ips = images_per_second(model, ds, args.steps, args.epochs, args.batch_size)
            results[c].append(ips)
            print(f"  repeat {r + 1}: {c:<13s} {ips:8.1f} images/s", flush=True)
    ref = float(np.median(results["reference"]))
    print("\nconfiguration   images/s   ratio vs keras-io-style reference")
    summary = {}
    for c in chosen:
        v = float(np.median(results[c]))
        summary[c] = {"images_per_second": v, "ratio": v / ref}
        print(f"{c:<15s} {v:8.1f}   {v / ref:5.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
