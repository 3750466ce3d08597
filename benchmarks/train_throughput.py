"""Training throughput of the book DCGAN (GANs in Action ch. 4) on mnist-5k: ours vs a keras-io-style loop.

The reference is written here, in the style of keras-io's "DCGAN overriding train_step": one
`keras.Model` whose `train_step` runs the discriminator on `concat([fake, real])` with 0/1 labels
and BCE, then the generator through D. Both use the same networks, optimizers (Adam 2e-4, β1 0.5),
batch and data pipeline, and both are driven by `fit`. Runs are interleaved (reference, ours,
reference, ...) in rounds of one epoch each, so that machine load affects both alike; tracing is
not timed. Prints images per wall second and per CPU second for each configuration and the
medians of its per-round ratios to the reference. On a shared VM (host steal time) wall time
swings by 2x between rounds; the CPU ratio is the stable figure.

Configuration "joint" runs the reference's algorithm exactly (one D call on real + fake);
our default, d_batch="separate", calls D on each half (the book), which costs the same.

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


def make(kind, d_batch="separate", **compile_kwargs):
    keras.utils.set_random_seed(0)
    g, d = networks.book_dcgan_generator(), networks.book_dcgan_discriminator()
    adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)  # noqa: E731
    if kind == "reference":
        m = KerasIOStyleGAN(d, g, 100)
        m.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
        return m
    m = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=100, seed=0, update=kind, d_batch=d_batch)
    m.compile(d_optimizer=adam(), g_optimizer=adam(), **compile_kwargs)
    return m


def timed_epoch(model, ds, steps, batch_size):
    """(images per wall second, images per CPU second) of one `fit` epoch of `steps` steps.

    CPU time is the process' user + system time over all threads: on a shared VM whose vCPUs are
    sometimes taken by the host (steal time), wall time swings by 2x while CPU time measures the
    work done.
    """
    clock = EpochClock()
    model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[clock])
    n = steps * batch_size
    return n / clock.wall, n / clock.cpu


class EpochClock(keras.callbacks.Callback):
    """Wall and CPU time of the epoch itself: the training steps, not `fit`'s one-off set-up
    (iterator creation, callbacks, and our `fit`'s data check, which reads one batch once per call)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.t, self.c = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.wall, self.cpu = time.perf_counter() - self.t, time.process_time() - self.c


def paired_rounds(models, ds, steps, batch_size, rounds):
    """Times `rounds` rounds of one `steps`-step epoch per model (the first is the reference), prints each
    round and the medians, and returns `{name: {images_per_second, ratio, ..., cpu_ratio, ...}}`.

    Rounds visit the models in a rotating order, and each ratio is taken against the reference epoch
    of the same round (a paired design: load that drifts during the run affects both sides alike).
    """
    chosen = list(models)
    reference = chosen[0]
    results, ratios = {c: [] for c in chosen}, {c: [] for c in chosen}
    cpu_results, cpu_ratios = {c: [] for c in chosen}, {c: [] for c in chosen}
    for r in range(rounds):
        order = chosen[r % len(chosen):] + chosen[:r % len(chosen)]
        measured = {c: timed_epoch(models[c], ds, steps, batch_size) for c in order}
        for c in chosen:
            (wall, cpu), (ref_wall, ref_cpu) = measured[c], measured[reference]
            results[c].append(wall)
            ratios[c].append(wall / ref_wall)
            cpu_results[c].append(cpu)
            cpu_ratios[c].append(cpu / ref_cpu)
        print(f"  round {r + 1}: " + ", ".join(f"{c} {measured[c][0]:.0f} ({measured[c][1]:.0f}/CPU-s)"
                                              for c in chosen) + " images/s", flush=True)
    print(f"\nmedians of {rounds} paired rounds (range of the per-round ratio in brackets; ratio = images/s "
          f"against {reference!r})")
    print(f"{'configuration':<22s} {'images/s':>9s} {'ratio':>17s}   {'images/CPU-s':>12s} {'CPU ratio':>17s}")
    summary = {}
    for c in chosen:
        v, q, vc, qc = float(np.median(results[c])), ratios[c], float(np.median(cpu_results[c])), cpu_ratios[c]
        summary[c] = {"images_per_second": v, "ratio": float(np.median(q)), "ratio_min": min(q), "ratio_max": max(q),
                      "images_per_cpu_second": vc, "cpu_ratio": float(np.median(qc)),
                      "cpu_ratio_min": min(qc), "cpu_ratio_max": max(qc)}
        print(f"{c:<22s} {v:9.1f} {np.median(q):5.2f} ({min(q):.2f}-{max(q):.2f})   "
              f"{vc:12.1f} {np.median(qc):5.2f} ({min(qc):.2f}-{max(qc):.2f})")
    return summary


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=40, help="steps per timed epoch")
    p.add_argument("--rounds", type=int, default=8, help="rounds of one timed epoch per configuration")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--configs", default="alternating,joint,simultaneous,spe8,xla",
                   help="comma list from: alternating, simultaneous (both with the default d_batch='separate'), "
                        "joint (alternating with d_batch='joint': the reference's algorithm exactly), "
                        "simultaneous-joint, spe8 (steps_per_execution=8), xla (jit_compile)")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--threads", default=None, metavar="INTRA,INTER",
                   help="TensorFlow intra-op and inter-op thread counts for the whole run (default: TF's own)")
    args = p.parse_args()
    if args.threads:
        intra, inter = (int(v) for v in args.threads.split(","))
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    if args.quick:
        args.steps, args.rounds = 15, 3
    ds = kg.data.load("mnist-5k", batch_size=args.batch_size, repeat=True)
    configs = {
        "alternating": ("alternating", {}),
        "joint": ("alternating", {"d_batch": "joint"}),
        "simultaneous": ("simultaneous", {}),
        "simultaneous-joint": ("simultaneous", {"d_batch": "joint"}),
        "spe8": ("alternating", {"steps_per_execution": 8}),
        "xla": ("alternating", {"jit_compile": True}),
    }
    chosen = ["reference"] + [c for c in args.configs.split(",") if c]
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, intra-op threads "
          f"{tf.config.threading.get_intra_op_parallelism_threads() or 'default'}, inter-op "
          f"{tf.config.threading.get_inter_op_parallelism_threads() or 'default'}; batch {args.batch_size}, "
          f"{args.steps} steps per timed epoch, {args.rounds} rounds")
    models = {}
    for c in chosen:  # build and trace every configuration first (not timed)
        kind, kw = ("reference", {}) if c == "reference" else configs[c]
        models[c] = make(kind, **kw)
        models[c].fit(ds, epochs=1, steps_per_epoch=3, verbose=0)
    summary = paired_rounds(models, ds, args.steps, args.batch_size, args.rounds)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
