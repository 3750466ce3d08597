"""Memory under load: 100,000 images through `GAN.generate` and through the exported SavedModel.

For each path the script generates `--images` images in batches of `--batch`, discarding each batch
(as a streaming writer would), and records the process's resident set size (RSS) after every batch.
It reports the RSS at the start and the end, the peak, and the growth per batch: the least-squares
slope of RSS over the batches after a warm-up (the first `--warmup` batches, where TensorFlow's
allocator and caches fill up). Flat memory means a slope of about zero KB/batch.

    python benchmarks/memory_generate.py                      # book DCGAN (28×28×1), 100,000 images
    python benchmarks/memory_generate.py --model mlp --images 20000

Prints one table row per path and a final JSON line (`RESULT {...}`).
"""
import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def rss_mb():
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def slope_kb_per_batch(rss, warmup):
    import numpy as np

    y = np.asarray(rss[warmup:], dtype="float64")
    if len(y) < 3:
        return float("nan")
    x = np.arange(len(y), dtype="float64")
    return float(np.polyfit(x, y, 1)[0] * 1024.0)


def measure(name, make_batch, n_images, batch, warmup):
    rss = []
    start = rss_mb()
    t0 = time.perf_counter()
    done = 0
    while done < n_images:
        size = min(batch, n_images - done)
        images = make_batch(done // batch, size)
        assert images.shape[0] == size
        del images
        done += size
        rss.append(rss_mb())
    seconds = time.perf_counter() - t0
    growth_after_warmup = rss[-1] - rss[min(warmup, len(rss) - 1)]
    row = {
        "path": name, "images": done, "batches": len(rss), "seconds": round(seconds, 1),
        "rss_start_mb": round(start, 1), "rss_after_warmup_mb": round(rss[min(warmup, len(rss) - 1)], 1),
        "rss_end_mb": round(rss[-1], 1), "rss_peak_mb": round(max(rss), 1),
        "growth_after_warmup_mb": round(growth_after_warmup, 2),
        "slope_kb_per_batch": round(slope_kb_per_batch(rss, warmup), 2),
    }
    print(f"{name:12s} {done:7d} images in {len(rss):4d} batches, {seconds:7.1f} s | RSS start {start:7.1f} MB, "
          f"after warm-up {row['rss_after_warmup_mb']:7.1f}, end {rss[-1]:7.1f}, peak {max(rss):7.1f} | "
          f"growth after warm-up {growth_after_warmup:+.2f} MB, slope {row['slope_kb_per_batch']:+.2f} KB/batch",
          flush=True)
    return row


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--warmup", type=int, default=10, help="batches excluded from the slope")
    p.add_argument("--model", choices=["dcgan", "mlp"], default="dcgan")
    args = p.parse_args(argv)

    import keras
    import numpy as np
    import tensorflow as tf

    import keras_gans as kg

    keras.utils.set_random_seed(0)
    if args.model == "dcgan":
        gan = kg.models.DCGAN(image_shape=(28, 28, 1), latent_dim=100)
    else:
        gan = kg.models.GAN(kg.networks.mlp_generator(), kg.networks.mlp_discriminator())
    print(f"keras {keras.__version__}, tensorflow {tf.__version__}; {args.model} generator with "
          f"{gan.generator.count_params():,} parameters; {args.images:,} images in batches of {args.batch}", flush=True)
    rows = [measure("generate", lambda i, n: gan.generate(n, seed=i, batch_size=args.batch),
                    args.images, args.batch, args.warmup)]

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "serving")
        gan.export(path, verbose=False)
        serve = tf.saved_model.load(path).signatures["serving_default"]
        rows.append(measure("savedmodel", lambda i, n: serve(z=tf.constant(gan.latent(n, seed=i)))["images"].numpy(),
                            args.images, args.batch, args.warmup))
    print("RESULT " + json.dumps({"model": args.model, "batch": args.batch, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
