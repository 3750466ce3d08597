"""Style-transfer step speed: our fit-driven StyleTransfer vs a keras-io-style loop, same run.

Both optimise the same images on the same VGG19 (seeded random weights: the ImageNet file cannot
be downloaded on the build machines) with the same losses and the lecture's SGD schedule. The
reference is the plain keras-io example's loop: a `tf.function` computing the losses and
gradients with a `GradientTape`, sending content, style and generated image through VGG19
together every step. Ours computes the style Grams and content features once and sends only the
generated image through VGG19, inside `model.fit`.

Rounds alternate between the two (the machine is shared, so load changes during a run); the
median seconds per step of the rounds is reported, with the losses of both, step by step.

    python benchmarks/style_transfer_speed.py                    # 400 px, 3 rounds of 5 steps each
    python benchmarks/style_transfer_speed.py --jit              # also time jit_compile=True
    python benchmarks/style_transfer_speed.py --compare-optimizers --height 128 --opt-steps 300

Measured 2026-11-23 (`--height 400 --steps 3 --rounds 3 --jit`, 400x599 px, the machine's load
average 29-36 on 2 cores from other jobs, so wall times are ~35x a quiet machine's): ours 47.5 s
and 4.52 CPU-s a step, keras-io loop 112.7 s and 11.73 CPU-s: 2.37x in wall time (median of
rounds 2.63x, 1.90x, 4.90x), 2.59x in CPU time; losses equal to 1e-7 over 11 steps.
jit_compile=True: 0.99x the wall time, 1.18x the CPU time (no gain). DESIGN.md's quiet-machine
probe: 0.67 s vs 1.9 s a step, so the lecture's 4,000 steps take about 45 min with ours
(about 2 h with the keras-io loop); the CLI default is 1,000 steps (about 11 min).
"""
import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def images():
    from sklearn.datasets import load_sample_images

    china, flower = load_sample_images().images  # 427 x 640 each
    return china, flower


