"""Training throughput of CycleGAN on digits ↔ MNIST-M: ours vs a keras-io-style loop, same networks.

The reference is written here in the style of keras-io's "CycleGAN" example: one `keras.Model`
whose `train_step` runs every network once under one persistent tape — G(x), F(y), both round
trips, both identity images, each discriminator on its real and on the *current* fakes — and then
takes four gradients (G, F, D_X, D_Y) for four Adam optimizers. Losses are the same as ours
(least squares, λ_cyc = 10, λ_id = 5).

Ours (`kg.models.CycleGAN`) follows the paper's order instead: the generators' step first, then the
discriminators on real images and on fakes drawn from the history pools of 50 (`pool_size=0`: the
current fakes), so each discriminator runs twice more per step than in the reference. Both models
start from the same weights, see the same `tf.data` pipeline and are driven by `fit`; epochs alternate
in paired rounds as in benchmarks/train_throughput.py, which prints images per wall and CPU second and
the median ratio to the reference.

    python benchmarks/cyclegan_throughput.py                     # the preset's networks (32 filters, 70x70 PatchGAN)
    python benchmarks/cyclegan_throughput.py --configs ours,ours-bf16 --rounds 6   # precision (issue 23)
    python benchmarks/cyclegan_throughput.py --quick

Precision: "ours-bf16" is ours under `dtype_policy="mixed_bfloat16"` (generator tanh and PatchGAN logits in
float32), "ours-pool0-bf16" the same without the pool; the reference stays float32, so the ratios of "ours"
and "ours-bf16" side by side give the speed-up that bfloat16 buys. The table also gives the cores kept busy
(CPU-s / wall-s), and the machine load at the start and the end is printed and saved with `--json`.

Measured 2026-11-23 (`TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 python benchmarks/cyclegan_throughput.py`,
batch 8, 32 filters, 3 residual blocks, PatchGAN of 3 downsamplings, 6 rounds of 60 steps, nothing else running):
reference 35.1 images/s; ours 0.98 of it (per-round 0.96-0.99), without the pool 0.99 (0.95-1.00), with
`jit_compile=True` 0.97 (0.92-0.98). The CPU ratios are the same. The paper's order costs about 2 %, the pool
nothing measurable, and XLA does not pay off on this CPU.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans import networks  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_throughput import load_average, paired_rounds, set_threads, thread_description  # noqa: E402

SHAPE = (32, 32, 3)


class KerasIOStyleCycleGAN(keras.Model):
    """The keras-io CycleGAN pattern: one persistent tape over every forward pass, four optimizers."""

    def __init__(self, gen_g, gen_f, disc_x, disc_y, lambda_cycle=10.0, lambda_identity=0.5):
        super().__init__()
        self.gen_g, self.gen_f, self.disc_x, self.disc_y = gen_g, gen_f, disc_x, disc_y
        self.lambda_cycle, self.lambda_identity = lambda_cycle, lambda_identity

    def compile(self, optimizers):
        super().compile()
        self.gen_g_optimizer, self.gen_f_optimizer, self.disc_x_optimizer, self.disc_y_optimizer = optimizers
        self.tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.tracker]

    @staticmethod
    def mse(target, logits):
        return ops.mean(ops.square(logits - target))

    def train_step(self, data):
        real_x, real_y = data
        with tf.GradientTape(persistent=True) as tape:
            fake_y = self.gen_g(real_x, training=True)
            fake_x = self.gen_f(real_y, training=True)
            cycled_x = self.gen_f(fake_y, training=True)
            cycled_y = self.gen_g(fake_x, training=True)
            same_x = self.gen_f(real_x, training=True)
            same_y = self.gen_g(real_y, training=True)
            disc_real_x, disc_fake_x = self.disc_x(real_x, training=True), self.disc_x(fake_x, training=True)
            disc_real_y, disc_fake_y = self.disc_y(real_y, training=True), self.disc_y(fake_y, training=True)
            cycle = self.lambda_cycle * (ops.mean(ops.abs(real_y - cycled_y)) + ops.mean(ops.abs(real_x - cycled_x)))
            g_loss = (0.5 * self.mse(1.0, disc_fake_y) + cycle
                      + self.lambda_cycle * self.lambda_identity * ops.mean(ops.abs(real_y - same_y)))
            f_loss = (0.5 * self.mse(1.0, disc_fake_x) + cycle
                      + self.lambda_cycle * self.lambda_identity * ops.mean(ops.abs(real_x - same_x)))
            dx_loss = 0.5 * (self.mse(1.0, disc_real_x) + self.mse(0.0, disc_fake_x))
            dy_loss = 0.5 * (self.mse(1.0, disc_real_y) + self.mse(0.0, disc_fake_y))
        for loss, net, opt in ((g_loss, self.gen_g, self.gen_g_optimizer), (f_loss, self.gen_f, self.gen_f_optimizer),
                               (dx_loss, self.disc_x, self.disc_x_optimizer),
                               (dy_loss, self.disc_y, self.disc_y_optimizer)):
            opt.apply_gradients(zip(tape.gradient(loss, net.trainable_weights), net.trainable_weights))
        self.tracker.update_state(g_loss)
        return {"g_loss": self.tracker.result()}


def networks_for(filters, downsampling, blocks, template=None):
    """Four networks; with `template`, copies of its weights (so that every model starts alike)."""
    nets = [networks.resnet_generator(SHAPE, filters=filters, num_residual_blocks=blocks, name="generator_ab"),
            networks.resnet_generator(SHAPE, filters=filters, num_residual_blocks=blocks, name="generator_ba"),
            networks.patchgan_discriminator(SHAPE, filters=filters, num_downsampling=downsampling, name="discriminator_a"),
            networks.patchgan_discriminator(SHAPE, filters=filters, num_downsampling=downsampling, name="discriminator_b")]
    if template is not None:
        for net, source in zip(nets, template):
            net.set_weights(source.get_weights())
    return nets


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch-size", type=int, default=8, help="default 8, the preset's batch")
    p.add_argument("--filters", type=int, default=32)
    p.add_argument("--d-downsampling", type=int, default=3)
    p.add_argument("--res-blocks", type=int, default=3)
    p.add_argument("--steps", type=int, default=60, help="steps per timed epoch")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--configs", default="ours,ours-bf16,ours-pool0,ours-xla",
                   help="comma list from: ours (pool 50, the paper), ours-pool0 (no pool), ours-xla (jit_compile), "
                        "ours-bf16 (mixed_bfloat16), ours-pool0-bf16, ours-bf16-xla")
    p.add_argument("--steps-per-execution", type=int, default=None, metavar="N", help="passed to our compile()")
    p.add_argument("--intra-threads", type=int, default=None, help="tf.config.threading intra-op pool size")
    p.add_argument("--inter-threads", type=int, default=None, help="tf.config.threading inter-op pool size")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    set_threads(args.intra_threads, args.inter_threads)  # before any op
    load_start = load_average()
    if args.quick:
        args.steps, args.rounds = max(3, args.steps_per_execution or 1), 2
    keras.utils.set_random_seed(0)
    ds = kg.data.load_pair("mnist2mnistm-unpaired", batch_size=args.batch_size).repeat()
    template = networks_for(args.filters, args.d_downsampling, args.res_blocks)
    models = {"reference": KerasIOStyleCycleGAN(*networks_for(args.filters, args.d_downsampling, args.res_blocks,
                                                              template))}
    models["reference"].compile([adam(), adam(), adam(), adam()])
    bf16 = {"dtype_policy": "mixed_bfloat16"}
    options = {"ours": ({}, {}), "ours-pool0": ({"pool_size": 0}, {}), "ours-xla": ({}, {"jit_compile": True}),
               "ours-bf16": (bf16, {}), "ours-pool0-bf16": ({"pool_size": 0, **bf16}, {}),
               "ours-bf16-xla": (bf16, {"jit_compile": True})}
    unknown = [c for c in args.configs.split(",") if c and c not in options]
    if unknown:
        p.error(f"unknown configuration(s) {unknown}; choose from {list(options)}")
    for name in [c for c in args.configs.split(",") if c]:
        init, compile_kwargs = options[name]
        if args.steps_per_execution:
            compile_kwargs = {**compile_kwargs, "steps_per_execution": args.steps_per_execution}
        g_ab, g_ba, d_a, d_b = networks_for(args.filters, args.d_downsampling, args.res_blocks, template)
        models[name] = kg.models.CycleGAN(g_ab, g_ba, d_a, d_b, image_shape=SHAPE, seed=0, **init)
        models[name].compile(d_optimizer=adam(), g_optimizer=adam(), **compile_kwargs)
    intra, inter = thread_description()
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, intra-op threads {intra}, "
          f"inter-op {inter}; "
          f"batch {args.batch_size}, "
          f"{args.filters} filters, {args.res_blocks} residual blocks, PatchGAN {args.d_downsampling} downsamplings; "
          f"{args.steps} steps per timed epoch, {args.rounds} rounds, steps_per_execution "
          f"{args.steps_per_execution or 1}")
    print(f"load average (1, 5, 15 min) at start: {load_start}", flush=True)
    for model in models.values():  # build and trace first (not timed)
        model.fit(ds, epochs=1, steps_per_epoch=max(3, 2 * (args.steps_per_execution or 1)), verbose=0)
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
