"""Inference throughput in each precision: `gan.generate`, `kg.zoo.sample` and the FID feature pass.

Workloads (each in float32 and in mixed_bfloat16, issue 23):

- `generate-book`: `DCGAN.generate(n)` with the book's networks (28x28x1), untrained (speed only);
- `generate-radford64`: the same with the 64x64x3 Radford networks;
- `zoo-dcgan_mnist`: `kg.zoo.sample("dcgan_mnist", n, seed, model=kg.zoo.load("dcgan_mnist", dtype_policy=...))`;
- `evaluate-fid`: `kg.metrics.evaluate_generator(gan, metrics=("fid",), n_samples=n)` on the book DCGAN
  (sampling + the FID-MNIST feature pass of the n samples and the 500 reference images); images/s counts the
  n generated images. The classifier itself runs in float32 in both; the precision is the generator's.
- `features-graph` / `features-eager` (float32 only): the feature pass alone on n mnist-5k images, as
  `evaluate_images` runs it (one compiled call looping over batches of 500 in the graph) and as the old
  per-batch Python loop did (`FeatureExtractor._eager_batches`).

Every measurement is one call, timed in wall and process CPU time (all threads); calls rotate order in
paired rounds, and each bf16 ratio is taken against the float32 call of the same workload in the same round
(`features-eager` against `features-graph`). The table gives images per wall second and per CPU second
(medians), the ratios (median and range), and the cores kept busy (CPU-s / wall-s). Each function is called
once untimed first (tracing, loading). The machine load is printed at the start and the end.

    python benchmarks/inference_throughput.py                    # all workloads, 5 rounds
    python benchmarks/inference_throughput.py --workloads generate-book,evaluate-fid --rounds 7
    python benchmarks/inference_throughput.py --quick            # smoke test
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans import networks  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_throughput import load_average, set_threads, thread_description  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16")
WORKLOADS = ("generate-book", "generate-radford64", "zoo-dcgan_mnist", "evaluate-fid", "features-graph",
             "features-eager")
#: images per call: full run, --quick
SIZES = {"generate-book": (4096, 256), "generate-radford64": (512, 32), "zoo-dcgan_mnist": (4096, 256),
         "evaluate-fid": (4500, 300), "features-graph": (4500, 500), "features-eager": (4500, 500)}


def dcgan(network, dtype_policy):
    keras.utils.set_random_seed(0)
    if network == "book":
        g, d = networks.book_dcgan_generator(), networks.book_dcgan_discriminator()
    else:
        g, d = networks.radford_generator(), networks.radford_discriminator()
    return kg.models.DCGAN(generator=g, discriminator=d, latent_dim=100, seed=0, dtype_policy=dtype_policy)


def build(workload, precision, n):
    """A function of no arguments that produces `n` images (or their features), for `workload` in `precision`."""
    if workload.startswith("generate-"):
        gan = dcgan(workload.split("-", 1)[1], precision)
        return lambda: gan.generate(n, seed=0)
    if workload == "zoo-dcgan_mnist":
        model = kg.zoo.load("dcgan_mnist", dtype_policy=precision)
        return lambda: kg.zoo.sample("dcgan_mnist", n, seed=0, model=model)
    if workload == "evaluate-fid":
        gan = dcgan("book", precision)
        real = kg.metrics.reference_images("mnist-5k", "test")
        return lambda: kg.metrics.evaluate_generator(gan, metrics=("fid",), n_samples=n, real=real)
    images = kg.metrics.reference_images("mnist-5k", "train")[:n]
    ext = kg.metrics.extractors.get_extractor("mnist")
    if workload == "features-graph":
        return lambda: ext.features_and_probabilities(images, 500)
    return lambda: ext._eager_batches(images, 500)  # noqa: SLF001  (the per-batch loop, for comparison)


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma list from: " + ", ".join(WORKLOADS))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--n", type=int, default=None, help="images per call for every workload (default: per workload)")
    p.add_argument("--quick", action="store_true", help="smoke test: small calls, 2 rounds")
    p.add_argument("--intra-threads", type=int, default=None)
    p.add_argument("--inter-threads", type=int, default=None)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    set_threads(args.intra_threads, args.inter_threads)
    load_start = load_average()
    if args.quick:
        args.rounds = 2
    workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    intra, inter = thread_description()
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPUs, intra-op threads {intra}, "
          f"inter-op {inter}; {args.rounds} rounds")
    print(f"load average (1, 5, 15 min) at start: {load_start}", flush=True)
    items, pairs, sizes = {}, {}, {}
    for w in workloads:
        n = args.n or SIZES[w][1 if args.quick else 0]
        sizes[w] = n
        if w.startswith("features-"):
            items[w] = build(w, "float32", n)
            if w == "features-eager":
                pairs[w] = "features-graph" if "features-graph" in workloads else None
            continue
        for precision in PRECISIONS:
            items[f"{w} {precision}"] = build(w, precision, n)
        pairs[f"{w} mixed_bfloat16"] = f"{w} float32"
    for fn in items.values():  # trace / load / warm up (not timed)
        fn()
    names = list(items)
    wall, cpu = {k: [] for k in names}, {k: [] for k in names}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for k in order:
            w_s, c_s = timed(items[k])
            wall[k].append(w_s)
            cpu[k].append(c_s)
        print(f"  round {r + 1}: " + ", ".join(f"{k} {sizes[k.split()[0]] / wall[k][-1]:.0f} "
                                              f"({sizes[k.split()[0]] / cpu[k][-1]:.0f}/CPU-s)" for k in names)
              + " images/s", flush=True)
    print(f"\nmedians of {args.rounds} rounds (ratio: against the float32 call of the same workload in the same "
          "round, range in brackets; cores = CPU-s / wall-s)")
    print(f"{'workload':<34s} {'n':>5s} {'images/s':>9s} {'ratio':>17s}   {'images/CPU-s':>12s} {'CPU ratio':>17s}"
          f" {'cores':>5s}")
    summary = {}
    for k in names:
        n = sizes[k.split()[0]]
        ips, ipc = [n / t for t in wall[k]], [n / t for t in cpu[k]]
        row = {"n": n, "images_per_second": float(np.median(ips)), "images_per_cpu_second": float(np.median(ipc)),
               "cores_busy": float(np.median([c / w for c, w in zip(cpu[k], wall[k])])),
               "wall_s": wall[k], "cpu_s": cpu[k]}
        ratio_text = cpu_text = f"{'':>17s}"
        ref = pairs.get(k)
        if ref:
            q = [rw / w for w, rw in zip(wall[k], wall[ref])]
            qc = [rc / c for c, rc in zip(cpu[k], cpu[ref])]
            row.update(reference=ref, ratio=float(np.median(q)), ratio_min=min(q), ratio_max=max(q),
                       cpu_ratio=float(np.median(qc)), cpu_ratio_min=min(qc), cpu_ratio_max=max(qc))
            ratio_text = f"{np.median(q):5.2f} ({min(q):.2f}-{max(q):.2f})"
            cpu_text = f"{np.median(qc):5.2f} ({min(qc):.2f}-{max(qc):.2f})"
        summary[k] = row
        print(f"{k:<34s} {n:5d} {row['images_per_second']:9.1f} {ratio_text}   {row['images_per_cpu_second']:12.1f} "
              f"{cpu_text} {row['cores_busy']:5.2f}")
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
