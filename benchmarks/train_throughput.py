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

Precision (issue 23): "bf16" is ours, alternating, under `dtype_policy="mixed_bfloat16"` (tanh output and
D logits in float32), "bf16+simultaneous" the same with simultaneous updates; the reference stays a float32
keras-io loop, so their ratios are the speed-up over plain float32 Keras. `--network radford64` times the
64x64x3 Radford DCGAN (`kg.networks.radford_generator/radford_discriminator`) on random images (a cached
tf.data of uniform [-1, 1] batches, prefetched) instead of the book's networks on mnist-5k; the reference
loop wraps the same networks.

Wall clock: every configuration also reports "cores busy" = CPU-s / wall-s of its epochs (2.0 = both cores
of a 2-core machine working the whole time). Configuration "plain" is quality.py's plain `tf.function` loop
(no `fit`, no callbacks); "alternating+batchcb" is ours with one per-batch callback that is not async-safe
(quality.py's BudgetCallback), which makes Keras run every batch callback synchronously. The machine load
(`os.getloadavg()`) is printed at the start and the end: compare runs made at a low load only.

    python benchmarks/train_throughput.py                           # book DCGAN: f32 and bf16, both update orders
    python benchmarks/train_throughput.py --network radford64       # 64x64 Radford DCGAN on random images
    python benchmarks/train_throughput.py --configs bf16,bf16+spe8 --intra-threads 2 --inter-threads 1
    python benchmarks/train_throughput.py --configs alternating,plain,alternating+batchcb   # wall-clock question
    python benchmarks/train_throughput.py --quick                   # smoke test: few steps, 2 rounds
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


NETWORKS = {
    # name: (generator, discriminator, image shape)
    "book": (networks.book_dcgan_generator, networks.book_dcgan_discriminator, (28, 28, 1)),
    "radford64": (networks.radford_generator, networks.radford_discriminator, (64, 64, 3)),
}
LATENT = 100


def build_networks(network="book"):
    """(generator, discriminator) of `network`, from seed 0 (every configuration starts from the same weights)."""
    make_g, make_d, shape = NETWORKS[network]
    keras.utils.set_random_seed(0)
    return make_g(latent_dim=LATENT, image_shape=shape), make_d(image_shape=shape)


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def make(kind, network="book", d_batch="separate", dtype_policy="float32", callbacks=(), **compile_kwargs):
    """A compiled model: "reference" (keras-io loop, float32), "plain" (quality.py's tf.function loop, float32)
    or ours with `update=kind`. `callbacks` are extra callbacks its timed epochs run with."""
    g, d = build_networks(network)
    if kind == "reference":
        m = KerasIOStyleGAN(d, g, LATENT)
        m.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    elif kind == "plain":
        m = PlainLoop(g, d)
    else:
        m = kg.models.DCGAN(generator=g, discriminator=d, latent_dim=LATENT, seed=0, update=kind, d_batch=d_batch,
                            dtype_policy=dtype_policy)
        m.compile(d_optimizer=adam(), g_optimizer=adam(), **compile_kwargs)
    m.extra_callbacks = list(callbacks)
    return m


class PlainLoop:
    """benchmarks/quality.py's plain loop: keras-io's DCGAN algorithm as one `tf.function` step called from a
    Python `for` over the dataset (no `fit`, no callbacks, no metrics). `fit` mimics `keras.Model.fit`'s
    signature and epoch callbacks so that it is timed like the others."""

    def __init__(self, g, d):
        self.g, self.d = g, d
        self.d_opt, self.g_opt = adam(), adam()
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        seed = keras.random.SeedGenerator(1)

        @tf.function
        def step(real):
            n = tf.shape(real)[0]
            z = keras.random.normal((n, LATENT), seed=seed)
            fake = g(z, training=True)
            with tf.GradientTape() as tape:
                real_logits = d(real, training=True)
                fake_logits = d(fake, training=True)
                d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
            self.d_opt.apply(tape.gradient(d_loss, d.trainable_variables), d.trainable_variables)
            z = keras.random.normal((n, LATENT), seed=seed)
            with tf.GradientTape() as tape:
                fake_logits = d(g(z, training=True), training=True)
                g_loss = bce(tf.ones_like(fake_logits), fake_logits)
            self.g_opt.apply(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables)
            return d_loss, g_loss

        self.step = step

    def fit(self, ds, epochs=1, steps_per_epoch=1, verbose=0, callbacks=()):
        iterator = iter(ds)
        for epoch in range(epochs):
            for c in callbacks:
                c.on_epoch_begin(epoch)
            for _ in range(steps_per_epoch):
                self.step(next(iterator))
            for c in callbacks:
                c.on_epoch_end(epoch)


class PerBatchCallback(keras.callbacks.Callback):
    """quality.py's BudgetCallback in miniature: reads the CPU clock after every batch. Not async-safe, so
    Keras dispatches every batch callback (our FiniteLossGuard's log check included) synchronously."""

    def on_train_batch_end(self, batch, logs=None):
        self.cpu = time.process_time()


def random_images(shape, batch_size, batches=16, seed=0):
    """A repeated, cached, prefetched tf.data of `batches` batches of uniform [-1, 1] images (seeded)."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1.0, 1.0, (batches * batch_size,) + tuple(shape)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)
    return ds.cache().repeat().prefetch(tf.data.AUTOTUNE)


def timed_epoch(model, ds, steps, batch_size):
    """(images per wall second, images per CPU second) of one `fit` epoch of `steps` steps.

    CPU time is the process' user + system time over all threads: on a shared VM whose vCPUs are
    sometimes taken by the host (steal time), wall time swings by 2x while CPU time measures the
    work done. Their quotient is the number of cores kept busy.
    """
    clock = EpochClock()
    model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0,
              callbacks=[clock] + list(getattr(model, "extra_callbacks", [])))
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
    round and the medians, and returns `{name: {images_per_second, ratio, ..., cpu_ratio, ..., cores_busy}}`.

    Rounds visit the models in a rotating order, and each ratio is taken against the reference epoch
    of the same round (a paired design: load that drifts during the run affects both sides alike).
    `cores_busy` is the median over rounds of the epoch's CPU-s / wall-s.
    """
    chosen = list(models)
    reference = chosen[0]
    results, ratios = {c: [] for c in chosen}, {c: [] for c in chosen}
    cpu_results, cpu_ratios = {c: [] for c in chosen}, {c: [] for c in chosen}
    busy = {c: [] for c in chosen}
    for r in range(rounds):
        order = chosen[r % len(chosen):] + chosen[:r % len(chosen)]
        measured = {c: timed_epoch(models[c], ds, steps, batch_size) for c in order}
        for c in chosen:
            (wall, cpu), (ref_wall, ref_cpu) = measured[c], measured[reference]
            results[c].append(wall)
            ratios[c].append(wall / ref_wall)
            cpu_results[c].append(cpu)
            cpu_ratios[c].append(cpu / ref_cpu)
            busy[c].append(wall / cpu)  # (n / wall-s) / (n / CPU-s) = CPU-s / wall-s
        print(f"  round {r + 1}: " + ", ".join(f"{c} {measured[c][0]:.0f} ({measured[c][1]:.0f}/CPU-s)"
                                              for c in chosen) + " images/s", flush=True)
    print(f"\nmedians of {rounds} paired rounds (range of the per-round ratio in brackets; ratio = images/s "
          f"against {reference!r}; cores = CPU-s / wall-s)")
    print(f"{'configuration':<22s} {'images/s':>9s} {'ratio':>17s}   {'images/CPU-s':>12s} {'CPU ratio':>17s}"
          f" {'cores':>5s}")
    summary = {}
    for c in chosen:
        v, q, vc, qc = float(np.median(results[c])), ratios[c], float(np.median(cpu_results[c])), cpu_ratios[c]
        b = busy[c]
        summary[c] = {"images_per_second": v, "ratio": float(np.median(q)), "ratio_min": min(q), "ratio_max": max(q),
                      "images_per_cpu_second": vc, "cpu_ratio": float(np.median(qc)),
                      "cpu_ratio_min": min(qc), "cpu_ratio_max": max(qc),
                      "cores_busy": float(np.median(b)), "cores_busy_min": min(b), "cores_busy_max": max(b),
                      "rounds": {"images_per_second": results[c], "images_per_cpu_second": cpu_results[c]}}
        print(f"{c:<22s} {v:9.1f} {np.median(q):5.2f} ({min(q):.2f}-{max(q):.2f})   "
              f"{vc:12.1f} {np.median(qc):5.2f} ({min(qc):.2f}-{max(qc):.2f}) {np.median(b):5.2f}")
    return summary


def set_threads(intra=None, inter=None):
    """TensorFlow's intra-op / inter-op pool sizes; must run before the first op (0 or None: TF's default)."""
    if intra:
        tf.config.threading.set_intra_op_parallelism_threads(int(intra))
    if inter:
        tf.config.threading.set_inter_op_parallelism_threads(int(inter))


def thread_description():
    intra = (tf.config.threading.get_intra_op_parallelism_threads() or os.environ.get("TF_NUM_INTRAOP_THREADS")
             or "default")
    inter = (tf.config.threading.get_inter_op_parallelism_threads() or os.environ.get("TF_NUM_INTEROP_THREADS")
             or "default")
    return intra, inter


def load_average():
    return [round(v, 2) for v in os.getloadavg()]


#: Our configurations: (update, extra DCGAN arguments, extra compile arguments, extra callbacks).
CONFIGS = {
    "alternating": ("alternating", {}, {}),
    "joint": ("alternating", {"d_batch": "joint"}, {}),
    "simultaneous": ("simultaneous", {}, {}),
    "simultaneous-joint": ("simultaneous", {"d_batch": "joint"}, {}),
    "spe8": ("alternating", {}, {"steps_per_execution": 8}),
    "xla": ("alternating", {}, {"jit_compile": True}),
    "bf16": ("alternating", {"dtype_policy": "mixed_bfloat16"}, {}),
    "bf16+simultaneous": ("simultaneous", {"dtype_policy": "mixed_bfloat16"}, {}),
    "bf16+spe8": ("alternating", {"dtype_policy": "mixed_bfloat16"}, {"steps_per_execution": 8}),
    "bf16+xla": ("alternating", {"dtype_policy": "mixed_bfloat16"}, {"jit_compile": True}),
    "plain": ("plain", {}, {}),
    "alternating+batchcb": ("alternating", {"callbacks": (PerBatchCallback(),)}, {}),
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--network", choices=sorted(NETWORKS), default="book",
                   help="book: the book's DCGAN on mnist-5k (28x28x1); radford64: the Radford DCGAN on random "
                        "64x64x3 images")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=None,
                   help="steps per timed epoch (default 40 for book, 10 for radford64)")
    p.add_argument("--rounds", type=int, default=8, help="rounds of one timed epoch per configuration (>= 5)")
    p.add_argument("--quick", action="store_true", help="smoke test: 3 steps (or one execution) per epoch, 2 rounds")
    p.add_argument("--configs", default="alternating,simultaneous,bf16,bf16+simultaneous",
                   help="comma list (after the float32 reference) from: " + ", ".join(CONFIGS) + ". "
                        "alternating, simultaneous: ours in float32 with d_batch='separate'; joint: alternating "
                        "with d_batch='joint' (the reference's algorithm exactly); spe8: steps_per_execution=8; "
                        "xla: jit_compile; bf16*: mixed_bfloat16; plain: quality.py's tf.function loop; "
                        "alternating+batchcb: with a synchronous per-batch callback")
    p.add_argument("--steps-per-execution", type=int, default=None, metavar="N",
                   help="passed to compile() of every one of our configurations that does not set its own")
    p.add_argument("--intra-threads", type=int, default=None, help="tf.config.threading intra-op pool size")
    p.add_argument("--inter-threads", type=int, default=None, help="tf.config.threading inter-op pool size")
    p.add_argument("--threads", default=None, metavar="INTRA,INTER", help="both at once (older spelling)")
    p.add_argument("--json", help="also write the results (with the settings and the machine load) here")
    args = p.parse_args(argv)
    if args.threads:
        args.intra_threads, args.inter_threads = (int(v) for v in args.threads.split(","))
    set_threads(args.intra_threads, args.inter_threads)  # before any op
    load_start = load_average()
    if args.steps is None:
        args.steps = 40 if args.network == "book" else 10
    spe = args.steps_per_execution or 1
    if args.quick:
        args.steps, args.rounds = max(3, spe), 2
    unknown = [c for c in args.configs.split(",") if c and c not in CONFIGS]
    if unknown:
        p.error(f"unknown configuration(s) {unknown}; choose from {list(CONFIGS)}")
    if args.network == "book":
        ds = kg.data.load("mnist-5k", batch_size=args.batch_size, repeat=True)
    else:
        ds = random_images(NETWORKS[args.network][2], args.batch_size)
    chosen = ["reference"] + [c for c in args.configs.split(",") if c]
    intra, inter = thread_description()
    header = (f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, intra-op threads {intra}, "
              f"inter-op {inter}; network {args.network}, batch {args.batch_size}, {args.steps} steps per timed "
              f"epoch, {args.rounds} rounds, steps_per_execution {args.steps_per_execution or 'per config (1)'}")
    print(header)
    print(f"load average (1, 5, 15 min) at start: {load_start}", flush=True)
    models = {}
    for c in chosen:  # build and trace every configuration first (not timed)
        if c == "reference":
            kind, init, compile_kwargs = "reference", {}, {}
        else:
            kind, init, compile_kwargs = CONFIGS[c]
            compile_kwargs = dict(compile_kwargs)
            if args.steps_per_execution and kind != "plain":
                compile_kwargs.setdefault("steps_per_execution", args.steps_per_execution)
        models[c] = make(kind, args.network, **init, **compile_kwargs)
        models[c].fit(ds, epochs=1, steps_per_epoch=max(3, 2 * int(compile_kwargs.get("steps_per_execution", 1))),
                      verbose=0)
    summary = paired_rounds(models, ds, args.steps, args.batch_size, args.rounds)
    load_end = load_average()
    print(f"load average (1, 5, 15 min) at end: {load_end} (start {load_start})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"settings": {**vars(args), "intra_op_threads": intra, "inter_op_threads": inter,
                                    "cpus": os.cpu_count(), "tensorflow": tf.__version__, "keras": keras.__version__},
                       "load_average_start": load_start, "load_average_end": load_end, "results": summary},
                      f, indent=1)
    return summary


if __name__ == "__main__":
    main()