class StepLosses:
    """Collects the per-step loss of a fit run (keras callback built lazily to import keras late)."""

    def __new__(cls):
        import keras

        class _Cb(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.losses = []

            def on_train_batch_end(self, batch, logs=None):
                self.losses.append(float(logs["loss"]))

        return _Cb()


def keras_io_loop(vgg, content_x, style_x, stm, jit_compile=False):
    """The keras-io example's loop on our loss functions: one VGG pass on [content, style, image] a step."""
    import keras
    import tensorflow as tf

    extractor = keras.Model(vgg.inputs[0], {layer.name: layer.output for layer in vgg.layers})  # as keras-io
    base = tf.constant(content_x)
    style_ref = tf.constant(style_x)
    combination = tf.Variable(content_x)
    optimizer = stm.lecture_optimizer()
    h, w = content_x.shape[1:3]
    n_style = len(stm.STYLE_LAYERS)

    def compute_loss(combination):
        feats = extractor(tf.concat([base, style_ref, combination], axis=0))
        f = feats[stm.CONTENT_LAYER]
        loss = 2.5e-8 * stm.content_loss(f[0], f[2])
        for name in stm.STYLE_LAYERS:
            f = feats[name]
            loss += (1e-6 / n_style) * stm.style_loss(stm.gram_matrix(f[1]), f[2], "keras", h * w)
        loss += 1e-6 * stm.total_variation_loss(combination, 1.25)
        return loss

    @tf.function(jit_compile=jit_compile)
    def compute_loss_and_grads(combination):
        with tf.GradientTape() as tape:
            loss = compute_loss(combination)
        return loss, tape.gradient(loss, combination)

    losses = []

    def run(steps):
        for _ in range(steps):
            loss, grads = compute_loss_and_grads(combination)
            optimizer.apply_gradients([(grads, combination)])
            losses.append(float(loss))

    return run, losses


CPU_TIMES = {}


def time_call(fn, steps, key=None):
    """Wall seconds per step; the process CPU seconds per step go to CPU_TIMES[key] (robust to load)."""
    t, c = time.perf_counter(), time.process_time()
    fn(steps)
    wall, cpu = (time.perf_counter() - t) / steps, (time.process_time() - c) / steps
    if key:
        CPU_TIMES.setdefault(key, []).append(cpu)
    return wall


def speed(args):
    import keras

    from keras_gans.models import style_transfer as stm

    content, style = images()
    vgg = stm.load_vgg19(None, seed=args.seed)
    st = stm.StyleTransfer(content, style, weights=vgg, height=args.height, seed=args.seed)
    h, w = st.image_height, st.image_width
    st.compile(jit_compile=False)
    content_x = stm.preprocess(stm.load_image(content, height=h, width=w))[None]
    style_x = stm.preprocess(stm.load_image(style, height=h, width=w))[None]
    ref_run, ref_losses = keras_io_loop(vgg, content_x, style_x, stm)
    ours_cb = StepLosses()

    def ours_run(steps):
        st.run(steps, callbacks=[ours_cb], log_every=steps, verbose=0)

    print(f"# {h}x{w} px, VGG19 random weights (seed {args.seed}), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    t = time.perf_counter()
    ours_run(args.warmup)
    print(f"ours: first {args.warmup} steps incl. tracing {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    ref_run(args.warmup)
    print(f"keras-io loop: first {args.warmup} steps incl. tracing {time.perf_counter() - t:.1f} s", flush=True)

    ours_t, ref_t = [], []
    for r in range(args.rounds):
        ours_t.append(time_call(ours_run, args.steps, "ours"))
        ref_t.append(time_call(ref_run, args.steps, "ref"))
        print(f"round {r + 1}: ours {ours_t[-1]:.3f} s/step ({CPU_TIMES['ours'][-1]:.3f} CPU-s), keras-io loop "
              f"{ref_t[-1]:.3f} s/step ({CPU_TIMES['ref'][-1]:.3f} CPU-s) (load {os.getloadavg()[0]:.1f})", flush=True)
    ours_s, ref_s = statistics.median(ours_t), statistics.median(ref_t)
    ratio = ref_s / ours_s
    print(f"ours (fit, targets once):      {1 / ours_s:.3f} steps/s ({ours_s:.3f} s/step, median of {args.rounds})")
    print(f"keras-io loop (3 images/step): {1 / ref_s:.3f} steps/s ({ref_s:.3f} s/step)")
    cpu_ours, cpu_ref = statistics.median(CPU_TIMES["ours"]), statistics.median(CPU_TIMES["ref"])
    print(f"speed-up: {ratio:.2f}x in wall time (goal >= 2.5); {cpu_ref / cpu_ours:.2f}x in process CPU time "
          f"({cpu_ours:.3f} vs {cpu_ref:.3f} CPU-s/step)")
    a, b = np.asarray(ours_cb.losses), np.asarray(ref_losses)
    rel = np.abs(a - b) / np.abs(b)
    print(f"losses, {len(a)} steps each: first {a[0]:.6g} vs {b[0]:.6g}; last {a[-1]:.6g} vs {b[-1]:.6g}; "
          f"max relative difference {rel.max():.2e}")
    print(f"default 4,000 steps at this speed: ours {4000 * ours_s / 60:.1f} min, keras-io loop "
          f"{4000 * ref_s / 60:.1f} min (extrapolated from the timed steps)")
    result = {"ours_s_per_step": ours_s, "ref_s_per_step": ref_s, "ratio": ratio, "max_rel_loss_diff": float(rel.max())}

    if args.jit:
        st_jit = stm.StyleTransfer(content, style, weights=vgg, height=args.height, seed=args.seed)
        st_jit.compile(jit_compile=True)
        t = time.perf_counter()
        st_jit.run(args.warmup, log_every=args.warmup, verbose=0)
        print(f"ours, jit_compile=True: first {args.warmup} steps incl. compiling {time.perf_counter() - t:.1f} s")
        jit_t, plain_t = [], []
        for _ in range(args.rounds):
            jit_t.append(time_call(lambda n: st_jit.run(n, log_every=n, verbose=0), args.steps, "jit"))
            plain_t.append(time_call(ours_run, args.steps, "plain"))
        js, ps = statistics.median(jit_t), statistics.median(plain_t)
        jc, pc = statistics.median(CPU_TIMES["jit"]), statistics.median(CPU_TIMES["plain"])
        print(f"ours jit_compile=True: {js:.3f} s/step ({jc:.3f} CPU-s) vs jit_compile=False {ps:.3f} s/step "
              f"({pc:.3f} CPU-s): XLA takes {js / ps:.2f}x the wall time, {jc / pc:.2f}x the CPU time")
        result["jit_s_per_step"] = js
    del keras
    return result


def compare_optimizers(args):
    """Loss after N steps for the lecture's SGD schedule and Adam at a few learning rates."""
    from keras_gans.models import style_transfer as stm
    import keras

    content, style = images()
    vgg = stm.load_vgg19(None, seed=args.seed)
    candidates = {
        "sgd ExponentialDecay(100, 100, 0.96) [lecture]": "sgd",
        "adam lr=1": lambda: keras.optimizers.Adam(1.0, epsilon=1e-1),
        "adam lr=5 [kg 'adam']": "adam",
        "adam lr=10": lambda: keras.optimizers.Adam(10.0, epsilon=1e-1),
    }
    marks = sorted({m for m in (10, 50, 100, 200, 300, 500, 1000, 2000, 4000) if m <= args.opt_steps} | {args.opt_steps})
    print(f"# loss at steps {marks}, {args.height} px, random VGG19 (seed {args.seed})")
    for name, opt in candidates.items():
        st = stm.StyleTransfer(content, style, weights=vgg, height=args.height, seed=args.seed)
        st.compile(opt if isinstance(opt, str) else opt())
        cb = StepLosses()
        t = time.perf_counter()
        st.run(args.opt_steps, callbacks=[cb], log_every=args.opt_steps, verbose=0)
        dt = time.perf_counter() - t
        vals = "  ".join(f"{m}:{cb.losses[m - 1]:.4g}" for m in marks)
        print(f"{name:48s} {vals}   ({dt:.0f} s)", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--height", type=int, default=400)
    p.add_argument("--steps", type=int, default=5, help="timed steps per round and per model")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jit", action="store_true", help="also time jit_compile=True")
    p.add_argument("--compare-optimizers", action="store_true", help="loss curves of SGD (lecture) vs Adam")
    p.add_argument("--opt-steps", type=int, default=300)
    args = p.parse_args(argv)
    if args.compare_optimizers:
        compare_optimizers(args)
    else:
        speed(args)


if __name__ == "__main__":
    sys.exit(main())
